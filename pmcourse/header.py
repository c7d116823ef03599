"""The header of a module notebook, written from the notebook's metadata.

Every module notebook stores its title, learning objectives, prerequisites,
estimated time and audience once, in the notebook metadata under the key
``pmcourse``. Everything else is generated from there:

- :func:`header_markdown` writes the first cell that learners see in Jupyter
  (``pmcourse header NOTEBOOK`` rewrites it; a test checks it is in step);
- :func:`header_myst` writes the header box that replaces that cell on the
  course website (the Sphinx extension ``book/_ext/pmcourse_book.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = [
    "FIELDS",
    "header_markdown",
    "header_myst",
    "header_problems",
    "read_header",
    "write_header_cell",
]

#: Metadata fields every module notebook must have, in the order shown.
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
    notebook = json.loads(Path(path).read_text("utf-8"))
    return dict(notebook.get("metadata", {}).get("pmcourse", {}))


def header_problems(metadata: dict) -> list[str]:
    """What a notebook's header metadata lacks, as plain sentences (empty when fine).

    Examples
    --------
    >>> for problem in header_problems({"title": "T", "objectives": ["o"]}):
    ...     print(problem)
    metadata "pmcourse" lacks "prerequisites"
    metadata "pmcourse" lacks "estimated_time_minutes"
    metadata "pmcourse" lacks "audience"
    """
    problems = []
    for field in FIELDS:
        value = metadata.get(field)
        if not value:
            problems.append(f'metadata "pmcourse" lacks "{field}"')
        elif field in ("objectives", "prerequisites", "audience") and not isinstance(value, list):
            problems.append(f'metadata "pmcourse" field "{field}" must be a list of strings')
    return problems


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


def header_myst(metadata: dict) -> str:
    """The header box of a module page on the website, as MyST Markdown.

    Examples
    --------
    >>> text = header_myst({"title": "Demo", "objectives": ["run a cell"],
    ...     "prerequisites": ["none"], "estimated_time_minutes": 20,
    ...     "audience": ["nurses"]})
    >>> text.splitlines()[:3]
    ['# Demo', '', ':::{admonition} About this module']
    """
    return (
        f"# {metadata['title']}\n\n"
        ":::{admonition} About this module\n"
        ":class: module-header\n\n"
        "**Learning objectives.** After this module you can:\n\n"
        f"{_bullets(metadata['objectives'])}\n\n"
        "**Prerequisites.**\n\n"
        f"{_bullets(metadata['prerequisites'])}\n\n"
        f"**Estimated time.** About {metadata['estimated_time_minutes']} minutes.\n\n"
        f"**Audience.** {', '.join(metadata['audience'])}.\n"
        ":::\n"
    )


def write_header_cell(path: str | Path) -> bool:
    """Rewrite the first cell of a module notebook from its metadata.

    Returns True when the cell changed. The cell is replaced when it is a
    Markdown cell starting with ``# ``; otherwise a new first cell is inserted.

    Raises
    ------
    ValueError
        If the notebook's ``pmcourse`` metadata is incomplete.
    """
    path = Path(path)
    notebook = json.loads(path.read_text("utf-8"))
    metadata = notebook.get("metadata", {}).get("pmcourse", {})
    problems = header_problems(metadata)
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems) + ".")
    text = header_markdown(metadata)
    lines = text.splitlines(keepends=True)
    cells = notebook["cells"]
    first = cells[0] if cells else None
    is_header = (
        first is not None
        and first["cell_type"] == "markdown"
        and "".join(first["source"]).startswith("# ")
    )
    if is_header and "".join(first["source"]) == text:
        return False
    if is_header:
        first["source"] = lines
    else:
        cells.insert(0, {"cell_type": "markdown", "id": "header", "metadata": {}, "source": lines})
    path.write_text(
        json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
    )
    return True
