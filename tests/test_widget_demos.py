"""Every widget demo is registered in pmcourse.widgets.WIDGET_DEMOS, so the bench times it."""

import inspect

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from pmcourse import widgets

DEMOS = sorted(widgets.WIDGET_DEMOS.items())


def test_every_public_function_belongs_to_a_registered_demo():
    registered = set()
    for demo in widgets.WIDGET_DEMOS.values():
        registered |= {demo.update, demo.widget}
    public = {
        name: getattr(widgets, name)
        for name in widgets.__all__
        if inspect.isfunction(getattr(widgets, name))
    }
    missing = sorted(name for name, function in public.items() if function not in registered)
    assert not missing, f"register these in pmcourse.widgets.WIDGET_DEMOS: {missing}"
    assert all(function.__name__ in widgets.__all__ for function in registered)


@pytest.mark.parametrize(("name", "demo"), DEMOS, ids=[name for name, _ in DEMOS])
def test_example_names_the_update_arguments_and_the_sliders(name, demo):
    inspect.signature(demo.update).bind(**demo.example)
    sliders = demo.widget().kwargs  # ipywidgets.interactive: slider values by argument name
    assert set(sliders) == set(demo.example), name
    plt.close("all")


@pytest.mark.parametrize(("name", "demo"), DEMOS, ids=[name for name, _ in DEMOS])
def test_update_draws_a_figure_from_the_example(name, demo):
    figure = demo.update(**demo.example)
    assert isinstance(figure, Figure), name
    plt.close(figure)


@pytest.mark.parametrize(("name", "demo"), DEMOS, ids=[name for name, _ in DEMOS])
def test_every_control_has_a_plain_label_for_screen_readers(name, demo):
    controls = demo.widget().children[:-1]  # the last child is the figure's output area
    assert len(controls) == len(demo.example), name
    for control in controls:
        label = control.description
        assert label.strip() and label == label.strip(), f"{name}: a control has no label"
        assert "<" not in label and not control.description_allow_html, f"{name}: {label!r}"
    plt.close("all")
