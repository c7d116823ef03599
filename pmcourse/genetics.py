"""Genotypes, allele and genotype frequencies, and Hardy-Weinberg equilibrium.

Genotypes at one SNP are coded as the number of copies of the variant
(alternative) allele a patient carries: 0, 1 or 2. Genotype counts follow the
textbook letters: ``A`` is the reference allele and ``a`` the variant allele,
so ``n_ref_ref``, ``n_ref_alt`` and ``n_alt_alt`` count the genotypes 0, 1 and 2, and the
allele frequency ``p`` is the frequency of ``A``:

    p = (2 n_ref_ref + n_ref_alt) / (2 N),  q = 1 - p.

Under Hardy-Weinberg equilibrium the expected genotype frequencies are p², 2pq
and q²; the chi-square goodness-of-fit test has 1 degree of freedom (three
classes, minus one, minus one estimated allele frequency).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmcourse.cohort import ANCESTRY_GROUPS, patient_draws
from pmcourse.reference import load_table

__all__ = [
    "GENOTYPES_SEED",
    "SCENARIO_GENOTYPES",
    "GenotypeCounts",
    "HardyWeinbergResult",
    "allele_frequency",
    "allele_frequencies_by_ancestry",
    "carriers",
    "expected_genotype_counts",
    "genotype_counts",
    "genotype_frequencies",
    "genotype_labels",
    "HardyWeinbergExactResult",
    "hardy_weinberg_exact",
    "hardy_weinberg_test",
    "make_genotypes",
    "simulate_genotype_counts",
    "snp_panel",
    "variant_allele_frequency",
]


#: Seed of the course's genotypes (the cohort's seed, 2016, plus one).
GENOTYPES_SEED = 2017

#: Patients whose story the notebooks tell: their genotypes at these SNPs are
#: written, not drawn, so the story holds whatever the seed. PM-000030 carries
#: one CYP2C19*2 and no *17 (module 1; CYP2C19 *1/*2 in module 4), one CYP2C9*3
#: and no *2 (CYP2C9 *1/*3) and no SLCO1B1 c.521C (SLCO1B1 *1/*37).
SCENARIO_GENOTYPES = {
    "PM-000030": {
        "rs4244285": 1,
        "rs12248560": 0,
        "rs1799853": 0,
        "rs1057910": 1,
        "rs4149056": 0,
    },
}


class GenotypeCounts(NamedTuple):
    """Numbers of patients with each genotype at one SNP."""

    n_ref_ref: int
    n_ref_alt: int
    n_alt_alt: int


class HardyWeinbergResult(NamedTuple):
    """Result of :func:`hardy_weinberg_test`."""

    allele_frequency: float
    """p, the frequency of the reference allele estimated from the observed counts."""
    expected: tuple[float, float, float]
    """Expected numbers of ref/ref, ref/alt and alt/alt patients under equilibrium."""
    chi_square: float
    """Chi-square statistic, the sum of (observed - expected)² / expected."""
    p_value: float
    """Probability of a chi-square at least this large under equilibrium (1 df)."""


class HardyWeinbergExactResult(NamedTuple):
    """Result of :func:`hardy_weinberg_exact`."""

    allele_frequency: float
    """p, the frequency of the reference allele estimated from the observed counts."""
    expected: tuple[float, float, float]
    """Expected numbers of ref/ref, ref/alt and alt/alt patients under equilibrium."""
    p_value: float
    """Probability, under equilibrium, of a heterozygote count as unlikely as the observed one."""


def snp_panel() -> pd.DataFrame:
    """The named SNPs of the course with variant allele frequencies per ancestry.

    Returns
    -------
    pandas.DataFrame
        One row per SNP: ``rsid``, ``gene``, ``allele_name`` (star allele),
        ``hgvs_coding``, ``ref_allele``, ``alt_allele``, ``alt_allele_function``
        and one column per ancestry group code (``EUR``, ``EA``, ``SSA``, ``AA``,
        ``CSA``, ``LAT``) with the frequency of the variant allele.
        ``attrs`` holds the source and version.

    Examples
    --------
    >>> panel = snp_panel()
    >>> panel["rsid"].tolist()[:2]
    ['rs4244285', 'rs12248560']
    >>> float(panel.set_index("rsid").loc["rs9923231", "EA"])
    0.867
    """
    return load_table("snp_panel")


def make_genotypes(cohort: pd.DataFrame, *, seed: int | None = GENOTYPES_SEED) -> pd.DataFrame:
    """Draw genotypes at the course's named SNPs for every patient of a cohort.

    Each patient's two alleles are drawn independently from the variant allele
    frequency of their ancestry group, so every group is in Hardy-Weinberg
    equilibrium while frequencies differ between groups. The patients of
    :data:`SCENARIO_GENOTYPES` get the genotypes their story needs.

    A patient's genotypes depend only on the seed, the patient (the number in
    ``patient_id``) and their ancestry, never on the other rows of the frame
    (see :func:`pmcourse.cohort.patient_draws`): the genotypes of a smaller
    cohort are the first rows of a larger one's, and a subset or a reordering of
    the patients gives each patient the same genotypes. With the default seed,
    ``make_genotypes(make_cohort())`` is the course's data set,
    ``pmcourse.datasets.load("genotypes")``.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A frame with ``patient_id`` and ``ancestry`` columns, such as
        :func:`pmcourse.cohort.make_cohort` returns.
    seed : int or None, default GENOTYPES_SEED
        Seed of the random generator; the same seed gives identical genotypes.

    Returns
    -------
    pandas.DataFrame
        One row per row of `cohort`, in its order: ``patient_id``, ``ancestry``
        and one column per SNP of :func:`snp_panel` named by its rsID, holding
        the number of copies of the variant allele (0, 1 or 2).

    Examples
    --------
    >>> from pmcourse.cohort import make_cohort
    >>> genotypes = make_genotypes(make_cohort(4, seed=1), seed=1)
    >>> list(genotypes.columns[:3])
    ['patient_id', 'ancestry', 'rs4244285']
    >>> sorted(set(genotypes["rs4244285"]) - {0, 1, 2})
    []
    >>> make_genotypes(make_cohort(2, seed=1), seed=1).equals(genotypes.head(2))
    True
    """
    missing = {"patient_id", "ancestry"} - set(cohort.columns)
    if missing:
        raise ValueError(
            f"The cohort needs the column(s) {sorted(missing)}; it has {list(cohort.columns)}. "
            "Use pmcourse.cohort.make_cohort() to make one."
        )
    unknown = set(cohort["ancestry"].astype(str)) - set(ANCESTRY_GROUPS)
    if unknown:
        raise ValueError(
            f"Unknown ancestry group(s) {sorted(unknown)}; known: {', '.join(ANCESTRY_GROUPS)}."
        )
    panel = snp_panel()
    groups = pd.Categorical(cohort["ancestry"].astype(str), categories=list(ANCESTRY_GROUPS))
    q = panel[list(ANCESTRY_GROUPS)].to_numpy(dtype=float)[:, groups.codes].T
    draws = patient_draws(cohort["patient_id"], 2 * len(panel), seed=seed, layer="genotypes")
    copies = (draws[:, 0::2] < q).astype(np.int64) + (draws[:, 1::2] < q)
    genotypes = pd.DataFrame(
        {"patient_id": cohort["patient_id"].array, "ancestry": cohort["ancestry"].array}
    )
    genotypes[panel["rsid"].tolist()] = copies
    for patient, planted in SCENARIO_GENOTYPES.items():
        genotypes.loc[genotypes["patient_id"] == patient, list(planted)] = list(planted.values())
    genotypes.attrs["note"] = "Synthetic data, not for clinical use."
    return genotypes


def _as_genotype_array(genotypes) -> np.ndarray:
    """Genotypes as a float array of 0, 1, 2 or NaN (missing), with plain errors."""
    values = np.asarray(genotypes, dtype=float) if not isinstance(genotypes, str) else None
    if values is None or values.ndim != 1:
        raise TypeError(
            "Genotypes should be one column of numbers 0, 1 or 2 (copies of the variant "
            f"allele), such as genotypes['rs4244285']; got {type(genotypes).__name__}."
        )
    observed = values[~np.isnan(values)]
    bad = np.setdiff1d(observed, [0, 1, 2])
    if bad.size:
        raise ValueError(
            f"Genotypes must be 0, 1 or 2 copies of the variant allele; found {bad[:5].tolist()}."
        )
    return values


def genotype_counts(genotypes) -> GenotypeCounts:
    """Count patients with 0, 1 and 2 copies of the variant allele.

    Missing genotypes (NaN) are left out.

    Parameters
    ----------
    genotypes : array_like
        Genotypes at one SNP coded 0, 1 or 2.

    Returns
    -------
    GenotypeCounts
        ``(n_ref_ref, n_ref_alt, n_alt_alt)``: reference homozygotes, heterozygotes and
        variant homozygotes.

    Examples
    --------
    >>> genotype_counts([0, 0, 1, 2, 1, 0])
    GenotypeCounts(n_ref_ref=3, n_ref_alt=2, n_alt_alt=1)
    """
    values = _as_genotype_array(genotypes)
    return GenotypeCounts(*(int(np.sum(values == k)) for k in (0, 1, 2)))


def _check_counts(n_ref_ref, n_ref_alt, n_alt_alt) -> np.ndarray:
    counts = np.array([n_ref_ref, n_ref_alt, n_alt_alt], dtype=float)
    if np.any(np.isnan(counts)) or np.any(counts < 0):
        raise ValueError(f"Genotype counts must be zero or more; got {counts.tolist()}.")
    if counts.sum() == 0:
        raise ValueError("There are no patients: all three genotype counts are 0.")
    return counts


def allele_frequency(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> float:
    """Frequency p of the reference allele from genotype counts: (2 n_ref_ref + n_ref_alt) / (2 N).

    Examples
    --------
    >>> allele_frequency(36, 48, 16)
    0.6
    """
    counts = _check_counts(n_ref_ref, n_ref_alt, n_alt_alt)
    return float((2 * counts[0] + counts[1]) / (2 * counts.sum()))


def variant_allele_frequency(genotypes) -> float:
    """Frequency of the variant allele in genotypes coded 0, 1 or 2 (NaN ignored).

    Examples
    --------
    >>> variant_allele_frequency([0, 1, 2, 1])
    0.5
    """
    return 1.0 - allele_frequency(*genotype_counts(genotypes))


def genotype_frequencies(
    n_ref_ref: int, n_ref_alt: int, n_alt_alt: int
) -> tuple[float, float, float]:
    """Share of patients with genotype ref/ref, ref/alt and alt/alt.

    Examples
    --------
    >>> genotype_frequencies(36, 48, 16)
    (0.36, 0.48, 0.16)
    """
    counts = _check_counts(n_ref_ref, n_ref_alt, n_alt_alt)
    return tuple(float(x) for x in counts / counts.sum())


def carriers(genotypes) -> pd.Series | np.ndarray:
    """Which patients carry at least one copy of the variant allele.

    Parameters
    ----------
    genotypes : pandas.Series or array_like
        Genotypes at one SNP coded 0, 1 or 2.

    Returns
    -------
    pandas.Series or numpy.ndarray of bool
        True for heterozygous and homozygous carriers (same index as a Series
        input); missing genotypes are False.

    Examples
    --------
    >>> carriers([0, 1, 2, 0]).tolist()
    [False, True, True, False]
    """
    values = _as_genotype_array(genotypes)
    is_carrier = values >= 1
    if isinstance(genotypes, pd.Series):
        return pd.Series(is_carrier, index=genotypes.index, name=genotypes.name)
    return is_carrier


def genotype_labels(genotypes, ref_allele: str, alt_allele: str) -> list[str]:
    """Write genotypes 0, 1, 2 with letters, such as ``'G/G'``, ``'G/A'``, ``'A/A'``.

    Examples
    --------
    >>> genotype_labels([0, 1, 2], "G", "A")
    ['G/G', 'G/A', 'A/A']
    """
    names = {
        0: f"{ref_allele}/{ref_allele}",
        1: f"{ref_allele}/{alt_allele}",
        2: f"{alt_allele}/{alt_allele}",
    }
    values = _as_genotype_array(genotypes)
    return [names[int(v)] if not np.isnan(v) else "./." for v in values]


def allele_frequencies_by_ancestry(genotypes: pd.DataFrame, rsid: str) -> pd.Series:
    """Variant allele frequency of one SNP in each ancestry group.

    Parameters
    ----------
    genotypes : pandas.DataFrame
        A frame from :func:`make_genotypes`.
    rsid : str
        Column of the SNP, such as ``'rs4244285'``.

    Returns
    -------
    pandas.Series
        Frequency per ancestry group code, named after the SNP.

    Examples
    --------
    >>> frame = pd.DataFrame({"ancestry": ["EUR", "EUR", "EA", "EA"],
    ...                       "rs1": [0, 1, 2, 1]})
    >>> allele_frequencies_by_ancestry(frame, "rs1").to_dict()
    {'EA': 0.75, 'EUR': 0.25}
    """
    if rsid not in genotypes.columns:
        snps = [c for c in genotypes.columns if str(c).startswith("rs")]
        raise ValueError(f"There is no SNP column {rsid!r}; the SNPs here are {snps}.")
    grouped = genotypes.groupby(genotypes["ancestry"].astype(str))[rsid]
    return grouped.apply(variant_allele_frequency).rename(rsid)


def expected_genotype_counts(p: float, n_patients: int) -> tuple[float, float, float]:
    """Expected numbers of ref/ref, ref/alt and alt/alt patients under Hardy-Weinberg equilibrium.

    Parameters
    ----------
    p : float
        Frequency of the reference allele, between 0 and 1.
    n_patients : int
        Number of patients.

    Returns
    -------
    tuple of float
        ``(p² N, 2pq N, q² N)``.

    Examples
    --------
    >>> expected_genotype_counts(0.6, 100)
    (36.0, 48.0, 16.0)
    """
    if not 0 <= p <= 1:
        raise ValueError(f"An allele frequency must be between 0 and 1; got {p}.")
    q = 1 - p
    return tuple(float(round(x * n_patients, 10)) for x in (p * p, 2 * p * q, q * q))


def hardy_weinberg_test(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> HardyWeinbergResult:
    """Chi-square test of Hardy-Weinberg equilibrium at one SNP (1 degree of freedom).

    Parameters
    ----------
    n_ref_ref, n_ref_alt, n_alt_alt : int
        Observed numbers of patients with each genotype.

    Returns
    -------
    HardyWeinbergResult
        ``allele_frequency`` (p, of the reference allele), ``expected`` counts, ``chi_square`` and
        ``p_value``. A SNP where one allele is absent fits trivially
        (chi-square 0, p-value 1).

    Raises
    ------
    ValueError
        If a count is negative or all counts are 0.

    Examples
    --------
    >>> result = hardy_weinberg_test(36, 48, 16)
    >>> result.expected
    (36.0, 48.0, 16.0)
    >>> result.chi_square, result.p_value
    (0.0, 1.0)
    >>> round(hardy_weinberg_test(50, 20, 30).chi_square, 2)
    34.03
    """
    observed = _check_counts(n_ref_ref, n_ref_alt, n_alt_alt)
    p = allele_frequency(*observed)
    expected = np.array(expected_genotype_counts(p, observed.sum()))
    present = expected > 0  # a class that cannot occur contributes nothing
    chi_square = float(np.sum((observed[present] - expected[present]) ** 2 / expected[present]))
    # Upper tail of chi-square with 1 degree of freedom: P(Z² > x) = erfc(sqrt(x / 2)).
    # The same as scipy.stats.chi2.sf(x, df=1), without importing scipy.stats (0.6 s)
    # in every notebook that uses this module.
    p_value = math.erfc(math.sqrt(chi_square / 2))
    return HardyWeinbergResult(p, tuple(float(x) for x in expected), chi_square, p_value)


#: Relative tolerance when comparing heterozygote probabilities with the observed
#: one, so that counts exactly as likely (ties, such as in a symmetric
#: distribution) are not lost to rounding error.
_TIE_TOLERANCE = 1e-7


def hardy_weinberg_exact(
    n_ref_ref: int, n_ref_alt: int, n_alt_alt: int, *, mid_p: bool = False
) -> HardyWeinbergExactResult:
    """Exact test of Hardy-Weinberg equilibrium at one SNP (Wigginton et al. 2005).

    The chi-square test is an approximation that needs enough patients: when an
    expected genotype count is below 5 (small groups, rare variants) its
    p-value can be far off. The exact test needs no approximation. It keeps the
    number of patients and of alt alleles fixed, and works out the probability
    of every possible number of heterozygotes under equilibrium (Levene's
    formula). The p-value adds up the probabilities of all heterozygote counts
    that are no more likely than the one observed: the "SNP-HWE" test of
    Wigginton, Cutler and Abecasis, Am J Hum Genet 2005;76:887-893 (PMID
    15789306), as in their program and in PLINK.

    Parameters
    ----------
    n_ref_ref, n_ref_alt, n_alt_alt : int
        Observed numbers of patients with each genotype (whole numbers).
    mid_p : bool, default False
        If True, count the observed heterozygote count only half (the
        "mid-p" variant, less conservative); the default is the paper's test.

    Returns
    -------
    HardyWeinbergExactResult
        ``allele_frequency`` (p, of the reference allele), ``expected``
        counts and ``p_value``. A SNP where one allele is absent fits
        trivially (p-value 1).

    Raises
    ------
    ValueError
        If a count is negative or not a whole number, or all counts are 0.

    Examples
    --------
    Ten patients with one rare homozygote and no heterozygote: the expected
    counts are far below 5, so the chi-square test would mislead.

    >>> result = hardy_weinberg_exact(9, 0, 1)
    >>> result.expected
    (8.1, 1.8, 0.1)
    >>> round(result.p_value, 4)
    0.0526
    >>> round(hardy_weinberg_test(9, 0, 1).p_value, 4)
    0.0016

    The paper's program gives the same p-values, for example:

    >>> round(hardy_weinberg_exact(10, 500, 5000).p_value, 6)
    0.651572
    >>> hardy_weinberg_exact(36, 48, 16).p_value
    1.0
    """
    observed = _check_counts(n_ref_ref, n_ref_alt, n_alt_alt)
    if np.any(observed != np.round(observed)):
        raise ValueError(
            "The exact test needs whole numbers of patients; got "
            f"{observed.tolist()}. Count patients with genotype_counts()."
        )
    p = allele_frequency(*observed)
    expected = tuple(float(x) for x in expected_genotype_counts(p, observed.sum()))
    n_patients, n_hets = int(observed.sum()), int(observed[1])
    n_rare = int(min(2 * observed[0] + observed[1], 2 * observed[2] + observed[1]))
    # Possible heterozygote counts have the parity of the rare allele count.
    hets = np.arange(n_rare % 2, n_rare + 1, 2)
    hom_rare = (n_rare - hets) // 2
    hom_common = n_patients - hets - hom_rare
    # log n! for n = 0 ... 2N, then Levene's formula up to a constant.
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, 2 * n_patients + 1)))])
    log_probability = (
        hets * math.log(2)
        - log_factorial[hets]
        - log_factorial[hom_rare]
        - log_factorial[hom_common]
    )
    probability = np.exp(log_probability - log_probability.max())
    probability /= probability.sum()
    observed_probability = probability[hets == n_hets][0]
    as_unlikely = probability <= observed_probability * (1 + _TIE_TOLERANCE)
    p_value = probability[as_unlikely].sum() - (observed_probability / 2 if mid_p else 0.0)
    return HardyWeinbergExactResult(p, expected, float(min(1.0, p_value)))


def simulate_genotype_counts(
    p: float, n_patients: int, *, inbreeding: float = 0.0, seed: int | None = None
) -> GenotypeCounts:
    """Draw genotype counts for a population with allele frequency p.

    Parameters
    ----------
    p : float
        Frequency of the reference allele, between 0 and 1.
    n_patients : int
        Number of patients to draw.
    inbreeding : float, default 0.0
        Heterozygote deficit F between 0 and 1. 0 is Hardy-Weinberg equilibrium;
        larger values mimic inbreeding, mixing populations with different
        frequencies (population structure) or heterozygotes miscalled as
        homozygotes (genotyping error). Genotype frequencies are
        p² + Fpq, 2pq(1 - F) and q² + Fpq.
    seed : int or None
        Seed of the random generator.

    Returns
    -------
    GenotypeCounts

    Examples
    --------
    >>> counts = simulate_genotype_counts(0.5, 1000, seed=1)
    >>> sum(counts)
    1000
    >>> simulate_genotype_counts(0.5, 1000, inbreeding=1.0, seed=1).n_ref_alt
    0
    """
    if not 0 <= p <= 1:
        raise ValueError(f"An allele frequency must be between 0 and 1; got {p}.")
    if not 0 <= inbreeding <= 1:
        raise ValueError(f"inbreeding must be between 0 and 1; got {inbreeding}.")
    q = 1 - p
    shares = np.array(
        [p * p + inbreeding * p * q, 2 * p * q * (1 - inbreeding), q * q + inbreeding * p * q]
    )
    counts = np.random.default_rng(seed).multinomial(int(n_patients), shares / shares.sum())
    return GenotypeCounts(*(int(c) for c in counts))
