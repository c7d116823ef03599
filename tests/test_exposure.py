"""pmcourse.exposure: the one-compartment simulator against pharmacokinetic facts."""

import numpy as np
import pytest
from scipy.integrate import trapezoid

from pmcourse import exposure


def _last_interval_mean(time_h, values, interval_h):
    """The mean concentration over the last dosing interval."""
    time_h, values = np.asarray(time_h), np.asarray(values)
    last = time_h >= time_h.max() - interval_h
    return float(trapezoid(values[last], time_h[last]) / interval_h)


@pytest.mark.parametrize("clearance", [5.0, 20.0, 60.0])
def test_mean_steady_state_concentration_is_f_dose_over_cl_tau(clearance):
    """Rowland and Tozer: the mean concentration at steady state is F·dose / (CL·τ)."""
    time_h = np.linspace(0, 24 * 30, 24 * 30 * 20 + 1)
    values = exposure.concentration(
        time_h,
        dose_mg=100,
        interval_h=12,
        clearance_l_h=clearance,
        volume_l=200,
        absorption_rate_per_h=1.5,
        bioavailability=0.7,
    )
    mean = _last_interval_mean(time_h, values, 12)
    assert mean == pytest.approx(0.7 * 100 * 1000 / (clearance * 12), rel=1e-3)


def test_one_dose_peaks_when_absorption_and_elimination_balance():
    """After one dose the peak is at ln(ka / k) / (ka - k)."""
    ka, k = 1.2, 0.1
    time_h = np.linspace(0, 20, 20001)
    values = exposure.concentration(
        time_h, dose_mg=50, interval_h=100, clearance_l_h=k * 50, volume_l=50,
        absorption_rate_per_h=ka,
    )  # fmt: skip
    assert values[0] == 0
    assert time_h[values.argmax()] == pytest.approx(np.log(ka / k) / (ka - k), abs=1e-3)


def test_less_enzyme_means_more_active_drug_and_less_active_metabolite():
    phenotypes = exposure.simulator_phenotypes()  # from poor to ultrarapid
    assert phenotypes[0] == "Poor Metabolizer" and phenotypes[-1] == "Ultrarapid Metabolizer"
    activities = [exposure.relative_activity(p) for p in phenotypes]
    assert (
        activities == sorted(activities) and exposure.relative_activity("Normal Metabolizer") == 1
    )
    for drug, direction in [("Drug A (active drug)", -1), ("Drug B (prodrug)", 1)]:
        interval = exposure.drug_models()[drug].interval_h
        curves = [exposure.simulate_exposure(p, drug=drug) for p in phenotypes]
        means = [
            _last_interval_mean(curve["time_h"], curve["concentration_ug_l"], interval)
            for curve in curves
        ]
        assert np.all(direction * np.diff(means) >= 0), (drug, means)
        assert means[0] != means[-1]


def test_the_drug_is_given_at_the_usual_dose_unless_another_is_chosen():
    usual = exposure.simulate_exposure("Normal Metabolizer")
    double = exposure.simulate_exposure("Normal Metabolizer", dose_mg=40)
    assert list(usual.columns) == ["time_h", "concentration_ug_l"]
    assert len(usual) == 10 * 24 * 4 + 1
    np.testing.assert_allclose(double["concentration_ug_l"], 2 * usual["concentration_ug_l"])


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: exposure.simulate_exposure("Slow"), ["'Slow'", "'Poor Metabolizer'"]),
        (
            lambda: exposure.simulate_exposure("Normal Metabolizer", drug="Drug C"),
            ["'Drug C'", "'Drug A (active drug)'"],
        ),
        (lambda: exposure.simulate_exposure("Normal Metabolizer", dose_mg=-1), ["0 or more"]),
        (lambda: exposure.simulate_exposure("Normal Metabolizer", days=0), ["above 0"]),
    ],
)
def test_wrong_input_raises_a_value_error_that_says_what_to_choose(call, words):
    with pytest.raises(ValueError) as error:
        call()
    for word in words:
        assert word in str(error.value)
