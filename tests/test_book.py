"""The course website builds with warnings as errors and has every page."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    completed = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
            "--warningiserror",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return out / "_build" / "html"


def test_source_exercises_are_never_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert not any(f.startswith("exercises/source") for f in _toc_files(toc))
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "exercises/source/*" in config["exclude_patterns"]


def test_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for name in _toc_files(toc):
        assert any((ROOT / f"{name}{suffix}").exists() for suffix in (".md", ".ipynb")), name


@pytest.mark.slow
def test_every_page_is_built(built_site):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for name in _toc_files(toc):
        assert (built_site / f"{name}.html").is_file(), name
    assert (built_site / "index.html").is_file()


@pytest.mark.slow
def test_module_pages_show_executed_outputs(built_site):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (built_site / "notebooks" / f"{notebook.stem}.html").read_text()
        assert 'class="cell_output' in page, f"{notebook.name} was not executed"
        assert "Traceback" not in page
    foundations = (built_site / "notebooks" / "01_foundations.html").read_text()
    assert re.search(r'<img[^>]+src="[^"]+\.png"', foundations), "no figure on module 1"


@pytest.mark.slow
def test_released_exercise_is_shown_unexecuted_and_without_solutions(built_site):
    release = built_site / "exercises" / "release" / "01_foundations" / "01_foundations.html"
    page = release.read_text()
    assert "NotImplementedError" in page
    assert 'class="cell_output' not in page
    assert "BEGIN SOLUTION" not in page and "HIDDEN TESTS" not in page
    assert not (built_site / "exercises" / "source").exists()
    assert not list(built_site.rglob("*source*01_foundations*"))


@pytest.mark.slow
def test_glossary_and_references_are_built(built_site):
    glossary = (built_site / "book" / "glossary.html").read_text()
    assert 'id="term-' in glossary
    references = (built_site / "book" / "bibliography.html").read_text()
    assert "CPIC" in references


@pytest.mark.slow
def test_module_pages_load_no_widget_manager_from_a_cdn(built_site):
    for page in (built_site / "notebooks").glob("*.html"):
        html = page.read_text()
        assert "html-manager" not in html and "require.min.js" not in html, page.name
