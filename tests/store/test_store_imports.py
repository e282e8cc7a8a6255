"""Extract imports: notes keyed by note_id, updated only when their recorded time or status changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from familyservice_nb.demo import make_demo_extract
from familyservice_nb.extract import read_extract
from familyservice_nb.store import Store
from familyservice_nb.timeliness import assess_timeliness, overall_timeliness

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def extract_file(tmp_path):
    """A synthetic extract of 1,200 notes plus one unreadable row and a passthrough column."""
    frame = make_demo_extract(rows=1200, seed=5, as_of=AS_OF)
    frame["Locality"] = "North"
    frame.loc[10, "event_date"] = "31/02/2026"
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    return path


def test_an_import_counts_every_row(store_url, extract_file):
    store = Store(store_url)
    summary = store.import_extract(extract_file, as_of=AS_OF, batch_size=500)
    assert (summary.rows_in, summary.new, summary.updated, summary.unchanged, summary.rejected) == (
        1200, 1199, 0, 0, 1,
    )
    assert "31/02/2026" in summary.rejects["event_date"].iloc[0]
    again = store.import_extract(extract_file, as_of=AS_OF, batch_size=500)
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 1199, 1)
    assert store.check().counts["notes"] == 1199
    imports = store.imports()
    assert list(imports["file_name"]) == ["extract.csv", "extract.csv"]
    assert list(imports["state"]) == ["complete", "complete"]
    assert list(imports["as_of"]) == [AS_OF, AS_OF]
    assert list(imports["notes_new"]) == [1199, 0]
    kept = store.import_rejects(int(imports["import_id"][0]))
    assert list(kept["row_number"]) == [12]
    assert kept["event_date"][0] == "31/02/2026"
    assert "event date" in kept["reason"][0].lower()


def test_stored_notes_come_back_in_the_extracts_shape(store_url, extract_file):
    store = Store(store_url)
    store.import_extract(extract_file, as_of=AS_OF)
    stored = store.notes_frame()
    read = read_extract(extract_file).notes
    assert stored.attrs["as_of"] == AS_OF
    assert list(stored.columns) == list(read.columns)
    assert dict(stored.dtypes.astype(str)) == dict(read.dtypes.astype(str))
    read = read.sort_values("note_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, read, check_categorical=False)
    from_store = overall_timeliness(assess_timeliness(stored, as_of=stored.attrs["as_of"]))
    from_file = overall_timeliness(assess_timeliness(read, as_of=AS_OF))
    assert from_store == from_file


def test_a_note_changes_only_when_its_recorded_time_or_status_does(store_url, tmp_path):
    base = pd.DataFrame({
        "note_id": ["N1", "N2", "N3"], "case_id": ["C1", "C1", "C2"], "worker": ["Kai Oakhurst"] * 3,
        "event_date": ["16/11/2026"] * 3, "recorded_at": ["", "17/11/2026 10:00", "17/11/2026 11:00"],
        "status": ["Draft", "Complete", "Complete"],
    })
    base.to_csv(tmp_path / "one.csv", index=False)
    later = base.copy()
    later.loc[0, ["recorded_at", "status"]] = ["19/11/2026 16:00", "Complete"]  # recorded since
    later.loc[1, "worker"] = "Someone Else"  # only a name changed: not an update
    later.loc[2, "status"] = "Deleted"
    later.to_csv(tmp_path / "two.csv", index=False)
    store = Store(store_url)
    store.import_extract(tmp_path / "one.csv", as_of="17/11/2026")
    summary = store.import_extract(tmp_path / "two.csv", as_of="20/11/2026")
    assert (summary.new, summary.updated, summary.unchanged) == (0, 2, 1)
    notes = store.notes_frame().set_index("note_id")
    assert list(notes["status"]) == ["Complete", "Complete", "Deleted"]
    assert notes.loc["N2", "worker"] == "Kai Oakhurst"
    assert notes.attrs["as_of"] == dt.date(2026, 11, 20)
    # The earlier extract, imported again by mistake, does not undo what the later one said.
    stale = store.import_extract(tmp_path / "one.csv", as_of="17/11/2026")
    assert (stale.new, stale.updated, stale.unchanged, stale.older) == (0, 0, 1, 2)
    assert list(store.notes_frame()["status"]) == ["Complete", "Complete", "Deleted"]
    assert any("later extract" in s for s in stale.sentences())


def test_an_extract_that_cannot_be_used_changes_nothing(store_url, tmp_path):
    from familyservice_nb.errors import UnusableFile

    store = Store(store_url)
    path = tmp_path / "no-dates.csv"
    path.write_text("note_id,worker\nN1,Kai\n", encoding="utf-8")
    with pytest.raises(UnusableFile):
        store.import_extract(path)
    assert store.imports().empty
    assert store.check().counts["notes"] == 0
