"""Sphinx extension for the course website (registered in _config.yml).

- Module pages (notebooks with ``pmcourse`` metadata) open with a header box
  generated from that metadata: the notebook's hand-written first cell is
  replaced by :func:`pmcourse.header.header_myst`, so the metadata is the one
  source of truth. A module page without complete metadata or without a
  "Key points" section fails the build.
- ``{pmcourse-modules}``: the table of modules on the landing page, from the
  same metadata.
- Fixes for an offline, accessible page: no thebe, bibliography entries as
  list items (see :func:`_fix_page`).
- The website's own style sheet (``book/_static/pmcourse.css``): the header
  box and visible keyboard focus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from pmcourse.header import header_myst, header_problems

logger = logging.getLogger(__name__)

KEY_POINTS = re.compile(r"^## Key points\s*$", flags=re.MULTILINE)
STATIC = Path(__file__).resolve().parents[1] / "_static"


def _replace_header(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb" or path.parent.name != "notebooks":
        return  # only module pages (notebooks/*.ipynb) have a header box
    notebook = json.loads(source[0])
    metadata = notebook.get("metadata", {}).get("pmcourse")
    if metadata is None:
        raise ExtensionError(
            f'{path.name} is a module notebook without "pmcourse" metadata '
            "(title, objectives, prerequisites, estimated_time_minutes, audience)."
        )
    problems = header_problems(metadata)
    if problems:
        raise ExtensionError(f"{path.name}: " + "; ".join(problems) + ".")
    cells = notebook["cells"]
    box = {"cell_type": "markdown", "metadata": {}, "source": header_myst(metadata)}
    first = cells[0] if cells else None
    if first and first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "):
        cells[0] = {**first, "source": box["source"]}
    else:
        cells.insert(0, {**box, "id": "pmcourse-header"})
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    if not KEY_POINTS.search(markdown):
        logger.warning(
            "%s has no '## Key points' section: end every module with one.",
            path.name,
            location=docname,
        )
    source[0] = json.dumps(notebook)


class ModulesDirective(SphinxDirective):
    """``{pmcourse-modules}``: a table of the modules, from their notebooks' metadata.

    Lists every notebooks/*.ipynb of the book in order, so the landing page
    shows a new module as soon as it is in _toc.yml.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        rows = ["| no. | module | time |", "| --- | --- | --- |"]
        for path in sorted((srcdir / "notebooks").glob("*.ipynb")):
            docname = f"notebooks/{path.stem}"
            if docname not in self.env.found_docs:
                continue
            self.env.note_dependency(str(path))
            metadata = json.loads(path.read_text("utf-8"))["metadata"].get("pmcourse", {})
            number = metadata.get("module", path.stem.split("_", 1)[0].lstrip("0") or "0")
            minutes = metadata.get("estimated_time_minutes", "")
            rows.append(f"| {number} | {{doc}}`/{docname}` | {minutes} min |")
        container = nodes.container(classes=["pmcourse-modules"])
        self.state.nested_parse(StringList(rows, source="pmcourse-modules"), 0, container)
        return container.children


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
    app.connect("config-inited", _configure)
    app.connect("source-read", _replace_header)
    app.connect("html-page-context", _fix_page, priority=900)
    app.add_css_file("pmcourse.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
