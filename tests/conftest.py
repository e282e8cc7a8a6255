import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def require_or_skip(condition: bool, what: str) -> None:
    """Skip a test whose component is missing, except in CI, where a missing component fails it."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{what} is missing, and CI=true: this test must run in CI.")
    pytest.skip(f"{what} is missing")


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser drives the real app in Chromium: mark it so `make test` runs it
    on its own (one server, one browser), after the rest of the suite has run in parallel."""
    browser_dir = ROOT / "tests" / "browser"
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
