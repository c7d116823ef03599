"""Checks for module 2 (sequencing): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 2.
Value checks take a number, genotype or count the learner worked out in the
module notebook. Function checks (:class:`pmcourse.check.FunctionCheck`) take
a function the learner wrote in the graded exercise and run it on the public
examples, or on the secret qualities, read counts and call tables a hidden
test passes in; the library function that would answer for the learner is
switched off meanwhile. Expected values are computed with
:mod:`pmcourse.sequencing` from the course data, never shown. Hints name the
common slips (accuracy instead of error, forgetting to divide by 10, the
smallest likelihood instead of the largest, letters instead of allele numbers,
a threshold forgotten) without giving the answer away.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from pmcourse import datasets, sequencing
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice, Selection

__all__ = [
    "DPYD_RSID",
    "LOW_COVERAGE_PATIENT",
    "PM30_RSID",
    "act_on_low_coverage_call",
    "call_cases",
    "call_genotype",
    "calls_to_confirm",
    "error_probability",
    "filter_cases",
    "genotype_quality",
    "n_reliable_calls",
    "passes_filter",
    "phred_to_error",
    "pm30_call",
    "pm30_reliable",
    "vkorc1_strand",
]

#: The variant of the module's story: PM-000030's CYP2C19*2 (c.681G>A).
PM30_RSID = "rs4244285"

#: The patient of the exercise's free-text question: a low-coverage DPYD call.
LOW_COVERAGE_PATIENT = "PM-000043"

#: DPYD c.1905+1G>A (DPYD*2A), a no-function variant.
DPYD_RSID = "rs3918290"


def _calls() -> pd.DataFrame:
    return datasets.load("variant_calls")


def _call(patient_id: str, rsid: str) -> pd.Series:
    calls = _calls()
    rows = calls[(calls["patient_id"] == patient_id) & (calls["ID"] == rsid)]
    if len(rows) != 1:
        raise ValueError(f"No single call of {rsid} for {patient_id} in variant_calls.")
    return rows.iloc[0]


def error_probability(answer: Any, *, quality: int = 20) -> CheckResult:
    """Check the error probability of a base of Phred quality `quality` (the notebook).

    Examples
    --------
    >>> error_probability(sequencing.phred_to_error(20)).passed
    True
    >>> "right" in error_probability(1 - sequencing.phred_to_error(20)).hint
    True
    """
    expected = float(sequencing.phred_to_error(quality))
    slips = [
        (1 - expected, "That is the chance that the base is right. The question asks for the "
         "chance that it is wrong."),
        (10 ** (-quality), "Divide the quality by 10 first: the error is 10 to the power of "
         "minus Q/10."),
        (quality / 100, "The quality is not a percentage: it is 10 times a power of ten."),
    ]  # fmt: skip
    hint = (
        "Q = -10 × log10(error), so error = 10 ** (-Q / 10). Write the calculation in "
        "Python, or use sequencing.phred_to_error."
    )
    return check_value(
        answer,
        expected,
        name=f"error_q{quality}",
        hint=hint,
        common_mistakes=slips,
    )


def genotype_quality(answer: Any, *, n_ref: int = 6, n_alt: int = 2) -> CheckResult:
    """Check the GQ of a call from `n_ref` reference and `n_alt` variant reads (the notebook).

    Examples
    --------
    >>> genotype_quality(sequencing.call_genotype(6, 2).gq).passed
    True
    >>> genotype_quality(sequencing.call_genotype(6, 2).genotype).passed
    False
    """
    call = sequencing.call_genotype(n_ref, n_alt)
    slips = [
        (call.genotype, "That is the genotype. The question asks for its quality, the GQ: "
         "a number."),
        (n_ref + n_alt, "That is the depth, the number of reads. The GQ is a Phred number "
         "from the likelihoods."),
    ]  # fmt: skip
    hint = (
        f"Call the genotype with sequencing.call_genotype({n_ref}, {n_alt}) and read its "
        "attribute .gq."
    )
    return check_value(
        answer,
        call.gq,
        name="gq",
        hint=hint,
        common_mistakes=slips,
    )


def pm30_call(genotype: Any, depth: Any) -> CheckResult:
    """Check PM-000030's genotype (GT) and depth (DP) at rs4244285, read off the VCF.

    Examples
    --------
    >>> row = _call("PM-000030", PM30_RSID)
    >>> pm30_call(row["GT"], int(row["DP"])).passed
    True
    >>> "numbers" in pm30_call("G/A", int(row["DP"])).hint
    True
    """
    row = _call("PM-000030", PM30_RSID)
    swapped = "/".join(reversed(str(row["GT"]).split("/")))
    slips = [
        (f"{row['REF']}/{row['ALT']}", "A VCF writes the genotype with allele numbers: 0 for "
         "REF, 1 for the first ALT."),
        (swapped, "An unphased genotype lists the smaller allele number first."),
        (str(row["GT"]).replace("/", "|"), "The slash / means unphased; copy the GT as the "
         "table shows it."),
    ]  # fmt: skip
    result = check_value(
        genotype,
        row["GT"],
        name="pm30_gt",
        hint='Read the GT column of his row, and write it in quotation marks, such as "1/1".',
        common_mistakes=slips,
    )
    if not result.passed:
        return result
    ad_sum = sum(int(n) for n in str(row["AD"]).strip("()[]").split(",") if n.strip())
    slips = [
        (row["GQ"], "That is the GQ, the genotype quality. The depth is in the DP column."),
        (row["QUAL"], "That is the QUAL of the site. The depth is in the DP column."),
    ]
    if ad_sum != row["DP"]:
        slips.append((ad_sum, "That is the sum of the AD column; the depth is the DP column."))
    return check_value(
        depth,
        int(row["DP"]),
        name="pm30_dp",
        hint="Read the DP column of his row: a whole number, without quotation marks.",
        tolerance=0,
        common_mistakes=slips,
    )


def n_reliable_calls(answer: Any, *, patient_id: str | None = None) -> CheckResult:
    """Check how many calls pass the course's filter (all patients, or one patient's).

    Examples
    --------
    >>> n_reliable_calls(len(sequencing.filter_calls(_calls()))).passed
    True
    >>> n_reliable_calls(len(_calls())).passed
    False
    """
    calls = _calls()
    if patient_id is not None:
        calls = calls[calls["patient_id"] == patient_id]
    expected = len(sequencing.filter_calls(calls))
    slips = [
        (len(calls), "That is every call. Keep only those that pass the filter, then count."),
        (int((calls["FILTER"] == "PASS").sum()), "The FILTER column is one test of four: "
         "QUAL, DP and GQ must be high enough too."),
        (len(calls) - expected, "That is the number of calls that fail the filter."),
    ]  # fmt: skip
    hint = "Filter the calls with sequencing.filter_calls(calls), then count the rows with len( )."
    if isinstance(answer, pd.DataFrame):
        return CheckResult(
            "n_reliable",
            False,
            "A single number is expected, but your answer is a whole table.",
            hint="Count its rows with len(table).",
        )
    return check_value(
        answer,
        expected,
        name="n_reliable",
        hint=hint,
        tolerance=0,
        common_mistakes=slips,
    )


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.phred_to_error(function) for the public examples, or with cases=...
# and quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


phred_to_error = FunctionCheck(
    "phred_to_error",
    lambda quality: float(sequencing.phred_to_error(quality)),
    examples=lambda: [(20,), (30,), (10,)],
    hint="The error probability is 10 to the power of minus Q/10: in Python "
    "10 ** (-quality / 10).",
    tolerance=1e-9,
    common_mistakes=[
        (
            lambda q: 1 - 10 ** (-q / 10),
            "That is the chance that the base is right; return the chance that it is wrong.",
        ),
        (lambda q: 10 ** (-q), "Divide the quality by 10 before using it as a power."),
        (lambda q: 10 ** (q / 10), "Mind the minus sign: a higher quality means a smaller error."),
    ],  # fmt: skip
    forbidden=[(sequencing, "phred_to_error", "error_to_phred")],
)


def call_cases(rows: Iterable[int] | None = None, *, error_rate: float = 0.01) -> list[tuple]:
    """(n_ref, n_alt, error_rate) test inputs from the course's read counts.

    Parameters
    ----------
    rows : iterable of int, optional
        Row positions in ``datasets.load("read_counts")``; all rows when omitted.
    error_rate : float, default 0.01
        The per-base error rate of every case.

    Examples
    --------
    >>> all(n_ref + n_alt > 0 for n_ref, n_alt, _ in call_cases([0, 1]))
    True
    """
    counts = datasets.load("read_counts")
    if rows is not None:
        counts = counts.iloc[list(rows)]
    counts = counts[counts["n_ref"] + counts["n_alt"] > 0]
    return [
        (int(r), int(a), error_rate) for r, a in zip(counts["n_ref"], counts["n_alt"], strict=True)
    ]


def _least_likely(n_ref: int, n_alt: int, error_rate: float) -> str:
    likelihoods = sequencing.genotype_likelihoods(n_ref, n_alt, error_rate)
    return min(likelihoods, key=likelihoods.get)


def _by_share(n_ref: int, n_alt: int, error_rate: float) -> str:
    """The rule of thumb of calling by the share of variant reads alone."""
    share = n_alt / (n_ref + n_alt)
    return "0/0" if share < 0.2 else ("0/1" if share < 0.8 else "1/1")


call_genotype = FunctionCheck(
    "call_genotype",
    lambda n_ref, n_alt, error_rate: sequencing.call_genotype(n_ref, n_alt, error_rate).genotype,
    examples=lambda: [(20, 0, 0.01), (11, 9, 0.01), (0, 14, 0.01), (5, 1, 0.01)],
    hint="Go through the three genotypes and keep the one whose likelihood is the largest "
    "(log10 likelihoods are negative: the one closest to 0).",
    common_mistakes=[
        (
            _least_likely,
            "You kept the genotype with the smallest likelihood. Keep the largest: "
            "with log10 likelihoods, the one closest to 0.",
        ),
        (
            _by_share,
            "The share of variant reads alone is not the likelihood; compare the "
            "likelihoods of the three genotypes instead.",
        ),
    ],  # fmt: skip
    forbidden=[(sequencing, "call_genotype")],
)


def filter_cases(*patient_ids: str) -> list[tuple[pd.DataFrame]]:
    """(calls,) test inputs: the course's calls of the given patients, or of all.

    Examples
    --------
    >>> [len(calls) > 0 for (calls,) in filter_cases("PM-000030")]
    [True]
    """
    calls = _calls()
    if not patient_ids:
        return [(calls,)]
    known = set(calls["patient_id"])
    unknown = [p for p in patient_ids if p not in known]
    if unknown:
        raise ValueError(
            f"No calls for {unknown[0]!r}; the patients are {', '.join(sorted(known))}."
        )
    return [
        (calls[calls["patient_id"] == patient_id].reset_index(drop=True),)
        for patient_id in patient_ids
    ]


def _passes(calls: pd.DataFrame) -> pd.Series:
    """True for each call that sequencing.filter_calls keeps."""
    kept = sequencing.filter_calls(calls)
    return pd.Series(calls.index.isin(kept.index), index=calls.index)


passes_filter = FunctionCheck(
    "passes_filter",
    _passes,
    examples=lambda: filter_cases("PM-000030", "PM-000002"),
    hint='A call passes when FILTER is "PASS" and QUAL is at least 30, DP at least 10 and '
    "GQ at least 20: combine the four comparisons with &, each in brackets.",
    common_mistakes=[
        (
            lambda calls: calls["FILTER"] == "PASS",
            "FILTER is one test of four: compare QUAL, DP and GQ with their thresholds too.",
        ),
        (
            lambda calls: (
                (calls["FILTER"] == "PASS")
                & (calls["QUAL"] > 30)
                & (calls["DP"] > 10)
                & (calls["GQ"] > 20)
            ),
            "A call exactly at a threshold passes: use >= (at least), not >.",
        ),
    ],  # fmt: skip
    show_inputs=False,
    forbidden=[(sequencing, "filter_calls")],
)


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise: a clinical choice, graded
# when submitted. The exercise's text shows the options with the same letters;
# tests/test_checks_sequencing.py checks the right answers against the data.
# --------------------------------------------------------------------------


def _pm30_passes() -> bool:
    return bool(_passes(_calls()).loc[_call("PM-000030", PM30_RSID).name])


#: Part 4: PM-000030's CYP2C19*2 call (0/1, high depth and GQ, PASS).
pm30_reliable = Choice(
    "answer_pm30_call",
    options={
        "A": "No: every variant found by sequencing must be confirmed by Sanger sequencing "
        "before anyone acts on it.",
        "B": "Yes: the call passes every quality threshold (FILTER PASS, high QUAL, DP and GQ), "
        "so it can go to his team with the laboratory's report, for them to weigh with his "
        "clopidogrel.",
        "C": "No: a heterozygous call is always uncertain, because only half of the reads show "
        "the variant.",
        "D": "Yes, and the team should stop his clopidogrel today.",
    },
    correct=lambda: "B" if _pm30_passes() else "A",
    reasoning={
        "A": "Look at the quality of this call first. Current standards ask laboratories to "
        "confirm calls that do not meet criteria they have validated, not every call.",
        "C": "Half of the reads showing the variant is exactly what a heterozygous genotype "
        "predicts; what makes a call uncertain is few reads or a low GQ.",
        "D": "A reliable result informs a decision; it does not make it. Who decides about his "
        "antiplatelet, and with whom?",
    },
    hint="Read his row's FILTER, QUAL, DP and GQ and compare them with the course's filter.",
)


def _variant_calls() -> pd.DataFrame:
    """The calls that carry a variant (0/1 or 1/1), of every patient."""
    calls = _calls()
    return calls[calls["GT"].isin(["0/1", "1/1"])]


def _patients_to_confirm() -> set[str]:
    """The patients with a variant call that fails the filter: it needs confirmation."""
    variants = _variant_calls()
    return set(variants.loc[~_passes(variants), "patient_id"])


#: Part 5: which patients have a variant call that needs confirmation before anyone acts?
calls_to_confirm = Selection(
    "to_confirm",
    expected=_patients_to_confirm,
    choices=lambda: set(_calls()["patient_id"]),
    item="patients",
    missing="Look again at the variant calls that fail a threshold (FILTER, QUAL, DP or GQ): a "
    "result that may be wrong needs a second method before anyone acts on it.",
    extra="A variant call that passes every threshold of a validated test can be reported as "
    "it is.",
    hint="Apply your passes_filter to the variant calls and look at those that fail.",
)

#: Part 6: VKORC1 -1639G>A appears in the VCF as C>T.
vkorc1_strand = Choice(
    "answer_vkorc1",
    options={
        "A": "The VCF is wrong: VKORC1 -1639G>A should appear as G>A.",
        "B": "VKORC1 lies on the minus strand: the VCF writes the plus strand of the reference, "
        "where the gene's G is a C, so C>T in the VCF is the gene's G>A.",
        "C": "C>T is another variant than -1639G>A, at the same position.",
        "D": "The laboratory used an older reference genome.",
    },
    correct="B",
    reasoning={
        "A": "DNA has two strands, and a VCF always writes one of them. Which one, and on which "
        "does VKORC1 lie?",
        "C": "Which letter pairs with G, and which with A? Read the variant on the other strand.",
        "D": "The position is a GRCh38 position; changing the reference would change the "
        "position, not swap the letters for their partners.",
    },
    hint="C pairs with G and T with A: read the letters on the gene's strand.",
)

#: Part 7: PM-000043's low-coverage call of DPYD c.1905+1G>A before capecitabine.
act_on_low_coverage_call = Choice(
    "answer_low_coverage",
    options={
        "A": "Act on it: a pathogenic variant was found, so change the treatment now.",
        "B": "Ignore it: a call that fails the filter is a sequencing error.",
        "C": "Do not act on it alone: ask the laboratory to confirm it with another method "
        "(Sanger sequencing or a second assay) or to sequence again at higher depth, and "
        "plan the treatment decision around the confirmed result.",
        "D": "Repeat the blood test in a year.",
    },
    correct="C",
    reasoning={
        "A": "How sure is the call? With few reads and a low GQ, a heterozygous call may be "
        "a sequencing error, and a decision on it may harm him.",
        "B": "A call that fails the filter is uncertain, not wrong: the variant may well be "
        "there, and it matters for his treatment.",
        "D": "The question matters now, before the treatment; and a germline genotype does not "
        "change with time, so waiting teaches nothing.",
    },
    hint="Think of what a low DP and GQ mean, and of what a second method adds.",
)
