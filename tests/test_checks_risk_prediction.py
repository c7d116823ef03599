"""Tests of the checks of module 6 (pmcourse.checks.risk_prediction)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from grading_helpers import assert_choice_teaches, graded_fixture, markdown_text, with_slip

from pmcourse import datasets, risk
from pmcourse.checks import risk_prediction as checks
from pmcourse.reference import load_table

# Expected values, worked out here from the raw tables (the published odds ratios,
# the dosages, the outcomes) with plain numpy, not with pmcourse.risk, so the
# checks are tested against an independent answer.
COHORT = datasets.load("cohort").set_index("patient_id")
DOSAGES = datasets.load("prs_dosages").set_index("patient_id")
VARIANTS = load_table("prs_cad_weights")
LOG_OR = pd.Series(np.log(VARIANTS["odds_ratio"].to_numpy()), index=VARIANTS["variant_id"])
OUTCOME = datasets.load("cad_outcomes").set_index("patient_id")["cad_event_10y"]


def _hand_scores(dosages: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Weight x dosage added up, a missing call counted as the variant's mean dosage."""
    table = dosages[list(weights.index)].to_numpy(dtype=float)
    means = np.nanmean(table, axis=0)
    filled = np.where(np.isnan(table), means, table)
    return pd.Series(filled @ weights.to_numpy(), index=dosages.index)


def _hand_percentile(score: float, reference) -> float:
    """Share of the reference below, equal scores counted half, in percent."""
    values = np.asarray(reference, dtype=float)
    return 100 * ((values < score).sum() + 0.5 * (values == score).sum()) / len(values)


def _pair_auc(y, risk_values) -> float:
    """The AUC as the share of (case, non-case) pairs ranked right, ties counted half."""
    y, values = np.asarray(y), np.asarray(risk_values, dtype=float)
    cases, others = values[y == 1], values[y == 0]
    wins = (cases[:, None] > others[None, :]).sum() + 0.5 * (
        cases[:, None] == others[None, :]
    ).sum()
    return wins / (len(cases) * len(others))


SCORES = _hand_scores(DOSAGES, LOG_OR)
EUROPEAN = SCORES[DOSAGES["ancestry"] == "EUR"]


def _story_risks() -> tuple[float, float]:
    risks = checks.story_risks()
    return risks["clinical"], risks["clinical + score"]


# --------------------------------------------------------------------------
# The course data say what the module's story says
# --------------------------------------------------------------------------


def test_the_weights_are_the_log_odds_ratios_and_the_scores_those_of_the_library():
    assert np.allclose(risk.cad_weights().to_numpy(), LOG_OR.to_numpy(), atol=1e-6)
    assert np.allclose(checks.risk_data().set_index("patient_id")["prs"], SCORES, atol=1e-5)


def test_the_story_patient_is_a_woman_without_an_event_at_the_97th_percentile():
    her = COHORT.loc[checks.STORY_PATIENT]
    assert (her["sex"], her["age_years"], her["ancestry"]) == ("female", 52, "EUR")
    assert 45 <= her["age_years"] <= 60 and not her["smoker"]
    assert 96.5 <= _hand_percentile(SCORES[checks.STORY_PATIENT], EUROPEAN) <= 97.5


def test_the_second_group_patient_is_a_middle_aged_man_at_the_97th_percentile():
    people = datasets.load("cad_second_ancestry").set_index("patient_id")
    man = people.loc[checks.SECOND_GROUP_PATIENT]
    assert checks.SECOND_GROUP_PATIENT >= "PM-700001" and man["ancestry"] == risk.SECOND_ANCESTRY
    assert man["sex"] == "male" and 45 <= man["age_years"] <= 60
    score = _hand_scores(people, LOG_OR)[checks.SECOND_GROUP_PATIENT]
    assert 96 <= _hand_percentile(score, EUROPEAN) <= 98
    assert not np.isclose(EUROPEAN, score).any()  # no tie: < and <= give one percentile


def test_the_score_moves_her_over_the_invitation_threshold():
    clinical, combined = _story_risks()
    assert clinical < checks.INVITATION_THRESHOLD <= combined
    assert checks.invite_decision("A", quick=False).passed


def test_the_facts_the_texts_quote_are_the_datas():
    """The notebook's and the exercise's numbers and claims are what the data hold."""
    from pmcourse.modules import module

    her = COHORT.loc[checks.STORY_PATIENT]
    notebook, exercise = markdown_text(module(6).notebook), markdown_text(module(6).master)
    assert f"a {her['age_years']}-year-old woman from {her['region']}" in notebook
    assert f"systolic blood pressure is {her['systolic_bp_mmhg']} mmHg" in notebook
    assert f"cholesterol {her['ldl_cholesterol_mmol_l']:.2f} mmol/L" in notebook
    assert f"{her['bmi_kg_m2']} kg/m²" in notebook
    z = (SCORES[checks.STORY_PATIENT] - EUROPEAN.mean()) / EUROPEAN.std()
    assert "about two standard deviations above" in notebook and 1.75 <= z < 2.25
    clinical, combined = _story_risks()
    assert f"about {round(100 * clinical)}%. With her score" in notebook
    assert "more than twice as high" in notebook and 2 < combined / clinical < 3
    assert (
        f"about {round(100 * clinical)} in 100; with it, about {round(100 * combined)} in 100"
        in exercise
    )
    assert f"about {100 - round(100 * combined)} in 100 women like you" in exercise
    man = (
        datasets.load("cad_second_ancestry")
        .set_index("patient_id")
        .loc[checks.SECOND_GROUP_PATIENT]
    )
    assert f"is a {man['age_years']}-year-old man" in exercise and man["smoker"]
    assert f"LDL cholesterol is {man['ldl_cholesterol_mmol_l']:.2f} mmol/L" in exercise
    early = COHORT.loc[checks.EARLY_ONSET_PATIENT]
    assert f"LDL cholesterol was {early['ldl_cholesterol_mmol_l']} mmol/L" in notebook
    assert OUTCOME[checks.EARLY_ONSET_PATIENT] == 1
    assert _hand_percentile(SCORES[checks.EARLY_ONSET_PATIENT], EUROPEAN) < 50


def test_the_notebooks_claims_on_the_top_5_percent_and_the_auc_gain_hold():
    top = SCORES.map(lambda s: _hand_percentile(s, EUROPEAN) > 95)
    events = OUTCOME[SCORES.index]
    assert events[top].mean() > 2 * events[~top].mean()  # "more than twice"
    assert events[top].mean() < 0.5 and events[~top].sum() > events[top].sum()
    data = checks.risk_data()
    clinical = risk.fit_risk_model(data, checks.CLINICAL).risk(data)
    combined = risk.fit_risk_model(data, checks.COMBINED).risk(data)
    gain = _pair_auc(data["cad_event_10y"], combined) - _pair_auc(data["cad_event_10y"], clinical)
    assert 0.015 <= gain < 0.025  # "about two hundredths"
    second = datasets.load("cad_second_ancestry")
    second["prs_z"] = second["patient_id"].map(
        risk.standardise(_hand_scores(second.set_index("patient_id"), LOG_OR), EUROPEAN)
    )
    table = risk.auc_gain_by_group(
        pd.concat([data[data["ancestry"] == "EUR"], second]), fit_on=data
    ).set_index("group")
    assert table.loc["EUR", "auc_gain"] > 0.015  # the score raises the AUC ...
    assert table.loc[risk.SECOND_ANCESTRY, "auc_gain"] < 0.005  # ... and adds almost nothing


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def test_my_scores_passes_the_hand_scores_and_names_the_missing_calls():
    assert checks.my_scores(SCORES).passed
    genotypes = DOSAGES[LOG_OR.index]
    zero = checks.my_scores((genotypes * LOG_OR).sum(axis=1))
    assert not zero.passed and "fillna" in zero.hint
    odds = checks.my_scores((genotypes.fillna(genotypes.mean()) * np.exp(LOG_OR)).sum(axis=1))
    assert not odds.passed and "odds ratios" in odds.hint


def test_story_percentile_accepts_less_than_and_at_most_and_names_the_slips():
    her = SCORES[checks.STORY_PATIENT]
    assert checks.story_percentile(100 * (EUROPEAN < her).mean()).passed
    assert checks.story_percentile(100 * (EUROPEAN <= her).mean()).passed
    share = checks.story_percentile((EUROPEAN < her).mean())
    assert not share.passed and "100" in share.hint
    above = checks.story_percentile(100 * (EUROPEAN > her).mean())
    assert not above.passed and "higher" in above.hint
    assert f"{_hand_percentile(her, EUROPEAN):.1f}" not in str(share)


def test_n_top_5_counts_the_cohort_against_the_european_reference():
    flags = SCORES.map(lambda s: _hand_percentile(s, EUROPEAN) > 95)
    assert 0 < flags.sum() < len(flags)
    assert checks.n_top_5(int(flags.sum())).passed
    bottom = SCORES.map(lambda s: _hand_percentile(s, EUROPEAN) < 5)
    assert bottom.sum() != flags.sum()
    result = checks.n_top_5(int(bottom.sum()))
    assert not result.passed and "bottom 5%" in result.hint


def test_auc_combined_agrees_with_counting_pairs_and_names_the_clinical_model():
    data = checks.risk_data()
    combined = risk.fit_risk_model(data, checks.COMBINED).risk(data)
    by_pairs = _pair_auc(data["cad_event_10y"], combined)
    assert by_pairs == pytest.approx(risk.roc_auc(data["cad_event_10y"], combined), abs=1e-12)
    assert checks.auc_combined(by_pairs).passed
    clinical = risk.fit_risk_model(data, checks.CLINICAL).risk(data)
    result = checks.auc_combined(_pair_auc(data["cad_event_10y"], clinical))
    assert not result.passed and "clinical model" in result.hint


def test_nns_is_the_invited_per_case_found_at_the_threshold():
    data = checks.risk_data()
    combined = risk.fit_risk_model(data, checks.COMBINED).risk(data).to_numpy()
    invited = combined >= checks.INVITATION_THRESHOLD
    found = (invited & (data["cad_event_10y"].to_numpy() == 1)).sum()
    assert checks.nns_at_threshold(invited.sum() / found).passed
    assert checks.nns_at_threshold(round(invited.sum() / found, 1)).passed  # read off the table
    count = checks.nns_at_threshold(int(invited.sum()))
    assert not count.passed and "invited per case found" in count.hint


@pytest.mark.parametrize("answer", [None, ..., "97", [1.0], float("nan")])
def test_value_checks_survive_odd_answers(answer):
    for result in (
        checks.my_scores(answer),
        checks.story_percentile(answer),
        checks.n_top_5(answer),
        checks.auc_combined(answer),
        checks.nns_at_threshold(answer),
    ):
        assert not result.passed and result.message


# --------------------------------------------------------------------------
# The functions of the graded exercise
# --------------------------------------------------------------------------


def test_polygenic_score_check_grades_the_rule_on_secret_cases_and_names_the_slips():
    cases = checks.score_cases(1, 2, 3, 4)
    assert all(dosages.isna().any().any() for dosages, _ in cases)
    assert any((weights < 0).any() for _, weights in cases)
    assert checks.polygenic_score(_hand_scores, cases=cases, quick=False).passed
    zero = checks.polygenic_score(lambda d, w: (d * w).sum(axis=1), cases=cases, quick=False)
    assert not zero.passed and "fillna" in zero.hint
    shortcut = checks.polygenic_score(lambda d, w: risk.polygenic_score(d, w))
    assert not shortcut.passed


def test_percentile_of_check_takes_less_than_or_at_most_without_ties():
    cases = checks.percentile_cases(1, 2)
    assert checks.percentile_of(_hand_percentile, cases=cases, quick=False).passed
    for compare in (np.less, np.less_equal):
        result = checks.percentile_of(
            lambda s, ref, compare=compare: 100 * compare(ref, s).mean(), cases=cases, quick=False
        )
        assert result.passed
    above = checks.percentile_of(lambda s, ref: 100 * (ref > s).mean())
    assert not above.passed and "<" in above.hint


def test_top_5_percent_check_grades_the_flags_and_the_reference_group():
    cases = checks.top_5_cases(1, 2)
    assert all({True, False} <= set(_flags(*case)) for case in cases)
    assert checks.top_5_percent(_flags, cases=cases, quick=False).passed
    own = checks.top_5_percent(lambda s, ref: _flags(s, s), cases=cases, quick=False)
    assert not own.passed and "reference group" in own.hint
    shortcut = checks.top_5_percent(lambda s, ref: risk.top_percent(s, 5, ref))
    assert not shortcut.passed


def _flags(scores: pd.Series, reference: pd.Series) -> pd.Series:
    return scores.map(lambda s: _hand_percentile(s, reference) > 95)


def test_model_auc_check_grades_the_model_on_another_group_and_names_the_score_alone():
    def hand(data, predictors):
        return _pair_auc(data["cad_event_10y"], risk.fit_risk_model(data, predictors).risk(data))

    cases = checks.auc_cases(1, 2)
    assert {data["ancestry"].iloc[0] for data, _ in cases[:1]} == {risk.SECOND_ANCESTRY}
    assert checks.model_auc(hand, cases=cases, quick=False).passed
    alone = checks.model_auc(
        lambda data, predictors: _pair_auc(data["cad_event_10y"], data["prs_z"]),
        cases=cases,
        quick=False,
    )
    assert not alone.passed and "score alone" in alone.hint


@pytest.mark.parametrize(
    ("name", "right"),
    [("percentile_meaning", "B"), ("invite_decision", "A"), ("ancestry_fit", "B")],
)
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    assert_choice_teaches(getattr(checks, name), right)


# --------------------------------------------------------------------------
# Grading round trips: the exercise's master answers and its typical mistakes.
# --------------------------------------------------------------------------

ASSIGNMENT = "06_risk_prediction"
CODE_CELLS = ["test_polygenic_score", "test_place_scores", "test_model_auc"]
CHOICE_CELLS = ["test_answer_percentile", "test_answer_invite", "test_answer_ancestry"]


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "no_fill": with_slip(
            answers, "polygenic_score", "(filled * weights)", "(dosages * weights)"
        ),
        "fraction": with_slip(
            answers,
            "place_scores",
            "(reference < score).mean() * 100",
            "(reference < score).mean()",
        ),
        "own_group": with_slip(
            answers,
            "place_scores",
            "risk.percentile(scores, reference)",
            "risk.percentile(scores)",
        ),
        "shortcut": {
            **answers,
            "polygenic_score": "def polygenic_score(dosages, weights):\n"
            "    return risk.polygenic_score(dosages, weights)",
        },
        "score_alone": with_slip(answers, "model_auc", "model.risk(data)", 'data["prs_z"]'),
        "wrong_choices": {
            **answers,
            "answer_percentile": 'answer_percentile = "A"',
            "answer_invite": 'answer_invite = "C"',
            "answer_ancestry": 'answer_ancestry = "D"',
        },
    }


graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "lost"),
    [("master", []), ("no_fill", ["test_polygenic_score"]), ("fraction", ["test_place_scores"]),
     ("own_group", ["test_place_scores"]), ("shortcut", ["test_polygenic_score"]),
     ("score_alone", ["test_model_auc"]), ("wrong_choices", CHOICE_CELLS)],
)  # fmt: skip
def test_grading_loses_exactly_the_parts_of_each_mistake(graded, student, lost):
    """The master's answers earn every autograded point; each slip loses only its parts."""
    scores = graded.loc[student]
    assert [cell for cell in CODE_CELLS + CHOICE_CELLS if scores[cell] != 3] == lost
