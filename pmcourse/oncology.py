"""Precision oncology: from a tumour's variants to a matched therapy.

A tumour sample is a mixture: cancer cells and normal cells (stroma, immune
cells). Its *purity* is the share of cancer cells. Sequencing it with a gene
panel gives, for each variant, the reads showing it; the variant allele
fraction (:func:`vaf`) is alt reads / all reads at the site. What VAF to expect
depends on purity, the copy number in the cancer cells, how many of those
copies carry the variant and the share of cancer cells that carry it at all
(the cancer cell fraction, CCF): :func:`expected_vaf` and its inverse
:func:`cancer_cell_fraction`.

A variant the patient was born with (germline) is in every cell, the normal
ones too; a somatic variant only in the cancer cells. With tumour-normal
sequencing the normal sample (blood) decides (:func:`variant_origin`); with
tumour-only sequencing a VAF near 0.5 or 1 that purity cannot explain only
*hints* at a germline variant (:func:`possibly_germline`).

The tumour mutational burden (:func:`tumour_mutational_burden`) counts somatic
mutations per megabase of sequenced territory; :func:`biomarkers` names a
patient's actionable biomarkers and :func:`match_therapies` looks them up in a
table of approvals (``oncology_therapies`` in ``pmcourse/resources/``, FDA and
EMA status side by side). Survival of matched against unmatched treatment is
read with lifelines (:func:`kaplan_meier`, :func:`median_survival`,
:func:`logrank`, :func:`cox_hazard_ratio`).

The data (:func:`make_cancer_patients`, :func:`make_tumour_variants`,
:func:`make_cancer_outcomes`) are synthetic, drawn patient by patient from the
course cohort, not for clinical use. PM-000030, module 4's patient, returns
with a lung adenocarcinoma; his results are written, not drawn
(:data:`SCENARIO_PATIENTS`, :data:`SCENARIO_VARIANTS`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pmcourse.cohort import (
    COURSE_SEED,
    N_COURSE_PATIENTS,
    make_cohort,
    patient_draws,
    pick_by_share,
)
from pmcourse.reference import load_table, lookup

__all__ = [
    "CANCER_FREE_PATIENTS",
    "CANCER_OUTCOME_COLUMNS",
    "CANCER_PATIENT_COLUMNS",
    "COMMON_POPULATION_AF",
    "GERMLINE_MIN_NORMAL_VAF",
    "ONCOLOGY_SEED",
    "PANEL_GENES",
    "SCENARIO_PATIENTS",
    "SCENARIO_VARIANTS",
    "TMB_CONSEQUENCES",
    "TMB_HIGH_PER_MB",
    "TUMOUR_ONLY_PATIENT",
    "TUMOUR_VARIANT_COLUMNS",
    "biomarkers",
    "cancer_cell_fraction",
    "counts_for_tmb",
    "cox_hazard_ratio",
    "expected_vaf",
    "is_tmb_high",
    "kaplan_meier",
    "logrank",
    "make_cancer_outcomes",
    "make_cancer_patients",
    "make_tumour_variants",
    "match_therapies",
    "median_survival",
    "possibly_germline",
    "therapy_table",
    "tmb_by_patient",
    "tumour_mutational_burden",
    "variant_origin",
    "vaf",
]

#: Seed of the course's cancer data (the year Denmark's genome strategy asked
#: for personalised cancer treatment, 2016, plus eight).
ONCOLOGY_SEED = 2024

#: The TMB-high threshold, mutations per megabase (FDA label of pembrolizumab,
#: KEYNOTE-158, measured with FoundationOne CDx). Thresholds depend on the assay.
TMB_HIGH_PER_MB: float = float(lookup("oncology_thresholds", "name", "value")["tmb_high_per_mb"])

#: Lowest VAF in the normal (blood) sample that calls a variant germline: a
#: heterozygous germline variant shows about 0.5 there, a somatic one about 0
#: (a little tumour DNA in blood can give a few reads).
GERMLINE_MIN_NORMAL_VAF = 0.2

#: Sequence Ontology consequences in the coding region that the TMB counts, as
#: FoundationOne CDx does: base substitutions and short indels, synonymous ones
#: included.
TMB_CONSEQUENCES = (
    "missense_variant",
    "synonymous_variant",
    "stop_gained",
    "stop_lost",
    "start_lost",
    "frameshift_variant",
    "inframe_insertion",
    "inframe_deletion",
)
_TMB_VARIANT_TYPES = ("SNV", "indel")

#: Variants at least this common in the population are known germline variants: the
#: TMB leaves them out even without a normal sample, as assays do with gnomAD.
COMMON_POPULATION_AF = 0.01

CANCER_PATIENT_COLUMNS = {
    "patient_id": "synthetic patient identifier (a cohort adult)",
    "sex": "female or male (from the cohort)",
    "age_years": "age, years (as in the cohort)",
    "tumour_type": "primary tumour: NSCLC (non-small cell lung cancer), colorectal, breast, "
    "melanoma, ovarian, prostate or endometrial",
    "stage": "stage at diagnosis, I to IV",
    "purity": "share of cancer cells in the sequenced tumour sample, 0 to 1 (pathologist's "
    "estimate)",
    "testing": "tumour-normal (tumour and blood sequenced) or tumour-only",
    "panel_size_mb": "coding territory of the gene panel, megabases (Mb)",
    "msi_status": "MSI-H (microsatellite instability-high) or MSS (stable)",
}

TUMOUR_VARIANT_COLUMNS = {
    "patient_id": "synthetic patient identifier",
    "gene": "HGNC gene symbol (ERBB2 is the gene of HER2)",
    "alteration": "short clinical name, such as L858R, exon 19 deletion, EML4-ALK fusion, "
    "amplification",
    "hgvs_p": "protein change in HGVS notation, such as p.Leu858Arg; empty for fusions and "
    "amplifications",
    "consequence": "Sequence Ontology term, such as missense_variant",
    "variant_type": "SNV (single nucleotide variant), indel, fusion or amplification",
    "tumour_alt_reads": "reads showing the variant in the tumour sample",
    "tumour_depth": "reads covering the site in the tumour sample",
    "normal_alt_reads": "reads showing the variant in the normal (blood) sample; empty for "
    "tumour-only testing",
    "normal_depth": "reads covering the site in the normal sample; empty for tumour-only testing",
    "copy_number": "copies of the region in the cancer cells (2 is normal)",
    "population_af": "frequency of the variant in the population (gnomAD-like, invented for "
    "the synthetic data); 0 for a variant never seen before",
    "driver": "True for a known cancer driver (hotspot or truncation of a tumour suppressor)",
}

CANCER_OUTCOME_COLUMNS = {
    "patient_id": "synthetic patient identifier",
    "tumour_type": "primary tumour, as in cancer_patients",
    "biomarker": "the actionable biomarker, in the vocabulary of oncology_therapies",
    "treatment": "matched (the targeted therapy for the biomarker) or unmatched (standard "
    "treatment without it)",
    "pfs_months": "progression-free survival or follow-up time, months",
    "progressed": "1 if the disease progressed (or the patient died) at pfs_months, 0 if "
    "follow-up ended first (censored)",
}

# --------------------------------------------------------------------------- formulas


def _numbers(value: Any, name: str) -> Any:
    """`value` as floats (a number stays a number, a list becomes an array)."""
    if isinstance(value, pd.Series):
        return value.astype(float)
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def _check(bad: Any, message: str, value: Any) -> None:
    """Raise ValueError(message) if any of `bad` is true, showing the (first) bad values."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        values = np.broadcast_to(np.asarray(value, dtype=float), bad.shape)[bad][:3]
        shown = ", ".join(f"{v:g}" for v in values)
        raise ValueError(message.format(value=shown))


def _rounded(value: Any) -> Any:
    """Round away floating-point dust (0.30000000000000004 -> 0.3), keeping the type."""
    return round(value, 12) if np.ndim(value) == 0 else value.round(12)


def _check_purity(purity: Any) -> Any:
    purity = _numbers(purity, "purity")
    _check(
        ~((np.asarray(purity) > 0) & (np.asarray(purity) <= 1)),
        "Tumour purity must be above 0 and at most 1 (a share of the cells, not a "
        "percentage); got {value}. Write 60% as 0.6.",
        purity,
    )
    return purity


def _check_copies(copy_number: Any, mutated_copies: Any) -> None:
    _check(
        np.asarray(copy_number) < 1,
        "The copy number must be at least 1; got {value}.",
        copy_number,
    )
    _check(
        np.asarray(mutated_copies) < 1,
        "At least one copy must carry the variant; got mutated_copies {value}.",
        mutated_copies,
    )
    _check(
        np.asarray(mutated_copies) > np.asarray(copy_number),
        "The mutated copies must be between 1 and the copy number: a cell cannot carry the "
        "variant on more copies than it has. Got mutated_copies {value}, more than the copy "
        "number.",
        mutated_copies,
    )


def vaf(alt_reads: Any, depth: Any) -> Any:
    """Variant allele fraction: the share of the reads at a site that show the variant.

    Parameters
    ----------
    alt_reads : int, float, array_like or pandas.Series
        Reads showing the variant.
    depth : int, float, array_like or pandas.Series
        All reads covering the site (same shape as `alt_reads`).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        ``alt_reads / depth``, between 0 and 1, with the shape of the input.

    Raises
    ------
    ValueError
        If a depth is 0 (nothing was read: the VAF is unknown), a count is
        negative, or there are more alt reads than reads.

    Examples
    --------
    >>> vaf(150, 500)
    0.3
    >>> vaf(pd.Series([10, 240]), pd.Series([400, 480])).tolist()
    [0.025, 0.5]
    >>> vaf(3, 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: A depth of 0 means no read covers the site, so its VAF is unknown; ...
    """
    alt, total = _numbers(alt_reads, "alt_reads"), _numbers(depth, "depth")
    _check(np.asarray(alt) < 0, "Read counts cannot be negative; got alt_reads {value}.", alt)
    _check(np.asarray(total) < 0, "Read counts cannot be negative; got depth {value}.", total)
    _check(
        np.asarray(total) == 0,
        "A depth of 0 means no read covers the site, so its VAF is unknown; got depth "
        "{value}. Leave that site out or sequence it again.",
        total,
    )
    _check(
        np.asarray(alt) > np.asarray(total),
        "There cannot be more reads showing the variant than reads at the site; got "
        "alt_reads {value} above the depth. Are the two arguments swapped?",
        alt,
    )
    return alt / total


def expected_vaf(
    purity: Any,
    *,
    copy_number: int = 2,
    mutated_copies: int = 1,
    cancer_cell_fraction: float = 1.0,
) -> Any:
    """The VAF a somatic variant should show, from purity, copy number and clonality.

    ``VAF = purity x CCF x mutated_copies / (purity x copy_number + 2 x (1 - purity))``:
    the variant's copies in the cancer cells that carry it, over all copies of
    the region in the sample (normal cells have two).

    Parameters
    ----------
    purity : float or array_like
        Share of cancer cells in the sample, above 0 and at most 1.
    copy_number : int, default 2
        Copies of the region in the cancer cells.
    mutated_copies : int, default 1
        How many of those copies carry the variant (1 to `copy_number`).
    cancer_cell_fraction : float, default 1.0
        Share of the cancer cells that carry the variant (CCF): 1 for a clonal
        variant, less for a subclonal one.

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    ValueError
        If purity is not in (0, 1], the copy number is below 1, the mutated
        copies are not between 1 and the copy number, or the CCF is not in [0, 1].

    Examples
    --------
    A clonal heterozygous variant in a diploid region shows half the purity:

    >>> expected_vaf(0.6)
    0.3
    >>> round(expected_vaf(0.67, copy_number=3, cancer_cell_fraction=0.5), 3)
    0.125
    """
    purity = _check_purity(purity)
    _check_copies(copy_number, mutated_copies)
    ccf = _numbers(cancer_cell_fraction, "cancer_cell_fraction")
    _check(
        (np.asarray(ccf) < 0) | (np.asarray(ccf) > 1),
        "The cancer cell fraction is a share between 0 and 1; got {value}.",
        ccf,
    )
    expected = purity * ccf * mutated_copies / (purity * copy_number + 2 * (1 - purity))
    return _rounded(expected)


def cancer_cell_fraction(
    vaf: Any, purity: Any, *, copy_number: int = 2, mutated_copies: int = 1
) -> Any:
    """The share of cancer cells carrying a somatic variant, from its VAF.

    The inverse of :func:`expected_vaf`:
    ``CCF = VAF x (purity x copy_number + 2 x (1 - purity)) / (purity x mutated_copies)``.
    A CCF near 1 means every cancer cell carries the variant (clonal, an early
    event, a good target); clearly below 1, a subclone. A CCF well above 1 means
    the assumptions do not fit: more copies are mutated, the purity estimate is
    off, or the variant is germline.

    Parameters
    ----------
    vaf : float or array_like
        The observed variant allele fraction, 0 to 1.
    purity : float or array_like
        Share of cancer cells in the sample, above 0 and at most 1.
    copy_number : int, default 2
        Copies of the region in the cancer cells.
    mutated_copies : int, default 1
        How many of those copies carry the variant.

    Returns
    -------
    float or numpy.ndarray
        Not capped at 1, so an impossible value stays visible.

    Raises
    ------
    ValueError
        If the VAF is not in [0, 1], purity not in (0, 1], or the copies do not fit.

    Examples
    --------
    The worked example: VAF 0.125 with three copies at purity 0.67.

    >>> round(cancer_cell_fraction(0.125, 0.67, copy_number=3), 2)
    0.5
    >>> cancer_cell_fraction(0.3, 0.6)
    1.0
    """
    purity = _check_purity(purity)
    _check_copies(copy_number, mutated_copies)
    observed = _numbers(vaf, "vaf")
    _check(
        (np.asarray(observed) < 0) | (np.asarray(observed) > 1),
        "A VAF is a share of reads between 0 and 1; got {value}. Divide a percentage by 100.",
        observed,
    )
    ccf = observed * (purity * copy_number + 2 * (1 - purity)) / (purity * mutated_copies)
    return _rounded(ccf)


# --------------------------------------------------------------------------- germline or somatic


def _need(variants: pd.DataFrame, *columns: str) -> None:
    missing = [column for column in columns if column not in variants.columns]
    if missing:
        raise ValueError(
            f"The variant table needs the column(s) {missing}; it has {list(variants.columns)}. "
            'Use a table like pmcourse.datasets.load("tumour_variants").'
        )


def variant_origin(
    variants: pd.DataFrame, *, min_normal_vaf: float = GERMLINE_MIN_NORMAL_VAF
) -> pd.Series:
    """Germline or somatic, decided by the normal (blood) sample of tumour-normal testing.

    A variant the patient was born with is in the normal cells too, at a VAF of
    about 0.5 (one copy) or 1 (two copies); a somatic variant is (almost)
    absent from blood.

    Parameters
    ----------
    variants : pandas.DataFrame
        With the columns ``normal_alt_reads`` and ``normal_depth``.
    min_normal_vaf : float, default GERMLINE_MIN_NORMAL_VAF
        Lowest VAF in the normal sample that calls a variant germline.

    Returns
    -------
    pandas.Series of str
        ``"germline"``, ``"somatic"``, or ``"unknown"`` where there is no
        normal sample (tumour-only testing: see :func:`possibly_germline`),
        with the index of `variants`.

    Examples
    --------
    >>> variants = pd.DataFrame({"normal_alt_reads": [0, 98, None],
    ...                          "normal_depth": [210, 190, None]})
    >>> variant_origin(variants).tolist()
    ['somatic', 'germline', 'unknown']
    """
    _need(variants, "normal_alt_reads", "normal_depth")
    tested = variants["normal_depth"].notna() & (variants["normal_depth"] > 0)
    normal = vaf(variants.loc[tested, "normal_alt_reads"], variants.loc[tested, "normal_depth"])
    origin = pd.Series("unknown", index=variants.index, dtype=object)
    origin[tested] = np.where(normal >= min_normal_vaf, "germline", "somatic")
    return origin


def possibly_germline(variants: pd.DataFrame, purity: Any, *, tolerance: float = 0.1) -> pd.Series:
    """Tumour-only testing: which variants *may* be germline (a hint, not a call).

    A variant is flagged when its tumour VAF is near 0.5 or near 1 (within
    `tolerance`) and higher than a clonal heterozygous somatic variant could
    show at this purity in a diploid region (``purity / 2``, see
    :func:`expected_vaf`) by more than `tolerance`.

    Limits: this only hints. A somatic variant with loss of the other copy or
    an amplification can reach a VAF near purity, and at a purity near 1 a
    somatic variant shows a VAF near 0.5 too, so nothing is flagged; a germline
    variant can show a VAF far from 0.5 where the tumour lost or gained a copy.
    Only testing a normal sample (blood) settles it: the report says "germline
    not excluded", and the patient is offered genetic counselling and
    confirmatory germline testing. Fusions and amplifications are never flagged.

    Parameters
    ----------
    variants : pandas.DataFrame
        With ``tumour_alt_reads``, ``tumour_depth`` and ``variant_type``.
    purity : float or array_like
        The sample's purity, or one per row.
    tolerance : float, default 0.1
        How near 0.5 or 1 counts as near, and the margin above ``purity / 2``.

    Returns
    -------
    pandas.Series of bool
        With the index of `variants`.

    Examples
    --------
    At purity 0.3 a clonal somatic variant shows about 0.15; 0.48 is not explained:

    >>> variants = pd.DataFrame({"tumour_alt_reads": [72, 230, 287],
    ...                          "tumour_depth": [480, 480, 300],
    ...                          "variant_type": ["SNV", "SNV", "indel"]})
    >>> possibly_germline(variants, 0.3).tolist()
    [False, True, True]
    >>> possibly_germline(variants, 0.95).tolist()
    [False, False, True]
    """
    _need(variants, "tumour_alt_reads", "tumour_depth", "variant_type")
    purity = _check_purity(purity)
    observed = vaf(variants["tumour_alt_reads"], variants["tumour_depth"]).to_numpy()
    near = (np.abs(observed - 0.5) <= tolerance) | (observed >= 1 - tolerance)
    unexplained = observed > np.asarray(purity) / 2 + tolerance
    small = variants["variant_type"].isin(_TMB_VARIANT_TYPES).to_numpy()
    return pd.Series(near & unexplained & small, index=variants.index)


# --------------------------------------------------------------------------- TMB


def counts_for_tmb(variants: pd.DataFrame) -> pd.Series:
    """Which variants the tumour mutational burden counts.

    Counted, as FoundationOne CDx (the FDA companion diagnostic for TMB-high)
    counts: base substitutions (SNV) and short indels in the coding region
    (:data:`TMB_CONSEQUENCES`: missense, nonsense, frameshift, in-frame and
    synonymous ones too, which add no function but make the count less noisy).
    Not counted: germline variants (the normal sample shows them, see
    :func:`variant_origin`; and, where the table has ``population_af``, any
    variant at least :data:`COMMON_POPULATION_AF` common in the population,
    as assays remove known germline variants with gnomAD), known drivers
    (``driver`` True: the panel is chosen to find them, so they would inflate
    the count), non-coding variants, fusions and amplifications. In
    tumour-only rows a rare germline variant cannot be recognised here, so it
    is counted: check :func:`possibly_germline`. Other assays count
    differently, which is why TMB values are assay-specific.

    Parameters
    ----------
    variants : pandas.DataFrame
        With ``variant_type``, ``consequence``, ``driver``,
        ``normal_alt_reads`` and ``normal_depth`` (``population_af`` optional).

    Returns
    -------
    pandas.Series of bool
        With the index of `variants`.

    Examples
    --------
    >>> variants = pd.DataFrame({
    ...     "variant_type": ["SNV", "SNV", "indel", "SNV", "fusion"],
    ...     "consequence": ["missense_variant", "synonymous_variant", "frameshift_variant",
    ...                     "missense_variant", "gene_fusion"],
    ...     "driver": [False, False, False, True, True],
    ...     "normal_alt_reads": [0, 1, 95, 0, 0], "normal_depth": [200, 180, 190, 200, 200]})
    >>> counts_for_tmb(variants).tolist()
    [True, True, False, False, False]
    """
    _need(variants, "variant_type", "consequence", "driver")
    counted = (
        variants["variant_type"].isin(_TMB_VARIANT_TYPES)
        & variants["consequence"].isin(TMB_CONSEQUENCES)
        & ~variants["driver"].astype(bool)
        & (variant_origin(variants) != "germline")
    )
    if "population_af" in variants.columns:
        counted &= ~(variants["population_af"] >= COMMON_POPULATION_AF)
    return counted


def _check_panel_size(panel_size_mb: Any) -> float:
    try:
        size = float(panel_size_mb)
    except (TypeError, ValueError):
        size = float("nan")
    if not size > 0:
        raise ValueError(
            "The TMB divides by the panel size in megabases, which must be a number above 0; "
            f"got {panel_size_mb!r}. Take it from the patient's row of cancer_patients "
            "(panel_size_mb), such as 1.1."
        )
    return size


def tumour_mutational_burden(variants: pd.DataFrame, panel_size_mb: float) -> float:
    """Tumour mutational burden: counted mutations per megabase of the panel.

    Parameters
    ----------
    variants : pandas.DataFrame
        One patient's variants (see :func:`counts_for_tmb` for what counts).
    panel_size_mb : float
        Coding territory the panel sequences, in megabases.

    Returns
    -------
    float
        Mutations per megabase; 0.0 for a table without variants.

    Raises
    ------
    ValueError
        If the panel size is missing, not a number or not above 0, or the
        table holds more than one patient.

    Examples
    --------
    >>> variants = pd.DataFrame({"variant_type": ["SNV"] * 11, "driver": [False] * 11,
    ...     "consequence": ["missense_variant"] * 11,
    ...     "normal_alt_reads": [0] * 11, "normal_depth": [200] * 11})
    >>> tumour_mutational_burden(variants, 1.1)
    10.0
    >>> tumour_mutational_burden(variants.head(0), 1.1)
    0.0
    """
    size = _check_panel_size(panel_size_mb)
    if "patient_id" in variants.columns and variants["patient_id"].nunique() > 1:
        raise ValueError(
            f"The table holds {variants['patient_id'].nunique()} patients; the TMB is one "
            "patient's. Keep one patient's rows first, or use tmb_by_patient for all of them."
        )
    if variants.empty:
        return 0.0
    return round(float(counts_for_tmb(variants).sum()) / size, 10)


def is_tmb_high(tmb: Any, threshold: float = TMB_HIGH_PER_MB) -> Any:
    """The TMB-high call: at least `threshold` mutations per megabase.

    The threshold of 10/Mb is the FDA's for pembrolizumab, measured with
    FoundationOne CDx; it depends on the assay, and another panel's 10 is not
    the same.

    Parameters
    ----------
    tmb : float, array_like or pandas.Series
        Mutations per megabase.
    threshold : float, default TMB_HIGH_PER_MB

    Returns
    -------
    bool, numpy.ndarray or pandas.Series of bool

    Examples
    --------
    >>> is_tmb_high(10.0), is_tmb_high(9.9)
    (True, False)
    """
    value = _numbers(tmb, "tmb")
    _check(np.asarray(value) < 0, "A TMB cannot be negative; got {value}.", value)
    high = value >= threshold
    return bool(high) if np.ndim(high) == 0 else high


def tmb_by_patient(variants: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """The TMB of every patient, with the mutations counted and the TMB-high call.

    Parameters
    ----------
    variants : pandas.DataFrame
        Variants of many patients, such as ``load("tumour_variants")``.
    patients : pandas.DataFrame
        ``patient_id`` and ``panel_size_mb``, such as ``load("cancer_patients")``.

    Returns
    -------
    pandas.DataFrame
        One row per patient of `patients`, in its order: ``patient_id``,
        ``n_counted`` (mutations counted), ``panel_size_mb``, ``tmb_per_mb``
        and ``tmb_high``.

    Raises
    ------
    ValueError
        If a patient's panel size is missing or not above 0.

    Examples
    --------
    >>> patients = pd.DataFrame({"patient_id": ["PM-000001", "PM-000002"],
    ...                          "panel_size_mb": [0.8, 1.1]})
    >>> variants = pd.DataFrame({"patient_id": ["PM-000001"] * 8, "variant_type": "SNV",
    ...     "consequence": "missense_variant", "driver": False,
    ...     "normal_alt_reads": 0, "normal_depth": 250})
    >>> tmb_by_patient(variants, patients)[["patient_id", "tmb_per_mb", "tmb_high"]]
      patient_id  tmb_per_mb  tmb_high
    0  PM-000001        10.0      True
    1  PM-000002         0.0     False
    """
    _need(patients, "patient_id", "panel_size_mb")
    counted = variants[counts_for_tmb(variants)].groupby("patient_id").size()
    table = patients[["patient_id", "panel_size_mb"]].reset_index(drop=True)
    table.insert(1, "n_counted", table["patient_id"].map(counted).fillna(0).astype(int))
    for size in table["panel_size_mb"]:
        _check_panel_size(size)
    table["tmb_per_mb"] = (table["n_counted"] / table["panel_size_mb"]).round(10)
    table["tmb_high"] = is_tmb_high(table["tmb_per_mb"])
    return table


# --------------------------------------------------------------------------- therapies


def therapy_table() -> pd.DataFrame:
    """The biomarker-therapy table (``oncology_therapies`` in ``pmcourse/resources/``).

    One row per biomarker, tumour type and therapy, with the FDA status and
    date beside the European (EMA) one; ``tumour_type`` ``"any"`` is a
    tissue-agnostic approval, ``not_for`` names tumour types it excludes and
    ``origin_required`` says whether a BRCA variant must be germline. Dates are
    the FDA's approval date and the month the European Commission's decision
    was announced. ``frame.attrs`` holds the table's source and version.

    Examples
    --------
    >>> table = therapy_table()
    >>> sorted(table.loc[table["tumour_type"] == "any", "biomarker"])
    ['BRAF V600E', 'MSI-H', 'TMB-high']
    """
    return _therapies().copy()


@cache
def _therapies() -> pd.DataFrame:
    """The therapy table, read once (shared: do not change it)."""
    return load_table("oncology_therapies")


@cache
def _biomarker_rules() -> pd.DataFrame:
    """(biomarker, gene, alteration) for each gene of a variant biomarker, in table order."""
    rules = _therapies()[["biomarker", "gene", "alteration"]].dropna()
    rules = rules.assign(gene=rules["gene"].str.split("/")).explode("gene")
    return rules.drop_duplicates().reset_index(drop=True)


def _variant_biomarkers(variants: pd.DataFrame) -> pd.Series:
    """The biomarker each variant is (in the therapy table's words), or NaN; one row each."""
    rules = _biomarker_rules()
    exact = rules[rules["alteration"] != "pathogenic variant"]
    any_driver = rules[rules["alteration"] == "pathogenic variant"].set_index("gene")["biomarker"]
    keys = pd.MultiIndex.from_frame(variants[["gene", "alteration"]])
    named = pd.Series(
        exact.set_index(["gene", "alteration"])["biomarker"].reindex(keys).to_numpy(),
        index=variants.index,
        dtype=object,
    )
    truncating = variants["gene"].map(any_driver).where(variants["driver"].astype(bool))
    return named.where(named.notna(), truncating)


def biomarkers(
    patient_variants: pd.DataFrame,
    *,
    msi_status: str | None = None,
    tmb: float | None = None,
) -> list[str]:
    """The patient's actionable biomarkers, named as in ``oncology_therapies``.

    A variant is a biomarker when its gene and alteration are a row of the
    therapy table (EGFR L858R, KRAS G12C, ALK fusion, ERBB2 amplification,
    ...); for BRCA1 and BRCA2 any variant marked as a driver (a pathogenic,
    protein-truncating variant) counts, germline or somatic. MSI-H and TMB-high
    come from `msi_status` and `tmb`.

    Parameters
    ----------
    patient_variants : pandas.DataFrame
        One patient's variants, with ``gene``, ``alteration`` and ``driver``.
    msi_status : str, optional
        ``"MSI-H"`` adds the biomarker MSI-H; ``"MSS"`` or None add nothing.
    tmb : float, optional
        Mutations per megabase; TMB-high at :data:`TMB_HIGH_PER_MB` or more.

    Returns
    -------
    list of str
        In the order of the therapy table, each once.

    Examples
    --------
    >>> variants = pd.DataFrame({"gene": ["EGFR", "TP53", "BRCA2"],
    ...     "alteration": ["L858R", "R273H", "S1982fs"], "driver": [True, True, True]})
    >>> biomarkers(variants, msi_status="MSS", tmb=4.5)
    ['EGFR L858R', 'BRCA1/2 mutation']
    >>> biomarkers(variants.head(0), msi_status="MSI-H", tmb=41.0)
    ['MSI-H', 'TMB-high']
    """
    _need(patient_variants, "gene", "alteration", "driver")
    if msi_status not in (None, "MSI-H", "MSS"):
        raise ValueError(f"msi_status is 'MSI-H' or 'MSS' (or None); got {msi_status!r}.")
    found = set(_variant_biomarkers(patient_variants).dropna())
    if msi_status == "MSI-H":
        found.add("MSI-H")
    if tmb is not None and is_tmb_high(tmb):
        found.add("TMB-high")
    order = _therapies()["biomarker"].drop_duplicates()
    return [biomarker for biomarker in order if biomarker in found]


def match_therapies(biomarkers: Iterable[str], tumour_type: str) -> pd.DataFrame:
    """The approved therapies for a patient's biomarkers, and where each approval applies.

    Parameters
    ----------
    biomarkers : iterable of str
        Such as :func:`biomarkers` returns.
    tumour_type : str
        The patient's tumour, as in ``cancer_patients`` (``"NSCLC"``, ...).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`therapy_table` for these biomarkers, with a column
        ``approved_for_tumour``: True where the approval covers `tumour_type`
        (the row's tumour type, or ``"any"`` for a tissue-agnostic approval
        that does not exclude it in ``not_for``), False where the biomarker
        matches but the approval is for another tumour type; and
        ``approved_in_eu``: True where the EMA status is an approval. Rows that
        apply come first; the index is 0, 1, ...

    Raises
    ------
    ValueError
        If a biomarker is not in the therapy table (a typo, say).

    Examples
    --------
    PM-000030's EGFR L858R in a lung adenocarcinoma (NSCLC):

    >>> match_therapies(["EGFR L858R"], "NSCLC")[["therapy", "approved_for_tumour"]]
           therapy  approved_for_tumour
    0  osimertinib                 True

    BRAF V600E in a colorectal cancer: the tissue-agnostic approval excludes it.

    >>> braf = match_therapies(["BRAF V600E"], "colorectal")
    >>> braf.loc[braf["approved_for_tumour"], "therapy"].tolist()
    ['encorafenib + cetuximab']
    """
    table = _therapies()
    wanted = list(dict.fromkeys(biomarkers))
    unknown = [b for b in wanted if b not in set(table["biomarker"])]
    if unknown:
        raise ValueError(
            f"{unknown} is not a biomarker of the therapy table; its biomarkers are "
            f"{list(table['biomarker'].unique())}."
        )
    rows = table[table["biomarker"].isin(wanted)].copy()
    excluded = rows["not_for"].fillna("").str.split(";").map(lambda types: tumour_type in types)
    rows["approved_for_tumour"] = (rows["tumour_type"] == tumour_type) | (
        (rows["tumour_type"] == "any") & ~excluded
    )
    rows["approved_in_eu"] = rows["ema_status"].str.contains("approval|approved") & ~rows[
        "ema_status"
    ].str.startswith("not")
    rows = rows.sort_values("approved_for_tumour", ascending=False, kind="stable")
    return rows.reset_index(drop=True)


# --------------------------------------------------------------------------- survival


def _groups(outcomes: pd.DataFrame, by: str, duration: str, event: str) -> dict:
    """The outcomes split by `by`, checked: {group: (durations, events)}, groups sorted."""
    _need(outcomes, by, duration, event)
    if outcomes.empty:
        raise ValueError("The outcome table is empty: there is no one to draw a curve for.")
    if outcomes[[duration, event]].isna().any().any():
        raise ValueError(
            f"Some rows have no {duration} or {event}; drop them first (outcomes.dropna())."
        )
    if (outcomes[duration] < 0).any():
        raise ValueError(f"Times cannot be negative; check the column {duration!r}.")
    return {
        str(group): (rows[duration], rows[event].astype(int))
        for group, rows in outcomes.groupby(by, observed=True, sort=True)
    }


def kaplan_meier(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
) -> dict:
    """Kaplan-Meier curves, one per group, fitted with lifelines.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        One row per patient, such as ``load("cancer_outcomes")``.
    by : str, default "treatment"
        Column whose values are the groups.
    duration : str, default "pfs_months"
        Column of follow-up times (until the event, or until follow-up ended).
    event : str, default "progressed"
        Column that is 1 where the event happened and 0 where the patient was
        censored (follow-up ended first).

    Returns
    -------
    dict of str to lifelines.KaplanMeierFitter
        Fitted, each labelled with its group, groups in sorted order. Each
        fitter has ``survival_function_``, ``confidence_interval_`` (95%),
        ``median_survival_time_`` and ``plot_survival_function()``.

    Examples
    --------
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 3 + ["unmatched"] * 3,
    ...     "pfs_months": [5.0, 12.0, 20.0, 2.0, 4.0, 9.0], "progressed": [1, 0, 1, 1, 1, 1]})
    >>> curves = kaplan_meier(outcomes)
    >>> list(curves), float(curves["unmatched"].median_survival_time_)
    (['matched', 'unmatched'], 4.0)
    """
    from lifelines import KaplanMeierFitter  # imported here: only survival needs it

    return {
        group: KaplanMeierFitter().fit(times, events, label=group)
        for group, (times, events) in _groups(outcomes, by, duration, event).items()
    }


def median_survival(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
) -> pd.DataFrame:
    """Median survival per group with its 95% confidence interval (lifelines).

    The median is the time at which the Kaplan-Meier curve falls to 0.5; it
    is infinite (``inf``) while the curve stays above 0.5 ("not reached"), and
    so is a confidence limit the curve's band does not reach.

    Parameters
    ----------
    outcomes, by, duration, event
        As for :func:`kaplan_meier`.

    Returns
    -------
    pandas.DataFrame
        One row per group: `by`, ``n_patients``, ``n_events``,
        ``median_months``, ``ci_lower`` and ``ci_upper`` (months).

    Examples
    --------
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 3 + ["unmatched"] * 3,
    ...     "pfs_months": [5.0, 12.0, 20.0, 2.0, 4.0, 9.0], "progressed": [1, 0, 1, 1, 1, 1]})
    >>> median_survival(outcomes)[["treatment", "n_events", "median_months"]]
       treatment  n_events  median_months
    0    matched         2           20.0
    1  unmatched         3            4.0
    """
    from lifelines.utils import median_survival_times

    rows = []
    for group, fitter in kaplan_meier(outcomes, by, duration=duration, event=event).items():
        limits = median_survival_times(fitter.confidence_interval_).to_numpy().ravel()
        rows.append(
            {
                by: group,
                "n_patients": int(fitter.event_observed.size),
                "n_events": int(fitter.event_observed.sum()),
                "median_months": float(fitter.median_survival_time_),
                "ci_lower": float(limits[0]),
                "ci_upper": float(limits[1]),
            }
        )
    return pd.DataFrame(rows)


def logrank(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
):
    """The log-rank test: do the groups' survival curves differ? (lifelines)

    It compares, at every event time, the events seen in each group with those
    expected if all groups had the same survival. A small p-value says the
    curves differ by more than chance would often make them; it says nothing
    about how much, and nothing about why (the groups may differ in more than
    the treatment).

    Parameters
    ----------
    outcomes, by, duration, event
        As for :func:`kaplan_meier`; `by` needs two groups or more.

    Returns
    -------
    lifelines.statistics.StatisticalResult
        With ``p_value`` and ``test_statistic`` (chi-squared).

    Examples
    --------
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 3 + ["unmatched"] * 3,
    ...     "pfs_months": [5.0, 12.0, 20.0, 2.0, 4.0, 9.0], "progressed": [1, 0, 1, 1, 1, 1]})
    >>> round(float(logrank(outcomes).p_value), 2)
    0.11
    """
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    groups = _groups(outcomes, by, duration, event)
    if len(groups) < 2:
        raise ValueError(f"The log-rank test compares groups, but {by!r} has only {list(groups)}.")
    if len(groups) == 2:
        (times_a, events_a), (times_b, events_b) = groups.values()
        return logrank_test(times_a, times_b, event_observed_A=events_a, event_observed_B=events_b)
    return multivariate_logrank_test(outcomes[duration], outcomes[by], outcomes[event])


def cox_hazard_ratio(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    reference: str = "unmatched",
    duration: str = "pfs_months",
    event: str = "progressed",
) -> pd.Series:
    """Hazard ratio of the other group against `reference`, from a Cox model (lifelines).

    A hazard ratio of 0.5 means that at any time, a patient of the other group
    progresses at half the rate of a `reference` patient still free of
    progression. It assumes the ratio stays the same over time (proportional
    hazards).

    Parameters
    ----------
    outcomes, duration, event
        As for :func:`kaplan_meier`.
    by : str, default "treatment"
        A column with exactly two groups.
    reference : str, default "unmatched"
        The group the other is compared with.

    Returns
    -------
    pandas.Series
        ``hazard_ratio``, ``ci_lower``, ``ci_upper`` (95%) and ``p_value``;
        its name is the group compared with `reference`.

    Raises
    ------
    ValueError
        If `by` does not have two groups, one of them `reference`, or the
        model cannot be fitted (too few patients or events: lifelines warns
        of complete separation).

    Examples
    --------
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 4 + ["unmatched"] * 4,
    ...     "pfs_months": [5.0, 12.0, 20.0, 7.0, 2.0, 4.0, 9.0, 6.0],
    ...     "progressed": [1, 0, 1, 1, 1, 1, 1, 0]})
    >>> result = cox_hazard_ratio(outcomes)
    >>> result.name, bool(result["hazard_ratio"] < 1)
    ('matched', True)
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceWarning

    groups = list(_groups(outcomes, by, duration, event))
    if len(groups) != 2 or reference not in groups:
        raise ValueError(
            f"The hazard ratio compares two groups, one of them {reference!r}; the column "
            f"{by!r} has {groups}."
        )
    other = next(group for group in groups if group != reference)
    data = pd.DataFrame(
        {
            "time": outcomes[duration].to_numpy(float),
            "event": outcomes[event].to_numpy(int),
            other: (outcomes[by].astype(str) == other).to_numpy(int),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            summary = CoxPHFitter().fit(data, "time", "event").summary.loc[other]
        except ConvergenceWarning:
            raise ValueError(
                f"Too few patients or events to estimate a hazard ratio: {len(data)} patients, "
                f"{data['event'].sum()} events, and the groups separate (almost) completely. "
                "Pool more patients (several biomarkers together, say)."
            ) from None
    return pd.Series(
        {
            "hazard_ratio": summary["exp(coef)"],
            "ci_lower": summary["exp(coef) lower 95%"],
            "ci_upper": summary["exp(coef) upper 95%"],
            "p_value": summary["p"],
        },
        name=other,
    )


# --------------------------------------------------------------------------- data

#: Share of the cohort in the cancer sub-cohort (a course design, not an incidence).
_CANCER_SHARE = 0.45
_STAGES = {"I": 0.15, "II": 0.15, "III": 0.20, "IV": 0.50}
_PANEL_SIZES_MB = {0.8: 0.3, 1.1: 0.5, 1.2: 0.2}
_TUMOUR_ONLY_SHARE = 0.25
_TUMOUR_DEPTH, _NORMAL_DEPTH = 500, 250
_MSI_H_TMB_PER_MB = 40.0
_PASSENGER_CONSEQUENCES = {
    "missense_variant": 0.62,
    "synonymous_variant": 0.25,
    "stop_gained": 0.05,
    "frameshift_variant": 0.05,
    "inframe_deletion": 0.03,
}
_NON_CODING = ("intron_variant", "3_prime_UTR_variant", "splice_region_variant")
#: Genes of the synthetic panel that passenger mutations land in (real cancer genes; not
#: BRCA1 or BRCA2, whose truncating variants the module treats as pathogenic drivers).
PANEL_GENES = (
    "APC", "ARID1A", "ATM", "CDH1", "CDKN2A", "CTNNB1", "ERBB3", "FBXW7",
    "FGFR1", "FGFR2", "FGFR3", "GATA3", "IDH1", "KEAP1", "KMT2D", "MAP2K1", "MET", "MLH1",
    "MSH2", "MSH6", "NF1", "NOTCH1", "NRAS", "PIK3CA", "PMS2", "POLE", "PTEN", "RB1",
    "RET", "ROS1", "SMAD4", "SPOP", "STK11",
)  # fmt: skip
#: TP53 hotspots drawn as drivers: (short name, HGVS protein change).
_TP53_HOTSPOTS = (("R175H", "p.Arg175His"), ("R248Q", "p.Arg248Gln"),
                  ("R273H", "p.Arg273His"), ("R282W", "p.Arg282Trp"))  # fmt: skip
#: Common germline coding polymorphisms on the panel, with an approximate population
#: allele frequency (invented round numbers for the synthetic data).
_POLYMORPHISMS = (
    ("TP53", "P72R", "p.Pro72Arg", 0.65),
    ("ERBB2", "I655V", "p.Ile655Val", 0.20),
    ("EGFR", "R521K", "p.Arg521Lys", 0.25),
)
_AMINO_ACIDS = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val",
}  # fmt: skip

#: Patients whose story the notebook tells: written, not drawn.
SCENARIO_PATIENTS = pd.DataFrame(
    [
        ("PM-000030", "NSCLC", "IV", 0.6, "tumour-normal", 1.1, "MSS"),
        ("PM-000021", "breast", "IV", 0.3, "tumour-only", 1.1, "MSS"),
    ],
    columns=["patient_id", "tumour_type", "stage", "purity", "testing", "panel_size_mb",
             "msi_status"],
)  # fmt: skip

#: Patients whose story another module tells without a cancer: never drawn here.
#: PM-000008 is module 6's prevention-clinic patient (``risk.STORY_PATIENT``).
CANCER_FREE_PATIENTS = ("PM-000008",)

#: The tumour-only patient whose BRCA1 variant may be germline (the exercise's case):
#: a woman of 51 with a metastatic breast cancer of purity 0.3.
TUMOUR_ONLY_PATIENT = "PM-000021"

_V = (
    "patient_id", "gene", "alteration", "hgvs_p", "consequence", "variant_type",
    "tumour_alt_reads", "tumour_depth", "normal_alt_reads", "normal_depth", "copy_number",
    "population_af", "driver",
)  # fmt: skip
_N = float("nan")
#: The scenario patients' variants, written read by read.
SCENARIO_VARIANTS = pd.DataFrame(
    [
        # PM-000030: NSCLC, purity 0.6, tumour-normal. EGFR L858R clonal, one of two copies:
        # VAF about 0.6 / 2 = 0.3. TP53 R273H with loss of the other copy: VAF about 0.6.
        ("PM-000030", "EGFR", "L858R", "p.Leu858Arg", "missense_variant", "SNV",
         171, 562, 0, 248, 2, 0.0, True),
        ("PM-000030", "TP53", "R273H", "p.Arg273His", "missense_variant", "SNV",
         297, 503, 1, 231, 2, 0.0, True),
        # germline BRCA2 (c.5946del, pathogenic), about 0.5 in tumour and blood
        ("PM-000030", "BRCA2", "S1982fs", "p.Ser1982ArgfsTer22", "frameshift_variant", "indel",
         262, 530, 121, 244, 2, 0.0002, True),
        # a common germline polymorphism, in both samples
        ("PM-000030", "ERBB2", "I655V", "p.Ile655Val", "missense_variant", "SNV",
         251, 515, 117, 240, 2, 0.2, False),
        # somatic passengers: five counted for the TMB (5 / 1.1 Mb = 4.5 per Mb)
        ("PM-000030", "KMT2D", "P2201L", "p.Pro2201Leu", "missense_variant", "SNV",
         148, 489, 0, 252, 2, 0.0, False),
        ("PM-000030", "ARID1A", "G1255=", "p.Gly1255=", "synonymous_variant", "SNV",
         160, 540, 0, 239, 2, 0.0, False),
        ("PM-000030", "NF1", "A1094T", "p.Ala1094Thr", "missense_variant", "SNV",
         58, 471, 0, 260, 2, 0.0, False),
        ("PM-000030", "ATM", "E1267K", "p.Glu1267Lys", "missense_variant", "SNV",
         139, 455, 0, 228, 2, 0.0, False),
        ("PM-000030", "APC", "S2307=", "p.Ser2307=", "synonymous_variant", "SNV",
         152, 508, 0, 247, 2, 0.0, False),
        ("PM-000030", "STK11", "intronic", _N, "intron_variant", "SNV",
         141, 497, 0, 233, 2, 0.0, False),
        # PM-000021: breast, purity 0.3, tumour-only. BRCA1 c.5266dup at about 0.5: a clonal
        # somatic variant would show about 0.3 / 2 = 0.15. Germline not excluded.
        ("PM-000021", "BRCA1", "Q1756fs", "p.Gln1756ProfsTer74", "frameshift_variant", "indel",
         233, 487, _N, _N, 2, 0.0001, True),
        ("PM-000021", "TP53", "R175H", "p.Arg175His", "missense_variant", "SNV",
         79, 512, _N, _N, 2, 0.0, True),
        ("PM-000021", "PIK3CA", "H1047R", "p.His1047Arg", "missense_variant", "SNV",
         68, 466, _N, _N, 2, 0.0, True),
        ("PM-000021", "GATA3", "D336=", "p.Asp336=", "synonymous_variant", "SNV",
         74, 530, _N, _N, 2, 0.0, False),
        ("PM-000021", "TP53", "P72R", "p.Pro72Arg", "missense_variant", "SNV",
         489, 495, _N, _N, 2, 0.65, False),
    ],
    columns=list(_V),
)  # fmt: skip


@cache
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tumour types (indexed by type) and drivers of the synthetic design (shared: do not
    change them)."""
    return load_table("oncology_tumour_types").set_index("tumour_type"), load_table(
        "oncology_drivers"
    )


def make_cancer_patients(
    cohort: pd.DataFrame | None = None, *, seed: int | None = ONCOLOGY_SEED
) -> pd.DataFrame:
    """The cancer sub-cohort: cohort adults with a tumour that had panel sequencing.

    Almost half of the cohort (a course design that gives the survival curves
    enough patients, not an incidence) is drawn
    patient by patient; the tumour type is drawn with the shares of
    ``oncology_tumour_types`` for the patient's sex, then the stage, the purity
    (0.2 to 0.9), the testing (a quarter tumour-only), the panel and the MSI
    status (with the tumour type's share of MSI-H). The patients of
    :data:`SCENARIO_PATIENTS` are always in, with their written values, and
    those of :data:`CANCER_FREE_PATIENTS` never.

    Parameters
    ----------
    cohort : pandas.DataFrame, optional
        With ``patient_id``, ``sex`` and ``age_years``; by default the course cohort.
    seed : int or None, default ONCOLOGY_SEED

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns :data:`CANCER_PATIENT_COLUMNS`, in the
        order of `cohort`.

    Examples
    --------
    >>> patients = make_cancer_patients()
    >>> pm30 = patients.set_index("patient_id").loc["PM-000030"]
    >>> pm30["tumour_type"], float(pm30["purity"]), pm30["testing"]
    ('NSCLC', 0.6, 'tumour-normal')
    >>> first = make_cancer_patients(make_cohort(100))
    >>> first.equals(patients.head(len(first)))
    True
    """
    cohort = make_cohort(N_COURSE_PATIENTS, seed=COURSE_SEED) if cohort is None else cohort
    _need(cohort, "patient_id", "sex", "age_years")
    types, _ = _tables()
    ids = cohort["patient_id"].astype(str).to_numpy()
    draws = patient_draws(ids, 7, seed=seed, layer="cancer_patients")
    female = (cohort["sex"].astype(str) == "female").to_numpy()
    tumour = np.where(
        female,
        pick_by_share(types["share_female"], draws[:, 1]),
        pick_by_share(types["share_male"], draws[:, 1]),
    )
    patients = pd.DataFrame(
        {
            "patient_id": ids,
            "sex": cohort["sex"].reset_index(drop=True),
            "age_years": cohort["age_years"].to_numpy(),
            "tumour_type": tumour,
            "stage": pick_by_share(_STAGES, draws[:, 2]),
            "purity": np.round(0.2 + 0.7 * draws[:, 3], 2),
            "testing": np.where(draws[:, 4] < _TUMOUR_ONLY_SHARE, "tumour-only", "tumour-normal"),
            "panel_size_mb": pick_by_share(_PANEL_SIZES_MB, draws[:, 5]).astype(float),
            "msi_status": np.where(
                draws[:, 6] < types.loc[tumour, "msi_h_share"].to_numpy(), "MSI-H", "MSS"
            ),
        }
    )
    keep = (draws[:, 0] < _CANCER_SHARE) & ~patients["patient_id"].isin(CANCER_FREE_PATIENTS)
    scenario = SCENARIO_PATIENTS.set_index("patient_id")
    for patient in scenario.index.intersection(patients["patient_id"]):
        row = patients["patient_id"] == patient
        patients.loc[row, scenario.columns] = scenario.loc[patient].to_numpy()
        keep |= row.to_numpy()
    patients = patients[keep].reset_index(drop=True)
    patients["purity"] = patients["purity"].astype(float)
    patients["panel_size_mb"] = patients["panel_size_mb"].astype(float)
    patients.attrs["note"] = "Synthetic data, not for clinical use."
    return patients


def _reads(rng: np.random.Generator, vaf_tumour: float, vaf_normal: float | None) -> tuple:
    """Alt reads and depth in tumour (and normal, or NaN for tumour-only)."""
    depth = rng.poisson(_TUMOUR_DEPTH)
    alt = rng.binomial(depth, min(vaf_tumour, 1.0))
    if vaf_normal is None:
        return alt, depth, _N, _N
    normal_depth = rng.poisson(_NORMAL_DEPTH)
    return alt, depth, rng.binomial(normal_depth, vaf_normal), normal_depth


def _germline_vaf(purity: float, copy_number: int, copies_in_tumour: int, copies: int) -> float:
    """Tumour VAF of a germline variant on `copies` of 2 normal copies."""
    return (purity * copies_in_tumour + (1 - purity) * copies) / (
        purity * copy_number + 2 * (1 - purity)
    )


def _passenger(rng: np.random.Generator, consequence: str) -> tuple[str, str, str, str]:
    """gene, short alteration, HGVS protein change and variant type of a random passenger."""
    gene = str(rng.choice(PANEL_GENES))
    ref, alt = rng.choice(list(_AMINO_ACIDS), size=2, replace=False)
    position = int(rng.integers(2, 1500))
    three = _AMINO_ACIDS[ref]
    short, hgvs = {
        "missense_variant": (f"{ref}{position}{alt}", f"{three}{position}{_AMINO_ACIDS[alt]}"),
        "synonymous_variant": (f"{ref}{position}=", f"{three}{position}="),
        "stop_gained": (f"{ref}{position}*", f"{three}{position}Ter"),
        "frameshift_variant": (f"{ref}{position}fs", f"{three}{position}fs"),
        "inframe_deletion": (f"{ref}{position}del", f"{three}{position}del"),
    }.get(consequence, ("intronic", ""))
    kind = "indel" if consequence in ("frameshift_variant", "inframe_deletion") else "SNV"
    return gene, short, (f"p.{hgvs}" if hgvs else _N), kind


def _patient_variants(patient: Any, rng: np.random.Generator) -> list[tuple]:
    """Every variant the panel finds in one patient, drawn from the patient's own stream."""
    types, drivers = _tables()
    purity, tumour = float(patient.purity), patient.tumour_type
    normal = patient.testing == "tumour-normal"
    rows = []

    def add(gene, alteration, hgvs, consequence, kind, vaf_t, vaf_n, cn, af, driver):
        reads = _reads(rng, vaf_t, vaf_n if normal else None)
        rows.append((patient.patient_id, gene, alteration, hgvs, consequence, kind, *reads,
                     cn, af, driver))  # fmt: skip

    options = drivers[drivers["tumour_type"] == tumour].reset_index(drop=True)
    pick = np.searchsorted(options["share"].cumsum().to_numpy(), rng.random(), side="right")
    if pick < len(options):
        d = options.loc[pick]
        hgvs = d["hgvs_p"] if isinstance(d["hgvs_p"], str) else _N
        if rng.random() < d["germline_share"]:
            loss = int(rng.random() < 0.5)  # the tumour lost the normal copy
            vaf_t = _germline_vaf(purity, 2, 1 + loss, 1)
            add(d["gene"], d["alteration"], hgvs, d["consequence"], d["variant_type"],
                vaf_t, 0.5, 2, 0.0001, True)  # fmt: skip
        elif d["variant_type"] == "amplification":
            rows.append((patient.patient_id, d["gene"], d["alteration"], hgvs, d["consequence"],
                         d["variant_type"], _N, _N, _N if not normal else 0.0,
                         _N if not normal else float(rng.poisson(_NORMAL_DEPTH)),
                         int(rng.integers(8, 21)), 0.0, True))  # fmt: skip
        else:
            cn = int(rng.choice([2, 2, 3]))
            add(d["gene"], d["alteration"], hgvs, d["consequence"], d["variant_type"],
                expected_vaf(purity, copy_number=cn), 0.002, cn, 0.0, True)  # fmt: skip
    if rng.random() < types.loc[tumour, "tp53_share"]:
        short, hgvs = _TP53_HOTSPOTS[rng.integers(len(_TP53_HOTSPOTS))]
        copies = 1 + int(rng.random() < 0.6)  # most lose the other copy
        add("TP53", short, hgvs, "missense_variant", "SNV",
            expected_vaf(purity, mutated_copies=copies), 0.002, 2, 0.0, True)  # fmt: skip
    for gene, short, hgvs, af in _POLYMORPHISMS:
        u = rng.random()
        copies = int(u < af**2) + int(u < af**2 + 2 * af * (1 - af))
        if copies:
            add(
                gene,
                short,
                hgvs,
                "missense_variant",
                "SNV",
                _germline_vaf(purity, 2, copies, copies),
                0.5 * copies - 0.01 * (copies - 1),
                2,
                af,
                False,
            )
    median = _MSI_H_TMB_PER_MB if patient.msi_status == "MSI-H" else types.loc[
        tumour, "tmb_median_per_mb"]  # fmt: skip
    rate = median * np.exp(0.5 * rng.standard_normal())
    n_coding = rng.poisson(rate * float(patient.panel_size_mb))
    n_non_coding = rng.poisson(0.3 * n_coding + 1)
    consequences = [
        *pick_by_share(_PASSENGER_CONSEQUENCES, rng.random(n_coding)),
        *rng.choice(_NON_CODING, size=n_non_coding),
    ]
    for consequence in consequences:
        gene, short, hgvs, kind = _passenger(rng, str(consequence))
        ccf = 1.0 if rng.random() < 0.7 else float(rng.uniform(0.1, 0.7))
        cn = int(rng.choice([1, 2, 2, 2, 3, 4]))
        add(gene, short, hgvs, str(consequence), kind,
            expected_vaf(purity, copy_number=cn, cancer_cell_fraction=ccf), 0.002, cn, 0.0,
            False)  # fmt: skip
    return rows


def make_tumour_variants(
    patients: pd.DataFrame | None = None, *, seed: int | None = ONCOLOGY_SEED
) -> pd.DataFrame:
    """The variants the panel finds in each patient's tumour (and normal sample).

    Drawn patient by patient: at most one driver of the tumour type
    (``oncology_drivers``: EGFR, KRAS, BRAF, ALK fusion, ERBB2 amplification,
    BRCA1/2, some of the BRCA variants germline), often a TP53 hotspot, common
    germline polymorphisms by their population frequency, and passenger
    mutations, as many per megabase as the tumour type's TMB (MSI-H tumours
    about 40 per Mb). The tumour VAF follows purity, copy number and cancer
    cell fraction (:func:`expected_vaf`); reads are binomial at a depth of
    about 500 (tumour) and 250 (normal). Germline variants show about 0.5 (or
    1) in the normal sample, somatic ones about 0. Tumour-only patients have no
    normal reads. The scenario patients' variants are written
    (:data:`SCENARIO_VARIANTS`).

    Parameters
    ----------
    patients : pandas.DataFrame, optional
        Such as :func:`make_cancer_patients` returns; by default the course's.
    seed : int or None, default ONCOLOGY_SEED

    Returns
    -------
    pandas.DataFrame
        One row per variant and patient, columns :data:`TUMOUR_VARIANT_COLUMNS`,
        patients in the order of `patients`. Read counts are floats because
        tumour-only rows have no normal reads and amplifications no VAF (NaN).

    Examples
    --------
    >>> variants = make_tumour_variants()
    >>> pm30 = variants[variants["patient_id"] == "PM-000030"]
    >>> variant_origin(pm30).loc[pm30["gene"].isin(["EGFR", "BRCA2"])].tolist()
    ['somatic', 'germline']
    """
    patients = make_cancer_patients() if patients is None else patients
    _need(patients, *[c for c in CANCER_PATIENT_COLUMNS if c not in ("sex", "age_years")])
    ids = patients["patient_id"].astype(str).to_numpy()
    streams = patient_draws(ids, 1, seed=seed, layer="tumour_variants")[:, 0]
    rows = []
    for patient, stream in zip(patients.itertuples(index=False), streams, strict=True):
        if patient.patient_id in set(SCENARIO_VARIANTS["patient_id"]):
            written = SCENARIO_VARIANTS[SCENARIO_VARIANTS["patient_id"] == patient.patient_id]
            rows += list(written.itertuples(index=False, name=None))
            continue
        rng = np.random.default_rng(int(stream * 2**63))
        rows += _patient_variants(patient, rng)
    variants = pd.DataFrame(rows, columns=list(_V))
    floats = ["tumour_alt_reads", "tumour_depth", "normal_alt_reads", "normal_depth",
              "population_af"]  # fmt: skip
    variants = variants.astype({**dict.fromkeys(floats, float), "copy_number": int,
                                "driver": bool})  # fmt: skip
    variants.attrs["note"] = "Synthetic data, not for clinical use."
    return variants


@cache
def _approved(biomarker: str, tumour_type: str) -> bool:
    """Whether a therapy for `biomarker` is approved (FDA or EU) for `tumour_type`."""
    rows = _therapies()[_therapies()["biomarker"] == biomarker]
    excluded = rows["not_for"].fillna("").str.split(";").map(lambda types: tumour_type in types)
    return bool(
        ((rows["tumour_type"] == tumour_type) | ((rows["tumour_type"] == "any") & ~excluded)).any()
    )


def make_cancer_outcomes(
    patients: pd.DataFrame | None = None,
    variants: pd.DataFrame | None = None,
    *,
    seed: int | None = ONCOLOGY_SEED,
) -> pd.DataFrame:
    """Progression-free survival of patients with an actionable biomarker, matched or unmatched.

    Every patient (but the scenario patients, newly diagnosed) with a biomarker
    (:func:`biomarkers`, the TMB from :func:`tumour_mutational_burden`) that
    has a therapy approved for the tumour type gets a treatment: matched (the
    targeted therapy, 60% of patients) or unmatched (standard treatment without
    it). The first such biomarker in the therapy table's order is the
    patient's. Progression-free survival is exponential with the median of the
    trial arm in ``oncology_outcomes`` for that biomarker and tumour type
    (EGFR in NSCLC: FLAURA, 18.9 against 10.2 months, a hazard ratio of
    10.2 / 18.9 = 0.54 under this model; the trial's own Cox estimate was
    0.46), and FLAURA's medians for every other biomarker (a simplification).
    Follow-up ends 6 to 48 months after the start; a patient still free of
    progression then is censored (``progressed`` 0). Synthetic: the trials'
    medians, not their patients.

    Parameters
    ----------
    patients, variants : pandas.DataFrame, optional
        By default the course's cancer patients and their tumour variants.
    seed : int or None, default ONCOLOGY_SEED

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns :data:`CANCER_OUTCOME_COLUMNS`.

    Examples
    --------
    >>> outcomes = make_cancer_outcomes()
    >>> sorted(outcomes["treatment"].unique())
    ['matched', 'unmatched']
    """
    patients = make_cancer_patients() if patients is None else patients
    variants = make_tumour_variants(patients) if variants is None else variants
    trials = load_table("oncology_outcomes").set_index(["biomarker", "tumour_type"])
    ids = patients["patient_id"].astype(str).to_numpy()
    draws = patient_draws(ids, 3, seed=seed, layer="cancer_outcomes")
    tmb_high = tmb_by_patient(variants, patients).set_index("patient_id")["tmb_high"]
    marked = variants.assign(biomarker=_variant_biomarkers(variants)).dropna(subset="biomarker")
    by_patient = marked.groupby("patient_id")["biomarker"].agg(set)
    order = list(_therapies()["biomarker"].drop_duplicates())
    rows = []
    for patient, draw in zip(patients.itertuples(index=False), draws, strict=True):
        if patient.patient_id in set(SCENARIO_PATIENTS["patient_id"]):
            continue
        own = set(by_patient.get(patient.patient_id, set()))
        own |= {"MSI-H"} if patient.msi_status == "MSI-H" else set()
        own |= {"TMB-high"} if tmb_high[patient.patient_id] else set()
        found = [b for b in order if b in own and _approved(b, patient.tumour_type)]
        if not found:
            continue
        key = (found[0], patient.tumour_type)
        trial = trials.loc[key if key in trials.index else ("any other", "any")]
        matched = draw[0] < 0.6
        median = trial["matched_median_pfs_months" if matched else "unmatched_median_pfs_months"]
        pfs = -median / np.log(2) * np.log(1 - draw[1])
        follow_up = 6 + 42 * draw[2]
        rows.append(
            (patient.patient_id, patient.tumour_type, found[0],
             "matched" if matched else "unmatched", round(max(min(pfs, follow_up), 0.1), 1),
             int(pfs <= follow_up))
        )  # fmt: skip
    outcomes = pd.DataFrame(rows, columns=list(CANCER_OUTCOME_COLUMNS))
    outcomes.attrs["note"] = "Synthetic data, not for clinical use."
    return outcomes
