"""Tests of the checks of module 0 (pmcourse.checks.getting_started)."""

import pandas as pd
import pytest

from pmcourse import datasets
from pmcourse.checks import getting_started as checks

COHORT = datasets.load("cohort")
NORTH = COHORT[COHORT["region"] == "North Denmark"]


def _shown(result) -> str:
    return result.message + " " + result.hint


def test_the_right_count_passes_counted_with_sum_or_len():
    assert checks.patients_in_region((COHORT["region"] == "North Denmark").sum()).passed
    assert checks.patients_in_region(len(NORTH)).passed


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (len(COHORT), "every patient"),
        (len(COHORT) - len(NORTH), "!="),
        (pd.DataFrame({"x": [1, 2]}), "len(table)"),
        (COHORT["region"] == "North Denmark", "column.sum()"),
        (len(NORTH) + 1, "add .sum()"),
    ],
)
def test_common_slips_get_their_hint(answer, words):
    result = checks.patients_in_region(answer)
    assert not result.passed and words in result.hint
    assert str(len(NORTH)) not in result.message + result.hint


def test_the_right_patients_not_yet_counted_are_told_to_count():
    result = checks.patients_in_region(NORTH)
    assert not result.passed and "len(" in result.message


@pytest.mark.parametrize("answer", ["12", None, ..., 1.5, [1, 2], float("nan")])
def test_odd_answers_fail_with_a_message(answer):
    result = checks.patients_in_region(answer)
    assert not result.passed and result.message


def test_another_region_can_be_asked_and_an_unknown_one_is_named():
    capital = int((COHORT["region"] == "Capital Region").sum())
    assert checks.patients_in_region(capital, region="Capital Region").passed
    with pytest.raises(ValueError, match="Unknown region 'Atlantis'"):
        checks.patients_in_region(1, region="Atlantis")


# def, return and ** ---------------------------------------------------------


def test_a_right_bmi_function_passes_on_cohort_patients():
    def bmi(weight_kg, height_cm):
        height_m = height_cm / 100
        return weight_kg / height_m**2

    assert checks.bmi(bmi).passed
    # the cases are real cohort patients, whose recorded BMI the function reproduces
    for weight_kg, height_cm in checks.bmi.cases():
        row = COHORT[(COHORT["weight_kg"] == weight_kg) & (COHORT["height_cm"] == height_cm)]
        assert round(bmi(weight_kg, height_cm), 1) == row["bmi_kg_m2"].item()


def test_a_bmi_function_without_return_is_told_to_return():
    def bmi(weight_kg, height_cm):
        weight_kg / (height_cm / 100) ** 2  # noqa: B018 (the slip under test)

    result = checks.bmi(bmi)
    assert not result.passed and "nothing (None)" in result.message
    assert "return" in result.hint


@pytest.mark.parametrize(
    ("function", "words"),
    [
        (lambda weight_kg, height_cm: weight_kg / height_cm**2, "centimetres"),
        (lambda weight_kg, height_cm: weight_kg / (height_cm / 100) * 2, "two stars"),
        (lambda weight_kg, height_cm: weight_kg / (height_cm / 100), "Add ** 2"),
        (lambda weight_kg, height_cm: weight_kg / height_cm / 100**2, "brackets"),
        (lambda weight_kg, height_cm: (height_cm / 100) ** 2 / weight_kg, "Upside down"),
        (lambda weight_kg, height_cm: ..., "does not give an answer yet"),
        (lambda weight_kg, height_cm: "normal", "quotation marks"),
        (lambda weight_kg: weight_kg, "TypeError"),
    ],
)
def test_bmi_function_slips_and_types_get_a_plain_message(function, words):
    result = checks.bmi(function)
    assert not result.passed and words in _shown(result)
    expected = [f"{weight / (height / 100) ** 2:.1f}" for weight, height in checks.bmi.cases()]
    assert not any(value in _shown(result) for value in expected)


def test_a_value_in_place_of_the_bmi_function_is_told_to_define_it():
    result = checks.bmi(24.9)
    assert not result.passed and "def bmi(" in result.hint


# one if ----------------------------------------------------------------------


def test_the_right_age_group_passes():
    def age_group(age_years):
        if age_years >= 65:
            return "65 or older"
        return "under 65"

    assert checks.age_group(age_group).passed


@pytest.mark.parametrize(
    ("function", "words"),
    [
        (lambda age_years: "65 or older", "condition on age_years"),
        (lambda age_years: "65 or older" if age_years > 65 else "under 65", ">="),
        (lambda age_years: "under 65" if age_years >= 65 else "65 or older", "wrong way round"),
        (lambda age_years: "65 or Older" if age_years >= 65 else "under 65", "capital letters"),
        (lambda age_years: age_years >= 65, "quotation marks"),
    ],
)
def test_age_group_slips_get_their_hint(function, words):
    assert words in _shown(checks.age_group(function))


# a for loop that appends -----------------------------------------------------


def _right_age_group(age_years):
    return "65 or older" if age_years >= 65 else "under 65"


def test_the_right_loop_passes_and_the_cases_include_both_groups():
    def age_groups(ages):
        groups = []
        for age in ages:
            groups.append(_right_age_group(age))
        return groups

    assert checks.age_groups(age_groups).passed
    shown = [group for (ages,) in checks.age_groups.cases() for group in age_groups(ages)]
    assert {"65 or older", "under 65"} <= set(shown)


def _returns_inside_the_loop(ages):
    groups = []
    for age in ages:
        groups.append(_right_age_group(age))
        return groups


@pytest.mark.parametrize(
    ("function", "words"),
    [
        (lambda ages: [], "stays empty"),
        (_returns_inside_the_loop, "after the first patient"),
        (lambda ages: list(ages), "ages themselves"),
        (lambda ages: [... for age in ages], "replace the ..."),
        (lambda ages: None, "nothing (None)"),
        (lambda ages: "under 65", "A list of"),
    ],
)
def test_loop_slips_get_their_hint(function, words):
    result = checks.age_groups(function)
    assert not result.passed and words in _shown(result)


@pytest.mark.parametrize(
    ("function_check", "answer_code"),
    [
        (checks.bmi, "/ 100) ** 2"),
        (checks.age_group, ">= 65"),
        (checks.age_groups, "age_group(age)"),
    ],
)
def test_no_hint_of_a_function_check_gives_its_code_away(function_check, answer_code):
    hints = [function_check.hint] + [hint for _, hint in function_check.common_mistakes]
    assert not any(answer_code in hint for hint in hints)
