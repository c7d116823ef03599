"""Interpretation questions: a clinical judgement given as a value, graded automatically.

Clinical reasoning is what the course is for; code is the means. An
interpretation question asks for a judgement in a form a computer can grade:

- :class:`Choice`: one labelled option (or all that apply), such as ``"B"``;
- :class:`Estimate`: a number with a tolerance, such as a probability;
- :class:`Selection`: a set of patients or drugs, such as the patients whose
  prescription should change.

Each question is written once, in the module's checks module, and used three
ways. In a learner notebook, calling it gives instant feedback. In a graded
exercise, the student version's check cell calls :meth:`check_form`, which
only says whether the answer is well formed (so the right answer cannot be
found by trying each option), and the hidden test calls the question with
``quick=False``. After a wrong answer, the feedback explains the reasoning
that leads to the right one without naming it. Answers are plain values
(text, numbers, lists), so they can also be judged outside the learner's
kernel.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pmcourse.check import CheckResult, _answer_to_check, _describe

__all__ = ["Choice", "Estimate", "Selection"]

_GRADED_LATER = "Your answer is recorded; it is graded when you submit."


def _resolve(value: Any) -> Any:
    """A value, or the result of calling it: answers may be computed from the data."""
    return value() if callable(value) else value


def _not_answered(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


@dataclass(frozen=True)
class _Question:
    """What every interpretation question has: the learner's variable and a hint."""

    name: str
    hint: str = ""

    def _result(self, passed: bool, message: str, *, hint: str = "", quick: bool) -> CheckResult:
        return CheckResult(self.name, passed, message, hint=hint or self.hint, quick=quick)

    def _empty(self, example: str, quick: bool) -> CheckResult:
        return self._result(
            False,
            "You have not answered yet: replace the ... with your answer.",
            hint=f"Write your answer after the = sign, for example {self.name} = {example}.",
            quick=quick,
        )

    def check_form(self, answer: Any) -> CheckResult:
        """Whether the answer is well formed, without saying whether it is right."""
        answer = _answer_to_check(self.name, "form", answer)
        problem = self._form_problem(answer)
        if problem is not None:
            return problem
        return self._result(True, f"Your answer has the right form. {_GRADED_LATER}", quick=False)

    def _form_problem(self, answer: Any) -> CheckResult | None:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, answer: Any, *, quick: bool = True) -> CheckResult:
        """The verdict, with the reasoning after a wrong answer."""
        answer = _answer_to_check(self.name, "value", answer)
        problem = self._form_problem(answer)
        if problem is not None:
            return CheckResult(problem.name, False, problem.message, problem.hint, quick)
        return self._verdict(answer, quick)

    def _verdict(self, answer: Any, quick: bool) -> CheckResult:  # pragma: no cover
        raise NotImplementedError


# --------------------------------------------------------------------------
# A choice among labelled options
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice(_Question):
    """A choice among labelled options: ``"B"``, or a list for "all that apply".

    Attributes
    ----------
    name : str
        The variable the learner sets, such as ``"answer_pm30"``.
    options : mapping
        Label -> the option's text, as the question shows it.
    correct : str, iterable of str, or callable
        The right label(s), or a function that works them out from the data.
    reasoning : mapping
        Label of a wrong option -> why it is not the best choice; shown after
        that option is chosen. It explains the reasoning, never names the answer.
    many : bool
        True for "choose all that apply".
    hint : str
        A general nudge, shown after any wrong answer.

    Examples
    --------
    >>> question = Choice(
    ...     "answer_dose",
    ...     options={"A": "Usual dose", "B": "Lower dose", "C": "Other drug"},
    ...     correct="C",
    ...     reasoning={"A": "The usual dose relies on the enzyme working.",
    ...                "B": "A lower dose of a drug that is not activated still does not work."},
    ... )
    >>> question("C").passed
    True
    >>> print(question("b", quick=False))
    ❌ answer_dose: Not the best choice. A lower dose of a drug that is not activated still does
    not work.
    >>> print(question.check_form("D"))
    ❌ answer_dose: "D" is not one of the options; choose from A, B, C.
    Hint: Write the letter in quotation marks, for example answer_dose = "A".
    """

    options: Mapping[str, str] = field(default_factory=dict)
    correct: Any = ()
    reasoning: Mapping[str, str] = field(default_factory=dict)
    many: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.reasoning) - set(self.options)
        if len(self.options) < 2 or unknown:
            raise ValueError(
                f"{self.name}: a choice needs at least two options, and reasoning only for "
                f"options it has (unknown: {sorted(unknown)})."
            )

    def _labels(self) -> str:
        return ", ".join(self.options)

    def _chosen(self, answer: Any) -> list[str] | None:
        """The labels the learner chose, in capitals; None when not labels at all."""
        items = [answer] if isinstance(answer, str) else answer
        if not isinstance(items, list | tuple | set | frozenset):
            return None
        if not all(isinstance(item, str) for item in items):
            return None
        return [item.strip().upper() for item in items]

    def _form_problem(self, answer: Any) -> CheckResult | None:
        example = '["A", "C"]' if self.many else '"A"'
        if _not_answered(answer):
            return self._empty(example, quick=False)
        chosen = self._chosen(answer)
        what = "letters in a list" if self.many else "the letter in quotation marks"
        hint = f"Write {what}, for example {self.name} = {example}."
        if chosen is None:
            return self._result(
                False, f"Your answer is {_describe(answer)}, not a label.", hint=hint, quick=False
            )
        unknown = [label for label in chosen if label not in self.options]
        if unknown:
            return self._result(
                False,
                f'"{unknown[0]}" is not one of the options; choose from {self._labels()}.',
                hint=hint,
                quick=False,
            )
        if not chosen or (len(chosen) > 1 and not self.many):
            return self._result(
                False, "Choose exactly one option.", hint=f"For example {example}.", quick=False
            )
        return None

    def correct_labels(self) -> frozenset[str]:
        """The right label(s)."""
        correct = _resolve(self.correct)
        return frozenset([correct] if isinstance(correct, str) else correct)

    def _verdict(self, answer: Any, quick: bool) -> CheckResult:
        chosen = set(self._chosen(answer))
        right = self.correct_labels()
        if chosen == right:
            return self._result(True, "Well done, that is right.", quick=quick)
        wrong = sorted(chosen - right)
        reasons = [self.reasoning[label] for label in wrong if label in self.reasoning]
        message = "Not the best choice." if not self.many else "Not quite."
        if self.many and right - chosen:
            message += " At least one option that applies is missing."
        return self._result(False, " ".join([message, *reasons]), quick=quick)


# --------------------------------------------------------------------------
# A number with a tolerance
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate(_Question):
    """A number the learner judges or estimates, right within a tolerance.

    Attributes
    ----------
    name : str
        The variable the learner sets.
    expected : float or callable
        The right number, or a function that works it out from the data.
    tolerance : float
        How far (absolute) an answer may be from the expected number.
    plausible : (float, float)
        The range any sensible answer lies in (for example 0 to 1 for a
        probability); an answer outside it is a form error.
    too_low, too_high : str
        The reasoning shown after an answer below or above the right range.

    Examples
    --------
    >>> risk = Estimate("carrier_probability", expected=0.51, tolerance=0.01,
    ...                 plausible=(0, 1), too_low="Count both chromosomes.")
    >>> risk(0.508).passed
    True
    >>> print(risk(0.28, quick=False).message)
    Too low. Count both chromosomes.
    >>> print(risk.check_form(28).message)
    A number from 0 to 1 is expected; yours is 28.
    """

    expected: Any = math.nan
    tolerance: float = 0.0
    plausible: tuple[float, float] = (-math.inf, math.inf)
    too_low: str = ""
    too_high: str = ""

    def _form_problem(self, answer: Any) -> CheckResult | None:
        if _not_answered(answer):
            return self._empty("0.25", quick=False)
        if isinstance(answer, np.generic):
            answer = answer.item()
        if not isinstance(answer, numbers.Real) or isinstance(answer, bool):
            return self._result(
                False,
                f"A number is expected, but your answer is {_describe(answer)}.",
                hint="Write the number without quotation marks, with a point for decimals.",
                quick=False,
            )
        low, high = self.plausible
        if not (low <= answer <= high):
            return self._result(
                False,
                f"A number from {low:g} to {high:g} is expected; yours is {answer:g}.",
                quick=False,
            )
        return None

    def _verdict(self, answer: Any, quick: bool) -> CheckResult:
        expected = float(_resolve(self.expected))
        if abs(float(answer) - expected) <= self.tolerance:
            return self._result(True, "Well done, that is right.", quick=quick)
        low = float(answer) < expected
        reason = self.too_low if low else self.too_high
        return self._result(
            False, f"{'Too low' if low else 'Too high'}. {reason}".strip(), quick=quick
        )


# --------------------------------------------------------------------------
# A set of patients or drugs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection(_Question):
    """A set of items the learner picks: patients, drugs, variants.

    Attributes
    ----------
    name : str
        The variable the learner sets, a list such as ``["PM-000012", ...]``.
    expected : iterable or callable
        The right items, or a function that works them out from the data.
    choices : iterable or callable
        Every item the learner may pick from (the patients on the ward, ...);
        an item outside it is a form error.
    item : str
        What the items are, in the plural ("patients", "drugs").
    missing, extra : str
        The reasoning shown when items are missing, or included wrongly. The
        feedback counts them but never names them.

    Examples
    --------
    >>> pick = Selection("to_review", expected={"PM-000002"},
    ...                  choices={"PM-000001", "PM-000002", "PM-000003"}, item="patients",
    ...                  extra="Only a changed prescription needs a review.")
    >>> pick(["PM-000002"]).passed
    True
    >>> print(pick(["PM-000002", "PM-000003"], quick=False).message)
    Not quite: 1 of your patients should not be there. Only a changed prescription needs a review.
    >>> print(pick.check_form(["PM-999999"]).message)
    "PM-999999" is not one of the patients you can choose from.
    """

    expected: Any = ()
    choices: Any = ()
    item: str = "items"
    missing: str = ""
    extra: str = ""

    def _form_problem(self, answer: Any) -> CheckResult | None:
        if _not_answered(answer):
            return self._empty('["...", "..."]', quick=False)
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            return self._result(
                False,
                f"A list of {self.item} is expected, but your answer is {_describe(answer)}.",
                hint=f'Write them in square brackets: {self.name} = ["...", "..."]; '
                "an empty list [] if there are none.",
                quick=False,
            )
        allowed = set(_resolve(self.choices))
        for value in answer:
            if value not in allowed:
                return self._result(
                    False,
                    f'"{value}" is not one of the {self.item} you can choose from.',
                    hint="Check the spelling, and copy the names from the table above.",
                    quick=False,
                )
        return None

    def _verdict(self, answer: Any, quick: bool) -> CheckResult:
        chosen, right = set(answer), set(_resolve(self.expected))
        if chosen == right:
            return self._result(True, "Well done, that is right.", quick=quick)
        parts = []
        if chosen - right:
            parts.append(f"{len(chosen - right)} of your {self.item} should not be there.")
            parts.append(self.extra)
        if right - chosen:
            n_missing = len(right - chosen)
            parts.append(
                f"{n_missing} of the {self.item} {'is' if n_missing == 1 else 'are'} missing."
            )
            parts.append(self.missing)
        message = "Not quite: " + " ".join(part for part in parts if part)
        return self._result(False, message, quick=quick)
