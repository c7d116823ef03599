"""Checks for module 4 (pharmacogenomics): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 4.
Value checks take a number or term the learner worked out in the module
notebook. Function checks (:class:`pmcourse.check.FunctionCheck`) take a
function the learner wrote in the graded exercise and run it on the public
examples, or on the secret diplotypes, medication lists and wards a hidden
test passes in; the library function that would answer for the learner is
switched off meanwhile. Expected values are computed from the course data and
:mod:`pmcourse.pgx`, never shown. Hints name common slips (the CYP2D6 activity
values from before the 2022 update, British spelling, counting prescriptions
instead of patients) without giving the answer away.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pmcourse import datasets, pgx
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.diplotypes import phenotype_table
from pmcourse.interpretation import Choice

__all__ = [
    "activity_score",
    "allele_function",
    "clopidogrel_switches",
    "codeine_with_paroxetine",
    "cyp2c19_phenotype",
    "cyp2d6_activity_score",
    "dpyd_before_capecitabine",
    "drug_gene_alerts",
    "patient_profile",
    "patients_with_changed_prescription",
    "patients_with_guided_starting_dose",
    "patients_with_phenotype",
    "pm30_antiplatelet",
    "ward_cases",
    "warfarin_start",
]


def _old_cyp2d6_score(diplotype: str) -> float:
    """The CYP2D6 score with the activity values of before CPIC's 2020 and 2022 revisions."""
    return sum(
        pgx.former_activity_value("CYP2D6", allele) for allele in pgx.split_diplotype(diplotype)
    )


def allele_function(answer: Any, *, gene: str = "CYP2C19", allele: str = "*17") -> CheckResult:
    """Check the CPIC function of one allele, written as CPIC writes it.

    Examples
    --------
    >>> allele_function("Increased function").passed
    True
    >>> "'Increased function'" in allele_function("increased").hint
    True
    """
    expected = pgx.allele_function(gene, allele)
    hint = (
        "CPIC's function terms are 'Normal function', 'Decreased function', 'No function', "
        "'Increased function' and 'Uncertain function'. Look the allele up with "
        "pgx.allele_function(gene, allele)."
    )
    return check_value(answer, expected, name=f"{gene}{allele} function", hint=hint)


def activity_score(answer: Any, *, diplotype: str = "*1/*41") -> CheckResult:
    """Check a CYP2D6 activity score worked out by hand.

    Examples
    --------
    >>> activity_score(1.25).passed
    True
    >>> "2022" in activity_score(1.5).hint
    True
    """
    expected = pgx.activity_score("CYP2D6", diplotype)
    slips = [
        (
            _old_cyp2d6_score(diplotype),
            "That is the score with the values from before 2022. Since CPIC's 2022 update, "
            "*9 and *41 count 0.25, not 0.5.",
        ),
    ]
    hint = (
        "Add the activity values of the two alleles (see the table above); "
        "a duplicated allele counts once per copy."
    )
    slips = [(value, text) for value, text in slips if value != expected]
    return check_value(
        answer, expected, name=f"score {diplotype}", hint=hint, common_mistakes=slips
    )


def patients_with_phenotype(
    answer: Any, *, gene: str = "CYP2C19", phenotype: str = "Poor Metabolizer"
) -> CheckResult:
    """Check the number of cohort patients with one phenotype of one gene.

    Examples
    --------
    >>> from pmcourse import datasets
    >>> from pmcourse.diplotypes import phenotype_table
    >>> table = phenotype_table(datasets.load("diplotypes"))
    >>> patients_with_phenotype(int((table["CYP2C19"] == "Poor Metabolizer").sum())).passed
    True
    """
    table = phenotype_table(datasets.load("diplotypes"))
    expected = int((table[gene] == phenotype).sum())
    slips = []
    if "Metabolizer" in phenotype:
        likely = int((table[gene] == f"Likely {phenotype}").sum())
        if likely:
            slips.append(
                (
                    expected + likely,
                    "You counted the 'Likely' patients as well; the question asks for "
                    "the exact term.",
                )
            )
    if isinstance(answer, pd.DataFrame):
        return CheckResult(
            "n_poor",
            False,
            "A single number is expected, but your answer is a whole table.",
            hint="Count the rows with len(table), or the True values with (column == ...).sum().",
        )
    hint = (
        f"Compare the {gene} column with {phenotype!r}, spelled exactly as CPIC does "
        "(American 'Metabolizer', capital letters), then count the True values with .sum()."
    )
    return check_value(answer, expected, name="n_poor", hint=hint, common_mistakes=slips)


def _cardiology_clopidogrel() -> pd.DataFrame:
    medications = datasets.load("medications")
    on_drug = medications[
        (medications["ward"] == "Cardiology") & (medications["drug"] == "clopidogrel")
    ]
    phenotypes = phenotype_table(datasets.load("diplotypes")).set_index("patient_id")
    return phenotypes.loc[on_drug["patient_id"], ["CYP2C19"]]


def _switches(term: str) -> bool:
    """Whether CPIC's clopidogrel advice for this CYP2C19 phenotype changes the prescription."""
    return not pgx.drug_gene_alerts(["clopidogrel"], {"CYP2C19": term}).empty


def clopidogrel_switches(answer: Any) -> CheckResult:
    """Check how many Cardiology patients on clopidogrel CPIC would switch.

    Examples
    --------
    >>> table = _cardiology_clopidogrel()
    >>> clopidogrel_switches(int(table["CYP2C19"].map(_switches).sum())).passed
    True
    >>> clopidogrel_switches(len(table)).passed
    False
    """
    table = _cardiology_clopidogrel()
    expected = int(table["CYP2C19"].map(_switches).sum())
    slips = [
        (
            len(table),
            "That is every patient on clopidogrel. Count only those whose CPIC advice "
            "changes the prescription.",
        ),
        (
            int((table["CYP2C19"] == "Intermediate Metabolizer").sum()),
            "Poor Metabolizers, and the 'Likely' phenotypes, should switch too.",
        ),
        (
            int((table["CYP2C19"] == "Poor Metabolizer").sum()),
            "Intermediate Metabolizers should switch too, not only Poor Metabolizers.",
        ),
    ]
    slips = [(value, text) for value, text in slips if value != expected]
    hint = (
        "For each patient, ask pgx.recommendation for clopidogrel with their CYP2C19 result "
        "and count those whose advice has changes_prescription True."
    )
    return check_value(answer, expected, name="n_switch", hint=hint, common_mistakes=slips)


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.cyp2c19_phenotype(function) for the public examples, or with
# cases=... and quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


def patient_profile(patient_id: str) -> dict[str, str]:
    """A cohort patient's diplotypes as a profile (gene -> diplotype).

    Examples
    --------
    >>> patient_profile("PM-000030")["CYP2C19"]
    '*1/*2'
    """
    row = datasets.load("diplotypes").set_index("patient_id").loc[patient_id]
    return row.drop("ancestry").dropna().to_dict()


def ward_cases(*wards: str) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """(medications, phenotypes) test inputs for wards of the course data.

    Examples
    --------
    >>> [len(medications) > 0 for medications, _ in ward_cases("Cardiology")]
    [True]
    """
    medications = datasets.load("medications")
    known = sorted(set(medications["ward"]))
    unknown = [ward for ward in wards if ward not in known]
    if unknown:
        raise ValueError(f"Unknown ward {unknown[0]!r}; the wards are {', '.join(known)}.")
    phenotypes = phenotype_table(datasets.load("diplotypes"))
    return [
        (medications[medications["ward"] == ward].reset_index(drop=True), phenotypes)
        for ward in wards
    ]


cyp2c19_phenotype = FunctionCheck(
    "cyp2c19_phenotype",
    lambda diplotype: pgx.phenotype("CYP2C19", diplotype),
    examples=lambda: [("*1/*2",), ("*1/*17",), ("*2/*2",), ("*1/*1",)],
    hint="Go down the table in order: the first row that matches decides. Write the "
    "phenotype exactly as in the table, with capital letters and 'Metabolizer'.",
    forbidden=[(pgx, "phenotype", "_phenotype")],
)


def _score_ignoring_copies(diplotype: str) -> float:
    return sum(
        pgx.activity_value("CYP2D6", pgx.split_allele(a)[0])
        for a in pgx.split_diplotype(diplotype)
    )


cyp2d6_activity_score = FunctionCheck(
    "cyp2d6_activity_score",
    lambda diplotype: pgx.activity_score("CYP2D6", diplotype),
    examples=lambda: [("*1/*4",), ("*1/*1x2",), ("*1/*41",)],
    hint="Look up each allele's value with pgx.activity_value('CYP2D6', name), multiply "
    "it by its number of copies, and add it to score.",
    common_mistakes=[
        (
            _score_ignoring_copies,
            "A duplicated allele such as '*2x2' counts once per copy: multiply its value "
            "by the number after the x (pgx.split_allele gives both).",
        ),
        (
            _old_cyp2d6_score,
            "Use the activity values of today's CPIC tables (pgx.activity_value): since 2022, "
            "*9 and *41 count 0.25.",
        ),
    ],
    forbidden=[(pgx, "activity_score")],
)


def _alerted_drugs(medications: list[str], profile: dict[str, str]) -> list[str]:
    return pgx.drug_gene_alerts(medications, profile)["drug"].tolist()


drug_gene_alerts = FunctionCheck(
    "drug_gene_alerts",
    _alerted_drugs,
    examples=lambda: [
        (
            ["acetylsalicylic acid", "clopidogrel", "atorvastatin", "apixaban"],
            patient_profile("PM-000030"),
        ),
        (["paracetamol", "codeine"], {"CYP2D6": "*1/*1"}),
    ],
    hint="For each medicine with pgx.has_recommendation(drug, profile) True, ask "
    "pgx.recommendation for it and append the drug to alerts when "
    "changes_prescription is True.",
    forbidden=[(pgx, "drug_gene_alerts")],
)


def _patients_with_changed_prescription(
    medications: pd.DataFrame, phenotypes: pd.DataFrame
) -> int:
    profiles = phenotypes.set_index("patient_id")
    return sum(
        bool(_alerted_drugs(list(drugs), profiles.loc[patient_id].dropna().to_dict()))
        for patient_id, drugs in medications.groupby("patient_id")["drug"]
    )


def _advice_by_patient(medications: pd.DataFrame, phenotypes: pd.DataFrame):
    """(patient_id, [Recommendation, ...]) for each patient's medicines with CPIC advice."""
    profiles = phenotypes.set_index("patient_id")
    for patient_id, drugs in medications.groupby("patient_id")["drug"]:
        profile = profiles.loc[patient_id].dropna().to_dict()
        yield (
            patient_id,
            [
                pgx.recommendation(drug, profile)
                for drug in drugs
                if pgx.has_recommendation(drug, profile)
            ],
        )


def _counting_algorithm_dosing(medications: pd.DataFrame, phenotypes: pd.DataFrame) -> int:
    """The slip of counting warfarin dosed by algorithm as a changed prescription."""
    return sum(
        any(a.changes_prescription or a.guides_starting_dose for a in advice)
        for _, advice in _advice_by_patient(medications, phenotypes)
    )


patients_with_changed_prescription = FunctionCheck(
    "patients_with_changed_prescription",
    _patients_with_changed_prescription,
    examples=lambda: ward_cases("Cardiology"),
    hint="Count patients, not prescriptions: add 1 to changed when drug_gene_alerts "
    "returns a list that is not empty for this patient.",
    common_mistakes=[
        (
            _counting_algorithm_dosing,
            "Warfarin dosed with a genotype-guided algorithm is the same drug, dosed when it is "
            "started: its changes_prescription is False, so it is not counted here.",
        )
    ],
    show_inputs=False,
    forbidden=[(pgx, "drug_gene_alerts")],
)


def patients_with_guided_starting_dose(answer: Any, *, ward: str = "Cardiology") -> CheckResult:
    """Check how many patients on a ward get a genotype-guided starting dose (warfarin).

    Counted apart from the patients whose drug or dose changes: the drug stays
    the same, and the algorithm only sets its starting dose.

    Examples
    --------
    >>> (medications, phenotypes), = ward_cases("Cardiology")
    >>> n = sum(any(a.guides_starting_dose for a in advice)
    ...         for _, advice in _advice_by_patient(medications, phenotypes))
    >>> patients_with_guided_starting_dose(n).passed
    True
    """
    ((medications, phenotypes),) = ward_cases(ward)
    expected = sum(
        any(a.guides_starting_dose for a in advice)
        for _, advice in _advice_by_patient(medications, phenotypes)
    )
    on_warfarin = medications.loc[medications["drug"] == "warfarin", "patient_id"].nunique()
    slips = [
        (
            _patients_with_changed_prescription(medications, phenotypes),
            "That is the number whose drug or dose changes. Count the patients whose advice "
            "has guides_starting_dose True instead.",
        ),
        (
            on_warfarin,
            "That is every patient on warfarin, including those whose CYP2C9 result advises "
            "another anticoagulant. Count only those whose advice has guides_starting_dose True.",
        ),
    ]
    hint = (
        "For each patient, look at the advice for each medicine and count the patients with "
        "at least one whose guides_starting_dose is True."
    )
    return check_value(
        answer,
        expected,
        name="n_guided",
        hint=hint,
        common_mistakes=[(value, text) for value, text in slips if value != expected],
    )


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise (and of the notebook, if it
# asks them): a clinical choice, graded when submitted. The options are shown
# in the exercise's text with the same letters; tests/test_checks_pharmacogenomics.py
# checks each right answer against pmcourse.pgx.
# --------------------------------------------------------------------------


_CODEINE_OPTIONS = {
    "A": "Give codeine at the usual, label-recommended dose: her genotype is normal.",
    "B": "Give a higher dose of codeine, since paroxetine lowers its effect.",
    "C": "Prefer tramadol, which needs no enzyme to work.",
    "D": "She behaves as a Poor Metabolizer while she takes paroxetine: avoid codeine, as "
    "pain relief would be greatly reduced, and choose an opioid that CYP2D6 does not activate.",
}

#: Part 3: a CYP2D6 Normal Metabolizer on paroxetine is prescribed codeine.
codeine_with_paroxetine = Choice(
    "answer_codeine",
    options=_CODEINE_OPTIONS,
    correct="D",
    reasoning={
        "A": "The genotype is only half the story: which other medicines does he take, and what "
        "do they do to the enzyme that activates codeine?",
        "B": "If the enzyme is blocked, more codeine brings more side effects, not more morphine.",
        "C": "Tramadol, like codeine, needs CYP2D6 to form its most active metabolite.",
    },
    hint="Look up paroxetine in pgx.inhibitors() and think about what a strong inhibitor does "
    "to the activity score.",
)

_WARFARIN_OPTIONS = {
    "A": "Avoid warfarin: a genotype result means another anticoagulant.",
    "B": "Same drug: when warfarin is started, a validated algorithm with his CYP2C9 and "
    "VKORC1 genotypes calculates the starting dose. It is not a change of prescription.",
    "C": "Halve the usual dose of warfarin for everyone who has been genotyped.",
    "D": "The genotype plays no part in warfarin dosing.",
}

#: Part 5: a CYP2C9 Normal Metabolizer with VKORC1 -1639 GA starts warfarin.
warfarin_start = Choice(
    "answer_warfarin",
    options=_WARFARIN_OPTIONS,
    correct="B",
    reasoning={
        "A": "CPIC advises considering another anticoagulant only for a CYP2C9 Poor "
        "Metabolizer. What is this patient's CYP2C9 phenotype?",
        "C": "A fixed reduction for everyone ignores what the genotypes say; CPIC's advice "
        "uses both genes in a calculation.",
        "D": "CPIC's warfarin guideline uses CYP2C9 and VKORC1 for the starting dose.",
    },
    hint="Ask pgx.recommendation for warfarin with his two genotypes and read its action.",
)

_DPYD_OPTIONS = {
    "A": "Give the label dose and watch for side effects.",
    "B": "Reduce the starting dose by 50%, then titrate.",
    "C": "Avoid capecitabine and other fluoropyrimidines; only if no alternative is "
    "suitable, a strongly reduced dose with early drug-level monitoring.",
    "D": "Reduce the starting dose by 25%.",
}

#: Part 6: DPYD c.1905+1G>A/c.2846A>T (activity score 0.5) before capecitabine.
dpyd_before_capecitabine = Choice(
    "answer_dpyd",
    options=_DPYD_OPTIONS,
    correct="C",
    reasoning={
        "A": "Work out the activity score first: a no-function allele (0) and a decreased-"
        "function allele (0.5). Which phenotype is that?",
        "B": "A 50% reduction is the advice for Intermediate Metabolizers (activity score 1 "
        "or 1.5). Is this patient one?",
        "D": "No CPIC row for DPYD advises a 25% reduction today.",
    },
    hint="Add the activity values of the two alleles, then find the row for that score.",
)

_PM30_OPTIONS = {
    "A": "Stop clopidogrel today and start prasugrel.",
    "B": "Keep clopidogrel and file the result: the genotype does not matter for a patient "
    "who also takes an anticoagulant.",
    "C": "Double the dose of clopidogrel.",
    "D": "Raise the result with the cardiology team, who weigh ticagrelor against clopidogrel "
    "with him (bleeding risk with apixaban against a weaker clopidogrel effect); he keeps "
    "taking his antiplatelet until they decide.",
}

#: Part 7: PM-000030, apixaban + clopidogrel after PCI, CYP2C19 *1/*2.
pm30_antiplatelet = Choice(
    "answer_pm30",
    options=_PM30_OPTIONS,
    correct="D",
    reasoning={
        "A": "Two problems: nobody stops his antiplatelet on their own, and with an "
        "anticoagulant European guidance does not use prasugrel; it prefers clopidogrel "
        "because of the bleeding risk.",
        "B": "CPIC's advice for an Intermediate Metabolizer after PCI is strong: avoid standard-"
        "dose clopidogrel if possible. The anticoagulant makes the choice harder, not the "
        "result irrelevant.",
        "C": "CPIC does not advise a higher clopidogrel dose for Intermediate Metabolizers.",
    },
    hint="Read the advice and its strength, then think of who decides, and of what the "
    "alternatives cost a patient who takes apixaban.",
)
