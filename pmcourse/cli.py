"""The ``pmcourse`` command.

``pmcourse data`` writes the course's data sets; ``pmcourse release`` regenerates
the student versions of the graded exercises; ``pmcourse grade ASSIGNMENT``
autogrades collected submissions and prints the scores; ``pmcourse header
NOTEBOOK`` rewrites a module notebook's first cell from its metadata;
``pmcourse links`` writes the glossary terms and citations of the module
notebooks as links that JupyterLab shows cleanly (:mod:`pmcourse.markup`);
``pmcourse new-module NN_slug "Title"`` writes the files of a new course module;
``pmcourse link --hub URL [NOTEBOOK]`` prints the nbgitpuller link that opens a
notebook of the course on a JupyterHub (:mod:`pmcourse.deploy`).
"""

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


def _release(args: argparse.Namespace) -> int:
    from pmcourse.grading import GradingError, assignment_names, generate_release

    assignments = args.assignments or assignment_names(args.course_dir)
    try:
        for assignment in assignments:
            print(f"wrote {generate_release(args.course_dir, assignment)}")
    except GradingError as error:
        print(f"pmcourse release: {error}", file=sys.stderr)
        return 2
    return 0


def _grade(args: argparse.Namespace) -> int:
    from pmcourse.grading import GradingError, autograde, scores

    try:
        report = autograde(args.course_dir, args.assignment, args.student or None)
        table = scores(args.course_dir, args.assignment)
    except GradingError as error:
        print(f"pmcourse grade: {error}", file=sys.stderr)
        return 2
    print(report)
    print(table.to_string())
    if args.out:
        table.to_csv(args.out)
        print(f"wrote {args.out}")
    return 1 if report.problems else 0


def _rewrite(command: str, write, notebooks: Sequence[str]) -> int:
    """Rewrite each notebook with ``write`` (True when it changed); report each."""
    try:
        for path in notebooks:
            changed = write(path)
            print(f"{'wrote' if changed else 'unchanged'} {path}")
    except (OSError, ValueError) as error:
        print(f"pmcourse {command}: {error}", file=sys.stderr)
        return 2
    return 0


def _header(args: argparse.Namespace) -> int:
    from pmcourse.header import write_header_cell

    return _rewrite("header", write_header_cell, args.notebooks)


def _links(args: argparse.Namespace) -> int:
    from pmcourse.markup import convert_notebook
    from pmcourse.modules import modules

    notebooks = args.notebooks or [str(module.notebook) for module in modules(args.root)]
    return _rewrite("links", lambda path: convert_notebook(path, root=args.root), notebooks)


def _new_module(args: argparse.Namespace) -> int:
    from pmcourse.grading import GradingError
    from pmcourse.scaffold import MARK, new_module

    try:
        written = new_module(args.name, args.title, root=args.root)
    except (OSError, ValueError, GradingError) as error:
        print(f"pmcourse new-module: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(
        f"Next: fill in every {MARK} (grep -rn '{MARK}' .), then follow the checklist "
        "in book/authoring.md."
    )
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
    release = commands.add_parser(
        "release", help="regenerate the student versions in exercises/release/ from source/"
    )
    release.add_argument("assignments", nargs="*", help="assignments (default: all in source/)")
    release.add_argument("--course-dir", default="exercises", help="nbgrader course folder")
    release.set_defaults(run=_release)
    grade = commands.add_parser(
        "grade", help="autograde the collected submissions of an assignment; print scores"
    )
    grade.add_argument("assignment", help="assignment, such as 01_foundations")
    grade.add_argument("--course-dir", default="exercises", help="nbgrader course folder")
    grade.add_argument("--student", action="append", help="only this student (repeatable)")
    grade.add_argument("--out", help="also write the scores to this CSV file")
    grade.set_defaults(run=_grade)
    header = commands.add_parser(
        "header", help="rewrite module notebooks' first cell from their pmcourse metadata"
    )
    header.add_argument("notebooks", nargs="+", help="notebooks, such as notebooks/*.ipynb")
    header.set_defaults(run=_header)
    links = commands.add_parser(
        "links",
        help="write the notebooks' glossary and citation roles as links JupyterLab shows",
    )
    links.add_argument("notebooks", nargs="*", help="notebooks (default: every module's)")
    links.add_argument("--root", default=".", help="the repository's root folder (default: .)")
    links.set_defaults(run=_links)
    module = commands.add_parser(
        "new-module", help="write the files of a new course module (see book/authoring.md)"
    )
    module.add_argument("name", help="NN_slug: two digits and a short name, such as 08_imaging")
    module.add_argument("title", help='the module\'s title, such as "Imaging beyond the genome"')
    module.add_argument("--root", default=".", help="the repository's root folder (default: .)")
    module.set_defaults(run=_new_module)
    from pmcourse.deploy import add_link_command

    add_link_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmcourse`` command line."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
