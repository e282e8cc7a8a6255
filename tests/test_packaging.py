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


# -- constraints.txt: the exact versions the suite runs on ---------------------------------------------

# Compared with nothing: the project itself, and the tools that install packages (pip-compile leaves them out).
NOT_COMPARED = {"familyservice-nb", "pip", "setuptools", "wheel"}


def _pins(text: str) -> dict[str, str]:
    """`name==version` lines (constraints.txt, pip freeze), by the name's normal form (PEP 503)."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line)
        if m:
            found[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return found


def pin_differences(pinned: dict[str, str], installed: dict[str, str]) -> list[str]:
    """Each package constraints.txt pins that is not installed at exactly that version, in a sentence."""
    said = []
    for name, version in sorted(pinned.items()):
        if name in NOT_COMPARED or installed.get(name) == version:
            continue
        has = f"has {name} {installed[name]}" if name in installed else f"does not have {name}"
        said.append(f"constraints.txt pins {name} {version}; this environment {has}.")
    return said


def test_this_environment_has_every_package_at_the_version_constraints_txt_pins():
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, text=True,
                            check=True, timeout=120).stdout
    said = pin_differences(_pins((ROOT / "constraints.txt").read_text()), _pins(freeze))
    assert said == [], " ".join(said) + " Install them with make install (or make constraints if pyproject.toml changed)."


def test_constraints_txt_pins_every_package_pyproject_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = _pins((ROOT / "constraints.txt").read_text())
    wanted = {re.sub(r"[-_.]+", "-", _name(r)) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    assert wanted - set(pinned) == set()


def test_a_difference_from_the_pins_is_named_in_a_sentence():
    pinned = _pins("voila==0.5.13\n    # via familyservice-nb\njupyter_server==2.21.1\ncomm==0.2.3\npip==26.3\n")
    installed = _pins("voila==0.6.0\njupyter-server==2.21.1\npip==25.0\n-e /work/familyservice-nb\n")
    assert pin_differences(pinned, installed) == [
        "constraints.txt pins comm 0.2.3; this environment does not have comm.",
        "constraints.txt pins voila 0.5.13; this environment has voila 0.6.0.",
    ]
