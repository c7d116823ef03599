import gzip
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmcourse import datasets, sequencing
from pmcourse.sequencing import (
    Pile,
    base_qualities,
    call_accuracy,
    call_genotype,
    error_to_phred,
    filter_calls,
    genotype_likelihoods,
    phred_to_error,
    read_vcf,
    simulate_pile,
    vcf_long,
    write_vcf,
)

# --- Phred qualities -------------------------------------------------------------------


def test_phred_edge_qualities_0_and_60():
    assert phred_to_error(0) == 1.0
    assert phred_to_error(60) == pytest.approx(1e-6)
    assert error_to_phred(1) == 0.0
    assert error_to_phred(1e-6) == pytest.approx(60)


def test_phred_conversions_are_vectorised_and_inverse():
    q = np.array([0, 7, 20, 30, 41.5])
    errors = phred_to_error(q)
    assert isinstance(errors, np.ndarray) and errors.shape == q.shape
    np.testing.assert_allclose(error_to_phred(errors), q)
    assert isinstance(phred_to_error(20), float) and isinstance(error_to_phred(0.01), float)
    assert error_to_phred(pd.Series([0.1, 0.001])).tolist() == pytest.approx([10, 30])


@pytest.mark.parametrize("q", [-1, [10, -0.5], float("nan")])
def test_negative_or_missing_quality_is_a_plain_error(q):
    with pytest.raises(ValueError, match="Phred quality is 0 or more"):
        phred_to_error(q)


@pytest.mark.parametrize("p", [0, -0.1, 1.5, [0.1, 2]])
def test_impossible_error_probability_is_a_plain_error(p):
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        error_to_phred(p)


def test_base_qualities_are_ascii_minus_33():
    line = "!+5?I~"
    assert base_qualities(line) == [ord(char) - 33 for char in line] == [0, 10, 20, 30, 40, 93]
    assert base_qualities("") == []
    with pytest.raises(ValueError, match="not a FASTQ quality character"):
        base_qualities("II I")
    with pytest.raises(TypeError):
        base_qualities([40, 40])


# --- piles and calls -------------------------------------------------------------------


def _independent_call(n_ref: int, n_alt: int, error_rate: float) -> tuple[int, int, list[int]]:
    """The call, GQ and PL from scipy's binomial distribution (a second computation)."""
    depth = n_ref + n_alt
    chances = [error_rate, 0.5, 1 - error_rate]
    phred = [-10 * stats.binom.logpmf(n_alt, depth, p) / np.log(10) for p in chances]
    best = int(np.argmin(phred))
    ordered = sorted(phred)
    gq = min(99, round(ordered[1] - ordered[0]))
    return best, gq, [round(value - ordered[0]) for value in phred]


@pytest.mark.parametrize("error_rate", [0.01, 0.001, 1e-6])
@pytest.mark.parametrize(
    ("n_ref", "n_alt"),
    [(30, 0), (0, 30), (15, 14), (3, 1), (1, 0), (0, 1), (8, 3), (20, 2), (5, 5), (2, 40)],
)
def test_call_is_the_maximum_likelihood_genotype_with_gq_and_pl(n_ref, n_alt, error_rate):
    call = call_genotype(n_ref, n_alt, error_rate)
    best, gq, pl = _independent_call(n_ref, n_alt, error_rate)
    assert call.genotype == sequencing.GENOTYPES[best]
    likelihoods = genotype_likelihoods(n_ref, n_alt, error_rate)
    assert call.genotype == max(likelihoods, key=likelihoods.get)
    assert call.gq == gq
    assert list(call.pl) == pl and min(call.pl) == 0


def test_all_ref_and_all_alt_piles_are_confident_homozygotes():
    assert call_genotype(30, 0) == call_genotype(30, 0, 0.01)
    assert call_genotype(30, 0).genotype == "0/0" and call_genotype(30, 0).gq >= 80
    assert call_genotype(0, 30).genotype == "1/1" and call_genotype(0, 30).gq >= 80
    assert call_genotype(0, 60, phred_to_error(60)).gq == 99  # capped


def test_heterozygous_pile_and_low_depth():
    assert call_genotype(15, 14).genotype == "0/1" and call_genotype(15, 14).gq == 99
    low = call_genotype(3, 1)
    assert low.genotype == "0/1" and low.gq < 20


def test_depth_zero_is_a_clear_error():
    with pytest.raises(ValueError, match="depth 0"):
        call_genotype(0, 0)
    with pytest.raises(ValueError, match="depth 0"):
        genotype_likelihoods(0, 0)


@pytest.mark.parametrize("error_rate", [0, 0.5, 1.2, -0.01])
def test_impossible_error_rate_is_a_plain_error(error_rate):
    with pytest.raises(ValueError, match="above 0 and below 0.5"):
        call_genotype(10, 10, error_rate)


def test_negative_or_fractional_counts_are_errors():
    with pytest.raises(ValueError, match="whole number"):
        call_genotype(-1, 5)
    with pytest.raises(ValueError, match="whole number"):
        call_genotype(2.5, 5)


def test_simulate_pile_is_seeded_and_follows_the_genotype():
    assert simulate_pile(1, 40, 0.01, seed=3) == simulate_pile(1, 40, 0.01, seed=3)
    piles = [simulate_pile(1, 40, 0.01, seed=seed) for seed in range(20)]
    assert len(set(piles)) > 1
    assert all(isinstance(p, Pile) and p.depth == 40 for p in piles)
    assert simulate_pile(0, 50, 1e-6, seed=1) == Pile(50, 0)
    assert simulate_pile(2, 50, 1e-6, seed=1) == Pile(0, 50)
    with pytest.raises(ValueError, match="0, 1 or 2"):
        simulate_pile(3, 10, seed=1)
    with pytest.raises(ValueError, match="depth"):
        simulate_pile(1, 0, seed=1)


def test_call_accuracy_rises_with_depth_and_matches_a_direct_simulation():
    accuracies = [call_accuracy(depth, 0.01, n_sites=4000) for depth in (2, 5, 10, 20, 30)]
    assert accuracies == sorted(accuracies) and accuracies[0] < 0.6 and accuracies[-1] == 1.0
    # a heterozygote at depth 2 is called 0/1 only when one read of each allele: ~1/2
    assert call_accuracy(2, 0.01, n_sites=4000) == pytest.approx(0.5, abs=0.04)
    assert call_accuracy(5, 0.01, genotype=0) > call_accuracy(5, 0.01, genotype=1)
    assert call_accuracy(8, 0.01, seed=1) == call_accuracy(8, 0.01, seed=1)
    with pytest.raises(ValueError, match="depth"):
        call_accuracy(0, 0.01)


def test_call_accuracy_explains_30x_and_cites_its_source(root):
    text = " ".join(call_accuracy.__doc__.split())
    assert "30x" in text and "Ajay et al. (2011)" in text
    assert "mosaic" in text and "somatic" in text
    bib = (root / "book" / "references.bib").read_text()
    assert "@article{ajay2011," in bib


# --- VCF -------------------------------------------------------------------------------


def _shipped_vcfs(root):
    paths = sorted((root / "data").glob("*.vcf.gz"))
    assert paths, "data/ holds no VCF"
    return paths


def test_every_shipped_vcf_passes_bcftools_without_warning(root, required_tool):
    bcftools = required_tool("bcftools", "bcftools tabix")
    for path in _shipped_vcfs(root):
        view = subprocess.run(
            [bcftools, "view", "--no-header", str(path)], capture_output=True, text=True
        )
        assert view.returncode == 0 and view.stderr == "", f"{path.name}: {view.stderr}"
        n_records = len(view.stdout.splitlines())
        assert n_records == len(read_vcf(path)) > 0
        index = subprocess.run(
            [bcftools, "index", "--nrecords", str(path)], capture_output=True, text=True
        )
        assert index.stderr == "" and int(index.stdout) == n_records, path.name
        stats_run = subprocess.run([bcftools, "stats", str(path)], capture_output=True, text=True)
        assert stats_run.returncode == 0 and stats_run.stderr == "", path.name
        first = view.stdout.splitlines()[0].split("\t")
        region = subprocess.run(
            [bcftools, "view", "-H", "-r", f"{first[0]}:{first[1]}", str(path)],
            capture_output=True,
            text=True,
        )
        assert region.stderr == "" and region.stdout.startswith("\t".join(first[:5])), (
            f"{path.name}: the tabix index finds the first record"
        )


def test_every_shipped_vcf_has_the_header_a_reader_needs(root):
    for path in _shipped_vcfs(root):
        header = _header(path)
        text = "".join(header)
        assert header[0] == "##fileformat=VCFv4.2\n"
        assert "##comment=Synthetic data, not for clinical use." in text
        assert "##source=" in text and "##reference=GRCh38" in text
        for line in ("##FILTER=<ID=LowQual", "##INFO=<ID=DP", "##contig=<ID=chr"):
            assert line in text, line
        for field in ("GT", "DP", "GQ", "AD"):
            assert f"##FORMAT=<ID={field}," in text, field
    calls = "".join(_header(root / "data" / "variant_calls.vcf.gz"))
    assert "##contig=<ID=chr10,length=133797422" in calls and "##FORMAT=<ID=PL," in calls
    trios = "".join(_header(root / "data" / "trio_variants.vcf.gz"))
    assert "##contig=<ID=chrX,length=156040895" in trios
    for field in ("gene", "consequence", "population_af", "cadd_phred"):
        assert f"##INFO=<ID={field}," in trios, field


def _header(path):
    with gzip.open(path, "rt") as file:
        return [line for line in file if line.startswith("##")]


def test_variant_calls_agree_with_the_genotypes_of_modules_1_and_4():
    calls = datasets.load("variant_calls")
    assert set(calls["patient_id"]) == set(datasets.VCF_PATIENTS)
    assert 6 <= len(datasets.VCF_PATIENTS) <= 10 and "PM-000030" in datasets.VCF_PATIENTS
    genotypes = datasets.load("genotypes").set_index("patient_id")
    reliable = filter_calls(calls)
    reliable = reliable[reliable["ID"].isin(genotypes.columns)]
    copies = reliable["GT"].map({"0/0": 0, "0/1": 1, "1/1": 2}).tolist()
    pairs = zip(reliable["patient_id"], reliable["ID"], strict=True)
    assert copies == [genotypes.loc[patient, rsid] for patient, rsid in pairs]
    assert reliable["ID"].nunique() == 6 and len(reliable) > 40
    his_calls = reliable[reliable["patient_id"] == "PM-000030"].set_index("ID")["GT"]
    story = {"rs4244285": "0/1", "rs12248560": "0/0", "rs1057910": "0/1", "rs4149056": "0/0"}
    assert his_calls[list(story)].to_dict() == story  # CYP2C19 *1/*2, CYP2C9 *1/*3, SLCO1B1
    his = calls[(calls["patient_id"] == "PM-000030") & (calls["ID"] == "rs4244285")].iloc[0]
    assert (his["CHROM"], his["POS"], his["REF"], his["ALT"], his["GT"]) == (
        "chr10",
        94781859,
        "G",
        "A",
        "0/1",
    )
    assert his["FILTER"] == "PASS" and his["GQ"] >= 20 and his["DP"] >= 10
    diplotypes = datasets.load("diplotypes").set_index("patient_id")
    star3 = calls[calls["ID"] == "rs4986893"].set_index("patient_id")["GT"]
    assert (star3 != "0/0").to_dict() == {
        p: "*3" in diplotypes.loc[p, "CYP2C19"] for p in star3.index
    }


def test_variant_calls_hold_the_low_quality_calls_to_set_aside():
    calls = datasets.load("variant_calls")
    set_aside = calls.drop(filter_calls(calls).index)
    assert {"LowQual"} <= set(calls["FILTER"]) and "PASS" in set(calls["FILTER"])
    assert (set_aside["DP"] < 10).any() and (set_aside["GQ"] < 20).any()
    assert ((set_aside["FILTER"] == "PASS") & (set_aside["DP"] < 10)).any()
    dpyd = calls[(calls["ID"] == "rs3918290") & (calls["patient_id"] == "PM-000043")].iloc[0]
    assert dpyd["FILTER"] == "LowQual" and dpyd["GT"] == "0/1" and dpyd["DP"] < 10
    for patient, rsid in sequencing.SCENARIO_DEPTHS:
        row = calls[(calls["patient_id"] == patient) & (calls["ID"] == rsid)]
        assert row.index[0] in set_aside.index, (patient, rsid)
    assert len(set_aside) < len(calls) / 4


def test_read_counts_are_the_reads_behind_the_calls():
    reads = datasets.load("read_counts")
    assert list(reads.columns) == ["patient_id", "rsid", "depth", "n_ref", "n_alt"]
    assert (reads["n_ref"] + reads["n_alt"] == reads["depth"]).all()
    calls = datasets.load("variant_calls")
    merged = calls.merge(reads, left_on=["patient_id", "ID"], right_on=["patient_id", "rsid"])
    assert len(merged) == len(calls) == len(reads)
    assert (merged["DP"] == merged["depth"]).all()
    assert (merged["AD"] == merged["n_ref"].astype(str) + "," + merged["n_alt"].astype(str)).all()
    piles = zip(merged["n_ref"], merged["n_alt"], strict=True)
    recalled = [call_genotype(n_ref, n_alt).genotype for n_ref, n_alt in piles]
    assert recalled == merged["GT"].tolist()
    assert reads["depth"].median() == pytest.approx(sequencing.COURSE_DEPTH, abs=4)


def test_read_counts_are_drawn_patient_by_patient():
    truth = datasets._true_genotypes()
    reads = sequencing.make_read_counts(truth)
    subset = sequencing.make_read_counts(truth.iloc[[5, 2]])
    expected = reads[reads["patient_id"].isin(truth["patient_id"].iloc[[5, 2]])]
    key = ["patient_id", "rsid"]
    pd.testing.assert_frame_equal(
        subset.sort_values(key).reset_index(drop=True),
        expected.sort_values(key).reset_index(drop=True),
    )
    other = sequencing.make_read_counts(truth, seed=1)
    assert not other["n_alt"].equals(reads["n_alt"])


def test_write_then_read_gives_the_calls_back(tmp_path):
    calls = datasets.load("variant_calls")
    for name in ("again.vcf.gz", "again.vcf"):
        path = write_vcf(calls, tmp_path / name)
        again = vcf_long(read_vcf(path))
        pd.testing.assert_frame_equal(again, calls.reset_index(drop=True), check_dtype=False)
    assert (tmp_path / "again.vcf.gz.tbi").is_file() and not (tmp_path / "again.vcf.tbi").exists()
    assert (tmp_path / "again.vcf").read_text().startswith("##fileformat=VCFv4.2\n")


def test_read_vcf_has_one_row_per_record_and_columns_per_sample():
    table = read_vcf(datasets.vcf_path("variant_calls"))
    samples = table.attrs["samples"]
    assert samples == list(datasets.VCF_PATIENTS)
    assert list(table.columns[:7]) == ["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER"]
    assert {"DP", "GENE"} <= set(table.columns)
    for sample in samples:
        for field in ("GT", "DP", "GQ", "AD"):
            assert f"{sample}:{field}" in table.columns
    assert table["ID"].is_unique and len(table) == 8
    sample_dp = table[[f"{s}:DP" for s in samples]].sum(axis=1)
    assert (table["DP"] == sample_dp).all()


def test_read_vcf_keeps_multiallelic_records_and_missing_calls(tmp_path):
    path = tmp_path / "multi.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n"
        "##contig=<ID=chr1,length=248956422>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tPM-000001\tPM-000002\n"
        "chr1\t100\t.\tA\tC,G\t50\tPASS\t.\tGT\t1|2\t./.\n"
    )
    table = read_vcf(path)
    assert len(table) == 1 and table.loc[0, "ALT"] == "C,G"
    assert table.loc[0, "PM-000001:GT"] == "1|2" and table.loc[0, "PM-000002:GT"] == "./."
    assert pd.isna(table.loc[0, "PM-000001:DP"])
    long = vcf_long(table)
    assert long["patient_id"].tolist() == ["PM-000001", "PM-000002"]
    assert filter_calls(long).empty  # no DP, no GQ: nothing is reliable
    again = read_vcf(write_vcf(long, tmp_path / "again.vcf.gz"))
    assert again.loc[0, "ALT"] == "C,G" and again.loc[0, "ID"] is None
    assert again.loc[0, "PM-000001:GT"] == "1|2" and again.loc[0, "PM-000002:GT"] == "./."


def test_read_vcf_missing_file_is_plain(tmp_path):
    with pytest.raises(FileNotFoundError, match="no VCF file"):
        read_vcf(tmp_path / "nothing.vcf.gz")


def test_write_vcf_says_what_is_missing(tmp_path):
    with pytest.raises(ValueError, match="GQ"):
        write_vcf(pd.DataFrame({"patient_id": ["PM-000001"]}), tmp_path / "x.vcf")


def test_vcf_long_columns():
    calls = datasets.load("variant_calls")
    assert list(calls.columns) == [
        "patient_id",
        *["CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "GENE"],
        *["GT", "DP", "GQ", "AD"],
    ]
    assert len(calls) == 8 * len(datasets.VCF_PATIENTS)


def test_filter_calls_thresholds_and_pass_only():
    calls = pd.DataFrame(
        {
            "QUAL": [100.0, 100.0, 100.0, 100.0, 29.0, 100.0],
            "FILTER": ["PASS", "PASS", "PASS", "LowQual", "PASS", "PASS"],
            "DP": [30, 9, 30, 30, 30, pd.NA],
            "GQ": [99, 99, 19, 99, 99, 99],
        }
    ).astype({"DP": "Int64"})
    assert filter_calls(calls).index.tolist() == [0]
    assert filter_calls(calls, pass_only=False).index.tolist() == [0, 3]
    assert filter_calls(calls, min_dp=5, min_gq=0, min_qual=0).index.tolist() == [0, 1, 2, 4]
    with pytest.raises(ValueError, match="vcf_long"):
        filter_calls(calls.drop(columns="GQ"))


def test_importing_sequencing_does_not_import_pysam():
    code = "import sys, pmcourse.sequencing; print('pysam' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
