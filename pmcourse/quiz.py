"""Self-check quizzes, shown with jupyterquiz from JSON files shipped in the package.

Quizzes live in ``pmcourse/resources/quizzes/<name>.json`` in jupyterquiz's
format: a list of questions, each with ``question``, ``type``
(``multiple_choice``, ``many_choice`` or ``numeric``) and ``answers``. Every
answer carries ``feedback``, so a learner learns from a wrong click too.
"""

from __future__ import annotations

import json
from importlib import resources

__all__ = ["load_quiz", "quiz_names", "show_quiz"]

_CHOICE_TYPES = {"multiple_choice", "many_choice"}


def quiz_names() -> list[str]:
    """Names of the quizzes shipped with the course, such as ``'01_foundations'``."""
    folder = resources.files("pmcourse").joinpath("resources", "quizzes")
    return sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".json"))


def _problems(questions: object) -> list[str]:
    """What is wrong with a quiz's structure, as plain sentences (empty when fine)."""
    if not isinstance(questions, list) or not questions:
        return ["A quiz must be a non-empty list of questions."]
    problems = []
    for number, question in enumerate(questions, start=1):
        where = f"Question {number}"
        if not isinstance(question, dict) or not str(question.get("question", "")).strip():
            problems.append(f"{where} has no question text.")
            continue
        kind = question.get("type")
        answers = question.get("answers")
        if kind not in _CHOICE_TYPES | {"numeric"}:
            problems.append(f"{where} has an unknown type {kind!r}.")
        elif not isinstance(answers, list) or not answers:
            problems.append(f"{where} has no answers.")
        else:
            if any(not str(answer.get("feedback", "")).strip() for answer in answers):
                problems.append(f"{where} has an answer without feedback.")
            if kind in _CHOICE_TYPES:
                if not any(answer.get("correct") is True for answer in answers):
                    problems.append(f"{where} has no correct answer.")
                if kind == "multiple_choice" and len(answers) < 2:
                    problems.append(f"{where} needs at least two answers to choose from.")
    return problems


def load_quiz(name: str) -> list[dict]:
    """Load and validate a quiz.

    Parameters
    ----------
    name : str
        Quiz name, one of :func:`quiz_names`.

    Returns
    -------
    list of dict
        The questions, in jupyterquiz's format.

    Raises
    ------
    ValueError
        If there is no such quiz or it is malformed.

    Examples
    --------
    >>> questions = load_quiz("01_foundations")
    >>> all("feedback" in answer for q in questions for answer in q["answers"])
    True
    """
    if name not in quiz_names():
        raise ValueError(f"There is no quiz called {name!r}. Quizzes: {', '.join(quiz_names())}.")
    path = resources.files("pmcourse").joinpath("resources", "quizzes", f"{name}.json")
    try:
        questions = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"The quiz file {name}.json is not valid JSON: {error}") from None
    problems = _problems(questions)
    if problems:
        raise ValueError(f"The quiz {name!r} is malformed: " + " ".join(problems))
    return questions


def show_quiz(name: str, *, shuffle_answers: bool = True) -> None:
    """Show a self-check quiz in the notebook (and on the book's page).

    Parameters
    ----------
    name : str
        Quiz name, such as ``'01_foundations'``.
    shuffle_answers : bool, default True
        Present the answers of each question in a random order.
    """
    from jupyterquiz import display_quiz  # imported here: only needed in a notebook

    display_quiz(load_quiz(name), shuffle_answers=shuffle_answers)
