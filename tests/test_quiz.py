import json
import re

import nbformat
import pytest

from pmcourse import quiz
from pmcourse.modules import modules
from pmcourse.schemas import problems


@pytest.mark.parametrize("module", modules(), ids=lambda m: m.name)
def test_every_module_has_a_valid_quiz_its_notebook_shows(module):
    assert module.quiz.is_file(), f"module {module.number} has no quiz {module.quiz}"
    assert module.name in quiz.quiz_names()
    assert quiz.load_quiz(module.name)
    cells = nbformat.read(module.notebook, as_version=4).cells
    assert any(f'show_quiz("{module.name}")' in cell.source for cell in cells), (
        f'{module.notebook.name} never calls show_quiz("{module.name}")'
    )


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
            "question 1, answer 1: has no feedback",
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
    messages = problems(questions, "quiz", where="99_demo.json")
    assert any(problem in message for message in messages), messages
    assert all(message.startswith("99_demo.json") for message in messages)


def _choice(**changes) -> dict:
    answers = [
        {"answer": "a", "correct": True, "feedback": "Yes."},
        {"answer": "b", "correct": False, "feedback": "No."},
    ]
    return {"question": "Q?", "type": "multiple_choice", "answers": answers} | changes


def _numeric(*answers) -> dict:
    return {"question": "How many?", "type": "numeric", "answers": list(answers)}


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (
            [_choice(), _choice(type="many_choice", answers=[{"answer": "a", "correct": True}])],
            "99_demo.json, question 2, answer 1: has no feedback",
        ),
        (
            [_choice(answers=[{"answer": "a", "correct": True, "feedback": "Yes."}])],
            "99_demo.json, question 1: needs at least two answers to choose from",
        ),
        (
            [_choice(answers=[{"answer": "a", "correct": "yes", "feedback": "Yes."}] * 2)],
            '99_demo.json, question 1, answer 2: must say whether it is correct, "correct": '
            'true or false, not "yes"',
        ),
        (
            [_numeric({"type": "value", "value": "62", "correct": True, "feedback": "Yes."})],
            '99_demo.json, question 1, answer 1: has the value "62": write a number',
        ),
        (
            [_numeric({"type": "range", "range": [1], "correct": True, "feedback": "Yes."})],
            "99_demo.json, question 1, answer 1: has the range [1]: write [lowest, highest]",
        ),
        (
            [_numeric({"type": "value", "value": 62, "feedback": "Yes."})],
            '99_demo.json, question 1, answer 1: lacks "correct"',
        ),
        (
            [_numeric({"type": "default", "feedback": "Try again."})],
            "99_demo.json, question 1: has no correct answer",
        ),
        (
            [_numeric({"type": "exact", "value": 62, "correct": True, "feedback": "Yes."})],
            '99_demo.json, question 1, answer 1: has the unknown type "exact"',
        ),
    ],
)
def test_quiz_problems_name_the_question_answer_and_field(questions, message):
    messages = problems(questions, "quiz", where="99_demo.json")
    assert any(found.startswith(message) for found in messages), messages


def test_well_formed_quizzes_of_each_type_have_no_problems():
    numeric = _numeric(
        {"type": "value", "value": 62, "correct": True, "feedback": "Yes."},
        {"type": "range", "range": [60, 65], "correct": False, "feedback": "Close."},
        {"type": "default", "feedback": "Try again."},
    )
    assert problems([_choice(), _choice(type="many_choice"), numeric], "quiz", where="x") == []


def test_a_malformed_quiz_file_is_refused_with_every_problem(monkeypatch, tmp_path):
    questions = [_choice(question=""), _choice(answers=[])]
    (tmp_path / "99_demo.json").write_text(json.dumps(questions))
    monkeypatch.setattr(quiz, "_folder", lambda: tmp_path)
    with pytest.raises(ValueError) as error:
        quiz.load_quiz("99_demo")
    assert str(error.value).splitlines() == [
        "99_demo.json, question 1: has no question text.",
        "99_demo.json, question 2: has no answers.",
    ]


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
