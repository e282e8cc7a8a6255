"""Alembic migrations, kept inside the package so `db upgrade` works from an installed copy."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).with_name("versions")


def earlier(name: str) -> ModuleType:
    """An earlier migration's module (file name without `.py`), for the SQL it wrote: what a later migration
    builds on, and what a downgrade restores. Migration files are not importable by name (they start with a
    digit), so each is loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"fsnb_migration_{name}", VERSIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
