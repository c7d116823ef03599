"""Settings of the Python kernel that autogrades a submission.

nbgrader scores a test cell that writes to stderr as failed, so a correct
answer that makes Python print a warning (a pandas ``FutureWarning``, say)
would lose its points. The grading kernel shows warnings on stdout instead:
they stay visible in the feedback, and cost nothing. The course's
``nbgrader_config.py`` starts every grading kernel with
:data:`KERNEL_ARGUMENTS`, so a plain ``nbgrader autograde`` and ``pmcourse
grade`` run submissions the same way and give the same scores. Only the
standard library is imported here: this runs in every grading kernel.
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["KERNEL_ARGUMENTS", "route_warnings_to_stdout"]

#: Extra arguments of the grading kernel (nbgrader's ``Execute.extra_arguments``):
#: IPython's history in memory (nbgrader's default) and warnings on stdout.
KERNEL_ARGUMENTS = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.exec_lines=import pmcourse.grading_kernel as _g; "
    "_g.route_warnings_to_stdout(); del _g",
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
