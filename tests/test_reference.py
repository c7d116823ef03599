import re
from importlib import resources

import pytest

from pmcourse import reference


def _bib_keys(root):
    return set(re.findall(r"@\w+\{([^,]+),", (root / "book" / "references.bib").read_text()))


def test_every_table_has_a_source_and_is_shipped():
    shipped = {
        item.name[:-4]
        for item in resources.files("pmcourse").joinpath("resources").iterdir()
        if item.name.endswith(".csv")
    }
    assert shipped == set(reference.table_names())
    for name in reference.table_names():
        source = reference.source_of(name)
        assert source["source"] and source["version"] and source["citations"]


def test_citations_exist_in_the_bibliography(root):
    keys = _bib_keys(root)
    for name in reference.table_names():
        assert set(reference.source_of(name)["citations"]) <= keys


def test_unknown_table_lists_known_ones():
    with pytest.raises(ValueError, match="snp_panel"):
        reference.load_table("cpic")


def test_load_table_gives_a_fresh_copy_with_its_source():
    panel = reference.load_table("snp_panel")
    assert panel.attrs["version"] == reference.source_of("snp_panel")["version"]
    panel.loc[:, "gene"] = "changed"
    assert "changed" not in set(reference.load_table("snp_panel")["gene"])


def test_lookup_reads_one_column_by_another():
    table = reference.load_table("exposure_activity")
    activity = reference.lookup("exposure_activity", "phenotype", "relative_activity")
    assert list(activity) == table["phenotype"].tolist()
    assert list(activity.values()) == table["relative_activity"].tolist()
    history = reference.lookup("pgx_activity_value_history", ("gene", "allele"), "used_until")
    assert history[("CYP2D6", "*9")] == "2022-11-08"


def test_lookup_of_an_unknown_name_lists_the_known_ones():
    activity = reference.lookup("exposure_activity", "phenotype", "relative_activity")
    with pytest.raises(ValueError, match=r"no phenotype 'Slow'\. Known: 'Poor Metabolizer'"):
        activity["Slow"]
    with pytest.raises(ValueError, match="no column 'activity'"):
        reference.lookup("exposure_activity", "phenotype", "activity")
    with pytest.raises(ValueError, match="gene must name each row once"):
        reference.lookup("pgx_alleles", "gene", "allele")
