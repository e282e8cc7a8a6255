"""Notes belong to staff by login or staff id, never by display name, tried as the attack:
a newcomer who shares a colleague's name must see none of the colleague's notes. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from familyservice_nb.records import Staff
from familyservice_nb.store import Store

AS_OF = dt.date(2026, 11, 25)
ANALYST = "casey.analyst"


def staff_list(*people: Staff) -> list[Staff]:
    return [Staff(name="Casey Analyst", login=ANALYST, role="analyst"), *people]


SAM = Staff(name="Sam Smith", login="sam.smith", role="practitioner", teams=["North"])
NEWCOMER = Staff(name="Sam Smith", login="sam.smith2", role="practitioner", teams=["South"])
ALEX = Staff(name="Alex Ashdown", login="alex.ashdown", role="practitioner", teams=["North"])


def write_extract(path, rows: int, worker: str, cases: int, worker_id: str | None = None, first: int = 0) -> str:
    frame = pd.DataFrame({
        "note_id": [f"N{first + i:05d}" for i in range(rows)],
        "case_id": [f"C{i % cases:04d}" for i in range(rows)],  # cases the workbook has not been told about
        "worker": worker, "team": "North", "note_type": "Visit", "event_date": "16/11/2026",
        "recorded_at": "20/11/2026 10:00", "risk_identified": "No", "status": "Complete",
    })
    if worker_id is not None:
        frame["Worker ID"] = worker_id
    frame.to_csv(path, index=False)
    return str(path)


def seen_by(url: str, login: str) -> set[str]:
    with Store(url, user=login) as store:
        return set(store.notes_frame()["note_id"])


def test_a_newcomer_who_shares_a_name_sees_none_of_the_colleagues_notes(store_url, tmp_path):
    with Store(store_url, user=None) as store:
        store.save_staff(staff_list(SAM))
    with Store(store_url, user=ANALYST) as store:
        summary = store.import_extract(write_extract(tmp_path / "x.csv", 225, "Sam Smith", 106), as_of=AS_OF)
        assert summary.new == 225 and not summary.warnings
    with Store(store_url, user=None) as store:
        store.save_staff([NEWCOMER])  # joins later, with the same name
    assert len(seen_by(store_url, "sam.smith")) == 225
    assert seen_by(store_url, "sam.smith2") == set()  # was 225 notes on 106 cases when matched by name
    assert len(seen_by(store_url, ANALYST)) == 225


def test_a_name_two_people_share_is_reported_never_guessed(store_url, tmp_path):
    with Store(store_url, user=None) as store:
        store.save_staff(staff_list(SAM, NEWCOMER, ALEX))
    extract = write_extract(tmp_path / "x.csv", 40, "Sam Smith", 7)
    with Store(store_url, user=ANALYST) as store:
        summary = store.import_extract(extract, as_of=AS_OF)
        ours = store.import_extract(write_extract(tmp_path / "y.csv", 5, "Alex Ashdown", 2, first=100), as_of=AS_OF)
    said = " ".join(summary.sentences())
    assert "40 notes name the worker 'Sam Smith', and 2 people on the staff list have that name" in said
    assert "worker_id" in said
    assert not ours.warnings
    assert seen_by(store_url, "sam.smith") == set() and seen_by(store_url, "sam.smith2") == set()
    assert len(seen_by(store_url, "alex.ashdown")) == 5  # a name only one person has still finds them
    assert len(seen_by(store_url, ANALYST)) == 45  # nothing lost: kept, and seen by those who see all
    with Store(store_url, user=ANALYST) as store:  # the import remembers what it said
        assert any("Sam Smith" in w for w in store.imports().iloc[0]["warnings"])


def test_the_extracts_worker_id_says_whose_each_note_is(store_url, tmp_path):
    with Store(store_url, user=None) as store:
        store.save_staff(staff_list(SAM, NEWCOMER))
    with Store(store_url, user=ANALYST) as store:
        first = store.import_extract(write_extract(tmp_path / "a.csv", 10, "Sam Smith", 3, worker_id="SAM.SMITH2"),
                                     as_of=AS_OF)
        second = store.import_extract(write_extract(tmp_path / "b.csv", 4, "Sam Smith", 3, worker_id="sam.smith",
                                                    first=50), as_of=AS_OF)
        unknown = store.import_extract(write_extract(tmp_path / "c.csv", 2, "Sam Smith", 3, worker_id="s.nobody",
                                                     first=90), as_of=AS_OF)
    assert not first.warnings and not second.warnings
    assert "2 notes give a worker_id that is not a login on the staff list ('s.nobody')" in " ".join(unknown.warnings)
    assert seen_by(store_url, "sam.smith2") == {f"N{i:05d}" for i in range(10)}
    assert seen_by(store_url, "sam.smith") == {f"N{i:05d}" for i in range(50, 54)}


def test_a_worker_id_column_under_the_councils_own_header(sqlite_url, tmp_path):
    mapping = tmp_path / "columns.toml"
    mapping.write_text('[columns]\nworker_id = "Mosaic Worker"\n', encoding="utf-8")
    path = tmp_path / "x.csv"
    write_extract(path, 3, "Sam Smith", 1, worker_id="sam.smith")
    frame = pd.read_csv(path).rename(columns={"Worker ID": "Mosaic Worker"})
    frame.to_csv(path, index=False)
    with Store(sqlite_url, user=None) as store:
        store.save_staff(staff_list(SAM, NEWCOMER))
    with Store(sqlite_url, user=ANALYST) as store:
        store.import_extract(path, mapping=mapping, as_of=AS_OF)
    assert len(seen_by(sqlite_url, "sam.smith")) == 3 and seen_by(sqlite_url, "sam.smith2") == set()
