"""Synthetic diplotypes (pmcourse.diplotypes)."""

import numpy as np
import pandas as pd
import pytest

from pmcourse import datasets, pgx
from pmcourse.cohort import make_cohort
from pmcourse.diplotypes import (
    DIPLOTYPE_GENES,
    SCENARIO_DIPLOTYPES,
    allele_frequencies,
    make_diplotypes,
    phenotype_table,
)
from pmcourse.genetics import make_genotypes, snp_panel


@pytest.fixture(scope="module")
def course():
    genotypes = datasets.load("genotypes")
    return genotypes, datasets.load("diplotypes")


@pytest.fixture(scope="module")
def large():
    """20,000 patients, to compare drawn frequencies with the source."""
    genotypes = make_genotypes(make_cohort(20_000, seed=7), seed=7)
    return genotypes, make_diplotypes(genotypes, seed=7)


def _copies(diplotypes: pd.Series, allele: str) -> np.ndarray:
    return np.array([d.split("/").count(allele) for d in diplotypes])


def test_every_diplotype_is_valid_and_written_as_cpic_writes_it(course):
    _, table = course
    for gene in DIPLOTYPE_GENES:
        if gene == "VKORC1":
            assert set(table[gene]) <= {"-1639G/-1639G", "-1639G/-1639A", "-1639A/-1639A"}
            continue
        for diplotype in set(table[gene]):
            assert pgx.normalise_diplotype(gene, diplotype) == diplotype
            pgx.phenotype(gene, diplotype)


def test_diplotypes_agree_with_module_1_genotypes(course):
    genotypes, table = course
    panel = snp_panel()
    for snp in panel.itertuples(index=False):
        alleles = snp.allele_name.split(" and ")  # "*5 and *15": c.521C defines both
        copies = sum(_copies(table[snp.gene], allele) for allele in alleles)
        variants = genotypes[panel.loc[panel["gene"] == snp.gene, "rsid"]].sum(axis=1)
        room = (variants <= 2).to_numpy()  # more than two variants: some are in cis
        assert (copies[room] == genotypes[snp.rsid].to_numpy()[room]).all(), snp.rsid
        assert (copies <= genotypes[snp.rsid].to_numpy()).all(), snp.rsid


def test_no_function_alleles_fill_the_pair_first():
    # CYP2C9*3 (no function) before *2 (decreased); CYP2C19*2 (no function) before *17
    row = {"patient_id": ["PM-000001"], "ancestry": ["EUR"], "rs4244285": [2],
           "rs12248560": [1], "rs1799853": [1], "rs1057910": [2], "rs9923231": [0],
           "rs4149056": [0]}  # fmt: skip
    table = make_diplotypes(pd.DataFrame(row))
    assert table.loc[0, ["CYP2C19", "CYP2C9"]].tolist() == ["*2/*2", "*3/*3"]


def test_scenario_patients_keep_their_story(course):
    _, table = course
    patient = table.set_index("patient_id").loc["PM-000030"]
    assert patient["CYP2C19"] == "*1/*2"
    assert pgx.phenotype("CYP2C19", patient["CYP2C19"]) == "Intermediate Metabolizer"
    for seed in [1, None]:
        drawn = make_diplotypes(make_genotypes(make_cohort(40), seed=seed), seed=seed)
        for patient, planted in SCENARIO_DIPLOTYPES.items():
            assert drawn.set_index("patient_id").loc[patient, list(planted)].to_dict() == planted


def test_a_story_that_contradicts_the_genotypes_is_not_written():
    genotypes = datasets.load("genotypes").head(30).copy()
    genotypes.loc[genotypes["patient_id"] == "PM-000030", "rs4244285"] = 0
    table = make_diplotypes(genotypes).set_index("patient_id")
    assert "*2" not in table.loc["PM-000030", "CYP2C19"].split("/")
    assert table.loc["PM-000030", "CYP2C9"] == SCENARIO_DIPLOTYPES["PM-000030"]["CYP2C9"]


def test_default_seed_gives_the_course_diplotypes(root):
    committed = datasets.load("diplotypes", data_dir=root / "data")
    genotypes = make_genotypes(make_cohort())
    pd.testing.assert_frame_equal(make_diplotypes(genotypes), committed)


def test_diplotypes_of_a_smaller_cohort_are_the_first_rows_of_a_larger_ones():
    genotypes = make_genotypes(make_cohort(2500, seed=3), seed=4)
    larger = make_diplotypes(genotypes, seed=5)
    smaller = make_diplotypes(genotypes.head(1001), seed=5)
    pd.testing.assert_frame_equal(smaller, larger.head(1001))


def test_a_patients_diplotypes_do_not_depend_on_the_other_patients():
    genotypes = make_genotypes(make_cohort(2500, seed=3), seed=4)
    everyone = make_diplotypes(genotypes, seed=5).set_index("patient_id")
    some = make_diplotypes(genotypes.iloc[::-7], seed=5).set_index("patient_id")
    pd.testing.assert_frame_equal(some, everyone.loc[some.index])


@pytest.mark.parametrize(
    ("gene", "allele", "group"),
    [("CYP2D6", "*4", "EUR"), ("CYP2D6", "*10", "EA"), ("CYP2D6", "*17", "SSA"),
     ("TPMT", "*3A", "EUR"), ("NUDT15", "*3", "CSA"), ("CYP2C19", "*3", "EA"),
     ("DPYD", "c.1129-5923C>G", "EUR"), ("SLCO1B1", "*37", "EUR")],
)  # fmt: skip
def test_drawn_allele_frequencies_match_the_source(large, gene, allele, group):
    genotypes, table = large
    members = table[table["ancestry"] == group]
    observed = _copies(members[gene], allele).sum() / (2 * len(members))
    expected = allele_frequencies(gene, group)[allele]
    assert observed == pytest.approx(
        expected, abs=4 * np.sqrt(expected / (2 * len(members))) + 0.002
    )


def test_latino_slco1b1_uses_the_european_column():
    assert allele_frequencies("SLCO1B1", "LAT").equals(allele_frequencies("SLCO1B1", "EUR"))


def test_same_seed_same_diplotypes_other_seed_differs():
    genotypes = make_genotypes(make_cohort(300, seed=3), seed=3)
    first = make_diplotypes(genotypes, seed=1)
    assert first.equals(make_diplotypes(genotypes, seed=1))
    assert not first.equals(make_diplotypes(genotypes, seed=2))


def test_phenotype_table_has_one_cpic_term_per_gene(course):
    _, table = course
    phenotypes = phenotype_table(table.head(50))
    assert list(phenotypes.columns) == ["patient_id", *DIPLOTYPE_GENES]
    assert set(phenotypes["VKORC1"]) <= {"GG", "GA", "AA"}
    assert phenotypes["CYP2C19"].str.endswith("Metabolizer").all()


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="ancestry"):
        make_diplotypes(pd.DataFrame({"patient_id": ["PM-000001"]}))
    with pytest.raises(ValueError, match="rs4149056"):
        make_diplotypes(datasets.load("genotypes").drop(columns="rs4149056"))
