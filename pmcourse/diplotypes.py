"""Synthetic pharmacogene diplotypes for the course cohort.

Each patient's two alleles of a gene are drawn from the star-allele
frequencies of their ancestry group (``pgx_frequencies`` in
``pmcourse/resources/``, from CPIC's frequency tables). Where the SNP panel of
module 1 (``snp_panel.csv``) already holds a patient's genotype (CYP2C19*2 and
*17, CYP2C9*2 and *3, VKORC1 -1639G>A, SLCO1B1 c.521T>C), the diplotype is
built from that genotype, so a patient is the same person in every module: a
CYP2C19*2 carrier in module 1 carries *2 here. Only the alleles the panel does
not test are drawn, from their frequency among the remaining chromosomes.
The patients whose story the notebooks tell keep the diplotypes of their story
(:data:`SCENARIO_DIPLOTYPES`): PM-000030 is ``*1/*2``.

HLA-B is left out: it is typed on demand before abacavir or allopurinol, not
on a pre-emptive panel. Synthetic, not for clinical use.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from pmcourse.cohort import ANCESTRY_GROUPS, patient_draws, pick_by_share
from pmcourse.genetics import snp_panel
from pmcourse.pgx import normalise_diplotype, phenotypes_of
from pmcourse.reference import load_table

__all__ = [
    "DIPLOTYPES_SEED",
    "DIPLOTYPE_GENES",
    "SCENARIO_DIPLOTYPES",
    "allele_frequencies",
    "make_diplotypes",
    "phenotype_table",
]

#: Genes of the pre-emptive panel, one column each in :func:`make_diplotypes`.
DIPLOTYPE_GENES = ("CYP2C19", "CYP2D6", "CYP2C9", "VKORC1", "TPMT", "NUDT15", "DPYD", "SLCO1B1")

#: Seed of the course's diplotypes (the year Denmark's National Genome Center opened).
DIPLOTYPES_SEED = 2019

#: Patients whose story the notebooks tell: these diplotypes are written, not
#: drawn, so the story holds whatever the seed. They agree with the genotypes
#: :data:`pmcourse.genetics.SCENARIO_GENOTYPES` writes for the same patients.
#: PM-000030 (module 4): CYP2C19 Intermediate Metabolizer (clopidogrel alert),
#: CYP2C9 Intermediate Metabolizer, SLCO1B1 Normal Function (no atorvastatin
#: alert) and no DPYD variant.
SCENARIO_DIPLOTYPES = {
    "PM-000030": {
        "CYP2C19": "*1/*2",
        "CYP2C9": "*1/*3",
        "DPYD": "Reference/Reference",
        "SLCO1B1": "*1/*37",
    },
}

#: Reference allele of each gene: it takes the probability no other allele has.
_REFERENCE_ALLELE = {"DPYD": "Reference", "VKORC1": "-1639G"}

#: Draws per patient and gene: two to split a panel variant between the alleles
#: it defines (SLCO1B1 c.521C: *5 or *15), two for chromosomes without one.
_DRAWS_PER_GENE = 4


@cache
def _frequency_table() -> pd.DataFrame:
    return load_table("pgx_frequencies")


@cache
def _panel_alleles() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Panel SNPs that define alleles, per gene, read from ``snp_panel.csv``.

    Each SNP comes with the allele(s) its variant defines (``allele_name``;
    "*5 and *15" names two). No-function alleles come first: they fill a
    patient's two chromosomes first, as a laboratory would report them.
    """
    panel = snp_panel().sort_values(
        "alt_allele_function", key=lambda function: function != "No function", kind="stable"
    )
    alleles: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for snp in panel.itertuples(index=False):
        names = tuple(snp.allele_name.split(" and "))
        unknown = set(names) - set(allele_frequencies(snp.gene, "EUR").index)
        if unknown:
            raise ValueError(
                f"snp_panel.csv names the allele(s) {sorted(unknown)} for {snp.rsid}, which "
                f"pgx_frequencies.csv does not list for {snp.gene}. Correct one of the tables."
            )
        alleles.setdefault(snp.gene, []).append((snp.rsid, names))
    return alleles


def allele_frequencies(gene: str, ancestry: str) -> pd.Series:
    """Frequencies of a gene's alleles in one ancestry group, summing to 1.

    Empty cells of the source count as 0, except SLCO1B1 in the Latino group,
    which takes the European values, as the source advises.

    Examples
    --------
    >>> freqs = allele_frequencies("CYP2C19", "EUR")
    >>> round(float(freqs["*2"]), 3), round(float(freqs.sum()), 6)
    (0.147, 1.0)
    """
    if ancestry not in ANCESTRY_GROUPS:
        raise ValueError(
            f"Unknown ancestry group {ancestry!r}; known: {', '.join(ANCESTRY_GROUPS)}."
        )
    table = _frequency_table()
    rows = table[table["gene"] == gene].set_index("allele")
    if rows.empty:
        raise ValueError(f"No allele frequencies for {gene!r}; known genes: {DIPLOTYPE_GENES}.")
    column = rows[ancestry]
    if gene == "SLCO1B1" and ancestry == "LAT":
        column = rows["EUR"]
    column = column.fillna(0.0).astype(float)
    reference = _REFERENCE_ALLELE.get(gene, "*1")
    return pd.concat([pd.Series({reference: 1.0 - column.sum()}), column])


def _pairs(
    gene: str, frequencies: pd.Series, genotypes: pd.DataFrame, draws: np.ndarray
) -> np.ndarray:
    """Two alleles per patient of one ancestry group: panel variants first, the rest drawn."""
    pairs = np.empty((len(draws), 2), dtype=object)
    filled = np.zeros(len(draws), dtype=int)
    taken: list[str] = []
    for rsid, names in _panel_alleles().get(gene, []):
        taken += names
        count = genotypes[rsid].to_numpy()
        for copy in (0, 1):
            allele = pick_by_share(frequencies[list(names)], draws[:, copy])
            put = (count > copy) & (filled < 2)  # a variant on a full pair is in cis
            pairs[put, filled[put]] = allele[put]
            filled += put
    free = frequencies.drop(taken)
    for slot in (0, 1):
        put = filled <= slot
        pairs[put, slot] = pick_by_share(free, draws[put, 2 + slot])
    return pairs


def _agrees(gene: str, diplotype: str, genotypes: pd.Series) -> bool:
    """Whether a diplotype carries the panel variants a patient's genotypes show."""
    alleles = diplotype.split("/")
    return all(
        sum(allele in names for allele in alleles) == genotypes[rsid]
        for rsid, names in _panel_alleles().get(gene, [])
    )


def make_diplotypes(
    genotypes: pd.DataFrame, *, seed: int | None = DIPLOTYPES_SEED
) -> pd.DataFrame:
    """Draw pharmacogene diplotypes for every patient of a cohort.

    A patient's diplotypes depend only on the seed, the patient (the number in
    ``patient_id``) and their own row of `genotypes`, never on the other rows
    (see :func:`pmcourse.cohort.patient_draws`): the diplotypes of a smaller
    cohort are the first rows of a larger one's, and a subset or a reordering of
    the patients gives each patient the same diplotypes. With the default seed,
    ``make_diplotypes(make_genotypes(make_cohort()))`` is the course's data set,
    ``pmcourse.datasets.load("diplotypes")``. The patients of
    :data:`SCENARIO_DIPLOTYPES` get the diplotypes of their story wherever these
    agree with their genotypes (always, for genotypes from
    :func:`pmcourse.genetics.make_genotypes`).

    Parameters
    ----------
    genotypes : pandas.DataFrame
        Module 1's genotype table (``patient_id``, ``ancestry`` and the panel
        rsIDs), as :func:`pmcourse.genetics.make_genotypes` returns.
    seed : int or None, default DIPLOTYPES_SEED
        Seed of the random generator; the same seed gives the same diplotypes.

    Returns
    -------
    pandas.DataFrame
        One row per row of `genotypes`, in its order: ``patient_id``,
        ``ancestry`` and one column per gene of :data:`DIPLOTYPE_GENES` holding
        the diplotype as CPIC writes it (``"*1/*2"``; VKORC1 as
        ``"-1639G/-1639A"``).

    Examples
    --------
    >>> from pmcourse import datasets
    >>> table = make_diplotypes(datasets.load("genotypes").head(3))
    >>> list(table.columns[:4])
    ['patient_id', 'ancestry', 'CYP2C19', 'CYP2D6']
    >>> table.equals(datasets.load("diplotypes").head(3))
    True
    """
    rsids = [rsid for snps in _panel_alleles().values() for rsid, _ in snps]
    missing = [name for name in ["patient_id", "ancestry", *rsids] if name not in genotypes]
    if missing:
        raise ValueError(
            f"The genotype table needs the column(s) {missing}. Use datasets.load('genotypes') "
            "or pmcourse.genetics.make_genotypes()."
        )
    table = genotypes.reset_index(drop=True)
    ancestry = table["ancestry"].astype(str).to_numpy()
    n_draws = _DRAWS_PER_GENE * len(DIPLOTYPE_GENES)
    draws = patient_draws(table["patient_id"], n_draws, seed=seed, layer="diplotypes")
    result = table[["patient_id", "ancestry"]].copy()
    for k, gene in enumerate(DIPLOTYPE_GENES):
        gene_draws = draws[:, _DRAWS_PER_GENE * k : _DRAWS_PER_GENE * (k + 1)]
        pairs = np.empty((len(table), 2), dtype=object)
        for group in np.unique(ancestry):
            rows = ancestry == group
            frequencies = allele_frequencies(gene, group)
            pairs[rows] = _pairs(gene, frequencies, table[rows], gene_draws[rows])
        drawn = pd.Series(pairs[:, 0] + "/" + pairs[:, 1], dtype=object)
        result[gene] = drawn.map({text: _write(gene, text) for text in drawn.unique()})
    for patient, planted in SCENARIO_DIPLOTYPES.items():
        for row in np.flatnonzero(table["patient_id"] == patient):
            for gene, diplotype in planted.items():
                if _agrees(gene, diplotype, table.loc[row]):
                    result.loc[row, gene] = diplotype
    result.attrs["note"] = "Synthetic data, not for clinical use."
    return result


def _write(gene: str, diplotype: str) -> str:
    if gene == "VKORC1":
        return "/".join(sorted(diplotype.split("/"), key=lambda allele: allele.endswith("A")))
    return normalise_diplotype(gene, diplotype)


def phenotype_table(diplotypes: pd.DataFrame) -> pd.DataFrame:
    """CPIC phenotypes for every patient of :func:`make_diplotypes`' table.

    VKORC1 has no CPIC phenotype and is shown as its -1639 genotype (``GA``).

    Examples
    --------
    >>> table = phenotype_table(make_diplotypes(_example_genotypes()))
    >>> table.loc[0, "CYP2C19"]
    'Intermediate Metabolizer'
    """
    genes = [gene for gene in DIPLOTYPE_GENES if gene in diplotypes.columns]
    rows = [phenotypes_of(row) for row in diplotypes[genes].to_dict("records")]
    table = pd.DataFrame(rows, columns=genes, index=diplotypes.index)
    table.insert(0, "patient_id", diplotypes["patient_id"])
    return table


def _example_genotypes() -> pd.DataFrame:
    """One made-up EUR patient carrying CYP2C19*2 (for examples)."""
    return pd.DataFrame(
        {"patient_id": ["PM-999999"], "ancestry": ["EUR"], "rs4244285": [1],
         "rs12248560": [0], "rs1799853": [0], "rs1057910": [0], "rs9923231": [1],
         "rs4149056": [0]}
    )  # fmt: skip
