"""Measuring wall time and peak memory of a command or a notebook's kernel.

Peak memory is the peak *resident set size* (RSS): the most physical memory a
process held at once.

- For a command, :func:`run_command` starts it and collects it with
  ``os.wait4``, whose ``ru_maxrss`` is the peak RSS of that one process, or of
  its largest descendant that it waited for, whichever is larger (the largest
  single process, not a sum). The same figure ``/usr/bin/time -v`` prints as
  "Maximum resident set size".
- For a notebook, :func:`run_notebook` runs it on a fresh kernel with nbclient
  and reads the kernel process's own high-water mark (``VmHWM`` in
  ``/proc/<pid>/status``, an exact peak kept by Linux) after every cell, adding
  the largest sampled RSS of any processes the kernel started (sampled every
  50 ms). The notebook client (this process) is not counted: on a hub it is the
  Jupyter server, shared by every notebook.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Bytes in one MB, the unit the bench reports memory in.
MB = 10**6


@dataclass
class CommandRun:
    """What :func:`run_command` measured."""

    wall_s: float
    peak_bytes: int
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float = 0.0  # user + system time of the command and the processes it waited for


def _maxrss_bytes(ru_maxrss: int) -> int:
    # Linux reports kilobytes (KiB); macOS reports bytes.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def run_command(
    args: list[str],
    *,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> CommandRun:
    """Run a command; return its wall time, peak RSS, exit code and output.

    Raises
    ------
    TimeoutError
        If the command runs longer than `timeout` seconds (it is killed).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                raise TimeoutError(f"{' '.join(args)} ran longer than {timeout:.0f} s")
            time.sleep(0.005)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return CommandRun(
            wall,
            _maxrss_bytes(usage.ru_maxrss),
            process.returncode,
            out.read(),
            err.read(),
            usage.ru_utime + usage.ru_stime,
        )


def _high_water_mark(pid: int) -> int | None:
    """Peak RSS of one process so far (Linux ``VmHWM``), or None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


class _KernelWatch:
    """Follows the peak RSS of a kernel process and the processes it starts."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.kernel_peak = 0
        self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def start(self, pid: int) -> None:
        self.pid = pid
        self._thread.start()

    def read(self) -> None:
        if self.pid is None:
            return
        exact = _high_water_mark(self.pid)
        if exact is not None:
            self.kernel_peak = max(self.kernel_peak, exact)

    def _sample(self) -> None:
        import psutil

        try:
            kernel = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                if _high_water_mark(kernel.pid) is None:  # no /proc: sample the kernel too
                    self.kernel_peak = max(self.kernel_peak, kernel.memory_info().rss)
                total = 0
                for child in kernel.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
                self.children_peak = max(self.children_peak, total)
            except psutil.Error:
                return
            self._stop.wait(0.05)

    def stop(self) -> None:
        self.read()
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1)

    @property
    def peak_bytes(self) -> int:
        return self.kernel_peak + self.children_peak


@dataclass
class NotebookRun:
    """What :func:`run_notebook` measured."""

    wall_s: float
    peak_bytes: int


def run_notebook(path: Path, *, timeout: int = 120) -> NotebookRun:
    """Run every cell of a notebook on a fresh kernel, in the notebook's folder.

    The wall time runs from starting the kernel to shutting it down, as
    "Restart kernel and run all cells" does for a learner. A cell that raises
    makes this raise (nbclient's ``CellExecutionError``).
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    watch = _KernelWatch()
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.on_notebook_start = lambda **_: watch.start(client.km.provisioner.pid)
    client.on_cell_complete = lambda **_: watch.read()
    start = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up warnings
    finally:
        wall = time.perf_counter() - start
        watch.stop()
    return NotebookRun(wall, watch.peak_bytes)
