import numpy as np
import pandas as pd
import pytest

from pmcourse import datasets
from pmcourse.cohort import (
    ANCESTRY_GROUPS,
    COHORT_COLUMNS,
    REGIONS,
    make_cohort,
    patient_draws,
    patient_ids,
    patient_numbers,
    pick_by_share,
)


def test_same_seed_gives_identical_frames():
    pd.testing.assert_frame_equal(make_cohort(300, seed=7), make_cohort(300, seed=7))


def test_other_seed_gives_other_patients():
    first, second = make_cohort(300, seed=7), make_cohort(300, seed=8)
    assert not first.drop(columns="patient_id").equals(second.drop(columns="patient_id"))
    assert (first["age_years"] != second["age_years"]).mean() > 0.5


def test_smaller_cohort_is_a_prefix_of_a_larger_one():
    big = make_cohort(2500, seed=3)
    pd.testing.assert_frame_equal(make_cohort(1001, seed=3), big.head(1001))


def test_default_arguments_give_the_course_cohort(root):
    committed = datasets.load("cohort", data_dir=root / "data")
    pd.testing.assert_frame_equal(make_cohort(), committed)


def test_patient_numbers_invert_patient_ids():
    numbers = [1, 30, 999, 1000, 1001, 123456]
    assert patient_numbers(patient_ids(numbers)).tolist() == numbers


@pytest.mark.parametrize("bad", ["P-000001", "PM-1", "30", "PM-000000"])
def test_patient_numbers_name_a_malformed_identifier(bad):
    with pytest.raises(ValueError, match=bad):
        patient_numbers(["PM-000001", bad])


def test_a_patients_draws_do_not_depend_on_the_other_patients():
    ids = patient_ids(range(1, 2501))
    everyone = patient_draws(ids, 5, seed=3, layer="test")
    assert everyone.shape == (2500, 5)
    some = ids[::-7]  # every 7th patient, in reverse order, across three blocks
    np.testing.assert_array_equal(patient_draws(some, 5, seed=3, layer="test"), everyone[::-7])
    first = patient_draws(ids[:1001], 5, seed=3, layer="test")
    np.testing.assert_array_equal(first, everyone[:1001])


def test_draws_differ_between_seeds_layers_and_patients():
    ids = patient_ids(range(1, 201))
    draws = patient_draws(ids, 4, seed=3, layer="genotypes")
    assert np.unique(draws).size == draws.size
    for other in [
        patient_draws(ids, 4, seed=4, layer="genotypes"),
        patient_draws(ids, 4, seed=3, layer="diplotypes"),
        patient_draws(ids, 4, seed=None, layer="genotypes"),
    ]:
        assert not np.isin(draws, other).any()
    assert 0.45 < draws.mean() < 0.55 and draws.min() >= 0 and draws.max() < 1


def test_pick_by_share_follows_the_shares():
    draws = patient_draws(patient_ids(range(1, 20_001)), 1, seed=1, layer="test")[:, 0]
    picked = pd.Series(pick_by_share({"a": 0.1, "b": 0.0, "c": 0.6, "d": 0.3}, draws))
    shares = picked.value_counts(normalize=True)
    assert "b" not in shares
    assert shares[["a", "c", "d"]].tolist() == pytest.approx([0.1, 0.6, 0.3], abs=0.015)


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
