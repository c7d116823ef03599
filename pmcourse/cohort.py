"""The synthetic patient population shared by every module of the course.

Every patient is invented. Identifiers have the clearly synthetic form
``PM-000123`` so they can never be mistaken for a Danish CPR number, and the
distributions below are chosen to look plausible in a teaching setting, not to
describe any real population. Synthetic, not for clinical use.

The cohort is *prefix-stable*: patients are drawn in fixed blocks, each from its
own random stream, so ``make_cohort(500, seed=s)`` equals the first 500 rows of
``make_cohort(2000, seed=s)``. A patient therefore keeps the same age, sex and
ancestry whatever the size of the cohort a module asks for.

Every layer drawn on top of the cohort (genotypes, diplotypes, medications...)
keeps that promise with :func:`patient_draws`: each patient's random numbers
come from the stream of the patient's own block, chosen by the number in their
``patient_id``, so what a patient gets depends only on the seed, the patient and
the patient's own data, never on who else is in the frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ANCESTRY_GROUPS",
    "COHORT_COLUMNS",
    "COURSE_SEED",
    "N_COURSE_PATIENTS",
    "REGIONS",
    "make_cohort",
    "patient_draws",
    "patient_ids",
    "patient_numbers",
    "pick_by_share",
]

#: Seed of the course's shared cohort (the year of Denmark's national strategy).
COURSE_SEED = 2016

#: Size of the course's shared cohort (the cohort written to ``data/``).
N_COURSE_PATIENTS = 1000

#: Ancestry groups, with CPIC's biogeographic group codes, and their synthetic
#: shares. The shares are a design choice so that every group has enough patients
#: for the exercises; they do not describe any real hospital population.
ANCESTRY_GROUPS = {
    "EUR": ("European", 0.70),
    "CSA": ("Central/South Asian", 0.09),
    "SSA": ("Sub-Saharan African", 0.06),
    "LAT": ("Latino", 0.05),
    "EA": ("East Asian", 0.06),
    "AA": ("African American/Afro-Caribbean", 0.04),
}

#: The five Danish regions and rough synthetic shares of patients.
REGIONS = {
    "Capital Region": 0.32,
    "Central Denmark": 0.23,
    "Southern Denmark": 0.21,
    "Zealand": 0.14,
    "North Denmark": 0.10,
}

#: Every column of :func:`make_cohort`, with its meaning and unit.
COHORT_COLUMNS = {
    "patient_id": "synthetic patient identifier, PM- followed by six or more digits",
    "sex": "sex recorded at birth: 'female' or 'male'",
    "age_years": "age in whole years (18 to 95)",
    "ancestry": "genetic ancestry group, CPIC biogeographic code: "
    + ", ".join(f"{code} ({name})" for code, (name, _) in ANCESTRY_GROUPS.items()),
    "region": "Danish region of residence: " + ", ".join(REGIONS),
    "height_cm": "height in centimetres",
    "weight_kg": "weight in kilograms",
    "bmi_kg_m2": "body-mass index in kg/m², weight / height²",
    "systolic_bp_mmhg": "systolic blood pressure in mmHg",
    "ldl_cholesterol_mmol_l": "LDL cholesterol in mmol/L",
    "hba1c_mmol_mol": "HbA1c in mmol/mol (IFCC units)",
    "egfr_ml_min_1_73m2": "estimated glomerular filtration rate in mL/min/1.73 m²",
    "smoker": "current smoker: True or False",
}

_BLOCK_SIZE = 1000  # patients drawn per random stream; keeps the cohort prefix-stable


def patient_ids(numbers: np.ndarray | range) -> np.ndarray:
    """Format patient numbers as synthetic identifiers.

    Parameters
    ----------
    numbers : array_like of int
        Patient numbers, starting at 1.

    Returns
    -------
    numpy.ndarray of str
        Identifiers such as ``'PM-000123'``.

    Examples
    --------
    >>> patient_ids(range(1, 4)).tolist()
    ['PM-000001', 'PM-000002', 'PM-000003']
    """
    return np.array([f"PM-{number:06d}" for number in numbers], dtype=object)


def patient_numbers(patient_id: Sequence[str] | np.ndarray | pd.Series) -> np.ndarray:
    """The patient numbers in synthetic identifiers: the inverse of :func:`patient_ids`.

    Parameters
    ----------
    patient_id : array_like of str
        Identifiers such as ``'PM-000123'``.

    Returns
    -------
    numpy.ndarray of int
        The numbers, such as 123.

    Raises
    ------
    ValueError
        If an identifier is not of the form ``PM-`` followed by six or more digits.

    Examples
    --------
    >>> patient_numbers(["PM-000123", "PM-000001"]).tolist()
    [123, 1]
    """
    ids = pd.Series(np.asarray(patient_id, dtype=object), dtype=object).astype(str)
    numbers = ids.str.extract(r"^PM-(\d{6,})$", expand=False)
    bad = ids[numbers.isna() | (numbers.fillna("0").astype(np.int64) < 1)]
    if len(bad):
        raise ValueError(
            f"Patient identifiers should look like 'PM-000123'; got {bad.head(3).tolist()}. "
            "Use the patient_id column of pmcourse.cohort.make_cohort()."
        )
    return numbers.astype(np.int64).to_numpy()


def patient_draws(
    patient_id: Sequence[str] | np.ndarray | pd.Series,
    n_draws: int,
    *,
    seed: int | None,
    layer: str,
) -> np.ndarray:
    """Uniform random numbers for each patient, from that patient's own stream.

    Each patient's row comes from the random stream of the patient's block
    (1000 patients per block, like :func:`make_cohort`), picked by the number in
    the identifier. A row therefore depends only on `seed`, `layer` and the
    patient, never on which other patients are asked for or in which order: a
    generator that draws through this function keeps the cohort's prefix promise.

    Parameters
    ----------
    patient_id : array_like of str
        Identifiers such as ``'PM-000123'``.
    n_draws : int
        Random numbers per patient (columns).
    seed : int or None
        Seed of the layer; ``None`` gives new numbers each time.
    layer : str
        Name of the layer, such as ``"genotypes"``: layers drawn with the same
        seed still get independent streams, and none shares the cohort's.

    Returns
    -------
    numpy.ndarray of float
        Shape ``(len(patient_id), n_draws)``, numbers in [0, 1).

    Examples
    --------
    >>> draws = patient_draws(["PM-000001", "PM-000002"], 3, seed=1, layer="example")
    >>> draws.shape
    (2, 3)
    >>> bool((patient_draws(["PM-000002"], 3, seed=1, layer="example") == draws[1]).all())
    True
    """
    blocks, offsets = np.divmod(patient_numbers(patient_id) - 1, _BLOCK_SIZE)
    entropy = np.random.SeedSequence(seed).entropy
    layer_key = int.from_bytes(layer.encode("utf-8"), "little")
    draws = np.empty((len(blocks), n_draws))
    for block in np.unique(blocks):
        stream = np.random.SeedSequence(entropy, spawn_key=(layer_key, int(block)))
        rows = blocks == block
        draws[rows] = np.random.default_rng(stream).random((_BLOCK_SIZE, n_draws))[offsets[rows]]
    return draws


def pick_by_share(shares: pd.Series | dict, draws: np.ndarray) -> np.ndarray:
    """Turn uniform random numbers into options, each picked with its share.

    Parameters
    ----------
    shares : pandas.Series or dict
        Options (index or keys) and their shares; shares are scaled to sum to 1.
    draws : numpy.ndarray
        Uniform random numbers in [0, 1), such as a column of :func:`patient_draws`.

    Returns
    -------
    numpy.ndarray
        One option per draw, with the shape of `draws`.

    Examples
    --------
    >>> pick_by_share({"a": 0.25, "b": 0.75}, np.array([0.1, 0.3, 0.99])).tolist()
    ['a', 'b', 'b']
    """
    shares = pd.Series(shares, dtype=float)
    cumulative = np.cumsum(shares.to_numpy()) / shares.sum()
    index = np.searchsorted(cumulative, draws, side="right")
    return shares.index.to_numpy()[np.minimum(index, len(shares) - 1)]


def make_cohort(
    n_patients: int = N_COURSE_PATIENTS, *, seed: int | None = COURSE_SEED
) -> pd.DataFrame:
    """Draw the synthetic patient cohort.

    With the defaults it is the course's cohort, identical to
    ``pmcourse.datasets.load("cohort")``. A smaller cohort is the first rows of a
    larger one drawn with the same seed (patients are drawn in blocks of 1000,
    each from its own random stream), so a patient is the same person whatever
    the size asked for.

    Parameters
    ----------
    n_patients : int, default N_COURSE_PATIENTS (1000)
        Number of patients (rows).
    seed : int or None, default COURSE_SEED
        Seed of the random generator. The same seed gives an identical frame;
        ``None`` gives a new random cohort each time.

    Returns
    -------
    pandas.DataFrame
        One row per patient, shape ``(n_patients, 13)``, with the columns of
        :data:`COHORT_COLUMNS`:

        - ``patient_id`` (str): ``PM-000001``, ``PM-000002``, ...
        - ``sex`` (category): ``female`` or ``male``
        - ``age_years`` (int): 18 to 95
        - ``ancestry`` (category): CPIC group code, see :data:`ANCESTRY_GROUPS`
        - ``region`` (category): Danish region, see :data:`REGIONS`
        - ``height_cm``, ``weight_kg``, ``bmi_kg_m2`` (float)
        - ``systolic_bp_mmhg`` (int), ``ldl_cholesterol_mmol_l``,
          ``hba1c_mmol_mol``, ``egfr_ml_min_1_73m2`` (float)
        - ``smoker`` (bool)

        ``frame.attrs["note"]`` says the data are synthetic.

    Raises
    ------
    ValueError
        If `n_patients` is not a positive whole number.

    Examples
    --------
    >>> cohort = make_cohort(5, seed=1)
    >>> cohort.shape
    (5, 13)
    >>> cohort["patient_id"].tolist()
    ['PM-000001', 'PM-000002', 'PM-000003', 'PM-000004', 'PM-000005']
    >>> make_cohort(5, seed=1).equals(cohort)
    True
    >>> make_cohort(3, seed=1).equals(cohort.head(3))
    True
    """
    if isinstance(n_patients, bool) or not isinstance(n_patients, (int, np.integer)):
        raise TypeError(f"n_patients must be a whole number, such as 1000; got {n_patients!r}.")
    if n_patients < 1:
        raise ValueError(f"n_patients must be at least 1; got {n_patients}.")
    root = np.random.SeedSequence(seed)
    n_blocks = -(-int(n_patients) // _BLOCK_SIZE)
    blocks = [
        _draw_block(np.random.default_rng(child), _BLOCK_SIZE) for child in root.spawn(n_blocks)
    ]
    columns = {
        name: np.concatenate([block[name] for block in blocks])[:n_patients] for name in blocks[0]
    }
    frame = pd.DataFrame(
        {
            "patient_id": patient_ids(range(1, n_patients + 1)),
            "sex": pd.Categorical.from_codes(columns["sex"], ["female", "male"]),
            "age_years": columns["age_years"],
            "ancestry": pd.Categorical.from_codes(columns["ancestry"], list(ANCESTRY_GROUPS)),
            "region": pd.Categorical.from_codes(columns["region"], list(REGIONS)),
            "height_cm": columns["height_cm"],
            "weight_kg": columns["weight_kg"],
            "bmi_kg_m2": np.round(columns["weight_kg"] / (columns["height_cm"] / 100) ** 2, 1),
            "systolic_bp_mmhg": columns["systolic_bp_mmhg"],
            "ldl_cholesterol_mmol_l": columns["ldl_cholesterol_mmol_l"],
            "hba1c_mmol_mol": columns["hba1c_mmol_mol"],
            "egfr_ml_min_1_73m2": columns["egfr_ml_min_1_73m2"],
            "smoker": columns["smoker"],
        }
    )
    frame.attrs["note"] = "Synthetic data, not for clinical use."
    return frame


def _draw_block(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """Draw one block of patients from one random stream (synthetic distributions)."""
    sex = rng.integers(0, 2, size=size).astype(np.int8)  # 0 female, 1 male
    age = np.clip(np.round(rng.normal(55, 17, size)), 18, 95).astype(np.int16)
    shares = np.array([share for _, share in ANCESTRY_GROUPS.values()])
    ancestry = rng.choice(len(shares), size=size, p=shares / shares.sum()).astype(np.int8)
    region_shares = np.array(list(REGIONS.values()))
    region = rng.choice(len(region_shares), size=size, p=region_shares).astype(np.int8)
    height = np.where(sex == 1, 180.0, 166.5) + rng.normal(0, 7, size)
    bmi = np.exp(rng.normal(np.log(26.0), 0.17, size))
    weight = bmi * (height / 100) ** 2
    systolic = 105 + 0.45 * age + 4 * sex + rng.normal(0, 14, size)
    ldl = np.clip(rng.normal(2.4 + 0.012 * age, 0.85, size), 0.8, 9.0)
    hba1c = np.clip(rng.lognormal(np.log(35 + 0.08 * age), 0.13, size), 25, 120)
    egfr = np.clip(125 - 0.75 * age + rng.normal(0, 12, size), 8, 140)
    smoker = rng.random(size) < 0.14
    return {
        "sex": sex,
        "age_years": age.astype(np.int64),
        "ancestry": ancestry,
        "region": region,
        "height_cm": np.round(height, 1),
        "weight_kg": np.round(weight, 1),
        "systolic_bp_mmhg": np.round(systolic).astype(np.int64),
        "ldl_cholesterol_mmol_l": np.round(ldl, 2),
        "hba1c_mmol_mol": np.round(hba1c, 1),
        "egfr_ml_min_1_73m2": np.round(egfr, 1),
        "smoker": smoker,
    }
