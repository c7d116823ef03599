import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from pmcourse.check import (
    CheckResult,
    FunctionCheck,
    check_function,
    check_value,
    compare,
    to_plain,
)


def reference(n_AA, n_Aa, n_aa):
    return (2 * n_AA + n_Aa) / (2 * (n_AA + n_Aa + n_aa))


CASES = [(36, 48, 16), (10, 0, 90), (1, 2, 3)]


def test_right_value_passes_and_reminds_of_more_tests():
    result = check_value(0.6, 0.6, name="p")
    assert result.passed and bool(result)
    assert "graded version runs more tests" in str(result)
    assert "✅" in result._repr_html_()


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (..., "not answered yet"),
        (None, "empty"),
        ("0.6", "text"),
        (float("nan"), "NaN"),
        (math.inf, "infinite"),
        ([0.6, 0.4], "single number"),
        (True, "single number"),
        (0.61, "not the one expected"),
    ],
)
def test_wrong_values_get_plain_messages_without_the_answer(answer, words):
    result = check_value(answer, 0.6, name="p", hint="Count alleles.")
    assert not result.passed
    assert words in result.message
    assert "0.6" not in result.message.replace('"0.6"', "")
    assert "Hint: Count alleles." in str(result)


def test_html_escapes_learner_text():
    result = check_value("<script>", 1.0, name="x")
    assert "<script>" not in result._repr_html_()


def test_sequences_name_the_wrong_position():
    assert compare((1, 2, 3), (1, 2, 4)) == "The 3rd value is not right yet."
    assert "3 are expected" in compare((1, 2), (1, 2, 3))


def test_series_compare_shape_and_values():
    expected = pd.Series([True, False, True])
    assert compare(pd.Series([True, False, True]), expected) is None
    assert "1 of 3" in compare(pd.Series([True, True, True]), expected)
    assert "3 are expected" in compare(pd.Series([True]), expected)
    assert "True or False" in compare(pd.Series([1, 0, 1]), expected)
    assert "whole table" in compare(pd.DataFrame({"a": [1, 0, 1]}), expected)


def test_text_near_miss_mentions_capitals():
    assert "capital" in compare("poor metabolizer", "Poor Metabolizer")


def test_right_function_passes_on_every_case():
    def learner_version(n_AA, n_Aa, n_aa):  # not the reference: it is switched off meanwhile
        return (2 * n_AA + n_Aa) / (2 * (n_AA + n_Aa + n_aa))

    result = check_function(learner_version, reference, CASES, name="allele_frequency")
    assert result.passed
    assert "3 test inputs" in result.message


def test_hard_coded_function_fails():
    def hard_coded(n_AA, n_Aa, n_aa):
        return 0.6

    result = check_function(hard_coded, reference, CASES, name="allele_frequency")
    assert not result.passed
    assert "test input 2" in result.message


def test_function_that_raises_is_explained_without_traceback():
    def broken(n_AA, n_Aa, n_aa):
        return n_AA / 0

    result = check_function(broken, reference, CASES, name="allele_frequency")
    assert not result.passed
    assert "ZeroDivisionError" in result.message
    assert "Traceback" not in str(result)


def test_not_implemented_means_not_written_yet():
    def stub(n_AA, n_Aa, n_aa):
        raise NotImplementedError()

    result = check_function(stub, reference, CASES, name="allele_frequency")
    assert "not written this function yet" in result.message


def test_a_value_where_a_function_belongs():
    result = check_function(0.6, reference, CASES, name="allele_frequency")
    assert not result.passed
    assert "def allele_frequency" in result.hint


def test_learner_cannot_change_the_inputs_of_later_cases():
    frames = [(pd.Series([0, 1, 2]),), (pd.Series([2, 2, 2]),)]

    def mutating(genotypes):
        total = genotypes.sum()
        genotypes[:] = 0
        return total

    result = check_function(mutating, lambda g: g.sum(), frames, name="total")
    assert result.passed


def test_learner_warnings_and_stderr_do_not_leak(capfd):
    def noisy(x):
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        return np.float64(x) / 2

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_function(noisy, lambda x: x / 2, [(1,)], name="half").passed
    assert capfd.readouterr().err == ""


def test_assert_passed_raises_plain_assertion():
    with pytest.raises(AssertionError, match="not the one expected"):
        check_value(1, 2, name="x", quick=False).assert_passed()
    check_value(2, 2, name="x").assert_passed()


def test_result_is_a_value_object():
    assert CheckResult("x", True, "ok") == CheckResult("x", True, "ok")


@pytest.mark.parametrize(("returned", "words"), [(..., "not give an answer yet"), (None, "None")])
def test_function_without_an_answer_says_so(returned, words):
    result = check_function(lambda *counts: returned, reference, CASES, name="allele_frequency")
    assert not result.passed
    assert words in result.message
    assert "return" in result.hint


def test_a_known_slip_in_a_function_gets_its_own_hint():
    def per_patient(n_AA, n_Aa, n_aa):
        return (2 * n_AA + n_Aa) / (n_AA + n_Aa + n_aa)

    slips = [
        (lambda n_AA, n_Aa, n_aa: n_Aa / 2, "Not this one."),
        (per_patient, "Divide by 2N alleles."),
    ]
    result = check_function(
        per_patient, reference, CASES, name="f", hint="General.", common_mistakes=slips
    )
    assert result.hint == "Divide by 2N alleles."
    other = check_function(
        lambda *c: 0.123, reference, CASES, name="f", hint="General.", common_mistakes=slips
    )
    assert other.hint == "General."


def test_a_known_slip_in_a_value_gets_its_own_hint():
    slips = [(0.4, "That is q, not p.")]
    assert check_value(0.4, 0.6, name="p", hint="General.", common_mistakes=slips).hint == (
        "That is q, not p."
    )
    assert check_value(0.5, 0.6, name="p", hint="General.", common_mistakes=slips).hint == (
        "General."
    )


def test_a_slip_that_gives_the_right_answer_never_shows():
    slips = [(0.6, "Never shown: on these data the slip is right."), (0.4, "That is q, not p.")]
    assert check_value(0.6, 0.6, name="p", common_mistakes=slips).passed
    for wrong, hint in [(0.4, "That is q, not p."), (0.6001, "General.")]:
        result = check_value(wrong, 0.6, name="p", hint="General.", common_mistakes=slips)
        assert not result.passed and result.hint == hint


def test_a_slip_that_fails_on_an_input_is_skipped():
    slips = [(lambda *counts: 1 / 0, "Never shown.")]
    result = check_function(
        lambda *c: 0.123, reference, CASES, name="f", hint="General.", common_mistakes=slips
    )
    assert result.hint == "General."


def test_a_list_with_a_placeholder_is_not_answered_yet():
    assert "not answered yet" in compare((1.0, ..., 3.0), (1.0, 2.0, 3.0))


# --------------------------------------------------------------------------
# FunctionCheck: one source for instant checks, hidden tests and plain results
# --------------------------------------------------------------------------

FREQUENCY = FunctionCheck(
    "allele_frequency", reference, examples=lambda: CASES[:1], hint="Count alleles."
)


def test_function_check_uses_the_examples_unless_given_cases():
    def hard_coded(n_AA, n_Aa, n_aa):
        return 0.6

    assert FREQUENCY(hard_coded).passed  # it knows the example ...
    assert not FREQUENCY(hard_coded, cases=CASES, quick=False).passed  # ... and nothing else


LEARNER_FUNCTIONS = [
    reference,
    lambda n_AA, n_Aa, n_aa: 0.6,
    lambda n_AA, n_Aa, n_aa: n_AA / 0,
    lambda n_AA, n_Aa, n_aa: None,
    lambda n_AA, n_Aa, n_aa: ...,
    lambda n_AA, n_Aa, n_aa: "0.6",
    lambda n_AA, n_Aa, n_aa: [0.6],
    lambda n_AA, n_Aa, n_aa: np.float64(reference(n_AA, n_Aa, n_aa)),
    0.6,
]


@pytest.mark.parametrize("function", LEARNER_FUNCTIONS)
def test_plain_results_judged_outside_the_kernel_give_the_same_verdict(function):
    records = FREQUENCY.results(function, cases=CASES)
    travelled = json.loads(json.dumps(records))  # what a sandbox would send back
    outside = FREQUENCY.judge(travelled, cases=CASES)
    inside = FREQUENCY(function, cases=CASES, quick=False)
    assert outside.passed == inside.passed
    assert outside.message.split(".")[0] == inside.message.split(".")[0]


@pytest.mark.parametrize(
    "record", [{"value": 1, "extra": 2}, {"error": 1, "detail": ""}, "0.6", {"detail": "x"}]
)
def test_malformed_plain_results_are_refused(record):
    with pytest.raises(ValueError, match="Not an outcome record"):
        FREQUENCY.judge([record], cases=CASES[:1])


def test_plain_values_are_json_ready():
    value = {
        "n": np.int64(3),
        "table": pd.DataFrame({"a": [1.5, 2.0]}),
        "ok": np.bool_(True),
        "drugs": {"b", "a"},
        "f": len,
    }
    assert to_plain(value) == {
        "n": 3,
        "table": {"a": [1.5, 2.0]},
        "ok": True,
        "drugs": ["a", "b"],
        "f": "<a function>",
    }
    json.dumps(to_plain(value))


def test_reference_runs_before_the_learner_and_forbidden_functions_stay_off_meanwhile():
    import statistics

    order = []

    def reference_middle(values):
        order.append("reference")
        return statistics.median(values)

    def learner_middle(values):
        order.append("learner")
        return statistics.median(values)

    result = check_function(
        learner_middle,
        reference_middle,
        [([1, 5, 2],), ([4, 3],)],
        name="middle",
        forbidden=[(statistics, "median")],
    )
    assert not result.passed and "switched off" in result.message
    assert order == ["reference", "reference", "learner"]
    assert statistics.median([1, 5, 2]) == 2
