"""Nothing typed is lost, in the real app: the server stops mid-typing, the page says so at once,
Complete is refused with a message, and after a restart the record comes back with every character typed.

Its own server (it is stopped and started again), on a real SQLite database, in headless Chromium.
"""

from __future__ import annotations

import threading
import time

import pytest

import serverhelp
from forms_seed import MANAGER, seed, sqlite_url

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

BEFORE = "Typed before the drop; "
AFTER = "and all of this while the server was gone: £5 & <b>it</b> stays."
LOST = "Not saved: connection lost. Keep this page open; your text is kept."
RESTARTED = ("Not saved: the workbook was restarted. Your text is kept in this browser: open this record again "
             "(reload the page, or open it from the workbook's new link if it asks for one) and it will be put back.")
SAID_AT_ONCE_S = 2.5  # from the server's stop to the warning on the page (it was 5.8 s; measured 1.4-1.7 s)

# In the page: when the warning first shows, and when a green "Saved" was last visible.
WATCH_WARNING = """() => {
  const seen = window.__fsnbSeen = {lostAt: null, savedLastSeen: null};
  const look = () => {
    const banner = document.querySelector('.fsnb-offline-banner');
    if (seen.lostAt === null && banner && !banner.hidden && banner.getClientRects().length) seen.lostAt = Date.now();
    for (const saved of document.querySelectorAll('.fsnb-saved')) {
      if (saved.getClientRects().length) seen.savedLastSeen = Date.now();
    }
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     characterData: true});
  setInterval(look, 20);
  return Date.now();
}"""

# Every copy this browser keeps of one record (one per tab): storage key -> entry.
KEPT_COPIES = """(key) => Object.fromEntries(Object.keys(localStorage)
  .filter(k => k === 'fsnb-draft:' + key || k.startsWith('fsnb-draft:' + key + '#'))
  .map(k => [k, JSON.parse(localStorage.getItem(k))]))"""


@pytest.fixture(scope="module")
def keeper_db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("keeper-db")))


@pytest.fixture(scope="module")
def server(keeper_db, tmp_path_factory):
    # Stopped and started again by the test: stop() on a server already stopped does nothing.
    with serverhelp.running_server(tmp_path_factory.mktemp("keeper-data"), user=MANAGER, FSNB_DATABASE_URL=keeper_db,
                                   FSNB_PREHEAT="index,case-supervision") as server:
        yield server


def saved_summary(url, record_id):
    from familyservice_nb.store import Store

    return Store(url, user=MANAGER).saved_payload(record_id).get("case_summary")


def start_supervision(page, server):
    """Start Pat's supervision of C-N1 afresh; the case summary's input."""
    page.goto(server.url("voila/render/case-supervision.ipynb"), wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-start", timeout=serverhelp.PAGE_READY_MS)
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_label("Case", exact=True).select_option(label="C-N1 – Oakhurst family")
    page.get_by_role("button", name="Start the supervision").click()
    page.wait_for_selector(".fsnb-form, .fsnb-start-again")
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
    page.wait_for_selector(".fsnb-form")
    return page.get_by_label("Case summary", exact=True)


def open_record(page, server, record_id):
    page.goto(server.url(f"voila/render/case-supervision.ipynb?record={record_id}"), wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-form", timeout=serverhelp.PAGE_READY_MS)


def wait_until(what, seconds=30):
    deadline = time.monotonic() + seconds
    while not what() and time.monotonic() < deadline:
        time.sleep(0.25)
    return what()


def test_server_stopped_mid_typing_loses_nothing(browser, server, keeper_db):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    summary = start_supervision(page, server)
    summary.press_sequentially(BEFORE, delay=5)
    page.wait_for_selector(".fsnb-saved", timeout=15_000)
    page.wait_for_timeout(2_000)  # the keeper hears that it is saved
    from familyservice_nb.store import Store

    drafts = Store(keeper_db, user=MANAGER).records(kind="supervision", state="draft")
    record_id = drafts[-1].record_id
    assert saved_summary(keeper_db, record_id) == BEFORE

    killed_at = page.evaluate(WATCH_WARNING)  # the page's clock as the server is stopped
    stopping = threading.Thread(target=server.stop)  # the server goes while the person types on
    stopped_at = time.monotonic()
    stopping.start()
    summary.press_sequentially(AFTER[:3], delay=5)
    page.wait_for_selector(".fsnb-offline-banner", state="visible", timeout=10_000)
    said_after = time.monotonic() - stopped_at
    lost_at = page.evaluate("() => window.__fsnbSeen.lostAt")
    told_by = page.evaluate("() => document.querySelector('.fsnb-keeper').dataset.lost")
    print(f"kill-to-warning: {said_after:.2f} s (in the page: {lost_at - killed_at} ms, told by {told_by})")
    broken = []  # promises this test checks to the end, so that it says every one that is broken
    if said_after >= SAID_AT_ONCE_S:
        broken.append(f"'connection lost' was said {said_after:.1f} s after the server stopped")
    summary.press_sequentially(AFTER[3:], delay=5)
    stopping.join()
    banner = page.locator(".fsnb-offline-banner")
    assert banner.inner_text() == LOST
    assert page.locator(".fsnb-saved:visible").count() == 0  # no green "Saved" while the work is not saved
    page.locator(".fsnb-complete").click()
    assert "Not completed: the connection to the workbook is lost" in banner.inner_text()
    assert page.evaluate("() => document.activeElement.classList.contains('fsnb-offline-banner')")
    kept = list(page.evaluate(KEPT_COPIES, f"supervision:{record_id}").values())
    assert len(kept) == 1 and kept[0]["unsaved"] and kept[0]["values"]["case_summary/0"] == BEFORE + AFTER
    assert saved_summary(keeper_db, record_id) == BEFORE

    server.start()
    # The old page's kernel is gone for good: the page says what to do instead of "keep this page open".
    if not wait_until(lambda: banner.inner_text() == RESTARTED, 30):
        broken.append(f"after the restart the old page still says {banner.inner_text()!r}")
    seen_in_old = page.evaluate("() => window.__fsnbSeen")
    if seen_in_old["savedLastSeen"] is not None and seen_in_old["savedLastSeen"] - killed_at >= SAID_AT_ONCE_S * 1000:
        broken.append(f"the green \"Saved\" showed {seen_in_old['savedLastSeen'] - killed_at} ms after the server stopped")
    if seen_in_old["savedLastSeen"] is not None and seen_in_old["savedLastSeen"] >= seen_in_old["lostAt"]:
        broken.append("the green \"Saved\" showed again after the warning")

    again = context.new_page()
    seen = serverhelp.watch(again)
    open_record(again, server, record_id)
    deadline = time.monotonic() + 30
    while saved_summary(keeper_db, record_id) != BEFORE + AFTER and time.monotonic() < deadline:
        time.sleep(0.5)
    assert saved_summary(keeper_db, record_id) == BEFORE + AFTER
    assert again.get_by_label("Case summary", exact=True).input_value() == BEFORE + AFTER
    assert "back on this page and saved" in again.locator(".fsnb-banner").inner_text()
    again.wait_for_function(f"() => Object.keys(({KEPT_COPIES})('supervision:{record_id}')).length === 0",
                            timeout=15_000)
    again.wait_for_timeout(2_500)  # and the old page, still open, does not keep it again
    assert again.evaluate(KEPT_COPIES, f"supervision:{record_id}") == {}
    seen.assert_clean()
    context.close()
    assert not broken, broken


FIRST = "Summary from the first tab. "
SECOND = "Progress typed in the second tab, on a copy the first tab had already changed."


def test_two_tabs_each_keep_their_own_text(browser, server, keeper_db):
    """One record open in two tabs: the first tab's saves never throw away what the browser keeps for the
    second, and opening the record again puts both back."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    first = context.new_page()
    summary = start_supervision(first, server)
    summary.press_sequentially(FIRST, delay=5)
    first.wait_for_selector(".fsnb-saved", timeout=15_000)
    from familyservice_nb.store import Store

    record_id = Store(keeper_db, user=MANAGER).records(kind="supervision", state="draft")[-1].record_id
    assert wait_until(lambda: saved_summary(keeper_db, record_id) == FIRST)
    second = context.new_page()
    open_record(second, server, record_id)
    # the first tab saves after the second opened: the second tab's copy is stale, its text is refused
    summary.press_sequentially("More. ", delay=5)
    assert wait_until(lambda: saved_summary(keeper_db, record_id) == FIRST + "More. ")
    second.get_by_label("Progress", exact=True).press_sequentially(SECOND, delay=5)
    second.wait_for_selector(".fsnb-save-failed", timeout=15_000)
    key = f"supervision:{record_id}"

    def kept_progress():
        return [entry["values"].get("progress/0") for entry in first.evaluate(KEPT_COPIES, key).values()]

    assert wait_until(lambda: SECOND in kept_progress(), 10), kept_progress()
    # the first tab types and saves again, and hears that all it has is saved
    summary.press_sequentially("Again.", delay=5)
    assert wait_until(lambda: saved_summary(keeper_db, record_id) == FIRST + "More. Again.")
    time.sleep(3)
    assert SECOND in kept_progress(), f"the first tab's save threw away the second tab's text: {kept_progress()}"

    # the second tab is closed; opening the record again puts its text back beside the first tab's
    second.close()
    third = context.new_page()
    seen = serverhelp.watch(third)
    open_record(third, server, record_id)
    assert wait_until(lambda: Store(keeper_db, user=MANAGER).saved_payload(record_id).get("progress") == SECOND)
    payload = Store(keeper_db, user=MANAGER).saved_payload(record_id)
    assert payload["case_summary"] == FIRST + "More. Again."
    assert third.get_by_label("Progress", exact=True).input_value() == SECOND
    third.wait_for_function(f"() => Object.keys(({KEPT_COPIES})('{key}')).length === 0", timeout=15_000)
    seen.assert_clean()
    context.close()
