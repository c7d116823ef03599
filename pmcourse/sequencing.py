"""Sequencing reads, base qualities, genotype calls and VCF files.

A sequencer reads each base with a small chance of error. The chance is
written as a Phred quality ``Q = -10 log10(P(error))``: Q20 is one error in
100 bases, Q30 one in 1000 (Ewing and Green 1998). FASTQ files store each
quality as one character, the number plus 33 in ASCII (Sanger and Illumina
1.8+), so ``'I'`` (ASCII 73) is Q40.

At one position of the genome the reads that cover it form a *pile*: ``n_ref``
reads show the reference base and ``n_alt`` the variant base; their sum is
the depth (coverage). The genotype caller here uses the binomial error model
that callers such as bcftools and GATK build on: a read from a chromosome with
the reference base shows the variant base with probability ``e`` (the error
rate), and a read from a chromosome with the variant base shows it with
probability ``1 - e``. Each genotype (0/0, 0/1, 1/1: copies of the variant
allele) gives its likelihood to the pile; the call is the most likely genotype
(no prior), and its genotype quality GQ is the Phred-scaled gap between the
best and the second-best likelihood, capped at 99 as VCF writers do. PL are the
Phred-scaled likelihoods of all three genotypes, the best set to 0.

Calls are written to and read from VCF 4.2 files with pysam (htslib), so the
files are valid by construction; ``.vcf.gz`` files are bgzip-compressed and
tabix-indexed. pysam is imported only by :func:`read_vcf` and :func:`write_vcf`,
so importing this module stays cheap. Positions are on the GRCh38 reference
genome and alleles on its plus strand, as a VCF writes them
(:func:`variant_sites`): for a gene on the minus strand the letters are the
complements of the gene's own, so VKORC1 -1639G>A is C>T in a VCF. Synthetic
data, not for clinical use.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from pmcourse.cohort import patient_draws
from pmcourse.reference import load_table

__all__ = [
    "COURSE_DEPTH",
    "COURSE_ERROR_RATE",
    "GENOTYPES",
    "GQ_CAP",
    "LOW_QUAL",
    "READS_SEED",
    "SCENARIO_DEPTHS",
    "GenotypeCall",
    "Pile",
    "base_qualities",
    "call_accuracy",
    "call_genotype",
    "call_variants",
    "error_to_phred",
    "filter_calls",
    "genotype_likelihoods",
    "make_read_counts",
    "phred_to_error",
    "read_vcf",
    "simulate_pile",
    "variant_sites",
    "vcf_long",
    "write_vcf",
]

#: The three genotypes of a biallelic site, as a VCF writes them, by copies of the variant.
GENOTYPES = ("0/0", "0/1", "1/1")

#: Largest genotype quality written, as VCF callers cap it.
GQ_CAP = 99

#: Seed of the course's simulated reads (the cohort's seed, 2016, plus five).
READS_SEED = 2021

#: Error rate of the course's simulated reads and calls: Q20, one base in 100.
COURSE_ERROR_RATE = 0.01

#: Mean depth of the course's simulated reads (a genome sequenced to about 30x).
COURSE_DEPTH = 32

#: Calls whose depth is written, not drawn, so that module 2's data hold a few
#: low-quality calls to set aside: a low-depth DPYD call for PM-000043 (the one
#: carrier of c.1905+1G>A, so the whole record is LowQual), and two calls with
#: low depth in otherwise good records.
SCENARIO_DEPTHS = {
    ("PM-000043", "rs3918290"): 4,
    ("PM-000005", "rs9923231"): 5,
    ("PM-000002", "rs1799853"): 6,
}

#: The QUAL below which a record gets the FILTER LowQual.
LOW_QUAL = 30

_VCF_COLUMNS = ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER"]
_SAMPLE_FIELDS = ["GT", "DP", "GQ", "AD"]
_FORMATS = {
    "GT": ("1", "String", "Genotype: 0 the reference allele, 1 the variant (ALT) allele"),
    "DP": ("1", "Integer", "Read depth of this sample at this site"),
    "GQ": ("1", "Integer", f"Genotype quality: Phred-scaled, capped at {GQ_CAP}"),
    "AD": ("R", "Integer", "Reads showing each allele: reference, then variant"),
    "PL": ("G", "Integer", "Phred-scaled likelihoods of 0/0, 0/1 and 1/1, the best set to 0"),
}
SYNTHETIC_COMMENT = "Synthetic data, not for clinical use. Simulated reads and calls (pmcourse)."


class Pile(NamedTuple):
    """The reads at one site: how many show the reference and how many the variant base."""

    n_ref: int
    n_alt: int

    @property
    def depth(self) -> int:
        """Number of reads at the site."""
        return self.n_ref + self.n_alt


class GenotypeCall(NamedTuple):
    """Result of :func:`call_genotype`."""

    genotype: str
    """The most likely genotype: '0/0', '0/1' or '1/1'."""
    gq: int
    """Genotype quality: Phred-scaled gap between the best and second-best genotype, at most 99."""
    pl: tuple[int, int, int]
    """Phred-scaled likelihoods of 0/0, 0/1 and 1/1, the best set to 0."""


def phred_to_error(q):
    """The probability that a base is wrong, from its Phred quality: ``10 ** (-q / 10)``.

    Parameters
    ----------
    q : float or array_like
        Phred quality, 0 or more (Q20, Q30...).

    Returns
    -------
    float or numpy.ndarray
        Error probability between 0 and 1, with the shape of `q`.

    Raises
    ------
    ValueError
        If a quality is negative or missing.

    Examples
    --------
    >>> phred_to_error(20)
    0.01
    >>> phred_to_error([0, 10, 30]).tolist()
    [1.0, 0.1, 0.001]
    """
    values = np.asarray(q, dtype=float)
    bad = values[~(values >= 0)]
    if bad.size:
        raise ValueError(
            f"A Phred quality is 0 or more (Q20 means 1 error in 100 bases); got {bad[0]:g}. "
            "Check that you passed qualities, not error probabilities."
        )
    error = 10 ** (-values / 10)
    return float(error) if error.ndim == 0 else error


def error_to_phred(p):
    """The Phred quality of an error probability: ``-10 * log10(p)``.

    Parameters
    ----------
    p : float or array_like
        Probability that a base (or a call) is wrong, above 0 and at most 1.

    Returns
    -------
    float or numpy.ndarray
        Phred quality, with the shape of `p`.

    Raises
    ------
    ValueError
        If a probability is 0 or less, above 1 or missing.

    Examples
    --------
    >>> error_to_phred(0.001)
    30.0
    >>> error_to_phred([1, 0.1, 0.01]).tolist()
    [0.0, 10.0, 20.0]
    """
    values = np.asarray(p, dtype=float)
    bad = values[~((values > 0) & (values <= 1))]
    if bad.size:
        raise ValueError(
            f"An error probability is above 0 and at most 1 (0.01 is 1 error in 100); got "
            f"{bad[0]:g}. A probability of exactly 0 would be an infinite quality."
        )
    phred = -10 * np.log10(values) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(phred) if phred.ndim == 0 else phred


def base_qualities(quality_string: str) -> list[int]:
    """Phred qualities of the bases of a FASTQ read, from its quality line.

    Each character is one base's quality plus 33, as an ASCII code (the
    Sanger and Illumina 1.8+ encoding): ``'!'`` is Q0, ``'+'`` Q10, ``'5'``
    Q20, ``'?'`` Q30 and ``'I'`` Q40.

    Parameters
    ----------
    quality_string : str
        The fourth line of a FASTQ record.

    Returns
    -------
    list of int
        One quality per base.

    Raises
    ------
    ValueError
        If a character is not a quality character (ASCII 33 '!' to 126 '~').

    Examples
    --------
    >>> base_qualities("II?5+!")
    [40, 40, 30, 20, 10, 0]
    """
    if not isinstance(quality_string, str):
        raise TypeError(
            f"Give the quality line of a FASTQ read as text, such as 'II?5+'; "
            f"got {type(quality_string).__name__}."
        )
    bad = [char for char in quality_string if not 33 <= ord(char) <= 126]
    if bad:
        raise ValueError(
            f"{bad[0]!r} is not a FASTQ quality character (from '!' for Q0 to '~' for Q93). "
            "Pass the fourth line of the FASTQ record, not the bases."
        )
    return [ord(char) - 33 for char in quality_string]


def _check_error_rate(error_rate: float) -> float:
    if not 0 < error_rate < 0.5:
        raise ValueError(
            f"The error rate is the chance that a read shows the wrong base: above 0 and below "
            f"0.5, such as 0.01 (Q20); got {error_rate!r}. To use a Phred quality, pass "
            "phred_to_error(quality)."
        )
    return float(error_rate)


def _check_counts(n_ref, n_alt) -> tuple[np.ndarray, np.ndarray]:
    n_ref, n_alt = np.asarray(n_ref), np.asarray(n_alt)
    for name, values in (("n_ref", n_ref), ("n_alt", n_alt)):
        numbers = values.astype(float)
        if ((numbers < 0) | (numbers != np.round(numbers))).any():
            raise ValueError(
                f"{name} counts reads, so it is a whole number, 0 or more; got {values!r}."
            )
    if (n_ref + n_alt == 0).any():
        raise ValueError(
            "There are no reads at this site (depth 0), so no genotype can be called. "
            "Report it as a no-call ('./.') and ask the lab to re-sequence or use another method."
        )
    return n_ref.astype(np.int64), n_alt.astype(np.int64)


def _log10_likelihoods(n_ref, n_alt, error_rate: float) -> np.ndarray:
    """log10 likelihoods of 0/0, 0/1 and 1/1 (last axis), binomial coefficient left out."""
    e = _check_error_rate(error_rate)
    n_ref, n_alt = _check_counts(n_ref, n_alt)
    p_alt = np.array([e, 0.5, 1 - e])  # chance a read shows the variant, per genotype
    return n_alt[..., None] * np.log10(p_alt) + n_ref[..., None] * np.log10(1 - p_alt)


def genotype_likelihoods(n_ref: int, n_alt: int, error_rate: float = 0.01) -> dict[str, float]:
    """How likely the pile is under each genotype (binomial error model), as log10.

    A read shows the variant base with probability ``e`` from a 0/0 site,
    ``1/2`` from a 0/1 site and ``1 - e`` from a 1/1 site, so the likelihood of
    ``n_alt`` variant reads among ``n_ref + n_alt`` is binomial. The binomial
    coefficient is the same for every genotype and is left out: only the
    differences between genotypes matter.

    Parameters
    ----------
    n_ref, n_alt : int
        Reads showing the reference and the variant base.
    error_rate : float, default 0.01
        Chance that a read shows the wrong base (0.01 is Q20).

    Returns
    -------
    dict
        ``{"0/0": ..., "0/1": ..., "1/1": ...}``: log10 likelihoods (0 or below).

    Raises
    ------
    ValueError
        If there are no reads (depth 0), a count is negative or the error rate
        is not between 0 and 0.5.

    Examples
    --------
    >>> likelihoods = genotype_likelihoods(10, 10, 0.01)
    >>> round(likelihoods["0/1"], 2)
    -6.02
    >>> max(likelihoods, key=likelihoods.get)
    '0/1'
    """
    values = _log10_likelihoods(n_ref, n_alt, error_rate)
    return {genotype: float(value) for genotype, value in zip(GENOTYPES, values, strict=True)}


def _calls(log10_likelihoods: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best genotype index, GQ and PL from log10 likelihoods (last axis: 0/0, 0/1, 1/1)."""
    phred = -10 * log10_likelihoods
    best = np.argmin(phred, axis=-1)
    ordered = np.sort(phred, axis=-1)
    gq = np.minimum(np.round(ordered[..., 1] - ordered[..., 0]), GQ_CAP).astype(np.int64)
    pl = np.round(phred - ordered[..., :1]).astype(np.int64)
    return best, gq, pl


def call_genotype(n_ref: int, n_alt: int, error_rate: float = 0.01) -> GenotypeCall:
    """Call the genotype of a pile: the most likely one, with GQ and PL.

    Parameters
    ----------
    n_ref, n_alt, error_rate
        The pile and the error rate, as for :func:`genotype_likelihoods`.

    Returns
    -------
    GenotypeCall
        ``genotype`` ('0/0', '0/1' or '1/1'), ``gq`` (the Phred-scaled gap
        between the best and the second-best genotype's likelihood, at most 99:
        GQ 20 means the second-best genotype is 100 times less likely) and ``pl``
        (Phred-scaled likelihoods of 0/0, 0/1 and 1/1, the best 0).

    Raises
    ------
    ValueError
        If there are no reads (depth 0): a genotype cannot be called from
        nothing. Also for negative counts or an error rate outside (0, 0.5).

    Examples
    --------
    >>> call_genotype(15, 14)
    GenotypeCall(genotype='0/1', gq=99, pl=(193, 0, 213))
    >>> call_genotype(3, 1)
    GenotypeCall(genotype='0/1', gq=8, pl=(8, 0, 48))
    """
    best, gq, pl = _calls(_log10_likelihoods(n_ref, n_alt, error_rate))
    return GenotypeCall(GENOTYPES[int(best)], int(gq), tuple(int(value) for value in pl))


def simulate_pile(genotype: int, depth: int, error_rate: float = 0.01, *, seed=None) -> Pile:
    """Simulate the reads at one site of a person with a known genotype.

    Each of the `depth` reads comes from one of the two chromosomes, each
    with chance 1/2, and shows its base wrongly with chance `error_rate`.

    Parameters
    ----------
    genotype : int
        The true genotype as copies of the variant allele: 0, 1 or 2.
    depth : int
        Number of reads covering the site, 1 or more.
    error_rate : float, default 0.01
        Chance that a read shows the wrong base.
    seed : int or None
        Seed of the random draw; the same seed gives the same pile.

    Returns
    -------
    Pile
        ``Pile(n_ref, n_alt)``; ``pile.depth`` is their sum.

    Examples
    --------
    >>> pile = simulate_pile(1, 30, 0.01, seed=1)
    >>> pile.depth
    30
    >>> simulate_pile(1, 30, 0.01, seed=1) == pile
    True
    """
    if genotype not in (0, 1, 2) or isinstance(genotype, bool):
        raise ValueError(
            f"genotype is the number of copies of the variant allele: 0, 1 or 2; got {genotype!r}."
        )
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(
            f"depth is the number of reads, a whole number of 1 or more; got {depth!r}."
        )
    n_alt = int(np.random.default_rng(seed).binomial(depth, _alt_chance(genotype, error_rate)))
    return Pile(int(depth) - n_alt, n_alt)


def _alt_chance(genotype, error_rate: float):
    """Chance that a read shows the variant base, for 0, 1 or 2 copies of it."""
    e = _check_error_rate(error_rate)
    share = np.asarray(genotype) / 2
    return share * (1 - e) + (1 - share) * e


def call_accuracy(
    depth: int,
    error_rate: float = 0.01,
    *,
    genotype: int = 1,
    n_sites: int = 2000,
    seed: int | None = 1,
) -> float:
    """Share of correct genotype calls at a given depth, over many simulated sites.

    Every simulated site has the true genotype `genotype`; by default
    heterozygous (0/1), the hard case: half the reads should show the variant,
    and at low depth chance can give nearly all reference reads, so the call is
    0/0 and the variant is missed. Homozygous sites are called correctly at
    much lower depth.

    Why about 30x: germline genomes are commonly sequenced to a mean depth of
    about 30x, which leaves almost every heterozygous site with enough reads
    on each allele. A mean is not every site, though: coverage is uneven, so
    some sites have far fewer reads than the mean. Ajay et al. (2011) showed
    that 30x mean coverage leaves a large part of the genome without accurate
    genotype calls and proposed reporting how much of the genome reaches a
    given depth instead (Genomics England, for example, asks for 95% of the
    autosomal genome at 15x or more). And 30x is not enough where the variant
    is in only some of the cells: a mosaic variant, or a somatic variant in a
    tumour, may be in 5-10% of the reads rather than 50%, and needs far deeper
    sequencing (hundreds of reads) to be seen at all. This simulation counts
    only sequencing errors: mapping errors, duplicates and uneven coverage make
    real calls worse.

    Parameters
    ----------
    depth : int
        Reads at each site, 1 or more.
    error_rate : float, default 0.01
        Chance that a read shows the wrong base (Q20).
    genotype : int, default 1
        True genotype of every simulated site, as copies of the variant (0, 1, 2).
    n_sites : int, default 2000
        Number of sites simulated.
    seed : int or None, default 1
        Seed of the simulation.

    Returns
    -------
    float
        Share of sites called correctly, between 0 and 1.

    Examples
    --------
    >>> call_accuracy(30, 0.01)
    1.0
    >>> call_accuracy(4, 0.01) < 0.9
    True
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(
            f"depth is the number of reads, a whole number of 1 or more; got {depth!r}."
        )
    rng = np.random.default_rng(seed)
    n_alt = rng.binomial(depth, _alt_chance(genotype, error_rate), size=n_sites)
    best, _, _ = _calls(_log10_likelihoods(depth - n_alt, n_alt, error_rate))
    return float(np.mean(best == genotype))


def variant_sites() -> pd.DataFrame:
    """The sites of module 2's VCF: GRCh38 positions and plus-strand alleles.

    Returns
    -------
    pandas.DataFrame
        One row per site: ``rsid``, ``gene``, ``allele_name``, ``chrom``,
        ``pos`` (1-based), ``ref`` and ``alt`` (plus strand, as in a VCF),
        ``gene_strand`` ('+' or '-') and ``chrom_length`` (GRCh38). The first
        six are the course's SNP panel. ``attrs`` holds the source.

    Examples
    --------
    >>> sites = variant_sites().set_index("rsid")
    >>> print(*sites.loc["rs4244285", ["chrom", "pos", "ref", "alt"]])
    chr10 94781859 G A
    """
    return load_table("variant_sites")


def make_read_counts(
    genotypes: pd.DataFrame,
    *,
    depth: int = COURSE_DEPTH,
    error_rate: float = COURSE_ERROR_RATE,
    seed: int | None = READS_SEED,
) -> pd.DataFrame:
    """Simulate the reads at every site of :func:`variant_sites` for some patients.

    Each patient's reads come from their own random stream
    (:func:`pmcourse.cohort.patient_draws`), so a patient's piles do not depend
    on the other patients in the frame. The depth at each site is drawn around
    `depth` (a normal spread with standard deviation a fifth of it, at least 8
    reads); the calls of :data:`SCENARIO_DEPTHS` get the depth written there.

    Parameters
    ----------
    genotypes : pandas.DataFrame
        ``patient_id`` and one column per rsID of :func:`variant_sites` with the
        true genotype (copies of the variant: 0, 1 or 2), as in
        ``pmcourse.datasets.load("genotypes")`` plus the two more sites.
    depth : int, default 32
        Mean depth.
    error_rate : float, default 0.01
        Chance that a read shows the wrong base.
    seed : int or None, default READS_SEED
        Seed of the reads.

    Returns
    -------
    pandas.DataFrame
        One row per patient and site, patients in the order given: ``patient_id``,
        ``rsid``, ``depth`` (reads at the site), ``n_ref`` and ``n_alt`` (reads
        showing the reference and the variant base).

    Examples
    --------
    >>> truth = pd.DataFrame({"patient_id": ["PM-000001"]} | {
    ...     rsid: [1] for rsid in variant_sites()["rsid"]})
    >>> reads = make_read_counts(truth)
    >>> list(reads.columns)
    ['patient_id', 'rsid', 'depth', 'n_ref', 'n_alt']
    >>> bool((reads["n_ref"] + reads["n_alt"] == reads["depth"]).all())
    True
    """
    rsids = variant_sites()["rsid"].tolist()
    missing = sorted({"patient_id", *rsids} - set(genotypes.columns))
    if missing:
        raise ValueError(
            f"The genotypes need the column(s) {missing}: patient_id and one column per site "
            "of variant_sites()."
        )
    truth = genotypes[rsids].to_numpy(dtype=np.int64)
    draws = patient_draws(genotypes["patient_id"], 2 * len(rsids), seed=seed, layer="reads")
    spread = NormalDist(depth, depth / 5)
    uniform = draws[:, 0::2].clip(1e-12, None)  # inv_cdf needs a number above 0
    depths = np.vectorize(spread.inv_cdf)(uniform).round().clip(8).astype(np.int64)
    reads = pd.DataFrame(
        {
            "patient_id": np.repeat(genotypes["patient_id"].to_numpy(dtype=object), len(rsids)),
            "rsid": np.tile(rsids, len(genotypes)),
            "depth": depths.ravel(),
        }
    )
    keys = zip(reads["patient_id"], reads["rsid"], strict=True)
    reads["depth"] = [SCENARIO_DEPTHS.get(k, d) for k, d in zip(keys, reads["depth"], strict=True)]
    # the variant reads: binomial, drawn by inverting its distribution at the second number
    chance = _alt_chance(truth.ravel(), error_rate)
    reads["n_alt"] = [
        _binomial_quantile(u, n, p)
        for u, n, p in zip(draws[:, 1::2].ravel(), reads["depth"], chance, strict=True)
    ]
    reads.insert(3, "n_ref", reads["depth"] - reads["n_alt"])
    reads.attrs["note"] = "Synthetic data, not for clinical use."
    return reads


def _binomial_quantile(u: float, n: int, p: float) -> int:
    """The smallest k with P(X <= k) > u for X ~ Binomial(n, p)."""
    total = 0.0
    for k in range(n + 1):
        total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if total > u:
            return k
    return n


def call_variants(reads: pd.DataFrame, *, error_rate: float = COURSE_ERROR_RATE) -> pd.DataFrame:
    """Call genotypes from read counts and lay them out as VCF calls.

    Parameters
    ----------
    reads : pandas.DataFrame
        ``patient_id``, ``rsid``, ``n_ref`` and ``n_alt``, as
        :func:`make_read_counts` returns; every rsID one of :func:`variant_sites`.
    error_rate : float, default 0.01
        Error rate the caller assumes.

    Returns
    -------
    pandas.DataFrame
        One row per patient and site, the long form :func:`write_vcf` takes:
        ``patient_id``, ``CHROM``, ``POS``, ``ID``, ``REF``, ``ALT``, ``QUAL``,
        ``FILTER``, ``GENE``, ``GT``, ``DP``, ``GQ``, ``AD``, ``PL``. QUAL is the
        Phred-scaled probability that no patient carries the variant (the
        product of each patient's share of the 0/0 likelihood), rounded to
        whole numbers; records below 30 get the FILTER LowQual.

    Examples
    --------
    >>> reads = pd.DataFrame({"patient_id": ["PM-000001", "PM-000002"],
    ...     "rsid": ["rs4244285"] * 2, "n_ref": [30, 14], "n_alt": [0, 15]})
    >>> calls = call_variants(reads)
    >>> calls[["patient_id", "GT", "GQ", "AD", "FILTER"]].values.tolist()
    [['PM-000001', '0/0', 89, '30,0', 'PASS'], ['PM-000002', '0/1', 99, '14,15', 'PASS']]
    """
    sites = variant_sites().set_index("rsid")
    unknown = sorted(set(reads["rsid"]) - set(sites.index))
    if unknown:
        raise ValueError(f"No position is known for {unknown}; known sites: {list(sites.index)}.")
    log10 = _log10_likelihoods(reads["n_ref"], reads["n_alt"], error_rate)
    best, gq, pl = _calls(log10)
    share_hom_ref = log10[:, 0] - np.log10((10**log10).sum(axis=1))
    qual = -10 * pd.Series(share_hom_ref).groupby(reads["rsid"].to_numpy()).transform("sum")
    site = sites.loc[reads["rsid"]]
    calls = pd.DataFrame(
        {
            "patient_id": reads["patient_id"].to_numpy(),
            "CHROM": site["chrom"].to_numpy(),
            "POS": site["pos"].to_numpy(),
            "ID": reads["rsid"].to_numpy(),
            "REF": site["ref"].to_numpy(),
            "ALT": site["alt"].to_numpy(),
            "QUAL": np.round(qual.to_numpy() + 0.0),
            "FILTER": np.where(qual.to_numpy() < LOW_QUAL, "LowQual", "PASS"),
            "GENE": site["gene"].to_numpy(),
            "GT": np.array(GENOTYPES)[best],
            "DP": (reads["n_ref"] + reads["n_alt"]).to_numpy(),
            "GQ": gq,
            "AD": [f"{r},{a}" for r, a in zip(reads["n_ref"], reads["n_alt"], strict=True)],
            "PL": [",".join(map(str, row)) for row in pl],
        }
    )
    calls.attrs["note"] = "Synthetic data, not for clinical use."
    return calls


def _numbers(text: str) -> tuple[int | None, ...]:
    return tuple(None if value == "." else int(value) for value in str(text).split(","))


def _missing(value) -> bool:
    """A value a VCF writes as '.': missing in pandas, or the text '.'."""
    return (
        value is None
        or value is pd.NA
        or value == "."
        or (isinstance(value, float) and math.isnan(value))
    )


def write_vcf(
    calls: pd.DataFrame, path: str | Path, *, info: dict[str, str] | None = None
) -> Path:
    """Write genotype calls as a multi-sample VCF 4.2 file (pysam/htslib).

    A path ending in ``.vcf.gz`` is bgzip-compressed and gets a tabix index
    (``.tbi``) beside it. The header defines every field used: contigs with
    their GRCh38 lengths, INFO DP (and GENE), FORMAT GT, DP, GQ, AD and PL,
    FILTER LowQual, and says that the data are synthetic.

    Parameters
    ----------
    calls : pandas.DataFrame
        The long form, one row per site and patient: ``patient_id``, ``CHROM``,
        ``POS``, ``ID``, ``REF``, ``ALT``, ``QUAL``, ``FILTER``, ``GT``, ``DP``,
        ``GQ``, ``AD`` (``"12,15"``), and optionally ``GENE`` and ``PL``, as
        :func:`call_variants` or :func:`vcf_long` return. Patients become the
        sample columns in order of first appearance; the rows of one chromosome
        and position make one record (ALT may list several alleles: 'C,G');
        records are sorted by chromosome and position. Missing values ('.' or
        empty) are written as '.'.
    path : str or pathlib.Path
        File to write (``.vcf`` or ``.vcf.gz``).
    info : dict, optional
        More per-record columns to write as INFO fields, by column name, with
        the description the header gives each (numbers are written as Integer
        or Float, the rest as String).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> reads = pd.DataFrame({"patient_id": ["PM-000030"], "rsid": ["rs4244285"],
    ...                       "n_ref": [15], "n_alt": [16]})
    >>> folder = tempfile.mkdtemp()
    >>> path = write_vcf(call_variants(reads), Path(folder) / "calls.vcf.gz")
    >>> print(*read_vcf(path)[["CHROM", "POS", "ID", "REF", "ALT", "PM-000030:GT"]].iloc[0])
    chr10 94781859 rs4244285 G A 0/1
    """
    import pysam  # imported here: only the VCF functions need htslib

    required = ["patient_id", *_VCF_COLUMNS, *_SAMPLE_FIELDS]
    missing = [column for column in required if column not in calls.columns]
    if missing:
        raise ValueError(
            f"The calls need the column(s) {missing}: one row per site and patient, as "
            "call_variants() or vcf_long() return."
        )
    path = Path(path)
    lengths = load_table("grch38_contigs").set_index("chrom")["length"]
    unknown = sorted(set(calls["CHROM"]) - set(lengths.index))
    if unknown:
        raise ValueError(f"No GRCh38 length is known for {unknown}; known: {list(lengths.index)}.")
    header = pysam.VariantHeader()
    header.add_line("##source=pmcourse (course genotype caller, binomial error model)")
    header.add_line(f"##comment={SYNTHETIC_COMMENT}")
    header.add_line("##reference=GRCh38")
    chromosomes = _chromosome_order(calls["CHROM"])
    for chrom in chromosomes:
        header.contigs.add(chrom, length=int(lengths[chrom]), assembly="GRCh38")
    header.filters.add("LowQual", None, None, f"QUAL below {LOW_QUAL}: the variant is uncertain")
    header.info.add("DP", 1, "Integer", "Reads at this site, all samples together")
    if "GENE" in calls.columns:
        header.info.add("GENE", 1, "String", "Gene the variant lies in")
    kinds = {"i": "Integer", "f": "Float"}
    for field, description in (info or {}).items():
        header.info.add(field, 1, kinds.get(calls[field].dtype.kind, "String"), description)
    for field, (number, kind, description) in _FORMATS.items():
        if field in calls.columns:
            header.formats.add(field, number, kind, description)
    for sample in dict.fromkeys(calls["patient_id"]):
        header.add_sample(sample)
    order = {chrom: k for k, chrom in enumerate(chromosomes)}
    records = calls.assign(_order=calls["CHROM"].map(order)).sort_values(["_order", "POS"])
    # plain dicts grouped by position: pandas groupby per record made a large VCF slow
    rows = records.to_dict("records")
    with pysam.VariantFile(
        str(path), "wz" if path.name.endswith(".gz") else "w", header=header
    ) as out:
        for (_, pos), group in itertools.groupby(rows, key=lambda r: (r["_order"], r["POS"])):
            record = list(group)
            first = record[0]
            alts = tuple(str(first["ALT"]).split(","))
            row = out.new_record(
                contig=first["CHROM"],
                start=int(pos) - 1,
                alleles=(str(first["REF"]), *alts),
                id=None if _missing(first["ID"]) else str(first["ID"]),
                qual=None if _missing(first["QUAL"]) else float(first["QUAL"]),
                filter=None if _missing(first["FILTER"]) else str(first["FILTER"]).split(";"),
            )
            depths = [int(call["DP"]) for call in record if not _missing(call["DP"])]
            if depths:
                row.info["DP"] = sum(depths)
            if "GENE" in first and not _missing(first["GENE"]):
                row.info["GENE"] = str(first["GENE"])
            for field in info or {}:
                if not _missing(first[field]):
                    row.info[field] = (
                        first[field].item() if hasattr(first[field], "item") else first[field]
                    )
            for call in record:
                sample = row.samples[call["patient_id"]]
                gt = str(call["GT"])
                sample["GT"] = tuple(None if a == "." else int(a) for a in re.split("[/|]", gt))
                sample.phased = "|" in gt
                for field in ("DP", "GQ", "AD", "PL"):
                    if field in call and not _missing(call[field]):
                        sample[field] = (
                            _numbers(call[field]) if field in ("AD", "PL") else int(call[field])
                        )
            out.write(row)
    if path.name.endswith(".gz"):
        pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def _chromosome_order(chroms: pd.Series) -> list[str]:
    """Chromosomes in the genome's order: chr1, chr2, ..., chr10, ..., chrX, chrY."""

    def key(chrom: str) -> tuple[int, str]:
        name = chrom.removeprefix("chr")
        return (int(name), "") if name.isdigit() else (100, name)

    return sorted(set(chroms), key=key)


def read_vcf(path: str | Path) -> pd.DataFrame:
    """Read a VCF file (``.vcf`` or ``.vcf.gz``) into a table, one row per record.

    Multi-allelic records are kept as one row (ALT holds the alleles joined by
    commas).

    Parameters
    ----------
    path : str or pathlib.Path
        The VCF file.

    Returns
    -------
    pandas.DataFrame
        Columns ``CHROM``, ``POS`` (1-based), ``ID``, ``REF``, ``ALT``, ``QUAL``,
        ``FILTER`` ('PASS', or the failed filters joined by ';'), one column per
        INFO field of the header (such as ``DP``), then for every sample
        ``<sample>:GT`` ('0/1'; './.' no call), ``<sample>:DP``, ``<sample>:GQ``
        and ``<sample>:AD`` (reads per allele, as in the file: '12,15').
        ``attrs["samples"]`` lists the samples.

    Raises
    ------
    FileNotFoundError
        If there is no such file.

    Examples
    --------
    >>> from pmcourse import datasets
    >>> table = read_vcf(datasets.vcf_path("variant_calls"))
    >>> his = table.loc[table["ID"] == "rs4244285", ["CHROM", "POS", "REF", "ALT", "PM-000030:GT"]]
    >>> print(*his.iloc[0])
    chr10 94781859 G A 0/1
    """
    import pysam  # imported here: only the VCF functions need htslib

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"There is no VCF file {path}. Check the name and the folder.")
    rows = []
    with pysam.VariantFile(str(path)) as vcf:
        samples = list(vcf.header.samples)
        info_fields = list(vcf.header.info)
        for record in vcf:
            row = {
                "CHROM": record.chrom,
                "POS": record.pos,
                "ID": record.id,
                "REF": record.ref,
                "ALT": ",".join(record.alts or ()),
                "QUAL": record.qual,
                "FILTER": ";".join(record.filter.keys()) or ".",
            }
            row |= {field: _text(record.info.get(field)) for field in info_fields}
            for sample in samples:
                values = record.samples[sample]
                separator = "|" if values.phased else "/"
                gt = values.get("GT") or (None, None)
                row[f"{sample}:GT"] = separator.join("." if a is None else str(a) for a in gt)
                row[f"{sample}:DP"] = values.get("DP")
                row[f"{sample}:GQ"] = values.get("GQ")
                row[f"{sample}:AD"] = _text(values.get("AD"))
            rows.append(row)
    table = pd.DataFrame(
        rows,
        columns=[*_VCF_COLUMNS, *info_fields]
        + [f"{sample}:{field}" for sample in samples for field in _SAMPLE_FIELDS],
    )
    for sample in samples:
        for field in ("DP", "GQ"):
            table[f"{sample}:{field}"] = table[f"{sample}:{field}"].astype("Int64")
    table["QUAL"] = table["QUAL"].astype(float)
    table.attrs["samples"] = samples
    return table


def _text(value) -> object:
    """A VCF value as the file writes it: tuples joined by commas, missing as None."""
    if isinstance(value, tuple):
        return ",".join("." if v is None else str(v) for v in value)
    return value


def vcf_long(table: pd.DataFrame) -> pd.DataFrame:
    """The long form of :func:`read_vcf`'s table: one row per record and sample.

    Parameters
    ----------
    table : pandas.DataFrame
        As :func:`read_vcf` returns (``attrs["samples"]`` names the samples;
        without it, samples are found from the ``<sample>:GT`` columns).

    Returns
    -------
    pandas.DataFrame
        Columns ``patient_id`` (the sample), ``CHROM``, ``POS``, ``ID``, ``REF``,
        ``ALT``, ``QUAL``, ``FILTER``, ``GENE`` (when the VCF has INFO GENE),
        any other INFO field but DP, then ``GT``, ``DP``, ``GQ``, ``AD``; rows by sample,
        then in the file's order.

    Examples
    --------
    >>> from pmcourse import datasets
    >>> calls = vcf_long(read_vcf(datasets.vcf_path("variant_calls")))
    >>> his = calls[(calls["patient_id"] == "PM-000030") & (calls["ID"] == "rs4244285")]
    >>> his[["GENE", "GT", "FILTER"]].values.tolist()
    [['CYP2C19', '0/1', 'PASS']]
    """
    samples = table.attrs.get("samples") or [
        column.removesuffix(":GT") for column in table.columns if column.endswith(":GT")
    ]
    info = [c for c in table.columns if c not in _VCF_COLUMNS and c != "DP" and ":" not in c]
    shared = _VCF_COLUMNS + info
    parts = []
    for sample in samples:
        part = table[shared].copy()
        part.insert(0, "patient_id", sample)
        for field in _SAMPLE_FIELDS:
            part[field] = table[f"{sample}:{field}"].to_numpy()
        parts.append(part)
    columns = ["patient_id", *shared, *_SAMPLE_FIELDS]
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    for field in ("DP", "GQ"):
        long[field] = long[field].astype("Int64")
    return long


def filter_calls(
    calls: pd.DataFrame,
    *,
    min_qual: float = 30,
    min_dp: int = 10,
    min_gq: int = 20,
    pass_only: bool = True,
) -> pd.DataFrame:
    """Keep the reliable calls of a long-form table (:func:`vcf_long`).

    A call is kept when its record's QUAL is at least `min_qual`, its depth DP
    at least `min_dp`, its genotype quality GQ at least `min_gq` and, with
    `pass_only`, its record passed every filter (FILTER is 'PASS'). A missing
    value fails.

    Parameters
    ----------
    calls : pandas.DataFrame
        Columns ``QUAL``, ``FILTER``, ``DP`` and ``GQ`` at least.
    min_qual, min_dp, min_gq : number
        Lowest QUAL, DP and GQ kept.
    pass_only : bool, default True
        Keep only records whose FILTER is PASS.

    Returns
    -------
    pandas.DataFrame
        The rows kept, in their order, with their index.

    Examples
    --------
    >>> calls = pd.DataFrame({"QUAL": [250.0, 8.0, 250.0], "FILTER": ["PASS", "LowQual", "PASS"],
    ...                       "DP": [31, 4, 6], "GQ": [99, 9, 18]})
    >>> filter_calls(calls).index.tolist()
    [0]
    >>> filter_calls(calls, min_dp=5, min_gq=10).index.tolist()
    [0, 2]
    """
    missing = [c for c in ("QUAL", "FILTER", "DP", "GQ") if c not in calls.columns]
    if missing:
        raise ValueError(
            f"filter_calls needs the column(s) {missing}; use the long form, vcf_long(table)."
        )
    keep = (
        (calls["QUAL"] >= min_qual) & (calls["DP"] >= min_dp) & (calls["GQ"] >= min_gq)
    ).fillna(False)
    if pass_only:
        keep &= calls["FILTER"] == "PASS"
    return calls[keep.astype(bool)]
