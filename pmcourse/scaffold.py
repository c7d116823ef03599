"""``pmcourse new-module NN_slug "Title"``: the files of a new course module, ready to fill.

A course module is one unit (see ``book/authoring.md``): a learner notebook, a
graded assignment, a checks module, a quiz and a test file, listed in the
table of contents. :func:`new_module` writes all of them from the templates
below, with a small working example on the course cohort in each, so that the
new module passes the module tests as generated. Every place where the author
must write the module's own content is marked ``TODO(author)``; a test keeps
those marks out of the modules the course publishes.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from pmcourse.header import header_markdown

__all__ = ["MARK", "NewModule", "new_module"]

#: Marks every place an author must fill in.
MARK = "TODO(author)"

_NAME = re.compile(r"^(?P<number>[0-9]{2})_(?P<slug>[a-z][a-z0-9_]*)$")
_AUDIENCE = ["doctors", "nurses", "pharmacists", "biomedical laboratory scientists"]
_KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class NewModule:
    """The names of a new module, worked out from ``NN_slug`` and its title."""

    name: str
    title: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"{self.name!r} is not a module name: write two digits, an underscore and a "
                'short name in lower case, such as "08_pathogen_genomics".'
            )
        if not self.title.strip():
            raise ValueError('Give the module a title, such as "Pathogen genomics".')

    @property
    def number(self) -> int:
        return int(self.name[:2])

    @property
    def slug(self) -> str:
        return self.name[3:]

    def files(self, root: Path) -> dict[str, Path]:
        """Where each file of the module goes, relative to the repository `root`."""
        return {
            "notebook": root / "notebooks" / f"{self.name}.ipynb",
            "master": root / "exercises" / "source" / self.name / f"{self.name}.ipynb",
            "checks": root / "pmcourse" / "checks" / f"{self.slug}.py",
            "quiz": root / "pmcourse" / "resources" / "quizzes" / f"{self.name}.json",
            "tests": root / "tests" / f"test_checks_{self.slug}.py",
        }

    def metadata(self) -> dict:
        """The module's registry entry: the ``pmcourse`` metadata of its notebook."""
        return {
            "module": self.number,
            "slug": self.slug,
            "title": self.title,
            "objectives": [
                f"{MARK}: what a learner can do after this module, such as "
                "count the patients of a cohort who meet a criterion",
                "explain why the course data can never guide a clinical decision",
            ],
            "prerequisites": ["module 0, Getting started (running cells, selecting rows)"],
            "estimated_time_minutes": 60,
            "audience": list(_AUDIENCE),
            "assignment": self.name,
            "library": ["pmcourse.datasets"],
            "checks": f"pmcourse.checks.{self.slug}",
            "guidelines": [],
            "clinical_review": date.today().isoformat(),
        }


def _text(template: str, module: NewModule) -> str:
    """A template with the module's names filled in (``{name}``, ``{slug}``, ...)."""
    values = {
        "name": module.name,
        "slug": module.slug,
        "title": module.title,
        "number": module.number,
        "mark": MARK,
    }
    return textwrap.dedent(template).strip("\n").format(**values)


# --------------------------------------------------------------------------
# The learner notebook
# --------------------------------------------------------------------------

_SCENARIO = """
```{{admonition}} Clinical scenario
:class: tip
{mark}: a short story about a synthetic patient of the course cohort, such as
PM-000001, that this module answers. Reuse a patient the learner has met in an
earlier module where you can.
```

All patients in this module are **synthetic**: invented by a computer program,
for learning only, not for clinical use.
"""

_IDEA = """
## The idea

{mark}: explain the module's first idea in plain words, link each new term to
the glossary with ``{{term}}`word` `` and cite sources with ``{{cite:p}}`key` ``,
then run `make links` (it writes them as links JupyterLab shows).

## A worked example

The course cohort holds one row per synthetic patient. The next cell loads it
and counts the patients aged 65 or older.
"""

_DEMO = """
### Interactive demo

The figure shows how the patients' ages are spread. The website shows this
still picture; to move the slider yourself, launch this page (the rocket icon at
the top: Binder or your JupyterHub) or open the notebook in JupyterLab, and run
the next cell.
"""

_YOUR_TURN = """
### Your turn: how many patients are 80 or older?

Count the patients of the cohort aged 80 or older. Use the pattern of the worked
example: keep the rows that match, then count them with `len( )`.
"""

_QUESTION = """
**{{mark}}: {which} question a ward doctor, nurse or pharmacist would ask?**
{{mark}}: answer it in a short paragraph of two to five sentences that a nurse
new to the subject understands, and cite the source it rests on with
``{{{{cite:p}}}}`key` `` (the key of its entry in book/references.bib).
"""

# Four to six questions, each answered with a cited source (tests/test_book.py checks).
_QUESTIONS = "## Questions clinicians ask\n\n" + "\n\n".join(
    textwrap.dedent(_QUESTION).strip("\n").format(which=which)
    for which in ("the first", "a second", "a third", "a fourth")
)

_KEY_POINTS = """
## Key points

- {mark}: the three to five points a learner should remember.
- The course data are synthetic: for learning, not for clinical use.
"""

_FURTHER_READING = """
## Further reading

- {mark}: guidelines and reviews, cited with ``{{cite:p}}`key` ``.
"""


def learner_notebook(module: NewModule) -> nbformat.NotebookNode:
    """The learner notebook: header, scenario, idea, example, demo, your turn, quiz, ..."""
    metadata = module.metadata()
    figure = new_code_cell(
        'ax = cohort["age_years"].plot.hist(bins=20, color="#0072B2")\n'
        'ax.set(xlabel="Age (years)", ylabel="Number of patients");'
    )
    figure.metadata["mystnb"] = {
        "image": {"alt": "Histogram of the ages of the patients of the course cohort."}
    }
    demo = new_code_cell(
        "def count_from(age):\n"
        "    print(len(cohort[cohort['age_years'] >= age]), 'patients are', age, 'or older')\n\n\n"
        'interact(count_from, age=IntSlider(65, min=18, max=95, description="Age from"));'
    )
    demo.metadata["tags"] = ["remove-output", "skip-execution"]
    quiz = new_code_cell(f'from pmcourse.quiz import show_quiz\n\nshow_quiz("{module.name}")')
    quiz.metadata["tags"] = ["remove-input"]
    cells = [
        new_markdown_cell(header_markdown(metadata)),
        new_code_cell(
            "from ipywidgets import IntSlider, interact\n"
            "from pmcourse import datasets\n"
            f"from pmcourse.checks import {module.slug} as check"
        ),
        new_markdown_cell(_text(_SCENARIO, module)),
        new_markdown_cell(_text(_IDEA, module)),
        new_code_cell(
            'cohort = datasets.load("cohort")\n'
            'older = cohort[cohort["age_years"] >= 65]\n'
            "len(older)"
        ),
        new_markdown_cell(_text(_DEMO, module)),
        figure,
        demo,
        new_markdown_cell(_text(_YOUR_TURN, module)),
        new_code_cell("n_80_or_older = ..."),
        new_code_cell("check.n_patients_aged(n_80_or_older)"),
        new_markdown_cell(
            "## Self-check quiz\n\nClick an answer to see why it is right or wrong."
        ),
        quiz,
        new_markdown_cell(_text(_QUESTIONS, module)),
        new_markdown_cell(_text(_KEY_POINTS, module)),
        new_markdown_cell(_text(_FURTHER_READING, module)),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": _KERNEL, "pmcourse": metadata})


# --------------------------------------------------------------------------
# The graded exercise (nbgrader master)
# --------------------------------------------------------------------------

_EXERCISE_INTRO = """
# Graded exercise {number}: {title}

**All patients in this exercise are synthetic (invented by a computer program).
The data are for learning only, not for clinical use.**

{mark}: one paragraph on what the learner practises here.

## How to work

1. Run the cells from top to bottom: click a cell and press Shift+Enter.
2. Where a cell says `# YOUR CODE HERE`, delete the line
   `raise NotImplementedError()` and write your code in its place. Keep the
   lines that are already there.
3. Run your cell, then run the check cell below it. A ✅ means the quick check
   passed; a ❌ comes with a hint. You may try as often as you like.
4. The quick checks use the examples shown in this notebook. When your work is
   graded, the same cells run more tests on other patients, so a function that
   only returns the answer to the example gets no points. The check of your
   clinical choice in part 2 only says whether it is one of the options; it is
   graded when you submit.
5. Write your answer to the question in part 3 where it says YOUR ANSWER HERE.
6. Save the notebook (Ctrl+S).

## Points

| part | what you do | kind | points | minutes |
| --- | --- | --- | --- | --- |
| 1 | `patients_aged`: count the patients of a given age or older | code | 3 | 10 |
| 2 | choose how the course data may be used | clinical interpretation | 3 | 5 |
| 3 | explain your choice to a colleague (graded by your instructor) | free text | 3 | 10 |
| | total | | 9 | 25 |
"""

_PART_1 = """
## Part 1: patients of a given age or older

**Task:** complete `patients_aged` so that it returns the number of patients in
a table (such as `cohort`) who are `age` years old or older. For the cohort and
65 it gives the count of the module notebook's worked example.
"""

_PART_2 = """
## Part 2: how may the course data be used?

A colleague finds that the course cohort has many patients aged 80 or older and
asks whether the numbers can plan next winter's geriatric ward. Which answer is
right? Set `answer_use` to the letter of your choice, such as `"A"`.

- **A**: Yes; the cohort is a sample of Danish patients.
- **B**: No; the data are synthetic and say nothing about real patients.
- **C**: Yes, if the ages are adjusted to the Danish population.
- **D**: Only for the oldest patients.
"""

_PART_3 = """
## Part 3: explain your choice

In 3 to 5 sentences, explain to the colleague why the course data cannot plan a
ward, and where real numbers would come from.
"""

_MODEL_ANSWER = """
### BEGIN SOLUTION
**Model answer.** The course data are synthetic: a computer program drew every
patient, so the numbers describe no real population. Planning needs the
hospital's own admission records or national registers, read with their
limits.

**Mark scheme (3 points; instructors only, removed from the student version).**
Award 1 point for each criterion met; 0.5 if it is touched on but incomplete.

1. *Synthetic*: the data were generated, not collected from patients.
2. *Consequence*: no clinical or planning decision may rest on them.
3. *Next step*: a real source of numbers is named.

Do not deduct for spelling or language.
### END SOLUTION
"""

_VALIDATE_AND_SUBMIT = """
## Validate and submit

1. Restart the kernel and run all cells (menu Kernel, then "Restart Kernel and
   Run All Cells"), so you know the notebook works from top to bottom.
2. Check that every check cell shows ✅ and that you answered part 3.
3. Save, click **Validate**, then **Submit**. You can submit again until the
   deadline; the last submission counts.
"""

_TEST_CODE = """
from pmcourse.checks import {slug} as check

# Quick check on the example above: the cohort and 65.
quick = check.patients_aged(patients_aged)
display(quick)
quick.assert_passed()
### BEGIN HIDDEN TESTS
_secret_cases = check.age_cases([(40, 1), (80, 1), (18, 3), (95, 7)])
check.patients_aged(patients_aged, cases=_secret_cases, quick=False).assert_passed()
### END HIDDEN TESTS
"""

_TEST_INTERPRETATION = """
from pmcourse.checks import {slug} as check

# This checks only that your answer is one of the options; it is graded when you submit.
quick = check.data_use.check_form(answer_use)
display(quick)
quick.assert_passed()
### BEGIN HIDDEN TESTS
check.data_use(answer_use, quick=False).assert_passed()
### END HIDDEN TESTS
"""


def _graded(cell: nbformat.NotebookNode, grade_id: str, *, kind: str | None = None, points=0):
    """Give a cell its nbgrader role: an answer (holds a solution), a test (points), or locked."""
    solution = "### BEGIN SOLUTION" in cell.source
    grade = points > 0
    cell.metadata["nbgrader"] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
        **({"points": points} if grade else {}),
    }
    if kind:
        cell.metadata["pmcourse"] = {"kind": kind}
    return cell


def exercise_master(module: NewModule) -> nbformat.NotebookNode:
    """The nbgrader master: one code, one interpretation and one free-text question."""
    header = {
        key: value
        for key, value in module.metadata().items()
        if key in ("module", "title", "prerequisites", "estimated_time_minutes", "audience")
    }
    header["title"] = f"Graded exercise {module.number}: {module.title}"
    header["objectives"] = [
        "Count the patients of a table who meet an age criterion",
        "Say how synthetic course data may and may not be used",
        "Explain that choice to a colleague",
    ]
    header["prerequisites"] = [f"Module {module.number} notebook: {module.title}"]
    header["estimated_time_minutes"] = 25
    cells = [
        new_markdown_cell(_text(_EXERCISE_INTRO, module)),
        _graded(
            new_code_cell(
                'from pmcourse import datasets\n\ncohort = datasets.load("cohort")\ncohort.head()'
            ),
            "setup",
        ),
        new_markdown_cell(_text(_PART_1, module)),
        _graded(
            new_code_cell(
                "def patients_aged(patients, age):\n"
                '    """Number of patients aged `age` years or older."""\n'
                "    ### BEGIN SOLUTION\n"
                '    return len(patients[patients["age_years"] >= age])\n'
                "    ### END SOLUTION"
            ),
            "patients_aged",
        ),
        _graded(
            new_code_cell(_text(_TEST_CODE, module)), "test_patients_aged", kind="code", points=3
        ),
        new_markdown_cell(_text(_PART_2, module)),
        _graded(
            new_code_cell(
                'answer_use = ...  # "A", "B", "C" or "D"\n'
                '### BEGIN SOLUTION\nanswer_use = "B"\n### END SOLUTION'
            ),
            "answer_use",
        ),
        _graded(
            new_code_cell(_text(_TEST_INTERPRETATION, module)),
            "test_answer_use",
            kind="interpretation",
            points=3,
        ),
        _graded(new_markdown_cell(_text(_PART_3, module)), "explanation_question"),
        _graded(
            new_markdown_cell(_text(_MODEL_ANSWER, module)),
            "explanation",
            kind="free-text",
            points=3,
        ),
        new_markdown_cell(_text(_VALIDATE_AND_SUBMIT, module)),
    ]
    metadata = {"kernelspec": _KERNEL, "language_info": {"name": "python"}, "pmcourse": header}
    return new_notebook(cells=cells, metadata=metadata)


# --------------------------------------------------------------------------
# The checks module, the quiz and the tests
# --------------------------------------------------------------------------

_CHECKS = '''
"""Checks for module {number} ({title}): the notebook's instant checks and the exercise's tests.

The single source of every reference answer and public test case of the
module. Value checks take a number the learner worked out in the module
notebook; function checks take a function the learner wrote in the graded
exercise and run it on the public examples, or on the secret cases a hidden
test passes in; interpretation questions take a clinical choice.
{mark}: replace the examples with the module's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from pmcourse import datasets
from pmcourse.check import CheckResult, FunctionCheck, check_value
from pmcourse.interpretation import Choice

__all__ = ["age_cases", "data_use", "n_patients_aged", "patients_aged"]


def _cohort() -> pd.DataFrame:
    return datasets.load("cohort")


def n_patients_aged(answer: Any, *, age: int = 80) -> CheckResult:
    """Check the number of cohort patients aged `age` or older (the module notebook).

    Examples
    --------
    >>> cohort = _cohort()
    >>> n_patients_aged(len(cohort[cohort["age_years"] >= 80])).passed
    True
    >>> n_patients_aged(len(cohort[cohort["age_years"] > 80])).passed
    False
    """
    cohort = _cohort()
    expected = len(cohort[cohort["age_years"] >= age])
    slips = [
        (len(cohort), "That is every patient. Keep only the rows that match, then count."),
        (
            len(cohort[cohort["age_years"] > age]),
            "Patients of exactly that age count too: use >= (at least), not >.",
        ),
    ]
    hint = 'Keep the rows with cohort[cohort["age_years"] >= ...], then count them with len( ).'
    return check_value(
        answer,
        expected,
        name=f"n_{{age}}_or_older",
        hint=hint,
        tolerance=0,
        common_mistakes=[(v, h) for v, h in slips if v != expected],
    )


def age_cases(settings: Iterable[tuple[int, int]]) -> list[tuple[pd.DataFrame, int]]:
    """Test inputs (patients, age): every `step`-th cohort patient, for each (age, step).

    Examples
    --------
    >>> [(len(patients), age) for patients, age in age_cases([(70, 10)])]
    [(100, 70)]
    """
    cohort = _cohort()
    return [(cohort.iloc[::step].reset_index(drop=True), age) for age, step in settings]


#: ``patients_aged(patients, age)``, the function of the graded exercise; by default
#: checked on the worked example (the cohort and 65), hidden tests pass their own cases.
patients_aged = FunctionCheck(
    "patients_aged",
    lambda patients, age: len(patients[patients["age_years"] >= age]),
    examples=lambda: age_cases([(65, 1)]),
    hint='Keep the rows with patients[patients["age_years"] >= age] and return how many '
    "there are with len( ).",
    common_mistakes=[
        (
            lambda patients, age: len(patients[patients["age_years"] > age]),
            "Patients of exactly that age count too: use >= (at least), not >.",
        ),
    ],
    show_inputs=False,
)


#: Part 2 of the graded exercise: how may the course data be used?
data_use = Choice(
    "answer_use",
    options={{
        "A": "Yes; the cohort is a sample of Danish patients.",
        "B": "No; the data are synthetic and say nothing about real patients.",
        "C": "Yes, if the ages are adjusted to the Danish population.",
        "D": "Only for the oldest patients.",
    }},
    correct="B",
    reasoning={{
        "A": "Where did the patients come from? Read the first lines of the data set.",
        "C": "Adjusting numbers that describe no real person cannot make them describe one.",
        "D": "Whatever their age, the patients were made by a program.",
    }},
    hint="Read what the course says about its data sets.",
)
'''

_TESTS = '''
"""Tests of the checks of module {number} (pmcourse.checks.{slug})."""

import pytest

from pmcourse import datasets
from pmcourse.checks import {slug} as checks

COHORT = datasets.load("cohort")


def _right(patients, age):
    return int((patients["age_years"] >= age).sum())


def test_the_right_count_and_function_pass():
    assert checks.n_patients_aged(_right(COHORT, 80)).passed
    assert checks.patients_aged(_right).passed
    assert checks.patients_aged(_right, cases=checks.age_cases([(30, 3)]), quick=False).passed


def test_an_answer_that_knows_only_the_example_fails_on_other_cases():
    def hard_coded(patients, age):
        return _right(COHORT, 65)

    assert checks.patients_aged(hard_coded).passed
    result = checks.patients_aged(hard_coded, cases=checks.age_cases([(80, 1)]), quick=False)
    assert not result.passed and str(_right(COHORT, 80)) not in str(result)


def test_using_greater_than_gets_its_hint():
    result = checks.n_patients_aged(int((COHORT["age_years"] > 80).sum()))
    assert not result.passed and ">=" in result.hint


@pytest.mark.parametrize("wrong", ["A", "C", "D"])
def test_a_wrong_choice_gets_reasoning_and_no_answer(wrong):
    result = checks.data_use(wrong, quick=False)
    assert not result.passed and checks.data_use.reasoning[wrong] in result.message
    assert checks.data_use.check_form(wrong).passed
'''

_QUIZ = """
[
  {{
    "question": "{mark}: a question on the module's main idea. Are the course's patients real?",
    "type": "multiple_choice",
    "answers": [
      {{"answer": "No, they are synthetic.", "correct": true,
        "feedback": "Right: a computer program made them, for learning only."}},
      {{"answer": "Yes, they are Danish patients.", "correct": false,
        "feedback": "No: every data set of the course is synthetic, not for clinical use."}}
    ]
  }},
  {{
    "question": "{mark}: a question with a number. How many copies of most genes do we have?",
    "type": "numeric",
    "answers": [
      {{"type": "value", "value": 2, "correct": true,
        "feedback": "Right: one copy from each parent."}},
      {{"type": "default",
        "feedback": "Think of the two parents: each passes on one copy."}}
    ]
  }}
]
"""


# --------------------------------------------------------------------------
# Writing the module
# --------------------------------------------------------------------------


def _add_to_toc(toc: Path, caption: str, entry: str) -> None:
    """Add `entry` to the chapters under `caption` in _toc.yml, keeping them in order."""
    lines = toc.read_text("utf-8").splitlines()
    start = lines.index(f"  - caption: {caption}") + 2
    end = start
    while end < len(lines) and lines[end].startswith("      - file: "):
        end += 1
    files = {line.removeprefix("      - file: ") for line in lines[start:end]} | {entry}
    lines[start:end] = [f"      - file: {name}" for name in sorted(files)]
    toc.write_text("\n".join(lines) + "\n", "utf-8")


def new_module(
    name: str, title: str, *, root: str | Path = ".", release: bool = True
) -> list[Path]:
    """Write the files of a new course module and list it in the table of contents.

    Parameters
    ----------
    name : str
        ``NN_slug``: two digits and a short lower-case name, such as ``"08_imaging"``.
    title : str
        The module's title, such as ``"Imaging beyond the genome"``.
    root : str or pathlib.Path, default "."
        The repository's root folder.
    release : bool, default True
        Also generate the student version of the exercise (nbgrader).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If the name is malformed, or the module or any of its files exists.
    """
    module = NewModule(name, title)
    root = Path(root)
    files = module.files(root)
    taken = [path for path in files.values() if path.exists()]
    existing = [p.stem for p in (root / "notebooks").glob(f"{module.name[:2]}_*.ipynb")]
    if taken or existing:
        raise ValueError(
            f"Module {module.number:02d} exists already ({', '.join(existing)}) or its files do: "
            f"{', '.join(str(p.relative_to(root)) for p in taken)}. Choose another number or name."
        )
    files["master"].parent.mkdir(parents=True)
    nbformat.write(learner_notebook(module), files["notebook"])
    nbformat.write(exercise_master(module), files["master"])
    files["checks"].write_text(_text(_CHECKS, module) + "\n", "utf-8")
    files["quiz"].write_text(_text(_QUIZ, module) + "\n", "utf-8")
    files["tests"].write_text(_text(_TESTS, module) + "\n", "utf-8")
    _add_to_toc(root / "_toc.yml", "Modules", f"notebooks/{module.name}")
    _add_to_toc(
        root / "_toc.yml", "Graded exercises", f"exercises/release/{module.name}/{module.name}"
    )
    written = [*files.values(), root / "_toc.yml"]
    if release:
        from pmcourse.grading import generate_release

        written.append(generate_release(root / "exercises", module.name))
    return written
