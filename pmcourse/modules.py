"""The course's modules, read from the learner notebooks (the module registry).

A course module ``NN_slug`` is described once, in the metadata ``pmcourse`` of
its learner notebook ``notebooks/NN_slug.ipynb`` (checked against
``pmcourse/resources/schemas/module.schema.json``):

- ``module``: its number, 0 to 99;
- ``slug``: its name without the number, such as ``"pharmacogenomics"``;
- ``title``, ``objectives``, ``prerequisites``, ``estimated_time_minutes``,
  ``audience``: its header (:mod:`pmcourse.header`);
- ``assignment``: its nbgrader assignment, ``NN_slug``, or null;
- ``library``: the pmcourse modules it teaches with;
- ``checks``: its checks module, ``pmcourse.checks.<slug>``;
- ``guidelines``: the guidelines and data versions it follows, each with a
  name, a version and a citation (a key of book/references.bib);
- ``clinical_review``: the date of its last clinical review, YYYY-MM-DD.

:func:`modules` reads them all; the tests and the book's tables (module table,
guidelines page, instructor table) are driven from it, so a new module needs no
change to shared code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "KINDS",
    "Guideline",
    "Module",
    "Part",
    "ROOT",
    "graded_parts",
    "module",
    "modules",
    "points_by_kind",
]

#: The repository that holds this package (the course's root folder).
ROOT = Path(__file__).resolve().parents[1]

#: The kinds of graded cell (cell metadata ``{"pmcourse": {"kind": ...}}``).
KINDS = ("code", "interpretation", "free-text")


@dataclass(frozen=True)
class Guideline:
    """A guideline or data version a module follows.

    ``citation`` is the key of its entry in book/references.bib.
    """

    name: str
    version: str
    citation: str


@dataclass(frozen=True)
class Part:
    """A graded cell of an assignment: its ``grade_id``, points and kind.

    ``kind`` is one of :data:`KINDS`, or None when the cell does not say.
    """

    grade_id: str
    points: float
    kind: str | None


@dataclass(frozen=True)
class Module:
    """A course module, as its learner notebook's metadata describes it.

    Attributes
    ----------
    number : int
        The module's number (metadata ``module``).
    slug, title, objectives, prerequisites, estimated_time_minutes, audience, \
assignment, library, checks, guidelines, clinical_review
        The metadata fields of the same name (lists become tuples, the review
        date a :class:`datetime.date`).
    notebook : Path
        The learner notebook, ``notebooks/NN_slug.ipynb``.
    quiz : Path
        Its quiz, ``pmcourse/resources/quizzes/NN_slug.json``.
    master, release : Path or None
        The assignment's instructor master and student version,
        ``exercises/source|release/<assignment>/<assignment>.ipynb`` (None when
        the module has no assignment).
    """

    number: int
    slug: str
    title: str
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...]
    estimated_time_minutes: int
    audience: tuple[str, ...]
    assignment: str | None
    library: tuple[str, ...]
    checks: str
    guidelines: tuple[Guideline, ...]
    clinical_review: datetime.date
    notebook: Path
    quiz: Path
    master: Path | None
    release: Path | None

    @property
    def name(self) -> str:
        """``NN_slug``, such as ``'04_pharmacogenomics'``: the notebook's and the quiz's name."""
        return f"{self.number:02d}_{self.slug}"

    def metadata(self) -> dict:
        """The notebook metadata ``pmcourse`` this module was read from.

        Examples
        --------
        >>> module(4).metadata()["guidelines"][0]["citation"]
        'cpic_data'
        """
        return {
            "module": self.number,
            "slug": self.slug,
            "title": self.title,
            "objectives": list(self.objectives),
            "prerequisites": list(self.prerequisites),
            "estimated_time_minutes": self.estimated_time_minutes,
            "audience": list(self.audience),
            "assignment": self.assignment,
            "library": list(self.library),
            "checks": self.checks,
            "guidelines": [vars(guideline) for guideline in self.guidelines],
            "clinical_review": self.clinical_review.isoformat(),
        }

    def parts(self) -> list[Part]:
        """The graded parts of the module's assignment (its student version).

        Examples
        --------
        >>> [part.grade_id for part in module("foundations").parts()][:2]
        ['test_allele_frequency', 'test_expected_counts']
        >>> module(0).parts()
        []
        """
        return graded_parts(self.release) if self.release else []

    @classmethod
    def from_metadata(cls, metadata: dict, *, root: str | Path = ROOT) -> Module:
        """A module from valid notebook metadata (see :func:`modules`), with paths under root.

        Examples
        --------
        >>> metadata = module(4).metadata() | {"module": 9, "slug": "demo", "assignment": None}
        >>> Module.from_metadata(metadata, root="/course").notebook.as_posix()
        '/course/notebooks/09_demo.ipynb'
        """
        root = Path(root)
        name = f"{metadata['module']:02d}_{metadata['slug']}"
        assignment = metadata["assignment"]
        exercise = {
            kind: root / "exercises" / kind / assignment / f"{assignment}.ipynb"
            if assignment
            else None
            for kind in ("source", "release")
        }
        return cls(
            number=metadata["module"],
            slug=metadata["slug"],
            title=metadata["title"],
            objectives=tuple(metadata["objectives"]),
            prerequisites=tuple(metadata["prerequisites"]),
            estimated_time_minutes=metadata["estimated_time_minutes"],
            audience=tuple(metadata["audience"]),
            assignment=assignment,
            library=tuple(metadata["library"]),
            checks=metadata["checks"],
            guidelines=tuple(Guideline(**guideline) for guideline in metadata["guidelines"]),
            clinical_review=datetime.date.fromisoformat(metadata["clinical_review"]),
            notebook=root / "notebooks" / f"{name}.ipynb",
            quiz=root / "pmcourse" / "resources" / "quizzes" / f"{name}.json",
            master=exercise["source"],
            release=exercise["release"],
        )


def _read_metadata(path: Path) -> dict | None:
    import nbformat

    return nbformat.read(path, as_version=4).metadata.get("pmcourse")


def _naming_problems(metadata: dict, path: Path, where: str) -> list[str]:
    """What breaks the naming rules NN_slug (the schema cannot see the file's name)."""
    name = f"{metadata['module']:02d}_{metadata['slug']}"
    problems = []
    if path.stem != name:
        problems.append(
            f'{where}: module {metadata["module"]} with slug "{metadata["slug"]}" must be in '
            f"notebooks/{name}.ipynb: rename the notebook or correct the metadata"
        )
    if metadata["assignment"] not in (None, name):
        problems.append(
            f'{where}: has the assignment "{metadata["assignment"]}": a module\'s assignment has '
            f'its name, "{name}", or is null when the module has none'
        )
    if metadata["checks"] != f"pmcourse.checks.{metadata['slug']}":
        problems.append(
            f'{where}: has the checks module "{metadata["checks"]}": write '
            f'"pmcourse.checks.{metadata["slug"]}" (one checks module per course module)'
        )
    return problems


def modules(root: str | Path | None = None) -> list[Module]:
    """The course's modules, from the metadata of ``notebooks/*.ipynb``, in order.

    Parameters
    ----------
    root : str or Path, optional
        The course's root folder (default: the repository holding this package).

    Returns
    -------
    list of Module
        One per learner notebook, by module number.

    Raises
    ------
    ValueError
        If a notebook's metadata is missing or invalid, named after its file
        and field (all problems at once), or two notebooks claim one number.

    Examples
    --------
    >>> [(m.number, m.slug, m.assignment) for m in modules()][:2]
    [(0, 'getting_started', None), (1, 'foundations', '01_foundations')]
    """
    from pmcourse.schemas import problems as schema_problems

    root = Path(root) if root is not None else ROOT
    found, problems = [], []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        where = f"notebooks/{path.name}, metadata pmcourse"
        metadata = _read_metadata(path)
        if metadata is None:
            problems.append(
                f'notebooks/{path.name}: has no metadata "pmcourse"; every learner notebook '
                "describes its module there (see book/authoring.md)"
            )
            continue
        wrong = schema_problems(metadata, "module", where=where)
        wrong = wrong or _naming_problems(metadata, path, where)
        problems += wrong
        if not wrong:
            found.append(Module.from_metadata(metadata, root=root))
    numbers = [m.number for m in found]
    problems += [
        f"module {number} is claimed by more than one notebook: "
        + ", ".join(m.notebook.name for m in found if m.number == number)
        for number in sorted({n for n in numbers if numbers.count(n) > 1})
    ]
    if problems:
        raise ValueError("\n".join(f"{problem}." for problem in problems))
    return sorted(found, key=lambda m: m.number)


def module(key: int | str, root: str | Path | None = None) -> Module:
    """One module, by its number, slug or name.

    Examples
    --------
    >>> module(4).slug
    'pharmacogenomics'
    >>> module("foundations").name
    '01_foundations'
    >>> module("04_pharmacogenomics").checks
    'pmcourse.checks.pharmacogenomics'
    >>> module(9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: There is no module 9. The modules are: 0 getting_started, 1 foundations, ...
    """
    every = modules(root)
    for candidate in every:
        if key in (candidate.number, candidate.slug, candidate.name):
            return candidate
    known = ", ".join(f"{m.number} {m.slug}" for m in every)
    raise ValueError(f"There is no module {key!r}. The modules are: {known}.")


def graded_parts(notebook: str | Path) -> list[Part]:
    """The graded cells of an nbgrader notebook: grade_id, points and kind, in order.

    A graded cell is one nbgrader gives points to (an autograded test cell, a
    manually graded answer or task). Its kind is the cell metadata
    ``{"pmcourse": {"kind": ...}}``, None when missing.

    Examples
    --------
    >>> parts = graded_parts(module(4).release)
    >>> parts[0].grade_id, parts[0].points
    ('test_cyp2c19_phenotype', 3)
    """
    import nbformat

    parts = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") or grading.get("task"):
            kind = cell.metadata.get("pmcourse", {}).get("kind")
            parts.append(Part(grading["grade_id"], grading.get("points", 0), kind))
    return parts


def points_by_kind(parts: list[Part]) -> dict[str, float]:
    """Points per kind of part, in the order of :data:`KINDS`; ``"unknown"`` for parts without one.

    Examples
    --------
    >>> points_by_kind([Part("a", 3, "code"), Part("b", 2, "free-text"), Part("c", 1, None)])
    {'code': 3, 'interpretation': 0, 'free-text': 2, 'unknown': 1}
    """
    points = {kind: 0 for kind in KINDS}
    for part in parts:
        kind = part.kind if part.kind in KINDS else "unknown"
        points[kind] = points.get(kind, 0) + part.points
    return points
