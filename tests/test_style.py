"""The code follows the one ruff configuration in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    completed = subprocess.run(
        [str(ruff), "check", "--output-format", "concise", "pmcourse", "tests",
         "exercises/nbgrader_config.py"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
