"""The named benchmarks of ``make bench``, each with its budgets.

A benchmark is a function that takes the run's :class:`Options` and returns
:class:`~bench.core.Result` figures. Register one with :func:`benchmark`; the
runner runs them in the order they are registered. Each iterates over what the
repository holds (every notebook, every exercise master, every registered
widget demo), so a new module is measured without changes here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import reading as model
from bench.core import ROOT, Result, median, ratio
from bench.measure import MB, run_command, run_notebook

#: Budgets, in the units of the results.
NOTEBOOK_WALL_S = 20.0
NOTEBOOK_PEAK_MB = 400.0
IMPORT_RATIO = 1.5
WIDGET_UPDATE_MS = 100.0
DATA_WALL_S = 30.0
COHORT_PATIENTS = 1_000_000
COHORT_WALL_S = 10.0
COHORT_PEAK_MB = 2000.0
REBUILD_RATIO = 0.2
GRADING_COPIES = 40
GRADING_RATIO = 1 / 1.8  # pmcourse grade at least 1.8x as fast as sequential nbgrader
SANDBOX_RATIO = 1.15  # the sandbox makes pmcourse grade at most 15% slower
ESTIMATE_OFF_PERCENT = 20.0  # a module's estimated time within 20% of its reading time


@dataclass
class Options:
    """Settings of one run."""

    repeat: int | None = None  # None: each benchmark's own default
    grading_assignment: str | None = None  # None: the first assignment in exercises/source/
    grading_copies: int = GRADING_COPIES
    log: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr))

    def runs(self, default: int) -> int:
        return max(1, self.repeat or default)


@dataclass(frozen=True)
class Benchmark:
    """A named benchmark: what it measures (one line) and how (for the book page)."""

    name: str
    summary: str
    method: str
    run: Callable[[Options], list[Result]]


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, summary: str, method: str):
    """Register a benchmark function under `name`."""

    def register(function: Callable[[Options], list[Result]]):
        BENCHMARKS[name] = Benchmark(name, summary, " ".join(method.split()), function)
        return function

    return register


def _environment() -> dict[str, str]:
    """The environment for commands: this Python's bin folder first on PATH."""
    environment = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join([bin_dir, environment.get("PATH", "")])
    environment.pop("PMCOURSE_DATA", None)
    return environment


def _copy_course(target: Path) -> Path:
    """A copy of the nbgrader course (config, source, release), as the tests make."""
    course = target / "exercises"
    course.mkdir(parents=True)
    shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", course)
    for kind in ("source", "release"):
        shutil.copytree(ROOT / "exercises" / kind, course / kind)
    return course


def _notebook_results(
    name: str, label: str, paths: list[tuple[str, Path]], options: Options
) -> list[Result]:
    results = []
    n = options.runs(3)
    for shown, path in paths:
        walls, peaks = [], []
        try:
            for i in range(n):
                run = run_notebook(path)
                walls.append(run.wall_s)
                peaks.append(run.peak_bytes / MB)
                options.log(f"  {shown} run {i + 1}/{n}: {run.wall_s:.1f} s, {peaks[-1]:.0f} MB")
        except Exception as error:  # a notebook that fails to run is an error row
            results.append(Result.failed(name, f"{shown}: {label}", error))
            continue
        results += [
            Result(name, f"{shown}: wall time", median(walls), "s", NOTEBOOK_WALL_S, runs=walls),
            Result(
                name,
                f"{shown}: kernel peak RSS",
                max(peaks),
                "MB",
                NOTEBOOK_PEAK_MB,
                statistic="max",
                runs=peaks,
            ),
        ]
    if not paths:
        results.append(Result.failed(name, label, "nothing to run"))
    return results


@benchmark(
    "notebooks",
    "every learner notebook on a fresh kernel: wall time and kernel peak RSS",
    """Each `notebooks/*.ipynb` runs top to bottom on a fresh python3 kernel (nbclient,
    in the notebook's folder, as the tests run it), 3 times. Wall time runs from starting
    the kernel to shutting it down, like "Restart and run all"; the figure is the median.
    Peak RSS is the kernel process's own high-water mark (Linux VmHWM, read after every
    cell) plus the largest sampled RSS of processes it starts, the largest of the runs.
    The Jupyter server or notebook client is not counted.""",
)
def bench_notebooks(options: Options) -> list[Result]:
    paths = [(f"notebooks/{p.name}", p) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    return _notebook_results("notebooks", "learner notebook", paths, options)


def reading_results(shown: str, estimate: float, minutes: float, note: str) -> list[Result]:
    """A module's reading time, its estimated time, and how far the estimate is off, in %."""
    off = 100 * abs(ratio(estimate, minutes) - 1)
    return [
        Result(
            "reading",
            f"{shown}: reading time (model)",
            minutes,
            "min",
            statistic="model",
            note=note,
        ),
        Result(
            "reading", f"{shown}: estimated_time_minutes", estimate, "min", statistic="metadata"
        ),
        Result(
            "reading",
            f"{shown}: estimate off the reading time",
            off,
            "%",
            ESTIMATE_OFF_PERCENT,
            statistic="|estimate / reading - 1|",
        ),
    ]


@benchmark(
    "reading",
    "every module notebook: modelled reading time against its estimated_time_minutes",
    f"""The notebook of each module in the registry is read, not run, by the reading-time
    model of `bench/reading.py` (its docstring justifies each rate): the words a reader sees
    in its markdown cells at {model.WORDS_PER_MINUTE} words a minute (technical text read to
    learn, mostly in a second language: about two thirds of the 238 words a minute that
    Brysbaert's 2019 meta-analysis found for non-fiction), {model.CODE_CELL_S} s to run each
    code cell and read its output plus {model.CODE_LINE_S} s per line of code,
    {model.FIGURE_S} s more per figure, {model.YOUR_TURN_S} s per "your turn",
    {model.WIDGET_S} s per interactive widget and {model.QUIZ_QUESTION_S} s per quiz question.
    The module's `estimated_time_minutes` (its header) must lie within
    {ESTIMATE_OFF_PERCENT:.0f}% of that reading time.""",
)
def bench_reading(options: Options) -> list[Result]:
    from pmcourse.modules import modules

    results = []
    for module in modules(ROOT):
        shown = f"notebooks/{module.notebook.name}"
        try:
            counted = model.reading(module.notebook)
        except Exception as error:  # a notebook or quiz that cannot be read is an error row
            results.append(Result.failed("reading", f"{shown}: reading time", error))
            continue
        options.log(f"  {shown}: {counted.minutes:.0f} min ({counted.describe()})")
        estimate = module.estimated_time_minutes
        results += reading_results(shown, estimate, counted.minutes, counted.describe())
    return results


@benchmark(
    "masters",
    "every exercise master (with solutions) on a fresh kernel: wall time and peak RSS",
    """Each `exercises/source/*/*.ipynb`, the instructor's master with solutions and
    hidden tests, runs as the learner notebooks do, in a temporary copy of the nbgrader
    course folder; the same figures and budgets.""",
)
def bench_masters(options: Options) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-masters-") as tmp:
        course = _copy_course(Path(tmp))
        paths = [
            (f"exercises/source/{p.parent.name}/{p.name}", p)
            for p in sorted((course / "source").glob("*/*.ipynb"))
        ]
        return _notebook_results("masters", "exercise master", paths, options)


#: What a notebook's first cell is held against: the two libraries every notebook needs.
IMPORT_BASELINE = "import pandas, matplotlib.pyplot"

_IMPORT_SCRIPT = (
    "import time\n_start = time.perf_counter()\n{code}\nprint(time.perf_counter() - _start)\n"
)


def first_cell_imports(path: Path) -> list[str]:
    """The import statements of a notebook's first code cell that imports, as source.

    That cell is the one a learner waits for before the notebook is ready
    (usually the first code cell; module 0 opens with ``1 + 1``). Only its
    top-level ``import`` and ``from ... import`` statements are kept; the rest
    of the cell (and IPython's ``%`` and ``!`` lines) is left out. An empty
    list: no code cell imports anything.
    """
    import ast

    import nbformat

    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        magics = ("%", "!")  # IPython's own lines, not Python
        lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(magics)]
        tree = ast.parse("\n".join(lines))
        statements = [
            ast.unparse(node)
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        if statements:
            return statements
    return []


def _import_time(code: str, cwd: Path = ROOT) -> float:
    """Seconds a fresh interpreter spends on `code` (import statements), start-up left out."""
    command = [sys.executable, "-c", _IMPORT_SCRIPT.format(code=code)]
    completed = subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=_environment()
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.strip() or f"{code!r} failed")
    return float(completed.stdout.strip().splitlines()[-1])


def import_results(
    baseline_ms: list[float], notebooks_ms: dict[str, list[float]], notes: dict[str, str]
) -> list[Result]:
    """The baseline, then for each notebook its first cell's imports and their ratio to it."""
    baseline = median(baseline_ms)
    results = [Result("import", IMPORT_BASELINE + " (baseline)", baseline, "ms", runs=baseline_ms)]
    for shown, runs in notebooks_ms.items():
        results += [
            Result(
                "import",
                f"{shown}: first cell's imports",
                median(runs),
                "ms",
                runs=runs,
                note=notes.get(shown, ""),
            ),
            Result(
                "import",
                f"{shown}: first cell's imports / baseline",
                ratio(median(runs), baseline),
                "x",
                IMPORT_RATIO,
                statistic="ratio of medians",
            ),
        ]
    return results


@benchmark(
    "import",
    "each learner notebook's first-cell imports against import pandas, matplotlib.pyplot",
    f"""The import statements of each `notebooks/*.ipynb` first code cell that imports
    (read with `ast`; the rest of the cell left out; usually the first code cell, but module 0
    opens with `1 + 1`) run in a fresh Python interpreter in the notebook's
    folder, which times only them (time.perf_counter around them), so interpreter start-up
    is left out. The baseline, `{IMPORT_BASELINE}`, is timed the same way. All run in turn
    (baseline, each notebook, baseline, ...), 15 times each after one discarded warm-up
    round that writes the bytecode caches; the figures are medians, and the budget is on
    each notebook's ratio of medians to the baseline: what a learner waits for before the
    first cell returns, against the libraries every notebook needs anyway.""",
)
def bench_import(options: Options) -> list[Result]:
    codes = {"baseline": (ROOT, IMPORT_BASELINE)}
    notes, failed = {}, []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shown = f"notebooks/{path.name}"
        try:
            statements = first_cell_imports(path)
        except (SyntaxError, ValueError) as error:  # a cell Python cannot read
            failed.append(Result.failed("import", shown, error))
            continue
        if statements:
            codes[shown] = (path.parent, "\n".join(statements))
            notes[shown] = "; ".join(statements)
        else:
            failed.append(Result.failed("import", shown, "no code cell imports anything"))
    for shown, (cwd, code) in list(codes.items()):
        try:
            _import_time(code, cwd)  # warm-up: bytecode caches and the OS file cache
        except RuntimeError as error:
            failed.append(Result.failed("import", f"{shown}: first cell's imports", error))
            del codes[shown]
    if "baseline" not in codes:
        return failed
    times: dict[str, list[float]] = {shown: [] for shown in codes}
    for _ in range(options.runs(15)):
        for shown, (cwd, code) in codes.items():
            times[shown].append(_import_time(code, cwd) * 1000)
    baseline = times.pop("baseline")
    for shown, runs in times.items():
        options.log(f"  {shown}: {median(runs):.0f} ms, baseline {median(baseline):.0f} ms")
    return import_results(baseline, times, notes) + failed


@benchmark(
    "widgets",
    "the update function behind every registered widget demo, per call",
    """Every demo registered in `pmcourse.widgets.WIDGET_DEMOS`: its update function is
    called with the demo's example slider values, once to warm up and then 20 times;
    the figure is the median time per call (budget 100 ms). Recorded beside it: the
    same call plus saving the figure as PNG with a tight bounding box, as the notebook's
    inline backend does before the learner sees it. Matplotlib's Agg backend, in the
    bench's own process.""",
)
def bench_widgets(options: Options) -> list[Result]:
    import io

    import matplotlib

    matplotlib.use("agg")  # the bench's process only; the library never sets a backend
    import matplotlib.pyplot as plt

    from pmcourse.widgets import WIDGET_DEMOS

    n = options.runs(20)
    results = []
    for name, demo in sorted(WIDGET_DEMOS.items()):
        try:
            plt.close(demo.update(**demo.example))  # warm-up
            update_ms, shown_ms = [], []
            for _ in range(n):
                start = time.perf_counter()
                figure = demo.update(**demo.example)
                middle = time.perf_counter()
                figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
                end = time.perf_counter()
                plt.close(figure)
                update_ms.append((middle - start) * 1000)
                shown_ms.append((end - start) * 1000)
        except Exception as error:
            results.append(Result.failed("widgets", f"{name}: update", error))
            continue
        options.log(f"  {name}: {median(update_ms):.1f} ms, with PNG {median(shown_ms):.1f} ms")
        results += [
            Result(
                "widgets",
                f"{name}: update per call",
                median(update_ms),
                "ms",
                WIDGET_UPDATE_MS,
                runs=update_ms,
            ),
            Result(
                "widgets", f"{name}: update and draw as PNG", median(shown_ms), "ms", runs=shown_ms
            ),
        ]
    if not WIDGET_DEMOS:
        results.append(Result.failed("widgets", "widget demos", "WIDGET_DEMOS is empty"))
    return results


@benchmark(
    "data",
    "make data: writing every data set, dictionary and checksums",
    """The command behind `make data` (`pmcourse data --out FOLDER`) runs 3 times, each in
    a fresh process writing to a new temporary folder, so data/ is not touched; the
    figure is the median wall time of the whole command, interpreter start-up
    included. Its peak RSS is recorded (largest of the runs).""",
)
def bench_data(options: Options) -> list[Result]:
    walls, peaks = [], []
    n = options.runs(3)
    for _ in range(n):
        with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
            command = [sys.executable, "-m", "pmcourse.cli", "data", "--out", tmp]
            run = run_command(command, cwd=tmp, env=_environment(), timeout=600)
            if run.returncode != 0:
                return [Result.failed("data", "make data", run.stderr or "pmcourse data failed")]
            walls.append(run.wall_s)
            peaks.append(run.peak_bytes / MB)
    options.log(f"  make data: {median(walls):.1f} s")
    return [
        Result("data", "make data: wall time", median(walls), "s", DATA_WALL_S, runs=walls),
        Result("data", "make data: peak RSS", max(peaks), "MB", statistic="max", runs=peaks),
    ]


_COHORT_SCRIPT = """
import time
from pmcourse.cohort import make_cohort
start = time.perf_counter()
cohort = make_cohort({n})
print(time.perf_counter() - start, len(cohort))
"""


@benchmark(
    "cohort",
    "make_cohort(1_000_000): time of the call and peak RSS of the process",
    """`make_cohort(1_000_000)` runs 3 times, each in a fresh process. The time is that
    of the call alone (perf_counter around it, imports left out), the median of the
    runs. The memory is the peak RSS of the whole process (`os.wait4`'s `ru_maxrss`, as
    `/usr/bin/time -v` reports it), so it includes the interpreter, numpy and pandas
    (about 70 MB); the largest of the runs.""",
)
def bench_cohort(options: Options) -> list[Result]:
    walls, peaks = [], []
    n = options.runs(3)
    for _ in range(n):
        command = [sys.executable, "-c", _COHORT_SCRIPT.format(n=COHORT_PATIENTS)]
        run = run_command(command, cwd=ROOT, env=_environment(), timeout=600)
        if run.returncode != 0:
            return [Result.failed("cohort", "make_cohort(1_000_000)", run.stderr)]
        seconds, rows = run.stdout.split()
        if int(rows) != COHORT_PATIENTS:
            return [Result.failed("cohort", "make_cohort(1_000_000)", f"{rows} rows")]
        walls.append(float(seconds))
        peaks.append(run.peak_bytes / MB)
    options.log(f"  make_cohort: {median(walls):.2f} s, {max(peaks):.0f} MB")
    return [
        Result(
            "cohort", "make_cohort(1_000_000): time", median(walls), "s", COHORT_WALL_S, runs=walls
        ),
        Result(
            "cohort",
            "make_cohort(1_000_000): peak RSS",
            max(peaks),
            "MB",
            COHORT_PEAK_MB,
            statistic="max",
            runs=peaks,
        ),
    ]


def _book_files() -> list[Path]:
    """The repository's files as git sees them: tracked and new, not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [Path(name) for name in listed.split("\0") if name and (ROOT / name).is_file()]


def _build_book(folder: Path) -> float:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(folder), "--warningiserror", "--keep-going"]
    run = run_command(command, cwd=folder, env=_environment(), timeout=1800)
    if run.returncode != 0:
        output = (run.stdout + run.stderr).splitlines()
        problems = [line for line in output if "WARNING" in line or "ERROR" in line]
        raise RuntimeError("jupyter-book build failed: " + "\n".join(problems[:1] or output[-1:]))
    return run.wall_s


@benchmark(
    "book",
    "book: clean build against a rebuild with no change",
    """The repository's files (those git tracks or would track) are copied to a
    temporary folder, so the repository's `_build` is not touched. There the book is
    built as `make book` builds it (`jupyter-book build --warningiserror --keep-going`):
    once from nothing (clean: every notebook executed, the execution cache empty), then
    again with no change. This is done 3 times in fresh copies; the figures are medians
    and the budget is on the ratio of the medians. Recorded beside them: the time a fresh
    interpreter takes to import jupyter-book's build code (`jupyter_book.sphinx`), a
    fixed cost of every build, changed or not.""",
)
def bench_book(options: Options) -> list[Result]:
    files = _book_files()
    clean, rebuild = [], []
    n = options.runs(3)
    for i in range(n):
        with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
            folder = Path(tmp) / "book"
            for name in files:
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, folder / name)
            clean.append(_build_book(folder))
            rebuild.append(_build_book(folder))
        options.log(
            f"  book run {i + 1}/{n}: clean {clean[-1]:.1f} s, rebuild {rebuild[-1]:.1f} s"
        )
    startup = [_import_time("import jupyter_book.sphinx") for _ in range(n)]
    share = median(startup) / median(rebuild)
    return [
        Result("book", "clean build", median(clean), "s", runs=clean),
        Result("book", "rebuild with no change", median(rebuild), "s", runs=rebuild),
        Result(
            "book",
            "start-up: import of jupyter-book's build code",
            median(startup),
            "s",
            runs=startup,
            note=f"paid by every build, {share:.0%} of the no-change rebuild",
        ),
        Result(
            "book",
            "rebuild / clean build",
            ratio(median(rebuild), median(clean)),
            "x",
            REBUILD_RATIO,
            statistic="ratio of medians",
        ),
    ]


@benchmark(
    "grading",
    "40 submissions: pmcourse grade (parallel; with and without the sandbox) against plain "
    "sequential nbgrader autograde",
    """In a temporary copy of the nbgrader course, the assignment (the first in
    `exercises/source/` unless `--grading-assignment` names another) is generated into the
    gradebook, and the master's solutions are filled into the student version
    (`pmcourse.grading.solutions_from_source` and `fill_answers`) and submitted by 40
    students; the course folder is then copied twice. In one copy a plain sequential
    `nbgrader autograde ASSIGNMENT --force` grades them all (with the course's
    configuration, so each kernel in the sandbox); in the second `pmcourse grade
    ASSIGNMENT` (one worker per CPU core, each with its own gradebook, merged by one
    writer; each kernel in a bubblewrap sandbox, the tests judged again outside it); in
    the third `pmcourse grade ASSIGNMENT --unsafe`, the same without the sandbox. Each is
    timed once, or `--repeat` times taking turns (wall time, processor time of all its
    processes, and peak RSS of the largest single process; no processor time for the
    sandboxed run, whose kernels' time stays inside the sandbox); the three gradebooks must
    hold the same scores, every one full marks. Two budgets, on ratios of wall times:
    pmcourse grade at least 1.8 times as fast as nbgrader on 2 cores (ratio at most
    0.556), and the sandbox at most 15% slower than --unsafe (ratio at most 1.15).
    The two pmcourse grade runs take turns at least twice, in alternating order (the
    sandbox's cost is a small difference between two runs of about 40 s).""",
)
def bench_grading(options: Options) -> list[Result]:
    import nbformat

    from pmcourse.grading import (
        assignment_names,
        fill_answers,
        generate_release,
        scores,
        solutions_from_source,
    )

    copies = options.grading_copies
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = _copy_course(Path(tmp) / "sequential")
        assignment = options.grading_assignment or (assignment_names(course) or [None])[0]
        what = f"autograde {copies} x {assignment}"
        if assignment is None:
            return [Result.failed("grading", what, "no assignment in exercises/source/")]
        generate_release(course, assignment, database=True)
        for master in sorted((course / "source" / assignment).glob("*.ipynb")):
            release = course / "release" / assignment / master.name
            answers = solutions_from_source(master)
            manual = _manual_answer_ids(master)
            solved = fill_answers(release, {**answers, **dict.fromkeys(manual, "A solution.")})
            for student in range(1, copies + 1):
                folder = course / "submitted" / f"student_{student:03d}" / assignment
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(solved, folder / master.name)
        grade = [sys.executable, "-m", "pmcourse.cli", "grade", assignment, "--quiet"]
        commands = {
            "nbgrader autograde": (
                [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"],
                course,
            ),
            "pmcourse grade --unsafe": ([*grade, "--unsafe"], Path(tmp) / "unsafe" / "exercises"),
            "pmcourse grade (sandbox)": (grade, Path(tmp) / "sandbox" / "exercises"),
        }
        for _, folder in list(commands.values())[1:]:
            shutil.copytree(course, folder)
        runs, load = {name: [] for name in commands}, os.getloadavg()
        tables = {}
        # taking turns, so all meet the machine's other work; the sandbox's cost is a
        # small difference of two runs, so those two run at least twice, in either order
        nbgrader, unsafe, sandbox = commands
        for i in range(options.runs(2)):
            for name in [nbgrader, unsafe, sandbox] if i % 2 == 0 else [nbgrader, sandbox, unsafe]:
                command, folder = commands[name]
                if name == nbgrader and i >= options.runs(1):
                    continue
                options.log(f"  {name} {assignment}: {copies} submissions, run {i + 1} ...")
                run = run_command(command, cwd=folder, env=_environment(), timeout=3600)
                if run.returncode != 0:
                    return [Result.failed("grading", f"{what}: {name}", run.stderr or run.stdout)]
                runs[name].append(run)
                tables[name] = scores(folder, assignment)
                options.log(f"  {name}: {run.wall_s:.1f} s")
            sequential, parallel, sandboxed = (tables[name] for name in commands)
            full = int((sandboxed["autograded_score"] == sandboxed["autograded_max"]).sum())
            note = f"{len(sandboxed)} graded, {full} with full autograded marks"
            same = parallel.equals(sequential) and sandboxed.equals(sequential)
            if len(sandboxed) != copies or full != copies or not same:
                return [Result.failed("grading", what, f"{note}; scores differ or are missing")]
    walls = {name: median([run.wall_s for run in done]) for name, done in runs.items()}
    speed_up = walls["nbgrader autograde"] / walls["pmcourse grade (sandbox)"]
    sandbox_cost = walls["pmcourse grade (sandbox)"] / walls["pmcourse grade --unsafe"]
    results = []
    for name, done in runs.items():
        cpu, peak = [run.cpu_s for run in done], [run.peak_bytes / MB for run in done]
        results += [
            Result(
                "grading",
                f"{what}, {name}: wall time",
                walls[name],
                "s",
                runs=[run.wall_s for run in done],
                note=note,
            ),
            Result(
                "grading",
                f"{what}, {name}: per submission",
                walls[name] / copies,
                "s",
                statistic=f"median wall / {copies}",
            ),
            *(
                []  # the sandbox's processes are reaped inside it: their time never reaches us
                if name == "pmcourse grade (sandbox)"
                else [
                    Result(
                        "grading",
                        f"{what}, {name}: CPU time (all processes)",
                        median(cpu),
                        "s",
                        runs=cpu,
                    )
                ]
            ),
            Result(
                "grading", f"{what}, {name}: peak RSS", max(peak), "MB", statistic="max", runs=peak
            ),
        ]
    results.append(
        Result(
            "grading",
            f"{what}: pmcourse grade / nbgrader autograde wall time (both sandboxed)",
            1 / speed_up,
            "x",
            GRADING_RATIO,
            statistic="ratio of medians",
            note=f"{speed_up:.2f}x as fast on {os.cpu_count()} cores, same scores; load "
            f"average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other work slows it)",
        )
    )
    results.append(
        Result(
            "grading",
            f"{what}: pmcourse grade with the sandbox / without (--unsafe) wall time",
            sandbox_cost,
            "x",
            SANDBOX_RATIO,
            statistic="ratio of medians",
            note=f"the sandbox costs {sandbox_cost - 1:+.0%}, same scores",
        )
    )
    return results


def _manual_answer_ids(master: Path) -> list[str]:
    """grade_ids of the answer cells graded by hand (free text) in a master."""
    import nbformat

    notebook = nbformat.read(master, as_version=4)
    return [
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        and cell.metadata.get("nbgrader", {}).get("solution")
        and "grade_id" in cell.metadata["nbgrader"]
    ]


#: Sizing of a hub (deploy/): the machine, the margin kept free, the goal.
HUB_MACHINE_GB = 24.0
HUB_MARGIN = 0.2
HUB_LEARNERS_GOAL = 40


def _server_rss_mb() -> float:
    """RSS of a JupyterLab server (the learner's single-user server) after the page loaded."""
    import secrets
    import socket
    import urllib.request

    import psutil

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="bench-learner-") as home:
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
                   f"--ServerApp.root_dir={ROOT}", "--allow-root"]  # fmt: skip
        env = {**_environment(), "HOME": home, "JUPYTER_CONFIG_DIR": f"{home}/config",
               "JUPYTER_RUNTIME_DIR": f"{home}/runtime"}  # fmt: skip
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    # What a learner's browser asks for: the page, settings, the notebook.
                    for path in ("/lab", "/lab/api/settings", "/api/kernelspecs",
                                 "/api/contents/notebooks?content=1"):  # fmt: skip
                        request = urllib.request.Request(
                            url + path, headers={"Authorization": f"token {token}"}
                        )
                        urllib.request.urlopen(request, timeout=30).read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("JupyterLab did not start") from None
                    time.sleep(0.5)
            time.sleep(2)  # settles after the last request
            return psutil.Process(server.pid).memory_info().rss / MB
        finally:
            server.terminate()
            server.wait(timeout=30)


@benchmark(
    "learner",
    "memory of one active learner on a hub, and how many fit on a 24 GB machine",
    f"""One active learner is their single-user server plus one kernel that has run the
    heaviest module. The server: a JupyterLab server (what jupyterhub-singleuser runs) on
    the course, after the requests a browser makes when the learner opens it; its RSS.
    The kernel: every `notebooks/*.ipynb` runs once on a fresh kernel (as in `notebooks`);
    the largest kernel peak RSS. RSS counts shared libraries in full, so the figure errs on
    the safe side. Learners per machine: {HUB_MACHINE_GB:.0f} GB less a
    {HUB_MARGIN:.0%} margin (the hub, the proxy, the system, the instructors' grading),
    divided by the memory of one learner. The goal of {HUB_LEARNERS_GOAL} learners is the
    budget on the memory of one learner. deploy/ sets each learner's memory guarantee
    from this figure.""",
)
def bench_learner(options: Options) -> list[Result]:
    try:
        server = _server_rss_mb()
        kernels = {
            p.name: run_notebook(p).peak_bytes / MB
            for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
        }
    except Exception as error:
        return [Result.failed("learner", "one active learner", error)]
    heaviest = max(kernels, key=kernels.get)
    learner = server + kernels[heaviest]
    usable = HUB_MACHINE_GB * 1000 * (1 - HUB_MARGIN)
    options.log(f"  server {server:.0f} MB + kernel {kernels[heaviest]:.0f} MB ({heaviest})")
    return [
        Result("learner", "single-user server: RSS", server, "MB", statistic="single run"),
        Result(
            "learner",
            f"kernel after {heaviest}: peak RSS",
            kernels[heaviest],
            "MB",
            statistic="max over modules",
        ),  # fmt: skip
        Result(
            "learner",
            "one active learner: server + kernel",
            learner,
            "MB",
            usable / HUB_LEARNERS_GOAL,
            statistic="sum",
        ),  # fmt: skip
        Result(
            "learner",
            f"learners per {HUB_MACHINE_GB:.0f} GB with a {HUB_MARGIN:.0%} margin",
            usable // learner,
            "n",
            statistic="floor",
            note=f"{usable:.0f} MB usable",
        ),  # fmt: skip
    ]
