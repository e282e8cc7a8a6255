"""deploy/: the Zero to JupyterHub values and the single-user image agree with pyproject.toml."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

from familyservice_nb.records.settings import CouncilSettings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
VALUES = yaml.safe_load((ROOT / "deploy" / "values.yaml").read_text())


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_the_image_installs_the_project_itself_with_pyprojects_packages_at_the_tested_versions():
    assert re.search(r"^COPY pyproject\.toml .*constraints\.txt", DOCKERFILE, re.M)
    assert re.search(r"^RUN pip install -c constraints\.txt \.", DOCKERFILE, re.M)
    listed = set()
    for line in re.findall(r"^#   (.+)$", DOCKERFILE, re.M):
        listed |= set(line.split())
    assert listed == {_name(r) for r in PROJECT["dependencies"]}


def test_the_images_python_is_one_the_project_supports():
    python = re.search(r"^FROM python:(\d+\.\d+)", DOCKERFILE, re.M).group(1)
    minimum = PROJECT["requires-python"].removeprefix(">=")
    assert tuple(map(int, python.split("."))) >= tuple(map(int, minimum.split(".")))


def test_the_values_name_the_images_at_the_projects_version():
    assert VALUES["singleuser"]["image"]["tag"] == PROJECT["version"]
    assert VALUES["hub"]["image"]["tag"] == PROJECT["version"]
    assert f"familyservice-nb-singleuser:{PROJECT['version']}" in DOCKERFILE


def test_the_values_start_the_workbook_with_the_councils_idle_setting():
    start = ["python", "-m", "familyservice_nb.hub.singleuser"]  # jupyterhub-singleuser, started leaner
    assert VALUES["singleuser"]["cmd"] == start and f"CMD {json.dumps(start)}" in DOCKERFILE
    assert VALUES["singleuser"]["defaultUrl"].startswith("/voila/render/")
    assert VALUES["cull"]["enabled"] is True
    assert VALUES["cull"]["timeout"] == CouncilSettings().idle_server_minutes * 60
    assert VALUES["hub"]["config"]["JupyterHub"]["admin_access"] is False
    assert "prepare_server" in VALUES["hub"]["extraConfig"]["familyservice-nb"]
