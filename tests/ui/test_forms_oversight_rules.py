"""The rules of who may complete what, and what completion asks for, through the forms, kernel-side against
a real SQLite store: the forms refuse exactly as the Store API does (the rules live in records/ and store/),
and show what is missing as a list that links to it."""

from __future__ import annotations

import pytest

from familyservice_nb.records import Problem
from familyservice_nb.store import Store
from familyservice_nb.ui.kit.shared import is_shown
from familyservice_nb.ui.pages.case_note import CaseNoteApp
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp
from familyservice_nb.ui.pages.line_management_supervision import LineManagementApp

from forms_seed import MANAGER, NORTH_CASE, OTHER_MANAGER, PRACTITIONER, fill_discussion, seed, sqlite_url


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


def supervision_form(url, user):
    app = CaseSupervisionApp(Store(url, user=user), user)
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    assert app.form is not None, app.message.value
    form = app.form
    form.parts["kind"].field.value = "Planned supervision"
    form.parts["event_date"].field.value = "25/11/2026"
    form.parts["case_summary"].field.value = "Two children; school attendance the focus."
    return form


def test_form_a_practitioner_cannot_complete_a_case_supervision(url):
    form = supervision_form(url, PRACTITIONER)
    fill_discussion(form)
    assert not form.complete()
    assert "Only a manager of the case's team can complete a supervision record" in form.summary.value
    assert not form.locked and Store(url, user=PRACTITIONER).info(form.record_id).state == "draft"


def test_form_a_practitioner_cannot_complete_a_managers_recording(url):
    app = CaseNoteApp(Store(url, user=PRACTITIONER), PRACTITIONER)
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    form = app.form
    for name, value in {"event_date": "24/11/2026", "note_type": "Manager's recording", "text": "Decision made.",
                        "decision": "Step down.", "decision_rationale": "Outcomes sustained."}.items():
        form.parts[name].field.value = value
    assert is_shown(form.parts["decision"].widget)  # asked for on a Manager's recording
    assert not form.complete()
    assert "complete a Manager's recording" in form.summary.value


def test_form_a_managers_recording_lists_its_missing_decision(url):
    app = CaseNoteApp(Store(url, user=MANAGER), MANAGER)
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    form = app.form
    for name, value in {"event_date": "24/11/2026", "note_type": "Manager's recording", "text": "Decision made."}.items():
        form.parts[name].field.value = value
    assert not form.complete()
    assert [p.path for p in form.problem_list] == ["decision", "decision_rationale"]
    form.parts["decision"].field.value = "Step down to universal services."
    form.parts["decision_rationale"].field.value = "Outcomes sustained for three months."
    assert form.complete(), form.summary.value


def test_form_a_forged_author_is_refused(url):
    form = supervision_form(url, MANAGER)
    form.fixed["author"] = OTHER_MANAGER  # what a tampered page would send
    assert not form.save_draft()
    assert "Recorded by: this must be you (mo.manager)" in form.status.value
    assert Store(url, user=MANAGER).records() == []


def test_form_a_child_with_neither_views_nor_a_reason_is_listed_and_linked(url):
    form = supervision_form(url, MANAGER)
    fill_discussion(form)
    form.parts["children"].rows[1].fields["not_spoken_to"].value = None  # Ben: nothing recorded
    assert not form.complete()
    assert form.problem_list == [Problem(
        ("children", "K-2"),
        "Children spoken to: Ben (K-2) has neither views recorded nor a reason they were not spoken to "
        "(for example too young to speak, not seen this period, declined).")]
    # the summary's item links to Ben's own "not spoken to because", where the message is shown (GOV.UK error
    # summary, ui/kit/error_summary.py), not to the first child's first input, which shows no message
    ben = form.parts["children"].rows[1].fields["not_spoken_to"]
    assert [fid for fid, _message in form.summary.items] == ["children-K-2-not-spoken-to"]
    assert "fsnb-fid-children-K-2-not-spoken-to" in ben._dom_classes and "has neither views" in ben.notes.value
    young = form.parts["children"].rows[1].fields
    young["not_spoken_to"].value = "Too young to speak: observed"
    young["date_spoken_to"].value = "24/11/2026"
    young["observations"].value = "Settled; reached for mum."
    assert form.complete(), form.summary.value
    text = form.mosaic.text
    assert "Too young to speak; observed on 24/11/2026" in text and "Not spoken to: Not seen this period" in text


def test_form_an_unreviewed_action_and_silent_sections_are_listed(url):
    form = supervision_form(url, MANAGER)
    assert not form.complete()
    paths = [p.path for p in form.problem_list]
    assert paths == ["progress", "still_to_happen", "key_dates", "risk_assessments_and_tools", "if_unable_to_engage",
                     "pbr_outcomes", "children.K-1", "children.K-2", "significant_adults", "agreed_actions"]  # the form's order
    fill_discussion(form)
    form.parts["left_empty"].choices["key_dates"].value = "Not discussed"
    assert form.complete(), form.summary.value
    assert "KEY DATES AND DEADLINES FOR REVIEW OF PLANS\nNot discussed." in form.mosaic.text


def test_form_safeguarding_advice_asks_for_concern_advice_decision_and_rationale(url):
    form = supervision_form(url, MANAGER)
    fill_discussion(form)
    assert not is_shown(form.advice)
    form.parts["kind"].field.value = "Advice on a safeguarding concern"
    assert is_shown(form.advice)
    assert not form.complete()
    assert [p.path for p in form.problem_list] == ["concern", "advice_given", "decision", "decision_rationale"]
    for name in ("concern", "advice_given", "decision", "decision_rationale"):
        form.parts[name].field.value = f"The {name.replace('_', ' ')}."
    assert form.complete(), form.summary.value


def test_form_pbr_outcomes_carry_a_status_under_the_extended_troubled_families_heading(url):
    form = supervision_form(url, MANAGER)
    fill_discussion(form)
    part = form.parts["pbr_outcomes"]
    assert "Extended Troubled Families programme" in part.head.value
    form.parts["left_empty"].choices["pbr_outcomes"].index = 0
    part.boxes[1].value = True
    part.statuses[1].value = "Progressing"
    assert form.complete(), form.summary.value
    record = Store(url, user=MANAGER).get(form.record_id)
    assert [(o.outcome, o.status.value) for o in record.pbr_outcomes] == [("School attendance", "Progressing")]


def test_form_line_management_text_is_never_offered_for_a_case_record(url):
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    app.apply_query({"practitioner": PRACTITIONER})
    form = app.form
    form.parts["event_date"].field.value = "25/11/2026"
    form.parts["next_epdr_date"].field.value = "01/04/2027"
    assert form.complete(), form.summary.value
    after = "".join(getattr(s.children[0], "value", "") for s in form.after.children[2:])
    assert "Entered on Mosaic?" not in after  # a personnel record is not entered on a child's file
    assert "Copy for the personnel record" in after and "does not belong on a child" in after
    assert "paste it into the case's running record" not in after
    assert form.mosaic.button == "Copy the text" and "PERSONNEL RECORD" in form.mosaic.text
    case_form = supervision_form(url, MANAGER)
    case_form._after_parts()  # what a completed record shows under it (a draft's page does not carry it)
    case_after = "".join(getattr(s.children[0], "value", "") for s in case_form.after.children[2:])
    assert "paste it into the case&#x27;s running record" in case_after and "Entered on Mosaic?" in case_after


def test_form_line_management_needs_an_epdr_date_within_the_cycle(url):
    app = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    app.apply_query({"practitioner": PRACTITIONER})
    form = app.form
    form.parts["event_date"].field.value = "25/11/2026"
    assert not form.complete()
    assert "Next EPDR date: this is needed" in form.summary.value
    form.parts["next_epdr_date"].field.value = "01/01/2028"
    assert not form.complete()
    assert "more than the council's EPDR cycle of 365 days" in form.summary.value
