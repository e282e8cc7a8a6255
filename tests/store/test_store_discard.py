"""Discarding a draft (my drafts, with discard), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from storehelp import MANAGER, OTHER_MANAGER, WORKER, make_supervision

from familyservice_nb.records import RECORD_KINDS
from familyservice_nb.store import NotAllowed, NotFound, RecordLocked


def make_note(author, **changes):
    data = {"event_date": "20/11/2026", "author": author, "case_id": "C-N1", "note_type": "Visit",
            "text": "Home visit; both children seen."}
    return RECORD_KINDS["case_note"].model_validate(data | changes)


def test_my_first_draft_goes_and_the_audit_keeps_what_it_held(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision(progress="Half a thought"))
    store.discard_draft(record_id)
    with pytest.raises(NotFound):
        store.info(record_id)
    assert store.records(kind="supervision") == []
    trail = seeded.audit_trail()
    last = trail[trail["entity_id"] == record_id].iloc[-1]
    assert last["action"] == "discard" and last["actor"] == MANAGER
    assert "Half a thought" in str(last["changes"])


def test_a_completed_record_is_never_discarded(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.complete(record_id)
    with pytest.raises(RecordLocked, match="never discarded"):
        store.discard_draft(record_id)
    assert store.info(record_id).state == "complete"


def test_an_amendment_draft_goes_back_to_the_completed_version(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision(progress="As completed"))
    store.complete(record_id)
    store.amend(record_id, make_supervision(progress="Being amended"), reason="Wrong figure", complete=False)
    store.discard_draft(record_id)
    info = store.info(record_id)
    assert (info.state, info.current_version) == ("complete", 1)
    assert store.get(record_id).progress == "As completed"


def test_only_the_writer_may_discard_a_draft(seeded, as_user):
    record_id = as_user(MANAGER).save_draft(make_supervision())
    with pytest.raises((NotAllowed, NotFound)):
        as_user(OTHER_MANAGER).discard_draft(record_id)
    assert as_user(MANAGER).info(record_id).state == "draft"


def test_an_amendments_draft_is_discarded_by_who_is_amending_not_by_the_author(seeded, as_user):
    record_id = as_user(WORKER).save_draft(make_note(WORKER))
    as_user(WORKER).complete(record_id)
    as_user(MANAGER).amend(record_id, make_note(WORKER, text="Amended by the manager"), reason="Detail",
                           complete=False)
    with pytest.raises(NotAllowed, match=f"Only {MANAGER}, who wrote draft {record_id}, can discard it"):
        as_user(WORKER).discard_draft(record_id)
    as_user(MANAGER).discard_draft(record_id)
    assert as_user(WORKER).info(record_id).state == "complete"


def test_a_discarded_records_number_is_never_given_to_another(seeded, as_user):
    """The audit trail names records by number: the newest record discarded, the next is not given its number."""
    store = as_user(MANAGER)
    thrown = store.save_draft(make_supervision(progress="Started on the wrong case"))
    store.discard_draft(thrown)
    kept = store.save_draft(make_supervision())
    assert int(kept) > int(thrown)
    trail = seeded.audit_trail()
    assert list(trail[trail["entity_id"] == str(thrown)]["action"]) == ["create", "discard"]
