"""ACMG/AMP classification of a sequence variant from its evidence criteria.

Richards et al. (2015) list 28 criteria (``pmcourse/resources/acmg_criteria.csv``):
16 for a pathogenic and 12 for a benign effect, each with a strength (very
strong, strong, moderate, supporting; BA1 is benign on its own). Their Table 5
combines the criteria met into one of five classes (:func:`acmg_classify`).
ClinGen writes a criterion used at another strength with a suffix, such as
``PM2_Supporting`` or ``PS4_Moderate``; it counts at the stated strength.
Tavtigian et al. (2018, 2020) turned the same criteria into points
(:func:`acmg_points`): supporting 1, moderate 2, strong 4, very strong 8,
negative for benign evidence. The two systems agree on almost every
combination, but not all: two strong criteria alone are Pathogenic by Table 5
and 8 points (Likely pathogenic) by the points; PVS1 with one moderate
criterion is Likely pathogenic by Table 5 and 10 points (Pathogenic).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from pmcourse.reference import load_table

__all__ = [
    "CLASSES",
    "STRENGTH_SUFFIXES",
    "AcmgPoints",
    "acmg_classify",
    "acmg_criteria",
    "acmg_points",
    "parse_criteria",
]

#: The five classes of Richards et al. 2015, from pathogenic to benign.
CLASSES = (
    "Pathogenic",
    "Likely pathogenic",
    "Uncertain significance",
    "Likely benign",
    "Benign",
)
#: ClinGen's strength suffixes and the strength each stands for.
STRENGTH_SUFFIXES = {
    "Supporting": "supporting",
    "Moderate": "moderate",
    "Strong": "strong",
    "VeryStrong": "very strong",
}
_POINTS = {"supporting": 1, "moderate": 2, "strong": 4, "very strong": 8}


def acmg_criteria() -> pd.DataFrame:
    """The 28 ACMG/AMP criteria: ``code``, ``direction``, ``strength``, ``meaning``.

    Examples
    --------
    >>> criteria = acmg_criteria()
    >>> len(criteria), criteria.loc[criteria["code"] == "PM2", "strength"].item()
    (28, 'moderate')
    """
    return load_table("acmg_criteria")


def _codes() -> dict[str, tuple[str, str]]:
    table = acmg_criteria()
    return dict(
        zip(table["code"], zip(table["direction"], table["strength"], strict=True), strict=True)
    )


def parse_criteria(criteria: Iterable[str] | str) -> pd.DataFrame:
    """Each criterion met, with its direction and the strength it counts at.

    Parameters
    ----------
    criteria : list of str, or str
        Codes such as ``["PVS1", "PM2_Supporting"]``; a single string may hold
        several codes separated by commas, spaces or ``+``. Upper or lower case
        both work. A criterion met twice (the same code at the same strength)
        counts once: a criterion is met or not.

    Returns
    -------
    pandas.DataFrame
        One row per criterion: ``criterion`` (as written, tidied), ``code``,
        ``direction`` ('pathogenic' or 'benign') and ``strength``.

    Raises
    ------
    ValueError
        For an unknown code or suffix, one code at two strengths, a benign
        criterion at very strong or a pathogenic one at stand-alone strength.

    Examples
    --------
    >>> parse_criteria("PVS1, PM2_Supporting")[["code", "strength"]].values.tolist()
    [['PVS1', 'very strong'], ['PM2', 'supporting']]
    """
    if isinstance(criteria, str):
        criteria = [c for c in re.split(r"[,+\s]+", criteria) if c]
    known = _codes()
    rows = {}
    for written in criteria:
        code, _, suffix = str(written).strip().partition("_")
        code = code.upper()
        if code not in known:
            raise ValueError(
                f"{written!r} is not an ACMG/AMP criterion code. The codes are "
                f"{', '.join(known)}; a strength may follow, as in 'PM2_Supporting'."
            )
        direction, strength = known[code]
        if suffix:
            suffixes = {name.lower(): name for name in STRENGTH_SUFFIXES}
            if suffix.lower() not in suffixes:
                raise ValueError(
                    f"{written!r} has an unknown strength {suffix!r}; write one of "
                    f"{', '.join(code + '_' + s for s in STRENGTH_SUFFIXES)}."
                )
            suffix = suffixes[suffix.lower()]
            strength = STRENGTH_SUFFIXES[suffix]
        if direction == "benign" and strength == "very strong":
            raise ValueError(f"{written!r}: benign evidence has no very strong level.")
        if code in rows and rows[code]["strength"] != strength:
            raise ValueError(
                f"{code} is given twice at different strengths ({rows[code]['criterion']} "
                f"and {written}); a criterion counts once, at one strength: keep one."
            )
        name = f"{code}_{suffix}" if suffix else code
        rows[code] = {"criterion": name, "code": code, "direction": direction}
        rows[code]["strength"] = strength
    return pd.DataFrame(
        list(rows.values()), columns=["criterion", "code", "direction", "strength"]
    )


def _counts(criteria: Iterable[str] | str) -> Counter:
    table = parse_criteria(criteria)
    return Counter(zip(table["direction"], table["strength"], strict=True))


def acmg_classify(criteria: Iterable[str] | str) -> str:
    """The class of a variant by the combining rules of Richards et al. 2015, Table 5.

    Pathogenic if any of: PVS1 and (>= 1 PS, or >= 2 PM, or 1 PM + 1 PP, or
    >= 2 PP); >= 2 PS; 1 PS and (>= 3 PM, or 2 PM + >= 2 PP, or 1 PM + >= 4 PP).
    Likely pathogenic if any of: PVS1 + 1 PM; 1 PS + 1-2 PM; 1 PS + >= 2 PP;
    >= 3 PM; 2 PM + >= 2 PP; 1 PM + >= 4 PP. Benign: BA1, or >= 2 BS.
    Likely benign: 1 BS + 1 BP, or >= 2 BP. Otherwise Uncertain significance,
    and also when a pathogenic rule (Pathogenic or Likely pathogenic) and a
    benign rule (Benign or Likely benign) are both met. Benign evidence that
    meets no benign rule does not change a pathogenic result.

    A criterion with a ClinGen suffix counts at the stated strength
    (``PM2_Supporting`` as a PP); a second very strong criterion counts as a
    strong one (Table 5 has no rule for two). Table 5 has no moderate benign
    level, so a benign criterion written ``_Moderate`` raises ValueError: use
    :func:`acmg_points`. No criteria at all give Uncertain significance.

    Parameters
    ----------
    criteria : list of str, or str
        The criteria met, as :func:`parse_criteria` reads them.

    Returns
    -------
    str
        One of :data:`CLASSES`.

    Raises
    ------
    ValueError
        For an unknown code (the message names it), see :func:`parse_criteria`.

    Examples
    --------
    >>> acmg_classify(["PVS1", "PS3"])
    'Pathogenic'
    >>> acmg_classify(["PVS1", "PS3", "BP4"])
    'Pathogenic'
    >>> acmg_classify(["PM2_Supporting", "PP3"])
    'Uncertain significance'
    >>> acmg_classify(["PS3", "PM2", "BS1", "BP4"])
    'Uncertain significance'
    """
    counts = _counts(criteria)
    if counts["benign", "moderate"]:
        raise ValueError(
            "Table 5 of Richards 2015 has no moderate level for benign evidence, so it cannot "
            "count a benign criterion written _Moderate; acmg_points() can."
        )
    pvs = min(counts["pathogenic", "very strong"], 1)
    ps = counts["pathogenic", "strong"] + max(counts["pathogenic", "very strong"] - 1, 0)
    pm = counts["pathogenic", "moderate"]
    pp = counts["pathogenic", "supporting"]
    ba = counts["benign", "stand-alone"]
    bs = counts["benign", "strong"]
    bp = counts["benign", "supporting"]
    pathogenic = (
        (pvs and (ps >= 1 or pm >= 2 or (pm >= 1 and pp >= 1) or pp >= 2))
        or ps >= 2
        or (ps >= 1 and (pm >= 3 or (pm >= 2 and pp >= 2) or (pm >= 1 and pp >= 4)))
    )
    likely_pathogenic = (
        (pvs and pm >= 1)
        or (ps >= 1 and (pm >= 1 or pp >= 2))
        or pm >= 3
        or (pm >= 2 and pp >= 2)
        or (pm >= 1 and pp >= 4)
    )
    benign = ba >= 1 or bs >= 2
    likely_benign = (bs >= 1 and bp >= 1) or bp >= 2
    if (pathogenic or likely_pathogenic) and (benign or likely_benign):
        return "Uncertain significance"
    if pathogenic:
        return "Pathogenic"
    if likely_pathogenic:
        return "Likely pathogenic"
    if benign:
        return "Benign"
    if likely_benign:
        return "Likely benign"
    return "Uncertain significance"


class AcmgPoints(NamedTuple):
    """The points of a variant's evidence and the class they give (Tavtigian 2020)."""

    points: int
    category: str


def acmg_points(criteria: Iterable[str] | str) -> AcmgPoints:
    """The Bayesian point score of Tavtigian et al. 2020 and its class.

    Pathogenic evidence scores supporting 1, moderate 2, strong 4, very strong
    8 points; benign evidence the same values negative. A total of 10 or more
    is Pathogenic, 6 to 9 Likely pathogenic, 0 to 5 Uncertain significance,
    -1 to -6 Likely benign, -7 or less Benign. BA1 is benign on its own: with
    BA1 the class is Benign whatever the points of the other criteria.

    Parameters
    ----------
    criteria : list of str, or str
        As for :func:`acmg_classify`.

    Returns
    -------
    AcmgPoints
        ``(points, category)``; ``points`` leaves BA1 out.

    Examples
    --------
    >>> acmg_points(["PVS1", "PM2"])
    AcmgPoints(points=10, category='Pathogenic')
    >>> acmg_classify(["PVS1", "PM2"])
    'Likely pathogenic'
    """
    table = parse_criteria(criteria)
    signs = table["direction"].map({"pathogenic": 1, "benign": -1})
    points = int((table["strength"].map(_POINTS).fillna(0) * signs).sum())
    if (table["strength"] == "stand-alone").any() or points <= -7:
        category = "Benign"
    elif points >= 10:
        category = "Pathogenic"
    elif points >= 6:
        category = "Likely pathogenic"
    elif points >= 0:
        category = "Uncertain significance"
    else:
        category = "Likely benign"
    return AcmgPoints(points, category)
