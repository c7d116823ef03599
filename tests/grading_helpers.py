"""Helpers of the grading tests: a course copy, submissions, one autograde run.

Shared by tests/test_exercises.py (every assignment) and each module's own
test file (its adversarial submissions, its checks' questions and counts, the
text of its notebooks). Everything runs in temporary copies of ``exercises/``;
nothing is written into the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pmcourse.grading import (
    autograde,
    fill_answers,
    generate_release,
    nbgrader_command,
    scores,
    solutions_from_source,
)

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
#: Any text for a free-text answer: the autograder only needs it to be there.
FREE_TEXT = "Test it."


def copy_course(target: Path) -> Path:
    """A copy of the nbgrader course (config, source, release) in a temporary folder."""
    course = target / "exercises"
    course.mkdir(parents=True)
    shutil.copy2(EXERCISES / "nbgrader_config.py", course)
    for kind in ("source", "release"):
        shutil.copytree(EXERCISES / kind, course / kind)
    return course


def release_of(course: Path, assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def master_answers(course: Path, assignment: str) -> dict[str, str]:
    """The master's answers, with a free-text answer for every manually graded cell."""
    master = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = solutions_from_source(master)
    for cell in master.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            answers[meta["grade_id"]] = FREE_TEXT
    return answers


def markdown_text(path: Path) -> str:
    """A notebook's markdown cells as one line of words: text wrapped anywhere reads the same."""
    cells = nbformat.read(path, as_version=4).cells
    return " ".join(" ".join(c.source.split()) for c in cells if c.cell_type == "markdown")


def with_slip(answers: dict[str, str], part: str, right: str, wrong: str) -> dict[str, str]:
    """The answers with one typical mistake: `right` replaced by `wrong` in one part."""
    slipped = answers[part].replace(right, wrong)
    assert slipped != answers[part], f"{right!r} is not in the answer to {part}"
    return {**answers, part: slipped}


def submit(course: Path, assignment: str, submissions: dict) -> None:
    """Put each student's notebook where nbgrader collect would."""
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{assignment}.ipynb")


def grade(course: Path, assignment: str, answers_by_student: dict[str, dict]) -> pd.DataFrame:
    """Submit each student's answers to the released notebook, autograde once, return scores."""
    release = release_of(course, assignment)
    submit(
        course,
        assignment,
        {
            student: fill_answers(release, answers)
            for student, answers in answers_by_student.items()
        },
    )
    generate_release(course, assignment, database=True)
    autograde(course, assignment)
    return scores(course, assignment)


def validate(course: Path, notebook: Path, *, invert: bool = False) -> str:
    args = ["validate", str(notebook)] + (["--invert"] if invert else [])
    # nbgrader validate exits with 0 either way; its verdict is in the output.
    return nbgrader_command(course, *args).stdout


def grade_mistakes(folder: Path, assignment: str, mistakes) -> pd.DataFrame:
    """Grade, in one nbgrader run, the master's answers and the mistakes made from them.

    `mistakes(answers)` returns student -> answers, each a copy of the master's
    `answers` with a mistake in it; the master's own answers are graded as "master".
    """
    course = copy_course(folder)
    answers = master_answers(course, assignment)
    return grade(course, assignment, {"master": answers, **mistakes(answers)})


def graded_fixture(assignment: str, mistakes):
    """The module-scoped fixture ``graded``: :func:`grade_mistakes` of `assignment`, run once.

    Use it as ``graded = graded_fixture(ASSIGNMENT, _mistakes)`` in a module's
    test file; its grading tests take ``graded`` (one row of scores per student).
    """

    @pytest.fixture(scope="module", name="graded")
    def graded(tmp_path_factory) -> pd.DataFrame:
        folder = tmp_path_factory.mktemp(f"grading_{assignment}")
        return grade_mistakes(folder, assignment, mistakes)

    return graded


def assert_choice_teaches(question, right: str | list[str]) -> None:
    """A choice passes its right option; each wrong one shows its reasoning, never the answer.

    `right` is a letter, or the list of letters of a question with several
    right options (``many``); there, each option alone is wrong.
    """
    assert question(right, quick=False).passed
    right_texts = [
        question.options[label] for label in ([right] if isinstance(right, str) else right)
    ]
    for label, reasoning in question.reasoning.items():
        answer = [label] if question.many else label
        if answer != right:
            result = question(answer, quick=False)
            assert not result.passed and reasoning in result.message
            assert not any(text in result.message for text in right_texts)


def assert_count_teaches(check, right: int, every: int) -> None:
    """A count passes when right; counting every variant fails with a hint, never the count."""
    assert 0 < right < every
    assert check(right).passed
    wrong = check(every)
    assert not wrong.passed and "every variant" in wrong.hint
    assert str(right) not in str(wrong)
