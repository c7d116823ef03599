"""Grading a class (pmcourse.batch, `pmcourse grade`): a corpus of submissions, graded once.

One corpus of 01_foundations submissions, built from the student version,
covers what a class hands in: correct answers, answers written differently,
mistakes, a blank notebook, hard-coded answers, tampered, deleted and retyped
test cells, a kernel that dies, an endless loop, a loop that swallows
KeyboardInterrupt, a slow notebook, too much memory, a flood of output, a warning, damaged
and missing notebooks. It is graded once in parallel with short limits; the
well-behaved part is graded again with plain sequential ``nbgrader autograde``
and must get the same gradebook scores.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import re
import shutil

import nbformat
import pandas as pd
import pytest
from grading_helpers import copy_course, master_answers, release_of, with_slip
from test_checks_foundations import _hard_coded_answers

from pmcourse import cli
from pmcourse.batch import grading_settings
from pmcourse.feedback import hidden_test_lines
from pmcourse.grading import (
    GradingError,
    _gradebook,
    course_folder,
    fill_answers,
    generate_release,
    nbgrader_command,
    scores,
    solutions_from_source,
)
from pmcourse.modules import graded_parts

ASSIGNMENT = "01_foundations"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
LIMITS = ["--cell-timeout", "5", "--time-limit", "15", "--memory-limit", "800"]


def _code_tests(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        c.metadata["nbgrader"]["grade_id"]
        for c in notebook.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    ]


def _edit(notebook, change) -> nbformat.NotebookNode:
    """A copy of `notebook` with `change(cell)` applied to every cell (None drops it)."""
    edited = nbformat.from_dict(nbformat.validator.normalize(notebook)[1])
    edited.cells = [cell for cell in map(change, edited.cells) if cell is not None]
    return edited


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _corpus(course) -> dict:
    """student -> notebook (or bytes for a file that is not a notebook) of the corpus."""
    release = release_of(course, ASSIGNMENT)
    answers = master_answers(course, ASSIGNMENT)
    tests = set(_code_tests(release))

    def filled(**changes) -> nbformat.NotebookNode:
        return fill_answers(release, {**answers, **changes})

    wrong = with_slip(answers, "allele_frequency", "(2 * n_patients)", "n_patients")
    warns = answers["allele_frequency"].replace(
        "    n_patients =",
        "    import warnings\n    warnings.warn('a harmless warning', FutureWarning)\n"
        "    n_patients =",
    )

    def tamper(cell):
        if _grade_id(cell) in tests:
            cell.source = "pass"
        return cell

    def retype(cell):
        if _grade_id(cell) == "test_chi_square":
            cell.cell_type = "markdown"
            del cell["outputs"], cell["execution_count"]
        return cell

    slow = {
        name: f"import time\ntime.sleep(3)\n{source}"
        for name, source in answers.items()
        if name in solutions_from_source(course / "source" / ASSIGNMENT / NOTEBOOK)
    }
    return {
        "correct": filled(),
        "differently": filled(
            allele_frequency="def allele_frequency(a, b, c):\n    return (a + b / 2) / (a + b + c)"
        ),
        "partly_wrong": filled(**{**wrong, "answer_vkorc1": 'answer_vkorc1 = "A"'}),
        "blank": release,
        "hard_coded": filled(**_hard_coded_answers()),
        "tampered": _edit(fill_answers(release, wrong), tamper),
        "deleted_test": _edit(
            fill_answers(release, wrong),
            lambda cell: None if _grade_id(cell) == "test_allele_frequency" else cell,
        ),
        "retyped": _edit(filled(), retype),
        "warning": filled(allele_frequency=warns),
        "flood": filled(carriers="for i in range(200_000):\n    print(i)\n" + answers["carriers"]),
        "kernel_death": filled(carriers="import os\nos._exit(1)"),
        "endless_loop": filled(carriers="while True:\n    pass"),
        "swallower": filled(
            carriers="import time\nwhile True:\n    try:\n        time.sleep(1)\n"
            "    except KeyboardInterrupt:\n        pass"
        ),
        "slow": filled(**slow),
        "memory": filled(carriers="ballast = b'x' * 1_500_000_000\n" + answers["carriers"]),
        "broken_json": b'{"cells": [',
        "empty_file": b"",
        "renamed": filled(),
        "no_notebook": {"answers.txt": b"I could not open the notebook."},
    }


#: Submissions that nbgrader itself grades to the end (no limit, no damaged file).
COMPARED = [
    "correct",
    "differently",
    "partly_wrong",
    "blank",
    "hard_coded",
    "tampered",
    "deleted_test",
    "retyped",
    "warning",
    "flood",
    "kernel_death",
]


def _hand_in(course, corpus: dict) -> None:
    """Each student's folder in submitted/: a notebook, or files by name (bytes)."""
    for student, content in corpus.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if isinstance(content, bytes):
            content = {NOTEBOOK: content}
        elif student == "renamed":
            content = {"my_exercise.ipynb": nbformat.writes(content).encode()}
        elif isinstance(content, nbformat.NotebookNode):
            content = {NOTEBOOK: nbformat.writes(content).encode()}
        for name, data in content.items():
            (folder / name).write_bytes(data)


def _files(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, required_tool):
    """The corpus graded by `pmcourse grade` (2 workers, short limits): course, exit, output."""
    required_tool("bwrap", "bubblewrap")  # pmcourse grade's sandbox
    course = copy_course(tmp_path_factory.mktemp("class"))
    _hand_in(course, _corpus(course))
    before = _files(course / "submitted")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(
            ["grade", ASSIGNMENT, "--course-dir", str(course), "--workers", "2", "--quiet"]
            + LIMITS
        )
    assert _files(course / "submitted") == before, "grading changed a file in submitted/"
    report = course / f"report-{ASSIGNMENT}.csv"
    with open(report, encoding="utf-8") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    return course, status, out.getvalue(), rows, scores(course, ASSIGNMENT)


# --------------------------------------------------------------------------
# Quick tests
# --------------------------------------------------------------------------


def test_course_folder_rule(tmp_path, monkeypatch):
    course = copy_course(tmp_path)
    assert course_folder(course) == course
    monkeypatch.chdir(course)
    assert course_folder() == course  # the current folder holds nbgrader_config.py
    monkeypatch.chdir(tmp_path)
    assert course_folder() == course  # else exercises/ in it
    monkeypatch.chdir(course / "source")
    with pytest.raises(GradingError, match="no nbgrader_config.py.*--course-dir"):
        course_folder()


def test_grading_settings_come_from_the_course_configuration(tmp_path):
    course = copy_course(tmp_path)
    config = course / "nbgrader_config.py"
    config.write_text(
        config.read_text() + "\nc.PmcourseGrading.pass_mark_percent = 70\n", encoding="utf-8"
    )
    settings = grading_settings(course)
    assert settings["pass_mark_percent"] == 70
    assert settings["time_limit_s"] > 0 and settings["memory_limit_mb"] > 0


def test_commands_before_any_grading_say_what_to_do_first(tmp_path, capsys):
    course = str(copy_course(tmp_path))
    for command, words in [
        (["grade", ASSIGNMENT], "Collect them first"),
        (["feedback", ASSIGNMENT], f"Grade it first: pmcourse grade {ASSIGNMENT}"),
        (["export"], "no gradebook yet"),
        (["record", "ann"], "no gradebook yet"),
    ]:
        assert cli.main([*command, "--course-dir", course]) == 2
        error = capsys.readouterr().err
        assert words in error and "Traceback" not in error, error
    assert not (tmp_path / "exercises" / "gradebook.db").exists()


# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------


def _points(course) -> dict[str, float]:
    release = release_of(course, ASSIGNMENT)
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in release.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    }


@pytest.mark.slow
def test_the_exit_status_says_something_needs_review(corpus):
    course, status, output, rows, _ = corpus
    assert status == 1
    assert f"wrote {course / f'report-{ASSIGNMENT}.csv'}" in output
    assert set(rows) == set(_corpus(course))
    assert "needs review" in output


@pytest.mark.slow
@pytest.mark.parametrize("student", ["correct", "differently", "warning", "flood"])
def test_correct_answers_earn_every_autograded_point(corpus, student):
    course, _, _, rows, table = corpus
    total = sum(_points(course).values())
    assert table.loc[student, "autograded_score"] == total
    assert rows[student]["status"] == "graded" and rows[student]["reasons"] == ""


@pytest.mark.slow
def test_mistakes_lose_their_points_only(corpus):
    course, _, _, rows, table = corpus
    points = _points(course)
    assert table.loc["partly_wrong", "test_allele_frequency"] == 0
    assert table.loc["partly_wrong", "test_answer_vkorc1"] == 0
    assert table.loc["partly_wrong", "test_chi_square"] == points["test_chi_square"]
    assert table.loc["blank", "autograded_score"] == 0
    assert table.loc["hard_coded", "test_allele_frequency"] == 0
    assert rows["blank"]["status"] == rows["hard_coded"]["status"] == "graded"


@pytest.mark.slow
def test_edited_and_deleted_tests_earn_nothing_and_are_reported(corpus):
    course, _, _, rows, table = corpus
    points = _points(course)
    # nbgrader ran the original tests: the wrong answer loses its points ...
    for student in ("tampered", "deleted_test"):
        assert table.loc[student, "test_allele_frequency"] == 0
        assert table.loc[student, "test_chi_square"] == points["test_chi_square"]
    # ... and the instructor hears of each real edit, not of the checksum false alarm.
    assert "test cell test_allele_frequency was edited" in rows["tampered"]["reasons"]
    assert rows["tampered"]["reasons"].count("was edited") == len(points)
    assert "test cell test_allele_frequency was deleted" in rows["deleted_test"]["reasons"]
    assert "was edited" not in rows["deleted_test"]["reasons"]
    assert "test_chi_square was changed from code to markdown" in rows["retyped"]["reasons"]
    assert table.loc["retyped", "autograded_score"] == sum(points.values())
    for student in ("correct", "partly_wrong", "hard_coded", "blank"):
        assert "edited" not in rows[student]["reasons"]


@pytest.mark.slow
def test_the_false_alarm_is_explained_once(corpus):
    _, _, output, _, _ = corpus
    assert "known false alarm (jupyter/nbgrader#1961)" in output
    assert output.count("#1961") == 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "reason"),
    [
        ("kernel_death", "kernel stopped while it ran"),
        ("endless_loop", "cell carriers ran past the time allowed per cell"),
        ("swallower", "did not stop when interrupted"),
        ("slow", "ran longer than 15 s"),
        ("memory", "more than 800 MB of memory"),
        ("broken_json", "is not a readable notebook"),
        ("empty_file", "is not a readable notebook"),
        ("renamed", f"{NOTEBOOK} is missing (found my_exercise.ipynb)"),
        ("no_notebook", "there is no notebook (.ipynb)"),
    ],
)
def test_each_problem_is_listed_with_its_reason(corpus, student, reason):
    _, _, output, rows, table = corpus
    assert rows[student]["status"] == "needs review"
    assert reason in rows[student]["reasons"]
    assert f"  {student}: " in output and reason in output


@pytest.mark.slow
def test_a_stopped_cell_costs_only_its_tests(corpus):
    course, _, _, _, table = corpus
    points = _points(course)
    assert table.loc["endless_loop", "test_carriers"] == 0
    assert table.loc["endless_loop", "autograded_score"] == sum(points.values()) - 2
    assert {"broken_json", "empty_file", "renamed", "no_notebook"}.isdisjoint(table.index)


@pytest.mark.slow
def test_parallel_and_sequential_grading_give_the_same_gradebook(corpus, tmp_path):
    course, _, _, _, parallel = corpus
    sequential_course = copy_course(tmp_path)
    for student in COMPARED:
        shutil.copytree(course / "submitted" / student, sequential_course / "submitted" / student)
    generate_release(sequential_course, ASSIGNMENT, database=True)
    nbgrader_command(sequential_course, "autograde", ASSIGNMENT, "--force", check=False)
    sequential = scores(sequential_course, ASSIGNMENT)
    assert sorted(sequential.index) == sorted(COMPARED)
    assert sequential.equals(parallel.loc[sorted(COMPARED)])


@pytest.mark.slow
def test_a_second_run_regrades_and_keeps_the_instructors_marks(corpus, tmp_path):
    course, _, _, _, first = corpus
    again = copy_course(tmp_path)
    for student in ("correct", "partly_wrong"):
        shutil.copytree(course / "submitted" / student, again / "submitted" / student)
    assert cli.main(["grade", ASSIGNMENT, "--course-dir", str(again), "--quiet"]) == 0
    free_text = [p.grade_id for p in graded_parts(again / "release" / ASSIGNMENT / NOTEBOOK)]
    free_text = [g for g in free_text if g in first.columns and pd.isna(first.loc["correct", g])]
    with _gradebook(again) as gradebook:  # marked in the formgrader between the runs
        grade = gradebook.find_grade(free_text[0], ASSIGNMENT, ASSIGNMENT, "correct")
        grade.manual_score = 1.0
        gradebook.db.commit()
    assert cli.main(["grade", ASSIGNMENT, "--course-dir", str(again), "--quiet"]) == 0
    table = scores(again, ASSIGNMENT)
    assert table.loc["correct", free_text[0]] == 1.0
    table.loc["correct", free_text[0]] = first.loc["correct", free_text[0]]
    assert table.equals(first.loc[["correct", "partly_wrong"]])


@pytest.mark.slow
def test_feedback_shows_tests_points_and_messages_but_no_hidden_test(corpus, capsys):
    course = corpus[0]
    assert cli.main(["feedback", ASSIGNMENT, "--course-dir", str(course)]) == 0
    assert "without hidden tests" in capsys.readouterr().out
    secrets = hidden_test_lines(
        course / "source" / ASSIGNMENT / NOTEBOOK, course / "release" / ASSIGNMENT / NOTEBOOK
    )
    assert any("7301" in line for line in secrets)  # a seed of a hidden test
    pages = sorted((course / "feedback").glob(f"*/{ASSIGNMENT}/*.html"))
    graded = {folder.parts[-2] for folder in (course / "autograded").glob(f"*/{ASSIGNMENT}")}
    assert {page.parts[-3] for page in pages} == graded >= {"correct", "partly_wrong"}
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{page} shows hidden test code: {leaked[:3]}"
        assert "_secret_cases" not in text
    wrong = html.unescape(
        re.sub(
            r"<[^>]+>",
            "",
            (course / "feedback" / "partly_wrong" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
                encoding="utf-8"
            ),
        )
    )
    assert "test_allele_frequency" in wrong and "Score: 0.0 / 2.0" in wrong
    assert "AssertionError: " in wrong  # the check's own message


@pytest.mark.slow
def test_export_has_every_question_and_the_free_text_marks_once_entered(corpus, capsys):
    course = corpus[0]
    parts = graded_parts(course / "release" / ASSIGNMENT / NOTEBOOK)
    free_text = [part.grade_id for part in parts if part.kind == "free-text"]
    with _gradebook(course) as gradebook:  # as the formgrader does
        for grade_id in free_text:
            grade = gradebook.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, "correct")
            grade.manual_score = grade.max_score
        gradebook.db.commit()
    assert cli.main(["export", "--course-dir", str(course)]) == 0
    assert f"wrote {course / 'scores-by-question.csv'}" in capsys.readouterr().out
    questions = pd.read_csv(course / "scores-by-question.csv")
    mine = questions[(questions["student"] == "correct")].set_index("question")
    assert list(mine.index) == [part.grade_id for part in parts]  # every part, in order
    assert (mine.loc[free_text, "status"] == "manual").all()
    assert mine["score"].sum() == mine["max_score"].sum()
    pending = questions[(questions["student"] == "partly_wrong")].set_index("question")
    assert (pending.loc[free_text, "status"] == "pending").all()
    table = pd.read_csv(course / "scores-totals.csv").set_index("student")
    assert table.loc["correct", "percent"] == 100 and table.loc["correct", "passed"]
    assert table.loc["partly_wrong", "pending"] == len(free_text)
    assert pd.isna(table.loc["partly_wrong", "passed"])


@pytest.mark.slow
def test_course_record_lists_each_module_with_score_hours_and_result(corpus, capsys):
    course = corpus[0]
    assert cli.main(["record", "correct", "--course-dir", str(course)]) == 0
    page = (course / "records" / "record-correct.html").read_text(encoding="utf-8")
    master = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    info = master.metadata["pmcourse"]
    assert html.escape(info["title"]) in page
    assert f"{info['estimated_time_minutes'] / 60:.1f}" in page
    assert "not submitted" in page  # the other modules
    assert "Pass mark:</strong> 50%" in page
    assert cli.main(["record", "nobody", "--course-dir", str(course)]) == 2
    assert "No graded submission of 'nobody'" in capsys.readouterr().err
