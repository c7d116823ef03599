"""Synthetic medication lists: which ward each patient is on and what they take.

The wards and the share of their patients taking each medicine are a course
design (``ward_medicines`` in ``pmcourse/resources/``), chosen so that every
drug of module 4's CPIC guidelines appears among ordinary medicines that raise
no pharmacogenomic alert. They are not prescribing statistics. Synthetic, not
for clinical use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmcourse.cohort import patient_draws, pick_by_share
from pmcourse.reference import load_table

__all__ = [
    "MEDICATIONS_SEED",
    "MEDICATION_COLUMNS",
    "SCENARIO_MEDICATIONS",
    "WARDS",
    "make_medications",
]

#: Wards and the share of the cohort placed on each (course design).
WARDS = {
    "Cardiology": 0.25,
    "Oncology": 0.20,
    "Psychiatry": 0.15,
    "Gastroenterology": 0.15,
    "General medicine": 0.25,
}

#: Seed of the course's medication lists.
MEDICATIONS_SEED = 2020

#: Every column of :func:`make_medications`.
MEDICATION_COLUMNS = {
    "patient_id": "synthetic patient identifier",
    "ward": "hospital ward the patient is on: " + ", ".join(WARDS),
    "drug": "generic name of one medicine the patient takes (lower case)",
}

#: Patients whose story the notebooks tell: their ward and medicines are
#: written, not drawn, so the story holds whatever the seed.
SCENARIO_MEDICATIONS = {
    "PM-000030": (
        "Cardiology",
        ["acetylsalicylic acid", "clopidogrel", "atorvastatin", "apixaban"],
    ),
}


def make_medications(cohort: pd.DataFrame, *, seed: int | None = MEDICATIONS_SEED) -> pd.DataFrame:
    """Place every patient on a ward and draw the medicines they take.

    Each patient is placed on a ward with the shares of :data:`WARDS` and takes
    each medicine of that ward (``ward_medicines`` in ``pmcourse/resources/``)
    with its share of patients. The patients of :data:`SCENARIO_MEDICATIONS`
    get the ward and medicines of their story.

    A patient's ward and medicines depend only on the seed and the patient (the
    number in ``patient_id``), never on the other rows of `cohort` (see
    :func:`pmcourse.cohort.patient_draws`): the medications of a smaller cohort
    are the first rows of a larger one's, and a subset or a reordering of the
    patients gives each patient the same rows. With the default seed,
    ``make_medications(make_cohort())`` is the course's data set,
    ``pmcourse.datasets.load("medications")``.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A frame with a ``patient_id`` column, such as
        :func:`pmcourse.cohort.make_cohort` returns.
    seed : int or None, default MEDICATIONS_SEED
        Seed of the random generator.

    Returns
    -------
    pandas.DataFrame
        One row per prescription (a patient may have none), with the columns
        of :data:`MEDICATION_COLUMNS`, patients in the order of `cohort` and
        each patient's medicines in the order of ``ward_medicines``.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> medications = make_medications(make_cohort(50, seed=1), seed=1)
    >>> list(medications.columns)
    ['patient_id', 'ward', 'drug']
    >>> set(medications["ward"]) <= set(WARDS)
    True
    >>> first_10 = make_medications(make_cohort(10, seed=1), seed=1)
    >>> first_10.equals(medications.head(len(first_10)))
    True
    """
    if "patient_id" not in cohort.columns:
        raise ValueError(
            "The cohort needs a 'patient_id' column; use pmcourse.cohort.make_cohort()."
        )
    medicines = load_table("ward_medicines")
    patients = cohort["patient_id"].astype(str).to_numpy()
    draws = patient_draws(patients, 1 + len(medicines), seed=seed, layer="medications")
    wards = pick_by_share(WARDS, draws[:, 0])
    takes = (wards[:, None] == medicines["ward"].to_numpy()) & (
        draws[:, 1:] < medicines["share_of_patients"].to_numpy()
    )
    for patient, (ward, drugs) in SCENARIO_MEDICATIONS.items():
        rows = patients == patient
        wards[rows] = ward
        takes[rows] = (medicines["ward"] == ward) & medicines["drug"].isin(drugs)
    patient_row, medicine_row = np.nonzero(takes)
    frame = pd.DataFrame(
        {
            "patient_id": patients[patient_row],
            "ward": wards[patient_row],
            "drug": medicines["drug"].to_numpy()[medicine_row],
        }
    )
    frame.attrs["note"] = "Synthetic data, not for clinical use."
    return frame
