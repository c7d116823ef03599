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
