"""Tests of the checks of module 7 (pmcourse.checks.beyond_the_genome)."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from grading_helpers import assert_choice_teaches, graded_fixture, markdown_text, with_slip

from pmcourse import datasets, privacy
from pmcourse.checks import beyond_the_genome as checks
from pmcourse.modules import module
from pmcourse.reference import load_table

# Expected values, worked out here from the raw tables with plain Python (a
# Counter of quasi-identifier tuples, the hmac module, the published WHO-5 rule,
# the wearable rules read from their CSV), not with pmcourse.privacy or
# pmcourse.health_data, so the checks are tested against independent answers.
IMAGING = datasets.load("imaging").set_index("patient_id")
WEARABLES = datasets.load("wearables")
PROM = datasets.load("prom")
EXTRACT = checks.clinic_extract()
QI = checks.QUASI_IDENTIFIERS
KEY = checks.COURSE_KEY


def _hmac(patient_id: str, key: str = KEY) -> str:
    return hmac.new(key.encode(), patient_id.encode(), hashlib.sha256).hexdigest()


def _class_sizes(table: pd.DataFrame, columns) -> Counter:
    return Counter(tuple(row) for row in table[list(columns)].itertuples(index=False))


def _hand_k(table: pd.DataFrame, columns) -> int:
    return min(_class_sizes(table, columns).values())


def _band(age: int, width: int) -> str:
    low = age // width * width
    return f"{low}-{low + width - 1}"


def _hand_generalise(table: pd.DataFrame, width: int, digits: int) -> pd.DataFrame:
    return table.assign(
        age_years=[_band(age, width) for age in table["age_years"]],
        postcode=[str(code)[:digits] + "*" * (4 - digits) for code in table["postcode"]],
    )


def _hand_loss(original: pd.DataFrame, width: int, digits: int, k: int) -> tuple[int, float]:
    """(k, loss) by the discernibility metric: class size per record, n per suppressed one."""
    n = len(original)
    sizes = _class_sizes(_hand_generalise(original, width, digits), QI)
    kept = {cls: size for cls, size in sizes.items() if size >= k}
    suppressed = n - sum(kept.values())
    after = sum(size * size for size in kept.values()) + suppressed * n
    before = sum(size * size for size in _class_sizes(original, QI).values())
    return min(kept.values()), (after - before) / (n * n - before)


def _flagged(days: pd.DataFrame) -> pd.Series:
    """Days a wearable rule flags, with the rules read from their CSV."""
    flagged = pd.Series(False, index=days.index)
    for rule in load_table("wearable_rules").itertuples(index=False):
        values = days[rule.column]
        if not pd.isna(rule.lower):
            flagged |= values < rule.lower
        if not pd.isna(rule.upper):
            flagged |= values > rule.upper
    return flagged


def _days(patient_id: str) -> pd.DataFrame:
    return WEARABLES[WEARABLES["patient_id"] == patient_id]


def _who5(patient_id: str) -> list[float]:
    forms = PROM[PROM["patient_id"] == patient_id].sort_values("date")
    return [4.0 * forms.loc[i, checks.WHO5_ITEMS].sum() for i in forms.index]


# --------------------------------------------------------------------------
# The course data say what the module's story says
# --------------------------------------------------------------------------


def test_the_story_patients_scans_wearable_and_who5_tell_the_notebooks_story():
    his = IMAGING.loc[checks.STORY_PATIENT]
    assert his["cac_agatston"] >= 300 and 41 <= his["lvef_percent"] <= 49  # severe, mildly reduced
    days = _days(checks.STORY_PATIENT)
    dates = pd.to_datetime(days["date"])
    assert len(days) < (dates.max() - dates.min()).days + 1  # gaps
    assert days["steps_per_day"].min() == 0  # an artefact
    steps = days["steps_per_day"].where(~_flagged(days))
    first, last = steps.iloc[:28].mean(), steps.iloc[-21:].mean()
    assert last < first / 2  # "fall by more than half"
    assert _who5(checks.STORY_PATIENT) == [68.0, 48.0, 32.0]
    assert 28 < _who5(checks.STORY_PATIENT)[-1] < 52  # screen for depression


def test_the_practice_patient_has_moderate_calcium_steady_steps_and_good_well_being():
    her = IMAGING.loc[checks.PRACTICE_PATIENT]
    assert 100 <= her["cac_agatston"] < 300 and her["lvef_percent"] >= 50
    assert min(_who5(checks.PRACTICE_PATIENT)) >= 52
    days = _days(checks.PRACTICE_PATIENT)
    steps = days["steps_per_day"].where(~_flagged(days))
    assert abs(steps.iloc[-21:].mean() / steps.iloc[:28].mean() - 1) < 0.15  # steady
    assert checks.her_key_result("A", quick=False).passed


def test_the_extract_is_pseudonymised_and_not_anonymous():
    cohort = datasets.load("cohort")
    assert EXTRACT["patient_id"].tolist() == [_hmac(pid) for pid in cohort["patient_id"]]
    assert not EXTRACT["patient_id"].str.contains("PM-").any()
    assert _hand_k(EXTRACT, QI) == 1
    assert checks.anonymous_or_pseudonymised("B", quick=False).passed


def test_the_facts_the_notebook_quotes_are_the_datas():
    notebook = markdown_text(module(7).notebook)
    cohort = datasets.load("cohort").set_index("patient_id")
    his = cohort.loc[checks.STORY_PATIENT]
    assert f"a {his['age_years']}-year-old man from {his['region']}" in notebook
    assert "Severe coronary calcium at 46" in notebook and his["age_years"] == 46
    assert "k is 1" in notebook and "k is still 1" in notebook
    assert _hand_k(_hand_generalise(EXTRACT, 10, 1), QI) == 1
    unique = sum(size == 1 for size in _class_sizes(_hand_generalise(EXTRACT, 10, 1), QI).values())
    assert unique / len(EXTRACT) < 0.05  # "Far fewer patients are unique"
    assert "Without the postcode no one is alone" in notebook
    assert _hand_k(_hand_generalise(EXTRACT, 10, 0), QI) > 1
    assert "by more than half" in notebook


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def test_n_cac_100_counts_the_scans_at_100_or_more():
    cac = IMAGING["cac_agatston"]
    assert checks.n_cac_100(int(sum(value >= 100 for value in cac))).passed
    every = checks.n_cac_100(len(cac))
    assert not every.passed and "every scanned patient" in every.hint


def test_n_flagged_counts_the_days_a_rule_flagged():
    days = _days(checks.STORY_PATIENT)
    flagged = _flagged(days)
    assert 0 < flagged.sum() < len(days)
    assert checks.n_flagged(int(flagged.sum())).passed
    clean = checks.n_flagged(int((~flagged).sum()))
    assert not clean.passed and "clean days" in clean.hint


def test_his_last_who5_is_the_raw_score_times_four():
    assert checks.his_last_who5(_who5(checks.STORY_PATIENT)[-1]).passed
    raw = checks.his_last_who5(_who5(checks.STORY_PATIENT)[-1] / 4)
    assert not raw.passed and "raw score" in raw.hint
    first = checks.his_last_who5(_who5(checks.STORY_PATIENT)[0])
    assert not first.passed and "first form" in first.hint


def test_her_pseudonym_is_the_keyed_hash_and_a_plain_hash_gets_its_hint():
    assert checks.her_pseudonym(_hmac(checks.PRACTICE_PATIENT)).passed
    plain = checks.her_pseudonym(hashlib.sha256(checks.PRACTICE_PATIENT.encode()).hexdigest())
    assert not plain.passed and "without the key" in plain.hint
    his = checks.her_pseudonym(_hmac(checks.STORY_PATIENT))
    assert not his.passed and "PM-000030" in his.hint
    assert _hmac(checks.PRACTICE_PATIENT) not in str(plain)


def test_k_no_postcode_is_the_smallest_class_without_postcode():
    table = _hand_generalise(EXTRACT, 10, 0)
    assert checks.k_no_postcode(_hand_k(table, QI)).passed
    largest = checks.k_no_postcode(max(_class_sizes(table, QI).values()))
    assert not largest.passed and "largest class" in largest.hint


@pytest.mark.parametrize("answer", [None, ..., "8", [1.0], float("nan")])
def test_value_checks_survive_odd_answers(answer):
    for result in (
        checks.n_cac_100(answer),
        checks.n_flagged(answer),
        checks.his_last_who5(answer),
        checks.her_pseudonym(answer),
        checks.k_no_postcode(answer),
    ):
        assert not result.passed and result.message


# --------------------------------------------------------------------------
# The functions of the graded exercise
# --------------------------------------------------------------------------


def _hand_pseudonyms(ids, key):
    return [_hmac(patient_id, key) for patient_id in ids]


def test_pseudonymise_ids_check_grades_keys_of_its_own_and_names_the_plain_hash():
    cases = checks.pseudonym_cases(1, 2, 3)
    assert len({key for _, key in cases}) == 3 and all(key != KEY for _, key in cases)
    assert checks.pseudonymise_ids(_hand_pseudonyms, cases=cases, quick=False).passed
    plain = checks.pseudonymise_ids(
        lambda ids, key: [hashlib.sha256(i.encode()).hexdigest() for i in ids],
        cases=cases,
        quick=False,
    )
    assert not plain.passed and "without the key" in plain.hint
    shortcut = checks.pseudonymise_ids(lambda ids, key: privacy.pseudonymise(ids, key).tolist())
    assert not shortcut.passed
    course_key_only = checks.pseudonymise_ids(lambda ids, key: _hand_pseudonyms(ids, KEY))
    assert course_key_only.passed  # ignoring the key passes the example ...
    assert not checks.pseudonymise_ids(
        lambda ids, key: _hand_pseudonyms(ids, KEY), cases=cases, quick=False
    ).passed  # ... and fails on the secret keys


def test_smallest_class_check_grades_other_samples_and_names_the_largest_class():
    cases = checks.extract_cases(1, 2, 3)
    assert len({_hand_k(table, columns) for table, columns in cases}) > 1
    assert checks.smallest_class(_hand_k, cases=cases, quick=False).passed
    largest = checks.smallest_class(
        lambda table, columns: max(_class_sizes(table, columns).values()),
        cases=cases,
        quick=False,
    )
    assert not largest.passed and "largest class" in largest.hint
    shortcut = checks.smallest_class(lambda table, columns: privacy.k_anonymity(table, columns))
    assert not shortcut.passed


def test_generalised_k_check_grades_other_widths_and_names_a_forgotten_postcode():
    def hand(extract, width, digits):
        return _hand_k(_hand_generalise(extract, width, digits), QI)

    cases = checks.generalised_k_cases(1, 2, 3, 4)
    assert len({(width, digits) for _, width, digits in cases}) == 4
    assert checks.generalised_k(hand, cases=cases, quick=False).passed
    hard_coded = checks.generalised_k(lambda extract, width, digits: hand(EXTRACT, 10, 0))
    assert hard_coded.passed
    assert not checks.generalised_k(
        lambda extract, width, digits: hand(EXTRACT, 10, 0), cases=cases, quick=False
    ).passed
    ages_only = checks.generalised_k(
        lambda extract, width, digits: hand(extract, width, 4), cases=cases, quick=False
    )
    assert not ages_only.passed and "postcodes" in ages_only.hint


def test_the_best_generalisation_reaches_k_5_with_the_least_discernibility_loss():
    results = {
        label: _hand_loss(EXTRACT, width, digits, k)
        for label, (width, digits, k) in checks.GENERALISATIONS.items()
    }
    table = checks.generalisation_table().set_index("option")
    for label, (k, loss) in results.items():
        assert table.loc[label, "k"] == k and table.loc[label, "loss"] == pytest.approx(loss)
    reaching = {label: loss for label, (k, loss) in results.items() if k >= checks.TARGET_K}
    best = min(reaching, key=reaching.get)
    assert checks.best_generalisation(best, quick=False).passed
    least_loss = min(results, key=lambda label: results[label][1])
    assert results[least_loss][0] < checks.TARGET_K  # the trap: least loss, k too small
    assert np.isclose(table.loc[best, "suppressed_share"], table["suppressed_share"]).sum() == 1


@pytest.mark.parametrize(
    ("name", "right"),
    [("anonymous_or_pseudonymised", "B"), ("wearable_research_use", "B"), ("her_key_result", "A")],
)
def test_interpretation_questions_grade_the_right_choice_and_explain_the_wrong(name, right):
    assert_choice_teaches(getattr(checks, name), right)


# --------------------------------------------------------------------------
# Grading round trips: the exercise's master answers and its typical mistakes.
# --------------------------------------------------------------------------

ASSIGNMENT = "07_beyond_the_genome"
CODE_CELLS = ["test_pseudonymise_ids", "test_smallest_class", "test_generalised_k"]
CHOICE_CELLS = ["test_answer_generalisation", "test_answer_anonymous", "test_answer_wearable"]


def _mistakes(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "plain_hash": with_slip(
            answers,
            "pseudonymise_ids",
            "hmac.new(key.encode(), patient_id.encode(), hashlib.sha256)",
            "hashlib.sha256(patient_id.encode())",
        ),
        "largest_class": with_slip(answers, "smallest_class", ".size().min()", ".size().max()"),
        "shortcut": {
            **answers,
            "smallest_class": "def smallest_class(table, quasi_identifiers):\n"
            "    return privacy.k_anonymity(table, quasi_identifiers)",
        },
        "ages_only": with_slip(
            answers,
            "generalised_k",
            'privacy.truncate_postcode(extract["postcode"], postcode_digits)',
            'extract["postcode"]',
        ),
        "wrong_choices": {
            **answers,
            "answer_generalisation": 'answer_generalisation = "A"',
            "answer_anonymous": 'answer_anonymous = "A"',
            "answer_wearable": 'answer_wearable = "D"',
        },
    }


graded = graded_fixture(ASSIGNMENT, _mistakes)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "lost"),
    [("master", []), ("plain_hash", ["test_pseudonymise_ids"]),
     ("largest_class", ["test_smallest_class", "test_generalised_k"]),
     ("shortcut", ["test_smallest_class"]), ("ages_only", ["test_generalised_k"]),
     ("wrong_choices", CHOICE_CELLS)],
)  # fmt: skip
def test_grading_loses_exactly_the_parts_of_each_mistake(graded, student, lost):
    """The master's answers earn every autograded point; each slip loses only its parts."""
    scores = graded.loc[student]
    assert [cell for cell in CODE_CELLS + CHOICE_CELLS if scores[cell] != 3] == lost
