"""Health data beyond the genome: imaging, wearables and patient-reported outcomes.

Module 7 of the course. Personalised medicine joins a patient's genomic results
with other data: measures derived from imaging (the coronary artery calcium
score of a cardiac CT, the left-ventricular ejection fraction of an
echocardiogram), data the patient collects (citizen-generated data: daily steps
and resting heart rate from a wearable, with the gaps and artefacts real devices
have) and patient-reported outcome measures (PROMs: here the WHO-5 Well-Being
Index, with its published scoring rule in ``pmcourse/resources/``). Synthetic
postcodes give the privacy part of the module its quasi-identifiers.

Every generator draws patient by patient (:func:`pmcourse.cohort.patient_draws`),
so a smaller cohort's rows are the first patients' rows of a larger one's. The
story patients' data are written, not drawn (``SCENARIO_*``). Synthetic, not for
clinical use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pmcourse.cohort import COHORT_COLUMNS, patient_draws
from pmcourse.reference import load_table, lookup

__all__ = [
    "IMAGING_COLUMNS",
    "IMAGING_SEED",
    "N_WEAR_DAYS",
    "POSTCODE_COLUMNS",
    "POSTCODES_SEED",
    "PRACTICE_PATIENT",
    "PROM_COLUMNS",
    "PROM_SEED",
    "SCENARIO_IMAGING",
    "SCENARIO_PROM",
    "SCENARIO_WEARABLES",
    "STORY_PATIENT",
    "WEARABLE_COLUMNS",
    "WEARABLES_SEED",
    "clean_wearables",
    "imaging_category",
    "make_imaging",
    "make_postcodes",
    "make_prom",
    "make_wearables",
    "prom_items",
    "prom_meaning",
    "prom_scoring",
    "score_prom",
    "weekly_summary",
]

#: Seeds of the course's data (``make data``).
IMAGING_SEED = 7001
WEARABLES_SEED = 7002
PROM_SEED = 7003
POSTCODES_SEED = 7004

#: The capstone patient (modules 1, 2, 4, 5 and 6) and the practice patient (module 6).
STORY_PATIENT = "PM-000030"
PRACTICE_PATIENT = "PM-000008"

#: Share of the cohort with a scan, and of the cohort wearing a device.
_SCANNED_SHARE = 0.30
_WEARING_SHARE = 0.05
#: Days of wearable data per patient, and the first day.
N_WEAR_DAYS = 120
_FIRST_DAY = pd.Timestamp("2025-09-01")
#: PROM questionnaires: one at the start, the middle and the end of the wear period.
_PROM_DAYS = (0, 60, 119)

#: Imaging results that are written, not drawn. PM-000030: a cardiac CT and an
#: echocardiogram after his NSTEMI (severe calcium for 46, mildly reduced
#: ejection fraction); PM-000008: a calcium score at the prevention clinic
#: (moderate calcium, normal pump function).
SCENARIO_IMAGING = {
    STORY_PATIENT: {"scan_date": "2025-06-16", "cac_agatston": 412, "lvef_percent": 45},
    PRACTICE_PATIENT: {"scan_date": "2025-08-18", "cac_agatston": 138, "lvef_percent": 62},
}

#: Wearable trends that are written, not drawn: mean daily steps at the first and
#: last day (the days between follow a straight line) and the mean resting heart
#: rate. PM-000030's steps fall during his cancer treatment; PM-000008's stay steady.
SCENARIO_WEARABLES = {
    STORY_PATIENT: {"steps_start": 8200.0, "steps_end": 3600.0, "heart_rate": 72.0},
    PRACTICE_PATIENT: {"steps_start": 9400.0, "steps_end": 9400.0, "heart_rate": 64.0},
}

#: WHO-5 answers that are written, not drawn, one list per questionnaire (items 1-5).
SCENARIO_PROM = {
    STORY_PATIENT: [[4, 3, 3, 3, 4], [3, 2, 2, 2, 3], [2, 2, 1, 1, 2]],
    PRACTICE_PATIENT: [[4, 4, 4, 3, 4], [4, 3, 4, 4, 3], [4, 4, 4, 4, 4]],
}

_PATIENT_ID = COHORT_COLUMNS["patient_id"]

IMAGING_COLUMNS = {
    "patient_id": _PATIENT_ID,
    "scan_date": "date of the cardiac CT and echocardiogram (YYYY-MM-DD)",
    "cac_agatston": "coronary artery calcium score of the cardiac CT, Agatston units "
    "(0 = no calcium; categories in pmcourse/resources/imaging_categories.csv)",
    "lvef_percent": "left-ventricular ejection fraction of the echocardiogram, percent "
    "(normal 50 or more)",
}
WEARABLE_COLUMNS = {
    "patient_id": _PATIENT_ID,
    "date": "day of the measurement (YYYY-MM-DD); a day the device was not worn has no row",
    "steps_per_day": "steps counted by the wearable that day (artefacts included: 0 on some "
    "worn days, an implausible count on a few)",
    "resting_heart_rate_bpm": "resting heart rate the wearable estimated that day, beats per "
    "minute (a few implausible sensor values included)",
}
PROM_COLUMNS = {
    "patient_id": _PATIENT_ID,
    "date": "day the patient answered the WHO-5 questionnaire (YYYY-MM-DD)",
} | {
    f"who5_item_{item}": f"answer to WHO-5 item {item}, 0 (at no time) to 5 (all of the time)"
    for item in range(1, 6)
}
POSTCODE_COLUMNS = {
    "patient_id": _PATIENT_ID,
    "postcode": "synthetic Danish four-digit postcode in the patient's region "
    "(pmcourse/resources/postcodes_dk.csv; a few towns per region, approximate)",
}


def _ids(cohort: pd.DataFrame) -> pd.Series:
    if "patient_id" not in cohort.columns:
        raise ValueError(
            f"The cohort needs a 'patient_id' column; it has {list(cohort.columns)}. "
            "Pass pmcourse.datasets.load('cohort')."
        )
    return cohort["patient_id"].reset_index(drop=True)


def _dates(days: np.ndarray | Sequence[int]) -> pd.Series:
    return (_FIRST_DAY + pd.to_timedelta(np.asarray(days), unit="D")).strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------


def make_imaging(cohort: pd.DataFrame, *, seed: int | None = IMAGING_SEED) -> pd.DataFrame:
    """Imaging-derived measures for the patients who had a cardiac scan.

    About 30% of the patients had a cardiac CT (coronary artery calcium score)
    and an echocardiogram (ejection fraction) in 2025. The chance of any
    calcium rises with age and is higher in men and smokers; a positive score is
    log-normal. The ejection fraction is normal (about 62%) in most, lower in a
    few. The story patients' results are written (:data:`SCENARIO_IMAGING`).

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort (``pmcourse.datasets.load("cohort")``): ``patient_id``,
        ``age_years``, ``sex``, ``smoker``.
    seed : int or None, optional
        Seed of the draws; the default gives the course's data.

    Returns
    -------
    pandas.DataFrame
        One row per scanned patient, columns :data:`IMAGING_COLUMNS`.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> imaging = make_imaging(make_cohort(200))
    >>> list(imaging.columns)
    ['patient_id', 'scan_date', 'cac_agatston', 'lvef_percent']
    >>> bool(imaging["lvef_percent"].between(20, 75).all())
    True
    """
    ids = _ids(cohort)
    draws = patient_draws(ids, 5, seed=seed, layer="imaging")
    age = cohort["age_years"].to_numpy(dtype=float)
    male = (cohort["sex"] == "male").to_numpy()
    smoker = cohort["smoker"].astype(bool).to_numpy()
    log_odds = -5.5 + 0.09 * age + 0.9 * male + 0.6 * smoker
    any_calcium = draws[:, 1] < 1 / (1 + np.exp(-log_odds))
    positive = np.exp(3.6 + 0.03 * (age - 55) + 1.3 * _normal(draws[:, 2]))
    cac = np.where(any_calcium, np.clip(np.round(positive), 1, 3000), 0.0)
    lvef = np.clip(np.round(62 + 5 * _normal(draws[:, 3])), 20, 75)
    frame = pd.DataFrame(
        {
            "patient_id": ids,
            "scan_date": _dates(np.floor(draws[:, 4] * 240).astype(int) - 240),
            "cac_agatston": cac,
            "lvef_percent": lvef,
        }
    )
    scanned = (draws[:, 0] < _SCANNED_SHARE) | ids.isin(list(SCENARIO_IMAGING)).to_numpy()
    frame = frame[scanned].reset_index(drop=True)
    frame = _write_scenario(frame, SCENARIO_IMAGING)
    return frame.astype({"cac_agatston": int, "lvef_percent": int})


def _normal(uniform: np.ndarray) -> np.ndarray:
    """Standard normal numbers from uniform draws (the inverse normal CDF)."""
    from scipy.stats import norm  # here: scipy.stats takes half a second to import

    return norm.ppf(np.clip(uniform, 1e-9, 1 - 1e-9))


def _write_scenario(frame: pd.DataFrame, scenario: Mapping[str, Mapping]) -> pd.DataFrame:
    for patient_id, values in scenario.items():
        row = frame["patient_id"] == patient_id
        for column, value in values.items():
            frame.loc[row, column] = value
    return frame


def _wearers(ids: pd.Series, seed: int | None, layer: str) -> tuple[pd.Series, np.ndarray]:
    chosen = patient_draws(ids, 1, seed=seed, layer=layer)[:, 0] < _WEARING_SHARE
    chosen |= ids.isin([STORY_PATIENT, PRACTICE_PATIENT]).to_numpy()
    return ids[chosen].reset_index(drop=True), np.flatnonzero(chosen)


def make_wearables(cohort: pd.DataFrame, *, seed: int | None = WEARABLES_SEED) -> pd.DataFrame:
    """Daily steps and resting heart rate from the wearables of some patients.

    About 5% of the patients (and the two story patients) wore a device for
    :data:`N_WEAR_DAYS` days from 1 September 2025. Like real devices, it was
    not worn on some days (those days have no row: about 1 day in 10, more for
    some patients) and it produced artefacts: 0 steps on some worn days (about 1
    in 40), an implausible step count or heart rate on a few (about 1 in 150
    each). :func:`clean_wearables` finds them. The story patients' trends are
    written (:data:`SCENARIO_WEARABLES`); their noise, gaps and artefacts are drawn.

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort: ``patient_id``, ``age_years``.
    seed : int or None, optional
        Seed of the draws; the default gives the course's data.

    Returns
    -------
    pandas.DataFrame
        One row per patient and worn day, columns :data:`WEARABLE_COLUMNS`.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> wearables = make_wearables(make_cohort(100))
    >>> {"PM-000008", "PM-000030"} <= set(wearables["patient_id"])
    True
    >>> int(wearables.groupby("patient_id").size().max()) <= 120
    True
    """
    ids = _ids(cohort)
    wearers, rows = _wearers(ids, seed, "wearables_who")
    age = cohort["age_years"].to_numpy(dtype=float)[rows]
    days = np.arange(N_WEAR_DAYS)
    # per patient: level, slope, heart rate, gap rate, then per day: wear, steps, hr, artefact
    draws = patient_draws(wearers, 4 + 4 * N_WEAR_DAYS, seed=seed, layer="wearables")
    frames = []
    for i, patient_id in enumerate(wearers):
        person, daily = draws[i, :4], draws[i, 4:].reshape(4, N_WEAR_DAYS)
        start = 7500 - 60 * (age[i] - 50) + 2200 * _normal(person[0])
        end = start * (1 + 0.15 * _normal(person[1]))
        heart_rate = 66 + 6 * _normal(person[2])
        story = SCENARIO_WEARABLES.get(patient_id)
        if story:
            start, end, heart_rate = story["steps_start"], story["steps_end"], story["heart_rate"]
        trend = start + (end - start) * days / (N_WEAR_DAYS - 1)
        steps = np.clip(trend * np.exp(0.25 * _normal(daily[1])), 300, 40000)
        hr = heart_rate + 2.5 * _normal(daily[2])
        artefact = daily[3]
        steps = np.where(artefact < 0.025, 0, steps)
        steps = np.where(artefact > 1 - 1 / 150, 60000 + 40000 * daily[1], steps)
        hr = np.where((artefact > 0.5) & (artefact < 0.5 + 1 / 150), 200 + 30 * daily[2], hr)
        worn = daily[0] > 0.04 + 0.16 * person[3]
        frames.append(
            pd.DataFrame(
                {
                    "patient_id": patient_id,
                    "date": _dates(days[worn]),
                    "steps_per_day": np.round(steps[worn]).astype(int),
                    "resting_heart_rate_bpm": np.round(hr[worn]).astype(int),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def make_prom(cohort: pd.DataFrame, *, seed: int | None = PROM_SEED) -> pd.DataFrame:
    """WHO-5 Well-Being Index answers of the patients who wore a device.

    The wearers of the course's wearables (:func:`make_wearables` with its
    default seed, whatever ``seed`` is here) answered the WHO-5 three times: at the
    start, the middle and the end of the wear period. Each answer is 0 (at no
    time) to 5 (all of the time), around a personal level that drifts a little.
    The story patients' answers are written (:data:`SCENARIO_PROM`). Score them
    with :func:`score_prom`.

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort: ``patient_id``.
    seed : int or None, optional
        Seed of the draws; the default gives the course's data.

    Returns
    -------
    pandas.DataFrame
        One row per questionnaire, columns :data:`PROM_COLUMNS`.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> prom = make_prom(make_cohort(100))
    >>> prom.loc[prom["patient_id"] == "PM-000030", "who5_item_1"].tolist()
    [4, 3, 2]
    """
    ids = _ids(cohort)
    wearers, _ = _wearers(ids, WEARABLES_SEED, "wearables_who")
    n_times = len(_PROM_DAYS)
    draws = patient_draws(wearers, 2 + 5 * n_times, seed=seed, layer="prom")
    items = list(prom_items()["column"])
    rows = []
    for i, patient_id in enumerate(wearers):
        level = 3.2 + 0.8 * _normal(draws[i, 0])
        drift = 0.6 * _normal(draws[i, 1])
        noise = _normal(draws[i, 2:]).reshape(n_times, 5)
        for t, day in enumerate(_PROM_DAYS):
            answers = level + drift * t / (n_times - 1) + 0.7 * noise[t]
            answers = np.clip(np.round(answers), 0, 5).astype(int).tolist()
            if patient_id in SCENARIO_PROM:
                answers = SCENARIO_PROM[patient_id][t]
            rows.append([patient_id, _dates([day])[0], *answers])
    return pd.DataFrame(rows, columns=["patient_id", "date", *items])


def make_postcodes(cohort: pd.DataFrame, *, seed: int | None = POSTCODES_SEED) -> pd.DataFrame:
    """A synthetic Danish postcode for every patient, in the patient's region.

    Each patient gets one of a few real postcodes of towns in the patient's
    region (``pmcourse/resources/postcodes_dk.csv``), each equally likely. The
    mapping is approximate (a handful of towns per region, not every postcode);
    the postcodes are real, the patients are not.

    Parameters
    ----------
    cohort : pandas.DataFrame
        The cohort: ``patient_id``, ``region``.
    seed : int or None, optional
        Seed of the draws; the default gives the course's data.

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns :data:`POSTCODE_COLUMNS` (postcode as text).

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> postcodes = make_postcodes(make_cohort(50))
    >>> postcodes["postcode"].str.fullmatch(r"\\d{4}").all()
    np.True_
    """
    ids = _ids(cohort)
    table = load_table("postcodes_dk")
    draws = patient_draws(ids, 1, seed=seed, layer="postcodes")[:, 0]
    postcodes = []
    for region, draw in zip(cohort["region"].astype(str), draws, strict=True):
        options = table.loc[table["region"] == region, "postcode"].astype(str).tolist()
        if not options:
            raise ValueError(f"No postcodes for region {region!r} in postcodes_dk.csv.")
        postcodes.append(options[int(draw * len(options))])
    return pd.DataFrame({"patient_id": ids, "postcode": postcodes})


# ---------------------------------------------------------------------------
# Imaging categories
# ---------------------------------------------------------------------------


def imaging_category(measure: str, value: float) -> str:
    """The clinical category of an imaging measure (calcium score or ejection fraction).

    Parameters
    ----------
    measure : {'cac_agatston', 'lvef_percent'}
        The measure, as in :data:`IMAGING_COLUMNS`.
    value : float
        The patient's value.

    Returns
    -------
    str
        The category of ``pmcourse/resources/imaging_categories.csv``
        (CAC-DRS for the calcium score, ESC 2021 for the ejection fraction).

    Examples
    --------
    >>> imaging_category("cac_agatston", 412)
    'CAC 300 or more'
    >>> imaging_category("lvef_percent", 45)
    'mildly reduced (41-49%)'
    >>> imaging_category("cac_agatston", -3)
    Traceback (most recent call last):
    ...
    ValueError: cac_agatston = -3 is below the lowest category (0); check the value.
    """
    table = load_table("imaging_categories")
    rows = table[table["measure"] == measure]
    if rows.empty:
        known = sorted(table["measure"].unique())
        raise ValueError(f"There is no imaging measure {measure!r}. Known: {known}.")
    lowest = rows["lower"].fillna(-np.inf).min()
    if pd.isna(value) or value < lowest:
        raise ValueError(
            f"{measure} = {value!r} is below the lowest category ({lowest:g}); check the value."
        )
    # the categories follow each other: the first whose upper bound the value does not pass
    match = rows[value <= rows["upper"].fillna(np.inf)]
    return str(match["category"].iloc[0])


# ---------------------------------------------------------------------------
# Wearables
# ---------------------------------------------------------------------------


def clean_wearables(wearables: pd.DataFrame) -> pd.DataFrame:
    """Flag wearable artefacts and say which rule flagged each day.

    The rules are data (``pmcourse/resources/wearable_rules.csv``): 0 steps on a
    worn day, an implausible step count, a resting heart rate outside 30-120
    bpm. A flagged value is set to missing (NaN); the day's other value is kept.

    Parameters
    ----------
    wearables : pandas.DataFrame
        Daily rows with ``steps_per_day`` and ``resting_heart_rate_bpm``
        (``pmcourse.datasets.load("wearables")``).

    Returns
    -------
    pandas.DataFrame
        A copy with the flagged values set to NaN and a column ``removed_by``:
        the names of the rules that flagged the row, joined by ``'; '``, or
        ``''`` for a clean day.

    Examples
    --------
    >>> days = pd.DataFrame({"steps_per_day": [5000, 0, 7000],
    ...                      "resting_heart_rate_bpm": [64, 66, 210]})
    >>> clean_wearables(days)["removed_by"].tolist()
    ['', 'zero_steps', 'implausible_heart_rate']
    """
    rules = load_table("wearable_rules")
    missing = sorted(set(rules["column"]) - set(wearables.columns))
    if missing:
        raise ValueError(
            f"The wearable data need the column(s) {missing}; they have "
            f"{list(wearables.columns)}. Load them with pmcourse.datasets.load('wearables')."
        )
    cleaned = wearables.copy()
    removed_by = pd.Series("", index=wearables.index)
    for rule in rules.itertuples(index=False):
        values = wearables[rule.column].astype(float)
        lower = -np.inf if pd.isna(rule.lower) else rule.lower
        upper = np.inf if pd.isna(rule.upper) else rule.upper
        flagged = values.notna() & ~values.between(lower, upper)
        cleaned[rule.column] = cleaned[rule.column].astype(float).mask(flagged)
        removed_by = removed_by.where(~flagged, removed_by + "; " + rule.rule)
    cleaned["removed_by"] = removed_by.str.removeprefix("; ")
    return cleaned


def weekly_summary(wearables: pd.DataFrame) -> pd.DataFrame:
    """Weekly means of steps and resting heart rate, per patient, from cleaned data.

    The data are cleaned first (:func:`clean_wearables`), so artefacts do not
    pull the means. Week 1 starts on each patient's first day of data.

    Parameters
    ----------
    wearables : pandas.DataFrame
        Daily rows: ``patient_id``, ``date``, ``steps_per_day``,
        ``resting_heart_rate_bpm``.

    Returns
    -------
    pandas.DataFrame
        One row per patient and week: ``patient_id``, ``week`` (1, 2, ...),
        ``days_worn`` (rows in the week, 0-7), ``days_flagged`` (of those,
        days with a value removed), ``mean_steps_per_day`` and
        ``mean_resting_heart_rate_bpm`` (of the clean values).

    Examples
    --------
    >>> days = pd.DataFrame({"patient_id": "PM-000001",
    ...                      "date": ["2025-09-01", "2025-09-02", "2025-09-08"],
    ...                      "steps_per_day": [4000, 0, 6000],
    ...                      "resting_heart_rate_bpm": [60, 62, 64]})
    >>> weekly_summary(days)[["week", "days_worn", "mean_steps_per_day"]].to_dict("list")
    {'week': [1, 2], 'days_worn': [2, 1], 'mean_steps_per_day': [4000.0, 6000.0]}
    """
    cleaned = clean_wearables(wearables)
    dates = pd.to_datetime(cleaned["date"])
    first = dates.groupby(cleaned["patient_id"]).transform("min")
    cleaned["week"] = ((dates - first).dt.days // 7 + 1).astype(int)
    cleaned["flagged"] = cleaned["removed_by"] != ""
    return (
        cleaned.groupby(["patient_id", "week"], observed=True)
        .agg(
            days_worn=("date", "size"),
            days_flagged=("flagged", "sum"),
            mean_steps_per_day=("steps_per_day", "mean"),
            mean_resting_heart_rate_bpm=("resting_heart_rate_bpm", "mean"),
        )
        .reset_index()
        .astype({"days_flagged": int})
    )


# ---------------------------------------------------------------------------
# Patient-reported outcomes: the WHO-5 Well-Being Index
# ---------------------------------------------------------------------------


def prom_items() -> pd.DataFrame:
    """The five items of the WHO-5 Well-Being Index, with their column names.

    Returns
    -------
    pandas.DataFrame
        ``item`` (1-5), ``column`` (as in :data:`PROM_COLUMNS`) and ``text``
        (each answered for "the last two weeks"); source in ``frame.attrs``.

    Examples
    --------
    >>> prom_items()["text"].iloc[0]
    'I have felt cheerful and in good spirits'
    """
    return load_table("prom_who5_items")


def prom_scoring() -> pd.Series:
    """The WHO-5 scoring rule and cut-offs, by name (Topp et al. 2015).

    Returns
    -------
    pandas.Series of float
        ``response_min``, ``response_max``, ``multiplier``,
        ``poor_wellbeing_below``, ``likely_depression_at_or_below`` and
        ``meaningful_change``, from ``pmcourse/resources/prom_who5_scoring.csv``
        (which also says what each means).

    Examples
    --------
    >>> rule = prom_scoring()
    >>> float(rule["multiplier"]), float(rule["poor_wellbeing_below"])
    (4.0, 52.0)
    """
    table = load_table("prom_who5_scoring")
    return table.set_index("name")["value"].astype(float).rename("value")


def _rule(name: str) -> float:
    return float(lookup("prom_who5_scoring", "name", "value")[name])


def _item_answers(responses: Mapping | Sequence | pd.Series, columns: list[str]) -> list:
    if isinstance(responses, Mapping | pd.Series):
        absent = [column for column in columns if column not in responses]
        if absent:
            raise ValueError(
                f"The WHO-5 answers are incomplete: {absent} missing. The WHO-5 is "
                "scored only when all five items are answered; ask the patient again."
            )
        return [responses[column] for column in columns]
    answers = list(responses)
    if len(answers) != len(columns):
        raise ValueError(
            f"The WHO-5 has {len(columns)} items; got {len(answers)} answers ({answers}). "
            "Give one answer per item, in order."
        )
    return answers


def score_prom(responses: Mapping | Sequence[int] | pd.Series | pd.DataFrame) -> float | pd.Series:
    """The WHO-5 percentage score (0-100) by the published rule.

    Raw score = the sum of the five answers (each 0-5), 0-25; percentage score
    = raw score x 4, 0-100 (Topp et al. 2015; the rule is data in
    ``pmcourse/resources/prom_who5_scoring.csv``). Higher is better well-being.

    Parameters
    ----------
    responses : list, dict, pandas.Series or pandas.DataFrame
        One questionnaire as five answers in item order, or a dict/Series with
        the columns ``who5_item_1`` ... ``who5_item_5``; or a DataFrame with
        those columns, one questionnaire per row.

    Returns
    -------
    float or pandas.Series
        The percentage score; a Series (same index) for a DataFrame.

    Raises
    ------
    ValueError
        When an answer is missing or not a whole number from 0 to 5.

    Examples
    --------
    >>> score_prom([4, 3, 3, 3, 4])
    68.0
    >>> score_prom([4, 3, 3, 3, 7])
    Traceback (most recent call last):
    ...
    ValueError: WHO-5 item 5 has the answer 7, but answers run from 0 (at no time)
    to 5 (all of the time). Check the form.
    """
    columns = list(prom_items()["column"])
    if isinstance(responses, pd.DataFrame):
        scores = [score_prom(row) for _, row in responses.iterrows()]
        return pd.Series(scores, index=responses.index, name="who5_percent", dtype=float)
    answers = _item_answers(responses, columns)
    low, high = _rule("response_min"), _rule("response_max")
    for item, answer in enumerate(answers, start=1):
        if answer is None or pd.isna(answer):
            raise ValueError(
                f"WHO-5 item {item} is not answered. The WHO-5 is scored only when all "
                "five items are answered; ask the patient again."
            )
        if not (float(answer).is_integer() and low <= float(answer) <= high):
            raise ValueError(
                f"WHO-5 item {item} has the answer {answer!r}, but answers run from "
                f"{low:.0f} (at no time) to {high:.0f} (all of the time). Check the form."
            )
    return float(sum(float(answer) for answer in answers) * _rule("multiplier"))


def prom_meaning(score: float) -> str:
    """What a WHO-5 percentage score means, by the published cut-offs.

    Parameters
    ----------
    score : float
        A percentage score of :func:`score_prom`, 0-100.

    Returns
    -------
    str
        The meaning of ``pmcourse/resources/prom_who5_scoring.csv``.

    Examples
    --------
    >>> prom_meaning(68.0)
    'no sign of poor well-being'
    >>> prom_meaning(32.0)
    'poor well-being: screen for depression'
    """
    if not 0 <= score <= 100:
        raise ValueError(f"A WHO-5 percentage score runs from 0 to 100; got {score!r}.")
    if score <= _rule("likely_depression_at_or_below"):
        return "likely depression: assess for depression"
    if score < _rule("poor_wellbeing_below"):
        return "poor well-being: screen for depression"
    return "no sign of poor well-being"
