import gzip
import hashlib

import pandas as pd
import pytest

from pmcourse import datasets, genetics, pgx
from pmcourse.cli import main
from pmcourse.cohort import make_cohort
from pmcourse.diplotypes import make_diplotypes, phenotype_table
from pmcourse.genetics import make_genotypes
from pmcourse.health_data import make_imaging, make_postcodes, make_prom, make_wearables
from pmcourse.medications import make_medications
from pmcourse.risk import make_cad_outcomes, make_prs_dosages


def _content(path):
    """What a file holds: a VCF's decompressed text (bgzip bytes depend on the zlib
    version), the manifest without the lines of compressed files, other files' bytes."""
    if path.name.endswith(".vcf.gz"):
        with gzip.open(path, "rb") as file:
            return file.read()
    if path.name == datasets.MANIFEST:
        lines = path.read_text().splitlines()
        return [line for line in lines if not line.endswith((".vcf.gz", ".tbi"))]
    return path.read_bytes()


def test_make_data_reproduces_the_committed_files(root, tmp_path):
    written = datasets.write_all(tmp_path)
    committed = sorted(p.name for p in (root / "data").iterdir())
    assert sorted(p.name for p in written) == committed
    for path in written:
        if path.name.endswith(".tbi"):  # binary index of the compressed file: tested by bcftools
            continue
        assert _content(path) == _content(root / "data" / path.name), (
            f"data/{path.name} is out of date: run `make data` and commit the result."
        )


def test_manifest_matches_the_files(root):
    for line in (root / "data" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((root / "data" / name).read_bytes()).hexdigest() == digest


def test_every_file_says_synthetic(root):
    for path in (root / "data").glob("*.csv"):
        assert path.read_text().startswith("# Synthetic data, not for clinical use.")
    assert "Synthetic data, not for clinical use." in (root / "data" / "README.md").read_text()
    for path in (root / "data").glob("*.vcf.gz"):
        with gzip.open(path, "rt") as file:
            header = file.read().split("#CHROM")[0]
        assert "##comment=Synthetic data, not for clinical use." in header


def test_dictionary_documents_every_column(root):
    dictionary = (root / "data" / "README.md").read_text()
    for dataset in datasets.DATASETS.values():
        assert f"## {dataset.filename}" in dictionary
        frame = datasets.load(dataset.name, data_dir=root / "data")
        for column in frame.columns:
            assert f"| `{column}` |" in dictionary, f"{column} of {dataset.filename}"


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_file_and_memory_give_the_same_frame(root, name, tmp_path, monkeypatch):
    from_file = datasets.load(name, data_dir=root / "data")
    monkeypatch.delenv("PMCOURSE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    in_memory = datasets.load(name)
    pd.testing.assert_frame_equal(from_file, in_memory, check_dtype=False)
    assert list(from_file.dtypes.astype(str)) == list(in_memory.dtypes.astype(str))


def test_generators_with_their_defaults_give_the_first_patients_of_every_file(root):
    cohort = make_cohort(100)
    genotypes = make_genotypes(cohort)
    made = {
        "cohort": cohort,
        "genotypes": genotypes,
        "diplotypes": make_diplotypes(genotypes),
        "medications": make_medications(cohort),
        "prs_dosages": make_prs_dosages(cohort),
        "cad_outcomes": make_cad_outcomes(cohort),
        "imaging": make_imaging(cohort),
        "wearables": make_wearables(cohort),
        "prom": make_prom(cohort),
        "postcodes": make_postcodes(cohort),
    }
    # module 2's data hold a few chosen patients: tests/test_sequencing.py checks them;
    # module 3's trios are families, not patients: tests/test_variants.py checks them
    module_2 = {"read_counts", "variant_calls"}
    module_3 = {"trios", "child_phenotypes", "trio_variants"}
    # module 5's cancer data are a sub-cohort: tests/test_oncology.py checks their prefix
    module_5 = {"cancer_patients", "tumour_variants", "cancer_outcomes"}
    # module 6's second ancestry group are new people: tests/test_risk.py checks them
    module_6 = {"cad_second_ancestry"}
    assert set(made) == set(datasets.DATASETS) - module_2 - module_3 - module_5 - module_6
    for name, frame in made.items():
        committed = datasets.load(name, data_dir=root / "data")
        first = committed[committed["patient_id"].isin(cohort["patient_id"])]
        pd.testing.assert_frame_equal(frame, first, obj=name)


def test_dictionary_states_the_seed_and_prefix_promises(root):
    dictionary = " ".join((root / "data" / "README.md").read_text().split())
    assert "`make_genotypes(make_cohort())` is genotypes.csv" in dictionary
    assert "the first patients of a larger one's, in every file" in dictionary


def test_the_stories_the_notebooks_tell_hold_on_the_course_data():
    genotypes = datasets.load("genotypes")
    pm30 = genotypes.set_index("patient_id").loc["PM-000030"]
    assert (pm30["ancestry"], pm30["rs4244285"]) == ("EUR", 1)  # module 1: a *2 carrier
    counts = genetics.genotype_counts(genotypes["rs4244285"])
    assert genetics.hardy_weinberg_test(*counts).chi_square < 3.841
    vkorc1 = genetics.genotype_counts(genotypes["rs9923231"])
    test = genetics.hardy_weinberg_test(*vkorc1)
    assert test.chi_square > 3.841 and vkorc1.n_ref_alt < test.expected[1]
    for _, group in genotypes.groupby("ancestry", observed=True):
        counts = genetics.genotype_counts(group["rs9923231"])
        assert genetics.hardy_weinberg_test(*counts).p_value > 0.05  # "every group"
    # module 4
    diplotypes = datasets.load("diplotypes")
    profile = diplotypes.set_index("patient_id").drop(columns="ancestry").loc["PM-000030"]
    story = {"CYP2C19": "*1/*2", "CYP2C9": "*1/*3", "SLCO1B1": "*1/*37"}
    assert {gene: profile[gene] for gene in story} == story
    medications = datasets.load("medications")
    his = medications[medications["patient_id"] == "PM-000030"]
    assert set(his["ward"]) == {"Cardiology"}
    alerts = pgx.drug_gene_alerts(his["drug"].tolist(), profile.to_dict())
    assert alerts["drug"].tolist() == ["clopidogrel"]
    phenotypes = phenotype_table(diplotypes)
    cyp2c19 = pd.crosstab(diplotypes["ancestry"], phenotypes["CYP2C19"], normalize="index")
    assert (phenotypes["CYP2C19"] == "Normal Metabolizer").mean() < 0.5
    assert cyp2c19.loc[["EA", "CSA"], "Poor Metabolizer"].between(0.07, 0.14).all()
    assert cyp2c19.loc["EUR", "Poor Metabolizer"] < 0.04  # "about one in fifty"
    profiles = diplotypes.set_index("patient_id").drop(columns="ancestry")
    cardiology = medications[medications["ward"] == "Cardiology"].groupby("patient_id")["drug"]
    n_alerts = [
        len(pgx.drug_gene_alerts(list(drugs), profiles.loc[patient].to_dict()))
        for patient, drugs in cardiology
    ]
    changed = sum(n > 0 for n in n_alerts) / len(n_alerts)
    # warfarin dosed by algorithm is not a change (issue 10): "about a quarter", "some have two"
    assert 0.22 < changed < 0.30 and max(n_alerts) >= 2


def test_load_finds_the_data_folder_from_a_notebook_folder(root, monkeypatch):
    monkeypatch.delenv("PMCOURSE_DATA", raising=False)
    monkeypatch.chdir(root / "notebooks")
    assert datasets.find_data_dir() == root / "data"


def test_load_without_data_folder_generates(tmp_path, monkeypatch):
    monkeypatch.delenv("PMCOURSE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert datasets.find_data_dir() is None
    assert len(datasets.load("genotypes")) == datasets.N_COURSE_PATIENTS
    path = datasets.vcf_path("variant_calls")
    assert path.is_file() and path.with_name(path.name + ".tbi").is_file()
    assert tmp_path not in path.parents


def test_vcf_path_finds_the_course_file_or_says_what_is_wrong(root, tmp_path):
    assert datasets.vcf_path("variant_calls", data_dir=root / "data") == (
        root / "data" / "variant_calls.vcf.gz"
    )
    with pytest.raises(ValueError, match="not a VCF file.*variant_calls"):
        datasets.vcf_path("genotypes")
    with pytest.raises(FileNotFoundError, match="make data"):
        datasets.vcf_path("variant_calls", data_dir=tmp_path)


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="make data"):
        datasets.load("cohort", data_dir=tmp_path)


def test_unknown_data_set_lists_the_known_ones():
    with pytest.raises(ValueError, match="cohort, genotypes"):
        datasets.load("patients")


def test_command_writes_the_data(tmp_path, capsys):
    assert main(["data", "--out", str(tmp_path / "out")]) == 0
    assert "wrote" in capsys.readouterr().out
    assert (tmp_path / "out" / "SHA256SUMS").is_file()
