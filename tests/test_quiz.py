import json
import re

import pytest

from pmcourse import quiz


def test_every_module_notebook_has_a_valid_quiz(root):
    names = quiz.quiz_names()
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        assert notebook.stem in names, f"{notebook.name} has no quiz"
        questions = quiz.load_quiz(notebook.stem)
        assert questions
        sources = [cell["source"] for cell in json.loads(notebook.read_text())["cells"]]
        assert any(f'show_quiz("{notebook.stem}")' in "".join(s) for s in sources)


def test_module_quizzes_have_five_to_eight_questions():
    for name in quiz.quiz_names():
        if not name.startswith("00"):
            assert 5 <= len(quiz.load_quiz(name)) <= 8, name


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        ([], "non-empty list"),
        ([{"question": "", "type": "multiple_choice", "answers": []}], "no question text"),
        ([{"question": "Q?", "type": "essay", "answers": []}], "unknown type"),
        ([{"question": "Q?", "type": "multiple_choice", "answers": []}], "no answers"),
        (
            [
                {
                    "question": "Q?",
                    "type": "multiple_choice",
                    "answers": [
                        {"answer": "a", "correct": True},
                        {"answer": "b", "correct": False, "feedback": "No."},
                    ],
                }
            ],
            "without feedback",
        ),
        (
            [
                {
                    "question": "Q?",
                    "type": "multiple_choice",
                    "answers": [
                        {"answer": "a", "correct": False, "feedback": "No."},
                        {"answer": "b", "correct": False, "feedback": "No."},
                    ],
                }
            ],
            "no correct answer",
        ),
    ],
)
def test_malformed_quizzes_are_explained(questions, problem):
    assert any(problem in message for message in quiz._problems(questions))


def test_quiz_files_are_valid_json(root):
    for path in (root / "pmcourse" / "resources" / "quizzes").glob("*.json"):
        json.loads(path.read_text())


def test_unknown_quiz_lists_the_known_ones():
    with pytest.raises(ValueError, match="01_foundations"):
        quiz.load_quiz("99_nothing")


def test_show_quiz_displays_html_and_javascript(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    import jupyterquiz.dynamic.display as jq_display

    monkeypatch.setattr(jq_display, "display", lambda *objs, **kw: shown.extend(objs))
    quiz.show_quiz("01_foundations")
    kinds = {type(obj).__name__ for obj in shown}
    assert {"HTML", "Javascript"} <= kinds


def test_quizzes_work_offline_and_announce_their_feedback():
    for name in quiz.quiz_names():
        html, script = quiz.quiz_html_and_script(name)
        for text in (html, script):
            assert not re.search(r"https?://", text), f"{name} refers to the internet"
        assert "MathJax" in script  # jupyterquiz's own typesetting, hidden by the wrapper
        assert script.startswith("(function (MathJax) {")
        assert 'aria-live", "polite"' in script
        assert ":focus-within" in html
