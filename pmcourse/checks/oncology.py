"""Checks for module 5 (precision oncology): the notebook's instant checks and exercise tests.

The single source of every reference answer and public test case of module 5.
Value checks take a count, a VAF, a TMB, a therapy or a median the learner
worked out in the module notebook. Function checks
(:class:`pmcourse.check.FunctionCheck`) take a function the learner wrote in
the graded exercise (the expected VAF of a somatic variant, the tumour
mutational burden) and run it on the public examples, or on the secret
patients a hidden test passes in; the library function that would answer for
the learner is switched off meanwhile. Interpretation questions take a
clinical choice. Expected values are computed with :mod:`pmcourse.oncology`
from the course data, never shown. Hints name the common slips (the normal
cells forgotten, germline variants or drivers counted, a count not divided by
the panel size) without giving the answer.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from pmcourse import datasets, oncology
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = [
    "EXERCISE_KM_BIOMARKER",
    "SCENARIO_PATIENT",
    "THERAPY_PATIENT",
    "TMB_HIGH_PATIENT",
    "TMB_PATIENT",
    "TUMOUR_ONLY_PATIENT",
    "eligibility_tmb_high",
    "expected_vaf",
    "his_therapy",
    "likely_germline",
    "median_matched",
    "n_somatic",
    "survival_plot",
    "therapy",
    "tmb",
    "tmb_cases",
    "tmb_patient",
    "vaf_cases",
    "vaf_four_copies",
]

#: Module 4's patient, back with a lung adenocarcinoma (tumour-normal testing).
SCENARIO_PATIENT = "PM-000030"

#: The patient with tumour-only testing and a BRCA variant near VAF 0.5.
TUMOUR_ONLY_PATIENT = oncology.TUMOUR_ONLY_PATIENT

#: Your turn 3: a colorectal cancer with many mutations (MSI-H, tumour-normal testing).
TMB_PATIENT = "PM-000118"

#: Your turn 4: a lung cancer with one biomarker, its therapy approved in the EU.
THERAPY_PATIENT = "PM-000046"

#: Part 3 of the exercise: a breast cancer, TMB-high at the cut-off, no targetable driver.
TMB_HIGH_PATIENT = "PM-000359"

#: The biomarker of the exercise's Kaplan-Meier curves (part 6).
EXERCISE_KM_BIOMARKER = "BRAF V600E"


@functools.cache
def _patients() -> pd.DataFrame:
    return datasets.load("cancer_patients")


@functools.cache
def _variants() -> pd.DataFrame:
    return datasets.load("tumour_variants")


def _patient(patient_id: str) -> pd.Series:
    patients = _patients()
    rows = patients[patients["patient_id"] == patient_id]
    if rows.empty:
        raise ValueError(f"No patient {patient_id!r} in cancer_patients.")
    return rows.iloc[0]


def _variants_of(patient_id: str) -> pd.DataFrame:
    """One patient's variants, with the origin the normal sample gives (germline/somatic)."""
    variants = _variants()
    rows = variants[variants["patient_id"] == patient_id].reset_index(drop=True)
    return rows.assign(origin=oncology.variant_origin(rows))


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def n_somatic(answer: Any) -> CheckResult:
    """Check how many of PM-000030's variants are somatic (your turn 1).

    Examples
    --------
    >>> his = _variants_of(SCENARIO_PATIENT)
    >>> n_somatic((his["origin"] == "somatic").sum()).passed
    True
    >>> n_somatic(len(his)).passed
    False
    """
    his = _variants_of(SCENARIO_PATIENT)
    expected = int((his["origin"] == "somatic").sum())
    slips = [
        (len(his), "That is every variant of his. Keep the somatic ones: == \"somatic\", then "
         ".sum()."),
        (int((his["origin"] == "germline").sum()), "That counts the germline variants, those "
         "in his blood too. Count the somatic ones."),
        (int(his["driver"].sum()), "That counts the drivers. Somatic passengers count too: "
         "use the origin column."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="n_somatic",
        hint='Write (his_variants["origin"] == "somatic").sum().',
        common_mistakes=slips,
        tolerance=0,
    )


def vaf_four_copies(answer: Any) -> CheckResult:
    """Check the VAF of a clonal variant on one of four copies at his purity (your turn 2).

    Examples
    --------
    >>> purity = _patient(SCENARIO_PATIENT)["purity"]
    >>> vaf_four_copies(oncology.expected_vaf(purity, copy_number=4)).passed
    True
    >>> vaf_four_copies(purity / 4).passed
    False
    """
    purity = float(_patient(SCENARIO_PATIENT)["purity"])
    expected = float(oncology.expected_vaf(purity, copy_number=4))
    slips = [
        (purity / 2, "That is the VAF for two copies. Give copy_number=4."),
        (purity / 4, "One copy of four in the cancer cells, yes, but the normal cells have "
         "copies too: use the formula, oncology.expected_vaf."),
        (float(oncology.expected_vaf(purity, copy_number=4, mutated_copies=4)), "The variant "
         "is on one of the four copies: mutated_copies stays 1."),
        (0.25, "A quarter of the copies in the cancer cells, but a sample is not only cancer "
         "cells: the purity matters."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="vaf_four_copies",
        hint='Write oncology.expected_vaf(his["purity"], copy_number=4).',
        common_mistakes=slips,
        tolerance=1e-3,
    )


def _tmb_of(patient_id: str) -> float:
    return oncology.tumour_mutational_burden(
        _variants_of(patient_id), _patient(patient_id)["panel_size_mb"]
    )


def tmb_patient(answer: Any) -> CheckResult:
    """Check the TMB of :data:`TMB_PATIENT` (your turn 3).

    Examples
    --------
    >>> tmb_patient(_tmb_of(TMB_PATIENT)).passed
    True
    """
    rows = _variants_of(TMB_PATIENT)
    size = float(_patient(TMB_PATIENT)["panel_size_mb"])
    expected = _tmb_of(TMB_PATIENT)
    counted = oncology.counts_for_tmb(rows)
    slips = [
        (float(counted.sum()), "That is the number of mutations counted: divide it by the "
         "panel size in megabases."),
        (len(rows) / size, "That counts every variant of the table. The TMB counts only "
         "what oncology.tumour_mutational_burden counts."),
        (len(rows), "That is the number of rows. Use oncology.tumour_mutational_burden(rows, "
         "panel)."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="tmb_patient",
        hint="Write oncology.tumour_mutational_burden(rows, panel).",
        common_mistakes=slips,
        tolerance=1e-6,
    )


def _approved_therapies(patient_id: str) -> pd.DataFrame:
    """The therapies whose approval covers the patient's biomarkers and tumour type."""
    patient = _patient(patient_id)
    markers = oncology.biomarkers(
        _variants_of(patient_id), msi_status=patient["msi_status"], tmb=_tmb_of(patient_id)
    )
    matches = oncology.match_therapies(markers, patient["tumour_type"])
    return matches


def _therapy_answer() -> str:
    """The one therapy approved in the EU for :data:`THERAPY_PATIENT`'s biomarkers and tumour."""
    matches = _approved_therapies(THERAPY_PATIENT)
    approved = matches["approved_for_tumour"] & matches["approved_in_eu"]
    names = sorted(set(matches.loc[approved, "therapy"]))
    if len(names) != 1:
        raise ValueError(f"{THERAPY_PATIENT} should have one approved therapy, not {names}.")
    return names[0]


def therapy(answer: Any) -> CheckResult:
    """Check the therapy that fits :data:`THERAPY_PATIENT`'s profile in the EU (your turn 4).

    Examples
    --------
    >>> therapy(_therapy_answer()).passed
    True
    """
    expected = _therapy_answer()
    matches = _approved_therapies(THERAPY_PATIENT)
    slips = [
        (name, "That therapy's approval is for another tumour type: look for "
         "approved_for_tumour True.")
        for name in matches.loc[~matches["approved_for_tumour"], "therapy"]
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="therapy",
        hint="Read the therapy column in the row where approved_for_tumour is True, and copy "
        "it in quotation marks.",
        common_mistakes=slips,
    )


def _medians(biomarker: str | None = None) -> pd.DataFrame:
    """Median PFS with its 95% CI per treatment: every patient, or those with `biomarker`."""
    outcomes = datasets.load("cancer_outcomes")
    if biomarker is not None:
        outcomes = outcomes[outcomes["biomarker"] == biomarker]
    return oncology.median_survival(outcomes, by="treatment").set_index("treatment")


def median_matched(answer: Any) -> CheckResult:
    """Check the median PFS of the matched patients of ``cancer_outcomes`` (your turn 5).

    Examples
    --------
    >>> median_matched(_medians().loc["matched", "median_months"]).passed
    True
    >>> median_matched(_medians().loc["unmatched", "median_months"]).passed
    False
    """
    medians = _medians()
    expected = float(medians.loc["matched", "median_months"])
    slips = [
        (float(medians.loc["unmatched", "median_months"]), "That is the unmatched group's "
         "median: read the row of the matched group."),
        (float(medians.loc["matched", "ci_lower"]), "That is the lower end of the confidence "
         "interval; the median is its own column."),
        (float(medians.loc["matched", "ci_upper"]), "That is the upper end of the confidence "
         "interval; the median is its own column."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="median_matched",
        hint="Read the median_months column in the row of the matched group.",
        common_mistakes=slips,
        tolerance=0.06 / expected,  # a median rounded to one decimal passes
    )


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.expected_vaf(function) for the public examples, or with cases=... and
# quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


def vaf_cases(*patient_ids: str) -> list[tuple[float, int, int, float]]:
    """(purity, copy_number, mutated_copies, ccf) test inputs from the patients' variants.

    For each somatic SNV or indel of each patient: the patient's purity, the
    variant's copy number, one mutated copy and the CCF its VAF gives (capped
    at 1); distinct inputs only, in a fixed order.

    Examples
    --------
    >>> cases = vaf_cases(SCENARIO_PATIENT)
    >>> all(0 < purity <= 1 and 1 <= m <= cn for purity, cn, m, _ in cases)
    True
    """
    cases = set()
    for patient_id in patient_ids:
        purity = float(_patient(patient_id)["purity"])
        rows = _variants_of(patient_id)
        small = rows[rows["variant_type"].isin(["SNV", "indel"]) & (rows["origin"] != "germline")]
        observed = oncology.vaf(small["tumour_alt_reads"], small["tumour_depth"])
        ccf = oncology.cancer_cell_fraction(observed, purity, copy_number=small["copy_number"])
        for copies, fraction in zip(small["copy_number"], ccf, strict=True):
            cases.add((purity, int(copies), 1, round(min(float(fraction), 1.0), 2)))
    return sorted(cases)


def _expected_vaf(purity: float, copy_number: int, mutated_copies: int, ccf: float) -> float:
    return float(
        oncology.expected_vaf(
            purity,
            copy_number=copy_number,
            mutated_copies=mutated_copies,
            cancer_cell_fraction=ccf,
        )
    )


expected_vaf = FunctionCheck(
    "expected_vaf",
    _expected_vaf,
    examples=lambda: [(0.6, 2, 1, 1.0), (0.67, 3, 1, 0.5), (1.0, 1, 1, 1.0), (0.3, 4, 2, 1.0)],
    hint="Write the formula of the notebook: purity * ccf * mutated_copies divided by "
    "(purity * copy_number + 2 * (1 - purity)), with brackets round the denominator.",
    common_mistakes=[
        (
            lambda purity, cn, m, ccf: purity * ccf * m / (purity * cn),
            "The normal cells have two copies too: add 2 * (1 - purity) to the denominator.",
        ),
        (
            lambda purity, cn, m, ccf: purity * ccf * m / purity * cn + 2 * (1 - purity),
            "Put brackets round the whole denominator: / (purity * copy_number + 2 * "
            "(1 - purity)).",
        ),
        (
            lambda purity, cn, m, ccf: purity * ccf * m / 2,
            "That is right only for two copies: use copy_number in the denominator.",
        ),
        (
            lambda purity, cn, m, ccf: purity * m / (purity * cn + 2 * (1 - purity)),
            "A subclonal variant is in only some cancer cells: multiply by ccf too.",
        ),
    ],
    forbidden=[(oncology, "expected_vaf", "cancer_cell_fraction")],
)


def tmb_cases(*patient_ids: str) -> list[tuple[pd.DataFrame, float]]:
    """(variants, panel_size_mb) test inputs: each patient's variants with their origin.

    The table has the columns of ``tumour_variants`` and ``origin`` (germline or
    somatic, from the normal sample); only tumour-normal patients are fair
    cases, as the exercise tells learners to keep the somatic variants.

    Examples
    --------
    >>> [(len(table) > 0, size > 0) for table, size in tmb_cases(SCENARIO_PATIENT)]
    [(True, True)]
    """
    cases = []
    for patient_id in patient_ids:
        patient = _patient(patient_id)
        if patient["testing"] != "tumour-normal":
            raise ValueError(f"{patient_id} had {patient['testing']} testing: no origin to keep.")
        cases.append((_variants_of(patient_id), float(patient["panel_size_mb"])))
    return cases


def _tmb(variants: pd.DataFrame, panel_size_mb: float) -> float:
    return oncology.tumour_mutational_burden(variants, panel_size_mb)


def _coding(variants: pd.DataFrame) -> pd.Series:
    return variants["consequence"].isin(oncology.TMB_CONSEQUENCES)


tmb = FunctionCheck(
    "tmb",
    _tmb,
    examples=lambda: tmb_cases(SCENARIO_PATIENT),
    hint="Keep the coding, somatic variants that are not drivers (join the three columns of "
    "True and False with &), count them with .sum() and divide by panel_size_mb.",
    common_mistakes=[
        (
            lambda v, size: (_coding(v) & (v["origin"] == "somatic")).sum() / size,
            'Known drivers are left out of the count: add & ~variants["driver"].',
        ),
        (
            lambda v, size: (_coding(v) & ~v["driver"]).sum() / size,
            "Germline variants are left out of the count: keep the somatic ones only.",
        ),
        (
            lambda v, size: (
                (
                    _coding(v)
                    & ~v["driver"]
                    & (v["origin"] == "somatic")
                    & (v["consequence"] != "synonymous_variant")
                ).sum()
                / size
            ),
            "Synonymous variants count too, as FoundationOne CDx counts them.",
        ),
        (
            lambda v, size: float((_coding(v) & ~v["driver"] & (v["origin"] == "somatic")).sum()),
            "That is the number of mutations: divide it by panel_size_mb.",
        ),
    ],
    show_inputs=False,
    forbidden=[(oncology, "tumour_mutational_burden", "counts_for_tmb", "tmb_by_patient")],
)


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise: a clinical choice, graded
# when submitted. The exercise's text shows the options with the same letters;
# tests/test_checks_oncology.py checks the right answers against the data.
# --------------------------------------------------------------------------

#: Part 3: a TMB-high tumour in Denmark, without another actionable biomarker.
eligibility_tmb_high = Choice(
    "answer_tmb_high",
    options={
        "A": "The tumour is not TMB-high: its TMB is below the cut-off.",
        "B": "Pembrolizumab is approved by the EMA for every TMB-high solid tumour, so it is "
        "the standard next treatment in Denmark.",
        "C": "The tumour is TMB-high by the FDA's cut-off. Pembrolizumab has a tissue-agnostic "
        "FDA approval for TMB-high tumours but no EU approval for it, so in Denmark the "
        "molecular tumour board would look for a clinical trial or other options.",
        "D": "A high TMB means that the mutations are germline: refer the patient to clinical "
        "genetics instead of treating the tumour.",
    },
    correct="C",
    reasoning={
        "A": "Compute the TMB with your function and compare it with 10 mutations per megabase.",
        "B": "Check the EMA column of the therapy table: which agency's approval names TMB-high?",
        "D": "Which mutations does the TMB count, and which does it leave out?",
    },
    hint="Compute the TMB, then look up TMB-high in the therapy table with both agencies' status.",
)

#: Part 4: a BRCA variant near VAF 0.5 in tumour-only testing of modest purity.
likely_germline = Choice(
    "answer_germline",
    options={
        "A": "Somatic: it was found in the tumour, so it arose in the tumour.",
        "B": "Probably germline, but not proven: a clonal somatic variant would show about half "
        "the purity, far below what is seen. The report should say 'germline not excluded', "
        "and she should be offered genetic counselling and a germline (blood) test.",
        "C": "Certainly germline: no further test is needed, and her relatives can be tested "
        "for it now.",
        "D": "A subclonal somatic variant, carried by about half of her cancer cells.",
    },
    correct="B",
    reasoning={
        "A": "The tumour holds her inherited DNA too. What VAF would a somatic variant show "
        "at this purity?",
        "C": "Without a normal sample, can the laboratory be sure? What could make a somatic "
        "variant reach this VAF?",
        "D": "Work out the VAF of a clonal somatic variant at this purity: can a subclone show "
        "more than that?",
    },
    hint="Compare the VAF seen with the VAF a clonal somatic variant would show at her "
    "purity, and ask what only a blood sample can settle.",
)

#: Part 5: which therapy fits PM-000030's profile, first line, in Denmark?
his_therapy = Choice(
    "answer_therapy",
    options={
        "A": "Olaparib, a PARP inhibitor, for his germline BRCA2 variant.",
        "B": "Osimertinib, for the EGFR L858R mutation of his NSCLC.",
        "C": "Pembrolizumab, for a TMB-high tumour.",
        "D": "Sotorasib, for KRAS G12C.",
    },
    correct="B",
    reasoning={
        "A": "His biomarker matches, but for which tumour types is olaparib approved?",
        "C": "What is his tumour's TMB?",
        "D": "Which KRAS variant does his tumour carry?",
    },
    hint="Match his biomarkers to the therapy table, and keep the rows whose approval "
    "covers his tumour type.",
)

#: Part 6: what the Kaplan-Meier curves of matched and unmatched treatment show.
survival_plot = Choice(
    "answer_survival",
    options={
        "A": "The median progression-free survival of the matched group is longer than that of "
        "the unmatched group.",
        "B": "The plot proves that the matched drug caused the longer progression-free survival.",
        "C": "A patient whose follow-up ended without progression is censored: the curve keeps "
        "the patient until then and does not step down.",
        "D": "The matched drug also makes the patients live longer (overall survival).",
        "E": "The log-rank p-value says how large the benefit is.",
    },
    correct=lambda: _survival_answer(),
    reasoning={
        "B": "Were the patients randomised to the two groups? What else could differ between "
        "them?",
        "D": "Which event ends progression-free survival, and is death from any cause the only "
        "one?",
        "E": "A p-value says whether the difference is larger than chance would give, not how "
        "large it is.",
    },
    many=True,
    hint="Read where each curve crosses 50%, what a tick on a curve means, and ask how the "
    "patients came to be in each group.",
)


def _survival_answer() -> set[str]:
    """Part 6: C always; A when the matched median is longer in the exercise's data."""
    medians = _medians(EXERCISE_KM_BIOMARKER)
    longer = medians.loc["matched", "median_months"] > medians.loc["unmatched", "median_months"]
    return {"A", "C"} if longer else {"C"}
