"""Checks for module 3 (rare disease): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 3.
Value checks take a count, a gene or a class the learner worked out in the
module notebook. Function checks (:class:`pmcourse.check.FunctionCheck`) take a
function the learner wrote in the graded exercise (a frequency filter, a de
novo test, a Pathogenic rule of the ACMG/AMP guideline) and run it on the
public examples, or on the secret variants, genotypes and criteria a hidden
test passes in; the library function that would answer for the learner is
switched off meanwhile. Expected values are computed with
:mod:`pmcourse.variants` from the course data, never shown. Hints name the
common slips (every variant instead of the child's, < instead of <=, the first
row of the wrong table, a strength suffix ignored) without giving the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import datasets, variants
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = [
    "ACMG_CLASSES",
    "COMPOUND_FAMILY",
    "CONFLICTING_EVIDENCE",
    "PATHOGENIC_CODES",
    "RECESSIVE_FAMILY",
    "SCENARIO_FAMILY",
    "TRUNCATING_EVIDENCE",
    "X_LINKED_FAMILY",
    "acmg_cases",
    "best_gene",
    "evidence_class",
    "family_ids",
    "genotype_cases",
    "incidental_finding",
    "is_de_novo",
    "is_pathogenic",
    "is_rare",
    "n_very_rare",
    "rare_cases",
    "recessive_gene",
    "truncating_class",
    "which_candidate",
]

#: The family of the module's story: a girl with seizures since infancy and a
#: de novo variant (the trios data set of pmcourse.variants).
SCENARIO_FAMILY = "FAM-01"

#: The family of the notebook's second "your turn": a homozygous recessive child.
RECESSIVE_FAMILY = "FAM-03"

#: The family of the notebook's compound heterozygous example.
COMPOUND_FAMILY = "FAM-02"

#: The family of the exercise's candidate question: a boy with an X-linked variant.
X_LINKED_FAMILY = "FAM-04"

#: Your turn 4: a truncating variant, absent from gnomAD, that tools predict harmless.
TRUNCATING_EVIDENCE = ("PVS1", "PM2_Supporting", "BP4")

#: Part 5 of the exercise: pathogenic and benign evidence on one variant.
CONFLICTING_EVIDENCE = ("PS1", "PM2", "PP3", "BS1", "BP4")

#: The five classes of the ACMG/AMP guideline, from pathogenic to benign.
ACMG_CLASSES = (
    "Pathogenic",
    "Likely pathogenic",
    "Uncertain significance",
    "Likely benign",
    "Benign",
)

#: The pathogenic criterion codes of Richards et al. 2015, Table 3 (inputs of
#: the exercise's is_pathogenic cases).
PATHOGENIC_CODES = (
    "PVS1", "PS1", "PS2", "PS3", "PS4", "PM1", "PM2", "PM3", "PM4", "PM5", "PM6",
    "PP1", "PP2", "PP3", "PP4", "PP5",
)  # fmt: skip


@functools.cache
def _calls() -> pd.DataFrame:
    """The trio variants, read once (reading the VCF takes about a second)."""
    return datasets.load("trio_variants")


def family_ids() -> list[str]:
    """The families of the trio data set, in order: the hidden tests' inputs come from them.

    Examples
    --------
    >>> family_ids()[:2]
    ['FAM-01', 'FAM-02']
    """
    return sorted(_calls()["family_id"].unique())


def _family(family_id: str) -> pd.DataFrame:
    calls = _calls()
    family = calls[calls["family_id"] == family_id]
    if family.empty:
        known = ", ".join(sorted(set(calls["family_id"])))
        raise ValueError(f"No family {family_id!r} in trio_variants; the families are {known}.")
    return family


def _child(family: pd.DataFrame) -> pd.DataFrame:
    """The variants the child carries (a genotype with a 1: 0/1, 1/1, or 1 on a boy's X)."""
    return family[(family["role"] == "child") & family["GT"].str.contains("1")]


def _candidates(family_id: str) -> pd.DataFrame:
    """The family's rare variants with a damaging consequence (all members)."""
    return variants.damaging(variants.rare(_family(family_id), max_af=0.01))


def _terms(family_id: str) -> list[str]:
    phenotypes = datasets.load("child_phenotypes")
    return phenotypes.loc[phenotypes["family_id"] == family_id, "hpo_id"].tolist()


def _ranking(family_id: str) -> pd.DataFrame:
    new = variants.de_novo(_candidates(family_id))
    return variants.rank_genes(_terms(family_id), genes=new["gene"])


def _text_slips(expected: str) -> list[tuple[str, str]]:
    """Another class in place of the expected one: say what each would need."""
    hints = {
        "Pathogenic": "Pathogenic needs more: count each code at the strength written "
        "after its underscore.",
        "Likely pathogenic": "Count each code at its stated strength (a _Supporting code "
        "is supporting, not moderate), then check the rules of Table 5 one by one.",
        "Likely benign": "Benign evidence needs a benign rule (1 BS + 1 BP, or 2 BP) before "
        "it changes the class.",
        "Benign": "Benign needs BA1 or two strong benign criteria.",
    }
    return [(text, hint) for text, hint in hints.items() if text != expected]


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def n_very_rare(answer: Any, *, max_af: float = 0.001) -> CheckResult:
    """Check how many of the scenario child's variants have population_af <= `max_af`.

    Examples
    --------
    >>> child = _child(_family(SCENARIO_FAMILY))
    >>> n_very_rare(len(variants.rare(child, max_af=0.001))).passed
    True
    >>> n_very_rare(len(child)).passed
    False
    """
    family = _family(SCENARIO_FAMILY)
    child = _child(family)
    expected = len(variants.rare(child, max_af=max_af))
    slips = [
        (len(child), "That is every variant of hers. Keep the rare ones first, then count."),
        (len(variants.rare(family, max_af=max_af)), "That counts the parents' variants too: "
         "filter `child`, her rows only."),
        (len(variants.rare(child, max_af=0.01)), "That is the 1% cut-off of the example; "
         "the question asks for 1 in 1,000, max_af=0.001."),
        (int((child["population_af"] < max_af).sum()), "A variant exactly at the cut-off "
         "is kept: at most, <=, not <."),
    ]  # fmt: skip
    return check_value(
        answer,
        expected,
        name="n_very_rare",
        hint="Filter her rows with variants.rare(child, max_af=0.001), then count them with "
        "len( ).",
        tolerance=0,
        common_mistakes=slips,
    )


def _gene_check(
    answer: Any, expected: str, *, name: str, hint: str, slips: list[tuple[Any, str]]
) -> CheckResult:
    if isinstance(answer, pd.DataFrame | pd.Series):
        return CheckResult(
            name,
            False,
            "A gene name is expected, but your answer is a whole table.",
            hint="Read the gene off the table and write it in quotation marks.",
        )
    return check_value(answer, expected, name=name, hint=hint, common_mistakes=slips)


def recessive_gene(answer: Any) -> CheckResult:
    """Check the gene of the recessive family's homozygous candidate (your turn 2).

    Examples
    --------
    >>> hits = variants.homozygous_recessive(_candidates(RECESSIVE_FAMILY))
    >>> recessive_gene(hits["gene"].iloc[0]).passed
    True
    """
    candidates = _candidates(RECESSIVE_FAMILY)
    genes = sorted(set(variants.homozygous_recessive(candidates)["gene"]))
    if len(genes) != 1:
        raise ValueError(f"Family {RECESSIVE_FAMILY} should leave one gene, not {genes}.")
    slips = [
        (gene, "That gene's variant is new in the child (de novo), not inherited from both "
         "parents. Use variants.homozygous_recessive.")
        for gene in set(variants.de_novo(candidates)["gene"])
    ]  # fmt: skip
    return _gene_check(
        answer,
        genes[0],
        name="recessive_gene",
        hint="Filter `other` with variants.rare, then variants.damaging, then "
        "variants.homozygous_recessive, and read the gene column.",
        slips=slips,
    )


def best_gene(answer: Any) -> CheckResult:
    """Check the gene that ranks first for the scenario child's phenotype (your turn 3).

    Examples
    --------
    >>> best_gene(_ranking(SCENARIO_FAMILY)["gene"].iloc[0]).passed
    True
    """
    ranking = _ranking(SCENARIO_FAMILY)
    expected = str(ranking["gene"].iloc[0])
    new = variants.de_novo(_candidates(SCENARIO_FAMILY))
    slips = [
        (str(gene), "That gene ranks lower: read the first row of `ranking`, the gene that "
         "explains most of her terms.")
        for gene in ranking["gene"].iloc[1:]
    ] + [(str(new["gene"].iloc[0]), "That is the first row of `new_in_child`, which is in "
         "genome order. The ranking is in `ranking`.")]  # fmt: skip
    return _gene_check(
        answer,
        expected,
        name="best_gene",
        hint="Read the gene in the first row of `ranking`, and write it in quotation marks.",
        slips=slips,
    )


def truncating_class(answer: Any) -> CheckResult:
    """Check the ACMG/AMP class of :data:`TRUNCATING_EVIDENCE` (your turn 4).

    Examples
    --------
    >>> truncating_class(variants.acmg_classify(list(TRUNCATING_EVIDENCE))).passed
    True
    >>> truncating_class(variants.acmg_points(list(TRUNCATING_EVIDENCE))[1]).passed
    False
    """
    evidence = list(TRUNCATING_EVIDENCE)
    expected = variants.acmg_classify(evidence)
    slips = _text_slips(expected)
    points_class = variants.acmg_points(evidence)[1]
    if points_class != expected:
        points_hint = (
            "That is the class of the point system, acmg_points. The question asks for the "
            "rules of the guideline, acmg_classify."
        )
        slips.insert(0, (points_class, points_hint))
    return check_value(
        answer,
        expected,
        name="truncating_class",
        hint='Classify with variants.acmg_classify(["PVS1", "PM2_Supporting", "BP4"]) and copy '
        "the text it returns.",
        common_mistakes=slips,
    )


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.is_rare(function) for the public examples, or with cases=... and
# quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


def rare_cases(*family_ids: str, max_af: float = 0.01) -> list[tuple[pd.DataFrame, float]]:
    """(variants, max_af) test inputs: the child's variants of each family.

    Examples
    --------
    >>> [len(table) > 0 for table, _ in rare_cases(SCENARIO_FAMILY)]
    [True]
    """
    return [
        (_child(_family(family_id)).reset_index(drop=True), max_af) for family_id in family_ids
    ]


def _rare_mask(table: pd.DataFrame, max_af: float) -> pd.Series:
    """True for each row variants.rare keeps."""
    kept = variants.rare(table, max_af=max_af)
    return pd.Series(table.index.isin(kept.index), index=table.index)


is_rare = FunctionCheck(
    "is_rare",
    _rare_mask,
    examples=lambda: rare_cases(SCENARIO_FAMILY),
    hint='Compare the population_af column with max_af: table["population_af"] <= max_af.',
    common_mistakes=[
        (
            lambda table, max_af: table["population_af"] < max_af,
            "A variant exactly at the cut-off counts as rare: use <= (at most), not <.",
        ),
        (
            lambda table, max_af: table["population_af"] >= max_af,
            "That keeps the common variants; a rare variant has a small frequency.",
        ),
    ],
    show_inputs=False,
    forbidden=[(variants, "rare")],
)

_CARRIES = ("0/1", "1/1")


def _de_novo_rule(child_gt: str, mother_gt: str, father_gt: str) -> bool:
    """The rule variants.de_novo applies to one variant: the child carries it, no parent does."""
    return child_gt in _CARRIES and mother_gt == "0/0" and father_gt == "0/0"


def genotype_cases(*family_ids: str) -> list[tuple[str, str, str]]:
    """(child_gt, mother_gt, father_gt) test inputs: each distinct triple in the families.

    Only the positions where all three have a call with two alleles (such as
    ``"0/1"``); a man's single X (``"1"``) is left out.

    Examples
    --------
    >>> ("0/1", "0/0", "0/0") in genotype_cases(SCENARIO_FAMILY)
    True
    """
    triples: set[tuple[str, str, str]] = set()
    for family_id in family_ids:
        trio = variants.trio_genotypes(_family(family_id))[["child", "mother", "father"]]
        diploid = trio.apply(lambda column: column.str.contains("/", na=False)).all(axis=1)
        triples |= set(trio[diploid].itertuples(index=False, name=None))
    return sorted(triples)


is_de_novo = FunctionCheck(
    "is_de_novo",
    _de_novo_rule,
    examples=lambda: [
        ("0/1", "0/0", "0/0"),
        ("0/1", "0/1", "0/0"),
        ("0/0", "0/0", "0/0"),
        ("1/1", "0/1", "0/1"),
    ],  # fmt: skip
    hint='A variant is de novo when the child carries it ("0/1" or "1/1") and both parents '
    'are "0/0": combine the three tests with and.',
    common_mistakes=[
        (
            lambda child, mother, father: mother == "0/0" and father == "0/0",
            "Check the child too: a variant neither the parents nor the child carry is no "
            "variant of the child at all.",
        ),
        (
            lambda child, mother, father: child != "0/0" and (mother == "0/0" or father == "0/0"),
            "Both parents must lack the variant: and, not or.",
        ),
        (
            lambda child, mother, father: child == "0/1" and mother == "0/0" and father == "0/0",
            'A child with two new copies ("1/1") is de novo too, though rare.',
        ),
    ],
    forbidden=[(variants, "de_novo")],
)


def acmg_cases(*, n_cases: int = 40, seed: int = 3) -> list[tuple[list[str]]]:
    """([codes],) test inputs: random sets of pathogenic criteria at their own strength.

    Examples
    --------
    >>> cases = acmg_cases(n_cases=5)
    >>> len(cases), all(set(codes) <= set(PATHOGENIC_CODES) for (codes,) in cases)
    (5, True)
    """
    rng = np.random.default_rng(seed)
    return [
        (sorted(rng.choice(PATHOGENIC_CODES, size=rng.integers(0, 6), replace=False).tolist()),)
        for _ in range(n_cases)
    ]


def _pathogenic(criteria: list[str]) -> bool:
    return variants.acmg_classify(criteria) == "Pathogenic"


def _without_two_strong(criteria: list[str]) -> bool:
    """Table 5's Pathogenic rules without rule ii (two strong criteria)."""
    n = {p: sum(code.startswith(p) for code in criteria) for p in ("PVS", "PS", "PM", "PP")}
    if n["PVS"] and (n["PS"] or n["PM"] >= 2 or (n["PM"] and n["PP"]) or n["PP"] >= 2):
        return True
    return n["PS"] == 1 and (
        n["PM"] >= 3 or (n["PM"] == 2 and n["PP"] >= 2) or (n["PM"] == 1 and n["PP"] >= 4)
    )


is_pathogenic = FunctionCheck(
    "is_pathogenic",
    _pathogenic,
    examples=lambda: [
        (["PVS1", "PS3"],),
        (["PS1", "PS2"],),
        (["PVS1", "PM2"],),
        (["PS2", "PM1", "PM2", "PM4"],),
        (["PM1", "PP3"],),
    ],  # fmt: skip
    hint="Write the three Pathogenic rules of Table 5 with the counts n_pvs, n_ps, n_pm and "
    "n_pp, each an if that returns True, and return False at the end.",
    common_mistakes=[
        (
            _without_two_strong,
            "Two strong criteria are enough on their own (rule ii): check n_ps >= 2 too.",
        ),
        (
            lambda criteria: len(criteria) >= 2,
            "The number of criteria is not enough: their strengths matter. Count each strength.",
        ),
    ],
    forbidden=[(variants, "acmg_classify", "acmg_points")],
)


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise: a clinical choice, graded
# when submitted. The exercise's text shows the options with the same letters;
# tests/test_checks_rare_disease.py checks the right answers against the data.
# --------------------------------------------------------------------------

#: Part 4: which candidate fits the inheritance and the boy's phenotype?
which_candidate = Choice(
    "answer_candidate",
    options={
        "A": "A heterozygous missense variant in CFTR, inherited from his healthy father.",
        "B": "A hemizygous stop_gained variant in DMD on his X chromosome, inherited from his "
        "mother, who carries it on one of her two X chromosomes.",
        "C": "A de novo synonymous variant in SCN1A.",
        "D": "A heterozygous frameshift variant in BRCA1, inherited from his mother.",
    },
    correct="B",
    reasoning={
        "A": "One copy of a variant in a recessive gene, from a healthy parent: can it cause a "
        "recessive disease on its own?",
        "C": "Does a synonymous change alter the protein, and do seizures fit his muscles?",
        "D": "Does that gene explain muscle weakness in a young boy? Think of what it would "
        "mean for his mother instead.",
    },
    hint="Look for the variant whose gene explains his symptoms and whose inheritance fits a "
    "boy with healthy parents.",
)


def _class_letter(evidence: Iterable[str]) -> str:
    labels = dict(zip(ACMG_CLASSES, "ABCDE", strict=True))
    return labels[variants.acmg_classify(list(evidence))]


#: Part 5: what class does pathogenic and benign evidence on one variant give?
evidence_class = Choice(
    "answer_class",
    options=dict(zip("ABCDE", ACMG_CLASSES, strict=True)),
    correct=lambda: _class_letter(CONFLICTING_EVIDENCE),
    reasoning={
        "A": "Count the pathogenic evidence alone: which rule does one strong, one moderate "
        "and one supporting criterion meet? And what of the benign evidence?",
        "B": "That is what the pathogenic evidence alone gives. Does the benign evidence "
        "meet a benign rule too?",
        "D": "That is what the benign evidence alone gives. Does the pathogenic evidence "
        "meet a pathogenic rule too?",
        "E": "Benign needs BA1 or two strong benign criteria.",
    },
    hint="Check the pathogenic rules and the benign rules of Table 5 separately, then read "
    "what the guideline says when both are met.",
)

#: Part 6: a BRCA1 variant in the mother of a child sequenced for epilepsy.
incidental_finding = Choice(
    "answer_incidental",
    options={
        "A": "It is the cause of the child's epilepsy and goes in the child's report as the "
        "diagnosis.",
        "B": "It is an incidental (secondary) finding: it bears on the mother's own health, "
        "not on the child's epilepsy; it is reported to her only as her consent and the "
        "laboratory's policy allow.",
        "C": "It is a variant of uncertain significance, because it was not looked for.",
        "D": "It must be reported to the mother's sisters at once.",
    },
    correct="B",
    reasoning={
        "A": "Does a gene of breast and ovarian cancer explain seizures in a child?",
        "C": "The class of a variant comes from the evidence about it, not from whether "
        "anyone looked for it.",
        "D": "Who decides whether relatives are told, and who tells them?",
    },
    hint="Ask whose health the variant bears on, and what the family agreed to before the test.",
)
