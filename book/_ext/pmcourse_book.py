"""Sphinx extension for the course website (registered in _config.yml).

Everything about the modules comes from the module registry
(:mod:`pmcourse.modules`: the metadata ``pmcourse`` of notebooks/*.ipynb), so a
new module needs no change here.

- Module pages (notebooks/*.ipynb) open with a header box generated from their
  metadata: the notebook's hand-written first cell is replaced by
  :func:`pmcourse.header.header_myst`, so the metadata is the one source of
  truth. The box shows the guidelines the module follows, the date of its last
  clinical review and a link to report an error on the page (an issue in the
  repository of _config.yml ``repository: url:``). A module page with invalid
  metadata or without a "Key points" section fails the build.
- ``{pmcourse-modules}``: the table of modules on the landing page.
- ``{pmcourse-guidelines}``: every module's guidelines, versions, citations and
  date of last clinical review (book/guidelines.md).
- ``{pmcourse-assignments}``: the graded assignments with their parts, points
  and points per kind (book/instructors.md), read from the released notebooks.
- Glossary terms and citations, written in the notebooks as plain links that
  JupyterLab shows cleanly (``make links``, :mod:`pmcourse.markup`), become the
  roles ``{term}`` and ``{cite:p}`` again, so the website links them.
- Fixes for an offline, accessible page: no thebe, bibliography entries as
  list items (see :func:`_fix_page`).
- The website's own style sheet (``book/_static/pmcourse.css``): the header
  box and visible keyboard focus.

The tables are built by plain functions (:func:`modules_table`,
:func:`guidelines_table`, :func:`assignments_table`), tested without Sphinx;
the directives only parse their Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import urlencode

import nbformat
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from pmcourse.header import header_myst, header_problems, replace_header_cell
from pmcourse.markup import glossary_terms, links_to_roles
from pmcourse.modules import KINDS, Module, modules, points_by_kind

logger = logging.getLogger(__name__)

KEY_POINTS = re.compile(r"^## Key points\s*$", flags=re.MULTILINE)
STATIC = Path(__file__).resolve().parents[1] / "_static"


def report_url(repository: str, *, page: str, title: str) -> str:
    """The link that opens a new issue about a page in the course's repository.

    The issue's title names the page; the link has no other parameter (an ``&``
    in a Markdown link is escaped twice by the Markdown parser).

    Examples
    --------
    >>> report_url("https://github.com/o/r/", page="notebooks/01_x", title="Foundations")
    'https://github.com/o/r/issues/new?title=Error+on+the+page+%22Foundations%22+%28notebooks%2F01_x%29'
    """
    query = urlencode({"title": f'Error on the page "{title}" ({page})'})
    return f"{repository.rstrip('/')}/issues/new?{query}"


def _replace_header(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb" or path.parent.name != "notebooks":
        return  # only module pages (notebooks/*.ipynb) have a header box
    notebook = nbformat.reads(source[0], as_version=4)
    metadata = notebook.metadata.get("pmcourse")
    if metadata is None:
        raise ExtensionError(
            f'notebooks/{path.name} is a module notebook without metadata "pmcourse" '
            "(see pmcourse/resources/schemas/module.schema.json)."
        )
    problems = header_problems(metadata, where=f"notebooks/{path.name}, metadata pmcourse")
    if problems:
        raise ExtensionError("\n".join(f"{problem}." for problem in problems))
    repository = app.config.html_theme_options.get("repository_url")
    if not repository:
        logger.warning(
            "_config.yml has no repository: url:, so module pages get no link to report an "
            "error: add the repository's address.",
            location=docname,
        )
    link = report_url(repository, page=docname, title=metadata["title"]) if repository else None
    replace_header_cell(notebook, header_myst(metadata, report_url=link))
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    if not KEY_POINTS.search(markdown):
        logger.warning(
            "%s has no '## Key points' section: end every module with one.",
            path.name,
            location=docname,
        )
    source[0] = nbformat.writes(notebook)


def _roles_from_links(app: Sphinx, docname: str, source: list[str]) -> None:
    """Turn the notebooks' glossary and citation links back into roles (see pmcourse.markup)."""
    if Path(app.env.doc2path(docname)).suffix != ".ipynb":
        return
    notebook = nbformat.reads(source[0], as_version=4)
    terms = glossary_terms(Path(app.srcdir) / "book" / "glossary.md")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = links_to_roles(cell.source, terms=terms)
    source[0] = nbformat.writes(notebook)


def _doc(docname: str, docs: Collection[str], text: str, *, titled: bool = False) -> str:
    """A link to a page of the book (under its own title when ``titled``), else ``text``."""
    if docname not in docs:
        return f"`{text}`"
    return f"{{doc}}`/{docname}`" if titled else f"{{doc}}`{text} </{docname}>`"


def _release(module: Module) -> str:
    """The document name of a module's released assignment."""
    return f"exercises/release/{module.assignment}/{module.assignment}"


def modules_table(course: list[Module], docs: Collection[str]) -> list[str]:
    """The landing page's table of modules, as Markdown lines (modules not in ``docs`` left out).

    Examples
    --------
    >>> from pmcourse.modules import modules
    >>> release = "exercises/release/04_pharmacogenomics/04_pharmacogenomics"
    >>> docs = {"notebooks/04_pharmacogenomics", release}
    >>> for row in modules_table(modules(), docs):
    ...     print(row)
    | no. | module | time | graded exercise |
    | --- | --- | --- | --- |
    | 4 | {doc}`/notebooks/04_pharmacogenomics` | 80 min | \
{doc}`/exercises/release/04_pharmacogenomics/04_pharmacogenomics` |
    """
    rows = ["| no. | module | time | graded exercise |", "| --- | --- | --- | --- |"]
    for module in course:
        docname = f"notebooks/{module.name}"
        if docname not in docs:
            continue
        exercise = "none"
        if module.assignment:
            exercise = _doc(_release(module), docs, module.assignment, titled=True)
        rows.append(
            f"| {module.number} | {{doc}}`/{docname}` | {module.estimated_time_minutes} min "
            f"| {exercise} |"
        )
    return rows


def guidelines_table(course: list[Module], docs: Collection[str]) -> list[str]:
    """Per module: the date of its last clinical review and a table of its guidelines.

    Examples
    --------
    >>> from pmcourse.modules import module
    >>> lines = guidelines_table([module(1)], docs=set())
    >>> for line in lines[:5]:
    ...     print(line)
    Module 1, `01_foundations`: last clinical review 2026-11-25.
    <BLANKLINE>
    | guideline or data | version | reference |
    | --- | --- | --- |
    | CPIC allele frequency tables | 20260819.1 | {cite:p}`cpic_frequencies` |
    """
    lines = []
    for module in course:
        page = _doc(f"notebooks/{module.name}", docs, module.name, titled=True)
        review = module.clinical_review.isoformat()
        lines += [f"Module {module.number}, {page}: last clinical review {review}.", ""]
        if not module.guidelines:
            lines += ["It follows no guideline: it makes no clinical recommendations.", ""]
            continue
        lines += ["| guideline or data | version | reference |", "| --- | --- | --- |"]
        lines += [
            f"| {g.name} | {g.version} | {{cite:p}}`{g.citation}` |" for g in module.guidelines
        ]
        lines.append("")
    return lines


def _points(value: float) -> str:
    return f"{value:g}"


def assignments_table(course: list[Module], docs: Collection[str]) -> list[str]:
    """The instructor table: per assignment its graded parts, points and points per kind.

    The parts are the graded cells of the released notebook (their
    ``grade_id``, points and kind); a part whose cell carries no kind is shown
    as "unknown". The last column is the share of the points given to clinical
    reasoning (interpretation and free-text), which should be at least half.

    Examples
    --------
    >>> from pmcourse.modules import module
    >>> header, rule, row = assignments_table([module(1)], docs=set())
    >>> header.split(" | ")[1:4]
    ['parts (points, kind)', 'points', 'code']
    """
    assigned = [module for module in course if module.assignment]
    parts = {module.name: module.parts() for module in assigned}
    every = [part for found in parts.values() for part in found]
    kinds = list(KINDS) + (["unknown"] if "unknown" in points_by_kind(every) else [])
    rows = [
        "| assignment | parts (points, kind) | points | "
        + " | ".join(kinds)
        + " | interpretation and free-text |",
        "| --- " * (len(kinds) + 4) + "|",
    ]
    for module in assigned:
        found = parts[module.name]
        points = points_by_kind(found)
        total = sum(part.points for part in found)
        clinical = points["interpretation"] + points["free-text"]
        share = f"{clinical / total:.0%}" if total else "no points"
        if points.get("unknown"):
            share += f" (and {_points(points['unknown'])} points of unknown kind)"
        listed = "; ".join(
            f"`{part.grade_id}` ({_points(part.points)}, {part.kind or 'unknown'})"
            for part in found
        )
        rows.append(
            f"| {_doc(_release(module), docs, module.assignment)} | {listed} | {_points(total)} | "
            + " | ".join(_points(points.get(kind, 0)) for kind in kinds)
            + f" | {share} |"
        )
    return rows


class _RegistryTable(SphinxDirective):
    """A directive that shows a table built from the module registry."""

    has_content = False
    table: Callable[[list[Module], Collection[str]], list[str]]

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        try:
            course = modules(srcdir)
        except ValueError as error:
            raise ExtensionError(str(error)) from None
        for module in course:
            for path in (module.notebook, module.release):
                if path is not None:
                    self.env.note_dependency(str(path))
        lines = type(self).table(course, self.env.found_docs)
        container = nodes.container(classes=[self.name])
        self.state.nested_parse(StringList(lines, source=self.name), 0, container)
        return container.children


class ModulesDirective(_RegistryTable):
    """``{pmcourse-modules}``: the table of modules (see :func:`modules_table`)."""

    table = staticmethod(modules_table)


class GuidelinesDirective(_RegistryTable):
    """``{pmcourse-guidelines}``: guidelines and reviews (see :func:`guidelines_table`)."""

    table = staticmethod(guidelines_table)


class AssignmentsDirective(_RegistryTable):
    """``{pmcourse-assignments}``: the instructor table (see :func:`assignments_table`)."""

    table = staticmethod(assignments_table)


def _fix_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Remove what would break an offline, accessible page.

    - Thebe (live code in the page) is not offered: its script would load thebe
      from a CDN, and Jupyter Book adds its configuration twice, a JavaScript
      error on every page. Launch buttons open Binder or the JupyterHub instead.
    - docutils marks bibliography entries with the deprecated ARIA role
      ``doc-biblioentry`` inside a ``role="list"``; axe-core reports that list as
      having no list items (critical), so they become list items.
    - The theme's colour mode defaults to the reader's system setting.
    """
    # Without a default colour mode the theme logs a JavaScript error on a
    # reader's first visit; "auto" follows the reader's system setting.
    context.setdefault("default_mode", "auto")
    context["script_files"] = [
        script
        for script in context.get("script_files", [])
        if "thebe" not in str(script).lower()
        and "THEBE_JS_URL" not in getattr(script, "attributes", {}).get("body", "")
    ]
    context["css_files"] = [
        css for css in context.get("css_files", []) if "thebe" not in str(css).lower()
    ]
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _configure(app: Sphinx, config) -> None:
    config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.add_directive("pmcourse-modules", ModulesDirective)
    app.add_directive("pmcourse-guidelines", GuidelinesDirective)
    app.add_directive("pmcourse-assignments", AssignmentsDirective)
    app.connect("config-inited", _configure)
    app.connect("source-read", _replace_header)
    app.connect("source-read", _roles_from_links)
    app.connect("html-page-context", _fix_page, priority=900)
    app.add_css_file("pmcourse.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
