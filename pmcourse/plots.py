"""Figures for the course, as thin layers over the subject modules.

Every function takes ``ax=None`` (a new figure is made when none is given) and
returns the Axes it drew on. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness. Importing this
module changes no global matplotlib setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmcourse.genetics import hardy_weinberg_test
from pmcourse.sequencing import call_accuracy, error_to_phred

__all__ = [
    "OKABE_ITO",
    "plot_allele_frequencies",
    "plot_calibration",
    "plot_call_accuracy",
    "plot_exposure",
    "plot_funnel",
    "plot_hardy_weinberg",
    "plot_phenotype_counts",
    "plot_roc_curves",
    "plot_score_distribution",
    "plot_screening",
]

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


def _grouped_bars(
    ax: Axes,
    groups: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    colours: Sequence[str],
    hatches: Sequence[str | None] = (),
) -> None:
    """One bar per series side by side within each group, the groups labelled below."""
    positions = np.arange(len(groups))
    width = 0.8 / max(len(series), 1)
    for k, (label, heights) in enumerate(series.items()):
        ax.bar(
            positions + (k - (len(series) - 1) / 2) * width,
            heights,
            width,
            label=label,
            color=colours[k % len(colours)],
            edgecolor="black",
            linewidth=0.5,
            hatch=hatches[k] if k < len(hatches) else None,
        )
    ax.set_xticks(positions, groups)


def _finished(ax: Axes, *, legend: dict[str, Any] | None = None) -> Axes:
    """The course's finish: no top or right frame line; a frameless legend if `legend` is given."""
    if legend is not None:
        ax.legend(frameon=False, **legend)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_hardy_weinberg(
    n_ref_ref: int, n_ref_alt: int, n_alt_alt: int, *, ax: Axes | None = None
) -> Axes:
    """Observed genotype counts beside those expected under Hardy-Weinberg equilibrium.

    Parameters
    ----------
    n_ref_ref, n_ref_alt, n_alt_alt : int
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
    result = hardy_weinberg_test(n_ref_ref, n_ref_alt, n_alt_alt)
    series = {"observed": [n_ref_ref, n_ref_alt, n_alt_alt], "expected under HWE": result.expected}
    _grouped_bars(
        ax,
        ["ref/ref", "ref/alt", "alt/alt"],
        series,
        colours=(OKABE_ITO[4], OKABE_ITO[0]),
        hatches=(None, "//"),
    )
    ax.set_xlabel("genotype (ref = reference allele, alt = variant allele)")
    ax.set_ylabel("number of patients")
    ax.set_title(
        f"p(ref) = {result.allele_frequency:.2f}   chi-square = {result.chi_square:.2f}"
        f"   p-value = {result.p_value:.3g}",
        fontsize="medium",
    )
    return _finished(ax, legend={})


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
        One group of bars per ancestry group, one bar (and legend entry) per SNP.

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
    series = {str(column): frequencies[column] for column in frequencies.columns}
    _grouped_bars(ax, [str(group) for group in frequencies.index], series, colours=OKABE_ITO)
    ax.set_xlabel("ancestry group")
    ax.set_ylabel("variant allele frequency")
    ax.set_ylim(0, 1)
    return _finished(ax, legend={"ncols": min(len(series), 3), "fontsize": "small"})


# Line styles as well as colours, so the curves differ without colour too; the
# pale orange and yellow of the palette are left out for contrast on white.
_LINE_STYLES = ("-", "--", "-.", ":")
_LINE_COLOURS = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[4], OKABE_ITO[2])


def plot_exposure(
    curves: dict[str, pd.DataFrame],
    *,
    window: tuple[float, float],
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Concentration-time curves, one per phenotype, against a therapeutic window.

    Parameters
    ----------
    curves : dict
        Phenotype -> frame with ``time_h`` and ``concentration_ug_l``, as
        :func:`pmcourse.exposure.simulate_exposure` returns.
    window : (float, float)
        Lowest effective and highest safe concentration, in µg/L.
    title : str, optional
        Title of the plot.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Time in days across, the window shaded grey, the legend to the right.

    Examples
    --------
    >>> from pmcourse.exposure import simulate_exposure
    >>> ax = plot_exposure({"Normal Metabolizer": simulate_exposure("Normal Metabolizer")},
    ...                    window=(20, 60))
    >>> ax.get_ylabel()
    'concentration (µg/L)'
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, size=(7.5, 3.8))
    low, high = window
    ax.axhspan(low, high, color="#999999", alpha=0.2, label="therapeutic window")
    for k, (phenotype, curve) in enumerate(curves.items()):
        ax.plot(
            curve["time_h"] / 24,
            curve["concentration_ug_l"],
            color=_LINE_COLOURS[k % len(_LINE_COLOURS)],
            linestyle=_LINE_STYLES[k % len(_LINE_STYLES)],
            linewidth=1.8,
            label=phenotype,
        )
    ax.set_xlabel("days since the first dose")
    ax.set_ylabel("concentration (µg/L)")
    ax.set_ylim(bottom=0)
    if title:
        ax.set_title(title)
    legend = {"fontsize": "small", "loc": "center left", "bbox_to_anchor": (1, 0.5)}
    return _finished(ax, legend=legend)


def plot_phenotype_counts(phenotypes: pd.Series, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars: how many patients have each phenotype.

    Parameters
    ----------
    phenotypes : pandas.Series
        One phenotype per patient; the column's name becomes the title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The most common phenotype on top.

    Examples
    --------
    >>> ax = plot_phenotype_counts(pd.Series(["Normal Metabolizer"] * 3 + ["Poor Metabolizer"]))
    >>> [float(bar.get_width()) for bar in ax.patches]
    [3.0, 1.0]
    >>> plt.close(ax.figure)
    """
    if not isinstance(phenotypes, pd.Series):
        raise TypeError(f"plot_phenotype_counts needs one column of a table; got {phenotypes!r}.")
    counts = phenotypes.value_counts()
    ax = _axes(ax, size=(6, 0.45 * len(counts) + 1.2))
    ax.barh(counts.index.astype(str), counts.to_numpy(), color=OKABE_ITO[4], edgecolor="black")
    ax.invert_yaxis()
    ax.set_xlabel("patients")
    if phenotypes.name:
        ax.set_title(str(phenotypes.name))
    return _finished(ax)


#: Depth marked on the call-accuracy plot: a common target for germline genomes.
COMMON_GENOME_DEPTH = 30


def plot_call_accuracy(
    error_rate: float = 0.01,
    *,
    depth: int | None = None,
    max_depth: int = 60,
    n_sites: int = 2000,
    ax: Axes | None = None,
) -> Axes:
    """Share of correct genotype calls against depth, for heterozygous and homozygous sites.

    Each point is :func:`pmcourse.sequencing.call_accuracy` over `n_sites`
    simulated sites. A dotted line marks 30x, a common target for germline
    genomes; `depth`, when given, is marked with a point.

    Parameters
    ----------
    error_rate : float, default 0.01
        Chance that a read shows the wrong base.
    depth : int, optional
        A depth to mark, such as a slider's value.
    max_depth : int, default 60
        Largest depth drawn (at least `depth`).
    n_sites : int, default 2000
        Simulated sites per point.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Depth across, the share of correct calls (0 to 1) up.

    Examples
    --------
    >>> ax = plot_call_accuracy(0.01, depth=10, max_depth=40)
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['heterozygous sites (0/1)', 'homozygous sites (1/1)']
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax)
    depths = np.arange(1, max(max_depth, depth or 0) + 1)
    for genotype, label, k in (
        (1, "heterozygous sites (0/1)", 0),
        (2, "homozygous sites (1/1)", 1),
    ):
        shares = [
            call_accuracy(int(d), error_rate, genotype=genotype, n_sites=n_sites) for d in depths
        ]
        ax.plot(depths, shares, color=_LINE_COLOURS[k], linestyle=_LINE_STYLES[k], label=label)
    ax.axvline(COMMON_GENOME_DEPTH, color="#999999", linestyle=":", label="30x, a common target")
    if depth is not None:
        share = call_accuracy(depth, error_rate, n_sites=n_sites)
        ax.plot(
            [depth], [share], "o", color="black", label=f"{depth}x: {share:.1%} of 0/1 correct"
        )
    ax.set_xlabel("reads at the site (depth)")
    ax.set_ylabel("share of correct genotype calls")
    ax.set_ylim(0, 1.02)
    ax.set_title(
        f"error rate {error_rate:g} per base (Q{error_to_phred(error_rate):.0f})",
        fontsize="medium",
    )
    return _finished(ax, legend={"fontsize": "small", "loc": "lower right"})


def plot_funnel(funnel: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Variants left after each filter, as horizontal bars, the first step on top.

    Parameters
    ----------
    funnel : pandas.DataFrame
        As :func:`pmcourse.variants.filter_funnel` returns: ``step``,
        ``n_variants``, ``cause_kept``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Bars in blue while the planted cause is still among the variants, in
        vermillion (and hatched) once a filter has lost it; each bar labelled
        with its count.

    Examples
    --------
    >>> funnel = pd.DataFrame({"step": ["all variants", "rare"], "n_variants": [2500, 90],
    ...                        "cause_kept": [True, False]})
    >>> ax = plot_funnel(funnel)
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['all variants', 'rare']
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (6, 3))
    kept = funnel["cause_kept"].to_numpy(dtype=bool)
    positions = np.arange(len(funnel))[::-1]
    bars = ax.barh(
        positions,
        funnel["n_variants"],
        color=np.where(kept, OKABE_ITO[4], OKABE_ITO[5]),
        hatch=[None if k else "//" for k in kept],
        edgecolor="black",
        linewidth=0.5,
    )
    ax.bar_label(bars, padding=3)
    ax.set_yticks(positions, funnel["step"])
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, max(funnel["n_variants"].max(), 10) * 3)
    ax.set_xlabel("variants left (log scale)")
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=OKABE_ITO[4], label="the cause is still there"),
        plt.Rectangle((0, 0), 1, 1, facecolor=OKABE_ITO[5], hatch="//", label="the cause is lost"),
    ]
    return _finished(ax, legend={"handles": handles, "loc": "lower right"})


def plot_score_distribution(
    scores: pd.Series | Sequence[float],
    *,
    patient_score: float | None = None,
    label: str = "the patient",
    ax: Axes | None = None,
) -> Axes:
    """The spread of polygenic scores in a reference group, with one patient marked.

    Parameters
    ----------
    scores : pandas.Series or sequence of float
        Scores of the reference group (raw or standardised).
    patient_score : float, optional
        A patient's score on the same scale, drawn as a vertical line labelled
        with its :func:`pmcourse.risk.percentile` in `scores`.
    label : str, default "the patient"
        Who the line is, such as a patient identifier.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_score_distribution([0.1, 0.5, 0.4, 0.9, 0.3], patient_score=0.8)
    >>> ax.get_legend().get_texts()[-1].get_text()
    'the patient: 80th percentile'
    >>> plt.close(ax.figure)
    """
    from pmcourse.risk import percentile  # imported here: scipy.stats loads slowly

    ax = _axes(ax)
    values = np.asarray(scores, dtype=float)
    values = values[~np.isnan(values)]
    ax.hist(
        values,
        bins=30,
        color=OKABE_ITO[1],
        edgecolor="black",
        linewidth=0.5,
        label=f"reference group ({len(values)} people)",
    )
    if patient_score is not None:
        place = percentile([patient_score], values).item()
        ax.axvline(
            patient_score,
            color=OKABE_ITO[5],
            linewidth=2.5,
            linestyle="--",
            label=f"{label}: {place:.0f}th percentile",
        )
    ax.set_xlabel("polygenic score")
    ax.set_ylabel("number of people")
    return _finished(ax, legend={"loc": "upper left", "fontsize": "small"})


def plot_roc_curves(
    outcome: pd.Series | Sequence[int],
    risks: Mapping[str, pd.Series | Sequence[float]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """ROC curves of one or more risk models, each labelled with its AUC.

    Parameters
    ----------
    outcome : sequence of int
        Whether each patient had the event (1) or not (0).
    risks : mapping of str to sequence of float
        Each model's predicted risk per patient, in the order of `outcome`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        True-positive rate (sensitivity) against false-positive rate
        (1 - specificity), the diagonal of a coin toss dotted.

    Examples
    --------
    >>> ax = plot_roc_curves([0, 0, 1, 1], {"model": [0.1, 0.4, 0.35, 0.8]})
    >>> ax.get_legend().get_texts()[0].get_text()
    'model (AUC 0.75)'
    >>> plt.close(ax.figure)
    """
    from sklearn.metrics import roc_curve  # imported here: scikit-learn loads slowly

    from pmcourse.risk import roc_auc

    ax = _axes(ax, (4.5, 4.5))
    styles = ["-", "--", "-.", ":"]
    for k, (name, risk) in enumerate(risks.items()):
        false_positive, true_positive, _ = roc_curve(np.asarray(outcome), np.asarray(risk))
        ax.plot(
            false_positive,
            true_positive,
            color=OKABE_ITO[(4, 5, 2, 6)[k % 4]],
            linestyle=styles[k % 4],
            linewidth=2,
            label=f"{name} (AUC {roc_auc(outcome, risk):.2f})",
        )
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="coin toss (AUC 0.50)")
    ax.set_xlabel("false-positive rate (1 - specificity)")
    ax.set_ylabel("true-positive rate (sensitivity)")
    ax.set_aspect("equal")
    return _finished(ax, legend={"loc": "lower right", "fontsize": "small"})


def plot_calibration(
    tables: Mapping[str, pd.DataFrame] | pd.DataFrame, *, ax: Axes | None = None
) -> Axes:
    """Observed against predicted risk per risk group: points on the diagonal are calibrated.

    Parameters
    ----------
    tables : pandas.DataFrame or mapping of str to pandas.DataFrame
        :func:`pmcourse.risk.calibration_table` of one model, or of several by name.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"predicted_risk": [0.05, 0.2], "observed_risk": [0.04, 0.25]})
    >>> ax = plot_calibration(table)
    >>> ax.get_xlabel()
    'predicted risk (mean of the group)'
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (4.5, 4.5))
    named = {"model": tables} if isinstance(tables, pd.DataFrame) else dict(tables)
    top = 0.0
    for k, (name, table) in enumerate(named.items()):
        ax.plot(
            table["predicted_risk"],
            table["observed_risk"],
            marker="os^D"[k % 4],
            color=OKABE_ITO[(4, 5, 2, 6)[k % 4]],
            linestyle="-",
            linewidth=1,
            label=name,
        )
        top = max(top, table["predicted_risk"].max(), table["observed_risk"].max())
    limit = min(1.0, top * 1.1 + 0.01)
    ax.plot(
        [0, limit],
        [0, limit],
        color="grey",
        linestyle=":",
        linewidth=1,
        label="perfect calibration",
    )
    ax.set_xlim(0, limit)
    ax.set_ylim(0, limit)
    ax.set_xlabel("predicted risk (mean of the group)")
    ax.set_ylabel("observed risk (share with the event)")
    ax.set_aspect("equal")
    return _finished(ax, legend={"loc": "upper left", "fontsize": "small"})


def plot_screening(table: pd.DataFrame, threshold: float, *, ax: Axes | None = None) -> Axes:
    """Sensitivity and specificity as the screening threshold moves, the chosen one marked.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`pmcourse.risk.screening_table` over several thresholds.
    threshold : float
        The chosen threshold, drawn as a vertical line.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> table = pd.DataFrame({"threshold": [0.1, 0.2], "sensitivity": [0.9, 0.5],
    ...                       "specificity": [0.4, 0.8]})
    >>> ax = plot_screening(table, 0.15)
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['sensitivity (cases found)', 'specificity (people without an event not invited)']
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (8, 3.5))
    ax.plot(
        table["threshold"],
        table["sensitivity"],
        color=OKABE_ITO[4],
        linewidth=2,
        label="sensitivity (cases found)",
    )
    ax.plot(
        table["threshold"],
        table["specificity"],
        color=OKABE_ITO[5],
        linewidth=2,
        linestyle="--",
        label="specificity (people without an event not invited)",
    )
    ax.axvline(threshold, color="black", linewidth=1, linestyle=":", label="your threshold")
    ax.set_xlabel("invite everyone with a predicted 10-year risk at or above")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    legend = {"loc": "upper left", "bbox_to_anchor": (1.02, 1), "fontsize": "small"}
    return _finished(ax, legend=legend)
