"""Module 5's library: VAF and purity, germline or somatic, TMB, therapy matching, survival."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

from pmcourse import datasets, oncology, plots, widgets
from pmcourse.cohort import make_cohort
from pmcourse.reference import load_table

# ------------------------------------------------------------------ VAF, expected VAF, CCF


def test_vaf_of_numbers_arrays_and_series():
    assert oncology.vaf(150, 500) == 0.3
    assert oncology.vaf([1, 3], [4, 4]).tolist() == [0.25, 0.75]
    series = oncology.vaf(pd.Series([0, 10], index=[7, 8]), pd.Series([40, 10], index=[7, 8]))
    assert series.tolist() == [0.0, 1.0] and list(series.index) == [7, 8]


@pytest.mark.parametrize(
    ("alt", "depth", "words"),
    [
        (3, 0, "depth of 0"),
        ([1, 2], [10, 0], "depth of 0"),
        (-1, 10, "cannot be negative"),
        (1, -10, "cannot be negative"),
        (12, 10, "more reads showing the variant"),
    ],
)
def test_vaf_refuses_impossible_counts_in_plain_words(alt, depth, words):
    with pytest.raises(ValueError, match=words):
        oncology.vaf(alt, depth)


def test_expected_vaf_at_the_edges_of_purity():
    assert oncology.expected_vaf(1.0) == 0.5  # every cell a cancer cell: half the copies
    assert oncology.expected_vaf(1.0, copy_number=1) == 1.0  # one copy left, and it is mutated
    assert oncology.expected_vaf(1e-6) == pytest.approx(0, abs=1e-6)  # almost no cancer cells
    assert oncology.expected_vaf(0.6) == pytest.approx(0.3)  # clonal, diploid: purity / 2
    assert oncology.expected_vaf(0.5, copy_number=1) == pytest.approx(0.5 / 1.5)
    assert oncology.expected_vaf(0.8, cancer_cell_fraction=0.0) == 0.0


def test_expected_vaf_follows_the_formula_on_a_grid():
    for purity in (0.1, 0.33, 0.7, 1.0):
        for copies in (1, 2, 3, 5):
            for mutated in range(1, copies + 1):
                for ccf in (0.25, 1.0):
                    by_hand = purity * ccf * mutated / (purity * copies + 2 * (1 - purity))
                    got = oncology.expected_vaf(
                        purity,
                        copy_number=copies,
                        mutated_copies=mutated,
                        cancer_cell_fraction=ccf,
                    )
                    assert got == pytest.approx(by_hand)


@pytest.mark.parametrize("purity", [0, -0.1, 1.01, 60, np.nan])
def test_purity_outside_zero_to_one_is_refused(purity):
    with pytest.raises(ValueError, match="purity must be above 0 and at most 1"):
        oncology.expected_vaf(purity)
    with pytest.raises(ValueError, match="purity must be above 0 and at most 1"):
        oncology.cancer_cell_fraction(0.2, purity)


def test_copies_must_fit():
    with pytest.raises(ValueError, match="more copies than it has|between 1 and the copy number"):
        oncology.expected_vaf(0.5, copy_number=2, mutated_copies=3)
    with pytest.raises(ValueError, match="At least one copy"):
        oncology.cancer_cell_fraction(0.2, 0.5, mutated_copies=0)
    with pytest.raises(ValueError, match="copy number must be at least 1"):
        oncology.expected_vaf(0.5, copy_number=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        oncology.expected_vaf(0.5, cancer_cell_fraction=1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        oncology.cancer_cell_fraction(1.2, 0.5)


def test_cancer_cell_fraction_worked_example_and_round_trip():
    # reference/oncology.md: VAF 0.125, copy number 3, purity 0.67 gives CCF 0.5
    assert oncology.cancer_cell_fraction(0.125, 0.67, copy_number=3) == pytest.approx(
        0.5, abs=0.01
    )
    for purity in (0.05, 0.3, 0.67, 1.0):
        for copies, mutated in ((1, 1), (2, 1), (2, 2), (4, 3)):
            for ccf in (0.1, 0.5, 1.0):
                vaf = oncology.expected_vaf(
                    purity, copy_number=copies, mutated_copies=mutated, cancer_cell_fraction=ccf
                )
                back = oncology.cancer_cell_fraction(
                    vaf, purity, copy_number=copies, mutated_copies=mutated
                )
                assert back == pytest.approx(ccf)
    arrays = oncology.cancer_cell_fraction(np.array([0.15, 0.3]), 0.6)
    assert arrays.tolist() == pytest.approx([0.5, 1.0])


def test_a_germline_vaf_gives_an_impossible_ccf():
    # 0.5 at purity 0.3 would need more than every cancer cell: the CCF says the model is wrong
    assert oncology.cancer_cell_fraction(0.5, 0.3) > 1


# ------------------------------------------------------------------ germline or somatic


def _variants(**columns):
    base = {
        "patient_id": "PM-000001",
        "gene": "TP53",
        "alteration": "R175H",
        "variant_type": "SNV",
        "consequence": "missense_variant",
        "tumour_alt_reads": 100,
        "tumour_depth": 500,
        "normal_alt_reads": 0,
        "normal_depth": 250,
        "population_af": 0.0,
        "driver": False,
    }
    n = max(len(v) for v in columns.values() if isinstance(v, list))
    return pd.DataFrame({k: columns.get(k, [v] * n) for k, v in base.items()})


def test_variant_origin_reads_the_normal_sample():
    variants = _variants(
        normal_alt_reads=[0, 2, 120, 245, np.nan], normal_depth=[250, 240, 250, 250, np.nan]
    )
    assert oncology.variant_origin(variants).tolist() == [
        "somatic",
        "somatic",
        "germline",
        "germline",
        "unknown",
    ]
    strict = oncology.variant_origin(variants, min_normal_vaf=0.6)
    assert strict.tolist()[2:4] == ["somatic", "germline"]
    with pytest.raises(ValueError, match="needs the column"):
        oncology.variant_origin(variants.drop(columns="normal_depth"))


def test_possibly_germline_hints_only_where_purity_cannot_explain_the_vaf():
    variants = _variants(
        tumour_alt_reads=[240, 480, 75, 240, 240],
        tumour_depth=[480, 490, 500, 480, 480],
        variant_type=["SNV", "indel", "SNV", "fusion", "SNV"],
    )
    assert oncology.possibly_germline(variants, 0.3).tolist() == [True, True, False, False, True]
    # at purity 0.95 a clonal somatic variant shows about 0.48: 0.5 proves nothing
    assert oncology.possibly_germline(variants, 0.95).tolist() == [
        False,
        True,
        False,
        False,
        False,
    ]
    per_row = oncology.possibly_germline(variants, np.array([0.3, 0.3, 0.3, 0.3, 0.95]))
    assert per_row.tolist() == [True, True, False, False, False]


# ------------------------------------------------------------------ TMB


def test_tmb_counts_coding_somatic_substitutions_and_indels_only():
    variants = _variants(
        consequence=[
            "missense_variant",
            "synonymous_variant",  # counted: synonymous ones too
            "frameshift_variant",
            "intron_variant",  # not coding
            "missense_variant",  # a known driver
            "missense_variant",  # germline: the normal sample has it
            "missense_variant",  # a common polymorphism (tumour-only)
            "missense_variant",  # rare, tumour-only: cannot be told apart, counted
            "gene_fusion",
        ],
        variant_type=["SNV", "SNV", "indel", "SNV", "SNV", "SNV", "SNV", "SNV", "fusion"],
        driver=[False, False, False, False, True, False, False, False, True],
        normal_alt_reads=[0, 0, 1, 0, 0, 118, np.nan, np.nan, 0],
        normal_depth=[250, 250, 250, 250, 250, 240, np.nan, np.nan, 250],
        population_af=[0, 0, 0, 0, 0, 0.3, 0.2, 0.0001, 0],
    )
    counted = oncology.counts_for_tmb(variants)
    assert counted.tolist() == [True, True, True, False, False, False, False, True, False]
    assert oncology.tumour_mutational_burden(variants, 0.8) == pytest.approx(4 / 0.8)
    # without a population_af column only the normal sample removes germline variants
    assert oncology.counts_for_tmb(variants.drop(columns="population_af")).sum() == 5


def test_tmb_of_an_empty_table_is_zero():
    empty = _variants(gene=["TP53"]).head(0)
    assert oncology.tumour_mutational_burden(empty, 1.1) == 0.0


@pytest.mark.parametrize("size", [None, 0, -1.1, "", "abc", np.nan])
def test_tmb_needs_a_panel_size_above_zero(size):
    with pytest.raises(ValueError, match="panel size in megabases"):
        oncology.tumour_mutational_burden(_variants(gene=["TP53"]), size)


def test_tmb_is_one_patients():
    two = _variants(patient_id=["PM-000001", "PM-000002"])
    with pytest.raises(ValueError, match="tmb_by_patient"):
        oncology.tumour_mutational_burden(two, 1.1)


def test_tmb_high_call_at_the_threshold_from_the_resources():
    threshold = load_table("oncology_thresholds").set_index("name").loc["tmb_high_per_mb", "value"]
    assert oncology.TMB_HIGH_PER_MB == threshold == 10
    assert oncology.is_tmb_high(threshold) is True
    assert oncology.is_tmb_high(threshold - 0.01) is False
    assert oncology.is_tmb_high([3.0, 12.5]).tolist() == [False, True]
    assert oncology.is_tmb_high(12.5, threshold=16) is False  # another assay's cut-off
    with pytest.raises(ValueError, match="cannot be negative"):
        oncology.is_tmb_high(-1)


def test_tmb_by_patient_agrees_with_one_patient_at_a_time(cancer_data):
    patients, variants, _ = cancer_data
    table = oncology.tmb_by_patient(variants, patients).set_index("patient_id")
    for patient in patients.sample(15, random_state=1).itertuples():
        own = variants[variants["patient_id"] == patient.patient_id]
        tmb = oncology.tumour_mutational_burden(own, patient.panel_size_mb)
        assert table.loc[patient.patient_id, "tmb_per_mb"] == pytest.approx(tmb)
        assert table.loc[patient.patient_id, "tmb_high"] == (tmb >= 10)
    assert len(table) == len(patients)


# ------------------------------------------------------------------ therapies


def test_biomarkers_in_the_therapy_tables_words():
    variants = _variants(
        gene=["EGFR", "KRAS", "ALK", "ERBB2", "BRCA1", "KRAS"],
        alteration=["exon 19 deletion", "G12C", "fusion", "amplification", "Q1756fs", "G12D"],
        driver=[True, True, True, True, True, True],
    )
    assert oncology.biomarkers(variants) == [
        "EGFR exon 19 deletion",
        "KRAS G12C",
        "ALK fusion",
        "HER2 amplification",
        "BRCA1/2 mutation",
    ]
    passenger_brca = _variants(gene=["BRCA2"], alteration=["A12T"], driver=[False])
    assert oncology.biomarkers(passenger_brca, msi_status="MSS", tmb=9.9) == []
    assert oncology.biomarkers(passenger_brca, msi_status="MSI-H", tmb=10) == ["MSI-H", "TMB-high"]
    with pytest.raises(ValueError, match="MSI-H"):
        oncology.biomarkers(passenger_brca, msi_status="high")


def test_tissue_agnostic_and_tumour_specific_approvals():
    tmb = oncology.match_therapies(["TMB-high"], "colorectal")
    assert tmb[["tumour_type", "therapy", "approved_for_tumour"]].values.tolist() == [
        ["any", "pembrolizumab", True]
    ]
    braf = oncology.match_therapies(["BRAF V600E"], "colorectal").set_index("therapy")
    assert braf.loc["encorafenib + cetuximab", "approved_for_tumour"]
    agnostic = braf[braf["tumour_type"] == "any"]
    assert not agnostic["approved_for_tumour"].any()  # "not for colorectal cancer"
    assert oncology.match_therapies(["BRAF V600E"], "ovarian")["approved_for_tumour"].sum() == 1
    egfr = oncology.match_therapies(["EGFR L858R"], "breast")
    assert len(egfr) == 1 and not egfr["approved_for_tumour"].any()  # visible, not approved
    both = oncology.match_therapies(["KRAS G12C", "KRAS G12C", "ALK fusion"], "NSCLC")
    assert both["therapy"].tolist() == ["sotorasib", "alectinib"]
    with pytest.raises(ValueError, match="not a biomarker of the therapy table"):
        oncology.match_therapies(["EGFR L858"], "NSCLC")


def test_fda_and_ema_differ_where_the_issue_says():
    table = oncology.therapy_table()
    tmb = table[table["biomarker"] == "TMB-high"].iloc[0]
    assert tmb["fda_date"] == "2020-06-16" and tmb["ema_status"] == "not approved in the EU"
    msi = oncology.match_therapies(["MSI-H"], "endometrial").set_index("tumour_type")
    assert msi.loc["any", "approved_for_tumour"] and not msi.loc["any", "approved_in_eu"]
    assert msi.loc["endometrial", "approved_in_eu"]
    braf_any = table[(table["biomarker"] == "BRAF V600E") & (table["tumour_type"] == "any")]
    assert braf_any["ema_status"].tolist() == ["not approved in the EU"]
    breast = table[(table["biomarker"] == "BRCA1/2 mutation") & (table["tumour_type"] == "breast")]
    assert set(breast["origin_required"]) == {"germline"}


def test_every_therapy_row_is_sourced_dated_and_checked(root):
    table = oncology.therapy_table()
    keys = set(re.findall(r"@\w+\{([^,]+),", (root / "book" / "references.bib").read_text()))
    for row in table.itertuples():
        assert set(row.source.split(";")) <= keys, row.source
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.fda_date), row
        assert row.checked == "2026-11-29"
        if row.ema_status.startswith("not approved"):
            assert pd.isna(row.ema_date)
        else:
            assert re.fullmatch(r"\d{4}-\d{2}", row.ema_date), row
    assert table.attrs["citations"]
    drivers = load_table("oncology_drivers")
    named = set(oncology.biomarkers(drivers.assign(driver=True)))
    assert named == set(table["biomarker"]) - {"MSI-H", "TMB-high"}


# ------------------------------------------------------------------ survival


@pytest.fixture
def tiny():
    return pd.DataFrame(
        {
            "treatment": ["matched"] * 4 + ["unmatched"] * 4,
            "pfs_months": [5.0, 12.0, 20.0, 7.0, 2.0, 4.0, 9.0, 6.0],
            "progressed": [1, 0, 1, 1, 1, 1, 1, 0],
        }
    )


def _logrank_by_hand(times_a, events_a, times_b, events_b):
    """The two-group log-rank chi-square, from its textbook formula."""
    times = np.concatenate([times_a, times_b])
    events = np.concatenate([events_a, events_b])
    group_a = np.r_[np.ones(len(times_a)), np.zeros(len(times_b))].astype(bool)
    observed_minus_expected, variance = 0.0, 0.0
    for t in np.unique(times[events == 1]):
        at_risk = times >= t
        n, n_a = at_risk.sum(), (at_risk & group_a).sum()
        d = ((times == t) & (events == 1)).sum()
        d_a = ((times == t) & (events == 1) & group_a).sum()
        observed_minus_expected += d_a - d * n_a / n
        if n > 1:
            variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / (n - 1)
    return observed_minus_expected**2 / variance


def test_kaplan_meier_and_medians_match_lifelines_and_a_hand_count(tiny):
    curves = oncology.kaplan_meier(tiny)
    assert list(curves) == ["matched", "unmatched"]
    # by hand, matched: 4 at risk; event at 5 -> 3/4; at 7 -> 3/4 * 2/3; censored 12; 20 -> 0
    assert curves["matched"].predict(10) == pytest.approx(0.5)
    medians = oncology.median_survival(tiny).set_index("treatment")
    for group, rows in tiny.groupby("treatment"):
        own = KaplanMeierFitter().fit(rows["pfs_months"], rows["progressed"])
        assert medians.loc[group, "median_months"] == own.median_survival_time_
        assert medians.loc[group, "n_patients"] == len(rows)
        assert medians.loc[group, "n_events"] == rows["progressed"].sum()
    assert medians.loc["matched", "median_months"] == 7.0
    assert medians.loc["unmatched", "median_months"] == 4.0
    assert (medians["ci_lower"] <= medians["median_months"]).all()


def test_logrank_matches_lifelines_and_the_formula(tiny):
    result = oncology.logrank(tiny)
    a, b = (rows for _, rows in tiny.groupby("treatment"))
    own = logrank_test(a["pfs_months"], b["pfs_months"], a["progressed"], b["progressed"])
    assert result.p_value == pytest.approx(own.p_value)
    by_hand = _logrank_by_hand(
        a["pfs_months"].to_numpy(),
        a["progressed"].to_numpy(),
        b["pfs_months"].to_numpy(),
        b["progressed"].to_numpy(),
    )
    assert result.test_statistic == pytest.approx(by_hand)
    with pytest.raises(ValueError, match="only"):
        oncology.logrank(tiny[tiny["treatment"] == "matched"])
    three = tiny.assign(treatment=["a", "b", "c", "a", "b", "c", "a", "b"])
    assert 0 <= oncology.logrank(three).p_value <= 1


def test_cox_hazard_ratio_matches_lifelines(tiny):
    result = oncology.cox_hazard_ratio(tiny)
    data = tiny.assign(matched=(tiny["treatment"] == "matched").astype(int)).drop(
        columns="treatment"
    )
    own = CoxPHFitter().fit(data, "pfs_months", "progressed").summary.loc["matched"]
    assert result.name == "matched"
    assert result["hazard_ratio"] == pytest.approx(own["exp(coef)"])
    assert result["ci_lower"] < result["hazard_ratio"] < result["ci_upper"]
    assert result["p_value"] == pytest.approx(own["p"])
    with pytest.raises(ValueError, match="two groups"):
        oncology.cox_hazard_ratio(tiny, reference="placebo")
    separated = tiny.assign(progressed=[0, 0, 0, 0, 1, 1, 1, 1])
    with pytest.raises(ValueError, match="Too few patients or events"):
        oncology.cox_hazard_ratio(separated)


def test_survival_refuses_tables_it_cannot_use(tiny):
    with pytest.raises(ValueError, match="empty"):
        oncology.kaplan_meier(tiny.head(0))
    with pytest.raises(ValueError, match="dropna"):
        oncology.kaplan_meier(tiny.assign(pfs_months=[np.nan, *tiny["pfs_months"][1:]]))
    with pytest.raises(ValueError, match="negative"):
        oncology.kaplan_meier(tiny.assign(pfs_months=-tiny["pfs_months"]))


# ------------------------------------------------------------------ data and the story


@pytest.fixture(scope="module")
def cancer_data():
    return tuple(
        datasets.load(name) for name in ("cancer_patients", "tumour_variants", "cancer_outcomes")
    )


def test_pm30_has_the_story_of_the_notebook(cancer_data):
    patients, variants, outcomes = cancer_data
    pm30 = patients.set_index("patient_id").loc["PM-000030"]
    assert (pm30["sex"], pm30["age_years"], pm30["tumour_type"]) == ("male", 46, "NSCLC")
    assert (pm30["purity"], pm30["testing"], pm30["panel_size_mb"]) == (0.6, "tumour-normal", 1.1)
    own = variants[variants["patient_id"] == "PM-000030"].set_index("gene", drop=False)
    origin = oncology.variant_origin(own)
    assert origin["EGFR"] == "somatic" and own.loc["EGFR", "alteration"] == "L858R"
    assert origin["TP53"] == "somatic"
    assert origin["BRCA2"] == "germline" and own.loc["BRCA2", "driver"]
    normal_vaf = oncology.vaf(
        own.loc["BRCA2", "normal_alt_reads"], own.loc["BRCA2", "normal_depth"]
    )
    assert normal_vaf == pytest.approx(0.5, abs=0.05)
    egfr = oncology.vaf(own.loc["EGFR", "tumour_alt_reads"], own.loc["EGFR", "tumour_depth"])
    assert oncology.cancer_cell_fraction(egfr, 0.6) == pytest.approx(1.0, abs=0.05)  # clonal
    tmb = oncology.tumour_mutational_burden(own, pm30["panel_size_mb"])
    assert 3 < tmb < 10 and not oncology.is_tmb_high(tmb)
    found = oncology.biomarkers(own, msi_status=pm30["msi_status"], tmb=tmb)
    assert found == ["EGFR L858R", "BRCA1/2 mutation"]
    approved = oncology.match_therapies(found, "NSCLC")
    assert approved.loc[approved["approved_for_tumour"], "therapy"].tolist() == ["osimertinib"]
    assert "PM-000030" not in set(outcomes["patient_id"])  # newly diagnosed


def test_the_tumour_only_patient_may_carry_a_germline_brca1_variant(cancer_data):
    patients, variants, _ = cancer_data
    patient = patients.set_index("patient_id").loc[oncology.TUMOUR_ONLY_PATIENT]
    assert (patient["testing"], patient["purity"], patient["sex"]) == (
        "tumour-only",
        0.3,
        "female",
    )
    own = variants[variants["patient_id"] == oncology.TUMOUR_ONLY_PATIENT]
    assert (oncology.variant_origin(own) == "unknown").all()
    brca = own[own["gene"].isin(["BRCA1", "BRCA2"])]
    assert len(brca) == 1
    assert oncology.vaf(brca["tumour_alt_reads"], brca["tumour_depth"]).item() == pytest.approx(
        0.5, abs=0.05
    )
    flagged = oncology.possibly_germline(own, patient["purity"])
    assert flagged[brca.index].all()
    assert not flagged[own["gene"].eq("PIK3CA")].any()  # about purity / 2: somatic-looking


def test_generated_vafs_follow_purity(cancer_data):
    patients, variants, _ = cancer_data
    merged = variants.merge(patients[["patient_id", "purity"]], on="patient_id")
    merged = merged[merged["tumour_depth"].notna()]
    observed = oncology.vaf(merged["tumour_alt_reads"], merged["tumour_depth"])
    origin = oncology.variant_origin(merged)
    somatic = origin == "somatic"
    # a somatic variant cannot show more than every copy of every cancer cell (plus noise)
    assert (observed[somatic] <= merged.loc[somatic, "purity"] + 0.08).all()
    germline = merged[origin == "germline"]
    normal = oncology.vaf(germline["normal_alt_reads"], germline["normal_depth"])
    assert (((normal - 0.5).abs() < 0.15) | (normal > 0.9)).all()
    assert set(patients["testing"]) == {"tumour-normal", "tumour-only"}
    only = merged["patient_id"].isin(
        patients.loc[patients["testing"] == "tumour-only", "patient_id"]
    )
    assert merged.loc[only, "normal_depth"].isna().all()
    assert set(variants["variant_type"]) == {"SNV", "indel", "fusion", "amplification"}


def test_every_biomarker_and_tmb_high_appear_in_the_data(cancer_data):
    patients, variants, outcomes = cancer_data
    table = oncology.tmb_by_patient(variants, patients)
    assert 0.05 < table["tmb_high"].mean() < 0.25
    assert set(outcomes["biomarker"]) == set(oncology.therapy_table()["biomarker"])
    assert set(patients["msi_status"]) == {"MSI-H", "MSS"}


def test_matched_treatment_does_better_in_the_synthetic_outcomes(cancer_data):
    _, _, outcomes = cancer_data
    medians = oncology.median_survival(outcomes).set_index("treatment")["median_months"]
    assert medians["matched"] > medians["unmatched"]
    assert oncology.logrank(outcomes).p_value < 0.05
    assert oncology.cox_hazard_ratio(outcomes)["hazard_ratio"] < 0.8
    assert 0.1 < 1 - outcomes["progressed"].mean() < 0.5  # some censoring, not too much


def test_data_are_seeded_and_drawn_patient_by_patient(cancer_data):
    patients, variants, outcomes = cancer_data
    cohort = make_cohort(120)
    first = oncology.make_cancer_patients(cohort)
    pd.testing.assert_frame_equal(first, patients.head(len(first)), check_dtype=False)
    first_variants = oncology.make_tumour_variants(first)
    pd.testing.assert_frame_equal(
        first_variants, variants[variants["patient_id"].isin(first["patient_id"])]
    )
    first_outcomes = oncology.make_cancer_outcomes(first, first_variants)
    expected = outcomes[outcomes["patient_id"].isin(first["patient_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(first_outcomes, expected)
    again = oncology.make_tumour_variants(first)
    pd.testing.assert_frame_equal(again, first_variants)
    other = oncology.make_tumour_variants(first, seed=1)
    assert not other.equals(first_variants)
    assert not oncology.make_cancer_patients(cohort, seed=1).equals(first)
    # the scenario patients do not depend on the seed
    written = oncology.make_cancer_patients(cohort, seed=1).set_index("patient_id")
    assert written.loc["PM-000030", "purity"] == 0.6


# ------------------------------------------------------------------ figures and demos


def test_plots_draw_on_the_axes_given(tiny, cancer_data):
    _, variants, _ = cancer_data
    figure, ax = plt.subplots()
    assert plots.plot_kaplan_meier(tiny, ax=ax) is ax
    assert "log-rank test: p = " in ax.get_title(loc="left")
    pm30 = variants[variants["patient_id"] == "PM-000030"]
    figure2, ax2 = plt.subplots()
    assert plots.plot_vaf_purity(pm30, 0.6, copy_number=3, ax=ax2) is ax2
    labels = ax2.get_legend_handles_labels()[1]
    assert "germline variants (2)" in labels and "somatic variants (8)" in labels
    plt.close(figure)
    plt.close(figure2)


def test_vaf_demo_says_when_the_copies_are_impossible():
    figure = widgets.update_vaf(0.5, copy_number=2, mutated_copies=3)
    assert "cannot carry" in figure.axes[0].get_title(loc="left")
    plt.close(figure)
    figure = widgets.update_vaf(0.6)
    assert figure.axes[0].get_title(loc="left") == "expected VAF 0.3 at purity 0.60"
    plt.close(figure)


def test_km_demo_lists_every_biomarker_of_the_outcomes(cancer_data):
    _, _, outcomes = cancer_data
    explorer = widgets.km_explorer()
    options = list(explorer.children[0].options)
    assert options[0] == "all biomarkers" and set(options[1:]) == set(outcomes["biomarker"])
    for biomarker in options:
        plt.close(widgets.update_km(biomarker))
    plt.close("all")


def test_patients_whose_story_has_no_cancer_are_never_drawn(cancer_data):
    patients, _, _ = cancer_data
    assert oncology.CANCER_FREE_PATIENTS
    assert not patients["patient_id"].isin(oncology.CANCER_FREE_PATIENTS).any()
    # The sub-cohort still draws about the share it documents from everyone else.
    assert 0.4 < len(patients) / datasets.load("cohort").shape[0] < 0.5
