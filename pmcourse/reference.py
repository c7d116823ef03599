"""Reference tables shipped with the course, each with its source and version.

Clinical and genomic facts (allele frequencies, allele functions, guideline
rules) live as CSV files in ``pmcourse/resources/``; ``sources.json`` beside
them records where each table comes from, which version it follows and which
entries of ``book/references.bib`` cite it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["load_table", "source_of", "table_names"]


@cache
def _catalogue() -> dict[str, dict]:
    text = resources.files("pmcourse").joinpath("resources", "sources.json").read_text("utf-8")
    return json.loads(text)


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
    catalogue = _catalogue()
    if name not in catalogue:
        raise ValueError(
            f"There is no reference table called {name!r}. "
            f"Known tables: {', '.join(sorted(catalogue))}."
        )
    return dict(catalogue[name])


def load_table(name: str) -> pd.DataFrame:
    """Load a reference table, with its source in ``frame.attrs``.

    Parameters
    ----------
    name : str
        Table name, one of :func:`table_names`.

    Returns
    -------
    pandas.DataFrame
        The table; ``frame.attrs`` holds the entries of :func:`source_of`.

    Examples
    --------
    >>> panel = load_table("snp_panel")
    >>> panel.loc[panel["rsid"] == "rs4244285", "gene"].item()
    'CYP2C19'
    """
    source = source_of(name)
    with resources.files("pmcourse").joinpath("resources", f"{name}.csv").open("rb") as file:
        frame = pd.read_csv(file)
    frame.attrs.update(source)
    return frame
