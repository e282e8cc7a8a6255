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
