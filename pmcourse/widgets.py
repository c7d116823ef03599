"""Interactive demos: ipywidgets sliders over plain, tested functions.

Each demo is an ``update_*`` function that takes the slider values and draws
one figure, wrapped by ``ipywidgets.interactive``. The update functions work
without widgets, so they are tested and benchmarked on their own.

Adding a demo
-------------
1. Write the plain function ``update_<name>(...) -> Figure``: one keyword
   argument per slider, named as the slider's argument, and defaults that work.
2. Write ``<name>_explorer()``, which returns ``_explorer(update_<name>,
   argument=(label, ...), ...)``: one control per argument, each with a plain
   label that is shown beside it and read out by screen readers.
3. Add both to ``__all__`` and register them in :data:`WIDGET_DEMOS` with
   :class:`WidgetDemo`, giving representative slider values as ``example``
   (usually the sliders' starting values).

``tests/test_widget_demos.py`` checks that every public function here belongs
to a registered demo, that ``example`` names exactly the widget's sliders and
that every control has a label;
``make bench ONLY=widgets`` times every registered update function (budget: a
median of at most 100 ms per call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from pmcourse.exposure import drug_models, simulate_exposure, simulator_phenotypes
from pmcourse.genetics import simulate_genotype_counts
from pmcourse.oncology import SCENARIO_PATIENTS, expected_vaf, kaplan_meier, logrank
from pmcourse.plots import (
    OKABE_ITO,
    plot_call_accuracy,
    plot_exposure,
    plot_funnel,
    plot_hardy_weinberg,
    plot_k_anonymity,
    plot_screening,
    plot_survival_curves,
    plot_vaf_purity,
)
from pmcourse.variants import CONSEQUENCE_SETS, FAMILIES, filter_funnel

__all__ = [
    "SCREENING_MODELS",
    "WIDGET_DEMOS",
    "WidgetDemo",
    "coverage_explorer",
    "exposure_explorer",
    "funnel_explorer",
    "hardy_weinberg_explorer",
    "K_ANONYMITY_QUASI_IDENTIFIERS",
    "k_anonymity_explorer",
    "km_explorer",
    "screening_explorer",
    "update_coverage",
    "update_exposure",
    "update_funnel",
    "update_hardy_weinberg",
    "update_k_anonymity",
    "update_km",
    "update_vaf",
    "vaf_explorer",
    "update_screening",
]


@dataclass(frozen=True)
class WidgetDemo:
    """One interactive demo, as registered in :data:`WIDGET_DEMOS`.

    Attributes
    ----------
    update : callable
        The plain function behind the demo: takes the slider values as keyword
        arguments and returns the figure the demo shows.
    widget : callable
        Builds the ipywidgets object, with no arguments.
    example : mapping of str to value
        Representative slider values, one per slider: ``update(**example)``
        draws what a learner sees first.
    """

    update: Callable[..., Any]
    widget: Callable[[], Any]
    example: Mapping[str, Any]


@cache
def _course_data(name: str):
    """A course data set, read once per session (the demos only read it)."""
    from pmcourse.datasets import load  # imported here: the data are read on first use

    return load(name)


def update_hardy_weinberg(
    p: float = 0.7, n_patients: int = 500, inbreeding: float = 0.0, *, seed: int = 1
) -> Figure:
    """Draw genotype counts for the given settings and compare them with HWE.

    Parameters
    ----------
    p : float, default 0.7
        Frequency p of the reference allele in the population.
    n_patients : int, default 500
        Number of patients genotyped.
    inbreeding : float, default 0.0
        The inbreeding coefficient F: the share of the expected heterozygotes
        that are missing. 0 is equilibrium; larger values mimic inbreeding,
        population structure or genotyping errors (as in
        :func:`pmcourse.genetics.simulate_genotype_counts`).
    seed : int, default 1
        Seed of the random draw, fixed so moving one slider changes one thing.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> figure = update_hardy_weinberg(0.5, 200, inbreeding=0.3)
    >>> figure.axes[0].get_xlabel()
    'genotype (ref = reference allele, alt = variant allele)'
    >>> plt.close(figure)
    """
    counts = simulate_genotype_counts(p, n_patients, inbreeding=inbreeding, seed=seed)
    return plot_hardy_weinberg(*counts).figure


def hardy_weinberg_explorer():
    """The Hardy-Weinberg explorer: sliders for p, sample size and inbreeding F.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        slider redraws :func:`update_hardy_weinberg` with the new value.
    """
    return _explorer(
        update_hardy_weinberg,
        p=("Reference allele frequency p", 0.7, 0.0, 1.0, 0.01),
        n_patients=("Patients genotyped", 500, 20, 5000, 20),
        inbreeding=("Inbreeding (F): too few heterozygotes", 0.0, 0.0, 1.0, 0.05),
    )


def update_exposure(
    drug: str = "Drug A (active drug)", dose_mg: float = 20.0, interval_h: float = 24.0
) -> Figure:
    """Concentration curves of every phenotype for one drug, dose and interval.

    Parameters
    ----------
    drug : str
        One of :func:`pmcourse.exposure.drug_models`.
    dose_mg : float, default 20
        Dose taken each time, in mg.
    interval_h : float, default 24
        Hours between doses.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> figure = update_exposure("Drug B (prodrug)", 75, 24)
    >>> len(figure.axes[0].get_lines())
    4
    >>> plt.close(figure)
    """
    model = drug_models()[drug]
    curves = {
        phenotype: simulate_exposure(phenotype, drug=drug, dose_mg=dose_mg, interval_h=interval_h)
        for phenotype in simulator_phenotypes()
    }
    what = "active metabolite" if model.kind == "prodrug" else "drug"
    return plot_exposure(
        curves,
        window=(model.window_low_ug_l, model.window_high_ug_l),
        title=f"{drug}: {dose_mg:g} mg every {interval_h:g} h ({what} in plasma)",
    ).figure


def exposure_explorer():
    """The drug-exposure simulator: choose a drug, its dose and the dosing interval.

    Returns
    -------
    ipywidgets.interactive
        A drop-down list of the simulator's drugs and two sliders over
        :func:`update_exposure`; display it in a notebook (make it the last
        line of a cell).
    """
    return _explorer(
        update_exposure,
        drug=("Drug", list(drug_models())),
        dose_mg=("Dose (mg)", 20.0, 0.0, 150.0, 5.0),
        interval_h=("Hours between doses", 24.0, 6.0, 48.0, 6.0),
    )


def update_coverage(depth: int = 30, error_rate: float = 0.01) -> Figure:
    """Genotype-call accuracy against depth, with the chosen depth marked.

    Parameters
    ----------
    depth : int, default 30
        Reads at each site.
    error_rate : float, default 0.01
        Chance that a read shows the wrong base (0.01 is Q20).

    Returns
    -------
    matplotlib.figure.Figure
        Curves for heterozygous and homozygous sites
        (:func:`pmcourse.plots.plot_call_accuracy`); the point is the share
        of heterozygous sites called correctly at `depth`.

    Examples
    --------
    >>> figure = update_coverage(8, 0.01)
    >>> figure.axes[0].get_xlabel()
    'reads at the site (depth)'
    >>> plt.close(figure)
    """
    return plot_call_accuracy(error_rate, depth=depth, n_sites=500).figure


def coverage_explorer():
    """The coverage explorer: sliders for depth and error rate against call accuracy.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        slider redraws :func:`update_coverage` with the new value.
    """
    return _explorer(
        update_coverage,
        depth=("Reads at the site (depth)", 30, 1, 100, 1),
        error_rate=("Error rate per base", 0.01, 0.001, 0.2, 0.001),
    )


def update_funnel(
    max_af: float = 0.01,
    consequences: str = "protein-changing",
    family_id: str = "FAM-01",
) -> Figure:
    """The filtering funnel of one family: variants left after each filter.

    Parameters
    ----------
    max_af : float, default 0.01
        Highest population allele frequency kept.
    consequences : str, default "protein-changing"
        A named set of consequences (:data:`pmcourse.variants.CONSEQUENCE_SETS`).
    family_id : str, default "FAM-01"
        The family, FAM-01 to FAM-04.

    Returns
    -------
    matplotlib.figure.Figure
        :func:`pmcourse.plots.plot_funnel` of
        :func:`pmcourse.variants.filter_funnel`; the title says whether the
        planted cause survives every filter.

    Examples
    --------
    >>> figure = update_funnel(0.01, "protein-changing", "FAM-03")
    >>> figure.axes[0].get_title(loc="left")
    'FAM-03: the cause survives every filter'
    >>> plt.close(figure)
    """
    funnel = filter_funnel(
        _course_data("trio_variants"), family_id, max_af=max_af, consequences=consequences
    )
    ax = plot_funnel(funnel)
    verdict = "survives every filter" if funnel["cause_kept"].iloc[-1] else "is lost"
    ax.set_title(f"{family_id}: the cause {verdict}", loc="left")
    return ax.figure


def funnel_explorer():
    """The filtering funnel: a frequency cut-off, the consequences kept and the family.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        control redraws :func:`update_funnel`.
    """
    return _explorer(
        update_funnel,
        max_af=("Highest population allele frequency", 0.01, 0.0001, 0.1, 0.0001),
        consequences=("Consequences kept", list(CONSEQUENCE_SETS)),
        family_id=("Family", list(FAMILIES["family_id"].unique())),
    )


def update_vaf(
    purity: float = 0.6,
    copy_number: int = 2,
    mutated_copies: int = 1,
    cancer_cell_fraction: float = 1.0,
) -> Figure:
    """The VAF a somatic variant should show for the chosen purity, copies and clonality.

    Parameters
    ----------
    purity : float, default 0.6
        Share of cancer cells in the sample.
    copy_number : int, default 2
        Copies of the region in the cancer cells.
    mutated_copies : int, default 1
        Copies that carry the variant; more than `copy_number` is impossible,
        and the title says so instead of drawing.
    cancer_cell_fraction : float, default 1.0
        Share of the cancer cells that carry the variant.

    Returns
    -------
    matplotlib.figure.Figure
        :func:`pmcourse.plots.plot_vaf_purity` with the chosen variant's curve,
        its expected VAF at `purity` as a point, and PM-000030's variants (at
        his purity) for comparison; the title gives the expected VAF.

    Examples
    --------
    >>> figure = update_vaf(0.67, 3, 1, 0.5)
    >>> figure.axes[0].get_title(loc="left")
    'expected VAF 0.125 at purity 0.67'
    >>> plt.close(figure)
    """
    pm30 = SCENARIO_PATIENTS.set_index("patient_id").loc["PM-000030"]
    variants = _course_data("tumour_variants")
    variants = variants[variants["patient_id"] == "PM-000030"]
    if mutated_copies > copy_number:
        ax = plot_vaf_purity(variants, pm30["purity"])
        title = f"a cell cannot carry the variant on {mutated_copies} of {copy_number} copies"
    else:
        ax = plot_vaf_purity(
            variants,
            pm30["purity"],
            copy_number=copy_number,
            mutated_copies=mutated_copies,
            cancer_cell_fraction=cancer_cell_fraction,
        )
        expected = expected_vaf(
            purity,
            copy_number=copy_number,
            mutated_copies=mutated_copies,
            cancer_cell_fraction=cancer_cell_fraction,
        )
        ax.plot([purity], [expected], "D", color="black", label="the chosen variant", zorder=4)
        title = f"expected VAF {expected:.3g} at purity {purity:.2f}"
    ax.set_title(title, loc="left", fontsize="medium")
    return ax.figure


def vaf_explorer():
    """The VAF explorer: purity, copy number, mutated copies and cancer cell fraction.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        slider redraws :func:`update_vaf`.
    """
    return _explorer(
        update_vaf,
        purity=("Tumour purity", 0.6, 0.05, 1.0, 0.05),
        copy_number=("Copies in the cancer cells", 2, 1, 6, 1),
        mutated_copies=("Copies with the variant", 1, 1, 6, 1),
        cancer_cell_fraction=("Share of cancer cells with it (CCF)", 1.0, 0.05, 1.0, 0.05),
    )


_ALL_BIOMARKERS = "all biomarkers"


def update_km(biomarker: str = _ALL_BIOMARKERS) -> Figure:
    """Kaplan-Meier curves of matched against unmatched treatment for one biomarker.

    Parameters
    ----------
    biomarker : str, default "all biomarkers"
        A biomarker of ``cancer_outcomes``, or all of them together.

    Returns
    -------
    matplotlib.figure.Figure
        The curves of :func:`pmcourse.plots.plot_kaplan_meier` for those
        patients (without the at-risk table), with the log-rank p-value and
        the number of patients in the title.

    Examples
    --------
    >>> figure = update_km("EGFR L858R")
    >>> figure.axes[0].get_title(loc="right").startswith("EGFR L858R:")
    True
    >>> plt.close(figure)
    """
    curves, p_value, n_patients = _km_curves(biomarker)
    ax = plot_survival_curves(curves, p_value=p_value, at_risk=False)
    ax.set_title(f"{biomarker}: {n_patients} patients", loc="right", fontsize="medium")
    return ax.figure


@cache
def _km_curves(biomarker: str) -> tuple[dict, float | None, int]:
    """Fitted curves, log-rank p-value and patients of one biomarker, fitted once per session."""
    outcomes = _course_data("cancer_outcomes")
    if biomarker != _ALL_BIOMARKERS:
        outcomes = outcomes[outcomes["biomarker"] == biomarker]
    curves = kaplan_meier(outcomes)
    p_value = logrank(outcomes).p_value if len(curves) > 1 else None
    return curves, p_value, len(outcomes)


def km_explorer():
    """Kaplan-Meier curves by biomarker: choose the biomarker.

    Returns
    -------
    ipywidgets.interactive
        A drop-down list over :func:`update_km`; display it in a notebook
        (make it the last line of a cell).
    """
    biomarkers = sorted(_course_data("cancer_outcomes")["biomarker"].unique())
    return _explorer(update_km, biomarker=("Biomarker", [_ALL_BIOMARKERS, *biomarkers]))


#: The two risk models of module 6's screening demo.
SCREENING_MODELS = ("clinical", "clinical + polygenic score")


@cache
def _screening_risks() -> tuple[dict, Any]:
    """Module 6: each cohort patient's 10-year risk under both models, and the outcomes."""
    from pmcourse import risk  # imported here: scikit-learn loads slowly
    from pmcourse.datasets import load

    data = load("cohort").merge(load("cad_outcomes"), on="patient_id")
    scores = risk.polygenic_score(load("prs_dosages"), risk.cad_weights())
    european = scores[data.set_index("patient_id")["ancestry"] == "EUR"]
    data["prs_z"] = risk.standardise(scores, european).to_numpy()
    predictors = dict(zip(SCREENING_MODELS, [[], ["prs_z"]], strict=True))
    risks = {
        name: risk.fit_risk_model(data, [*risk.CLINICAL_PREDICTORS, *extra]).risk(data)
        for name, extra in predictors.items()
    }
    return risks, data[risk.OUTCOME].to_numpy()


def update_screening(threshold: float = 0.15, model: str = "clinical + polygenic score") -> Figure:
    """Screening the cohort: invite everyone with a predicted 10-year risk at or above a threshold.

    Parameters
    ----------
    threshold : float, default 0.15
        The predicted 10-year risk of a coronary event from which people are invited.
    model : str, default "clinical + polygenic score"
        The risk model, one of :data:`SCREENING_MODELS`, fitted to the course's
        cohort (:func:`pmcourse.risk.fit_risk_model`).

    Returns
    -------
    matplotlib.figure.Figure
        :func:`pmcourse.plots.plot_screening` over thresholds from 0 to 50%; the
        title counts the people invited, the cases found and the number needed
        to screen at `threshold` (:func:`pmcourse.risk.screening_table`).

    Examples
    --------
    >>> figure = update_screening(0.15)
    >>> figure.axes[0].get_title(loc="left").startswith("Invited: ")
    True
    >>> plt.close(figure)
    """
    from pmcourse.risk import screening_table

    risks, outcome = _screening_risks()
    if model not in risks:
        raise ValueError(f"model must be one of {list(risks)}; got {model!r}.")
    table = screening_table(risks[model], outcome, np.linspace(0, 0.5, 51))
    chosen = screening_table(risks[model], outcome, threshold).to_dict("records")[0]
    ax = plot_screening(table, threshold)
    needed = chosen["number_needed_to_screen"]
    ax.set_title(
        f"Invited: {chosen['invited']} of {len(outcome)} people; cases found: "
        f"{chosen['cases_found']} of {int(outcome.sum())}\nNumber needed to screen: "
        + ("no case found" if np.isnan(needed) else f"{needed:.1f} people per case found"),
        loc="left",
        fontsize="medium",
    )
    return ax.figure


def screening_explorer():
    """Screening for coronary risk: a threshold slider and a choice of risk model.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        control redraws :func:`update_screening`.
    """
    return _explorer(
        update_screening,
        threshold=("Invite from a predicted 10-year risk of", 0.15, 0.01, 0.5, 0.01),
        model=("Risk model", list(SCREENING_MODELS)),
    )


#: The quasi-identifiers of the k-anonymity explorer: the cohort's age and sex
#: and the synthetic postcode (pmcourse.health_data.make_postcodes).
K_ANONYMITY_QUASI_IDENTIFIERS = ["age_years", "sex", "postcode"]


@cache
def _quasi_identifier_extract():
    from pmcourse.datasets import load  # imported here: the data are read on first use

    cohort = load("cohort").merge(load("postcodes"), on="patient_id")
    return cohort[K_ANONYMITY_QUASI_IDENTIFIERS].assign(sex=cohort["sex"].astype(str))


def update_k_anonymity(
    age_band_width: int = 10, postcode_digits: int = 2, suppress_below: int = 5
) -> Figure:
    """Generalise the cohort's age, sex and postcode; watch k and the information lost.

    Parameters
    ----------
    age_band_width : int, default 10
        Ages in bands of this many years (:func:`pmcourse.privacy.age_band`; 1 keeps them).
    postcode_digits : int, default 2
        Postcode digits kept (:func:`pmcourse.privacy.truncate_postcode`; 4 keeps them).
    suppress_below : int, default 5
        Records in equivalence classes smaller than this are suppressed
        (:func:`pmcourse.privacy.suppress_small_classes`; 1 suppresses none).

    Returns
    -------
    matplotlib.figure.Figure
        Left: records by the size of their class (:func:`pmcourse.plots.plot_k_anonymity`);
        right: the share of records unique before suppression, the share
        suppressed and the information lost (:func:`pmcourse.privacy.information_loss`).
        The title gives k of the released table.

    Examples
    --------
    >>> figure = update_k_anonymity(10, 2, 5)
    >>> figure.axes[0].get_title(loc="left").startswith("Released: ")
    True
    >>> plt.close(figure)
    """
    from pmcourse.privacy import (
        age_band,
        equivalence_classes,
        information_loss,
        k_anonymity,
        share_unique,
        suppress_small_classes,
        truncate_postcode,
    )

    original = _quasi_identifier_extract()
    qis = K_ANONYMITY_QUASI_IDENTIFIERS
    generalised = original.assign(
        age_years=age_band(original["age_years"], age_band_width),
        postcode=truncate_postcode(original["postcode"], postcode_digits),
    )
    released = suppress_small_classes(generalised, qis, suppress_below)
    loss = information_loss(original, released, qis)
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(10, 3.5), layout="constrained", width_ratios=[3, 2]
    )
    plot_k_anonymity(equivalence_classes(generalised, qis)["n_records"], suppress_below, ax=left)
    shares = {
        "unique\n(before suppression)": share_unique(generalised, qis),
        "suppressed": loss["suppressed_share"],
        "information lost": loss["loss"],
    }
    right.bar(
        list(shares), list(shares.values()), color=[OKABE_ITO[5], OKABE_ITO[0], OKABE_ITO[4]]
    )
    for position, value in enumerate(shares.values()):
        right.annotate(f"{value:.0%}", (position, value), ha="center", va="bottom")
    right.set_ylim(0, 1.1)
    right.set_ylabel("share")
    right.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    right.spines[["top", "right"]].set_visible(False)
    k = k_anonymity(released, qis)
    left.set_title(
        f"Released: {len(released)} of {len(original)} records, k = {k}"
        + (" (nothing left to release)" if released.empty else ""),
        loc="left",
        fontsize="medium",
    )
    return figure


def k_anonymity_explorer():
    """Generalising a data extract: age bands, postcode digits and suppression.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell). Moving a
        slider redraws :func:`update_k_anonymity`.
    """
    return _explorer(
        update_k_anonymity,
        age_band_width=("Age band width (years)", 10, 1, 30, 1),
        postcode_digits=("Postcode digits kept", 2, 0, 4, 1),
        suppress_below=("Suppress classes smaller than (k)", 5, 1, 20, 1),
    )


def _explorer(update: Callable[..., Figure], **controls: tuple) -> Any:
    """``ipywidgets.interactive`` over `update`, with one labelled control per argument.

    Each control is ``(label, options)`` for a drop-down list, or ``(label,
    start, lowest, highest, step)`` for a slider (of whole numbers when
    `start` is an int). The label is the control's description: plain text
    shown beside it, which screen readers read out.
    """
    import ipywidgets as widgets  # imported here: widgets are only needed in a notebook

    common = {"style": {"description_width": "initial"}, "layout": widgets.Layout(width="420px")}
    built = {}
    for argument, (label, *values) in controls.items():
        if len(values) == 1:
            built[argument] = widgets.Dropdown(options=values[0], description=label, **common)
            continue
        start, low, high, step = values
        slider = widgets.IntSlider if isinstance(start, int) else widgets.FloatSlider
        built[argument] = slider(
            value=start, min=low, max=high, step=step, description=label, **common
        )
    return widgets.interactive(_shown(update), **built)


def _shown(update: Callable[..., Figure]) -> Callable[..., None]:
    """What a widget calls: draw with ``update``, show the figure, then free it."""

    def show(**slider_values: Any) -> None:
        figure = update(**slider_values)
        plt.show()
        plt.close(figure)

    return show


#: Every interactive demo of the course, by name (see "Adding a demo" above).
WIDGET_DEMOS: dict[str, WidgetDemo] = {
    "hardy_weinberg": WidgetDemo(
        update=update_hardy_weinberg,
        widget=hardy_weinberg_explorer,
        example={"p": 0.7, "n_patients": 500, "inbreeding": 0.0},
    ),
    "exposure": WidgetDemo(
        update=update_exposure,
        widget=exposure_explorer,
        example={"drug": "Drug A (active drug)", "dose_mg": 20.0, "interval_h": 24.0},
    ),
    "coverage": WidgetDemo(
        update=update_coverage,
        widget=coverage_explorer,
        example={"depth": 30, "error_rate": 0.01},
    ),
    "funnel": WidgetDemo(
        update=update_funnel,
        widget=funnel_explorer,
        example={"max_af": 0.01, "consequences": "protein-changing", "family_id": "FAM-01"},
    ),
    "vaf": WidgetDemo(
        update=update_vaf,
        widget=vaf_explorer,
        example={
            "purity": 0.6,
            "copy_number": 2,
            "mutated_copies": 1,
            "cancer_cell_fraction": 1.0,
        },
    ),
    "km": WidgetDemo(
        update=update_km,
        widget=km_explorer,
        example={"biomarker": _ALL_BIOMARKERS},
    ),
    "screening": WidgetDemo(
        update=update_screening,
        widget=screening_explorer,
        example={"threshold": 0.15, "model": "clinical + polygenic score"},
    ),
    "k_anonymity": WidgetDemo(
        update=update_k_anonymity,
        widget=k_anonymity_explorer,
        example={"age_band_width": 10, "postcode_digits": 2, "suppress_below": 5},
    ),
}
