"""Checks for module 1 (foundations): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 1.
Value checks take a number the learner computed in the module notebook.
Function checks (:class:`pmcourse.check.FunctionCheck`) take a function the
learner wrote, with the graded exercise's signature, and run it on the public
examples, or on the secret cases a hidden test passes in, built with
:func:`simulated_counts`, :func:`cohort_counts` and :func:`genotype_columns`;
the ready-made function of :mod:`pmcourse.genetics` for the same step is
switched off meanwhile.
Expected values are computed from the course data and are never shown.

Hints are tuned to common mistakes: when a wrong answer matches a known slip
(dividing by the number of patients instead of the number of alleles, giving
the other allele's frequency, forgetting to square...), the hint names the slip
without giving the answer away.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import datasets, diplotypes, genetics
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice, Estimate
from pmcourse.reference import load_table

__all__ = [
    "allele_frequency",
    "carrier_share_ea",
    "carriers",
    "chi_square",
    "cohort_counts",
    "expected_counts",
    "genotype_columns",
    "no_function_carrier_share",
    "pooled_deviation",
    "simulated_counts",
    "small_group_test",
    "variant_allele_frequency",
]

#: Tolerance for frequencies (absolute, so 3 correct decimals pass).
_FREQUENCY_TOLERANCE = 1e-3
#: Tolerance for expected counts and chi-square (relative 0.5%).
_COUNT_TOLERANCE = 5e-3

# --------------------------------------------------------------------------
# Test inputs: the course data, and fresh draws from a seed
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


def _genotypes(rsid: str, ancestry: str | None = None) -> pd.Series:
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


def cohort_counts(*rsids: str) -> list[tuple[int, int, int]]:
    """Genotype counts (n_ref_ref, n_ref_alt, n_alt_alt) of SNPs in the course cohort, one per SNP.

    Examples
    --------
    >>> [sum(counts) for counts in cohort_counts("rs4244285", "rs9923231")]
    [1000, 1000]
    """
    return [tuple(genetics.genotype_counts(_genotypes(rsid))) for rsid in rsids]


def simulated_counts(settings: Iterable[tuple[float, int, float, int]]) -> list[tuple]:
    """Fresh genotype counts, one tuple per (p, n_patients, inbreeding, seed) setting.

    Hidden tests pass their own settings, so the counts are new to the learner.

    Examples
    --------
    >>> simulated_counts([(0.5, 100, 0.0, 1)]) == simulated_counts([(0.5, 100, 0.0, 1)])
    True
    """
    return [
        tuple(genetics.simulate_genotype_counts(p, n, inbreeding=f, seed=seed))
        for p, n, f, seed in settings
    ]


def genotype_columns(*rsids: str, ancestry: str | None = None, every: int = 1) -> list[tuple]:
    """Genotype columns of the course data as test inputs (one-element tuples).

    Examples
    --------
    >>> [len(column) for (column,) in genotype_columns("rs4244285", every=10)]
    [100]
    """
    return [(_genotypes(rsid, ancestry).iloc[::every],) for rsid in rsids]


def _or_function(function_check: FunctionCheck) -> Callable:
    """Let a value check also take the learner's function, checked by `function_check`.

    The module notebook asks for a value and the graded exercise for the
    function that computes it; both call one check, such as
    ``check.chi_square(...)``, which passes ``cases`` and ``quick`` on to the
    function check.
    """

    def decorate(value_check: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(value_check)
        def check(
            answer: Any,
            *,
            cases: Iterable[tuple] | None = None,
            quick: bool = True,
            **options: Any,
        ) -> CheckResult:
            if callable(answer):
                return function_check(answer, cases=cases, quick=quick)
            return value_check(answer, **options)

        return check

    return decorate


# --------------------------------------------------------------------------
# Allele frequencies
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
    >>> n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(eur["rs4244285"])
    >>> n = n_ref_ref + n_ref_alt + n_alt_alt
    >>> variant_allele_frequency((n_ref_alt + 2 * n_alt_alt) / (2 * n)).passed
    True
    >>> variant_allele_frequency((n_ref_alt + n_alt_alt) / n).passed
    False
    """
    name = f"q_{ancestry.lower()}" if ancestry else "q"
    n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(_genotypes(rsid, ancestry))
    n = n_ref_ref + n_ref_alt + n_alt_alt
    expected = (n_ref_alt + 2 * n_alt_alt) / (2 * n)
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
                (n_ref_alt + 2 * n_alt_alt) / n,
                "Each patient has two alleles, so divide by twice the number of patients.",
            ),
            (
                (n_ref_alt + n_alt_alt) / n,
                "That is the share of patients who carry the variant. "
                "Count alleles instead: homozygous patients carry two copies.",
            ),
            (
                (n_ref_alt + n_alt_alt) / (2 * n),
                "Homozygous variant patients carry two copies of "
                "the variant allele: count them twice.",
            ),
            (n_alt_alt / n, "Heterozygous patients carry one copy of the variant allele too."),
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


#: ``allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt)``, which returns p; by default checked on
#: (36, 48, 16) and CYP2C19*2 in the course cohort.
allele_frequency = FunctionCheck(
    "allele_frequency",
    genetics.allele_frequency,
    examples=lambda: [(36, 48, 16), *cohort_counts("rs4244285")],
    hint="Count the reference alleles (2 for each ref/ref patient, 1 for each ref/alt patient) "
    "and divide "
    "by the number of alleles, which is 2 times the number of patients. Check the brackets.",
    common_mistakes=[
        (
            lambda n_ref_ref, n_ref_alt, n_alt_alt: (
                (n_ref_alt + 2 * n_alt_alt) / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))
            ),
            "Your function gives q, the frequency of the variant (alt) allele. It should give "
            "p, the frequency of the reference allele (p = 1 - q).",
        ),
        (
            lambda n_ref_ref, n_ref_alt, n_alt_alt: (
                (2 * n_ref_ref + n_ref_alt) / (n_ref_ref + n_ref_alt + n_alt_alt)
            ),
            "A frequency lies between 0 and 1. Each patient has two alleles, so divide by "
            "2 * (n_ref_ref + n_ref_alt + n_alt_alt).",
        ),
        (
            lambda n_ref_ref, n_ref_alt, n_alt_alt: (
                (n_ref_ref + n_ref_alt) / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))
            ),
            "ref/ref patients carry two copies of the reference allele: count them twice "
            "(2 * n_ref_ref).",
        ),
        (
            lambda n_ref_ref, n_ref_alt, n_alt_alt: (
                (2 * n_ref_ref + n_ref_alt) / (2 * n_ref_ref + n_ref_alt + n_alt_alt)
            ),
            "Divide by all alleles: 2 * (n_ref_ref + n_ref_alt + n_alt_alt). Every patient "
            "has two, whatever their genotype.",
        ),
        (
            lambda n_ref_ref, n_ref_alt, n_alt_alt: (
                2 * n_ref_ref + n_ref_alt / (2 * (n_ref_ref + n_ref_alt + n_alt_alt))
            ),
            "Python divides before it adds: put brackets around (2 * n_ref_ref + n_ref_alt).",
        ),
    ],
    forbidden=[(genetics, "allele_frequency", "hardy_weinberg_test", "hardy_weinberg_exact")],
)


# --------------------------------------------------------------------------
# Hardy-Weinberg: expected counts and the chi-square statistic
# --------------------------------------------------------------------------


def _observed(rsid: str) -> genetics.GenotypeCounts:
    return genetics.genotype_counts(_genotypes(rsid))


def _expected_counts(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> tuple[float, float, float]:
    p = genetics.allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt)
    return genetics.expected_genotype_counts(p, n_ref_ref + n_ref_alt + n_alt_alt)


def _chi_square(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> float:
    return genetics.hardy_weinberg_test(n_ref_ref, n_ref_alt, n_alt_alt).chi_square


def _wrong_expected(shares: Callable[[float], tuple]) -> Callable:
    """A wrong formula for expected counts, from the genotype shares it gets wrong."""

    def formula(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> tuple:
        return shares(
            genetics.allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt),
            n_ref_ref + n_ref_alt + n_alt_alt,
        )

    return formula


EXPECTED_COUNTS = FunctionCheck(
    "expected_counts",
    _expected_counts,
    examples=lambda: [(36, 48, 16), (50, 20, 30), *cohort_counts("rs4244285")],
    hint="Compute p and q = 1 - p, then multiply p², 2pq and q² by the number of "
    "patients. Return the three numbers in the order ref/ref, ref/alt, alt/alt.",
    tolerance=_COUNT_TOLERANCE,
    common_mistakes=[
        (
            _wrong_expected(lambda p, n: (p * p, 2 * p * (1 - p), (1 - p) ** 2)),
            "Those are genotype frequencies; multiply each by the number of patients.",
        ),
        (
            _wrong_expected(lambda p, n: ((1 - p) ** 2 * n, 2 * p * (1 - p) * n, p * p * n)),
            "The order is ref/ref, ref/alt, alt/alt, and p is the frequency of the reference "
            "allele, so ref/ref comes first with p².",
        ),
        (
            _wrong_expected(lambda p, n: (p * p * n, p * (1 - p) * n, (1 - p) ** 2 * n)),
            "Heterozygotes can arise two ways (ref from the mother and alt from the father, "
            "or the other way round): 2pq.",
        ),
    ],
    forbidden=[
        (genetics, "expected_genotype_counts", "hardy_weinberg_test", "hardy_weinberg_exact")
    ],
)


@_or_function(EXPECTED_COUNTS)
def expected_counts(answer: Any, *, rsid: str = "rs9923231") -> CheckResult:
    """Check expected genotype counts under Hardy-Weinberg equilibrium.

    Parameters
    ----------
    answer : callable or sequence of three numbers
        Either a function ``expected_counts(n_ref_ref, n_ref_alt, n_alt_alt)`` returning the
        expected numbers of ref/ref, ref/alt and alt/alt patients (the graded exercise), or
        the three expected counts for one SNP in the course cohort (the
        module notebook).
    rsid : str, default "rs9923231"
        The SNP for a value answer (VKORC1 -1639G>A by default).
    cases, quick
        For a function, as for :class:`pmcourse.check.FunctionCheck`.

    Examples
    --------
    >>> from pmcourse import datasets, genetics
    >>> counts = genetics.genotype_counts(datasets.load("genotypes")["rs9923231"])
    >>> p, n = genetics.allele_frequency(*counts), sum(counts)
    >>> expected_counts((p**2 * n, 2 * p * (1 - p) * n, (1 - p) ** 2 * n)).passed
    True
    >>> def my_expected_counts(n_ref_ref, n_ref_alt, n_alt_alt):
    ...     n = n_ref_ref + n_ref_alt + n_alt_alt
    ...     p = (2 * n_ref_ref + n_ref_alt) / (2 * n)
    ...     return (p**2 * n, 2 * p * (1 - p) * n, (1 - p) ** 2 * n)
    >>> expected_counts(my_expected_counts).passed
    True
    """
    name = "expected_counts"
    if isinstance(answer, pd.DataFrame):
        return CheckResult(
            name,
            False,
            "Three numbers are expected, but your answer is a whole table.",
            hint="Write the three numbers in brackets: "
            "(expected_ref_ref, expected_ref_alt, expected_alt_alt).",
        )
    observed = _observed(rsid)
    n = sum(observed)
    expected = _expected_counts(*observed)
    hint = (
        "Work out p from the observed counts first, then p² × N, 2pq × N and q² × N, "
        "in the order ref/ref, ref/alt, alt/alt. Do not round."
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
            hint = (
                "The order is ref/ref, ref/alt, alt/alt, and p is the frequency of the "
                "reference allele: ref/ref comes first."
            )
        elif not _close(total, n, 0.01):
            hint = (
                "Expected counts add up to the number of patients, like the observed "
                "ones. Did you forget the 2 in 2pq, or use another total?"
            )
        elif all(_close(a, b, 0.05) for a, b in zip(values, observed, strict=True)):
            hint = "Those are the observed counts; the expected ones come from p², 2pq and q²."
    return check_value(answer, tuple(expected), name=name, hint=hint, tolerance=_COUNT_TOLERANCE)


def _wrong_chi_square(term: Callable[[float, float], float]) -> Callable:
    """A wrong chi-square formula, from the term it adds up over the three genotypes."""

    def formula(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> float:
        observed = (n_ref_ref, n_ref_alt, n_alt_alt)
        return sum(map(term, observed, _expected_counts(*observed)))

    return formula


CHI_SQUARE = FunctionCheck(
    "chi_square",
    _chi_square,
    examples=lambda: [(50, 20, 30), *cohort_counts("rs4244285")],
    hint="For each genotype, take (observed - expected) squared and divide by expected; "
    "then add the three parts. Use the counts, not the frequencies.",
    tolerance=_COUNT_TOLERANCE,
    common_mistakes=[
        (
            _wrong_chi_square(lambda o, e: (o - e) ** 2),
            "Divide each squared difference by the expected count before adding.",
        ),
        (
            _wrong_chi_square(lambda o, e: (o - e) ** 2 / o),
            "Divide by the expected count, not the observed one.",
        ),
        (
            _wrong_chi_square(lambda o, e: (o - e) / e),
            "Square the differences, otherwise plus and minus cancel out.",
        ),
    ],
    forbidden=[(genetics, "hardy_weinberg_test")],
)


@_or_function(CHI_SQUARE)
def chi_square(answer: Any, *, rsid: str = "rs9923231") -> CheckResult:
    """Check a chi-square statistic for Hardy-Weinberg equilibrium (1 degree of freedom).

    Parameters
    ----------
    answer : callable or number
        Either a function ``chi_square(n_ref_ref, n_ref_alt, n_alt_alt)`` returning the
        statistic for three observed counts (the graded exercise), or the
        chi-square value for one SNP in the course cohort (the module notebook).
    rsid : str, default "rs9923231"
        The SNP for a value answer (VKORC1 -1639G>A by default).
    cases, quick
        For a function, as for :class:`pmcourse.check.FunctionCheck`.

    Examples
    --------
    >>> from pmcourse import datasets, genetics
    >>> counts = genetics.genotype_counts(datasets.load("genotypes")["rs9923231"])
    >>> test = genetics.hardy_weinberg_test(*counts)
    >>> chi_square(test.chi_square).passed
    True
    >>> chi_square(test.p_value).passed
    False
    """
    name = "chi_square"
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
            *(
                (formula(*observed), slip_hint)
                for formula, slip_hint in CHI_SQUARE.common_mistakes[:2]
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
# Carriers
# --------------------------------------------------------------------------

CARRIERS = FunctionCheck(
    "carriers",
    genetics.carriers,
    examples=lambda: [*genotype_columns("rs4244285"), (pd.Series([0, 1, 2, 0]),)],
    hint="A carrier has 1 or 2 copies. Compare the whole column with a number, "
    "for example genotypes >= ..., and return the result.",
    common_mistakes=[
        (lambda g: g == 1, "Homozygous variant patients (2 copies) are carriers too."),
        (lambda g: g == 2, "Heterozygous patients (1 copy) are carriers too."),
        (lambda g: g == 0, "That picks the patients without the variant."),
    ],
    forbidden=[(genetics, "carriers")],
)


@_or_function(CARRIERS)
def carriers(answer: Any, *, rsid: str = "rs4244285") -> CheckResult:
    """Check who carries a variant: a function, a True/False column or a count.

    Parameters
    ----------
    answer : callable, pandas.Series or number
        A function ``carriers(genotypes)`` returning True for each patient with at
        least one copy of the variant allele (the graded exercise); or that
        True/False column for the whole course cohort; or the number of
        carriers in the cohort (the module notebook).
    rsid : str, default "rs4244285"
        The SNP for a column or count (CYP2C19*2 by default).
    cases, quick
        For a function, as for :class:`pmcourse.check.FunctionCheck`.

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
    genotypes = _genotypes(rsid)
    expected_mask = genetics.carriers(genotypes)
    if isinstance(answer, pd.Series | np.ndarray) and np.size(answer) > 1:
        return check_value(
            answer,
            expected_mask,
            name=name,
            hint="One True/False per patient: True when the genotype is 1 or 2.",
        )
    n_ref_ref, n_ref_alt, n_alt_alt = genetics.genotype_counts(genotypes)
    slips = [
        (n_ref_alt, "Homozygous variant patients (2 copies) are carriers too."),
        (n_alt_alt, "Heterozygous patients (1 copy) are carriers too."),
        (
            n_ref_alt + 2 * n_alt_alt,
            "That counts variant alleles. The question asks for patients: "
            "a homozygous patient is one carrier, not two.",
        ),
        (n_ref_ref, "That is the number of patients without the variant."),
    ]
    hint = (
        "A carrier has 1 or 2 copies of the variant. Select genotypes >= 1 and add up "
        "the True values with .sum()."
    )
    return check_value(
        answer, int(expected_mask.sum()), name=name, hint=hint, tolerance=0, common_mistakes=slips
    )


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise
# --------------------------------------------------------------------------


def no_function_carrier_share(gene: str = "CYP2C19", ancestry: str = "EA") -> float:
    """Share of people who carry at least one no-function allele of a gene.

    From the CPIC allele frequency table of the course (``pgx_frequencies``)
    and the allele functions (``pgx_alleles``): with q the summed frequency of
    the no-function alleles, a person carries none with probability (1 - q)²,
    so at least one with 1 - (1 - q)² (two independent copies, as under
    Hardy-Weinberg equilibrium).

    Examples
    --------
    >>> round(no_function_carrier_share("CYP2C19", "EA"), 2)
    0.59
    >>> round(no_function_carrier_share("CYP2C19", "EUR"), 2)
    0.28
    """
    alleles = load_table("pgx_alleles")
    no_function = alleles.loc[
        (alleles["gene"] == gene) & (alleles["function"] == "No function"), "allele"
    ]
    frequencies = diplotypes.allele_frequencies(gene, ancestry)
    q = float(frequencies[frequencies.index.isin(no_function)].sum())
    return 1 - (1 - q) ** 2


#: Part 5: the share of East Asian people who carry a no-function CYP2C19 allele.
carrier_share_ea = Estimate(
    "carrier_share_ea",
    hint="A person has two copies of CYP2C19. First add up the frequencies of the "
    "no-function alleles (*2 and *3), then work out the chance that neither copy is one.",
    expected=no_function_carrier_share,
    tolerance=0.01,
    plausible=(0, 1),
    too_low="Count both no-function alleles (*2 and *3), and remember that either of "
    "the two copies can carry one: 1 minus the chance that both copies work.",
    too_high="An allele frequency counts copies of the gene, not people. Twice the "
    "frequency counts the people with two no-function copies twice.",
)

#: Part 3: why the whole cohort deviates at VKORC1 while each ancestry group fits.
pooled_deviation = Choice(
    "answer_vkorc1",
    options={
        "A": "The VKORC1 assay is faulty: stop using its results.",
        "B": "The cohort mixes ancestry groups with different VKORC1 frequencies; "
        "pooling them creates the heterozygote deficit.",
        "C": "Patients were selected for the study because they bled on warfarin.",
        "D": "Hardy-Weinberg equilibrium does not apply to genes for drug response.",
    },
    correct="B",
    reasoning={
        "A": "An assay error would show within the groups too, but each group on its "
        "own fits equilibrium.",
        "C": "Nothing in the data says how patients were chosen, and selection would "
        "not explain why each group fits on its own.",
        "D": "Equilibrium is about how alleles pair up in a population, whatever the "
        "gene does; each group fits it here.",
    },
    hint="Compare the test of the whole cohort with the tests within each ancestry group.",
)

#: Part 3: which test to trust for a small ancestry group.
small_group_test = Choice(
    "answer_small_group",
    options={
        "A": "Report a deviation from Hardy-Weinberg equilibrium: the chi-square "
        "p-value is below 0.05.",
        "B": "Trust the exact test, because an expected count is below 5: there is no "
        "good evidence of a deviation.",
        "C": "Neither test can be used in a group of fewer than 100 patients.",
        "D": "Take the average of the two p-values.",
    },
    correct="B",
    reasoning={
        "A": "The chi-square p-value is an approximation that needs expected counts of "
        "at least about 5 in every genotype; look at the expected counts here.",
        "C": "A small group can be tested; the question is which test gives a p-value "
        "you can trust when counts are small.",
        "D": "An average of a trustworthy and an untrustworthy number is not trustworthy.",
    },
    hint="Look at the smallest expected count, and recall when the chi-square "
    "approximation holds.",
)
