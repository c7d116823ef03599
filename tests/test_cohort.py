import numpy as np
import pandas as pd
import pytest

from pmcourse.cohort import ANCESTRY_GROUPS, COHORT_COLUMNS, REGIONS, make_cohort


def test_same_seed_gives_identical_frames():
    pd.testing.assert_frame_equal(make_cohort(300, seed=7), make_cohort(300, seed=7))


def test_other_seed_gives_other_patients():
    first, second = make_cohort(300, seed=7), make_cohort(300, seed=8)
    assert not first.drop(columns="patient_id").equals(second.drop(columns="patient_id"))
    assert (first["age_years"] != second["age_years"]).mean() > 0.5


def test_smaller_cohort_is_a_prefix_of_a_larger_one():
    big = make_cohort(2500, seed=3)
    pd.testing.assert_frame_equal(make_cohort(1001, seed=3), big.head(1001))


def test_columns_are_documented_in_order():
    cohort = make_cohort(10)
    assert list(cohort.columns) == list(COHORT_COLUMNS)


def test_identifiers_are_synthetic_and_unique():
    cohort = make_cohort(1200)
    assert cohort["patient_id"].is_unique
    assert cohort["patient_id"].str.fullmatch(r"PM-\d{6,}").all()


def test_values_are_plausible():
    cohort = make_cohort(5000, seed=11)
    assert cohort["age_years"].between(18, 95).all()
    assert set(cohort["sex"]) == {"female", "male"}
    assert set(cohort["ancestry"]) == set(ANCESTRY_GROUPS)
    assert set(cohort["region"]) == set(REGIONS)
    assert cohort["bmi_kg_m2"].between(12, 60).all()
    assert cohort["systolic_bp_mmhg"].between(70, 250).all()
    assert cohort["egfr_ml_min_1_73m2"].between(8, 140).all()
    recomputed = cohort["weight_kg"] / (cohort["height_cm"] / 100) ** 2
    assert np.allclose(recomputed, cohort["bmi_kg_m2"], atol=0.06)
    shares = cohort["ancestry"].value_counts(normalize=True)
    assert shares["EUR"] == pytest.approx(ANCESTRY_GROUPS["EUR"][1], abs=0.03)


def test_marked_synthetic():
    assert "synthetic" in make_cohort(2).attrs["note"].lower()


@pytest.mark.parametrize("bad", [0, -5])
def test_rejects_non_positive_size(bad):
    with pytest.raises(ValueError, match="at least 1"):
        make_cohort(bad)


@pytest.mark.parametrize("bad", ["100", 10.5, True, None])
def test_rejects_non_integer_size(bad):
    with pytest.raises(TypeError, match="whole number"):
        make_cohort(bad)
