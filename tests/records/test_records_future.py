"""A record of the future is refused by the record itself, so every path (form, store, CLI) refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.dates import today_is
from familyservice_nb.records import RECORD_KINDS


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_an_event_tomorrow_is_refused_and_today_is_accepted(kind, valid):
    data = valid(kind)
    with today_is(dt.date(2026, 11, 25)):
        with pytest.raises(ValidationError) as caught:
            RECORD_KINDS[kind].model_validate(data | {"event_date": "26/11/2026"})
        [error] = [e for e in caught.value.errors() if e["loc"] == ("event_date",)]
        assert error["type"] == "future_event"
        assert "26/11/2026 is in the future" in error["msg"] and "today is 25/11/2026" in error["msg"]
        assert RECORD_KINDS[kind].model_validate(data | {"event_date": "25/11/2026"}).event_date == \
            dt.date(2026, 11, 25)


def test_the_store_refuses_a_future_record(tmp_path, valid):
    from familyservice_nb.store import InvalidRecord, Store

    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with today_is(dt.date(2026, 11, 25)), pytest.raises(InvalidRecord, match="30/11/2026 is in the future"):
        store.save_draft(valid("case_note") | {"event_date": "30/11/2026"}, kind="case_note")
