import pytest

from pmcourse import datasets, pgx, risk
from pmcourse.care_summary import SUMMARY_COLUMNS, CareSummary, care_summary
from pmcourse.health_data import (
    PRACTICE_PATIENT,
    STORY_PATIENT,
    prom_meaning,
    prom_scoring,
    score_prom,
)


@pytest.fixture(scope="module")
def story():
    return care_summary(STORY_PATIENT)


@pytest.fixture(scope="module")
def practice():
    return care_summary(PRACTICE_PATIENT)


def _section(summary: CareSummary, section: str):
    return summary.table[summary.table["section"] == section]


def _percentile(patient_id: str) -> float:
    """The score's percentile the way module 6's notebook computes it."""
    dosages = datasets.load("prs_dosages").set_index("patient_id")
    weights = risk.cad_weights()
    scores = risk.polygenic_score(dosages[weights.index], weights)
    european = scores[dosages["ancestry"] == "EUR"]
    return risk.percentile([scores[patient_id]], european).item()


def test_the_table_has_every_section_with_its_source(story):
    assert list(story.table.columns) == list(SUMMARY_COLUMNS)
    assert {
        "patient",
        "problem",
        "medicines",
        "pharmacogenomics",
        "germline finding",
        "tumour",
        "polygenic score",
        "imaging",
        "wearable",
        "PROM",
    } == set(story.table["section"])
    assert story.table["source"].str.match(r"module [1-7]").all()
    assert (story.table["finding"] != "").all()


def test_the_capstone_patients_results_are_those_of_modules_4_to_6(story):
    advice = pgx.recommendation("clopidogrel", {"CYP2C19": "*1/*2"}, indication="cardiovascular")
    pgx_row = _section(story, "pharmacogenomics").iloc[0]
    assert pgx_row["finding"] == "CYP2C19 *1/*2 (Intermediate Metabolizer): takes clopidogrel"
    assert pgx_row["action"] == f"{advice.action}: {advice.text}"
    assert "BRCA2" in _section(story, "germline finding")["finding"].item()
    assert "clinical genetics" in _section(story, "germline finding")["action"].item()
    tumour = _section(story, "tumour").iloc[0]
    assert tumour["finding"].startswith("EGFR L858R")
    assert "osimertinib" in tumour["action"]
    place = _percentile(STORY_PATIENT)
    assert place < 50  # module 6: his event came with a below-average score
    finding = _section(story, "polygenic score")["finding"].item()
    assert f"at the {round(place)}th percentile" in finding
    problems = " ".join(_section(story, "problem")["finding"])
    assert "coronary artery disease event" in problems and "NSCLC" in problems
    assert "apixaban" in _section(story, "medicines")["finding"].item()


def test_the_health_data_rows_match_the_data(story):
    imaging = " ".join(_section(story, "imaging")["finding"])
    assert "calcium score 412 Agatston" in imaging and "ejection fraction 45%" in imaging
    prom = datasets.load("prom").query("patient_id == @STORY_PATIENT").sort_values("date")
    latest = score_prom(prom).iloc[-1]
    row = _section(story, "PROM").iloc[0]
    assert f"WHO-5 well-being {latest:.0f} of 100" in row["finding"]
    assert row["action"] == prom_meaning(latest)
    meaningful = prom_scoring()["meaningful_change"]
    change = latest - score_prom(prom).iloc[0]
    assert f"a change of {change:+.0f} points" in row["finding"]
    assert f"({meaningful:.0f} points is a meaningful change)" in row["finding"]
    assert "(-4" in _section(story, "wearable")["finding"].item()  # steps fell by 40-49%


def test_the_practice_patient_has_no_cancer_and_a_high_score(practice):
    assert _section(practice, "tumour")["finding"].item() == "no cancer in the course's data"
    assert "germline finding" not in set(practice.table["section"])
    assert round(_percentile(PRACTICE_PATIENT)) == 97
    assert _section(practice, "polygenic score")["action"].item().startswith("in the top 5%")
    assert "calcium score 138 Agatston" in " ".join(_section(practice, "imaging")["finding"])


def test_a_patient_without_health_data_gets_rows_that_say_so():
    wearers = set(datasets.load("wearables")["patient_id"])
    scanned = set(datasets.load("imaging")["patient_id"])
    patient_id = next(
        p for p in datasets.load("cohort")["patient_id"] if p not in wearers | scanned
    )
    summary = care_summary(patient_id)
    assert _section(summary, "wearable")["finding"].item() == "no wearable data"
    assert _section(summary, "PROM")["finding"].item() == "no WHO-5 questionnaire"
    assert _section(summary, "imaging")["finding"].item() == "no cardiac scan"
    assert len(summary.figure.axes) == 2


def test_the_figure_shows_the_wearable_and_prom_trends(story):
    left, right = story.figure.axes
    assert left.get_ylabel() == "steps per day (weekly mean)"
    assert list(right.get_lines()[0].get_ydata()) == [68.0, 48.0, 32.0]
    assert "synthetic" in story.figure.get_suptitle()


def test_the_summary_renders_as_html_with_table_and_figure(story):
    html = story._repr_html_()
    assert html.count("<table") == 1 and "data:image/png;base64," in html
    assert STORY_PATIENT in html and "not for clinical use" in html


@pytest.mark.parametrize("patient_id", ["PM-999999", "pm-000030", 30])
def test_an_unknown_patient_is_refused_plainly(patient_id):
    with pytest.raises(ValueError, match="no patient"):
        care_summary(patient_id)
