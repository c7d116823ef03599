"""Tests of the checks of module 4 (pmcourse.checks.pharmacogenomics)."""

from __future__ import annotations

import pandas as pd
import pytest
from grading_helpers import assert_choice_teaches, graded_fixture, with_slip

from pmcourse import datasets, pgx
from pmcourse.checks import pharmacogenomics as checks

# Expected values, computed here from the raw data and hand-written rules, not
# from pmcourse.pgx, so the checks are tested against an independent answer.
DIPLOTYPES = datasets.load("diplotypes")
MEDICATIONS = datasets.load("medications")
CYP2C19_FUNCTION = {"*1": "normal", "*2": "no", "*3": "no", "*9": "decreased",
                    "*10": "decreased", "*12": "uncertain", "*17": "increased"}  # fmt: skip


def _cyp2c19(diplotype: str) -> str:
    functions = sorted(CYP2C19_FUNCTION[a] for a in diplotype.split("/"))
    if "uncertain" in functions:
        return "Indeterminate"
    rules = {
        ("increased", "increased"): "Ultrarapid Metabolizer",
        ("increased", "normal"): "Rapid Metabolizer",
        ("normal", "normal"): "Normal Metabolizer",
        ("no", "normal"): "Intermediate Metabolizer",
        ("increased", "no"): "Intermediate Metabolizer",
        ("no", "no"): "Poor Metabolizer",
        ("decreased", "no"): "Likely Poor Metabolizer",
    }
    return rules.get(tuple(functions), "Likely Intermediate Metabolizer")


CYP2D6_VALUE = {"*1": 1, "*2": 1, "*35": 1, "*17": 0.5, "*29": 0.5, "*9": 0.25, "*10": 0.25,
                "*41": 0.25, "*3": 0, "*4": 0, "*5": 0, "*6": 0}  # fmt: skip


def _cyp2d6_score(diplotype: str) -> float:
    total = 0.0
    for allele in diplotype.split("/"):
        name, _, copies = allele.partition("x")
        total += CYP2D6_VALUE[name] * int(copies or 1)
    return total


N_POOR = int(sum(_cyp2c19(d) == "Poor Metabolizer" for d in DIPLOTYPES["CYP2C19"]))


def test_allele_function_wants_cpics_exact_term():
    assert checks.allele_function("Increased function").passed
    wrong = checks.allele_function("Increased")
    assert not wrong.passed and "Increased function" in wrong.hint


def test_activity_score_names_the_pre_2022_slip():
    assert checks.activity_score(1.25).passed
    old = checks.activity_score(1.5)
    assert not old.passed and "2022" in old.hint
    assert "1.25" not in str(old)


def test_patients_with_phenotype_counts_exact_term():
    assert checks.patients_with_phenotype(N_POOR).passed
    result = checks.patients_with_phenotype(N_POOR + 1)
    assert not result.passed and str(N_POOR) not in str(result)
    table = checks.patients_with_phenotype(DIPLOTYPES)
    assert not table.passed and "whole table" in table.message


def test_clopidogrel_switches_counts_every_reduced_function_phenotype():
    on_clopidogrel = MEDICATIONS[
        (MEDICATIONS["ward"] == "Cardiology") & (MEDICATIONS["drug"] == "clopidogrel")
    ]
    table = DIPLOTYPES.set_index("patient_id").loc[on_clopidogrel["patient_id"], "CYP2C19"]
    switching = {"Intermediate Metabolizer", "Likely Intermediate Metabolizer",
                 "Poor Metabolizer", "Likely Poor Metabolizer"}  # fmt: skip
    expected = sum(_cyp2c19(d) in switching for d in table)
    assert 0 < expected < len(table)
    assert checks.clopidogrel_switches(expected).passed
    everyone = checks.clopidogrel_switches(len(table))
    assert not everyone.passed and "every patient on clopidogrel" in everyone.hint


UNSEEN_CYP2C19 = [("*3/*17",), ("*2/*10",), ("*12/*2",), ("*9/*9",), ("*17/*17",)]


def test_cyp2c19_function_check_runs_the_cases_it_is_given():
    assert checks.cyp2c19_phenotype(_cyp2c19).passed
    assert checks.cyp2c19_phenotype(_cyp2c19, cases=UNSEEN_CYP2C19, quick=False).passed

    def ignores_likely(diplotype):
        answer = _cyp2c19(diplotype)
        return answer.replace("Likely ", "")

    assert checks.cyp2c19_phenotype(ignores_likely).passed  # no "Likely" among the examples
    result = checks.cyp2c19_phenotype(ignores_likely, cases=UNSEEN_CYP2C19, quick=False)
    assert not result.passed and "test input 2" in result.message


def test_function_checks_switch_off_the_library_shortcut():
    result = checks.cyp2c19_phenotype(lambda d: pgx.phenotype("CYP2C19", d))
    assert not result.passed and "switched off" in result.message
    assert pgx.phenotype("CYP2C19", "*1/*2") == "Intermediate Metabolizer"  # on again


def test_cyp2d6_function_check_names_duplication_and_old_value_slips():
    assert checks.cyp2d6_activity_score(_cyp2d6_score).passed

    def ignores_copies(diplotype):
        return sum(CYP2D6_VALUE[a.partition("x")[0]] for a in diplotype.split("/"))

    result = checks.cyp2d6_activity_score(ignores_copies)
    assert not result.passed and "copy" in result.hint

    def old_values(diplotype):
        old = {**CYP2D6_VALUE, "*9": 0.5, "*41": 0.5, "*10": 0.5}
        return sum(
            old[a.partition("x")[0]] * int(a.partition("x")[2] or 1) for a in diplotype.split("/")
        )

    result = checks.cyp2d6_activity_score(old_values)
    assert not result.passed and "2022" in result.hint


def _learner_alerts(medications, profile):
    """drug_gene_alerts as the exercise's solution writes it."""
    return [
        drug
        for drug in medications
        if pgx.has_recommendation(drug, profile)
        and pgx.recommendation(drug, profile).changes_prescription
    ]


def test_drug_gene_alerts_check_rejects_a_function_that_flags_every_cpic_drug():
    assert checks.drug_gene_alerts(_learner_alerts).passed

    def every_cpic_drug(medications, profile):
        cpic = {"clopidogrel", "codeine", "simvastatin", "atorvastatin", "capecitabine",
                "tramadol", "azathioprine", "escitalopram"}  # fmt: skip
        return [drug for drug in medications if drug in cpic]

    assert not checks.drug_gene_alerts(every_cpic_drug).passed


def test_ward_check_counts_patients_not_prescriptions():
    def counts_patients(medications, phenotypes):
        profiles = phenotypes.set_index("patient_id")
        return sum(
            len(_learner_alerts(list(drugs), profiles.loc[patient].to_dict())) > 0
            for patient, drugs in medications.groupby("patient_id")["drug"]
        )

    assert checks.patients_with_changed_prescription(counts_patients).passed
    assert checks.patients_with_changed_prescription(
        counts_patients, cases=checks.ward_cases("Oncology", "Psychiatry"), quick=False
    ).passed

    def counts_prescriptions(medications, phenotypes):
        profiles = phenotypes.set_index("patient_id")
        return sum(
            len(_learner_alerts([drug], profiles.loc[patient].to_dict()))
            for patient, drug in zip(medications["patient_id"], medications["drug"], strict=True)
        )

    result = checks.patients_with_changed_prescription(counts_prescriptions)
    assert not result.passed


@pytest.mark.parametrize("answer", [..., None, "3", pd.Series([1, 2])])
def test_value_checks_survive_odd_answers(answer):
    result = checks.patients_with_phenotype(answer)
    assert not result.passed and result.message


def _cardiology_warfarin_patients(guided_only: bool) -> int:
    """Cardiology patients on warfarin, from the raw diplotypes (CYP2C9 *3/*3 etc. are Poor)."""
    on = MEDICATIONS[(MEDICATIONS["ward"] == "Cardiology") & (MEDICATIONS["drug"] == "warfarin")]
    cyp2c9 = DIPLOTYPES.set_index("patient_id").loc[on["patient_id"].unique(), "CYP2C9"]
    value = {"*1": 1, "*2": 0.5, "*3": 0, "*5": 0.5, "*6": 0, "*8": 0.5, "*11": 0.5}
    scores = [sum(value[a] for a in d.split("/")) for d in cyp2c9]
    return sum(score >= 1 for score in scores) if guided_only else len(scores)


def test_guided_starting_dose_counts_warfarin_apart_from_changed_prescriptions():
    guided = _cardiology_warfarin_patients(guided_only=True)
    assert 0 < guided < _cardiology_warfarin_patients(guided_only=False)
    assert checks.patients_with_guided_starting_dose(guided).passed
    everyone = checks.patients_with_guided_starting_dose(
        _cardiology_warfarin_patients(guided_only=False)
    )
    assert not everyone.passed and "another anticoagulant" in everyone.hint


def test_ward_check_names_the_slip_of_counting_warfarin_algorithm_dosing():
    def counts_algorithm_dosing(medications, phenotypes):
        profiles = phenotypes.set_index("patient_id")
        changed = 0
        for patient, drugs in medications.groupby("patient_id")["drug"]:
            profile = profiles.loc[patient].dropna().to_dict()
            advice = [
                pgx.recommendation(d, profile) for d in drugs if pgx.has_recommendation(d, profile)
            ]
            changed += any(
                a.changes_prescription or a.action == "dose by algorithm" for a in advice
            )
        return changed

    result = checks.patients_with_changed_prescription(counts_algorithm_dosing)
    assert not result.passed and "Warfarin" in result.hint


# Each question's right answer, checked against the library's advice.
QUESTIONS = {
    "codeine_with_paroxetine": "D",
    "warfarin_start": "B",
    "dpyd_before_capecitabine": "C",
    "pm30_antiplatelet": "D",
}


@pytest.mark.parametrize(("name", "right"), QUESTIONS.items())
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    question = getattr(checks, name)
    assert_choice_teaches(question, right)
    assert question(right.lower(), quick=False).passed
    assert all(question.check_form(label).passed for label in question.reasoning)
    assert not question.check_form("E").passed


def test_the_right_choices_agree_with_the_library():
    codeine = pgx.recommendation("codeine", {"CYP2D6": "*1/*1"}, medications=["paroxetine"])
    assert codeine.phenotypes == {"CYP2D6": "Poor Metabolizer"}
    assert "greatly reduced" in checks.codeine_with_paroxetine.options["D"]
    assert "greatly reduced" in codeine.text
    warfarin = pgx.recommendation("warfarin", {"CYP2C9": "*1/*1", "VKORC1": "GA"})
    assert warfarin.guides_starting_dose and not warfarin.changes_prescription
    dpyd = pgx.recommendation("capecitabine", {"DPYD": "c.1905+1G>A/c.2846A>T"})
    assert "strongly reduced dose" in dpyd.text
    assert "strongly reduced dose" in checks.dpyd_before_capecitabine.options["C"]
    profile = checks.patient_profile("PM-000030")
    clopidogrel = pgx.recommendation("clopidogrel", profile)
    assert (clopidogrel.action, clopidogrel.strength) == ("change drug", "Strong")
    his = MEDICATIONS.loc[MEDICATIONS["patient_id"] == "PM-000030", "drug"].tolist()
    assert {"apixaban", "clopidogrel"} <= set(his)


# --------------------------------------------------------------------------
# The graded exercise: slips, shortcuts and hard-coded answers, graded
# --------------------------------------------------------------------------

ASSIGNMENT = "04_pharmacogenomics"
CELLS = ["test_cyp2c19_phenotype", "test_cyp2d6_activity_score", "test_drug_gene_alerts",
         "test_patients_with_changed_prescription"]  # fmt: skip
CHOICES = {"answer_codeine": "A", "answer_warfarin": "A", "answer_dpyd": "B", "answer_pm30": "A"}


def _hard_coded_answers() -> dict[str, str]:
    """Answers that know only the notebook's examples."""
    examples = ["*1/*2", "*1/*17", "*2/*2", "*1/*1"]
    phenotypes = {d: _cyp2c19(d) for d in examples}
    scores = {d: _cyp2d6_score(d) for d in ["*1/*4", "*1/*1x2", "*1/*41"]}
    return {
        "cyp2c19_phenotype": f"def cyp2c19_phenotype(diplotype):\n"
        f"    return {phenotypes!r}[diplotype]",
        "cyp2d6_activity_score": f"def cyp2d6_activity_score(diplotype):\n"
        f"    return {scores!r}[diplotype]",
        "drug_gene_alerts": "def drug_gene_alerts(medications, profile):\n"
        "    return ['clopidogrel'] if 'clopidogrel' in medications else []",
    }


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "ignores_copies": with_slip(answers, "cyp2d6_activity_score", " * copies", ""),
        "hard_coded": {**answers, **_hard_coded_answers()},
        "shortcut": {
            **answers,
            "cyp2c19_phenotype": "def cyp2c19_phenotype(diplotype):\n"
            "    return pgx.phenotype('CYP2C19', diplotype)",
            "cyp2d6_activity_score": "def cyp2d6_activity_score(diplotype):\n"
            "    return pgx.activity_score('CYP2D6', diplotype)",
        },
        "wrong_choices": {
            **answers,
            **{name: f'{name} = "{label}"' for name, label in CHOICES.items()},
        },
    }


# The master's answers and four kinds of imperfect submission, autograded in one run.
graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
def test_grading_ignoring_duplications_loses_only_that_part(graded):
    row = graded.loc["ignores_copies"]
    assert row["test_cyp2d6_activity_score"] == 0
    others = [cell for cell in CELLS if cell != "test_cyp2d6_activity_score"]
    assert (row[others] == 3).all()


@pytest.mark.slow
def test_grading_library_shortcuts_earn_no_points(graded):
    row = graded.loc["shortcut"]
    assert row["test_cyp2c19_phenotype"] == row["test_cyp2d6_activity_score"] == 0
    assert row["test_drug_gene_alerts"] == row["test_patients_with_changed_prescription"] == 3


@pytest.mark.slow
def test_grading_hidden_tests_catch_answers_that_know_only_the_examples(graded):
    row = graded.loc["hard_coded"]
    assert row["test_cyp2c19_phenotype"] == row["test_cyp2d6_activity_score"] == 0
    assert row["test_drug_gene_alerts"] == 0


@pytest.mark.slow
def test_grading_the_masters_answers_earns_every_autograded_point(graded):
    row = graded.loc["master"]
    assert (row[CELLS] == 3).all()
    assert (row[[f"test_{name}" for name in CHOICES]] == 3).all()


@pytest.mark.slow
def test_grading_wrong_clinical_choices_lose_only_those_parts(graded):
    row = graded.loc["wrong_choices"]
    assert (row[[f"test_{name}" for name in CHOICES]] == 0).all()
    assert (row[CELLS] == 3).all()
