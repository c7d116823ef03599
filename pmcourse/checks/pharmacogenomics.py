"""Instant checks for module 4 (pharmacogenomics).

Each check takes the learner's answer and returns a
:class:`pmcourse.check.CheckResult`. Expected values are computed from the
course data and :mod:`pmcourse.pgx`, never shown. Functions the learner
writes are run on diplotypes and medication lists the notebook never shows.
Hints name common slips (the CYP2D6 activity values from before the 2022
update, British spelling, counting prescriptions instead of patients) without
giving the answer away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from pmcourse import datasets, pgx
from pmcourse.check import CheckResult, check_function, check_value
from pmcourse.diplotypes import phenotype_table

__all__ = [
    "activity_score",
    "allele_function",
    "clopidogrel_switches",
    "cyp2c19_phenotype",
    "cyp2d6_activity_score",
    "drug_gene_alerts",
    "patients_with_phenotype",
    "patients_with_changed_prescription",
]

# Activity values of older tables (*10 before 2020, *9 and *41 before the CPIC
# update of 2022-11-08), to recognise a score worked out from an old table.
_OLD_CYP2D6_VALUES = {"*9": 0.5, "*41": 0.5, "*10": 0.5}


def _old_cyp2d6_score(diplotype: str) -> float:
    total = 0.0
    for allele in pgx.split_diplotype(diplotype):
        name, copies = pgx.split_allele(allele)
        total += _OLD_CYP2D6_VALUES.get(name, pgx.activity_value("CYP2D6", name)) * copies
    return total


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


def clopidogrel_switches(answer: Any) -> CheckResult:
    """Check how many Cardiology patients on clopidogrel CPIC would switch.

    Examples
    --------
    >>> from pmcourse import pgx
    >>> table = _cardiology_clopidogrel()
    >>> n = sum(pgx.recommendation("clopidogrel", CYP2C19=p).changes_prescription
    ...         for p in table["CYP2C19"])
    >>> clopidogrel_switches(n).passed
    True
    """
    table = _cardiology_clopidogrel()
    switched = [
        pgx.recommendation("clopidogrel", CYP2C19=term).changes_prescription
        for term in table["CYP2C19"]
    ]
    expected = int(sum(switched))
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
        "For each patient, ask pgx.recommendation('clopidogrel', CYP2C19=...) and count "
        "those whose advice has changes_prescription True."
    )
    return check_value(answer, expected, name="n_switch", hint=hint, common_mistakes=slips)


# --- functions the learner writes (module notebook and graded exercise) ----------

#: CYP2C19 diplotypes the checks use; the notebook shows other examples.
CYP2C19_TEST_DIPLOTYPES = [
    ("*3/*17",), ("*17/*1",), ("*2/*3",), ("*10/*10",), ("*9/*17",), ("*3/*10",),
    ("*12/*2",), ("*17/*17",), ("*1/*1",), ("*9/*1",),
]  # fmt: skip

#: CYP2D6 diplotypes the checks use: duplications, order, the 2022 values.
CYP2D6_TEST_DIPLOTYPES = [
    ("*4/*41",), ("*2x2/*10",), ("*9/*29",), ("*5/*5",), ("*35/*17",), ("*41x2/*1",),
    ("*1x3/*4",), ("*10/*3",),
]  # fmt: skip


def _reference_cyp2c19(diplotype: str) -> str:
    return pgx.phenotype("CYP2C19", diplotype)


def _reference_cyp2d6(diplotype: str) -> float:
    return pgx.activity_score("CYP2D6", diplotype)


def _score_ignoring_copies(diplotype: str) -> float:
    return sum(
        pgx.activity_value("CYP2D6", pgx.split_allele(a)[0])
        for a in pgx.split_diplotype(diplotype)
    )


CYP2D6_SLIPS: list[tuple[Callable, str]] = [
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
]


def cyp2c19_phenotype(function: Any, *, quick: bool = True) -> CheckResult:
    """Check a learner's ``cyp2c19_phenotype(diplotype)`` on unseen diplotypes.

    Examples
    --------
    >>> from pmcourse import pgx
    >>> cyp2c19_phenotype(lambda d: pgx.phenotype("CYP2C19", d)).passed
    True
    """
    hint = (
        "Look up the function of each allele with pgx.allele_function('CYP2C19', allele), "
        "then apply the rules in the table above. Remember that the order of the two "
        "alleles does not matter, and write the phenotype exactly as CPIC does."
    )
    return check_function(
        function,
        _reference_cyp2c19,
        CYP2C19_TEST_DIPLOTYPES,
        name="cyp2c19_phenotype",
        hint=hint,
        quick=quick,
    )


def cyp2d6_activity_score(function: Any, *, quick: bool = True) -> CheckResult:
    """Check a learner's ``cyp2d6_activity_score(diplotype)`` on unseen diplotypes.

    Examples
    --------
    >>> from pmcourse import pgx
    >>> cyp2d6_activity_score(lambda d: pgx.activity_score("CYP2D6", d)).passed
    True
    >>> cyp2d6_activity_score(_score_ignoring_copies).passed
    False
    """
    hint = (
        "Split the diplotype into its two alleles, look up each allele's activity value "
        "and add them up; a duplicated allele counts once per copy."
    )
    return check_function(
        function,
        _reference_cyp2d6,
        CYP2D6_TEST_DIPLOTYPES,
        name="cyp2d6_activity_score",
        hint=hint,
        quick=quick,
        common_mistakes=CYP2D6_SLIPS,
    )


def reference_drug_gene_alerts(medications: list[str], profile: dict[str, str]) -> list[str]:
    """The drugs of a list whose CPIC advice changes the prescription, in list order."""
    return pgx.drug_gene_alerts(medications, profile)["drug"].tolist()


#: Medication lists and profiles the checks use (not shown in the notebook).
ALERT_TEST_CASES = [
    (["clopidogrel", "atorvastatin", "ramipril"],
     {"CYP2C19": "*2/*17", "SLCO1B1": "*1/*1", "CYP2D6": "*1/*1"}),
    (["codeine", "paracetamol"], {"CYP2D6": "*1/*2x2", "CYP2C19": "*1/*1"}),
    (["codeine", "simvastatin"], {"CYP2D6": "*1/*4", "SLCO1B1": "*5/*15"}),
    (["capecitabine", "tramadol", "prednisolone"],
     {"DPYD": "Reference/HapB3", "CYP2D6": "*4/*5"}),
    (["metformin", "amlodipine"], {"CYP2C19": "*2/*2"}),
    (["azathioprine", "escitalopram"],
     {"TPMT": "*1/*1", "NUDT15": "*1/*3", "CYP2C19": "*1/*1"}),
]  # fmt: skip


def drug_gene_alerts(function: Any, *, quick: bool = True) -> CheckResult:
    """Check a learner's ``drug_gene_alerts(medications, profile)``.

    Examples
    --------
    >>> drug_gene_alerts(reference_drug_gene_alerts).passed
    True
    """
    hint = (
        "Go through the medicines one by one; skip those for which "
        "pgx.has_recommendation(drug, profile) is False; for the others ask "
        "pgx.recommendation(drug, **profile) and keep the drug when its "
        "changes_prescription is True. Return the kept drugs as a list."
    )
    return check_function(
        function,
        reference_drug_gene_alerts,
        ALERT_TEST_CASES,
        name="drug_gene_alerts",
        hint=hint,
        quick=quick,
    )


def reference_patients_with_changed_prescription(
    medications: pd.DataFrame, phenotypes: pd.DataFrame
) -> int:
    """Patients of a medication table with at least one prescription CPIC would change."""
    profiles = phenotypes.set_index("patient_id")
    changed = set()
    for patient_id, drugs in medications.groupby("patient_id")["drug"]:
        profile = profiles.loc[patient_id].dropna().to_dict()
        if reference_drug_gene_alerts(list(drugs), profile):
            changed.add(patient_id)
    return len(changed)


def ward_test_cases() -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """(medications, phenotypes) of each ward of the course data."""
    medications = datasets.load("medications")
    phenotypes = phenotype_table(datasets.load("diplotypes"))
    return [
        (medications[medications["ward"] == ward].reset_index(drop=True), phenotypes)
        for ward in sorted(set(medications["ward"]))
    ]


def patients_with_changed_prescription(function: Any, *, quick: bool = True) -> CheckResult:
    """Check a learner's ``patients_with_changed_prescription(medications, phenotypes)``.

    Examples
    --------
    >>> patients_with_changed_prescription(
    ...     reference_patients_with_changed_prescription).passed
    True
    """
    hint = (
        "Count patients, not prescriptions: a patient with two alerts counts once. "
        "For each patient, collect their drugs and their phenotypes and use your "
        "drug_gene_alerts function."
    )
    return check_function(
        function,
        reference_patients_with_changed_prescription,
        ward_test_cases(),
        name="patients_with_changed_prescription",
        hint=hint,
        quick=quick,
        show_inputs=False,
    )
