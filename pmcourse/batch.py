"""Grading a class: every submission of an assignment autograded in parallel, with limits.

:func:`grade_class` runs nbgrader's own autograder (``NbGraderAPI.autograde``,
the code behind ``nbgrader autograde``) on each submission in
``submitted/<student>/<assignment>/``, in several worker processes at once.
Each worker writes to its own copy of the gradebook; after each submission
it sends that submission's grades back and this process alone writes them
into the course's gradebook, so nothing waits on a locked database and the
grades are those a sequential ``nbgrader autograde`` records.

Nothing stops the batch: a submission that cannot be read, whose kernel dies,
that runs past the time limit or uses more memory than allowed is stopped
and listed with the reason. Each submission is also compared with the
student version to tell a real edit of a test cell from the checksum
warning nbgrader gives for every cell with hidden tests
(jupyter/nbgrader#1961). Files in ``submitted/`` are only read.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib.util
import logging
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import nbformat
import pandas as pd

from pmcourse.grading import (
    GradingError,
    _course_dir,
    _gradebook_config,
    _in_gradebook,
    _notebook_problem,
    _require_source,
    generate_release,
    scores,
)

__all__ = ["ClassReport", "Outcome", "compare_with_release", "grade_class", "grading_settings"]

#: Seconds between two looks at the running submissions (time and memory).
_POLL_S = 0.25
#: Seconds between two searches for a worker's kernel (its memory is read at each look).
_LOOK_S = 2.0
#: Seconds a worker gets to report after its kernel was stopped, before it is replaced.
_GRACE_S = 20.0
#: Defaults of the course settings (``c.PmcourseGrading`` in nbgrader_config.py).
_DEFAULTS = {"time_limit_s": 600.0, "memory_limit_mb": 2000.0, "pass_mark_percent": 50.0}


def grading_settings(course_dir: str | Path) -> dict[str, float]:
    """The course's grading settings: ``c.PmcourseGrading`` in its nbgrader_config.py.

    Returns
    -------
    dict of str to float
        ``time_limit_s`` (the longest one submission may run), ``memory_limit_mb``
        (the most memory its kernel may use) and ``pass_mark_percent`` (the share
        of an assignment's points that passes a module), each from the
        configuration or its default.

    Examples
    --------
    >>> from pmcourse.modules import ROOT
    >>> sorted(grading_settings(ROOT / "exercises"))
    ['memory_limit_mb', 'pass_mark_percent', 'time_limit_s']
    """
    section = _gradebook_config(_course_dir(course_dir)).get("PmcourseGrading", {})
    return {name: float(section.get(name, default)) for name, default in _DEFAULTS.items()}


# --------------------------------------------------------------------------
# What happened to one submission
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What grading did with one student's submission.

    Attributes
    ----------
    student : str
        The student's id (their folder in ``submitted/``).
    graded : bool
        nbgrader autograded it and its grades are in the gradebook.
    reasons : list of str
        Why an instructor should look at it; empty when nothing is wrong.
    seconds : float
        Wall time of its grading.
    false_alarms : int
        Test cells for which nbgrader warns "Attribute 'checksum' ... has
        changed" although the learner did not touch them (the cell has
        hidden tests: jupyter/nbgrader#1961). Not a reason for review.
    record : dict or None
        The grades a worker sends back to be written into the course's
        gradebook (emptied once written).
    log : str
        nbgrader's log of this submission.
    """

    student: str
    graded: bool = False
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0
    false_alarms: int = 0
    record: dict | None = None
    log: str = ""

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)


def _digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, by relative path."""
    if not folder.is_dir():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _graded_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if "grade_id" in cell.get("metadata", {}).get("nbgrader", {})
    }


def compare_with_release(
    submitted: nbformat.NotebookNode,
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode | None = None,
) -> tuple[list[str], int]:
    """Real changes to the cells a learner may not edit, and nbgrader's false alarms.

    Parameters
    ----------
    submitted, release : nbformat.NotebookNode
        A learner's notebook and the student version it was made from.
    source : nbformat.NotebookNode, optional
        The instructor master, to count the false alarms.

    Returns
    -------
    reasons : list of str
        One line for each test or read-only cell that was deleted or edited,
        and each graded cell whose type was changed. nbgrader restores them
        all from the source before grading, so they earn nothing; an
        instructor may still want to know.
    false_alarms : int
        Unchanged read-only cells whose master differs from the student
        version (the hidden tests were taken out): nbgrader warns "Attribute
        'checksum' ... has changed" for each, because the gradebook keeps the
        master's checksum (jupyter/nbgrader#1961). Nothing was changed.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> meta = {"nbgrader": {"grade_id": "test_f", "locked": True, "grade": True}}
    >>> release = new_notebook(cells=[new_code_cell("assert f() == 1", metadata=meta)])
    >>> master = new_notebook(cells=[new_code_cell("assert f() == 1; f(2)", metadata=meta)])
    >>> compare_with_release(release, release, master)
    ([], 1)
    >>> edited = new_notebook(cells=[new_code_cell("pass", metadata=meta)])
    >>> compare_with_release(edited, release, master)
    (['test cell test_f was edited (nbgrader ran the original)'], 0)
    >>> compare_with_release(new_notebook(cells=[]), release)[0]
    ['test cell test_f was deleted (nbgrader put it back and ran it)']
    """
    reasons, false_alarms = [], 0
    cells = _graded_cells(submitted)
    masters = _graded_cells(source) if source is not None else {}
    for grade_id, original in _graded_cells(release).items():
        meta = original.metadata["nbgrader"]
        what = "test cell" if meta.get("grade") and not meta.get("solution") else "cell"
        cell = cells.get(grade_id)
        if cell is None:
            if meta.get("locked") or meta.get("grade"):
                reasons.append(f"{what} {grade_id} was deleted (nbgrader put it back and ran it)")
        elif cell.cell_type != original.cell_type:
            reasons.append(
                f"cell {grade_id} was changed from {original.cell_type} to {cell.cell_type} "
                "(nbgrader changed it back)"
            )
        elif meta.get("locked") and cell.source.strip() != original.source.strip():
            reasons.append(f"{what} {grade_id} was edited (nbgrader ran the original)")
        elif meta.get("locked") and grade_id in masters:
            false_alarms += masters[grade_id].source.strip() != original.source.strip()
    return reasons, false_alarms


# --------------------------------------------------------------------------
# The worker: one process, its own gradebook, one submission at a time
# --------------------------------------------------------------------------


def _api(course: Path, db_url: str, cell_timeout: float | None, sandbox_memory_mb: float | None):
    """An NbGraderAPI on the course's configuration, writing to `db_url`.

    With `sandbox_memory_mb`, each kernel runs in a sandbox with that much
    memory and the tests are judged again outside it (:mod:`pmcourse.safe_autograde`).
    """
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from pmcourse.safe_autograde import autograde_steps

    config = _gradebook_config(course)
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = db_url
    if cell_timeout is not None:
        config.Execute.timeout = int(cell_timeout)
    config.Autograde.autograde_preprocessors = autograde_steps(
        config.Autograde.get("autograde_preprocessors"), sandboxed=sandbox_memory_mb is not None
    )
    if sandbox_memory_mb is not None:
        config.SandboxedKernelManager.memory_limit_mb = sandbox_memory_mb
    log = logging.getLogger(f"pmcourse.batch.worker{os.getpid()}")
    log.propagate = False
    log.setLevel(logging.INFO)
    return NbGraderAPI(CourseDirectory(config=config), config=config, log=log)


#: What nbgrader's autograder writes into a gradebook, by table: only these are
#: copied back, so a mark entered in the formgrader meanwhile is never overwritten.
_AUTOGRADED = {
    "submission": ("timestamp",),
    "notebook": ("late_submission_penalty",),
    "grade": ("auto_score", "needs_manual_grade"),
    "comment": ("auto_comment",),
}


def _fields(row, table: str) -> dict:
    return {name: getattr(row, name) for name in _AUTOGRADED[table]}


def _read_record(db_url: str, course_id: str, assignment: str, student: str) -> dict | None:
    """What autograding recorded about one submission, from a gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "submission": _fields(submission, "submission"),
            "notebooks": {
                notebook.name: {
                    "notebook": _fields(notebook, "notebook"),
                    "grade": {grade.name: _fields(grade, "grade") for grade in notebook.grades},
                    "comment": {c.name: _fields(c, "comment") for c in notebook.comments},
                }
                for notebook in submission.notebooks
            },
        }


def _cell_names(gradebook, assignment: str) -> dict[str, str]:
    """Cell id -> grade_id of an assignment's graded and answer cells in a gradebook."""
    record = gradebook.find_assignment(assignment)
    return {
        cell.id: cell.name
        for notebook in record.notebooks
        for cells in (notebook.grade_cells, notebook.solution_cells, notebook.task_cells)
        for cell in cells
    }


def _write_record(gradebook, assignment: str, student: str, record: dict, names: dict) -> None:
    """Write one submission's record (from :func:`_read_record`) into a gradebook.

    `names` is :func:`_cell_names` of the assignment (a grade's own name is one
    more query per grade).
    """
    gradebook.update_or_create_student(student)
    with warnings.catch_warnings():  # nbgrader's add_submission, on SQLAlchemy 2
        warnings.filterwarnings("ignore", message=".*not in session.*")
        submission = gradebook.update_or_create_submission(assignment, student)
    rows = [(submission, record["submission"])]
    notebooks = {notebook.name: notebook for notebook in submission.notebooks}
    for name, notebook in record["notebooks"].items():
        rows.append((notebooks[name], notebook["notebook"]))
        for table, cells in (
            ("grade", notebooks[name].grades),
            ("comment", notebooks[name].comments),
        ):
            by_name = {names[cell.cell_id]: cell for cell in cells}
            rows += [(by_name[cell], values) for cell, values in notebook[table].items()]
    for row, values in rows:
        for field_name, value in values.items():
            setattr(row, field_name, value)
    gradebook.db.commit()


def _stopped_cells(folder: Path) -> list[str]:
    """Reasons found in the autograded notebooks: cells stopped by the timeout or memory."""
    reasons = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells, start=1):
            names = {o.get("ename") for o in cell.get("outputs", []) if o.output_type == "error"}
            where = cell.metadata.get("nbgrader", {}).get("grade_id", f"number {index}")
            if names & {"CellTimeoutError", "KeyboardInterrupt"}:
                reasons.append(f"cell {where} ran past the time allowed per cell and was stopped")
            elif "MemoryError" in names:
                reasons.append(f"cell {where} ran out of memory")
    return reasons


def _nbgrader_failure(error: str, log: str) -> str:
    """Why nbgrader failed, from its error and its log (which holds the traceback)."""
    if "DeadKernelError" in error + log:
        return (
            "the notebook's Python kernel stopped while it ran (its code ends the process, "
            "such as os._exit() or exit(), or it crashed); not graded"
        )
    if "CellTimeoutError" in error + log:
        return (
            "a cell ran past the time allowed per cell and did not stop when interrupted "
            "(does it catch KeyboardInterrupt?); not graded"
        )
    last = (error.strip().splitlines() or ["no message"])[-1]
    return f"nbgrader could not autograde it ({last[:200]}); see the grading log"


@dataclass(frozen=True)
class _Task:
    course: Path
    assignment: str
    course_id: str
    release: dict  # notebook name -> student version
    source: dict  # notebook name -> instructor master
    sandbox_memory_mb: float | None = None  # None: kernels run unsandboxed (--unsafe)


def _grade_one(api, task: _Task, student: str, db_url: str) -> Outcome:
    """Autograde one student's submission with the worker's API; report what happened."""
    start = time.perf_counter()
    outcome = Outcome(student)
    folder = task.course / "submitted" / student / task.assignment
    names = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    missing = sorted(set(task.release) - set(names))
    if not folder.is_dir():
        outcome.reasons.append(f"no submission in {folder}")
    elif not names:
        outcome.reasons.append(f"there is no notebook (.ipynb) in {folder}")
    elif missing:
        outcome.reasons.append(
            f"{', '.join(missing)} is missing (found {', '.join(names)}): if the learner "
            f"renamed it, copy it as {missing[0]} into a new submission or ask them to resubmit"
        )
    gradable = bool(set(names) & set(task.release))
    for name in names:
        try:
            notebook = nbformat.read(folder / name, as_version=4)
        except Exception:  # say why in the words of pmcourse.grading
            gradable = False
            problem = _notebook_problem(folder / name)
            outcome.reasons.append(f"{problem} Ask the student to save and submit again.")
            continue
        if name in task.release:
            edits, alarms = compare_with_release(
                notebook, task.release[name], task.source.get(name)
            )
            outcome.reasons += edits
            outcome.false_alarms += alarms
    if gradable:
        sandbox = _sandbox_run(task)
        sandbox.reset()  # nothing of the previous student's run is reported for this one
        result = api.autograde(task.assignment, student, force=True, create=True)
        outcome.log = result.get("log", "")
        outcome.graded = bool(result["success"])
        if not result["success"] and not sandbox.out_of_memory:  # its note says why instead
            outcome.reasons.append(_nbgrader_failure(result.get("error", ""), outcome.log))
        outcome.reasons += sandbox.notes
        outcome.reasons += _stopped_cells(task.course / "autograded" / student / task.assignment)
        outcome.record = _read_record(db_url, task.course_id, task.assignment, student)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _sandbox_run(task: _Task):
    """What the sandboxed grader reports of a notebook (``safe_autograde.SandboxRun``);
    a fresh empty report without the sandbox."""
    from pmcourse.safe_autograde import LAST_RUN, SandboxRun

    return SandboxRun() if task.sandbox_memory_mb is None else LAST_RUN


def _worker(connection, task: _Task, db_url: str, cell_timeout: float | None, log: str) -> None:
    """A worker process: grade the students it is sent, one at a time, until None."""
    with open(log, "a", encoding="utf-8") as stream:  # the kernels' chatter, not the terminal
        os.dup2(stream.fileno(), 1)
        os.dup2(stream.fileno(), 2)
    if importlib.util.find_spec("fastjsonschema"):  # nbformat's faster validator, same verdicts
        os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    api = _api(task.course, db_url, cell_timeout, task.sandbox_memory_mb)
    while (student := connection.recv()) is not None:
        try:
            outcome = _grade_one(api, task, student, db_url)
        except Exception as error:  # report it and go on with the next student
            outcome = Outcome(student, reasons=[f"pmcourse could not grade it: {error!r}"])
        connection.send(outcome)


# --------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------


@dataclass
class ClassReport:
    """The result of :func:`grade_class`: one :class:`Outcome` per student and the scores.

    ``str(report)`` is the readable summary; :meth:`write_csv` writes the table.
    """

    assignment: str
    outcomes: list[Outcome]
    scores: pd.DataFrame  # pmcourse.grading.scores of the assignment
    seconds: float
    workers: int
    sandboxed: bool = True
    csv_path: Path | None = None

    @property
    def needs_review(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.needs_review]

    def rows(self) -> list[dict]:
        """One row per student: status, score, maximum, free text pending, reasons."""
        rows = []
        for outcome in sorted(self.outcomes, key=lambda o: o.student):
            known = outcome.graded and outcome.student in self.scores.index
            row = self.scores.loc[outcome.student] if known else None
            rows.append(
                {
                    "student": outcome.student,
                    "status": "needs review" if outcome.needs_review else "graded",
                    "autograded_score": row["autograded_score"] if known else "",
                    "autograded_max": row["autograded_max"] if known else "",
                    "manual_grading_pending": bool(row["needs_manual_grading"]) if known else "",
                    "reasons": "; ".join(outcome.reasons),
                    "seconds": round(outcome.seconds, 1),
                }
            )
        return rows

    def write_csv(self, path: str | Path) -> Path:
        """Write :meth:`rows` as CSV; return the path."""
        path = Path(path)
        rows = self.rows()
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else ["student"])
            writer.writeheader()
            writer.writerows(rows)
        self.csv_path = path
        return path

    def __str__(self) -> str:
        graded = sum(not o.needs_review for o in self.outcomes)
        lines = [
            f"{self.assignment}: {len(self.outcomes)} submission(s) in {self.seconds:.1f} s "
            f"with {self.workers} worker(s): {graded} graded, "
            f"{len(self.needs_review)} need review."
        ]
        if not self.sandboxed:
            lines.append("  (unsafe: learners' code ran as you, without a sandbox)")
        for row in self.rows():
            score = (
                f"{row['autograded_score']:g} / {row['autograded_max']:g}"
                if row["autograded_score"] != ""
                else "no score"
            )
            pending = ", free text to grade" if row["manual_grading_pending"] is True else ""
            lines.append(f"  {row['student']}: {score}{pending}")
            if row["reasons"]:
                lines.append(f"      needs review: {row['reasons']}")
        alarms = sum(o.false_alarms for o in self.outcomes)
        if alarms:
            lines.append(
                f"nbgrader's warnings \"Attribute 'checksum' ... has changed\" for {alarms} "
                "untouched test cell(s) with hidden tests are a known false alarm "
                "(jupyter/nbgrader#1961); the real edits are listed above."
            )
        if self.csv_path:
            lines.append(f"wrote {self.csv_path}")
        return "\n".join(lines)


def _cores() -> int:
    """CPU cores this process may use (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _students(course: Path, assignment: str, students: Iterable[str] | None) -> list[str]:
    submitted = course / "submitted"
    found = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    wanted = found if students is None else sorted(set(students))
    if not set(wanted) & set(found):
        missing = "".join(
            f"\n  {s}: no submission in {submitted / s / assignment}" for s in wanted
        )
        raise GradingError(
            f"No submission of {assignment!r} in {submitted}. Collect them first "
            f"(nbgrader collect or zip_collect).{missing}"
        )
    return wanted


class _Pool:
    """Worker processes, each with its own gradebook copy; replaced when stopped."""

    def __init__(self, n: int, task: _Task, folder: Path, cell_timeout: float | None) -> None:
        self.task, self.folder, self.cell_timeout = task, folder, cell_timeout
        # on Linux a worker is forked, with nbgrader already imported (macOS and
        # Windows start a fresh Python: fork is unsafe or missing there)
        self.context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self.slots: list[dict] = []
        main_db = task.course / "gradebook.db"
        for i in range(n):
            db = folder / f"worker{i}.db"
            shutil.copy2(main_db, db)
            self.slots.append({"db_url": f"sqlite:///{db}", "index": i})
            self._start(self.slots[-1])

    def _start(self, slot: dict) -> None:
        here, there = self.context.Pipe()
        process = self.context.Process(
            target=_worker,
            args=(
                there,
                self.task,
                slot["db_url"],
                self.cell_timeout,
                str(self.folder / f"worker{slot['index']}.log"),
            ),
            daemon=True,
        )
        process.start()
        slot.update(process=process, connection=here, student=None, started=0.0, stopped=None)

    def replace(self, slot: dict) -> None:
        slot["process"].kill()
        slot["process"].join()
        self._start(slot)

    def close(self) -> None:
        """Stop the workers; a busy one (the run was interrupted) with its kernel."""
        for slot in self.slots:
            if slot["student"]:
                slot["looked"] = 0.0  # look again now
                _stop(_kernel_memory_mb(slot)[1])
                slot["process"].kill()
                continue
            try:
                slot["connection"].send(None)
            except OSError:
                pass
        for slot in self.slots:
            slot["process"].join(timeout=10)
            if slot["process"].is_alive():
                slot["process"].kill()


def _descendants(pid: int) -> list[int]:
    """Process ids of a process's children, their children and so on.

    Linux lists a process's children in /proc; elsewhere psutil looks
    through every process of the machine.
    """
    import psutil

    if not Path(f"/proc/{pid}/task").is_dir():
        try:
            return [child.pid for child in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
    found = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = [int(word) for word in listing.read_text().split()]
        except (OSError, ValueError):  # the process or thread has ended
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _kernel_memory_mb(slot: dict) -> tuple[float, list]:
    """Memory (RSS, MB) of a worker's child processes (its kernel), and the processes.

    Finding the children reads every process of the machine, so it is done
    again only every few seconds; their memory is read each time.
    """
    import psutil

    now = time.perf_counter()
    if now - slot.get("looked", 0.0) > _LOOK_S or not slot.get("children"):
        slot["children"] = []
        for pid in _descendants(slot["process"].pid):
            with contextlib.suppress(psutil.NoSuchProcess):  # it ended meanwhile
                slot["children"].append(psutil.Process(pid))
        slot["looked"] = now
    total = 0
    for child in slot["children"]:
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:  # a kernel ended: look for the next one next time
            slot["looked"] = 0.0
    return total / 1e6, slot["children"]


def _stop(children: list) -> None:
    for child in children:
        try:
            child.kill()
        except Exception:  # already gone
            pass


def grade_class(
    course_dir: str | Path,
    assignment: str,
    *,
    students: Iterable[str] | None = None,
    workers: int | None = None,
    cell_timeout: float | None = None,
    time_limit_s: float | None = None,
    memory_limit_mb: float | None = None,
    sandbox: bool = True,
    progress: bool = False,
) -> ClassReport:
    """Autograde every submission of an assignment, several at a time, with limits.

    Parameters
    ----------
    course_dir : str or pathlib.Path
        The nbgrader course folder (see :func:`pmcourse.grading.course_folder`).
    assignment : str
        The assignment, such as ``"01_foundations"``.
    students : iterable of str, optional
        Only these students; by default everyone with a folder in ``submitted/``.
    workers : int, optional
        Submissions graded at once; by default the number of CPU cores.
    cell_timeout : float, optional
        Seconds one cell may run; by default the course's ``Execute.timeout``.
    time_limit_s, memory_limit_mb : float, optional
        Limits of one submission (its whole run; its kernel's memory); by
        default the course's settings (:func:`grading_settings`).
    sandbox : bool, default True
        Run each submission's kernel in a bubblewrap sandbox and judge its
        tests again outside it (:mod:`pmcourse.sandbox`). False runs learners'
        code as you, in your folders: only for submissions you trust.
    progress : bool, default False
        Show a progress bar with counts and the time left (on stderr).

    Returns
    -------
    ClassReport
        Also written as ``report-<assignment>.csv`` in the course folder,
        with nbgrader's log in ``report-<assignment>.log``.

    Raises
    ------
    GradingError
        If the course or assignment does not exist, there is nothing to
        grade, or the sandbox cannot run here (the message says what to do).
    """
    from tqdm import tqdm

    start = time.perf_counter()
    course = _course_dir(course_dir)
    _require_source(course, assignment)
    wanted = _students(course, assignment, students)
    settings = grading_settings(course)
    time_limit = settings["time_limit_s"] if time_limit_s is None else time_limit_s
    memory_limit = settings["memory_limit_mb"] if memory_limit_mb is None else memory_limit_mb
    watched_memory = memory_limit
    if sandbox:
        from pmcourse.sandbox import cgroups_available, sandbox_problem

        if problem := sandbox_problem():
            raise GradingError(problem)
        if cgroups_available():  # the sandbox's control group counts memory better than
            watched_memory = math.inf  # the sum of its processes' RSS (a fork shares pages)
    if not _in_gradebook(course, assignment):
        generate_release(course, assignment, database=True)
    before = _digest(course / "submitted")
    release, source = (
        {
            path.name: nbformat.read(path, as_version=4)
            for path in sorted((course / kind / assignment).glob("*.ipynb"))
        }
        for kind in ("release", "source")
    )
    course_id = _gradebook_config(course).CourseDirectory.get("course_id", "default_course")
    task = _Task(course, assignment, course_id, release, source, memory_limit if sandbox else None)
    import nbgrader.apps.api  # noqa: F401 (imported once, before the workers fork)

    n = max(1, min(workers or _cores(), len(wanted)))
    outcomes: list[Outcome] = []
    queue = list(wanted)
    finished: list[tuple[dict, Outcome]] = []
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix="pmcourse-grading-") as tmp:
        pool = _Pool(n, task, Path(tmp), cell_timeout)  # before the progress bar's thread
        bar = tqdm(total=len(wanted), unit="submission", desc=assignment, disable=not progress)
        try:
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id) as gradebook:
                names = _cell_names(gradebook, assignment)
                while queue or any(slot["student"] for slot in pool.slots):
                    for slot in pool.slots:
                        if slot["student"] is None and queue:
                            slot["student"], slot["started"] = queue.pop(0), time.perf_counter()
                            slot["children"] = []  # its kernel is yet to start
                            slot["connection"].send(slot["student"])
                    busy = {slot["connection"]: slot for slot in pool.slots if slot["student"]}
                    for connection in wait(list(busy), timeout=_POLL_S):
                        slot = busy[connection]
                        try:
                            outcome = connection.recv()
                        except (EOFError, OSError):  # the worker itself died
                            outcome = Outcome(slot["student"], reasons=["the grader stopped"])
                            pool.replace(slot)
                        finished.append((slot, outcome))
                    finished += _enforce_limits(pool, time_limit, watched_memory)
                    for slot, outcome in finished:
                        if slot["stopped"]:
                            outcome.graded = False
                            outcome.reasons = [slot["stopped"]] + [
                                r for r in outcome.reasons if "kernel stopped" not in r
                            ]
                        if outcome.record:
                            _write_record(
                                gradebook, assignment, outcome.student, outcome.record, names
                            )
                        outcome.record = None
                        outcomes.append(outcome)
                        slot.update(student=None, stopped=None)
                        bar.update(1)
                        bar.set_postfix(review=sum(o.needs_review for o in outcomes))
                    finished = []
        finally:
            pool.close()
            bar.close()
            log = "\n".join(
                (Path(tmp) / f"worker{i}.log").read_text(encoding="utf-8", errors="replace")
                for i in range(n)
                if (Path(tmp) / f"worker{i}.log").exists()
            )
    if _digest(course / "submitted") != before:  # never expected: nbgrader only reads them
        raise GradingError(f"Files in {course / 'submitted'} changed while grading. Check them.")
    table = scores(course, assignment)
    report = ClassReport(assignment, outcomes, table, time.perf_counter() - start, n, sandbox)
    base = course / f"report-{assignment}"
    Path(f"{base}.log").write_text(
        "\n".join(f"== {o.student}\n{o.log}" for o in outcomes) + "\n== kernels\n" + log,
        encoding="utf-8",
    )
    report.write_csv(f"{base}.csv")
    return report


def _enforce_limits(
    pool: _Pool, time_limit: float, memory_limit: float
) -> list[tuple[dict, Outcome]]:
    """Stop the kernel of a submission past a limit; replace a worker that does not answer.

    Returns the (slot, outcome) of each replaced worker's submission.
    """
    now = time.perf_counter()
    replaced = []
    for slot in pool.slots:
        if not slot["student"]:
            continue
        elapsed = now - slot["started"]
        if slot["stopped"]:
            if elapsed > time_limit + _GRACE_S:
                replaced.append((dict(slot), Outcome(slot["student"], seconds=elapsed)))
                pool.replace(slot)
            continue
        used = _kernel_memory_mb(slot)[0] if memory_limit < math.inf else 0.0
        if used > memory_limit:
            slot["stopped"] = (
                f"it used more than {memory_limit:g} MB of memory and was stopped; not graded"
            )
        elif elapsed > time_limit:
            slot["stopped"] = (
                f"it ran longer than {time_limit:g} s (an endless loop?) and was stopped; "
                "not graded"
            )
        if slot["stopped"]:
            slot["looked"] = 0.0  # the processes as they are now
            _stop(_kernel_memory_mb(slot)[1])
    return replaced
