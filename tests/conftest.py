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


@pytest.fixture
def after_christmas_2026():
    """Today is Friday 29/01/2027: for tests whose records happen in December 2026 (a record of the future
    is refused)."""
    import datetime as _dt

    from familyservice_nb.dates import today_is

    with today_is(_dt.date(2027, 1, 29)):
        yield


# The tests' records are dated up to January 2027, and a record of the future is refused: the tests
# run as if today were Friday 29/01/2027, whatever day they run. `@pytest.mark.real_clock` keeps the real day.
TESTS_TODAY = __import__("datetime").date(2027, 1, 29)


@pytest.fixture(autouse=True)
def _tests_today(request):
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    from familyservice_nb.dates import today_is

    with today_is(TESTS_TODAY):
        yield
