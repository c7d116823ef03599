"""Glossary terms and citations in the notebooks: links for JupyterLab, roles for the website."""

import re
import shutil

import nbformat
import pytest
from book_site import module_notebooks

from pmcourse import cli
from pmcourse.markup import (
    Citation,
    citations,
    convert_notebook,
    glossary_terms,
    links_to_roles,
    roles_to_links,
    unconverted_roles,
)

CITED = {
    "hardy1908": Citation("Hardy", "1908"),
    "rowland2011": Citation("Rowland and Tozer", "2011"),
    "ngc": Citation("Nationalt Genom Center", "2019"),
    "ngc_organisation": Citation("Nationalt Genom Center", "2019"),
}
TERMS = ["kernel", "star allele", "HLA-B"]


def _markdown(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _roles(text):
    """The roles of a text: the role, and the term or the cited keys."""
    return [
        (role, content if role == "term" else [key.strip() for key in content.split(",")])
        for role, content in re.findall(r"\{(term|cite[:a-z]*)\}`([^`]+)`", text)
    ]


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.stem)
def test_module_notebook_has_its_terms_and_citations_as_links(path):
    left = [role for text in _markdown(path) for role in unconverted_roles(text)]
    assert not left, (
        f"{path.name} has glossary or citation roles that JupyterLab shows unresolved: "
        f"{left[:5]}. Run `make links` (pmcourse links) and commit the notebook."
    )
    terms, cited = glossary_terms(), citations()
    stale = [
        text[:80]
        for text in _markdown(path)
        if roles_to_links(links_to_roles(text, terms=terms), terms=terms, cited=cited) != text
    ]
    assert not stale, (
        f"{path.name}: citations whose text is out of step with book/references.bib: "
        f"{stale}. Run `make links` and commit the notebook."
    )


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.stem)
def test_the_website_gets_back_exactly_the_roles_the_authors_wrote(path):
    terms, cited = glossary_terms(), citations()
    assert any(_roles(links_to_roles(text, terms=terms)) for text in _markdown(path))
    for text in _markdown(path):
        written = links_to_roles(text, terms=terms)  # as the author wrote it
        linked = roles_to_links(written, terms=terms, cited=cited)
        assert not unconverted_roles(linked)
        assert _roles(links_to_roles(linked, terms=terms)) == _roles(written)


def test_roles_become_links_and_back():
    text = (
        "A {term}`Kernel`, {term}`star alleles <star allele>` and {term}`HLA-B` "
        "{cite:p}`hardy1908,rowland2011`; {cite:t}`rowland2011` and {cite}`hardy1908`."
    )
    linked = roles_to_links(text, terms=TERMS, cited=CITED)
    assert linked == (
        "A [Kernel](../book/glossary.md#term-kernel), "
        "[star alleles](../book/glossary.md#term-star-allele) and "
        "[HLA-B](../book/glossary.md#term-hla-b) "
        "[(Hardy, 1908; Rowland and Tozer, 2011)]"
        "(../book/references.bib#cite:p:hardy1908,rowland2011); "
        "[Rowland and Tozer (2011)](../book/references.bib#cite:t:rowland2011) and "
        "[(Hardy, 1908)](../book/references.bib#cite:hardy1908)."
    )
    assert roles_to_links(linked, terms=TERMS, cited=CITED) == linked  # idempotent
    assert links_to_roles(linked, terms=TERMS) == text


def test_two_sources_of_one_author_and_year_read_once_and_both_stay_cited():
    text = "{cite:p}`ngc,ngc_organisation`"
    linked = roles_to_links(text, terms=TERMS, cited=CITED)
    assert linked == (
        "[(Nationalt Genom Center, 2019)](../book/references.bib#cite:p:ngc,ngc_organisation)"
    )
    assert links_to_roles(linked, terms=TERMS) == text


def test_roles_in_code_spans_stay_and_roles_in_directives_are_converted():
    text = "Write ``{term}`word` ``.\n\n```{note}\nA {term}`kernel`.\n```"
    linked = roles_to_links(text, terms=TERMS, cited=CITED, book="../../book")
    assert "``{term}`word` ``" in linked
    assert "A [kernel](../../book/glossary.md#term-kernel)." in linked
    assert unconverted_roles(linked) == []


def test_an_unknown_term_key_or_role_is_named():
    with pytest.raises(ValueError, match="'genome'.*book/glossary.md does not define"):
        roles_to_links("{term}`genome`", terms=TERMS, cited=CITED)
    with pytest.raises(ValueError, match=r"\['nobody2020'\].*references.bib"):
        roles_to_links("{cite:p}`hardy1908,nobody2020`", terms=TERMS, cited=CITED)
    with pytest.raises(ValueError, match=r"\{cite:ps\}.*use one of them"):
        roles_to_links("{cite:ps}`hardy1908`", terms=TERMS, cited=CITED)


def test_a_link_to_a_term_the_glossary_lacks_is_left_for_the_website_to_report():
    text = "[genome](../book/glossary.md#term-genome)"
    assert links_to_roles(text, terms=TERMS) == text


def test_citations_are_cited_by_author_and_year_as_on_the_website():
    cited = citations()
    assert cited["hardy1908"].textual() == "Hardy (1908)"
    assert cited["mckinney2010"].parenthetical() == "McKinney, 2010"
    assert cited["caudle2020"].authors == "Caudle et al."  # "and others" in the entry


def test_converting_a_notebook_is_idempotent_and_the_command_reports_it(tmp_path, root, capsys):
    shutil.copytree(root / "book", tmp_path / "book")
    notebook = tmp_path / "notebooks" / "demo.ipynb"
    notebook.parent.mkdir()
    cells = [
        nbformat.v4.new_markdown_cell("A {term}`kernel` {cite:p}`hardy1908`."),
        nbformat.v4.new_code_cell("x = '{term}`kernel`'"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert cli.main(["links", str(notebook), "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"wrote {notebook}\n"
    markdown, code = nbformat.read(notebook, as_version=4).cells
    assert markdown.source == (
        "A [kernel](../book/glossary.md#term-kernel) "
        "[(Hardy, 1908)](../book/references.bib#cite:p:hardy1908)."
    )
    assert code.source == "x = '{term}`kernel`'"  # code is not touched
    assert convert_notebook(notebook, root=tmp_path) is False


def test_the_command_names_the_notebook_and_the_unknown_term(tmp_path, root, capsys):
    shutil.copytree(root / "book", tmp_path / "book")
    notebook = tmp_path / "bad.ipynb"
    cells = [nbformat.v4.new_markdown_cell("A {term}`genome`.")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert cli.main(["links", str(notebook), "--root", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "bad.ipynb" in error and "'genome'" in error and "add it to the glossary" in error
