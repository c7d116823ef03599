import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmcourse import datasets, health_data, plots
from pmcourse.cohort import make_cohort
from pmcourse.health_data import (
    PRACTICE_PATIENT,
    SCENARIO_IMAGING,
    SCENARIO_PROM,
    SCENARIO_WEARABLES,
    STORY_PATIENT,
    clean_wearables,
    imaging_category,
    make_imaging,
    make_postcodes,
    make_prom,
    make_wearables,
    prom_items,
    prom_meaning,
    score_prom,
    weekly_summary,
)
from pmcourse.reference import load_table

GENERATORS = [make_imaging, make_wearables, make_prom, make_postcodes]


@pytest.fixture(scope="module")
def cohort():
    return datasets.load("cohort")


# --- generators --------------------------------------------------------------


@pytest.mark.parametrize("make", GENERATORS)
def test_generators_are_seeded_and_drawn_patient_by_patient(make):
    cohort = make_cohort(300)
    first = make(cohort, seed=1)
    pd.testing.assert_frame_equal(first, make(cohort, seed=1))
    assert not first.equals(make(cohort, seed=2))
    # a patient's rows do not depend on who else is asked for
    some = cohort.iloc[::7].reset_index(drop=True)
    again = make(some, seed=1)
    expected = first[first["patient_id"].isin(some["patient_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(again.reset_index(drop=True), expected)


def test_imaging_ranges_and_who_is_scanned(cohort):
    imaging = datasets.load("imaging")
    assert 0.25 < len(imaging) / len(cohort) < 0.40
    assert imaging["patient_id"].is_unique
    assert imaging["cac_agatston"].between(0, 3000).all()
    assert imaging["lvef_percent"].between(20, 75).all()
    # about half have no coronary calcium, and calcium is commoner with age
    assert 0.35 < (imaging["cac_agatston"] == 0).mean() < 0.65
    merged = imaging.merge(cohort, on="patient_id")
    older = merged["age_years"] >= 60
    assert (merged.loc[older, "cac_agatston"] > 0).mean() > (
        merged.loc[~older, "cac_agatston"] > 0
    ).mean()
    assert pd.to_datetime(imaging["scan_date"]).dt.year.eq(2025).all()


def test_the_story_patients_data_are_written(cohort):
    imaging = datasets.load("imaging").set_index("patient_id")
    for patient_id, values in SCENARIO_IMAGING.items():
        assert imaging.loc[patient_id, list(values)].tolist() == list(values.values())
    prom = datasets.load("prom")
    for patient_id, answers in SCENARIO_PROM.items():
        rows = prom[prom["patient_id"] == patient_id]
        assert rows[list(prom_items()["column"])].values.tolist() == answers


def test_the_story_patients_trends_hold_in_the_data():
    """PM-000030's steps and well-being fall during his cancer treatment; PM-000008's hold."""
    wearables = datasets.load("wearables")
    prom = datasets.load("prom")
    for patient_id, trend in SCENARIO_WEARABLES.items():
        weekly = weekly_summary(wearables[wearables["patient_id"] == patient_id])
        weekly = weekly[weekly["days_worn"] >= 4]
        first = weekly["mean_steps_per_day"].head(2).mean()
        last = weekly["mean_steps_per_day"].tail(2).mean()
        assert first == pytest.approx(trend["steps_start"], rel=0.15)
        assert last == pytest.approx(trend["steps_end"], rel=0.25)
    steps = {
        p: weekly_summary(wearables[wearables["patient_id"] == p])["mean_steps_per_day"]
        for p in (STORY_PATIENT, PRACTICE_PATIENT)
    }
    assert steps[STORY_PATIENT].tail(3).mean() < 0.6 * steps[STORY_PATIENT].head(3).mean()
    assert steps[PRACTICE_PATIENT].tail(3).mean() > 0.85 * steps[PRACTICE_PATIENT].head(3).mean()
    scores = {p: score_prom(prom[prom["patient_id"] == p]).tolist() for p in SCENARIO_PROM}
    assert scores[STORY_PATIENT] == sorted(scores[STORY_PATIENT], reverse=True)
    assert prom_meaning(scores[STORY_PATIENT][-1]).startswith("poor well-being")
    assert prom_meaning(min(scores[PRACTICE_PATIENT])) == "no sign of poor well-being"


def test_wearables_have_gaps_and_artefacts_and_stay_small(cohort, root):
    wearables = datasets.load("wearables")
    per_patient = wearables.groupby("patient_id").size()
    assert {STORY_PATIENT, PRACTICE_PATIENT} <= set(per_patient.index)
    assert 30 <= len(per_patient) <= 100
    # gaps: no patient wore the device every day, and the days are unique
    assert (per_patient < health_data.N_WEAR_DAYS).all()
    assert not wearables.duplicated(["patient_id", "date"]).any()
    removed = clean_wearables(wearables)["removed_by"].value_counts()
    for rule in load_table("wearable_rules")["rule"]:
        assert removed.get(rule, 0) > 10, rule
    assert (root / "data" / "wearables.csv").stat().st_size < 3_000_000


def test_prom_answers_are_whole_numbers_from_0_to_5():
    prom = datasets.load("prom")
    answers = prom[list(prom_items()["column"])]
    assert answers.isin(range(6)).all().all()
    assert set(prom["patient_id"]) == set(datasets.load("wearables")["patient_id"])
    assert prom.groupby("patient_id").size().eq(3).all()


def test_postcodes_lie_in_the_patients_region(cohort):
    postcodes = datasets.load("postcodes").merge(cohort, on="patient_id")
    table = load_table("postcodes_dk").astype({"postcode": str})
    allowed = set(zip(table["region"], table["postcode"], strict=True))
    pairs = set(zip(postcodes["region"].astype(str), postcodes["postcode"], strict=True))
    assert pairs <= allowed
    assert postcodes["postcode"].str.fullmatch(r"\d{4}").all()
    # every postcode of a region is used: a realistic spread for the privacy part
    assert postcodes["postcode"].nunique() == len(table)


def test_a_region_without_postcodes_is_named():
    cohort = make_cohort(3).assign(region="Greenland")
    with pytest.raises(ValueError, match="Greenland"):
        make_postcodes(cohort)


def test_a_cohort_without_patient_ids_is_refused():
    with pytest.raises(ValueError, match="patient_id"):
        make_imaging(pd.DataFrame({"age_years": [50]}))


# --- imaging categories ------------------------------------------------------


@pytest.mark.parametrize(
    "measure, value, category",
    [
        ("cac_agatston", 0, "CAC 0"),
        ("cac_agatston", 1, "CAC 1-99"),
        ("cac_agatston", 99, "CAC 1-99"),
        ("cac_agatston", 100, "CAC 100-299"),
        ("cac_agatston", 300, "CAC 300 or more"),
        ("lvef_percent", 40, "reduced (40% or less)"),
        ("lvef_percent", 41, "mildly reduced (41-49%)"),
        ("lvef_percent", 50, "preserved (50% or more)"),
    ],
)
def test_imaging_categories_at_their_boundaries(measure, value, category):
    assert imaging_category(measure, value) == category


def test_imaging_values_between_categories_and_below_them():
    assert imaging_category("lvef_percent", 40.5) == "mildly reduced (41-49%)"
    with pytest.raises(ValueError, match="below the lowest category"):
        imaging_category("cac_agatston", -1)


def test_an_unknown_imaging_measure_lists_the_known_ones():
    with pytest.raises(ValueError, match="cac_agatston"):
        imaging_category("ldl", 3)


# --- wearables ---------------------------------------------------------------


def test_clean_wearables_names_each_rule_and_keeps_the_other_value():
    days = pd.DataFrame(
        {
            "steps_per_day": [5000, 0, 7000, 70000, 0, np.nan],
            "resting_heart_rate_bpm": [64, 66, 210, 60, 25, 70],
        }
    )
    cleaned = clean_wearables(days)
    assert cleaned["removed_by"].tolist() == [
        "",
        "zero_steps",
        "implausible_heart_rate",
        "implausible_steps",
        "zero_steps; implausible_heart_rate",
        "",
    ]
    assert cleaned["steps_per_day"].isna().tolist() == [False, True, False, True, True, True]
    assert cleaned["resting_heart_rate_bpm"].isna().tolist() == [
        False,
        False,
        True,
        False,
        True,
        False,
    ]
    assert cleaned.loc[2, "steps_per_day"] == 7000  # the day's other value is kept
    assert days["steps_per_day"].iloc[1] == 0  # the input is not changed


def test_clean_wearables_names_a_missing_column():
    with pytest.raises(ValueError, match="resting_heart_rate_bpm"):
        clean_wearables(pd.DataFrame({"steps_per_day": [1000]}))


def test_weekly_summary_by_hand():
    days = pd.DataFrame(
        {
            "patient_id": ["PM-000001"] * 4 + ["PM-000002"],
            "date": ["2025-09-01", "2025-09-03", "2025-09-07", "2025-09-08", "2025-09-20"],
            "steps_per_day": [4000, 0, 8000, 5000, 3000],
            "resting_heart_rate_bpm": [60, 62, 64, 250, 70],
        }
    )
    weekly = weekly_summary(days)
    expected = pd.DataFrame(
        {
            "patient_id": ["PM-000001", "PM-000001", "PM-000002"],
            "week": [1, 2, 1],
            "days_worn": [3, 1, 1],
            "days_flagged": [1, 1, 0],
            "mean_steps_per_day": [6000.0, 5000.0, 3000.0],  # the 0-step day left out
            "mean_resting_heart_rate_bpm": [62.0, np.nan, 70.0],  # 250 bpm left out
        }
    )
    pd.testing.assert_frame_equal(weekly, expected, check_dtype=False)


# --- PROM ----------------------------------------------------------------------


def test_score_prom_applies_the_published_rule():
    rule = health_data.prom_scoring()
    assert rule["multiplier"] == 4 and rule["response_max"] == 5
    assert score_prom([0, 0, 0, 0, 0]) == 0.0
    assert score_prom([5, 5, 5, 5, 5]) == 100.0
    assert score_prom({f"who5_item_{i}": 3 for i in range(1, 6)}) == 60.0
    frame = pd.DataFrame([[1, 2, 3, 4, 5], [2, 2, 2, 2, 2]], columns=prom_items()["column"])
    assert score_prom(frame.set_axis([7, 9])).to_dict() == {7: 60.0, 9: 40.0}


@pytest.mark.parametrize(
    "answers, message",
    [
        ([4, 3, 3, 3], "5 items; got 4 answers"),
        ([4, 3, 3, 3, 4, 1], "5 items; got 6 answers"),
        ([4, 3, None, 3, 4], "item 3 is not answered"),
        ([4, 3, np.nan, 3, 4], "item 3 is not answered"),
        ([4, 3, 3, 3, 6], "item 5 has the answer 6"),
        ([-1, 3, 3, 3, 4], "item 1 has the answer -1"),
        ([2.5, 3, 3, 3, 4], "item 1 has the answer 2.5"),
        ({"who5_item_1": 3}, "incomplete"),
    ],
)
def test_score_prom_rejects_incomplete_or_out_of_range_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        score_prom(answers)


@pytest.mark.parametrize(
    "score, meaning",
    [
        (100, "no sign of poor well-being"),
        (52, "no sign of poor well-being"),
        (48, "poor well-being: screen for depression"),
        (32, "poor well-being: screen for depression"),
        (28, "likely depression: assess for depression"),
        (0, "likely depression: assess for depression"),
    ],
)
def test_prom_meaning_follows_the_cut_offs(score, meaning):
    assert prom_meaning(score) == meaning


def test_prom_meaning_refuses_a_score_outside_0_to_100():
    with pytest.raises(ValueError, match="0 to 100"):
        prom_meaning(104)


# --- plots ---------------------------------------------------------------------


def test_wearable_and_prom_plots_draw_the_data():
    weekly = weekly_summary(datasets.load("wearables").query("patient_id == @STORY_PATIENT"))
    ax = plots.plot_wearable_trend(weekly)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), weekly["mean_steps_per_day"])
    plt.close(ax.figure)
    ax = plots.plot_prom_scores(["2025-09-01", "2025-12-29"], [68.0, 32.0])
    assert list(ax.get_lines()[0].get_ydata()) == [68.0, 32.0]
    assert [line.get_ydata()[0] for line in ax.get_lines()[1:]] == [52.0, 28.0]
    plt.close(ax.figure)


def test_k_anonymity_plot_counts_records_by_class_size():
    ax = plots.plot_k_anonymity([1, 1, 3, 12], k=2)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[0] == 2 and heights[2] == 3 and heights[9] == 12 and sum(heights) == 17
    plt.close(ax.figure)
