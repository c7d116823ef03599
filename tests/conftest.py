import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def execute_notebook(path: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom on a fresh kernel, in its own folder; return it."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return notebook


@pytest.fixture(scope="session")
def run_notebook():
    """The notebook runner shared by the notebook and exercise tests."""
    return execute_notebook


def find_required_tool(name: str, packages: str) -> str:
    """The path of an external program a test needs.

    A missing program skips the test with the Debian packages that install it,
    and fails it under CI (``CI=true``), where the program must be there.
    """
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (Debian: apt-get install {packages})."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} Under CI a missing {name} is a failure.")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def required_tool():
    """``required_tool(name, packages)``: the path of a program, as :func:`find_required_tool`."""
    return find_required_tool


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The course website, built once per test session (warnings are errors)."""
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


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright (see tests/chromium.py); one per session."""
    from chromium import FLAGS, executable
    from playwright.sync_api import sync_playwright

    path = executable()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=FLAGS)
        yield browser
        browser.close()
