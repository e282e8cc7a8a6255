"""Drafts, completion, amendments and versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from storehelp import MANAGER, make_supervision, supervision_data

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import InvalidRecord, NotFound, RecordLocked


def test_autosave_overwrites_the_draft_only(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    again = store.save_draft(make_supervision(progress="Attendance now 95%."), record_id)
    assert again == record_id
    assert [v.version for v in store.versions(record_id)] == [1]
    assert store.get(record_id).progress == "Attendance now 95%."
    assert store.get(record_id).record_id == record_id
    assert store.info(record_id).state == "draft"


def test_saving_the_record_it_returned_updates_the_same_draft(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    loaded = store.get(record_id)
    loaded.progress = "Changed in the form."
    assert store.save_draft(loaded) == record_id
    assert len(store.records(kind="supervision")) == 1


def test_completing_locks_the_record(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    assert store.complete(record_id) == 1
    with pytest.raises(RecordLocked, match="locked"):
        store.save_draft(make_supervision(progress="Sneaky change."), record_id)
    with pytest.raises(RecordLocked):
        store.complete(record_id, make_supervision(progress="Sneaky change."))
    assert store.get(record_id).progress == "School attendance up to 92%."
    assert store.complete(record_id) == 1  # completing twice changes nothing


def test_amendment_is_a_new_version_and_keeps_the_first(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.complete(record_id)
    version = store.amend(record_id, make_supervision(progress="Attendance 88%, not 92%."), reason="Wrong figure")
    assert version == 2
    versions = store.versions(record_id)
    assert [(v.version, v.state, v.reason) for v in versions] == [
        (1, "complete", None), (2, "complete", "Wrong figure"),
    ]
    assert versions[0].record.progress == "School attendance up to 92%."
    assert store.get(record_id).progress == "Attendance 88%, not 92%."
    assert store.get(record_id, version=1).progress == "School attendance up to 92%."
    with pytest.raises(RecordLocked):
        store.save_draft(make_supervision(), record_id)


def test_an_amendment_can_be_drafted_then_completed(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.complete(record_id)
    store.amend(record_id, make_supervision(progress="First go."), reason="Add progress", complete=False)
    store.save_draft(make_supervision(progress="Second go."), record_id)
    assert store.complete(record_id) == 2
    assert [v.record.progress for v in store.versions(record_id)] == [
        "School attendance up to 92%.", "Second go.",
    ]


def test_amendment_needs_a_reason_and_a_completed_record(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    with pytest.raises(WorkbookError, match="still a draft"):
        store.amend(record_id, make_supervision(), reason="Because")
    store.complete(record_id)
    with pytest.raises(WorkbookError, match="needs a reason"):
        store.amend(record_id, make_supervision(), reason="  ")
    assert len(store.versions(record_id)) == 1


def test_the_indexed_columns_follow_the_record(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision(kind="Advice on a safeguarding concern"))
    info = store.info(record_id)
    assert (info.kind, info.case_id, info.author, info.subject) == ("supervision", "C-N1", MANAGER, "pat.practitioner")
    assert info.event_date == dt.date(2026, 11, 20)
    assert info.risk_identified is True
    assert info.due_date == dt.date(2026, 11, 23)  # safeguarding advice: the next working day


def test_a_rejected_save_changes_nothing(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    before = (store.get(record_id), store.versions(record_id), len(store.audit_trail(record_id=record_id)))
    bad = supervision_data(agreed_actions=[{"what": "Too early", "by_whom": "alex", "by_when": "01/11/2026"}])
    with pytest.raises(InvalidRecord) as caught:
        store.save_draft(bad, record_id, kind="supervision")
    assert any("by when" in p.lower() and "before" in p for p in caught.value.problems), caught.value.problems
    future_child = supervision_data(children=0) | {"children": [{
        "child_id": "K-1", "date_spoken_to": "25/11/2026", "seen_alone": False, "views_and_feelings": "Fine.",
    }]}
    with pytest.raises(InvalidRecord, match="spoken to"):
        store.save_draft(future_child, record_id, kind="supervision")
    with pytest.raises(InvalidRecord):
        store.save_draft(supervision_data(case_summary="   "), kind="supervision")
    after = (store.get(record_id), store.versions(record_id), len(store.audit_trail(record_id=record_id)))
    assert after == before
    assert len(store.records()) == 1


def test_a_record_of_one_kind_cannot_be_saved_as_another(seeded, as_user):
    from familyservice_nb.records import RECORD_KINDS

    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    review = RECORD_KINDS["review_summary"].model_validate(
        {k: v for k, v in supervision_data().items() if k not in ("kind", "practitioner", "manager")}
    )
    with pytest.raises(WorkbookError, match="supervision"):
        store.save_draft(review, record_id)


def test_a_telephone_note_without_a_number_is_refused_in_plain_words(seeded, as_user):
    store = as_user(MANAGER)
    note = {"event_date": "20/11/2026", "author": MANAGER, "case_id": "C-N1", "note_type": "Telephone call",
            "text": "Spoke to school.", "caller_name": "Pat Teacher", "caller_role": "Class teacher",
            "call_purpose": "Attendance"}
    with pytest.raises(InvalidRecord, match="Telephone number"):
        store.save_draft(note, kind="case_note")
    assert store.records() == []


def test_unknown_records_are_not_found(seeded, as_user):
    store = as_user(MANAGER)
    with pytest.raises(NotFound):
        store.get("999")
    with pytest.raises(NotFound):
        store.get("not-a-number")
    record_id = store.save_draft(make_supervision())
    with pytest.raises(NotFound):
        store.get(record_id, version=7)


def test_every_kind_of_record_saves_and_comes_back_equal(seeded, as_user):
    from familyservice_nb.records import RECORD_KINDS

    store = as_user(MANAGER)
    # Each discussion of the case agrees no action of its own, so none waits for review by the next one.
    sections = {k: v for k, v in supervision_data(actions=0).items() if k not in ("kind", "practitioner", "manager")}
    base = {"event_date": "20/11/2026", "author": MANAGER, "case_id": "C-N1"}
    action = [{"what": "Book the school meeting", "by_whom": "Alex", "by_when": "27/11/2026"}]
    data = {
        "case_note": {**base, "note_type": "Visit", "text": "Home visit; both children seen."},
        "session": {**base, "who": "Mum and Robin", "aim": "Bedtime routine", "method": "Routine chart",
                    "aims_met": True, "outcome": "Chart agreed", "observations_and_reflections": "Warm.",
                    "actions": action},
        "gfpo_session": {**base, "intervention": "Intensive Support", "purpose": "Behaviour chart",
                         "desired_outcome": "Chart in daily use", "present_and_took_part": "Mum",
                         "location": "Family home", "start_time": "07:45", "activities": "Made the chart",
                         "observations": "Engaged well.",
                         "next_steps": action},
        "supervision": supervision_data(actions=0),
        "review_summary": sections,
        "closure_summary": {**sections, "closure_reason": "Plan outcomes achieved", "closure_date": "30/11/2026"},
        "line_management": {"event_date": "20/11/2026", "author": MANAGER, "practitioner": "pat.practitioner",
                            "manager": MANAGER, "workload_management": "Caseload of 14 is manageable.",
                            "next_epdr_date": "01/04/2027"},
        "epdr": {"event_date": "20/11/2026", "author": MANAGER, "practitioner": "pat.practitioner", "manager": MANAGER,
                 "objectives": [{"what": "Lead two parenting groups", "by_when": "31/03/2027"}],
                 "next_epdr_date": "19/11/2027"},
    }
    assert set(data) == set(RECORD_KINDS)
    for kind, fields in data.items():
        record = RECORD_KINDS[kind].model_validate(fields)
        record_id = store.save_draft(record)
        store.complete(record_id)
        back = store.get(record_id)
        assert type(back) is type(record)
        assert back.model_dump(exclude={"record_id"}) == record.model_dump(exclude={"record_id"}), kind
    assert {r.kind for r in store.records(state="complete")} == set(RECORD_KINDS)


def test_carry_forward_lists_actions_not_yet_closed(seeded, as_user, after_christmas_2026):
    store = as_user(MANAGER)
    first = store.save_draft(make_supervision(actions=3))
    store.complete(first)
    second = make_supervision(
        event_date=dt.date(2026, 12, 18), agreed_actions=[],
        previous_actions=[
            {"action_id": "A1", "status": "Done"},
            {"action_id": "A2", "status": "Not done", "comment": "Mum was ill."},
            {"action_id": "A3", "status": "Partly done", "comment": "Form half filled."},
        ],
    )
    draft = store.save_draft(second)
    assert [a.action_id for a in store.open_actions("C-N1")] == ["A1", "A2", "A3"]  # drafts do not count
    store.complete(draft)
    assert [a.action_id for a in store.open_actions("C-N1")] == ["A2", "A3"]


def test_an_unfinished_draft_is_checked_in_full_before_it_is_locked(seeded, as_user):
    from familyservice_nb.store import UnfinishedDraft

    store = as_user(MANAGER)
    half_typed = supervision_data() | {"event_date": "20/11/20", "case_summary": ""}
    record_id = store.save_unfinished(half_typed, None, "supervision")
    with pytest.raises(InvalidRecord):
        store.complete(record_id)
    assert store.info(record_id).state == "draft"
    with pytest.raises(UnfinishedDraft, match="not finished"):
        store.get(record_id)
    (version,) = store.versions(record_id)
    assert version.record is None and version.payload["case_summary"] == ""
    store.save_draft(make_supervision(), record_id)
    assert store.complete(record_id) == 1


def test_a_record_is_checked_against_the_discussions_before_it_only(seeded, as_user, after_christmas_2026):
    """Which discussions come before a record (its actions to review): earlier dates, then on the same day
    the lower record numbers; a record not saved yet comes after every discussion of its day."""
    store = as_user(MANAGER)
    first = store.save_draft(make_supervision(actions=2))  # 20/11, agrees A1 and A2
    store.complete(first)
    unreviewed = lambda problems: [p for p in problems if "is not reviewed yet" in p.message]  # noqa: E731
    same_day_later = make_supervision(actions=0, agreed_actions=[])
    assert len(unreviewed(store.completion_problems(same_day_later))) == 2  # not saved yet: after the first
    saved = store.save_draft(same_day_later)
    assert len(unreviewed(store.completion_problems(store.get(saved), saved))) == 2
    assert [d.record_id for d in store.previous_supervisions("C-N1", before=saved)] == [str(first)]
    day_before = make_supervision(event_date=dt.date(2026, 11, 19), agreed_actions=[])
    assert unreviewed(store.completion_problems(day_before)) == []  # the first came after it
    second = store.save_draft(make_supervision(
        event_date=dt.date(2026, 12, 18), agreed_actions=[{"action_id": "B1", "what": "Later", "by_whom": "x",
                                                            "by_when": dt.date(2027, 1, 8)}],
        previous_actions=[{"action_id": "A1", "status": "Done"}, {"action_id": "A2", "status": "Done"}]))
    store.complete(second)
    # The first, opened again or amended, is not asked to review what was agreed after it.
    assert store.previous_supervisions("C-N1", before=first) == []
    assert unreviewed(store.completion_problems(store.get(first), first)) == []
    assert [d.record_id for d in store.previous_supervisions("C-N1", before=second)] == [str(first)]
