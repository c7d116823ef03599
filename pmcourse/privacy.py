"""Data protection: pseudonymisation, k-anonymity and the risk of re-identification.

Module 7 of the course. A pseudonym replaces an identifier with a keyed hash
(HMAC-SHA256): whoever holds the key can link the records again, so under the
GDPR pseudonymised data are still personal data (Art. 4(5), Recital 26). A
table is *k-anonymous* on its quasi-identifiers (age, sex, postcode: facts that
are not names but single people out in combination) when every record shares
its values with at least k - 1 others (Sweeney 2002). Generalising (age bands,
shorter postcodes) and suppressing small groups raise k and lose information;
:func:`information_loss` measures how much.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "MIN_KEY_LENGTH",
    "age_band",
    "equivalence_classes",
    "information_loss",
    "k_anonymity",
    "pseudonymise",
    "share_unique",
    "suppress_small_classes",
    "truncate_postcode",
]

#: The shortest key :func:`pseudonymise` accepts, in characters.
MIN_KEY_LENGTH = 16


def pseudonymise(ids: pd.Series | Sequence[str], key: str) -> pd.Series:
    """Keyed pseudonyms (HMAC-SHA256, hexadecimal) for identifiers.

    The same identifier and key always give the same pseudonym, so records can
    still be linked; another key gives unrelated pseudonyms; without the key
    the identifier cannot be recovered or checked by trying candidates, which a
    plain hash of a patient number would allow.

    Parameters
    ----------
    ids : pandas.Series or list of str
        Identifiers such as ``'PM-000030'``.
    key : str
        The secret key, at least :data:`MIN_KEY_LENGTH` characters. Keep it
        apart from the pseudonymised data (whoever holds it can re-identify).

    Returns
    -------
    pandas.Series of str
        64 hexadecimal characters per identifier, named ``pseudonym``; the same
        index as ``ids`` for a Series, 0, 1, ... for a list.

    Raises
    ------
    ValueError
        When the key is empty or shorter than :data:`MIN_KEY_LENGTH` characters.

    Examples
    --------
    >>> key = "course-demo-key-not-secret"
    >>> pseudonyms = pseudonymise(["PM-000030", "PM-000008"], key)
    >>> pseudonyms.str.len().tolist()
    [64, 64]
    >>> pseudonymise(["PM-000030"], key)[0] == pseudonyms[0]
    True
    >>> pseudonymise(["PM-000030"], "short")
    Traceback (most recent call last):
    ...
    ValueError: The key has 5 characters; a pseudonymisation key needs at least 16,
    because a short key can be guessed by trying keys. Choose a longer secret and
    keep it apart from the data.
    """
    if not isinstance(key, str):
        raise TypeError(f"The key must be text (str); got {type(key).__name__}.")
    if len(key) < MIN_KEY_LENGTH:
        what = "is empty" if not key else f"has {len(key)} characters"
        raise ValueError(
            f"The key {what}; a pseudonymisation key needs at least {MIN_KEY_LENGTH}, "
            "because a short key can be guessed by trying keys. Choose a longer secret "
            "and keep it apart from the data."
        )
    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids), dtype=object)
    if series.isna().any():
        where = series.index[series.isna()][0]
        raise ValueError(
            f"The identifier at index {where} is missing; every record needs an identifier to "
            "pseudonymise. Remove or fix the records without one first."
        )
    secret = key.encode("utf-8")
    return series.map(
        lambda value: hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    ).rename("pseudonym")


def _is_whole(number: object) -> bool:
    return isinstance(number, int | np.integer) and not isinstance(number, bool)


def _check_columns(df: pd.DataFrame, quasi_identifiers: Sequence[str]) -> list[str]:
    if isinstance(quasi_identifiers, str):
        quasi_identifiers = [quasi_identifiers]
    columns = list(quasi_identifiers)
    if not columns:
        raise ValueError("Name at least one quasi-identifier column, e.g. ['age_years', 'sex'].")
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise ValueError(
            f"The table has no column {missing[0]!r}; its columns are {list(df.columns)}. "
            "Check the spelling of the quasi-identifiers."
        )
    return columns


def _class_sizes(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The size of each record's equivalence class, aligned with ``df``."""
    keys = df[columns].astype(str)
    return keys.groupby(columns, sort=False)[columns[0]].transform("size").astype(int)


def equivalence_classes(df: pd.DataFrame, quasi_identifiers: Sequence[str]) -> pd.DataFrame:
    """The groups of records that share every quasi-identifier value.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to release.
    quasi_identifiers : list of str
        Its quasi-identifier columns, such as ``['age_years', 'sex', 'postcode']``.

    Returns
    -------
    pandas.DataFrame
        One row per equivalence class: the quasi-identifier values and
        ``n_records`` (the class size), smallest classes first. Missing
        values count as a value of their own.

    Examples
    --------
    >>> table = pd.DataFrame({"age": ["40-49", "40-49", "50-59"], "sex": ["F", "F", "M"]})
    >>> equivalence_classes(table, ["age", "sex"])
         age sex  n_records
    0  50-59   M          1
    1  40-49   F          2
    """
    columns = _check_columns(df, quasi_identifiers)
    classes = df.groupby(columns, dropna=False, sort=True, observed=True).size()
    classes = classes.rename("n_records").reset_index()
    return classes.sort_values("n_records", kind="stable").reset_index(drop=True)


def k_anonymity(df: pd.DataFrame, quasi_identifiers: Sequence[str]) -> int:
    """The k of a table: the size of its smallest equivalence class.

    Every record shares its quasi-identifier values with at least k - 1 others;
    k = 1 means at least one person is unique and can be singled out.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to release.
    quasi_identifiers : list of str
        Its quasi-identifier columns.

    Returns
    -------
    int
        The smallest class size; 0 for an empty table (no records, nothing
        to protect and nothing to release).

    Raises
    ------
    ValueError
        When a quasi-identifier column is not in the table.

    Examples
    --------
    >>> table = pd.DataFrame({"age": ["40-49", "40-49", "50-59"], "sex": ["F", "F", "M"]})
    >>> k_anonymity(table, ["age", "sex"])
    1
    >>> k_anonymity(table, ["age"]), k_anonymity(table.iloc[:0], ["age"])
    (1, 0)
    """
    columns = _check_columns(df, quasi_identifiers)
    if df.empty:
        return 0
    return int(_class_sizes(df, columns).min())


def share_unique(df: pd.DataFrame, quasi_identifiers: Sequence[str]) -> float:
    """The share of records that are unique on the quasi-identifiers (class size 1).

    Parameters
    ----------
    df : pandas.DataFrame
        The table to release.
    quasi_identifiers : list of str
        Its quasi-identifier columns.

    Returns
    -------
    float
        From 0 to 1; 0.0 for an empty table.

    Examples
    --------
    >>> table = pd.DataFrame({"age": ["40-49", "40-49", "50-59"], "sex": ["F", "F", "M"]})
    >>> round(share_unique(table, ["age", "sex"]), 3)
    0.333
    """
    columns = _check_columns(df, quasi_identifiers)
    if df.empty:
        return 0.0
    return float((_class_sizes(df, columns) == 1).mean())


def age_band(ages: pd.Series | Sequence[float], width: int) -> pd.Series:
    """Ages generalised to bands of ``width`` years, such as ``'40-49'``.

    Bands start at multiples of the width (0-9, 10-19, ... for width 10). A
    width of 1 keeps the age (as text, ``'46'``). Missing ages stay missing.

    Parameters
    ----------
    ages : pandas.Series or list of float
        Ages in whole years (``age_years``).
    width : int
        Band width in years, 1 or more.

    Returns
    -------
    pandas.Series of str
        The bands, same index as a Series input.

    Examples
    --------
    >>> age_band([46, 52, 59], 10).tolist()
    ['40-49', '50-59', '50-59']
    >>> age_band([46], 5).tolist(), age_band([46], 1).tolist()
    (['45-49'], ['46'])
    """
    if isinstance(width, bool) or not isinstance(width, int | np.integer) or width < 1:
        raise ValueError(
            f"The band width must be a whole number of years, 1 or more; got {width!r}."
        )
    series = ages if isinstance(ages, pd.Series) else pd.Series(list(ages))
    numbers = pd.to_numeric(series, errors="coerce")
    if (numbers.isna() & series.notna()).any():
        bad = series[numbers.isna() & series.notna()].iloc[0]
        raise ValueError(f"Ages must be numbers; got {bad!r}.")
    lower = (numbers // width) * width

    def label(low: float) -> str | None:
        if pd.isna(low):
            return None
        return f"{low:.0f}" if width == 1 else f"{low:.0f}-{low + width - 1:.0f}"

    return lower.map(label).astype(object).rename(series.name)


def truncate_postcode(postcodes: pd.Series | Sequence[str | int], digits: int) -> pd.Series:
    """Postcodes generalised by keeping the first ``digits`` digits (``'2100'`` -> ``'21**'``).

    Parameters
    ----------
    postcodes : pandas.Series or list
        Four-digit postcodes (text or numbers).
    digits : int
        Digits to keep, 0 to 4 (0 hides the postcode, 4 keeps it).

    Returns
    -------
    pandas.Series of str
        The postcodes with the hidden digits as ``*``; same index as a Series input.

    Examples
    --------
    >>> truncate_postcode(["2100", 8000], 2).tolist()
    ['21**', '80**']
    """
    if (
        isinstance(digits, bool)
        or not isinstance(digits, int | np.integer)
        or not 0 <= digits <= 4
    ):
        raise ValueError(f"Keep 0 to 4 digits of a Danish postcode; got {digits!r}.")
    series = postcodes if isinstance(postcodes, pd.Series) else pd.Series(list(postcodes))
    text = series.astype(str)
    bad = text[~text.str.fullmatch(r"\d{4}")]
    if not bad.empty:
        raise ValueError(
            f"A Danish postcode has four digits; got {bad.iloc[0]!r}. Check the postcode column."
        )
    return (text.str[:digits] + "*" * (4 - digits)).rename(series.name)


def suppress_small_classes(
    df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int
) -> pd.DataFrame:
    """The table without the records whose equivalence class has fewer than ``k`` records.

    The kept records keep their index, so :func:`information_loss` can count
    what was suppressed. When ``k`` is larger than the table, every record is
    suppressed and the result is empty.

    Parameters
    ----------
    df : pandas.DataFrame
        The (generalised) table.
    quasi_identifiers : list of str
        Its quasi-identifier columns.
    k : int
        The smallest class size to keep, 1 or more.

    Returns
    -------
    pandas.DataFrame
        The records of classes of ``k`` or more records: k-anonymous (or empty).

    Examples
    --------
    >>> table = pd.DataFrame({"age": ["40-49", "40-49", "50-59"], "sex": ["F", "F", "M"]})
    >>> suppress_small_classes(table, ["age", "sex"], 2).index.tolist()
    [0, 1]
    """
    columns = _check_columns(df, quasi_identifiers)
    if not _is_whole(k) or k < 1:
        raise ValueError(f"k must be a whole number, 1 or more; got {k!r}.")
    if df.empty:
        return df.copy()
    return df[_class_sizes(df, columns) >= k].copy()


def _discernibility(df: pd.DataFrame, columns: list[str]) -> float:
    if df.empty:
        return 0.0
    sizes = _class_sizes(df, columns)
    return float(sizes.sum())  # sum over records of the class size = sum over classes of size^2


def information_loss(
    original: pd.DataFrame, generalised: pd.DataFrame, quasi_identifiers: Sequence[str]
) -> pd.Series:
    """How much information a generalised (and suppressed) table lost.

    Uses the discernibility metric of Bayardo and Agrawal (2005): each record
    costs the size of its equivalence class (it is indistinguishable from that
    many), a suppressed record costs the size of the whole table. The loss
    scales the increase from the original table's discernibility to the worst
    case (every record indistinguishable, n x n) to 0-1: 0 nothing lost, 1
    every record looks the same (or everything was suppressed).

    Parameters
    ----------
    original : pandas.DataFrame
        The table before generalisation.
    generalised : pandas.DataFrame
        The generalised table, with the original's index for the records kept
        (:func:`suppress_small_classes` keeps it).
    quasi_identifiers : list of str
        The quasi-identifier columns (in both tables).

    Returns
    -------
    pandas.Series
        ``suppressed_share`` (records removed, 0-1), ``discernibility`` (of the
        generalised table, suppressed records included) and ``loss`` (0-1).

    Examples
    --------
    >>> table = pd.DataFrame({"age": [41, 46, 52, 57], "sex": ["F", "F", "M", "M"]})
    >>> banded = table.assign(age=age_band(table["age"], 10))
    >>> information_loss(table, banded, ["age", "sex"]).round(3).to_dict()
    {'suppressed_share': 0.0, 'discernibility': 8.0, 'loss': 0.333}
    """
    columns = _check_columns(original, quasi_identifiers)
    _check_columns(generalised, columns)
    unknown = generalised.index.difference(original.index)
    if len(unknown):
        raise ValueError(
            f"The generalised table has records ({list(unknown[:3])}) that are not in the "
            "original; keep the original's index (suppress_small_classes does)."
        )
    n = len(original)
    if n == 0:
        return pd.Series({"suppressed_share": 0.0, "discernibility": 0.0, "loss": 0.0})
    n_suppressed = n - len(generalised)
    discernibility = _discernibility(generalised, columns) + n_suppressed * n
    before = _discernibility(original, columns)
    worst = float(n * n)
    loss = 0.0 if worst == before else (discernibility - before) / (worst - before)
    return pd.Series(
        {"suppressed_share": n_suppressed / n, "discernibility": discernibility, "loss": loss}
    )
