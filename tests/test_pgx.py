"""pmcourse.pgx against every rule of shared/reference/pgx.md (CPIC data 2025-11-05)."""

import itertools
import math

import pandas as pd
import pytest

from pmcourse import pgx
from pmcourse.reference import load_table, source_of

# --- allele functions and activity values -----------------------------------

ALLELE_FUNCTIONS = [
    ("CYP2C19", "*1", "Normal function"),
    ("CYP2C19", "*2", "No function"),
    ("CYP2C19", "*3", "No function"),
    ("CYP2C19", "*9", "Decreased function"),
    ("CYP2C19", "*10", "Decreased function"),
    ("CYP2C19", "*17", "Increased function"),
    ("CYP2D6", "*1", "Normal function"),
    ("CYP2D6", "*2", "Normal function"),
    ("CYP2D6", "*35", "Normal function"),
    ("CYP2D6", "*3", "No function"),
    ("CYP2D6", "*4", "No function"),
    ("CYP2D6", "*5", "No function"),
    ("CYP2D6", "*6", "No function"),
    ("CYP2D6", "*9", "Decreased function"),
    ("CYP2D6", "*10", "Decreased function"),
    ("CYP2D6", "*17", "Decreased function"),
    ("CYP2D6", "*29", "Decreased function"),
    ("CYP2D6", "*41", "Decreased function"),
    ("CYP2C9", "*1", "Normal function"),
    ("CYP2C9", "*2", "Decreased function"),
    ("CYP2C9", "*3", "No function"),
    ("CYP2C9", "*5", "Decreased function"),
    ("CYP2C9", "*6", "No function"),
    ("CYP2C9", "*8", "Decreased function"),
    ("CYP2C9", "*11", "Decreased function"),
    ("TPMT", "*1", "Normal function"),
    ("TPMT", "*2", "No function"),
    ("TPMT", "*3A", "No function"),
    ("TPMT", "*3B", "No function"),
    ("TPMT", "*3C", "No function"),
    ("NUDT15", "*1", "Normal function"),
    ("NUDT15", "*3", "No function"),
    ("DPYD", "Reference", "Normal function"),
    ("DPYD", "c.1905+1G>A", "No function"),
    ("DPYD", "c.1679T>G", "No function"),
    ("DPYD", "c.2846A>T", "Decreased function"),
    ("DPYD", "c.1129-5923C>G", "Decreased function"),
    ("SLCO1B1", "*1", "Normal function"),
    ("SLCO1B1", "*37", "Normal function"),
    ("SLCO1B1", "*5", "No function"),
    ("SLCO1B1", "*15", "No function"),
    ("SLCO1B1", "*14", "Increased function"),
]


@pytest.mark.parametrize(("gene", "allele", "function"), ALLELE_FUNCTIONS)
def test_allele_function_follows_cpic(gene, allele, function):
    assert pgx.allele_function(gene, allele) == function


@pytest.mark.parametrize(
    ("alias", "name"), [("*2A", "c.1905+1G>A"), ("*13", "c.1679T>G"), ("HapB3", "c.1129-5923C>G")]
)
def test_dpyd_aliases_name_the_same_allele(alias, name):
    assert pgx.allele_function("DPYD", alias) == pgx.allele_function("DPYD", name)
    assert pgx.normalise_diplotype("DPYD", f"Reference/{alias}") == f"Reference/{name}"


ACTIVITY_VALUES = {
    "CYP2D6": {"*1": 1, "*2": 1, "*35": 1, "*3": 0, "*4": 0, "*5": 0, "*6": 0, "*9": 0.25,
               "*10": 0.25, "*17": 0.5, "*29": 0.5, "*41": 0.25},
    "CYP2C9": {"*1": 1, "*2": 0.5, "*3": 0, "*5": 0.5, "*6": 0, "*8": 0.5, "*11": 0.5},
    "DPYD": {"Reference": 1, "c.1905+1G>A": 0, "c.1679T>G": 0, "c.2846A>T": 0.5,
             "c.1129-5923C>G": 0.5},
}  # fmt: skip


@pytest.mark.parametrize(
    ("gene", "allele", "value"),
    [(g, a, v) for g, values in ACTIVITY_VALUES.items() for a, v in values.items()],
)
def test_activity_values_follow_cpic(gene, allele, value):
    assert pgx.activity_value(gene, allele) == value


def test_cyp2d6_9_and_41_have_the_values_of_the_2022_update():
    # 0.5 before the CPIC update of 2022-11-08; 0.25 since.
    assert pgx.activity_score("CYP2D6", "*9/*41") == 0.5
    assert pgx.phenotype("CYP2D6", "*1/*41") == "Normal Metabolizer"  # 1.25
    assert pgx.phenotype("CYP2D6", "*41/*41") == "Intermediate Metabolizer"  # 0.5
    assert pgx.phenotype("CYP2D6", "*4/*9") == "Intermediate Metabolizer"  # 0.25


@pytest.mark.parametrize(
    ("allele", "value"), [("*1x2", 2), ("*10x2", 0.5), ("*4x2", 0), ("*2x3", 3), ("*41×2", 0.5)]
)
def test_duplications_multiply_the_activity_value(allele, value):
    assert pgx.activity_value("CYP2D6", allele) == value


# Before the CPIC/DPWG consensus of 2020 (*10) and the CPIC update of 2022-11-08
# (*9, *41), reference/pgx.md.
FORMER_CYP2D6_VALUES = {"*9": 0.5, "*10": 0.5, "*41": 0.5}


@pytest.mark.parametrize("allele", ACTIVITY_VALUES["CYP2D6"])
def test_former_activity_values_differ_only_where_cpic_revised_them(allele):
    value = FORMER_CYP2D6_VALUES.get(allele, ACTIVITY_VALUES["CYP2D6"][allele])
    assert pgx.former_activity_value("CYP2D6", allele) == value
    assert pgx.former_activity_value("cyp2d6", f"{allele}x2") == 2 * value


def test_former_activity_values_of_other_genes_are_the_current_ones():
    for gene in ("CYP2C9", "DPYD"):
        for allele, value in ACTIVITY_VALUES[gene].items():
            assert pgx.former_activity_value(gene, allele) == value
    with pytest.raises(ValueError, match="no activity score"):
        pgx.former_activity_value("CYP2C19", "*2")
    with pytest.raises(ValueError, match="'\\*17'"):
        pgx.former_activity_value("CYP2D6", "*99")


def test_the_activity_value_history_names_revised_alleles_once():
    history = load_table("pgx_activity_value_history")
    assert not history.duplicated(["gene", "allele"]).any()
    for row in history.itertuples():
        assert row.activity_value != pgx.activity_value(row.gene, row.allele), row
        assert row.changed_by in source_of("pgx_activity_value_history")["citations"]


# --- phenotypes ---------------------------------------------------------------

CYP2C19 = {
    "Ultrarapid Metabolizer": ["*17/*17"],
    "Rapid Metabolizer": ["*1/*17"],
    "Normal Metabolizer": ["*1/*1"],
    "Intermediate Metabolizer": ["*1/*2", "*2/*17", "*1/*3", "*3/*17"],
    "Likely Intermediate Metabolizer": ["*1/*9", "*10/*17", "*9/*10", "*9/*9"],
    "Likely Poor Metabolizer": ["*2/*9", "*3/*10"],
    "Poor Metabolizer": ["*2/*2", "*2/*3"],
    "Indeterminate": ["*1/*12", "*2/*12", "*12/*17", "*12/*12", "*9/*12"],
}
CYP2D6 = {
    "Poor Metabolizer": ["*4/*4", "*3/*5", "*4/*4x2"],
    "Intermediate Metabolizer": ["*1/*4", "*4/*10", "*4/*41", "*10/*10", "*4/*17", "*9/*9",
                                 "*5/*1x1", "*4/*10x2", "*17/*17", "*10/*10x2"],
    "Normal Metabolizer": ["*1/*1", "*1/*2", "*1/*10", "*1/*29", "*4/*1x2", "*2/*41"],
    "Ultrarapid Metabolizer": ["*1/*1x2", "*2x2/*35", "*1/*17x3"],
    "Indeterminate": ["*1/*22", "*4/*22", "*22x2/*1"],
}  # fmt: skip
CYP2C9 = {
    "Normal Metabolizer": ["*1/*1"],
    "Intermediate Metabolizer": ["*1/*2", "*1/*3", "*2/*2", "*1/*8", "*2/*11"],
    "Poor Metabolizer": ["*2/*3", "*3/*3", "*3/*6", "*5/*6"],
}
TPMT = {
    "Normal Metabolizer": ["*1/*1"],
    "Intermediate Metabolizer": ["*1/*2", "*1/*3A", "*1/*3C"],
    "Possible Intermediate Metabolizer": ["*3A/*8", "*2/*8"],
    "Poor Metabolizer": ["*3A/*3A", "*3A/*3C", "*2/*3B"],
    "Indeterminate": ["*1/*8", "*8/*8"],
}
NUDT15 = {
    "Normal Metabolizer": ["*1/*1"],
    "Intermediate Metabolizer": ["*1/*3", "*1/*2"],
    "Possible Intermediate Metabolizer": ["*3/*4"],
    "Poor Metabolizer": ["*3/*3", "*2/*3"],
    "Indeterminate": ["*1/*4", "*4/*4"],
}
DPYD = {
    "Normal Metabolizer": ["Reference/Reference"],
    "Intermediate Metabolizer": ["Reference/c.1905+1G>A", "Reference/c.2846A>T",
                                 "c.2846A>T/HapB3", "Reference/*13"],
    "Poor Metabolizer": ["*2A/*2A", "c.1905+1G>A/c.2846A>T", "*13/HapB3"],
}  # fmt: skip
SLCO1B1 = {
    "Increased Function": ["*14/*14"],
    "Normal Function": ["*1/*1", "*1/*14", "*1/*37", "*37/*37"],
    "Decreased Function": ["*1/*5", "*1/*15", "*14/*15", "*15/*37"],
    "Possible Decreased Function": ["*10/*15", "*5/*10"],
    "Poor Function": ["*5/*5", "*5/*15", "*15/*15"],
    "Indeterminate": ["*1/*10", "*10/*14", "*10/*10"],
}
CASES = [
    (gene, diplotype, term)
    for gene, table in [
        ("CYP2C19", CYP2C19),
        ("CYP2D6", CYP2D6),
        ("CYP2C9", CYP2C9),
        ("TPMT", TPMT),
        ("NUDT15", NUDT15),
        ("DPYD", DPYD),
        ("SLCO1B1", SLCO1B1),
    ]
    for term, diplotypes in table.items()
    for diplotype in diplotypes
]


@pytest.mark.parametrize(("gene", "diplotype", "term"), CASES)
def test_phenotype_follows_cpic_in_either_allele_order(gene, diplotype, term):
    first, second = diplotype.split("/")
    assert pgx.phenotype(gene, diplotype) == term
    assert pgx.phenotype(gene, f"{second}/{first}") == term


def test_every_function_pair_rule_is_reachable_and_tested():
    """Each rule of the data table is met by at least one diplotype above."""
    rules = load_table("pgx_function_phenotypes")
    tested = {(g, t) for g, _, t in CASES}
    for rule in rules.itertuples():
        assert (rule.gene, rule.phenotype) in tested, rule


def test_every_function_pair_of_a_gene_has_exactly_one_rule():
    rules = load_table("pgx_function_phenotypes")
    for gene, group in rules.groupby("gene"):
        functions = {pgx.allele_function(gene, a) for a in pgx.alleles(gene)}
        pairs = {frozenset(p) for p in itertools.combinations_with_replacement(functions, 2)}
        covered = [frozenset((r.function_1, r.function_2)) for r in group.itertuples()]
        assert sorted(map(sorted, covered)) == sorted(map(sorted, set(covered)))
        assert set(covered) == pairs, gene


@pytest.mark.parametrize(
    ("diplotype", "score"),
    [("*1/*1", 2.0), ("*1/*4", 1.0), ("*4/*4", 0.0), ("*1/*1x2", 3.0), ("*10/*41", 0.5)],
)
def test_cyp2d6_activity_scores_of_the_reference_examples(diplotype, score):
    assert pgx.activity_score("CYP2D6", diplotype) == score


def test_an_allele_without_activity_value_gives_no_score():
    assert math.isnan(pgx.activity_score("CYP2D6", "*1/*22"))


def test_cyp2c9_and_dpyd_activity_scores():
    assert pgx.activity_score("CYP2C9", "*1/*2") == 1.5
    assert pgx.phenotype("CYP2C9", "*1/*2") == "Intermediate Metabolizer"
    assert pgx.activity_score("DPYD", "HapB3/c.2846A>T") == 1.0


def test_hla_b_is_positive_with_at_least_one_copy():
    assert pgx.phenotype("HLA-B*57:01", "*57:01/*07:02") == "positive"
    assert pgx.phenotype("HLA-B*57:01", "*07:02/*57:01:01") == "positive"
    assert pgx.phenotype("HLA-B*57:01", "*57:01/*57:01") == "positive"
    assert pgx.phenotype("HLA-B*57:01", "*58:01/*07:02") == "negative"
    assert pgx.phenotype("HLA-B*58:01", "*58:01/*44:02") == "positive"


def test_gene_names_are_case_insensitive_and_whitespace_is_ignored():
    assert pgx.phenotype("cyp2c19", " *2 / *1 ") == "Intermediate Metabolizer"


# --- errors that teach ----------------------------------------------------------


@pytest.mark.parametrize(
    ("gene", "diplotype", "words"),
    [
        ("CYP2C19", "*1*2", ["'/'", "'*1/*2'"]),
        ("CYP2C19", "*1/*2/*3", ["'/'"]),
        ("CYP2C19", "*1/", ["'/'"]),
        ("CYP2C19", "*1/*99", ["*99", "'*17'"]),
        ("CYP2C19", "1/2", ["did you mean '*1'"]),
        ("CYP2C19", "*1/*2x2", ["CYP2D6 only"]),
        ("CYP2D6", "*1/*1xN", ["how many copies"]),
        ("CYP3A5", "*1/*1", ["Unknown gene", "'CYP2D6'"]),
        ("HLA-B", "*57:01/*07:02", ["HLA-B*57:01"]),
        ("HLA-B*57:01", "positive/negative", ["'*57:01'"]),
        ("VKORC1", "G/A", ["warfarin"]),
    ],
)
def test_bad_input_raises_a_value_error_that_says_what_to_write(gene, diplotype, words):
    with pytest.raises(ValueError) as error:
        pgx.phenotype(gene, diplotype)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("value", [None, 12, ["*1", "*2"]])
def test_wrong_types_raise_type_error(value):
    with pytest.raises(TypeError):
        pgx.phenotype("CYP2C19", value)


def test_activity_score_only_for_activity_genes():
    with pytest.raises(ValueError, match="CYP2D6"):
        pgx.activity_score("CYP2C19", "*1/*2")


# --- recommendations --------------------------------------------------------------

EXPECTED_ACTIONS = [
    ("clopidogrel", {"CYP2C19": "*17/*17"}, "standard", "75 mg/day"),
    ("clopidogrel", {"CYP2C19": "*1/*17"}, "standard", "75 mg/day"),
    ("clopidogrel", {"CYP2C19": "*1/*1"}, "standard", "75 mg/day"),
    ("clopidogrel", {"CYP2C19": "*1/*2"}, "change drug", "prasugrel or ticagrelor"),
    ("clopidogrel", {"CYP2C19": "*1/*9"}, "change drug", "prasugrel or ticagrelor"),
    ("clopidogrel", {"CYP2C19": "*2/*2"}, "change drug", "prasugrel or ticagrelor"),
    ("clopidogrel", {"CYP2C19": "*2/*10"}, "change drug", "prasugrel or ticagrelor"),
    ("clopidogrel", {"CYP2C19": "*1/*12"}, "no recommendation", "indeterminate"),
    ("citalopram", {"CYP2C19": "*17/*17"}, "change drug", "alternative"),
    ("citalopram", {"CYP2C19": "*1/*17"}, "standard", "recommended starting dose"),
    ("citalopram", {"CYP2C19": "*1/*1"}, "standard", "recommended starting dose"),
    ("citalopram", {"CYP2C19": "*1/*2"}, "standard", "slower titration"),
    ("citalopram", {"CYP2C19": "*2/*2"}, "change drug", "50% lower"),
    ("escitalopram", {"CYP2C19": "*2/*3"}, "change drug", "50% lower"),
    ("escitalopram", {"CYP2C19": "*17/*17"}, "change drug", "alternative"),
    ("codeine", {"CYP2D6": "*1/*1x2"}, "change drug", "toxicity"),
    ("codeine", {"CYP2D6": "*1/*1"}, "standard", "label"),
    ("codeine", {"CYP2D6": "*1/*4"}, "standard", "other than tramadol"),
    ("codeine", {"CYP2D6": "*4/*5"}, "change drug", "greatly reduced"),
    ("tramadol", {"CYP2D6": "*2x2/*1"}, "change drug", "toxicity"),
    ("tramadol", {"CYP2D6": "*1/*2"}, "standard", "label"),
    ("tramadol", {"CYP2D6": "*4/*41"}, "standard", "other than codeine"),
    ("tramadol", {"CYP2D6": "*4/*4"}, "change drug", "greatly reduced"),
    ("warfarin", {"CYP2C9": "*1/*1", "VKORC1": "GG"}, "dose by algorithm", "algorithm"),
    ("warfarin", {"CYP2C9": "*1/*3", "VKORC1": "A/G"}, "dose by algorithm", "algorithm"),
    ("warfarin", {"CYP2C9": "*3/*3", "VKORC1": "AA"}, "change drug", "alternative"),
    ("fluorouracil", {"DPYD": "Reference/Reference"}, "standard", "label"),
    ("fluorouracil", {"DPYD": "Reference/HapB3"}, "adjust dose", "50%"),
    ("capecitabine", {"DPYD": "Reference/*2A"}, "adjust dose", "50%"),
    ("capecitabine", {"DPYD": "*2A/c.2846A>T"}, "change drug", "strongly reduced dose"),
    ("capecitabine", {"DPYD": "*2A/*13"}, "change drug", "Avoid"),
    ("mercaptopurine", {"TPMT": "*1/*1", "NUDT15": "*1/*1"}, "standard", "normal starting"),
    ("mercaptopurine", {"TPMT": "*1/*3A", "NUDT15": "*1/*1"}, "adjust dose", "30-80%"),
    ("mercaptopurine", {"TPMT": "*1/*1", "NUDT15": "*1/*3"}, "adjust dose", "30-80%"),
    ("mercaptopurine", {"TPMT": "*3A/*8", "NUDT15": "*1/*1"}, "adjust dose", "30-80%"),
    ("azathioprine", {"TPMT": "*3A/*3A", "NUDT15": "*1/*1"}, "adjust dose", "drastically"),
    ("azathioprine", {"TPMT": "*1/*3C", "NUDT15": "*3/*3"}, "adjust dose", "drastically"),
    ("simvastatin", {"SLCO1B1": "*1/*1"}, "standard", "desired starting dose"),
    ("simvastatin", {"SLCO1B1": "*14/*14"}, "standard", "desired starting dose"),
    ("simvastatin", {"SLCO1B1": "*1/*5"}, "change drug", "below 20 mg"),
    ("simvastatin", {"SLCO1B1": "*10/*15"}, "change drug", "alternative statin"),
    ("simvastatin", {"SLCO1B1": "*5/*15"}, "change drug", "alternative statin"),
    ("atorvastatin", {"SLCO1B1": "*1/*15"}, "adjust dose", "40 mg"),
    ("atorvastatin", {"SLCO1B1": "*15/*15"}, "adjust dose", "20 mg"),
    ("atorvastatin", {"SLCO1B1": "*1/*37"}, "standard", "desired starting dose"),
    ("abacavir", {"HLA_B": "*57:01/*07:02"}, "change drug", "not recommended"),
    ("abacavir", {"HLA-B*57:01": "negative"}, "standard", "standard dosing"),
    ("allopurinol", {"HLA_B": "*58:01/*58:01"}, "change drug", "should not be used"),
    ("allopurinol", {"HLA_B": "*57:01/*07:02"}, "standard", "standard dosing"),
]


@pytest.mark.parametrize(("drug", "genes", "action", "words"), EXPECTED_ACTIONS)
def test_recommendation_for_each_drug_and_phenotype(drug, genes, action, words):
    advice = pgx.recommendation(drug, genes)
    assert advice.action == action
    assert words.lower() in advice.text.lower()
    assert advice.pmid and advice.guideline.startswith("CPIC")
    assert advice.changes_prescription == (action in ("adjust dose", "change drug"))
    assert advice.guides_starting_dose == (action == "dose by algorithm")


UM, RM, NM = "Ultrarapid Metabolizer", "Rapid Metabolizer", "Normal Metabolizer"
IM, LIM, PIM = (
    "Intermediate Metabolizer",
    "Likely Intermediate Metabolizer",
    ("Possible Intermediate Metabolizer"),
)
PM, LPM, IND = "Poor Metabolizer", "Likely Poor Metabolizer", "Indeterminate"
STATIN_STANDARD = {"Increased Function": "standard", "Normal Function": "standard"}
# Hand-written from reference/pgx.md: drug -> gene -> phenotype -> action.
ACTIONS_BY_PHENOTYPE = {
    "clopidogrel": {"CYP2C19": {UM: "standard", RM: "standard", NM: "standard",
                                IM: "change drug", LIM: "change drug", PM: "change drug",
                                LPM: "change drug", IND: "no recommendation"}},
    "citalopram": {"CYP2C19": {UM: "change drug", RM: "standard", NM: "standard",
                               IM: "standard", LIM: "standard", PM: "change drug",
                               LPM: "change drug", IND: "no recommendation"}},
    "codeine": {"CYP2D6": {UM: "change drug", NM: "standard", IM: "standard",
                           PM: "change drug", IND: "no recommendation"}},
    "warfarin": {"CYP2C9": {NM: "dose by algorithm", IM: "dose by algorithm",
                            PM: "change drug", IND: "no recommendation"}},
    "fluorouracil": {"DPYD": {NM: "standard", IM: "adjust dose", PM: "change drug",
                              IND: "no recommendation"}},
    "mercaptopurine": {gene: {NM: "standard", IM: "adjust dose", PIM: "adjust dose",
                              PM: "adjust dose", IND: "no recommendation"}
                       for gene in ("TPMT", "NUDT15")},
    "simvastatin": {"SLCO1B1": {**STATIN_STANDARD, "Decreased Function": "change drug",
                                "Possible Decreased Function": "change drug",
                                "Poor Function": "change drug", IND: "no recommendation"}},
    "atorvastatin": {"SLCO1B1": {**STATIN_STANDARD, "Decreased Function": "adjust dose",
                                 "Possible Decreased Function": "adjust dose",
                                 "Poor Function": "adjust dose", IND: "no recommendation"}},
    "abacavir": {"HLA-B*57:01": {"positive": "change drug", "negative": "standard"}},
    "allopurinol": {"HLA-B*58:01": {"positive": "change drug", "negative": "standard"}},
}  # fmt: skip
SAME_AS = {"escitalopram": "citalopram", "tramadol": "codeine", "capecitabine": "fluorouracil",
           "azathioprine": "mercaptopurine"}  # fmt: skip
OTHER_GENES_NORMAL = {"warfarin": {"VKORC1": "GG"}, "mercaptopurine": {}, "azathioprine": {}}


def _expected_rows():
    for drug in pgx.drugs():
        for gene, actions in ACTIONS_BY_PHENOTYPE[SAME_AS.get(drug, drug)].items():
            for term, action in actions.items():
                yield drug, gene, term, action


@pytest.mark.parametrize(("drug", "gene", "term", "action"), list(_expected_rows()))
def test_every_drug_and_phenotype_gets_the_cpic_action(drug, gene, term, action):
    others = {"TPMT": NM, "NUDT15": NM} if drug in OTHER_GENES_NORMAL else {}
    others |= OTHER_GENES_NORMAL.get(drug, {})
    advice = pgx.recommendation(drug, others | {gene: term})
    assert advice.action == action


def test_the_hand_written_actions_cover_the_whole_table():
    table = load_table("pgx_recommendations")
    rows = {(r.drug, r.gene, r.phenotype, r.action) for r in table.itertuples()}
    assert rows == set(_expected_rows())
    assert not table.duplicated(
        ["drug", "gene", "phenotype", "indication", "activity_score"]
    ).any()


def test_phenotype_terms_are_accepted_instead_of_diplotypes():
    by_term = pgx.recommendation("clopidogrel", {"CYP2C19": "Intermediate Metabolizer"})
    by_british_term = pgx.recommendation("clopidogrel", {"CYP2C19": "poor metaboliser"})
    assert by_term.text == pgx.recommendation("clopidogrel", {"CYP2C19": "*1/*2"}).text
    assert by_british_term.phenotypes == {"CYP2C19": "Poor Metabolizer"}


def test_likely_phenotypes_take_the_recommendation_they_qualify():
    likely = pgx.recommendation("clopidogrel", {"CYP2C19": "*1/*10"})
    assert likely.phenotypes["CYP2C19"] == "Likely Intermediate Metabolizer"
    assert likely.text == pgx.recommendation("clopidogrel", {"CYP2C19": "*1/*2"}).text


def test_a_whole_profile_can_be_passed_and_extra_genes_are_ignored():
    profile = {"patient_id": "PM-000001", "ancestry": "EUR", "CYP2C19": "*1/*2",
               "CYP2D6": "*1/*1", "SLCO1B1": "*1/*1"}  # fmt: skip
    assert pgx.recommendation("codeine", profile).phenotypes == {"CYP2D6": "Normal Metabolizer"}
    row = pd.Series(profile)  # a row of a diplotype table
    assert pgx.recommendation("codeine", row).phenotypes == {"CYP2D6": "Normal Metabolizer"}


def test_missing_gene_or_unknown_drug_says_how_to_call_it():
    with pytest.raises(ValueError, match=r"needs VKORC1.*'VKORC1': '\.\.\.'"):
        pgx.recommendation("warfarin", {"CYP2C9": "*1/*1"})
    with pytest.raises(ValueError, match="'clopidogrel'"):
        pgx.recommendation("aspirin", {"CYP2C19": "*1/*1"})
    with pytest.raises(ValueError, match="Unknown gene"):
        pgx.recommendation("codeine", {"CYP2D7": "*1/*1"})
    with pytest.raises(ValueError, match="Poor Metabolizer"):
        pgx.recommendation("codeine", {"CYP2D6": "slow"})


def test_genes_as_keywords_raise_a_type_error_that_shows_the_dictionary():
    with pytest.raises(TypeError) as error:
        pgx.recommendation("abacavir", HLA_B="*57:01/*07:02")
    assert "recommendation('abacavir', {'HLA-B': '*57:01/*07:02'})" in str(error.value)
    with pytest.raises(TypeError, match="dictionary"):
        pgx.recommendation("clopidogrel")
    with pytest.raises(TypeError, match=r"\{'CYP2C19': '\*1/\*2'\}.*got '\*1/\*2'"):
        pgx.recommendation("clopidogrel", "*1/*2")


# reference/pgx.md: the genes each guideline uses.
GENES_OF = {"warfarin": {"CYP2C9", "VKORC1"}, "mercaptopurine": {"TPMT", "NUDT15"},
            "azathioprine": {"TPMT", "NUDT15"}, "abacavir": {"HLA-B*57:01"},
            "allopurinol": {"HLA-B*58:01"}, "codeine": {"CYP2D6"}, "tramadol": {"CYP2D6"},
            "fluorouracil": {"DPYD"}, "capecitabine": {"DPYD"}, "simvastatin": {"SLCO1B1"},
            "atorvastatin": {"SLCO1B1"}} | {
    drug: {"CYP2C19"} for drug in ("clopidogrel", "citalopram", "escitalopram")}  # fmt: skip
PANEL = {"CYP2C19": "*1/*1", "CYP2D6": "*1/*1", "CYP2C9": "*1/*1", "VKORC1": "GG",
         "TPMT": "*1/*1", "NUDT15": "*1/*1", "DPYD": "Reference/Reference",
         "SLCO1B1": "*1/*1", "HLA-B": "*07:02/*44:02"}  # fmt: skip


@pytest.mark.parametrize("drug", sorted(GENES_OF))
def test_each_drug_uses_the_genes_of_its_guideline(drug):
    assert pgx.drugs() == sorted(GENES_OF)
    assert set(pgx.recommendation(drug, PANEL).phenotypes) == GENES_OF[drug]
    for gene in GENES_OF[drug]:
        untested = gene.split("*")[0]  # the panel names HLA-B without the allele
        assert not pgx.has_recommendation(drug, {g: v for g, v in PANEL.items() if g != untested})


def test_the_hla_b_result_is_read_as_the_allele_each_drug_needs():
    assert pgx.HLA_B_TESTS == ("HLA-B*57:01", "HLA-B*58:01")
    profile = {"HLA-B": "*57:01/*07:02"}
    assert pgx.recommendation("abacavir", profile).phenotypes == {"HLA-B*57:01": "positive"}
    assert pgx.recommendation("allopurinol", profile).phenotypes == {"HLA-B*58:01": "negative"}


def test_the_vkorc1_genotype_is_shown_beside_the_warfarin_advice():
    for genotype in ("GG", "GA", "AA"):
        advice = pgx.recommendation("warfarin", {"CYP2C9": "*1/*1", "VKORC1": genotype})
        assert advice.phenotypes["VKORC1"] == f"-1639 {genotype}"
        assert advice.action == "dose by algorithm"  # VKORC1 does not choose the advice


THIOPURINE_TERMS = [NM, IM, PIM, PM, IND]
# The course's convention: the more cautious advice of the two genes is shown.
CAUTION = ["standard", "no recommendation", "adjust dose"]
THIOPURINE_ACTION = {NM: "standard", IM: "adjust dose", PIM: "adjust dose", PM: "adjust dose",
                     IND: "no recommendation"}  # fmt: skip


@pytest.mark.parametrize(("tpmt", "nudt15"), list(itertools.product(THIOPURINE_TERMS, repeat=2)))
def test_thiopurine_advice_follows_the_more_affected_gene(tpmt, nudt15):
    advice = pgx.recommendation("mercaptopurine", {"TPMT": tpmt, "NUDT15": nudt15})
    action = max(THIOPURINE_ACTION[tpmt], THIOPURINE_ACTION[nudt15], key=CAUTION.index)
    assert advice.action == action
    assert ("drastically" in advice.text) == (PM in (tpmt, nudt15))
    assert ("20-50%" in advice.text) == ({tpmt, nudt15} <= {IM, PIM})
    n_intermediate = sum(term in (IM, PIM) for term in (tpmt, nudt15))
    assert ("30-80%" in advice.text) == (n_intermediate == 1 and PM not in (tpmt, nudt15))
    assert advice.phenotypes == {"TPMT": tpmt, "NUDT15": nudt15}


def test_every_action_and_phenotype_of_the_tables_is_defined():
    actions = load_table("pgx_actions")
    assert actions["rank"].is_unique
    terms = set(load_table("pgx_phenotypes")["phenotype"])
    recommendations = load_table("pgx_recommendations")
    assert set(recommendations["action"]) == set(actions["action"])
    for name in ("pgx_recommendations", "pgx_function_phenotypes", "pgx_activity_phenotypes"):
        assert set(load_table(name)["phenotype"]) <= terms, name
    drug_genes = load_table("pgx_drug_genes")
    by_phenotype = drug_genes[drug_genes["result"] == "phenotype"]
    assert set(zip(by_phenotype["drug"], by_phenotype["gene"], strict=True)) == set(
        zip(recommendations["drug"], recommendations["gene"], strict=True)
    )


def test_severity_follows_cpic_order_of_the_activity_score():
    """A higher activity score never means a more severe phenotype (CPIC's ranges)."""
    severity = load_table("pgx_phenotypes").set_index("phenotype")["severity"]
    rules = load_table("pgx_activity_phenotypes")
    for gene, group in rules.groupby("gene"):
        ordered = severity[group.sort_values("min_score")["phenotype"]].tolist()
        assert ordered == sorted(ordered, reverse=True), gene


def test_recommendation_shows_its_source():
    advice = pgx.recommendation("clopidogrel", {"CYP2C19": "*2/*2"})
    assert "PMID 35034351" in str(advice)
    assert "35034351" in advice._repr_html_()


def test_drug_gene_alerts_lists_only_drugs_whose_prescription_changes():
    profile = {"CYP2C19": "*1/*2", "CYP2D6": "*1/*1", "SLCO1B1": "*1/*5", "DPYD": float("nan")}
    alerts = pgx.drug_gene_alerts(
        ["Clopidogrel", "codeine", "simvastatin", "paracetamol", "capecitabine"], profile
    )
    assert alerts["drug"].tolist() == ["clopidogrel", "simvastatin"]
    assert list(alerts.columns) == [
        "drug", "genes", "action", "strength", "indication", "recommendation"
    ]  # fmt: skip
    assert alerts["indication"].tolist() == ["cardiovascular", ""]


def test_tables_record_the_cpic_data_version():
    for name in ("pgx_alleles", "pgx_function_phenotypes", "pgx_activity_phenotypes",
                 "pgx_recommendations"):  # fmt: skip
        assert "2025-11-05" in source_of(name)["version"]


# --- issue 10: CPIC 2023 SSRIs, strength and indication, warfarin, DPYD, thiopurines --------


@pytest.mark.parametrize("drug", ["citalopram", "escitalopram"])
def test_ssri_rapid_and_intermediate_start_at_the_usual_dose_cpic_2023(drug):
    rapid = pgx.recommendation(drug, {"CYP2C19": "*1/*17"})
    assert not rapid.changes_prescription and "starting dose" in rapid.text
    assert "higher maintenance dose" in rapid.text  # titrate by response
    intermediate = pgx.recommendation(drug, {"CYP2C19": "*1/*2"})
    assert not intermediate.changes_prescription
    assert (
        "slower titration" in intermediate.text and "lower maintenance dose" in intermediate.text
    )
    for advice in (rapid, intermediate):
        assert advice.pmid == "37032427" and advice.citation == "cpic_ssri2023"
        assert "2023" in advice.guideline
    assert "Bousman" in source_of("pgx_recommendations")["version"]


# Strengths from the guidelines' recommendation tables (see sources.json); "" = not verified.
STRENGTHS = [
    ("clopidogrel", {"CYP2C19": "*1/*1"}, "cardiovascular", "Strong"),
    ("clopidogrel", {"CYP2C19": "*1/*2"}, "cardiovascular", "Strong"),
    ("clopidogrel", {"CYP2C19": "*2/*2"}, "cardiovascular", "Strong"),
    ("clopidogrel", {"CYP2C19": "*1/*2"}, "neurovascular", "Moderate"),
    ("clopidogrel", {"CYP2C19": "*2/*2"}, "neurovascular", "Moderate"),
    ("clopidogrel", {"CYP2C19": "*1/*12"}, None, "No recommendation"),
    ("citalopram", {"CYP2C19": "*1/*2"}, None, "Moderate"),
    ("citalopram", {"CYP2C19": "*2/*2"}, None, "Strong"),
    ("codeine", {"CYP2D6": "*1/*4"}, None, "Moderate"),
    ("tramadol", {"CYP2D6": "*1/*4"}, None, "Optional"),
    ("codeine", {"CYP2D6": "*4/*4"}, None, "Strong"),
    ("fluorouracil", {"DPYD": "Reference/c.2846A>T"}, None, "Moderate"),  # score 1.5
    ("fluorouracil", {"DPYD": "Reference/*2A"}, None, "Strong"),  # score 1
    ("capecitabine", {"DPYD": "*2A/HapB3"}, None, "Strong"),  # score 0.5
    ("mercaptopurine", {"TPMT": "*1/*3A", "NUDT15": "*1/*1"}, None, "Strong"),
    ("simvastatin", {"SLCO1B1": "*1/*5"}, None, "Strong"),
    ("abacavir", {"HLA-B": "*57:01/*07:02"}, None, "Strong"),
    ("warfarin", {"CYP2C9": "*1/*1", "VKORC1": "GG"}, None, ""),
]


@pytest.mark.parametrize(("drug", "genes", "indication", "strength"), STRENGTHS)
def test_each_recommendation_carries_cpics_strength(drug, genes, indication, strength):
    advice = pgx.recommendation(drug, genes, indication)
    assert advice.strength == strength
    assert f"CPIC strength: {strength or 'not recorded'}" in str(advice)
    assert (strength or "not recorded") in advice._repr_html_()


def test_strengths_and_indications_use_cpics_terms():
    table = load_table("pgx_recommendations")
    assert set(table["strength"].dropna()) <= {
        "Strong",
        "Moderate",
        "Optional",
        "No recommendation",
    }
    indeterminate = table["phenotype"] == "Indeterminate"
    assert (table.loc[indeterminate, "strength"] == "No recommendation").all()
    assert set(table.loc[table["indication"].notna(), "drug"]) == {"clopidogrel"}
    assert set(table["indication"].dropna()) == {"cardiovascular", "neurovascular"}


def test_clopidogrel_advice_depends_on_the_indication():
    im = {"CYP2C19": "*1/*2"}
    cardio = pgx.recommendation("clopidogrel", im, "cardiovascular")
    neuro = pgx.recommendation("clopidogrel", im, indication="Neurovascular")
    assert "prasugrel or ticagrelor" in cardio.text
    assert "ticagrelor" in neuro.text and "prasugrel, which is contraindicated" in neuro.text
    assert (cardio.indication, neuro.indication) == ("cardiovascular", "neurovascular")
    assert "Indication: neurovascular" in str(neuro)
    default = pgx.recommendation("clopidogrel", im)
    assert default.text == cardio.text and default.indication == "cardiovascular"
    assert any("No indication was given" in note for note in default.notes)
    assert not cardio.notes
    with pytest.raises(ValueError, match="'cardiovascular', 'neurovascular'"):
        pgx.recommendation("clopidogrel", im, "stroke")
    with pytest.raises(ValueError, match="does not depend on the indication"):
        pgx.recommendation("codeine", {"CYP2D6": "*1/*1"}, "cardiovascular")
    assert pgx.recommendation("codeine", {"CYP2D6": "*1/*1"}).indication == ""


@pytest.mark.parametrize("cyp2c9", ["*1/*1", "*1/*3"])
def test_warfarin_dosed_by_algorithm_is_not_a_changed_prescription(cyp2c9):
    advice = pgx.recommendation("warfarin", {"CYP2C9": cyp2c9, "VKORC1": "AA"})
    assert not advice.changes_prescription and advice.guides_starting_dose
    assert "started" in advice.text
    assert pgx.drug_gene_alerts(["warfarin"], {"CYP2C9": cyp2c9, "VKORC1": "AA"}).empty


def test_warfarin_cyp2c9_poor_metabolizer_considers_another_drug():
    advice = pgx.recommendation("warfarin", {"CYP2C9": "*3/*3", "VKORC1": "GG"})
    assert advice.changes_prescription and not advice.guides_starting_dose
    assert advice.action == "change drug" and "alternative anticoagulant" in advice.text


def test_dpyd_hapb3_is_named_by_its_causal_variant_not_the_tag():
    row = load_table("pgx_alleles").set_index(["gene", "allele"]).loc[("DPYD", "c.1129-5923C>G")]
    assert row["defining_variant"].startswith("rs75017182")
    assert "causal" in row["defining_variant"] and "c.1236G>A" in row["defining_variant"]
    assert "c.1236G>A" not in str(row["aliases"])  # the tag is not the allele
    with pytest.raises(ValueError, match="no allele 'c.1236G>A'"):
        pgx.allele_function("DPYD", "c.1236G>A")
    assert "turner2024" in source_of("pgx_alleles")["citations"]


@pytest.mark.parametrize("drug", ["fluorouracil", "capecitabine"])
def test_dpyd_poor_metabolizer_advice_depends_on_the_activity_score(drug):
    half = pgx.recommendation(drug, {"DPYD": "c.1905+1G>A/c.2846A>T"})  # score 0.5
    zero = pgx.recommendation(drug, {"DPYD": "c.1905+1G>A/c.1679T>G"})  # score 0
    assert half.phenotypes == zero.phenotypes == {"DPYD": "Poor Metabolizer"}
    assert "Avoid" in half.text and "strongly reduced dose" in half.text
    assert "drug-level monitoring" in half.text
    assert "Avoid" in zero.text and "reduced dose" not in zero.text
    by_term = pgx.recommendation(drug, {"DPYD": "Poor Metabolizer"})
    assert by_term.text == zero.text  # the most cautious, and a note says why
    assert any("activity score" in note for note in by_term.notes)


def test_thiopurines_combined_intermediate_needs_a_larger_reduction():
    both = pgx.recommendation("azathioprine", {"TPMT": "*1/*3A", "NUDT15": "*1/*3"})
    one = pgx.recommendation("azathioprine", {"TPMT": "*1/*3A", "NUDT15": "*1/*1"})
    assert "20-50%" in both.text and "30-80%" in one.text
    assert both.strength == "Strong" and "2024" in both.guideline
    assert both.citation in source_of("pgx_combined_recommendations")["citations"]


# --- phenoconversion ----------------------------------------------------------------

# FDA Table of Substrates, Inhibitors and Inducers (reference/pgx.md, issue 10).
STRONG_INHIBITORS = {
    "CYP2D6": {"paroxetine", "fluoxetine", "bupropion", "quinidine"},
    "CYP2C19": {"fluvoxamine", "fluconazole", "ticlopidine", "fluoxetine"},
}


@pytest.mark.parametrize("gene", sorted(STRONG_INHIBITORS))
def test_the_inhibitor_table_lists_the_fdas_strong_inhibitors(gene):
    table = pgx.inhibitors(gene)
    assert set(table.loc[table["strength"] == "strong", "drug"]) == STRONG_INHIBITORS[gene]
    assert set(table["strength"]) == {"strong", "moderate"}
    assert set(pgx.inhibitors()["gene"]) == set(STRONG_INHIBITORS)
    assert {"omeprazole", "esomeprazole"} <= set(pgx.inhibitors("cyp2c19")["drug"])


def test_a_strong_cyp2d6_inhibitor_makes_a_normal_metabolizer_poor():
    advice = pgx.recommendation("codeine", {"CYP2D6": "*1/*1"}, medications=["Paroxetine"])
    assert advice.phenotypes == {"CYP2D6": "Poor Metabolizer"}
    assert advice.genotype_phenotypes == {"CYP2D6": "Normal Metabolizer"}
    assert advice.action == "change drug" and "greatly reduced" in advice.text
    assert "by genotype Normal Metabolizer" in str(advice) and "paroxetine" in str(advice)
    alone = pgx.recommendation("codeine", {"CYP2D6": "*1/*1"})
    assert alone.action == "standard" and alone.genotype_phenotypes == {}


@pytest.mark.parametrize(
    ("diplotype", "drug", "expected"),
    [
        ("*1/*1", "duloxetine", "Intermediate Metabolizer"),  # 2 x 0.5 = 1.0
        ("*1/*1x2", "duloxetine", "Normal Metabolizer"),  # 3 x 0.5 = 1.5
        ("*1/*1x2", "bupropion", "Poor Metabolizer"),  # 3 x 0 = 0
        ("*1/*1", "metformin", "Normal Metabolizer"),
    ],
)
def test_cyp2d6_inhibitors_multiply_the_activity_score(diplotype, drug, expected):
    # Caudle et al. 2020: x0 for a strong, x0.5 for a moderate inhibitor.
    assert pgx.phenoconverted({"CYP2D6": diplotype}, [drug]) == {"CYP2D6": expected}
    rules = load_table("pgx_phenoconversion").set_index(["gene", "strength"])["score_factor"]
    assert (rules[("CYP2D6", "strong")], rules[("CYP2D6", "moderate")]) == (0, 0.5)


def test_a_strong_cyp2c19_inhibitor_makes_the_patient_behave_as_poor():
    profile = {"patient_id": "PM-000001", "CYP2C19": "*1/*17", "CYP2D6": "*1/*1"}
    behaves = pgx.phenoconverted(profile, ["fluvoxamine", "paracetamol"])
    assert behaves == {"CYP2C19": "Poor Metabolizer", "CYP2D6": "Normal Metabolizer"}
    assert len(behaves.notes) == 1 and "fluvoxamine" in behaves.notes[0]
    moderate = pgx.phenoconverted({"CYP2C19": "*1/*1"}, ["omeprazole"])
    assert moderate == {"CYP2C19": "Normal Metabolizer"} and "omeprazole" in moderate.notes[0]


def test_phenoconversion_with_a_phenotype_only_says_what_is_missing():
    assert pgx.phenoconverted({"CYP2D6": "Normal Metabolizer"}, ["fluoxetine"]) == {
        "CYP2D6": "Poor Metabolizer"
    }
    with pytest.raises(ValueError, match="diplotype"):
        pgx.phenoconverted({"CYP2D6": "Normal Metabolizer"}, ["duloxetine"])
