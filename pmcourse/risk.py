"""Polygenic scores and clinical risk: scoring, percentiles, discrimination, calibration.

Module 6 of the course. A polygenic score (PRS) adds up, over the score's
variants, the effect size (a log odds ratio) times the number of copies of the
effect allele a person carries. The functions here compute the score the way
PLINK 2 does, place it in a reference group (z-score, percentile, top-k% flag),
combine it with clinical risk factors in a logistic regression (scikit-learn),
and judge the models by discrimination (ROC AUC) and calibration. A screening
table counts who would be invited at a risk threshold and how many future cases
would be found.

The data behind the module are synthetic (:func:`make_prs_dosages`,
:func:`make_cad_outcomes`, :func:`make_second_ancestry`); the score's variants
and effect sizes are a published score (``pmcourse/resources/prs_cad_weights.csv``,
see :func:`cad_weights`). Synthetic, not for clinical use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmcourse.cohort import (
    ANCESTRY_GROUPS,
    COHORT_COLUMNS,
    make_cohort,
    patient_draws,
    patient_ids,
)
from pmcourse.reference import load_table

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# scipy.stats and scikit-learn are imported where they are used: `make data` and
# every notebook import this module through pmcourse.datasets, and the two take
# most of a second to import.

__all__ = [
    "CAD_OUTCOME_COLUMNS",
    "CLINICAL_PREDICTORS",
    "MISSING_RATE",
    "OUTCOME",
    "OUTCOMES_SEED",
    "PRS_SEED",
    "RiskModel",
    "SCENARIO_DOSAGES",
    "SCENARIO_OUTCOMES",
    "SECOND_ANCESTRY",
    "SECOND_ANCESTRY_SEED",
    "STORY_PATIENT",
    "auc_gain_by_group",
    "cad_weights",
    "calibration_table",
    "fit_risk_model",
    "genetic_liability",
    "liability_model",
    "make_cad_outcomes",
    "make_prs_dosages",
    "make_second_ancestry",
    "percentile",
    "polygenic_score",
    "roc_auc",
    "score_variants",
    "screening_table",
    "standardise",
    "top_percent",
    "true_risk",
]

#: Seed of the score-variant genotypes (dosages) of the course's data.
PRS_SEED = 6001
#: Seed of the 10-year coronary events of the course's data: chosen among seeds
#: 6002 to 6011 so that a model fitted to the 1,000 patients finds odds ratios
#: close to the liability model's (with 6002, by chance, LDL cholesterol came
#: out protective, a lesson about small samples this module does not teach).
OUTCOMES_SEED = 6005
#: Seed of the second ancestry group's people (their clinical measures).
SECOND_ANCESTRY_SEED = 6003

#: The outcome column: a coronary artery disease event within 10 years (0 or 1).
OUTCOME = "cad_event_10y"

#: The clinical risk factors of the cohort that the liability model and the
#: clinical risk model use.
CLINICAL_PREDICTORS = (
    "age_years",
    "sex",
    "ldl_cholesterol_mmol_l",
    "systolic_bp_mmhg",
    "smoker",
)

#: The second ancestry group: new synthetic people, numbered from PM-700001 on
#: (a range no cohort patient has), of this CPIC ancestry group.
SECOND_ANCESTRY = "SSA"
_SECOND_FIRST_NUMBER = 700001

#: The story patient of module 6: a 52-year-old woman from Southern Denmark of
#: European ancestry who does not smoke, without known coronary disease, whose
#: score lands at about the 97th percentile of the cohort's European patients.
STORY_PATIENT = "PM-000008"

#: Score-variant genotypes that are written, not drawn (copies of each effect
#: allele): the story patient's, two copies of the 9p21 risk allele, one APOE
#: e4 allele (rs429358 C) and one LPA risk allele (rs10455872 G) among them.
#: The causal variants they tag are written the same.
SCENARIO_DOSAGES: dict[str, dict[str, int]] = {
    STORY_PATIENT: {
        "rs4341": 1,
        "rs662799": 0,
        "rs1042031": 0,
        "rs429358": 1,
        "rs7412": 2,
        "rs10757274": 2,
        "rs599839": 2,
        "rs708272": 0,
        "rs1746048": 2,
        "rs7025486": 0,
        "rs10455872": 1,
        "rs3798220": 0,
        "rs1801177": 0,
        "rs328": 1,
        "rs17465637": 2,
        "rs9818870": 0,
        "rs1799983": 1,
        "rs11591147": 2,
        "rs17228212": 0,
    }
}

#: Outcomes that are written, not drawn: module 4's PM-000030 had an NSTEMI at 46.
SCENARIO_OUTCOMES = {"PM-000030": 1}

CAD_OUTCOME_COLUMNS = {
    "patient_id": COHORT_COLUMNS["patient_id"],
    OUTCOME: "coronary artery disease event (myocardial infarction, coronary "
    "revascularisation or coronary death) within 10 years of the measurements in "
    "cohort.csv: 1 yes, 0 no (synthetic follow-up)",
}


# ---------------------------------------------------------------------------
# The score's variants
# ---------------------------------------------------------------------------


def score_variants() -> pd.DataFrame:
    """The variants of the course's coronary artery disease score, with their source.

    Returns
    -------
    pandas.DataFrame
        One row per variant (``pmcourse/resources/prs_cad_weights.csv``):
        ``variant_id`` (rsID), ``chromosome``, ``position_grch38``,
        ``effect_allele``, ``other_allele``, ``odds_ratio`` (published, per copy
        of the effect allele), ``effect_weight`` (its natural logarithm, the log
        odds ratio) and ``effect_allele_frequency``. ``frame.attrs`` holds the
        source (:func:`pmcourse.reference.source_of`).

    Examples
    --------
    >>> variants = score_variants().set_index("variant_id")
    >>> variants.loc["rs10757274", ["locus", "effect_allele", "odds_ratio"]].to_dict()
    {'locus': 'CDKN2A/CDKN2B', 'effect_allele': 'G', 'odds_ratio': 1.23}
    """
    return load_table("prs_cad_weights")


def cad_weights() -> pd.Series:
    """The score's effect weights (log odds ratios), indexed by variant.

    Returns
    -------
    pandas.Series
        ``effect_weight`` of :func:`score_variants`, indexed by ``variant_id``:
        the ``weights`` argument of :func:`polygenic_score`.

    Examples
    --------
    >>> weights = cad_weights()
    >>> len(weights), round(float(weights["rs10757274"]), 4)
    (19, 0.207)
    """
    variants = score_variants()
    return variants.set_index("variant_id")["effect_weight"].rename("effect_weight")


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def _by_patient(frame: pd.DataFrame) -> pd.DataFrame:
    """Index a frame by patient_id when it has that column."""
    if "patient_id" in frame.columns:
        return frame.set_index("patient_id")
    return frame


def polygenic_score(dosages: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Each patient's polygenic score: the sum of effect weight x dosage over the variants.

    Equals PLINK 2's ``--score ... cols=+scoresums`` column ``SCORE1_SUM`` on the
    same data: a missing genotype counts as the average dosage of the effect
    allele in the scored patients (twice its allele frequency among those
    called), as PLINK 2 imputes by default.

    Parameters
    ----------
    dosages : pandas.DataFrame
        Patients x variants: copies of the effect allele, 0, 1 or 2, or NaN for
        a missing call. Patients are the index, or the ``patient_id`` column if
        there is one; columns are named by variant. Columns that are not in
        `weights` (such as ``ancestry``) are ignored.
    weights : pandas.Series
        Effect weight (log odds ratio) per copy of the effect allele, indexed by
        variant, such as :func:`cad_weights`.

    Returns
    -------
    pandas.Series
        The score of each patient (named ``prs``), indexed by patient.

    Raises
    ------
    ValueError
        If a variant of `weights` has no column in `dosages`, if a dosage is
        not a number from 0 to 2, or if a variant has no call in any patient
        (then its frequency, and so the imputed value, is unknown).
    TypeError
        If `dosages` is not a DataFrame or `weights` not a Series.

    Examples
    --------
    >>> dosages = pd.DataFrame({"rs1": [0, 1, 2, None], "rs2": [1, 1, 0, 2]},
    ...                        index=["PM-000001", "PM-000002", "PM-000003", "PM-000004"])
    >>> weights = pd.Series({"rs1": 0.2, "rs2": -0.1})
    >>> polygenic_score(dosages, weights).round(3).tolist()
    [-0.1, 0.1, 0.4, 0.0]

    PM-000004's missing call at rs1 counts as 1 copy, the average of 0, 1 and 2.
    """
    if not isinstance(dosages, pd.DataFrame):
        raise TypeError(
            f"dosages should be a table (pandas DataFrame) of patients x variants; "
            f"got {type(dosages).__name__}. Load one with pmcourse.datasets.load('prs_dosages')."
        )
    if not isinstance(weights, pd.Series):
        raise TypeError(
            f"weights should be a pandas Series of effect weights indexed by variant; "
            f"got {type(weights).__name__}. Use pmcourse.risk.cad_weights()."
        )
    dosages = _by_patient(dosages)
    missing = [variant for variant in weights.index if variant not in dosages.columns]
    if missing:
        raise ValueError(
            f"{len(missing)} variant(s) of the score have no column in the dosages: "
            f"{missing[:5]}. Check that the dosages are of the score's variants "
            "(columns named by rsID)."
        )
    table = dosages[list(weights.index)]
    numeric = table.apply(pd.to_numeric, errors="coerce")
    for flagged, values, problem in [
        (
            table.notna() & numeric.isna(),
            table,
            "Dosages should be numbers (copies of the effect allele: 0, 1 or 2); "
            "variant {variant} has {value!r}. Convert genotypes to counts first.",
        ),
        (
            (numeric < 0) | (numeric > 2),
            numeric,
            "A dosage counts copies of the effect allele, so it lies from 0 to 2; "
            "variant {variant} has {value}. Check the coding of that column.",
        ),
    ]:
        if flagged.any().any():  # the first flagged value of the first variant that has one
            variant = flagged.any().idxmax()
            value = values.loc[flagged[variant], variant].iloc[0]
            raise ValueError(problem.format(variant=variant, value=value))
    uncalled = numeric.columns[numeric.isna().all()].tolist()
    if uncalled:
        raise ValueError(
            f"Variant(s) {uncalled[:5]} have no call in any patient, so their allele "
            "frequency (used for missing calls) is unknown. Leave them out of the "
            "weights, or score these patients together with others."
        )
    imputed = numeric.fillna(numeric.mean())
    scores = imputed.to_numpy(dtype=float) @ weights.to_numpy(dtype=float)
    return pd.Series(scores, index=numeric.index, name="prs")


def _reference_values(scores: pd.Series, reference: pd.Series | Sequence | None) -> np.ndarray:
    values = np.asarray(scores if reference is None else reference, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        raise ValueError(
            f"The reference group needs at least 2 scores; got {len(values)}. Pass the "
            "scores of a reference group (such as the cohort's European patients)."
        )
    return values


def _as_series(scores: pd.Series | Sequence[float], name: str) -> pd.Series:
    series = scores if isinstance(scores, pd.Series) else pd.Series(scores, dtype=float)
    return series.astype(float).rename(name)


def standardise(
    scores: pd.Series | Sequence[float], reference: pd.Series | Sequence[float] | None = None
) -> pd.Series:
    """Scores as z-scores: standard deviations above the reference group's mean.

    Parameters
    ----------
    scores : pandas.Series or sequence of float
        Scores to standardise.
    reference : pandas.Series or sequence of float, optional
        Scores of the reference group; by default `scores` themselves.

    Returns
    -------
    pandas.Series
        ``(score - mean) / SD`` of the reference (SD with n - 1), named ``prs_z``.

    Raises
    ------
    ValueError
        If the reference has fewer than 2 scores, or all are equal.

    Examples
    --------
    >>> standardise([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    >>> standardise([4.0], reference=[1.0, 2.0, 3.0]).tolist()
    [2.0]
    """
    values = _reference_values(scores, reference)
    spread = values.std(ddof=1)
    if spread == 0:
        raise ValueError(
            "Every score of the reference group is the same, so there is no spread to "
            "standardise by. Use a larger or more varied reference group."
        )
    return (_as_series(scores, "prs_z") - values.mean()) / spread


def percentile(
    scores: pd.Series | Sequence[float], reference: pd.Series | Sequence[float] | None = None
) -> pd.Series:
    """Each score's percentile in the reference group (0 to 100).

    The percentage of the reference group with a lower score, counting equal
    scores as half (``scipy.stats.percentileofscore(kind="mean")``).

    Parameters
    ----------
    scores : pandas.Series or sequence of float
        Scores to place.
    reference : pandas.Series or sequence of float, optional
        Scores of the reference group; by default `scores` themselves.

    Returns
    -------
    pandas.Series
        Percentiles, named ``prs_percentile``.

    Examples
    --------
    >>> percentile([2.5, 10.0], reference=[1.0, 2.0, 3.0, 4.0]).tolist()
    [50.0, 100.0]
    """
    from scipy import stats

    values = _reference_values(scores, reference)
    series = _as_series(scores, "prs_percentile")
    return pd.Series(
        stats.percentileofscore(values, series.to_numpy(), kind="mean"),
        index=series.index,
        name="prs_percentile",
    )


def top_percent(
    scores: pd.Series | Sequence[float],
    percent: float,
    reference: pd.Series | Sequence[float] | None = None,
) -> pd.Series:
    """Flag the scores in the top `percent` % of the reference group.

    Parameters
    ----------
    scores : pandas.Series or sequence of float
        Scores to flag.
    percent : float
        Size of the top group in percent, such as 5 for the top 5%.
    reference : pandas.Series or sequence of float, optional
        Scores of the reference group; by default `scores` themselves.

    Returns
    -------
    pandas.Series of bool
        True where the :func:`percentile` is above ``100 - percent``, named
        ``prs_top_percent``.

    Raises
    ------
    ValueError
        If `percent` is not between 0 and 100.

    Examples
    --------
    >>> top_percent([1.0, 2.0, 3.0, 4.0], 25).tolist()
    [False, False, False, True]
    """
    if isinstance(percent, bool) or not 0 < float(percent) < 100:
        raise ValueError(
            f"percent is the size of the top group in percent, above 0 and below 100 "
            f"(5 for the top 5%); got {percent!r}."
        )
    flags = percentile(scores, reference) > 100 - float(percent)
    return flags.rename("prs_top_percent")


# ---------------------------------------------------------------------------
# Risk models
# ---------------------------------------------------------------------------


def _design(
    data: pd.DataFrame, predictors: Sequence[str], *, drop_first: bool = True
) -> pd.DataFrame:
    """The predictors as numbers: True/False as 1/0, a text column as 0/1 indicators.

    With `drop_first` the first level of a text column (``female``) is the
    reference and has no indicator; without it every level present has one.
    """
    absent = [name for name in predictors if name not in data.columns]
    if absent:
        raise ValueError(
            f"The data have no column {absent[0]!r}. Its columns are: {list(data.columns)}."
        )
    frame = data[list(predictors)]
    gaps = frame.columns[frame.isna().any()].tolist()
    if gaps:
        raise ValueError(
            f"Column(s) {gaps} have missing values; a risk model needs every predictor "
            "for every patient. Drop those patients first (data.dropna(subset=[...]))."
        )
    return pd.get_dummies(frame, drop_first=drop_first, dtype=float).astype(float)


def _outcome(y: pd.Series | Sequence[int]) -> np.ndarray:
    values = pd.Series(np.asarray(y)).astype(float)
    if not values.isin([0.0, 1.0]).all():
        raise ValueError(
            f"The outcome should be 0 (no event) or 1 (event) for each patient; got "
            f"values such as {sorted(set(values.dropna()) - {0.0, 1.0})[:3]} or missing ones."
        )
    if values.nunique() < 2:
        raise ValueError(
            "The outcome has only one value (all events or none), so a risk model cannot "
            "be judged or fitted. Use a group with both patients with and without events."
        )
    return values.to_numpy(dtype=int)


def _outcome_and_risks(
    y: pd.Series | Sequence[int], risk: pd.Series | Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """The outcome (0/1) and the predicted risks, one per patient in the same order."""
    outcome = _outcome(y)
    values = np.asarray(risk, dtype=float)
    if len(values) != len(outcome):
        raise ValueError(
            f"There are {len(outcome)} outcomes but {len(values)} risks; give one predicted "
            "risk per patient, in the same order."
        )
    if np.isnan(values).any():
        raise ValueError("Some predicted risks are missing (NaN); every patient needs one.")
    return outcome, values


@dataclass(frozen=True)
class RiskModel:
    """A fitted logistic-regression risk model (see :func:`fit_risk_model`).

    Attributes
    ----------
    predictors : tuple of str
        The data columns the model uses.
    outcome : str
        The outcome column it was fitted to.
    columns : tuple of str
        The predictors as the model sees them (``sex`` becomes ``sex_male``).
    pipeline : sklearn.pipeline.Pipeline
        ``StandardScaler`` then ``LogisticRegression``.
    """

    predictors: tuple[str, ...]
    outcome: str
    columns: tuple[str, ...]
    pipeline: Pipeline

    def risk(self, data: pd.DataFrame) -> pd.Series:
        """Predicted risk (probability of the outcome, 0 to 1) for each patient of `data`.

        Returns
        -------
        pandas.Series
            Named ``risk``, indexed by ``patient_id`` when `data` has that column.
        """
        # every level gets an indicator, so one man alone still has sex_male = 1
        design = _design(_by_patient(data), self.predictors, drop_first=False).reindex(
            columns=list(self.columns), fill_value=0.0
        )
        return pd.Series(
            self.pipeline.predict_proba(design)[:, 1], index=design.index, name="risk"
        )

    def odds_ratios(self) -> pd.Series:
        """Odds ratio per unit of each predictor (per year, per mmol/L, smoker vs not...)."""
        scaler = self.pipeline.named_steps["standardscaler"]
        model = self.pipeline.named_steps["logisticregression"]
        return pd.Series(
            np.exp(model.coef_[0] / scaler.scale_), index=list(self.columns), name="odds_ratio"
        )


def fit_risk_model(
    data: pd.DataFrame, predictors: Sequence[str], *, outcome: str = OUTCOME
) -> RiskModel:
    """Fit a logistic-regression risk model of `outcome` on `predictors`.

    Predictors are standardised before fitting (``StandardScaler``) and the
    regression is practically unpenalised (``C=1e4``), so the odds ratios are
    those of an ordinary logistic regression.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per patient with the predictor and outcome columns.
    predictors : sequence of str
        Column names, such as :data:`CLINICAL_PREDICTORS` or those plus
        ``"prs_z"``. True/False columns count as 1/0; a text column such as
        ``sex`` becomes an indicator (``sex_male``).
    outcome : str, default OUTCOME
        The 0/1 outcome column.

    Returns
    -------
    RiskModel
        Use ``model.risk(data)`` for predicted risks and ``model.odds_ratios()``.

    Raises
    ------
    ValueError
        If a column is missing, a predictor has missing values, or the outcome
        is not 0/1 with both values present.

    Examples
    --------
    >>> data = pd.DataFrame({"age_years": [40, 50, 60, 70, 45, 65],
    ...                      "cad_event_10y": [0, 0, 1, 1, 1, 0]})
    >>> model = fit_risk_model(data, ["age_years"])
    >>> model.risk(data).between(0, 1).all()
    np.True_
    """
    if isinstance(predictors, str):
        predictors = [predictors]
    if outcome not in data.columns:
        raise ValueError(
            f"The data have no outcome column {outcome!r}. Join the outcomes first, such as "
            "cohort.merge(load('cad_outcomes'), on='patient_id')."
        )
    design = _design(data, predictors)
    y = _outcome(data[outcome])
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=1e4, max_iter=1000))
    pipeline.fit(design, y)
    return RiskModel(tuple(predictors), outcome, tuple(design.columns), pipeline)


def roc_auc(y: pd.Series | Sequence[int], risk: pd.Series | Sequence[float]) -> float:
    """Discrimination: the area under the ROC curve (C-statistic), with scikit-learn.

    The chance that a randomly chosen patient with the event has a higher
    predicted risk than one without: 0.5 is a coin toss, 1.0 perfect.

    Parameters
    ----------
    y : sequence of int
        Outcome, 0 or 1, per patient.
    risk : sequence of float
        Predicted risk (or any score) per patient, in the same order.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the lengths differ, the outcome is not 0/1 with both values present,
        or a risk is missing.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    outcome, values = _outcome_and_risks(y, risk)
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(outcome, values))


def calibration_table(
    y: pd.Series | Sequence[int], risk: pd.Series | Sequence[float], n_bins: int = 10
) -> pd.DataFrame:
    """Calibration: observed against predicted risk in groups of equal size (deciles).

    Patients are sorted by predicted risk and cut into `n_bins` groups of about
    equal size (``sklearn.calibration.calibration_curve(strategy="quantile")``).
    A well-calibrated model has observed close to predicted in every group.

    Parameters
    ----------
    y : sequence of int
        Outcome, 0 or 1, per patient.
    risk : sequence of float
        Predicted risk (0 to 1) per patient, in the same order.
    n_bins : int, default 10
        Number of groups (10: deciles).

    Returns
    -------
    pandas.DataFrame
        One row per group, lowest risk first: ``risk_group`` (1, 2, ...),
        ``n_patients``, ``predicted_risk`` (mean predicted risk) and
        ``observed_risk`` (share with the event).

    Examples
    --------
    >>> table = calibration_table([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9], n_bins=2)
    >>> table[["n_patients", "observed_risk"]].round(2).values.tolist()
    [[3.0, 0.33], [3.0, 0.67]]
    """
    outcome, values = _outcome_and_risks(y, risk)
    if values.min() < 0 or values.max() > 1:
        raise ValueError(
            f"Predicted risks lie from 0 to 1; got values from {values.min()} to "
            f"{values.max()}. Pass model.risk(data), not a score."
        )
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(outcome, values, n_bins=n_bins, strategy="quantile")
    edges = np.percentile(values, np.linspace(0, 100, n_bins + 1))
    counts = np.bincount(np.searchsorted(edges[1:-1], values), minlength=n_bins)
    counts = counts[counts > 0]
    return pd.DataFrame(
        {
            "risk_group": np.arange(1, len(observed) + 1),
            "n_patients": counts,
            "predicted_risk": predicted,
            "observed_risk": observed,
        }
    )


def auc_gain_by_group(
    data: pd.DataFrame,
    *,
    clinical: Sequence[str] = CLINICAL_PREDICTORS,
    score: str = "prs_z",
    outcome: str = OUTCOME,
    group: str = "ancestry",
    fit_on: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """AUC of the clinical and the clinical + score model in each group, and the gain.

    Both models are fitted once, on `fit_on` (by default `data`), and judged in
    each group of `data`, as a score developed in one population is used in
    another.

    Parameters
    ----------
    data : pandas.DataFrame
        Patients with the clinical columns, the score and the outcome.
    clinical : sequence of str, default CLINICAL_PREDICTORS
        The clinical model's predictors.
    score : str, default "prs_z"
        The score column added in the combined model.
    outcome : str, default OUTCOME
        The 0/1 outcome column.
    group : str, default "ancestry"
        The column that defines the groups.
    fit_on : pandas.DataFrame, optional
        The patients the models are fitted on.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group``, ``n_patients``, ``n_events``,
        ``auc_clinical``, ``auc_combined`` and ``auc_gain`` (combined minus
        clinical). A group without both outcomes has NaN AUCs.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> data = make_cohort(400).merge(make_cad_outcomes(make_cohort(400)), on="patient_id")
    >>> data["prs_z"] = genetic_liability(data).to_numpy()
    >>> table = auc_gain_by_group(data.assign(ancestry="EUR"))
    >>> table.columns.tolist()
    ['group', 'n_patients', 'n_events', 'auc_clinical', 'auc_combined', 'auc_gain']
    """
    train = data if fit_on is None else fit_on
    models = {
        "clinical": fit_risk_model(train, clinical, outcome=outcome),
        "combined": fit_risk_model(train, [*clinical, score], outcome=outcome),
    }
    rows = []
    for name, members in data.groupby(group, observed=True, sort=True):
        y = members[outcome].to_numpy(dtype=int)
        row = {"group": name, "n_patients": len(members), "n_events": int(y.sum())}
        for label, model in models.items():
            risk = model.risk(members)
            row[f"auc_{label}"] = roc_auc(y, risk) if 0 < y.sum() < len(y) else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    table["auc_gain"] = table["auc_combined"] - table["auc_clinical"]
    return table


def screening_table(
    risk: pd.Series | Sequence[float],
    outcome: pd.Series | Sequence[int],
    threshold: float | Sequence[float],
) -> pd.DataFrame:
    """Who would be invited at a risk threshold, and how many future cases are found.

    Everyone with a predicted risk at or above the threshold is invited.

    Parameters
    ----------
    risk : sequence of float
        Predicted risk (or a score) per person.
    outcome : sequence of int
        Whether each person had the event (1) or not (0), in the same order.
    threshold : float or sequence of float
        One threshold, or several (one row each).

    Returns
    -------
    pandas.DataFrame
        One row per threshold: ``threshold``, ``invited`` (people at or above
        it), ``cases_found`` (invited people with the event), ``cases_missed``,
        ``sensitivity`` (share of cases found), ``specificity`` (share of people
        without the event not invited) and ``number_needed_to_screen`` (people
        invited per case found; NaN when no case is found).

    Examples
    --------
    >>> table = screening_table([0.05, 0.1, 0.2, 0.4], [0, 0, 1, 1], threshold=0.15)
    >>> table[["invited", "cases_found", "sensitivity", "specificity"]].values.tolist()
    [[2.0, 2.0, 1.0, 1.0]]
    """
    y, values = _outcome_and_risks(outcome, risk)
    rows = []
    for cut in np.atleast_1d(np.asarray(threshold, dtype=float)):
        invited = values >= cut
        found = int((invited & (y == 1)).sum())
        rows.append(
            {
                "threshold": float(cut),
                "invited": int(invited.sum()),
                "cases_found": found,
                "cases_missed": int(y.sum()) - found,
                "sensitivity": found / y.sum(),
                "specificity": float((~invited & (y == 0)).sum() / (y == 0).sum()),
                "number_needed_to_screen": invited.sum() / found if found else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# The course's synthetic data: genotypes, a liability model, a second ancestry group
# ---------------------------------------------------------------------------

#: Share of genotype calls left missing in the synthetic dosages.
MISSING_RATE = 0.005


def _frequencies(variants: pd.Index) -> pd.DataFrame:
    return load_table("prs_allele_frequencies").set_index("variant_id").loc[variants]


def _genotypes(people: pd.DataFrame, seed: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each person's score dosages (with missing calls) and causal dosages.

    Every score variant tags a causal variant next to it: on each chromosome
    copy the score variant carries the causal variant's allele with the
    probability of the ancestry group's tagging (``prs_ancestry_transfer.csv``),
    and otherwise an allele drawn anew from the group's frequency, so that the
    two are correlated by that tagging correlation.
    """
    variants = cad_weights().index
    ancestry = people["ancestry"].astype(str).to_numpy()
    p = _frequencies(variants)[ancestry].to_numpy().T[:, None, :]
    tagging = load_table("prs_ancestry_transfer").set_index("ancestry")["tag_correlation"]
    r = tagging[ancestry].to_numpy()[:, None, None]
    draws = patient_draws(people["patient_id"], 7 * len(variants), seed=seed, layer="prs")
    draws = draws.reshape(len(people), 7, len(variants))
    causal = draws[:, 0:2] < p
    tagged = np.where(draws[:, 2:4] < r, causal, draws[:, 4:6] < p)
    score = tagged.sum(axis=1).astype(float)
    score[draws[:, 6] < MISSING_RATE] = np.nan
    frames = [
        pd.DataFrame(values, index=people["patient_id"].to_numpy(), columns=variants)
        for values in (score, causal.sum(axis=1).astype(float))
    ]
    for patient, planted in SCENARIO_DOSAGES.items():
        if patient in frames[0].index:
            for frame in frames:
                frame.loc[patient, list(planted)] = list(planted.values())
    return frames[0], frames[1]


def make_prs_dosages(cohort: pd.DataFrame, *, seed: int | None = PRS_SEED) -> pd.DataFrame:
    """Draw each patient's genotypes at the score's variants, with a few missing calls.

    Drawn patient by patient (:func:`pmcourse.cohort.patient_draws`) from the
    allele frequencies of the patient's ancestry group
    (``prs_allele_frequencies.csv``, synthetic). About 1 call in 200 is missing.
    The story patient's genotypes are written, not drawn (:data:`SCENARIO_DOSAGES`).

    Parameters
    ----------
    cohort : pandas.DataFrame
        Patients with ``patient_id`` and ``ancestry``, such as
        :func:`pmcourse.cohort.make_cohort`.
    seed : int or None, default PRS_SEED
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``patient_id``, ``ancestry`` and one column per
        score variant (by rsID) with the copies of its effect allele (0, 1 or
        2; NaN for a missing call).

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> dosages = make_prs_dosages(make_cohort(5))
    >>> dosages.shape
    (5, 21)
    """
    score, _ = _genotypes(cohort, seed)
    frame = score.reset_index(drop=True)
    frame.insert(0, "patient_id", cohort["patient_id"].to_numpy())
    frame.insert(1, "ancestry", cohort["ancestry"].reset_index(drop=True))
    frame.columns.name = None
    return frame


def genetic_liability(cohort: pd.DataFrame, *, seed: int | None = PRS_SEED) -> pd.Series:
    """The true genetic liability of each patient: causal variants, not the score's.

    The effect weights times the causal dosages, standardised with the mean
    and SD expected in the European group (Hardy-Weinberg, the group's
    frequencies), so 1 means one SD above the European average.

    Returns
    -------
    pandas.Series
        Indexed by ``patient_id``, named ``genetic_liability``.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> liability = genetic_liability(make_cohort())
    >>> round(float(liability.loc[STORY_PATIENT]), 2)
    2.17
    """
    weights = cad_weights()
    _, causal = _genotypes(cohort, seed)
    p = _frequencies(weights.index)["EUR"].to_numpy()
    beta = weights.to_numpy()
    mean = 2 * (beta * p).sum()
    sd = np.sqrt(2 * (beta**2 * p * (1 - p)).sum())
    return pd.Series((causal.to_numpy() @ beta - mean) / sd, index=causal.index).rename(
        "genetic_liability"
    )


def liability_model() -> pd.DataFrame:
    """The model the synthetic outcomes are drawn from (``cad_liability_model.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per term, indexed by ``term``: ``log_odds_ratio``,
        ``reference_value``, ``per`` (the unit the log odds ratio is per) and
        ``reason``. Course design, not a published risk equation.

    Examples
    --------
    >>> round(float(np.exp(liability_model().loc["smoker", "log_odds_ratio"])), 2)
    2.0
    """
    return load_table("cad_liability_model").set_index("term")


def true_risk(cohort: pd.DataFrame, *, genotype_seed: int | None = PRS_SEED) -> pd.Series:
    """Each patient's 10-year risk of a coronary event under the liability model.

    The log odds are the intercept plus, for each clinical factor, its log
    odds ratio times its distance from the reference value (in units of
    ``per``), plus the genetic liability (:func:`genetic_liability`) times its
    log odds ratio per SD.

    Returns
    -------
    pandas.Series
        Risk from 0 to 1, indexed by ``patient_id``, named ``true_risk``.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> round(float(true_risk(make_cohort(10)).loc[STORY_PATIENT]), 3)
    0.104
    """
    model = liability_model()
    factors = pd.DataFrame(
        {
            "age_years": cohort["age_years"].to_numpy(dtype=float),
            "sex_male": (cohort["sex"].astype(str) == "male").to_numpy(dtype=float),
            "ldl_cholesterol_mmol_l": cohort["ldl_cholesterol_mmol_l"].to_numpy(dtype=float),
            "systolic_bp_mmhg": cohort["systolic_bp_mmhg"].to_numpy(dtype=float),
            "smoker": cohort["smoker"].to_numpy(dtype=float),
            "genetic_liability": genetic_liability(cohort, seed=genotype_seed).to_numpy(),
        }
    )
    centre = model.loc[factors.columns, "reference_value"].fillna(0.0)
    per = model.loc[factors.columns, "per"].fillna(1.0)
    log_odds = (
        model.loc["intercept", "log_odds_ratio"]
        + ((factors - centre) / per).to_numpy()
        @ model.loc[factors.columns, "log_odds_ratio"].to_numpy()
    )
    from scipy.special import expit

    return pd.Series(expit(log_odds), index=cohort["patient_id"].to_numpy(), name="true_risk")


def make_cad_outcomes(
    cohort: pd.DataFrame,
    *,
    seed: int | None = OUTCOMES_SEED,
    genotype_seed: int | None = PRS_SEED,
) -> pd.DataFrame:
    """Draw whether each patient has a coronary event within 10 years.

    Each patient has the event with their :func:`true_risk`, drawn patient by
    patient; the outcomes of :data:`SCENARIO_OUTCOMES` are written, not drawn.

    Parameters
    ----------
    cohort : pandas.DataFrame
        Patients with the cohort's clinical columns (:data:`CLINICAL_PREDICTORS`).
    seed : int or None, default OUTCOMES_SEED
        Seed of the event draws.
    genotype_seed : int or None, default PRS_SEED
        Seed of the genotypes (:func:`make_prs_dosages`) whose causal variants
        set the genetic liability.

    Returns
    -------
    pandas.DataFrame
        One row per patient, the columns of :data:`CAD_OUTCOME_COLUMNS`.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> make_cad_outcomes(make_cohort(3)).columns.tolist()
    ['patient_id', 'cad_event_10y']
    """
    risk = true_risk(cohort, genotype_seed=genotype_seed).to_numpy()
    draws = patient_draws(cohort["patient_id"], 1, seed=seed, layer="cad_outcomes")[:, 0]
    frame = pd.DataFrame(
        {"patient_id": cohort["patient_id"].to_numpy(), OUTCOME: (draws < risk).astype(int)}
    )
    planted = frame["patient_id"].map(SCENARIO_OUTCOMES)
    frame[OUTCOME] = planted.fillna(frame[OUTCOME]).astype(int)
    return frame


def make_second_ancestry(
    n_patients: int = 2000,
    *,
    seed: int | None = SECOND_ANCESTRY_SEED,
    genotype_seed: int | None = PRS_SEED,
    outcome_seed: int | None = OUTCOMES_SEED,
) -> pd.DataFrame:
    """A second ancestry group: new synthetic people, clinical data, outcome and dosages.

    The people are numbered from PM-700001 on, a range no cohort patient has,
    all of :data:`SECOND_ANCESTRY` ancestry: other allele frequencies and a
    weaker tagging of the causal variants by the score's variants
    (``prs_ancestry_transfer.csv``), so the score predicts worse here. Their
    clinical measures are drawn like the cohort's (:func:`make_cohort` with
    `seed`); genotypes and outcomes as for the cohort.

    Returns
    -------
    pandas.DataFrame
        One row per person: ``patient_id``, ``sex``, ``age_years``,
        ``ancestry``, ``systolic_bp_mmhg``, ``ldl_cholesterol_mmol_l``,
        ``smoker``, ``cad_event_10y`` and one dosage column per score variant.

    Examples
    --------
    >>> people = make_second_ancestry(3)
    >>> people["patient_id"].tolist()
    ['PM-700001', 'PM-700002', 'PM-700003']
    """
    people = make_cohort(n_patients, seed=seed)
    people["patient_id"] = patient_ids(
        range(_SECOND_FIRST_NUMBER, _SECOND_FIRST_NUMBER + n_patients)
    )
    people["ancestry"] = pd.Categorical([SECOND_ANCESTRY] * n_patients, list(ANCESTRY_GROUPS))
    clinical = ["patient_id", "sex", "age_years", "ancestry", *CLINICAL_PREDICTORS[2:]]
    people = people[list(dict.fromkeys(clinical))]
    outcomes = make_cad_outcomes(people, seed=outcome_seed, genotype_seed=genotype_seed)
    dosages = make_prs_dosages(people, seed=genotype_seed).drop(columns="ancestry")
    return people.merge(outcomes, on="patient_id").merge(dosages, on="patient_id")
