"""Checks for module 7 (beyond the genome): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of module 7.
Value checks take a count, a score, a pseudonym or a k the learner worked out
in the module notebook. Function checks (:class:`pmcourse.check.FunctionCheck`)
take a function the learner wrote in the graded exercise (keyed pseudonyms, the
k of a table, the k of a generalised table) and run it on the public examples,
or on the secret patients, keys and quasi-identifiers a hidden test passes in;
the library function that would answer for the learner is switched off
meanwhile. Expected values are computed with :mod:`pmcourse.health_data` and
:mod:`pmcourse.privacy` from the course data, never shown. Hints name the
common slips (a plain hash without a key, the largest class instead of the
smallest, the raw WHO-5 score) without giving the answer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pmcourse import datasets, health_data, privacy
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = [
    "COURSE_KEY",
    "GENERALISATIONS",
    "PRACTICE_PATIENT",
    "QUASI_IDENTIFIERS",
    "STORY_PATIENT",
    "TARGET_K",
    "WHO5_ITEMS",
    "anonymous_or_pseudonymised",
    "best_generalisation",
    "clinic_extract",
    "extract_cases",
    "generalisation_table",
    "generalised_k",
    "generalised_k_cases",
    "her_key_result",
    "her_pseudonym",
    "his_last_who5",
    "k_no_postcode",
    "n_cac_100",
    "n_flagged",
    "pseudonym_cases",
    "pseudonymise_ids",
    "smallest_class",
    "wearable_research_use",
]

#: The capstone patient (modules 1, 2, 4, 5 and 6) and the practice patient (module 6).
STORY_PATIENT = health_data.STORY_PATIENT
PRACTICE_PATIENT = health_data.PRACTICE_PATIENT

#: The course's demonstration key: public, so never a key for real data.
COURSE_KEY = "pmcourse-demonstration-key-not-a-secret"

#: The quasi-identifiers of the clinic's research extract.
QUASI_IDENTIFIERS = ["age_years", "sex", "postcode"]

#: The k the research extract must reach (a course design value for the exercise).
TARGET_K = 5

#: The WHO-5's answer columns, items 1 to 5.
WHO5_ITEMS = list(health_data.prom_items()["column"])

#: The generalisations the exercise compares: label -> (age band width in
#: years, postcode digits kept, smallest class kept after suppression).
GENERALISATIONS = {
    "A": (5, 2, 1),
    "B": (10, 0, 1),
    "C": (5, 0, TARGET_K),
    "D": (10, 2, TARGET_K),
}


# --------------------------------------------------------------------------
# The course data, read once
# --------------------------------------------------------------------------


@functools.cache
def _extract() -> pd.DataFrame:
    cohort = datasets.load("cohort").merge(datasets.load("postcodes"), on="patient_id")
    extract = cohort[["patient_id", *QUASI_IDENTIFIERS, "smoker", "ldl_cholesterol_mmol_l"]]
    return extract.assign(
        patient_id=privacy.pseudonymise(extract["patient_id"], COURSE_KEY),
        sex=extract["sex"].astype(str),  # plain text: groupby counts only classes that occur
    )


def clinic_extract() -> pd.DataFrame:
    """The research group's extract of the clinic's patients: pseudonyms and quasi-identifiers.

    One row per cohort patient: ``patient_id`` (an HMAC pseudonym made with
    :data:`COURSE_KEY`), ``age_years``, ``sex``, ``postcode`` (synthetic),
    ``smoker`` and ``ldl_cholesterol_mmol_l``.

    Examples
    --------
    >>> extract = clinic_extract()
    >>> len(extract), int(extract["patient_id"].str.len().iloc[0])
    (1000, 64)
    """
    return _extract().copy()


def _his_days() -> pd.DataFrame:
    wearables = datasets.load("wearables")
    return wearables[wearables["patient_id"] == STORY_PATIENT]


def _his_forms() -> pd.DataFrame:
    prom = datasets.load("prom")
    return prom[prom["patient_id"] == STORY_PATIENT]


def _generalise(extract: pd.DataFrame, age_width: int, postcode_digits: int) -> pd.DataFrame:
    return extract.assign(
        age_years=privacy.age_band(extract["age_years"], age_width),
        postcode=privacy.truncate_postcode(extract["postcode"], postcode_digits),
    )


def _coarser() -> pd.DataFrame:
    """The extract with 10-year age bands and one-digit postcodes, as in the notebook."""
    return _generalise(_extract(), 10, 1)


def _no_postcode() -> pd.DataFrame:
    """The extract with 10-year age bands and no postcode, as in the notebook."""
    return _generalise(_extract(), 10, 0)


def _plain_hash(patient_id: str) -> str:
    return hashlib.sha256(patient_id.encode()).hexdigest()


def _swapped_hmac(patient_id: str, key: str) -> str:
    return hmac.new(patient_id.encode(), key.encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------
# Value checks of the notebook's "your turn" cells
# --------------------------------------------------------------------------


def _count_check(answer: Any, expected: int, name: str, hint: str, slips: list) -> CheckResult:
    return check_value(
        answer,
        expected,
        name=name,
        hint=hint,
        tolerance=0,
        common_mistakes=slips,
    )


def n_cac_100(answer: Any) -> CheckResult:
    """Check how many scanned patients have a calcium score of 100 or more (your turn 1).

    Examples
    --------
    >>> imaging = datasets.load("imaging")
    >>> n_cac_100(len(imaging[imaging["cac_agatston"] >= 100])).passed
    True
    >>> n_cac_100(len(imaging)).passed
    False
    """
    cac = datasets.load("imaging")["cac_agatston"]
    slips = [
        (len(cac), "That is every scanned patient. Keep the rows with a score of at least 100 "
         "first, then count them."),
        (int((cac > 100).sum()), "A score of exactly 100 counts too: use >= (at least), not >."),
        (int((cac < 100).sum()), "Those are the patients below 100. Keep those with >= 100."),
    ]  # fmt: skip
    return _count_check(
        answer,
        int((cac >= 100).sum()),
        "n_cac_100",
        'Keep the rows with imaging[imaging["cac_agatston"] >= 100], then count them with len( ).',
        slips,
    )


def n_flagged(answer: Any) -> CheckResult:
    """Check how many of the story patient's wearable days a rule flagged (your turn 2).

    Examples
    --------
    >>> cleaned = health_data.clean_wearables(_his_days())
    >>> n_flagged((cleaned["removed_by"] != "").sum()).passed
    True
    >>> n_flagged(len(cleaned)).passed
    False
    """
    flagged = health_data.clean_wearables(_his_days())["removed_by"] != ""
    slips = [
        (len(flagged), "That counts every day he wore the watch. Count only the flagged days: "
         'the True values of cleaned["removed_by"] != "".'),
        (int((~flagged).sum()), "Those are the clean days. A flagged day has a rule's name in "
         'removed_by: use != "" (not empty), not == "".'),
    ]  # fmt: skip
    return _count_check(
        answer,
        int(flagged.sum()),
        "n_flagged",
        'Compare cleaned["removed_by"] != "" and count the True values with .sum().',
        slips,
    )


def his_last_who5(answer: Any) -> CheckResult:
    """Check the story patient's last WHO-5 percentage score, worked out by hand (your turn 3).

    Examples
    --------
    >>> answers = _his_forms().iloc[-1][WHO5_ITEMS]
    >>> his_last_who5(answers.sum() * 4).passed
    True
    >>> his_last_who5(answers.sum()).passed
    False
    """
    forms = _his_forms()
    answers = forms.iloc[-1][WHO5_ITEMS].astype(float)
    first = forms.iloc[0][WHO5_ITEMS].astype(float)
    slips = [
        (answers.sum(), "That is the raw score, from 0 to 25. The percentage score is the raw "
         "score times 4."),
        (answers.mean() * 4, "That multiplies the average answer by 4. Add up the five answers "
         "first (.sum()), then multiply by 4."),
        (first.sum() * 4, "That is his first form. His last form is the last row, .iloc[-1]."),
    ]  # fmt: skip
    return check_value(
        answer,
        health_data.score_prom(answers),
        name="his_last_who5",
        hint="Add up his five answers with answers.sum() and multiply the raw score by "
        'rule["multiplier"].',
        common_mistakes=slips,
    )


def her_pseudonym(answer: Any) -> CheckResult:
    """Check the practice patient's HMAC-SHA256 pseudonym with the course key (your turn 4).

    Examples
    --------
    >>> her_pseudonym(
    ...     hmac.new(COURSE_KEY.encode(), PRACTICE_PATIENT.encode(), hashlib.sha256).hexdigest()
    ... ).passed
    True
    >>> her_pseudonym(_plain_hash(PRACTICE_PATIENT)).passed
    False
    """
    slips = [
        (_plain_hash(PRACTICE_PATIENT), "That is a plain SHA-256 hash, without the key: anyone "
         "could compute it. Use hmac.new(key.encode(), ..., hashlib.sha256)."),
        (_swapped_hmac(PRACTICE_PATIENT, COURSE_KEY), "The key and the identifier are swapped: "
         "the key comes first in hmac.new( ), the identifier second."),
        (privacy.pseudonymise([STORY_PATIENT], COURSE_KEY).iloc[0], "That is PM-000030's "
         "pseudonym. Hers is made from check.PRACTICE_PATIENT."),
    ]  # fmt: skip
    return check_value(
        answer,
        privacy.pseudonymise([PRACTICE_PATIENT], COURSE_KEY).iloc[0],
        name="her_pseudonym",
        hint="Copy the cell above and replace check.STORY_PATIENT by check.PRACTICE_PATIENT.",
        common_mistakes=slips,
    )


def k_no_postcode(answer: Any) -> CheckResult:
    """Check the k of the extract with 10-year age bands and no postcode (your turn 5).

    Examples
    --------
    >>> k_no_postcode(_no_postcode().groupby(QUASI_IDENTIFIERS).size().min()).passed
    True
    >>> k_no_postcode(_no_postcode().groupby(QUASI_IDENTIFIERS).size().max()).passed
    False
    """
    sizes = _no_postcode().groupby(QUASI_IDENTIFIERS).size()
    slips = [
        (int(sizes.max()), "That is the largest class. k is the size of the smallest: .min()."),
        (len(sizes), "That is the number of classes. k is the size of the smallest class: "
         ".size().min()."),
        (privacy.k_anonymity(_coarser(), QUASI_IDENTIFIERS), "That is the k of `coarser`, "
         "which still has a digit of the postcode. Group the rows of `no_postcode`."),
    ]  # fmt: skip
    return _count_check(
        answer,
        privacy.k_anonymity(_no_postcode(), QUASI_IDENTIFIERS),
        "k_no_postcode",
        "Count the records of each class with no_postcode.groupby(quasi_identifiers).size(), "
        "then take the smallest with .min().",
        slips,
    )


#: Your turn 6: which result of PM-000008's care summary most changes the statin discussion?
her_key_result = Choice(
    "her_key_result",
    options={
        "A": "her coronary calcium score: calcified plaque is there.",
        "B": "her WHO-5 score.",
        "C": "her steady daily steps.",
        "D": "her polygenic percentile, which has risen since module 6.",
    },
    correct="A",
    reasoning={
        "B": "Read her WHO-5 score against the cut-off of 52: does it point to her heart?",
        "C": "Steady activity is good news, but does it show whether her arteries are diseased?",
        "D": "Can a germline polygenic score change during a life? Compare with module 6.",
    },
    hint="Which result shows disease in her coronary arteries, not a risk of it?",
)


# --------------------------------------------------------------------------
# Functions the learner writes in the graded exercise. Each check is called as
# check.pseudonymise_ids(function) for the public examples, or with cases=...
# and quick=False in a hidden test; pmcourse.check.FunctionCheck says more.
# --------------------------------------------------------------------------


def pseudonym_cases(*seeds: int, n_patients: int = 6) -> list[tuple[list[str], str]]:
    """(ids, key) test inputs: a few cohort patients and a key of its own per seed.

    Examples
    --------
    >>> [(len(ids), len(key) >= privacy.MIN_KEY_LENGTH) for ids, key in pseudonym_cases(1, 2)]
    [(6, True), (6, True)]
    """
    ids = datasets.load("cohort")["patient_id"]
    cases = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        picked = sorted(rng.choice(ids.to_numpy(), size=n_patients, replace=False))
        key = "study-key-" + "".join(rng.choice(list("abcdef0123456789"), size=16))
        cases.append((list(picked), key))
    return cases


pseudonymise_ids = FunctionCheck(
    "pseudonymise_ids",
    lambda ids, key: privacy.pseudonymise(list(ids), key).tolist(),
    examples=lambda: [([STORY_PATIENT, PRACTICE_PATIENT], COURSE_KEY)],
    hint="For each identifier, append hmac.new(key.encode(), patient_id.encode(), "
    "hashlib.sha256).hexdigest() to the list, and return the list.",
    common_mistakes=[
        (
            lambda ids, key: [_plain_hash(patient_id) for patient_id in ids],
            "Those are plain SHA-256 hashes, without the key: anyone could compute them. "
            "Use hmac.new(key.encode(), ...).",
        ),
        (
            lambda ids, key: [_swapped_hmac(patient_id, key) for patient_id in ids],
            "The key and the identifier are swapped: the key comes first in hmac.new( ).",
        ),
    ],
    show_inputs=False,
    forbidden=[(privacy, "pseudonymise")],
)


def extract_cases(*seeds: int, n_patients: int = 300) -> list[tuple[pd.DataFrame, list[str]]]:
    """(table, quasi_identifiers) test inputs: samples of the extract, grouped three ways.

    By the seed's remainder on division by 3: the raw sample on sex and smoking
    (large classes), the sample with 20-year age bands and no postcode on the
    three quasi-identifiers (small classes), or the raw sample on them (k = 1).

    Examples
    --------
    >>> [(len(table), columns) for table, columns in extract_cases(3, 4)]
    [(300, ['sex', 'smoker']), (300, ['age_years', 'sex', 'postcode'])]
    """
    cases = []
    for seed in seeds:
        table = _extract().sample(n_patients, random_state=seed)
        if seed % 3 == 0:
            cases.append((table, ["sex", "smoker"]))
        elif seed % 3 == 1:
            cases.append((_generalise(table, 20, 0), list(QUASI_IDENTIFIERS)))
        else:
            cases.append((table, list(QUASI_IDENTIFIERS)))
    return cases


smallest_class = FunctionCheck(
    "smallest_class",
    privacy.k_anonymity,
    examples=lambda: [
        (_coarser(), list(QUASI_IDENTIFIERS)),
        (_extract(), ["sex", "smoker"]),
    ],
    hint="Count the records of each class with table.groupby(quasi_identifiers).size(), and "
    "return the smallest with .min().",
    common_mistakes=[
        (
            lambda table, columns: int(table.groupby(columns).size().max()),
            "That is the largest class. k is the size of the smallest: .min().",
        ),
        (
            lambda table, columns: len(table.groupby(columns).size()),
            "That is the number of classes. k is the size of the smallest class.",
        ),
    ],
    show_inputs=False,
    forbidden=[(privacy, "k_anonymity"), (privacy, "equivalence_classes")],
)


def generalised_k_cases(*seeds: int, n_patients: int = 400) -> list[tuple]:
    """(extract, age_width, postcode_digits) test inputs: samples and generalisations per seed.

    Examples
    --------
    >>> [(len(table), width, digits) for table, width, digits in generalised_k_cases(3)]
    [(400, 15, 0)]
    """
    settings = [(5, 2), (10, 0), (20, 1), (15, 0), (20, 0)]
    cases = []
    for seed in seeds:
        width, digits = settings[seed % len(settings)]
        cases.append((_extract().sample(n_patients, random_state=seed), width, digits))
    return cases


def _generalised_k(extract: pd.DataFrame, age_width: int, postcode_digits: int) -> int:
    return privacy.k_anonymity(_generalise(extract, age_width, postcode_digits), QUASI_IDENTIFIERS)


generalised_k = FunctionCheck(
    "generalised_k",
    _generalised_k,
    examples=lambda: [(_extract(), 10, 0)],
    hint="Replace age_years by privacy.age_band(extract['age_years'], age_width) and postcode "
    "by privacy.truncate_postcode(extract['postcode'], postcode_digits) with .assign( ), "
    "then return the smallest class size of the result.",
    common_mistakes=[
        (
            lambda extract, width, digits: privacy.k_anonymity(extract, QUASI_IDENTIFIERS),
            "That is the k of the extract as it is. Generalise the ages and the postcodes first.",
        ),
        (
            lambda extract, width, digits: privacy.k_anonymity(
                extract.assign(age_years=privacy.age_band(extract["age_years"], width)),
                QUASI_IDENTIFIERS,
            ),
            "Only the ages were generalised. Truncate the postcodes too.",
        ),
        (
            lambda extract, width, digits: privacy.k_anonymity(
                extract.assign(postcode=privacy.truncate_postcode(extract["postcode"], digits)),
                QUASI_IDENTIFIERS,
            ),
            "Only the postcodes were truncated. Band the ages too.",
        ),
    ],
    show_inputs=False,
)


# --------------------------------------------------------------------------
# Interpretation questions of the graded exercise: a clinical choice, graded
# when submitted. The exercise's text shows the options with the same letters;
# tests/test_checks_beyond_the_genome.py checks the right answers against the data.
# --------------------------------------------------------------------------


def generalisation_table() -> pd.DataFrame:
    """Each generalisation of :data:`GENERALISATIONS` with its k, share unique and loss.

    Columns: ``option``, ``age_width``, ``postcode_digits``, ``suppress_below``,
    ``k``, ``share_unique``, ``suppressed_share`` and ``loss`` (the
    discernibility-based information loss of :func:`pmcourse.privacy.information_loss`).

    Examples
    --------
    >>> table = generalisation_table()
    >>> table["option"].tolist()
    ['A', 'B', 'C', 'D']
    """
    extract, rows = _extract(), []
    for option, (width, digits, suppress_below) in GENERALISATIONS.items():
        generalised = privacy.suppress_small_classes(
            _generalise(extract, width, digits), QUASI_IDENTIFIERS, suppress_below
        )
        loss = privacy.information_loss(extract, generalised, QUASI_IDENTIFIERS)
        rows.append(
            {
                "option": option,
                "age_width": width,
                "postcode_digits": digits,
                "suppress_below": suppress_below,
                "k": privacy.k_anonymity(generalised, QUASI_IDENTIFIERS),
                "share_unique": privacy.share_unique(generalised, QUASI_IDENTIFIERS),
                "suppressed_share": loss["suppressed_share"],
                "loss": loss["loss"],
            }
        )
    return pd.DataFrame(rows)


def _best_generalisation() -> str:
    table = generalisation_table()
    reaching = table[table["k"] >= TARGET_K]
    return str(reaching.sort_values("loss")["option"].iloc[0])


def _options_text(options: Sequence[str]) -> dict[str, str]:
    texts = {}
    for option in options:
        width, digits, suppress_below = GENERALISATIONS[option]
        postcode = (
            "no postcode"
            if digits == 0
            else (f"the first {digits} digit{'s' if digits > 1 else ''} of the postcode")
        )
        suppressed = (
            f", and the records of classes under {suppress_below} left out"
            if suppress_below > 1
            else ", nothing left out"
        )
        texts[option] = f"{width}-year age bands, {postcode}{suppressed}."
    return texts


#: Part 4: which generalisation reaches k >= 5 with the least information lost?
best_generalisation = Choice(
    "answer_generalisation",
    options=_options_text(list(GENERALISATIONS)),
    correct=_best_generalisation,
    reasoning={
        label: "Read its row of the table: does it reach k of 5 or more, and does another "
        "option that does lose less?"
        for label in GENERALISATIONS
    },
    hint="First keep the options whose k is 5 or more; among them, take the smallest loss.",
)

#: Part 5: is the research extract anonymous or pseudonymised under the GDPR?
anonymous_or_pseudonymised = Choice(
    "answer_anonymous",
    options={
        "A": "Anonymous: the identifiers were replaced by hashes that cannot be reversed, so "
        "the GDPR no longer applies.",
        "B": "Pseudonymised personal data: the hospital keeps the key that links each "
        "pseudonym to a patient, and even without it some patients can be singled out by "
        "age, sex and postcode. The GDPR applies in full.",
        "C": "Anonymous, as soon as it is generalised to k of 5 or more, even with the "
        "pseudonym column kept.",
        "D": "Not personal data at all, because it holds no names and no CPR numbers.",
    },
    correct="B",
    reasoning={
        "A": "Who holds the key, and what can they do with it? Read Art. 4(5) and Recital 26.",
        "C": "After generalisation, can whoever holds the key still link a row to a patient?",
        "D": "Can a person be identified indirectly, without a name? Look at the share of "
        "records unique on age, sex and postcode.",
    },
    hint="Ask who could link a row back to a patient, with the key or without it.",
)

#: Part 6: may the clinic's wearable data be used for the research study?
wearable_research_use = Choice(
    "answer_wearable",
    options={
        "A": "Yes, as they are: the clinic collected them for care under Art. 9(2)(h), and "
        "that covers research in the same hospital.",
        "B": "Only on a research basis of its own: an Art. 6 basis and either each patient's "
        "explicit consent (Art. 9(2)(a)) or Art. 9(2)(j) with the safeguards of Art. 89 and "
        "Danish law (section 10 of the Data Protection Act: a study of significant societal "
        "importance, the data then used for research only, with the approvals the project "
        "needs); the extract pseudonymised and limited to what the study needs.",
        "C": "Never: data from a consumer device may not be used for research.",
        "D": "Yes, with no further basis, once the identifiers are replaced by HMAC pseudonyms.",
    },
    correct="B",
    reasoning={
        "A": "Is a research study the same purpose as the patient's own care? Which Art. 9(2) "
        "exception names research?",
        "C": "Does the GDPR ask where data were measured, or on which basis they are used?",
        "D": "Are pseudonymised data still personal data? Is pseudonymisation a basis or a "
        "safeguard?",
    },
    hint="Care and research are different purposes: each needs its own basis.",
)
