"""Figures for the course, as thin layers over the subject modules.

Every function takes ``ax=None`` (a new figure is made when none is given) and
returns the Axes it drew on. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness. Importing this
module changes no global matplotlib setting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmcourse.genetics import hardy_weinberg_test
from pmcourse.oncology import expected_vaf, kaplan_meier, logrank, vaf, variant_origin
from pmcourse.sequencing import call_accuracy, error_to_phred

__all__ = [
    "OKABE_ITO",
    "plot_allele_frequencies",
    "plot_calibration",
    "plot_call_accuracy",
    "plot_exposure",
    "plot_funnel",
    "plot_hardy_weinberg",
    "plot_k_anonymity",
    "plot_kaplan_meier",
    "plot_phenotype_counts",
    "plot_prom_scores",
    "plot_survival_curves",
    "plot_vaf_purity",
    "plot_roc_curves",
    "plot_score_distribution",
    "plot_screening",
    "plot_wearable_trend",
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


#: Colour and marker of each variant origin in :func:`plot_vaf_purity`.
_ORIGIN_STYLE = {
    "somatic": (OKABE_ITO[4], "o"),
    "germline": (OKABE_ITO[5], "s"),
    "unknown": ("#777777", "^"),
}


def plot_vaf_purity(
    variants: pd.DataFrame | None = None,
    purity: float | None = None,
    *,
    copy_number: int = 2,
    mutated_copies: int = 1,
    cancer_cell_fraction: float = 1.0,
    ax: Axes | None = None,
) -> Axes:
    """The VAF a variant should show against tumour purity, with a patient's variants on it.

    Parameters
    ----------
    variants : pandas.DataFrame, optional
        One patient's variants (``tumour_alt_reads``, ``tumour_depth``, and
        ``normal_alt_reads``/``normal_depth`` for their origin), drawn at
        `purity`; amplifications (no VAF) are left out.
    purity : float, optional
        The patient's tumour purity: a vertical line, and where `variants` sit.
    copy_number, mutated_copies, cancer_cell_fraction
        A somatic variant to draw besides the clonal one-of-two-copies line
        (as :func:`pmcourse.oncology.expected_vaf`); drawn when any differs
        from the default.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Lines: a clonal somatic variant on one of two copies (VAF = purity /
        2), the chosen somatic variant, and germline variants on one or both
        copies (0.5 and 1, whatever the purity, in a region with two copies).
        Points: the variants, coloured and shaped by their origin (germline,
        somatic, or unknown without a normal sample).

    Examples
    --------
    >>> variants = pd.DataFrame({"tumour_alt_reads": [171, 262], "tumour_depth": [562, 530],
    ...     "normal_alt_reads": [0, 121], "normal_depth": [248, 244]})
    >>> ax = plot_vaf_purity(variants, 0.6)
    >>> [line.get_label() for line in ax.get_lines()][1:3]
    ['germline, 1 of 2 copies', 'germline, both copies']
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (8, 3.5))
    purities = np.linspace(0.01, 1, 100)
    ax.plot(
        purities,
        expected_vaf(purities),
        color=OKABE_ITO[4],
        label="somatic, 1 of 2 copies, CCF 100%",
    )
    ax.axhline(0.5, color=OKABE_ITO[5], linestyle="--", label="germline, 1 of 2 copies")
    ax.axhline(1.0, color=OKABE_ITO[5], linestyle=":", label="germline, both copies")
    chosen = (copy_number, mutated_copies, cancer_cell_fraction)
    if chosen != (2, 1, 1.0):
        curve = expected_vaf(
            purities,
            copy_number=copy_number,
            mutated_copies=mutated_copies,
            cancer_cell_fraction=cancer_cell_fraction,
        )
        ax.plot(
            purities,
            curve,
            color=OKABE_ITO[2],
            linestyle="-.",
            label=f"somatic, {mutated_copies} of {copy_number} copies, "
            f"CCF {cancer_cell_fraction:.0%}",
        )
    if purity is not None:
        ax.axvline(purity, color="#999999", linewidth=0.8)
    if variants is not None and purity is not None:
        shown = variants[variants["tumour_depth"].notna()]
        observed = vaf(shown["tumour_alt_reads"], shown["tumour_depth"])
        origin = variant_origin(shown)
        for name, (colour, marker) in _ORIGIN_STYLE.items():
            these = observed[origin == name]
            if len(these):
                ax.scatter(
                    np.full(len(these), purity),
                    these,
                    color=colour,
                    marker=marker,
                    edgecolor="black",
                    linewidth=0.5,
                    zorder=3,
                    label=f"{name} variants ({len(these)})",
                )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("tumour purity (share of cancer cells in the sample)")
    ax.set_ylabel("variant allele fraction (VAF)")
    legend = {"fontsize": "small", "loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
    return _finished(ax, legend=legend)


#: Colour and line style of the groups of :func:`plot_kaplan_meier`, in sorted order.
_KM_STYLES = ((OKABE_ITO[4], "-"), (OKABE_ITO[5], "--"), (OKABE_ITO[2], "-."), (OKABE_ITO[0], ":"))


def plot_kaplan_meier(
    outcomes: pd.DataFrame,
    by: str = "treatment",
    *,
    duration: str = "pfs_months",
    event: str = "progressed",
    at_risk: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Kaplan-Meier curves with their 95% confidence bands, drawn by lifelines.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        One row per patient, such as ``load("cancer_outcomes")``.
    by, duration, event
        As for :func:`pmcourse.oncology.kaplan_meier`.
    at_risk : bool, default True
        Add lifelines' table of patients at risk (and censored and with an
        event) under the axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One step curve per group (Okabe-Ito colours and distinct line styles),
        censored patients as ticks, and the log-rank p-value in the title when
        there are two groups or more.

    Examples
    --------
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 3 + ["unmatched"] * 3,
    ...     "pfs_months": [5.0, 12.0, 20.0, 2.0, 4.0, 9.0], "progressed": [1, 0, 1, 1, 1, 1]})
    >>> ax = plot_kaplan_meier(outcomes, at_risk=False)
    >>> ax.get_ylabel()
    'share free of progression'
    >>> plt.close(ax.figure)
    """
    curves = kaplan_meier(outcomes, by, duration=duration, event=event)
    p_value = logrank(outcomes, by, duration=duration, event=event).p_value
    return plot_survival_curves(
        curves, p_value=p_value if len(curves) > 1 else None, at_risk=at_risk, ax=ax
    )


def plot_survival_curves(
    curves: Mapping[str, Any],
    *,
    p_value: float | None = None,
    at_risk: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Fitted Kaplan-Meier curves (lifelines), as :func:`plot_kaplan_meier` draws them.

    Parameters
    ----------
    curves : mapping of str to lifelines.KaplanMeierFitter
        Fitted curves by group, such as :func:`pmcourse.oncology.kaplan_meier` returns.
    p_value : float, optional
        A test's p-value to put in the title.
    at_risk : bool, default True
        Add lifelines' table of patients at risk under the axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from pmcourse.oncology import kaplan_meier
    >>> outcomes = pd.DataFrame({"treatment": ["matched"] * 3 + ["unmatched"] * 3,
    ...     "pfs_months": [5.0, 12.0, 20.0, 2.0, 4.0, 9.0], "progressed": [1, 0, 1, 1, 1, 1]})
    >>> ax = plot_survival_curves(kaplan_meier(outcomes), p_value=0.11, at_risk=False)
    >>> ax.get_title(loc="left")
    'log-rank test: p = 0.11'
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (6.5, 4.5 if at_risk else 3.5))
    for k, fitter in enumerate(curves.values()):
        colour, style = _KM_STYLES[k % len(_KM_STYLES)]
        fitter.plot_survival_function(
            ax=ax,
            ci_show=True,
            show_censors=True,
            color=colour,
            linestyle=style,
            censor_styles={"marker": "|", "ms": 6},
        )
    if at_risk:
        from lifelines.plotting import add_at_risk_counts

        add_at_risk_counts(*curves.values(), ax=ax)
    if p_value is not None:
        ax.set_title(f"log-rank test: p = {p_value:.2g}", loc="left", fontsize="medium")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("months since the start of treatment")
    ax.set_ylabel("share free of progression")
    return _finished(ax, legend={"loc": "upper right"})


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
    for column, label, colour, style in [
        ("sensitivity", "sensitivity (cases found)", OKABE_ITO[4], "-"),
        ("specificity", "specificity (people without an event not invited)", OKABE_ITO[5], "--"),
    ]:
        ax.plot(
            table["threshold"],
            table[column],
            color=colour,
            linewidth=2,
            linestyle=style,
            label=label,
        )
    ax.axvline(threshold, color="black", linewidth=1, linestyle=":", label="your threshold")
    ax.set_xlabel("invite everyone with a predicted 10-year risk at or above")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    legend = {"loc": "upper left", "bbox_to_anchor": (1.02, 1), "fontsize": "small"}
    return _finished(ax, legend=legend)


def plot_wearable_trend(weekly: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """One patient's weekly mean steps per day, with the days worn under each week.

    Parameters
    ----------
    weekly : pandas.DataFrame
        One patient's rows of :func:`pmcourse.health_data.weekly_summary`:
        ``week``, ``days_worn``, ``mean_steps_per_day``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> weekly = pd.DataFrame({"week": [1, 2, 3], "days_worn": [7, 5, 6],
    ...                        "mean_steps_per_day": [8000, 6500, 5000]})
    >>> ax = plot_wearable_trend(weekly)
    >>> ax.get_ylabel()
    'steps per day (weekly mean)'
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax)
    ax.plot(
        weekly["week"],
        weekly["mean_steps_per_day"],
        color=OKABE_ITO[4],
        marker="o",
        linewidth=2,
        label="weekly mean of the clean days",
    )
    for week, worn in zip(weekly["week"], weekly["days_worn"], strict=True):
        ax.annotate(
            f"{worn}",
            (week, 0),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize="x-small",
            color="dimgrey",
        )
    ax.set_ylim(0, max(float(weekly["mean_steps_per_day"].max()) * 1.15, 1000))
    ax.set_xlabel("week of wearing (numbers at the bottom: days worn)")
    ax.set_ylabel("steps per day (weekly mean)")
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    return _finished(ax, legend={"loc": "upper right", "fontsize": "small"})


def plot_prom_scores(
    dates: pd.Series | Sequence[str],
    scores: pd.Series | Sequence[float],
    *,
    ax: Axes | None = None,
) -> Axes:
    """WHO-5 percentage scores over time, with the published cut-offs as lines.

    Parameters
    ----------
    dates : sequence of str
        The questionnaire dates (YYYY-MM-DD).
    scores : sequence of float
        Their :func:`pmcourse.health_data.score_prom` scores (0-100).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_prom_scores(["2025-09-01", "2025-12-29"], [68, 32])
    >>> [line.get_label() for line in ax.get_lines()][1:]
    ['poor well-being (below 52)', 'likely depression (28 or less)']
    >>> plt.close(ax.figure)
    """
    from pmcourse.reference import lookup

    rule = lookup("prom_who5_scoring", "name", "value")
    ax = _axes(ax)
    ax.plot(
        pd.to_datetime(pd.Series(list(dates))),
        list(scores),
        color=OKABE_ITO[2],
        marker="s",
        linewidth=2,
        label="WHO-5 score",
    )
    for name, label, colour, style in [
        ("poor_wellbeing_below", "poor well-being (below {:.0f})", OKABE_ITO[0], "--"),
        ("likely_depression_at_or_below", "likely depression ({:.0f} or less)", OKABE_ITO[5], ":"),
    ]:
        value = float(rule[name])
        ax.axhline(value, color=colour, linestyle=style, linewidth=1.5, label=label.format(value))
    ax.set_ylim(0, 100)
    ax.set_ylabel("WHO-5 well-being (0-100)")
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelrotation=30, labelsize="small")
    return _finished(ax, legend={"loc": "lower left", "fontsize": "small"})


def plot_k_anonymity(
    class_sizes: pd.Series | Sequence[int], k: int, *, ax: Axes | None = None
) -> Axes:
    """How many records sit in equivalence classes of each size, the chosen k marked.

    Parameters
    ----------
    class_sizes : sequence of int
        The ``n_records`` of :func:`pmcourse.privacy.equivalence_classes`.
    k : int
        The smallest class size kept (classes left of the line are suppressed).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_k_anonymity([1, 1, 2, 5, 12], k=5)
    >>> [tick.get_text() for tick in ax.get_xticklabels()][:3]
    ['1', '2', '3']
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax)
    sizes = np.asarray(class_sizes, dtype=int)
    labels = [str(size) for size in range(1, 10)] + ["10+"]
    binned = np.minimum(sizes, 10)
    records = [int(sizes[binned == size].sum()) for size in range(1, 11)]
    colours = [OKABE_ITO[5] if size < k else OKABE_ITO[1] for size in range(1, 11)]
    ax.bar(labels, records, color=colours, edgecolor="black", linewidth=0.5)
    ax.axvline(min(k, 11) - 1.5, color="black", linestyle=":", linewidth=1.5)
    ax.set_xlabel("size of the record's equivalence class (red: below k, suppressed)")
    ax.set_ylabel("records")
    return _finished(ax)
