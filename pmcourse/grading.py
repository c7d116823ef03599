"""Instructor-side helpers for the graded exercises (nbgrader).

The course's nbgrader folder is ``exercises/``: ``source/<assignment>/`` holds
the instructor masters (solutions, hidden tests, mark schemes), ``release/``
the student versions, ``submitted/<student>/<assignment>/`` the collected
work and ``gradebook.db`` the grades. These helpers wrap the nbgrader command
line and its gradebook so that releasing and grading are one call each, and so
that a bad input (a missing folder, a damaged submission) ends in a plain
message instead of a traceback, without touching anyone's files.

nbgrader is run as ``python -m nbgrader`` with the Python running this code,
with that Python's ``bin`` folder first on ``PATH``: nbgrader calls the
``alembic`` program when it creates a new gradebook.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

__all__ = [
    "AutogradeReport",
    "GradingError",
    "assignment_names",
    "autograde",
    "course_folder",
    "fill_answers",
    "generate_release",
    "nbgrader_command",
    "scores",
    "solutions_from_source",
]

_BEGIN_SOLUTION = "### BEGIN SOLUTION"
_END_SOLUTION = "### END SOLUTION"


class GradingError(RuntimeError):
    """A grading step could not be done; the message says why and what to do."""


# --------------------------------------------------------------------------
# Running nbgrader
# --------------------------------------------------------------------------


def nbgrader_command(
    course_dir: str | Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess:
    """Run ``python -m nbgrader ARGS`` in a course folder.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder (holding ``nbgrader_config.py``).
    *args : str
        The nbgrader subcommand and its arguments, such as
        ``"generate_assignment", "01_foundations", "--force"``.
    check : bool, default True
        Raise :class:`GradingError` (with nbgrader's error lines) when
        nbgrader exits with an error.

    Returns
    -------
    subprocess.CompletedProcess
        With ``stdout`` and ``stderr`` as text.
    """
    course = _course_dir(course_dir)
    environment = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join([bin_dir, environment.get("PATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise GradingError(
            f"nbgrader {' '.join(args)} failed in {course}:\n{_error_lines(result.stderr)}"
        )
    return result


def _error_lines(log: str) -> str:
    """nbgrader's ERROR lines and the last line of each traceback, not the whole wall."""
    lines = log.splitlines()
    kept = [
        line
        for line in lines
        if ("| ERROR]" in line or "| CRITICAL]" in line) and "Traceback" not in line
    ]
    exceptions = [
        line.strip()
        for line in lines
        if re.match(r"\s*[\w.]+(Error|Exception|MissingEntry)\b.*:", line)
    ]
    picked = kept + exceptions[-1:]
    return "\n".join(picked) if picked else "\n".join(lines[-10:])


def course_folder(course_dir: str | Path | None = None) -> Path:
    """The nbgrader course folder a grading command works in.

    It is `course_dir` when given; else the current folder when it holds an
    ``nbgrader_config.py`` (as nbgrader itself works); else ``exercises/``
    in the current folder (the repository's course).

    Raises
    ------
    GradingError
        If that folder has no ``nbgrader_config.py``.

    Examples
    --------
    >>> from pmcourse.modules import ROOT
    >>> course_folder(ROOT / "exercises").name
    'exercises'
    """
    if course_dir is None:
        here = Path.cwd()
        course_dir = here if (here / "nbgrader_config.py").is_file() else here / "exercises"
    return _course_dir(course_dir)


def _course_dir(course_dir: str | Path) -> Path:
    course = Path(course_dir).resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise GradingError(
            f"{course} is not an nbgrader course folder: it has no nbgrader_config.py. "
            "Give the course folder with --course-dir, or run the command in it."
        )
    return course


def _require_source(course: Path, assignment: str) -> None:
    """Raise a clear GradingError when an assignment has no master folder."""
    if not (course / "source" / assignment).is_dir():
        known = ", ".join(assignment_names(course)) or "none"
        raise GradingError(
            f"There is no assignment {assignment!r} in {course / 'source'}. "
            f"The assignments there are: {known}."
        )


def assignment_names(course_dir: str | Path, kind: str = "source") -> list[str]:
    """Assignments that have a folder in ``source/`` (or another `kind` of folder)."""
    folder = Path(course_dir) / kind
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def generate_release(course_dir: str | Path, assignment: str, *, database: bool = False) -> Path:
    """Write the student version of an assignment with ``nbgrader generate_assignment``.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.
    assignment : str
        Name of a folder in ``source/``, such as ``"01_foundations"``.
    database : bool, default False
        Also record the assignment (its cells, points and hidden tests) in the
        gradebook. Autograding needs this; regenerating the committed release
        does not (``--no-db``), so it never creates or changes a gradebook.

    Returns
    -------
    pathlib.Path
        The folder ``release/<assignment>``.

    Raises
    ------
    GradingError
        If the assignment has no source folder or nbgrader fails.
    """
    course = _course_dir(course_dir)
    _require_source(course, assignment)
    for path in sorted((course / "source" / assignment).glob("*.ipynb")):
        problem = _notebook_problem(path)
        if problem:
            raise GradingError(f"The master {path} cannot be released: {problem}")
    args = ["generate_assignment", assignment, "--force"]
    if not database:
        args.append("--no-db")
    release = course / "release" / assignment
    with tempfile.TemporaryDirectory() as backup:
        # nbgrader deletes the old release before writing the new one; keep a copy
        # so that a failed run leaves the previous release in place.
        kept = Path(backup) / assignment
        if release.is_dir():
            shutil.copytree(release, kept)
        try:
            nbgrader_command(course, *args)
        except GradingError:
            if kept.is_dir() and not release.is_dir():
                shutil.copytree(kept, release)
            raise
    return release


# --------------------------------------------------------------------------
# Working with notebooks
# --------------------------------------------------------------------------


def _as_notebook(notebook: nbformat.NotebookNode | str | Path) -> nbformat.NotebookNode:
    if isinstance(notebook, str | Path):
        return nbformat.read(str(notebook), as_version=4)
    return notebook


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solutions_from_source(
    source_nb: nbformat.NotebookNode | str | Path,
) -> dict[str, str]:
    """The solution code of each autograded answer cell of an instructor master.

    Parameters
    ----------
    source_nb : nbformat.NotebookNode, str or pathlib.Path
        The master notebook (from ``source/``) or its path.

    Returns
    -------
    dict of str to str
        ``grade_id`` of each code cell marked as a solution, mapped to the
        cell's source with the ``### BEGIN SOLUTION`` and ``### END SOLUTION``
        lines removed, in notebook order. Markdown answer cells (graded by
        hand) are left out.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> source = "def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"
    >>> cell = new_code_cell(source)
    >>> cell.metadata["nbgrader"] = {"grade_id": "f", "solution": True, "grade": False}
    >>> solutions_from_source(new_notebook(cells=[cell]))
    {'f': 'def f():\\n    return 1'}
    """
    notebook = _as_notebook(source_nb)
    solutions = {}
    for cell in notebook.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        lines = [
            line
            for line in cell.source.split("\n")
            if line.strip() not in (_BEGIN_SOLUTION, _END_SOLUTION)
        ]
        solutions[meta["grade_id"]] = "\n".join(lines)
    return solutions


def fill_answers(
    notebook: nbformat.NotebookNode | str | Path, answers: Mapping[str, str]
) -> nbformat.NotebookNode:
    """A copy of a (release) notebook with some answer cells replaced.

    Used to make synthetic submissions for testing the grading: the master's
    solutions, a typical mistake, a hard-coded answer.

    Parameters
    ----------
    notebook : nbformat.NotebookNode, str or pathlib.Path
        The notebook, usually the student version from ``release/``; it is not
        changed.
    answers : mapping of str to str
        New source for each answer cell, by ``grade_id``.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        If a ``grade_id`` is not an answer cell of the notebook (only answer
        cells can be filled: nbgrader restores every other graded cell from
        the gradebook when it autogrades).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> cell = new_code_cell("raise NotImplementedError()")
    >>> cell.metadata["nbgrader"] = {"grade_id": "f", "solution": True, "grade": False}
    >>> filled = fill_answers(new_notebook(cells=[cell]), {"f": "x = 1"})
    >>> filled.cells[0].source, cell.source
    ('x = 1', 'raise NotImplementedError()')
    """
    filled = copy.deepcopy(_as_notebook(notebook))
    answer_cells = {
        _nbgrader(cell)["grade_id"]: cell
        for cell in filled.cells
        if _nbgrader(cell).get("solution") and "grade_id" in _nbgrader(cell)
    }
    unknown = sorted(set(answers) - set(answer_cells))
    if unknown:
        raise ValueError(
            f"No answer cell with grade_id {', '.join(map(repr, unknown))} in this notebook; "
            f"its answer cells are: {', '.join(answer_cells) or 'none'}."
        )
    for grade_id, source in answers.items():
        cell = answer_cells[grade_id]
        cell.source = source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return filled


# --------------------------------------------------------------------------
# Autograding and scores
# --------------------------------------------------------------------------


@dataclass
class AutogradeReport:
    """What happened in :func:`autograde`.

    Attributes
    ----------
    graded : list of str
        Students whose submission was autograded.
    problems : dict of str to str
        Students whose submission could not be graded, with the reason. Their
        files are left as they were.
    log : str
        nbgrader's full log, for the record.
    """

    graded: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    log: str = ""

    def __str__(self) -> str:
        lines = [f"autograded {len(self.graded)} submission(s): {', '.join(self.graded) or '-'}"]
        lines += [f"NOT graded, {student}: {reason}" for student, reason in self.problems.items()]
        return "\n".join(lines)


def _notebook_problem(path: Path) -> str | None:
    """Why a notebook file cannot be read, or None if it can."""
    try:
        nbformat.read(str(path), as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, nbformat.reader.NotJSONError) as error:
        first_line = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        return (
            f"{path.name} is not a readable notebook (damaged or not saved properly: "
            f"{first_line})."
        )
    except Exception as error:  # nbformat raises several kinds on bad files
        return f"{path.name} could not be read: {type(error).__name__}: {error}"
    return None


def autograde(
    course_dir: str | Path,
    assignment: str,
    students: Iterable[str] | None = None,
) -> AutogradeReport:
    """Autograde the collected submissions of an assignment, several at a time.

    Submissions are read from ``submitted/<student>/<assignment>/`` and graded
    several at a time with nbgrader's autograder (:func:`pmcourse.batch.grade_class`).
    A submission that cannot be graded (a damaged notebook, say), or that
    needs a look (an edited test cell, a limit reached), is reported in
    :attr:`AutogradeReport.problems`;
    it cannot stop the others. No submission is changed or deleted. If the
    assignment is not in the gradebook yet, it is added from ``source/`` first.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.
    assignment : str
        The assignment, such as ``"01_foundations"``.
    students : iterable of str, optional
        Only these students; by default everyone with a submission.

    Returns
    -------
    AutogradeReport

    Raises
    ------
    GradingError
        If there is no submission that can be graded.
    """
    from pmcourse.batch import grade_class

    result = grade_class(course_dir, assignment, students=students)
    report = AutogradeReport(
        graded=[o.student for o in result.outcomes if o.graded],
        problems={o.student: "; ".join(o.reasons) for o in result.outcomes if o.reasons},
        log="\n".join(o.log for o in result.outcomes),
    )
    if not report.graded:
        details = "".join(f"\n  {s}: {why}" for s, why in report.problems.items())
        raise GradingError(
            f"No submission of {assignment!r} could be graded in {course_dir}/submitted. "
            f"Collect them first (nbgrader collect or zip_collect).{details}"
        )
    return report


def _gradebook_config(course: Path):
    """The traitlets configuration in a course folder's nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def _gradebook(course: Path):
    """An nbgrader Gradebook for a course folder, configured by its nbgrader_config.py."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    config = _gradebook_config(course)
    course_directory = CourseDirectory(config=config)
    return Gradebook(course_directory.db_url, course_directory.course_id)


def _in_gradebook(course: Path, assignment: str) -> bool:
    if not (course / "gradebook.db").exists():
        return False
    from nbgrader.api import MissingEntry

    with _gradebook(course) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def scores(course_dir: str | Path, assignment: str) -> pd.DataFrame:
    """Autograded scores of every graded submission of an assignment, from the gradebook.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.
    assignment : str
        The assignment, such as ``"01_foundations"``.

    Returns
    -------
    pandas.DataFrame
        One row per student (index ``student``), sorted: ``autograded_score``
        and ``autograded_max`` (points of the automatically graded cells),
        ``needs_manual_grading`` (nbgrader's flag: a cell graded by hand, or
        an autograded cell that could not be scored, still needs a look),
        then one column per graded cell, named by its ``grade_id``, with its
        score (for an answer graded by hand, NaN until an instructor gives
        one; nbgrader scores an answer left blank 0 at once).

    Raises
    ------
    GradingError
        If the course has no gradebook or the assignment is not in it.
    """
    course = _course_dir(course_dir)
    if not (course / "gradebook.db").exists():
        raise GradingError(
            f"{course} has no gradebook yet. Autograde the submissions first "
            f"(pmcourse grade {assignment})."
        )
    from nbgrader.api import MissingEntry

    rows = []
    with _gradebook(course) as gradebook:
        try:
            record = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise GradingError(
                f"The gradebook has no assignment {assignment!r}. Autograde it first "
                f"(pmcourse grade {assignment})."
            ) from None
        cells = [cell for notebook in record.notebooks for cell in notebook.grade_cells]
        for submission in record.submissions:
            row = {
                "student": submission.student_id,
                "autograded_score": 0.0,
                "autograded_max": 0.0,
                "needs_manual_grading": False,
            }
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    row["needs_manual_grading"] |= bool(grade.needs_manual_grade)
                    if grade.cell.cell_type == "code":
                        row[grade.name] = float(grade.score)
                        row["autograded_score"] += float(grade.auto_score or 0.0)
                        row["autograded_max"] += float(grade.max_score)
                    elif grade.manual_score is not None:  # graded by hand
                        row[grade.name] = float(grade.manual_score)
                    elif grade.auto_score is not None:  # left blank: nbgrader gives 0
                        row[grade.name] = float(grade.auto_score)
                    else:  # waiting for an instructor
                        row[grade.name] = float("nan")
            rows.append(row)
    columns = ["autograded_score", "autograded_max", "needs_manual_grading"]
    columns += [cell.name for cell in cells]
    frame = pd.DataFrame(rows, columns=["student", *columns])
    return frame.set_index("student").sort_index()
