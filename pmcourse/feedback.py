"""Feedback for learners that keeps the hidden tests hidden.

nbgrader's feedback is the autograded notebook as HTML, and the autograded
notebook holds every test cell as the master has it: the hidden tests, with
the seeds of their fresh inputs, would be shown to the learner, and a
failing hidden test's traceback quotes its code. The course's
``nbgrader_config.py`` adds :class:`HideHiddenTests` to nbgrader's feedback
step, so ``nbgrader generate_feedback``, the formgrader and ``pmcourse
feedback`` all write feedback with each test's name, points and the plain
message of a failed check, and never the hidden code.
:func:`generate_feedback` also checks every page it wrote for any line of
hidden test code before a learner can see it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

from pmcourse.grading import GradingError, _course_dir, _gradebook_config, _require_source

__all__ = ["FEEDBACK_PREPROCESSORS", "HideHiddenTests", "generate_feedback", "hidden_test_lines"]

_BEGIN, _END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

#: nbgrader's feedback steps with :class:`HideHiddenTests` (``GenerateFeedback.preprocessors``
#: in the course's nbgrader_config.py, and always in :func:`generate_feedback`).
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "pmcourse.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]


class HideHiddenTests(ClearHiddenTests):
    """nbgrader preprocessor: hidden tests and tracebacks out of the feedback.

    Each test cell keeps its public part (the quick check the learner saw);
    an error in a test cell keeps only its type and message (pmcourse's
    checks write a plain-language message), not the traceback that quotes
    the code.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_output
    >>> source = "quick()\\n### BEGIN HIDDEN TESTS\\nsecret(7301)\\n### END HIDDEN TESTS"
    >>> cell = new_code_cell(source)
    >>> cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_f", "points": 2}
    >>> cell.outputs = [new_output("error", ename="AssertionError", evalue="Not yet.",
    ...                            traceback=["secret(7301)", "AssertionError: Not yet."])]
    >>> cell, _ = HideHiddenTests().preprocess_cell(cell, {}, 0)
    >>> cell.source, cell.outputs[0].traceback
    ('quick()', ['AssertionError: Not yet.'])
    """

    def preprocess_cell(
        self, cell: nbformat.NotebookNode, resources: dict, cell_index: int
    ) -> tuple[nbformat.NotebookNode, dict]:
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


def _read(notebook: nbformat.NotebookNode | str | Path) -> nbformat.NotebookNode:
    if isinstance(notebook, str | Path):
        return nbformat.read(str(notebook), as_version=4)
    return notebook


def hidden_test_lines(
    source_nb: nbformat.NotebookNode | str | Path,
    release_nb: nbformat.NotebookNode | str | Path | None = None,
) -> set[str]:
    """The lines of hidden test code in a master, except those the student version shows.

    Lines are stripped; blank lines and comments are left out, and so is any
    line that also appears in `release_nb` (an import the setup cell has too).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> hidden = "### BEGIN HIDDEN TESTS\\nimport pandas as pd\\nsecret(7301)\\n"
    >>> hidden += "### END HIDDEN TESTS"
    >>> master = new_notebook(cells=[new_code_cell(hidden)])
    >>> sorted(hidden_test_lines(master))
    ['import pandas as pd', 'secret(7301)']
    >>> hidden_test_lines(master, new_notebook(cells=[new_code_cell("import pandas as pd")]))
    {'secret(7301)'}
    """
    public = set()
    if release_nb is not None:
        public = {line.strip() for c in _read(release_nb).cells for line in c.source.splitlines()}
    lines = set()
    for cell in _read(source_nb).cells:
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (_BEGIN, _END):
                inside = text == _BEGIN
            elif inside and text and not text.startswith("#"):
                lines.add(text)
    return lines - public


def _leaks(page: str, secrets: set[str]) -> list[str]:
    """Hidden lines (of 12 characters or more) found in a feedback page's text."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # highlighted code is split by tags
    return sorted(line for line in secrets if len(line) >= 12 and line in text)


def generate_feedback(course_dir: str | Path, assignment: str) -> list[Path]:
    """Write each autograded learner's feedback page, without hidden tests.

    Runs nbgrader's ``generate_feedback`` (through ``NbGraderAPI``) with
    :class:`HideHiddenTests`, then reads every page written: a page that
    still holds a line of hidden test code is deleted and reported.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.
    assignment : str
        The assignment, such as ``"01_foundations"``.

    Returns
    -------
    list of pathlib.Path
        The pages, ``feedback/<student>/<assignment>/<notebook>.html``.

    Raises
    ------
    GradingError
        If nothing was autograded yet, nbgrader fails, or a page would show
        hidden tests.
    """
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    course = _course_dir(course_dir)
    _require_source(course, assignment)
    if not any((course / "autograded").glob(f"*/{assignment}")):
        raise GradingError(
            f"Nothing of {assignment!r} is autograded in {course / 'autograded'}. "
            f"Grade it first: pmcourse grade {assignment}."
        )
    config = _gradebook_config(course)
    config.CourseDirectory.root = str(course)
    config.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    result = api.generate_feedback(assignment, force=True)
    if not result["success"]:
        last = (result.get("error", "").strip().splitlines() or ["no message"])[-1]
        raise GradingError(f"nbgrader generate_feedback {assignment} failed: {last}")
    secrets = set().union(
        *(
            hidden_test_lines(master, course / "release" / assignment / master.name)
            for master in sorted((course / "source" / assignment).glob("*.ipynb"))
        )
    )
    pages = sorted((course / "feedback").glob(f"*/{assignment}/*.html"))
    leaking = {page: _leaks(page.read_text(encoding="utf-8"), secrets) for page in pages}
    leaking = {page: lines for page, lines in leaking.items() if lines}
    for page in leaking:
        page.unlink()
    if leaking:
        first, lines = next(iter(leaking.items()))
        raise GradingError(
            f"{len(leaking)} feedback page(s) showed hidden tests and were deleted, such as "
            f"{first} ({lines[0]!r}). Is every hidden test between the lines "
            f"{_BEGIN!r} and {_END!r} in the master?"
        )
    return pages
