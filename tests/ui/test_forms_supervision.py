"""The Case supervision form, driven in Python against a real SQLite store (no browser)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from familyservice_nb.store import Store
from familyservice_nb.ui.kit.shared import is_shown
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, SECOND_PRACTITIONER, SOUTH_CASE, seed, sqlite_url

HOSTILE = '<img src=x onerror=alert(1)> <script>alert(1)</script> "quotes" & =SUM(A1)'


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


def page(url, user=MANAGER):
    return CaseSupervisionApp(Store(url, user=user), user)


def open_case(app, practitioner=PRACTITIONER, case=NORTH_CASE):
    app.chooser.practitioner.value = practitioner
    app.chooser.case.value = case
    app.chooser.start.click()
    return app.form


def fill_minimum(form, summary="Two children; school attendance the focus."):
    """What a supervision needs to complete: progress and next steps, every child accounted for,
    every optional section marked 'Nothing to record' (tests that fill one call `mark_filled`)."""
    form.parts["kind"].field.value = "Planned supervision"
    form.parts["event_date"].field.value = "25/11/2026"
    form.parts["case_summary"].field.value = summary
    form.parts["progress"].field.value = "Attendance up to 92%."
    form.parts["still_to_happen"].field.value = "Housing referral."
    for row in form.parts["children"].rows:
        row.fields["not_spoken_to"].value = "Not seen this period"
    for box in form.parts["left_empty"].choices.values():
        box.value = "Nothing to record"


def mark_filled(form, *sections):
    for name in sections:
        form.parts["left_empty"].choices[name].index = 0


def speak_to(row, day, alone, views):
    row.fields["not_spoken_to"].value = None
    row.fields["date_spoken_to"].value = day
    row.fields["seen_alone"].value = alone
    row.fields["views_and_feelings"].value = views


def test_only_cases_the_manager_may_see_are_offered(url):
    app = page(url)
    logins = [v for _label, v in app.chooser.practitioner.options if v]
    assert PRACTITIONER in logins and SECOND_PRACTITIONER in logins
    assert "lee.south" not in logins
    app.chooser.practitioner.value = PRACTITIONER
    assert [v for _label, v in app.chooser.case.options if v] == [NORTH_CASE]


def test_every_input_has_a_label_from_the_model(url):
    form = open_case(page(url))
    from familyservice_nb.records import SupervisionRecord

    fields = SupervisionRecord.model_fields
    assert form.parts["case_summary"].field.control.description == fields["case_summary"].title
    assert fields["case_summary"].description in form.parts["case_summary"].field.notes.value
    assert form.parts["still_to_happen"].field.control.description == "What still needs to happen"


def test_a_half_typed_draft_saves_and_comes_back(url):
    form = open_case(page(url))
    form.parts["case_summary"].field.value = "Half a thou"
    form.parts["event_date"].field.value = "25/11/20"  # half typed: kept as typed
    assert form.debouncer.pending
    form.debouncer.flush()
    assert "Saved at" in form.status.value
    saved = Store(url, user=MANAGER).saved_payload(form.record_id)
    assert saved["case_summary"] == "Half a thou" and saved["event_date"] == "25/11/20"

    again = page(url)
    open_case(again)
    assert again.form is None, "a draft is offered before a new form is started"
    assert "You have a draft from" in again.offer.children[0].value
    continue_button = again.offer.children[1].children[0]
    continue_button.click()
    assert again.form.record_id == form.record_id
    assert again.form.parts["case_summary"].field.value == "Half a thou"
    assert again.form.parts["event_date"].field.value == "25/11/20"


def test_start_again_makes_a_new_record_and_keeps_the_draft(url):
    form = open_case(page(url))
    form.parts["case_summary"].field.value = "First go"
    form.save_button.click()
    again = page(url)
    open_case(again)
    again.offer.children[1].children[1].click()  # Start again
    assert again.form.record_id is None
    assert again.form.parts["case_summary"].field.value == ""
    assert Store(url, user=MANAGER).info(form.record_id).state == "draft"


def test_problems_show_next_to_the_field_in_plain_words(url):
    form = open_case(page(url))
    form.parts["event_date"].field.value = "25/11/2026"
    rows = form.parts["agreed_actions"].rows
    row = rows.add_row()
    row.fields["what"].value = "Book the school meeting"
    row.fields["by_when"].value = "01/11/2026"  # before the supervision
    assert not form.complete()
    summary_field = form.parts["case_summary"].field
    assert "cannot be left blank" in summary_field.notes.value or "is needed" in summary_field.notes.value
    assert "By whom" in form.summary.value  # the list names every problem
    assert "By whom" in form.summary.value and "New agreed actions, entry 1" in form.summary.value
    assert not form.locked
    # Putting those right clears their messages; the rules across fields are checked next.
    fill_minimum(form)
    mark_filled(form, "agreed_actions")
    row.fields["by_whom"].value = "Pat Practitioner"
    assert not form.complete()
    assert not summary_field.problems_shown
    assert "before the supervision on 25/11/2026" in row.fields["by_when"].notes.value
    row.fields["by_when"].value = "30/11/2026"
    form.debouncer.flush()
    assert not row.fields["by_when"].problems_shown
    assert form.complete()


def test_complete_locks_the_record_and_shows_the_mosaic_text(url):
    form = open_case(page(url))
    fill_minimum(form)
    form.parts["progress"].field.value = HOSTILE
    speak_to(form.parts["children"].rows[0], "20/11/2026", True, "I like my new school.")
    mark_filled(form, "pbr_outcomes", "significant_adults", "agreed_actions")
    form.parts["pbr_outcomes"].boxes[1].value = True
    adult = form.parts["significant_adults"].rows.add_row()
    adult.fields["name"].value = "Gran Oakhurst"
    adult.fields["relationship"].value = "Grandmother"
    action = form.parts["agreed_actions"].rows.add_row()
    action.fields["what"].value = "Book the school meeting"
    action.fields["by_whom"].value = "Pat Practitioner"
    action.fields["by_when"].value = "02/12/2026"
    # A draft's page does not carry what a completed record shows under it (26 widget models it never shows).
    assert form.after.children == () and not is_shown(form.after)
    assert form.complete(), form.summary.value
    assert form.locked
    assert form.parts["case_summary"].field.control.disabled
    assert not is_shown(form.action_bar)
    assert is_shown(form.after) and form.after.children and form.mosaic.text
    store = Store(url, user=MANAGER)
    info = store.info(form.record_id)
    assert info.state == "complete" and info.case_id == NORTH_CASE
    record = store.get(form.record_id)
    assert record.progress == HOSTILE  # kept exactly as typed
    assert record.children[0].seen_alone is True and [o.outcome for o in record.pbr_outcomes] == ["School attendance"]
    assert record.significant_adults[0].name == "Gran Oakhurst"
    assert HOSTILE in form.mosaic.text  # plain text in a textarea's value
    assert "<img" not in form.history.value.replace("&lt;img", "")
    assert "Completed" in form.history.value
    assert "This supervision record was completed" in form.banner.value


def test_a_second_supervision_reviews_the_first_ones_actions(url, after_christmas_2026):
    first = open_case(page(url))
    fill_minimum(first, summary="Summary from the first supervision.")
    mark_filled(first, "agreed_actions")
    action = first.parts["agreed_actions"].rows.add_row()
    action.fields["what"].value = "Complete the housing referral"
    action.fields["by_whom"].value = "Pat Practitioner"
    action.fields["by_when"].value = "09/12/2026"
    speak_to(first.parts["children"].rows[0], "24/11/2026", False, "Fine.")
    assert first.complete(), first.summary.value

    second = open_case(page(url))
    review = second.parts["previous_actions"]
    assert [r.action.what for r in review.rows] == ["Complete the housing referral"]
    assert "agreed at the supervision on 25/11/2026" in review.rows[0].about.value
    assert second.parts["case_summary"].field.value == "Summary from the first supervision."
    assert "Last spoken to on 24/11/2026" in second.parts["children"].rows[0].heading.value
    fill_minimum(second, summary=second.parts["case_summary"].field.value)
    second.parts["event_date"].field.value = "23/12/2026"
    assert not second.complete()  # the carried-forward action is not reviewed yet
    assert "is not reviewed yet" in second.summary.value
    review.rows[0].status.value = "Partly done"
    assert not second.complete()  # partly done needs a comment
    assert "needed when an action is &#x27;Partly done&#x27;" in review.rows[0].comment.notes.value
    review.rows[0].comment.value = "Form sent; waiting for the council."
    assert second.complete(), second.summary.value
    store = Store(url, user=MANAGER)
    assert [a.what for a in store.open_actions(NORTH_CASE)] == ["Complete the housing referral"]

    # Opened again later, each record shows the case as it stood when it was written: the first reviews
    # nothing (no earlier supervision), the second the action it reviewed, with its own answer; neither
    # shows actions agreed after it (the audit's record 242 showed a later supervision's actions, empty).
    third = open_case(page(url))
    fill_minimum(third)
    third.parts["event_date"].field.value = "24/12/2026"
    third.parts["previous_actions"].rows[0].status.value = "Done"
    mark_filled(third, "agreed_actions")
    later = third.parts["agreed_actions"].rows.add_row()
    later.fields["what"].value = "Agreed after the second"
    later.fields["by_whom"].value = "Pat Practitioner"
    later.fields["by_when"].value = "08/01/2027"
    assert third.complete(), third.summary.value
    reopened = page(url)
    reopened.open_record(first.record_id)
    assert reopened.form.parts["previous_actions"].rows == []
    assert "Summary from the first supervision." == reopened.form.parts["case_summary"].field.value
    reopened = page(url)
    reopened.open_record(second.record_id)
    rows = reopened.form.parts["previous_actions"].rows
    assert [(r.action.what, r.status.value) for r in rows] == [("Complete the housing referral", "Partly done")]
    assert rows[0].comment.value == "Form sent; waiting for the council."
    assert [d.record_id for d in store.previous_supervisions(NORTH_CASE, before=second.record_id)] == [
        first.record_id]
    assert store.previous_supervisions(NORTH_CASE, before=first.record_id) == []


def test_safeguarding_advice_is_due_the_next_working_day(url):
    form = open_case(page(url))
    form.parts["event_date"].field.value = "27/11/2026"  # a Friday
    form.parts["kind"].field.value = "Planned supervision"
    assert "Friday 4 December 2026" in form.due.value
    form.parts["kind"].field.value = "Advice on a safeguarding concern"
    assert "Monday 30 November 2026" in form.due.value
    assert "because advice on a safeguarding concern was sought" in form.due.value
    # the kind never ticks (or holds) another answer
    assert form.parts["risk_identified"].field.value is False
    assert not form.parts["risk_identified"].field.control.disabled
    form.parts["kind"].field.value = "Planned supervision"
    assert "Friday 4 December 2026" in form.due.value
    assert form.parts["risk_identified"].field.value is False


def test_amend_asks_for_a_reason_and_makes_a_new_version(url):
    form = open_case(page(url))
    fill_minimum(form)
    assert form.complete()
    assert not form.amend("   ")
    assert "Say why" in form.reason_problem.value
    assert form.amend("Wrong date of the meeting")
    assert not form.locked
    form.parts["progress"].field.value = "Corrected progress."
    assert form.complete()
    store = Store(url, user=MANAGER)
    versions = store.versions(form.record_id)
    assert [(v.version, v.state) for v in versions] == [(1, "complete"), (2, "complete")]
    assert versions[1].reason == "Wrong date of the meeting"
    assert store.get(form.record_id).progress == "Corrected progress."
    assert "version 2" in form.banner.value
    assert "Wrong date of the meeting" in form.history.value


def test_a_case_the_user_may_not_see_cannot_be_opened_by_the_address(url):
    app = page(url)
    app.apply_query({"case": SOUTH_CASE})
    assert app.form is None
    assert "cannot open case C-S1" in app.message.value
    app.apply_query({"case": "NO-SUCH"})
    assert "no case NO-SUCH" in app.message.value
    app.apply_query({"case": NORTH_CASE})
    assert app.form is not None and app.form.case.case_id == NORTH_CASE


def test_a_record_the_user_may_not_see_cannot_be_opened_by_the_address(url):
    south = CaseSupervisionApp(Store(url, user="sue.manager"), "sue.manager")
    form = open_case(south, practitioner="lee.south", case=SOUTH_CASE)
    fill_minimum(form)
    assert form.complete()
    app = page(url)
    app.apply_query({"record": form.record_id})
    assert app.form is None and "cannot open record" in app.message.value
    south_again = CaseSupervisionApp(Store(url, user="sue.manager"), "sue.manager")
    south_again.apply_query({"record": form.record_id})
    assert south_again.form.locked and south_again.form.mosaic.text


def test_a_failed_save_keeps_what_was_typed_and_says_so(url, monkeypatch):
    form = open_case(page(url))
    form.parts["case_summary"].field.value = "Typed before the database went away."

    def broken(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(form.store, "keep_draft", broken)
    assert not form.save_draft()
    assert "Not saved at" in form.status.value and "still on this page" in form.status.value
    assert form.parts["case_summary"].field.value == "Typed before the database went away."
    monkeypatch.undo()
    assert form.save_draft()
    assert "Saved at" in form.status.value


def test_typing_saves_the_draft_a_second_after_it_stops(url):
    async def scenario():
        form = open_case(page(url))
        form.debouncer.delay = 0.2
        form.parts["case_summary"].field.value = "a"
        await asyncio.sleep(0.1)
        form.parts["case_summary"].field.value = "ab"
        assert form.record_id is None  # still typing
        await asyncio.sleep(0.35)
        return form

    form = asyncio.run(scenario())
    assert form.record_id is not None
    assert Store(url, user=MANAGER).saved_payload(form.record_id)["case_summary"] == "ab"


def test_dates_are_shown_and_read_the_uk_way(url):
    form = open_case(page(url))
    date = form.parts["event_date"].field.control
    date.value = "04/05/2026"
    assert date.date == dt.date(2026, 5, 4)
    assert "Monday 4 May 2026" in date.echo.value
    date.picker.value = dt.date(2026, 11, 25)
    assert date.value == "25/11/2026"
    date.value = "13/25/2026"
    assert date.date is None and date.echo.value == ""


def test_complete_waits_for_typing_that_arrives_just_after_the_click(url):
    """The browser may send the last keystrokes just after a click: Complete reads the inputs once quiet."""
    async def scenario():
        form = open_case(page(url))
        fill_minimum(form, summary="Typed befo")
        form.complete_button.click()
        await asyncio.sleep(0.05)
        form.parts["case_summary"].field.value = "Typed before the click, arriving after it."
        await asyncio.sleep(0.8)
        return form

    form = asyncio.run(scenario())
    assert form.locked, form.summary.value
    assert Store(url, user=MANAGER).get(form.record_id).case_summary == "Typed before the click, arriving after it."


def test_complete_lists_every_problem_at_once_in_the_forms_order_each_linked_to_where_it_is_said(url):
    """The audit: Complete on an empty form listed 2 problems (the summary, then the kind: the reverse of the
    form), and 11 more only once those were put right; links for a list left empty went nowhere."""
    form = open_case(page(url))
    form.parts["case_summary"].field.value = ""
    assert not form.complete()
    paths = [p.path for p in form.problem_list]
    assert paths[:4] == ["kind", "case_summary", "progress", "still_to_happen"], paths
    assert {"key_dates", "pbr_outcomes", "significant_adults", "agreed_actions", "children.K-1"} <= set(paths)
    items = dict((message.split(":")[0], fid) for fid, message in form.summary.items)
    assert items["Key dates"] == "left-empty-key-dates"  # the choice that answers "fill in, or mark it"
    choice = form.parts["left_empty"]
    holder = next(w for w in choice.widget.children if "fsnb-fid-left-empty-key-dates" in w._dom_classes)
    assert "fsnb-field" in holder._dom_classes and "Error: </span>Fill this in" in choice.messages["key_dates"].value
    assert all(fid for fid in items.values()), items  # every item is a link
    for box in choice.choices.values():
        box.value = "Nothing to record"
    form.parts["progress"].field.value = "Attendance up."
    form.debouncer.flush()
    assert choice.messages["key_dates"].value == ""  # put right: the message goes (live check after Complete)


def test_a_future_date_is_refused_at_the_field_as_it_is_typed_and_gives_no_due_date(url):
    """The audit: 25/12/2026 typed on 05/12 showed no problem and a due date in January; only Complete
    refused it."""
    from familyservice_nb.dates import today_is

    with today_is(dt.date(2026, 12, 5)):
        form = open_case(page(url))
        form.parts["event_date"].field.value = "25/12/2026"
        form.debouncer.flush()
        notes = form.parts["event_date"].field.notes.value
        assert "25/12/2026 is in the future" in notes and "fsnb-field-problem" in notes
        assert "No due date: the date is in the future" in form.due.value and "January" not in form.due.value
        form.parts["event_date"].field.value = "04/12/2026"
        form.debouncer.flush()
        assert "in the future" not in form.parts["event_date"].field.notes.value
        assert "To be recorded on Mosaic by" in form.due.value


def test_a_row_with_a_bad_date_does_not_hide_the_other_problems(url):
    form = open_case(page(url))
    row = form.parts["key_dates"].rows.add_row()
    row.fields["date"].value = "31/02/2026"
    row.fields["what"].value = "Review meeting"
    assert not form.complete()
    paths = [p.path for p in form.problem_list]
    assert "key_dates.0.date" in paths and "progress" in paths and "still_to_happen" in paths, paths


def test_an_unreviewed_action_is_said_at_its_own_status_and_linked_there(url, after_christmas_2026):
    """The re-audit: both unreviewed actions linked to action 1's first radio, which showed no error."""
    first = open_case(page(url))
    fill_minimum(first)
    mark_filled(first, "agreed_actions")
    for what in ("Visit after school", "Ask the GP surgery"):
        row = first.parts["agreed_actions"].rows.add_row()
        row.fields["what"].value = what
        row.fields["by_whom"].value = "Pat Practitioner"
        row.fields["by_when"].value = "09/12/2026"
    assert first.complete(), first.summary.value
    second = open_case(page(url))
    second.parts["event_date"].field.value = ""
    second.parts["previous_actions"].rows[0].status.value = "Done"
    assert not second.complete()
    review = second.parts["previous_actions"]
    ask_gp = review.rows[1]
    items = [(fid, m) for fid, m in second.summary.items if "Ask the GP surgery" in m]
    assert items == [(f"previous-actions-{ask_gp.action.action_id}-status", items[0][1])]
    assert f"fsnb-fid-{items[0][0]}" in ask_gp.status._dom_classes and "is not reviewed yet" in ask_gp.status.notes.value
    assert "is not reviewed yet" not in review.rows[0].status.notes.value
    assert any(m.startswith("Date of the supervision: ") for _fid, m in second.summary.items)  # as the form names it


def test_the_form_shows_exactly_the_domains_problems_and_keeps_what_was_typed(url):
    """A partly filled supervision: the list, the links and the words at each input are the domain's own
    (`records.completion_problems` on the answers as they stand), in the form's order; the date typed wrongly
    is kept as typed, and no rule reasons from a date nobody gave (a key date "before the supervision")."""
    from familyservice_nb.records import completion_problems, read_answers

    store = Store(url, user=MANAGER)
    form = open_case(page(url))
    form.parts["kind"].field.value = "Planned supervision"
    form.parts["event_date"].field.value = "31/02/2026"
    form.parts["case_summary"].field.value = ""
    row = form.parts["key_dates"].rows.add_row()
    row.fields["date"].value = "01/01/2020"
    row.fields["what"].value = "Family plan review"
    assert not form.complete()
    answers = read_answers(form.model, form.record_data())
    domain = completion_problems(answers, earlier=store.previous_supervisions(NORTH_CASE),
                                 case=store.case(NORTH_CASE), settings=store.settings(), order=list(form.parts))
    assert form.problem_list == domain
    assert [message for _fid, message in form.summary.items] == [p.message for p in domain]
    assert [p.path for p in domain][:3] == ["event_date", "case_summary", "progress"]
    assert domain[0].message == "Date of the supervision: there is no such date."
    assert domain[1].message == "Case summary: this is needed."
    assert "There is no such date." in form.parts["event_date"].field.notes.value  # the words, at the input
    assert not any("before the supervision" in p.message for p in domain)
    kept = store.saved_payload(form.record_id)
    assert kept["event_date"] == "31/02/2026" and "case_summary" not in kept
    assert store.info(form.record_id).state == "draft"
