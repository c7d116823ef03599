"""Tests of the checks of module 3 (pmcourse.checks.rare_disease)."""

from __future__ import annotations

import pandas as pd
import pytest
from grading_helpers import (
    assert_choice_teaches,
    assert_count_teaches,
    graded_fixture,
    markdown_text,
    with_slip,
)

from pmcourse import datasets, variants
from pmcourse.checks import rare_disease as checks

# Expected values, worked out here from the raw tables and the rules of Table 5,
# not from pmcourse.variants, so the checks are tested against an independent answer.
CALLS = datasets.load("trio_variants")
CARRIES = {"0/1", "1/1"}


def _rows(family_id: str, role: str) -> pd.DataFrame:
    return CALLS[(CALLS["family_id"] == family_id) & (CALLS["role"] == role)]


def _key_list(table: pd.DataFrame) -> list[tuple]:
    """Each row's variant as (CHROM, POS, ALT)."""
    return list(zip(table["CHROM"], table["POS"], table["ALT"], strict=True))


def _keys(table: pd.DataFrame) -> set[tuple]:
    """The variants a person carries."""
    return set(_key_list(table[table["GT"].isin(CARRIES)]))


def _hand_de_novo_genes(family_id: str) -> set[str]:
    child = _rows(family_id, "child")
    parents = _keys(_rows(family_id, "mother")) | _keys(_rows(family_id, "father"))
    damaging = child["consequence"].isin(variants.DAMAGING_CONSEQUENCES) & (
        child["population_af"] <= 0.01
    )
    new = [
        gene
        for gene, key, gt in zip(child["gene"], _key_list(child), child["GT"], strict=True)
        if gt in CARRIES and key not in parents
    ]
    return set(new) & set(child.loc[damaging, "gene"])


def _hand_pathogenic(criteria: list[str], rules: tuple[int, ...] = (1, 2, 3)) -> bool:
    """Richards 2015, Table 5, the Pathogenic rules (all three by default), written out."""
    pvs = len([c for c in criteria if c.startswith("PVS")])
    ps = len([c for c in criteria if c.startswith("PS")])
    pm = len([c for c in criteria if c.startswith("PM")])
    pp = len([c for c in criteria if c.startswith("PP")])
    rule_1 = pvs >= 1 and (ps >= 1 or pm >= 2 or (pm >= 1 and pp >= 1) or pp >= 2)
    rule_2 = ps >= 2
    rule_3 = ps == 1 and (pm >= 3 or (pm >= 2 and pp >= 2) or (pm >= 1 and pp >= 4))
    return any(
        met for rule, met in zip((1, 2, 3), (rule_1, rule_2, rule_3), strict=True) if rule in rules
    )


def test_n_very_rare_counts_her_variants_at_or_below_the_cut_off():
    child = _rows(checks.SCENARIO_FAMILY, "child")
    child = child[child["GT"].isin(CARRIES)]  # a girl: no single-X genotypes
    expected = int((child["population_af"] <= 0.001).sum())
    assert_count_teaches(checks.n_very_rare, expected, len(child))


def test_the_scenario_girl_has_a_de_novo_candidate_that_ranks_first():
    genes = _hand_de_novo_genes(checks.SCENARIO_FAMILY)
    assert genes
    ranking = variants.rank_genes(
        datasets.load("child_phenotypes")
        .query("family_id == @checks.SCENARIO_FAMILY")["hpo_id"]
        .tolist(),
        genes=sorted(genes),
    )
    best = ranking["gene"].iloc[0]
    assert best in genes
    assert checks.best_gene(best).passed
    table = checks.best_gene(ranking)
    assert not table.passed and "whole table" in table.message


def test_recessive_gene_is_homozygous_in_the_child_and_carried_by_both_parents():
    family = checks.RECESSIVE_FAMILY
    child = _rows(family, "child")
    homozygous = child[
        (child["GT"] == "1/1")
        & (child["population_af"] <= 0.01)
        & child["consequence"].isin(variants.DAMAGING_CONSEQUENCES)
    ]
    parents = _keys(_rows(family, "mother")) & _keys(_rows(family, "father"))
    genes = set(homozygous[[key in parents for key in _key_list(homozygous)]]["gene"])
    assert len(genes) == 1
    assert checks.recessive_gene(genes.pop()).passed
    assert not checks.recessive_gene("SCN1A").passed


def test_truncating_class_follows_table_5_not_the_points():
    evidence = list(checks.TRUNCATING_EVIDENCE)
    # PVS1 with one supporting criterion meets no pathogenic rule, BP4 alone no benign rule.
    assert not _hand_pathogenic(evidence)
    assert checks.truncating_class("Uncertain significance").passed
    points_class = variants.acmg_points(evidence)[1]
    result = checks.truncating_class(points_class)
    assert not result.passed and "acmg_points" in result.hint
    nearly = checks.truncating_class("uncertain significance")
    assert not nearly.passed and "capital" in nearly.message


@pytest.mark.parametrize("answer", [None, ..., 3, ["SCN1A"], float("nan")])
def test_value_checks_survive_odd_answers(answer):
    for result in (
        checks.n_very_rare(answer),
        checks.recessive_gene(answer),
        checks.best_gene(answer),
        checks.truncating_class(answer),
    ):
        assert not result.passed and result.message


def test_is_rare_check_agrees_with_a_hand_written_filter_and_catches_slips():
    def hand(table, max_af):
        return pd.Series([af <= max_af for af in table["population_af"]], index=table.index)

    families = sorted(CALLS["family_id"].unique())
    cases = checks.rare_cases(*families, max_af=0.001) + checks.rare_cases(*families)
    assert checks.is_rare(hand, cases=cases, quick=False).passed
    edge = pd.DataFrame({"population_af": [0.01, 0.0, 0.2]})
    strict = checks.is_rare(lambda t, m: t["population_af"] < m, cases=[(edge, 0.01)], quick=False)
    assert not strict.passed and "<=" in strict.hint
    shortcut = checks.is_rare(lambda t, m: t.index.isin(variants.rare(t, max_af=m).index))
    assert not shortcut.passed


def test_is_de_novo_check_grades_the_rule_and_its_slips():
    def hand(child, mother, father):
        return child in CARRIES and mother == "0/0" and father == "0/0"

    cases = checks.genotype_cases(*sorted(CALLS["family_id"].unique()))
    assert {hand(*case) for case in cases} == {True, False}
    assert checks.is_de_novo(hand, cases=cases, quick=False).passed
    either = checks.is_de_novo(lambda c, m, f: c != "0/0" and (m == "0/0" or f == "0/0"))
    assert not either.passed and "and, not or" in either.hint


def test_is_pathogenic_check_agrees_with_table_5_and_names_the_missing_rule():
    cases = checks.acmg_cases(n_cases=200, seed=1)
    assert {_hand_pathogenic(codes) for (codes,) in cases} == {True, False}
    assert checks.is_pathogenic(_hand_pathogenic, cases=cases, quick=False).passed
    no_rule_2 = checks.is_pathogenic(lambda codes: _hand_pathogenic(codes, rules=(1, 3)))
    assert not no_rule_2.passed and "rule ii" in no_rule_2.hint
    shortcut = checks.is_pathogenic(lambda codes: variants.acmg_classify(codes) == "Pathogenic")
    assert not shortcut.passed


def test_the_right_choices_agree_with_the_data_and_the_rules():
    evidence = list(checks.CONFLICTING_EVIDENCE)
    pathogenic = [c for c in evidence if c.startswith("P")]
    assert not _hand_pathogenic(pathogenic)  # one PS and one PM: Likely pathogenic only
    assert checks.evidence_class("C", quick=False).passed
    assert checks.evidence_class.options["C"] == "Uncertain significance"
    boy = _rows(checks.X_LINKED_FAMILY, "child")
    assert set(boy["sex"]) == {"male"}
    assert "DMD" in set(variants.x_linked(variants.damaging(variants.rare(
        CALLS[CALLS["family_id"] == checks.X_LINKED_FAMILY])))["gene"])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "right"),
    [("which_candidate", "B"), ("evidence_class", "C"), ("incidental_finding", "B")],
)
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    assert_choice_teaches(getattr(checks, name), right)


def test_the_facts_the_text_quotes_are_the_datas():
    """The notebook's girl and classes, and the exercise's evidence, say what the data hold."""
    from pmcourse.modules import module

    trios = datasets.load("trios").set_index(["family_id", "role"])
    girl = trios.loc[(checks.SCENARIO_FAMILY, "child")]
    notebook = markdown_text(module(3).notebook)
    assert girl["sex"] == "female"
    assert f"A {girl['age_years']}-year-old girl" in notebook
    scn1a = variants.acmg_classify(["PS2", "PM2_Supporting", "PP3", "PP4"])
    assert f"Our girl's SCN1A variant, {scn1a}, goes in her report" in notebook
    assert trios.loc[(checks.COMPOUND_FAMILY, "child"), "sex"] == "male"
    exercise = markdown_text(module(3).master)
    pathogenic = ", ".join(c for c in checks.CONFLICTING_EVIDENCE if c.startswith("P"))
    benign = ", ".join(c for c in checks.CONFLICTING_EVIDENCE if c.startswith("B"))
    assert f"{pathogenic} (pathogenic) and {benign} (benign)" in exercise


# --------------------------------------------------------------------------
# Grading round trips: the exercise's master answers and its typical mistakes.
# --------------------------------------------------------------------------

ASSIGNMENT = "03_rare_disease"
CODE_CELLS = ["test_is_rare", "test_is_de_novo", "test_is_pathogenic"]
CHOICE_CELLS = ["test_answer_candidate", "test_answer_class", "test_answer_incidental"]


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "strict": with_slip(answers, "is_rare", "<= max_af", "< max_af"),
        "no_rule_2": with_slip(
            answers, "is_pathogenic", "    if n_ps >= 2:\n        return True\n", ""
        ),
        "shortcut": {
            **answers,
            "is_pathogenic": "def is_pathogenic(criteria):\n"
            "    return variants.acmg_classify(criteria) == 'Pathogenic'",
        },
        "wrong_choices": {
            **answers,
            "answer_candidate": 'answer_candidate = "A"',
            "answer_class": 'answer_class = "B"',
            "answer_incidental": 'answer_incidental = "C"',
        },
    }


graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "lost"),
    [("master", []), ("strict", ["test_is_rare"]), ("no_rule_2", ["test_is_pathogenic"]),
     ("shortcut", ["test_is_pathogenic"]), ("wrong_choices", CHOICE_CELLS)],
)  # fmt: skip
def test_grading_loses_exactly_the_parts_of_each_mistake(graded, student, lost):
    """The master's answers earn every autograded point; each slip loses only its parts."""
    scores = graded.loc[student]
    assert [cell for cell in CODE_CELLS + CHOICE_CELLS if scores[cell] != 3] == lost
