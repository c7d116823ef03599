"""The ``pmcourse`` command: ``pmcourse data`` writes the course's data sets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _data(args: argparse.Namespace) -> int:
    from pmcourse.datasets import write_all

    for path in write_all(args.out):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmcourse",
        description="Tools for the course Introduction to personalised medicine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser(
        "data", help="write the synthetic data sets, data dictionary and checksums"
    )
    data.add_argument("--out", default="data", help="folder to write to (default: data)")
    data.set_defaults(run=_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmcourse`` command line."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
