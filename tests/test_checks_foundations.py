"""Tests of the checks of module 1 (pmcourse.checks.foundations)."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from grading_helpers import (
    copy_course,
    grade,
    master_answers,
    release_of,
    validate,
    with_slip,
)

from pmcourse import datasets, genetics
from pmcourse.check import CheckResult
from pmcourse.checks import foundations as checks
from pmcourse.grading import fill_answers

# --------------------------------------------------------------------------
# Expected values, computed independently of the checks
# --------------------------------------------------------------------------

GENOTYPES = datasets.load("genotypes")
EUR = GENOTYPES[GENOTYPES["ancestry"] == "EUR"]


def _q(column: pd.Series) -> float:
    n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(column)
    return (n_ref_alt + 2 * n_alt_alt) / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))


Q_EUR = _q(EUR["rs4244285"])
P_COHORT = 1 - _q(GENOTYPES["rs4244285"])
VKORC1 = genetics.genotype_counts(GENOTYPES["rs9923231"])
HWE = genetics.hardy_weinberg_test(*VKORC1)
N_CARRIERS = int((GENOTYPES["rs4244285"] >= 1).sum())


def _right_allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt):
    return (2 * n_ref_ref + n_ref_alt) / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))


def _right_expected_counts(n_ref_ref, n_ref_alt, n_alt_alt):
    n = n_ref_ref + n_ref_alt + n_alt_alt
    p = (2 * n_ref_ref + n_ref_alt) / (2 * n)
    q = 1 - p
    return (p * p * n, 2 * p * q * n, q * q * n)


def _right_chi_square(n_ref_ref, n_ref_alt, n_alt_alt):
    observed = (n_ref_ref, n_ref_alt, n_alt_alt)
    expected = _right_expected_counts(*observed)
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def _right_carriers(genotypes):
    return genotypes >= 1


def _raises(*args):
    return 1 / 0


def _not_implemented(*args):
    raise NotImplementedError()


def _returns_ellipsis(*args):
    return ...


def _shown(value) -> list[str]:
    """Ways an expected value could leak into a message."""
    if isinstance(value, int | np.integer):
        return [str(int(value))]
    return [f"{value:.3f}", f"{value:.4f}", repr(float(value))]


# Each entry: check, right value answer (or None), right function answer (or None),
# expected values that must never appear in a message.
CHECKS = {
    "variant_allele_frequency": (checks.variant_allele_frequency, Q_EUR, None, [Q_EUR]),
    "allele_frequency": (checks.allele_frequency, None, _right_allele_frequency, [P_COHORT]),
    "expected_counts": (
        checks.expected_counts,
        HWE.expected,
        _right_expected_counts,
        list(HWE.expected),
    ),
    "chi_square": (checks.chi_square, HWE.chi_square, _right_chi_square, [HWE.chi_square]),
    "carriers": (checks.carriers, N_CARRIERS, _right_carriers, [N_CARRIERS]),
}
NAMES = list(CHECKS)
WITH_VALUE = [name for name in NAMES if CHECKS[name][1] is not None]
WITH_FUNCTION = [name for name in NAMES if CHECKS[name][2] is not None]


def _assert_failed_quietly(result: CheckResult, name: str) -> None:
    assert isinstance(result, CheckResult)
    assert not result.passed
    assert str(result).startswith("❌")
    assert result.message.strip()
    for expected in CHECKS[name][3]:
        for text in _shown(expected):
            assert text not in str(result), (name, text, str(result))
            assert text not in result._repr_html_()


# --------------------------------------------------------------------------
# Right answers pass
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_VALUE)
def test_right_value_passes(name):
    check, value, _, _ = CHECKS[name]
    result = check(value)
    assert result.passed, str(result)
    assert str(result).startswith("✅")


@pytest.mark.parametrize("name", WITH_FUNCTION)
def test_right_function_passes(name):
    check, _, function, _ = CHECKS[name]
    assert check(function).passed


def test_numpy_and_rounded_answers_pass():
    assert checks.variant_allele_frequency(np.float64(round(Q_EUR, 3))).passed
    assert checks.expected_counts(np.array(HWE.expected)).passed
    assert checks.expected_counts([round(x, 1) for x in HWE.expected]).passed
    assert checks.carriers(np.int64(N_CARRIERS)).passed
    assert checks.carriers(GENOTYPES["rs4244285"] >= 1).passed
    assert checks.carriers(lambda genotypes: genotypes.to_numpy() >= 1).passed
    assert checks.chi_square(lambda *counts: np.float64(_right_chi_square(*counts))).passed


# --------------------------------------------------------------------------
# Hard-coded answers and wrong inputs fail with a plain message
# --------------------------------------------------------------------------


def test_hard_coded_functions_fail():
    """Functions that only return the notebook's numbers fail on fresh inputs."""
    cases = {
        "allele_frequency": lambda n_ref_ref, n_ref_alt, n_alt_alt: P_COHORT,
        "expected_counts": lambda n_ref_ref, n_ref_alt, n_alt_alt: HWE.expected,
        "chi_square": lambda n_ref_ref, n_ref_alt, n_alt_alt: HWE.chi_square,
        "carriers": lambda genotypes: GENOTYPES["rs4244285"] >= 1,
    }
    for name, function in cases.items():
        _assert_failed_quietly(CHECKS[name][0](function), name)


WRONG_ANSWERS = {
    "text": "0.25",
    "None": None,
    "list": [1, 2],
    "NaN": float("nan"),
    "infinity": math.inf,
    "True": True,
    "Ellipsis": ...,
    "table": pd.DataFrame({"a": [1, 2, 3]}),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", list(WRONG_ANSWERS))
def test_wrong_types_fail_quietly(name, kind):
    _assert_failed_quietly(CHECKS[name][0](WRONG_ANSWERS[kind]), name)


@pytest.mark.parametrize("name", NAMES)
def test_ellipsis_says_not_answered(name):
    result = CHECKS[name][0](...)
    assert "not answered yet" in result.message


@pytest.mark.parametrize("name", WITH_FUNCTION)
@pytest.mark.parametrize(
    "function", [_raises, _not_implemented, _returns_ellipsis, lambda *args: None]
)
def test_broken_functions_fail_quietly(name, function, capsys):
    _assert_failed_quietly(CHECKS[name][0](function), name)
    captured = capsys.readouterr()
    assert captured.err == ""


def test_not_implemented_message():
    result = checks.allele_frequency(_not_implemented)
    assert "not written this function yet" in result.message


def test_function_with_wrong_signature_fails_quietly():
    result = checks.allele_frequency(lambda counts: 0.5)
    _assert_failed_quietly(result, "allele_frequency")
    assert "TypeError" in result.message


# --------------------------------------------------------------------------
# Hints tuned to common mistakes
# --------------------------------------------------------------------------


def _hint(check, answer) -> str:
    result = check(answer)
    assert not result.passed
    return result.hint


def test_variant_allele_frequency_hints():
    n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(EUR["rs4244285"])
    n = n_ref_ref + n_ref_alt + n_alt_alt
    check = checks.variant_allele_frequency
    assert "twice the number of patients" in _hint(check, (n_ref_alt + 2 * n_alt_alt) / n)
    assert "reference allele" in _hint(check, 1 - Q_EUR)
    assert "share of patients" in _hint(check, (n_ref_alt + n_alt_alt) / n)
    assert "count them twice" in _hint(check, (n_ref_alt + n_alt_alt) / (2 * n))
    assert "percentage" in _hint(check, 100 * Q_EUR)
    assert "between 0 and 1" in _hint(check, 3.5)


def test_allele_frequency_function_hints():
    check = checks.allele_frequency
    assert "2 * (n_ref_ref + n_ref_alt + n_alt_alt)" in _hint(
        check,
        lambda n_ref_ref, n_ref_alt, n_alt_alt: (
            (2 * n_ref_ref + n_ref_alt) / (n_ref_ref + n_ref_alt + n_alt_alt)
        ),
    )
    assert "variant (alt) allele" in _hint(
        check,
        lambda n_ref_ref, n_ref_alt, n_alt_alt: (
            (n_ref_alt + 2 * n_alt_alt) / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))
        ),
    )
    assert "brackets" in _hint(
        check,
        lambda n_ref_ref, n_ref_alt, n_alt_alt: (
            2 * n_ref_ref + n_ref_alt / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))
        ),
    )


def test_expected_counts_hints():
    p = HWE.allele_frequency
    n = sum(VKORC1)
    check = checks.expected_counts
    assert "frequencies" in _hint(check, (p * p, 2 * p * (1 - p), (1 - p) ** 2))
    assert "order" in _hint(check, HWE.expected[::-1])
    assert "2 in 2pq" in _hint(check, (p * p * n, p * (1 - p) * n, (1 - p) ** 2 * n))
    assert "observed" in _hint(check, tuple(VKORC1))
    assert "2pq" in _hint(
        check,
        lambda *counts: tuple(
            x * y for x, y in zip(_right_expected_counts(*counts), (1, 0.5, 1), strict=True)
        ),
    )


def test_chi_square_hints():
    check = checks.chi_square
    assert "p-value" in _hint(check, HWE.p_value)
    assert "negative" in _hint(check, -2.0)
    assert "cancel" in _hint(check, 0.0)
    assert "expected count" in _hint(
        check,
        lambda *o: sum((a - b) ** 2 for a, b in zip(o, _right_expected_counts(*o), strict=True)),
    )


def test_carriers_hints():
    n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(GENOTYPES["rs4244285"])
    check = checks.carriers
    assert "Homozygous" in _hint(check, n_ref_alt)
    assert "Heterozygous" in _hint(check, n_alt_alt)
    assert "alleles" in _hint(check, n_ref_alt + 2 * n_alt_alt)
    assert "Homozygous" in _hint(check, lambda g: g == 1)
    mask = GENOTYPES["rs4244285"] == 1
    _assert_failed_quietly(check(mask), "carriers")


def test_hints_never_contain_expected_values():
    for name in WITH_VALUE:
        check, value, _, hidden = CHECKS[name]
        wrong = [v * 1.5 for v in value] if isinstance(value, tuple) else value * 1.5 + 1
        _assert_failed_quietly(check(wrong), name)


def test_other_situations_can_be_checked():
    """Keyword options choose another SNP or group, and wrong names fail loudly."""
    q_cohort = _q(GENOTYPES["rs4244285"])
    assert checks.variant_allele_frequency(q_cohort, ancestry=None).passed
    assert checks.variant_allele_frequency(
        _q(GENOTYPES["rs9923231"]), rsid="rs9923231", ancestry=None
    ).passed
    with pytest.raises(ValueError, match="no SNP"):
        checks.carriers(1, rsid="rs0")


# --------------------------------------------------------------------------
# Interpretation questions: the data tell the story the question tells
# --------------------------------------------------------------------------


def test_carrier_share_comes_from_the_frequency_table(root):
    table = pd.read_csv(root / "pmcourse" / "resources" / "pgx_frequencies.csv")
    cyp2c19 = table[table["gene"] == "CYP2C19"].set_index("allele")
    for group, share in {"EA": 0.59, "EUR": 0.28}.items():
        q = cyp2c19.loc["*2", group] + cyp2c19.loc["*3", group]  # the no-function alleles
        assert checks.no_function_carrier_share("CYP2C19", group) == pytest.approx(
            1 - (1 - q) ** 2
        )
        assert round(checks.no_function_carrier_share("CYP2C19", group), 2) == share


def test_carrier_share_question_grades_the_computed_share(root):
    right = checks.no_function_carrier_share("CYP2C19", "EA")
    assert checks.carrier_share_ea(right, quick=False).passed
    q = 1 - math.sqrt(1 - right)
    too_high = checks.carrier_share_ea(2 * q, quick=False)
    assert not too_high.passed and "Too high" in too_high.message
    table = pd.read_csv(root / "pmcourse" / "resources" / "pgx_frequencies.csv")
    star2 = table[(table["gene"] == "CYP2C19") & (table["allele"] == "*2")]["EA"].item()
    only_star2 = checks.carrier_share_ea(1 - (1 - star2) ** 2, quick=False)
    assert not only_star2.passed and "Too low" in only_star2.message
    assert not checks.carrier_share_ea.check_form(59).passed


def test_pooled_deviation_is_what_the_data_show():
    """VKORC1 deviates in the whole cohort, and fits within every ancestry group."""
    assert HWE.p_value < 0.05
    for _, patients in GENOTYPES.groupby("ancestry", observed=True):
        counts = genetics.genotype_counts(patients["rs9923231"])
        assert genetics.hardy_weinberg_exact(*counts).p_value > 0.05
    assert checks.pooled_deviation("B", quick=False).passed
    wrong = checks.pooled_deviation("A", quick=False)
    assert not wrong.passed and "within the groups" in wrong.message and '"B"' not in str(wrong)


def test_small_group_question_is_what_the_data_show():
    """CYP2C19*17 in the East Asian group: the chi-square and the exact test disagree."""
    ea = GENOTYPES[GENOTYPES["ancestry"] == "EA"]
    counts = genetics.genotype_counts(ea["rs12248560"])
    chi = genetics.hardy_weinberg_test(*counts)
    assert min(chi.expected) < 5 and chi.p_value < 0.05
    assert genetics.hardy_weinberg_exact(*counts).p_value > 0.05
    assert checks.small_group_test("b", quick=False).passed
    assert not checks.small_group_test("A", quick=False).passed
    assert checks.small_group_test.check_form("A").passed  # the form check never grades


# --------------------------------------------------------------------------
# The graded exercise: typical mistakes and hard-coded answers, graded
# --------------------------------------------------------------------------

ASSIGNMENT = "01_foundations"
AUTOGRADED_CELLS = ["test_allele_frequency", "test_expected_counts", "test_chi_square",
                    "test_carriers"]  # fmt: skip
INTERPRETATION_CELLS = ["test_answer_vkorc1", "test_answer_small_group",
                        "test_carrier_share_ea"]  # fmt: skip
#: Plausible wrong answers to the interpretation questions: the assay, the chi-square
#: p-value, and twice the allele frequency.
WRONG_CHOICES = {
    "answer_vkorc1": 'answer_vkorc1 = "A"',
    "answer_small_group": 'answer_small_group = "A"',
    "carrier_share_ea": "q_no_function = reference['*2'] + reference['*3']\n"
    "carrier_share_ea = 2 * q_no_function",
}


def _hard_coded_answers() -> dict[str, str]:
    """Answers that return the public examples' results and nothing else."""
    cohort = tuple(genetics.genotype_counts(GENOTYPES["rs4244285"]))
    examples = [(36, 48, 16), (50, 20, 30), cohort]
    p = {case: genetics.allele_frequency(*case) for case in examples}
    expected = {case: genetics.expected_genotype_counts(p[case], sum(case)) for case in examples}
    chi = {case: genetics.hardy_weinberg_test(*case).chi_square for case in examples}
    return {
        "allele_frequency": f"def allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        f"    return {p!r}[(n_ref_ref, n_ref_alt, n_alt_alt)]",
        "expected_counts": f"def expected_counts(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        f"    return {expected!r}[(n_ref_ref, n_ref_alt, n_alt_alt)]",
        "chi_square": f"def chi_square(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        f"    return {chi!r}[(n_ref_ref, n_ref_alt, n_alt_alt)]",
        "carriers": "def carriers(genotypes):\n"
        "    if len(genotypes) == 4:\n"
        "        return pd.Series([False, True, True, False])\n"
        "    return datasets.load('genotypes')['rs4244285'] >= 1",
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A typical mistake, answers that know only the examples and library shortcuts, graded."""
    course = copy_course(tmp_path_factory.mktemp("grading_foundations"))
    answers = master_answers(course, ASSIGNMENT)
    divides_by_n = with_slip(answers, "allele_frequency", "(2 * n_patients)", "n_patients")
    shortcut = {
        "allele_frequency": "def allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        "    return genetics.allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt)",
        "expected_counts": "def expected_counts(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        "    return genetics.hardy_weinberg_test(n_ref_ref, n_ref_alt, n_alt_alt).expected",
        "chi_square": "def chi_square(n_ref_ref, n_ref_alt, n_alt_alt):\n"
        "    return genetics.hardy_weinberg_test(n_ref_ref, n_ref_alt, n_alt_alt).chi_square",
        "carriers": "def carriers(genotypes):\n    return genetics.carriers(genotypes)",
    }
    table = grade(
        course,
        ASSIGNMENT,
        {
            "divides_by_n": divides_by_n,
            "hard_coded": {**answers, **_hard_coded_answers()},
            "shortcut": {**answers, **shortcut},
            "wrong_choices": {**answers, **WRONG_CHOICES},
        },
    )
    return course, table


@pytest.mark.slow
def test_grading_typical_mistake_gets_partial_marks(graded):
    _, table = graded
    row = table.loc["divides_by_n"]
    assert row["test_allele_frequency"] == 0
    assert row["test_expected_counts"] == row["test_chi_square"] == row["test_carriers"] == 2
    assert (row[INTERPRETATION_CELLS] == 2).all()


@pytest.mark.slow
def test_grading_wrong_clinical_choices_lose_only_their_points(graded):
    _, table = graded
    row = table.loc["wrong_choices"]
    assert (row[INTERPRETATION_CELLS] == 0).all()
    assert (row[AUTOGRADED_CELLS] == 2).all()


@pytest.mark.slow
def test_grading_hard_coded_answers_lose_the_hidden_test_points(graded):
    course, table = graded
    # The hard-coded answers pass every public quick check of the student version ...
    filled = course / "hard_coded_release.ipynb"
    answers = {**master_answers(course, ASSIGNMENT), **_hard_coded_answers()}
    nbformat.write(fill_answers(release_of(course, ASSIGNMENT), answers), filled)
    assert "Success! Your notebook passes all the tests." in validate(course, filled)
    # ... and lose the points of every cell with hidden tests.
    assert (table.loc["hard_coded", AUTOGRADED_CELLS] == 0).all()


@pytest.mark.slow
def test_grading_library_shortcuts_earn_no_points(graded):
    _, table = graded
    assert (table.loc["shortcut", AUTOGRADED_CELLS] == 0).all()
