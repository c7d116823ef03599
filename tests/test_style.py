"""The code follows the one ruff configuration in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


PATHS = ["pmcourse", "tests", "bench", "book/_ext", "exercises/nbgrader_config.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).with_name("ruff")
    return subprocess.run([str(ruff), *args, *PATHS], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    completed = _ruff("check", "--output-format", "concise")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_code_is_formatted():
    completed = _ruff("format", "--check")
    assert completed.returncode == 0, completed.stdout + "Run `ruff format` to fix."
