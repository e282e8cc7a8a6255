"""Nothing typed is lost (issue 13), in the real app: the server stops mid-typing, the page says so at once,
Complete is refused with a message, and after a restart the record comes back with every character typed.

Its own server (it is stopped and started again), on a real SQLite database, in headless Chromium.
"""

from __future__ import annotations

import time

import browser_support
import pytest

from forms_seed import MANAGER, seed, sqlite_url

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

support = browser_support.load()

BEFORE = "Typed before the drop; "
AFTER = "and all of this while the server was gone: £5 & <b>it</b> stays."


@pytest.fixture(scope="module")
def keeper_db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("keeper-db")))


@pytest.fixture(scope="module")
def server(keeper_db, tmp_path_factory):
    support.ensure_python3_kernelspec()
    data = tmp_path_factory.mktemp("keeper-data")
    server = support.AppServer(
        port=support.free_port(), data_dir=data,
        env=support.server_environment(data, FSNB_DATABASE_URL=keeper_db, FSNB_USER=MANAGER,
                                       FSNB_PREHEAT="index,case-supervision"),
        log_path=data / "server.log", user=MANAGER,
    )
    server.start()
    yield server
    server.stop()


def saved_summary(url, record_id):
    from familyservice_nb.store import Store

    return Store(url, user=MANAGER).saved_payload(record_id).get("case_summary")


def test_server_stopped_mid_typing_loses_nothing(browser, server, keeper_db):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(server.url("voila/render/case-supervision.ipynb"), wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-start", timeout=support.PAGE_READY_MS)
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_label("Case", exact=True).select_option(label="C-N1 – Oakhurst family")
    page.get_by_role("button", name="Start the supervision").click()
    page.wait_for_selector(".fsnb-form, .fsnb-start-again")
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
    page.wait_for_selector(".fsnb-form")
    summary = page.get_by_label("Case summary", exact=True)
    summary.press_sequentially(BEFORE, delay=5)
    page.wait_for_selector(".fsnb-saved", timeout=15_000)
    page.wait_for_timeout(2_000)  # the keeper hears that it is saved
    from familyservice_nb.store import Store

    drafts = Store(keeper_db, user=MANAGER).records(kind="supervision", state="draft")
    record_id = drafts[-1].record_id
    assert saved_summary(keeper_db, record_id) == BEFORE

    server.stop()
    summary.press_sequentially(AFTER, delay=5)
    banner = page.locator(".fsnb-offline-banner")
    banner.wait_for(state="visible", timeout=10_000)
    assert banner.inner_text() == "Not saved: connection lost. Keep this page open; your text is kept."
    assert page.locator(".fsnb-saved:visible").count() == 0  # no green "Saved" while the work is not saved
    page.locator(".fsnb-complete").click()
    assert "Not completed: the connection to the workbook is lost" in banner.inner_text()
    assert page.evaluate("() => document.activeElement.classList.contains('fsnb-offline-banner')")
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem('fsnb-draft:supervision:{record_id}'))")
    assert kept["unsaved"] and kept["values"]["case_summary/0"] == BEFORE + AFTER
    assert saved_summary(keeper_db, record_id) == BEFORE

    server.start()
    again = context.new_page()
    seen = support.watch(again)
    again.goto(server.url(f"voila/render/case-supervision.ipynb?record={record_id}"), wait_until="domcontentloaded")
    again.wait_for_selector(".fsnb-form", timeout=support.PAGE_READY_MS)
    deadline = time.monotonic() + 30
    while saved_summary(keeper_db, record_id) != BEFORE + AFTER and time.monotonic() < deadline:
        time.sleep(0.5)
    assert saved_summary(keeper_db, record_id) == BEFORE + AFTER
    assert again.get_by_label("Case summary", exact=True).input_value() == BEFORE + AFTER
    assert "back on this page and saved" in again.locator(".fsnb-banner").inner_text()
    again.wait_for_function(
        f"() => localStorage.getItem('fsnb-draft:supervision:{record_id}') === null", timeout=15_000)
    seen.assert_clean()
    context.close()
