"""environment.yml (Binder, conda) must list what pyproject.toml installs."""

import tomllib

import yaml


def _normalise(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    # The course image of a hub (deploy/z2jh) also needs nbgitpuller; not the hub itself.
    hub_image = [r for r in optional["hub"] if r.startswith("nbgitpuller")]
    wanted = project["dependencies"] + optional["book"] + hub_image
    environment = yaml.safe_load((root / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = [r for r in pip_section if not r.startswith("-e")]
    assert sorted(map(_normalise, listed)) == sorted(map(_normalise, wanted))
    assert "-e ." in pip_section, "Binder must install the pmcourse package itself"


def test_python_version_agrees(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((root / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in environment["dependencies"]


def test_jupyter_book_stays_below_2(root):
    # Jupyter Book 2 downloads its theme at build time and cannot build offline.
    optional = tomllib.loads((root / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert any(r.replace(" ", "") == "jupyter-book>=1.0.4,<2" for r in optional["book"])


def test_vcf_library_is_installed_with_a_pinned_range(root):
    # pysam reads and writes module 2's VCF files (htslib inside its PyPI wheels).
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pysam = [r.replace(" ", "") for r in project["dependencies"] if r.startswith("pysam")]
    assert len(pysam) == 1 and ">=" in pysam[0] and ",<" in pysam[0], pysam
