"""Pharmacogenomics: from a diplotype to a CPIC phenotype and prescribing advice.

A *diplotype* names the two copies of a gene a patient carries, written as CPIC
writes it: ``"*1/*2"``, ``"*1/*2x2"`` (a CYP2D6 gene duplication: two copies
of *2 on one chromosome), ``"c.1905+1G>A/c.2846A>T"`` for DPYD. Each allele
has a CPIC *function* ("No function", ...) and, for CYP2D6, CYP2C9 and DPYD, an
*activity value*; the phenotype follows from the pair of functions or from the
*activity score*, the sum of the two activity values.

Every allele, rule and recommendation comes from the tables in
``pmcourse/resources/`` (``pgx_*.csv``), which record the CPIC data version
they follow (see :func:`pmcourse.reference.source_of`). Terms are CPIC's,
verbatim, with American spelling ("Poor Metabolizer"). For teaching only: read
the guideline before prescribing.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from pmcourse.reference import load_table, lookup

__all__ = [
    "ACTIVITY_SCORE_GENES",
    "GENES",
    "Phenotypes",
    "Recommendation",
    "activity_score",
    "activity_value",
    "allele_function",
    "alleles",
    "drug_gene_alerts",
    "drugs",
    "former_activity_value",
    "has_recommendation",
    "inhibitors",
    "normalise_diplotype",
    "phenoconverted",
    "phenotype",
    "phenotypes_of",
    "recommendation",
    "split_allele",
    "split_diplotype",
]

#: Pharmacogenes the course covers, in the order CPIC guidelines meet them.
GENES = ("CYP2C19", "CYP2D6", "CYP2C9", "VKORC1", "TPMT", "NUDT15", "DPYD", "SLCO1B1", "HLA-B")

#: Genes whose phenotype follows from the activity score.
ACTIVITY_SCORE_GENES = ("CYP2D6", "CYP2C9", "DPYD")

_PATIENT_COLUMNS = ("patient_id", "ancestry", "ward")
_DUPLICATION = re.compile(r"^(?P<name>.+?)\s*[x×]\s*(?P<copies>\d+|N)$", re.IGNORECASE)
_HLA_ALLELE = re.compile(r"^\*?\d{2,3}(:\d{2,3}){1,3}$")


# --- reference tables -------------------------------------------------------


@cache
def _drug_genes() -> dict[str, tuple[dict, ...]]:
    """drug -> the rows of ``pgx_drug_genes`` for the genes its guideline uses, in order."""
    rows: dict[str, list[dict]] = {}
    for row in load_table("pgx_drug_genes").to_dict("records"):
        rows.setdefault(row["drug"], []).append(row)
    return {drug: tuple(genes) for drug, genes in rows.items()}


#: HLA-B alleles tested before a drug; each is reported as "positive" or "negative".
HLA_B_TESTS = tuple(
    dict.fromkeys(
        row["gene"] for rows in _drug_genes().values() for row in rows if "*" in row["gene"]
    )
)


@cache
def _allele_table() -> pd.DataFrame:
    return load_table("pgx_alleles")


@cache
def _function_rules() -> dict[tuple[str, frozenset[str]], str]:
    table = load_table("pgx_function_phenotypes")
    return {
        (row.gene, frozenset((row.function_1, row.function_2))): row.phenotype
        for row in table.itertuples(index=False)
    }


@cache
def _score_rules() -> pd.DataFrame:
    return load_table("pgx_activity_phenotypes")


@cache
def _recommendations() -> pd.DataFrame:
    return load_table("pgx_recommendations")


@cache
def _recommendation_index() -> dict[tuple[str, str, str], tuple[dict, ...]]:
    """(drug, gene, phenotype) -> its rows, one per indication or activity score."""
    index: dict[tuple[str, str, str], list[dict]] = {}
    for row in _recommendations().fillna({"indication": ""}).to_dict("records"):
        index.setdefault((row["drug"], row["gene"], row["phenotype"]), []).append(row)
    return {key: tuple(rows) for key, rows in index.items()}


@cache
def _indications(drug: str) -> tuple[str, ...]:
    """The indications a drug's advice differs by, the default (first in the table) first."""
    table = _recommendations()
    return tuple(dict.fromkeys(table.loc[table["drug"] == drug, "indication"].dropna()))


@cache
def _combined_rows() -> tuple[dict, ...]:
    """Advice for a combination of two genes' phenotypes (``pgx_combined_recommendations``)."""
    return tuple(load_table("pgx_combined_recommendations").to_dict("records"))


def _known(items) -> str:
    return ", ".join(repr(item) for item in items)


@cache
def _genes_without_function_term() -> frozenset[str]:
    """Genes whose alleles CPIC gives no function term (VKORC1, HLA-B)."""
    table = _allele_table()
    return frozenset(table["gene"]) - frozenset(table.dropna(subset=["function"])["gene"])


def _gene(gene: str) -> str:
    """The canonical spelling of a gene name (``cyp2c19`` -> ``CYP2C19``)."""
    if not isinstance(gene, str):
        raise TypeError(f"A gene name is text, such as 'CYP2C19'; got {gene!r}.")
    name = gene.strip().upper().replace("_", "-")
    if name.startswith("HLA-B*") or name in GENES:
        return name
    raise ValueError(f"Unknown gene {gene!r}. The course knows: {_known(GENES)}.")


def alleles(gene: str) -> list[str]:
    """The alleles of a gene the course knows, in CPIC's names.

    Examples
    --------
    >>> alleles("CYP2C9")
    ['*1', '*2', '*3', '*5', '*6', '*8', '*11']
    """
    gene = _gene(gene)
    table = _allele_table()
    return table.loc[table["gene"] == gene, "allele"].tolist()


@cache
def _allele_index() -> dict[tuple[str, str], dict]:
    """(gene, lower-case name or alias) -> the allele's table row."""
    index = {}
    for row in _allele_table().to_dict("records"):
        aliases = row["aliases"].split(";") if isinstance(row["aliases"], str) else []
        for name in [row["allele"], *aliases]:
            index[(row["gene"], name.strip().lower())] = row
    return index


def _allele_row(gene: str, allele: str) -> dict:
    """The table row of one allele, found by its name or an alias."""
    if not isinstance(allele, str):
        raise TypeError(f"An allele is text, such as '*2'; got {allele!r}.")
    row = _allele_index().get((gene, allele.strip().lower()))
    if row is not None:
        return row
    known = alleles(gene)
    hint = ""
    if not allele.strip().startswith("*") and f"*{allele.strip()}" in known:
        hint = f" Star alleles start with a star: did you mean '*{allele.strip()}'?"
    raise ValueError(
        f"{gene} has no allele {allele!r} in the course's tables.{hint} "
        f"Known {gene} alleles: {_known(known)}."
    )


def split_allele(allele: str) -> tuple[str, int]:
    """Split a duplicated allele such as ``"*2x2"`` into its name and copy number.

    Examples
    --------
    >>> split_allele("*2x2")
    ('*2', 2)
    >>> split_allele("*4")
    ('*4', 1)
    """
    if not isinstance(allele, str):
        raise TypeError(f"An allele is text, such as '*1' or '*2x2'; got {allele!r}.")
    match = _DUPLICATION.match(allele.strip())
    if match is None:
        return allele.strip(), 1
    if match["copies"].upper() == "N":
        raise ValueError(
            f"{allele!r} does not say how many copies there are; write the number, "
            "for example '*1x2' for two copies or '*1x3' for three."
        )
    copies = int(match["copies"])
    if copies < 1:
        raise ValueError(f"{allele!r}: the number of copies must be at least 1.")
    return match["name"].strip(), copies


def split_diplotype(diplotype: str) -> list[str]:
    """The two alleles of a diplotype written ``"allele/allele"``.

    Examples
    --------
    >>> split_diplotype("*1/*2x2")
    ['*1', '*2x2']
    """
    if not isinstance(diplotype, str):
        raise TypeError(
            f"A diplotype is text with two alleles separated by '/', such as '*1/*2'; "
            f"got {diplotype!r}."
        )
    parts = [part.strip() for part in diplotype.split("/")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"{diplotype!r} is not a diplotype: write the two alleles separated by one '/', "
            "for example '*1/*2', '*1/*2x2' (CYP2D6 duplication) or "
            "'Reference/c.2846A>T' (DPYD)."
        )
    return parts


def _parse(gene: str, diplotype: str) -> list[tuple[dict, int]]:
    """Look up both alleles of a diplotype: (table row, copies) for each."""
    parsed = []
    for allele in split_diplotype(diplotype):
        name, copies = split_allele(allele)
        if copies > 1 and gene != "CYP2D6":
            raise ValueError(
                f"{allele!r}: gene duplications are counted for CYP2D6 only; "
                f"write {gene} alleles without 'x'."
            )
        parsed.append((_allele_row(gene, name), copies))
    return parsed


def _allele_sort_key(allele: str) -> tuple:
    name, copies = split_allele(allele)
    number = re.match(r"^\*(\d+)", name)
    if number:
        return (0, int(number[1]), name, copies)
    return (0 if name == "Reference" else 1, 0, name, copies)


def normalise_diplotype(gene: str, diplotype: str) -> str:
    """Write a diplotype the way CPIC does: canonical names, lower allele first.

    Examples
    --------
    >>> normalise_diplotype("CYP2C19", " *17 / *1 ")
    '*1/*17'
    >>> normalise_diplotype("DPYD", "HapB3/*2A")
    'c.1129-5923C>G/c.1905+1G>A'
    """
    gene = _gene(gene)
    if gene == "HLA-B" or gene.startswith("HLA-B*"):
        return "/".join(sorted(_hla_alleles(diplotype)))
    named = []
    for row, copies in _parse(gene, diplotype):
        named.append(row["allele"] + (f"x{copies}" if copies > 1 else ""))
    return "/".join(sorted(named, key=_allele_sort_key))


# --- function, activity value, activity score -------------------------------


def allele_function(gene: str, allele: str) -> str:
    """CPIC's function of one allele, e.g. ``"No function"``.

    Parameters
    ----------
    gene : str
        Gene name, one of :data:`GENES` (not VKORC1 or HLA-B: CPIC gives
        their alleles no function term).
    allele : str
        Allele name as CPIC writes it (``"*2"``, ``"c.1905+1G>A"``) or a
        common alias (``"*2A"``, ``"HapB3"``, an rsID).

    Examples
    --------
    >>> allele_function("CYP2C19", "*2")
    'No function'
    >>> allele_function("DPYD", "*2A")
    'No function'
    """
    gene = _gene(gene)
    if gene.split("*")[0] in _genes_without_function_term():
        raise ValueError(
            f"CPIC gives {gene} alleles no function term. "
            + (
                "Use the -1639 genotype (GG, GA or AA) with recommendation('warfarin', ...)."
                if gene == "VKORC1"
                else "HLA-B results are reported as positive or negative for one allele: "
                "use phenotype('HLA-B*57:01', diplotype)."
            )
        )
    name, copies = split_allele(allele)
    if copies > 1:
        raise ValueError(f"Ask for the function of {name!r} without the copy number.")
    return _allele_row(gene, name)["function"]


def activity_value(gene: str, allele: str) -> float:
    """The activity value of one allele, times its copies (``"*1x2"`` -> 2.0).

    Examples
    --------
    >>> activity_value("CYP2D6", "*41")
    0.25
    >>> activity_value("CYP2D6", "*10x2")
    0.5
    """
    row, copies = _activity_allele(gene, allele)
    return float(row["activity_value"]) * copies


def former_activity_value(gene: str, allele: str) -> float:
    """The activity value an allele had before CPIC revised it, times its copies.

    CPIC lowered the CYP2D6 activity value of ``*10`` from 0.5 to 0.25 in its
    2020 consensus, and those of ``*9`` and ``*41`` in its update of
    2022-11-08 (``pgx_activity_value_history`` in ``pmcourse/resources/``).
    An allele whose value never changed keeps its current one. Use it to
    recognise a score worked out from an older table.

    Examples
    --------
    >>> former_activity_value("CYP2D6", "*41"), activity_value("CYP2D6", "*41")
    (0.5, 0.25)
    >>> former_activity_value("CYP2D6", "*10x2")
    1.0
    >>> former_activity_value("CYP2D6", "*4")
    0.0
    """
    row, copies = _activity_allele(gene, allele)
    former = lookup("pgx_activity_value_history", ("gene", "allele"), "activity_value")
    value = former.get((row["gene"], row["allele"]), row["activity_value"])
    return float(value) * copies


def _activity_allele(gene: str, allele: str) -> tuple[dict, int]:
    """The table row of one allele of an activity-score gene, and its copies."""
    gene = _activity_gene(gene)
    (row, copies), _ = _parse(gene, f"{allele}/{alleles(gene)[0]}")
    return row, copies


def _activity_gene(gene: str) -> str:
    """The canonical name of a gene that has an activity score, or a ValueError."""
    gene = _gene(gene)
    if gene not in ACTIVITY_SCORE_GENES:
        raise ValueError(
            f"{gene} has no activity score in CPIC's tables; activity scores exist for "
            f"{_known(ACTIVITY_SCORE_GENES)}. Use phenotype({gene!r}, diplotype) instead."
        )
    return gene


def activity_score(gene: str, diplotype: str) -> float:
    """The activity score of a diplotype: the sum of its two activity values.

    A duplicated allele counts its value times the number of copies. An allele
    of uncertain function has no activity value, and the score is then NaN.

    Examples
    --------
    >>> activity_score("CYP2D6", "*1/*4")
    1.0
    >>> activity_score("CYP2D6", "*1/*1x2")
    3.0
    >>> activity_score("DPYD", "Reference/c.2846A>T")
    1.5
    """
    gene = _activity_gene(gene)
    return float(sum(row["activity_value"] * copies for row, copies in _parse(gene, diplotype)))


# --- phenotype --------------------------------------------------------------


def _hla_alleles(diplotype: str) -> list[str]:
    alleles_ = split_diplotype(diplotype)
    for allele in alleles_:
        if not _HLA_ALLELE.match(allele):
            raise ValueError(
                f"{allele!r} is not an HLA-B allele: write it with its fields, "
                "such as '*57:01' or '*07:02', e.g. '*57:01/*07:02'."
            )
    return [a if a.startswith("*") else f"*{a}" for a in alleles_]


def _hla_phenotype(test: str, diplotype: str) -> str:
    if test not in HLA_B_TESTS:
        raise ValueError(f"Unknown HLA-B test {test!r}; known tests: {_known(HLA_B_TESTS)}.")
    wanted = test.removeprefix("HLA-B")
    carried = [":".join(a.split(":")[:2]) for a in _hla_alleles(diplotype)]
    return "positive" if wanted in carried else "negative"


def phenotype(gene: str, diplotype: str) -> str:
    """CPIC's phenotype for a diplotype, verbatim.

    Parameters
    ----------
    gene : str
        One of :data:`GENES`; for HLA-B name the allele tested,
        ``"HLA-B*57:01"`` (abacavir) or ``"HLA-B*58:01"`` (allopurinol).
    diplotype : str
        Two alleles separated by ``/``, in either order.

    Returns
    -------
    str
        For example ``"Intermediate Metabolizer"``; for SLCO1B1 the 2022 terms
        (``"Decreased Function"``); for HLA-B ``"positive"`` or ``"negative"``.

    Examples
    --------
    >>> phenotype("CYP2C19", "*2/*1")
    'Intermediate Metabolizer'
    >>> phenotype("CYP2D6", "*1/*1x2")
    'Ultrarapid Metabolizer'
    >>> phenotype("SLCO1B1", "*1/*5")
    'Decreased Function'
    >>> phenotype("HLA-B*57:01", "*57:01/*07:02")
    'positive'
    """
    gene = _gene(gene)
    split_diplotype(diplotype)  # a clear error for a wrong type before the cache
    return _phenotype(gene, diplotype)


@cache
def _phenotype(gene: str, diplotype: str) -> str:
    if gene.startswith("HLA-B"):
        if gene == "HLA-B":
            raise ValueError(
                "Say which HLA-B allele was tested: phenotype('HLA-B*57:01', diplotype) "
                "before abacavir, phenotype('HLA-B*58:01', diplotype) before allopurinol."
            )
        return _hla_phenotype(gene, diplotype)
    if gene == "VKORC1":
        raise ValueError(
            "CPIC gives VKORC1 no phenotype: the -1639 genotype (GG, GA or AA) goes "
            "straight into the warfarin dosing algorithm. Use recommendation('warfarin', ...)."
        )
    if gene in ACTIVITY_SCORE_GENES:
        score = activity_score(gene, diplotype)
        return "Indeterminate" if math.isnan(score) else _phenotype_from_score(gene, score)
    functions = frozenset(row["function"] for row, _ in _parse(gene, diplotype))
    return _function_rules()[(gene, functions)]


def _phenotype_from_score(gene: str, score: float) -> str:
    rules = _score_rules()
    for rule in rules[rules["gene"] == gene].itertuples(index=False):
        upper = float("inf") if pd.isna(rule.max_score) else rule.max_score
        if rule.min_score <= score <= upper:
            return rule.phenotype
    raise ValueError(f"No {gene} phenotype is defined for an activity score of {score}.")


def _vkorc1_genotype(value: str) -> str:
    """``"G/A"``, ``"AG"`` or ``"-1639G/-1639A"`` -> ``"GA"``."""
    if not isinstance(value, str):
        raise TypeError(f"Write the VKORC1 -1639 genotype as text, such as 'GA'; got {value!r}.")
    letters = re.sub(r"-1639|rs9923231|[\s/]", "", value.upper())
    if len(letters) != 2 or set(letters) - {"G", "A"}:
        raise ValueError(
            f"{value!r} is not a VKORC1 -1639 genotype: write GG, GA or AA (or 'G/A')."
        )
    return "".join(sorted(letters, reverse=True))


# --- recommendations --------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """CPIC's headline recommendation for one drug and one patient's genes.

    ``phenotypes`` are those the advice was chosen by: the genotype's, or, when
    :func:`recommendation` was given the patient's medicines and one of them
    changes a phenotype (phenoconversion), those the patient behaves as; the
    genotype's are then in ``genotype_phenotypes``. ``strength`` is CPIC's
    classification of the recommendation (Strong, Moderate, Optional, No
    recommendation; empty where the course's table could not verify it) and
    ``indication`` the indication the advice is for (clopidogrel), else empty.
    """

    drug: str
    phenotypes: dict[str, str]
    text: str
    action: str
    guideline: str
    pmid: str
    citation: str
    strength: str = ""
    indication: str = ""
    genotype_phenotypes: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default=())

    @property
    def changes_prescription(self) -> bool:
        """True when the advice is another drug, or another dose, than the usual prescription.

        Each action says whether it does in ``pgx_actions``. Warfarin dosed by
        a genotype-guided algorithm is not a change: see :attr:`guides_starting_dose`.
        """
        return bool(lookup("pgx_actions", "action", "changes_prescription")[self.action])

    @property
    def guides_starting_dose(self) -> bool:
        """True when the same drug is kept and its starting dose is calculated from the genotypes.

        Warfarin: a validated algorithm uses the CYP2C9 and VKORC1 genotypes
        when warfarin is started (``pgx_actions``).
        """
        return bool(lookup("pgx_actions", "action", "guides_starting_dose")[self.action])

    def _genes(self, bold: bool = False) -> str:
        parts = []
        for gene, term in self.phenotypes.items():
            shown = f"<b>{term}</b>" if bold else term
            before = self.genotype_phenotypes.get(gene)
            if before and before != term:
                shown += f" as the patient behaves; by genotype {before}"
            parts.append(f"{gene}: {shown}")
        return "; ".join(parts)

    def _lines(self) -> list[str]:
        """The lines under the heading: indication, advice, strength, source."""
        return [
            *([f"Indication: {self.indication}"] if self.indication else []),
            self.text,
            f"CPIC strength: {self.strength or 'not recorded in the course table'}",
            f"Source: {self.guideline}, PMID {self.pmid}",
        ]

    def __str__(self) -> str:
        return "\n".join([f"{self.drug} ({self._genes()})", *self._lines(), *self.notes])

    def _repr_html_(self) -> str:
        lines = "".join(f"<br>{html.escape(line)}" for line in self._lines())
        notes = "".join(f"<br><i>{html.escape(note)}</i>" for note in self.notes)
        return (
            f'<div style="border-left:4px solid #0072B2;padding:0.3em 0.8em">'
            f"<b>{self.drug}</b> ({self._genes(bold=True)}){lines}{notes}</div>"
        )


@cache
def _drugs() -> tuple[str, ...]:
    return tuple(sorted(_drug_genes()))


def drugs() -> list[str]:
    """Drugs with a CPIC recommendation in the course's table.

    Examples
    --------
    >>> "clopidogrel" in drugs()
    True
    """
    return list(_drugs())


def _genes_for(drug: str) -> tuple[str, ...]:
    return tuple(row["gene"] for row in _drug_genes()[drug])


@cache
def _phenotype_terms(gene: str) -> frozenset[str]:
    table = _recommendations()
    return frozenset(table.loc[table["gene"] == gene, "phenotype"])


def _as_phenotype(gene: str, value: str) -> str:
    """A phenotype term as CPIC writes it, from a term or a diplotype."""
    if not isinstance(value, str):
        raise TypeError(
            f"Give {gene} as a diplotype such as '*1/*2' or a phenotype such as "
            f"'Poor Metabolizer'; got {value!r}."
        )
    spelled = re.sub(r"metaboliser", "Metabolizer", value.strip(), flags=re.IGNORECASE)
    for term in _phenotype_terms(gene):
        if spelled.lower() == term.lower():
            return term
    if "/" not in value:
        raise ValueError(
            f"{value!r} is neither a {gene} diplotype (two alleles separated by '/') nor one "
            f"of CPIC's phenotypes: {_known(sorted(_phenotype_terms(gene)))}."
        )
    return phenotype(gene, value)


def _given_genes(drug: str, profile: Mapping[str, str]) -> dict[str, str]:
    """Map a profile's genes onto the genes the drug's guideline uses."""
    given = {}
    for key, value in profile.items():
        if key in _PATIENT_COLUMNS:
            continue  # a whole row of the course's tables can be passed as a profile
        gene = _gene(key)
        if gene == "HLA-B":  # the drug says which HLA-B allele matters
            gene = next((g for g in _genes_for(drug) if g.startswith("HLA-B*")), gene)
        given[gene] = value
    return given


def _as_profile(drug: str, profile: object, genes: dict[str, str]) -> Mapping[str, str]:
    """The profile as a mapping, or a TypeError that shows the dictionary to write."""
    if genes:
        written = {key.replace("_", "-"): value for key, value in genes.items()}
        old = ", ".join(f"{key}={value!r}" for key, value in genes.items())
        raise TypeError(
            "recommendation() takes the patient's genes as one dictionary, gene -> "
            f"diplotype or phenotype: write recommendation({drug!r}, {written!r}) "
            f"instead of recommendation({drug!r}, {old})."
        )
    if isinstance(profile, pd.Series):
        return profile.to_dict()
    if not isinstance(profile, Mapping):
        raise TypeError(
            "Give the patient's genes as a dictionary, gene -> diplotype or phenotype, "
            f"such as recommendation('clopidogrel', {{'CYP2C19': '*1/*2'}}); got {profile!r}."
        )
    return profile


def recommendation(
    drug: str,
    profile: Mapping[str, str] | None = None,
    indication: str | None = None,
    *,
    medications: list[str] | None = None,
    **genes: str,
) -> Recommendation:
    """CPIC's headline recommendation for a drug, from a patient's genes.

    Parameters
    ----------
    drug : str
        One of :func:`drugs`, e.g. ``"clopidogrel"``.
    profile : dict
        Gene -> diplotype (``{"CYP2C19": "*1/*2"}``) or CPIC phenotype
        (``{"CYP2C19": "Intermediate Metabolizer"}``). Genes the drug does not
        need are ignored, so a whole row of a diplotype table (with
        ``patient_id`` and ``ancestry``) can be passed. HLA-B is read as the
        allele the drug's guideline tests; VKORC1 is given as its -1639
        genotype (``"GA"``). Which genes each drug needs is in
        ``pgx_drug_genes``. A DPYD diplotype gives the activity score CPIC's
        advice depends on; a DPYD phenotype alone gives the advice for the
        lowest score of that phenotype, and a note says so.
    indication : str, optional
        For a drug whose advice differs by indication (clopidogrel:
        ``"cardiovascular"`` or ``"neurovascular"``). Without one, the first
        indication of ``pgx_recommendations`` (cardiovascular) is used and a
        note says so.
    medications : list of str, optional
        The medicines the patient takes. When given, an inhibitor among them
        (``pgx_inhibitors``) changes the phenotype the advice is chosen by, as
        :func:`phenoconverted` says; both phenotypes are shown.
    **genes
        Not accepted: genes given as keywords (``CYP2C19="*1/*2"``) raise a
        TypeError that shows the dictionary to write instead.

    Returns
    -------
    Recommendation
        The advice text, an ``action`` summary, CPIC's ``strength``, the
        ``indication`` and the guideline it comes from. When several genes
        bear on one drug (thiopurines), a row of
        ``pgx_combined_recommendations`` for the pair of phenotypes wins;
        otherwise the advice with the highest rank in ``pgx_actions`` is
        shown, and between equal ranks that of the more severe phenotype
        (``pgx_phenotypes``).

    Examples
    --------
    >>> advice = recommendation("clopidogrel", {"CYP2C19": "*1/*2"})
    >>> advice.action, advice.strength, advice.indication
    ('change drug', 'Strong', 'cardiovascular')
    >>> recommendation("clopidogrel", {"CYP2C19": "*1/*2"}, "neurovascular").strength
    'Moderate'
    >>> recommendation("codeine", {"CYP2D6": "*1/*1"}).text
    'Use the label-recommended age- or weight-specific dosing.'
    >>> recommendation("codeine", {"CYP2D6": "*1/*1"}, medications=["paroxetine"]).phenotypes
    {'CYP2D6': 'Poor Metabolizer'}
    >>> recommendation("warfarin", {"CYP2C9": "*1/*3", "VKORC1": "GA"}).phenotypes
    {'CYP2C9': 'Intermediate Metabolizer', 'VKORC1': '-1639 GA'}
    """
    if not isinstance(drug, str):
        raise TypeError(f"Name the drug as text, such as 'clopidogrel'; got {drug!r}.")
    drug = drug.strip().lower()
    profile = _as_profile(drug, profile, genes)
    if drug not in _drugs():
        raise ValueError(
            f"No CPIC recommendation for {drug!r} in the course. Known: {_known(drugs())}."
        )
    needed = _drug_genes()[drug]
    given = _given_genes(drug, profile)
    missing = [row["gene"] for row in needed if row["gene"] not in given]
    if missing:
        example = {row["gene"].split("*")[0]: "..." for row in needed}
        raise ValueError(
            f"The {drug} recommendation needs {', '.join(missing)}. "
            f"Call it as recommendation({drug!r}, {example})."
        )
    indication, notes = _indication(drug, indication)
    shown, scores = {}, {}
    for row in needed:
        gene, value = row["gene"], given[row["gene"]]
        if row["result"] == "genotype":  # VKORC1: shown beside the advice, does not choose it
            shown[gene] = row["shown_as"].format(genotype=_vkorc1_genotype(value))
            continue
        shown[gene] = _as_phenotype(gene, value)
        if gene in ACTIVITY_SCORE_GENES and "/" in value:
            scores[gene] = activity_score(gene, value)
    by_genotype = {}
    if medications is not None:
        behaves = phenoconverted({gene: given[gene] for gene in shown}, medications)
        changed = {gene: term for gene, term in behaves.items() if term != shown[gene]}
        if changed:
            by_genotype = dict(shown)
            shown |= changed
            scores = {gene: score for gene, score in scores.items() if gene not in changed}
        notes += list(behaves.notes)
    advice = [
        _row_for(drug, row["gene"], shown[row["gene"]], indication, scores.get(row["gene"]), notes)
        for row in needed
        if row["result"] != "genotype"
    ]
    chosen = _combined(drug, shown) or max(advice, key=_priority)
    return Recommendation(
        drug=drug,
        phenotypes=shown,
        text=chosen["recommendation"],
        action=chosen["action"],
        guideline=chosen["guideline"],
        pmid=str(chosen["pmid"]),
        citation=chosen["citation"],
        strength=chosen["strength"] if isinstance(chosen["strength"], str) else "",
        indication=indication or "",
        genotype_phenotypes=by_genotype,
        notes=tuple(notes),
    )


def _indication(drug: str, indication: str | None) -> tuple[str | None, list[str]]:
    """The indication the advice is for, and a note when the default was used."""
    known = _indications(drug)
    if indication is None:
        if not known:
            return None, []
        others = ", ".join(repr(other) for other in known[1:])
        return known[0], [
            f"No indication was given: the advice for {known[0]} indications is shown. "
            f"CPIC gives other advice for {others} indications: "
            f"recommendation({drug!r}, profile, indication={known[1]!r})."
        ]
    if not isinstance(indication, str) or indication.strip().lower() not in known:
        if not known:
            raise ValueError(
                f"CPIC's {drug} advice does not depend on the indication; "
                f"call recommendation({drug!r}, profile) without {indication!r}."
            )
        raise ValueError(
            f"{indication!r} is not an indication of CPIC's {drug} advice; "
            f"choose one of {_known(known)}."
        )
    return indication.strip().lower(), []


def _row_for(
    drug: str, gene: str, term: str, indication: str | None, score: float | None, notes: list
) -> dict:
    """The row of a drug, gene and phenotype for the indication and activity score."""
    rows = [
        row
        for row in _recommendation_index()[(drug, gene, term)]
        if row["indication"] in ("", indication)
    ]
    by_score = [row for row in rows if not pd.isna(row["activity_score"])]
    if not by_score:
        return rows[0]
    if score is not None:
        return next(row for row in by_score if row["activity_score"] == score)
    lowest = min(by_score, key=lambda row: row["activity_score"])
    if len(by_score) > 1:
        scores = ", ".join(f"{row['activity_score']:g}" for row in by_score)
        notes.append(
            f"Only the {gene} phenotype was given: CPIC's advice for {term} differs by activity "
            f"score ({scores}); the advice for the lowest, {lowest['activity_score']:g}, is "
            "shown. Give the diplotype for the advice that fits."
        )
    return lowest


def _combined(drug: str, shown: dict[str, str]) -> dict | None:
    """The row of ``pgx_combined_recommendations`` the patient's phenotypes match, if any."""
    for row in _combined_rows():
        if row["drug"] == drug and all(
            shown.get(row[f"gene_{i}"]) == row[f"phenotype_{i}"] for i in (1, 2)
        ):
            return row
    return None


def _priority(row: dict) -> tuple[int, int]:
    """The rank of a row's action, then the severity of its phenotype."""
    rank = lookup("pgx_actions", "action", "rank")[row["action"]]
    return (rank, lookup("pgx_phenotypes", "phenotype", "severity")[row["phenotype"]])


def phenotypes_of(profile: dict[str, str]) -> dict[str, str]:
    """CPIC phenotypes for a patient's diplotypes, gene by gene.

    VKORC1 keeps its genotype; genes that are missing are left out.

    Examples
    --------
    >>> phenotypes_of({"CYP2C19": "*1/*2", "CYP2D6": "*1/*4"})
    {'CYP2C19': 'Intermediate Metabolizer', 'CYP2D6': 'Intermediate Metabolizer'}
    """
    result = {}
    for gene, value in profile.items():
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        name = _gene(gene)
        result[name] = _vkorc1_genotype(value) if name == "VKORC1" else phenotype(name, value)
    return result


def has_recommendation(drug: str, profile: dict[str, str]) -> bool:
    """Whether CPIC advice can be given for a drug from this profile.

    True when the drug has a CPIC recommendation in the course and the profile
    holds a result for every gene it needs. HLA-B, for instance, is typed on
    demand, so a panel profile gives no advice for abacavir or allopurinol.

    Examples
    --------
    >>> has_recommendation("clopidogrel", {"CYP2C19": "*1/*2"})
    True
    >>> has_recommendation("abacavir", {"CYP2C19": "*1/*2"})
    False
    >>> has_recommendation("paracetamol", {"CYP2C19": "*1/*2"})
    False
    """
    name = drug.strip().lower() if isinstance(drug, str) else drug
    if name not in _drugs():
        return False
    tested = {gene: value for gene, value in profile.items() if isinstance(value, str)}
    given = _given_genes(name, tested)
    return all(gene in given for gene in _genes_for(name))


def drug_gene_alerts(medications: list[str], profile: dict[str, str]) -> pd.DataFrame:
    """Which of a patient's medicines have CPIC advice that changes the prescription.

    Parameters
    ----------
    medications : list of str
        Drug names; drugs without a CPIC recommendation in the course, or
        whose genes the profile lacks, are skipped (see :func:`has_recommendation`).
    profile : dict
        Gene -> diplotype or phenotype, as for :func:`recommendation`.

    Returns
    -------
    pandas.DataFrame
        One row per drug whose advice is another drug or dose
        (:attr:`Recommendation.changes_prescription`), with columns ``drug``,
        ``genes`` (gene: phenotype), ``action``, ``strength`` (CPIC's),
        ``indication`` (the default one, for clopidogrel; else empty) and
        ``recommendation``. Warfarin dosed by algorithm is not listed.

    Examples
    --------
    >>> alerts = drug_gene_alerts(["clopidogrel", "metformin"], {"CYP2C19": "*2/*2"})
    >>> alerts[["drug", "strength", "indication"]].values.tolist()
    [['clopidogrel', 'Strong', 'cardiovascular']]
    """
    profile = {gene: value for gene, value in profile.items() if isinstance(value, str)}
    rows = []
    for drug in medications:
        name = str(drug).strip().lower()
        if not has_recommendation(name, profile):
            continue  # no CPIC advice, or its genes were not tested
        advice = recommendation(name, profile)
        if advice.changes_prescription:
            genes = "; ".join(f"{g}: {t}" for g, t in advice.phenotypes.items())
            rows.append(
                (name, genes, advice.action, advice.strength, advice.indication, advice.text)
            )
    columns = ["drug", "genes", "action", "strength", "indication", "recommendation"]
    return pd.DataFrame(rows, columns=columns)


# --- phenoconversion -------------------------------------------------------


class Phenotypes(dict):
    """Gene -> phenotype, with ``notes`` that say which medicine changed which gene."""

    notes: tuple[str, ...] = ()


def inhibitors(gene: str | None = None) -> pd.DataFrame:
    """Medicines that inhibit CYP2D6 or CYP2C19, and how strongly (FDA's classes).

    A short teaching list (``pgx_inhibitors``), not an interaction database.

    Parameters
    ----------
    gene : str, optional
        Only the inhibitors of this gene.

    Returns
    -------
    pandas.DataFrame
        Columns ``drug``, ``gene`` and ``strength`` (``"strong"`` or ``"moderate"``).

    Examples
    --------
    >>> table = inhibitors("CYP2D6")
    >>> table.loc[table["strength"] == "strong", "drug"].tolist()
    ['bupropion', 'fluoxetine', 'paroxetine', 'quinidine']
    """
    table = load_table("pgx_inhibitors")
    if gene is None:
        return table
    return table[table["gene"] == _gene(gene)].reset_index(drop=True)


def _strongest_inhibitor(gene: str, medications: list[str]) -> tuple[str, str] | None:
    """(drug, strength) of the strongest inhibitor of the gene among the medicines."""
    table = inhibitors(gene)
    taken = table[table["drug"].isin([str(m).strip().lower() for m in medications])]
    if taken.empty:
        return None
    first = taken.sort_values("strength", key=lambda s: s != "strong").iloc[0]
    return first["drug"], first["strength"]


def phenoconverted(profile: Mapping[str, str], medications: list[str]) -> Phenotypes:
    """The phenotypes a patient behaves as, given the medicines they take.

    A strong or moderate inhibitor of CYP2D6 or CYP2C19 (``pgx_inhibitors``)
    can make a genotypic Normal Metabolizer behave as a poorer one
    (phenoconversion). The rules are in ``pgx_phenoconversion``: for CYP2D6
    the activity score is multiplied by 0 (strong inhibitor) or 0.5
    (moderate), as the CPIC/DPWG consensus suggests; with a strong CYP2C19
    inhibitor the patient behaves as a Poor Metabolizer. A moderate CYP2C19
    inhibitor changes nothing here, but a note says activity may be lower.

    Parameters
    ----------
    profile : dict
        Gene -> diplotype or phenotype, as for :func:`recommendation`. A
        moderate CYP2D6 inhibitor needs the diplotype (its activity score).
    medications : list of str
        The medicines the patient takes.

    Returns
    -------
    Phenotypes
        Gene -> phenotype as the patient behaves, for the profile's genes that
        have a rule (CYP2D6, CYP2C19); its ``notes`` say which medicine
        changed which gene.

    Examples
    --------
    >>> behaves = phenoconverted({"CYP2D6": "*1/*1", "CYP2C19": "*1/*1"}, ["paroxetine"])
    >>> behaves
    {'CYP2D6': 'Poor Metabolizer', 'CYP2C19': 'Normal Metabolizer'}
    >>> print(behaves.notes[0][:68])
    CYP2D6: Normal Metabolizer by genotype, but paroxetine (a strong CYP
    >>> phenoconverted({"CYP2D6": "*1/*1x2"}, ["duloxetine"])
    {'CYP2D6': 'Normal Metabolizer'}
    """
    rules = load_table("pgx_phenoconversion").set_index(["gene", "strength"])
    behaves, notes = Phenotypes(), []
    for key, value in profile.items():
        if key in _PATIENT_COLUMNS or not isinstance(value, str):
            continue
        gene = _gene(key)
        if gene not in rules.index.get_level_values("gene"):
            continue
        term = _as_phenotype(gene, value)
        behaves[gene] = term
        inhibitor = _strongest_inhibitor(gene, medications)
        if inhibitor is None:
            continue
        drug, strength = inhibitor
        rule = rules.loc[(gene, strength)]
        named = f"{drug} (a {strength} {gene} inhibitor)"
        factor = rule["score_factor"]
        if not pd.isna(factor):
            score = 0.0 if factor == 0 else _score(gene, value, named) * factor
            behaves[gene] = term if math.isnan(score) else _phenotype_from_score(gene, score)
        elif isinstance(rule["behaves_as"], str):
            behaves[gene] = rule["behaves_as"]
        else:
            notes.append(
                f"{gene}: {named} may lower the enzyme's activity below what the genotype "
                "predicts; the course has no rule for how much."
            )
            continue
        notes.append(
            f"{gene}: {term} by genotype, but {named} makes the patient behave as a "
            f"{behaves[gene]}."
        )
    behaves.notes = tuple(notes)
    return behaves


def _score(gene: str, value: str, named: str) -> float:
    """The activity score of a diplotype; a phenotype has none, so the error says what to give."""
    if "/" in value:
        return activity_score(gene, value)
    raise ValueError(
        f"To work out what {named} does, the {gene} activity score is needed: "
        f"give the diplotype, such as '*1/*1', instead of {value!r}."
    )
