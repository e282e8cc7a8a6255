"""Recording deadlines in view: a draft past its due date says so; a completed record asks
whether it is on Mosaic and keeps the day confirmed."""

from __future__ import annotations

import datetime as dt

from familyservice_nb.dates import today_is
from familyservice_nb.store import Store
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

from forms_seed import (
    MANAGER,
    NORTH_CASE,
    PRACTITIONER,
    fill_discussion,
    seed,
    sqlite_url,
    whole,
)


def open_case(url):
    app = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    assert app.form is not None, app.message.value
    return app.form


def test_a_draft_past_its_due_date_says_so(tmp_path):
    form = open_case(seed(sqlite_url(tmp_path)))
    with today_is(dt.date(2026, 11, 29)):
        form.parts["kind"].field.value = "Planned supervision"
        form.parts["event_date"].field.value = "06/11/2026"  # a Friday: due Friday 13/11
        assert "Overdue: this was to be recorded on Mosaic by Friday 13 November 2026" in form.due.value
        assert "16 days late today" in form.due.value
        form.parts["event_date"].field.value = "27/11/2026"
        assert form.due.value.count("To be recorded on Mosaic by Friday 4 December 2026") == 1


def test_a_completed_record_asks_whether_it_is_on_mosaic(tmp_path):
    url = seed(sqlite_url(tmp_path))
    form = open_case(url)
    form.parts["kind"].field.value = "Planned supervision"
    form.parts["event_date"].field.value = "06/11/2026"
    form.parts["case_summary"].field.value = "Two children."
    fill_discussion(form)
    assert form.complete(), form.summary.value
    assert "Overdue" not in form.due.value  # completed: the due date is no longer a warning
    assert "Not yet confirmed as entered on Mosaic" in form.mosaic_said.value
    with today_is(dt.date(2026, 11, 29)):
        assert not form.confirm_on_mosaic(dt.date(2026, 11, 30))
        assert "in the future" in form.mosaic_said.value
        assert form.confirm_on_mosaic(dt.date(2026, 11, 12))
    assert "Entered on Mosaic on 12/11/2026 (confirmed by Mo Manager)" in form.mosaic_said.value
    assert Store(url, user=MANAGER).info(form.record_id).mosaic_entered_on == dt.date(2026, 11, 12)


def test_carried_forward_actions_show_last_times_status_and_since_when_they_are_overdue(tmp_path):
    from familyservice_nb.records import SupervisionRecord

    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    base = {"kind": "Planned supervision", "author": MANAGER, "manager": MANAGER, "practitioner": PRACTITIONER,
            "case_id": NORTH_CASE, "case_summary": "Two children."}
    first = SupervisionRecord.model_validate(whole(base | {"event_date": "02/11/2026", "agreed_actions": [
        {"action_id": "a1b2c3", "what": "Book the school meeting", "by_whom": "Pat Practitioner",
         "by_when": "10/11/2026"}]}))
    store.complete(store.save_draft(first))
    second = SupervisionRecord.model_validate(whole(base | {"event_date": "16/11/2026", "previous_actions": [
        {"action_id": "a1b2c3", "what": "Book the school meeting", "status": "Partly done",
         "comment": "Head teacher away"}]}))
    store.complete(store.save_draft(second))
    with today_is(dt.date(2026, 11, 25)):
        form = open_case(url)
    [row] = form.parts["previous_actions"].rows
    about = row.about.value
    assert "By Pat Practitioner, by 10/11/2026; agreed at the supervision on 02/11/2026." in about
    assert "Last time (16/11/2026): Partly done: “Head teacher away”" in about
    assert "Overdue since 10/11/2026" in about
    assert "a1b2c3" not in about  # no internal reference on screen
