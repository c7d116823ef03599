"""The module registry: every learner notebook's metadata describes its module, and the
registry reads, checks and explains it (pmcourse.modules, pmcourse.schemas)."""

import datetime
import importlib.util
import re

import nbformat
import pytest
from jsonschema import Draft202012Validator

from pmcourse import modules as registry
from pmcourse.modules import Module, Part, graded_parts, modules, points_by_kind
from pmcourse.schemas import SCHEMAS, problems, schema, validate

MODULES = modules()


def _bibliography(root) -> dict[str, str]:
    """The entries of book/references.bib, by key."""
    text = (root / "book" / "references.bib").read_text("utf-8")
    return dict(re.findall(r"@\w+\{([^,]+),(.*?)\n\}", text, flags=re.DOTALL))


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_are_valid_draft_2020_12(name):
    Draft202012Validator.check_schema(schema(name))
    assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_registry_has_every_learner_notebook_in_order(root):
    assert [m.notebook for m in MODULES] == sorted((root / "notebooks").glob("*.ipynb"))
    assert [m.number for m in MODULES] == sorted(m.number for m in MODULES)


@pytest.mark.parametrize("path", [m.notebook for m in MODULES], ids=lambda p: p.name)
def test_each_notebook_metadata_is_valid(path):
    metadata = nbformat.read(path, as_version=4).metadata["pmcourse"]
    assert problems(metadata, "module", where=path.name) == []


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_each_module_has_its_files(module):
    assert module.notebook.is_file()
    assert module.quiz.is_file(), f"{module.name} has no quiz {module.quiz}"
    if module.assignment:
        assert module.master.is_file(), f"{module.name}: no master {module.master}"
        assert module.release.is_file(), (
            f"{module.name}: no release {module.release}: make release"
        )
    else:
        assert module.master is None and module.release is None


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_each_module_names_library_modules_that_exist(module):
    for name in module.library:
        assert importlib.util.find_spec(name) is not None, f"{module.name}: no module {name}"
    assert module.checks == f"pmcourse.checks.{module.slug}"


def test_every_assignment_belongs_to_a_module(root):
    assignments = {m.assignment for m in MODULES if m.assignment}
    folders = {path.name for path in (root / "exercises" / "source").iterdir() if path.is_dir()}
    assert folders == assignments


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_guidelines_are_cited_with_the_version_of_their_reference(root, module):
    entries = _bibliography(root)
    for guideline in module.guidelines:
        entry = entries.get(guideline.citation)
        assert entry is not None, f"{module.name}: {guideline.citation} is not in references.bib"
        assert guideline.version.lower() in entry.lower(), (
            f"{module.name}: the version {guideline.version!r} of {guideline.name!r} is not "
            f"the one references.bib gives for {guideline.citation}"
        )


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_clinical_review_is_not_in_the_future(module):
    assert module.clinical_review <= datetime.date.today()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_metadata_round_trips(module, root):
    assert module.metadata() == nbformat.read(module.notebook, as_version=4).metadata.pmcourse
    assert Module.from_metadata(module.metadata(), root=root) == module


def test_module_by_number_slug_or_name():
    last = MODULES[-1]
    assert registry.module(last.number) == registry.module(last.slug) == last
    assert registry.module(last.name) == last
    with pytest.raises(ValueError, match=f"{last.number} {last.slug}"):
        registry.module("no_such_module")


@pytest.mark.parametrize("module", [m for m in MODULES if m.assignment], ids=lambda m: m.name)
def test_the_release_keeps_the_graded_parts_of_the_master(module):
    parts = graded_parts(module.release)
    assert parts, f"{module.assignment} has no graded cell"
    assert parts == graded_parts(module.master) == module.parts()
    assert all(part.points > 0 for part in parts)


def test_points_by_kind_counts_missing_kinds_as_unknown():
    parts = [Part("a", 3, "code"), Part("b", 2, "interpretation"), Part("c", 1, None)]
    assert points_by_kind(parts) == {"code": 3, "interpretation": 2, "free-text": 0, "unknown": 1}
    assert "unknown" not in points_by_kind(parts[:2])


# Errors in the metadata, as an author meets them.

GOOD = MODULES[-1].metadata()
WHERE = "notebooks/09_demo.ipynb, metadata pmcourse"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"estimated_time_minutes": None}, f"{WHERE}: has the estimated time null: write the"),
        ({"slug": "Pharmaco Genomics"}, f'{WHERE}: has the slug "Pharmaco Genomics": write'),
        ({"objectives": "explain star alleles"}, f"{WHERE}: must list the learning objectives"),
        ({"objectives": ["explain", ""]}, f"{WHERE}, objective 2: is empty"),
        ({"assignment": "pharmacogenomics"}, f'{WHERE}: has the assignment "pharmacogenomics"'),
        (
            {"library": ["pgx"]},
            f'{WHERE}, library module 1: is "pgx": write the module\'s full name',
        ),
        ({"clinical_review": "25/11/2026"}, f'{WHERE}: has the review date "25/11/2026"'),
        ({"clinical_review": "2026-02-30"}, f'{WHERE}: has the review date "2026-02-30"'),
        (
            {"guidelines": [{"name": "CPIC", "citation": "cpic_data"}]},
            f'{WHERE}, guideline 1: lacks "version"',
        ),
        (
            {"guidelines": [{"name": "CPIC", "version": 2022, "citation": "x"}]},
            f"{WHERE}, guideline 1: has the version 2022: write the version or year",
        ),
        (
            {"estimated_time": 20},
            f'{WHERE}: has the unknown field "estimated_time" (check the spelling',
        ),
    ],
)
def test_metadata_errors_are_plain_sentences(changes, message):
    metadata = GOOD | changes
    found = problems(metadata, "module", where=WHERE)
    assert any(sentence.startswith(message) for sentence in found), found


def test_missing_metadata_fields_are_named():
    metadata = {key: value for key, value in GOOD.items() if key != "estimated_time_minutes"}
    assert problems(metadata, "module", where=WHERE) == [
        f'{WHERE}: lacks "estimated_time_minutes"'
    ]
    with pytest.raises(ValueError, match='lacks "estimated_time_minutes"'):
        validate(metadata, "module", where=WHERE)


def _course(tmp_path, notebooks: dict[str, dict | None]):
    """A course folder with learner notebooks of the given metadata ``pmcourse``."""
    (tmp_path / "notebooks").mkdir()
    for name, metadata in notebooks.items():
        notebook = nbformat.v4.new_notebook()
        if metadata is not None:
            notebook.metadata["pmcourse"] = metadata
        nbformat.write(notebook, tmp_path / "notebooks" / f"{name}.ipynb")
    return tmp_path


def test_modules_are_read_from_any_course_folder(tmp_path):
    metadata = GOOD | {"module": 9, "slug": "demo", "assignment": None}
    metadata["checks"] = "pmcourse.checks.demo"
    course = _course(tmp_path, {"09_demo": metadata})
    (found,) = modules(course)
    assert (found.name, found.notebook, found.release) == (
        "09_demo",
        course / "notebooks" / "09_demo.ipynb",
        None,
    )
    assert found.quiz == course / "pmcourse" / "resources" / "quizzes" / "09_demo.json"


def test_every_problem_of_every_notebook_is_reported_at_once(tmp_path):
    course = _course(
        tmp_path,
        {
            "09_demo": GOOD | {"module": 9, "title": ""},
            "10_plain": None,
            "11_misnamed": GOOD | {"module": 11, "assignment": None},
        },
    )
    with pytest.raises(ValueError) as error:
        modules(course)
    lines = str(error.value).splitlines()
    assert lines[0] == "notebooks/09_demo.ipynb, metadata pmcourse: has no title."
    assert lines[1].startswith('notebooks/10_plain.ipynb: has no metadata "pmcourse"')
    slug = GOOD["slug"]  # the newest module's, whichever it is
    assert lines[2].startswith(
        f'notebooks/11_misnamed.ipynb, metadata pmcourse: module 11 with slug "{slug}" '
        f"must be in notebooks/11_{slug}.ipynb"
    )
    assert len(lines) == 3


def test_assignment_and_checks_follow_the_module_name(tmp_path):
    metadata = GOOD | {"module": 9, "slug": "demo"}
    with pytest.raises(ValueError) as error:
        modules(_course(tmp_path, {"09_demo": metadata}))
    assert str(error.value).splitlines() == [
        f'{WHERE}: has the assignment "{GOOD["assignment"]}": a module\'s assignment has its '
        'name, "09_demo", or is null when the module has none.',
        f'{WHERE}: has the checks module "{GOOD["checks"]}": write "pmcourse.checks.demo" '
        "(one checks module per course module).",
    ]


def test_two_notebooks_cannot_claim_one_module_number(tmp_path):
    first = GOOD | {
        "module": 9,
        "slug": "demo",
        "assignment": None,
        "checks": "pmcourse.checks.demo",
    }
    second = first | {"slug": "other", "checks": "pmcourse.checks.other"}
    course = _course(tmp_path, {"09_demo": first, "09_other": second})
    with pytest.raises(ValueError, match="module 9 is claimed by more than one notebook: 09_demo"):
        modules(course)


def test_the_registry_reads_the_repository_by_default(root):
    assert registry.ROOT == root
