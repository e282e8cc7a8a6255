"""A save from an out-of-date copy is refused (two tabs on one draft), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from storehelp import MANAGER, make_supervision, supervision_data

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import ChangedElsewhere
from familyservice_nb.store.audit import clock_at

AT_10_42 = dt.datetime(2026, 11, 27, 10, 42, 5, tzinfo=dt.UTC)  # 10:42 in London (GMT in November)


def test_a_save_from_the_current_copy_goes_through(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    seen = store.info(record_id).updated_at
    store.save_draft(make_supervision(progress="Second window typed this."), record_id, based_on=seen)
    assert store.get(record_id).progress == "Second window typed this."
    assert store.info(record_id).updated_at != seen


def test_a_save_from_an_out_of_date_copy_is_refused_and_changes_nothing(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    first_window = store.info(record_id).updated_at
    with clock_at(AT_10_42):
        store.save_draft(make_supervision(progress="Saved from the other window."), record_id,
                         based_on=first_window)
    with pytest.raises(ChangedElsewhere, match="changed in another window at 10:42") as refused:
        store.save_draft(make_supervision(progress="Stale copy."), record_id, based_on=first_window)
    assert isinstance(refused.value, WorkbookError)
    assert refused.value.record_id == record_id
    assert store.get(record_id).progress == "Saved from the other window."
    with pytest.raises(ChangedElsewhere):
        store.complete(record_id, make_supervision(progress="Stale copy."), based_on=first_window)
    assert store.info(record_id).state == "draft"


def test_an_unfinished_draft_from_an_out_of_date_copy_is_refused(seeded, as_user):
    store = as_user(MANAGER)
    half = supervision_data(progress="")
    del half["case_summary"]
    record_id = store.save_unfinished(half, None, "supervision")
    seen = store.info(record_id).updated_at
    with clock_at(AT_10_42):
        store.save_unfinished(half | {"progress": "Other tab"}, record_id, "supervision", based_on=seen)
    with pytest.raises(ChangedElsewhere, match="10:42"):
        store.save_unfinished(half | {"progress": "This tab"}, record_id, "supervision", based_on=seen)
    assert store.saved_payload(record_id)["progress"] == "Other tab"


def test_saving_without_a_copy_time_keeps_the_old_behaviour(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.save_draft(make_supervision(progress="One"), record_id)
    store.save_draft(make_supervision(progress="Two"), record_id)
    assert store.get(record_id).progress == "Two"
