"""The audit trail: who, when, which record or note, which fields changed (old and new values)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from storehelp import ADMIN, ANALYST, MANAGER, WORKER, make_supervision

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store.audit import diff


def test_diff_names_each_changed_field_by_its_path():
    old = {"progress": "Slow", "agreed_actions": [{"what": "Call school", "by_when": "2026-11-27"}], "x": 1}
    new = {"progress": "Better", "agreed_actions": [{"what": "Call school", "by_when": "2026-12-04"},
                                                   {"what": "Visit", "by_when": "2026-12-11"}], "x": 1}
    assert diff(old, new) == {
        "progress": {"old": "Slow", "new": "Better"},
        "agreed_actions[0].by_when": {"old": "2026-11-27", "new": "2026-12-04"},
        "agreed_actions[1]": {"old": None, "new": {"what": "Visit", "by_when": "2026-12-11"}},
    }
    assert diff(old, old) == {}
    assert diff({"flag": 1}, {"flag": True}) == {"flag": {"old": 1, "new": True}}  # 1 is not yes


def test_every_save_of_a_record_is_in_the_trail(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.save_draft(make_supervision(progress="Attendance 95%."), record_id)
    store.save_draft(make_supervision(progress="Attendance 95%."), record_id)  # same text: nothing to add
    store.complete(record_id)
    store.amend(record_id, make_supervision(progress="Attendance 96%."), reason="Figure checked with school")
    trail = store.audit_trail(record_id=record_id)
    assert list(trail["action"]) == ["create", "save draft", "complete", "amend"]
    assert set(trail["actor"]) == {MANAGER}
    assert list(trail["version"]) == [1, 1, 1, 2]
    assert trail["changes"][1] == {"progress": {"old": "School attendance up to 92%.", "new": "Attendance 95%."}}
    assert trail["changes"][2] == {}
    assert trail["changes"][3] == {"progress": {"old": "Attendance 95%.", "new": "Attendance 96%."}}
    assert trail["reason"][3] == "Figure checked with school"
    assert trail["changes"][0]["case_id"] == {"old": None, "new": "C-N1"}
    at = pd.to_datetime(trail["at"], utc=True)
    assert at.is_monotonic_increasing
    assert (pd.Timestamp.now(tz="UTC") - at.iloc[-1]) < pd.Timedelta(minutes=5)


def test_a_note_changed_by_a_later_extract_keeps_its_earlier_values(seeded, as_user, tmp_path):
    first = pd.DataFrame({
        "note_id": ["N1", "N2"], "case_id": ["C-N1", "C-N1"], "worker": ["Pat Practitioner"] * 2,
        "event_date": ["16/11/2026", "16/11/2026"], "recorded_at": ["", "17/11/2026 09:30"],
        "status": ["Draft", "Complete"],
    })
    first.to_csv(tmp_path / "a.csv", index=False)
    second = first.assign(recorded_at=["18/11/2026 14:05", "17/11/2026 09:30"], status=["Complete", "Complete"])
    second.to_csv(tmp_path / "b.csv", index=False)
    analyst = as_user(ANALYST)
    analyst.import_extract(tmp_path / "a.csv", as_of="17/11/2026")
    summary = analyst.import_extract(tmp_path / "b.csv", as_of="20/11/2026")
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    trail = analyst.audit_trail(note_id="N1")
    assert list(trail["action"]) == ["import update"]
    assert trail["actor"][0] == ANALYST
    assert trail["changes"][0] == {
        "recorded_at": {"old": None, "new": "2026-11-18 14:05:00"},
        "status": {"old": "Draft", "new": "Complete"},
    }
    assert analyst.audit_trail(note_id="N2").empty
    note = analyst.notes_frame().set_index("note_id").loc["N1"]
    assert note["recorded_at"] == pd.Timestamp("2026-11-18 14:05")
    assert note["status"] == "Complete"


def test_staff_case_and_settings_changes_are_in_the_trail(seeded, as_user):
    from familyservice_nb.records import Staff

    admin = as_user(ADMIN)
    admin.save_staff([Staff(name="Pat Practitioner-Smith", login="pat.practitioner", role="practitioner",
                            teams=["North"], line_manager=MANAGER)])
    settings = admin.settings()
    admin.save_settings(settings.model_copy(update={"supervision_interval_days": 21,
                                                    "closure_days": [dt.date(2026, 12, 24)]}))
    trail = admin.audit_trail()
    staff_change = trail[(trail["entity"] == "staff") & (trail["action"] == "update")].iloc[-1]
    assert staff_change["changes"] == {"name": {"old": "Pat Practitioner", "new": "Pat Practitioner-Smith"}}
    settings_change = trail[trail["entity"] == "settings"].iloc[-1]
    assert settings_change["changes"]["supervision_interval_days"] == {"old": 28, "new": 21}
    assert admin.settings().supervision_interval_days == 21
    assert admin.calendar().closures  # the calendar follows the settings


def test_an_answer_left_empty_is_not_a_change():
    """The audit: a planned supervision's "Started" row listed the safeguarding concern, advice, decision and
    rationale among the changed fields, though nothing was written in them."""
    from familyservice_nb.store.audit import diff

    started = diff({}, {"concern": "", "advice_given": None, "key_dates": [], "case_summary": "Two children."})
    assert started == {"case_summary": {"old": None, "new": "Two children."}}
    assert diff({"concern": "Bruise"}, {"concern": ""}) == {"concern": {"old": "Bruise", "new": ""}}  # emptied
    assert diff({"concern": ""}, {"concern": None}) == {}


def test_opening_a_record_or_a_story_and_every_export_is_in_the_trail(seeded, as_user, tmp_path):
    """Reads are audited too, on both databases: who opened or exported what, and when; a record's history of
    changes stays as it was."""
    from familyservice_nb.documents import export_case, export_record
    from familyservice_nb.store.audit import READ_ACTIONS

    manager = as_user(MANAGER)
    record_id = manager.save_draft(make_supervision())
    manager.complete(record_id)
    changes = manager.audit_trail(record_id)
    reader = as_user(WORKER)
    reader.get(record_id)
    reader.saved_payload(record_id)  # the same record opened again at once: entered once
    reader.case_story("C-N1")
    export_record(reader, record_id, tmp_path / "record.docx")
    export_case(reader, "C-N1", tmp_path / "story.pdf")  # reads the story again: entered once
    with pytest.raises(WorkbookError, match="not case as 'xlsx'"):
        reader.audit_export("case", "C-N1", "xlsx")
    trail = as_user(ANALYST).audit_trail(reads=True)
    reads = trail[trail["action"].isin(READ_ACTIONS)]
    versions = [None if pd.isna(v) else int(v) for v in reads["version"]]
    assert list(zip(reads["actor"], reads["action"], reads["entity"], reads["entity_id"], versions, strict=True)) == [
        (WORKER, "read", "record", record_id, None), (WORKER, "read story", "case", "C-N1", None),
        (WORKER, "export word", "record", record_id, 1), (WORKER, "export pdf", "case", "C-N1", None)]
    at = pd.to_datetime(reads["at"], utc=True)
    assert at.is_monotonic_increasing and (pd.Timestamp.now(tz="UTC") - at.iloc[0]) < pd.Timedelta(minutes=5)
    assert manager.audit_trail(record_id).equals(changes)  # the record's history shows its changes only
    assert not as_user(ANALYST).audit_trail()["action"].isin(READ_ACTIONS).any()
