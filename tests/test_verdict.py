"""Hidden tests judged outside the learner's kernel cannot be fooled from inside it."""

import json
from pathlib import Path

import nbformat
import pytest

from pmcourse import grading_kernel
from pmcourse.checks import foundations
from pmcourse.grading_kernel import KERNEL_ARGUMENTS, RECORDS_MIME, cell_key
from pmcourse.verdict import (
    MAX_RECORDS_BYTES,
    RecordsInvalid,
    judge_test_cell,
    read_records,
    tampering_signs,
)

ROOT = Path(__file__).resolve().parents[1]
MASTERS = sorted((ROOT / "exercises" / "source").glob("*/*.ipynb"))
FOUNDATIONS = ROOT / "exercises" / "source" / "01_foundations" / "01_foundations.ipynb"


def _is_test_cell(cell) -> bool:
    nbgrader = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and nbgrader.get("grade") and not nbgrader.get("solution")


def _run(notebook, folder: Path) -> dict:
    """Run a notebook as the grader does; the kernel's and the judge's view of each test cell."""
    from nbclient import NotebookClient

    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    notebook.cells.append(nbformat.v4.new_code_cell(grading_kernel.export_cell_source()))
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    groups = read_records(notebook.cells.pop().outputs)
    views = {}
    for cell in filter(_is_test_cell, notebook.cells):
        nbgrader_passed = not any(
            output.output_type == "error"
            or (output.output_type == "stream" and output.name == "stderr")
            for output in cell.outputs
        )
        views[cell.metadata.nbgrader.grade_id] = (
            nbgrader_passed,
            judge_test_cell(cell.source, groups),
        )
    return views


# --------------------------------------------------------------------------
# Honest masters: the judge agrees with nbgrader
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def master_runs() -> dict:
    return {path.parent.name: _run(nbformat.read(path, 4), path.parent) for path in MASTERS}


@pytest.mark.parametrize("path", MASTERS, ids=lambda path: path.parent.name)
def test_every_hidden_test_of_a_master_passes_in_the_kernel_and_outside(master_runs, path):
    views = master_runs[path.parent.name]
    assert views, "no test cells found"
    for grade_id, (nbgrader_passed, verdict) in views.items():
        assert nbgrader_passed, grade_id
        assert verdict.passed, (grade_id, verdict.message)


@pytest.mark.parametrize("path", MASTERS, ids=lambda path: path.parent.name)
def test_no_master_shows_a_sign_of_tampering(path):
    assert tampering_signs(nbformat.read(path, 4)) == []


# --------------------------------------------------------------------------
# Attacks on module 1
# --------------------------------------------------------------------------


def _wrong_label(question) -> str:
    return next(label for label in question.options if label not in question.correct_labels())


def _wrong_answers() -> str:
    """A cell of wrong answers for every test of module 1 (one calls a switched-off function)."""
    estimate = foundations.carrier_share_ea
    low, high = estimate.plausible
    expected = estimate.expected() if callable(estimate.expected) else estimate.expected
    wrong_share = high if float(expected) < (low + high) / 2 else low
    return "\n".join(
        [
            "from pmcourse import genetics",
            "def allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt):",
            "    return genetics.allele_frequency(n_ref_ref, n_ref_alt, n_alt_alt)",
            "def expected_counts(n_ref_ref, n_ref_alt, n_alt_alt):",
            "    return (1.0, 2.0, 3.0)",
            "def chi_square(n_ref_ref, n_ref_alt, n_alt_alt):",
            "    return 0.123",
            "def carriers(genotypes):",
            "    return genotypes == 2",
            f"answer_vkorc1 = {_wrong_label(foundations.pooled_deviation)!r}",
            f"answer_small_group = {_wrong_label(foundations.small_group_test)!r}",
            f"carrier_share_ea = {wrong_share!r}",
        ]
    )


_ALWAYS_EQUAL = '''
import numbers, sys

class Same:
    """Equal to anything; as a number, equal to the expected one it finds."""
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    __le__ = __ge__ = __lt__ = __gt__ = __eq__
    __hash__ = lambda self: 0
    def __float__(self):
        frame = sys._getframe(1)
        while frame is not None and "expected" not in frame.f_locals:
            frame = frame.f_back
        return float(frame.f_locals["expected"]) if frame else 0.0

numbers.Real.register(Same)
carrier_share_ea = Same()

def chi_square(n_ref_ref, n_ref_alt, n_alt_alt):
    return Same()
'''

ATTACKS = {
    "isclose": "import math, numpy\n"
    "math.isclose = lambda *args, **kwargs: True\n"
    "numpy.isclose = lambda a, b, **kwargs: numpy.ones(numpy.shape(a), dtype=bool)",
    "check_replaced": "from pmcourse.checks import foundations as check\n"
    "from pmcourse.check import CheckResult\n"
    "class Passing:\n"
    "    def __call__(self, *args, **kwargs):\n"
    "        return CheckResult('x', True, 'Well done.')\n"
    "    check_form = __call__\n"
    "for name in ['allele_frequency', 'expected_counts', 'chi_square', 'carriers',\n"
    "             'pooled_deviation', 'small_group_test', 'carrier_share_ea']:\n"
    "    check.__dict__[name] = Passing()\n"
    "check.allele_frequency = Passing()",
    "forbid_replaced": "import contextlib, pmcourse.check, pmcourse.switch_off\n"
    "pmcourse.check.forbid = lambda *args, **kwargs: contextlib.nullcontext()\n"
    "pmcourse.switch_off.forbid = pmcourse.check.forbid",
    "tests_emptied": "get_ipython().input_transformers_cleanup.append(\n"
    "    lambda lines: [] if any('assert_passed' in line for line in lines) else lines)",
    "always_equal": _ALWAYS_EQUAL,
}


def _with_cells(*sources: str) -> nbformat.NotebookNode:
    """Module 1's master with wrong answers, then `sources`, run before each test cell.

    The wrong answers replace the solutions (they run after them); the
    attack follows them, so it also sees the answers it disguises.
    """
    notebook = nbformat.read(FOUNDATIONS, 4)
    inserted = [_wrong_answers(), *sources]
    for index in reversed([i for i, cell in enumerate(notebook.cells) if _is_test_cell(cell)]):
        notebook.cells[index:index] = [nbformat.v4.new_code_cell(source) for source in inserted]
    return notebook


@pytest.fixture(scope="module")
def honest_wrong() -> dict:
    return _run(_with_cells(), FOUNDATIONS.parent)


def _failed(views: dict, judged: bool) -> set[str]:
    return {
        name
        for name, (nbgrader, verdict) in views.items()
        if not (verdict.passed if judged else nbgrader)
    }


def test_honest_wrong_answers_fail_every_test_in_the_kernel_and_outside(honest_wrong):
    assert _failed(honest_wrong, judged=False) == set(honest_wrong)
    assert _failed(honest_wrong, judged=True) == set(honest_wrong)
    verdict = honest_wrong["test_allele_frequency"][1]
    assert "switched off" in verdict.message


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_from_inside_the_kernel_does_not_change_the_verdict(attack, honest_wrong):
    attacked = _run(_with_cells(ATTACKS[attack]), FOUNDATIONS.parent)
    assert _failed(attacked, judged=True) == _failed(honest_wrong, judged=True)
    for name, (_, verdict) in attacked.items():
        if attack == "forbid_replaced":  # fails exactly as it fails honestly
            assert verdict.message == honest_wrong[name][1].message, name
    fooled = _failed(honest_wrong, judged=False) - _failed(attacked, judged=False)
    if attack == "forbid_replaced":
        assert not fooled  # forbid was bound at import: the kernel is not fooled either
    else:
        assert fooled, f"the attack {attack} should fool nbgrader's view in the kernel"


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_shows_signs_of_tampering(attack):
    signs = tampering_signs(_with_cells(ATTACKS[attack]))
    assert signs
    assert all(sign.startswith("cell ") for sign in signs)


def test_signs_name_the_change():
    cells = [
        "import numpy as np\nfrom pmcourse.check import FunctionCheck\nimport pmcourse",
        "f = np.testing\nf.assert_allclose = print",
        "FunctionCheck.__call__ = print\ndel pmcourse.check.forbid",
        "setattr(np, 'isclose', max)\nimport ctypes\nfrom unittest import mock",
        "getattr(get_ipython(), 'ast_transformers')",
        "%time table = [1, 2]\ntable[0] = 3",
    ]
    notebook = {"cells": [{"cell_type": "code", "source": source} for source in cells]}
    signs = tampering_signs(notebook)
    assert "cell 2, line 2: changes `f.assert_allclose`" in " ".join(signs)
    assert any(
        sign.startswith("cell 3, line 1: changes `FunctionCheck.__call__`") for sign in signs
    )
    assert any(
        sign.startswith("cell 3, line 2: deletes `pmcourse.check.forbid`") for sign in signs
    )
    assert any("cell 4, line 1: uses `setattr`" in sign for sign in signs)
    assert any("imports `ctypes`" in sign for sign in signs)
    assert any("imports `unittest.mock`" in sign for sign in signs)
    assert any("reads `ast_transformers` by name" in sign for sign in signs)
    assert not any(sign.startswith("cell 6") for sign in signs)


def test_a_learner_function_cannot_call_the_checks_reference():
    from pmcourse.checks import oncology as check

    def my_expected_vaf(purity, copy_number, mutated_copies, ccf):
        return check.expected_vaf.reference(purity, copy_number, mutated_copies, ccf)

    result = check.expected_vaf(my_expected_vaf)
    assert not result.passed and "switched off" in result.message


# --------------------------------------------------------------------------
# Judging: records that do not match the test cell
# --------------------------------------------------------------------------

TEST_SOURCE = (
    "from pmcourse.checks import foundations as check\n"
    "quick = check.chi_square(chi_square)\n"
    "display(quick)\n"
    "quick.assert_passed()"
)


def _my_chi_square(n_ref_ref, n_ref_alt, n_alt_alt):
    n = n_ref_ref + n_ref_alt + n_alt_alt
    p = (2 * n_ref_ref + n_ref_alt) / (2 * n)
    expected = (p**2 * n, 2 * p * (1 - p) * n, (1 - p) ** 2 * n)
    observed = (n_ref_ref, n_ref_alt, n_alt_alt)
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def test_judge_uses_the_last_run_and_matches_names():
    right = foundations.CHI_SQUARE.results(_my_chi_square)
    wrong = foundations.CHI_SQUARE.results(lambda a, b, c: 0.5)
    record = {"check": "chi_square", "kind": "function"}
    key = cell_key(TEST_SOURCE)
    assert judge_test_cell(TEST_SOURCE, {key: [[{**record, "results": wrong}]]}).passed is False
    runs = [[{**record, "results": wrong}], [{**record, "results": right}]]
    assert judge_test_cell(TEST_SOURCE, {key: runs}).passed
    assert not judge_test_cell(TEST_SOURCE, {key: runs[::-1]}).passed
    other = {**record, "check": "allele_frequency", "results": right}
    mismatch = judge_test_cell(TEST_SOURCE, {key: [[other]]})
    assert not mismatch.passed and "could not be checked outside the notebook" in mismatch.message
    extra = judge_test_cell(TEST_SOURCE, {key: [[{**record, "results": right}] * 2]})
    assert not extra.passed and "1 check(s) more" in extra.message
    assert not judge_test_cell(TEST_SOURCE, {key: [[]]}).passed
    assert "did not run" in judge_test_cell(TEST_SOURCE, {}).message


def test_judge_reports_a_failed_check_in_plain_words():
    wrong = foundations.CHI_SQUARE.results(lambda a, b, c: "high")
    records = {
        cell_key(TEST_SOURCE): [[{"check": "chi_square", "kind": "function", "results": wrong}]]
    }
    verdict = judge_test_cell(TEST_SOURCE, records)
    assert not verdict.passed
    assert verdict.message.startswith("❌ chi_square: On test input 1")


# --------------------------------------------------------------------------
# Reading records: only plain, well-formed data
# --------------------------------------------------------------------------

KEY = "0" * 64
GOOD = {KEY: [[{"check": "p", "kind": "function", "results": [{"value": 1}]}]]}


def _outputs(data) -> list[dict]:
    text = data if isinstance(data, str) else json.dumps(data)
    return [
        {"output_type": "stream", "name": "stdout", "text": "hello"},
        {"output_type": "display_data", "data": {RECORDS_MIME: text}, "metadata": {}},
    ]


def test_good_records_are_read_and_none_is_empty():
    assert read_records(_outputs(GOOD)) == GOOD
    assert read_records([{"output_type": "stream", "name": "stdout", "text": "x"}]) == {}


def _deep(levels: int):
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "data",
    [
        [GOOD],  # not a mapping
        {"not-a-key": []},
        {KEY: [{"check": "p"}]},  # a run that is not a list
        {KEY: [[["p"]]]},
        {KEY: [[{"check": "p", "kind": "pickle", "answer": 1}]]},  # unknown kind
        {KEY: [[{"check": "p", "kind": "value"}]]},  # no answer
        {KEY: [[{"check": "p", "kind": "value", "answer": 1, "extra": 2}]]},
        {KEY: [[{"check": "p; import os", "kind": "value", "answer": 1}]]},  # not a name
        {KEY: [[{"check": 3, "kind": "value", "answer": 1}]]},
        {KEY: [[{"check": "p", "kind": "function", "results": [{"value": 1, "error": "X"}]}]]},
        {KEY: [[{"check": "p", "kind": "function", "results": {"value": 1}}]]},
        {KEY: [[{"check": "p", "kind": "value", "answer": _deep(100)}]]},  # too deep
        "{not json",
        json.dumps(GOOD)[:-1] + ', "x": 1e999999, "y": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=range(14),
)
def test_records_that_are_not_what_a_kernel_writes_are_rejected(data):
    with pytest.raises(RecordsInvalid):
        read_records(_outputs(data))


def test_records_of_other_types_or_too_large_are_rejected():
    with pytest.raises(RecordsInvalid, match="not JSON text"):
        read_records([{"data": {RECORDS_MIME: GOOD}}])
    with pytest.raises(RecordsInvalid, match="at most"):
        read_records(_outputs(" " * (MAX_RECORDS_BYTES + 1)))
    with pytest.raises(RecordsInvalid, match="2 outputs"):
        read_records(_outputs(GOOD) * 2)
    assert issubclass(RecordsInvalid, ValueError)
