"""Synthetic diplotypes and medication lists (pmcourse.diplotypes, pmcourse.medications)."""

import numpy as np
import pandas as pd
import pytest

from pmcourse import datasets, pgx
from pmcourse.cohort import make_cohort
from pmcourse.diplotypes import (
    DIPLOTYPE_GENES,
    allele_frequencies,
    make_diplotypes,
    phenotype_table,
)
from pmcourse.genetics import make_genotypes
from pmcourse.medications import WARDS, make_medications


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
    star2 = _copies(table["CYP2C19"], "*2")
    assert (star2 == genotypes["rs4244285"].to_numpy()).all()
    star3 = _copies(table["CYP2C9"], "*3")
    assert (star3 == genotypes["rs1057910"].to_numpy()).all()
    vkorc1 = _copies(table["VKORC1"], "-1639A")
    assert (vkorc1 == genotypes["rs9923231"].to_numpy()).all()
    c521 = _copies(table["SLCO1B1"], "*5") + _copies(table["SLCO1B1"], "*15")
    assert (c521 == genotypes["rs4149056"].to_numpy()).all()


def test_the_scenario_patient_keeps_his_cyp2c19_result(course):
    _, table = course
    patient = table.set_index("patient_id").loc["PM-000030"]
    assert patient["CYP2C19"] == "*1/*2"
    assert pgx.phenotype("CYP2C19", patient["CYP2C19"]) == "Intermediate Metabolizer"


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


def test_medications_put_every_row_on_a_known_ward_and_keep_the_scenario():
    medications = datasets.load("medications")
    assert set(medications["ward"]) == set(WARDS)
    assert not medications.duplicated(["patient_id", "drug"]).any()
    pm30 = medications[medications["patient_id"] == "PM-000030"]
    assert set(pm30["ward"]) == {"Cardiology"} and "clopidogrel" in set(pm30["drug"])
    assert set(medications["drug"]) >= set(pgx.drugs())


def test_medications_are_reproducible():
    cohort = make_cohort(100, seed=5)
    assert make_medications(cohort, seed=4).equals(make_medications(cohort, seed=4))
