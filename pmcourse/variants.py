"""Rare-disease diagnosis in a trio: filter thousands of variants down to a few.

A child with a suspected genetic condition and both parents are sequenced (a
*trio*). Each family has a few thousand variants; most are common in the
population, or intronic or synonymous, and cannot explain a rare disease. Three
kinds of filter narrow them down:

- population frequency (:func:`rare`): a variant carried by more than about 1 in
  100 people cannot cause a rare, severe childhood disease;
- predicted consequence (:func:`damaging`): Sequence Ontology terms such as
  ``stop_gained`` or ``missense_variant`` change the protein;
- the inheritance model, which needs the parents' genotypes: :func:`de_novo`
  (new in the child), :func:`homozygous_recessive` (two copies, one from each
  carrier parent), :func:`compound_heterozygous` (two different variants in one
  gene, one from each parent) and :func:`x_linked` (one copy on the X
  chromosome of a boy, who has no second X).

The child's phenotype, written as Human Phenotype Ontology terms, then ranks the
genes left (:func:`rank_genes`); ACMG/AMP criteria classify the best candidate
(:mod:`pmcourse.acmg`).

The annotations imitate the tools a laboratory uses: population frequencies as
gnomAD gives them (Karczewski et al. 2020), consequences as Sequence Ontology
terms (Eilbeck et al. 2005) and a CADD-like PHRED score (Rentzsch et al. 2019).

The trios (:func:`make_trios`) are two adults of the course cohort as parents
and a new synthetic child numbered from PM-900001, a range no cohort patient
has. The variants are synthetic, not for clinical use: the genes and the
phenotypes are real, well-known examples, the variants are invented.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from pmcourse.acmg import acmg_classify, acmg_points
from pmcourse.cohort import COURSE_SEED, N_COURSE_PATIENTS, make_cohort
from pmcourse.reference import load_table
from pmcourse.sequencing import GENOTYPES

__all__ = [
    "CONSEQUENCES",
    "DAMAGING_CONSEQUENCES",
    "FAMILIES",
    "INCIDENTAL_FINDINGS",
    "CHILD_PHENOTYPE_COLUMNS",
    "TRIO_COLUMNS",
    "TRIO_SEED",
    "TRIO_VARIANT_COLUMNS",
    "VCF_INFO",
    "acmg_classify",
    "acmg_points",
    "compound_heterozygous",
    "damaging",
    "CONSEQUENCE_SETS",
    "INHERITANCE_MODELS",
    "de_novo",
    "filter_funnel",
    "homozygous_recessive",
    "hpo_terms",
    "make_child_phenotypes",
    "make_trio_variants",
    "make_trios",
    "rank_genes",
    "rare",
    "trio_genotypes",
    "trio_variants_from_vcf",
    "x_linked",
]

#: Seed of the course's trio variants (the cohort's seed, 2016, plus seven).
TRIO_SEED = 2023

#: Sequence Ontology consequence terms, with the share of a family's variants
#: each has: most variants in a genome are intronic, few change a protein.
CONSEQUENCES = {
    "intron_variant": 0.55,
    "upstream_gene_variant": 0.08,
    "3_prime_UTR_variant": 0.07,
    "synonymous_variant": 0.12,
    "missense_variant": 0.14,
    "splice_region_variant": 0.02,
    "inframe_deletion": 0.004,
    "stop_gained": 0.004,
    "frameshift_variant": 0.004,
    "splice_donor_variant": 0.002,
    "splice_acceptor_variant": 0.002,
    "start_lost": 0.001,
    "stop_lost": 0.001,
}
#: Consequences that change the protein, kept by :func:`damaging` by default.
DAMAGING_CONSEQUENCES = (
    "stop_gained",
    "frameshift_variant",
    "splice_donor_variant",
    "splice_acceptor_variant",
    "start_lost",
    "stop_lost",
    "inframe_deletion",
    "missense_variant",
)
_LOSS_OF_FUNCTION = DAMAGING_CONSEQUENCES[:6]
#: Named sets of consequences to keep, for the filtering funnel.
CONSEQUENCE_SETS = {
    "protein-changing": DAMAGING_CONSEQUENCES,
    "loss of function only": _LOSS_OF_FUNCTION,
    "missense only": ("missense_variant",),
    "synonymous only": ("synonymous_variant",),
    "all (no consequence filter)": tuple(CONSEQUENCES),
}

#: The course's families: the child's sex, the gene and the planted cause. The
#: variants are synthetic; the inheritance column is the answer the filters find.
_CAUSE_COLUMNS = ["family_id", "child_sex", "gene", "inheritance", "consequence", "carriers",
                  "population_af", "cadd_phred"]  # fmt: skip
FAMILIES = pd.DataFrame(
    [
        ("FAM-01", "female", "SCN1A", "de novo", "missense_variant", ["child"], 0.0, 28.7),
        ("FAM-02", "male", "CFTR", "compound heterozygous", "frameshift_variant",
         ["mother"], 8e-05, 33.0),
        ("FAM-02", "male", "CFTR", "compound heterozygous", "missense_variant",
         ["father"], 4e-05, 26.1),
        ("FAM-03", "female", "GJB2", "homozygous recessive", "frameshift_variant",
         ["mother", "father"], 0.00012, 34.0),
        ("FAM-04", "male", "DMD", "X-linked", "stop_gained", ["mother"], 0.0, 41.0),
    ],
    columns=_CAUSE_COLUMNS,
)  # fmt: skip
#: A variant unrelated to the child's illness that the sequencing finds too: a
#: BRCA1 frameshift the boy of FAM-02 inherited from his mother (BRCA1 is on the
#: ACMG list of genes whose secondary findings laboratories offer to report).
INCIDENTAL_FINDINGS = pd.DataFrame(
    [("FAM-02", "male", "BRCA1", "incidental finding", "frameshift_variant", ["mother"],
      0.0, 35.0)],
    columns=_CAUSE_COLUMNS,
)  # fmt: skip

_N_BACKGROUND = 2500
_BASES = np.array(list("ACGT"))
_ROLES = ("child", "mother", "father")


def make_trios(cohort: pd.DataFrame | None = None) -> pd.DataFrame:
    """The course's four families: two cohort adults as parents and a new child.

    The parents are the first cohort men and women aged 25 to 45, paired in
    order; the children are new synthetic people, PM-900001 onwards.

    Parameters
    ----------
    cohort : pandas.DataFrame, optional
        The cohort to draw parents from; by default the course cohort.

    Returns
    -------
    pandas.DataFrame
        One row per person (12): ``family_id``, ``patient_id``, ``role``
        ('child', 'mother' or 'father'), ``sex`` ('female' or 'male'),
        ``age_years``.

    Examples
    --------
    >>> trios = make_trios()
    >>> trios[trios["role"] == "child"]["patient_id"].tolist()
    ['PM-900001', 'PM-900002', 'PM-900003', 'PM-900004']
    """
    if cohort is None:
        cohort = make_cohort(N_COURSE_PATIENTS, seed=COURSE_SEED)
    adults = cohort[cohort["age_years"].between(25, 45)]
    families = FAMILIES.drop_duplicates("family_id").reset_index(drop=True)
    mothers = adults[adults["sex"] == "female"].head(len(families))
    fathers = adults[adults["sex"] == "male"].head(len(families))
    rows = []
    for k, family in families.iterrows():
        child = (f"PM-{900001 + k}", "child", family["child_sex"], 4 + 3 * k)
        mother = mothers.iloc[k]
        father = fathers.iloc[k]
        for person in (
            child,
            (mother["patient_id"], "mother", "female", mother["age_years"]),
            (father["patient_id"], "father", "male", father["age_years"]),
        ):
            rows.append((family["family_id"], *person))
    trios = pd.DataFrame(rows, columns=["family_id", "patient_id", "role", "sex", "age_years"])
    trios["sex"] = pd.Categorical(trios["sex"], categories=["female", "male"])
    return trios.astype({"age_years": int})


def _gene_positions(rng: np.random.Generator, n: int, lane: int) -> pd.DataFrame:
    """`n` positions in the genes; family k uses only positions k - 1 modulo 4, so two
    families, each drawn from its own stream, never share a position in the VCF."""
    genes = load_table("variant_genes")
    size = genes["end"] - genes["start"]
    weight = np.sqrt(size)  # big genes hold more variants, but not all of them
    picked = genes.iloc[rng.choice(len(genes), size=n, p=weight / weight.sum())]
    steps = rng.integers(0, size.loc[picked.index].to_numpy() // 4)
    positions = picked["start"].to_numpy() + 4 * steps + lane
    return pd.DataFrame(
        {"gene": picked["gene"].to_numpy(), "CHROM": picked["chrom"].to_numpy(), "POS": positions}
    )


def _alleles(rng: np.random.Generator, consequence: np.ndarray) -> tuple[list, list]:
    ref = rng.choice(_BASES, size=len(consequence))
    alt = np.array([rng.choice(_BASES[_BASES != r]) for r in ref])
    ref, alt = ref.astype(object), alt.astype(object)
    frameshift = consequence == "frameshift_variant"
    alt[frameshift] = ref[frameshift] + "T"
    inframe = consequence == "inframe_deletion"
    ref[inframe] = ref[inframe] + "CTG"
    alt[inframe] = [r[0] for r in ref[inframe]]
    return list(ref), list(alt)


def _scores(rng: np.random.Generator, consequence: pd.Series) -> np.ndarray:
    """CADD-like PHRED scores: high for loss of function, low for intronic variants."""
    lof = consequence.isin(_LOSS_OF_FUNCTION).to_numpy()
    missense = (consequence == "missense_variant").to_numpy()
    score = rng.exponential(4.0, len(consequence))
    score[missense] = rng.gamma(6.0, 3.5, missense.sum())
    score[lof] = rng.normal(36, 4, lof.sum())
    return np.clip(score, 0, 60).round(1)


def _frequencies(rng: np.random.Generator, consequence: pd.Series) -> np.ndarray:
    """Population allele frequencies: most variants of a person are common; loss of
    function is rarer (selection removes it)."""
    rare_share = np.where(consequence.isin(DAMAGING_CONSEQUENCES), 0.12, 0.03)
    rare_share[consequence.isin(_LOSS_OF_FUNCTION).to_numpy()] = 0.5
    is_rare = rng.random(len(consequence)) < rare_share
    log_af = np.where(
        is_rare, rng.uniform(-5, -2, len(is_rare)), rng.uniform(-2, -0.35, len(is_rare))
    )
    return np.array([float(f"{10**x:.2g}") for x in log_af])


def _copies(rng: np.random.Generator, af: np.ndarray, ploidy: int) -> np.ndarray:
    return rng.binomial(ploidy, af)


def _background(rng: np.random.Generator, family: pd.Series, n: int, lane: int) -> pd.DataFrame:
    """Variants the family carries, drawn in Hardy-Weinberg proportions from their
    frequencies and passed on to the child by Mendel's laws."""
    sites = _gene_positions(rng, n, lane)
    sites["consequence"] = rng.choice(
        list(CONSEQUENCES),
        size=len(sites),
        p=np.array(list(CONSEQUENCES.values())) / sum(CONSEQUENCES.values()),
    )
    sites["population_af"] = _frequencies(rng, sites["consequence"])
    on_x = (sites["CHROM"] == "chrX").to_numpy()
    mother = _copies(rng, sites["population_af"].to_numpy(), 2)
    father = np.where(
        on_x,
        _copies(rng, sites["population_af"].to_numpy(), 1),
        _copies(rng, sites["population_af"].to_numpy(), 2),
    )
    unseen = (mother + father) == 0  # every site is one the family carries: give it a parent
    to_mother = unseen & (rng.random(len(sites)) < 2 / 3)
    mother[to_mother] = 1
    father[unseen & ~to_mother] = 1
    from_mother = rng.binomial(1, mother / 2)
    from_father = np.where(on_x, father, rng.binomial(1, father / 2))
    boy = family["child_sex"] == "male"
    child = from_mother + np.where(on_x & boy, 0, from_father)
    sites["child"], sites["mother"], sites["father"] = child, mother, father
    return sites.assign(cadd_phred=_scores(rng, sites["consequence"]))


def _artefacts(rng: np.random.Generator, n: int, lane: int) -> pd.DataFrame:
    """Sequencing errors that look like de novo variants in the child: low depth."""
    sites = _gene_positions(rng, n, lane)
    sites["consequence"] = rng.choice(
        ["intron_variant", "missense_variant", "synonymous_variant"], n
    )
    sites["population_af"] = 0.0
    sites["child"], sites["mother"], sites["father"] = 1, 0, 0
    sites["cadd_phred"] = _scores(rng, sites["consequence"])
    sites["artefact"] = True
    return sites


def _planted(family_id: str, rng: np.random.Generator, lane: int) -> pd.DataFrame:
    causes = pd.concat([FAMILIES, INCIDENTAL_FINDINGS])
    causes = causes[causes["family_id"] == family_id]
    rows = []
    genes = load_table("variant_genes").set_index("gene")
    for cause in causes.itertuples(index=False):
        span = genes.loc[cause.gene]
        row = {
            "gene": cause.gene,
            "CHROM": span["chrom"],
            "POS": int(
                span["start"] + 4 * rng.integers(0, (span["end"] - span["start"]) // 4) + lane
            ),
            "consequence": cause.consequence,
            "population_af": cause.population_af,
            "cadd_phred": cause.cadd_phred,
        }
        hemizygous = span["chrom"] == "chrX" and cause.child_sex == "male"
        row["mother"] = int("mother" in cause.carriers)
        row["father"] = int("father" in cause.carriers)
        row["child"] = 1 if hemizygous or len(cause.carriers) == 1 else 2
        rows.append(row)
    return pd.DataFrame(rows)


def _genotype_text(copies: np.ndarray, haploid: np.ndarray) -> np.ndarray:
    diploid = np.array(GENOTYPES)[np.minimum(copies, 2)]
    return np.where(haploid, np.array(["0", "1", "1"])[np.minimum(copies, 2)], diploid)


def _calls(rng: np.random.Generator, sites: pd.DataFrame, trio: pd.DataFrame) -> pd.DataFrame:
    """One row per site and family member, with read depth, allele reads and GQ."""
    parts = []
    for person in trio.itertuples(index=False):
        copies = sites[person.role].to_numpy()
        haploid = (sites["CHROM"] == "chrX").to_numpy() & (person.sex == "male")
        depth = rng.poisson(np.where(haploid, 16, 32))
        artefact = sites["artefact"].to_numpy() & (person.role == "child")
        depth[artefact] = rng.integers(4, 9, artefact.sum())
        share = np.where(haploid, np.minimum(copies, 1), copies / 2)
        alt_share = np.where(artefact, 0.25, np.clip(share, 0.01, 0.99))
        n_alt = rng.binomial(depth, alt_share)
        gq = np.minimum(99, 3 * depth)
        gq[artefact] = rng.integers(5, 15, artefact.sum())
        parts.append(
            sites.assign(
                patient_id=person.patient_id,
                GT=_genotype_text(copies, haploid),
                DP=depth,
                GQ=gq,
                AD=[f"{d - a},{a}" for d, a in zip(depth, n_alt, strict=True)],
            )
        )
    return pd.concat(parts, ignore_index=True)


def make_trio_variants(
    trios: pd.DataFrame | None = None, *, seed: int | None = TRIO_SEED
) -> pd.DataFrame:
    """Every variant each family carries, one row per variant and family member.

    Each family has 2,500 background variants drawn from population allele
    frequencies (Hardy-Weinberg in the parents, Mendel's laws to the child),
    a few sequencing errors that look de novo (low depth and GQ), and one
    planted cause (two in the compound heterozygous family), and an
    incidental finding (:data:`INCIDENTAL_FINDINGS`). Each family is
    drawn from its own stream of the seed, so one family's variants do not
    depend on the others. On the X chromosome a man has one copy: his
    genotypes are written '0' or '1'.

    Parameters
    ----------
    trios : pandas.DataFrame, optional
        The families, as :func:`make_trios` returns; by default the course's.
    seed : int or None, default TRIO_SEED
        Seed of the random draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``family_id``, ``patient_id``, ``role``, ``sex``, ``CHROM``,
        ``POS``, ``ID`` (always '.': the variants are synthetic), ``REF``,
        ``ALT``, ``QUAL``, ``FILTER`` ('PASS' or 'LowQual'), ``gene``,
        ``consequence`` (Sequence Ontology term), ``population_af``
        (gnomAD-like allele frequency, 0 when absent), ``cadd_phred``
        (CADD-like score, 0 to 60), ``GT``, ``DP``, ``GQ``, ``AD``.

    Examples
    --------
    >>> variants = make_trio_variants()
    >>> variants.groupby("family_id")["POS"].nunique().tolist()
    [2498, 2505, 2502, 2504]
    """
    trios = make_trios() if trios is None else trios
    families = []
    for family_id, trio in trios.groupby("family_id", sort=True):
        number = int(family_id.removeprefix("FAM-"))  # the family's own stream and lane
        rng = np.random.default_rng([seed if seed is not None else 0, number])
        child = trio[trio["role"] == "child"].iloc[0]
        lane = (number - 1) % 4
        background = _background(rng, pd.Series({"child_sex": child["sex"]}), _N_BACKGROUND, lane)
        sites = pd.concat(
            [background, _artefacts(rng, 5, lane), _planted(family_id, rng, lane)],
            ignore_index=True,
        )
        sites["artefact"] = sites["artefact"].eq(True)  # NaN (not an artefact) -> False
        sites["REF"], sites["ALT"] = _alleles(rng, sites["consequence"].to_numpy())
        sites = sites.drop_duplicates(["CHROM", "POS"], keep="last").sort_values(["CHROM", "POS"])
        calls = _calls(rng, sites, trio).merge(trio[["patient_id", "family_id", "role", "sex"]])
        families.append(calls)
    variants = pd.concat(families, ignore_index=True)
    # QUAL: the evidence for the variant, from the best call of a person who carries it
    carrier_gq = variants["GQ"].where(variants["GT"].str.contains("1"), 0)
    qual = carrier_gq.groupby([variants["family_id"], variants["POS"]]).transform("max")
    variants["QUAL"] = (qual * 3.0).clip(upper=999).astype(float)
    variants["FILTER"] = np.where(variants["QUAL"] < 30, "LowQual", "PASS")
    variants["ID"] = "."
    return _in_order(variants)


#: The columns of :func:`make_trios`, with their meaning.
TRIO_COLUMNS = {
    "family_id": "the family, FAM-01 to FAM-04",
    "patient_id": "synthetic identifier: parents are cohort patients, children PM-900001 onwards",
    "role": "child, mother or father",
    "sex": "sex recorded at birth: 'female' or 'male'",
    "age_years": "age in whole years",
}
#: The columns of :func:`make_child_phenotypes`.
CHILD_PHENOTYPE_COLUMNS = {
    "family_id": TRIO_COLUMNS["family_id"],
    "patient_id": "the child",
    "hpo_id": "Human Phenotype Ontology term id, such as HP:0001250",
    "name": "the term's name in the HPO, such as Seizure",
}
#: INFO fields of the trio VCF, with the description its header gives.
VCF_INFO = {
    "gene": "Gene the variant lies in",
    "consequence": "Predicted consequence, a Sequence Ontology term such as missense_variant",
    "population_af": "Allele frequency in the population (gnomAD-like; 0 when absent)",
    "cadd_phred": "Computational deleteriousness score (CADD-like, on the Phred scale, 0 to 60)",
}
#: The columns of :func:`make_trio_variants`.
TRIO_VARIANT_COLUMNS = {
    "family_id": TRIO_COLUMNS["family_id"],
    "patient_id": "the family member (the sample)",
    "role": TRIO_COLUMNS["role"],
    "sex": TRIO_COLUMNS["sex"],
    "CHROM": "chromosome (GRCh38), such as chr2",
    "POS": "position on the chromosome, 1-based (GRCh38)",
    "ID": "variant identifier: '.', none (the variants are synthetic)",
    "REF": "reference allele, plus strand",
    "ALT": "variant (alternative) allele, plus strand",
    "QUAL": "Phred-scaled quality of the variant (per record)",
    "FILTER": "PASS, or LowQual when QUAL is below 30 (per record)",
    **VCF_INFO,
    "GT": "genotype: 0/0, 0/1, 1/1; on a man's X chromosome one copy, 0 or 1",
    "DP": "reads covering the site in this person",
    "GQ": "genotype quality, Phred-scaled, at most 99",
    "AD": "reads showing REF and ALT, such as '15,16'",
}
_COLUMNS = list(TRIO_VARIANT_COLUMNS)


def trio_variants_from_vcf(calls: pd.DataFrame) -> pd.DataFrame:
    """The long form of the trio VCF (:func:`pmcourse.sequencing.vcf_long`) as
    :func:`make_trio_variants` gives it: the family columns added, no-calls left out."""
    calls = calls[calls["GT"].str.contains("[01]", regex=True)]
    table = calls.merge(make_trios()[["family_id", "patient_id", "role", "sex"]])
    table["population_af"] = [float(f"{x:.2g}") for x in table["population_af"]]
    table["cadd_phred"] = table["cadd_phred"].astype(float).round(1)
    return _in_order(table.fillna({"ID": "."}))


def _in_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by family, person (child, mother, father) and place in the genome."""
    chrom = table["CHROM"].str.removeprefix("chr")
    number = pd.to_numeric(chrom, errors="coerce").fillna(100 + chrom.map({"X": 0, "Y": 1}))
    keys = table.assign(
        _role=table["role"].map({r: k for k, r in enumerate(_ROLES)}), _chrom=number
    )
    keys = keys.sort_values(["family_id", "_role", "_chrom", "POS"], kind="stable")
    types = {"ID": "str", "DP": "Int64", "GQ": "Int64"}
    return keys[_COLUMNS].astype(types).reset_index(drop=True)


def rare(variants: pd.DataFrame, max_af: float = 0.01) -> pd.DataFrame:
    """The variants with a population allele frequency at most `max_af`.

    Parameters
    ----------
    variants : pandas.DataFrame
        With a ``population_af`` column (0 when a variant is absent from the
        population database; such variants are kept).
    max_af : float, default 0.01
        Highest allele frequency kept, between 0 and 1 (0.01: 1 in 100).

    Examples
    --------
    >>> table = pd.DataFrame({"population_af": [0.2, 0.001, 0.0]})
    >>> rare(table)["population_af"].tolist()
    [0.001, 0.0]
    """
    if not 0 <= max_af <= 1:
        raise ValueError(
            f"max_af is an allele frequency between 0 and 1, not {max_af!r}; "
            "for 1 in 100 write 0.01."
        )
    return variants[variants["population_af"] <= max_af]


def damaging(
    variants: pd.DataFrame, consequences: Iterable[str] = DAMAGING_CONSEQUENCES
) -> pd.DataFrame:
    """The variants whose consequence is one of `consequences`.

    Parameters
    ----------
    variants : pandas.DataFrame
        With a ``consequence`` column (Sequence Ontology terms).
    consequences : list of str, default DAMAGING_CONSEQUENCES
        The terms to keep, from :data:`CONSEQUENCES`.

    Examples
    --------
    >>> table = pd.DataFrame({"consequence": ["intron_variant", "stop_gained"]})
    >>> damaging(table)["consequence"].tolist()
    ['stop_gained']
    """
    consequences = [consequences] if isinstance(consequences, str) else list(consequences)
    unknown = [term for term in consequences if term not in CONSEQUENCES]
    if unknown:
        raise ValueError(
            f"{', '.join(map(repr, unknown))}: not consequence terms of this course's data "
            "(Sequence Ontology terms, such as 'missense_variant'); "
            f"the terms are {', '.join(CONSEQUENCES)}."
        )
    return variants[variants["consequence"].isin(consequences)]


def _alt_copies(genotypes: pd.Series) -> pd.Series:
    """Copies of the variant allele in a genotype such as '0/1' (1) or '1' (1); no call is NaN."""
    text = genotypes.astype("string")
    return text.str.count("1").where(~text.str.contains(r"\.", regex=True) & text.notna())


def trio_genotypes(variants: pd.DataFrame) -> pd.DataFrame:
    """One family's variants side by side: one row per variant, a genotype per person.

    Parameters
    ----------
    variants : pandas.DataFrame
        One family's rows of :func:`make_trio_variants` (any filtered subset).

    Returns
    -------
    pandas.DataFrame
        ``family_id``, ``child_sex``, ``CHROM``, ``POS``, ``REF``, ``ALT``,
        ``gene``, ``consequence``, ``population_af``, ``cadd_phred``, then the
        genotypes ``child``, ``mother``, ``father`` (such as '0/1'; '1' for one
        copy on a man's X; missing when a person has no call).

    Raises
    ------
    ValueError
        If the rows hold several families, or a family member (child, mother
        or father) has no rows at all.

    Examples
    --------
    >>> variants = make_trio_variants()
    >>> trio = trio_genotypes(variants[variants["family_id"] == "FAM-01"])
    >>> trio.columns[-3:].tolist()
    ['child', 'mother', 'father']
    """
    if "child" in variants.columns:
        return variants
    families = variants["family_id"].unique()
    if len(families) != 1:
        raise ValueError(
            f"The inheritance filters look at one family at a time; these rows hold "
            f"{len(families)} ({', '.join(map(str, families)) or 'none'}). Choose one, e.g. "
            "variants[variants['family_id'] == 'FAM-01']."
        )
    missing = [role for role in _ROLES if role not in set(variants["role"])]
    if missing:
        raise ValueError(
            f"Family {families[0]} has no {' or '.join(missing)} in these rows. The inheritance "
            "filters compare the child with both parents: use the whole trio, or the "
            "frequency and consequence filters alone."
        )
    sex = variants.loc[variants["role"] == "child", "sex"].iloc[0]
    keys = [
        "family_id",
        "CHROM",
        "POS",
        "REF",
        "ALT",
        "gene",
        "consequence",
        "population_af",
        "cadd_phred",
    ]
    wide = variants.pivot_table(index=keys, columns="role", values="GT", aggfunc="first")
    wide = wide.reindex(columns=list(_ROLES)).reset_index().rename_axis(columns=None)
    wide.insert(1, "child_sex", sex)
    return wide


def _trio_copies(variants: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    trio = trio_genotypes(variants)
    return trio, {role: _alt_copies(trio[role]) for role in _ROLES}


def de_novo(variants: pd.DataFrame) -> pd.DataFrame:
    """Variants new in the child: the child carries it, neither parent does.

    Parameters
    ----------
    variants : pandas.DataFrame
        One family's rows (long, as :func:`make_trio_variants`, or side by side
        as :func:`trio_genotypes`).

    Returns
    -------
    pandas.DataFrame
        The matching variants, side by side (:func:`trio_genotypes`).

    Raises
    ------
    ValueError
        If the rows are not one whole trio (see :func:`trio_genotypes`).

    Examples
    --------
    >>> variants = make_trio_variants()
    >>> family = variants[variants["family_id"] == "FAM-01"]
    >>> "SCN1A" in set(de_novo(family)["gene"])
    True
    """
    trio, copies = _trio_copies(variants)
    return trio[(copies["child"] >= 1) & (copies["mother"] == 0) & (copies["father"] == 0)]


def homozygous_recessive(variants: pd.DataFrame) -> pd.DataFrame:
    """Variants with two copies in the child and one in each parent (both carriers).

    A boy's X chromosome has one copy only: see :func:`x_linked`.
    Parameters and errors as :func:`de_novo`.

    Examples
    --------
    >>> family = make_trio_variants().query("family_id == 'FAM-03'")
    >>> found = homozygous_recessive(damaging(rare(family)))
    >>> print(found[["gene", "child", "mother", "father"]].to_string(index=False))
    gene child mother father
    GJB2   1/1    0/1    0/1
    """
    trio, copies = _trio_copies(variants)
    diploid = trio["child"].str.contains("/")
    return trio[
        diploid & (copies["child"] == 2) & (copies["mother"] == 1) & (copies["father"] == 1)
    ]


def compound_heterozygous(variants: pd.DataFrame) -> pd.DataFrame:
    """Two different variants in one gene of the child, one from each parent.

    Keeps the child's heterozygous variants that exactly one parent carries,
    then the genes with at least one from the mother and one from the father:
    two variants from the same parent may lie on one copy of the gene and
    leave the other copy working. Parameters and errors as :func:`de_novo`.

    Examples
    --------
    >>> variants = make_trio_variants()
    >>> family = damaging(rare(variants[variants["family_id"] == "FAM-02"]))
    >>> "CFTR" in set(compound_heterozygous(family)["gene"])
    True
    """
    trio, copies = _trio_copies(variants)
    het = trio["child"].str.contains("/") & (copies["child"] == 1)
    from_mother = het & (copies["mother"] >= 1) & (copies["father"] == 0)
    from_father = het & (copies["father"] >= 1) & (copies["mother"] == 0)
    genes = set(trio.loc[from_mother, "gene"]) & set(trio.loc[from_father, "gene"])
    return trio[(from_mother | from_father) & trio["gene"].isin(genes)]


def x_linked(variants: pd.DataFrame) -> pd.DataFrame:
    """Variants on a boy's X chromosome, in one copy (hemizygous), the father free of it.

    A boy has one X, from his mother; a variant there has no second copy to
    make up for it. The mother may carry it (a carrier) or not (new in the
    boy). A girl has two X chromosomes, so for a girl the result is empty:
    look at :func:`de_novo` or :func:`homozygous_recessive` instead.
    Parameters and errors as :func:`de_novo`.

    Examples
    --------
    >>> variants = make_trio_variants()
    >>> family = damaging(rare(variants[variants["family_id"] == "FAM-04"]))
    >>> "DMD" in set(x_linked(family)["gene"])
    True
    """
    trio, copies = _trio_copies(variants)
    boy = trio["child_sex"] == "male"
    return trio[boy & (trio["CHROM"] == "chrX") & (copies["child"] >= 1) & (copies["father"] == 0)]


def hpo_terms() -> pd.DataFrame:
    """The course's subset of Human Phenotype Ontology terms: ``hpo_id``, ``name``."""
    return load_table("hpo_terms")


def make_child_phenotypes() -> pd.DataFrame:
    """Each child's phenotype as HPO terms: ``family_id``, ``patient_id``, ``hpo_id``, ``name``."""
    phenotypes = load_table("hpo_children")
    trios = make_trios()
    children = trios.loc[trios["role"] == "child", ["family_id", "patient_id"]]
    merged = children.merge(phenotypes).merge(hpo_terms())
    return merged[["family_id", "patient_id", "hpo_id", "name"]]


def rank_genes(terms: Iterable[str], genes: Iterable[str] | None = None) -> pd.DataFrame:
    """Rank genes by how well their known phenotypes match a patient's HPO terms.

    Each matched term scores its information content, ``log(n_genes /
    n_genes_with_term)`` over the course's annotated genes: a term shared by
    few genes (Gowers sign) says more than one shared by many (Seizure).

    Parameters
    ----------
    terms : list of str
        HPO term ids such as ``"HP:0001250"``.
    genes : list of str, optional
        The candidate genes to rank; by default every annotated gene.

    Returns
    -------
    pandas.DataFrame
        ``gene``, ``n_matched``, ``matched_terms`` (names joined by '; '),
        ``score``; the best match first. Genes without annotations score 0.

    Raises
    ------
    ValueError
        For a term id not in the course's HPO subset.

    Examples
    --------
    >>> rank_genes(["HP:0003391", "HP:0003236"]).iloc[0]["gene"]
    'DMD'
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    names = hpo_terms().set_index("hpo_id")["name"]
    unknown = [term for term in terms if term not in names.index]
    if unknown:
        raise ValueError(
            f"{unknown} are not HPO term ids of the course's subset (pmcourse/resources/"
            "hpo_terms.csv); ids look like 'HP:0001250'."
        )
    annotations = load_table("hpo_genes")
    n_genes = annotations["gene"].nunique()
    content = np.log(n_genes / annotations.groupby("hpo_id")["gene"].nunique())
    matched = annotations[annotations["hpo_id"].isin(terms)]
    genes = sorted(set(annotations["gene"])) if genes is None else list(dict.fromkeys(genes))
    rows = []
    for gene in genes:
        ids = matched.loc[matched["gene"] == gene, "hpo_id"]
        rows.append(
            {
                "gene": gene,
                "n_matched": len(ids),
                "matched_terms": "; ".join(names[ids]),
                "score": round(float(content[ids].sum()), 2) if len(ids) else 0.0,
            }
        )
    ranked = pd.DataFrame(rows, columns=["gene", "n_matched", "matched_terms", "score"])
    return ranked.sort_values(["score", "gene"], ascending=[False, True], ignore_index=True)


#: The inheritance filters by the name :data:`FAMILIES` gives each model.
INHERITANCE_MODELS = {
    "de novo": de_novo,
    "homozygous recessive": homozygous_recessive,
    "compound heterozygous": compound_heterozygous,
    "X-linked": x_linked,
}


def _causal(table: pd.DataFrame) -> pd.Series:
    """Which rows are a planted cause (by family, gene, consequence and score)."""
    keys = ["family_id", "gene", "consequence", "cadd_phred"]
    planted = FAMILIES[keys].assign(_causal=True)
    return table[keys].merge(planted, how="left")["_causal"].notna().to_numpy()


def filter_funnel(
    variants: pd.DataFrame,
    family_id: str = "FAM-01",
    *,
    max_af: float = 0.01,
    consequences: Iterable[str] | str = "protein-changing",
) -> pd.DataFrame:
    """How many of one family's variants are left after each filter, and whether the cause is.

    The steps: every variant the family carries; those the child carries;
    :func:`rare` (at most `max_af`); :func:`damaging` (`consequences`); the
    family's inheritance model (:data:`FAMILIES`).

    Parameters
    ----------
    variants : pandas.DataFrame
        As :func:`make_trio_variants` returns.
    family_id : str, default "FAM-01"
        The family.
    max_af : float, default 0.01
        Frequency cut-off for :func:`rare`.
    consequences : str or list of str, default "protein-changing"
        A name of :data:`CONSEQUENCE_SETS`, or the terms to keep.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``step``, ``n_variants`` (distinct variants left) and
        ``cause_kept`` (True while every planted variant is still there).

    Examples
    --------
    >>> funnel = filter_funnel(make_trio_variants(), "FAM-03")
    >>> funnel["step"].tolist()[-1], bool(funnel["cause_kept"].iloc[-1])
    ('homozygous recessive', True)
    """
    if isinstance(consequences, str):
        if consequences not in CONSEQUENCE_SETS:
            raise ValueError(
                f"{consequences!r} is not a named set of consequences; the sets are "
                f"{', '.join(CONSEQUENCE_SETS)} (or give a list of terms)."
            )
        consequences = CONSEQUENCE_SETS[consequences]
    family = variants[variants["family_id"] == family_id]
    if family.empty:
        raise ValueError(
            f"There is no family {family_id!r}; the families are "
            f"{', '.join(variants['family_id'].unique())}."
        )
    model = FAMILIES.loc[FAMILIES["family_id"] == family_id, "inheritance"].iloc[0]
    n_causal = (FAMILIES["family_id"] == family_id).sum()
    carried = family[_alt_copies(family["GT"]) > 0]
    in_child = family[family["POS"].isin(carried.loc[carried["role"] == "child", "POS"])]
    frequent = rare(in_child, max_af)
    steps = {
        "all variants": carried,
        "in the child": in_child,
        f"rare (AF <= {max_af:g})": frequent,
        "consequence": damaging(frequent, consequences),
    }
    steps[model] = INHERITANCE_MODELS[model](steps["consequence"])
    rows = []
    for step, table in steps.items():
        sites = table.drop_duplicates(["CHROM", "POS"])
        rows.append((step, len(sites), int(_causal(sites).sum()) == n_causal))
    return pd.DataFrame(rows, columns=["step", "n_variants", "cause_kept"])
