"""Every patch of another library lives in familyservice_nb/web/compat.py and names the versions it was
written for; the workbook refuses to start on any other version (compat.check_versions)."""

from __future__ import annotations

import inspect
import re

from familyservice_nb.web import compat

# compat.py's own machinery: declaring the versions and checking them. Every other function there is a patch.
MACHINERY = {"written_for", "tested_versions", "installed_version", "check_versions", "refuse_untested_versions"}


def _functions() -> dict[str, object]:
    return {name: f for name, f in inspect.getmembers(compat, inspect.isfunction)
            if f.__module__ == compat.__name__ and not name.startswith("_")}


def test_every_patch_function_declares_the_versions_it_was_written_for_and_its_docstring_says_them():
    patches = {name: f for name, f in _functions().items() if name not in MACHINERY}
    assert set(patches) == set(compat.PATCHES)
    for name, patch in patches.items():
        assert patch.written_for, name
        for library, versions in patch.written_for.items():
            assert versions and all(re.fullmatch(r"\d+(\.\d+)+", v) for v in versions), (name, library)
            assert all(f"{library} " in patch.__doc__ and v in patch.__doc__ for v in versions), name
        said = patch.__doc__.split("\n\nWritten and tested for")[0]
        assert len(said.split()) >= 20, f"{name}'s docstring should say what it changes and why"


def test_the_versions_known_for_a_library_are_those_every_patch_touching_it_was_tested_with(monkeypatch):
    monkeypatch.setattr(compat, "PATCHES", {"one": {"voila": ("0.5.13", "0.5.14")},
                                            "two": {"voila": ("0.5.13",), "jupyterhub": ("6.1.1",)}})
    assert compat.tested_versions() == {"voila": ("0.5.13",), "jupyterhub": ("6.1.1",)}


# -- the start-up check --------------------------------------------------------------------------------

UNTESTED_VOILA = "0.6.0"


def _voila_at(untested: str):
    """importlib.metadata.version, but voila is at `untested`."""
    import importlib.metadata

    real = importlib.metadata.version
    return lambda name: untested if name.lower() == "voila" else real(name)


def _refusal(untested: str = UNTESTED_VOILA) -> str:
    known = " or ".join(compat.tested_versions()["voila"])
    return f"familyservice-nb was tested with voila {known}; this machine has voila {untested}."


def test_the_installed_versions_are_the_ones_the_patches_were_written_for():
    compat.check_versions()  # refuses (raises) on any other
    assert {"voila", "ipywidgets", "ipykernel", "jupyterhub"} <= set(
        compat.tested_versions())


def test_an_untested_version_is_refused_in_a_sentence_naming_the_library_and_both_versions(monkeypatch):
    import importlib.metadata

    import pytest

    monkeypatch.setattr(importlib.metadata, "version", _voila_at(UNTESTED_VOILA))
    with pytest.raises(compat.UntestedVersion) as refused:
        compat.check_versions()
    said = str(refused.value)
    assert said.startswith(_refusal()) and "constraints.txt" in said
    assert "ipywidgets" not in said  # only the library that is at an untested version is named


def test_a_patched_library_that_is_missing_is_named(monkeypatch):
    import pytest

    monkeypatch.setattr(compat, "installed_version", lambda name: None if name == "jupyterhub" else
                        compat.tested_versions()[name][0])
    with pytest.raises(compat.UntestedVersion, match=r"; this machine has no jupyterhub\. Install"):
        compat.check_versions()


# Each process of the workbook that patches, started as it is started, with voila at an untested version. With
# the check missing, each would do something else: `--port 0` and `--help` are refused or answered at once.
STARTS = {
    "familyservice-nb serve": ("familyservice_nb.cli", ["familyservice-nb", "serve", "--port", "0"]),
    "familyservice-nb hub": ("familyservice_nb.cli", ["familyservice-nb", "hub", "--port", "0"]),
    "serve's Voila server": ("familyservice_nb.web.voila_app", ["voila_app", "--help"]),
    "a page's kernel": ("familyservice_nb.page_kernel", ["page_kernel", "--help"]),
    "a person's server under the hub": ("familyservice_nb.hub.singleuser", ["singleuser", "--help"]),
}


def _start_with_untested_voila(module: str, argv: list[str]):
    import subprocess
    import sys

    code = ("import importlib.metadata, runpy, sys\n"
            "real = importlib.metadata.version\n"
            f"importlib.metadata.version = lambda name: {UNTESTED_VOILA!r} if name.lower() == 'voila' else real(name)\n"
            f"sys.argv = {argv!r}\n"
            f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_each_process_that_patches_refuses_an_untested_version_with_exit_code_2_and_the_sentence():
    import pytest

    failures = []
    for what, (module, argv) in STARTS.items():
        ran = _start_with_untested_voila(module, argv)
        if not (ran.returncode == 2 and _refusal() in ran.stderr and "Traceback" not in ran.stderr):
            failures.append(f"{what}: exit {ran.returncode}, {ran.stderr[-600:]!r}")
    if failures:
        pytest.fail("\n".join(failures))


def test_the_hubs_configuration_files_refuse_an_untested_version_before_they_patch(monkeypatch, capsys):
    import importlib.metadata
    import importlib.util
    from pathlib import Path

    import jupyterhub.utils
    import pytest
    import voila.server_extension
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setattr(importlib.metadata, "version", _voila_at(UNTESTED_VOILA))
    untouched = (jupyterhub.utils.exponential_backoff, voila.server_extension.TornadoVoilaHandler)
    for module in ("familyservice_nb.hub.jupyterhub_config", "familyservice_nb.hub.singleuser_config"):
        config = Path(importlib.util.find_spec(module).origin)
        with pytest.raises(SystemExit) as ended:
            PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
        assert ended.value.code == 2, module
        assert _refusal() in capsys.readouterr().err, module
    assert (jupyterhub.utils.exponential_backoff, voila.server_extension.TornadoVoilaHandler) == untouched


def test_pyproject_bounds_each_patched_library_from_a_version_its_patches_were_written_for_to_below_the_next():
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]
    required = {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}
    for name, known in compat.tested_versions().items():
        requirement = required.get(canonicalize_name(name))
        assert requirement is not None, f"{name} is patched but pyproject.toml does not name it"
        lower = [s.version for s in requirement.specifier if s.operator == ">="]
        upper = [s.version for s in requirement.specifier if s.operator == "<"]
        assert lower and lower[0] in known, f"{name}: pyproject's lower bound is not a version the patches know"
        assert upper, f"{name}: pyproject.toml gives no upper bound"
        assert all(requirement.specifier.contains(v) for v in known), name
