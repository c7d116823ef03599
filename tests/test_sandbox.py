"""Grading untrusted submissions (pmcourse.sandbox, pmcourse.safe_autograde): malicious work.

A class of 01_foundations submissions, each trying one thing a submission
must not achieve: read and print the gradebook, read a solution from
``source/``, list the other learners' work, write to the gradebook, open a
network connection, fork without end, allocate 10 GB, leave a process
running, or fool the hidden tests by patching ``numpy.isclose``,
``pandas.testing``, the checks or ``forbid``, by an input transformer, or by
always-equal answers. They are graded in one real ``pmcourse grade`` batch
(bubblewrap, two workers) together with honest submissions, which must get
exactly the scores they get without the sandbox.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import nbformat
import pandas as pd
import psutil
import pytest
from grading_helpers import copy_course, master_answers, release_of, with_slip

from pmcourse import cli, sandbox
from pmcourse.grading import GradingError, fill_answers, scores
from pmcourse.modules import ROOT

ASSIGNMENT = "01_foundations"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
LIMITS = ["--cell-timeout", "20", "--time-limit", "90", "--memory-limit", "800"]
MARKER = "4242.5"  # the background process's sleep, found by its command line


@pytest.fixture(scope="module")
def bwrap(required_tool):
    required_tool("bwrap", "bubblewrap")
    assert sandbox.sandbox_problem() is None, sandbox.sandbox_problem()


# --------------------------------------------------------------------------
# The sandbox alone, without nbgrader
# --------------------------------------------------------------------------


def _in_sandbox(code: str, workdir=None) -> subprocess.CompletedProcess:
    ipc = sandbox.private_folder()
    command = sandbox.launcher_command(ipc, workdir, 500, 64, None)
    try:
        return subprocess.run(
            [*command, sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
    finally:
        shutil.rmtree(ipc)


def test_the_sandbox_sees_the_library_and_data_but_not_the_course(bwrap, tmp_path):
    code = (
        "import os, pmcourse.datasets as d\n"
        f"print(sorted(os.listdir({str(ROOT)!r})))\n"
        "print(len(d.load('cohort')), os.getcwd(), sorted(os.listdir('.')))\n"
        "print(os.getuid() if os.getuid() else 'root')\n"
    )
    workdir = tmp_path / "submission"
    workdir.mkdir()
    (workdir / "my_notes.txt").write_text("mine")
    result = _in_sandbox(code, workdir)
    assert result.returncode == 0, result.stderr
    listing, loaded, user = result.stdout.splitlines()
    assert "exercises" not in listing and "'pmcourse'" in listing and "'data'" in listing
    assert loaded == f"1000 {sandbox.WORK_DIR} ['my_notes.txt']"
    assert user == (str(sandbox.SANDBOX_USER_ID) if os.geteuid() == 0 else str(os.getuid()))


def test_the_sandbox_imports_the_graders_course_even_from_a_closed_folder(bwrap, tmp_path):
    # pytest's folders are closed to other users; a course copy there (the scaffold
    # test's) must still be what the kernel imports, as `nobody` when run as root
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "pmcourse", copy / "pmcourse", ignore=shutil.ignore_patterns("__py*"))
    (copy / "pmcourse" / "copy_marker.py").write_text("HERE = True\n")
    ipc = sandbox.private_folder()
    code = "import pmcourse, pmcourse.copy_marker; print(pmcourse.__file__)"
    try:
        result = subprocess.run(
            [*sandbox.launcher_command(ipc, None, 500, 64, None), sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": str(copy)},
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        shutil.rmtree(ipc)
    assert result.stdout.strip() == str(copy / "pmcourse" / "__init__.py"), result.stderr


def test_the_sandbox_cannot_write_outside_its_own_folders_or_reach_the_network(bwrap, tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    target = str(ROOT / "pmcourse" / "x.py")
    code = (
        "import socket\n"
        f"for path in [{target!r}, '/usr/x', '/etc/x']:\n"
        "    try:\n"
        "        open(path, 'w')\n"
        "        print('wrote', path)\n"
        "    except OSError as error:\n"
        "        print('refused', type(error).__name__)\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        "    print('connected')\n"
        "except OSError:\n"
        "    print('no network')\n"
        "open('/tmp/scratch', 'w').write('ok'); print('scratch ok')\n"
    )
    result = _in_sandbox(code)
    server.settimeout(0.5)
    with pytest.raises(TimeoutError):
        server.accept()  # nothing came through
    server.close()
    assert result.stdout.splitlines() == ["refused OSError"] * 3 + ["no network", "scratch ok"]
    assert not (ROOT / "pmcourse" / "x.py").exists()


def test_a_control_group_without_its_limits_is_not_used(tmp_path, monkeypatch):
    # cgroup v2 with the memory and pids controllers off: no memory.max to write
    (tmp_path / "cgroup.controllers").write_text("cpu io\n")
    monkeypatch.setattr(sandbox, "_CGROUP_ROOT", tmp_path)
    assert sandbox.create_cgroup("pmcourse-sandbox-test", 100, 10) is False
    assert not (tmp_path / "pmcourse-sandbox-test").exists()


def test_a_missing_bubblewrap_is_said_plainly_and_stops_grading(monkeypatch, tmp_path, capsys):
    sandbox.sandbox_problem.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    try:
        problem = sandbox.sandbox_problem()
        assert "bubblewrap" in problem and "apt-get install bubblewrap" in problem
        assert "--unsafe" in problem
        course = copy_course(tmp_path)
        (course / "submitted" / "ann" / ASSIGNMENT).mkdir(parents=True)
        assert cli.main(["grade", ASSIGNMENT, "--course-dir", str(course), "--quiet"]) == 2
        error = capsys.readouterr().err
        assert "bubblewrap" in error and "Traceback" not in error
        with pytest.raises(GradingError, match="bubblewrap"):
            from pmcourse.batch import grade_class

            grade_class(course, ASSIGNMENT)
    finally:
        sandbox.sandbox_problem.cache_clear()


def test_every_autograde_of_the_course_runs_in_the_sandbox():
    from nbgrader.converters import Autograde

    from pmcourse.grading import _gradebook_config
    from pmcourse.safe_autograde import SandboxedExecute, autograde_steps

    configured = _gradebook_config(ROOT / "exercises").Autograde.autograde_preprocessors
    # nbgrader's own steps, in its order, with only Execute swapped for the sandboxed one
    assert autograde_steps(configured, sandboxed=True) == autograde_steps(None, sandboxed=True)
    assert autograde_steps(configured, sandboxed=True)[0] is SandboxedExecute
    assert (
        autograde_steps(configured, sandboxed=False) == Autograde.autograde_preprocessors.default()
    )


# --------------------------------------------------------------------------
# The malicious class
# --------------------------------------------------------------------------


def _attacks(course, port: int) -> dict[str, str]:
    """Code put before the first answer, by student: what each submission tries."""
    gradebook, source = course / "gradebook.db", course / "source" / ASSIGNMENT / NOTEBOOK
    return {
        "reads_gradebook": f"try:\n    print(open({str(gradebook)!r}, 'rb').read(300))\n"
        "except OSError as error:\n    print('blocked:', type(error).__name__)",
        "reads_solution": f"try:\n    print(open({str(source)!r}).read())\n"
        "except OSError as error:\n    print('blocked:', type(error).__name__)",
        "lists_learners": "import os\n"
        f"for folder in [{str(course / 'submitted')!r}, {str(course)!r}, '/home', '/root']:\n"
        "    try:\n        print(folder, os.listdir(folder))\n"
        "    except OSError as error:\n        print('blocked:', type(error).__name__)",
        "writes_gradebook": "import sqlite3\ntry:\n"
        f"    db = sqlite3.connect({str(gradebook)!r})\n"
        "    db.execute('UPDATE grade SET manual_score = 99')\n    db.commit()\n"
        "except sqlite3.Error as error:\n    print('blocked:', type(error).__name__)",
        "network": "import socket\ntry:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'leak')\n"
        "except OSError as error:\n    print('blocked:', type(error).__name__)",
        "fork_bomb": "import os, time\nforks = 0\ntry:\n    while True:\n"
        "        if os.fork() == 0:\n            while True:\n                try:\n"
        "                    os.fork()\n                except OSError:\n"
        "                    time.sleep(0.05)\n        forks += 1\n"
        "except OSError:\n    print('refused after', forks, 'forks')",
        "allocates_10_gb": "ballast = bytearray(10 * 1024**3)",
        "background": "import subprocess\n"
        f"subprocess.Popen(['sleep', '{MARKER}'], start_new_session=True)",
    }


#: Code that fools the kernel's own tests, put before the first answer.
TRICKS = {
    "patches_isclose": "import math, numpy\n"
    "numpy.isclose = lambda *a, **k: True\nnumpy.allclose = lambda *a, **k: True\n"
    "math.isclose = lambda *a, **k: True",
    "patches_testing": "import pandas.testing\n"
    "pandas.testing.assert_series_equal = lambda *a, **k: None\n"
    "pandas.testing.assert_frame_equal = lambda *a, **k: None",
    "patches_checks": "import pmcourse.checks.foundations as checks\n"
    "from pmcourse.check import CheckResult\n"
    "class _Pass:\n    def __call__(self, *a, **k):\n"
    "        return CheckResult('x', True, 'Well done.')\n"
    "    def check_form(self, *a, **k):\n        return self()\n"
    "for _name in ['allele_frequency', 'pooled_deviation', 'carriers']:\n"
    "    setattr(checks, _name, _Pass())",
    "patches_forbid": "import contextlib, pmcourse.check, pmcourse.switch_off\n"
    "pmcourse.check.forbid = lambda *a, **k: contextlib.nullcontext()\n"
    "pmcourse.switch_off.forbid = pmcourse.check.forbid",
    "strips_tests": "def _strip(lines):\n"
    "    return ['pass\\n'] if any('assert_passed' in line for line in lines) else lines\n"
    "get_ipython().input_transformers_post.append(_strip)",
    "always_equal": "class Same(str):\n    def __eq__(self, other):\n        return True\n"
    "    def __ne__(self, other):\n        return False\n    __hash__ = str.__hash__",
}


def _first_answer(answers: dict[str, str]) -> str:
    return next(name for name in answers if name.startswith(("allele", "expected")))


@pytest.fixture(scope="module")
def malicious_class(bwrap, tmp_path_factory):
    """The class graded by `pmcourse grade` (sandboxed, 2 workers): course, exit, rows, scores."""
    course = copy_course(tmp_path_factory.mktemp("malicious"))
    release, answers = release_of(course, ASSIGNMENT), master_answers(course, ASSIGNMENT)
    wrong = with_slip(answers, "allele_frequency", "(2 * n_patients)", "n_patients")
    wrong["answer_vkorc1"] = 'answer_vkorc1 = "A"'
    first = _first_answer(answers)
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received = []

    def listen():
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                received.append(server.accept())

    stop = threading.Event()
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    submissions = {"correct": fill_answers(release, answers)}
    submissions["honest_wrong"] = fill_answers(release, wrong)
    for student, code in _attacks(course, server.getsockname()[1]).items():
        submissions[student] = fill_answers(
            release, {**answers, first: f"{code}\n\n{answers[first]}"}
        )
    library_call = (
        "import pmcourse.genetics\n\ndef allele_frequency(n_aa, n_ab, n_bb):\n"
        "    return pmcourse.genetics.allele_frequency(n_aa, n_ab, n_bb)"
    )
    for student, trick in TRICKS.items():
        cheat = dict(wrong)
        if student == "patches_forbid":
            cheat["allele_frequency"] = library_call
        if student == "always_equal":
            cheat["answer_vkorc1"] = "answer_vkorc1 = Same('A')"
            cheat["allele_frequency"] = (
                "def allele_frequency(n_aa, n_ab, n_bb):\n    return Same('any')"
            )
        submissions[student] = fill_answers(
            release, {**cheat, first: f"{trick}\n\n{cheat[first]}"}
        )
    submissions["honest_library_call"] = fill_answers(
        release, {**wrong, "allele_frequency": library_call}
    )
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(
            ["grade", ASSIGNMENT, "--course-dir", str(course), "--workers", "2", "--quiet"]
            + LIMITS
        )
    stop.set()
    listener.join(timeout=5)
    server.close()
    with open(course / f"report-{ASSIGNMENT}.csv", encoding="utf-8") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    return course, status, out.getvalue(), rows, scores(course, ASSIGNMENT), received


def _outputs(course, student: str) -> str:
    """Everything the autograded notebook shows: what would reach the feedback."""
    path = course / "autograded" / student / ASSIGNMENT / NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    return nbformat.writes(notebook)


@pytest.mark.slow
def test_honest_submissions_are_graded_as_without_the_sandbox(malicious_class, tmp_path):
    course, status, output, rows, table, _ = malicious_class
    assert status == 1  # the attacks need review
    for student in ("correct", "honest_wrong", "honest_library_call"):
        assert rows[student]["status"] == "graded", rows[student]["reasons"]
    unsafe = copy_course(tmp_path)
    for student in ("correct", "honest_wrong", "honest_library_call"):
        folder = unsafe / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(
            (course / "submitted" / student / ASSIGNMENT / NOTEBOOK).read_bytes()
        )
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["grade", ASSIGNMENT, "--course-dir", str(unsafe), "--unsafe", "--quiet"])
    plain = scores(unsafe, ASSIGNMENT)
    pd.testing.assert_frame_equal(table.loc[plain.index], plain)
    points = table.loc["correct", "autograded_max"]
    assert table.loc["correct", "autograded_score"] == points
    assert table.loc["honest_wrong", "autograded_score"] < points


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "secret"),
    [
        ("reads_gradebook", "SQLite format"),
        ("reads_solution", "BEGIN SOLUTION"),
        ("lists_learners", "honest_wrong"),
    ],
)
def test_nothing_of_the_course_reaches_the_feedback(malicious_class, student, secret):
    course, *_ = malicious_class
    shown = _outputs(course, student)
    assert "blocked: FileNotFoundError" in shown or "blocked: PermissionError" in shown
    assert secret not in shown


@pytest.mark.slow
def test_the_gradebook_cannot_be_written_from_a_notebook(malicious_class):
    course, _, _, rows, table, _ = malicious_class
    assert "blocked: OperationalError" in _outputs(course, "writes_gradebook")
    from nbgrader.api import Grade, Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "personalised-medicine") as gradebook:
        manual = [grade.manual_score for grade in gradebook.db.query(Grade)]
    assert set(manual) == {None}
    assert (
        table.loc["writes_gradebook", "autograded_score"]
        == table.loc["correct", "autograded_score"]
    )


@pytest.mark.slow
def test_no_connection_leaves_the_sandbox(malicious_class):
    course, *_, received = malicious_class
    assert received == []
    assert "blocked: ConnectionRefusedError" in _outputs(course, "network")


@pytest.mark.slow
def test_a_fork_bomb_is_stopped_and_the_notebook_still_graded(malicious_class):
    course, _, _, rows, table, _ = malicious_class
    assert "refused after" in _outputs(course, "fork_bomb")
    assert table.loc["fork_bomb", "autograded_score"] == table.loc["correct", "autograded_score"]


@pytest.mark.slow
def test_10_gb_is_refused_and_the_rest_of_the_class_graded(malicious_class):
    _, _, _, rows, _, _ = malicious_class
    assert rows["allocates_10_gb"]["status"] == "needs review"
    assert "memory" in rows["allocates_10_gb"]["reasons"]
    assert rows["correct"]["status"] == "graded"


@pytest.mark.slow
def test_no_process_is_left_behind(malicious_class):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [
            p.pid
            for p in psutil.process_iter(["cmdline"])
            if MARKER in " ".join(p.info["cmdline"] or [])
        ]
        if not left:
            break
        time.sleep(0.2)
    assert not left, f"processes left behind: {left}"
    users = {p.info["uids"].real for p in psutil.process_iter(["uids"]) if p.info["uids"]}
    if os.geteuid() == 0:
        assert sandbox.SANDBOX_USER_ID not in users


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(TRICKS))
def test_tricks_do_not_earn_the_points_an_honest_mistake_loses(malicious_class, student):
    course, _, _, rows, table, _ = malicious_class
    honest = "honest_library_call" if student == "patches_forbid" else "honest_wrong"
    tests = [name for name in table.columns if name.startswith("test_")]
    tricked, fair = table.loc[student, tests], table.loc[honest, tests]
    assert (tricked <= fair).all(), "a trick earned points the honest mistake does not"
    assert (tricked[fair == 0] == 0).all()
    assert fair.min() == 0  # there are honest failures to compare with
    assert rows[student]["status"] == "needs review"
