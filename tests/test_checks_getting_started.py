"""Tests of the checks of module 0 (pmcourse.checks.getting_started)."""

import pandas as pd
import pytest

from pmcourse import datasets
from pmcourse.checks import getting_started as checks

COHORT = datasets.load("cohort")
NORTH = COHORT[COHORT["region"] == "North Denmark"]


def test_the_right_count_passes():
    assert checks.patients_in_region(len(NORTH)).passed


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (len(COHORT), "every patient"),
        (len(COHORT) - len(NORTH), "!="),
        (pd.DataFrame({"x": [1, 2]}), "len(table)"),
        (COHORT["region"] == "North Denmark", "column.sum()"),
    ],
)
def test_common_slips_get_their_hint(answer, words):
    result = checks.patients_in_region(answer)
    assert not result.passed and words in result.hint
    assert str(len(NORTH)) not in result.message + result.hint


def test_the_right_patients_not_yet_counted_are_told_to_count():
    result = checks.patients_in_region(NORTH)
    assert not result.passed and "len(" in result.message


@pytest.mark.parametrize("answer", ["12", None, ..., 1.5, [1, 2]])
def test_odd_answers_fail_with_a_message(answer):
    result = checks.patients_in_region(answer)
    assert not result.passed and result.message


def test_another_region_can_be_asked_and_an_unknown_one_is_named():
    capital = int((COHORT["region"] == "Capital Region").sum())
    assert checks.patients_in_region(capital, region="Capital Region").passed
    with pytest.raises(ValueError, match="Unknown region 'Atlantis'"):
        checks.patients_in_region(1, region="Atlantis")
