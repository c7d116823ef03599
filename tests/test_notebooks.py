"""Every learner notebook and exercise master runs top to bottom on a fresh kernel."""

import re
from pathlib import Path

import nbformat
import pytest

from pmcourse.markup import glossary_terms, links_to_roles

ROOT = Path(__file__).resolve().parents[1]

LEARNER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HEADER_FIELDS = ("objectives", "prerequisites", "estimated_time_minutes", "audience")


@pytest.mark.slow
@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_a_fresh_kernel(path, run_notebook):
    notebook = run_notebook(path)
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    stderr = [
        output.text
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.get("name") == "stderr"
    ]
    assert not stderr, f"{path.name} writes warnings: {stderr[:2]}"


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_module_header_and_key_points(path):
    notebook = nbformat.read(path, as_version=4)
    metadata = notebook.metadata["pmcourse"]
    for field in HEADER_FIELDS:
        assert metadata.get(field), f"{path.name}: metadata lacks {field}"
    header = notebook.cells[0].source
    assert header.startswith("# ")
    for label in ("Learning objectives", "Prerequisites", "Estimated time", "Audience"):
        assert label in header, f"{path.name}: header lacks {label}"
    for objective in metadata["objectives"]:
        assert objective in header
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for section in ("## Questions clinicians ask", "## Key points", "## Further reading"):
        assert section in markdown, f"{path.name} has no '{section}' section"
    assert len(re.findall(r"^# ", markdown, flags=re.MULTILINE)) == 1


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=lambda p: p.name)
def test_learner_cells_are_short(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 12, cell.source


def test_every_glossary_link_is_defined(root):
    glossary = (root / "book" / "glossary.md").read_text()
    defined = {
        line.strip().lower()
        for line in glossary.splitlines()
        if line and not line.startswith((" ", "#", "`", ":"))
    }
    terms = glossary_terms()
    for path in LEARNER_NOTEBOOKS:
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        text = links_to_roles(text, terms=terms)  # terms written as links (pmcourse.markup)
        unknown = re.findall(r"\[[^\]]+\]\([^)\s]*glossary\.md#[^)\s]+\)", text)
        assert not unknown, f"{path.name} links to undefined glossary terms: {unknown}"
        for term in re.findall(r"\{term\}`([^`]+)`", text):
            target = re.search(r"<([^>]+)>", term)
            name = (target.group(1) if target else term).strip().lower()
            assert name in defined, f"{path.name} links to undefined glossary term {name!r}"
