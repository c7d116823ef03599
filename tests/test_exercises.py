"""The graded exercises (nbgrader): masters run, releases are in sync, grading works.

Everything runs in temporary copies of ``exercises/``; nothing is written into
the repository.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import shutil

import nbformat
import pandas as pd
import pytest
from grading_helpers import (
    EXERCISES,
    ROOT,
    copy_course,
    master_answers,
    release_of,
    submit,
    validate,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from pmcourse import cli
from pmcourse.grading import (
    GradingError,
    autograde,
    fill_answers,
    generate_release,
    scores,
    solutions_from_source,
)
from pmcourse.modules import graded_parts, modules, points_by_kind

MASTERS = [module.master for module in modules() if module.assignment]
# Tests of the grading helpers use the first assignment as their sample.
ASSIGNMENT = "01_foundations"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def _grade_cells(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]
        for cell in notebook.cells
        if "nbgrader" in cell.metadata
    }


# --------------------------------------------------------------------------
# Quick tests: metadata and the helpers
# --------------------------------------------------------------------------


def test_there_are_masters_and_releases():
    assert MASTERS, "no instructor master in exercises/source/"
    for master in MASTERS:
        release = EXERCISES / "release" / master.relative_to(EXERCISES / "source")
        assert release.is_file(), f"{release} is missing: run `make release`"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_master_metadata_and_cells(master):
    notebook = nbformat.read(master, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    info = notebook.metadata["pmcourse"]
    assert set(info) >= {
        "module",
        "title",
        "objectives",
        "estimated_time_minutes",
        "audience",
        "prerequisites",
    }
    for cell in notebook.cells:
        assert not cell.get("outputs") and cell.get("execution_count") is None
    cells = _grade_cells(notebook)
    assert len(cells) == len({c["grade_id"] for c in cells.values()})
    for meta in cells.values():
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "grade_id", "locked", "solution", "task"}
        if meta["grade"]:
            assert meta["points"] > 0
    graded = [m for m in cells.values() if m["grade"]]
    assert any(not m["solution"] for m in graded), "no autograded test cell"
    manual = [
        c
        for c in notebook.cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert manual, "no manually graded free-text question"
    for cell in manual:
        assert "### BEGIN SOLUTION" in cell.source and "Mark scheme" in cell.source
    headings = [
        line
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#") and "SOLUTION" not in line
    ]
    levels = [len(line) - len(line.lstrip("#")) for line in headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{term}" not in text and "{cite}" not in text
    for cell in notebook.cells:
        if cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            assert cell.metadata["nbgrader"]["grade"], "hidden tests outside a test cell"


def _graded_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]


def test_every_module_with_an_assignment_has_its_master_and_checks_module():
    for module in modules():
        importlib.import_module(module.checks)
        if module.assignment:
            assert module.master.is_file(), f"{module.master} is missing"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_every_graded_cell_has_a_kind(master):
    notebook = nbformat.read(master, as_version=4)
    for cell in _graded_cells(notebook):
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        kind = cell.metadata.get("pmcourse", {}).get("kind")
        allowed = {"free-text"} if cell.cell_type == "markdown" else {"code", "interpretation"}
        assert kind in allowed, (
            f'{master.name}, cell {grade_id}: set its metadata "pmcourse": {{"kind": ...}} '
            f"to one of {sorted(allowed)}"
        )


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_reasoning_earns_at_least_half_of_the_points(master):
    points = points_by_kind(graded_parts(master))
    share = (points["interpretation"] + points["free-text"]) / sum(points.values())
    assert share >= 0.5, (
        f"{master.parent.name}: interpretation and free-text answers earn {share:.0%} of the "
        "points; at least half is the rule"
    )


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_exercise_opens_with_its_parts_and_ends_with_validate_and_submit(master):
    """The table of parts adds up to the points graded; the last section says how to submit."""
    notebook = nbformat.read(master, as_version=4)
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in markdown[0].splitlines()
        if line.startswith("|")
    ]
    assert rows and {"part", "points", "minutes"} <= set(rows[0]), (
        f"{master.name}: start with a table of parts, points and minutes"
    )
    points = rows[0].index("points")
    parts = [row for row in rows[2:] if row[0]]  # the total row has no part number
    in_table = sum(float(row[points]) for row in parts)
    assert in_table == sum(points_by_kind(graded_parts(master)).values()), (
        f"{master.name}: the table of parts gives {in_table} points, the graded cells other"
    )
    assert markdown[-1].startswith("## Validate and submit"), (
        f"{master.name}: end with a '## Validate and submit' section"
    )


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_choice_options_in_the_text_are_the_ones_graded(master):
    """Each option of a multiple-choice part reads in the exercise as in its checks module."""
    from pmcourse.interpretation import Choice

    notebook = nbformat.read(master, as_version=4)
    markdown = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    text = " ".join(markdown.split())  # lines wrapped anywhere read the same
    checks = importlib.import_module(next(m.checks for m in modules() if m.master == master))
    questions = {
        name: getattr(checks, name)
        for kind, source in _test_cells(notebook)
        if kind == "interpretation"
        for name in re.findall(r"check\.(\w+)\.check_form", source)
    }
    choices = {name: q for name, q in questions.items() if isinstance(q, Choice)}
    for name, question in choices.items():
        for label, option in question.options.items():
            assert f"- **{label}**: {' '.join(option.split())}" in text, (
                f"{master.name}: option {label} of {name} is not written in the exercise as "
                f"graded; the checks module says: {option}"
            )


def _test_cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(kind, source) of each autograded test cell."""
    return [
        (c.metadata.get("pmcourse", {}).get("kind"), c.source)
        for c in _graded_cells(notebook)
        if c.cell_type == "code"
    ]


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_tests_come_from_the_checks_module(master):
    """Test cells define no reference or case of their own: the checks module holds them."""
    for kind, source in _test_cells(nbformat.read(master, as_version=4)):
        tree = ast.parse(source)
        defined = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
        ]
        assert not defined, f"{master.name}: a test cell defines its own function:\n{source}"
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and "pmcourse" in node.module
        }
        assert imported == {"pmcourse.checks"}, (
            f"{master.name}: a test cell should import only its checks module "
            f"(from pmcourse.checks import <module> as check), not {sorted(imported)}"
        )
        public, _, hidden = source.partition("### BEGIN HIDDEN TESTS")
        assert "quick.assert_passed()" in public and ".assert_passed()" in hidden
        if kind == "code":
            assert "cases=" in hidden, f"{master.name}: hidden tests pass their own secret cases"


def test_solutions_from_source_strips_markers():
    notebook = nbformat.read(EXERCISES / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solutions = solutions_from_source(notebook)
    functions = ["allele_frequency", "expected_counts", "chi_square", "carriers"]
    choices = ["answer_vkorc1", "answer_small_group", "carrier_share_ea"]
    assert sorted(solutions) == sorted(functions + choices)
    for name, source in solutions.items():
        assert "BEGIN SOLUTION" not in source and "END SOLUTION" not in source
        assert source.startswith("def ") if name in functions else f"{name} = " in source
    namespace: dict = {}
    exec(solutions["allele_frequency"], namespace)
    assert namespace["allele_frequency"](36, 48, 16) == pytest.approx(0.6)


def test_fill_answers_replaces_only_answer_cells():
    answer = new_code_cell("raise NotImplementedError()", outputs=[], execution_count=3)
    answer.metadata["nbgrader"] = {"grade_id": "f", "solution": True, "grade": False}
    text = new_markdown_cell("YOUR ANSWER HERE")
    text.metadata["nbgrader"] = {"grade_id": "why", "solution": True, "grade": True}
    test = new_code_cell("assert f() == 1")
    test.metadata["nbgrader"] = {"grade_id": "test_f", "solution": False, "grade": True}
    notebook = new_notebook(cells=[answer, text, test])
    filled = fill_answers(notebook, {"f": "def f():\n    return 1", "why": "Because."})
    assert filled.cells[0].source == "def f():\n    return 1"
    assert filled.cells[0].execution_count is None
    assert filled.cells[1].source == "Because."
    assert notebook.cells[0].source == "raise NotImplementedError()"  # original untouched
    with pytest.raises(ValueError, match="test_f"):
        fill_answers(notebook, {"test_f": "pass"})
    with pytest.raises(ValueError, match="answer cells are: f, why"):
        fill_answers(notebook, {"nope": "pass"})


def test_bad_course_or_assignment_gives_a_clear_error(tmp_path, capsys):
    with pytest.raises(GradingError, match="not an nbgrader course folder"):
        generate_release(tmp_path, ASSIGNMENT)
    course = copy_course(tmp_path)
    with pytest.raises(GradingError, match="no assignment 'nope'.*01_foundations"):
        generate_release(course, "nope")
    with pytest.raises(GradingError, match="Collect them first"):
        autograde(course, ASSIGNMENT)
    with pytest.raises(GradingError, match="ghost: no submission"):
        autograde(course, ASSIGNMENT, students=["ghost"])
    with pytest.raises(GradingError, match="no gradebook"):
        scores(course, ASSIGNMENT)
    assert cli.main(["grade", "nope", "--course-dir", str(course)]) == 2
    error = capsys.readouterr().err
    assert "no assignment 'nope'" in error and "Traceback" not in error


# --------------------------------------------------------------------------
# Slow tests: running notebooks and nbgrader
# --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_master_runs_top_to_bottom_without_stderr(master, tmp_path, run_notebook):
    course = copy_course(tmp_path)
    notebook = run_notebook(course / master.relative_to(EXERCISES))
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
            streams = [o.get("name") for o in cell.outputs if o.output_type == "stream"]
            assert "stderr" not in streams, (
                f"{cell.metadata['nbgrader']['grade_id']} wrote to stderr"
            )


@pytest.mark.slow
def test_release_is_in_sync_with_source(tmp_path):
    course = copy_course(tmp_path)
    shutil.rmtree(course / "release")
    assert cli.main(["release", "--course-dir", str(course)]) == 0
    for committed in sorted((EXERCISES / "release").rglob("*.ipynb")):
        regenerated = course / committed.relative_to(EXERCISES)
        assert regenerated.read_bytes() == committed.read_bytes(), (
            f"{committed.relative_to(ROOT)} is out of date: run `make release` and commit it"
        )
    assert not (course / "gradebook.db").exists(), "regenerating must not touch a gradebook"


@pytest.mark.slow
@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name)
def test_release_fails_only_at_placeholders_and_master_passes(master, tmp_path):
    course = copy_course(tmp_path)
    release = course / "release" / master.relative_to(EXERCISES / "source")
    master = course / master.relative_to(EXERCISES)
    assert "Success! Your notebook passes all the tests." in validate(course, master)
    assert "Success! The notebook does not pass any tests." in validate(
        course, release, invert=True
    )
    released = nbformat.read(release, as_version=4)
    text = json.dumps(released)
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "Mark scheme", "_secret"):
        assert secret not in text, f"{secret!r} leaked into the student version"


@pytest.mark.slow
def test_failed_release_keeps_the_previous_release(tmp_path, capsys):
    course = copy_course(tmp_path)
    master = course / "source" / ASSIGNMENT / NOTEBOOK
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    before = release.read_bytes()
    master.write_text('{"cells": [', encoding="utf-8")
    assert cli.main(["release", "--course-dir", str(course)]) == 2
    assert "is not a readable notebook" in capsys.readouterr().err
    notebook = nbformat.read(EXERCISES / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    for cell in notebook.cells:  # valid JSON, but nbgrader rejects it
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_carriers":
            cell.metadata["nbgrader"]["points"] = "three"
    nbformat.write(notebook, master)
    with pytest.raises(GradingError, match="generate_assignment"):
        generate_release(course, ASSIGNMENT)
    assert release.read_bytes() == before


# --------------------------------------------------------------------------
# The grading round trip of every assignment: one autograde run each
# (each module's own test file grades its typical mistakes and shortcuts)
# --------------------------------------------------------------------------


def _autograded_points(notebook: nbformat.NotebookNode) -> dict[str, float]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in _graded_cells(notebook)
        if c.cell_type == "code"
    }


def _free_text_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in _graded_cells(notebook)
        if c.cell_type == "markdown"
    ]


@pytest.fixture(scope="module", params=[m.parent.name for m in MASTERS])
def graded_course(request, tmp_path_factory):
    """The solution, the untouched release and a damaged file, autograded in one run."""
    assignment = request.param
    course = copy_course(tmp_path_factory.mktemp(f"grading_{assignment}"))
    broken = course / "submitted" / "broken_json" / assignment
    broken.mkdir(parents=True)
    (broken / f"{assignment}.ipynb").write_text('{"cells": [', encoding="utf-8")
    release = release_of(course, assignment)
    submit(
        course, assignment, {"solution": fill_answers(release, master_answers(course, assignment))}
    )
    submit(course, assignment, {"untouched": release})
    generate_release(course, assignment, database=True)
    report = autograde(course, assignment)
    return assignment, course, report, scores(course, assignment)


@pytest.mark.slow
def test_grading_solution_gets_full_autograded_marks(graded_course):
    assignment, _, report, table = graded_course
    points = _autograded_points(release_of(EXERCISES, assignment))
    assert "solution" in report.graded
    assert table.loc["solution", "autograded_max"] == sum(points.values())
    assert table.loc["solution", "autograded_score"] == sum(points.values())
    for cell, value in points.items():
        assert table.loc["solution", cell] == value
    assert table.loc["solution", "needs_manual_grading"]  # the free-text answers
    for cell in _free_text_cells(release_of(EXERCISES, assignment)):
        assert pd.isna(table.loc["solution", cell])  # waits for a person


@pytest.mark.slow
def test_grading_untouched_release_scores_zero(graded_course):
    assignment, _, _, table = graded_course
    release = release_of(EXERCISES, assignment)
    assert table.loc["untouched", "autograded_score"] == 0
    assert (table.loc["untouched", list(_autograded_points(release))] == 0).all()
    assert (table.loc["untouched", _free_text_cells(release)] == 0).all()  # left blank


@pytest.mark.slow
def test_grading_reports_a_broken_submission_and_keeps_it(graded_course):
    assignment, course, report, table = graded_course
    assert set(report.graded) == {"solution", "untouched"}
    assert "not a readable notebook" in report.problems["broken_json"]
    assert "broken_json" not in table.index
    kept = course / "submitted" / "broken_json" / assignment / f"{assignment}.ipynb"
    assert kept.read_text(encoding="utf-8") == '{"cells": ['
    assert "broken_json" in str(report)
