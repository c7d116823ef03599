"""Checks for module 7 (Beyond the genome: health data, data protection and the patient journey): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of the
module. Value checks take a number the learner worked out in the module
notebook; function checks take a function the learner wrote in the graded
exercise and run it on the public examples, or on the secret cases a hidden
test passes in; interpretation questions take a clinical choice.
TODO(author): replace the examples with the module's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from pmcourse import datasets
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = ["age_cases", "data_use", "n_patients_aged", "patients_aged"]


def _cohort() -> pd.DataFrame:
    return datasets.load("cohort")


def n_patients_aged(answer: Any, *, age: int = 80) -> CheckResult:
    """Check the number of cohort patients aged `age` or older (the module notebook).

    Examples
    --------
    >>> cohort = _cohort()
    >>> n_patients_aged(len(cohort[cohort["age_years"] >= 80])).passed
    True
    >>> n_patients_aged(len(cohort[cohort["age_years"] > 80])).passed
    False
    """
    cohort = _cohort()
    expected = len(cohort[cohort["age_years"] >= age])
    slips = [
        (len(cohort), "That is every patient. Keep only the rows that match, then count."),
        (
            len(cohort[cohort["age_years"] > age]),
            "Patients of exactly that age count too: use >= (at least), not >.",
        ),
    ]
    hint = 'Keep the rows with cohort[cohort["age_years"] >= ...], then count them with len( ).'
    return check_value(
        answer,
        expected,
        name=f"n_{age}_or_older",
        hint=hint,
        tolerance=0,
        common_mistakes=[(v, h) for v, h in slips if v != expected],
    )


def age_cases(settings: Iterable[tuple[int, int]]) -> list[tuple[pd.DataFrame, int]]:
    """Test inputs (patients, age): every `step`-th cohort patient, for each (age, step).

    Examples
    --------
    >>> [(len(patients), age) for patients, age in age_cases([(70, 10)])]
    [(100, 70)]
    """
    cohort = _cohort()
    return [(cohort.iloc[::step].reset_index(drop=True), age) for age, step in settings]


#: ``patients_aged(patients, age)``, the function of the graded exercise; by default
#: checked on the worked example (the cohort and 65), hidden tests pass their own cases.
patients_aged = FunctionCheck(
    "patients_aged",
    lambda patients, age: len(patients[patients["age_years"] >= age]),
    examples=lambda: age_cases([(65, 1)]),
    hint='Keep the rows with patients[patients["age_years"] >= age] and return how many '
    "there are with len( ).",
    common_mistakes=[
        (
            lambda patients, age: len(patients[patients["age_years"] > age]),
            "Patients of exactly that age count too: use >= (at least), not >.",
        ),
    ],
    show_inputs=False,
)


#: Part 2 of the graded exercise: how may the course data be used?
data_use = Choice(
    "answer_use",
    options={
        "A": "Yes; the cohort is a sample of Danish patients.",
        "B": "No; the data are synthetic and say nothing about real patients.",
        "C": "Yes, if the ages are adjusted to the Danish population.",
        "D": "Only for the oldest patients.",
    },
    correct="B",
    reasoning={
        "A": "Where did the patients come from? Read the first lines of the data set.",
        "C": "Adjusting numbers that describe no real person cannot make them describe one.",
        "D": "Whatever their age, the patients were made by a program.",
    },
    hint="Read what the course says about its data sets.",
)
