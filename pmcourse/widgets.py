"""Interactive demos: ipywidgets sliders over plain, tested functions.

Each demo is an ``update_*`` function that takes the slider values and draws
one figure, wrapped by ``ipywidgets.interactive``. The update functions work
without widgets, so they are tested and benchmarked on their own.

Adding a demo
-------------
1. Write the plain function ``update_<name>(...) -> Figure``: one keyword
   argument per slider, named as the slider's argument, and defaults that work.
2. Write ``<name>_explorer()``, which builds the widget with
   ``ipywidgets.interactive`` over the update function (import ipywidgets inside
   it, so importing this module stays light).
3. Add both to ``__all__`` and register them in :data:`WIDGET_DEMOS` with
   :class:`WidgetDemo`, giving representative slider values as ``example``
   (usually the sliders' starting values).

``tests/test_widget_demos.py`` checks that every public function here belongs
to a registered demo and that ``example`` names exactly the widget's sliders;
``make bench ONLY=widgets`` times every registered update function (budget: a
median of at most 100 ms per call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from pmcourse.exposure import drug_models, simulate_exposure, simulator_phenotypes
from pmcourse.genetics import simulate_genotype_counts
from pmcourse.plots import plot_exposure, plot_hardy_weinberg

__all__ = [
    "WIDGET_DEMOS",
    "WidgetDemo",
    "exposure_explorer",
    "hardy_weinberg_explorer",
    "update_exposure",
    "update_hardy_weinberg",
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


def update_hardy_weinberg(
    p: float = 0.7, n_patients: int = 500, heterozygote_deficit: float = 0.0, *, seed: int = 1
) -> Figure:
    """Draw genotype counts for the given settings and compare them with HWE.

    Parameters
    ----------
    p : float, default 0.7
        Frequency of allele A in the population.
    n_patients : int, default 500
        Number of patients genotyped.
    heterozygote_deficit : float, default 0.0
        Share of the expected heterozygotes that are missing (F): 0 is
        equilibrium; larger values mimic inbreeding, population structure or
        genotyping errors.
    seed : int, default 1
        Seed of the random draw, fixed so moving one slider changes one thing.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> figure = update_hardy_weinberg(0.5, 200, 0.3)
    >>> figure.axes[0].get_xlabel()
    'genotype (A = reference allele, a = variant allele)'
    >>> plt.close(figure)
    """
    counts = simulate_genotype_counts(p, n_patients, inbreeding=heterozygote_deficit, seed=seed)
    figure, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    plot_hardy_weinberg(*counts, ax=ax)
    return figure


def _shown(update: Callable[..., Figure]) -> Callable[..., None]:
    """What a widget calls: draw with ``update``, show the figure, then free it."""

    def show(**slider_values: Any) -> None:
        figure = update(**slider_values)
        plt.show()
        plt.close(figure)

    return show


def hardy_weinberg_explorer():
    """The Hardy-Weinberg explorer: sliders for p, sample size and heterozygote deficit.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell).
    """
    import ipywidgets as widgets  # imported here: widgets are only needed in a notebook

    style = {"description_width": "initial"}
    layout = widgets.Layout(width="420px")
    return widgets.interactive(
        _shown(update_hardy_weinberg),
        p=widgets.FloatSlider(
            value=0.7,
            min=0.0,
            max=1.0,
            step=0.01,
            style=style,
            layout=layout,
            description="allele frequency p(A)",
        ),
        n_patients=widgets.IntSlider(
            value=500,
            min=20,
            max=5000,
            step=20,
            style=style,
            layout=layout,
            description="patients genotyped",
        ),
        heterozygote_deficit=widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=1.0,
            step=0.05,
            style=style,
            layout=layout,
            description="heterozygote deficit F",
        ),
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
    figure, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    what = "active metabolite" if model.kind == "prodrug" else "drug"
    plot_exposure(
        curves,
        window=(model.window_low_ug_l, model.window_high_ug_l),
        title=f"{drug}: {dose_mg:g} mg every {interval_h:g} h ({what} in plasma)",
        ax=ax,
    )
    return figure


def exposure_explorer():
    """The drug-exposure simulator: choose a drug, its dose and the dosing interval.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (make it the last line of a cell).
    """
    import ipywidgets as widgets  # imported here: widgets are only needed in a notebook

    style = {"description_width": "initial"}
    layout = widgets.Layout(width="420px")
    return widgets.interactive(
        _shown(update_exposure),
        drug=widgets.Dropdown(
            options=list(drug_models()), style=style, layout=layout, description="drug"
        ),
        dose_mg=widgets.FloatSlider(
            value=20, min=0, max=150, step=5, style=style, layout=layout, description="dose (mg)"
        ),
        interval_h=widgets.FloatSlider(
            value=24,
            min=6,
            max=48,
            step=6,
            style=style,
            layout=layout,
            description="hours between doses",
        ),
    )


#: Every interactive demo of the course, by name (see "Adding a demo" above).
WIDGET_DEMOS: dict[str, WidgetDemo] = {
    "hardy_weinberg": WidgetDemo(
        update=update_hardy_weinberg,
        widget=hardy_weinberg_explorer,
        example={"p": 0.7, "n_patients": 500, "heterozygote_deficit": 0.0},
    ),
    "exposure": WidgetDemo(
        update=update_exposure,
        widget=exposure_explorer,
        example={"drug": "Drug A (active drug)", "dose_mg": 20.0, "interval_h": 24.0},
    ),
}
