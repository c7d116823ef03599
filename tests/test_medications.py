"""Synthetic medication lists (pmcourse.medications)."""

import pandas as pd
import pytest

from pmcourse import datasets, pgx
from pmcourse.cohort import make_cohort
from pmcourse.medications import (
    MEDICATION_COLUMNS,
    SCENARIO_MEDICATIONS,
    WARDS,
    make_medications,
)
from pmcourse.reference import load_table

N_LARGE = 20_000


@pytest.fixture(scope="module")
def large():
    """Medications of 20,000 patients, to compare drawn shares with the design."""
    return make_medications(make_cohort(N_LARGE, seed=7), seed=7)


def test_every_row_is_on_a_known_ward_and_the_course_data_hold_every_guideline_drug():
    medications = datasets.load("medications")
    assert list(medications.columns) == list(MEDICATION_COLUMNS)
    assert set(medications["ward"]) == set(WARDS)
    assert not medications.duplicated(["patient_id", "drug"]).any()
    assert medications.groupby("patient_id")["ward"].nunique().max() == 1
    assert set(medications["drug"]) >= set(pgx.drugs())


def test_wards_and_medicines_follow_the_design(large):
    # share of all patients on a ward taking a medicine = ward share x share on the ward
    taking = large.groupby(["ward", "drug"]).size() / N_LARGE
    for row in load_table("ward_medicines").itertuples(index=False):
        expected = WARDS[row.ward] * row.share_of_patients
        assert taking[(row.ward, row.drug)] == pytest.approx(expected, abs=0.008), row.drug


@pytest.mark.parametrize("seed", [4, None])
def test_scenario_patients_get_exactly_their_story(seed):
    medications = make_medications(make_cohort(40), seed=seed)
    for patient, (ward, drugs) in SCENARIO_MEDICATIONS.items():
        mine = medications[medications["patient_id"] == patient]
        assert set(mine["ward"]) == {ward}
        assert mine["drug"].tolist() == drugs


def test_same_seed_same_medications_other_seed_differs():
    cohort = make_cohort(100, seed=5)
    first = make_medications(cohort, seed=4)
    assert first.equals(make_medications(cohort, seed=4))
    assert not first.equals(make_medications(cohort, seed=5))


def test_default_seed_gives_the_course_medications(root):
    committed = datasets.load("medications", data_dir=root / "data")
    pd.testing.assert_frame_equal(make_medications(make_cohort()), committed)


def test_medications_of_a_smaller_cohort_are_the_first_rows_of_a_larger_ones():
    larger = make_medications(make_cohort(2500, seed=3), seed=4)
    smaller = make_medications(make_cohort(1001, seed=3), seed=4)
    pd.testing.assert_frame_equal(smaller, larger.head(len(smaller)))
    assert smaller["patient_id"].nunique() > 900  # most patients take something


def test_a_patients_medications_do_not_depend_on_the_other_patients():
    cohort = make_cohort(2500, seed=3)
    everyone = make_medications(cohort, seed=4).set_index("patient_id")
    some = make_medications(cohort.iloc[::-7], seed=4).set_index("patient_id")
    assert len(some) > 300
    pd.testing.assert_frame_equal(some, everyone.loc[some.index.unique()])


def test_a_cohort_without_identifiers_is_refused():
    with pytest.raises(ValueError, match="patient_id"):
        make_medications(pd.DataFrame({"ancestry": ["EUR"]}))
