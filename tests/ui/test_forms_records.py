"""The other forms (session, GFPO session, case note, review, closure, line management), driven in Python
against a real SQLite store: each is filled, completed, and found in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from familyservice_nb.dates import today_is
from familyservice_nb.records import GFPO_PROMPTS
from familyservice_nb.store import Store
from familyservice_nb.ui.kit.shared import is_shown
from familyservice_nb.ui.pages.case_note import CaseNoteApp
from familyservice_nb.ui.pages.closure_summary import ClosureSummaryApp
from familyservice_nb.ui.pages.gfpo_session_record import GFPOSessionApp
from familyservice_nb.ui.pages.line_management_supervision import LineManagementApp
from familyservice_nb.ui.pages.review_summary import ReviewSummaryApp
from familyservice_nb.ui.pages.session_record import SessionRecordApp

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, fill_discussion, seed, sqlite_url


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


def open_case(app_class, url, user=PRACTITIONER, case=NORTH_CASE):
    app = app_class(Store(url, user=user), user)
    app.chooser.practitioner.value = PRACTITIONER if app.chooser.practitioner_required else "__all__"
    app.chooser.case.value = case
    app.chooser.start.click()
    assert app.form is not None, app.message.value
    return app.form


def put(form, **values):
    for name, value in values.items():
        form.parts[name].field.value = value


def stored(url, form, user=PRACTITIONER):
    store = Store(url, user=user)
    assert store.info(form.record_id).state == "complete"
    return store.get(form.record_id)


def test_session_record_asks_why_only_when_the_aims_were_not_met(url):
    form = open_case(SessionRecordApp, url)
    assert not is_shown(form.parts["why_not_met"].widget)
    put(form, event_date="24/11/2026", who="Mum, Ann and me", aim="Introduce a bedtime chart",
        method="Talked it through; made the chart together", outcome="Chart on the fridge",
        observations_and_reflections="Ann engaged well.", aims_met=False)
    assert is_shown(form.parts["why_not_met"].widget)
    assert not form.complete()
    assert "needed when the session did not meet its aims" in form.parts["why_not_met"].field.notes.value
    put(form, aims_met=True)
    assert form.complete(), form.summary.value
    record = stored(url, form)
    assert record.aims_met is True and record.why_not_met == ""
    assert "WHO\nMum, Ann and me" in form.mosaic.text


def test_case_note_type_shows_its_required_details(url):
    form = open_case(CaseNoteApp, url)
    shown = lambda name: is_shown(form.parts[name].widget)  # noqa: E731
    assert not shown("telephone_number")
    put(form, event_date="24/11/2026", note_type="Telephone call", text="Called school about attendance.")
    assert shown("telephone_number") and shown("caller_name") and not shown("document_date")
    assert "telephone number" in form.details_intro.value
    assert not form.complete()
    assert "needed for a telephone call" in form.parts["telephone_number"].field.notes.value
    put(form, telephone_number="0115 496 0000", caller_name="Jo Teacher", caller_role="Class teacher",
        call_purpose="Attendance")
    assert form.complete(), form.summary.value
    record = stored(url, form)
    assert record.telephone_number == "0115 496 0000" and record.caller_role == "Class teacher"


def test_case_note_details_of_another_type_stay_in_the_draft_only(url):
    form = open_case(CaseNoteApp, url)
    put(form, event_date="24/11/2026", note_type="Telephone call", text="Note.", telephone_number="0115 496 0000")
    put(form, note_type="Visit")
    assert "telephone_number" not in form.record_data()
    assert form.draft_data()["telephone_number"] == "0115 496 0000"
    assert form.complete(), form.summary.value


def test_gfpo_prompts_are_beside_the_observations_and_answerable(url):
    form = open_case(GFPOSessionApp, url)
    part = form.parts["prompt_answers"]
    assert [b.label for b in part.boxes] == list(GFPO_PROMPTS)
    put(form, event_date="24/11/2026", intervention="Other", purpose="Household conditions",
        desired_outcome="A safe kitchen", present_and_took_part="Mum", location="Family home", start_time="08:15",
        activities="Walked through the kitchen together")
    assert is_shown(form.parts["other_intervention"].widget)
    assert not form.complete()
    assert "needed when the intervention is" in form.parts["other_intervention"].field.notes.value
    put(form, other_intervention="Home conditions support")
    part.boxes[2].value = "None seen."
    # Rule: an answer under the safeguarding prompt says whether harm or risk was identified.
    assert not form.complete()
    assert "Harm or risk identified (safeguarding concerns): you answered" in form.summary.value
    assert "say yes or no" in form.summary.value and form.summary.items[0][0]  # the list links to the input
    put(form, safeguarding_risk=False)
    assert form.complete(), form.summary.value
    record = stored(url, form)
    assert record.prompt_answers == {GFPO_PROMPTS[2]: "None seen."} and record.safeguarding_risk is False
    assert record.intervention_name == "Home conditions support"


@pytest.mark.parametrize("app_class", [ReviewSummaryApp, ClosureSummaryApp])
def test_review_and_closure_summaries_reuse_the_supervision_sections(url, app_class):
    form = open_case(app_class, url, user=MANAGER)
    put(form, event_date="25/11/2026", case_summary="Plan reviewed with the family.")
    fill_discussion(form)
    if "closure_reason" in form.parts:
        put(form, closure_reason="Plan outcomes achieved", closure_date="30/11/2026")
    assert "children" in form.parts and "agreed_actions" in form.parts
    assert form.complete(), form.summary.value
    record = stored(url, form, user=MANAGER)
    assert record.case_summary == "Plan reviewed with the family."


@pytest.mark.real_clock  # the figures are as of today
def test_line_management_opens_with_the_practitioners_figures(url):
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    assert [v for _n, v in app.chooser.practitioner.options if v] == [PRACTITIONER, "sam.worker"]
    app.chooser.practitioner.value = PRACTITIONER
    with today_is(dt.date(2026, 11, 25)):  # the seed's extract day: note N-6 (24/11) is still pending
        app.chooser.start.click()
    form = app.form
    f = form.figures
    assert (f.caseload, f.notes, f.on_time, f.late, f.overdue, f.pending) == (1, 6, 3, 1, 1, 1)
    html = form.children[1].children[1].children[0].value
    assert "60.0%" in html and "Open cases allocated" in html
    put(form, workload_management="Caseload of one; room for another family.", next_epdr_date="01/03/2027")
    assert form.complete(), form.summary.value
    record = stored(url, form, user=MANAGER)
    assert record.opening_figures.pct_on_time == 60.0 and record.practitioner == PRACTITIONER
    assert "CASELOAD AND RECORDING TIMELINESS" in form.mosaic.text


def test_line_management_lists_the_case_discussions_held(url):
    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

    sup = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    sup.chooser.practitioner.value = PRACTITIONER
    sup.chooser.case.value = NORTH_CASE
    sup.chooser.start.click()
    put(sup.form, kind="Planned supervision", event_date="25/11/2026", case_summary="Summary.")
    fill_discussion(sup.form)
    assert sup.form.complete(), sup.form.summary.value
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    app.apply_query({"practitioner": PRACTITIONER})
    part = app.form.parts["case_discussions"]
    assert part.ids == [sup.form.record_id]
    part.boxes[0].value = True
    put(app.form, event_date="25/11/2026", next_epdr_date="01/04/2027")
    assert app.form.complete(), app.form.summary.value
    assert Store(url, user=MANAGER).get(app.form.record_id).case_discussions == [sup.form.record_id]
    other = LineManagementApp(Store(url, user="sue.manager"), "sue.manager")
    other.apply_query({"practitioner": PRACTITIONER})
    assert other.form is None and "not in a team you manage" in other.message.value
