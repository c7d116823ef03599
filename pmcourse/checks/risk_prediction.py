"""Checks for module 6 (risk prediction): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 6.
Value checks take a score, a percentile, a count or an AUC the learner worked
out in the module notebook. Function checks (:class:`pmcourse.check.FunctionCheck`)
take a function the learner wrote in the graded exercise (a polygenic score, a
percentile, top-5% flags, the AUC of a risk model) and run it on the public
examples, or on the secret patients, variants and groups a hidden test passes
in; the library function that would answer for the learner is switched off
meanwhile. Expected values are computed with :mod:`pmcourse.risk` from the
course data, never shown. Hints name the common slips (missing calls counted as
0, odds ratios for log odds ratios, the share above instead of below, the
patient's own group as reference) without giving the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import datasets, risk
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = [
    "CLINICAL",
    "COMBINED",
    "EARLY_ONSET_PATIENT",
    "INVITATION_THRESHOLD",
    "REFERENCE_ANCESTRY",
    "SECOND_GROUP_PATIENT",
    "STORY_PATIENT",
    "ancestry_fit",
    "auc_combined",
    "auc_cases",
    "invite_decision",
    "model_auc",
    "my_scores",
    "n_top_5",
    "nns_at_threshold",
    "percentile_cases",
    "percentile_meaning",
    "percentile_of",
    "polygenic_score",
    "risk_data",
    "score_cases",
    "story_percentile",
    "story_risks",
    "top_5_cases",
    "top_5_percent",
]

#: The story patient: a 52-year-old woman without known coronary disease whose
#: score lies at about the 97th percentile of the cohort's European patients.
STORY_PATIENT = risk.STORY_PATIENT

#: Module 4's patient, who had an NSTEMI at 46: an early-onset case.
EARLY_ONSET_PATIENT = "PM-000030"

#: The ancestry group of the reference group (the score was developed in
#: people of European ancestry, and the story patient is one).
REFERENCE_ANCESTRY = "EUR"

#: The exercise's patient from the second ancestry group: a 55-year-old man
#: whose score lies at about the 97th percentile of the European reference group.
SECOND_GROUP_PATIENT = "PM-700586"

#: The course's (synthetic) prevention programme invites people from this
#: predicted 10-year risk of a coronary event on. A course design value for the
#: demonstration, not a guideline threshold (it echoes ESC 2021's "very high"
#: 10-year cardiovascular risk at ages 50-69, which is for SCORE2's events).
INVITATION_THRESHOLD = 0.10

#: The clinical model's predictors, and the combined model's (clinical + score).
CLINICAL = list(risk.CLINICAL_PREDICTORS)
COMBINED = [*CLINICAL, "prs_z"]


# --------------------------------------------------------------------------
# The course data, read once
# --------------------------------------------------------------------------


@functools.cache
def _dosages() -> pd.DataFrame:
    """The cohort's dosages indexed by patient: the `ancestry` column and one per variant."""
    return datasets.load("prs_dosages").set_index("patient_id")


def _genotypes() -> pd.DataFrame:
    """The cohort's dosages of the score's variants only (as the notebook selects them)."""
    return _dosages()[risk.cad_weights().index]


@functools.cache
def _scores() -> pd.Series:
    return risk.polygenic_score(_genotypes(), risk.cad_weights())


def _reference() -> pd.Series:
    """The reference group's scores: the cohort's patients of European ancestry."""
    return _scores()[_dosages()["ancestry"] == REFERENCE_ANCESTRY]


@functools.cache
def _second_group() -> pd.DataFrame:
    """The second ancestry group, indexed by patient, with its raw and standardised score."""
    people = datasets.load("cad_second_ancestry").set_index("patient_id")
    people["prs"] = risk.polygenic_score(people, risk.cad_weights())
    people["prs_z"] = risk.standardise(people["prs"], _reference())
    return people


@functools.cache
def _risk_data() -> pd.DataFrame:
    data = datasets.load("cohort").merge(datasets.load("cad_outcomes"), on="patient_id")
    data["prs"] = data["patient_id"].map(_scores())
    data["prs_z"] = data["patient_id"].map(risk.standardise(_scores(), _reference()))
    return data


def risk_data() -> pd.DataFrame:
    """The cohort with its 10-year outcome, score (``prs``) and standardised score (``prs_z``).

    The score is standardised against the cohort's European patients, as in the
    module notebook.

    Examples
    --------
    >>> data = risk_data()
    >>> len(data), {"cad_event_10y", "prs", "prs_z"} <= set(data.columns)
    (1000, True)
    """
    return _risk_data().copy()


def _model_risk(data: pd.DataFrame, predictors: Sequence[str]) -> pd.Series:
    return risk.fit_risk_model(data, list(predictors)).risk(data)


def _model_auc(data: pd.DataFrame, predictors: Sequence[str]) -> float:
    """The AUC of a logistic model fitted and judged on the same patients."""
    return risk.roc_auc(data[risk.OUTCOME], _model_risk(data, predictors))


@functools.cache
def _story_risks() -> tuple[float, float]:
    clinical, combined = (
        float(_model_risk(_risk_data(), model)[STORY_PATIENT]) for model in (CLINICAL, COMBINED)
    )
    return clinical, combined


def story_risks() -> dict[str, float]:
    """The story patient's predicted 10-year risk under the clinical and the combined model.

    Examples
    --------
    >>> risks = story_risks()
    >>> sorted(risks), 0 < risks["clinical"] < risks["clinical + score"] < 1
    (['clinical', 'clinical + score'], True)
    """
    clinical, combined = _story_risks()
    return {"clinical": clinical, "clinical + score": combined}


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def my_scores(answer: Any) -> CheckResult:
    """Check every cohort patient's score, worked out by hand (your turn 1).

    Examples
    --------
    >>> genotypes, weights = _genotypes(), risk.cad_weights()
    >>> my_scores((genotypes.fillna(genotypes.mean()) * weights).sum(axis=1)).passed
    True
    >>> my_scores((genotypes * weights).sum(axis=1)).passed
    False
    """
    genotypes, weights = _genotypes(), risk.cad_weights()
    slips = [
        ((genotypes * weights).sum(axis=1), "A missing call was counted as 0 copies. Fill the "
         "gaps with each variant's average first: genotypes.fillna(genotypes.mean())."),
        ((genotypes.fillna(genotypes.mean()) * np.exp(weights)).sum(axis=1), "Those are the "
         "odds ratios. The score adds the log odds ratios: multiply by `weights` as they are."),
        (genotypes.fillna(genotypes.mean()).sum(axis=1), "That counts the effect alleles "
         "without their weights: multiply by `weights` before adding up."),
    ]  # fmt: skip
    return check_value(
        answer,
        _scores(),
        name="my_scores",
        hint="Fill the missing calls with genotypes.fillna(genotypes.mean()), multiply by "
        "weights, and add up each row with .sum(axis=1).",
        common_mistakes=slips,
    )


def story_percentile(answer: Any) -> CheckResult:
    """Check the story patient's percentile in the European reference group (your turn 2).

    Both ``<`` and ``<=`` pass: the patient is one of the reference group, so the
    two differ by her own score, a tenth of a percentile point.

    Examples
    --------
    >>> her = _scores()[STORY_PATIENT]
    >>> story_percentile((_reference() < her).mean() * 100).passed
    True
    >>> story_percentile((_reference() < her).mean()).passed
    False
    """
    her, reference = _scores()[STORY_PATIENT], _reference()
    expected = float(risk.percentile([her], reference).iloc[0])
    slips = [
        ((reference < her).mean(), "That is a share from 0 to 1. A percentile is a percentage: "
         "multiply by 100."),
        ((reference > her).mean() * 100, "That is the share of the reference group with a "
         "higher score. A percentile counts those below: <, not >."),
        ((_scores() < her).mean() * 100, "That compares her with every patient of the cohort. "
         "The reference group is the European patients, `european`."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="her_percentile",
        hint="Compare the reference scores with hers, (european < her_score), take the share "
        "of True with .mean(), and multiply by 100.",
        tolerance=1e-3,
        common_mistakes=slips,
    )


def n_top_5(answer: Any) -> CheckResult:
    """Check how many cohort patients are in the top 5% of the reference group (your turn 3).

    Examples
    --------
    >>> n_top_5(int(risk.top_percent(_scores(), 5, _reference()).sum())).passed
    True
    """
    scores, reference = _scores(), _reference()
    expected = int(risk.top_percent(scores, 5, reference).sum())
    slips = [
        (int((risk.percentile(scores) > 95).sum()), "That ranks the patients among all the "
         "cohort. Rank them against the European reference group: risk.percentile(scores, "
         "european)."),
        (int((risk.percentile(scores, reference) < 5).sum()), "Those are the bottom 5%: the "
         "top 5% have a percentile above 95."),
        (int(risk.top_percent(reference, 5).sum()), "That counts the European patients only. "
         "Flag every patient of the cohort: `scores`."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="n_top_5",
        hint="Flag the scores with risk.percentile(scores, european) > 95, then count the True "
        "values with .sum().",
        tolerance=0,
        common_mistakes=slips,
    )


def auc_combined(answer: Any) -> CheckResult:
    """Check the AUC of the clinical + score model on the cohort (your turn 4).

    Examples
    --------
    >>> auc_combined(_model_auc(_risk_data(), COMBINED)).passed
    True
    >>> auc_combined(_model_auc(_risk_data(), CLINICAL)).passed
    False
    """
    data = _risk_data()
    slips = [
        (_model_auc(data, CLINICAL), "That is the clinical model's AUC. Add the score: the "
         "predictors `combined`."),
        (risk.roc_auc(data[risk.OUTCOME], data["prs_z"]), "That is the AUC of the score "
         "alone. Fit the model with all the predictors of `combined` first."),
    ]  # fmt: skip
    return check_value(
        answer,
        _model_auc(data, COMBINED),
        name="auc_combined",
        hint="Fit risk.fit_risk_model(data, combined), predict with model.risk(data), and "
        'pass the outcome and the risks to risk.roc_auc(data["cad_event_10y"], ...).',
        tolerance=1e-4,
        common_mistakes=slips,
    )


def nns_at_threshold(answer: Any, *, threshold: float = INVITATION_THRESHOLD) -> CheckResult:
    """Check the number needed to screen at `threshold` with the combined model (your turn 5).

    Examples
    --------
    >>> data = _risk_data()
    >>> table = risk.screening_table(_model_risk(data, COMBINED), data["cad_event_10y"], 0.10)
    >>> nns_at_threshold(table["number_needed_to_screen"].iloc[0]).passed
    True
    """
    data = _risk_data()
    y = data[risk.OUTCOME]
    table = risk.screening_table(_model_risk(data, COMBINED), y, threshold).iloc[0]
    clinical = risk.screening_table(_model_risk(data, CLINICAL), y, threshold).iloc[0]
    slips = [
        (table["invited"], "That is the number of people invited. The number needed to screen "
         "is the invited per case found: the column number_needed_to_screen."),
        (table["cases_found"] / table["invited"], "That is the share of the invited who have "
         "an event: the number needed to screen is its inverse, invited / cases found."),
        (clinical["number_needed_to_screen"], "That is the clinical model's. Use the risks "
         "of the combined model, `combined_risk`."),
    ]  # fmt: skip
    return check_value(
        answer,
        float(table["number_needed_to_screen"]),
        name="nns",
        hint="Read the column number_needed_to_screen of risk.screening_table(combined_risk, "
        f'data["cad_event_10y"], {threshold}).',
        tolerance=0.01,  # read off the table to one decimal
        common_mistakes=slips,
    )


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.polygenic_score(function) for the public examples, or with cases=...
# and quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


def score_cases(*seeds: int, n_patients: int = 40, n_variants: int = 8) -> list[tuple]:
    """(dosages, weights) test inputs: a random sample of patients and variants per seed.

    Each draws `n_patients` patients of the cohort (and of the second ancestry
    group for odd seeds) and `n_variants` of the score's variants, sets a few
    more calls missing, and turns one weight negative (a protective allele).

    Examples
    --------
    >>> [(dosages.shape, len(weights)) for dosages, weights in score_cases(1, 2)]
    [((40, 8), 8), ((40, 8), 8)]
    """
    weights = risk.cad_weights()
    cases = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        people = _second_group() if seed % 2 else _dosages()
        variants = sorted(rng.choice(weights.index, size=n_variants, replace=False))
        rows = np.sort(rng.choice(len(people), size=n_patients, replace=False))
        dosages = people.iloc[rows][variants].astype(float)
        dosages = dosages.mask(rng.random(dosages.shape) < 0.05)
        picked = weights[variants].copy()
        picked.iloc[rng.integers(n_variants)] *= -1
        cases.append((dosages, picked))
    return cases


def _small_example() -> tuple[pd.DataFrame, pd.Series]:
    """Four patients and two variants, one call missing (the exercise's first example)."""
    dosages = pd.DataFrame(
        {"rs10757274": [0, 1, 2, None], "rs11591147": [1, 1, 0, 2]},
        index=pd.Index(["PM-000001", "PM-000002", "PM-000003", "PM-000004"], name="patient_id"),
    )
    return dosages, risk.cad_weights()[["rs10757274", "rs11591147"]]


polygenic_score = FunctionCheck(
    "polygenic_score",
    risk.polygenic_score,
    examples=lambda: [_small_example(), (_genotypes().iloc[:20], risk.cad_weights())],
    hint="Fill the missing calls with dosages.fillna(dosages.mean()), multiply by weights and "
    "add up each row with .sum(axis=1).",
    common_mistakes=[
        (
            lambda dosages, weights: (dosages * weights).sum(axis=1),
            "A missing call was counted as 0 copies. Fill it with the variant's average "
            "first: dosages.fillna(dosages.mean()).",
        ),
        (
            lambda dosages, weights: (dosages.fillna(dosages.mean()) * np.exp(weights)).sum(
                axis=1
            ),
            "Those are odds ratios. The score adds the weights as given, log odds ratios.",
        ),
        (
            lambda dosages, weights: dosages.fillna(dosages.mean()).sum(axis=1),
            "That counts the effect alleles without their weights: multiply by `weights`.",
        ),
    ],
    show_inputs=False,
    forbidden=[(risk, "polygenic_score")],
)


def percentile_cases(*seeds: int, n_reference: int = 200) -> list[tuple[float, pd.Series]]:
    """(score, reference) test inputs: scores of the second group placed among European scores.

    For each seed, `n_reference` scores of the cohort's European patients and
    three scores to place: two of the second ancestry group that tie with no
    reference score, and one above them all. Without ties, ``<`` and ``<=``
    give the same percentile.

    Examples
    --------
    >>> cases = percentile_cases(1)
    >>> len(cases), all(len(reference) == 200 for _, reference in cases)
    (3, True)
    """
    cases = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        reference = _reference().sample(n_reference, random_state=seed)
        others = _second_group()["prs"]
        others = others[~others.isin(reference.to_numpy())]
        picked = rng.choice(others.to_numpy(), size=2, replace=False)
        cases += [(float(score), reference) for score in (*picked, reference.max() + 0.1)]
    return cases


def _percentile_of(score: float, reference: pd.Series) -> float:
    return float(risk.percentile([score], reference).iloc[0])


percentile_of = FunctionCheck(
    "percentile_of",
    _percentile_of,
    examples=lambda: [
        (2.0, pd.Series([1.0, 1.5, 2.5, 3.0])),
        (float(_second_group().loc[SECOND_GROUP_PATIENT, "prs"]), _reference()),
    ],
    hint="Compare the reference scores with the score, (reference < score), take the share of "
    "True with .mean(), and multiply by 100.",
    common_mistakes=[
        (
            lambda score, reference: float((reference < score).mean()),
            "That is a share from 0 to 1: multiply by 100 for a percentile.",
        ),
        (
            lambda score, reference: float((reference > score).mean() * 100),
            "That is the share with a higher score. A percentile counts those below: <.",
        ),
    ],
    show_inputs=False,
)


def top_5_cases(*seeds: int, n_patients: int = 100) -> list[tuple[pd.Series, pd.Series]]:
    """(scores, reference) test inputs: patients of either ancestry group against European scores.

    Examples
    --------
    >>> [(len(scores), len(reference)) for scores, reference in top_5_cases(1)]
    [(100, 705)]
    """
    pool = pd.concat([_scores(), _second_group()["prs"]])
    return [
        (pool.sample(n_patients, random_state=seed).sort_index(), _reference()) for seed in seeds
    ]


top_5_percent = FunctionCheck(
    "top_5_percent",
    lambda scores, reference: risk.top_percent(scores, 5, reference),
    examples=lambda: [(_scores().iloc[:50], _reference())],
    hint="Place the scores in the reference group with risk.percentile(scores, reference), "
    "and keep those above 95: > 95.",
    common_mistakes=[
        (
            lambda scores, reference: risk.percentile(scores) > 95,
            "That ranks the scores among themselves. Rank them in the reference group: "
            "risk.percentile(scores, reference).",
        ),
        (
            lambda scores, reference: risk.percentile(scores, reference) < 5,
            "Those are the bottom 5%: the top 5% have a percentile above 95.",
        ),
        (
            lambda scores, reference: risk.percentile(scores, reference) > 5,
            "That keeps everyone above the 5th percentile. The top 5% are above the 95th.",
        ),
    ],
    show_inputs=False,
    forbidden=[(risk, "top_percent")],
)


def auc_cases(*seeds: int) -> list[tuple[pd.DataFrame, list[str]]]:
    """(data, predictors) test inputs: the second ancestry group, and samples of the cohort.

    The first case is the second ancestry group with the combined model's
    predictors; each seed adds a sample of three quarters of the cohort with
    the clinical predictors, or with the combined ones for even seeds.

    Examples
    --------
    >>> [(len(data), len(predictors)) for data, predictors in auc_cases(1)]
    [(2000, 6), (750, 5)]
    """
    second = _second_group().reset_index()
    cases = [(second, list(COMBINED))]
    for seed in seeds:
        sample = _risk_data().sample(frac=0.75, random_state=seed).reset_index(drop=True)
        cases.append((sample, list(COMBINED if seed % 2 == 0 else CLINICAL)))
    return cases


model_auc = FunctionCheck(
    "model_auc",
    _model_auc,
    examples=lambda: [(_risk_data(), list(CLINICAL))],
    hint="Fit model = risk.fit_risk_model(data, predictors), then return "
    'risk.roc_auc(data["cad_event_10y"], model.risk(data)).',
    common_mistakes=[
        (
            lambda data, predictors: risk.roc_auc(data[risk.OUTCOME], data["prs_z"]),
            "That is the AUC of the score alone. Fit a model with all the predictors first.",
        ),
        (
            lambda data, predictors: risk.roc_auc(
                data[risk.OUTCOME], 1 - _model_risk(data, predictors)
            ),
            "Pass the predicted risk itself to risk.roc_auc, not 1 minus it.",
        ),
    ],
    show_inputs=False,
    forbidden=[(risk, "auc_gain_by_group")],
)


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise: a clinical choice, graded
# when submitted. The exercise's text shows the options with the same letters;
# tests/test_checks_risk_prediction.py checks the right answers against the data.
# --------------------------------------------------------------------------

#: Part 4: what does the 97th percentile mean for her absolute risk?
percentile_meaning = Choice(
    "answer_percentile",
    options={
        "A": "She has a 97% chance of a coronary event in the next 10 years.",
        "B": "Her score is higher than that of about 97 in 100 people of the reference group. "
        "Her absolute risk is not in the percentile: it comes from a model with her age, sex, "
        "LDL cholesterol, blood pressure and smoking, and most people with a score this high "
        "have no coronary event in 10 years.",
        "C": "She has a 3% chance of a coronary event in the next 10 years.",
        "D": "Her risk is higher than that of every person with a lower score.",
    },
    correct="B",
    reasoning={
        "A": "Is a percentile a probability of disease, or a rank among other people's scores? "
        "Count how many of the cohort's top 5% had an event.",
        "C": "What does the 3% above her stand for: a chance of disease, or a share of people?",
        "D": "Her age, LDL cholesterol, blood pressure and smoking count too: can a younger "
        "person with a higher score have a lower risk than an older one?",
    },
    hint="Separate a rank among other people's scores from a chance of disease.",
)


def _invite_letter() -> str:
    return "A" if _story_risks()[1] >= INVITATION_THRESHOLD else "B"


#: Part 5: would you invite the story patient to the prevention programme?
invite_decision = Choice(
    "answer_invite",
    options={
        "A": "Invite her: with the score, her predicted 10-year risk reaches the programme's "
        "threshold of 10%, though her clinical risk alone is below it.",
        "B": "Do not invite her: even with the score, her predicted 10-year risk stays below "
        "the programme's threshold of 10%.",
        "C": "Invite her because everyone in the top 5% of the score is invited, whatever "
        "their clinical risk.",
        "D": "Do not invite her: with a score this high she will have coronary disease "
        "anyway, so prevention cannot help.",
    },
    correct=_invite_letter,
    reasoning={
        "A": "Read her predicted risk under the combined model again: is it at or above 10%?",
        "B": "Read her predicted risk under the combined model again: is it below 10%?",
        "C": "The programme invites by predicted absolute risk. Does a rank alone say how "
        "likely an event is?",
        "D": "A score raises the odds; it does not make an event certain, and her cholesterol, "
        "blood pressure, weight and activity can still be changed.",
    },
    hint="Compare her predicted 10-year risk from each model with the programme's threshold.",
)

#: Part 6: is the score fit for the second group's patient?
ancestry_fit = Choice(
    "answer_ancestry",
    options={
        "A": "Yes: a score at the 97th percentile means the same in every ancestry group.",
        "B": "Only with great caution: the score was built in people of European ancestry; in "
        "his group its variants tag the causal variants less well, it adds less to the "
        "clinical model, and a percentile against a European reference group can mislead. "
        "Base the decision on his clinical risk factors.",
        "C": "No genetic test can ever be used in a person whose ancestry is not European.",
        "D": "Yes, as long as his score is compared with the European reference group.",
    },
    correct="B",
    reasoning={
        "A": "Compare the AUC gain of the score in the two groups: does it add as much in his?",
        "C": "Is the problem genetics itself, or how this score was built and where?",
        "D": "The reference group decides the percentile: does a European reference group "
        "say where he stands among people of his ancestry, or how much the score predicts?",
    },
    hint="Think of where the score was built, and what the second group's AUC gain shows.",
)
