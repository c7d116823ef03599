"""Scores out of the gradebook: a per-question export and a learner's course record.

nbgrader's own export gives one total per learner and assignment.
:func:`question_scores` gives every graded part of every assignment, with the
free-text scores once an instructor has entered them in the formgrader;
:func:`totals` adds them up per learner and assignment. :func:`course_record`
writes a one-page record of a learner's modules (score, date, estimated
hours, passed or not) for a continuing professional development portfolio;
the pass mark is ``c.PmcourseGrading.pass_mark_percent`` in the course's
nbgrader_config.py.
"""

from __future__ import annotations

import datetime
import html
from pathlib import Path

import nbformat
import pandas as pd

from pmcourse.batch import grading_settings
from pmcourse.grading import GradingError, _course_dir, _gradebook, _gradebook_config
from pmcourse.modules import graded_parts

__all__ = ["course_record", "export", "question_scores", "totals"]

#: Columns of :func:`question_scores`.
QUESTION_COLUMNS = [
    "student",
    "assignment",
    "question",
    "kind",
    "score",
    "max_score",
    "status",
    "submitted",
]


def _kinds(course: Path, assignment: str) -> dict[str, str]:
    """grade_id -> kind (code, interpretation, free-text), in the student version's order."""
    return {
        part.grade_id: part.kind or ""
        for path in sorted((course / "release" / assignment).glob("*.ipynb"))
        for part in graded_parts(path)
    }


def question_scores(course_dir: str | Path) -> pd.DataFrame:
    """Every graded part of every submission in the gradebook, one row each.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``student``, ``assignment``, ``question`` (the cell's
        ``grade_id``), ``kind`` (code, interpretation or free-text),
        ``score`` (the instructor's score when given, else the autograder's;
        NaN while a free-text answer waits to be graded), ``max_score``,
        ``status`` (``auto``, ``manual`` or ``pending``) and ``submitted``
        (the submission's time stamp), sorted by student, assignment and
        question order.

    Raises
    ------
    GradingError
        If the course has no gradebook yet.
    """
    course = _course_dir(course_dir)
    if not (course / "gradebook.db").exists():
        raise GradingError(f"{course} has no gradebook yet. Grade an assignment first.")
    rows = []
    with _gradebook(course) as gradebook:
        for assignment in gradebook.assignments:
            kinds = _kinds(course, assignment.name)
            order = {name: i for i, name in enumerate(kinds)}
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in sorted(notebook.grades, key=lambda g: order.get(g.name, 0)):
                        if grade.manual_score is not None:
                            score, status = grade.manual_score, "manual"
                        elif grade.auto_score is not None and not grade.needs_manual_grade:
                            score, status = grade.auto_score, "auto"
                        else:
                            score, status = float("nan"), "pending"
                        rows.append(
                            [
                                submission.student_id,
                                assignment.name,
                                grade.name,
                                kinds.get(grade.name, ""),
                                float(score),
                                float(grade.max_score),
                                status,
                                submission.timestamp,
                            ]
                        )
    frame = pd.DataFrame(rows, columns=QUESTION_COLUMNS)
    return frame.sort_values(["student", "assignment"], kind="stable").reset_index(drop=True)


def totals(questions: pd.DataFrame, *, pass_mark_percent: float = 50.0) -> pd.DataFrame:
    """Each learner's total per assignment, from :func:`question_scores`.

    Returns
    -------
    pandas.DataFrame
        Columns ``student``, ``assignment``, ``score``, ``max_score``,
        ``percent``, ``pending`` (parts still to be graded by hand),
        ``passed`` (True or False once nothing is pending, else NA) and
        ``submitted``.

    Examples
    --------
    >>> questions = pd.DataFrame({"student": ["ann"] * 2, "assignment": ["01_x"] * 2,
    ...     "score": [2.0, float("nan")], "max_score": [2.0, 4.0],
    ...     "status": ["auto", "pending"], "submitted": [None, None]})
    >>> print(totals(questions)[["score", "max_score", "pending", "passed"]].to_string())
       score  max_score  pending  passed
    0    2.0        6.0        1    <NA>
    """
    grouped = questions.groupby(["student", "assignment"], sort=True)
    table = grouped.agg(
        score=("score", "sum"),
        max_score=("max_score", "sum"),
        pending=("status", lambda s: int((s == "pending").sum())),
        submitted=("submitted", "first"),
    ).reset_index()
    table["percent"] = (100 * table["score"] / table["max_score"]).round(1)
    passed = table["percent"] >= pass_mark_percent
    table["passed"] = pd.array(passed, dtype="boolean")
    table.loc[table["pending"] > 0, "passed"] = pd.NA
    columns = ["student", "assignment", "score", "max_score", "percent", "pending", "passed"]
    return table[[*columns, "submitted"]]


def export(course_dir: str | Path, folder: str | Path | None = None) -> list[Path]:
    """Write ``scores-by-question.csv`` and ``scores-totals.csv`` (default: the course folder).

    Returns
    -------
    list of pathlib.Path
        The two files.
    """
    course = _course_dir(course_dir)
    folder = Path(folder) if folder else course
    folder.mkdir(parents=True, exist_ok=True)
    questions = question_scores(course)
    pass_mark = grading_settings(course)["pass_mark_percent"]
    paths = [folder / "scores-by-question.csv", folder / "scores-totals.csv"]
    questions.to_csv(paths[0], index=False)
    totals(questions, pass_mark_percent=pass_mark).to_csv(paths[1], index=False)
    return paths


def _module_info(course: Path, assignment: str) -> tuple[str, float]:
    """Title and estimated hours of an assignment, from its master's metadata."""
    for path in sorted((course / "source" / assignment).glob("*.ipynb")):
        info = nbformat.read(path, as_version=4).metadata.get("pmcourse", {})
        if info:
            minutes = float(info.get("estimated_time_minutes", 0))
            return info.get("title", assignment), minutes / 60
    return assignment, 0.0


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Course record: {student}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; color: #111; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; }}
td.n, th.n {{ text-align: right; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>Introduction to personalised medicine: course record</h1>
<p><strong>Learner:</strong> {student}<br><strong>Course:</strong> {course_id}<br>
<strong>Issued:</strong> {today}<br><strong>Pass mark:</strong> {pass_mark:g}% of each
module's points</p>
<table>
<tr><th>Module</th><th>Submitted</th><th class="n">Score</th><th class="n">Estimated hours</th>
<th>Result</th></tr>
{rows}
<tr><th>Course total</th><th></th><th class="n">{score:g} / {max_score:g}</th>
<th class="n">{hours:.1f}</th><th>{passed} of {n} modules passed</th></tr>
</table>
<p>Estimated hours are the module's estimated study time, counted for passed modules.
Scores include the instructor's marks of the written answers. Synthetic teaching data
only; this record does not certify clinical competence.</p>
</body></html>
"""


def course_record(course_dir: str | Path, student: str, folder: str | Path | None = None) -> Path:
    """Write a learner's one-page course record (HTML, printable to PDF from a browser).

    Lists each module with an assignment in the course: submission date,
    score, estimated hours (from the module's metadata) and the result
    (passed, not passed, awaiting the written answers' marks, or not
    submitted), then the course total.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder.
    student : str
        The learner's id in the gradebook.
    folder : str or pathlib.Path, optional
        Where to write ``record-<student>.html``; by default ``records/`` in
        the course folder.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    GradingError
        If the learner has no graded submission.
    """
    course = _course_dir(course_dir)
    questions = question_scores(course)
    mine = questions[questions["student"] == student]
    if mine.empty:
        known = ", ".join(sorted(questions["student"].unique())[:10]) or "none"
        raise GradingError(
            f"No graded submission of {student!r} in the gradebook. Learners there: {known}."
        )
    pass_mark = grading_settings(course)["pass_mark_percent"]
    table = totals(mine, pass_mark_percent=pass_mark).set_index("assignment")
    rows, score, max_score, hours, passed = [], 0.0, 0.0, 0.0, 0
    assignments = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    for assignment in assignments:
        title, module_hours = _module_info(course, assignment)
        if assignment in table.index:
            row = table.loc[assignment]
            score += row["score"]
            max_score += row["max_score"]
            if row["pending"]:
                result = "awaiting marks of the written answers"
            elif row["passed"]:
                result, hours, passed = "passed", hours + module_hours, passed + 1
            else:
                result = "not passed"
            stamp = row["submitted"]
            date = "" if pd.isna(stamp) else pd.Timestamp(stamp).date().isoformat()
            cells = [date, f"{row['score']:g} / {row['max_score']:g}"]
        else:
            result, cells = "not submitted", ["", ""]
        rows.append(
            f"<tr><td>{html.escape(title)}</td><td>{cells[0]}</td><td class='n'>{cells[1]}</td>"
            f"<td class='n'>{module_hours:.1f}</td><td>{result}</td></tr>"
        )
    course_id = _gradebook_config(course).CourseDirectory.get("course_id", "")
    page = _PAGE.format(
        student=html.escape(student),
        course_id=html.escape(course_id),
        today=datetime.date.today().isoformat(),
        pass_mark=pass_mark,
        rows="\n".join(rows),
        score=score,
        max_score=max_score,
        hours=hours,
        passed=passed,
        n=len(assignments),
    )
    folder = Path(folder) if folder else course / "records"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"record-{student}.html"
    path.write_text(page, encoding="utf-8")
    return path
