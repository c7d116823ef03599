"""Running the course for a class: Binder, the hub link, the Kubernetes values, the sizing.

The one-machine hub itself runs for real in tests/test_hub.py.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import nbformat
import pytest
import yaml

from bench import benchmarks
from pmcourse.cli import main
from pmcourse.deploy import DEFAULT_NOTEBOOK, Repository, nbgitpuller_link, repository

ROOT = Path(__file__).resolve().parents[1]
Z2JH = ROOT / "deploy" / "z2jh"
HUB_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"


# ---- pmcourse link -------------------------------------------------------------------


def test_link_opens_the_notebook_in_the_pulled_course_as_the_launch_button_does(capsys):
    assert (
        main(["link", "--hub", "https://hub.example.org/", "notebooks/01_foundations.ipynb"]) == 0
    )
    link = urlsplit(capsys.readouterr().out.strip())
    book = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    assert (link.scheme, link.netloc, link.path) == (
        "https",
        "hub.example.org",
        "/hub/user-redirect/git-pull",
    )
    folder = book["url"].rstrip("/").split("/")[-1]
    assert parse_qs(link.query) == {
        "repo": [book["url"]],
        "urlpath": [f"lab/tree/{folder}/notebooks/01_foundations.ipynb"],
        "branch": [book["branch"]],
    }


def test_link_starts_with_module_0_and_takes_another_repository(capsys):
    args = ["--hub", "https://h.org", "--repo", "https://x.org/a/course", "--branch", "dev"]
    assert main(["link", *args]) == 0
    query = parse_qs(urlsplit(capsys.readouterr().out.strip()).query)
    assert query["urlpath"] == [f"lab/tree/course/{DEFAULT_NOTEBOOK}"]
    assert query["branch"] == ["dev"] and query["repo"] == ["https://x.org/a/course"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--hub", "hub.example.org"], "not a web address"),
        (["--hub", "https://h.org", "notebooks/01_foundation.ipynb"], "no notebook"),
        (["--hub", "https://h.org", "../secrets.ipynb"], "inside the course repository"),
    ],
)
def test_link_refuses_what_would_not_work_and_says_why(capsys, args, words):
    assert main(["link", *args]) == 2
    error = capsys.readouterr().err
    assert error.startswith("pmcourse link: ") and words in error


def test_repository_is_read_from_the_book_configuration(tmp_path):
    assert repository(ROOT).url.startswith("https://")
    with pytest.raises(ValueError, match="No _config.yml"):
        repository(tmp_path)
    assert Repository("file:///srv/course.git").folder == "course.git"  # as nbgitpuller names it
    assert nbgitpuller_link("http://127.0.0.1:8000", repo=Repository("file:///srv/c")).startswith(
        "http://127.0.0.1:8000/hub/user-redirect/git-pull?repo=file%3A///srv/c&"
    )


# ---- Binder ----------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    """Top-level modules imported by a module or by the code cells of a notebook."""
    if path.suffix == ".py":
        code = path.read_text()
    else:
        cells = nbformat.read(path, as_version=4).cells
        code = "\n".join(  # magics and shell commands left out
            line
            for cell in cells
            if cell.cell_type == "code"
            for line in cell.source.splitlines()
            if line.lstrip()[:1] not in "%!"
        )
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _closure(names: set[str]) -> set[str]:
    """The distributions installed by `names` and, recursively, by what they require."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def test_every_import_of_the_notebooks_and_pmcourse_is_installed_by_environment_yml():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip, "Binder must install the pmcourse package itself"
    provided = _closure({_name(r) for r in pip if not r.startswith("-e")})
    distributions = metadata.packages_distributions()
    notebooks = [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/release/*/*.ipynb")]
    notebooks += ROOT.glob("pmcourse/**/*.py")  # what the notebooks import in turn
    missing = {}
    for path in notebooks:
        for module in _imported_modules(path) - set(sys.stdlib_module_names) - {"pmcourse"}:
            names = {_name(d) for d in distributions.get(module, [module])}
            if not names & provided:
                missing.setdefault(module, []).append(path.relative_to(ROOT).as_posix())
    assert not missing, f"imported but not installed by environment.yml: {missing}"
    assert len(notebooks) >= 20


def test_binder_opens_module_0_with_the_course_settings():
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "postBuild must be executable for repo2docker"
    script = post_build.read_text()
    config = json.loads((ROOT / "jupyter" / "jupyter_server_config.json").read_text())
    default = config["ServerApp"]["default_url"]
    assert default == f"/lab/tree/{DEFAULT_NOTEBOOK}" and (ROOT / DEFAULT_NOTEBOOK).is_file()
    for copied in ("jupyter/jupyter_server_config.json", "jupyter/settings/overrides.json"):
        assert copied in script and (ROOT / copied).is_file()


# ---- Zero to JupyterHub values ---------------------------------------------------------


def _values() -> dict:
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def _validate(values: dict) -> None:
    schema = json.loads((Z2JH / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(values)


def test_z2jh_values_follow_the_schema_of_the_chart_keys_they_use():
    _validate(_values())


@pytest.mark.parametrize(
    "spoil",
    [
        lambda v: v["singleuser"].update(memroy=v["singleuser"].pop("memory")),  # misspelt key
        lambda v: v["singleuser"]["memory"].update(guarantee="half a gig"),
        lambda v: v["cull"].update(timeout="1h"),
        lambda v: v["singleuser"]["storage"].update(type="shared"),
        lambda v: v.update(singleuserr={}),
    ],
)
def test_the_schema_refuses_mistakes_helm_would_refuse(spoil):
    values = _values()
    spoil(values)
    with pytest.raises(jsonschema.ValidationError):
        _validate(values)


def _bytes(quantity: str) -> float:
    units = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(quantity)).groups()
    return float(number) * units.get(unit, 1)


def _hub_setting(name: str) -> str:
    match = re.search(rf'^{name} = setting\("{name}", "([^"]+)"\)', HUB_CONFIG.read_text(), re.M)
    assert match, f"{name} not found in {HUB_CONFIG.name}"
    return match.group(1)


def test_both_deployments_size_learners_alike_and_fit_the_goal_on_one_machine():
    memory = _values()["singleuser"]["memory"]
    assert _bytes(memory["guarantee"]) == _bytes(_hub_setting("MEM_GUARANTEE"))
    assert _bytes(memory["limit"]) == _bytes(_hub_setting("MEM_LIMIT"))
    assert _bytes(memory["guarantee"]) < _bytes(memory["limit"])
    usable = benchmarks.HUB_MACHINE_GB * 1e9 * (1 - benchmarks.HUB_MARGIN)
    assert benchmarks.HUB_LEARNERS_GOAL * _bytes(memory["guarantee"]) <= usable


def test_z2jh_pulls_the_course_and_shares_the_exchange():
    single = _values()["singleuser"]
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    book = repository(ROOT)
    assert command == ["gitpuller", book.url, book.branch, book.folder]
    claim = single["storage"]["extraVolumes"][0]["persistentVolumeClaim"]["claimName"]
    pvc = yaml.safe_load((Z2JH / "exchange-pvc.yaml").read_text())
    assert pvc["metadata"]["name"] == claim and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    mount = single["storage"]["extraVolumeMounts"][0]["mountPath"]
    assert f'c.Exchange.root = "{mount}"' in single["extraFiles"]["nbgrader-config"]["stringData"]


# ---- One machine: deploy/jupyterhub/jupyterhub_config.py -------------------------------


def test_every_key_of_the_hub_configuration_is_a_setting_of_its_class():
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import Spawner
    from ltiauthenticator.lti13.auth import LTI13Authenticator
    from systemdspawner import SystemdSpawner
    from traitlets.config.loader import PyFileConfigLoader

    classes = [JupyterHub, Authenticator, ConfigurableHTTPProxy, Spawner, SystemdSpawner]
    classes = {cls.__name__: cls for cls in [*classes, LTI13Authenticator]}
    config = PyFileConfigLoader(HUB_CONFIG.name, str(HUB_CONFIG.parent)).load_config()
    unknown = [
        f"c.{section}.{key}"
        for section, settings in config.items()
        for key in settings
        if section not in classes or key not in classes[section].class_traits(config=True)
    ]
    assert not unknown, f"not settings of JupyterHub or its plug-ins: {unknown}"
    assert config.JupyterHub.authenticator_class.endswith(".LTI13Authenticator")
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"


def test_the_hub_roles_use_real_scopes_and_the_services_exist():
    from jupyterhub.scopes import scope_definitions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(HUB_CONFIG.name, str(HUB_CONFIG.parent)).load_config()
    services = {service["name"]: service for service in config.JupyterHub.services}
    assert set(services) == {"formgrader", "idle-culler"}
    for role in config.JupyterHub.load_roles:
        for scope in role["scopes"]:
            assert scope.split("!")[0] in scope_definitions, f"{role['name']}: {scope}"
        for name in role.get("services", []):
            assert name in services
    formgrader = services["formgrader"]["command"][0]
    assert Path(formgrader).name == "jupyterhub-singleuser" and Path(formgrader).exists()
    nbgrader, learner = HUB_CONFIG.parent / "nbgrader", HUB_CONFIG.parent / "learner"
    paths = config.Spawner.environment["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert paths == [str(learner), str(nbgrader)]
    assert services["formgrader"]["environment"]["JUPYTER_CONFIG_PATH"] == str(nbgrader)
    assert "c.Exchange.root" in (nbgrader / "nbgrader_config.py").read_text()
    off = json.loads((learner / "jupyter_server_config.d" / "pmcourse-learner.json").read_text())
    extensions = off["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
