"""Reference tables shipped with the course, each with its source and version.

Clinical and genomic facts (allele frequencies, allele functions, guideline
rules) live as CSV files in ``pmcourse/resources/``; ``sources.json`` beside
them records where each table comes from, which version it follows and which
entries of ``book/references.bib`` cite it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

__all__ = ["KnownNames", "load_table", "lookup", "source_of", "table_names"]


class KnownNames(dict):
    """A dict that answers an unknown name with a ValueError listing the known ones.

    Examples
    --------
    >>> units = KnownNames({"mg": 1.0, "g": 1000.0}, what="unit")
    >>> units["g"]
    1000.0
    >>> units["kg"]
    Traceback (most recent call last):
    ...
    ValueError: There is no unit 'kg'. Known: 'mg', 'g'.
    """

    def __init__(self, items: Iterable | dict = (), /, *, what: str = "name") -> None:
        super().__init__(items)
        self.what = what

    def __missing__(self, key: object):
        raise ValueError(f"There is no {self.what} {key!r}. Known: {', '.join(map(repr, self))}.")


def _resource(filename: str) -> Traversable:
    return resources.files("pmcourse").joinpath("resources", filename)


@cache
def _catalogue() -> KnownNames:
    return KnownNames(json.loads(_resource("sources.json").read_text("utf-8")), what="table")


def table_names() -> list[str]:
    """Names of the reference tables shipped with the course.

    Examples
    --------
    >>> "snp_panel" in table_names()
    True
    """
    return sorted(_catalogue())


def source_of(name: str) -> dict:
    """Where a reference table comes from.

    Parameters
    ----------
    name : str
        Table name, one of :func:`table_names`.

    Returns
    -------
    dict
        Keys ``title``, ``source``, ``version``, ``citations`` (keys of
        ``book/references.bib``) and ``notes``.

    Examples
    --------
    >>> source_of("snp_panel")["version"]
    'CPIC frequencies 20260819.1; CPIC allele data 2025-11-05'
    """
    return dict(_catalogue()[name])


def load_table(name: str) -> pd.DataFrame:
    """Load a reference table (one of :func:`table_names`), its source in ``frame.attrs``.

    ``frame.attrs`` holds the entries of :func:`source_of`. Each call reads a
    fresh copy, which the caller may change.

    Examples
    --------
    >>> panel = load_table("snp_panel")
    >>> panel.loc[panel["rsid"] == "rs4244285", "gene"].item()
    'CYP2C19'
    """
    source = source_of(name)
    with _resource(f"{name}.csv").open("rb") as file:
        frame = pd.read_csv(file)
    frame.attrs.update(source)
    return frame


@cache
def lookup(name: str, key: str | tuple[str, ...], value: str) -> KnownNames:
    """One column of a reference table, by the column (or columns) that names each row.

    The table is read once; the result is shared, so do not change it.

    Examples
    --------
    >>> lookup("exposure_activity", "phenotype", "relative_activity")["Poor Metabolizer"]
    0.1
    >>> lookup("pgx_activity_value_history", ("gene", "allele"), "activity_value")[
    ...     ("CYP2D6", "*41")]
    0.5
    """
    table = load_table(name)
    columns = list(key) if isinstance(key, tuple) else [key]
    missing = [column for column in [*columns, value] if column not in table.columns]
    if missing:
        raise ValueError(f"{name} has no column {missing[0]!r}: its columns are {list(table)}.")
    if table.duplicated(columns).any():
        raise ValueError(f"In {name}, {' and '.join(columns)} must name each row once.")
    if isinstance(key, tuple):
        keys = list(table[columns].itertuples(index=False, name=None))
    else:
        keys = table[key].tolist()
    return KnownNames(zip(keys, table[value].tolist(), strict=True), what=" and ".join(columns))
