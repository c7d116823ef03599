"""pmcourse.switch_off.forbid: a function switched off for grading stays off however it is reached.

Each route a learner might take to a switched-off function is tried inside the
block (it must raise) and after it (it must work), also when the block ends
with an error. Most tests use a small module written to a temporary folder.
"""

import functools
import importlib
import math
import sys

import pytest

from pmcourse import check, pgx, switch_off
from pmcourse.check import forbid

DEMO_SOURCE = '''
from functools import cache


def double(x):
    """Public: checks its input, then hands the work to a private helper."""
    if x < 0:
        raise ValueError("no negative doses")
    return _double(x)


@cache
def _double(x):
    return 2 * x


def triple(x):
    return 3 * x


def _make_scaled(factor):
    def scaled(x):
        return factor * x

    return scaled


scaled = _make_scaled(5)


class Dose:
    def per_kg(self, kg):
        return 10 / kg
'''

OFF = "This exercise asks you to work it out yourself: demo.{name} is switched off"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A throwaway module ``demo``, imported from tmp_path and forgotten afterwards."""
    (tmp_path / "demo.py").write_text(DEMO_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("demo", None)
    importlib.invalidate_caches()
    yield importlib.import_module("demo")
    sys.modules.pop("demo", None)


def _imported_earlier(module):
    namespace = {}
    exec(f"from {module.__name__} import double", namespace)  # as a learner's cell would
    return namespace["double"]


def _alias(module):
    twice = module.double
    return twice


def _lambda_closing_over_it(module):
    twice = module.double
    return lambda x: twice(x)


def _reloaded(module):
    return lambda x: importlib.reload(module).double(x)


def _imported_again(module):
    def call(x):
        del sys.modules[module.__name__]
        namespace = {}
        exec(f"import {module.__name__} as again", namespace)
        return namespace["again"].double(x)

    return call


#: Each route: how the learner gets a callable (before the block), and the name it raises for.
ROUTES = {
    "from-import before the block": (_imported_earlier, "double"),
    "alias": (_alias, "double"),
    "private helper": (lambda module: module._double, "_double"),
    "functools.partial": (lambda module: functools.partial(module.double), "double"),
    "lambda closing over it": (_lambda_closing_over_it, "double"),
    "importlib.reload": (_reloaded, "double"),
    "del sys.modules and import again": (_imported_again, "double"),
}


class LearnerMistake(Exception):
    """An error raised inside the block, as a learner's function might."""


@pytest.mark.parametrize("ends_with_error", [False, True], ids=["block ends", "error in block"])
@pytest.mark.parametrize("route", list(ROUTES))
def test_each_route_is_off_inside_the_block_and_works_after(demo, route, ends_with_error):
    reach, raised_for = ROUTES[route]
    call = reach(demo)
    demo._double(2)  # a cached result must not be served inside the block
    original = demo.double
    try:
        with forbid(demo, "double"):
            with pytest.raises(RuntimeError, match=OFF.format(name=raised_for)):
                call(2)
            if ends_with_error:
                raise LearnerMistake
    except LearnerMistake:
        assert ends_with_error
    assert sys.modules["demo"] is demo and demo.double is original  # as before the block
    assert demo.double(3) == 6 and demo._double(5) == 10
    assert switch_off._REIMPORT_GUARD not in sys.meta_path
    assert call(2) == 4  # the route itself works again (a reload now reloads for real)


def test_a_cached_result_of_the_function_is_not_served(demo):
    assert demo._double(21) == 42  # cached now
    with forbid(demo, "_double"), pytest.raises(RuntimeError, match=OFF.format(name="_double")):
        demo._double(21)
    assert demo._double(21) == 42


def test_several_names_and_a_closure(demo):
    with forbid(demo, "triple", "scaled"):
        with pytest.raises(RuntimeError, match=OFF.format(name="triple")):
            demo.triple(1)
        with pytest.raises(RuntimeError, match=OFF.format(name="scaled")):
            demo.scaled(1)
        assert demo.double(1) == 2  # not named, not delegated to: still on
    assert (demo.triple(1), demo.scaled(1)) == (3, 5)


def test_a_method_of_a_class(demo):
    dose = demo.Dose()
    with forbid(demo.Dose, "per_kg"), pytest.raises(RuntimeError, match="Dose.per_kg is switched"):
        dose.per_kg(5)
    assert dose.per_kg(5) == 2


def test_the_block_yields_the_function_with_the_switch_lifted(demo):
    with forbid(demo, "double") as double:
        assert double(4) == 8  # runs the original, _double included
        with pytest.raises(RuntimeError):
            demo._double(4)  # and its result was not left in the cache
        with pytest.raises(ValueError, match="no negative doses"):
            double(-1)
        with pytest.raises(RuntimeError):
            demo.double(4)  # switched off again after an error too


def test_what_cannot_be_switched_off_is_refused_before_anything_changes(demo):
    with pytest.raises(TypeError, match=r"only functions written in Python; math\.sqrt"):
        with forbid(math, "sqrt"):
            pass
    with pytest.raises(TypeError, match="at least one function"):
        with forbid(demo):
            pass
    with pytest.raises(AttributeError, match="demo has no function 'dubble'"):
        with forbid(demo, "triple", "dubble"):
            pass
    assert demo.triple(2) == 6 and switch_off._REIMPORT_GUARD not in sys.meta_path


def test_the_real_pgx_phenotype_and_its_private_implementation():
    namespace = {}
    exec("from pmcourse.pgx import phenotype", namespace)
    phenotype = namespace["phenotype"]
    expected = phenotype("CYP2D6", "*1/*4")
    message = (
        "This exercise asks you to work it out yourself: pgx.phenotype is switched off while "
        "your function is graded. Use the helpers the task names instead."
    )
    with forbid(pgx, "phenotype", "_phenotype"):
        with pytest.raises(RuntimeError) as raised:
            phenotype("CYP2D6", "*1/*4")
        assert str(raised.value) == message
        with pytest.raises(RuntimeError, match="pgx._phenotype is switched off"):
            pgx._phenotype("CYP2D6", "*1/*4")
        with pytest.raises(RuntimeError, match="pgx.phenotype is switched off"):
            importlib.reload(pgx).phenotype("CYP2D6", "*1/*4")
        del sys.modules["pmcourse.pgx"]
        exec("import pmcourse.pgx", namespace)
        with pytest.raises(RuntimeError, match="pgx.phenotype is switched off"):
            namespace["pmcourse"].pgx.phenotype("CYP2D6", "*1/*4")
        assert pgx.activity_score("CYP2D6", "*1/*4") == 1.0  # the helpers a task names work
    assert phenotype("CYP2D6", "*1/*4") == expected
    assert sys.modules["pmcourse.pgx"] is pgx and pgx.phenotype is phenotype


def test_check_function_shows_the_plain_message():
    def learner_phenotype(gene, diplotype):
        return pgx.phenotype(gene, diplotype)

    expected = pgx.phenotype("CYP2C19", "*2/*2")
    with forbid(pgx, "phenotype"):
        result = check.check_function(
            learner_phenotype, lambda *_: expected, [("CYP2C19", "*2/*2")], name="phenotype"
        )
    assert not result.passed
    assert "pgx.phenotype is switched off while your function is graded" in result.message
    assert check.check_function(
        learner_phenotype, lambda *_: expected, [("CYP2C19", "*2/*2")], name="phenotype"
    ).passed
