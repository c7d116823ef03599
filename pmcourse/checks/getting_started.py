"""Instant checks for module 0 (getting started).

Each check takes the learner's answer (a value, or a small function they
wrote) and returns a :class:`pmcourse.check.CheckResult` (✅ or ❌ with a plain
message and a hint). Expected values are computed from the course data or from
the inputs shown in the notebook, and are never shown.

They practise the pieces of Python the graded exercises need: counting True
values with ``.sum()`` (:func:`patients_in_region`), and, as function checks
(:class:`pmcourse.check.FunctionCheck`), ``def``, ``return`` and ``**``
(:data:`bmi`), one ``if`` (:data:`age_group`) and a ``for`` loop that appends to
a list (:data:`age_groups`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from pmcourse import datasets
from pmcourse.check import CheckResult, FunctionCheck, check_value

__all__ = [
    "OLDER",
    "YOUNGER",
    "age_group",
    "age_groups",
    "bmi",
    "patients_in_region",
]

#: The two labels of :data:`age_group`, spelled as the notebook asks for them.
OLDER, YOUNGER = "65 or older", "under 65"
#: BMIs are compared to 3 decimals: nobody rounds them in these exercises.
_BMI_TOLERANCE = 1e-3


def _count_check(
    answer: Any, expected: int, *, name: str, hint: str, common_mistakes: Sequence[tuple]
) -> CheckResult:
    """Check a count of patients; a table or True/False column of the right patients
    is told how to count them."""
    if isinstance(answer, pd.DataFrame) and len(answer) == expected:
        return CheckResult(
            name,
            False,
            "Your table holds the right patients. Now count them: put len( ) around it.",
            hint="len(table) gives the number of rows of a table.",
        )
    if (
        isinstance(answer, pd.Series)
        and pd.api.types.is_bool_dtype(answer.dtype)
        and int(answer.sum()) == expected
    ):
        return CheckResult(
            name,
            False,
            "Your column of True/False values is right. Now count the True values: "
            "add .sum() at the end.",
            hint="column.sum() adds up a True/False column: each True counts as 1.",
        )
    return check_value(
        answer, expected, name=name, hint=hint, tolerance=0, common_mistakes=common_mistakes
    )


def patients_in_region(answer: Any, *, region: str = "North Denmark") -> CheckResult:
    """Check the number of cohort patients living in one Danish region.

    Parameters
    ----------
    answer : object
        The learner's count, such as ``(cohort["region"] == "North Denmark").sum()``.
    region : str, default "North Denmark"
        The region asked about.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import datasets
    >>> cohort = datasets.load("cohort")
    >>> patients_in_region((cohort["region"] == "North Denmark").sum()).passed
    True
    >>> print(patients_in_region(...).message)
    You have not answered yet: replace the ... with your answer.
    """
    regions = datasets.load("cohort")["region"].astype(str)
    if region not in set(regions):
        raise ValueError(f"Unknown region {region!r}; known: {', '.join(sorted(set(regions)))}.")
    expected = int((regions == region).sum())
    slips = [
        (
            len(regions),
            "That is every patient in the cohort: count only the True values of the "
            "comparison with the region asked for.",
        ),
        (
            len(regions) - expected,
            "That looks like the patients living everywhere else. "
            "Use == (is equal to), not != (is not equal to).",
        ),
    ]
    hint = (
        'Compare the column cohort["region"] with the region (spelling and capital letters '
        "must match the data exactly), put brackets around the comparison, and add .sum() "
        "to count the True values."
    )
    return _count_check(answer, expected, name="n_north", hint=hint, common_mistakes=slips)


# --------------------------------------------------------------------------
# def, return and ** for powers: the body-mass index
# --------------------------------------------------------------------------


def _bmi(weight_kg: float, height_cm: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


#: Typical slips in the BMI formula, each with a hint that names the slip.
_BMI_SLIPS: list[tuple[Callable[[float, float], float], str]] = [
    (
        lambda weight_kg, height_cm: weight_kg / height_cm**2,
        "The height is in centimetres: turn it into metres (divide by 100) before you square it.",
    ),
    (
        lambda weight_kg, height_cm: weight_kg / height_cm / 100**2,
        "Python works out ** before / : put round brackets around the height in metres, "
        "so that the whole of it is squared.",
    ),
    (
        lambda weight_kg, height_cm: weight_kg / (height_cm / 100),
        "Nearly: the height in metres has to be squared. Add ** 2 after it.",
    ),
    (
        lambda weight_kg, height_cm: weight_kg / (height_cm / 100) * 2,
        "* 2 doubles a number; ** 2 (two stars) squares it.",
    ),
    (
        lambda weight_kg, height_cm: (height_cm / 100) ** 2 / weight_kg,
        "Upside down: the weight goes first, divided by the squared height.",
    ),
]


def _bmi_examples() -> list[tuple[float, float]]:
    """Weight and height of PM-000030 and two other cohort patients."""
    cohort = datasets.load("cohort").set_index("patient_id")
    rows = cohort.loc[["PM-000030", "PM-000001", "PM-000002"], ["weight_kg", "height_cm"]]
    return [(float(weight), float(height)) for weight, height in rows.itertuples(index=False)]


#: ``bmi(weight_kg, height_cm)``, which returns the body-mass index in kg/m²;
#: checked on three cohort patients.
bmi = FunctionCheck(
    "bmi",
    _bmi,
    examples=_bmi_examples,
    hint="Turn the height into metres, square it with ** 2, divide the weight by it, "
    "and write the calculation after return.",
    tolerance=_BMI_TOLERANCE,
    common_mistakes=_BMI_SLIPS,
)


# --------------------------------------------------------------------------
# One if, and a for loop that appends to a list
# --------------------------------------------------------------------------


def _age_group(age_years: int) -> str:
    return OLDER if age_years >= 65 else YOUNGER


#: ``age_group(age_years)``, which returns "65 or older" or "under 65".
age_group = FunctionCheck(
    "age_group",
    _age_group,
    examples=lambda: [(80,), (65,), (64,), (30,)],
    hint=f'Return the text "{OLDER}" for an age of 65 or more and "{YOUNGER}" for a '
    "younger patient, spelled exactly so.",
    common_mistakes=[
        (
            lambda age_years: OLDER,
            f'Your function says "{OLDER}" for every age. Replace the ... after if with a '
            "condition on age_years, like the condition in blood_pressure_flag.",
        ),
        (
            lambda age_years: OLDER if age_years > 65 else YOUNGER,
            f'A patient of exactly 65 is "{OLDER}": use >= (is at least), not > (is more than).',
        ),
        (
            lambda age_years: YOUNGER if age_years >= 65 else OLDER,
            "Your two answers are the wrong way round: check which one follows the if.",
        ),
    ],
)


def _cohort_ages(n_patients: int) -> list[int]:
    return [int(age) for age in datasets.load("cohort")["age_years"].head(n_patients)]


def _age_groups(ages: list[int]) -> list[str]:
    return [_age_group(age) for age in ages]


#: ``age_groups(ages)``, which returns the list of ``age_group`` of each age;
#: checked on the first six cohort patients and on 64, 65 and 66.
age_groups = FunctionCheck(
    "age_groups",
    _age_groups,
    examples=lambda: [(_cohort_ages(6),), ([64, 65, 66],)],
    hint="Inside the loop, add the age group of each age to groups: your function "
    "age_group gives it. If the check of age_group above shows ❌, put that right first.",
    common_mistakes=[
        (
            lambda ages: [],
            "Your list stays empty: inside the loop, add each patient's group with "
            "groups.append(...).",
        ),
        (
            lambda ages: _age_groups(ages[:1]),
            "Your list stops after the first patient: return groups must come after the "
            "loop, lined up with for, not indented inside it.",
        ),
        (
            lambda ages: list(ages),
            "Your list holds the ages themselves: append the age group of each age "
            "instead (your function from the previous your turn gives it).",
        ),
    ],
)
