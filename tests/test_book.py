"""The course website: it builds with warnings as errors, has every page, and every
module page is complete (header box, key points, quiz, launch buttons, alt text,
abbreviations defined), self-contained and free of broken links.

The site is built once per test session (the ``built_site`` fixture in
conftest.py); tests/test_browser.py checks it again in a real browser.
"""

import doctest
import importlib.util
import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest
import yaml
from book_site import (
    ROOT,
    abbreviations,
    config,
    glossary_exempt,
    glossary_exempt_pages,
    glossary_terms,
    module_notebooks,
    notebook_metadata,
    notebook_pages,
    toc_files,
    toc_pages,
    undefined_abbreviations,
)

from pmcourse import markup
from pmcourse.header import header_markdown, header_myst, header_problems, read_header
from pmcourse.modules import Module, modules


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0] == "_static")


def test_source_exercises_are_never_in_the_table_of_contents():
    assert not any(f.startswith("exercises/source") for f in toc_files())
    assert "exercises/source/*" in config()["exclude_patterns"]


def test_every_toc_entry_exists():
    for name in toc_files():
        assert any((ROOT / f"{name}{suffix}").exists() for suffix in (".md", ".ipynb")), name


def test_every_module_notebook_is_in_the_table_of_contents():
    for notebook in module_notebooks():
        assert f"notebooks/{notebook.stem}" in toc_files(), f"add {notebook.name} to _toc.yml"


def test_nitpicky_build_and_header_extension_are_configured():
    sphinx = config()["sphinx"]
    assert sphinx["config"]["nitpicky"] is True
    assert "pmcourse_book" in sphinx["local_extensions"]
    assert "sphinx-mathjax-offline" in sphinx["extra_extensions"]


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_module_metadata_is_complete_and_the_first_cell_matches_it(path):
    metadata = read_header(path)
    assert not header_problems(metadata), header_problems(metadata)
    notebook = nbformat.read(path, as_version=4)
    expected = header_markdown(metadata)
    assert notebook.cells[0].source == expected, (
        f"The first cell of {path.name} is not in step with its metadata. "
        f"Run `pmcourse header {path.relative_to(ROOT)}` to rewrite it, or make it:\n\n" + expected
    )


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_module_notebook_ends_with_key_points(path):
    notebook = nbformat.read(path, as_version=4)
    headings = [
        (index, line)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    titles = [line for _, line in headings]
    assert "## Key points" in titles, f"{path.name} has no '## Key points' section"
    after = titles[titles.index("## Key points") + 1 :]
    assert set(after) <= {"## Further reading"}, (
        f"{path.name}: '## Key points' must be the last section (only "
        f"'## Further reading' may follow it), found after it: {after}"
    )
    cell = next(notebook.cells[i] for i, line in headings if line == "## Key points")
    points = cell.source.split("## Key points", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- ", points, flags=re.MULTILINE)) >= 2, f"{path.name}: no points"


QUESTIONS = "## Questions clinicians ask"


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_questions_clinicians_ask_come_just_before_key_points(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    titles = re.findall(r"^## .*$", markdown, flags=re.MULTILINE)
    assert QUESTIONS in titles, (
        f"{path.name} has no '{QUESTIONS}' section: add 4 to 6 questions a ward doctor, "
        "nurse or pharmacist would ask, each answered with a cited source, before Key points"
    )
    assert titles[titles.index(QUESTIONS) + 1] == "## Key points", (
        f"{path.name}: '{QUESTIONS}' must come just before '## Key points'"
    )
    section = markdown.split(QUESTIONS, 1)[1].split("\n## ", 1)[0]
    answers = [p for p in section.split("\n\n") if re.match(r"\*\*[^*]+\?\*\*", p.strip())]
    assert 4 <= len(answers) <= 6, f"{path.name}: {len(answers)} questions; write 4 to 6"
    for answer in answers:
        question = answer.strip().split("**")[1]
        cited = markup.links_to_roles(answer, terms=markup.glossary_terms())
        assert "{cite" in cited, f"{path.name}: the answer to {question!r} cites no source"
        assert len(answer.split()) > 25, f"{path.name}: {question!r} has no real answer"


@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_widget_demos_are_static_on_the_website_with_a_launch_note(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not re.search(r"_explorer\(|interact\(", cell.source):
            continue
        # skip-execution: a headless run of a widget cell can stall for the whole cell
        # timeout (its reply is delayed behind the widgets' messages); the widgets are
        # built by tests/test_widget_demos.py instead.
        assert {"remove-output", "skip-execution"} <= set(cell.metadata.get("tags", [])), (
            f"{path.name}: tag the widget cell {cell.source!r} remove-output and "
            "skip-execution, and show a still figure before it"
        )
        before = "\n".join(c.source for c in notebook.cells[max(0, index - 2) : index])
        assert re.search(r"launch", before, flags=re.IGNORECASE), (
            f"{path.name}: tell website readers to launch the page to try the widget "
            f"{cell.source!r}"
        )


@pytest.fixture(scope="module")
def extension():
    """book/_ext/pmcourse_book.py, imported as Sphinx imports it."""
    path = ROOT / "book" / "_ext" / "pmcourse_book.py"
    spec = importlib.util.spec_from_file_location("pmcourse_book", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_extension_examples_run(extension):
    results = doctest.testmod(extension, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted and not results.failed


def test_pages_use_the_registry_directives():
    for page, directive in [
        ("intro", "pmcourse-modules"),
        ("guidelines", "pmcourse-guidelines"),
        ("instructors", "pmcourse-assignments"),
    ]:
        assert f"```{{{directive}}}" in (ROOT / "book" / f"{page}.md").read_text(), page
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    reference = next(part for part in toc["parts"] if part["caption"] == "Reference")
    assert {"file": "book/guidelines"} in reference["chapters"]


def test_module_table_lists_every_module_in_the_book(extension):
    docs = set(toc_files())
    rows = extension.modules_table(modules(), docs)
    assert len(rows) == 2 + len(modules())
    for module, row in zip(modules(), rows[2:], strict=True):
        assert row.startswith(f"| {module.number} | {{doc}}`/notebooks/{module.name}` |")
        assert f"| {module.estimated_time_minutes} min |" in row
        if module.assignment:
            assert f"exercises/release/{module.assignment}/{module.assignment}`" in row
    assert extension.modules_table(modules(), set()) == rows[:2]


def test_guidelines_table_names_every_guideline_version_citation_and_review(extension):
    text = "\n".join(extension.guidelines_table(modules(), set(toc_files())))
    for module in modules():
        assert f"/notebooks/{module.name}`: last clinical review {module.clinical_review}" in text
        for guideline in module.guidelines:
            row = f"| {guideline.name} | {guideline.version} | {{cite:p}}`{guideline.citation}` |"
            assert row in text


def _course_with_release(tmp_path, kinds: list[str | None]) -> Module:
    """A module whose released assignment has one graded cell of 2 points per kind."""
    import nbformat

    metadata = modules()[-1].metadata() | {"module": 9, "slug": "demo", "assignment": "09_demo"}
    module = Module.from_metadata(metadata, root=tmp_path)
    cells = []
    for number, kind in enumerate(kinds):
        cell = nbformat.v4.new_code_cell("assert True")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"part_{number}", "points": 2}
        if kind:
            cell.metadata["pmcourse"] = {"kind": kind}
        cells.append(cell)
    cells.append(nbformat.v4.new_code_cell("x = 1"))  # not graded: not a part
    module.release.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), module.release)
    return module


def test_assignment_table_counts_points_per_kind(tmp_path, extension):
    module = _course_with_release(tmp_path, ["code", "interpretation", "free-text", "free-text"])
    header, rule, row = extension.assignments_table([module], set())
    assert header.split(" | ")[2:7] == [
        "points",
        "code",
        "interpretation",
        "free-text",
        "interpretation and free-text |",
    ]
    assert rule.count("---") == 7
    assert row.startswith("| `09_demo` | `part_0` (2, code); `part_1` (2, interpretation);")
    assert row.endswith("| 8 | 2 | 2 | 4 | 75% |")


def test_assignment_table_shows_parts_without_a_kind_as_unknown(tmp_path, extension):
    module = _course_with_release(tmp_path, ["code", None])
    header, _, row = extension.assignments_table([module], set())
    assert "| free-text | unknown | interpretation and free-text |" in header
    assert "`part_1` (2, unknown)" in row
    assert row.endswith("| 4 | 2 | 0 | 0 | 2 | 0% (and 2 points of unknown kind) |")


@pytest.mark.parametrize("module", modules(), ids=lambda m: m.name)
def test_header_box_shows_guidelines_review_and_a_link_to_report_an_error(extension, module):
    repository = config()["repository"]["url"]
    link = extension.report_url(repository, page=f"notebooks/{module.name}", title=module.title)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{repository}/issues/new"
    (title,) = parse_qs(parts.query)["title"]
    assert module.title in title and f"notebooks/{module.name}" in title
    box = header_myst(module.metadata(), report_url=link)
    assert f"[Report an error on this page]({link})" in box
    assert f"**Last clinical review.** {module.clinical_review}" in box
    for guideline in module.guidelines:
        assert f"{guideline.name} ({guideline.version})" in box


@pytest.mark.slow
def test_every_page_is_built(built_site):
    for name in toc_files():
        assert (built_site / f"{name}.html").is_file(), name
    assert (built_site / "index.html").is_file()


@pytest.mark.slow
def test_module_pages_show_executed_outputs(built_site):
    for notebook in module_notebooks():
        page = (built_site / "notebooks" / f"{notebook.stem}.html").read_text()
        assert 'class="cell_output' in page, f"{notebook.name} was not executed"
        assert "Traceback" not in page
    foundations = (built_site / "notebooks" / "01_foundations.html").read_text()
    assert re.search(r'<img[^>]+src="[^"]+\.png"', foundations), "no figure on module 1"


@pytest.mark.slow
@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_module_page_opens_with_the_header_box_from_its_metadata(built_site, path):
    metadata = notebook_metadata(path)
    soup = _soup(built_site / "notebooks" / f"{path.stem}.html")
    article = soup.select_one("article.bd-article")
    title = article.find("h1")
    assert metadata["title"] in title.get_text(), f"{path.name}: title is not the metadata's"
    box = title.find_next_sibling()
    assert box is not None and "module-header" in box.get("class", []), (
        f"{path.name}: the page does not open with the header box"
    )
    text = " ".join(box.get_text(" ").split()).replace("\u2019", "'")  # smart quotes back
    for item in metadata["objectives"] + metadata["prerequisites"]:
        assert " ".join(item.split()) in text, f"{path.name}: header box lacks {item!r}"
    assert f"About {metadata['estimated_time_minutes']} minutes" in text
    assert ", ".join(metadata["audience"]) in text
    for label in ("Learning objectives", "Prerequisites", "Estimated time", "Audience"):
        assert label in text, f"{path.name}: header box lacks {label}"
    assert f"Last clinical review. {metadata['clinical_review']}" in text
    for guideline in metadata["guidelines"]:
        assert f"{guideline['name']} ({guideline['version']})" in text
    report = box.find("a", string="Report an error on this page")
    assert report is not None, f"{path.name}: the header box has no link to report an error"
    assert report["href"].startswith(config()["repository"]["url"] + "/issues/new?")
    assert parse_qs(urlsplit(report["href"]).query) == {
        "title": [f'Error on the page "{metadata["title"]}" (notebooks/{path.stem})']
    }


@pytest.mark.slow
def test_guidelines_and_instructor_pages_are_built_from_the_registry(built_site):
    guidelines = _soup(built_site / "book" / "guidelines.html").select_one("article.bd-article")
    text = " ".join(guidelines.get_text(" ").split())
    for module in modules():
        assert f"last clinical review {module.clinical_review}" in text
        for guideline in module.guidelines:
            assert guideline.name in text and guideline.version in text
    instructors = (built_site / "book" / "instructors.html").read_text()
    for module in modules():
        for part in module.parts():
            assert part.grade_id in instructors, f"instructor table lacks {part.grade_id}"


@pytest.mark.slow
@pytest.mark.parametrize("path", module_notebooks(), ids=lambda p: p.name)
def test_module_page_ends_with_key_points(built_site, path):
    soup = _soup(built_site / "notebooks" / f"{path.stem}.html")
    article = soup.select_one("article.bd-article")
    sections = [h.get_text().strip().rstrip("#").strip() for h in article.find_all("h2")]
    assert "Key points" in sections, f"{path.name}: the page has no Key points section"
    assert sections[sections.index("Key points") - 1] == "Questions clinicians ask"
    assert set(sections[sections.index("Key points") + 1 :]) <= {"Further reading"}
    key_points = article.find(id="key-points")
    assert len(key_points.find_all("li")) >= 2


@pytest.mark.slow
def test_every_page_links_to_report_an_error(built_site):
    issues = config()["repository"]["url"] + "/issues/new"
    for page in toc_pages():
        links = [a.get("href", "") for a in _soup(built_site / page).find_all("a")]
        assert any(link.startswith(issues) for link in links), (
            f"{page}: no link to report an error"
        )


@pytest.mark.slow
@pytest.mark.parametrize("name", notebook_pages())
def test_launch_buttons_binder_jupyterhub_download_and_repository(built_site, name):
    settings = config()
    repository = settings["repository"]["url"]
    branch = settings["repository"]["branch"]
    org_repo = urlsplit(repository).path.strip("/")
    hub = settings["launch_buttons"]["jupyterhub_url"].rstrip("/")
    page = built_site / f"{name}.html"
    hrefs = [a["href"] for a in _soup(page).find_all("a", href=True)]

    binder = f"https://mybinder.org/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/{name}.ipynb"
    assert binder in hrefs, f"{name}: no Binder link {binder}"

    hub_links = [h for h in hrefs if h.startswith(f"{hub}/hub/user-redirect/git-pull?")]
    assert len(hub_links) == 1, f"{name}: no JupyterHub (nbgitpuller) link to {hub}"
    query = parse_qs(urlsplit(hub_links[0]).query)
    assert unquote(query["repo"][0]) == repository
    assert query["branch"] == [branch]
    folder = org_repo.split("/")[1]  # nbgitpuller clones into a folder named after the repo
    assert query["urlpath"] == [f"lab/tree/{folder}/{name}.ipynb"]

    downloads = [h for h in hrefs if h.endswith(f"_sources/{name}.ipynb")]
    assert downloads, f"{name}: no download link for the .ipynb"
    assert (page.parent / downloads[0]).resolve().is_file()
    assert repository in hrefs, f"{name}: no repository button"


@pytest.mark.slow
def test_released_exercise_is_shown_unexecuted_and_without_solutions(built_site):
    release = built_site / "exercises" / "release" / "01_foundations" / "01_foundations.html"
    page = release.read_text()
    assert "NotImplementedError" in page
    assert 'class="cell_output' not in page
    assert "BEGIN SOLUTION" not in page and "HIDDEN TESTS" not in page
    assert not (built_site / "exercises" / "source").exists()
    assert not list(built_site.rglob("*source*01_foundations*"))


@pytest.mark.slow
def test_glossary_and_references_are_built(built_site):
    glossary = (built_site / "book" / "glossary.html").read_text()
    assert 'id="term-' in glossary
    references = (built_site / "book" / "bibliography.html").read_text()
    assert "CPIC" in references
    assert "cpic_clopidogrel2022" in (ROOT / "book" / "references.bib").read_text()
    assert "Clopidogrel" in references or "clopidogrel" in references, "guideline not cited"


@pytest.mark.slow
def test_module_pages_load_no_widget_manager_from_a_cdn(built_site):
    for page in (built_site / "notebooks").glob("*.html"):
        html = page.read_text()
        assert "html-manager" not in html and "require.min.js" not in html, page.name


@pytest.mark.slow
def test_pages_take_nothing_from_outside_the_site(built_site):
    """Scripts, styles, fonts, images and frames all come from the built site."""
    outside = re.compile(r"^(https?:)?//", flags=re.IGNORECASE)
    problems = []
    for page in _html_pages(built_site):
        soup = _soup(page)
        for tag in soup.find_all(["script", "img", "iframe", "source", "audio", "video"]):
            if tag.get("src") and outside.match(tag["src"]):
                problems.append(f"{page.name}: <{tag.name} src={tag['src']}>")
        for tag in soup.find_all("link", href=True):
            if outside.match(tag["href"]) and tag.get("rel") != ["canonical"]:
                problems.append(f"{page.name}: <link href={tag['href']}>")
        for script in soup.find_all("script", src=False):
            if re.search(r"(cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis)", script.get_text()):
                problems.append(f"{page.name}: inline script refers to a CDN")
    for css in built_site.joinpath("_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?://[^)'\"]+)", css.read_text("utf-8")):
            problems.append(f"{css.name}: url({url})")
        for url in re.findall(r"@import\s+(?:url\()?['\"]?(https?://[^)'\";]+)", css.read_text()):
            problems.append(f"{css.name}: @import {url}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(built_site):
    ids: dict[Path, set[str]] = {}

    def anchors(page: Path) -> set[str]:
        if page not in ids:
            soup = _soup(page)
            ids[page] = {tag["id"] for tag in soup.find_all(id=True)} | {
                tag["name"] for tag in soup.find_all("a", attrs={"name": True})
            }
        return ids[page]

    broken = []
    for page in _html_pages(built_site):
        soup = _soup(page)
        links = [(a.name, a["href"]) for a in soup.find_all(["a", "link"], href=True)]
        links += [(t.name, t["src"]) for t in soup.find_all(["img", "script"], src=True)]
        for tag, link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: <{tag}> {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in anchors(target):
                    broken.append(f"{page.relative_to(built_site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken)


@pytest.mark.slow
def test_every_image_has_alt_text(built_site):
    missing = []
    for page in _html_pages(built_site):
        for img in _soup(page).find_all("img"):
            alt = (img.get("alt") or "").strip()
            if not alt or alt == img.get("src") or re.search(r"\.(png|svg|jpe?g|gif)$", alt):
                missing.append(f"{page.relative_to(built_site)}: {img.get('src')} (alt={alt!r})")
    assert not missing, (
        "Images without a real description. For a figure made by a code cell, add cell "
        'metadata {"mystnb": {"image": {"alt": "what the figure shows"}}}:\n' + "\n".join(missing)
    )


def _page_text(page: Path) -> str:
    """The prose of a page: no code, outputs, math or navigation."""
    article = _soup(page).select_one("article.bd-article")
    if article is None:
        return ""
    for tag in article.select("pre, code, script, style, .math, .cell_input, .cell_output"):
        tag.decompose()
    return article.get_text(" ")


@pytest.mark.slow
def test_every_abbreviation_is_in_the_glossary(built_site):
    known = glossary_terms() | glossary_exempt()
    skipped = {"book/bibliography"} | glossary_exempt_pages()
    pages = [f"{name}.html" for name in toc_files() if name not in skipped]
    missing = {}
    for name in pages:
        undefined = undefined_abbreviations(_page_text(built_site / name), known)
        if undefined:
            missing[name] = undefined
    assert not missing, (
        "Abbreviations used but not defined in book/glossary.md (add a glossary entry; "
        "only gene symbols, units and identifiers go in book/glossary_exempt.txt):\n"
        + "\n".join(f"  {page}: {', '.join(words)}" for page, words in missing.items())
    )


def test_glossary_exempt_list_does_not_shadow_the_glossary():
    both = glossary_terms() & glossary_exempt()
    assert not both, f"defined in the glossary and exempt too: {sorted(both)}"


def test_every_glossary_term_starts_after_an_empty_line():
    # Sphinx rejects a term glued to the previous definition (a merge of two
    # modules' entries does that); this finds it in a second, not in a book build.
    lines = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8").splitlines()
    glued = [
        f"line {number}: {line}"
        for number, (previous, line) in enumerate(pairwise(lines), start=2)
        if previous.startswith("  ") and line and not line.startswith((" ", "`"))
    ]
    assert not glued, "a glossary term needs an empty line before it:\n" + "\n".join(glued)


def test_abbreviation_finder_on_module_4_words():
    assert abbreviations("CPIC, PGx, an AS of 1.5, INR and HLA-B*57:01") == {
        "CPIC",
        "PGx",
        "AS",
        "INR",
        "HLA",
    }


def test_readme_and_config_name_the_hub_to_change():
    hub = config()["launch_buttons"]["jupyterhub_url"]
    assert hub in (ROOT / "README.md").read_text()
    assert "CHANGE" in (ROOT / "_config.yml").read_text()
    yaml.safe_load((ROOT / "_config.yml").read_text())
