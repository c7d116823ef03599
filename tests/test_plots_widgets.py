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
    balanced = widgets.update_hardy_weinberg(0.5, 1000, 0.0)
    deficit = widgets.update_hardy_weinberg(0.5, 1000, 0.6)
    heights = [
        [bar.get_height() for bar in figure.axes[0].patches[:3]] for figure in (balanced, deficit)
    ]
    assert heights[1][1] < heights[0][1]  # fewer heterozygotes observed
    for figure in (balanced, deficit):
        plt.close(figure)


def test_explorer_builds_three_sliders():
    explorer = widgets.hardy_weinberg_explorer()
    descriptions = [child.description for child in explorer.children[:-1]]
    assert descriptions == [
        "allele frequency p(A)",
        "patients genotyped",
        "heterozygote deficit F",
    ]
    plt.close("all")
