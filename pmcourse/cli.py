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
``pmcourse new-module NN_slug "Title"`` writes the files of a new course module.
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


def _grade(args: argparse.Namespace) -> int:
    from pmcourse.batch import grade_class
    from pmcourse.grading import GradingError, course_folder

    try:
        report = grade_class(
            course_folder(args.course_dir),
            args.assignment,
            students=args.student,
            workers=args.workers,
            cell_timeout=args.cell_timeout,
            time_limit_s=args.time_limit,
            memory_limit_mb=args.memory_limit,
            progress=not args.quiet,
        )
    except GradingError as error:
        print(f"pmcourse grade: {error}", file=sys.stderr)
        return 2
    print(report)
    if args.out:
        report.scores.to_csv(args.out)
        print(f"wrote {args.out}")
    return 1 if report.needs_review else 0


def _feedback(args: argparse.Namespace) -> int:
    from pmcourse.feedback import generate_feedback
    from pmcourse.grading import GradingError, course_folder

    try:
        pages = generate_feedback(course_folder(args.course_dir), args.assignment)
    except GradingError as error:
        print(f"pmcourse feedback: {error}", file=sys.stderr)
        return 2
    for page in pages:
        print(f"wrote {page}")
    print(
        f"{len(pages)} feedback page(s) without hidden tests. Return them with "
        f"`nbgrader release_feedback {args.assignment}` (in the course folder)."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from pmcourse.grading import GradingError, course_folder
    from pmcourse.records import export

    try:
        paths = export(course_folder(args.course_dir), args.out)
    except GradingError as error:
        print(f"pmcourse export: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"wrote {path}")
    return 0


def _record(args: argparse.Namespace) -> int:
    from pmcourse.grading import GradingError, course_folder
    from pmcourse.records import course_record

    try:
        path = course_record(course_folder(args.course_dir), args.student, args.out)
    except GradingError as error:
        print(f"pmcourse record: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path} (open it in a browser; print it to PDF from there)")
    return 0


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


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course-dir",
        help="nbgrader course folder (default: this folder if it holds nbgrader_config.py, "
        "else exercises/)",
    )


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
    _course_option(release)
    release.set_defaults(run=_release)
    grade = commands.add_parser(
        "grade", help="autograde the collected submissions of an assignment; print scores"
    )
    grade.add_argument("assignment", help="assignment, such as 01_foundations")
    _course_option(grade)
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
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--out", help="also write the gradebook's scores to this CSV file")
    grade.set_defaults(run=_grade)
    feedback = commands.add_parser(
        "feedback", help="write the learners' feedback pages, without the hidden tests"
    )
    feedback.add_argument("assignment", help="assignment, such as 01_foundations")
    _course_option(feedback)
    feedback.set_defaults(run=_feedback)
    export = commands.add_parser(
        "export", help="write every learner's score per question and per assignment (CSV)"
    )
    _course_option(export)
    export.add_argument("--out", help="folder for the CSV files (default: the course folder)")
    export.set_defaults(run=_export)
    record = commands.add_parser(
        "record", help="write a learner's one-page course record (HTML) for a CPD portfolio"
    )
    record.add_argument("student", help="the learner's id in the gradebook")
    _course_option(record)
    record.add_argument("--out", help="folder for the page (default: records/ in the course)")
    record.set_defaults(run=_record)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmcourse`` command line."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
