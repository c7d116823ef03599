"""Interpretation questions: a clinical judgement as a value, graded with reasoning."""

import json

import numpy as np
import pytest

from pmcourse.interpretation import Choice, Estimate, Selection

ADVICE = Choice(
    "answer_pm30",
    options={
        "A": "Keep clopidogrel at the usual dose",
        "B": "Double the clopidogrel dose",
        "C": "Use an alternative that does not need CYP2C19 activation",
        "D": "Stop antiplatelet treatment",
    },
    correct=lambda: "C",  # worked out when asked, as a question built from data would be
    reasoning={
        "A": "Clopidogrel is a prodrug: with less CYP2C19 activity, less active drug forms.",
        "B": "A higher dose does not make up for the missing activation in CPIC's advice.",
        "D": "After a stent the patient still needs platelet inhibition.",
    },
    hint="Think about what CYP2C19 does to clopidogrel.",
)
WORDS_OF_THE_ANSWER = ("alternative", "does not need")


def test_the_right_choice_passes_in_any_case_and_spacing():
    for answer in ("C", " c ", ["C"]):
        assert ADVICE(answer).passed


@pytest.mark.parametrize("wrong", ["A", "B", "D"])
def test_a_wrong_choice_explains_the_reasoning_without_the_answer(wrong):
    result = ADVICE(wrong, quick=False)
    assert not result.passed
    assert ADVICE.reasoning[wrong] in result.message
    text = str(result) + result._repr_html_()
    assert '"C"' not in text and "C:" not in text
    assert not any(words in text for words in WORDS_OF_THE_ANSWER)


@pytest.mark.parametrize(
    ("answer", "words"),
    [(..., "not answered"), (3, "not a label"), ("E", "not one of the options"),
     (["A", "C"], "exactly one"), (None, "not answered")],
)  # fmt: skip
def test_badly_formed_choices_say_how_to_write_one(answer, words):
    result = ADVICE(answer)
    assert not result.passed and words in result.message
    assert ADVICE.name in result.hint or "For example" in result.hint


@pytest.mark.parametrize("answer", ["A", "B", "C", "D"])
def test_the_form_check_never_tells_right_from_wrong(answer):
    result = ADVICE.check_form(answer)
    assert result.passed and "graded when you submit" in result.message


def test_choose_all_that_apply():
    question = Choice(
        "who_to_test",
        options={"A": "a", "B": "b", "C": "c"},
        correct={"A", "C"},
        reasoning={"B": "B is not affected."},
        many=True,
    )
    assert question(["c", "a"]).passed
    missing = question(["A"], quick=False)
    assert not missing.passed and "missing" in missing.message
    extra = question(["A", "B", "C"], quick=False)
    assert not extra.passed and "B is not affected." in extra.message


def test_a_choice_needs_options_and_reasoning_for_known_options_only():
    with pytest.raises(ValueError, match="at least two options"):
        Choice("x", options={"A": "only"}, correct="A")
    with pytest.raises(ValueError, match="unknown"):
        Choice("x", options={"A": "a", "B": "b"}, correct="A", reasoning={"Z": "?"})


PROBABILITY = Estimate(
    "carrier_probability",
    expected=lambda: 1 - 0.72**2,
    tolerance=0.02,
    plausible=(0, 1),
    too_low="Count both chromosomes: a carrier has at least one copy.",
    too_high="Not everyone with one copy on one chromosome also has it on the other.",
)


@pytest.mark.parametrize("answer", [0.48, 0.4816, np.float64(0.49), 0.5])
def test_an_estimate_within_the_tolerance_passes(answer):
    assert PROBABILITY(answer).passed


@pytest.mark.parametrize(("answer", "reason"), [(0.28, "too_low"), (0.8, "too_high")])
def test_an_estimate_outside_says_which_way_and_why(answer, reason):
    result = PROBABILITY(answer, quick=False)
    assert not result.passed and getattr(PROBABILITY, reason) in result.message
    assert "0.48" not in str(result)


@pytest.mark.parametrize(
    ("answer", "words"), [("0.48", "A number is expected"), (48, "from 0 to 1"), (True, "number")]
)
def test_an_estimate_of_the_wrong_form(answer, words):
    assert words in PROBABILITY.check_form(answer).message


WARD = {"PM-000001", "PM-000002", "PM-000003", "PM-000004"}
REVIEW = Selection(
    "to_review",
    expected=lambda: {"PM-000002", "PM-000004"},
    choices=lambda: WARD,
    item="patients",
    missing="Every patient with a changed prescription needs a review.",
    extra="A patient whose advice is the usual dose needs no change.",
)


def test_a_selection_in_any_order_passes():
    assert REVIEW(["PM-000004", "PM-000002"]).passed
    assert REVIEW(("PM-000002", "PM-000004")).passed


def test_a_selection_counts_what_is_wrong_but_never_names_it():
    result = REVIEW(["PM-000002", "PM-000003"], quick=False)
    assert not result.passed
    assert "1 of your patients should not be there" in result.message
    assert "1 of the patients is missing" in result.message
    assert REVIEW.missing in result.message and REVIEW.extra in result.message
    assert "PM-000004" not in str(result) and "PM-000003" not in str(result)


@pytest.mark.parametrize(
    ("answer", "words"),
    [("PM-000002", "A list of patients"), (["PM-999999"], "not one of the patients"),
     (..., "not answered"), (7, "A list")],
)  # fmt: skip
def test_a_selection_of_the_wrong_form(answer, words):
    assert words in REVIEW.check_form(answer).message


def test_an_empty_selection_is_an_answer():
    assert REVIEW.check_form([]).passed
    assert not REVIEW([], quick=False).passed


@pytest.mark.parametrize(
    ("question", "answer"),
    [(ADVICE, "B"), (ADVICE, "C"), (PROBABILITY, 0.3), (REVIEW, ["PM-000002"])],
)
def test_answers_are_plain_values_judged_the_same_after_json(question, answer):
    travelled = json.loads(json.dumps(answer))
    assert question(travelled).passed == question(answer).passed
