import hashlib

import pandas as pd
import pytest

from pmcourse import datasets
from pmcourse.cli import main


def test_make_data_reproduces_the_committed_files(root, tmp_path):
    written = datasets.write_all(tmp_path)
    committed = sorted(p.name for p in (root / "data").iterdir())
    assert sorted(p.name for p in written) == committed
    for path in written:
        assert path.read_bytes() == (root / "data" / path.name).read_bytes(), (
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


def test_dictionary_documents_every_column(root):
    dictionary = (root / "data" / "README.md").read_text()
    for dataset in datasets.DATASETS.values():
        assert f"## {dataset.filename}" in dictionary
        frame = pd.read_csv(root / "data" / dataset.filename, comment="#")
        for column in frame.columns:
            assert f"| `{column}` |" in dictionary, f"{column} of {dataset.filename}"


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_file_and_memory_give_the_same_frame(root, name):
    from_file = datasets.load(name, data_dir=root / "data")
    in_memory = datasets.DATASETS[name].build()
    pd.testing.assert_frame_equal(from_file, in_memory, check_dtype=False)
    assert list(from_file.dtypes.astype(str)) == list(in_memory.dtypes.astype(str))


def test_load_finds_the_data_folder_from_a_notebook_folder(root, monkeypatch):
    monkeypatch.delenv("PMCOURSE_DATA", raising=False)
    monkeypatch.chdir(root / "notebooks")
    assert datasets.find_data_dir() == root / "data"


def test_load_without_data_folder_generates(tmp_path, monkeypatch):
    monkeypatch.delenv("PMCOURSE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert datasets.find_data_dir() is None
    assert len(datasets.load("genotypes")) == datasets.N_COURSE_PATIENTS


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
