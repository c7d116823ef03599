"""Switching off a library function while a learner's function is graded.

Graded exercises ask learners to apply a rule themselves, so the library
function that would answer for them is switched off while their function runs
(:func:`forbid`, used by :class:`pmcourse.check.FunctionCheck`). It stays off
however the learner reached it: an earlier ``from ... import``, an alias, a
private helper it hands its work to, or a reloaded or re-imported module.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.abc
import inspect
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["forbid"]

_SWITCHED_OFF = (
    "This exercise asks you to work it out yourself: {label} is switched off while your "
    "function is graded. Use the helpers the task names instead."
)


@contextlib.contextmanager
def forbid(module: Any, *names: str) -> Iterator[Callable]:
    """Switch off library functions while a learner's function is graded.

    Graded exercises ask learners to apply a rule themselves. Inside this
    block, a call to ``module.name`` raises a ``RuntimeError`` that says so,
    however the learner reached the function: through the module, a name
    imported earlier (``from pmcourse.pgx import phenotype``), an alias, a
    ``functools.partial`` or a lambda, a module reloaded with
    ``importlib.reload`` or imported again after ``del sys.modules[...]``.
    Everything is as before when the block ends, also after an error.

    Parameters
    ----------
    module : module or class
        Where the functions live, such as ``pmcourse.pgx`` (or a class, for
        its methods; the import hook below is for modules only).
    *names : str
        One or more function names, public or private.

    Yields
    ------
    callable
        The first named function, still working: each call runs the original
        code with the switch lifted for its duration. (Reference answers are
        best computed before the block; this handle is for those that are not.)

    Raises
    ------
    TypeError
        If no name is given, or a name is not a function written in Python
        (a built-in such as ``math.sqrt`` cannot be switched off everywhere).
    AttributeError
        If `module` has no such function.

    Notes
    -----
    A function is switched off by swapping its code object for one that
    raises, so every reference to the same function object is covered; the
    original code is put back when the block ends. A ``functools.cache`` is
    looked through (via ``__wrapped__``) and emptied, so no earlier result is
    served. A public function that hands its work to a private one of its
    module as its last line (``return _phenotype(gene, diplotype)``) is
    switched off together with it (found from the source, when there is
    one); name other private helpers explicitly. While the block runs, an
    import hook switches the same functions off in any fresh copy of the
    module; afterwards ``sys.modules``, the parent package's attribute and
    the module's names are put back as they were. A learner who copies the
    library's source into the notebook still gets past it; the hidden tests'
    other cases are the guard there.

    Examples
    --------
    >>> import statistics
    >>> middle = statistics.median  # a name made before grading
    >>> def my_median(values):
    ...     return middle(values)
    >>> with forbid(statistics, "median") as median:
    ...     my_median([3, 1, 2])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    RuntimeError: This exercise asks you to work it out yourself: statistics.median is ...
    >>> my_median([3, 1, 2])
    2
    """
    if not names:
        raise TypeError(
            "forbid needs the name of at least one function to switch off, "
            "such as forbid(pgx, 'phenotype')."
        )
    switch = _Switch(module, names)
    _ACTIVE_SWITCHES.append(switch)
    if _REIMPORT_GUARD not in sys.meta_path:
        sys.meta_path.insert(0, _REIMPORT_GUARD)
    try:
        switch.arm()
        yield switch.lifted(getattr(module, names[0]))
    finally:
        _ACTIVE_SWITCHES.remove(switch)
        if not _ACTIVE_SWITCHES and _REIMPORT_GUARD in sys.meta_path:
            sys.meta_path.remove(_REIMPORT_GUARD)
        switch.restore()


def _short_name(owner: Any) -> str:
    """``pgx`` for ``pmcourse.pgx``; a class's own name."""
    name = getattr(owner, "__name__", type(owner).__name__)
    return name.rsplit(".", 1)[-1]


def _switchable(label: str, value: Any) -> tuple[list[types.FunctionType], list[Any]]:
    """The Python functions behind `value` (through bound methods and wrappers), and its caches."""
    chain = []
    while value is not None and len(chain) < 20:
        value = getattr(value, "__func__", value)  # a bound method: its function
        chain.append(value)
        value = getattr(value, "__wrapped__", None)
    functions = [item for item in chain if isinstance(item, types.FunctionType)]
    if not functions:
        raise TypeError(
            f"forbid can switch off only functions written in Python; {label} is a "
            f"{type(chain[0]).__name__} (built in or compiled), which cannot be switched off "
            "everywhere. Forbid the Python function of the course library that uses it instead."
        )
    return functions, [item for item in chain if callable(getattr(item, "cache_clear", None))]


def _delegate(function: types.FunctionType) -> tuple[str, Any] | None:
    """The private function of the same module that `function` hands its work to, if any.

    That is a function whose last statement is ``return _private(...)``, with
    ``_private`` a Python function of its module.
    """
    try:
        definition = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None  # no source to read: only the names given are switched off
    last = getattr(definition, "body", [None])[-1]
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Call)):
        return None
    name = getattr(last.value.func, "id", "")
    value = function.__globals__.get(name)
    if not name.startswith("_") or name in function.__code__.co_varnames:
        return None
    if not isinstance(inspect.unwrap(getattr(value, "__func__", value)), types.FunctionType):
        return None
    module = str(function.__globals__.get("__name__", "")).rsplit(".", 1)[-1]
    return f"{module}.{name}", value


def _stub_code(original: types.CodeType, message: str) -> types.CodeType:
    """Code that raises `message`, fit to replace `original` (as many free variables)."""
    free = [f"_free{i}" for i in range(len(original.co_freevars))]
    lines = ["def outer():", *(f"    {name} = None" for name in free)]
    lines += ["    def switched_off(*args, **kwargs):", f"        raise RuntimeError({message!r})"]
    lines += [f"        {name}" for name in free]  # never run; makes them free variables
    lines += ["    return switched_off"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<forbid>", "exec"), namespace)
    code = namespace["outer"]().__code__
    return code.replace(co_name=original.co_name, co_qualname=original.co_qualname)


class _Switch:
    """The functions one ``forbid`` block switches off, and what to put back afterwards."""

    def __init__(self, owner: Any, names: tuple[str, ...]) -> None:
        self.owner, self.names = owner, names
        self.codes: dict[types.FunctionType, tuple[types.CodeType, types.CodeType]] = {}
        self.caches: list[Any] = []
        is_module = isinstance(owner, types.ModuleType)
        self.module_name = owner.__name__ if is_module else None
        self.entry = sys.modules.get(owner.__name__) if is_module else None
        self.namespace = dict(vars(owner)) if is_module else {}
        self.add(owner)  # every name is checked before anything is switched off

    def add(self, owner: Any) -> None:
        """Record the named functions of `owner` (and the private ones they hand work to)."""
        todo = []
        for name in self.names:
            if not hasattr(owner, name):
                raise AttributeError(
                    f"forbid: {_short_name(owner)} has no function {name!r}; check the spelling."
                )
            todo.append((f"{_short_name(owner)}.{name}", getattr(owner, name)))
        while todo:
            label, value = todo.pop()
            functions, caches = _switchable(label, value)
            new = [function for function in functions if function not in self.codes]
            for function in new:
                code = function.__code__
                self.codes[function] = (code, _stub_code(code, _SWITCHED_OFF.format(label=label)))
            self.caches += caches
            delegate = _delegate(functions[-1]) if new else None
            if delegate is not None:
                todo.append(delegate)

    def arm(self) -> None:
        """Switch every recorded function off, and forget any cached result."""
        for function, (_, stub) in self.codes.items():
            function.__code__ = stub
        for cached in self.caches:
            cached.cache_clear()

    def disarm(self) -> None:
        for function, (code, _) in self.codes.items():
            function.__code__ = code

    def lifted(self, function: Callable) -> Callable:
        """`function`, running with this block's switch lifted while it runs."""

        @functools.wraps(function)
        def with_switch_lifted(*args: Any, **kwargs: Any) -> Any:
            self.disarm()
            try:
                return function(*args, **kwargs)
            finally:
                self.arm()

        return with_switch_lifted

    def switch_off_in(self, module: types.ModuleType) -> None:
        """Switch the same functions off in a fresh copy of the module."""
        self.add(module)
        self.arm()

    def restore(self) -> None:
        """Put back the functions' code, the module in ``sys.modules`` and its names."""
        self.disarm()
        if self.module_name is None:
            return
        if self.entry is not None and sys.modules.get(self.module_name) is not self.entry:
            sys.modules[self.module_name] = self.entry  # imported anew inside the block
            parent, _, child = self.module_name.rpartition(".")
            if parent in sys.modules:
                setattr(sys.modules[parent], child, self.entry)
        names = vars(self.owner)
        for name, value in self.namespace.items():  # rebound by importlib.reload
            if names.get(name) is not value:
                names[name] = value


class _SwitchingOffLoader(importlib.abc.Loader):
    """Runs a module's real loader, then switches the forbidden functions off in it."""

    def __init__(self, loader: Any, switches: list[_Switch]) -> None:
        self.loader, self.switches = loader, switches

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__.loader = module.__loader__ = self.loader  # as if never wrapped
        self.loader.exec_module(module)
        for switch in self.switches:
            switch.switch_off_in(module)


class _ReimportGuard(importlib.abc.MetaPathFinder):
    """While a forbid block runs: a reloaded or re-imported module gets the switch too."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        switches = [s for s in _ACTIVE_SWITCHES if s.module_name == fullname]
        if not switches:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _SwitchingOffLoader(spec.loader, switches)
                return spec
        return None


_ACTIVE_SWITCHES: list[_Switch] = []
_REIMPORT_GUARD = _ReimportGuard()
