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

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pmcourse.reference import lookup

__all__ = [
    "CANCER_OUTCOME_COLUMNS",
    "CANCER_PATIENT_COLUMNS",
    "GERMLINE_MIN_NORMAL_VAF",
    "ONCOLOGY_SEED",
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

CANCER_PATIENT_COLUMNS = {
    "patient_id": "synthetic patient identifier (a cohort adult)",
    "sex": "female or male (from the cohort)",
    "age_years": "age at diagnosis, years",
    "tumour_type": "primary tumour: NSCLC (non-small cell lung cancer), colorectal, breast, "
    "melanoma, ovarian, prostate, endometrial, pancreatic",
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

#: Patients whose story the notebook tells: written, not drawn.
SCENARIO_PATIENTS = pd.DataFrame(
    [
        ("PM-000030", "NSCLC", "IV", 0.6, "tumour-normal", 1.1, "MSS"),
    ],
    columns=["patient_id", "tumour_type", "stage", "purity", "testing", "panel_size_mb",
             "msi_status"],
)  # fmt: skip

#: The tumour-only patient whose BRCA variant may be germline (the exercise's case).
TUMOUR_ONLY_PATIENT = "PM-000030"  # placeholder, set with the data

#: The scenario patients' variants, written read by read.
SCENARIO_VARIANTS = pd.DataFrame(columns=list(TUMOUR_VARIANT_COLUMNS))


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
        (np.asarray(mutated_copies) < 1) | (np.asarray(mutated_copies) > np.asarray(copy_number)),
        "The mutated copies must be between 1 and the copy number: a cell cannot carry the "
        "variant on more copies than it has. Got mutated_copies={value} with copy_number="
        f"{copy_number}.",
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
    :func:`variant_origin`), known drivers (``driver`` True: the panel is
    chosen to find them, so they would inflate the count), non-coding
    variants, fusions and amplifications. In tumour-only rows (no normal
    sample) nothing is removed as germline here: assays use population
    databases for that, so check :func:`possibly_germline`. Other assays count
    differently, which is why TMB values are assay-specific.

    Parameters
    ----------
    variants : pandas.DataFrame
        With ``variant_type``, ``consequence``, ``driver``,
        ``normal_alt_reads`` and ``normal_depth``.

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
    return (
        variants["variant_type"].isin(_TMB_VARIANT_TYPES)
        & variants["consequence"].isin(TMB_CONSEQUENCES)
        & ~variants["driver"].astype(bool)
        & (variant_origin(variants) != "germline")
    )


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


def biomarkers(
    patient_variants: pd.DataFrame,
    *,
    msi_status: str | None = None,
    tmb: float | None = None,
) -> list[str]:
    """The patient's actionable biomarkers, named as in ``oncology_therapies``.

    Parameters
    ----------
    patient_variants : pandas.DataFrame
        One patient's variants, with ``gene``, ``alteration`` and ``driver``.
    msi_status : str, optional
        ``"MSI-H"`` adds the biomarker MSI-H.
    tmb : float, optional
        Mutations per megabase; TMB-high at :data:`TMB_HIGH_PER_MB` or more.

    Returns
    -------
    list of str
        In the order of the therapy table, each once.
    """
    raise NotImplementedError


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
        The rows of ``oncology_therapies`` for these biomarkers, with a column
        ``approved_for_tumour``: True where the approval covers `tumour_type`
        (the row's tumour type, or ``"any"`` for a tissue-agnostic approval),
        False where the biomarker matches but the approval is for another
        tumour type. Rows that apply come first.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------- survival


def kaplan_meier(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
) -> dict:
    """Kaplan-Meier curves, one per group, fitted with lifelines.

    Returns
    -------
    dict of str to lifelines.KaplanMeierFitter
        Fitted, each labelled with its group, in sorted order of the groups.
    """
    raise NotImplementedError


def median_survival(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
) -> pd.DataFrame:
    """Median survival per group with its 95% confidence interval (lifelines).

    Returns
    -------
    pandas.DataFrame
        One row per group: the group, ``n_patients``, ``n_events``,
        ``median_months``, ``ci_lower``, ``ci_upper`` (inf where the curve
        does not fall that low within follow-up).
    """
    raise NotImplementedError


def logrank(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
):
    """The log-rank test: do the groups' survival curves differ? (lifelines)

    Returns
    -------
    lifelines.statistics.StatisticalResult
        With ``p_value`` and ``test_statistic``.
    """
    raise NotImplementedError


def cox_hazard_ratio(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    reference: str = "unmatched",
    duration: str = "pfs_months",
    event: str = "progressed",
) -> pd.Series:
    """Hazard ratio of the other group against `reference`, from a Cox model (lifelines).

    Returns
    -------
    pandas.Series
        ``hazard_ratio``, ``ci_lower``, ``ci_upper`` (95%) and ``p_value``.
    """
    raise NotImplementedError


# --------------------------------------------------------------------------- data


def make_cancer_patients(
    cohort: pd.DataFrame | None = None, *, seed: int | None = ONCOLOGY_SEED
) -> pd.DataFrame:
    """The cancer sub-cohort: cohort adults with a tumour that had panel sequencing.

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns :data:`CANCER_PATIENT_COLUMNS`.
    """
    raise NotImplementedError


def make_tumour_variants(
    patients: pd.DataFrame | None = None, *, seed: int | None = ONCOLOGY_SEED
) -> pd.DataFrame:
    """The variants the panel finds in each patient's tumour (and normal sample).

    Returns
    -------
    pandas.DataFrame
        One row per variant and patient, columns :data:`TUMOUR_VARIANT_COLUMNS`.
    """
    raise NotImplementedError


def make_cancer_outcomes(
    patients: pd.DataFrame | None = None,
    variants: pd.DataFrame | None = None,
    *,
    seed: int | None = ONCOLOGY_SEED,
) -> pd.DataFrame:
    """Progression-free survival of patients with an actionable biomarker.

    Returns
    -------
    pandas.DataFrame
        One row per patient, columns :data:`CANCER_OUTCOME_COLUMNS`.
    """
    raise NotImplementedError
