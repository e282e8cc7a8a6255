"""What the forms need from the store: unfinished drafts, a draft's payload, discarding a draft, and
"are there notes" — all through `Store`, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from storehelp import ANALYST, MANAGER, OTHER_MANAGER, TEAMMATE, WORKER, make_supervision, supervision_data

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import NotAllowed, NotFound, RecordLocked


def test_an_unfinished_draft_is_kept_as_typed_through_the_one_create_path(seeded, as_user):
    store = as_user(MANAGER)
    half = {"case_id": "C-N1", "author": MANAGER, "practitioner": WORKER, "event_date": "25/11/2026",
            "risk_identified": True, "case_summary": ""}
    record_id = store.save_unfinished(half, None, "supervision")
    assert store.saved_payload(record_id) == half
    info = store.info(record_id)
    assert (info.state, info.case_id, info.author, info.subject, str(info.event_date), info.risk_identified) == (
        "draft", "C-N1", MANAGER, WORKER, "2026-11-25", True)
    assert [a["action"] for a in store.audit_trail(record_id).to_dict("records")] == ["create"]


def test_an_unfinished_draft_with_no_readable_date_is_indexed_today(seeded, as_user):
    from familyservice_nb.dates import today_in_london

    store = as_user(MANAGER)
    record_id = store.save_unfinished({"case_id": "C-N1", "event_date": "25/11/20"}, None, "supervision")
    assert store.info(record_id).event_date == today_in_london()
    assert store.saved_payload(record_id)["event_date"] == "25/11/20"


def test_a_whole_record_saved_unfinished_is_a_plain_draft(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_unfinished(supervision_data(), None, "supervision")
    assert store.get(record_id).case_id == "C-N1"  # it passed its model, so it opens as a record
    assert store.save_unfinished({"case_id": "C-N1", "case_summary": "half"}, record_id) == record_id
    assert store.saved_payload(record_id) == {"case_id": "C-N1", "case_summary": "half"}


def test_unfinished_drafts_are_refused_as_whole_ones_are(seeded, as_user):
    store = as_user(MANAGER)
    with pytest.raises(NotAllowed):
        store.save_unfinished({"case_id": "C-S1"}, None, "supervision")
    with pytest.raises(WorkbookError, match="does not keep records of the kind 'no_such_kind'"):
        store.save_unfinished({"case_id": "C-N1"}, None, "no_such_kind")
    record_id = store.save_draft(make_supervision())
    with pytest.raises(WorkbookError, match="is a supervision, not a review summary"):
        store.save_unfinished({"case_id": "C-N1"}, record_id, "review_summary")
    store.complete(record_id)
    with pytest.raises(RecordLocked, match="locked"):
        store.save_unfinished({"case_id": "C-N1"}, record_id, "supervision")
    with pytest.raises(NotAllowed):
        as_user(OTHER_MANAGER).saved_payload(record_id)


def test_a_draft_is_discarded_by_its_author_and_its_text_stays_in_the_audit_trail(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_unfinished({"case_id": "C-N1", "case_summary": "Started in error"}, None,
                                      "supervision")
    with pytest.raises(NotAllowed, match="who wrote draft .* can discard it"):
        as_user(WORKER).discard_draft(record_id)
    store.discard_draft(record_id)
    with pytest.raises(NotFound):
        store.info(record_id)
    assert store.records() == []
    trail = as_user(ANALYST).audit_trail()
    trail = trail[(trail["entity"] == "record") & (trail["entity_id"] == record_id)]
    assert list(trail["action"]) == ["create", "discard"]
    assert trail["changes"].iloc[-1]["case_summary"]["old"] == "Started in error"


def test_a_completed_record_is_never_discarded(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.complete(record_id)
    with pytest.raises(RecordLocked, match="a completed record is never discarded"):
        store.discard_draft(record_id)
    # the draft of an amendment is discarded back to the completed version it amends
    store.amend(record_id, make_supervision(progress="Corrected."), reason="Typing slip", complete=False)
    assert store.info(record_id).current_version == 2
    store.discard_draft(record_id)
    info = store.info(record_id)
    assert (info.current_version, info.state) == (1, "complete")


def test_has_imported_notes_says_whether_any_extract_was_loaded(seeded, as_user, tmp_path):
    from familyservice_nb.store import Store

    assert not as_user(MANAGER).has_imported_notes()
    path = tmp_path / "extract.csv"
    path.write_text("note_id,case_id,event_date,worker,team\nN1,C-S1,16/11/2026,lee.south,South\n")
    seeded.import_extract(path, as_of="2026-11-25")
    assert seeded.has_imported_notes()
    # A yes or no about the database: the notes themselves still follow who-sees-what.
    teammate = as_user(TEAMMATE)
    assert teammate.has_imported_notes() and len(teammate.notes_frame()) == 0
    assert Store(seeded.url, user="stranger").has_imported_notes()
