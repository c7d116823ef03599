"""Glossary terms and citations that read cleanly in JupyterLab and link on the website.

Authors write MyST roles: ``{term}`kernel` ``, ``{cite:p}`caudle2020` ``,
``{cite:t}`caudle2020` ``. The website (Sphinx) resolves them against
``book/glossary.md`` and ``book/references.bib``, but JupyterLab cannot:
jupyterlab-myst reads one notebook at a time and loads no BibTeX file, so the
roles show as unresolved references with a warning icon.

``pmcourse links`` (``make links``) therefore rewrites the roles in the module
notebooks as plain Markdown links, which every notebook viewer shows as a link:

- ``{term}`kernel` `` becomes ``[kernel](../book/glossary.md#term-kernel)``
  (the glossary opens in JupyterLab);
- ``{cite:p}`caudle2020` `` becomes
  ``[(Caudle et al., 2020)](../book/references.bib#cite:p:caudle2020)`` and
  ``{cite:t}`caudle2020` `` becomes ``[Caudle et al. (2020)](...#cite:t:caudle2020)``
  (the link opens the reference's BibTeX entry: title, journal, DOI).

The website turns such links back into the roles before it parses a notebook
(:func:`links_to_roles`, called by ``book/_ext/pmcourse_book.py``), so it keeps
its glossary links and its bibliography. The rewrite is idempotent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Citation",
    "citations",
    "convert_notebook",
    "glossary_terms",
    "links_to_roles",
    "roles_to_links",
    "term_anchor",
    "unconverted_roles",
]

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"
BIBLIOGRAPHY = ROOT / "book" / "references.bib"

#: A role as authors write it: {term}`text`, {term}`text <target>`, {cite:p}`a,b`.
_ROLE = re.compile(r"\{(term|cite(?::[a-z]+)?)\}`([^`]+)`")
#: A converted term: [text](.../book/glossary.md#term-anchor).
_TERM_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)\s]*/)?book/glossary\.md#(term-[^)\s]+)\)")
#: A converted citation: [text](.../book/references.bib#cite:p:key1,key2).
_CITE_LINK = re.compile(
    r"\[[^\]]+\]\((?:[^)\s]*/)?book/references\.bib#(cite(?::[a-z]+)?):([^)\s:]+)\)"
)
#: Code spans, where a role is text to show, not a role (``{term}`word` ``).
_CODE_SPAN = re.compile(r"(?<!`)``(?!`).+?(?<!`)``(?!`)")
_PARENTHETICAL = ("cite", "cite:p")
_TEXTUAL = ("cite:t",)


@dataclass(frozen=True)
class Citation:
    """How a reference is cited in the text: its authors as cited, and its year."""

    authors: str
    year: str

    def parenthetical(self) -> str:
        """``Caudle et al., 2020``: the inside of a parenthetical citation."""
        return f"{self.authors}, {self.year}"

    def textual(self) -> str:
        """``Caudle et al. (2020)``: a citation that is part of the sentence."""
        return f"{self.authors} ({self.year})"


def term_anchor(term: str) -> str:
    """The link anchor of a glossary term: ``term-`` and the term in lower case, hyphenated.

    Examples
    --------
    >>> term_anchor("star allele"), term_anchor("HLA-B"), term_anchor("p-value")
    ('term-star-allele', 'term-hla-b', 'term-p-value')
    """
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def glossary_terms(path: str | Path = GLOSSARY) -> list[str]:
    """The terms a glossary page defines: each unindented line of its glossary directive.

    Examples
    --------
    >>> terms = glossary_terms()
    >>> "kernel" in terms and "star allele" in terms
    True
    """
    text = Path(path).read_text("utf-8")
    inside = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [
        line.strip()
        for line in inside.splitlines()
        if line.strip() and not line.startswith((" ", ":", "#"))
    ]


def _plain(latex: str) -> str:
    from pybtex.richtext import Text

    return str(Text.from_latex(latex)).strip()


def citations(path: str | Path = BIBLIOGRAPHY) -> dict[str, Citation]:
    """How each entry of a BibTeX file is cited, by key (author-year, as on the website).

    One author is cited by surname, two by both surnames, three or more (or a
    list that ends in "and others") as the first surname and "et al."; an
    organisation by its name. Needs pybtex (installed with the book's
    dependencies: ``pip install -e '.[book]'``).

    Examples
    --------
    >>> cited = citations()
    >>> cited["caudle2020"].parenthetical(), cited["rowland2011"].textual()
    ('Caudle et al., 2020', 'Rowland and Tozer (2011)')
    """
    from pybtex.database import parse_file

    found = {}
    for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        surnames = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
        others = bool(surnames) and surnames[-1] == "others"
        surnames = [name for name in surnames if name != "others"]
        if not surnames:
            raise ValueError(
                f"{Path(path).name}: the entry {key!r} has no author or editor, so it cannot "
                "be cited by author and year: add an author (an organisation in double braces)."
            )
        if len(surnames) >= 3 or (others and surnames):
            authors = f"{surnames[0]} et al."
        else:
            authors = " and ".join(surnames)
        found[key] = Citation(authors, _plain(entry.fields.get("year", "n.d.")))
    return found


def _link_to(target: str, *, book: str) -> str:
    return f"{book.rstrip('/')}/{target}"


def _cite_link(role: str, keys: list[str], cited: dict[str, Citation], *, book: str) -> str:
    missing = [key for key in keys if key not in cited]
    if missing:
        raise ValueError(
            f"{{{role}}}`{','.join(keys)}` cites {missing}, which book/references.bib does "
            "not have: add the entry there, or correct the key."
        )
    # dict.fromkeys: two sources of one author and year read once, "(NGC, 2019)"
    if role in _PARENTHETICAL:
        text = "(" + "; ".join(dict.fromkeys(cited[key].parenthetical() for key in keys)) + ")"
    elif role in _TEXTUAL:
        text = ", ".join(dict.fromkeys(cited[key].textual() for key in keys))
    else:
        raise ValueError(
            f"{{{role}}}`{','.join(keys)}`: only {{cite:p}} (or {{cite}}) and {{cite:t}} are "
            "written as links for JupyterLab; use one of them."
        )
    return f"[{text}]({_link_to('references.bib', book=book)}#{role}:{','.join(keys)})"


def roles_to_links(
    text: str,
    *,
    terms: list[str],
    cited: dict[str, Citation],
    book: str = "../book",
) -> str:
    """Rewrite the glossary and citation roles of a Markdown text as links.

    ``book`` is the path from the notebook's folder to ``book/``. Roles inside
    double-backtick code spans are left alone (they show how to write a role).

    Raises
    ------
    ValueError
        If a term is not in the glossary or a key not in the bibliography.

    Examples
    --------
    >>> cited = {"caudle2020": Citation("Caudle et al.", "2020")}
    >>> print(roles_to_links(
    ...     "A {term}`Kernel` runs code {cite:p}`caudle2020`; {cite:t}`caudle2020` say so.",
    ...     terms=["kernel"], cited=cited))
    A [Kernel](../book/glossary.md#term-kernel) runs code
    [(Caudle et al., 2020)](../book/references.bib#cite:p:caudle2020);
    [Caudle et al. (2020)](../book/references.bib#cite:t:caudle2020) say so.
    """
    known = {term.lower() for term in terms}

    def link(match: re.Match) -> str:
        role, content = match.group(1), match.group(2)
        if role != "term":
            keys = [key.strip() for key in content.split(",")]
            return _cite_link(role, keys, cited, book=book)
        shown, _, target = content.partition("<")
        term = (target.rstrip(">") if target else shown).strip()
        if term.lower() not in known:
            raise ValueError(
                f"{{term}}`{content}` links to {term!r}, which book/glossary.md does not "
                "define: add it to the glossary, or correct the term."
            )
        return f"[{shown.strip()}]({_link_to('glossary.md', book=book)}#{term_anchor(term)})"

    return _outside_code(text, lambda part: _ROLE.sub(link, part))


def _outside_code(text: str, change) -> str:
    """Apply ``change`` to the parts of a text outside double-backtick code spans."""
    pieces, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        pieces += [change(text[last : span.start()]), span.group(0)]
        last = span.end()
    return "".join([*pieces, change(text[last:])])


def links_to_roles(text: str, *, terms: list[str]) -> str:
    """The inverse of :func:`roles_to_links`: links back to MyST roles (for the website).

    Examples
    --------
    >>> print(links_to_roles(
    ...     "[star alleles](../book/glossary.md#term-star-allele) and [kernel]"
    ...     "(../book/glossary.md#term-kernel) [(Hardy, 1908; Weinberg, 1908)]"
    ...     "(../book/references.bib#cite:p:hardy1908,weinberg1908)",
    ...     terms=["kernel", "star allele"]))
    {term}`star alleles <star allele>` and {term}`kernel` {cite:p}`hardy1908,weinberg1908`
    """
    by_anchor = {term_anchor(term): term for term in terms}

    def term_role(match: re.Match) -> str:
        shown, anchor = match.group(1), match.group(2)
        term = by_anchor.get(anchor)
        if term is None:
            return match.group(0)  # not a glossary term: the website reports the broken link
        if shown.lower() == term.lower():
            return f"{{term}}`{shown}`"
        return f"{{term}}`{shown} <{term}>`"

    text = _TERM_LINK.sub(term_role, text)
    return _CITE_LINK.sub(lambda m: f"{{{m.group(1)}}}`{m.group(2)}`", text)


def unconverted_roles(text: str) -> list[str]:
    """The glossary and citation roles left in a text (outside code spans).

    Examples
    --------
    >>> unconverted_roles("See {term}`kernel` and ``{cite}`key` ``.")
    ['{term}`kernel`']
    """
    return [match.group(0) for match in _ROLE.finditer(_CODE_SPAN.sub("", text))]


def convert_notebook(path: str | Path, *, root: str | Path = ROOT) -> bool:
    """Write the roles in a notebook's Markdown cells as links; True when it changed.

    Links already there are written again from the glossary and the
    bibliography, so a citation's text follows ``book/references.bib``. The
    links point from the notebook's folder to ``root/book``. An unchanged
    notebook is not written, so running it twice changes nothing.
    """
    import nbformat

    path, root = Path(path), Path(root)
    book = Path(os.path.relpath(root / "book", path.parent)).as_posix()
    terms = glossary_terms(root / "book" / "glossary.md")
    cited = citations(root / "book" / "references.bib")
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        written = links_to_roles(cell.source, terms=terms)
        try:
            linked = roles_to_links(written, terms=terms, cited=cited, book=book)
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None
        changed |= linked != cell.source
        cell.source = linked
    if changed:
        nbformat.write(notebook, path)
    return changed
