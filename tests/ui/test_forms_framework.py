"""The form framework's pieces: inputs built from model fields, add/remove rows, unfinished drafts,
the copy box, links into a page."""

from __future__ import annotations

import datetime as dt

import pytest

from familyservice_nb.errors import WorkbookError
from familyservice_nb.records import CaseNote, GFPOSessionRecord, KeyDate, SessionRecord, SupervisionRecord
from familyservice_nb.store import NotAllowed, RecordLocked, Store
from familyservice_nb.ui.forms.framework.autosave import Debouncer
from familyservice_nb.ui.forms.framework.copy import CopyText
from familyservice_nb.ui.forms.framework.fields import field_widget, kind_of
from familyservice_nb.ui.forms.framework.history import audit_table
from familyservice_nb.ui.forms.framework.rows import RowList
from familyservice_nb.ui.kit.request import parse_query
from familyservice_nb.ui.kit.values import date_text, read_date

from forms_seed import COMPLETE_DISCUSSION, MANAGER, NORTH_CASE, PRACTITIONER, SOUTH_CASE, seed, sqlite_url


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


@pytest.mark.parametrize(("model", "name", "kind"), [
    (SupervisionRecord, "case_summary", "long"),
    (SupervisionRecord, "event_date", "date"),
    (SupervisionRecord, "risk_identified", "check"),  # has a default: a tick box
    (SupervisionRecord, "kind", "choice"),
    (SessionRecord, "aims_met", "yesno"),  # required: Yes / No with neither chosen at first
    (GFPOSessionRecord, "start_time", "time"),
    (CaseNote, "document_date", "date"),  # Day | None
    (CaseNote, "key_event", "choice"),
    (CaseNote, "participants", "lines"),
])
def test_the_input_follows_the_fields_type(model, name, kind):
    assert kind_of(model.model_fields[name]) == kind


def test_an_input_is_labelled_and_described_by_its_field():
    field = field_widget(SessionRecord, "what_will_be_done_differently")
    assert field.control.description == "What will be done differently"  # the model's generated title
    assert "what will change next time" in field.notes.value
    yes_no = field_widget(SessionRecord, "aims_met")
    assert yes_no.value is None
    yes_no.value = False
    assert yes_no.value is False


def test_problems_are_shown_escaped():
    field = field_widget(KeyDate, "what")
    field.show_problems(["<script>alert(1)</script> is not right"])
    assert "<script>" not in field.notes.value and "&lt;script&gt;" in field.notes.value
    field.show_problems([])
    assert not field.problems_shown


def test_rows_are_added_removed_and_empty_ones_left_out():
    rows = RowList(KeyDate, ["date", "what"], noun="key date")
    first = rows.add_row({"date": "15/12/2026", "what": "Family plan review"})
    rows.add_row()  # left empty
    third = rows.add_row({"what": "Core group"})
    assert [r.remove.description for r in rows.rows] == ["Remove key date 1", "Remove key date 2", "Remove key date 3"]
    assert len(rows.data) == 3 and len(rows.filled()) == 2
    first.remove.click()
    assert rows.rows[0] is not first and third.remove.description == "Remove key date 2"
    assert rows.data[-1] == {"what": "Core group"}


def test_uk_dates_are_read_day_first_and_never_guessed():
    assert read_date("4/5/2026") == dt.date(2026, 5, 4)
    assert read_date("2026-05-04") == dt.date(2026, 5, 4)
    assert read_date("05/13/2026") is None
    assert date_text("2026-11-25") == "25/11/2026"
    assert date_text("25/11/20") == "25/11/20"  # half typed stays as typed


def test_the_copy_box_never_puts_text_into_markup():
    from familyservice_nb.ui.forms.framework.copy import _ESM

    assert "innerHTML" not in _ESM and "insertAdjacentHTML" not in _ESM and "eval(" not in _ESM
    assert "area.value = model.get(\"text\")" in _ESM
    box = CopyText(text="<img src=x onerror=alert(1)>")
    assert box.text == "<img src=x onerror=alert(1)>"


def test_the_audit_trail_is_escaped():
    import pandas as pd

    trail = pd.DataFrame({"at": [dt.datetime(2026, 11, 25, 14, 5, tzinfo=dt.UTC)], "actor": ["<b>x</b>"],
                          "action": ["amend"], "version": [2], "changes": [{"case_summary": {}}],
                          "reason": ["<script>alert(1)</script>"]})
    html = audit_table(trail, SupervisionRecord)
    assert "<script>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "Case summary" in html and "25/11/2026 at 14:05" in html


def test_query_strings_give_the_first_value_of_each_parameter():
    assert parse_query("case=C-N1&record=&x=1&x=2") == {"case": "C-N1", "x": "1"}
    assert parse_query("") == {} and parse_query(None) == {}


def test_the_debouncer_waits_for_flush_outside_a_kernel():
    saved = []
    debouncer = Debouncer(lambda: saved.append(1), delay=0.01)
    debouncer.touch()
    debouncer.touch()
    assert saved == [] and debouncer.pending
    debouncer.flush()
    debouncer.flush()
    assert saved == [1]


def test_an_unfinished_draft_is_kept_as_typed_and_checked_when_completed(url):
    store = Store(url, user=MANAGER)
    half = {"case_id": NORTH_CASE, "author": MANAGER, "manager": MANAGER, "practitioner": PRACTITIONER,
            "event_date": "25/11/20", "case_summary": "Half"}
    record_id = store.save_unfinished(half, None, "supervision")
    assert store.saved_payload(record_id)["event_date"] == "25/11/20"
    info = store.info(record_id)
    assert info.state == "draft" and info.case_id == NORTH_CASE and info.subject == PRACTITIONER
    whole = half | {"event_date": "25/11/2026", "kind": "Planned supervision"} | COMPLETE_DISCUSSION
    assert store.save_unfinished(whole, record_id, "supervision") == record_id
    store.complete(record_id)
    with pytest.raises(RecordLocked):
        store.save_unfinished(half, record_id, "supervision")
    assert [a["action"] for a in store.audit_trail(record_id).to_dict("records")] == ["create", "save draft",
                                                                                         "complete"]


def test_an_unfinished_draft_obeys_who_sees_what(url):
    store = Store(url, user=MANAGER)
    with pytest.raises(NotAllowed):
        store.save_unfinished({"case_id": SOUTH_CASE, "author": MANAGER}, None, "supervision")
    with pytest.raises(WorkbookError):
        store.save_unfinished({"case_id": NORTH_CASE}, None, "no_such_kind")
    assert store.records() == []


def test_waiting_saves_are_made_when_the_kernel_shuts_down():
    from familyservice_nb.ui.forms.framework import autosave

    saved = []
    debouncer = autosave.Debouncer(lambda: saved.append(1))
    debouncer.touch()
    autosave._flush_all()
    assert saved == [1]
