"""Settings of the Python kernel that autogrades a submission.

nbgrader scores a test cell that writes to stderr as failed, so a correct
answer that makes Python print a warning (a pandas ``FutureWarning``, say)
would lose its points. The grading kernel shows warnings on stdout instead:
they stay visible in the feedback, and cost nothing. The course's
``nbgrader_config.py`` starts every grading kernel with
:data:`KERNEL_ARGUMENTS`, so a plain ``nbgrader autograde`` and ``pmcourse
grade`` run submissions the same way and give the same scores. Only the
standard library is imported here: this runs in every grading kernel.

The grading kernel also keeps a record of every check a cell runs
(:func:`install_recorder`): the check's name and the learner's answers or
results as plain JSON data, grouped by the cell that ran them. The last cell
the grader adds (:func:`export_cell_source`) shows them as one output of type
:data:`RECORDS_MIME`, and :mod:`pmcourse.verdict` judges them again outside
the kernel, where a submission cannot change how its answers are checked.
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from typing import Any

__all__ = [
    "KERNEL_ARGUMENTS",
    "RECORDS_MIME",
    "cell_key",
    "export_cell_source",
    "install_recorder",
    "publish_records",
    "record",
    "recording",
    "route_warnings_to_stdout",
]

#: The MIME type of the output that carries the records out of the kernel.
RECORDS_MIME = "application/vnd.pmcourse.records+json"

#: Extra arguments of the grading kernel (nbgrader's ``Execute.extra_arguments``):
#: IPython's history in memory (nbgrader's default) and warnings on stdout.
KERNEL_ARGUMENTS = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.exec_lines=import pmcourse.grading_kernel as _g; "
    "_g.route_warnings_to_stdout(); _g.install_recorder(); del _g",
]


def _show_on_stdout(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))


def route_warnings_to_stdout() -> None:
    """Show Python warnings on stdout from now on, in this process.

    Examples
    --------
    >>> import contextlib, io
    >>> saved = warnings.showwarning
    >>> route_warnings_to_stdout()
    >>> out, err = io.StringIO(), io.StringIO()
    >>> with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    ...     with warnings.catch_warnings():
    ...         warnings.simplefilter("always")
    ...         warnings.warn("a harmless warning")
    >>> "UserWarning: a harmless warning" in out.getvalue(), err.getvalue()
    (True, '')
    >>> warnings.showwarning = saved
    """
    warnings.showwarning = _show_on_stdout


# --------------------------------------------------------------------------
# Records of the checks each cell runs
# --------------------------------------------------------------------------

#: cell key -> one list of records per run of a cell with that source.
_GROUPS: dict[str, list[list[dict]]] = {}
_CURRENT: list[list[dict] | None] = [None]  # the records of the cell running now


def cell_key(source: str) -> str:
    """The key of a cell's records: the SHA-256 of its source, in hex.

    Examples
    --------
    >>> key = cell_key("x = 1")
    >>> len(key), key == hashlib.sha256(b"x = 1").hexdigest()
    (64, True)
    """
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _start_group(info: Any) -> None:
    """IPython's ``pre_run_cell`` event: a new group of records for this cell."""
    group: list[dict] = []
    _GROUPS.setdefault(cell_key(info.raw_cell), []).append(group)
    _CURRENT[0] = group


def install_recorder(shell: Any = None) -> None:
    """Record the checks each cell runs from now on, in this IPython kernel.

    Parameters
    ----------
    shell : IPython shell, optional
        The running one by default.
    """
    if shell is None:
        from IPython import get_ipython  # the kernel has IPython; nothing else needs it

        shell = get_ipython()
    if shell is None:
        raise RuntimeError("install_recorder needs an IPython kernel to record the cells it runs.")
    shell.events.register("pre_run_cell", _start_group)
    _CURRENT[0] = []  # records made before the first cell are dropped


def recording() -> bool:
    """Whether checks are recorded (a grading kernel with the recorder installed).

    Examples
    --------
    >>> recording()
    False
    """
    return _CURRENT[0] is not None


def record(entry: dict) -> None:
    """Add one check's record to the cell running now (nothing when not recording)."""
    if _CURRENT[0] is not None:
        _CURRENT[0].append(entry)


def publish_records() -> None:
    """Show every group of records as one output of type :data:`RECORDS_MIME`.

    The output's data is JSON text (Python's, with ``NaN`` and ``Infinity``
    for a learner's non-finite numbers): ``{cell key: [[record, ...], ...]}``.
    """
    from IPython.display import display

    display({RECORDS_MIME: json.dumps(_GROUPS)}, raw=True)


def export_cell_source() -> str:
    """The source of the last cell the grader adds: it publishes the records.

    Examples
    --------
    >>> print(export_cell_source())
    import pmcourse.grading_kernel as _g; _g.publish_records(); del _g
    """
    return "import pmcourse.grading_kernel as _g; _g.publish_records(); del _g"
