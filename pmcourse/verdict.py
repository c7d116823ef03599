"""Judging a submission's hidden tests outside its kernel, on plain data.

nbgrader scores a test cell from its output in the learner's kernel, where a
submission can change anything: replace ``numpy.isclose`` or a check, switch
off :func:`pmcourse.check.forbid`, rewrite the test cells before they run, or
return an object that says it equals everything. So the grading kernel only
records what the checks saw (:mod:`pmcourse.grading_kernel`): the learner's
answers and the results of their functions, as plain JSON data. This module,
run by the grader in its own trusted process, reads those records
(:func:`read_records`), validates them, and runs each test cell again on them
(:func:`judge_test_cell`): the expected values and secret cases are computed
here, by the same test-cell code. :func:`tampering_signs` lists code in a
submission that tries to change the checking, for the instructor to review.

Only trusted code imports this module; nothing is unpickled or evaluated from
a submission.
"""

from __future__ import annotations

import ast
import builtins
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pmcourse.check import Outcome, RecordMismatch, replay
from pmcourse.grading_kernel import RECORDS_MIME, cell_key

__all__ = [
    "MAX_RECORDS_BYTES",
    "RecordsInvalid",
    "Verdict",
    "judge_test_cell",
    "read_records",
    "tampering_signs",
]

#: The largest records output accepted (characters of JSON text).
MAX_RECORDS_BYTES = 20_000_000
_MAX_DEPTH = 40
_KINDS = {"function": "results", "value": "answer", "form": "answer"}


class RecordsInvalid(ValueError):
    """The records output of a notebook is not what a grading kernel writes."""


# --------------------------------------------------------------------------
# Reading the records
# --------------------------------------------------------------------------


def read_records(outputs: Sequence[Mapping]) -> dict[str, list[list[dict]]]:
    """The records in a cell's outputs, validated: cell key -> one list per run.

    Parameters
    ----------
    outputs : sequence of mapping
        The nbformat outputs of the cell that ran
        :func:`pmcourse.grading_kernel.export_cell_source`.

    Returns
    -------
    dict
        For each cell key (:func:`pmcourse.grading_kernel.cell_key`), the
        records of each run of a cell with that source, in order. Empty when
        no output carries records (the notebook stopped before the last cell).

    Raises
    ------
    RecordsInvalid
        When the records are not plain JSON data of the expected form: too
        large or deep, another type, an unknown kind, a malformed outcome.

    Examples
    --------
    >>> key = "a" * 64
    >>> text = json.dumps({key: [[{"check": "p", "kind": "value", "answer": "B"}]]})
    >>> read_records([{"output_type": "display_data", "data": {RECORDS_MIME: text}}])[key]
    [[{'check': 'p', 'kind': 'value', 'answer': 'B'}]]
    >>> read_records([{"output_type": "display_data", "data": {RECORDS_MIME: "[1]"}}])
    Traceback (most recent call last):
    ...
    pmcourse.verdict.RecordsInvalid: The records are a list, not a mapping of cell keys.
    """
    texts = [
        output["data"][RECORDS_MIME]
        for output in outputs
        if isinstance(output, Mapping)
        and isinstance(output.get("data"), Mapping)
        and RECORDS_MIME in output["data"]
    ]
    if not texts:
        return {}
    if len(texts) > 1:
        raise RecordsInvalid(f"{len(texts)} outputs carry records; a grading kernel writes one.")
    text = texts[0]
    if not isinstance(text, str):
        raise RecordsInvalid(f"The records are a {type(text).__name__}, not JSON text.")
    if len(text) > MAX_RECORDS_BYTES:
        raise RecordsInvalid(
            f"The records are {len(text):,} characters long; at most "
            f"{MAX_RECORDS_BYTES:,} are accepted."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise RecordsInvalid(f"The records are not valid JSON ({error}).") from None
    _check_plain(data)
    return _check_schema(data)


def _check_plain(data: Any) -> None:
    """Only JSON types (dicts with text keys), nested at most _MAX_DEPTH deep."""
    todo = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        if depth > _MAX_DEPTH:
            raise RecordsInvalid(f"The records are nested more than {_MAX_DEPTH} levels deep.")
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                raise RecordsInvalid("The records hold a mapping whose keys are not all text.")
            todo += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            todo += [(item, depth + 1) for item in value]
        elif not (value is None or type(value) in (bool, int, float, str)):
            raise RecordsInvalid(f"The records hold a {type(value).__name__}, not plain data.")


def _what(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), "a value")


def _check_schema(data: Any) -> dict[str, list[list[dict]]]:
    if not isinstance(data, dict):
        raise RecordsInvalid(f"The records are {_what(data)}, not a mapping of cell keys.")
    for key, runs in data.items():
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise RecordsInvalid(f"{key[:80]!r} is not a cell key (64 hexadecimal digits).")
        if not isinstance(runs, list) or not all(isinstance(run, list) for run in runs):
            raise RecordsInvalid(f"The records of cell {key[:12]} are not lists of runs.")
        for run in runs:
            for entry in run:
                _check_entry(entry, key)
    return data


def _check_entry(entry: Any, key: str) -> None:
    where = f"a record of cell {key[:12]}"
    if not isinstance(entry, dict):
        raise RecordsInvalid(f"{where} is {_what(entry)}, not a mapping.")
    kind = entry.get("kind")
    if kind not in _KINDS:
        raise RecordsInvalid(f"{where} has the unknown kind {str(kind)[:40]!r}.")
    if set(entry) != {"check", "kind", _KINDS[kind]}:
        raise RecordsInvalid(f"{where} has the fields {sorted(entry)}.")
    name = entry["check"]
    if not (isinstance(name, str) and name.isidentifier() and len(name) <= 100):
        raise RecordsInvalid(f"{where} names the check {str(name)[:40]!r}, not a Python name.")
    if kind == "function":
        if not isinstance(entry["results"], list):
            raise RecordsInvalid(f"{where} ({name}) has results that are not a list.")
        for result in entry["results"]:
            try:
                Outcome.from_plain(result)
            except (ValueError, TypeError):
                raise RecordsInvalid(f"{where} ({name}) has a malformed result.") from None


# --------------------------------------------------------------------------
# Judging one test cell
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether a test cell passes on the recorded answers, and why not.

    Attributes
    ----------
    passed : bool
    message : str
        Plain feedback: the failed check's message, or why it could not be judged.
    """

    passed: bool
    message: str


_NOT_RUN = (
    "This test did not run in the notebook, so it cannot be graded: run every cell from "
    "the top (Kernel > Restart Kernel and Run All Cells) and submit again."
)
_NOT_JUDGED = (
    "Your answers could not be checked outside the notebook ({}). Run every cell from the "
    "top, check that no cell changes how the tests work, and submit again."
)


class _LearnerName:
    """What a name of the learner's notebook stands for when a test cell is judged.

    The recorded answer is checked instead, so the value itself is never used;
    it is callable, as a learner's function is.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RecordMismatch(f"the test uses {self.name} directly, not through a check")

    def __repr__(self) -> str:
        return f"<{self.name} of the notebook>"


def _free_names(tree: ast.AST) -> set[str]:
    """Names a cell reads but neither defines nor imports, and that are not built in."""
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return loaded - bound - set(dir(builtins))


def judge_test_cell(source: str, groups: Mapping[str, Sequence[Sequence[dict]]]) -> Verdict:
    """Run a test cell again on the answers recorded when it ran in the notebook.

    The test cell runs here, in the grader's process, on the last run's
    records of a cell with exactly this source: each check in it judges the
    recorded answer or results (see :func:`pmcourse.check.replay`), with
    expected values and secret cases computed here. The names it reads from
    the learner's notebook stand for the recorded answers; ``display`` shows
    nothing.

    Parameters
    ----------
    source : str
        The test cell's source, as it ran (with its hidden tests).
    groups : mapping
        The records, from :func:`read_records`.

    Returns
    -------
    Verdict
        Passed when every check passes and every record was used; failed with
        the check's plain message, or saying why the answers could not be
        judged (the test did not run, its records do not match it).

    Examples
    --------
    >>> from pmcourse.grading_kernel import cell_key
    >>> source = ("from pmcourse.checks import foundations as check\\n"
    ...           "check.small_group_test(answer_small_group, quick=False).assert_passed()")
    >>> records = {cell_key(source): [[{"check": "answer_small_group", "kind": "value",
    ...                                 "answer": "Z"}]]}
    >>> print(judge_test_cell(source, records).message)
    ❌ answer_small_group: "Z" is not one of the options; choose from A, B, C, D.
    Hint: Write the letter in quotation marks, for example answer_small_group = "A".
    >>> judge_test_cell(source, {}).passed
    False
    """
    from IPython.core.inputtransformer2 import TransformerManager

    runs = groups.get(cell_key(source)) or []
    if not runs:
        return Verdict(False, _NOT_RUN)
    try:
        code = TransformerManager().transform_cell(source)
        tree = ast.parse(code)
    except SyntaxError as error:
        return Verdict(False, _NOT_JUDGED.format(f"the test cell does not parse: {error.msg}"))
    namespace: dict[str, Any] = {name: _LearnerName(name) for name in _free_names(tree)}
    namespace.update(__name__="__pmcourse_test_cell__", display=lambda *a, **k: None)
    try:
        with replay(runs[-1]) as left:
            exec(compile(tree, "<test cell>", "exec"), namespace)  # the instructor's test code
    except AssertionError as error:
        return Verdict(False, str(error) or "The test failed.")
    except RecordMismatch as error:
        return Verdict(False, _NOT_JUDGED.format(str(error).rstrip(".")))
    except Exception as error:  # the recorded data did not fit the test
        return Verdict(False, _NOT_JUDGED.format(type(error).__name__))
    if left:
        return Verdict(
            False,
            _NOT_JUDGED.format(
                f"the notebook recorded {len(left)} check(s) more than the test runs"
            ),
        )
    return Verdict(True, "All tests passed.")


# --------------------------------------------------------------------------
# Signs of tampering
# --------------------------------------------------------------------------

_CALLS = {"setattr", "delattr", "exec", "eval", "compile", "__import__", "vars", "globals"}
_ATTRIBUTES = {
    "input_transformers_cleanup",
    "input_transformers_post",
    "input_transformer_manager",
    "ast_transformers",
    "events",
    "__code__",
    "__globals__",
    "__builtins__",
    "__dict__",
    "__defaults__",
    "__kwdefaults__",
    "__closure__",
    "__class__",
    "__subclasses__",
    "meta_path",
    "_getframe",
    "currentframe",
    "f_back",
    "f_locals",
    "f_globals",
    "tb_frame",
    "gi_frame",
}
_MODULES = {"ctypes", "gc", "importlib", "builtins", "unittest.mock", "inspect"}
_DUNDERS = {
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__bool__",
    "__float__",
    "__int__",
    "__index__",
    "__array__",
    "__array_ufunc__",
}


def _root(node: ast.AST) -> str | None:
    """The name an attribute or item chain starts from: ``np`` for ``np.testing.x[0]``."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - any node ast.parse made unparses
        return "an expression"


def _imported_names(trees: Sequence[ast.AST]) -> set[str]:
    """Names bound by imports, and names bound to their attributes (``f = np.isclose``)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    changed = True
    while changed:  # aliases of aliases
        changed = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(
                    node.value, ast.Name | ast.Attribute
                ):
                    if _root(node.value) in names:
                        new = {t.id for t in node.targets if isinstance(t, ast.Name)} - names
                        names |= new
                        changed |= bool(new)
    return names


def _signs_in(tree: ast.AST, imported: set[str]) -> list[tuple[int, str]]:
    """(line, reason) for each sign in one cell's code."""
    signs = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute | ast.Subscript) and isinstance(
            node.ctx, ast.Store | ast.Del
        ):
            root = _root(node)
            if root in imported:
                verb = "changes" if isinstance(node.ctx, ast.Store) else "deletes"
                signs.append(
                    (line, f"{verb} `{_dotted(node)}`, part of an imported module or class")
                )
        if isinstance(node, ast.Attribute) and node.attr in _ATTRIBUTES:
            signs.append((line, f"uses `{node.attr}`, which can change how code runs"))
        if isinstance(node, ast.Attribute) and node.attr == "modules" and _root(node) == "sys":
            signs.append((line, "uses `sys.modules`, which can swap a module for another"))
        if isinstance(node, ast.Attribute) and node.attr == "register" and _root(node) in imported:
            signs.append((line, f"calls `{_dotted(node)}`, which changes a library's behaviour"))
        if isinstance(node, ast.Name) and node.id in _CALLS | {"__builtins__"}:
            signs.append((line, f"uses `{node.id}`, which can change or run code indirectly"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in _ATTRIBUTES
        ):
            signs.append((line, f"reads `{node.args[1].value}` by name"))
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                modules = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for module in modules:
                if module in _MODULES or module.split(".")[0] in _MODULES - {"unittest.mock"}:
                    signs.append((line, f"imports `{module}`, which can reach into Python itself"))
                    break
        if isinstance(node, ast.ClassDef):
            defined = {
                getattr(item, "name", None) or getattr(target, "id", None)
                for item in node.body
                for target in getattr(item, "targets", [item])
            }
            for dunder in sorted(defined & _DUNDERS):
                signs.append(
                    (
                        line,
                        f"defines a class `{node.name}` with `{dunder}`, so its values "
                        "can claim to equal anything",
                    )
                )
    return signs


def tampering_signs(notebook: Mapping) -> list[str]:
    """Code in a submission that may change how its answers are checked.

    A static scan of every code cell (magics included, as IPython turns them
    into Python): changing or deleting an attribute of an imported module or
    class (``np.isclose = ...``, ``check.allele_frequency = ...``), calls such
    as ``setattr``, ``exec`` and ``eval``, IPython's input and AST
    transformers and events, frames, code objects and ``sys.modules``,
    imports of ``ctypes``, ``gc``, ``importlib``, ``builtins``, ``inspect`` or
    ``unittest.mock``, and classes that define how their values compare. The
    instructor reviews a submission with signs; the hidden tests are judged
    outside the kernel regardless (:func:`judge_test_cell`).

    Parameters
    ----------
    notebook : nbformat.NotebookNode or mapping
        The submission, with its ``cells``.

    Returns
    -------
    list of str
        One plain sentence per sign, such as ``"cell 8, line 2: changes
        `np.isclose`, part of an imported module or class"``; empty when none.

    Examples
    --------
    >>> cells = [{"cell_type": "code", "source": "import numpy as np\\nnp.isclose = max"}]
    >>> tampering_signs({"cells": cells})
    ['cell 1, line 2: changes `np.isclose`, part of an imported module or class']
    >>> tampering_signs({"cells": [{"cell_type": "code", "source": "%time x = [1]\\nx[0] = 2"}]})
    []
    """
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    trees: list[tuple[int, ast.AST]] = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            trees.append((number, ast.parse(manager.transform_cell(source))))
        except (SyntaxError, ValueError):
            continue  # a cell that does not parse does not run either
    imported = _imported_names([tree for _, tree in trees])
    return [
        f"cell {number}, line {line}: {reason}"
        for number, tree in trees
        for line, reason in sorted(set(_signs_in(tree, imported)))
    ]
