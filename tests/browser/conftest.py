"""The fixtures of the tests that drive the real app; the machinery is in tests/serverhelp.py.

- `app_server` (session): the real `familyservice-nb serve` on a free port, with a temporary data folder
  holding a synthetic demo extract as of 25/11/2026; its log is printed if it does not start.
  `app_server.url(path)` carries the token `serve` printed (read from its log), as a person's link does.
  `app_server.as_of` and `app_server.user` are what its pages should show.
- `browser` (module): headless Debian Chromium through Playwright (skipped when missing, except with
  CI=true, where a missing browser fails the test).
- `watch_page(page)`: the same recording for a page a test opens itself.
- `visit(path, ready=selector)`: opens a page, waits for a widget, and records every request, console
  error and page error, so `visit.assert_clean()` fails on any JavaScript error or any request that
  leaves 127.0.0.1.
Form tests reuse these: `visit("voila/render/some-form.ipynb", ready=".some-widget")`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import serverhelp


@pytest.fixture
def libraries_kept_for_good():
    return serverhelp.assert_libraries_kept_for_good


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    from familyservice_nb.demo import write_demo_extract

    data = tmp_path_factory.mktemp("data")
    write_demo_extract(data / "demo-extract.csv", rows=3000, seed=11, as_of=serverhelp.AS_OF)
    return data


@pytest.fixture(scope="session")
def app_server(demo_data_dir, tmp_path_factory):
    with serverhelp.running_server(demo_data_dir, "--demo", log_path=tmp_path_factory.mktemp("logs") / "server.log",
                                   FSNB_PREHEAT="index,recording-timeliness") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    # Per module, not per session: while Playwright's sync API runs, an asyncio loop is running in this
    # thread, and tests collected after the browser tests (asyncio.run in tests/ui) would fail.
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        serverhelp.require(False, "Python Playwright")
    serverhelp.require(Path(serverhelp.CHROMIUM).exists(), f"Chromium ({serverhelp.CHROMIUM})")
    with sync_playwright() as playwright:
        browser = serverhelp.launch_chromium(playwright)
        yield serverhelp.PatientBrowser(browser)
        browser.close()


@pytest.fixture
def watch_page():
    """watch(page) -> Visit: record a page you opened yourself (your own context, several pages...)."""
    return serverhelp.watch


@pytest.fixture
def visit(browser, app_server):
    """visit(path, ready=css, viewport=(w, h)) opens a page of the app and waits for a widget; closed after
    the test."""
    with serverhelp.PageOpener(browser, app_server) as open_page:
        yield open_page
