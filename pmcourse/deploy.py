"""Links that bring the course into a learner's JupyterHub account (``pmcourse link``).

An nbgitpuller link copies the course repository into the learner's home on
the hub (a folder named after the repository; later clicks bring updates and
keep the learner's changes) and opens a notebook in JupyterLab. It has the same
form as the website's *JupyterHub* launch button, so an instructor can send one
by e-mail or put it on the learning platform.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode, urlsplit

import yaml

__all__ = ["DEFAULT_NOTEBOOK", "Repository", "add_link_command", "nbgitpuller_link", "repository"]

#: Where learners start: module 0, *Getting started*.
DEFAULT_NOTEBOOK = "notebooks/00_getting_started.ipynb"


@dataclass(frozen=True)
class Repository:
    """The course repository the hub pulls from: its address and branch."""

    url: str
    branch: str = "main"

    @property
    def folder(self) -> str:
        """The folder nbgitpuller clones into: the last part of the address, as it is."""
        return self.url.rstrip("/").split("/")[-1]


def repository(root: str | Path = ".") -> Repository:
    """The repository named in the book's ``_config.yml`` (``repository: url, branch``).

    Examples
    --------
    >>> repository().folder
    'intro-personalised-medicine'
    """
    config = Path(root) / "_config.yml"
    if not config.is_file():
        raise ValueError(
            f"No _config.yml in {Path(root).resolve()}: run the command in the course's "
            "folder, or give the repository with --repo."
        )
    settings = yaml.safe_load(config.read_text(encoding="utf-8")).get("repository", {})
    return Repository(settings["url"], settings.get("branch", "main"))


def _check_web_address(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
        raise ValueError(
            f"The {what} {url!r} is not a web address. Give it in full, such as "
            "https://jupyterhub.example.org."
        )
    return url.rstrip("/")


def nbgitpuller_link(
    hub_url: str,
    notebook: str = DEFAULT_NOTEBOOK,
    *,
    repo: Repository | None = None,
    root: str | Path | None = None,
) -> str:
    """The nbgitpuller link that opens `notebook` of the course on the hub at `hub_url`.

    Parameters
    ----------
    hub_url : str
        The hub's address, such as ``https://jupyterhub.example.org``.
    notebook : str
        The notebook to open, relative to the repository's root.
    repo : Repository, optional
        The repository to pull; by default the one in ``_config.yml``.
    root : str or Path, optional
        A checkout of the course: if given, `notebook` must be a file in it.

    Returns
    -------
    str
        ``<hub>/hub/user-redirect/git-pull?repo=...&urlpath=lab/tree/<folder>/<notebook>&branch=...``

    Examples
    --------
    >>> course = Repository("https://github.com/example/pm-course", "main")
    >>> print(nbgitpuller_link("https://hub.example.org/", "notebooks/01_foundations.ipynb",
    ...                        repo=course))  # doctest: +NORMALIZE_WHITESPACE
    https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A//github.com/example/pm-course&urlpath=lab/tree/pm-course/notebooks/01_foundations.ipynb&branch=main
    """
    hub = _check_web_address(hub_url, "hub address")
    repo = repo or repository()
    _check_web_address(repo.url, "repository address")
    path = PurePosixPath(notebook)
    if path.is_absolute() or ".." in path.parts or not notebook.strip():
        raise ValueError(
            f"The notebook {notebook!r} must be a path inside the course repository, "
            f"such as {DEFAULT_NOTEBOOK}."
        )
    if root is not None and not (Path(root) / path).is_file():
        found = sorted(p.as_posix() for p in Path(root).glob("notebooks/*.ipynb"))
        raise ValueError(
            f"There is no notebook {notebook!r} in the course folder {Path(root).resolve()}. "
            f"Give one of: {', '.join(found) or 'notebooks/<name>.ipynb'}."
        )
    query = {"repo": repo.url, "urlpath": f"lab/tree/{repo.folder}/{path}", "branch": repo.branch}
    return f"{hub}/hub/user-redirect/git-pull?{urlencode(query, safe='/')}"


def _link(args: argparse.Namespace) -> int:
    try:
        repo = Repository(args.repo, args.branch) if args.repo else repository(args.root)
        print(nbgitpuller_link(args.hub, args.notebook, repo=repo, root=args.root))
    except ValueError as error:
        print(f"pmcourse link: {error}", file=sys.stderr)
        return 2
    return 0


def add_link_command(commands) -> None:
    """Add ``pmcourse link --hub URL [NOTEBOOK]`` to the subcommands of the ``pmcourse`` command.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="pmcourse")
    >>> add_link_command(parser.add_subparsers())
    >>> parser.parse_args(["link", "--hub", "https://hub.example.org"]).notebook
    'notebooks/00_getting_started.ipynb'
    """
    link = commands.add_parser(
        "link", help="print the nbgitpuller link that opens a notebook on your JupyterHub"
    )
    link.add_argument(
        "--hub", required=True, help="the hub's address, such as https://hub.example.org"
    )
    link.add_argument("notebook", nargs="?", default=DEFAULT_NOTEBOOK, help="notebook to open")
    link.add_argument("--repo", help="repository address (default: _config.yml's repository)")
    link.add_argument("--branch", default="main", help="branch, with --repo (default: main)")
    link.add_argument("--root", default=".", help="the repository's root folder (default: .)")
    link.set_defaults(run=_link)
