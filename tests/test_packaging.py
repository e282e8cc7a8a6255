"""The layout and the dependency lists stay in step."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    listed = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s+- ([A-Za-z0-9_.\-\[\]]+)", line)
        if m and not line.strip().startswith("- -e") and m.group(1) not in {"pip", "python"}:
            listed.add(_name(m.group(1)))
    listed.discard("pip:")
    assert listed == wanted


def test_required_packages_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert {"jupyterlab", "ipywidgets", "voila", "pandas", "plotly", "holidays", "pytest", "nbval"} <= names


def test_layout():
    for folder in ("notebooks", "familyservice_nb", "dashboards", "data", "tests", "benchmarks"):
        assert (ROOT / folder).is_dir(), folder
    for name in ("environment.yml", "README.md", "pyproject.toml", "Makefile", ".ci/run"):
        assert (ROOT / name).is_file(), name


def test_domain_modules_import_no_ui_or_database_libraries():
    code = (
        "import sys, familyservice_nb, familyservice_nb.extract, familyservice_nb.standards, "
        "familyservice_nb.demo, familyservice_nb.records, familyservice_nb.story, familyservice_nb.documents\n"
        "bad = [m for m in ('ipywidgets', 'plotly', 'sqlalchemy', 'voila') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_python_dash_m_runs_the_command_line():
    out = subprocess.run([sys.executable, "-m", "familyservice_nb", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "timeliness" in out.stdout
