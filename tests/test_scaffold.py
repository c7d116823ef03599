"""``pmcourse new-module``: a new module passes the module tests as generated.

The scaffold runs in a temporary copy of the repository; the module tests then
run there in a separate pytest, with the copy first on the Python path (so the
notebook kernels import the copy's pmcourse, new checks module included).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pmcourse import cli
from pmcourse.modules import modules
from pmcourse.scaffold import MARK, NewModule, new_module

ROOT = Path(__file__).resolve().parents[1]
NAME, TITLE = "09_scaffold_check", "Scaffold check"
# What a module's tests are: registry, quiz, header and notebook runs, exercise
# (kinds, points, checks module, release, grading round trip), its own checks tests.
MODULE_TESTS = [
    "tests/test_modules.py",
    "tests/test_quiz.py",
    "tests/test_notebooks.py",
    "tests/test_exercises.py",
    "tests/test_checks_scaffold_check.py",
    "pmcourse/checks/scaffold_check.py",
]
# The website with the new module, built once with warnings as errors.
BOOK_TESTS = ["tests/test_book.py"]
_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "_build", "test-artifacts", "__pycache__", "*.egg-info", ".pytest_cache"
)


@pytest.fixture(scope="module")
def repository_with_new_module(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("scaffold") / "course"
    shutil.copytree(ROOT, copy, ignore=_IGNORE)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    command = [sys.executable, "-m", "pmcourse.cli", "new-module", NAME, TITLE, "--root", "."]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return copy


@pytest.mark.slow
def test_a_new_module_passes_the_module_tests_as_generated(repository_with_new_module):
    copy = repository_with_new_module
    env = {**os.environ, "PYTHONPATH": str(copy)}
    selection = f"{NAME} or scaffold_check or sync or registry or every_abbreviation or every_page"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-k", selection]
    passed = []
    for tests in (MODULE_TESTS, BOOK_TESTS):
        done = subprocess.run(
            [*command, *tests], cwd=copy, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, done.stdout[-6000:]
        passed += re.findall(r"^PASSED (\S+)", done.stdout, flags=re.MULTILINE)
    for test in (
        "test_notebook_runs_on_a_fresh_kernel[09_scaffold_check.ipynb]",
        "test_every_module_has_a_valid_quiz_its_notebook_shows[09_scaffold_check]",
        "test_release_fails_only_at_placeholders_and_master_passes[09_scaffold_check]",
        "test_release_is_in_sync_with_source",
        "test_reasoning_earns_at_least_half_of_the_points[09_scaffold_check]",
        "test_grading_solution_gets_full_autograded_marks[09_scaffold_check]",
        "test_grading_untouched_release_scores_zero[09_scaffold_check]",
        "test_module_metadata_is_complete_and_the_first_cell_matches_it[09_scaffold_check.ipynb]",
        "test_a_wrong_choice_gets_reasoning_and_no_answer[A]",
        "test_module_page_opens_with_the_header_box_from_its_metadata[09_scaffold_check.ipynb]",
        "test_every_abbreviation_is_in_the_glossary",
        "test_every_page_is_built",
    ):
        assert any(name.endswith(test) for name in passed), f"{test} did not run and pass"


@pytest.mark.slow
def test_the_new_module_is_in_the_registry_and_the_table_of_contents(repository_with_new_module):
    copy = repository_with_new_module
    new = [m for m in modules(copy) if m.name == NAME]
    assert new and new[0].checks == "pmcourse.checks.scaffold_check"
    toc = (copy / "_toc.yml").read_text("utf-8")
    assert f"notebooks/{NAME}" in toc and f"exercises/release/{NAME}/{NAME}" in toc
    assert (copy / "exercises" / "release" / NAME / f"{NAME}.ipynb").is_file()


def test_a_malformed_name_or_a_taken_number_is_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="two digits"):
        NewModule("8_imaging", "Imaging")
    with pytest.raises(ValueError, match="title"):
        NewModule("08_imaging", " ")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "04_pharmacogenomics.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="exists already"):
        new_module("04_other", "Other", root=tmp_path, release=False)
    assert cli.main(["new-module", "4_x", "X", "--root", str(tmp_path)]) == 2
    assert "two digits" in capsys.readouterr().err


def test_published_modules_have_no_scaffold_marks_left():
    for module in modules():
        files = [module.notebook, module.quiz, ROOT / (module.checks.replace(".", "/") + ".py")]
        files += [module.master] if module.master else []
        for path in files:
            assert MARK not in path.read_text("utf-8"), f"{path} still has a {MARK} to fill in"
