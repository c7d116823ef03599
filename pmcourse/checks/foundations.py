"""Instant checks for module 0 (getting started) and module 1 (foundations).

Each check takes the learner's answer and returns a
:class:`pmcourse.check.CheckResult` (✅ or ❌ with a plain message and a hint).
Checks that accept a function run it on fresh genotype counts drawn with fixed
seeds, never only on the example in the notebook. Expected values are computed
from the course data (:func:`pmcourse.datasets.load`) and are never shown.

Hints are tuned to common mistakes: when a wrong answer matches a known slip
(dividing by the number of patients instead of the number of alleles, giving
the other allele's frequency, forgetting to square...), the hint names the slip
without giving the answer away.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import datasets, genetics
from pmcourse.check import CheckResult, check_function, check_value

__all__ = [
    "allele_frequency",
    "carriers",
    "chi_square",
    "expected_counts",
    "patients_in_region",
    "variant_allele_frequency",
]

#: Tolerance for frequencies (absolute, so 3 correct decimals pass).
_FREQUENCY_TOLERANCE = 1e-3
#: Tolerance for expected counts and chi-square (relative 0.5%).
_COUNT_TOLERANCE = 5e-3

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _as_float(value: Any) -> float | None:
    """The answer as a finite float, or None if it is not one number."""
    if isinstance(value, np.ndarray | pd.Series) and np.size(value) == 1:
        value = np.asarray(value).item()
    if not _is_number(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _close(a: float, b: float, tolerance: float) -> bool:
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def _genotypes(rsid: str, ancestry: str | None) -> pd.Series:
    """One SNP's genotype column from the course data, optionally one ancestry group."""
    table = datasets.load("genotypes")
    if rsid not in table.columns:
        snps = [column for column in table.columns if str(column).startswith("rs")]
        raise ValueError(f"There is no SNP {rsid!r} in the course data; the SNPs are {snps}.")
    if ancestry is not None:
        groups = sorted(set(table["ancestry"].astype(str)))
        if ancestry not in groups:
            raise ValueError(f"Unknown ancestry group {ancestry!r}; known: {', '.join(groups)}.")
        table = table[table["ancestry"].astype(str) == ancestry]
    return table[rsid]


def _fresh_counts() -> list[genetics.GenotypeCounts]:
    """Genotype counts for test inputs: fresh draws with fixed seeds, plus edge cases."""
    settings = [
        (0.83, 250, 0.0),
        (0.5, 97, 0.0),
        (0.12, 1311, 0.0),
        (0.64, 480, 0.3),
        (0.95, 60, 0.0),
    ]
    drawn = [
        genetics.simulate_genotype_counts(p, n, inbreeding=f, seed=9000 + k)
        for k, (p, n, f) in enumerate(settings)
    ]
    return [*drawn, genetics.GenotypeCounts(40, 0, 0), genetics.GenotypeCounts(0, 0, 25)]


def _describe_table(answer: Any, name: str) -> CheckResult | None:
    """A ❌ for a table or column given where one number is expected."""
    if isinstance(answer, pd.DataFrame | pd.Series):
        kind = "a whole table" if isinstance(answer, pd.DataFrame) else "a column of values"
        return CheckResult(
            name,
            False,
            f"A single number is expected, but your answer is {kind}.",
            hint="Count the rows of a table with len(table), or add up True values "
            "with column.sum().",
        )
    return None


# --------------------------------------------------------------------------
# Module 0
# --------------------------------------------------------------------------


def patients_in_region(answer: Any, *, region: str = "North Denmark") -> CheckResult:
    """Check the number of cohort patients living in one Danish region (module 0).

    Parameters
    ----------
    answer : object
        The learner's count, such as ``len(cohort[cohort["region"] == "North Denmark"])``.
    region : str, default "North Denmark"
        The region asked about.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import datasets
    >>> cohort = datasets.load("cohort")
    >>> patients_in_region(len(cohort[cohort["region"] == "North Denmark"])).passed
    True
    >>> print(patients_in_region(...).message)
    You have not answered yet: replace the ... with your answer.
    """
    name = "n_north"
    cohort = datasets.load("cohort")
    if region not in set(cohort["region"].astype(str)):
        known = ", ".join(sorted(set(cohort["region"].astype(str))))
        raise ValueError(f"Unknown region {region!r}; known: {known}.")
    in_region = cohort["region"].astype(str) == region
    expected = int(in_region.sum())
    if isinstance(answer, pd.DataFrame) and len(answer) == expected:
        return CheckResult(
            name,
            False,
            "Your table holds the right patients. Now count them: put len( ) around it.",
            hint="len(table) gives the number of rows of a table.",
        )
    as_table = _describe_table(answer, name)
    if as_table is not None:
        return as_table
    slips = [
        (
            len(cohort),
            "That is every patient in the cohort. Keep only the rows whose "
            "region is the one asked for, then count them.",
        ),
        (
            len(cohort) - expected,
            "That looks like the patients living everywhere else. "
            "Use == (is equal to), not != (is not equal to).",
        ),
    ]
    hint = (
        'Select the rows with cohort[cohort["region"] == "..."] (spelling and capital '
        "letters must match the data exactly), then count them with len( )."
    )
    return check_value(answer, expected, name=name, hint=hint, tolerance=0, common_mistakes=slips)


# --------------------------------------------------------------------------
# Module 1: allele frequencies
# --------------------------------------------------------------------------

_ALLELE_HINT = (
    "Count alleles, not patients: each patient has two. Heterozygous patients carry one "
    "copy of the variant allele and homozygous variant patients carry two. Divide by "
    "the total number of alleles."
)


def variant_allele_frequency(
    answer: Any, *, rsid: str = "rs4244285", ancestry: str | None = "EUR"
) -> CheckResult:
    """Check the frequency q of the variant allele at one SNP in one ancestry group.

    Parameters
    ----------
    answer : object
        The learner's q, a proportion between 0 and 1.
    rsid : str, default "rs4244285"
        The SNP (CYP2C19*2 by default).
    ancestry : str or None, default "EUR"
        The ancestry group of the course data, or None for the whole cohort.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import datasets, genetics
    >>> genotypes = datasets.load("genotypes")
    >>> eur = genotypes[genotypes["ancestry"] == "EUR"]
    >>> n_AA, n_Aa, n_aa = genetics.genotype_counts(eur["rs4244285"])
    >>> variant_allele_frequency((n_Aa + 2 * n_aa) / (2 * (n_AA + n_Aa + n_aa))).passed
    True
    >>> variant_allele_frequency((n_Aa + n_aa) / (n_AA + n_Aa + n_aa)).passed
    False
    """
    name = f"q_{ancestry.lower()}" if ancestry else "q"
    n_AA, n_Aa, n_aa = genetics.genotype_counts(_genotypes(rsid, ancestry))
    n = n_AA + n_Aa + n_aa
    expected = (n_Aa + 2 * n_aa) / (2 * n)
    as_table = _describe_table(answer, name)
    if as_table is not None:
        return as_table
    value = _as_float(answer)
    slips = []  # known slips, only consulted when no special case below applies
    if value is not None and value > 1 and _close(value / 100, expected, _FREQUENCY_TOLERANCE):
        hint = "Give a proportion between 0 and 1, not a percentage."
    elif value is not None and value > 1:
        hint = (
            "A frequency lies between 0 and 1. Did you divide by the number of "
            "alleles (two per patient)?"
        )
    else:
        slips = [
            (
                1 - expected,
                "That is the frequency of the reference allele. The question "
                "asks for the variant allele: q = 1 - p.",
            ),
            (
                (n_Aa + 2 * n_aa) / n,
                "Each patient has two alleles, so divide by twice the number of patients.",
            ),
            (
                (n_Aa + n_aa) / n,
                "That is the share of patients who carry the variant. "
                "Count alleles instead: homozygous patients carry two copies.",
            ),
            (
                (n_Aa + n_aa) / (2 * n),
                "Homozygous variant patients carry two copies of "
                "the variant allele: count them twice.",
            ),
            (n_aa / n, "Heterozygous patients carry one copy of the variant allele too."),
        ]
        hint = _ALLELE_HINT
    return check_value(
        answer,
        expected,
        name=name,
        hint=hint,
        tolerance=_FREQUENCY_TOLERANCE,
        common_mistakes=slips,
    )


_ALLELE_FUNCTION_SLIPS: list[tuple[Callable, str]] = [
    (
        lambda n_AA, n_Aa, n_aa: (n_Aa + 2 * n_aa) / (2 * (n_AA + n_Aa + n_aa)),
        "Your function gives q, the frequency of the variant allele a. It should give p, "
        "the frequency of allele A (p = 1 - q).",
    ),
    (
        lambda n_AA, n_Aa, n_aa: (2 * n_AA + n_Aa) / (n_AA + n_Aa + n_aa),
        "A frequency lies between 0 and 1. Each patient has two alleles, so divide by "
        "2 * (n_AA + n_Aa + n_aa).",
    ),
    (
        lambda n_AA, n_Aa, n_aa: (n_AA + n_Aa) / (2 * (n_AA + n_Aa + n_aa)),
        "AA patients carry two copies of allele A: count them twice (2 * n_AA).",
    ),
    (
        lambda n_AA, n_Aa, n_aa: (2 * n_AA + n_Aa) / (2 * n_AA + n_Aa + n_aa),
        "Divide by all alleles: 2 * (n_AA + n_Aa + n_aa). Every patient has two, "
        "whatever their genotype.",
    ),
    (
        lambda n_AA, n_Aa, n_aa: 2 * n_AA + n_Aa / (2 * (n_AA + n_Aa + n_aa)),
        "Python divides before it adds: put brackets around (2 * n_AA + n_Aa).",
    ),
]


def allele_frequency(answer: Any) -> CheckResult:
    """Check an allele frequency function, or the value p at CYP2C19*2 in the cohort.

    Parameters
    ----------
    answer : callable or number
        Either a function ``allele_frequency(n_AA, n_Aa, n_aa)`` returning p, the
        frequency of allele A (checked on fresh genotype counts), or the number p
        for rs4244285 (CYP2C19*2) in the whole course cohort.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> def my_allele_frequency(n_AA, n_Aa, n_aa):
    ...     return (2 * n_AA + n_Aa) / (2 * (n_AA + n_Aa + n_aa))
    >>> allele_frequency(my_allele_frequency).passed
    True
    >>> def hard_coded(n_AA, n_Aa, n_aa):
    ...     return 0.6
    >>> allele_frequency(hard_coded).passed
    False
    """
    name = "allele_frequency"
    if callable(answer) and not isinstance(answer, type):
        cases = [tuple(counts) for counts in _fresh_counts()]
        return check_function(
            answer,
            genetics.allele_frequency,
            cases,
            name=name,
            hint="Count the A alleles (two from each AA patient, one from each Aa patient) "
            "and divide by the number of all alleles, two per patient. Check the brackets.",
            common_mistakes=_ALLELE_FUNCTION_SLIPS,
        )
    n_AA, n_Aa, n_aa = genetics.genotype_counts(_genotypes("rs4244285", None))
    expected = genetics.allele_frequency(n_AA, n_Aa, n_aa)
    n = n_AA + n_Aa + n_aa
    slips = [
        (1 - expected, "That is q, the variant allele. The question asks for p, allele A."),
        ((2 * n_AA + n_Aa) / n, "Each patient has two alleles, so divide by 2N."),
    ]
    as_table = _describe_table(answer, "p")
    if as_table is not None:
        return as_table
    return check_value(
        answer,
        expected,
        name="p",
        hint=_ALLELE_HINT,
        tolerance=_FREQUENCY_TOLERANCE,
        common_mistakes=slips,
    )


# --------------------------------------------------------------------------
# Module 1: Hardy-Weinberg
# --------------------------------------------------------------------------


def _observed(rsid: str) -> genetics.GenotypeCounts:
    return genetics.genotype_counts(_genotypes(rsid, None))


def _check_sequence_of_three(answer: Any, name: str) -> CheckResult | None:
    """A ❌ for a whole table given where three numbers are expected."""
    if isinstance(answer, pd.DataFrame):
        return CheckResult(
            name,
            False,
            "Three numbers are expected, but your answer is a whole table.",
            hint="Write the three numbers in brackets: (expected_AA, expected_Aa, expected_aa).",
        )
    return None


def expected_counts(answer: Any, *, rsid: str = "rs9923231") -> CheckResult:
    """Check expected genotype counts under Hardy-Weinberg equilibrium.

    Parameters
    ----------
    answer : callable or sequence of three numbers
        Either a function ``expected_counts(p, n_patients)`` returning the
        expected numbers of AA, Aa and aa patients (checked on fresh inputs), or
        the three expected counts for one SNP in the whole course cohort.
    rsid : str, default "rs9923231"
        The SNP for a value answer (VKORC1 -1639G>A by default).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import genetics
    >>> p = genetics.allele_frequency(381, 429, 190)
    >>> expected_counts((p**2 * 1000, 2 * p * (1 - p) * 1000, (1 - p) ** 2 * 1000)).passed
    True
    >>> def my_expected_counts(p, n_patients):
    ...     q = 1 - p
    ...     return (p**2 * n_patients, 2 * p * q * n_patients, q**2 * n_patients)
    >>> expected_counts(my_expected_counts).passed
    True
    """
    name = "expected_counts"
    if callable(answer) and not isinstance(answer, type):
        cases = [(0.3, 200), (0.75, 480), (0.123, 1234), (0.5, 1), (1.0, 50), (0.0, 10)]
        slips = [
            (
                lambda p, n: (p * p, 2 * p * (1 - p), (1 - p) ** 2),
                "Those are genotype frequencies; multiply each by the number of patients.",
            ),
            (
                lambda p, n: ((1 - p) ** 2 * n, 2 * p * (1 - p) * n, p * p * n),
                "The order is AA, Aa, aa, and p is the frequency of A, so AA comes first with p².",
            ),
            (
                lambda p, n: (p * p * n, p * (1 - p) * n, (1 - p) ** 2 * n),
                "Heterozygotes can arise two ways (A from mother and a from father, or the "
                "other way round): 2pq.",
            ),
        ]
        return check_function(
            answer,
            genetics.expected_genotype_counts,
            cases,
            name=name,
            hint="Return three numbers in the order AA, Aa, aa: p² × N, 2pq × N and q² × N, "
            "with q = 1 - p.",
            common_mistakes=slips,
        )
    early = _check_sequence_of_three(answer, name)
    if early is not None:
        return early
    observed = _observed(rsid)
    n = sum(observed)
    p = genetics.allele_frequency(*observed)
    expected = genetics.expected_genotype_counts(p, n)
    hint = (
        "Work out p from the observed counts first, then p² × N, 2pq × N and q² × N, "
        "in the order AA, Aa, aa. Do not round."
    )
    try:
        values = [float(v) for v in answer]
    except (TypeError, ValueError):
        values = None
    if values is not None and len(values) == 3 and all(map(math.isfinite, values)):
        total = sum(values)
        if _close(total, 1, 0.01):
            hint = "Those look like genotype frequencies; multiply each by the number of patients."
        elif all(
            _close(a, b, _COUNT_TOLERANCE) for a, b in zip(values, expected[::-1], strict=True)
        ):
            hint = "The order is AA, Aa, aa, and p is the frequency of A: AA comes first."
        elif not _close(total, n, 0.01):
            hint = (
                "Expected counts add up to the number of patients, like the observed "
                "ones. Did you forget the 2 in 2pq, or use another total?"
            )
        elif all(_close(a, b, 0.05) for a, b in zip(values, observed, strict=True)):
            hint = "Those are the observed counts; the expected ones come from p², 2pq and q²."
    return check_value(answer, tuple(expected), name=name, hint=hint, tolerance=_COUNT_TOLERANCE)


def _chi_square(observed: Sequence[float], expected: Sequence[float]) -> float:
    return float(sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True)))


def chi_square(answer: Any, *, rsid: str = "rs9923231") -> CheckResult:
    """Check a chi-square statistic for Hardy-Weinberg equilibrium (1 degree of freedom).

    Parameters
    ----------
    answer : callable or number
        Either a function ``chi_square(observed, expected)`` that takes two
        sequences of three counts and returns the sum of
        (observed - expected)² / expected (checked on fresh inputs), or the
        chi-square value for one SNP in the whole course cohort.
    rsid : str, default "rs9923231"
        The SNP for a value answer (VKORC1 -1639G>A by default).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import genetics
    >>> test = genetics.hardy_weinberg_test(381, 429, 190)
    >>> chi_square(test.chi_square).passed
    True
    >>> chi_square(test.p_value).passed
    False
    """
    name = "chi_square"
    if callable(answer) and not isinstance(answer, type):
        cases = []
        for counts in _fresh_counts()[:5]:
            test = genetics.hardy_weinberg_test(*counts)
            cases.append((tuple(counts), test.expected))
        slips = [
            (
                lambda o, e: sum((a - b) ** 2 for a, b in zip(o, e, strict=True)),
                "Divide each squared difference by the expected count before adding.",
            ),
            (
                lambda o, e: sum((a - b) ** 2 / a for a, b in zip(o, e, strict=True)),
                "Divide by the expected count, not the observed one.",
            ),
            (
                lambda o, e: sum((a - b) / b for a, b in zip(o, e, strict=True)),
                "Square the differences, otherwise plus and minus cancel out.",
            ),
        ]
        return check_function(
            answer,
            _chi_square,
            cases,
            name=name,
            hint="For each genotype: (observed - expected) squared, divided by expected; "
            "then add the three together.",
            common_mistakes=slips,
        )
    as_table = _describe_table(answer, name)
    if as_table is not None:
        return as_table
    observed = _observed(rsid)
    test = genetics.hardy_weinberg_test(*observed)
    value = _as_float(answer)
    slips = []  # known slips, only consulted when no special case below applies
    if value is not None and value < 0:
        hint = "A chi-square can never be negative: square the differences."
    elif value is not None and abs(value) < 1e-6:
        hint = "Square each difference before adding; otherwise plus and minus cancel out to 0."
    else:
        slips = [
            (
                test.p_value,
                "That looks like a p-value. The question asks for the chi-square "
                "statistic itself.",
            ),
            (
                sum((o - e) ** 2 for o, e in zip(observed, test.expected, strict=True)),
                "Divide each squared difference by its expected count before adding.",
            ),
            (
                sum((o - e) ** 2 / o for o, e in zip(observed, test.expected, strict=True)),
                "Divide by the expected count, not the observed one.",
            ),
        ]
        hint = (
            "Use the expected counts from the previous step: add up "
            "(observed - expected)² / expected over the three genotypes. Do not round."
        )
    return check_value(
        answer,
        test.chi_square,
        name=name,
        hint=hint,
        tolerance=_COUNT_TOLERANCE,
        common_mistakes=slips,
    )


# --------------------------------------------------------------------------
# Module 1: carriers
# --------------------------------------------------------------------------


def carriers(answer: Any, *, rsid: str = "rs4244285") -> CheckResult:
    """Check who carries a variant: a count, a True/False column or a function.

    Parameters
    ----------
    answer : callable, pandas.Series or number
        A function ``carriers(genotypes)`` returning True for each patient with at
        least one copy of the variant allele (checked on fresh genotype columns);
        or that True/False column for the whole course cohort; or the number of
        carriers in the cohort.
    rsid : str, default "rs4244285"
        The SNP (CYP2C19*2 by default).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> from pmcourse import datasets
    >>> genotypes = datasets.load("genotypes")
    >>> carriers((genotypes["rs4244285"] >= 1).sum()).passed
    True
    >>> carriers((genotypes["rs4244285"] == 1).sum()).passed
    False
    >>> carriers(lambda g: g >= 1).passed
    True
    """
    name = "carriers"
    genotypes = _genotypes(rsid, None)
    if callable(answer) and not isinstance(answer, type):
        rng = np.random.default_rng(4285)
        cases = [
            (pd.Series(rng.binomial(2, q, size=n), name="rs_test", dtype="int64"),)
            for q, n in [(0.15, 40), (0.5, 25), (0.9, 12)]
        ]
        cases.append((pd.Series([0, 0, 0], name="rs_test", dtype="int64"),))
        slips = [
            (lambda g: g == 1, "Homozygous variant patients (2 copies) are carriers too."),
            (lambda g: g == 2, "Heterozygous patients (1 copy) are carriers too."),
            (lambda g: g == 0, "That picks the patients without the variant."),
        ]
        return check_function(
            answer,
            genetics.carriers,
            cases,
            name=name,
            hint="A carrier has 1 or 2 copies of the variant. Return one True/False per "
            "patient by comparing the genotypes with a number.",
            common_mistakes=slips,
        )
    expected_mask = genetics.carriers(genotypes)
    if isinstance(answer, pd.Series | np.ndarray) and np.size(answer) > 1:
        return check_value(
            answer,
            expected_mask,
            name=name,
            hint="One True/False per patient: True when the genotype is 1 or 2.",
        )
    as_table = _describe_table(answer, name)
    if as_table is not None:
        return as_table
    n_AA, n_Aa, n_aa = genetics.genotype_counts(genotypes)
    slips = [
        (n_Aa, "Homozygous variant patients (2 copies) are carriers too."),
        (n_aa, "Heterozygous patients (1 copy) are carriers too."),
        (
            n_Aa + 2 * n_aa,
            "That counts variant alleles. The question asks for patients: "
            "a homozygous patient is one carrier, not two.",
        ),
        (n_AA, "That is the number of patients without the variant."),
    ]
    hint = (
        "A carrier has 1 or 2 copies of the variant. Select genotypes >= 1 and add up "
        "the True values with .sum()."
    )
    return check_value(
        answer, int(expected_mask.sum()), name=name, hint=hint, tolerance=0, common_mistakes=slips
    )
