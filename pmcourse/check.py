"""The feedback engine: instant, friendly checks of a learner's answers.

A check takes the learner's answer (a value, or a function they wrote) and
returns a :class:`CheckResult`. In a notebook the result shows a green ✅ or a
red ❌ with a plain-language message and a hint; elsewhere it prints as plain
text. Functions are run on fresh inputs, so a check tests what the function
does, not one number. A check never shows the expected answer and never lets
the learner's mistake end in a wall of traceback.

The same engine serves the graded exercises: a hidden nbgrader test calls
:meth:`CheckResult.assert_passed`, which raises ``AssertionError`` with the
plain message when the answer is wrong.

A :class:`FunctionCheck` bundles what a function exercise needs (reference,
public examples, hints, known slips, the library functions switched off while
the learner's function runs, see :func:`forbid`); it also gives the learner's
results as plain data and judges them outside the learner's kernel.
Interpretation questions (a clinical choice, an estimate, a set of patients)
are in :mod:`pmcourse.interpretation`; each course module's checks, with their
own inputs and hints, in :mod:`pmcourse.checks`.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import html
import inspect
import io
import math
import numbers
import sys
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import grading_kernel
from pmcourse.switch_off import forbid

__all__ = [
    "CheckResult",
    "FunctionCheck",
    "Outcome",
    "RecordMismatch",
    "check_function",
    "check_value",
    "compare",
    "forbid",
    "replay",
    "run_cases",
    "to_plain",
]

# Bound at import: a submission that replaces the names ``forbid`` or
# ``record`` in this module or in pmcourse.switch_off changes nothing here.
_FORBID = forbid
_RECORD = grading_kernel.record
_RECORDING = grading_kernel.recording

_MORE_TESTS = "This was a quick check; the graded version runs more tests."
_COUNT_HINT = (
    "Count the rows of a table with len(table), or add up the True values of a "
    "column with column.sum()."
)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, shown as ✅ or ❌ with a message and a hint.

    Attributes
    ----------
    name : str
        What was checked, such as ``"allele_frequency"``.
    passed : bool
        Whether the answer is right.
    message : str
        Plain-language feedback; never contains the expected answer.
    hint : str
        A nudge toward the next step, shown when the check fails.
    quick : bool
        True for the quick checks in learner notebooks, which remind the
        learner that the graded version runs more tests.

    Examples
    --------
    >>> result = CheckResult("p", False, "Not quite.", hint="Count alleles, not patients.")
    >>> bool(result)
    False
    >>> print(result)
    ❌ p: Not quite.
    Hint: Count alleles, not patients.
    This was a quick check; the graded version runs more tests.
    """

    name: str
    passed: bool
    message: str
    hint: str = ""
    quick: bool = True

    def __bool__(self) -> bool:
        return self.passed

    def _lines(self) -> list[str]:
        lines = [f"{'✅' if self.passed else '❌'} {self.name}: {self.message}"]
        if self.hint and not self.passed:
            lines.append(f"Hint: {self.hint}")
        if self.quick:
            lines.append(_MORE_TESTS)
        return lines

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour, background, mark = (
            ("#1b5e20", "#e8f5e9", "✅") if self.passed else ("#8e2400", "#fff3e0", "❌")
        )
        parts = [
            f'<div role="status" class="pmcourse-check" style="border-left: 6px solid {colour};'
            f" background: {background}; color: #1a1a1a; padding: 0.5em 0.8em;"
            ' margin: 0.3em 0; border-radius: 4px;">',
            f"<strong>{mark} {html.escape(self.name)}</strong>: {html.escape(self.message)}",
        ]
        if self.hint and not self.passed:
            parts.append(f"<details><summary>Hint</summary>{html.escape(self.hint)}</details>")
        if self.quick:
            parts.append(f'<div style="font-size: 0.85em; color: #444;">{_MORE_TESTS}</div>')
        parts.append("</div>")
        return "".join(parts)

    def assert_passed(self) -> None:
        """Raise ``AssertionError`` with the plain message if the check failed.

        Used by graded (nbgrader) tests.
        """
        if not self.passed:
            raise AssertionError(str(self))


# --------------------------------------------------------------------------
# Comparing one answer with the expected value
# --------------------------------------------------------------------------


def _describe(value: Any) -> str:
    """A short, plain name for the kind of value a learner gave."""
    if value is None:
        return "nothing (None)"
    if value is Ellipsis:
        return "the placeholder ..."
    if isinstance(value, bool | np.bool_):
        return f"True/False ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f'text ("{shown}")'
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, pd.DataFrame):
        return f"a table with {value.shape[0]} rows and {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"a column of {len(value)} values"
    if isinstance(value, np.ndarray):
        return f"an array of {value.size} values"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} values"
    if callable(value):
        return "a function"
    return f"a {type(value).__name__}"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _compare_number(answer: Any, expected: float, tolerance: float) -> str | None:
    if isinstance(answer, np.ndarray | pd.Series) and np.size(answer) == 1:
        answer = np.asarray(answer).item()
    if not _is_number(answer):
        if isinstance(answer, str):
            return (
                f"Your answer is {_describe(answer)}, not a number. "
                "Remove the quotation marks so Python sees a number."
            )
        return f"A single number is expected, but your answer is {_describe(answer)}."
    if math.isnan(answer):
        return (
            "Your answer is NaN ('not a number'). This usually comes from "
            "dividing 0 by 0 or from missing values in the data."
        )
    if math.isinf(answer):
        return "Your answer is infinite. Did you divide by zero?"
    if math.isclose(answer, expected, rel_tol=tolerance, abs_tol=tolerance):
        return None
    return "Your number is not the one expected."


def _compare_sequence(answer: Any, expected: Sequence, tolerance: float) -> str | None:
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return (
            f"A list of {len(expected)} values is expected, "
            f"but your answer is {_describe(answer)}."
        )
    answer = list(answer)
    if len(answer) != len(expected):
        return f"Your answer has {len(answer)} values; {len(expected)} are expected."
    wrong = [
        position + 1
        for position, (mine, theirs) in enumerate(zip(answer, expected, strict=True))
        if compare(mine, theirs, tolerance=tolerance) is not None
    ]
    if wrong:
        which = ", ".join(_ordinal(k) for k in wrong)
        return f"The {which} value{'s are' if len(wrong) > 1 else ' is'} not right yet."
    return None


def _compare_series(answer: Any, expected: pd.Series, tolerance: float) -> str | None:
    if isinstance(answer, pd.DataFrame):
        return (
            "A single column is expected, but your answer is a whole table. "
            "Select one column with table['column name']."
        )
    if not isinstance(answer, pd.Series | np.ndarray | list):
        return (
            f"A column of {len(expected)} values is expected, "
            f"but your answer is {_describe(answer)}."
        )
    values = np.asarray(answer)
    if values.shape != (len(expected),):
        return f"Your answer has {values.size} values; {len(expected)} are expected (one per row)."
    if pd.api.types.is_bool_dtype(expected.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return "Each value should be True or False."
    if pd.api.types.is_numeric_dtype(expected.dtype) and not pd.api.types.is_bool_dtype(
        expected.dtype
    ):
        try:
            close = np.isclose(
                values.astype(float),
                expected.to_numpy(dtype=float),
                rtol=tolerance,
                atol=tolerance,
                equal_nan=True,
            )
        except (TypeError, ValueError):
            return "Each value should be a number."
    else:
        close = values == expected.to_numpy()
    n_wrong = int(np.size(close) - np.sum(close))
    if n_wrong:
        return f"{n_wrong} of {len(expected)} values are not right yet."
    return None


def _compare_text(answer: Any, expected: str) -> str | None:
    if not isinstance(answer, str):
        return f"Text is expected (in quotation marks), but your answer is {_describe(answer)}."
    if answer == expected:
        return None
    if " ".join(answer.split()).casefold() == " ".join(expected.split()).casefold():
        return "Nearly: check capital letters and spaces; the exact wording matters here."
    return "Your text is not the one expected."


def compare(answer: Any, expected: Any, *, tolerance: float = 1e-6) -> str | None:
    """Compare an answer with the expected value; describe the problem, if any.

    Parameters
    ----------
    answer : object
        What the learner gave.
    expected : object
        The right answer: a number, text, True/False, a list or tuple, or a
        pandas Series.
    tolerance : float, default 1e-6
        Relative and absolute tolerance for numbers.

    Returns
    -------
    str or None
        ``None`` when the answer is right, otherwise a plain sentence saying
        what is wrong without giving the expected value away.

    Examples
    --------
    >>> compare(0.25, 0.25) is None
    True
    >>> print(compare("0.25", 0.25))
    Your answer is text ("0.25"), not a number.
    Remove the quotation marks so Python sees a number.
    >>> compare((36, 48, 15), (36, 48, 16))
    'The 3rd value is not right yet.'
    """
    if answer is Ellipsis or (
        isinstance(answer, list | tuple) and any(item is Ellipsis for item in answer)
    ):
        return "You have not answered yet: replace the ... with your answer."
    if answer is None:
        return "Your answer is empty (None). If this is a function, did you forget `return`?"
    if isinstance(expected, bool | np.bool_):
        if not isinstance(answer, bool | np.bool_):
            return f"True or False is expected, but your answer is {_describe(answer)}."
        return None if bool(answer) == bool(expected) else "Not quite: think it through once more."
    if _is_number(expected):
        return _compare_number(answer, float(expected), tolerance)
    if isinstance(expected, str):
        return _compare_text(answer, expected)
    if isinstance(expected, pd.Series):
        return _compare_series(answer, expected, tolerance)
    if isinstance(expected, list | tuple):
        return _compare_sequence(answer, expected, tolerance)
    raise TypeError(f"compare() cannot compare with {type(expected).__name__} yet.")


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


# --------------------------------------------------------------------------
# The two kinds of check
# --------------------------------------------------------------------------


def check_value(
    answer: Any,
    expected: Any,
    *,
    name: str,
    hint: str = "",
    tolerance: float = 1e-6,
    quick: bool = True,
    common_mistakes: Sequence[tuple[Any, str]] = (),
) -> CheckResult:
    """Check a value the learner computed.

    Parameters
    ----------
    answer : object
        The learner's value.
    expected : object
        The right value (never shown to the learner).
    name : str
        What is being checked, as the learner knows it (a variable name).
    hint : str, optional
        Shown when the answer is wrong.
    tolerance : float, default 1e-6
        Relative and absolute tolerance for numbers.
    quick : bool, default True
        Whether to remind the learner that the graded version tests more.
    common_mistakes : sequence of (value, hint) pairs, optional
        Results of known slips; an answer equal to one gets that slip's hint
        instead of `hint`. A slip that gives the right answer on these data
        never shows: a right answer passes first.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> print(check_value(0.6, 0.6, name="p"))
    ✅ p: Well done, that is right.
    This was a quick check; the graded version runs more tests.
    >>> print(check_value(float("nan"), 0.6, name="p", quick=False))
    ❌ p: Your answer is NaN ('not a number'). This usually comes from
    dividing 0 by 0 or from missing values in the data.
    """
    problem = compare(answer, expected, tolerance=tolerance)
    if problem is None:
        return CheckResult(name, True, "Well done, that is right.", quick=quick)
    if _is_number(expected) and isinstance(answer, pd.DataFrame | pd.Series):
        hint = _COUNT_HINT  # a table or column where one number belongs
    hint = _mistake_hint(answer, common_mistakes, tolerance) or hint
    return CheckResult(name, False, problem, hint=hint, quick=quick)


def _mistake_hint(
    answer: Any, common_mistakes: Iterable[tuple[Any, str]], tolerance: float
) -> str | None:
    """The hint of the first known slip whose result equals the answer, if any."""
    for mistaken_result, hint in common_mistakes:
        if compare(answer, mistaken_result, tolerance=tolerance) is None:
            return hint
    return None


def _explain_error(kind: str, detail: str) -> str:
    """A plain-language account of an error raised inside the learner's code."""
    advice = {
        "ZeroDivisionError": "Something was divided by zero: check what you divide by.",
        "NameError": "A name is not defined: check the spelling, and run the cells above first.",
        "TypeError": "A value has the wrong type, such as text where a number belongs.",
        "KeyError": "A column or key was not found: check its exact spelling.",
        "IndexError": "A position is outside the list or table.",
        "AttributeError": "A name after a dot does not exist: check its spelling.",
        "ValueError": "A value is not acceptable to the function it was given to.",
    }.get(kind, "")
    message = f"{kind}: {detail.rstrip('.')}" if detail else kind
    return f"{message}. {advice}".strip()


def _call_quietly(function: Callable, args: tuple) -> Any:
    """Call a function on a deep copy of its inputs, hiding its warnings and stderr.

    nbgrader scores a test cell that writes to stderr as failed, so a correct
    answer that triggers, say, a pandas warning must not leak one. The copy
    keeps the learner's function from changing the inputs of the next call.
    """
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        return function(*copy.deepcopy(args))


# --------------------------------------------------------------------------
# Running the learner's function: outcomes, also as plain (JSON) values
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one call of the learner's function gave: a value, or an error.

    Attributes
    ----------
    value : object
        The returned value (when there was no error).
    error : str or None
        The name of the exception raised, such as ``"ZeroDivisionError"``.
    detail : str
        The first line of the exception's message.
    """

    value: Any = None
    error: str | None = None
    detail: str = ""

    def to_plain(self) -> dict:
        """The outcome as JSON-ready data: ``{"value": ...}``, ``{"error": ..., "detail": ...}``
        or ``{"placeholder": "..."}`` (the function returned the ``...`` of its skeleton).

        Examples
        --------
        >>> Outcome(value=(0.5, 1)).to_plain()
        {'value': [0.5, 1]}
        """
        if self.error is not None:
            return {"error": self.error, "detail": self.detail}
        if self.value is Ellipsis:
            return {"placeholder": "..."}  # the learner has not answered yet
        return {"value": to_plain(self.value)}

    @classmethod
    def from_plain(cls, record: Any) -> Outcome:
        """Read an outcome back from :meth:`to_plain`'s data; reject anything else."""
        keys = set(record) if isinstance(record, dict) else None
        if keys not in ({"value"}, {"placeholder"}, {"error", "detail"}):
            raise ValueError(f"Not an outcome record: {record!r}.")
        if "placeholder" in keys:
            return cls(value=Ellipsis)
        if "error" in keys:
            if not isinstance(record["error"], str) or not isinstance(record["detail"], str):
                raise ValueError(f"Not an outcome record (an error has two texts): {record!r}.")
            return cls(error=record["error"], detail=record["detail"])
        return cls(value=record["value"])


def to_plain(value: Any) -> Any:
    """A value as plain JSON data: numbers, text, True/False, None, lists and dicts.

    Tables become a dict of columns, columns and arrays become lists, so two
    kernels (or a kernel and the grader) can compare results without pickles.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> to_plain((np.int64(3), np.float64(0.5), "x"))
    [3, 0.5, 'x']
    >>> to_plain(pd.Series([True, False]))
    [True, False]
    """
    if value is None or isinstance(value, bool):
        return value
    # The base types' own methods: a subclass cannot redefine what its value is.
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.generic | np.ndarray):
        return to_plain(np.asarray(value).tolist())
    if isinstance(value, pd.DataFrame):
        return {
            str(to_plain(column)): to_plain(column_values)
            for column, column_values in pd.DataFrame.items(value)
        }
    if isinstance(value, pd.Series):
        return to_plain(pd.Series.to_numpy(value))
    if isinstance(value, list | tuple):
        return [
            to_plain(item)
            for item in (list.__iter__ if isinstance(value, list) else tuple.__iter__)(value)
        ]
    if isinstance(value, set | frozenset):
        items = (set.__iter__ if isinstance(value, set) else frozenset.__iter__)(value)
        return sorted((to_plain(item) for item in items), key=str)
    if isinstance(value, dict):
        return {str(to_plain(key)): to_plain(item) for key, item in dict.items(value)}
    return f"<{_describe(value)}>"  # anything else, such as an object equal to everything


def run_cases(
    function: Callable,
    cases: Sequence[tuple],
    *,
    forbidden: Sequence[tuple] = (),
    plain: bool = False,
) -> list[Outcome]:
    """Call the learner's function on each case, stopping at the first error or empty answer.

    Parameters
    ----------
    function : callable
        The learner's function.
    cases : sequence of tuple
        Positional arguments of each call (deep-copied for each call).
    forbidden : sequence of (module, name, ...) tuples, optional
        Library functions switched off (see :func:`forbid`) while the
        learner's function runs, so the learner applies the rule themselves.
    plain : bool, default False
        Whether to turn each result into plain data (:func:`to_plain`) at
        once, while the library functions are still switched off.

    Returns
    -------
    list of Outcome
        One per case run; shorter than `cases` when a call failed.

    Examples
    --------
    >>> [o.to_plain() for o in run_cases(lambda x: 1 / x, [(2,), (0,), (4,)])]
    [{'value': 0.5}, {'error': 'ZeroDivisionError', 'detail': 'division by zero'}]
    """
    outcomes = []
    with contextlib.ExitStack() as stack:
        for module, *names in forbidden:
            stack.enter_context(_FORBID(module, *names))
        for args in cases:
            try:
                value = _call_quietly(function, args)
            except Exception as error:  # the learner's code may raise anything
                detail = str(error).splitlines()[0] if str(error) else ""
                outcomes.append(Outcome(error=type(error).__name__, detail=detail))
                break
            if value is None or value is Ellipsis:
                outcomes.append(Outcome(value=value))
                break
            outcomes.append(Outcome(value=to_plain(value) if plain else value))
    return outcomes


# --------------------------------------------------------------------------
# Judging recorded answers outside the learner's kernel
# --------------------------------------------------------------------------


class RecordMismatch(ValueError):
    """The checks a test cell runs do not match the checks recorded for it."""


_REPLAY: contextvars.ContextVar[list[dict] | None] = contextvars.ContextVar(
    "pmcourse_replay", default=None
)


@contextlib.contextmanager
def replay(records: Sequence[dict]) -> Iterator[list[dict]]:
    """Judge recorded answers: inside this block each check uses the next record.

    A grading kernel records every check a test cell runs (see
    :mod:`pmcourse.grading_kernel`). Running the same test cell again inside
    this block, in a trusted process, checks the recorded answers and
    results instead of the arguments given: a function check judges the
    recorded results on the cases the test cell computes here
    (:meth:`FunctionCheck.judge`), a question checks the recorded answer.

    Parameters
    ----------
    records : sequence of dict
        The records of one run of the test cell, already validated
        (:func:`pmcourse.verdict.read_records`).

    Yields
    ------
    list of dict
        The records not used yet; empty at the end when every record was used.

    Raises
    ------
    RecordMismatch
        When a check runs that is not the next record's (another name or
        kind), or when no record is left.

    Examples
    --------
    >>> half = FunctionCheck("half", lambda x: x / 2, examples=lambda: [(1,), (4,)])
    >>> recorded = [{"check": "half", "kind": "function",
    ...              "results": [{"value": 0.5}, {"value": 3}]}]
    >>> with replay(recorded) as left:
    ...     print(half(None, quick=False).message)
    On test input 2, half(4), the result is not right. Your number is not the one expected.
    >>> left
    []
    """
    remaining = list(records)
    token = _REPLAY.set(remaining)
    try:
        yield remaining
    finally:
        _REPLAY.reset(token)


def _replayed(name: str, kind: str) -> dict | None:
    """While :func:`replay` runs: the next record, which must be this check's; else None."""
    remaining = _REPLAY.get()
    if remaining is None:
        return None
    if not remaining:
        raise RecordMismatch(
            f"The test runs the check {name!r}, but the notebook recorded no more checks "
            "for this test cell."
        )
    record = remaining.pop(0)
    if (record["check"], record["kind"]) != (name, kind):
        raise RecordMismatch(
            f"The test runs the check {name!r} ({kind}), but the notebook recorded "
            f"{record['check']!r} ({record['kind']}) here."
        )
    return record


def _answer_to_check(name: str, kind: str, answer: Any) -> Any:
    """The answer a question checks: the recorded one while :func:`replay` runs;
    otherwise `answer`, recorded as plain data in a grading kernel."""
    replayed = _replayed(name, kind)
    if replayed is not None:
        return replayed["answer"]
    if _RECORDING():
        _RECORD({"check": name, "kind": kind, "answer": to_plain(answer)})
    return answer


# --------------------------------------------------------------------------
# Checking a function the learner wrote
# --------------------------------------------------------------------------


_NOT_A_FUNCTION = "NotAFunction"  # the error of a plain result whose answer was no function


def _not_a_function(description: str, name: str, quick: bool) -> CheckResult:
    """A ❌ for an answer that is not a function, from its description (:func:`_describe`)."""
    message = (
        "You have not answered yet: replace the ... with your function."
        if description == _describe(Ellipsis)
        else f"A function is expected, but {name} is {description}."
    )
    return CheckResult(
        name,
        False,
        message,
        hint=f"Define it with `def {name}(...):` and run that cell, then this one.",
        quick=quick,
    )


def check_function(
    function: Any,
    reference: Callable,
    cases: Iterable[tuple],
    *,
    name: str,
    hint: str = "",
    tolerance: float = 1e-6,
    quick: bool = True,
    show_inputs: bool = True,
    common_mistakes: Sequence[tuple[Callable, str]] = (),
    forbidden: Sequence[tuple] = (),
) -> CheckResult:
    """Check a function the learner wrote by running it on test inputs.

    Parameters
    ----------
    function : callable
        The learner's function.
    reference : callable
        A correct function; its results are the expected values. They are
        all computed before the learner's function runs.
    cases : iterable of tuple
        Positional arguments for each test call. Each is deep-copied, so the
        learner's function cannot change the inputs of the next call.
    name : str
        The function's name, as the learner knows it.
    hint : str, optional
        Shown when a result is wrong.
    tolerance : float, default 1e-6
        Relative and absolute tolerance for numbers.
    quick : bool, default True
        Whether to remind the learner that the graded version tests more.
    show_inputs : bool, default True
        Whether a failure message shows the input that failed. Inputs are
        safe to show; expected results are never shown.
    common_mistakes : sequence of (function, hint) pairs, optional
        Known wrong formulas. When the learner's result on a failing input
        equals one of them, the learner gets that formula's hint instead of
        `hint`.
    forbidden : sequence of (module, name, ...) tuples, optional
        Library functions switched off while the learner's function runs.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> def half(x):
    ...     return x / 2
    >>> print(check_function(half, lambda x: x / 2, [(1,), (4,)], name="half", quick=False))
    ✅ half: Well done: your function gave the right result for all 2 test inputs.
    >>> def broken(x):
    ...     return x / 0
    >>> print(check_function(broken, lambda x: x / 2, [(1,)], name="half", quick=False))
    ❌ half: Your function stopped with an error on test input 1, half(1):
    ZeroDivisionError: division by zero. Something was divided by zero:
    check what you divide by.
    """
    cases = [tuple(case) for case in cases]
    return FunctionCheck(
        name,
        reference,
        examples=lambda: cases,
        hint=hint,
        tolerance=tolerance,
        common_mistakes=common_mistakes,
        show_inputs=show_inputs,
        forbidden=forbidden,
    )(function, quick=quick)


@dataclass(frozen=True)
class FunctionCheck:
    """A function the learner writes: its reference, public examples and hints.

    The single source of a function exercise's tests. The learner notebook's
    instant check and the graded exercise's quick check call it on the
    public examples; a hidden test passes its own secret cases, so they stay
    out of the student version. For grading outside the learner's kernel,
    :meth:`results` gives the learner's results as plain data and
    :meth:`judge` turns them into the same verdict.

    Attributes
    ----------
    name : str
        The function's name, as the learner knows it.
    reference : callable
        A correct function.
    examples : callable
        Returns the public cases: the examples the notebook shows.
    hint, tolerance, common_mistakes, show_inputs, forbidden
        As for :func:`check_function`.

    Examples
    --------
    >>> half = FunctionCheck("half", lambda x: x / 2, examples=lambda: [(1,), (4,)])
    >>> half(lambda x: x / 2, quick=False).passed
    True
    >>> records = half.results(lambda x: x // 2, cases=[(3,)])
    >>> records
    [{'value': 1}]
    >>> print(half.judge(records, cases=[(3,)]).message)
    On test input 1, half(3), the result is not right. Your number is not the one expected.
    """

    name: str
    reference: Callable
    examples: Callable[[], Sequence[tuple]]
    hint: str = ""
    tolerance: float = 1e-6
    common_mistakes: Sequence[tuple[Callable, str]] = ()
    show_inputs: bool = True
    forbidden: Sequence[tuple] = ()

    def cases(self, cases: Iterable[tuple] | None = None) -> list[tuple]:
        """The given cases, or the public examples when none are given."""
        return [tuple(case) for case in (self.examples() if cases is None else cases)]

    def __call__(
        self, function: Any, *, cases: Iterable[tuple] | None = None, quick: bool = True
    ) -> CheckResult:
        """Check the learner's function on `cases` (default: the public examples).

        All expected results are computed before the learner's function runs.
        In a grading kernel the results are recorded as plain data and
        judged as plain data (see :mod:`pmcourse.verdict`); while
        :func:`replay` runs, the recorded results are judged instead.
        """
        replayed = _replayed(self.name, "function")
        if replayed is not None:
            return self.judge(replayed["results"], cases=cases, quick=quick)
        recording = _RECORDING()
        if recording or not callable(function):
            results = self.results(function, cases=cases)
            if recording:
                _RECORD({"check": self.name, "kind": "function", "results": results})
            return self.judge(results, cases=cases, quick=quick)
        cases = self.cases(cases)
        expected = [_call_quietly(self.reference, args) for args in cases]
        outcomes = run_cases(function, cases, forbidden=self._switched_off())
        return self._verdict(outcomes, expected, cases, quick=quick)

    def _switched_off(self) -> list[tuple]:
        """The library functions switched off, and the reference itself when it is
        a function of its module (so the learner's function cannot call it)."""
        reference = self.reference
        module = sys.modules.get(getattr(reference, "__module__", None) or "")
        name = getattr(reference, "__name__", "")
        if getattr(module, name, None) is reference and isinstance(
            inspect.unwrap(reference), types.FunctionType
        ):
            return [*self.forbidden, (module, name)]
        return list(self.forbidden)

    def results(self, function: Any, *, cases: Iterable[tuple] | None = None) -> list[dict]:
        """The learner's results on `cases`, as plain data ready for JSON."""
        if not callable(function):
            return [{"error": _NOT_A_FUNCTION, "detail": _describe(function)}]
        outcomes = run_cases(
            function, self.cases(cases), forbidden=self._switched_off(), plain=True
        )
        return [outcome.to_plain() for outcome in outcomes]

    def judge(
        self, results: Sequence[dict], *, cases: Iterable[tuple] | None = None, quick: bool = False
    ) -> CheckResult:
        """The verdict on plain results from :meth:`results`, given the same cases.

        The expected values and known slips are made plain too before they are
        compared, as the results come back from another kernel.
        """
        cases = self.cases(cases)
        outcomes = [Outcome.from_plain(record) for record in results]
        if outcomes and outcomes[0].error == _NOT_A_FUNCTION:
            return _not_a_function(outcomes[0].detail, self.name, quick)
        expected = [to_plain(_call_quietly(self.reference, args)) for args in cases]
        return self._verdict(outcomes, expected, cases, quick=quick, plain=True)

    def _verdict(
        self,
        outcomes: Sequence[Outcome],
        expected: Sequence[Any],
        cases: Sequence[tuple],
        *,
        quick: bool,
        plain: bool = False,
    ) -> CheckResult:
        """Compare the outcomes case by case; the first problem decides."""
        name, hint = self.name, self.hint
        for number, (args, outcome) in enumerate(zip(cases, outcomes, strict=False), start=1):
            shown = (
                f", {name}({', '.join(_short_repr(a) for a in args)})" if self.show_inputs else ""
            )
            problem = _outcome_problem(outcome, number, shown, quick, name, hint)
            if problem is not None:
                return problem
            difference = compare(outcome.value, expected[number - 1], tolerance=self.tolerance)
            if difference is not None:
                mistakes = _mistaken_results(self.common_mistakes, args)
                if plain:
                    mistakes = [(to_plain(value), text) for value, text in mistakes]
                return CheckResult(
                    name,
                    False,
                    f"On test input {number}{shown}, the result is not right. {difference}",
                    hint=_mistake_hint(outcome.value, mistakes, self.tolerance) or hint,
                    quick=quick,
                )
        if len(outcomes) < len(cases):
            raise ValueError(f"{len(cases)} test inputs but only {len(outcomes)} results.")
        return CheckResult(
            name,
            True,
            "Well done: your function gave the right result for "
            + ("the test input." if len(cases) == 1 else f"all {len(cases)} test inputs."),
            quick=quick,
        )


def _outcome_problem(
    outcome: Outcome, number: int, shown: str, quick: bool, name: str, hint: str
) -> CheckResult | None:
    """A ❌ for an outcome that is an error or no answer at all; None otherwise."""
    if outcome.error == "NotImplementedError":
        return CheckResult(
            name,
            False,
            "You have not written this function yet.",
            hint="Replace the line `raise NotImplementedError()` with your own code.",
            quick=quick,
        )
    if outcome.error is not None:
        return CheckResult(
            name,
            False,
            f"Your function stopped with an error on test input {number}{shown}: "
            f"{_explain_error(outcome.error, outcome.detail)}",
            hint=hint,
            quick=quick,
        )
    if outcome.value is Ellipsis or outcome.value is None:
        return CheckResult(
            name,
            False,
            "Your function does not give an answer yet."
            if outcome.value is Ellipsis
            else "Your function gives back nothing (None).",
            hint="Write your calculation after `return`, in place of the ...: "
            "a function hands back what follows `return`.",
            quick=quick,
        )
    return None


def _mistaken_results(common_mistakes: Iterable[tuple[Callable, str]], args: tuple) -> list:
    """What each known wrong formula gives for these inputs (skipping those that fail)."""
    results = []
    for wrong_formula, hint in common_mistakes:
        try:
            results.append((_call_quietly(wrong_formula, args), hint))
        except Exception:  # a wrong formula may divide by zero on some inputs
            continue
    return results


def _short_repr(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        return f"<table of {len(value)} rows>"
    if isinstance(value, pd.Series):
        return f"<column of {len(value)} values>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
