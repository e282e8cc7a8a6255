"""GOV.UK patterns in the real app: keyboard-only completion where arrow keys stay inside their
group, the error summary that takes focus and links to its fields, names in the accessibility tree, and
axe-core (from npm: tests/browser/package.json) with no violations on every page and state.

Its own server on the forms' seed database, in headless Chromium.
"""

from __future__ import annotations

import time

import pytest

import serverhelp
from forms_seed import (
    MANAGER,
    NORTH_CASE,
    PRACTITIONER,
    SECOND_CASE,
    SECOND_PRACTITIONER,
    seed,
    sqlite_url,
    whole,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

axe_violations = serverhelp.axe_violations  # axe-core's WCAG 2.2 A/AA violations (shared with the other modules)
FORMS = ["case-supervision", "session-record", "gfpo-session-record", "case-note", "review-summary",
         "closure-summary", "line-management-supervision"]
DASHBOARDS = ["index", "management-oversight", "recording-timeliness", "quality-standards"]


@pytest.fixture(scope="module")
def govuk_db(tmp_path_factory):
    url = seed(sqlite_url(tmp_path_factory.mktemp("govuk-db")))
    from familyservice_nb.records import SupervisionRecord
    from familyservice_nb.store import Store

    store = Store(url, user=MANAGER)
    earlier = SupervisionRecord.model_validate(whole({
        "kind": "Planned supervision", "event_date": "02/11/2026", "author": MANAGER, "manager": MANAGER,
        "practitioner": PRACTITIONER, "case_id": NORTH_CASE, "case_summary": "Two children; attendance.",
        "agreed_actions": [
            {"what": "Book the school meeting", "by_whom": "Pat Practitioner", "by_when": "10/11/2026"},
            {"what": "Refer to the housing officer", "by_whom": "Pat Practitioner", "by_when": "30/11/2026"},
        ],
    }))
    store.complete(store.save_draft(earlier))
    # The same on Sam Worker's case, whose actions no other test reviews (the accessibility test reads them).
    other = SupervisionRecord.model_validate(whole({
        "kind": "Planned supervision", "event_date": "02/11/2026", "author": MANAGER, "manager": MANAGER,
        "practitioner": SECOND_PRACTITIONER, "case_id": SECOND_CASE, "case_summary": "One child.",
        "children": [{"child_id": "K-3", "not_spoken_to": "Not seen this period"}],
        "agreed_actions": [
            {"what": "Book the school meeting", "by_whom": "Sam Worker", "by_when": "10/11/2026"},
            {"what": "Refer to the housing officer", "by_whom": "Sam Worker", "by_when": "30/11/2026"},
        ],
    }))
    store.complete(store.save_draft(other))
    return url


@pytest.fixture(scope="module")
def server(govuk_db, tmp_path_factory):
    with serverhelp.running_server(tmp_path_factory.mktemp("govuk-data"), user=MANAGER, FSNB_DATABASE_URL=govuk_db,
                                   FSNB_PREHEAT="index,case-supervision") as server:
        yield server


@pytest.fixture
def open_page(browser, server):
    """open_page(notebook, query="", ready=".fsnb-app") -> Visit."""
    with serverhelp.PageOpener(browser, server, viewport=(1280, 1000)) as opener:
        yield opener.notebook


def radio_answers(page) -> dict[str, str | None]:
    """Each radio group's name (its legend) and the answer ticked in it."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('fieldset.fsnb-radios')].map(f => {
        const checked = f.querySelector('input:checked');
        return [f.querySelector('legend').textContent, checked ? f.querySelector(`label[for="${checked.id}"]`).textContent : null];
    }))""")


def focused(page, test_js: str) -> bool:
    return page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test_js})(e); }}")


def tab_to(page, test_js: str, key: str = "Tab", limit: int = 300):
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, test_js):
            return
    raise AssertionError(f"{key} never reached {test_js}")


IN_GROUP = "name => e => e.type === 'radio' && e.closest('fieldset').querySelector('legend').textContent === name"
LABELLED = "name => e => (e.labels && [...e.labels].some(l => l.textContent.trim() === name))"


def start(page, practitioner_label: str, case_label: str):
    page.get_by_label("Practitioner").select_option(label=practitioner_label)
    page.get_by_label("Case", exact=True).select_option(label=case_label)
    page.get_by_role("button", name="Start the supervision").click()
    page.wait_for_selector(".fsnb-form, .fsnb-start-again")
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
    page.wait_for_selector(".fsnb-form")


def test_keyboard_only_supervision_and_arrows_stay_in_their_group(open_page, govuk_db):
    visit = open_page("case-supervision", ready=".fsnb-start")
    page = visit.page
    tab_to(page, f"({LABELLED})('Practitioner')")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(".fsnb-choose-case option:has-text('C-N1 – Oakhurst family')", state="attached")
    tab_to(page, f"({LABELLED})('Case')")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement.value.startsWith('C-N1')")
    tab_to(page, "e => e.textContent.includes('Start the supervision')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".fsnb-form")
    # after Start, focus is in the form's first answer
    page.wait_for_function("() => !!document.activeElement.closest('.fsnb-form')", timeout=15_000)
    # A date is one tab stop, its text box: the calendar beside it is for the mouse (it was a second stop).
    tab_to(page, f"({LABELLED})('Date of the supervision')")
    page.keyboard.press("Tab")
    assert not focused(page, "e => !!e.closest('.fsnb-date-picker')"), "Tab went into the calendar"
    page.wait_for_function("() => [...document.querySelectorAll('.fsnb-date-picker input')].every(i => i.tabIndex === -1)")

    tab_to(page, f"({IN_GROUP})('Kind of case discussion')")
    page.keyboard.press("Space")
    before = radio_answers(page)
    assert before["Kind of case discussion"] == "Planned supervision"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert focused(page, f"({IN_GROUP})('Kind of case discussion')"), "the arrows stayed in the group"
    after = radio_answers(page)
    assert after["Kind of case discussion"] == "Advice on a safeguarding concern"
    assert {k: v for k, v in after.items() if k != "Kind of case discussion"} == \
        {k: v for k, v in before.items() if k != "Kind of case discussion"}
    page.keyboard.press("ArrowLeft")  # back to Planned supervision
    assert radio_answers(page)["Kind of case discussion"] == "Planned supervision"
    # ticking a kind never ticks another answer
    assert not page.get_by_label("Harm or risk identified").is_checked()

    tab_to(page, f"({IN_GROUP})('Status of action 1')")
    page.keyboard.press("Space")
    for key in ["ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight", "ArrowRight", "ArrowRight"]:
        page.keyboard.press(key)
        assert focused(page, f"({IN_GROUP})('Status of action 1')")
    answers = radio_answers(page)
    assert answers["Status of action 2"] is None, "arrows in action 1 never answer action 2"
    assert answers["Kind of case discussion"] == "Planned supervision"
    assert answers["Status of action 1"] is not None
    for _ in range(6):  # round the group again to "Done"
        if radio_answers(page)["Status of action 1"] == "Done":
            break
        page.keyboard.press("ArrowRight")
    assert radio_answers(page)["Status of action 1"] == "Done"
    tab_to(page, f"({IN_GROUP})('Status of action 2')")
    page.keyboard.press("Space")
    tab_to(page, f"({LABELLED})('Case summary')")
    page.keyboard.press("Control+a")
    page.keyboard.type("Two children; typed by keyboard alone.")
    tab_to(page, f"({LABELLED})('Progress')")
    page.keyboard.type("Attendance up to 94%.")
    tab_to(page, f"({LABELLED})('Case summary')", key="Shift+Tab")  # back up with Shift-Tab
    page.keyboard.press("End")
    page.keyboard.type(" Checked.")
    # What completion asks for besides, by keyboard too: next steps, each child, each empty section.
    tab_to(page, f"({LABELLED})('What still needs to happen')")
    page.keyboard.type("Housing referral.")
    for child in ("Ann", "Ben"):
        tab_to(page, f"({LABELLED})('Not spoken to because ({child})')")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # Not seen this period
    for section in ("Key dates", "Risk assessments, scaling tools or activities", "Action if the family cannot be engaged",
                    "PBR outcomes", "Significant adults not living in the household", "New agreed actions"):
        tab_to(page, f"({LABELLED})('{section}: left empty because')")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")  # Nothing to record
    tab_to(page, "e => e.textContent.includes('Complete the supervision record')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".fsnb-done, .fsnb-error-summary li", timeout=20_000)
    assert page.locator(".fsnb-done").count(), page.locator(".fsnb-error-summary").inner_text()
    page.wait_for_function("() => !!document.activeElement.closest('.fsnb-done')", timeout=15_000)
    from familyservice_nb.store import Store

    store = Store(govuk_db, user=MANAGER)
    done = store.records(kind="supervision", case_id=NORTH_CASE, state="complete")[-1]
    record = store.get(done.record_id)
    assert record.case_summary == "Two children; typed by keyboard alone. Checked."
    assert record.kind.value == "Planned supervision" and record.risk_identified is False
    assert [r.status for r in record.previous_actions][:2] and all(r.status for r in record.previous_actions)
    assert axe_violations(page) == []
    visit.assert_clean()


def test_a_failed_complete_focuses_the_summary_and_its_links_focus_their_fields(open_page):
    visit = open_page("case-supervision", ready=".fsnb-start")
    page = visit.page
    start(page, "Sam Worker", "C-N2 – Birchall family")
    page.get_by_label("Case summary", exact=True).fill("")
    page.get_by_role("button", name="Add an action").click()
    page.wait_for_function("() => !!document.activeElement.closest('.fsnb-row')", timeout=15_000)  # Add: focus in the row
    page.keyboard.type("Chase the housing referral")
    page.get_by_role("button", name="Complete the supervision record").click()
    page.wait_for_function("() => document.activeElement.classList.contains('fsnb-error-summary')", timeout=20_000)
    summary = page.locator(".fsnb-error-summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 1000, "the summary is scrolled into view"
    links = summary.locator("a")
    count = links.count()
    assert count >= 3
    for i in range(count):
        href = links.nth(i).get_attribute("href")
        fid = href.removeprefix("#fsnb-fid-")
        links.nth(i).click()
        assert focused(page, f"e => !!e.closest('.fsnb-fid-{fid}')"), f"the link to {fid} focuses its field"
        state = page.evaluate("""() => {
            const e = document.activeElement;
            const ids = (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
            return {invalid: e.getAttribute('aria-invalid'),
                    described: ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ')};
        }""")
        assert state["invalid"] == "true" and "Error:" in state["described"], (fid, state)
    assert axe_violations(page) == []
    visit.assert_clean()


def test_every_radio_group_and_date_field_has_a_name_in_the_accessibility_tree(open_page):
    visit = open_page("case-supervision", ready=".fsnb-start")
    page = visit.page
    start(page, "Sam Worker", "C-N2 – Birchall family")
    tree = page.locator(".fsnb-form").aria_snapshot()
    legends = page.locator("fieldset.fsnb-radios legend").all_inner_texts()
    assert {"Kind of case discussion", "Status of action 1", "Status of action 2"} <= set(legends)
    for legend in legends:
        assert page.get_by_role("group", name=legend, exact=True).count() >= 1, legend
        assert f'group "{legend}"' in tree
    # Each group is a group of its own: radios drawn in the same millisecond once shared a name (ticking one
    # action's "Done" cleared another's) and their ids (a label ticked another action's radio).
    names = page.evaluate("[...document.querySelectorAll('fieldset.fsnb-radios')].map(f => f.querySelector('input').name)")
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(names) == len(legends) and len(set(names)) == len(names), names
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    for label in page.locator(".fsnb-date-text:visible label").all_inner_texts():  # the shown date fields
        assert page.get_by_role("textbox", name=label.strip(), exact=True).count() >= 1, label
    pickers = page.locator(".fsnb-date-picker input")
    for i in range(pickers.count()):
        name = pickers.nth(i).evaluate("e => e.labels[0].textContent")
        assert name.endswith(": choose from a calendar") and name != ": choose from a calendar", name
    visit.assert_clean()


A4_PRINTABLE_PX = 703  # 210mm - 2 x 12mm (workbook.css @page) = 186mm, at 96 CSS px to the inch
# Every visible element of the page whose right edge is past the page's width, and every table, grid, header
# or PBR box whose content is wider than itself: each as 'tag.class "text" right=...'.
PAST_THE_RIGHT_EDGE = """() => {
    const limit = document.documentElement.clientWidth;
    const app = document.querySelector('.fsnb-app');
    const name = e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} "${(e.innerText || e.value || '').trim().slice(0, 30)}"`;
    const seen = e => {
        const r = e.getBoundingClientRect();
        if (r.width < 2 || r.height < 2) return false;  // hidden, or visually hidden (1px, clipped)
        const s = getComputedStyle(e);
        return s.visibility !== 'hidden' && s.display !== 'none' && s.clip === 'auto';
    };
    const out = [];
    for (const e of [app, ...app.querySelectorAll('*')]) {
        if (!seen(e)) continue;
        const right = e.getBoundingClientRect().right;
        if (right > limit + 1) out.push(`${name(e)} right=${Math.round(right)}`);
    }
    for (const e of app.querySelectorAll('table, .widget-gridbox, .fsnb-header, .fsnb-pbr, .fsnb-history, .fsnb-row')) {
        if (seen(e) && e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} scrollWidth=${e.scrollWidth} > ${e.clientWidth}`);
    }
    return [limit, out];
}"""


def test_printing_a_completed_supervision_gives_every_section(open_page, govuk_db, tmp_path):
    import shutil
    import subprocess

    from familyservice_nb.records import SupervisionRecord
    from familyservice_nb.store import Store

    serverhelp.require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    long_text = " ".join(f"Sentence {i} of a long case summary." for i in range(1, 400))
    store = Store(govuk_db, user=MANAGER)
    record = SupervisionRecord.model_validate(whole({
        "kind": "Planned supervision", "event_date": "20/11/2026", "author": MANAGER, "manager": MANAGER,
        "practitioner": PRACTITIONER, "case_id": NORTH_CASE, "case_summary": long_text,
        "progress": "The last words of progress: PROGRESS-END.",
        "agreed_actions": [{"what": "Print me", "by_whom": "Pat Practitioner", "by_when": "04/12/2026"}],
        # whatever earlier actions are still open on the case are reviewed
        "previous_actions": [{"action_id": a.action_id, "status": "Done"}  # the actions agreed on 02/11/2026
                             for a in store.previous_supervisions(NORTH_CASE)[0].agreed_actions],
    }))
    record_id = store.save_draft(record)
    store.complete(record_id)
    visit = open_page("case-supervision", f"?record={record_id}", ready=".fsnb-done")
    page = visit.page
    page.wait_for_selector(".fsnb-copy-text")
    headings = [h.strip() for h in page.locator(".fsnb-form .fsnb-section:visible h2").all_inner_texts() if h.strip()]
    assert len(headings) >= 10
    # Words that are printed at the right of the page: who is signed in, each PBR outcome's status, each
    # column of the history tables, each field of a row (an agreed action's "by when").
    right_words = page.evaluate("""() => [...document.querySelectorAll(
        '.fsnb-header .fsnb-user, .fsnb-pbr .widget-dropdown > label, .fsnb-history th, .fsnb-row label')]
        .filter(e => !e.closest('.fsnb-date-picker, .fsnb-visually-hidden'))  // not printed; a calendar's name
        .map(e => [e.textContent.split(/\\s+/).join(' ').trim(), e.tagName === 'TH']).filter(([t]) => t)""")
    assert any(w.startswith("Signed in as") for w, _ in right_words)
    assert any(w.lower().endswith("by when") for w, _ in right_words)  # "Action 1: by when"
    assert ["What changed", True] in right_words and any(w.startswith("Status of") for w, _ in right_words)
    pdf = tmp_path / "supervision.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    printed = set(flat.split())
    for words, in_a_column in right_words:  # a column's heading may wrap over lines: its words, then
        assert (set(words.split()) <= printed) if in_a_column else (words in flat), \
            f"the printed record is cut at the right edge: no {words!r}"
    assert "Family Service workbook" in text.split("\f")[0], "the first printed page is the page's top"
    pages = text.count("\f")
    assert pages >= 4, f"a long record prints on several A4 pages, not one screen ({pages})"
    for heading in headings:
        assert " ".join(heading.split()) in flat, f"the printed record lacks the section {heading!r}"
    assert "Sentence 399 of a long case summary." in flat  # the whole text, not one box's worth
    assert "PROGRESS-END" in flat
    assert "Complete the supervision record" not in flat  # buttons are not printed
    # Nothing wider than A4: in print media, at the printable width (210mm less the @page margins, 12mm each
    # side: 186mm, 703 CSS px), no part of the page reaches past the right edge (cut off, a column header
    # prints as "Sig…" or "By wh").
    # Printing lays the page out again without running its scripts: what the page's own resize handling does
    # (Lumino fitting its panels to the window, in px) is undone, or it would hide what the printout shows.
    page.evaluate("() => { window.fsnbStyles = [...document.querySelectorAll('[style]')].map(e => [e, e.getAttribute('style')]); }")
    page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1000})
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    page.evaluate("() => window.fsnbStyles.forEach(([e, style]) => e.setAttribute('style', style))")
    page.wait_for_timeout(100)
    width, overflowing = page.evaluate(PAST_THE_RIGHT_EDGE)
    assert width <= A4_PRINTABLE_PX, width
    assert overflowing == [], f"wider than the printed page ({width}px): {overflowing[:15]}"
    visit.assert_clean()


@pytest.mark.parametrize("notebook", FORMS + DASHBOARDS)
def test_axe_finds_no_violation_on_the_page(open_page, notebook):
    ready = ".fsnb-start, .fsnb-problem-page, .fsnb-form-page .fsnb-chooser" if notebook in FORMS else \
        ".fsnb-as-of, .fsnb-page-links"
    visit = open_page(notebook, ready=ready)
    time.sleep(1)
    assert axe_violations(visit.page) == []
    visit.assert_clean()
