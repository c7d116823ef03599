import hashlib
import hmac

import pandas as pd
import pytest

from pmcourse import datasets
from pmcourse.privacy import (
    MIN_KEY_LENGTH,
    age_band,
    equivalence_classes,
    information_loss,
    k_anonymity,
    pseudonymise,
    share_unique,
    suppress_small_classes,
    truncate_postcode,
)

KEY = "a-course-key-of-more-than-16-characters"
QIS = ["age_years", "sex", "postcode"]


@pytest.fixture(scope="module")
def extract():
    """The cohort's quasi-identifiers: age, sex and the synthetic postcode."""
    cohort = datasets.load("cohort").merge(datasets.load("postcodes"), on="patient_id")
    return cohort[["patient_id", *QIS]].assign(sex=cohort["sex"].astype(str))


@pytest.fixture
def worked():
    """A worked example whose classes are counted by hand (see test_k_anonymity_worked_example)."""
    return pd.DataFrame(
        {
            "age_years": [41, 43, 47, 52, 55, 58, 58, 61],
            "sex": ["female", "female", "female", "male", "male", "male", "male", "female"],
            "postcode": ["2100", "2200", "2100", "8000", "8200", "8000", "8000", "5000"],
        }
    )


# --- pseudonymise ------------------------------------------------------------


def test_pseudonyms_are_hmac_sha256_of_the_identifier():
    ids = ["PM-000030", "PM-000008"]
    expected = [hmac.new(KEY.encode(), i.encode(), hashlib.sha256).hexdigest() for i in ids]
    assert pseudonymise(ids, KEY).tolist() == expected


def test_pseudonyms_are_stable_per_key_and_differ_across_keys():
    ids = pd.Series(["PM-000030", "PM-000008", "PM-000030"])
    first = pseudonymise(ids, KEY)
    assert first.equals(pseudonymise(ids, KEY))
    assert first[0] == first[2] and first[0] != first[1]
    other = pseudonymise(ids, KEY + "-other")
    assert not set(first) & set(other)


def test_pseudonyms_keep_a_series_index_and_number_a_list():
    ids = pd.Series(["PM-000030", "PM-000008"], index=[30, 8])
    assert pseudonymise(ids, KEY).index.tolist() == [30, 8]
    assert pseudonymise(["PM-000030", "PM-000008"], KEY).index.tolist() == [0, 1]
    assert len(pseudonymise([], KEY)) == 0


def test_pseudonyms_hold_no_trace_of_the_identifier(extract):
    pseudonyms = pseudonymise(extract["patient_id"], KEY)
    assert pseudonyms.str.fullmatch(r"[0-9a-f]{64}").all()
    assert pseudonyms.nunique() == len(extract)
    for patient_id, pseudonym in zip(extract["patient_id"], pseudonyms, strict=True):
        assert patient_id not in pseudonym and patient_id[3:] not in pseudonym
    # a plain (unkeyed) hash could be reversed by hashing every candidate number
    plain = {hashlib.sha256(i.encode()).hexdigest() for i in extract["patient_id"]}
    assert not plain & set(pseudonyms)


@pytest.mark.parametrize("key", ["", "short", "x" * (MIN_KEY_LENGTH - 1)])
def test_a_short_or_empty_key_is_refused_with_the_reason(key):
    with pytest.raises(ValueError, match="at least 16") as error:
        pseudonymise(["PM-000030"], key)
    assert ("empty" if not key else f"{len(key)} characters") in str(error.value)


def test_a_missing_identifier_is_refused():
    with pytest.raises(ValueError, match="at index 1 is missing"):
        pseudonymise(["PM-000030", None], KEY)


def test_a_key_of_exactly_16_characters_is_accepted():
    assert len(pseudonymise(["PM-000030"], "x" * MIN_KEY_LENGTH)[0]) == 64


def test_a_key_that_is_not_text_is_a_type_error():
    with pytest.raises(TypeError, match="text"):
        pseudonymise(["PM-000030"], 1234567890123456789)


# --- k-anonymity -------------------------------------------------------------


def test_k_anonymity_worked_example(worked):
    """Cross-check by hand, because pycanon cannot share the course's environment.

    pycanon 1.3.6 pins exact versions of numpy (2.0.2), scipy, pandas and
    typing_extensions, so it would downgrade the course's own dependencies; it
    is not in the test extra. (Run once beside it on the course's extract for
    16 generalisations, it gave the same k as :func:`k_anonymity` every time.)
    By hand, on age in 10-year bands, sex and postcode to one digit, the
    classes are: 40-49/female/2*** (3 records), 50-59/male/8*** (4) and
    60-69/female/5*** (1). So k is 1, one record in eight is unique, and
    suppressing classes under 2 leaves the seven records of k = 3.
    """
    banded = worked.assign(
        age_years=age_band(worked["age_years"], 10),
        postcode=truncate_postcode(worked["postcode"], 1),
    )
    classes = equivalence_classes(banded, QIS)
    assert classes.values.tolist() == [
        ["60-69", "female", "5***", 1],
        ["40-49", "female", "2***", 3],
        ["50-59", "male", "8***", 4],
    ]
    assert k_anonymity(banded, QIS) == 1
    assert share_unique(banded, QIS) == 1 / 8
    kept = suppress_small_classes(banded, QIS, 2)
    assert kept.index.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert k_anonymity(kept, QIS) == 3
    # unbanded: only the two 58-year-old men from 8000 share their values
    assert k_anonymity(worked, QIS) == 1
    assert share_unique(worked, QIS) == 6 / 8


def test_k_anonymity_equals_the_smallest_class(extract):
    for width, digits in [(1, 4), (10, 1), (20, 0)]:
        table = extract.assign(
            age_years=age_band(extract["age_years"], width),
            postcode=truncate_postcode(extract["postcode"], digits),
        )
        classes = equivalence_classes(table, QIS)
        assert classes["n_records"].sum() == len(table)
        assert k_anonymity(table, QIS) == classes["n_records"].min()
        unique = classes.loc[classes["n_records"] == 1, "n_records"].sum()
        assert share_unique(table, QIS) == unique / len(table)


def test_more_generalisation_never_lowers_k(extract):
    ks = [
        k_anonymity(extract.assign(age_years=age_band(extract["age_years"], w)), ["age_years"])
        for w in (1, 5, 10, 20, 100)
    ]
    assert ks == sorted(ks) and ks[-1] == len(extract)


def test_an_empty_frame_has_k_0_and_no_unique_records(extract):
    empty = extract.iloc[:0]
    assert k_anonymity(empty, QIS) == 0
    assert share_unique(empty, QIS) == 0.0
    assert equivalence_classes(empty, QIS).empty
    assert suppress_small_classes(empty, QIS, 5).empty


@pytest.mark.parametrize(
    "function",
    [
        k_anonymity,
        share_unique,
        equivalence_classes,
        lambda df, q: suppress_small_classes(df, q, 2),
    ],
)
def test_a_missing_quasi_identifier_column_is_named(extract, function):
    with pytest.raises(ValueError, match="'zip_code'") as error:
        function(extract, ["age_years", "zip_code"])
    assert "postcode" in str(error.value)  # the columns it has are listed


def test_no_quasi_identifier_at_all_is_refused(extract):
    with pytest.raises(ValueError, match="at least one quasi-identifier"):
        k_anonymity(extract, [])


def test_k_larger_than_the_table_suppresses_everything(worked):
    kept = suppress_small_classes(worked, ["sex"], len(worked) + 1)
    assert kept.empty and list(kept.columns) == list(worked.columns)
    assert k_anonymity(kept, ["sex"]) == 0
    loss = information_loss(worked, kept, ["sex"])
    assert loss["suppressed_share"] == 1.0 and loss["loss"] == 1.0


def test_suppression_gives_the_k_it_was_asked_for(extract):
    banded = extract.assign(
        age_years=age_band(extract["age_years"], 10),
        postcode=truncate_postcode(extract["postcode"], 1),
    )
    for k in (2, 5, 10):
        kept = suppress_small_classes(banded, QIS, k)
        assert k_anonymity(kept, QIS) >= k
        assert 0 < len(kept) < len(banded)


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_k_must_be_a_whole_number_from_1(worked, k):
    with pytest.raises(ValueError, match="whole number"):
        suppress_small_classes(worked, QIS, k)


# --- generalisation ----------------------------------------------------------


def test_age_bands_start_at_multiples_of_the_width():
    ages = pd.Series([0, 9, 10, 46, 95, None], index=list("abcdef"), name="age_years")
    bands = age_band(ages, 10)
    assert bands.tolist()[:5] == ["0-9", "0-9", "10-19", "40-49", "90-99"]
    assert pd.isna(bands["f"]) and bands.index.tolist() == list("abcdef")
    assert age_band([46, 47], 5).tolist() == ["45-49", "45-49"]
    assert age_band([46], 1).tolist() == ["46"]


@pytest.mark.parametrize("width", [0, -5, 2.5])
def test_an_age_band_width_must_be_a_whole_number(width):
    with pytest.raises(ValueError, match="whole number of years"):
        age_band([46], width)


def test_postcodes_are_truncated_to_the_digits_kept():
    codes = pd.Series(["2100", "8000"], index=[5, 6])
    assert truncate_postcode(codes, 4).tolist() == ["2100", "8000"]
    assert truncate_postcode(codes, 1).tolist() == ["2***", "8***"]
    assert truncate_postcode(codes, 0).tolist() == ["****", "****"]
    assert truncate_postcode(codes, 2).index.tolist() == [5, 6]
    assert truncate_postcode([2100], 3).tolist() == ["210*"]


@pytest.mark.parametrize("postcodes, digits", [(["2100"], 5), (["2100"], -1), (["210"], 2)])
def test_bad_postcodes_or_digits_are_refused(postcodes, digits):
    with pytest.raises(ValueError, match="digits|four digits"):
        truncate_postcode(postcodes, digits)


# --- information loss --------------------------------------------------------


def test_information_loss_is_0_unchanged_and_grows_with_generalisation(extract):
    assert information_loss(extract, extract, QIS)["loss"] == 0.0
    losses = []
    for width in (5, 10, 20):
        banded = extract.assign(
            age_years=age_band(extract["age_years"], width),
            postcode=truncate_postcode(extract["postcode"], 1),
        )
        losses.append(information_loss(extract, banded, QIS)["loss"])
    assert 0 < losses[0] < losses[1] < losses[2] < 1


def test_information_loss_counts_suppressed_records_as_the_whole_table(worked):
    """Discernibility by hand: classes of 1, 3 and 4 records; one record suppressed."""
    banded = worked.assign(
        age_years=age_band(worked["age_years"], 10),
        postcode=truncate_postcode(worked["postcode"], 1),
    )
    kept = suppress_small_classes(banded, QIS, 2)
    loss = information_loss(worked, kept, QIS)
    assert loss["suppressed_share"] == 1 / 8
    assert loss["discernibility"] == 3 * 3 + 4 * 4 + 1 * 8
    before = 6 * 1 + 2 * 2  # six unique records and the pair of 58-year-old men
    assert loss["loss"] == pytest.approx((33 - before) / (64 - before))


def test_information_loss_refuses_records_not_in_the_original(worked):
    moved = worked.set_axis(range(10, 18))
    with pytest.raises(ValueError, match="not in the original"):
        information_loss(worked, moved, QIS)
