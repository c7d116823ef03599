"""The website in a real browser: Debian's chromium, driven by Playwright.

Every page is served from 127.0.0.1 and must load with no console error, no
request leaving 127.0.0.1, every image loaded and no serious or critical
accessibility violation found by axe-core, in light and in dark mode; each
module's quiz answers a click and a key press with the feedback from its quiz
file; search finds a glossary term. Screenshots go to test-artifacts/.

Without chromium these tests skip (install it with `apt-get install chromium`);
under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_site import ROOT, module_notebooks, toc_pages
from chromium import ARTIFACTS

pytestmark = pytest.mark.slow

PAGES = ["index.html", *toc_pages(), "search.html", "genindex.html"]
QUIZ_NOTEBOOKS = [
    path
    for path in module_notebooks()
    if (ROOT / "pmcourse" / "resources" / "quizzes" / f"{path.stem}.json").exists()
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Visit:
    """One page in a fresh browser context, recording errors and outside requests."""

    def __init__(self, browser, site_url: str, page: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfailed", self._failed)
        self.site_url = site_url
        self.page.route("**/*", self._route)
        self.page.goto(site_url + page, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        if self.page.locator("[data-shuffleanswers]").count():  # a jupyterquiz quiz
            self.page.wait_for_selector("[data-pmcourse-ready]", timeout=10_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.site_url) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _failed(self, request) -> None:
        if request.url.startswith(self.site_url):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    opened = []

    def open_page(page: str) -> Visit:
        opened.append(Visit(browser, site_url, page))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


def _axe(page) -> list[str]:
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _dark_mode(page) -> None:
    """Switch the page to the theme's dark mode, as its theme button does."""
    page.evaluate(
        "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
        "document.documentElement.dataset.mode = 'dark';"
        "document.documentElement.dataset.theme = 'dark';"
    )
    page.wait_for_timeout(500)  # colours are animated
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"


@pytest.mark.parametrize("page", PAGES)
def test_page_is_offline_error_free_and_accessible(visit, page):
    shown = visit(page)
    # Console errors and requests are judged before axe runs (axe fetches style sheets).
    assert not shown.outside, f"{page} made requests outside 127.0.0.1: {shown.outside}"
    assert not shown.errors, f"{page} logged errors: {shown.errors}"
    broken = shown.page.evaluate(
        "Array.from(document.images)"
        ".filter(img => !(img.complete && img.naturalWidth > 0))"
        ".filter(img => img.getClientRects().length > 0 || img.loading !== 'lazy')"
        ".map(img => img.src)"
    )
    assert not broken, f"{page}: images that did not load: {broken}"
    violations = _axe(shown.page)
    assert not violations, f"{page}: axe-core found:\n" + "\n".join(violations)
    _dark_mode(shown.page)
    violations = _axe(shown.page)
    assert not violations, f"{page} in dark mode: axe-core found:\n" + "\n".join(violations)


def _first_choice_question(page):
    """The first quiz question with answers to click (multiple or many choice)."""
    question = page.locator(".Quiz", has=page.locator("label.MCButton")).first
    question.scroll_into_view_if_needed()
    return question


def _words(text: str) -> str:
    return " ".join(text.split())


def _answer(path: Path, question, label_text: str) -> dict:
    """The quiz file's entry for the answer shown as label_text in this question."""
    questions = json.loads(
        (ROOT / "pmcourse" / "resources" / "quizzes" / f"{path.stem}.json").read_text()
    )
    shown = _words(question.locator("div").first.inner_text())
    candidates = [q for q in questions if _words(q["question"]) == shown] or questions
    answers = {_words(a["answer"]): a for q in candidates for a in q.get("answers", [])}
    return answers[_words(label_text)]


def _assert_feedback(feedback, answer: dict) -> None:
    # Many-choice questions append a count such as " [1/2]" to the feedback.
    assert _words(feedback.inner_text()).startswith(_words(answer["feedback"])), (
        f"shown {feedback.inner_text()!r}, expected {answer['feedback']!r}"
    )


@pytest.mark.parametrize("path", QUIZ_NOTEBOOKS, ids=lambda p: p.stem)
def test_quiz_answers_a_click_with_its_feedback(visit, path):
    shown = visit(f"notebooks/{path.stem}.html")
    question = _first_choice_question(shown.page)
    labels = question.locator("label.MCButton")
    assert labels.count() >= 2, f"{path.stem}: the quiz has no question with answers to click"
    feedback = question.locator(".Feedback")
    seen = set()
    for index in range(labels.count()):
        label = labels.nth(index)
        label.click()
        answer = _answer(path, question, label.inner_text())
        _assert_feedback(feedback, answer)
        expected = "correctButton" if answer["correct"] else "incorrectButton"
        assert expected in (label.get_attribute("class") or "")
        seen.add(answer["correct"])
    assert seen == {True, False}, "clicked right and wrong answers"
    assert feedback.get_attribute("aria-live") == "polite"
    assert not shown.errors, shown.errors
    shown.page.wait_for_timeout(1000)  # the answer's colour is animated
    violations = _axe(shown.page)  # the feedback's colours too
    assert not violations, "axe-core after answering:\n" + "\n".join(violations)


@pytest.mark.parametrize("path", QUIZ_NOTEBOOKS, ids=lambda p: p.stem)
def test_quiz_works_with_the_keyboard(visit, path):
    shown = visit(f"notebooks/{path.stem}.html")
    page = shown.page
    question = _first_choice_question(page)
    # Start keyboard navigation at the heading of the quiz's section, then Tab
    # into the quiz (past the heading's own link).
    section = page.locator("section", has=page.locator("[data-pmcourse-ready]")).last
    section.locator("h2, h3").first.click()
    focused = None
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.closest('label.MCButton') ? "
            "document.activeElement.closest('label.MCButton').innerText : null"
        )
        if focused:
            break
    assert focused, "Tab from the quiz heading does not reach an answer"
    page.keyboard.press("Space")
    feedback = page.locator(".Quiz", has=page.locator("input:focus")).locator(".Feedback")
    _assert_feedback(feedback, _answer(path, question, focused))
    page.keyboard.press("ArrowDown")
    moved = page.evaluate("document.activeElement.closest('label.MCButton').innerText")
    assert moved != focused
    _assert_feedback(feedback, _answer(path, question, moved))
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('label.MCButton')).outlineStyle"
    )
    assert outline != "none", "the focused answer has no visible outline"


def test_search_finds_a_glossary_term(visit):
    shown = visit("search.html?q=heterozygous")
    results = shown.page.locator("#search-results a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("book/glossary.html" in href for href in hrefs), hrefs


def test_toggles_work_with_the_keyboard(visit):
    """The sidebar's collapsible sections open with the keyboard (Enter on the toggle)."""
    shown = visit("notebooks/01_foundations.html")
    page = shown.page
    toggles = page.locator("details summary, .toggle-details summary")
    if not toggles.count():
        pytest.skip("no toggles on this page")
    summary = toggles.first
    summary.focus()
    before = summary.evaluate("s => s.parentElement.open")
    page.keyboard.press("Enter")
    assert summary.evaluate("s => s.parentElement.open") != before


def test_screenshots_of_the_landing_page_and_a_module(visit):
    ARTIFACTS.mkdir(exist_ok=True)
    for page, name in [
        ("book/intro.html", "landing-page.png"),
        (f"notebooks/{module_notebooks()[-1].stem}.html", "module-page.png"),
    ]:
        shown = visit(page)
        shown.page.screenshot(path=str(ARTIFACTS / name))
        assert (ARTIFACTS / name).stat().st_size > 10_000
    _dark_mode(shown.page)
    shown.page.screenshot(path=str(ARTIFACTS / "module-page-dark.png"))
    assert (ARTIFACTS / "module-page-dark.png").stat().st_size > 10_000
