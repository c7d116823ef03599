"""Tests of the checks of module 7 (pmcourse.checks.beyond_the_genome)."""

import pytest

from pmcourse import datasets
from pmcourse.checks import beyond_the_genome as checks

COHORT = datasets.load("cohort")


def _right(patients, age):
    return int((patients["age_years"] >= age).sum())


def test_the_right_count_and_function_pass():
    assert checks.n_patients_aged(_right(COHORT, 80)).passed
    assert checks.patients_aged(_right).passed
    assert checks.patients_aged(_right, cases=checks.age_cases([(30, 3)]), quick=False).passed


def test_an_answer_that_knows_only_the_example_fails_on_other_cases():
    def hard_coded(patients, age):
        return _right(COHORT, 65)

    assert checks.patients_aged(hard_coded).passed
    result = checks.patients_aged(hard_coded, cases=checks.age_cases([(80, 1)]), quick=False)
    assert not result.passed and str(_right(COHORT, 80)) not in str(result)


def test_using_greater_than_gets_its_hint():
    result = checks.n_patients_aged(int((COHORT["age_years"] > 80).sum()))
    assert not result.passed and ">=" in result.hint


@pytest.mark.parametrize("wrong", ["A", "C", "D"])
def test_a_wrong_choice_gets_reasoning_and_no_answer(wrong):
    result = checks.data_use(wrong, quick=False)
    assert not result.passed and checks.data_use.reasoning[wrong] in result.message
    assert checks.data_use.check_form(wrong).passed
