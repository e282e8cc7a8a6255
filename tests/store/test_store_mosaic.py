"""Entered on Mosaic?: a completed record keeps the day it was confirmed, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from storehelp import MANAGER, make_supervision

from familyservice_nb.dates import today_is
from familyservice_nb.errors import WorkbookError


def test_the_confirmed_day_is_kept_with_who_said_so(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    with pytest.raises(WorkbookError, match="still a draft"):
        store.confirm_on_mosaic(record_id, dt.date(2026, 11, 23))
    store.complete(record_id)
    with today_is(dt.date(2026, 11, 25)):
        with pytest.raises(WorkbookError, match="before the record's date"):
            store.confirm_on_mosaic(record_id, dt.date(2026, 11, 19))
        with pytest.raises(WorkbookError, match="in the future"):
            store.confirm_on_mosaic(record_id, dt.date(2026, 11, 26))
        store.confirm_on_mosaic(record_id, dt.date(2026, 11, 23))
    info = store.info(record_id)
    assert (info.mosaic_entered_on, info.mosaic_confirmed_by) == (dt.date(2026, 11, 23), MANAGER)
    trail = store.audit_trail(record_id)
    assert trail.iloc[-1]["action"] == "on mosaic"
