"""Synthetic pharmacogene diplotypes for the course cohort.

Each patient's two alleles of a gene are drawn from the star-allele
frequencies of their ancestry group (``pgx_frequencies`` in
``pmcourse/resources/``, from CPIC's frequency tables). Where the SNP panel of
module 1 already holds a patient's genotype (CYP2C19*2 and *17, CYP2C9*2 and
*3, VKORC1 -1639G>A, SLCO1B1 c.521T>C), the diplotype is built from that
genotype, so a patient is the same person in every module: PM-000030, a
CYP2C19*2 carrier in module 1, is ``*1/*2`` here. Only the alleles the panel
does not test are drawn, from their frequency among the remaining chromosomes.

HLA-B is left out: it is typed on demand before abacavir or allopurinol, not
on a pre-emptive panel. Synthetic, not for clinical use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmcourse.cohort import ANCESTRY_GROUPS
from pmcourse.pgx import normalise_diplotype, phenotypes_of
from pmcourse.reference import load_table

__all__ = [
    "DIPLOTYPE_GENES",
    "PGX_SEED",
    "allele_frequencies",
    "make_diplotypes",
    "phenotype_table",
]

#: Genes of the pre-emptive panel, one column each in :func:`make_diplotypes`.
DIPLOTYPE_GENES = ("CYP2C19", "CYP2D6", "CYP2C9", "VKORC1", "TPMT", "NUDT15", "DPYD", "SLCO1B1")

#: Seed of the course's diplotypes (the year Denmark's National Genome Center opened).
PGX_SEED = 2019

#: Reference allele of each gene: it takes the probability no other allele has.
_REFERENCE_ALLELE = {"DPYD": "Reference", "VKORC1": "-1639G"}

# Panel SNPs that define alleles, in the order they fill a patient's two
# chromosomes (no-function alleles first, as a laboratory would report them).
_PANEL_ALLELES = {
    "CYP2C19": [("rs4244285", "*2"), ("rs12248560", "*17")],
    "CYP2C9": [("rs1057910", "*3"), ("rs1799853", "*2")],
    "VKORC1": [("rs9923231", "-1639A")],
    "SLCO1B1": [("rs4149056", None)],  # *5 or *15, split by their frequencies
}


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
    table = load_table("pgx_frequencies")
    rows = table[table["gene"] == gene].set_index("allele")
    if rows.empty:
        raise ValueError(f"No allele frequencies for {gene!r}; known genes: {DIPLOTYPE_GENES}.")
    column = rows[ancestry]
    if gene == "SLCO1B1" and ancestry == "LAT":
        column = rows["EUR"]
    column = column.fillna(0.0).astype(float)
    reference = _REFERENCE_ALLELE.get(gene, "*1")
    return pd.concat([pd.Series({reference: 1.0 - column.sum()}), column])


def _draw(rng: np.random.Generator, frequencies: pd.Series, n: int) -> np.ndarray:
    return rng.choice(frequencies.index.to_numpy(), size=n, p=frequencies.to_numpy())


def _draw_free(rng, gene: str, ancestry: str, n: int, taken: list[str]) -> np.ndarray:
    """Alleles for chromosomes the panel found no variant on."""
    freqs = allele_frequencies(gene, ancestry).drop(taken)
    return _draw(rng, freqs / freqs.sum(), n)


def _alleles_from_panel(rng, gene: str, ancestry: str, panel: pd.DataFrame) -> list[list[str]]:
    """Two alleles per patient: panel variants first, the rest drawn."""
    n = len(panel)
    chromosomes: list[list[str]] = [[] for _ in range(n)]
    taken = []
    for rsid, allele in _PANEL_ALLELES[gene]:
        if allele is None:  # SLCO1B1 c.521C: *5 alone or *15 with c.388A>G
            freqs = allele_frequencies(gene, ancestry)[["*5", "*15"]]
            names = _draw(rng, freqs / freqs.sum(), 2 * n).reshape(n, 2)
            taken += ["*5", "*15"]
        else:
            names = np.full((n, 2), allele)
            taken.append(allele)
        for i, count in enumerate(panel[rsid].to_numpy()):
            room = 2 - len(chromosomes[i])  # a second variant on a full pair is in cis
            chromosomes[i] += list(names[i, : min(int(count), room)])
    free = _draw_free(rng, gene, ancestry, 2 * n, taken)
    for i in range(n):
        chromosomes[i] += list(free[2 * i : 2 * i + 2 - len(chromosomes[i])])
    return chromosomes


def make_diplotypes(genotypes: pd.DataFrame, *, seed: int | None = PGX_SEED) -> pd.DataFrame:
    """Draw pharmacogene diplotypes for every patient of a cohort.

    Parameters
    ----------
    genotypes : pandas.DataFrame
        Module 1's genotype table (``patient_id``, ``ancestry`` and the panel
        rsIDs), as :func:`pmcourse.genetics.make_genotypes` returns.
    seed : int or None, default PGX_SEED
        Seed of the random generator; the same seed gives the same diplotypes.

    Returns
    -------
    pandas.DataFrame
        One row per patient: ``patient_id``, ``ancestry`` and one column per
        gene of :data:`DIPLOTYPE_GENES` holding the diplotype as CPIC writes it
        (``"*1/*2"``; VKORC1 as ``"-1639G/-1639A"``).

    Examples
    --------
    >>> from pmcourse import datasets
    >>> table = make_diplotypes(datasets.load("genotypes").head(3))
    >>> list(table.columns[:4])
    ['patient_id', 'ancestry', 'CYP2C19', 'CYP2D6']
    """
    missing = {"patient_id", "ancestry"} - set(genotypes.columns)
    if missing:
        raise ValueError(
            f"The genotype table needs the column(s) {sorted(missing)}. "
            "Use datasets.load('genotypes')."
        )
    rng = np.random.default_rng(seed)
    result = genotypes[["patient_id", "ancestry"]].reset_index(drop=True).copy()
    ancestry = result["ancestry"].astype(str)
    for gene in DIPLOTYPE_GENES:
        column = pd.Series("", index=result.index, dtype=object)
        for group in ANCESTRY_GROUPS:
            members = ancestry.index[ancestry == group]
            if len(members) == 0:
                continue
            if gene in _PANEL_ALLELES:
                pairs = _alleles_from_panel(
                    rng, gene, group, genotypes.reset_index(drop=True).loc[members]
                )
            else:
                pairs = _draw(rng, allele_frequencies(gene, group), 2 * len(members))
                pairs = pairs.reshape(-1, 2).tolist()
            column[members] = [_write(gene, pair) for pair in pairs]
        result[gene] = column.to_numpy()
    result.attrs["note"] = "Synthetic data, not for clinical use."
    return result


def _write(gene: str, pair: list[str]) -> str:
    if gene == "VKORC1":
        return "/".join(sorted(pair, key=lambda allele: allele.endswith("A")))
    return normalise_diplotype(gene, "/".join(pair))


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
