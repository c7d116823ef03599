"""What the website tests need to know about the book: its pages, modules and glossary.

Everything is read from _toc.yml, _config.yml, the module registry
(:mod:`pmcourse.modules`, the metadata of notebooks/*.ipynb) and
book/glossary.md, so a new module needs no change here.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pmcourse import markup
from pmcourse.modules import modules

ROOT = Path(__file__).resolve().parents[1]

#: A word with two or more capitals and no more small letters than capitals:
#: SNP, SNVs, PGx, rsID, dbSNP, GRCh38, CYP2C19; not DataFrame or JupyterLab.
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_files() -> list[str]:
    """Every document of the table of contents, without suffix, root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def toc_pages() -> list[str]:
    """The HTML pages of the website made from the table of contents."""
    return [f"{name}.html" for name in toc_files()]


def notebook_pages() -> list[str]:
    """The table-of-contents entries that are notebooks (they get launch buttons)."""
    return [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]


def module_notebooks() -> list[Path]:
    """The learner notebooks, one per module of the registry: notebooks/NN_slug.ipynb."""
    return [module.notebook for module in modules(ROOT)]


def notebook_metadata(path: Path) -> dict:
    """The registry's metadata of the module whose notebook this is."""
    return next(module.metadata() for module in modules(ROOT) if module.notebook == path)


def glossary_terms() -> set[str]:
    """The terms book/glossary.md defines (each term line of its glossary directive)."""
    return set(markup.glossary_terms(ROOT / "book" / "glossary.md"))


def _exempt_lines() -> list[str]:
    lines = (ROOT / "book" / "glossary_exempt.txt").read_text("utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def glossary_exempt() -> set[str]:
    """Abbreviation-like words the glossary need not define (gene symbols, units ...)."""
    return {line for line in _exempt_lines() if not line.startswith("page:")}


def glossary_exempt_pages() -> set[str]:
    """Pages (names in _toc.yml) for developers, not checked for abbreviations."""
    return {line.split(":", 1)[1].strip() for line in _exempt_lines() if line.startswith("page:")}


def abbreviations(text: str) -> set[str]:
    """Abbreviation-like words in a text.

    >>> sorted(abbreviations("SNVs and a CNV in CYP2C19; a DataFrame in JupyterLab; rsID, Aa"))
    ['CNV', 'CYP2C19', 'SNVs', 'rsID']
    """
    found = set()
    for word in _WORD.findall(text):
        upper = sum(ch.isupper() for ch in word)
        lower = sum(ch.islower() for ch in word)
        if upper >= 2 and upper >= lower:
            found.add(word)
    return found


def undefined_abbreviations(text: str, known: set[str]) -> list[str]:
    """The abbreviations in a text that are not known, allowing a plural s.

    >>> undefined_abbreviations("SNPs, SNV and INR", {"SNP", "SNV"})
    ['INR']
    """
    return sorted(
        word
        for word in abbreviations(text)
        if word not in known and not (word.endswith("s") and word[:-1] in known)
    )
