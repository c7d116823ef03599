import inspect

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pmcourse import plots, widgets


def test_plots_draw_on_a_given_axes_and_return_it():
    figure, ax = plt.subplots()
    assert plots.plot_hardy_weinberg(30, 50, 20, ax=ax) is ax
    table = pd.DataFrame({"rs1": [0.1, 0.2]}, index=["EUR", "EA"])
    assert plots.plot_allele_frequencies(table, ax=ax) is ax
    plt.close(figure)


def test_importing_the_package_changes_no_global_setting():
    before = dict(matplotlib.rcParams)
    import importlib

    import pmcourse.plots

    importlib.reload(pmcourse.plots)
    importlib.reload(pmcourse.widgets)
    assert dict(matplotlib.rcParams) == before


def test_allele_frequency_plot_wants_a_table():
    with pytest.raises(TypeError, match="one row per ancestry"):
        plots.plot_allele_frequencies([0.1, 0.2])


def test_explorer_update_reacts_to_its_sliders():
    balanced = widgets.update_hardy_weinberg(0.5, 1000, inbreeding=0.0)
    deficit = widgets.update_hardy_weinberg(0.5, 1000, inbreeding=0.6)
    heights = [
        [bar.get_height() for bar in figure.axes[0].patches[:3]] for figure in (balanced, deficit)
    ]
    assert heights[1][1] < heights[0][1]  # fewer heterozygotes observed
    for figure in (balanced, deficit):
        plt.close(figure)


def test_explorer_builds_three_sliders():
    explorer = widgets.hardy_weinberg_explorer()
    sliders = explorer.children[:-1]
    assert [slider.description for slider in sliders] == [
        "Reference allele frequency p",
        "Patients genotyped",
        "Inbreeding (F): too few heterozygotes",
    ]
    assert [type(slider).__name__ for slider in sliders] == [
        "FloatSlider",
        "IntSlider",
        "FloatSlider",
    ]
    assert explorer.kwargs == {"p": 0.7, "n_patients": 500, "inbreeding": 0.0}
    plt.close("all")


def test_the_inbreeding_slider_speaks_the_word_of_genetics():
    from pmcourse.genetics import simulate_genotype_counts

    update = inspect.signature(widgets.update_hardy_weinberg).parameters
    simulate = inspect.signature(simulate_genotype_counts).parameters
    assert "inbreeding" in update and "inbreeding" in simulate
    assert update["inbreeding"].default == simulate["inbreeding"].default


def test_grouped_bars_stand_side_by_side_within_each_group():
    table = pd.DataFrame({"rs1": [0.1, 0.3], "rs2": [0.5, 0.2]}, index=["EUR", "EA"])
    ax = plots.plot_allele_frequencies(table)
    centres = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    assert centres == pytest.approx([-0.2, 0.8, 0.2, 1.2])  # rs1 left of rs2 in each group
    assert [label.get_text() for label in ax.get_xticklabels()] == ["EUR", "EA"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["rs1", "rs2"]
    hatched = plots.plot_hardy_weinberg(30, 50, 20)
    assert [bar.get_hatch() for bar in hatched.patches] == [None] * 3 + ["//"] * 3
    assert not hatched.spines["top"].get_visible() and hatched.get_legend() is not None
    plt.close("all")


def test_call_accuracy_plot_draws_on_a_given_axes_in_okabe_ito_colours():
    figure, ax = plt.subplots()
    assert plots.plot_call_accuracy(0.01, depth=12, max_depth=20, n_sites=200, ax=ax) is ax
    het, hom = ax.get_lines()[:2]
    assert het.get_xdata().tolist() == list(range(1, 21))
    assert {het.get_color(), hom.get_color()} <= set(plots.OKABE_ITO)
    assert het.get_linestyle() != hom.get_linestyle()  # distinguishable without colour
    assert max(het.get_ydata()) <= 1 and min(het.get_ydata()) >= 0
    plt.close(figure)


def test_coverage_explorer_marks_the_chosen_depth_and_reacts_to_its_sliders():
    from pmcourse.sequencing import call_accuracy

    shallow = widgets.update_coverage(depth=3, error_rate=0.01)
    deep = widgets.update_coverage(depth=80, error_rate=0.01)
    marks = [figure.axes[0].get_lines()[-1] for figure in (shallow, deep)]
    assert [mark.get_xdata()[0] for mark in marks] == [3, 80]
    assert marks[0].get_ydata()[0] < marks[1].get_ydata()[0] == 1.0
    assert marks[0].get_ydata()[0] == call_accuracy(3, 0.01, n_sites=500)
    assert max(deep.axes[0].get_lines()[0].get_xdata()) == 80  # the axis reaches the chosen depth
    noisy = widgets.update_coverage(depth=30, error_rate=0.2)
    assert "Q7" in noisy.axes[0].get_title()
    sliders = widgets.coverage_explorer().children[:-1]
    assert [slider.description for slider in sliders] == [
        "Reads at the site (depth)",
        "Error rate per base",
    ]
    plt.close("all")


def test_funnel_plot_draws_a_bar_per_step_in_okabe_ito_colours():
    from matplotlib.colors import to_hex

    funnel = pd.DataFrame(
        {"step": ["all", "rare", "model"], "n_variants": [2500, 80, 0], "cause_kept": [1, 1, 0]}
    )
    figure, ax = plt.subplots()
    assert plots.plot_funnel(funnel, ax=ax) is ax
    bars = ax.patches[:3]
    assert [bar.get_width() for bar in bars] == [2500, 80, 0]
    colours = [to_hex(bar.get_facecolor()).upper() for bar in bars]
    assert colours[0] == colours[1] != colours[2] and set(colours) <= set(plots.OKABE_ITO)
    assert bars[2].get_hatch() and not bars[0].get_hatch()  # lost: told without colour too
    assert [t.get_text() for t in ax.get_yticklabels()] == funnel["step"].tolist()
    assert bars[0].get_y() > bars[2].get_y()  # the first step on top
    plt.close(figure)


def test_funnel_explorer_reacts_to_its_controls_and_tells_whether_the_cause_survives():
    from pmcourse import datasets, variants

    kept = widgets.update_funnel(0.01, "protein-changing", "FAM-04")
    lost = widgets.update_funnel(0.01, "synonymous only", "FAM-04")
    titles = [figure.axes[0].get_title(loc="left") for figure in (kept, lost)]
    assert titles == ["FAM-04: the cause survives every filter", "FAM-04: the cause is lost"]
    funnel = variants.filter_funnel(datasets.load("trio_variants"), "FAM-04", max_af=0.001)
    shown = widgets.update_funnel(0.001, "protein-changing", "FAM-04").axes[0]
    assert [bar.get_width() for bar in shown.patches[: len(funnel)]] == funnel[
        "n_variants"
    ].tolist()
    controls = widgets.funnel_explorer().children[:-1]
    assert [control.description for control in controls] == [
        "Highest population allele frequency",
        "Consequences kept",
        "Family",
    ]
    assert list(controls[1].options) == list(variants.CONSEQUENCE_SETS)
    plt.close("all")
