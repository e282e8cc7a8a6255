"""The forms in the real app: Voila serving the page notebooks, headless Chromium, a real SQLite database.

One server for the whole module (seeded with `tests/forms_seed.py`, signed in as a team manager).
Every visit fails on any JavaScript error, any request leaving 127.0.0.1, or any dialog opening.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal

import pytest

from familyservice_nb.records import OPTIONAL_SECTIONS
from familyservice_nb.ui.forms.left_empty import label_of

import serverhelp
from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, SECOND_CASE, SOUTH_CASE, seed, sqlite_url

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

PAYLOADS = ('<img src=x onerror=alert(1)>', "<script>alert(1)</script>")
HOSTILE = " ".join(PAYLOADS) + " & done"
SAVED_MS = 15_000
# A summary's date is the day it is written, and a closure cannot come before it: the closure date typed is the
# date the form shows for the summary (a date taken when this module was imported failed the suite once, the
# run having crossed midnight between the two).
THE_SUMMARYS_OWN_DATE = ".fsnb-field-event-date .fsnb-date-text input"


@pytest.fixture(scope="module")
def forms_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forms-db")
    return seed(sqlite_url(folder))


@pytest.fixture(scope="module")
def forms_server(forms_db, tmp_path_factory):
    data = tmp_path_factory.mktemp("forms-data")
    with serverhelp.running_server(data, user=MANAGER, FSNB_DATABASE_URL=forms_db,
                                   FSNB_PREHEAT="index,case-supervision") as server:
        yield server


@pytest.fixture
def open_form(browser, forms_server):
    """open_form(notebook, query="") -> Visit, with the page ready to choose a case."""
    with serverhelp.PageOpener(browser, forms_server, viewport=(1280, 1000), ready=".fsnb-start") as opener:
        yield opener.notebook


def store(url, user=MANAGER):
    from familyservice_nb.store import Store

    return Store(url, user=user)


def choose(page, practitioner: str | None, case_label: str, start: str):
    if practitioner:
        page.get_by_label("Practitioner").select_option(label=practitioner)
    page.get_by_label("Case", exact=True).select_option(label=case_label)
    page.get_by_role("button", name=start).click()


def fresh_form(page):
    """After Start: take a new form, even when an earlier test left a draft of this case."""
    page.wait_for_selector(".fsnb-form, .fsnb-start-again")
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
    page.wait_for_selector(".fsnb-form")


def wait_saved(page):
    page.wait_for_selector(".fsnb-saved", timeout=SAVED_MS)


def assert_no_script_ran(visit):
    assert visit.page.evaluate("() => window.__fsnb_injected === undefined")
    visit.assert_clean()


# -- case supervision --------------------------------------------------------------------------------

def tab_to(page, test_js: str, limit: int = 250):
    """Press Tab until `test_js` (a function of the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test_js})(e); }}"):
            return
    raise AssertionError(f"Tab never reached {test_js}")


def test_a_supervision_completed_by_keyboard_alone_with_a_script_payload(open_form, forms_db):
    visit = open_form("case-supervision")
    page = visit.page
    label_is = "name => e => (e.labels && [...e.labels].some(l => l.textContent.trim() === name))"
    tab_to(page, f"({label_is})('Practitioner')")
    page.keyboard.press("ArrowDown")  # Pat Practitioner
    page.wait_for_selector(".fsnb-choose-case option:has-text('C-N1 – Oakhurst family')", state="attached")
    tab_to(page, f"({label_is})('Case')")
    page.keyboard.press("ArrowDown")  # C-N1
    page.wait_for_function("() => document.activeElement.value.startsWith('C-N1')")
    tab_to(page, "e => e.textContent.includes('Start the supervision')")
    page.keyboard.press("Enter")
    try:
        page.wait_for_selector(".fsnb-form")
    except Exception:
        page.screenshot(path="/tmp/kb-fail.png")
        raise
    # Start puts the focus on the form's first answer: the kind of discussion
    page.wait_for_function("() => document.activeElement.type === 'radio'", timeout=15_000)
    page.keyboard.press("Space")  # Planned supervision
    tab_to(page, f"({label_is})('Case summary')")
    page.keyboard.type(HOSTILE)
    tab_to(page, f"({label_is})('Progress')")
    page.keyboard.type("Attendance up to 94%.")
    tab_to(page, f"({label_is})('What still needs to happen')")
    page.keyboard.type("Housing referral.")
    # What completion asks for: every child accounted for, every optional section marked, by keyboard too.
    for child in ("Ann", "Ben"):
        tab_to(page, f"({label_is})('Not spoken to because ({child})')")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # Not seen this period
    for title in OPTIONAL_SECTIONS.values():
        tab_to(page, f"({label_is})({label_of(title)!r})")
        page.keyboard.press("ArrowDown")  # Not discussed
    tab_to(page, "e => e.textContent.includes('Complete the supervision record')")
    page.keyboard.press("Enter")
    try:
        page.wait_for_selector(".fsnb-done", timeout=SAVED_MS)
    except Exception:
        raise AssertionError(page.locator(".fsnb-summary").inner_text()) from None
    assert page.locator(".fsnb-form input[type=radio]").first.is_disabled()
    mosaic = page.locator("textarea.fsnb-copy-text")
    assert HOSTILE in mosaic.input_value(), mosaic.input_value()[:900]
    page.get_by_role("button", name="Copy for Mosaic").click()
    page.wait_for_selector(".fsnb-copy-status:has-text('Ctrl')")
    assert page.locator("img[src='x']").count() == 0
    records = store(forms_db).records(kind="supervision", case_id=NORTH_CASE, state="complete")
    assert records, "the completed supervision is in the database"
    assert store(forms_db).get(records[-1].record_id).case_summary == HOSTILE
    assert_no_script_ran(visit)


def test_a_second_supervision_shows_the_first_ones_open_actions(open_form, forms_db):
    from familyservice_nb.records import SupervisionRecord

    first = SupervisionRecord.model_validate({
        "kind": "Planned supervision", "event_date": "02/11/2026", "author": MANAGER, "manager": MANAGER,
        "practitioner": "sam.worker", "case_id": SECOND_CASE, "case_summary": "One child; routines.",
        "progress": "Routines settling.", "still_to_happen": "School review.",
        "children": [{"child_id": "K-3", "not_spoken_to": "Not seen this period"}],
        "left_empty": {n: "Nothing to record" for n in OPTIONAL_SECTIONS if n != "agreed_actions"},
        "agreed_actions": [{"what": "Arrange a joint visit with the school nurse <b>soon</b>", "by_whom": "Sam Worker",
                            "by_when": "20/11/2026"}],
    })
    writer = store(forms_db)
    writer.complete(writer.save_draft(first))
    visit = open_form("case-supervision")
    page = visit.page
    choose(page, "Sam Worker", "C-N2 – Birchall family", "Start the supervision")
    page.wait_for_selector(".fsnb-review-row")
    assert "Arrange a joint visit with the school nurse <b>soon</b>" in page.locator(".fsnb-review-row h4").inner_text()
    assert page.get_by_label("Case summary", exact=True).input_value() == "One child; routines."
    row = page.locator(".fsnb-review-row")
    assert "Status of action 1" in row.inner_text()
    row.get_by_label("Partly done").check()
    row.get_by_label("Comment on action 1").fill("Nurse on leave; booked for December.")
    wait_saved(page)
    visit.assert_clean()


def test_reloading_mid_typing_gives_the_draft_back(open_form, forms_db):
    visit = open_form("case-supervision")
    page = visit.page
    choose(page, "Pat Practitioner", "C-N1 – Oakhurst family", "Start the supervision")
    fresh_form(page)
    page.get_by_label("What still needs to happen").fill("Housing referral to be chased; half-typed senten")
    wait_saved(page)
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-start", timeout=serverhelp.PAGE_READY_MS)
    choose(page, "Pat Practitioner", "C-N1 – Oakhurst family", "Start the supervision")
    page.wait_for_selector("text=You have a draft from")
    page.get_by_role("button", name="Continue the draft").click()
    assert page.get_by_label("What still needs to happen").input_value() == \
        "Housing referral to be chased; half-typed senten"
    visit.assert_clean()


def _kernel_pids(kernel_id: str) -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if any(kernel_id in part for part in (proc.info["cmdline"] or [])):
            found.append(proc.info["pid"])
    return found


def test_killing_the_kernel_mid_draft_loses_nothing_saved(open_form, forms_db):
    visit = open_form("case-supervision")
    page = visit.page
    choose(page, "Pat Practitioner", "C-N1 – Oakhurst family", "Start the supervision")
    fresh_form(page)
    page.get_by_label("Risk assessments, scaling tools or activities", exact=True).fill("Scaling: 6 out of 10 at the last visit.")
    wait_saved(page)
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    pids = _kernel_pids(config["kernelId"])
    assert pids, "the page's kernel process is found"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    visit.console_errors.clear()  # the page rightly reports its lost kernel before the reload
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-start", timeout=serverhelp.PAGE_READY_MS)
    visit.console_errors.clear()
    visit.failed_responses.clear()
    choose(page, "Pat Practitioner", "C-N1 – Oakhurst family", "Start the supervision")
    page.get_by_role("button", name="Continue the draft").click()
    assert page.get_by_label("Risk assessments, scaling tools or activities", exact=True).input_value() == \
        "Scaling: 6 out of 10 at the last visit."
    assert visit.page.evaluate("() => window.__fsnb_injected === undefined") and not visit.dialogs
    assert not visit.page_errors and not visit.off_host_requests()


def test_a_case_or_record_the_user_may_not_see_cannot_be_opened_by_the_address(open_form, forms_db):
    south = store(forms_db, user="sue.manager")
    from familyservice_nb.records import SupervisionRecord

    record_id = south.save_draft(SupervisionRecord.model_validate({
        "kind": "Planned supervision", "event_date": "20/11/2026", "author": "sue.manager",
        "manager": "sue.manager", "practitioner": "lee.south", "case_id": SOUTH_CASE,
        "case_summary": "Private to team South.",
    }))
    visit = open_form("case-supervision", f"?case={SOUTH_CASE}")
    page = visit.page
    page.wait_for_selector("text=You cannot open case C-S1")
    assert page.locator(".fsnb-form").count() == 0
    assert page.locator(f"option:has-text('{SOUTH_CASE}')").count() == 0
    visit2 = open_form("case-supervision", f"?record={record_id}")
    visit2.page.wait_for_selector(f"text=You cannot open record {record_id}")
    assert "Private to team South" not in visit2.page.content()
    visit.assert_clean()
    visit2.assert_clean()


# -- the other forms ---------------------------------------------------------------------------------

def _complete(page, noun: str):
    page.get_by_role("button", name=f"Complete the {noun}").click()
    page.wait_for_selector(".fsnb-done", timeout=SAVED_MS)


def test_the_other_forms_fill_complete_and_land_in_the_database(open_form, forms_db):
    before = {i.record_id for i in store(forms_db).records(state="complete")}

    visit = open_form("session-record")
    page = visit.page
    choose(page, None, "C-N1 – Oakhurst family", "Start the session record")
    fresh_form(page)
    page.get_by_label("Who", exact=True).fill("Mum and Ann")
    page.get_by_label("Aim", exact=True).fill("Bedtime routine")
    page.get_by_label("Method", exact=True).fill("Chart made together")
    page.get_by_label("Yes").first.check()
    page.get_by_label("Outcome", exact=True).fill("Chart in use")
    page.get_by_label("Observations and reflections").fill(PAYLOADS[0])
    _complete(page, "session record")
    assert_no_script_ran(visit)

    visit = open_form("case-note")
    page = visit.page
    choose(page, None, "C-N1 – Oakhurst family", "Start the case note")
    fresh_form(page)
    page.get_by_label("Type of note").select_option(label="Telephone call")
    page.get_by_label("Telephone number").fill("0115 496 0000")
    page.get_by_label("Full name").fill("Jo Teacher")
    page.get_by_label("Role", exact=True).fill("Class teacher")
    page.get_by_label("Purpose of the call").fill("Attendance")
    page.get_by_label("Note", exact=True).fill(PAYLOADS[1])
    _complete(page, "case note")
    assert_no_script_ran(visit)

    visit = open_form("gfpo-session-record")
    page = visit.page
    choose(page, None, "C-N1 – Oakhurst family", "Start the GFPO session record")
    fresh_form(page)
    page.get_by_label("Intensive Support").check()
    page.get_by_label("Purpose of this session", exact=True).fill("Household conditions")
    page.get_by_label("Desired outcome", exact=True).fill("A safe kitchen")
    page.get_by_label("Present", exact=True).fill("Mum")
    page.get_by_label("Location", exact=True).fill("Family home")
    page.get_by_label("Time of session", exact=True).fill("08:15")
    page.get_by_label("Activities", exact=True).fill("Kitchen walk-through")
    assert page.locator(".fsnb-prompts li").count() == 9
    page.get_by_label("Were there any emerging safeguarding concerns?").fill("None.")
    page.locator(".fsnb-field-safeguarding-risk").get_by_label("No").check()  # harm or risk? say so
    _complete(page, "GFPO session record")
    assert_no_script_ran(visit)

    for notebook, noun, extra in (("review-summary", "review summary", {}),
                                  ("closure-summary", "closure summary",
                                   {"Closure reason": "Plan outcomes achieved", "Closure date": THE_SUMMARYS_OWN_DATE})):
        visit = open_form(notebook)
        page = visit.page
        choose(page, None, "C-N1 – Oakhurst family", f"Start the {noun}")
        fresh_form(page)
        page.get_by_label("Case summary", exact=True).fill("Plan reviewed with the family.")
        page.get_by_label("Progress", exact=True).fill("Attendance up to 94%.")
        page.get_by_label("What still needs to happen", exact=True).fill("Nothing further.")
        for child in ("Ann", "Ben"):
            page.get_by_label(f"Not spoken to because ({child})").select_option(label="Not seen this period")
        for title in OPTIONAL_SECTIONS.values():
            page.get_by_label(label_of(title), exact=True).select_option(label="Nothing to record")
        for label, value in extra.items():
            if value == THE_SUMMARYS_OWN_DATE:
                value = page.locator(THE_SUMMARYS_OWN_DATE).input_value()
                assert value, "the summary's date is shown filled in"
            page.get_by_label(label, exact=True).fill(value)
        _complete(page, noun)
        assert_no_script_ran(visit)

    visit = open_form("line-management-supervision")
    page = visit.page
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_role("button", name="Start the supervision").click()
    fresh_form(page)
    page.wait_for_selector(".fsnb-chart")
    assert "60.0%" in page.locator(".fsnb-figures").inner_text()
    page.get_by_label("Workload management", exact=True).fill("Room for one more family.")
    page.get_by_label("Next EPDR date", exact=True).fill("01/03/2027")
    _complete(page, "line management supervision record")
    assert_no_script_ran(visit)

    after = store(forms_db).records(state="complete")
    kinds = sorted(i.kind for i in after if i.record_id not in before)
    assert kinds == ["case_note", "closure_summary", "gfpo_session", "line_management", "review_summary", "session"]
    assert PRACTITIONER  # the seed's practitioner owns the case these were written on


@pytest.mark.real_clock  # the server's today is the real one
def test_an_epdr_by_keyboard_and_mouse_lands_in_the_database(open_form, forms_db):
    """The line manager records Pat's EPDR, held a week ago: the next EPDR date follows the date held (the server
    runs on the real clock); an objective is added."""
    from familyservice_nb.dates import today_in_london
    from familyservice_nb.records import uk
    from familyservice_nb.records.epdr import next_epdr_due

    held = today_in_london() - dt.timedelta(days=7)
    visit = open_form("epdr")
    page = visit.page
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_role("button", name="Start the EPDR").click()
    fresh_form(page)
    assert "this one is due now" in page.locator(".fsnb-form").inner_text()
    page.get_by_label("Date of the EPDR", exact=True).fill(uk(held))
    page.get_by_label("Date of the EPDR", exact=True).press("Tab")
    page.wait_for_function(f"() => [...document.querySelectorAll('input')].some(i => i.value === "
                           f"'{uk(next_epdr_due(held))}')")
    page.get_by_role("button", name="Add an objective").click()
    page.get_by_label("Objective 1: objective", exact=True).fill(PAYLOADS[0])
    page.get_by_label("Objective 1: by when", exact=True).fill(uk(held + dt.timedelta(days=100)))
    page.get_by_label("Continuing personal and professional development", exact=True).fill("Signs of Safety course.")
    _complete(page, "EPDR record")
    assert_no_script_ran(visit)
    done = [i for i in store(forms_db).records(kind="epdr", state="complete") if i.subject == PRACTITIONER]
    record = store(forms_db).get(done[-1].record_id)
    assert record.objectives[0].what == PAYLOADS[0] and record.next_epdr_date == next_epdr_due(held)
