"""The bench's own logic: results, budgets, statistics, the machine, the table and the page.

Nothing here runs a benchmark; :mod:`bench.benchmarks` does. Everything here is
plain and quick, so ``tests/test_bench.py`` checks it on made-up figures.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Units of measured values, with the format used to show them.
UNITS = {
    "s": "{:.2f} s",
    "ms": "{:.1f} ms",
    "MB": "{:.0f} MB",
    "x": "{:.3g}x",
    "min": "{:.0f} min",
    "%": "{:.0f}%",
    "n": "{:.0f}",
}

#: Status of a result. A "fail" or "error" makes the run fail.
PASS, FAIL, RECORDED, ERROR = "pass", "FAIL", "recorded", "error"


@dataclass
class Result:
    """One measured figure, with its budget if it has one.

    Attributes
    ----------
    benchmark : str
        Name of the benchmark that measured it, such as ``"notebooks"``.
    what : str
        What was measured, in words.
    value : float or None
        The figure (None when the benchmark failed before measuring it).
    unit : str
        One of :data:`UNITS`: ``s``, ``ms``, ``MB`` (10**6 bytes), ``x`` (a ratio), ``min``
        (minutes, for reading times) or ``%``.
    budget : float or None
        The largest acceptable value, in the same unit; None for a figure that
        is only recorded.
    statistic : str
        How `value` was made from `runs`: ``median``, ``max``, ``ratio`` ...
    runs : list of float
        The individual measurements.
    note : str
        Anything a reader needs to interpret the figure; the error for an error.
    error : bool
        True when the benchmark could not measure the figure.
    """

    benchmark: str
    what: str
    value: float | None
    unit: str
    budget: float | None = None
    statistic: str = "median"
    runs: list[float] = field(default_factory=list)
    note: str = ""
    error: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}; got {self.unit!r}.")

    @property
    def status(self) -> str:
        """``pass``, ``FAIL``, ``recorded`` (no budget) or ``error``."""
        if self.error or self.value is None:
            return ERROR
        if self.budget is None:
            return RECORDED
        return PASS if self.value <= self.budget else FAIL

    @property
    def share_of_budget(self) -> float | None:
        """The value as a share of the budget (1.0 is exactly at the budget)."""
        if self.value is None or not self.budget:
            return None
        return self.value / self.budget

    def to_dict(self) -> dict:
        return {**asdict(self), "status": self.status, "share_of_budget": self.share_of_budget}

    @classmethod
    def failed(cls, benchmark: str, what: str, error: BaseException | str) -> Result:
        """A result for a benchmark that raised: shown as ``error``, never as a pass."""
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colour codes of captured output
        first_line = (text.strip().splitlines() or ["(no message)"])[-1][:300]
        return cls(benchmark, what, None, "s", note=first_line, error=True)


def median(values: Sequence[float]) -> float:
    """The median of several runs.

    Raises
    ------
    ValueError
        If there are no runs.

    Examples
    --------
    >>> median([3.0, 1.0, 2.0])
    2.0
    >>> median([4.0, 1.0, 2.0, 3.0])
    2.5
    """
    if not values:
        raise ValueError("median of no runs: a benchmark must run at least once.")
    return float(statistics.median(values))


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, refusing a zero or negative denominator."""
    if denominator <= 0:
        raise ValueError(f"cannot divide by a time of {denominator}; the measurement is broken.")
    return numerator / denominator


def passed(results: Iterable[Result]) -> bool:
    """True when no result failed its budget or errored."""
    return all(result.status in (PASS, RECORDED) for result in results)


def format_value(value: float | None, unit: str) -> str:
    """A figure with its unit, such as ``'12.35 s'``; ``'-'`` for none.

    Examples
    --------
    >>> format_value(0.1234, "x"), format_value(312.4, "MB"), format_value(None, "s")
    ('0.123x', '312 MB', '-')
    """
    if value is None:
        return "-"
    return UNITS[unit].format(value)


def format_budget(result: Result) -> str:
    """The budget as ``<= 20 s``; ``'-'`` for a figure that is only recorded."""
    if result.budget is None:
        return "-"
    return f"<= {result.budget:g} {result.unit}".replace(" x", "x")


def _how(result: Result) -> str:
    n = len(result.runs)
    if result.statistic in ("median", "max") and n:
        return f"{result.statistic} of {n}"
    return result.statistic


def table_rows(results: Iterable[Result]) -> list[list[str]]:
    """The rows of the summary table: benchmark, what, measured, how, budget, use, status."""
    rows = []
    for result in results:
        share = result.share_of_budget
        rows.append(
            [
                result.benchmark,
                result.what,
                format_value(result.value, result.unit),
                _how(result),
                format_budget(result),
                "-" if share is None else f"{share:.0%}",
                result.status,
            ]
        )
    return rows


HEADER = ["benchmark", "what", "measured", "how", "budget", "use", "status"]


def render_table(results: Iterable[Result]) -> str:
    """The summary table for the terminal, columns aligned.

    Examples
    --------
    >>> print(render_table([Result("data", "make data", 3.0, "s", budget=30.0, runs=[3.0])]))
    benchmark  what       measured  how          budget   use  status
    ---------  ---------  --------  -----------  -------  ---  ------
    data       make data  3.00 s    median of 1  <= 30 s  10%  pass
    """
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def render_notes(results: Iterable[Result]) -> str:
    """Why figures failed or errored, one line each, for under the terminal table."""
    return "\n".join(
        f"{r.status}: {r.benchmark}, {r.what}: {r.note}"
        for r in results
        if r.status in (FAIL, ERROR) and r.note
    )


def _markdown_cell(text: str) -> str:
    """Text safe in a MyST table cell: no pipe, no dollar (math), no line break."""
    return text.replace("|", "/").replace("$", "USD ").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells are made safe for MyST."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_markdown_cell(str(c)) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The machine
# --------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip().strip('"')
                return f"{name}, {platform.system()} {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _git(*args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return completed.stdout.strip()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, str]:
    """The machine, software and code the figures come from."""
    import psutil

    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "-"
    packages = ["numpy", "pandas", "matplotlib", "nbclient", "nbgrader", "jupyter-book"]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git commit": commit,
        "CPU": _cpu_model(),
        "cores": f"{usable} usable ({os.cpu_count()} logical)",
        "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "OS": _os_name(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "load average at start (1, 5, 15 min)": load,
        "packages": ", ".join(f"{name} {_version(name)}" for name in packages),
    }


# --------------------------------------------------------------------------
# Files: the JSON record and the book page
# --------------------------------------------------------------------------


def write_json(
    path: Path, results: Sequence[Result], machine: dict[str, str], extra: dict | None = None
) -> Path:
    """Write the run's results and machine to a JSON file; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "machine": machine,
        "passed": passed(results),
        **(extra or {}),
        "results": [result.to_dict() for result in results],
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


PAGE_INTRO = """\
# Benchmarks and budgets

Learners on Binder have 1 to 2 GB of memory and little patience, a JupyterHub
must hold 40 active learners on 24 GB (the `learner` benchmark sizes it), and
instructors grade hundreds of notebooks. So the course keeps budgets for the
things that matter, measures them side by side in one run with `make bench`,
and `make bench` fails when a budget is broken.
This page is written by that run; do not edit it by hand.
"""

PAGE_RUNNING = """\
## Running the benchmarks

```bash
make bench                      # every benchmark; rewrites this page
make bench ONLY=notebooks       # one benchmark (or several: ONLY="import widgets")
.venv/bin/python -m bench --list                # the benchmarks and what they measure
.venv/bin/python -m bench import --repeat 30    # one benchmark, more runs
.venv/bin/python bench/run.py import            # the same runner, as a script
```

`make bench` exits with an error when a budget is broken or a benchmark cannot
run. Every run prints the table and writes its figures, with the machine, to
`bench/results/` as JSON (`latest.json` and one file per run; not committed).
Only a run of every benchmark rewrites this page, so the page always shows one
run on one machine; `--no-page` leaves the page alone. `make bench` is not part
of `make test`: the machine is noisy and the run takes minutes. The bench's own
logic is tested by `tests/test_bench.py`, which is.
"""


def render_page(
    results: Sequence[Result],
    machine: dict[str, str],
    methods: dict[str, str],
    duration_s: float,
) -> str:
    """The book page ``book/benchmarks.md`` (MyST Markdown)."""
    met = sum(r.status == PASS for r in results)
    budgeted = sum(r.budget is not None or r.status == ERROR for r in results)
    verdict = (
        "every budget was met"
        if passed(results)
        else f"**{budgeted - met} of {budgeted} budgeted figures broke their budget or "
        "could not be measured**"
    )
    rows = [[r.benchmark, r.what, *table_rows([r])[0][2:]] for r in results]
    notes = [f"- {r.benchmark}, {r.what}: {_markdown_cell(r.note)}" for r in results if r.note]
    parts = [
        PAGE_INTRO,
        "## Latest figures",
        "",
        f"Measured on {machine.get('date', '?')} at commit `{machine.get('git commit', '?')}`"
        f" in {duration_s / 60:.1f} minutes: {verdict}. *use* is the measured figure as a "
        "share of its budget; *recorded* figures have no budget. MB are 10^6 bytes.",
        "",
        markdown_table(HEADER, rows),
        "",
    ]
    if notes:
        parts += ["Notes on single figures:", "", *notes, ""]
    parts += [
        "## The machine",
        "",
        "The figures depend on the machine: compare figures from one run, and use the "
        "ratios and shares of budget rather than single times.",
        "",
        markdown_table(["what", "value"], [[key, value] for key, value in machine.items()]),
        "",
        "## What is measured, and how",
        "",
    ]
    parts += [f"`{name}`\n: {_markdown_cell(text)}\n" for name, text in methods.items()]
    parts += [PAGE_RUNNING]
    return "\n".join(parts)
