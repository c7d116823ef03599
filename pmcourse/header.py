"""The header of a module notebook, written from the notebook's metadata.

Every module notebook stores its title, learning objectives, prerequisites,
estimated time and audience once, in the notebook metadata under the key
``pmcourse``, with the rest of the module's description (the module registry,
:mod:`pmcourse.modules`; the fields are checked against
``pmcourse/resources/schemas/module.schema.json``). Everything else is
generated from there:

- :func:`header_markdown` writes the first cell that learners see in Jupyter
  (``pmcourse header NOTEBOOK`` rewrites it; a test checks it is in step);
- :func:`header_myst` writes the header box that replaces that cell on the
  course website (the Sphinx extension ``book/_ext/pmcourse_book.py``).
"""

from __future__ import annotations

from pathlib import Path

from pmcourse.schemas import problems

__all__ = [
    "FIELDS",
    "header_markdown",
    "header_myst",
    "header_problems",
    "read_header",
    "replace_header_cell",
    "write_header_cell",
]

#: The metadata fields the header shows, in the order shown.
FIELDS = ("title", "objectives", "prerequisites", "estimated_time_minutes", "audience")


def read_header(path: str | Path) -> dict:
    """The ``pmcourse`` metadata of a notebook (an empty dict when there is none).

    Examples
    --------
    >>> from pathlib import Path
    >>> root = Path(__file__).resolve().parents[1]
    >>> read_header(root / "notebooks" / "01_foundations.ipynb")["module"]
    1
    """
    import nbformat

    return dict(nbformat.read(Path(path), as_version=4).metadata.get("pmcourse", {}))


def header_problems(metadata: dict, *, where: str = 'metadata "pmcourse"') -> list[str]:
    """What is wrong with a notebook's module metadata, as plain sentences (empty when fine).

    The metadata is checked against the module schema
    (``pmcourse/resources/schemas/module.schema.json``); ``where`` starts each
    sentence.

    Examples
    --------
    >>> for problem in header_problems({"title": "T", "objectives": ["o"]})[:3]:
    ...     print(problem)
    metadata "pmcourse": lacks "module"
    metadata "pmcourse": lacks "slug"
    metadata "pmcourse": lacks "prerequisites"
    >>> print(header_problems({"estimated_time_minutes": "75"})[-1])
    metadata "pmcourse": has the estimated time "75": write the minutes as a whole number,
    such as 75
    """
    return problems(metadata, "module", where=where)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def header_markdown(metadata: dict) -> str:
    """The first cell of a module notebook, as plain Markdown for Jupyter.

    Examples
    --------
    >>> print(header_markdown({"title": "Demo", "objectives": ["run a cell"],
    ...     "prerequisites": ["none"], "estimated_time_minutes": 20,
    ...     "audience": ["nurses", "doctors"]}))
    # Demo
    <BLANKLINE>
    **Learning objectives.** After this notebook you can:
    <BLANKLINE>
    - run a cell
    <BLANKLINE>
    **Prerequisites.**
    <BLANKLINE>
    - none
    <BLANKLINE>
    **Estimated time.** About 20 minutes.
    <BLANKLINE>
    **Audience.** nurses, doctors.
    """
    return (
        f"# {metadata['title']}\n\n"
        "**Learning objectives.** After this notebook you can:\n\n"
        f"{_bullets(metadata['objectives'])}\n\n"
        "**Prerequisites.**\n\n"
        f"{_bullets(metadata['prerequisites'])}\n\n"
        f"**Estimated time.** About {metadata['estimated_time_minutes']} minutes.\n\n"
        f"**Audience.** {', '.join(metadata['audience'])}."
    )


def _guidelines(metadata: dict) -> str:
    """The header box's guidelines and versions (their citations: the guidelines page)."""
    followed = [f"{g['name']} ({g['version']})" for g in metadata.get("guidelines", [])]
    if not followed:
        return "**Guidelines followed.** None: this module makes no clinical recommendations."
    return "**Guidelines followed.**\n\n" + _bullets(followed)


def header_myst(metadata: dict, *, report_url: str | None = None) -> str:
    """The header box of a module page on the website, as MyST Markdown.

    Besides the header of :func:`header_markdown`, the box shows the
    guidelines and data versions the module follows, the date of its last
    clinical review (with a link to the page that lists them for every module)
    and, given ``report_url``, a link to report an error on the page.

    Examples
    --------
    >>> text = header_myst({"title": "Demo", "objectives": ["run a cell"],
    ...     "prerequisites": ["none"], "estimated_time_minutes": 20,
    ...     "audience": ["nurses"], "clinical_review": "2026-11-25", "guidelines": [
    ...     {"name": "CPIC allele frequency tables", "version": "20260819.1",
    ...      "citation": "cpic_frequencies"}]}, report_url="https://example.org/issues/new")
    >>> text.splitlines()[:3]
    ['# Demo', '', ':::{admonition} About this module']
    >>> print(text.split("**Audience.** nurses.", 1)[1])  # doctest: +NORMALIZE_WHITESPACE
    <BLANKLINE>
    **Guidelines followed.**
    <BLANKLINE>
    - CPIC allele frequency tables (20260819.1)
    <BLANKLINE>
    **Last clinical review.** 2026-11-25 (see
    {doc}`Guidelines and clinical review </book/guidelines>`).
    <BLANKLINE>
    [Report an error on this page](https://example.org/issues/new)
    :::
    """
    review = ""
    if "clinical_review" in metadata:
        review = (
            f"{_guidelines(metadata)}\n\n"
            f"**Last clinical review.** {metadata['clinical_review']} (see\n"
            "{doc}`Guidelines and clinical review </book/guidelines>`).\n\n"
        )
    report = f"[Report an error on this page]({report_url})\n" if report_url else ""
    return (
        f"# {metadata['title']}\n\n"
        ":::{admonition} About this module\n"
        ":class: module-header\n\n"
        "**Learning objectives.** After this module you can:\n\n"
        f"{_bullets(metadata['objectives'])}\n\n"
        "**Prerequisites.**\n\n"
        f"{_bullets(metadata['prerequisites'])}\n\n"
        f"**Estimated time.** About {metadata['estimated_time_minutes']} minutes.\n\n"
        f"**Audience.** {', '.join(metadata['audience'])}.\n\n"
        f"{review}{report}"
        ":::\n"
    )


def replace_header_cell(notebook, text: str) -> bool:
    """Make ``text`` the first cell of a notebook (an nbformat v4 NotebookNode).

    The first cell is replaced when it is a Markdown cell starting with
    ``# `` (the header); otherwise a new Markdown cell is inserted before it.
    Returns True when the notebook changed.

    Examples
    --------
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> replace_header_cell(notebook, "# Demo"), replace_header_cell(notebook, "# Demo")
    (True, False)
    >>> [cell.source for cell in notebook.cells]
    ['# Demo', '1 + 1']
    """
    import nbformat

    cells = notebook.cells
    if cells and cells[0].cell_type == "markdown" and cells[0].source.startswith("# "):
        changed = cells[0].source != text
        cells[0].source = text
        return changed
    cells.insert(0, nbformat.v4.new_markdown_cell(text, id="header"))
    return True


def write_header_cell(path: str | Path) -> bool:
    """Rewrite the first cell of a module notebook from its metadata.

    Returns True when the cell changed (see :func:`replace_header_cell`); an
    unchanged notebook is not written.

    Raises
    ------
    ValueError
        If the notebook's ``pmcourse`` metadata is incomplete or invalid.
    """
    import nbformat

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    metadata = notebook.metadata.get("pmcourse", {})
    found = header_problems(metadata, where=f"{path.name}, metadata pmcourse")
    if found:
        raise ValueError("\n".join(f"{problem}." for problem in found))
    if not replace_header_cell(notebook, header_markdown(metadata)):
        return False
    nbformat.write(notebook, path)
    return True
