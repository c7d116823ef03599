"""Debian's chromium for the browser tests (the website's and JupyterLab's).

Playwright drives the chromium that Debian installs (never `playwright
install`). Without it the browser tests skip with a message; under CI
(CI=true) a missing browser is a failure. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: No network beyond 127.0.0.1: no background requests, updates or sync.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def executable() -> str:
    """The chromium to drive; skips the test (fails it under CI) when there is none."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).is_file():
        return path
    message = (
        "The browser tests need Debian's chromium (apt-get install chromium); "
        f"none found at {path}."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message + " Under CI a missing browser is a failure.")
    pytest.skip(message)
