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

from pmcourse.reference import load_table

__all__ = ["MEDICATION_COLUMNS", "MEDICATIONS_SEED", "WARDS", "make_medications"]

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

# Patients whose story the notebooks tell: their ward and medicines are written,
# not drawn, so the story holds whatever the seed.
SCENARIO_PATIENTS = {
    "PM-000030": ("Cardiology", ["acetylsalicylic acid", "clopidogrel", "atorvastatin"]),
}


def make_medications(cohort: pd.DataFrame, *, seed: int | None = MEDICATIONS_SEED) -> pd.DataFrame:
    """Place every patient on a ward and draw the medicines they take.

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
        of :data:`MEDICATION_COLUMNS`, sorted by patient.

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> medications = make_medications(make_cohort(50, seed=1), seed=1)
    >>> list(medications.columns)
    ['patient_id', 'ward', 'drug']
    >>> set(medications["ward"]) <= set(WARDS)
    True
    """
    if "patient_id" not in cohort.columns:
        raise ValueError(
            "The cohort needs a 'patient_id' column; use pmcourse.cohort.make_cohort()."
        )
    rng = np.random.default_rng(seed)
    medicines = load_table("ward_medicines")
    patients = cohort["patient_id"].astype(str).to_numpy()
    wards = rng.choice(list(WARDS), size=len(patients), p=list(WARDS.values()))
    rows = []
    for patient, ward in zip(patients, wards, strict=True):
        on_ward = medicines[medicines["ward"] == ward]
        taken = on_ward["drug"][rng.random(len(on_ward)) < on_ward["share_of_patients"]]
        if patient in SCENARIO_PATIENTS:
            ward, taken = SCENARIO_PATIENTS[patient]
        rows += [(patient, ward, drug) for drug in taken]
    frame = pd.DataFrame(rows, columns=list(MEDICATION_COLUMNS))
    frame.attrs["note"] = "Synthetic data, not for clinical use."
    return frame
