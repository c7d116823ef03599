"""The ``pmcourse`` command.

``pmcourse data`` writes the course's data sets; ``pmcourse release`` regenerates
the student versions of the graded exercises; ``pmcourse grade ASSIGNMENT``
autogrades collected submissions in parallel and reports them; ``pmcourse
feedback ASSIGNMENT`` writes the learners' feedback without the hidden tests;
``pmcourse export`` writes every score per question; ``pmcourse record
STUDENT`` writes a learner's course record; ``pmcourse header NOTEBOOK``
rewrites a module notebook's first cell from its metadata;
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
    from pmcourse.grading import GradingError, assignment_names, course_folder, generate_release

    try:
        course = course_folder(args.course_dir)
        for assignment in args.assignments or assignment_names(course):
            print(f"wrote {generate_release(course, assignment)}")
    except GradingError as error:
        print(f"pmcourse release: {error}", file=sys.stderr)
        return 2
    return 0


def _in_course(command: str, args: argparse.Namespace, work):
    """``work(course folder)``; None after printing a plain GradingError (exit status 2)."""
    from pmcourse.grading import GradingError, course_folder

    try:
        return work(course_folder(args.course_dir))
    except GradingError as error:
        print(f"pmcourse {command}: {error}", file=sys.stderr)
        return None


def _grade(args: argparse.Namespace) -> int:
    from pmcourse.batch import grade_class

    report = _in_course(
        "grade",
        args,
        lambda course: grade_class(
            course,
            args.assignment,
            students=args.student,
            workers=args.workers,
            cell_timeout=args.cell_timeout,
            time_limit_s=args.time_limit,
            memory_limit_mb=args.memory_limit,
            sandbox=not args.unsafe,
            progress=not args.quiet,
        ),
    )
    if report is None:
        return 2
    print(report)
    if args.out:
        report.scores.to_csv(args.out)
        print(f"wrote {args.out}")
    return 1 if report.needs_review else 0


def _feedback(args: argparse.Namespace) -> int:
    from pmcourse.feedback import generate_feedback

    pages = _in_course("feedback", args, lambda c: generate_feedback(c, args.assignment))
    if pages is None:
        return 2
    for page in pages:
        print(f"wrote {page}")
    print(
        f"{len(pages)} feedback page(s) without hidden tests. Return them with "
        f"`nbgrader release_feedback {args.assignment}` (in the course folder)."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from pmcourse.records import export

    paths = _in_course("export", args, lambda course: export(course, args.out))
    for path in paths or []:
        print(f"wrote {path}")
    return 0 if paths else 2


def _record(args: argparse.Namespace) -> int:
    from pmcourse.records import course_record

    path = _in_course("record", args, lambda c: course_record(c, args.student, args.out))
    if path:
        print(f"wrote {path} (open it in a browser; print it to PDF from there)")
    return 0 if path else 2


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


_ASSIGNMENT = ("assignment", "assignment, such as 01_foundations")


def _in_course_command(commands, name: str, run, help: str, *arguments: tuple[str, str]):
    """A subcommand working in the course folder: its positional arguments and --course-dir."""
    parser = commands.add_parser(name, help=help)
    for argument, text in arguments:
        parser.add_argument(argument, help=text)
    parser.add_argument(
        "--course-dir",
        help="nbgrader course folder (default: this folder if it holds nbgrader_config.py, "
        "else exercises/)",
    )
    parser.set_defaults(run=run)
    return parser


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
    release = _in_course_command(
        commands, "release", _release, "regenerate the student versions from source/"
    )
    release.add_argument("assignments", nargs="*", help="assignments (default: all in source/)")
    grade = _in_course_command(
        commands, "grade", _grade, "autograde an assignment's submissions; report", _ASSIGNMENT
    )
    grade.add_argument("--student", action="append", help="only this student (repeatable)")
    grade.add_argument(
        "--workers", type=int, help="submissions graded at once (default: the CPU cores)"
    )
    grade.add_argument(
        "--cell-timeout", type=float, help="seconds a cell may run (default: Execute.timeout)"
    )
    grade.add_argument(
        "--time-limit", type=float, help="seconds one submission may run (default: course)"
    )
    grade.add_argument(
        "--memory-limit", type=float, help="MB of memory a kernel may use (default: course)"
    )
    grade.add_argument(
        "--unsafe",
        action="store_true",
        help="no sandbox: learners' code runs as you, in your folders (only for work you trust)",
    )
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--out", help="also write the gradebook's scores to this CSV file")
    _in_course_command(
        commands, "feedback", _feedback, "write feedback pages without hidden tests", _ASSIGNMENT
    )
    export = _in_course_command(
        commands, "export", _export, "write every learner's scores per question (CSV)"
    )
    export.add_argument("--out", help="folder for the CSV files (default: the course folder)")
    record = _in_course_command(
        commands,
        "record",
        _record,
        "write a learner's one-page course record (HTML) for a CPD portfolio",
        ("student", "the learner's id in the gradebook"),
    )
    record.add_argument("--out", help="folder for the page (default: records/ in the course)")
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
