"""People in words: every page names people by the staff list's name, never a login.

The places where a login could show, each pinned here: the header ("Signed in as ..."), a carried-forward
action's "By ...", the versions and audit tables, "This draft belongs to ..." and the line management
page's name of the practitioner."""

from __future__ import annotations

import datetime as dt

import pytest
from world import NAMES

from familyservice_nb.records import RECORD_KINDS
from familyservice_nb.store import NotAllowed, Store
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import signed_in_name
from familyservice_nb.ui.kit.shell import build_page
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp
from familyservice_nb.ui.pages.line_management_supervision import LineManagementApp
from familyservice_nb.ui.pages.management_oversight import ManagementOversightPage

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, fill_discussion, seed, sqlite_url


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


def no_login(text: str, *logins: str) -> bool:
    return not any(login in text for login in logins)


def test_every_page_says_who_is_signed_in_by_name(url):
    context = PageContext(user=MANAGER, database_url=url)
    assert signed_in_name(context) == NAMES[MANAGER]
    form_page = CaseSupervisionApp.from_context(context)
    dashboard = build_page("oversight", ManagementOversightPage.from_context, context)
    for page in (form_page, dashboard):
        assert f"Signed in as <strong>{NAMES[MANAGER]}</strong>" in page.header.value
        assert no_login(page.header.value, MANAGER)


def test_a_login_the_staff_list_does_not_know_is_shown_as_it_is(url, tmp_path):
    assert signed_in_name(PageContext(user="someone.else", database_url=url)) == "someone.else"
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    assert signed_in_name(PageContext(user=MANAGER, database_url=missing)) == MANAGER  # no database made
    assert not (tmp_path / "none.db").exists()


def test_actions_history_and_drafts_name_people(url, after_christmas_2026):
    store = Store(url, user=MANAGER)
    data = {"event_date": dt.date(2026, 11, 20), "author": MANAGER, "case_id": NORTH_CASE, "kind": "Planned supervision",
            "practitioner": PRACTITIONER, "manager": MANAGER, "case_summary": "Two children.",
            "agreed_actions": [{"what": "Book the school meeting", "by_whom": PRACTITIONER,  # a login, as old data has
                                "by_when": dt.date(2026, 11, 27)}]}
    first = store.save_draft(RECORD_KINDS["supervision"].model_validate(data))
    app = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    app.open_record(first)
    fill_discussion(app.form)
    app.form.parts["event_date"].field.value = "20/11/2026"
    app.form.parts["left_empty"].choices["agreed_actions"].index = 0
    reads = []
    names = app.form.store.names
    app.form.store.names = lambda: reads.append(1) or names()
    assert app.form.complete(), app.form.summary.value
    assert len(reads) <= 1, "the staff list's names are read once for the form, not for each person named"
    assert no_login(app.form.history.value, MANAGER) and NAMES[MANAGER] in app.form.history.value
    assert NAMES[MANAGER] in app.form.banner.value  # "completed on ... by Mo Manager"

    second = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    second.chooser.practitioner.value = PRACTITIONER
    second.chooser.case.value = NORTH_CASE
    second.chooser.start.click()
    about = second.form.parts["previous_actions"].rows[0].about.value
    assert f"By {NAMES[PRACTITIONER]}, by 27/11/2026" in about and no_login(about, PRACTITIONER)
    assert "Overdue since 27/11/2026" in about
    second.form.parts["case_summary"].field.value = "A draft of Mo's"
    second.form.debouncer.flush()

    other = CaseSupervisionApp(Store(url, user="sue.manager"), "sue.manager")  # manages South: may not see it
    with pytest.raises(NotAllowed):  # refused in plain words: covered elsewhere
        other.open_record(second.form.record_id)
    admin = CaseSupervisionApp(Store(url, user="di.admin"), "di.admin")
    admin.open_record(second.form.record_id)
    assert f"This draft belongs to {NAMES[MANAGER]}" in admin.form.banner.value


def test_line_management_offers_completed_supervisions_up_to_its_date_by_case(url, after_christmas_2026):
    store = Store(url, user=MANAGER)
    kind = RECORD_KINDS["supervision"]
    base = {"author": MANAGER, "case_id": NORTH_CASE, "kind": "Planned supervision", "practitioner": PRACTITIONER,
            "manager": MANAGER, "case_summary": "Two children."}
    draft = store.save_draft(kind.model_validate(base | {"event_date": dt.date(2026, 12, 1)}))
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    app.open_practitioner(PRACTITIONER)
    assert no_login(app.context_line.value, PRACTITIONER) and NAMES[PRACTITIONER] in app.context_line.value
    boxes = app.form.parts["case_discussions"].boxes
    assert boxes == [], "a draft is not a supervision held"
    assert store.info(draft).state == "draft"


def test_line_management_figures_taken_now_say_so(url, after_christmas_2026):
    """The audit: a completed record without its opening figures showed today's under "Taken when this
    supervision started"."""
    store = Store(url, user=MANAGER)
    record = store.save_unfinished({"author": MANAGER, "manager": MANAGER, "practitioner": PRACTITIONER,
                                    "event_date": "20/11/2026"}, None, "line_management")  # no opening figures
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    app.open_record(record)
    text = " ".join(w.value for w in _all(app.form) if isinstance(getattr(w, "value", None), str))
    assert "Taken now, by the workbook&#x27;s timeliness rule" in text and "were not kept with it" in text
    fresh = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    fresh.open_practitioner("sam.worker")  # no draft: a new supervision, its figures taken as it starts
    text = " ".join(w.value for w in _all(fresh.form) if isinstance(getattr(w, "value", None), str))
    assert "Taken when this supervision started, by" in text


def _all(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all(child)
