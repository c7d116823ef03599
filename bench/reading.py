"""The reading-time model of ``make bench``: how long a learner needs for a module notebook.

A module's header promises an *estimated time* (notebook metadata
``pmcourse.estimated_time_minutes``). This model measures the notebook as a
learner works through it, from what it holds, so that the promise can be held
against something other than the author's hopes. The learner is the course's:
a nurse, doctor or pharmacist new to code, reading to learn, mostly in a second
language (English), and running every cell.

The rates, and why (each is an assumption to revise when learners are timed):

- :data:`WORDS_PER_MINUTE`, 150: adults read English non-fiction silently at
  about 238 words a minute (Brysbaert 2019, a meta-analysis of 190 studies,
  J Mem Lang 109:104047). Reading to learn technical text that is new to the
  reader, in a second language, is slower; 150 is about two thirds of that
  rate. The words are those a reader sees in the markdown cells (MyST markup
  and citation keys left out; a glossary link counts as its text).
- :data:`CODE_CELL_S`, 30 s per code cell: move to it, run it (Shift+Enter),
  wait, and read its output (a number, a short list, or a table of a few rows).
- :data:`CODE_LINE_S`, 4 s per line of code: a novice reads code line by line,
  about 15 lines a minute, comments included.
- :data:`FIGURE_S`, 45 s more for a cell that draws a figure (one with alt text
  in its metadata): read the axes and the legend, compare the curves or bars.
- :data:`YOUR_TURN_S`, 180 s per "your turn" (a ``Your turn`` heading): read the
  task, type a line, run the check, read the feedback, try once more.
- :data:`WIDGET_S`, 180 s per interactive widget (a cell tagged
  ``skip-execution`` that builds one): try the questions the text asks.
- :data:`QUIZ_QUESTION_S`, 60 s per quiz question: read the question and its
  four answers, choose, read the feedback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CODE_CELL_S",
    "CODE_LINE_S",
    "FIGURE_S",
    "QUIZ_QUESTION_S",
    "WIDGET_S",
    "WORDS_PER_MINUTE",
    "YOUR_TURN_S",
    "Reading",
    "reading",
    "visible_words",
]

WORDS_PER_MINUTE = 150
CODE_CELL_S = 30
CODE_LINE_S = 4
FIGURE_S = 45
YOUR_TURN_S = 180
WIDGET_S = 180
QUIZ_QUESTION_S = 60

_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")  # {term}`text <target>`, {cite:p}`key`
_DIRECTIVE_LINE = re.compile(r"^\s*(```|:::|:\w+:)")  # fences and options such as :class: tip
_YOUR_TURN = re.compile(r"^#+\s*your turn", flags=re.IGNORECASE | re.MULTILINE)
_QUIZ = re.compile(r"show_quiz\(\s*[\"']([^\"']+)[\"']")


def _role_text(match: re.Match) -> str:
    role, content = match.groups()
    if role.startswith("cite"):
        return ""  # shown as (Author, year): skipped by a reader
    return re.sub(r"\s*<[^>]*>\s*$", "", content)  # the link text, not its target


def visible_words(markdown: str) -> int:
    """Words a reader sees in a markdown cell: MyST roles as their text, no citations.

    Directive fences and their option lines are left out, and so are tokens
    without a letter or digit (table rules, list dashes, ``#``).

    Examples
    --------
    >>> visible_words("A {term}`diplotype` is a pair {cite:p}`cpic_data`.")
    5
    >>> visible_words("```{admonition} Clinical scenario\\n:class: tip\\nHe is 46.\\n```")
    3
    >>> visible_words("| step | to |\\n| --- | --- |\\n| 1 | {term}`alleles <star allele>` |")
    4
    """
    lines = [line for line in markdown.splitlines() if not _DIRECTIVE_LINE.match(line)]
    text = _ROLE.sub(_role_text, "\n".join(lines))
    return sum(bool(re.search(r"\w", token)) for token in text.split())


@dataclass(frozen=True)
class Reading:
    """What a notebook holds for the reading-time model, and the minutes it gives."""

    words: int = 0
    code_cells: int = 0
    code_lines: int = 0
    figures: int = 0
    your_turns: int = 0
    widgets: int = 0
    quiz_questions: int = 0

    @property
    def minutes(self) -> float:
        """The modelled reading time, in minutes (the rates are in the module docstring).

        Examples
        --------
        >>> Reading(words=1500, code_cells=3, code_lines=6, your_turns=1).minutes
        14.9
        """
        seconds = (
            60 * self.words / WORDS_PER_MINUTE
            + CODE_CELL_S * self.code_cells
            + CODE_LINE_S * self.code_lines
            + FIGURE_S * self.figures
            + YOUR_TURN_S * self.your_turns
            + WIDGET_S * self.widgets
            + QUIZ_QUESTION_S * self.quiz_questions
        )
        return round(seconds / 60, 1)

    def describe(self) -> str:
        """The counts in words, for the bench's notes."""
        return (
            f"{self.words} words, {self.code_cells} code cells ({self.code_lines} lines), "
            f"{self.figures} figures, {self.your_turns} your-turns, {self.widgets} widgets, "
            f"{self.quiz_questions} quiz questions"
        )


def _quiz_length(name: str) -> int:
    from pmcourse.quiz import load_quiz

    return len(load_quiz(name))


def reading(path: str | Path, *, quiz_length: Callable[[str], int] = _quiz_length) -> Reading:
    """Count what a learner reads, runs and answers in a notebook.

    Parameters
    ----------
    path : str or Path
        A learner notebook.
    quiz_length : callable, optional
        Quiz name -> number of questions, for each ``show_quiz("name")`` cell;
        by default the course's quizzes.

    Returns
    -------
    Reading
        Its counts; ``.minutes`` is the modelled reading time.
    """
    import nbformat

    counts = dict.fromkeys(Reading.__dataclass_fields__, 0)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            counts["words"] += visible_words(cell.source)
            counts["your_turns"] += len(_YOUR_TURN.findall(cell.source))
            continue
        if cell.cell_type != "code":
            continue
        quiz = _QUIZ.search(cell.source)
        if quiz:
            counts["quiz_questions"] += quiz_length(quiz.group(1))
        elif "skip-execution" in cell.metadata.get("tags", []):
            counts["widgets"] += 1
        else:
            counts["code_cells"] += 1
            counts["code_lines"] += sum(bool(line.strip()) for line in cell.source.splitlines())
            counts["figures"] += bool(cell.metadata.get("mystnb", {}).get("image"))
    return Reading(**counts)
