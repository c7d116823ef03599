"""Figures for the course, as thin layers over the subject modules.

Every function takes ``ax=None`` (a new figure is made when none is given) and
returns the Axes it drew on. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness. Importing this
module changes no global matplotlib setting.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmcourse.genetics import hardy_weinberg_test

__all__ = ["OKABE_ITO", "plot_allele_frequencies", "plot_hardy_weinberg"]

#: Okabe & Ito's colour-blind-safe palette (black omitted).
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)


def _axes(ax: Axes | None, size: tuple[float, float] = (6, 3.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def plot_hardy_weinberg(n_AA: int, n_Aa: int, n_aa: int, *, ax: Axes | None = None) -> Axes:
    """Observed genotype counts beside those expected under Hardy-Weinberg equilibrium.

    Parameters
    ----------
    n_AA, n_Aa, n_aa : int
        Observed numbers of patients with each genotype.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The title gives the allele frequency p, the chi-square statistic and
        its p-value.

    Examples
    --------
    >>> ax = plot_hardy_weinberg(36, 48, 16)
    >>> [float(bar.get_height()) for bar in ax.patches]
    [36.0, 48.0, 16.0, 36.0, 48.0, 16.0]
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax)
    result = hardy_weinberg_test(n_AA, n_Aa, n_aa)
    positions = np.arange(3)
    width = 0.38
    ax.bar(
        positions - width / 2,
        [n_AA, n_Aa, n_aa],
        width,
        label="observed",
        color=OKABE_ITO[4],
        edgecolor="black",
        linewidth=0.5,
    )
    ax.bar(
        positions + width / 2,
        result.expected,
        width,
        label="expected under HWE",
        color=OKABE_ITO[0],
        edgecolor="black",
        linewidth=0.5,
        hatch="//",
    )
    ax.set_xticks(positions, ["AA", "Aa", "aa"])
    ax.set_xlabel("genotype (A = reference allele, a = variant allele)")
    ax.set_ylabel("number of patients")
    ax.set_title(
        f"p(A) = {result.allele_frequency:.2f}   chi-square = {result.chi_square:.2f}"
        f"   p-value = {result.p_value:.3g}",
        fontsize="medium",
    )
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_allele_frequencies(frequencies: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Variant allele frequencies of several SNPs, side by side per ancestry group.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        Indexed by ancestry group, one column per SNP, values between 0 and 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"rs1": [0.1, 0.3], "rs2": [0.5, 0.2]}, index=["EUR", "EA"])
    >>> ax = plot_allele_frequencies(table)
    >>> len(ax.patches)
    4
    >>> plt.close(ax.figure)
    """
    if not isinstance(frequencies, pd.DataFrame):
        raise TypeError(
            "plot_allele_frequencies needs a table with one row per ancestry group and one "
            f"column per SNP; got {type(frequencies).__name__}."
        )
    ax = _axes(ax, size=(7, 3.5))
    n_groups, n_snps = frequencies.shape
    width = 0.8 / max(n_snps, 1)
    positions = np.arange(n_groups)
    for k, column in enumerate(frequencies.columns):
        ax.bar(
            positions + (k - (n_snps - 1) / 2) * width,
            frequencies[column],
            width,
            label=str(column),
            color=OKABE_ITO[k % len(OKABE_ITO)],
            edgecolor="black",
            linewidth=0.5,
        )
    ax.set_xticks(positions, [str(group) for group in frequencies.index])
    ax.set_xlabel("ancestry group")
    ax.set_ylabel("variant allele frequency")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, ncols=min(n_snps, 3), fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
