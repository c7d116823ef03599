import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmcourse import datasets, genetics
from pmcourse.cohort import make_cohort


@pytest.fixture(scope="module")
def genotypes():
    return genetics.make_genotypes(make_cohort(20_000, seed=5), seed=6)


def test_genotypes_are_reproducible():
    cohort = make_cohort(200, seed=1)
    pd.testing.assert_frame_equal(
        genetics.make_genotypes(cohort, seed=2), genetics.make_genotypes(cohort, seed=2)
    )
    assert not genetics.make_genotypes(cohort, seed=2).equals(
        genetics.make_genotypes(cohort, seed=3)
    )


def test_default_seed_gives_the_course_genotypes(root):
    committed = datasets.load("genotypes", data_dir=root / "data")
    pd.testing.assert_frame_equal(genetics.make_genotypes(make_cohort()), committed)


def test_genotypes_of_a_smaller_cohort_are_the_first_rows_of_a_larger_ones():
    larger = genetics.make_genotypes(make_cohort(2500, seed=3), seed=4)
    smaller = genetics.make_genotypes(make_cohort(1001, seed=3), seed=4)
    pd.testing.assert_frame_equal(smaller, larger.head(1001))


def test_a_patients_genotypes_do_not_depend_on_the_other_patients():
    cohort = make_cohort(2500, seed=3)
    everyone = genetics.make_genotypes(cohort, seed=4).set_index("patient_id")
    some = genetics.make_genotypes(cohort.iloc[::-7], seed=4).set_index("patient_id")
    pd.testing.assert_frame_equal(some, everyone.loc[some.index])


@pytest.mark.parametrize("seed", [genetics.GENOTYPES_SEED, 1, None])
def test_scenario_patients_keep_their_story_genotypes(seed):
    genotypes = genetics.make_genotypes(make_cohort(40), seed=seed).set_index("patient_id")
    for patient, planted in genetics.SCENARIO_GENOTYPES.items():
        assert genotypes.loc[patient, list(planted)].to_dict() == planted


def test_genotype_frequencies_follow_the_panel(genotypes):
    panel = genetics.snp_panel().set_index("rsid")
    for rsid in ["rs4244285", "rs9923231"]:
        observed = genetics.allele_frequencies_by_ancestry(genotypes, rsid)
        for group in ["EUR", "CSA"]:
            assert observed[group] == pytest.approx(panel.loc[rsid, group], abs=0.03)


def test_each_group_is_in_equilibrium(genotypes):
    eur = genotypes[genotypes["ancestry"] == "EUR"]
    result = genetics.hardy_weinberg_test(*genetics.genotype_counts(eur["rs9923231"]))
    assert result.p_value > 0.001


def test_panel_has_source_and_six_snps():
    panel = genetics.snp_panel()
    assert len(panel) == 6
    assert "CPIC" in panel.attrs["source"]
    assert panel[["EUR", "EA", "SSA", "AA", "CSA", "LAT"]].stack().between(0, 1).all()


def test_allele_frequency_formula():
    # p = (2 n_ref_ref + n_ref_alt) / 2N from reference/genetics.md
    assert genetics.allele_frequency(10, 20, 70) == pytest.approx(40 / 200)
    assert genetics.variant_allele_frequency([0, 0, 1, 2, np.nan]) == pytest.approx(3 / 8)


def test_genotype_counts_ignore_missing():
    assert genetics.genotype_counts(pd.Series([0, 1, np.nan, 2, 2])) == (1, 1, 2)


def test_hardy_weinberg_matches_scipy_chisquare():
    observed = np.array([298, 489, 213])
    result = genetics.hardy_weinberg_test(*observed)
    p = (2 * 298 + 489) / 2000
    expected = np.array([p * p, 2 * p * (1 - p), (1 - p) ** 2]) * 1000
    reference = stats.chisquare(observed, expected, ddof=1)  # 3 - 1 - 1 = 1 df
    assert result.expected == pytest.approx(tuple(expected))
    assert result.chi_square == pytest.approx(reference.statistic)
    assert result.p_value == pytest.approx(reference.pvalue)


def test_hardy_weinberg_critical_value():
    # a chi-square of 3.841 with 1 df is the 5% critical value (reference/genetics.md)
    assert stats.chi2.sf(3.841, df=1) == pytest.approx(0.05, abs=1e-4)


def test_monomorphic_snp_fits_trivially():
    result = genetics.hardy_weinberg_test(100, 0, 0)
    assert (result.chi_square, result.p_value) == (0.0, 1.0)


@pytest.mark.parametrize("counts", [(0, 0, 0), (-1, 5, 5), (np.nan, 1, 1)])
def test_bad_counts_are_rejected(counts):
    with pytest.raises(ValueError):
        genetics.hardy_weinberg_test(*counts)


def test_bad_genotypes_give_plain_errors():
    with pytest.raises(ValueError, match="0, 1 or 2"):
        genetics.genotype_counts([0, 3])
    with pytest.raises(TypeError, match="one column"):
        genetics.genotype_counts("0,1,2")


def test_heterozygote_deficit_is_detected():
    counts = genetics.simulate_genotype_counts(0.5, 2000, inbreeding=0.3, seed=4)
    assert genetics.hardy_weinberg_test(*counts).p_value < 1e-6
    in_equilibrium = genetics.simulate_genotype_counts(0.5, 2000, seed=4)
    assert genetics.hardy_weinberg_test(*in_equilibrium).p_value > 0.001


def test_pooling_groups_breaks_equilibrium(genotypes):
    # Wahlund effect: EUR and EA differ strongly at VKORC1 -1639 (0.41 vs 0.87)
    pooled = genotypes[genotypes["ancestry"].isin(["EUR", "EA"])]["rs9923231"]
    assert genetics.hardy_weinberg_test(*genetics.genotype_counts(pooled)).p_value < 0.01


def test_carriers_keeps_the_index():
    series = pd.Series([0, 1, 2], index=["a", "b", "c"])
    assert genetics.carriers(series).to_dict() == {"a": False, "b": True, "c": True}


def test_make_genotypes_rejects_a_frame_without_ancestry():
    with pytest.raises(ValueError, match="ancestry"):
        genetics.make_genotypes(pd.DataFrame({"patient_id": ["PM-000001"]}))


@pytest.mark.parametrize("counts", [(36, 48, 16), (50, 20, 30), (381, 429, 190), (0, 3, 997)])
def test_hardy_weinberg_p_value_is_scipys_chi_square_tail(counts):
    result = genetics.hardy_weinberg_test(*counts)
    assert result.p_value == pytest.approx(stats.chi2.sf(result.chi_square, df=1), rel=1e-12)


# --------------------------------------------------------------------------
# The exact test (Wigginton, Cutler & Abecasis, Am J Hum Genet 2005)
# --------------------------------------------------------------------------


def _levene_probabilities(n_patients: int, n_alt_alleles: int) -> dict[int, Fraction]:
    """Every possible heterozygote count and its exact probability (Levene 1949).

    Written independently of the library: whole-number arithmetic, every
    configuration of the genotypes enumerated, no recurrence.
    """
    probabilities = {}
    for n_het in range(
        n_alt_alleles % 2, min(n_alt_alleles, 2 * n_patients - n_alt_alleles) + 1, 2
    ):
        n_alt_alt = (n_alt_alleles - n_het) // 2
        n_ref_ref = n_patients - n_het - n_alt_alt
        arrangements = math.factorial(n_patients) // (
            math.factorial(n_ref_ref) * math.factorial(n_het) * math.factorial(n_alt_alt)
        )
        probabilities[n_het] = Fraction(
            arrangements * 2**n_het, math.comb(2 * n_patients, n_alt_alleles)
        )
    return probabilities


def _exact_p_value(n_ref_ref: int, n_ref_alt: int, n_alt_alt: int) -> float:
    probabilities = _levene_probabilities(
        n_ref_ref + n_ref_alt + n_alt_alt, n_ref_alt + 2 * n_alt_alt
    )
    observed = probabilities[n_ref_alt]
    return float(sum(p for p in probabilities.values() if p <= observed))


def test_levene_probabilities_add_up_to_one():
    assert sum(_levene_probabilities(30, 17).values()) == 1


# The program of Wigginton et al. (snp_hwe.c) gives these p-values; they are the
# test values of the snphwe package, a wrapper of that C code
# (jeremymcrae/snphwe, tests/test_hwe.py): snphwe(hets, hom1, hom2).
@pytest.mark.parametrize(
    ("counts", "published"),
    [((10, 500, 5000), 0.65157189991), ((20, 1000, 5000), 1.26598491e-5)],
)
def test_exact_test_matches_the_papers_program(counts, published):
    assert genetics.hardy_weinberg_exact(*counts).p_value == pytest.approx(published, rel=1e-8)


@pytest.mark.parametrize(
    "counts",
    [(9, 0, 1), (56, 4, 1), (41, 11, 0), (27, 13, 5), (2, 14, 45), (50, 20, 30), (0, 7, 0),
     (3, 0, 5), (1, 0, 0), (25, 50, 25), (0, 10, 10)],
)  # fmt: skip
def test_exact_test_matches_full_enumeration(counts):
    assert genetics.hardy_weinberg_exact(*counts).p_value == pytest.approx(
        min(1.0, _exact_p_value(*counts)), rel=1e-9
    )


def test_exact_test_is_symmetric_in_the_two_alleles():
    assert genetics.hardy_weinberg_exact(56, 4, 1).p_value == pytest.approx(
        genetics.hardy_weinberg_exact(1, 4, 56).p_value
    )


def test_mid_p_counts_the_observed_count_half():
    counts = (56, 4, 1)
    probabilities = _levene_probabilities(61, 6)
    mid_p = genetics.hardy_weinberg_exact(*counts, mid_p=True).p_value
    assert mid_p == pytest.approx(_exact_p_value(*counts) - float(probabilities[4]) / 2)
    assert mid_p < genetics.hardy_weinberg_exact(*counts).p_value


def test_exact_and_chi_square_disagree_where_expected_counts_are_small():
    # CYP2C19*17 in the course's East Asian group: one alt/alt patient where 0.1
    # is expected. The chi-square test flags a deviation; the exact test does not.
    genotypes = datasets.load("genotypes")
    ea = genotypes[genotypes["ancestry"] == "EA"]["rs12248560"]
    counts = genetics.genotype_counts(ea)
    assert min(genetics.hardy_weinberg_test(*counts).expected) < 5
    assert genetics.hardy_weinberg_test(*counts).p_value < 0.05
    assert genetics.hardy_weinberg_exact(*counts).p_value > 0.05


def test_exact_and_chi_square_agree_in_large_samples():
    counts = (298, 489, 213)
    exact = genetics.hardy_weinberg_exact(*counts).p_value
    assert exact == pytest.approx(genetics.hardy_weinberg_test(*counts).p_value, abs=0.03)


def test_exact_test_gives_plain_errors():
    with pytest.raises(ValueError, match="whole numbers"):
        genetics.hardy_weinberg_exact(10.5, 3, 1)
    with pytest.raises(ValueError, match="zero or more"):
        genetics.hardy_weinberg_exact(-1, 3, 1)
    with pytest.raises(ValueError, match="no patients"):
        genetics.hardy_weinberg_exact(0, 0, 0)
