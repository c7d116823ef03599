"""Running a learner's notebook in a sandbox, so grading it cannot harm the course.

nbgrader runs each submission's code as the instructor, in the instructor's
folders. Here each submission's Python kernel runs inside `bubblewrap
<https://github.com/containers/bubblewrap>`_ (``bwrap``, a Debian package),
which sees only:

- a fresh, empty working folder in memory with copies of the submission's
  files (nothing it writes there is kept);
- read-only: the system's programs and libraries, the Python installation,
  the course's library (``pmcourse/``) and its data (``data/``), never the
  course folder with the solutions, the gradebook or other learners' work;
- no network (its own, empty network namespace) and no other processes;
- limits: memory and the number of processes (a control group when grading
  runs as root, else per-process limits), time (:mod:`pmcourse.batch`).

When grading runs as root (a server, CI), the kernel runs as the unprivileged
user ``nobody`` inside the sandbox. The kernel talks to nbgrader through
Unix sockets in a private folder (ZeroMQ's ``ipc`` transport), the only
thing shared with the grader besides the read-only files.
:class:`pmcourse.safe_autograde.SandboxedKernelManager` starts kernels this way; ``python -m
pmcourse.sandbox`` is the small launcher it runs, which sets the limits,
drops root and hands over to ``bwrap``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = [
    "SANDBOX_USER_ID",
    "bwrap_arguments",
    "cgroups_available",
    "cgroup_out_of_memory",
    "course_paths",
    "create_cgroup",
    "launcher_command",
    "private_folder",
    "remove_cgroup",
    "sandbox_problem",
]

#: The user the kernel runs as when grading runs as root: ``nobody``.
SANDBOX_USER_ID = 65534
#: Where the submission's files are, inside the sandbox (the kernel's working folder).
WORK_DIR = "/home/learner/work"
#: Size of the sandbox's in-memory folders (its home and /tmp), MB each.
_TMPFS_MB = 512
#: matplotlib's settings and cache in the sandbox (its font list is copied there).
_MPLCONFIGDIR = "/home/learner/.config/matplotlib"
#: Most files copied from a submission folder into the sandbox.
_MAX_FILES = 200
#: System files and folders the kernel may read (those that exist).
_SYSTEM_PATHS = (
    "/usr",
    "/etc/alternatives",
    "/etc/fonts",
    "/etc/group",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/passwd",
)
#: Environment variables handed to the kernel; all others are left out (they
#: may hold the instructor's tokens).
_KEPT_ENVIRONMENT = ("LANG", "LC_ALL", "TZ", "PYDEVD_DISABLE_FILE_VALIDATION", "JPY_SESSION_NAME")

_INSTALL_HINT = (
    "Install it (Debian or Ubuntu: `sudo apt-get install bubblewrap`), or, only if you "
    "trust every submission, grade with --unsafe (learners' code then runs as you, "
    "in your folders)."
)


def private_folder(prefix: str = "pmcourse-sandbox-") -> Path:
    """A new folder for one sandbox's sockets, shared by the grader and the kernel only.

    In memory (``/dev/shm``) where possible, so what the kernel writes there
    counts as its memory; owned by the sandbox's user when grading runs as root.
    The caller removes it.
    """
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    if os.geteuid() == 0:
        os.chown(folder, SANDBOX_USER_ID, SANDBOX_USER_ID)
    return folder


def course_paths() -> list[Path]:
    """What a kernel needs of the course: the Python installation, ``pmcourse/`` and ``data/``.

    The course library is installed in editable mode, so its folder is bound,
    never the repository's root (which holds the solutions).

    Examples
    --------
    >>> [path.name for path in course_paths()][-2:]
    ['pmcourse', 'data']
    """
    package = Path(__file__).resolve().parent
    paths = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package]
    data = package.parent / "data"
    if os.environ.get("PMCOURSE_DATA"):
        data = Path(os.environ["PMCOURSE_DATA"]).resolve()
    return list(dict.fromkeys(paths + ([data] if data.is_dir() else [])))


def bwrap_arguments(
    binds: dict[str, int], files: dict[str, int], ipc_dir: Path, environment: dict[str, str]
) -> list[str]:
    """The ``bwrap`` options of a kernel's sandbox (everything before ``--``).

    Parameters
    ----------
    binds : dict of str to int
        Read-only folders and files: path in the sandbox -> open file descriptor
        of the original (opened before root is dropped).
    files : dict of str to int
        Files copied into the working folder: path in the sandbox -> descriptor.
    ipc_dir : pathlib.Path
        The private folder of the kernel's sockets and connection file,
        shared with the grader (read-write).
    environment : dict of str to str
        The kernel's whole environment.

    Examples
    --------
    >>> options = bwrap_arguments({"/usr": 3}, {}, Path("/dev/shm/s"), {"HOME": "/home/learner"})
    >>> options[:3], "--unshare-net" in options or "--unshare-all" in options
    (['--unshare-all', '--die-with-parent', '--disable-userns'], True)
    """
    options = ["--unshare-all", "--die-with-parent", "--disable-userns", "--unshare-user"]
    options += ["--clearenv", "--proc", "/proc", "--dev", "/dev"]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64")):
        options += ["--symlink", target, link]
    for folder in ("/tmp", "/home/learner"):  # first: a course under /tmp is bound over it
        options += ["--size", str(_TMPFS_MB * 2**20), "--tmpfs", folder]
    for path, descriptor in sorted(binds.items()):
        options += ["--ro-bind-fd", str(descriptor), path]
    for folder in sorted({str(Path(path).parent) for path in files}):
        options += ["--dir", folder]
    options += ["--dir", WORK_DIR]
    for path, descriptor in sorted(files.items()):
        options += ["--file", str(descriptor), path]
    options += ["--bind", str(ipc_dir), str(ipc_dir), "--remount-ro", "/", "--chdir", WORK_DIR]
    for name, value in sorted(environment.items()):
        options += ["--setenv", name, value]
    return options


def _set_dumpable() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE, 1


def _hidden_ancestor(path: Path) -> Path | None:
    """The highest folder above `path` that other users may not enter (such as /root)."""
    for folder in reversed(path.parents):
        if folder != Path("/") and not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _reveal(paths: list[Path]) -> None:
    """Make `paths` reachable for the sandbox's user, in this process's own view of the files.

    A Python installed under ``/root`` (pyenv) cannot be reached by ``nobody``.
    In a private mount namespace, each such closed folder is covered with an
    empty in-memory folder into which only the needed paths are bound; nothing
    changes for the rest of the machine.
    """
    hidden = {path: _hidden_ancestor(path) for path in paths}
    hidden = {path: top for path, top in hidden.items() if top is not None}
    if not hidden:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def check(result: int, what: str) -> None:
        if result != 0:
            raise OSError(ctypes.get_errno(), f"sandbox: {what} failed")

    check(libc.unshare(0x00020000), "unshare(CLONE_NEWNS)")
    check(libc.mount(b"none", b"/", None, 0x4000 | 0x40000, None), "making mounts private")
    opened = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in hidden}
    for top in set(hidden.values()):
        check(libc.mount(b"tmpfs", bytes(top), b"tmpfs", 0, b"mode=755"), f"covering {top}")
    for path, descriptor in opened.items():
        path.mkdir(parents=True, exist_ok=True)
        source = f"/proc/self/fd/{descriptor}".encode()
        check(libc.mount(source, bytes(path), None, 0x1000 | 0x4000, None), f"binding {path}")
        os.close(descriptor)


def _handed_on(path: str | Path, flags: int = os.O_PATH) -> int:
    """A descriptor of `path` that bwrap inherits (opened while the launcher may be root)."""
    descriptor = os.open(path, flags | os.O_CLOEXEC)
    os.set_inheritable(descriptor, True)
    return descriptor


def _submission_files(folder: Path | None) -> dict[str, int]:
    """The submission's files (not its notebooks' checkpoints), opened for copying in."""
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and ".ipynb_checkpoints" not in path.parts:
            if len(found) == _MAX_FILES:
                break
            found[f"{WORK_DIR}/{path.relative_to(folder).as_posix()}"] = _handed_on(
                path, os.O_RDONLY
            )
    return found


def _environment(paths: list[Path]) -> dict[str, str]:
    """The kernel's environment: the course's essentials (`paths`: :func:`course_paths`)
    and a few harmless settings."""
    data = [path for path in paths if path.name == "data"]
    environment = {
        "HOME": "/home/learner",
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "MPLCONFIGDIR": _MPLCONFIGDIR,
        "XDG_CACHE_HOME": "/home/learner/.cache",
        "USER": "learner",
        "LOGNAME": "learner",
        "VIRTUAL_ENV": sys.prefix,
        # the kernel imports the pmcourse the grader runs (a course copy's, in tests)
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    if data:
        environment["PMCOURSE_DATA"] = str(data[0])
    environment.update({k: os.environ[k] for k in _KEPT_ENVIRONMENT if k in os.environ})
    return environment


def _font_cache() -> dict[str, int]:
    """matplotlib's font list, copied in so each kernel does not rebuild it (a second or two).

    Found where matplotlib keeps it, without importing matplotlib.
    """
    cache = os.environ.get("MPLCONFIGDIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "matplotlib"
    )
    return {
        f"{_MPLCONFIGDIR}/{path.name}": _handed_on(path, os.O_RDONLY)
        for path in Path(cache).glob("fontlist-*.json")
    }


# --------------------------------------------------------------------------
# Control groups: memory and processes of the whole sandbox (when root)
# --------------------------------------------------------------------------

_CGROUP_ROOT = Path("/sys/fs/cgroup")


def _cgroup_folders(name: str) -> dict[str, Path]:
    """Where a sandbox's control groups go: {"memory": ..., "pids": ...} (v1 or v2)."""
    if (_CGROUP_ROOT / "cgroup.controllers").is_file():  # cgroup v2: one tree
        return {"memory": _CGROUP_ROOT / name, "pids": _CGROUP_ROOT / name}
    return {kind: _CGROUP_ROOT / kind / name for kind in ("memory", "pids")}


def create_cgroup(name: str, memory_mb: float, processes: int) -> bool:
    """Create the sandbox's control groups with their limits; False where that is not possible.

    Only root can; the kernel then also has per-process limits only.
    """
    folders = _cgroup_folders(name)
    v2 = folders["memory"] == folders["pids"]
    limits = [  # (kind, setting, value); a missing limit file (controller off) is a failure
        ("memory", "memory.max" if v2 else "memory.limit_in_bytes", int(memory_mb * 2**20)),
        ("pids", "pids.max", processes),
    ]
    try:
        for kind, setting, value in limits:
            folders[kind].mkdir(exist_ok=True)
            with open(folders[kind] / setting, "r+") as limit:  # "r+": never creates a file
                limit.write(str(value))
    except OSError:
        remove_cgroup(name)
        return False
    swap = folders["memory"] / ("memory.swap.max" if v2 else "memory.swappiness")
    with contextlib.suppress(OSError):  # no swap for the sandbox, where the system has it
        swap.write_text("0")
    return True


@functools.cache
def cgroups_available() -> bool:
    """Whether sandboxes here get control groups (memory and processes of the whole sandbox)."""
    if os.geteuid() != 0:
        return False
    name = f"pmcourse-sandbox-check-{os.getpid()}"
    available = create_cgroup(name, 100, 10)
    remove_cgroup(name)
    return available


def join_cgroup(name: str) -> None:
    """Move this process (and so everything it starts) into the sandbox's control groups."""
    for folder in set(_cgroup_folders(name).values()):
        (folder / "cgroup.procs").write_text(str(os.getpid()))


def cgroup_out_of_memory(name: str) -> bool:
    """Whether the kernel hit the sandbox's memory limit."""
    folder = _cgroup_folders(name)["memory"]
    for events, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
        with contextlib.suppress(OSError, ValueError):
            for line in (folder / events).read_text().splitlines():
                word, _, count = line.partition(" ")
                if word == key and int(count) > 0:
                    return True
    with contextlib.suppress(OSError, ValueError):
        return int((folder / "memory.failcnt").read_text()) > 0
    return False


def remove_cgroup(name: str) -> None:
    """Stop every process left in the sandbox's control groups, then remove them."""
    for folder in set(_cgroup_folders(name).values()):
        for _ in range(100):  # a process may take a moment to end
            if not folder.is_dir():
                break
            with contextlib.suppress(OSError, ValueError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.rmdir(folder)
                break
            time.sleep(0.02)


# --------------------------------------------------------------------------
# The launcher: runs in the grader's process tree, ends as bwrap
# --------------------------------------------------------------------------


def launch(
    command: list[str],
    *,
    ipc_dir: Path,
    workdir: Path | None,
    memory_mb: float,
    processes: int,
    cgroup: str | None,
) -> None:
    """Set the limits, drop root, and replace this process with ``bwrap`` running `command`.

    Never returns. SIGINT is ignored by bwrap (so nbgrader's interrupt of a
    long cell reaches the kernel, which sets its own handler, instead of
    ending the sandbox).
    """
    limited_by_cgroup = bool(cgroup) and os.geteuid() == 0
    if limited_by_cgroup:
        join_cgroup(cgroup)
    files = _submission_files(workdir) | _font_cache()  # before /root may be covered
    paths = course_paths()
    if os.geteuid() == 0:
        _reveal(paths)
    binds = {path: _handed_on(path) for path in _SYSTEM_PATHS if os.path.exists(path)}
    binds.update({str(path): _handed_on(path) for path in paths})
    options = bwrap_arguments(binds, files, ipc_dir, _environment(paths))
    # inside: at most `processes` processes and threads; per-process memory only
    # where no control group holds the whole sandbox
    rlimits = [f"--nproc={processes}", "--core=0", f"--fsize={_TMPFS_MB * 2**20}"]
    if not limited_by_cgroup:
        rlimits.append(f"--as={int(memory_mb * 2**20)}")
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(SANDBOX_USER_ID)
        os.setuid(SANDBOX_USER_ID)
        _set_dumpable()  # a changed user makes /proc/self root's; bwrap reads its fds there
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    bwrap = shutil.which("bwrap") or "bwrap"
    os.execv(bwrap, [bwrap, *options, "--", "/usr/bin/prlimit", *rlimits, "--", *command])


@functools.cache
def sandbox_problem() -> str | None:
    """Why learners' code cannot run in a sandbox here, in plain words; None when it can.

    Checked once per process by starting a real sandbox.
    """
    if shutil.which("bwrap") is None:
        return (
            "bubblewrap (the `bwrap` command) is not installed, so learners' code cannot "
            f"run in a sandbox. {_INSTALL_HINT}"
        )
    if not os.path.exists("/usr/bin/prlimit"):
        return "prlimit is missing, so the sandbox cannot limit processes: install util-linux."
    ipc_dir = private_folder("pmcourse-sandbox-check-")
    command = [*launcher_command(ipc_dir, None, 500, 64, None), sys.executable, "-c", "pass"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "bubblewrap did not start a sandbox within 60 s. Try again, or see the IT guide."
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return (
            f"bubblewrap is installed but could not start a sandbox here ({detail}). "
            "It needs user namespaces (kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 "
            "an AppArmor profile for bwrap); the IT guide says how. " + _INSTALL_HINT
        )
    return None


def launcher_command(
    ipc_dir: Path,
    workdir: Path | None,
    memory_mb: float,
    processes: int,
    cgroup: str | None,
) -> list[str]:
    """The start of the command that runs a program in a sandbox (the program follows)."""
    command = [sys.executable, "-m", "pmcourse.sandbox", "--ipc-dir", str(ipc_dir)]
    command += ["--memory-mb", f"{memory_mb:g}", "--processes", str(processes)]
    if workdir is not None:
        command += ["--workdir", str(workdir)]
    if cgroup:
        command += ["--cgroup", cgroup]
    return [*command, "--"]


def main(argv: list[str] | None = None) -> None:
    """``python -m pmcourse.sandbox [options] -- PROGRAM ...``: run a program in a sandbox."""
    parser = argparse.ArgumentParser(prog="python -m pmcourse.sandbox", description=main.__doc__)
    parser.add_argument("--ipc-dir", type=Path, required=True)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--memory-mb", type=float, default=2000)
    parser.add_argument("--processes", type=int, default=256)
    parser.add_argument("--cgroup")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the program to run after --")
    launch(
        command,
        ipc_dir=args.ipc_dir,
        workdir=args.workdir,
        memory_mb=args.memory_mb,
        processes=args.processes,
        cgroup=args.cgroup,
    )


if __name__ == "__main__":
    main()
