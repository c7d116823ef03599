"""Tests of the checks of module 5 (pmcourse.checks.oncology)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from grading_helpers import (
    assert_choice_teaches,
    assert_count_teaches,
    graded_fixture,
    markdown_text,
    with_slip,
)
from lifelines import KaplanMeierFitter

from pmcourse import datasets, oncology
from pmcourse.checks import oncology as checks
from pmcourse.reference import load_table

# Expected values, worked out here from the raw tables with the formulas written
# out (and lifelines called directly), not with pmcourse.oncology, so the checks
# are tested against an independent answer.
PATIENTS = datasets.load("cancer_patients").set_index("patient_id")
VARIANTS = datasets.load("tumour_variants")
OUTCOMES = datasets.load("cancer_outcomes")
THERAPIES = load_table("oncology_therapies")
CODING = set(oncology.TMB_CONSEQUENCES)  # the rule list is data; the counting is by hand


def _rows(patient_id: str) -> pd.DataFrame:
    return VARIANTS[VARIANTS["patient_id"] == patient_id]


def _somatic(rows: pd.DataFrame) -> pd.Series:
    """Somatic by the blood sample: under 0.2 of the normal reads show the variant."""
    return rows["normal_alt_reads"] / rows["normal_depth"] < 0.2


def _hand_vaf(purity, copy_number, mutated_copies, ccf):
    return purity * ccf * mutated_copies / (purity * copy_number + 2 * (1 - purity))


def _hand_tmb(rows: pd.DataFrame, panel_size_mb: float) -> float:
    counted = [
        consequence in CODING and somatic and not driver
        for consequence, somatic, driver in zip(
            rows["consequence"], _somatic(rows), rows["driver"], strict=True
        )
    ]
    return sum(counted) / panel_size_mb


def _hand_median(patients: pd.DataFrame) -> float:
    fitter = KaplanMeierFitter().fit(patients["pfs_months"], patients["progressed"])
    return float(fitter.median_survival_time_)


# --------------------------------------------------------------------------
# The notebook's value checks
# --------------------------------------------------------------------------


def test_n_somatic_counts_his_variants_absent_from_blood():
    his = _rows(checks.SCENARIO_PATIENT)
    assert_count_teaches(checks.n_somatic, int(_somatic(his).sum()), len(his))


def test_vaf_four_copies_follows_the_formula_at_his_purity():
    purity = PATIENTS.loc[checks.SCENARIO_PATIENT, "purity"]
    assert checks.vaf_four_copies(_hand_vaf(purity, 4, 1, 1.0)).passed
    two = checks.vaf_four_copies(purity / 2)
    assert not two.passed and "copy_number=4" in two.hint
    no_normal = checks.vaf_four_copies(purity / 4)
    assert not no_normal.passed and "normal cells" in no_normal.hint


def test_tmb_patient_is_counted_by_hand_and_is_tmb_high():
    patient_id = checks.TMB_PATIENT
    expected = _hand_tmb(_rows(patient_id), PATIENTS.loc[patient_id, "panel_size_mb"])
    assert expected >= 10 and PATIENTS.loc[patient_id, "testing"] == "tumour-normal"
    assert checks.tmb_patient(expected).passed
    count = checks.tmb_patient(round(expected * PATIENTS.loc[patient_id, "panel_size_mb"]))
    assert not count.passed and "divide" in count.hint


def test_therapy_is_the_one_eu_approval_for_the_patients_tumour():
    patient_id = checks.THERAPY_PATIENT
    genes = set(_rows(patient_id).query("driver")["gene"])
    rows = THERAPIES[
        THERAPIES["gene"].isin(genes) & (THERAPIES["tumour_type"] == PATIENTS.loc[patient_id,
                                                                                  "tumour_type"])
    ]  # fmt: skip
    assert len(rows) == 1 and rows["ema_status"].iloc[0] == "approved"
    assert checks.therapy(rows["therapy"].iloc[0]).passed
    table = checks.therapy(rows)
    assert not table.passed and "a table" in table.message


def test_median_matched_agrees_with_lifelines():
    matched = OUTCOMES[OUTCOMES["treatment"] == "matched"]
    expected = _hand_median(matched)
    assert checks.median_matched(expected).passed
    assert checks.median_matched(round(expected, 1)).passed
    assert not checks.median_matched(expected + 0.2).passed
    unmatched = checks.median_matched(_hand_median(OUTCOMES[OUTCOMES["treatment"] != "matched"]))
    assert not unmatched.passed and "unmatched" in unmatched.hint


@pytest.mark.parametrize("answer", [None, ..., "3", ["EGFR"], float("nan"), pd.DataFrame()])
def test_value_checks_survive_odd_answers(answer):
    for result in (
        checks.n_somatic(answer),
        checks.vaf_four_copies(answer),
        checks.tmb_patient(answer),
        checks.therapy(answer),
        checks.median_matched(answer),
    ):
        assert not result.passed and result.message


# --------------------------------------------------------------------------
# The exercise's function checks
# --------------------------------------------------------------------------


def test_expected_vaf_check_agrees_with_the_formula_and_names_each_slip():
    cases = checks.vaf_cases(*PATIENTS.index[:40]) + [(1.0, 1, 1, 1.0), (0.05, 2, 1, 1.0)]
    assert len(cases) > 20
    assert checks.expected_vaf(_hand_vaf, cases=cases, quick=False).passed
    slips = {
        "normal cells": lambda p, cn, m, ccf: p * ccf * m / (p * cn),
        "brackets": lambda p, cn, m, ccf: p * ccf * m / p * cn + 2 * (1 - p),
        "ccf": lambda p, cn, m, ccf: p * m / (p * cn + 2 * (1 - p)),
    }
    for words, slip in slips.items():
        result = checks.expected_vaf(slip, cases=cases, quick=False)
        assert not result.passed and words in result.hint, words


def test_expected_vaf_that_knows_only_the_examples_fails_the_secret_cases():
    examples = {case: _hand_vaf(*case) for case in checks.expected_vaf.cases()}

    def hard_coded(*case):
        return examples.get(case, 0.3)

    assert checks.expected_vaf(hard_coded).passed
    secret = checks.vaf_cases(checks.SCENARIO_PATIENT, checks.TUMOUR_ONLY_PATIENT)
    assert not checks.expected_vaf(hard_coded, cases=secret, quick=False).passed
    shortcut = checks.expected_vaf(
        lambda p, cn, m, ccf: oncology.expected_vaf(
            p, copy_number=cn, mutated_copies=m, cancer_cell_fraction=ccf
        )
    )
    assert not shortcut.passed


def test_tmb_check_agrees_with_a_hand_count_and_names_each_slip():
    tested = PATIENTS.index[PATIENTS["testing"] == "tumour-normal"][:60]
    cases = checks.tmb_cases(*tested)
    assert {_hand_tmb(table, size) >= 10 for table, size in cases} == {True, False}
    assert checks.tmb(_hand_tmb, cases=cases, quick=False).passed
    empty = [(cases[0][0].head(0), 1.1)]
    assert checks.tmb(_hand_tmb, cases=empty, quick=False).passed

    def coding(v):
        return v["consequence"].isin(CODING)

    def somatic(v):
        return coding(v) & (v["origin"] == "somatic")

    slips = {
        "drivers": lambda v, size: somatic(v).sum() / size,
        "Germline": lambda v, size: (coding(v) & ~v["driver"]).sum() / size,
        "divide": lambda v, size: float((somatic(v) & ~v["driver"]).sum()),
    }
    for words, slip in slips.items():  # his variants tell the three slips apart
        assert not checks.tmb(slip, cases=cases, quick=False).passed
        assert words in checks.tmb(slip).hint, words
    shortcut = checks.tmb(lambda v, size: oncology.tumour_mutational_burden(v, size))
    assert not shortcut.passed


def test_tmb_cases_refuse_tumour_only_patients():
    with pytest.raises(ValueError, match="tumour-only"):
        checks.tmb_cases(checks.TUMOUR_ONLY_PATIENT)


# --------------------------------------------------------------------------
# The exercise's clinical choices
# --------------------------------------------------------------------------


def test_the_tmb_high_patient_is_tmb_high_without_an_eu_option():
    patient_id = checks.TMB_HIGH_PATIENT
    patient = PATIENTS.loc[patient_id]
    assert (patient["testing"], patient["msi_status"]) == ("tumour-normal", "MSS")
    assert _hand_tmb(_rows(patient_id), patient["panel_size_mb"]) >= 10
    actionable = set(zip(THERAPIES["gene"], THERAPIES["alteration"], strict=True))
    rows = _rows(patient_id)
    assert not actionable & set(zip(rows["gene"], rows["alteration"], strict=True))
    assert not rows["gene"].isin(["BRCA1", "BRCA2"]).any()
    tmb_high = THERAPIES[THERAPIES["biomarker"] == "TMB-high"]
    assert tmb_high["ema_status"].str.startswith("not approved").all()
    assert checks.eligibility_tmb_high("C", quick=False).passed


def test_the_tumour_only_brca1_variant_is_unexplained_by_purity():
    patient = PATIENTS.loc[checks.TUMOUR_ONLY_PATIENT]
    assert (patient["testing"], patient["sex"]) == ("tumour-only", "female")
    brca1 = _rows(checks.TUMOUR_ONLY_PATIENT).query("gene == 'BRCA1'")
    assert len(brca1) == 1 and brca1["normal_depth"].isna().all()
    observed = float((brca1["tumour_alt_reads"] / brca1["tumour_depth"]).iloc[0])
    clonal = _hand_vaf(patient["purity"], 2, 1, 1.0)
    assert abs(observed - 0.5) < 0.05 and observed > 2 * clonal
    assert checks.likely_germline("B", quick=False).passed


def test_his_therapy_is_osimertinib_and_the_distractors_do_not_apply():
    his = _rows(checks.SCENARIO_PATIENT)
    assert "L858R" in set(his.loc[his["gene"] == "EGFR", "alteration"])
    assert "KRAS" not in set(his["gene"])
    assert _hand_tmb(his, PATIENTS.loc[checks.SCENARIO_PATIENT, "panel_size_mb"]) < 10
    osimertinib = THERAPIES.query("biomarker == 'EGFR L858R' and tumour_type == 'NSCLC'")
    assert osimertinib["therapy"].tolist() == ["osimertinib"]
    assert "first line" in osimertinib["setting"].iloc[0]
    brca = THERAPIES[THERAPIES["biomarker"] == "BRCA1/2 mutation"]
    assert "NSCLC" not in set(brca["tumour_type"])
    assert checks.his_therapy("B", quick=False).passed


def test_the_survival_choice_follows_the_medians_of_lifelines():
    group = OUTCOMES[OUTCOMES["biomarker"] == checks.EXERCISE_KM_BIOMARKER]
    matched = _hand_median(group[group["treatment"] == "matched"])
    unmatched = _hand_median(group[group["treatment"] == "unmatched"])
    assert math.isfinite(matched) and matched > unmatched
    assert checks.survival_plot(["A", "C"], quick=False).passed
    assert not checks.survival_plot(["C"], quick=False).passed


@pytest.mark.parametrize(
    ("name", "right"),
    [
        ("eligibility_tmb_high", "C"),
        ("likely_germline", "B"),
        ("his_therapy", "B"),
        ("survival_plot", ["A", "C"]),
    ],
)
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    assert_choice_teaches(getattr(checks, name), right)


def test_the_facts_the_text_quotes_are_the_datas():
    """The notebook's and the exercise's numbers and genes say what the data hold."""
    from pmcourse.modules import module

    notebook, exercise = markdown_text(module(5).notebook), markdown_text(module(5).master)
    his = PATIENTS.loc[checks.SCENARIO_PATIENT]
    assert f"estimated his at {his['purity']:g}" in notebook
    her = PATIENTS.loc[checks.TUMOUR_ONLY_PATIENT]
    assert f"Her purity is {her['purity']:g}" in notebook
    assert "her BRCA1 variant" in exercise
    rows = _rows(checks.SCENARIO_PATIENT)
    purity = his["purity"]
    ccf = rows["tumour_alt_reads"] / rows["tumour_depth"] * 2 / purity  # one copy of two
    by_gene = dict(zip(rows["gene"], ccf, strict=True))
    assert by_gene["NF1"] < 0.5 and "NF1 variant is in fewer than half" in notebook
    assert abs(by_gene["TP53"] - 2) < 0.1 and "TP53 shows a CCF near 2" in notebook
    germline = set(rows.loc[~_somatic(rows), "gene"])
    assert germline == {"BRCA2", "ERBB2"} and "Two variants are in his blood too" in notebook


# --------------------------------------------------------------------------
# Grading round trips: the exercise's master answers and its typical mistakes.
# --------------------------------------------------------------------------

ASSIGNMENT = "05_oncology"
CODE_CELLS = ["test_expected_vaf", "test_tmb"]
CHOICE_CELLS = [
    "test_answer_tmb_high",
    "test_answer_germline",
    "test_answer_therapy",
    "test_answer_survival",
]


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "no_normal_cells": with_slip(
            answers, "expected_vaf", " + 2 * (1 - purity))", ")"
        ),
        "germline_counted": with_slip(answers, "tmb", ' & (variants["origin"] == "somatic")', ""),
        "shortcut": {
            **answers,
            "tmb": "def tmb(variants, panel_size_mb):\n"
            "    return oncology.tumour_mutational_burden(variants, panel_size_mb)",
        },
        "example_only": {
            **answers,
            "expected_vaf": "def expected_vaf(purity, copy_number, mutated_copies, ccf):\n"
            "    return {(0.6, 2, 1, 1.0): 0.3, (0.67, 3, 1, 0.5): 0.125, (1.0, 1, 1, 1.0): 1.0,\n"
            "            (0.3, 4, 2, 1.0): 0.6 / 2.6}.get((purity, copy_number, mutated_copies,"
            " ccf), 0.3)",
        },
        "wrong_choices": {
            **answers,
            "answer_tmb_high": 'answer_tmb_high = "B"',
            "answer_germline": 'answer_germline = "C"',
            "answer_therapy": 'answer_therapy = "A"',
            "answer_survival": 'answer_survival = ["A", "B", "C"]',
        },
    }  # fmt: skip


graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "lost"),
    [("master", []), ("no_normal_cells", ["test_expected_vaf"]),
     ("germline_counted", ["test_tmb"]), ("shortcut", ["test_tmb"]),
     ("example_only", ["test_expected_vaf"]), ("wrong_choices", CHOICE_CELLS)],
)  # fmt: skip
def test_grading_loses_exactly_the_parts_of_each_mistake(graded, student, lost):
    """The master's answers earn every autograded point; each slip loses only its parts."""
    scores = graded.loc[student]
    assert [cell for cell in CODE_CELLS + CHOICE_CELLS if scores[cell] != 3] == lost
