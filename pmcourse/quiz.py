"""Self-check quizzes, shown with jupyterquiz from JSON files shipped in the package.

Quizzes live in ``pmcourse/resources/quizzes/<name>.json`` in jupyterquiz's
format: a list of questions, each with ``question``, ``type``
(``multiple_choice``, ``many_choice`` or ``numeric``) and ``answers``. Every
answer carries ``feedback``, so a learner learns from a wrong click too. The
format is checked against ``pmcourse/resources/schemas/quiz.schema.json``.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from pmcourse.schemas import validate

__all__ = ["QUIZ_COLOURS", "load_quiz", "quiz_html_and_script", "quiz_names", "show_quiz"]


def _folder():
    """The folder of the quiz files (a Traversable)."""
    return resources.files("pmcourse").joinpath("resources", "quizzes")


def quiz_names() -> list[str]:
    """Names of the quizzes shipped with the course, such as ``'01_foundations'``."""
    return sorted(item.name[:-5] for item in _folder().iterdir() if item.name.endswith(".json"))


def load_quiz(name: str) -> list[dict]:
    """Load and validate a quiz.

    Parameters
    ----------
    name : str
        Quiz name, one of :func:`quiz_names`.

    Returns
    -------
    list of dict
        The questions, in jupyterquiz's format.

    Raises
    ------
    ValueError
        If there is no such quiz or it is malformed (every problem, named by
        question, answer and field).

    Examples
    --------
    >>> questions = load_quiz("01_foundations")
    >>> all("feedback" in answer for q in questions for answer in q["answers"])
    True
    """
    if name not in quiz_names():
        raise ValueError(f"There is no quiz called {name!r}. Quizzes: {', '.join(quiz_names())}.")
    try:
        questions = json.loads(_folder().joinpath(f"{name}.json").read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"The quiz file {name}.json is not valid JSON: {error}") from None
    validate(questions, "quiz", where=f"{name}.json")
    return questions


#: Quiz colours: dark blue questions, and for a clicked answer darkened versions
#: of the Okabe-Ito bluish green (right) and vermillion (wrong) of
#: :mod:`pmcourse.plots`, which colour-blind readers can tell apart and which
#: keep white text readable. The feedback is marked with a tick or a cross and
#: says in words whether the answer is right, so colour is never the only cue.
QUIZ_COLOURS = {
    "--jq-multiple-choice-bg": "#1F3A5F",
    "--jq-many-choice-bg": "#5C2A4D",
    "--jq-numeric-bg": "#1F3A5F",
    "--jq-correct-color": "#006E52",
    "--jq-incorrect-color": "#A13F00",
    "--jq-link-color": "#F0E442",
}

# jupyterquiz loads MathJax from a CDN when a page has a MathJax configuration but
# MathJax has not started yet. The course's pages must make no request outside
# themselves (hospital networks block CDNs), so that fallback is removed.
_MATHJAX_FALLBACK = re.compile(
    r"console\.log\('WARNING: Trying to force load MathJax 3'\);.*?\}\)\(\);",
    flags=re.DOTALL,
)

# Quiz feedback is announced to screen readers, the answer that has the keyboard
# focus is outlined (the radio button inside each answer is hidden), and a
# numeric answer's box is tied to its label and has dark text on white.
# Feedback is written in the page's own text colour (light or dark mode) and
# marked with a tick or a cross: jupyterquiz colours it green or red, which is
# hard to read in dark mode and to tell apart for colour-blind readers.
_ACCESSIBILITY_JS = """
(function () {
  var tries = 0;
  function mark() {
    var quiz = document.getElementById("%(div_id)s");
    var feedback = quiz ? quiz.querySelectorAll(".Feedback") : [];
    if (!feedback.length) {
      if (tries++ < 100) { setTimeout(mark, 100); }
      return;
    }
    feedback.forEach(function (fb) {
      fb.setAttribute("role", "status");
      fb.setAttribute("aria-live", "polite");
    });
    quiz.querySelectorAll("label.InpLabel").forEach(function (label) {
      var input = label.parentElement.querySelector("input");
      if (input && input.id) { label.htmlFor = input.id; }
    });
    quiz.dataset.pmcourseReady = "true";
  }
  mark();
})();
"""

_ACCESSIBILITY_CSS = """<style>
#%(div_id)s .MCButton:focus-within { outline: 3px solid #0072B2; outline-offset: 2px; }
#%(div_id)s .MCButton input { position: absolute; opacity: 0; width: 1px; height: 1px; }
#%(div_id)s .Feedback.correct, #%(div_id)s .Feedback.incorrect { color: inherit; }
#%(div_id)s .Feedback.correct::before { content: "\\2713  "; }
#%(div_id)s .Feedback.incorrect::before { content: "\\2717  "; }
#%(div_id)s .Input-text { color: #101010; background-color: #ffffff; border: 1px solid #555555; }
</style>"""


def quiz_html_and_script(name: str, *, shuffle_answers: bool = True) -> tuple[str, str]:
    """The HTML and JavaScript of a quiz, as :func:`show_quiz` displays them.

    The script embeds the questions and jupyterquiz's code, so the quiz works on
    a static web page without network access; it never loads MathJax itself
    (write quiz text without LaTeX: p², not $p^2$).

    Examples
    --------
    >>> html, script = quiz_html_and_script("01_foundations")
    >>> "https://" in script
    False
    """
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    questions = load_quiz(name)
    div_id = "quiz" + "".join(ch for ch in name if ch.isalnum())
    prefix, static, url = load_questions_script(questions, div_id)
    html = render_div(div_id, False, shuffle_answers, False, 1_000_000, 600, 10, "left")
    html += build_styles(div_id, _colours()) + _ACCESSIBILITY_CSS % {"div_id": div_id}
    html += "</div>"
    script = _MATHJAX_FALLBACK.sub("", build_script(prefix, static, url, div_id, True))
    # jupyterquiz typesets with MathJax when it finds it; hide it so that a page
    # still loading MathJax gets no half-configured MathJax (see above).
    script = "(function (MathJax) {\n" + script + "\n})(undefined);\n"
    script += _ACCESSIBILITY_JS % {"div_id": div_id}
    return html, script


def _colours() -> dict[str, str]:
    """jupyterquiz's default colours, with the course's on top."""
    colours = {
        "--jq-mc-button-bg": "#fafafa",
        "--jq-mc-button-border": "#e0e0e0e0",
        "--jq-mc-button-inset-shadow": "#555555",
        "--jq-numeric-input-bg": "#c0c0c0",
        "--jq-numeric-input-label": "#101010",
        "--jq-numeric-input-shadow": "#999999",
        "--jq-string-bg": "#4c1a57",
        "--jq-text-color": "#fafafa",
    }
    colours.update(QUIZ_COLOURS)
    return colours


def show_quiz(name: str, *, shuffle_answers: bool = True) -> None:
    """Show a self-check quiz in the notebook (and on the book's page).

    Parameters
    ----------
    name : str
        Quiz name, such as ``'01_foundations'``.
    shuffle_answers : bool, default True
        Present the answers of each question in a random order.
    """
    from IPython.display import HTML, Javascript, display

    html, script = quiz_html_and_script(name, shuffle_answers=shuffle_answers)
    display(HTML(html))
    display(Javascript(script))
