"""The runner of ``make bench``: run the named benchmarks, print a table, write JSON and the page.

Usage::

    python -m bench                      # every benchmark; rewrites book/benchmarks.md
    python -m bench notebooks import     # only these
    python -m bench --list               # the benchmarks
    python bench/run.py import           # the same, as a script

Exits with 1 when a budget is broken or a benchmark could not run, 2 on a
usage error, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchmarks import BENCHMARKS, GRADING_COPIES, Options  # noqa: E402
from bench.core import (  # noqa: E402
    ROOT,
    Result,
    machine_info,
    passed,
    render_notes,
    render_page,
    render_table,
    write_json,
)

RESULTS_DIR = ROOT / "bench" / "results"
PAGE = ROOT / "book" / "benchmarks.md"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks and budgets of the course (make bench).",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument(
        "--repeat", type=int, help="runs of each measurement (default: each benchmark's own)"
    )
    parser.add_argument(
        "--grading-assignment", help="assignment to grade (default: the first in source/)"
    )
    parser.add_argument(
        "--grading-copies",
        type=int,
        default=GRADING_COPIES,
        help=f"submissions to autograde (default: {GRADING_COPIES})",
    )
    parser.add_argument("--no-page", action="store_true", help="do not rewrite book/benchmarks.md")
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS_DIR, help="folder for the JSON results"
    )
    return parser


def select(names: Sequence[str]) -> list[str]:
    """The benchmarks to run, in registry order; all of them when `names` is empty.

    Raises
    ------
    ValueError
        If a name is not a benchmark; the message lists the known ones.
    """
    wanted = [name for text in names for name in text.replace(",", " ").split()]
    unknown = [name for name in wanted if name not in BENCHMARKS]
    if unknown:
        raise ValueError(
            f"no benchmark called {', '.join(map(repr, unknown))}; "
            f"the benchmarks are: {', '.join(BENCHMARKS)}."
        )
    return [name for name in BENCHMARKS if not wanted or name in wanted]


def run(names: Sequence[str], options: Options) -> list[Result]:
    """Run the benchmarks; a benchmark that raises becomes an ``error`` result."""
    results: list[Result] = []
    for name in names:
        options.log(f"[{name}] {BENCHMARKS[name].summary}")
        try:
            results += BENCHMARKS[name].run(options)
        except Exception as error:  # one broken benchmark must not hide the others
            results.append(Result.failed(name, BENCHMARKS[name].summary, error))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        for benchmark in BENCHMARKS.values():
            print(f"{benchmark.name:<10} {benchmark.summary}")
        return 0
    try:
        names = select(args.names)
    except ValueError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.grading_copies < 1:
        parser.error("--grading-copies must be at least 1")
    options = Options(
        repeat=args.repeat,
        grading_assignment=args.grading_assignment,
        grading_copies=args.grading_copies,
    )
    machine = machine_info()
    started = time.perf_counter()
    results = run(names, options)
    duration = time.perf_counter() - started
    print()
    print(render_table(results))
    notes = render_notes(results)
    if notes:
        print("\n" + notes)
    everything = names == list(BENCHMARKS)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    extra = {"benchmarks": names, "duration_s": round(duration, 1)}
    for path in (args.results_dir / f"{stamp}.json", args.results_dir / "latest.json"):
        write_json(path, results, machine, extra)
    print(f"\nwrote {args.results_dir / 'latest.json'} ({duration / 60:.1f} min)")
    if everything and not args.no_page:
        methods = {name: benchmark.method for name, benchmark in BENCHMARKS.items()}
        PAGE.write_text(render_page(results, machine, methods, duration), encoding="utf-8")
        print(f"wrote {PAGE}")
    ok = passed(results)
    print("all budgets met" if ok else "BUDGET BROKEN or benchmark failed: see the table")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
