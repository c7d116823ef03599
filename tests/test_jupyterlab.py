"""Each module notebook as a learner sees it: in real JupyterLab, run from top to bottom.

One JupyterLab server (127.0.0.1, a random free port, a token, the course's
settings from jupyter/settings/, the kernel of this environment) serves a
temporary copy of notebooks/, book/ and data/, so nothing is written into the
repository. Debian's chromium opens each module notebook of the registry, runs
all cells and waits for the kernel. Then no cell may have written to stderr or
raised an error, every widget must render, no raw MyST markup (roles,
directive fences, targets) may show, no reference may be unresolved (on the
page or in the browser console), every instant check must show ✅ or ❌, and
JupyterLab must not show its news pop-up. A full-page screenshot of each module
goes to test-artifacts/jupyterlab-<module>.png.

Without chromium these tests skip; under CI (CI=true) that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from book_site import ROOT, module_notebooks
from chromium import ARTIFACTS

pytestmark = pytest.mark.slow

SETTINGS = ROOT / "jupyter" / "settings"  # the same settings as `make lab`
WIDGET = "application/vnd.jupyter.widget-view+json"
#: MyST that should have been rendered: roles, directive fences and options, targets.
RAW_MYST = re.compile(
    r"\{[a-z][a-z:-]*\}`"  # a role: {term}`x`, {cite:p}`x`, {ref}`x`, {doc}`x`
    r"|^\s*(?:```|~~~|:::)"  # a fence: ```{note}, :::{admonition}, or a bare one
    r"|^\s*:(?:class|name|label|dropdown|open):"  # a directive option
    r"|^\s*\([\w-]+\)=\s*$",  # a target: (label)=
    flags=re.MULTILINE,
)
UNRESOLVED = ("Cross reference target was not found", "No target for internal reference")
#: Everything the test needs to know about the cells, read from JupyterLab itself.
CELLS_JS = r"""() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map(cell => ({
    type: cell.model.type,
    source: cell.model.sharedModel.getSource(),
    tags: cell.model.getMetadata('tags') || [],
    outputs: cell.model.type === 'code' ? cell.model.outputs.toJSON() : [],
    text: Array.from(cell.node.querySelectorAll(cell.model.type === 'code'
      ? '.jp-OutputArea'  // what is shown of a Markdown cell: all but its hidden editor
      : '.jp-Cell-inputArea > :not(.jp-InputArea-editor):not(.jp-InputArea-prompt)'))
      .map(node => node.innerText).join('\n'),
    widgets: cell.node.querySelectorAll('.jupyter-widgets.widget-container, .widget-interact')
      .length,
  }));
}"""
KERNEL_IDLE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return Boolean(kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle');
}"""


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    course: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(lab: Lab, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab stopped at start:\n{lab.log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{lab.url}api/status?token={lab.token}", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{lab.log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """One JupyterLab server for all the module notebooks, on a copy of the course."""
    home = tmp_path_factory.mktemp("jupyterlab")
    course = home / "course"
    for folder in ("notebooks", "book", "data"):
        shutil.copytree(ROOT / folder, course / folder)
    env = {
        **os.environ,
        # Nothing from the user's own Jupyter set-up; nothing written outside home.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(Path(sys.executable).with_name("jupyter-lab")),
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={course}",
        f"--LabApp.app_settings_dir={SETTINGS}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands, read cells
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = Lab(f"http://127.0.0.1:{port}/", token, course, home / "server.log")
    with server.log.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(server, process)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_course_settings_turn_the_news_off(lab):
    request = urllib.request.Request(
        f"{lab.url}lab/api/settings/@jupyterlab/apputils-extension:notification",
        headers={"Authorization": f"token {lab.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        defaults = json.load(answer)["schema"]["properties"]  # overrides change the defaults
    assert defaults["fetchNews"]["default"] == "false"
    assert defaults["checkForUpdates"]["default"] is False


@dataclass
class RunNotebook:
    """A module notebook opened in JupyterLab, all its cells run; what it shows."""

    cells: list[dict]
    console: list[str]
    page: object


@pytest.fixture
def run_in_lab(browser, lab):
    contexts = []

    def run(path: Path) -> RunNotebook:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error.stack}"))
        page.goto(f"{lab.url}lab/tree/notebooks/{path.name}?reset&token={lab.token}")
        page.wait_for_function(KERNEL_IDLE_JS, timeout=120_000, polling=250)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            "() => (" + KERNEL_IDLE_JS + ")() && window.jupyterapp.shell.currentWidget"
            ".content.widgets.every(c => c.model.type !== 'code'"
            " || c.model.executionCount !== null)",
            timeout=300_000,
            polling=500,
        )
        page.wait_for_timeout(1500)  # the last outputs and widget views render
        # Lay out every cell (JupyterLab skips those out of view), so their text can be read.
        page.add_style_tag(content="* { content-visibility: visible !important; }")
        return RunNotebook(page.evaluate(CELLS_JS), console, page)

    yield run
    for context in contexts:
        context.close()


def _screenshot(page, name: str) -> Path:
    """The whole notebook, from the top: the window is made as tall as the notebook."""
    outer = ".jp-NotebookPanel .jp-WindowedPanel-outer"
    page.evaluate("window.jupyterapp.shell.collapseLeft()")
    height = page.evaluate(f"document.querySelector('{outer}').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 150, 30_000)})
    page.evaluate(f"document.querySelector('{outer}').scrollTop = 0")
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"jupyterlab-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _label(index: int, cell: dict) -> str:
    return f"cell {index} ({cell['source'][:60]!r})"


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.stem)
def test_module_notebook_runs_and_reads_cleanly_in_jupyterlab(run_in_lab, path):
    shown = run_in_lab(path)
    cells = list(enumerate(shown.cells))
    code = [(i, c) for i, c in cells if c["type"] == "code"]

    stderr = [
        f"{_label(i, c)}: {''.join(o.get('text', ''))[:300]}"
        for i, c in code
        for o in c["outputs"]
        if o["output_type"] == "stream" and o["name"] == "stderr"
    ]
    assert not stderr, "cells wrote to stderr (a warning or an error):\n" + "\n".join(stderr)
    errors = [
        f"{_label(i, c)}: {o['ename']}: {o['evalue']}"
        for i, c in code
        for o in c["outputs"]
        if o["output_type"] == "error"
    ]
    assert not errors, "cells raised errors:\n" + "\n".join(errors)

    with_widgets = [
        (i, c) for i, c in code if any(WIDGET in o.get("data", {}) for o in c["outputs"])
    ]
    tagged = [(i, c) for i, c in code if "skip-execution" in c["tags"]]
    assert {i for i, _ in tagged} <= {i for i, _ in with_widgets}, (
        "cells tagged skip-execution (the widget demos) show no widget in JupyterLab"
    )
    broken = [_label(i, c) for i, c in with_widgets if "Error displaying widget" in c["text"]]
    missing = [_label(i, c) for i, c in with_widgets if not c["widgets"]]
    assert not broken and not missing, f"widgets not shown: {broken + missing}"

    raw = [
        f"{_label(i, c)}: {match.group(0)!r}"
        for i, c in cells
        for match in RAW_MYST.finditer(c["text"])
    ]
    assert not raw, "raw MyST markup is visible:\n" + "\n".join(raw)
    unresolved = sorted(
        {line for line in shown.console if any(text in line for text in UNRESOLVED)}
    )
    unresolved += [_label(i, c) for i, c in cells if any(text in c["text"] for text in UNRESOLVED)]
    assert not unresolved, "unresolved references:\n" + "\n".join(unresolved)
    errors_logged = sorted(
        {line for line in shown.console if line.startswith(("error", "pageerror"))}
    )
    assert not errors_logged, "the browser console logged errors:\n" + "\n".join(errors_logged)

    checks = [(i, c) for i, c in code if re.match(r"\s*check\.\w+\(", c["source"])]
    assert checks, f"{path.name} has no instant check (a cell calling check.<name>(...))"
    silent = [_label(i, c) for i, c in checks if not re.search("[✅❌]", c["text"])]
    assert not silent, f"instant checks that show neither ✅ nor ❌: {silent}"

    news = shown.page.get_by_text("official Jupyter news")
    assert not news.count(), "JupyterLab asks about its news feed"
    assert _screenshot(shown.page, path.stem).stat().st_size > 20_000
