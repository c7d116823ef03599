"""Tests of the checks of module 2 (pmcourse.checks.sequencing)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from grading_helpers import assert_choice_teaches, graded_fixture, markdown_text, with_slip

from pmcourse import datasets, sequencing
from pmcourse.checks import sequencing as checks

# Expected values, worked out here from the raw VCF text and the formulas, not
# from pmcourse.sequencing, so the checks are tested against an independent answer.
CALLS = datasets.load("variant_calls")


def _vcf_records() -> list[dict[str, str]]:
    """PM-000030's fields of every record, parsed by hand from the VCF text."""
    import gzip

    with gzip.open(datasets.vcf_path("variant_calls"), "rt") as vcf:
        lines = [line.rstrip("\n").split("\t") for line in vcf if not line.startswith("##")]
    header, records = lines[0], lines[1:]
    his = header.index("PM-000030")
    rows = []
    for fields in records:
        sample = dict(zip(fields[8].split(":"), fields[his].split(":"), strict=True))
        rows.append({"ID": fields[2], "QUAL": fields[5], "FILTER": fields[6], **sample})
    return rows


PM30 = {row["ID"]: row for row in _vcf_records()}


def _reliable(row: dict[str, str]) -> bool:
    return (
        row["FILTER"] == "PASS"
        and float(row["QUAL"]) >= 30
        and int(row["DP"]) >= 10
        and int(row["GQ"]) >= 20
    )


def _log10_binomial(n_ref: int, n_alt: int, alt_share: float) -> float:
    return n_alt * math.log10(alt_share) + n_ref * math.log10(1 - alt_share)


def _hand_call(n_ref: int, n_alt: int, error_rate: float) -> str:
    shares = {"0/0": error_rate, "0/1": 0.5, "1/1": 1 - error_rate}
    likelihoods = {g: _log10_binomial(n_ref, n_alt, p) for g, p in shares.items()}
    return max(likelihoods, key=likelihoods.get)


def test_error_probability_of_q20_and_its_slips():
    assert checks.error_probability(0.01).passed
    accuracy = checks.error_probability(0.99)
    assert not accuracy.passed and "right" in accuracy.hint
    assert "10" in checks.error_probability(1e-20).hint
    assert "0.01" not in str(checks.error_probability(0.5))


def test_genotype_quality_is_the_gap_between_the_two_best_genotypes():
    likelihoods = sorted((_log10_binomial(6, 2, p) for p in (0.01, 0.5, 0.99)), reverse=True)
    gq = min(99, round(10 * (likelihoods[0] - likelihoods[1])))
    assert checks.genotype_quality(gq).passed
    depth = checks.genotype_quality(8)
    assert not depth.passed and "depth" in depth.hint


def test_pm30_call_reads_his_vcf_line():
    row = PM30[checks.PM30_RSID]
    assert row["GT"] == "0/1"
    assert checks.pm30_call("0/1", int(row["DP"])).passed
    letters = checks.pm30_call("G/A", int(row["DP"]))
    assert not letters.passed and "numbers" in letters.hint
    gq_for_dp = checks.pm30_call("0/1", int(row["GQ"]))
    assert not gq_for_dp.passed and "GQ" in gq_for_dp.hint
    assert row["DP"] not in str(gq_for_dp)


def test_n_reliable_calls_counts_his_calls_that_pass_every_threshold():
    expected = sum(_reliable(row) for row in PM30.values())
    assert 0 < expected < len(PM30)
    assert checks.n_reliable_calls(expected, patient_id="PM-000030").passed
    every = checks.n_reliable_calls(len(PM30), patient_id="PM-000030")
    assert not every.passed and "every call" in every.hint
    table = checks.n_reliable_calls(CALLS)
    assert not table.passed and "whole table" in table.message


@pytest.mark.parametrize("answer", [None, ..., "0.01", [0.01], float("nan")])
def test_value_checks_survive_odd_answers(answer):
    for result in (
        checks.error_probability(answer),
        checks.genotype_quality(answer),
        checks.n_reliable_calls(answer),
        checks.pm30_call(answer, answer),
    ):
        assert not result.passed and result.message


def test_phred_function_check_names_the_slips_and_blocks_the_library():
    assert checks.phred_to_error(lambda q: 10 ** (-q / 10), cases=[(0,), (60,)]).passed
    assert "wrong" in checks.phred_to_error(lambda q: 1 - 10 ** (-q / 10)).hint
    assert not checks.phred_to_error(sequencing.phred_to_error, quick=False).passed


def test_call_genotype_check_agrees_with_a_hand_written_caller():
    cases = checks.call_cases() + [(2, 2, 0.01), (0, 1, 0.05), (3, 50, 0.05)]
    assert checks.call_genotype(_hand_call, cases=cases, quick=False).passed
    assert {_hand_call(*case) for case in cases} == {"0/0", "0/1", "1/1"}


def test_call_genotype_check_names_the_smallest_likelihood_slip():
    def least_likely(n_ref, n_alt, error_rate):
        likelihoods = sequencing.genotype_likelihoods(n_ref, n_alt, error_rate)
        return min(likelihoods, key=likelihoods.get)

    result = checks.call_genotype(least_likely)
    assert not result.passed and "smallest" in result.hint
    shortcut = checks.call_genotype(lambda r, a, e: sequencing.call_genotype(r, a, e).genotype)
    assert not shortcut.passed


def _hand_filter(calls: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [
            f == "PASS" and q >= 30 and d >= 10 and g >= 20
            for f, q, d, g in zip(
                calls["FILTER"], calls["QUAL"], calls["DP"], calls["GQ"], strict=True
            )
        ],
        index=calls.index,
    )


def test_passes_filter_check_agrees_with_a_hand_written_filter_and_catches_slips():
    assert checks.passes_filter(_hand_filter, cases=checks.filter_cases(), quick=False).passed
    filter_only = checks.passes_filter(lambda calls: calls["FILTER"] == "PASS")
    assert not filter_only.passed and "one test of four" in filter_only.hint
    edge = pd.DataFrame({"QUAL": [30.0], "FILTER": ["PASS"], "DP": [10], "GQ": [20]})
    strict = checks.passes_filter(
        lambda c: (c["FILTER"] == "PASS") & (c["QUAL"] > 30) & (c["DP"] > 10) & (c["GQ"] > 20),
        cases=[(edge,)],
        quick=False,
    )
    assert not strict.passed and ">=" in strict.hint


def test_the_right_choices_agree_with_the_data():
    assert _reliable(PM30[checks.PM30_RSID])
    assert checks.pm30_reliable("B", quick=False).passed
    variants = CALLS[CALLS["GT"].isin(["0/1", "1/1"])]
    unreliable = variants[~_hand_filter(variants)]
    expected = sorted(set(unreliable["patient_id"]))
    assert checks.LOW_COVERAGE_PATIENT in expected
    assert checks.calls_to_confirm(expected, quick=False).passed
    low = CALLS[
        (CALLS["patient_id"] == checks.LOW_COVERAGE_PATIENT) & (CALLS["ID"] == checks.DPYD_RSID)
    ]
    assert low["GT"].tolist() == ["0/1"] and int(low["DP"].iloc[0]) < 10


@pytest.mark.parametrize(
    ("name", "right"),
    [
        ("pm30_reliable", "B"),
        ("vkorc1_strand", "B"),
        ("act_on_low_coverage_call", "C"),
    ],
)
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    assert_choice_teaches(getattr(checks, name), right)


def test_selection_counts_but_never_names_the_patients():
    expected = sorted(checks.calls_to_confirm.expected())
    result = checks.calls_to_confirm(expected[:1], quick=False)
    assert not result.passed and "missing" in result.message
    assert expected[1] not in result.message


# --------------------------------------------------------------------------
# Grading round trips: the exercise's master answers and its typical mistakes.
# --------------------------------------------------------------------------

ASSIGNMENT = "02_sequencing"
CODE_CELLS = ["test_phred_to_error", "test_call_genotype", "test_passes_filter"]
CHOICE_CELLS = ["test_answer_pm30_call", "test_to_confirm", "test_answer_vkorc1",
                "test_answer_low_coverage"]  # fmt: skip
EXAMPLE_CALLS = {(20, 0): "0/0", (11, 9): "0/1", (0, 14): "1/1", (5, 1): "0/0"}


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "accuracy": with_slip(
            answers, "phred_to_error", "10 ** (-quality / 10)", "1 - 10 ** (-quality / 10)"
        ),
        "strict": with_slip(answers, "passes_filter", '(calls["DP"] >= 10)', '(calls["DP"] > 10)'),
        "hard_coded": {
            **answers,
            "call_genotype": "def call_genotype(n_ref, n_alt, error_rate):\n"
            f"    return {EXAMPLE_CALLS!r}.get((n_ref, n_alt), '0/0')",
        },
        "shortcut": {
            **answers,
            "call_genotype": "def call_genotype(n_ref, n_alt, error_rate):\n"
            "    return sequencing.call_genotype(n_ref, n_alt, error_rate).genotype",
        },
        "wrong_choices": {
            **answers,
            "answer_pm30_call": 'answer_pm30_call = "A"',
            "to_confirm": 'to_confirm = ["PM-000043"]',
            "answer_vkorc1": 'answer_vkorc1 = "C"',
            "answer_low_coverage": 'answer_low_coverage = "A"',
        },
    }


graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
def test_grading_the_masters_answers_earns_every_autograded_point(graded):
    row = graded.loc["master"]
    assert (row[CODE_CELLS + CHOICE_CELLS] == 3).all()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "cell"),
    [("accuracy", "test_phred_to_error"), ("strict", "test_passes_filter"),
     ("hard_coded", "test_call_genotype"), ("shortcut", "test_call_genotype")],
)  # fmt: skip
def test_grading_a_typical_mistake_loses_only_its_part(graded, student, cell):
    row = graded.loc[student]
    assert row[cell] == 0
    assert (row[[c for c in CODE_CELLS + CHOICE_CELLS if c != cell]] == 3).all()


@pytest.mark.slow
def test_grading_wrong_clinical_choices_lose_only_those_parts(graded):
    row = graded.loc["wrong_choices"]
    assert (row[CHOICE_CELLS] == 0).all()
    assert (row[CODE_CELLS] == 3).all()


def test_the_numbers_the_text_quotes_are_the_datas():
    """The exercise's PM-000043 and the notebook's DPYD record say what the data hold."""
    from pmcourse.modules import module

    calls = datasets.load("variant_calls")
    dpyd = calls[(calls["patient_id"] == "PM-000043") & (calls["GENE"] == "DPYD")].iloc[0]
    patient = datasets.load("cohort").set_index("patient_id").loc["PM-000043"]
    exercise = markdown_text(module(2).master)
    assert (
        f"a {patient['age_years']}-year-old {'man' if patient['sex'] == 'male' else 'woman'}"
        in (exercise)
    )
    assert (
        f"`GT` {dpyd['GT']}, `DP` {dpyd['DP']}, `GQ` {dpyd['GQ']}, `AD` {dpyd['AD']}" in exercise
    )
    notebook = markdown_text(module(2).notebook)
    assert f"QUAL is {dpyd['QUAL']:.0f}, below 30, and `FILTER` says {dpyd['FILTER']}" in notebook
