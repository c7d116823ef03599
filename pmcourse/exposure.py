"""A one-compartment drug-exposure simulator: how metaboliser phenotype changes exposure.

A drug taken by mouth every ``interval_h`` hours is absorbed at the rate ``ka``
and eliminated with clearance ``CL`` from a volume ``V``. One dose gives the
concentration

    C(t) = F · dose · ka / (V · (ka - k)) · (exp(-k t) - exp(-ka t)),  k = CL / V,

and repeated doses add up (superposition). The enzyme's activity, set by the
phenotype, changes the model in one of two ways:

- an **active drug** is cleared partly by the enzyme, so lower activity means
  lower clearance and a higher concentration;
- a **prodrug** is turned into its active form by the enzyme, so lower activity
  means less active drug is formed.

The two drugs and the activity of each phenotype are illustrative
(``exposure_drugs`` and ``exposure_activity`` in ``pmcourse/resources/``), not
any real drug's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from pmcourse.reference import KnownNames, load_table, lookup

__all__ = [
    "DrugModel",
    "concentration",
    "drug_models",
    "relative_activity",
    "simulate_exposure",
    "simulator_phenotypes",
]


@dataclass(frozen=True)
class DrugModel:
    """Parameters of one hypothetical drug (see ``exposure_drugs.csv``)."""

    drug: str
    kind: str
    dose_mg: float
    interval_h: float
    bioavailability: float
    volume_l: float
    absorption_rate_per_h: float
    clearance_l_h: float
    enzyme_share: float
    activation_fraction: float
    window_low_ug_l: float
    window_high_ug_l: float


@cache
def drug_models() -> dict[str, DrugModel]:
    """The simulator's drugs by name.

    Examples
    --------
    >>> sorted(drug_models())
    ['Drug A (active drug)', 'Drug B (prodrug)']
    """
    table = load_table("exposure_drugs").fillna(0.0)
    return KnownNames(
        ((row["drug"], DrugModel(**row)) for row in table.to_dict("records")), what="drug"
    )


def simulator_phenotypes() -> list[str]:
    """Phenotypes the simulator knows, from poor to ultrarapid."""
    return list(lookup("exposure_activity", "phenotype", "relative_activity"))


def relative_activity(phenotype: str) -> float:
    """Enzyme activity of a phenotype relative to a Normal Metabolizer.

    Examples
    --------
    >>> relative_activity("Poor Metabolizer")
    0.1
    >>> relative_activity("Slow")
    Traceback (most recent call last):
    ...
    ValueError: There is no phenotype 'Slow'. Known: 'Poor Metabolizer',
    'Intermediate Metabolizer', 'Normal Metabolizer', 'Ultrarapid Metabolizer'.
    """
    return float(lookup("exposure_activity", "phenotype", "relative_activity")[phenotype])


def concentration(
    time_h: np.ndarray,
    *,
    dose_mg: float,
    interval_h: float,
    clearance_l_h: float,
    volume_l: float,
    absorption_rate_per_h: float,
    bioavailability: float = 1.0,
) -> np.ndarray:
    """Plasma concentration (µg/L) after repeated oral doses from time 0.

    Examples
    --------
    >>> c = concentration(np.array([0.0, 2.0]), dose_mg=100, interval_h=24,
    ...                   clearance_l_h=10, volume_l=100, absorption_rate_per_h=1.0)
    >>> float(c[0]), round(float(c[1]), 1)
    (0.0, 759.3)
    """
    time_h = np.asarray(time_h, dtype=float)
    k = clearance_l_h / volume_l
    ka = absorption_rate_per_h
    if np.isclose(k, ka):
        ka = k * 1.0001  # the formula has ka - k in the denominator
    scale = bioavailability * dose_mg * 1000.0 * ka / (volume_l * (ka - k))  # µg/L
    n_doses = int(np.floor(time_h.max() / interval_h)) + 1 if time_h.size else 0
    total = np.zeros_like(time_h)
    for dose in range(n_doses):
        since = time_h - dose * interval_h
        given = since >= 0
        total[given] += scale * (np.exp(-k * since[given]) - np.exp(-ka * since[given]))
    return total


def simulate_exposure(
    phenotype: str,
    *,
    drug: str = "Drug A (active drug)",
    dose_mg: float | None = None,
    interval_h: float | None = None,
    days: float = 10,
    points_per_hour: int = 4,
) -> pd.DataFrame:
    """Concentration-time curve for one phenotype.

    Parameters
    ----------
    phenotype : str
        One of :func:`simulator_phenotypes`.
    drug : str
        One of :func:`drug_models`.
    dose_mg, interval_h : float, optional
        Dose and dosing interval; the drug's usual ones when omitted.
    days : float, default 10
        How long to simulate.
    points_per_hour : int, default 4
        Time resolution.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_h`` and ``concentration_ug_l`` (of the active drug or,
        for a prodrug, of its active metabolite).

    Examples
    --------
    >>> normal = simulate_exposure("Normal Metabolizer")
    >>> poor = simulate_exposure("Poor Metabolizer")
    >>> bool(poor["concentration_ug_l"].iloc[-1] > normal["concentration_ug_l"].iloc[-1])
    True
    """
    model = drug_models()[drug]
    dose = model.dose_mg if dose_mg is None else float(dose_mg)
    interval = model.interval_h if interval_h is None else float(interval_h)
    if dose < 0 or interval <= 0 or days <= 0:
        raise ValueError("The dose must be 0 or more, and the interval and days above 0.")
    activity = relative_activity(phenotype)
    time_h = np.linspace(0, days * 24, int(days * 24 * points_per_hour) + 1)
    if model.kind == "prodrug":
        # Only the share the enzyme activates becomes active drug.
        available = model.bioavailability * min(1.0, model.activation_fraction * activity)
        clearance = model.clearance_l_h
    else:
        available = model.bioavailability
        share = model.enzyme_share
        clearance = model.clearance_l_h * ((1 - share) + share * activity)
    values = concentration(
        time_h,
        dose_mg=dose,
        interval_h=interval,
        clearance_l_h=clearance,
        volume_l=model.volume_l,
        absorption_rate_per_h=model.absorption_rate_per_h,
        bioavailability=available,
    )
    return pd.DataFrame({"time_h": time_h, "concentration_ug_l": values})
