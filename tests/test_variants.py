import subprocess
import sys

import pandas as pd
import pytest

from pmcourse import datasets, variants
from pmcourse.acmg import CLASSES, acmg_classify, acmg_criteria, acmg_points, parse_criteria
from pmcourse.variants import (
    FAMILIES,
    compound_heterozygous,
    damaging,
    de_novo,
    homozygous_recessive,
    make_trio_variants,
    rank_genes,
    rare,
    trio_genotypes,
    x_linked,
)

P, LP, VUS, LB, B = CLASSES

# Richards 2015 Table 5: every rule, met (left) and one criterion short of it (right).
TABLE_5 = [
    # Pathogenic (i): PVS1 and ...
    (["PVS1", "PS1"], P, ["PVS1"], VUS),
    (["PVS1", "PM1", "PM2"], P, ["PVS1", "PM1"], LP),
    (["PVS1", "PM2", "PP3"], P, ["PVS1", "PP3"], VUS),
    (["PVS1", "PP3", "PP4"], P, ["PVS1", "PP3"], VUS),
    # Pathogenic (ii): >= 2 strong
    (["PS1", "PS3"], P, ["PS3"], VUS),
    # Pathogenic (iii): 1 strong and ...
    (["PS3", "PM1", "PM2", "PM5"], P, ["PS3", "PM1", "PM2"], LP),
    (["PS3", "PM1", "PM2", "PP3", "PP4"], P, ["PS3", "PM1", "PM2", "PP3"], LP),
    (["PS3", "PM2", "PP1", "PP2", "PP3", "PP4"], P, ["PS3", "PM2", "PP1", "PP2", "PP3"], LP),
    # Likely pathogenic
    (["PVS1", "PM2"], LP, ["PVS1"], VUS),
    (["PS2", "PM2"], LP, ["PS2"], VUS),
    (["PS2", "PM1", "PM2"], LP, ["PS2"], VUS),
    (["PS3", "PP3", "PP4"], LP, ["PS3", "PP3"], VUS),
    (["PM1", "PM2", "PM5"], LP, ["PM1", "PM2"], VUS),
    (["PM1", "PM2", "PP3", "PP4"], LP, ["PM1", "PM2", "PP3"], VUS),
    (["PM2", "PP1", "PP2", "PP3", "PP4"], LP, ["PM2", "PP1", "PP2", "PP3"], VUS),
    # Benign and likely benign
    (["BA1"], B, [], VUS),
    (["BS1", "BS2"], B, ["BS1"], VUS),
    (["BS1", "BP4"], LB, ["BS1"], VUS),
    (["BP4", "BP7"], LB, ["BP4"], VUS),
]


@pytest.mark.parametrize(("met", "expected", "below", "below_expected"), TABLE_5)
def test_every_rule_of_table_5_and_one_criterion_below_it(met, expected, below, below_expected):
    assert acmg_classify(met) == expected
    assert acmg_classify(below) == below_expected


def test_a_pathogenic_and_a_benign_rule_together_are_uncertain():
    assert acmg_classify(["PVS1", "PS3", "BA1"]) == VUS
    assert acmg_classify(["PS3", "PM2", "BS1", "BP4"]) == VUS  # LP and LB
    assert acmg_classify(["PVS1", "PM2", "BP4", "BP7"]) == VUS


def test_benign_evidence_meeting_no_benign_rule_does_not_override():
    assert acmg_classify(["PVS1", "PS3", "BP4"]) == P
    assert acmg_classify(["PVS1", "PM2", "BS1"]) == LP


def test_clingen_suffixes_count_at_the_stated_strength():
    assert acmg_classify(["PVS1", "PM2_Supporting"]) == VUS  # PVS1 + 1 PP meets no rule
    assert acmg_classify(["PVS1", "PM2_Supporting", "PP3"]) == P  # PVS1 + 2 PP
    assert acmg_classify(["PVS1_Strong", "PM2"]) == LP  # 1 strong + 1 moderate
    assert acmg_classify(["PS4_Moderate", "PM2"]) == VUS  # two moderate
    assert acmg_classify(["PP3_Strong", "PS3"]) == P  # two strong
    assert acmg_classify(["PM2_supporting", "PP3"]) == VUS
    assert acmg_classify(["PS2_VeryStrong", "PM2"]) == LP
    assert acmg_classify(["BS1_Supporting", "BP4"]) == LB
    assert acmg_classify(["BP4_Strong", "BS1"]) == B


def test_two_very_strong_criteria_count_as_very_strong_and_strong():
    assert acmg_classify(["PVS1", "PS2_VeryStrong"]) == P


def test_empty_evidence_is_uncertain():
    assert acmg_classify([]) == VUS
    assert acmg_points([]) == (0, VUS)


def test_unknown_codes_and_strengths_are_named():
    with pytest.raises(ValueError, match="'PX9' is not an ACMG/AMP criterion"):
        acmg_classify(["PVS1", "PX9"])
    with pytest.raises(ValueError, match="unknown strength 'Medium'"):
        acmg_classify(["PM2_Medium"])
    with pytest.raises(ValueError, match="no very strong level"):
        acmg_classify(["BS1_VeryStrong"])
    with pytest.raises(ValueError, match="no moderate level"):
        acmg_classify(["BP4_Moderate"])
    assert acmg_points(["BP4_Moderate"]) == (-2, LB)


def test_duplicates_count_once_and_two_strengths_of_one_code_are_an_error():
    assert acmg_classify(["PS3", "PS3"]) == VUS
    assert len(parse_criteria(["PS3", "ps3"])) == 1
    with pytest.raises(ValueError, match="PM2 is given twice"):
        acmg_classify(["PM2", "PM2_Supporting"])


def test_a_string_of_codes_reads_like_a_list():
    assert acmg_classify("PVS1, PM2 + PP3") == acmg_classify(["PVS1", "PM2", "PP3"]) == P


def test_criteria_table_holds_the_28_codes_and_their_strengths():
    table = acmg_criteria()
    assert len(table) == 28 and table["code"].is_unique
    counts = table.groupby(["direction", "strength"]).size().to_dict()
    assert counts == {
        ("benign", "stand-alone"): 1,
        ("benign", "strong"): 4,
        ("benign", "supporting"): 7,
        ("pathogenic", "moderate"): 6,
        ("pathogenic", "strong"): 4,
        ("pathogenic", "supporting"): 5,
        ("pathogenic", "very strong"): 1,
    }


@pytest.mark.parametrize(
    ("criteria", "points", "category"),
    [
        (["PVS1", "PS3"], 12, P),
        (["PVS1", "PP3", "PP4"], 10, P),
        (["PS3", "PM2"], 6, LP),
        (["PM2", "PP3"], 3, VUS),
        (["PM2", "PP3", "BP4"], 2, VUS),
        (["BP4"], -1, LB),
        (["BS1", "BP4", "BP7"], -6, LB),
        (["BS1", "BS2"], -8, B),
        (["BA1", "PM2"], 2, B),
    ],
)
def test_points_and_their_categories(criteria, points, category):
    assert acmg_points(criteria) == (points, category)


def test_points_and_table_5_disagree_where_tavtigian_2018_says():
    assert acmg_classify(["PS1", "PS3"]) == P
    assert acmg_points(["PS1", "PS3"]) == (8, LP)
    assert acmg_classify(["PVS1", "PM2"]) == LP
    assert acmg_points(["PVS1", "PM2"]) == (10, P)
    agree = [["PVS1", "PS3"], ["PM1", "PM2", "PM5"], ["BS1", "BS2"], ["PM2"]]
    for criteria in agree:
        assert acmg_classify(criteria) == acmg_points(criteria).category


# --- data and filters -------------------------------------------------------


@pytest.fixture(scope="module")
def trio_variants():
    return make_trio_variants()


def _family(trio_variants, family_id):
    return trio_variants[trio_variants["family_id"] == family_id]


def _planted(family_id):
    return FAMILIES[FAMILIES["family_id"] == family_id]


def test_trio_variants_are_seeded_and_each_family_has_its_own_stream(trio_variants):
    again = make_trio_variants(seed=variants.TRIO_SEED)
    pd.testing.assert_frame_equal(trio_variants, again)
    other = make_trio_variants(seed=1)
    assert not other.equals(trio_variants)
    trios = variants.make_trios()
    alone = make_trio_variants(trios[trios["family_id"] == "FAM-03"])
    pd.testing.assert_frame_equal(alone, _family(trio_variants, "FAM-03").reset_index(drop=True))


def test_trios_are_two_cohort_adults_and_a_new_child(trio_variants):
    trios = datasets.load("trios")
    cohort = datasets.load("cohort").set_index("patient_id")
    parents = trios[trios["role"] != "child"]
    assert parents["patient_id"].isin(cohort.index).all()
    assert (
        cohort.loc[parents["patient_id"], "sex"].astype(str).to_numpy() == parents["sex"]
    ).all()
    children = trios[trios["role"] == "child"]["patient_id"]
    assert not children.isin(cohort.index).any()
    assert children.str.fullmatch(r"PM-9\d{5}").all()
    assert trios.groupby("family_id")["role"].apply(sorted).map(tuple).nunique() == 1
    assert set(trio_variants["patient_id"]) == set(trios["patient_id"])


def test_the_variants_look_like_a_genome(trio_variants):
    for _, family in trio_variants.groupby("family_id"):
        child = family[(family["role"] == "child") & (family["GT"] != "0/0")]
        assert 1000 < len(child) < 3000
        shares = child["consequence"].value_counts(normalize=True)
        assert shares.index[0] == "intron_variant"
        assert shares[["intron_variant", "synonymous_variant"]].sum() > 0.5
        assert 0.02 < (child["population_af"] <= 0.01).mean() < 0.15  # most are common
    assert trio_variants["cadd_phred"].between(0, 60).all()
    lof = trio_variants["consequence"].isin(["stop_gained", "frameshift_variant"])
    assert trio_variants.loc[lof, "cadd_phred"].median() > 25
    assert trio_variants.loc[~lof, "cadd_phred"].median() < 10


def test_men_have_one_x_and_children_follow_mendel(trio_variants):
    men = trio_variants[(trio_variants["sex"] == "male") & (trio_variants["CHROM"] == "chrX")]
    assert len(men) and men["GT"].isin(["0", "1"]).all()
    others = trio_variants.drop(men.index)
    assert others["GT"].isin(["0/0", "0/1", "1/1"]).all()
    for family_id in ["FAM-02", "FAM-03"]:
        trio = trio_genotypes(_family(trio_variants, family_id))
        autosomal = trio[trio["CHROM"] != "chrX"]
        child = autosomal["child"].str.count("1")
        parents = autosomal["mother"].str.count("1") + autosomal["father"].str.count("1")
        artefacts = (child >= 1) & (parents == 0)
        assert artefacts.sum() <= 5  # sequencing errors that look de novo
        assert (child[~artefacts] <= parents[~artefacts]).all()


@pytest.mark.parametrize(
    ("family_id", "model"),
    [
        ("FAM-01", de_novo),
        ("FAM-02", compound_heterozygous),
        ("FAM-03", homozygous_recessive),
        ("FAM-04", x_linked),
    ],
)
def test_the_planted_cause_survives_the_right_filters_and_few_others_do(
    trio_variants, family_id, model
):
    family = _family(trio_variants, family_id)
    kept = model(damaging(rare(family)))
    planted = _planted(family_id)
    causal = kept[kept["gene"].isin(planted["gene"])]
    assert set(planted["consequence"]) <= set(causal["consequence"])
    assert 1 <= kept["gene"].nunique() <= 6
    n_variants = family["POS"].nunique()
    assert len(kept) < n_variants / 100


def test_the_wrong_model_misses_the_cause(trio_variants):
    for family_id, model in [("FAM-01", homozygous_recessive), ("FAM-03", de_novo)]:
        kept = model(damaging(rare(_family(trio_variants, family_id))))
        assert not kept["gene"].isin(_planted(family_id)["gene"]).any()


def test_a_strict_frequency_cut_off_or_synonymous_only_loses_the_cause(trio_variants):
    family = _family(trio_variants, "FAM-03")
    assert "GJB2" not in set(homozygous_recessive(rare(family, max_af=0.0001))["gene"])
    assert "GJB2" not in set(
        homozygous_recessive(damaging(family, ["synonymous_variant"]))["gene"]
    )


def _trio(*rows, child_sex="female", chrom="chr7"):
    """A small trio table: rows of (gene, child, mother, father) genotypes."""
    people = {"child": ("PM-900099", child_sex), "mother": ("PM-000001", "female")}
    people["father"] = ("PM-000002", "male")
    records = []
    for k, (gene, *genotypes) in enumerate(rows):
        for (role, (patient_id, sex)), gt in zip(people.items(), genotypes, strict=True):
            records.append(
                {
                    "family_id": "FAM-99",
                    "patient_id": patient_id,
                    "role": role,
                    "sex": sex,
                    "CHROM": chrom,
                    "POS": 1000 + k,
                    "REF": "A",
                    "ALT": "G",
                    "gene": gene,
                    "consequence": "missense_variant",
                    "population_af": 0.0001,
                    "cadd_phred": 25.0,
                    "GT": gt,
                }
            )
    return pd.DataFrame(records)


def test_compound_heterozygous_needs_one_variant_from_each_parent():
    both = _trio(("CFTR", "0/1", "0/1", "0/0"), ("CFTR", "0/1", "0/0", "0/1"))
    assert len(compound_heterozygous(both)) == 2
    same_parent = _trio(("CFTR", "0/1", "0/1", "0/0"), ("CFTR", "0/1", "0/1", "0/0"))
    assert compound_heterozygous(same_parent).empty
    other_genes = _trio(("CFTR", "0/1", "0/1", "0/0"), ("GJB2", "0/1", "0/0", "0/1"))
    assert compound_heterozygous(other_genes).empty
    both_parents = _trio(("CFTR", "0/1", "0/1", "0/1"), ("CFTR", "0/1", "0/0", "0/1"))
    assert compound_heterozygous(both_parents).empty  # the first may come from either


def test_homozygous_recessive_and_de_novo_on_small_trios():
    trio = _trio(
        ("GJB2", "1/1", "0/1", "0/1"),
        ("GJB2", "1/1", "1/1", "0/1"),  # an unaffected parent with two copies
        ("SCN1A", "0/1", "0/0", "0/0"),
        ("SCN1A", "0/1", "0/0", "./."),  # no call in the father: not counted as absent
    )
    assert homozygous_recessive(trio)["POS"].tolist() == [1000]
    assert de_novo(trio)["POS"].tolist() == [1002]


def test_x_linked_finds_a_boy_s_single_copy_and_nothing_in_a_girl():
    boy = _trio(("DMD", "1", "0/1", "0"), ("DMD", "1", "1/1", "1"), child_sex="male", chrom="chrX")
    assert x_linked(boy)["POS"].tolist() == [1000]
    girl = _trio(("DMD", "0/1", "0/1", "0"), ("DMD", "1/1", "0/1", "1"), chrom="chrX")
    assert x_linked(girl).empty
    assert homozygous_recessive(boy).empty  # a boy's X has no second copy


def test_a_trio_with_a_missing_parent_is_a_clear_error(trio_variants):
    family = _family(trio_variants, "FAM-01")
    for model in (de_novo, homozygous_recessive, compound_heterozygous, x_linked):
        with pytest.raises(ValueError, match="FAM-01 has no father.*both parents"):
            model(family[family["role"] != "father"])
    with pytest.raises(ValueError, match="one family at a time.*2 \\(FAM-01, FAM-02\\)"):
        de_novo(trio_variants[trio_variants["family_id"].isin(["FAM-01", "FAM-02"])])


def test_frequency_and_consequence_filters_check_their_arguments(trio_variants):
    assert len(rare(trio_variants, max_af=1)) == len(trio_variants)
    with pytest.raises(ValueError, match="between 0 and 1.*write 0.01"):
        rare(trio_variants, max_af=5)
    with pytest.raises(ValueError, match="'missense': not consequence terms"):
        damaging(trio_variants, ["missense"])
    assert (
        len(damaging(trio_variants, "stop_gained"))
        == (trio_variants["consequence"] == "stop_gained").sum()
    )


def test_rank_genes_puts_each_child_s_gene_first():
    phenotypes = datasets.load("child_phenotypes")
    for family_id, terms in phenotypes.groupby("family_id")["hpo_id"]:
        ranked = rank_genes(terms)
        assert ranked.iloc[0]["gene"] in set(_planted(family_id)["gene"]), family_id
        assert ranked["score"].is_monotonic_decreasing


def test_rank_genes_ranks_only_the_candidates_given_and_scores_specific_terms_higher():
    ranked = rank_genes(["HP:0001250", "HP:0003391"], genes=["SCN2A", "DMD", "BRCA1"])
    assert ranked["gene"].tolist() == ["DMD", "SCN2A", "BRCA1"]
    assert ranked.set_index("gene").loc["BRCA1", ["n_matched", "score"]].tolist() == [0, 0.0]
    seizure = rank_genes(["HP:0001250"]).iloc[0]["score"]
    gowers = rank_genes(["HP:0003391"]).iloc[0]["score"]
    assert gowers > seizure > 0  # Gowers sign is annotated to fewer genes
    with pytest.raises(ValueError, match="HP:9999999"):
        rank_genes(["HP:9999999"])


def test_hpo_tables_use_real_looking_ids_and_are_consistent():
    terms = variants.hpo_terms()
    assert terms["hpo_id"].str.fullmatch(r"HP:\d{7}").all() and terms["hpo_id"].is_unique
    source = terms.attrs
    assert "release" in source["version"] and "acknowledged" in source["notes"]
    phenotypes = datasets.load("child_phenotypes")
    assert phenotypes["hpo_id"].isin(terms["hpo_id"]).all()
    assert phenotypes["patient_id"].str.startswith("PM-9").all()


def test_importing_variants_does_not_load_pysam():
    code = "import sys, pmcourse.variants, pmcourse.acmg; print('pysam' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_funnel_counts_shrink_and_follow_the_cause(trio_variants):
    for family_id in FAMILIES["family_id"].unique():
        funnel = variants.filter_funnel(trio_variants, family_id)
        assert funnel["n_variants"].is_monotonic_decreasing
        assert funnel["cause_kept"].all()
        assert funnel["n_variants"].iloc[0] == _family(trio_variants, family_id)["POS"].nunique()
    strict = variants.filter_funnel(trio_variants, "FAM-02", consequences="missense only")
    assert strict["cause_kept"].tolist() == [True, True, True, False, False]  # frameshift lost
    with pytest.raises(ValueError, match="'nonsense' is not a named set.*protein-changing"):
        variants.filter_funnel(trio_variants, "FAM-02", consequences="nonsense")
    with pytest.raises(ValueError, match="no family 'FAM-9'.*FAM-01"):
        variants.filter_funnel(trio_variants, "FAM-9")
