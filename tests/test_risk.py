import subprocess

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pmcourse import datasets, oncology, plots, risk, widgets
from pmcourse.cohort import make_cohort
from pmcourse.reference import load_table

# ---------------------------------------------------------------------------
# polygenic_score, and PLINK 2 on the same data
# ---------------------------------------------------------------------------


def _random_dosages(seed, n_patients=300, n_variants=25, missing=0.05):
    rng = np.random.default_rng(seed)
    frequencies = rng.uniform(0.05, 0.95, n_variants)
    dosages = rng.binomial(2, frequencies, size=(n_patients, n_variants)).astype(float)
    dosages[rng.random(dosages.shape) < missing] = np.nan
    variants = [f"rs{100 + j}" for j in range(n_variants)]
    frame = pd.DataFrame(dosages, index=[f"S{i}" for i in range(n_patients)], columns=variants)
    weights = pd.Series(rng.normal(0, 0.2, n_variants), index=variants)
    return frame, weights, rng


def _write_vcf(path, dosages, effect_is_alt, ref, alt):
    genotype = {0.0: "0/0", 1.0: "0/1", 2.0: "1/1"}
    lines = [
        "##fileformat=VCFv4.2",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "##contig=<ID=1>",
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])
        + "\t"
        + "\t".join(dosages.index),
    ]
    for j, variant in enumerate(dosages.columns):
        counts = dosages[variant] if effect_is_alt[j] else 2 - dosages[variant]
        calls = ["./." if np.isnan(c) else genotype[c] for c in counts]
        fields = ["1", str(1000 * (j + 1)), variant, ref[j], alt[j], ".", "PASS", ".", "GT"]
        lines.append("\t".join(fields + calls))
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("seed", [1, 2])
def test_polygenic_score_equals_plink2_score_sums(tmp_path, seed, required_tool):
    plink2 = required_tool("plink2", "plink2")
    dosages, weights, rng = _random_dosages(seed)
    ref = rng.choice(list("ACGT"), len(weights))
    alt = np.array([{"A": "G", "C": "T", "G": "A", "T": "C"}[base] for base in ref])
    effect_is_alt = rng.random(len(weights)) < 0.5  # the effect allele is REF for the others
    _write_vcf(tmp_path / "calls.vcf", dosages, effect_is_alt, ref, alt)
    score_file = pd.DataFrame(
        {"ID": weights.index, "A1": np.where(effect_is_alt, alt, ref), "WEIGHT": weights}
    )
    score_file.to_csv(tmp_path / "score.tsv", sep="\t", index=False)
    command = [
        plink2,
        "--vcf",
        str(tmp_path / "calls.vcf"),
        "--score",
        str(tmp_path / "score.tsv"),
        "1",
        "2",
        "3",
        "header",
        "cols=+scoresums",
        "--out",
        str(tmp_path / "out"),
    ]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    plink = pd.read_csv(tmp_path / "out.sscore", sep="\t").set_index("#IID")["SCORE1_SUM"]
    ours = risk.polygenic_score(dosages, weights)
    assert dosages.isna().sum().sum() > 100  # missing calls are imputed in both
    assert np.abs(ours.loc[plink.index] - plink).max() < 1e-4


def test_polygenic_score_by_hand_and_mean_imputation():
    dosages = pd.DataFrame(
        {"patient_id": ["A", "B", "C"], "ancestry": "EUR", "rs1": [0, 2, np.nan], "rs2": [1, 1, 1]}
    )
    score = risk.polygenic_score(dosages, pd.Series({"rs1": 0.5, "rs2": -0.25}))
    # C's missing rs1 counts as the mean of the called patients, (0 + 2) / 2 = 1 copy
    assert score.to_dict() == {"A": -0.25, "B": 0.75, "C": 0.25}
    assert score.name == "prs"


def test_polygenic_score_ignores_columns_outside_the_score():
    dosages, weights, _ = _random_dosages(3, missing=0)
    extra = dosages.assign(rs_not_scored=2.0)
    pd.testing.assert_series_equal(
        risk.polygenic_score(extra, weights), risk.polygenic_score(dosages, weights)
    )


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("rs2", None, "no column in the dosages"),
        ("rs1", ["0", "AG", "1"], "should be numbers"),
        ("rs1", [0, 3, 1], "from 0 to 2"),
        ("rs1", [0, -1, 1], "from 0 to 2"),
        ("rs1", [np.nan, np.nan, np.nan], "no call in any patient"),
    ],
)
def test_polygenic_score_explains_bad_dosages(column, values, message):
    dosages = pd.DataFrame({"rs1": [0, 1, 2], "rs2": [1, 1, 1]})
    if values is None:
        dosages = dosages.drop(columns=column)
    else:
        dosages[column] = values
    with pytest.raises(ValueError, match=message):
        risk.polygenic_score(dosages, pd.Series({"rs1": 0.1, "rs2": 0.2}))


def test_polygenic_score_wants_a_table_and_a_series():
    with pytest.raises(TypeError, match="DataFrame"):
        risk.polygenic_score([[0, 1]], pd.Series({"rs1": 0.1}))
    with pytest.raises(TypeError, match="Series"):
        risk.polygenic_score(pd.DataFrame({"rs1": [0, 1]}), {"rs1": 0.1})


def test_cad_weights_are_the_published_log_odds_ratios():
    variants = risk.score_variants()
    assert len(variants) == 19 and variants["in_grs14"].sum() == 14
    assert np.allclose(variants["effect_weight"], np.log(variants["odds_ratio"]), atol=1e-6)
    assert variants.attrs["citations"] == ["beaney2015", "gs19table2016"]
    assert risk.cad_weights().index.tolist() == variants["variant_id"].tolist()


# ---------------------------------------------------------------------------
# standardise, percentile, top_percent
# ---------------------------------------------------------------------------


def test_standardise_against_itself_and_a_reference():
    scores = pd.Series([1.0, 3.0, 5.0, 7.0], index=list("abcd"))
    z = risk.standardise(scores)
    assert z.mean() == pytest.approx(0) and z.std() == pytest.approx(1)
    assert z.index.tolist() == list("abcd") and z.name == "prs_z"
    assert risk.standardise([10.0], reference=[2.0, 4.0, 6.0]).item() == pytest.approx(3.0)


@pytest.mark.parametrize("reference", [[1.0, 1.0, 1.0], [2.0], [np.nan, 4.0]])
def test_standardise_needs_a_reference_with_spread(reference):
    with pytest.raises(ValueError, match="reference"):
        risk.standardise([1.0], reference=reference)


def test_percentile_counts_ties_as_half_and_goes_from_0_to_100():
    reference = [1.0, 2.0, 2.0, 3.0]
    assert risk.percentile([2.0, 0.0, 9.0], reference).tolist() == [50.0, 0.0, 100.0]
    scores = pd.Series(np.arange(100.0), index=[f"p{i}" for i in range(100)])
    places = risk.percentile(scores)
    assert places.index.equals(scores.index) and places.is_monotonic_increasing


def test_top_percent_agrees_with_the_percentile():
    rng = np.random.default_rng(4)
    scores = pd.Series(rng.normal(size=1000))
    flags = risk.top_percent(scores, 5)
    assert flags.sum() == 50
    assert (flags == (risk.percentile(scores) > 95)).all()
    assert risk.top_percent([3.0], 5, reference=scores).item() is bool(
        risk.percentile([3.0], scores).item() > 95
    )


@pytest.mark.parametrize("percent", [0, 100, -5, 150, True])
def test_top_percent_rejects_a_percent_outside_0_to_100(percent):
    with pytest.raises(ValueError, match="top group"):
        risk.top_percent([1.0, 2.0], percent)


# ---------------------------------------------------------------------------
# Risk models: fit, AUC, calibration, groups, screening
# ---------------------------------------------------------------------------


def _simulated(n=4000, seed=5):
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "patient_id": [f"PM-{i:06d}" for i in range(1, n + 1)],
            "x": rng.normal(size=n),
            "sex": rng.choice(["female", "male"], n),
            "group": rng.choice(["A", "B"], n),
        }
    )
    log_odds = -1.5 + np.log(2.0) * data["x"] + 0.5 * (data["sex"] == "male")
    data["cad_event_10y"] = (rng.random(n) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return data


def test_fit_risk_model_recovers_the_odds_ratios():
    model = risk.fit_risk_model(_simulated(), ["x", "sex"])
    assert model.columns == ("x", "sex_male")
    ratios = model.odds_ratios()
    assert ratios["x"] == pytest.approx(2.0, rel=0.1)
    assert ratios["sex_male"] == pytest.approx(np.exp(0.5), rel=0.15)
    risks = model.risk(_simulated(n=10, seed=6))
    assert risks.between(0, 1).all() and risks.index[0] == "PM-000001"
    # one person alone: a man is still a man, a woman the reference
    man, woman = (pd.DataFrame({"x": [0.0], "sex": [sex]}) for sex in ("male", "female"))
    assert model.risk(man).item() / (1 - model.risk(man).item()) == pytest.approx(
        ratios["sex_male"] * model.risk(woman).item() / (1 - model.risk(woman).item())
    )


def test_fit_risk_model_explains_bad_data():
    data = _simulated(n=50)
    with pytest.raises(ValueError, match="no column 'ldl'"):
        risk.fit_risk_model(data, ["ldl"])
    with pytest.raises(ValueError, match="no outcome column"):
        risk.fit_risk_model(data.drop(columns="cad_event_10y"), ["x"])
    with pytest.raises(ValueError, match="missing values"):
        risk.fit_risk_model(data.assign(x=np.nan), ["x"])
    with pytest.raises(ValueError, match="only one value"):
        risk.fit_risk_model(data.assign(cad_event_10y=0), ["x"])
    with pytest.raises(ValueError, match="0 \\(no event\\) or 1"):
        risk.fit_risk_model(data.assign(cad_event_10y=2), ["x"])


def test_roc_auc_is_the_share_of_case_control_pairs_ranked_right():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 60)
    score = rng.normal(size=60) + y
    cases, controls = score[y == 1], score[y == 0]
    pairs = (cases[:, None] > controls[None, :]).mean()
    assert risk.roc_auc(y, score) == pytest.approx(pairs)
    assert risk.roc_auc([0, 1], [0.2, 0.9]) == 1.0


def test_roc_auc_explains_bad_input():
    with pytest.raises(ValueError, match="2 outcomes but 3 risks"):
        risk.roc_auc([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="missing"):
        risk.roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="only one value"):
        risk.roc_auc([1, 1], [0.1, 0.2])


def test_calibration_table_gives_observed_and_predicted_by_decile():
    rng = np.random.default_rng(8)
    predicted = rng.uniform(0.01, 0.6, 5000)
    y = (rng.random(5000) < predicted).astype(int)
    table = risk.calibration_table(y, predicted)
    assert table["risk_group"].tolist() == list(range(1, 11))
    assert table["n_patients"].sum() == 5000 and table["n_patients"].between(499, 501).all()
    order = np.sort(predicted)
    assert table["predicted_risk"].iloc[0] == pytest.approx(order[:500].mean())
    assert np.abs(table["observed_risk"] - table["predicted_risk"]).max() < 0.08
    # a model that doubles every risk is badly calibrated in the top groups
    doubled = risk.calibration_table(y, np.minimum(2 * predicted, 1))
    assert (doubled["predicted_risk"] - doubled["observed_risk"]).iloc[-1] > 0.3


def test_calibration_table_wants_risks_from_0_to_1():
    with pytest.raises(ValueError, match="from 0 to 1"):
        risk.calibration_table([0, 1, 0, 1], [0.1, 1.5, 0.2, 0.3], n_bins=2)
    with pytest.raises(ValueError, match="2 outcomes but 1 risks; give one predicted risk"):
        risk.calibration_table([0, 1], [0.1], n_bins=2)
    with pytest.raises(ValueError, match="missing"):
        risk.calibration_table([0, 1], [0.1, np.nan], n_bins=2)


def test_auc_gain_by_group_fits_once_and_judges_each_group():
    data = _simulated(n=3000)
    rng = np.random.default_rng(9)
    # the "score" carries x in group A and is noise in group B
    data["prs_z"] = np.where(data["group"] == "A", data["x"], rng.normal(size=len(data)))
    table = risk.auc_gain_by_group(
        data, clinical=["sex"], outcome="cad_event_10y", group="group"
    ).set_index("group")
    assert table.loc["A", "auc_gain"] > 0.1 > abs(table.loc["B", "auc_gain"])
    assert table["n_patients"].sum() == len(data)
    assert table.loc["A", "n_events"] == data.loc[data["group"] == "A", "cad_event_10y"].sum()
    # a group without events has no AUC
    data.loc[data["group"] == "B", "cad_event_10y"] = 0
    no_events = risk.auc_gain_by_group(
        data, clinical=["sex"], group="group", fit_on=data[data["group"] == "A"]
    )
    assert no_events.set_index("group")[["auc_clinical", "auc_gain"]].loc["B"].isna().all()


def test_screening_table_counts_by_hand():
    table = risk.screening_table([0.05, 0.1, 0.2, 0.4, 0.3], [0, 1, 1, 1, 0], [0.15, 0.5])
    first, second = table.to_dict("records")
    assert (first["invited"], first["cases_found"], first["cases_missed"]) == (3, 2, 1)
    assert first["sensitivity"] == pytest.approx(2 / 3)
    assert first["specificity"] == pytest.approx(1 / 2)
    assert first["number_needed_to_screen"] == pytest.approx(1.5)
    assert (second["invited"], second["cases_found"]) == (0, 0)
    assert np.isnan(second["number_needed_to_screen"]) and second["specificity"] == 1.0


def test_screening_table_moves_one_way_as_the_threshold_rises():
    rng = np.random.default_rng(10)
    predicted = rng.uniform(0, 0.5, 500)
    y = (rng.random(500) < predicted).astype(int)
    table = risk.screening_table(predicted, y, np.linspace(0, 0.5, 11))
    assert table["invited"].is_monotonic_decreasing
    assert table["sensitivity"].is_monotonic_decreasing
    assert table["specificity"].is_monotonic_increasing
    assert table["invited"].iloc[0] == 500 and table["sensitivity"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="2 outcomes but 1 risks"):
        risk.screening_table([0.1], [0, 1], 0.1)


# ---------------------------------------------------------------------------
# The course's data: determinism, the story patient, the ancestry groups
# ---------------------------------------------------------------------------


def test_generators_are_seeded_and_drawn_patient_by_patient():
    cohort = make_cohort(200)
    first = risk.make_prs_dosages(cohort, seed=1)
    pd.testing.assert_frame_equal(first, risk.make_prs_dosages(cohort, seed=1))
    assert not first.equals(risk.make_prs_dosages(cohort, seed=2))
    # a patient's draws do not depend on who else is drawn, nor on the order
    shuffled = cohort.sample(frac=1, random_state=3)
    again = risk.make_prs_dosages(shuffled, seed=1).set_index("patient_id")
    pd.testing.assert_frame_equal(again.loc[first["patient_id"]], first.set_index("patient_id"))
    outcomes = risk.make_cad_outcomes(cohort, seed=1)
    pd.testing.assert_frame_equal(outcomes, risk.make_cad_outcomes(cohort, seed=1))
    assert not outcomes.equals(risk.make_cad_outcomes(cohort, seed=2))
    people = risk.make_second_ancestry(50, seed=1)
    pd.testing.assert_frame_equal(people, risk.make_second_ancestry(50, seed=1))
    pd.testing.assert_frame_equal(people.head(20), risk.make_second_ancestry(20, seed=1))


def test_dosages_have_a_few_missing_calls_and_follow_the_group_frequencies():
    dosages = datasets.load("prs_dosages")
    calls = dosages[risk.cad_weights().index]
    assert 0.002 < calls.isna().mean().mean() < 0.01
    assert set(np.unique(calls.stack().dropna())) == {0.0, 1.0, 2.0}
    frequencies = load_table("prs_allele_frequencies").set_index("variant_id")
    eur = calls[dosages["ancestry"] == "EUR"].mean() / 2
    assert np.abs(eur - frequencies["EUR"]).max() < 0.06


def _course_scores():
    cohort = datasets.load("cohort").merge(datasets.load("cad_outcomes"), on="patient_id")
    weights = risk.cad_weights()
    cohort["prs"] = risk.polygenic_score(datasets.load("prs_dosages"), weights).to_numpy()
    european = cohort.loc[cohort["ancestry"] == "EUR", "prs"]
    second = datasets.load("cad_second_ancestry")
    second["prs"] = risk.polygenic_score(second, weights).to_numpy()
    for frame in (cohort, second):
        frame["prs_z"] = risk.standardise(frame["prs"], european).to_numpy()
    return cohort, second, european


def test_the_story_the_notebook_tells_holds_on_the_course_data():
    cohort, second, european = _course_scores()
    patient = cohort.set_index("patient_id").loc[risk.STORY_PATIENT]
    assert patient["ancestry"] == "EUR" and 45 <= patient["age_years"] <= 60
    assert risk.STORY_PATIENT != "PM-000030" and not patient["smoker"]
    place = risk.percentile([patient["prs"]], european).item()
    assert 96 <= place <= 98  # "about the 97th percentile"
    assert risk.top_percent([patient["prs"]], 5, european).item()
    # a high relative position, a modest absolute risk
    assert risk.true_risk(datasets.load("cohort")).loc[risk.STORY_PATIENT] < 0.2
    # module 4's PM-000030: an early-onset case
    pm30 = cohort.set_index("patient_id").loc["PM-000030"]
    assert pm30["cad_event_10y"] == 1 and pm30["age_years"] == 46
    # about one in nine has an event
    assert 0.08 < cohort["cad_event_10y"].mean() < 0.15


def test_the_score_predicts_worse_in_the_second_ancestry_group():
    cohort, second, _ = _course_scores()
    assert second["patient_id"].str[3:].astype(int).min() == 700001
    assert not set(second["patient_id"]) & set(cohort["patient_id"])
    assert set(second["ancestry"]) == {risk.SECOND_ANCESTRY}
    both = pd.concat([cohort, second], ignore_index=True)
    european = cohort[cohort["ancestry"] == "EUR"]
    table = risk.auc_gain_by_group(both, fit_on=european).set_index("group")
    assert table.loc["EUR", "auc_gain"] > table.loc[risk.SECOND_ANCESTRY, "auc_gain"] + 0.01
    # the score tags the true liability less well outside European ancestry
    liability = risk.genetic_liability(second)
    r_second = np.corrcoef(second["prs"], liability)[0, 1]
    eur = datasets.load("cohort").query("ancestry == 'EUR'")
    r_eur = np.corrcoef(european["prs"], risk.genetic_liability(eur))[0, 1]
    assert r_eur > 0.85 > 0.6 > r_second


def test_liability_model_is_data_with_reasons():
    model = risk.liability_model()
    assert {"intercept", "age_years", "sex_male", "genetic_liability"} <= set(model.index)
    assert model["reason"].str.len().min() > 20
    assert model.loc["genetic_liability", "log_odds_ratio"] == pytest.approx(np.log(1.71))


# ---------------------------------------------------------------------------
# Figures and the screening demo
# ---------------------------------------------------------------------------


def test_score_distribution_marks_the_patient_at_their_percentile():
    scores = np.arange(100.0)
    _, ax = plt.subplots()
    assert plots.plot_score_distribution(scores, patient_score=90.0, label="PM-1", ax=ax) is ax
    assert ax.get_legend().get_texts()[-1].get_text() == "PM-1: 90th percentile"
    assert ax.get_lines()[0].get_xdata()[0] == 90.0
    assert sum(bar.get_height() for bar in ax.patches) == 100
    assert to_hex(ax.patches[0].get_facecolor()) == plots.OKABE_ITO[1].lower()
    plt.close(ax.figure)


def test_roc_curves_show_each_model_with_its_auc():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 200)
    risks = {"good": y + rng.normal(size=200), "noise": rng.normal(size=200)}
    ax = plots.plot_roc_curves(y, risks)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:2] == [f"{name} (AUC {risk.roc_auc(y, r):.2f})" for name, r in risks.items()]
    assert labels[2] == "coin toss (AUC 0.50)"
    plt.close(ax.figure)


def test_calibration_plot_draws_each_table_and_the_diagonal():
    table = risk.calibration_table([0, 1, 0, 1, 1, 0], [0.1, 0.2, 0.3, 0.5, 0.6, 0.4], n_bins=2)
    ax = plots.plot_calibration({"a": table, "b": table.assign(observed_risk=0.5)})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b", "perfect calibration"]
    assert list(lines[0].get_ydata()) == table["observed_risk"].tolist()
    plt.close(ax.figure)


def test_screening_demo_counts_what_screening_table_counts():
    risks, outcome = widgets._screening_risks()
    assert set(risks) == set(widgets.SCREENING_MODELS) and len(outcome) == 1000
    combined = risks["clinical + polygenic score"]
    row = risk.screening_table(combined, outcome, 0.2).iloc[0]
    figure = widgets.update_screening(0.2)
    title = figure.axes[0].get_title(loc="left")
    assert f"Invited: {int(row['invited'])} of 1000 people" in title
    assert f"cases found: {int(row['cases_found'])} of {int(outcome.sum())}" in title
    assert figure.axes[0].get_lines()[2].get_xdata()[0] == 0.2
    plt.close(figure)
    clinical = widgets.update_screening(0.2, "clinical")
    assert clinical.axes[0].get_title(loc="left") != title
    plt.close(clinical)
    assert "no case found" in widgets.update_screening(0.99).axes[0].get_title(loc="left")
    plt.close("all")
    with pytest.raises(ValueError, match="model must be one of"):
        widgets.update_screening(0.2, "score only")


def test_the_combined_model_discriminates_better_in_the_cohort():
    risks, outcome = widgets._screening_risks()
    auc = {name: risk.roc_auc(outcome, values) for name, values in risks.items()}
    assert auc["clinical + polygenic score"] > auc["clinical"] > 0.65


def test_the_prevention_clinic_patient_has_no_cancer_in_module_5():
    # One cohort, one life: module 6's patient must not turn up with a tumour in module 5.
    assert risk.STORY_PATIENT in oncology.CANCER_FREE_PATIENTS
    assert risk.STORY_PATIENT not in set(datasets.load("cancer_patients")["patient_id"])
