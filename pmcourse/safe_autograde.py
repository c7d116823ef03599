"""nbgrader's autograder with each kernel in a sandbox and the tests judged outside it.

``pmcourse grade`` (:mod:`pmcourse.batch`) puts :class:`SandboxedExecute` in
place of nbgrader's ``Execute`` step, unless ``--unsafe`` is given:

- the notebook's kernel runs in a bubblewrap sandbox
  (:class:`SandboxedKernelManager`, :mod:`pmcourse.sandbox`);
- a last cell hands the checks' records out of the kernel as plain JSON
  (:mod:`pmcourse.verdict`); it is removed again before anything is saved;
- each test cell that passed inside the kernel is judged again here, in the
  grader's own process, on those records. When that fails, the cell gets an
  error output, so nbgrader's next step gives it no points and the feedback
  says why; the submission is listed for the instructor's review.

Code that changes how the notebook is graded (``numpy.isclose`` replaced, a
check patched, an IPython input transformer) can fool the kernel, never the
second judgement, which sees only plain values.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Float, Integer

from pmcourse import verdict
from pmcourse.datasets import kept_in_memory
from pmcourse.grading_kernel import cell_key, export_cell_source
from pmcourse.sandbox import (
    SANDBOX_USER_ID,
    cgroup_out_of_memory,
    create_cgroup,
    launcher_command,
    private_folder,
    remove_cgroup,
    sandbox_problem,
)

__all__ = [
    "LAST_RUN",
    "SandboxRun",
    "SandboxedExecute",
    "SandboxedKernelManager",
    "autograde_steps",
    "judge_again",
]


@dataclass
class SandboxRun:
    """What the sandboxed Execute step found in the last notebook (read by pmcourse.batch)."""

    notes: list[str] = field(default_factory=list)  # reasons for the instructor's review
    out_of_memory: bool = False  # the sandbox's memory limit stopped the kernel

    def reset(self) -> None:
        self.notes.clear()
        self.out_of_memory = False


LAST_RUN = SandboxRun()


class SandboxedKernelManager(AsyncKernelManager):
    """A Jupyter kernel manager whose kernels run in a bubblewrap sandbox.

    The kernel talks to the grader through Unix sockets (ZeroMQ's ``ipc``
    transport) in a private folder; the sandbox has no network at all.
    """

    memory_limit_mb = Float(2000.0, help="Memory of the whole sandbox, MB.").tag(config=True)
    max_processes = Integer(256, help="Processes and threads in the sandbox.").tag(config=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ipc_dir = private_folder()
        self.transport = "ipc"
        self.connection_file = str(self.ipc_dir / "kernel.json")
        self.ip = str(self.ipc_dir / "kernel-ipc")
        self.cgroup = self.ipc_dir.name
        self.has_cgroup = False
        self.out_of_memory = False

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        workdir = kw.pop("cwd", None)
        if os.geteuid() == 0:
            os.chown(self.connection_file, SANDBOX_USER_ID, SANDBOX_USER_ID)
            self.has_cgroup = create_cgroup(self.cgroup, self.memory_limit_mb, self.max_processes)
        command = launcher_command(
            self.ipc_dir,
            Path(workdir) if workdir else None,
            self.memory_limit_mb,
            self.max_processes,
            self.cgroup if self.has_cgroup else None,
        )
        await super()._async_launch_kernel(command + kernel_cmd, cwd=str(self.ipc_dir), **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.has_cgroup:
            self.out_of_memory = cgroup_out_of_memory(self.cgroup)
            remove_cgroup(self.cgroup)  # and any process the notebook left behind
            self.has_cgroup = False
        if not restart:
            shutil.rmtree(self.ipc_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # the async manager's public name


class SandboxedExecute(Execute):
    """nbgrader's Execute step, with the kernel sandboxed and the tests judged again outside."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(**kwargs)

    def create_kernel_manager(self):
        self.sandbox_manager = super().create_kernel_manager()
        return self.sandbox_manager

    def preprocess(self, nb, resources=None, km=None):
        if problem := sandbox_problem():
            raise RuntimeError(
                f"{problem} (`pmcourse grade ASSIGNMENT --unsafe` grades trusted work "
                "without a sandbox.)"
            )
        LAST_RUN.reset()
        LAST_RUN.notes.extend(verdict.tampering_signs(nb))
        nb.cells.append(nbformat.v4.new_code_cell(export_cell_source()))
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:  # also when the kernel died: say whether the memory limit stopped it
            export = nb.cells.pop()
            manager = getattr(self, "sandbox_manager", None)
            if manager is not None and manager.out_of_memory:
                LAST_RUN.out_of_memory = True
                LAST_RUN.notes.append(
                    f"it used more than {manager.memory_limit_mb:g} MB of memory (the "
                    "sandbox's limit), so its kernel was stopped; not graded"
                )
        judge_again(nb, export.get("outputs", []))
        return nb, resources


#: Verdicts already given in this process, by test cell and records (see _judged).
_VERDICTS: dict[str, verdict.Verdict] = {}
_MAX_VERDICTS = 5000


def _judged(source: str, groups: dict) -> verdict.Verdict:
    """The verdict on a test cell's records, given once per distinct records.

    A class hands in many identical answers (every correct one records the same
    values), and the judgement is a pure function of the cell and its records.
    """
    runs = groups.get(cell_key(source)) or [[]]
    key = hashlib.sha256(json.dumps([source, runs[-1]], sort_keys=True).encode()).hexdigest()
    if key not in _VERDICTS:
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()
        with kept_in_memory():  # the same hidden tests for every submission: read data once
            _VERDICTS[key] = verdict.judge_test_cell(source, groups)
    return _VERDICTS[key]


def judge_again(nb: nbformat.NotebookNode, exported: list) -> list[str]:
    """Judge each test cell that passed in the kernel again, on the exported records.

    A cell that fails gets an error output (no points; the feedback shows the
    message) and the submission a reason for review.

    Returns
    -------
    list of str
        The grade ids of the cells that failed the second judgement.
    """
    try:
        groups, problem = verdict.read_records(exported), ""
    except verdict.RecordsInvalid as error:
        groups, problem = {}, f" ({error})"
    failed = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        if any(output.output_type == "error" for output in cell.get("outputs", [])):
            continue  # failed in the kernel already: no points either way
        judged = _judged(cell.source, groups)
        if not judged.passed:
            failed.append(meta.get("grade_id", "?"))
            message = f"Checked again outside the notebook: {judged.message}"
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error", ename="IndependentCheckFailed", evalue=message, traceback=[message]
                )
            )
    if failed:
        LAST_RUN.notes.append(
            f"test cell(s) {', '.join(failed)} passed inside the notebook but not when "
            f"checked again outside it{problem}: the submission may change how it is graded"
        )
    return failed


def autograde_steps(steps: list | None, *, sandboxed: bool) -> list:
    """nbgrader's autograde steps, with the sandboxed Execute step or nbgrader's own.

    Parameters
    ----------
    steps : list or None
        ``c.Autograde.autograde_preprocessors`` (classes or their dotted
        names), or None for nbgrader's default.
    sandboxed : bool
        Whether kernels run in the sandbox (False: ``pmcourse grade --unsafe``).

    Examples
    --------
    >>> steps = autograde_steps(None, sandboxed=True)
    >>> steps[0] is SandboxedExecute, autograde_steps(steps, sandboxed=False)[0] is Execute
    (True, True)
    """
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    found = [
        import_item(step) if isinstance(step, str) else step
        for step in (Autograde.autograde_preprocessors.default() if steps is None else steps)
    ]
    wanted, other = (SandboxedExecute, Execute) if sandboxed else (Execute, SandboxedExecute)
    return [wanted if step is other else step for step in found]
