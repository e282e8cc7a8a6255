"""Migrations: an empty database and one at the previous revision both reach the newest without losing rows."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import column, func, insert, select, table, text, update
from sqlalchemy.exc import DBAPIError

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import NeedsUpgrade, Store, migrate
from familyservice_nb.store.engine import make_engine
from familyservice_nb.store.schema import (
    audit,
    cases,
    imports,
    metadata,
    notes,
    record_versions,
    records,
    staff,
    teams,
)

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(store_url):
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def test_an_empty_database_is_brought_to_the_newest_schema(engine):
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) == migrate.head_revision()
    with engine.connect() as conn:  # the migrations build exactly the tables the code uses
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
    assert migrate.upgrade(engine) == migrate.head_revision()  # a second upgrade changes nothing


# `records` as revisions 0001 and 0002 kept it (0003 added manager and manager_required).
FIRST_RECORDS = table("records", *(column(c) for c in (
    "record_id", "kind", "case_id", "subject", "author", "event_date", "risk_identified", "due_date", "state",
    "current_version", "created_at", "created_by", "updated_at")))


def _fill_first_schema(engine) -> None:
    """Rows as the first revision keeps them."""
    with engine.begin() as conn:
        conn.execute(insert(teams).values(team_id=1, name="Newark"))
        conn.execute(insert(staff).values(staff_id=1, login="morgan.manager", name="Morgan Manager", role="manager",
                                          newly_qualified=False))
        conn.execute(insert(cases).values(case_id="CASE-001", family_pseudonym="Example family",
                                          allocated_worker_id=1, team_id=1))
        conn.execute(insert(FIRST_RECORDS).values(
            record_id=1, kind="supervision", case_id="CASE-001", author="morgan.manager", event_date=NOW.date(),
            risk_identified=False, state="complete", current_version=1, created_at=NOW, created_by="morgan.manager",
            updated_at=NOW,
        ))
        conn.execute(insert(record_versions).values(
            record_id=1, version=1, state="complete", payload='{"progress":"kept"}', saved_at=NOW,
            saved_by="morgan.manager", completed_at=NOW, completed_by="morgan.manager",
        ))
        conn.execute(insert(imports).values(
            import_id=1, file_name="extract.csv", as_of=NOW.date(), state="complete", started_at=NOW,
            imported_by="casey.analyst", rows_in=300, notes_new=300, notes_updated=0, notes_unchanged=0,
            notes_older=0, rows_rejected=0,
        ))
        conn.execute(insert(notes), [
            {"note_id": f"N{i}", "case_id": "CASE-001", "worker": "Alex Example", "event_date": NOW.date(),
             "risk_identified": False, "status": "Complete", "as_of": NOW.date(), "first_import_id": 1}
            for i in range(300)
        ])
        conn.execute(insert(audit).values(at=NOW, actor="morgan.manager", action="create", entity="record",
                                          entity_id="1", version=1))


def _count(conn, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_database_at_the_previous_revision_upgrades_without_losing_rows(engine, store_url):
    migrate.upgrade(engine, "0001")
    _fill_first_schema(engine)
    with pytest.raises(NeedsUpgrade, match="db upgrade"):
        Store(store_url).records()
    assert Store(store_url).upgrade() == migrate.head_revision()
    with engine.connect() as conn:
        counts = {t.name: _count(conn, t) for t in (teams, staff, cases, records, record_versions, imports, notes, audit)}
        assert counts == {"teams": 1, "staff": 1, "cases": 1, "records": 1, "record_versions": 1, "imports": 1,
                          "notes": 300, "audit": 1}
        assert conn.execute(select(record_versions.c.payload)).scalar_one() == '{"progress":"kept"}'
        assert set(conn.execute(select(notes.c.last_import_id)).scalars()) == {1}
    # New in 0002: the database itself refuses to change a completed version.
    with pytest.raises(DBAPIError, match="cannot be changed"), engine.begin() as conn:
        conn.execute(update(record_versions).values(payload='{"progress":"changed"}'))
    with pytest.raises(DBAPIError, match="cannot be changed"), engine.begin() as conn:
        conn.execute(record_versions.delete())
    report = Store(store_url).check()
    assert report.intact, report.problems
    assert report.counts["notes"] == 300


def test_a_database_the_workbook_did_not_make_is_left_alone(engine, store_url):
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
    with pytest.raises(WorkbookError, match="did not make"):
        Store(store_url).cases()


def test_notes_stored_before_0005_get_their_one_named_author_and_a_shared_name_gets_none(engine, store_url):
    """0005: a note's author is a place on the staff list. Existing notes keep being read; each gets the one
    person whose name (or login) it gives; a name two people share is left without an owner, never guessed."""
    migrate.upgrade(engine, "0001")
    _fill_first_schema(engine)  # 300 notes by "Alex Example"
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(insert(staff), [
            {"staff_id": 2, "login": "alex.example", "name": "Alex Example", "role": "practitioner",
             "newly_qualified": False},
            {"staff_id": 3, "login": "sam.one", "name": "Sam Shared", "role": "practitioner", "newly_qualified": False},
            {"staff_id": 4, "login": "sam.two", "name": "Sam Shared", "role": "practitioner", "newly_qualified": False},
        ])
        conn.execute(insert(notes), [
            {"note_id": f"S{i}", "case_id": "CASE-001", "worker": worker, "event_date": NOW.date(),
             "risk_identified": False, "status": "Complete", "as_of": NOW.date(), "first_import_id": 1,
             "last_import_id": 1}
            for i, worker in enumerate(["Sam Shared", "sam.two", "Nobody Known", None])
        ])
    assert migrate.upgrade(engine) == migrate.head_revision()
    with engine.connect() as conn:
        owner = dict(conn.execute(select(notes.c.note_id, notes.c.worker_staff_id)).all())
    assert {owner[f"N{i}"] for i in range(300)} == {2}
    assert [owner[f"S{i}"] for i in range(4)] == [None, 4, None, None]
    report = Store(store_url).check()
    assert report.intact, report.problems
    assert report.counts["notes"] == 304


# A supervision and a Manager's recording as a workbook at migration 0002 keeps them: "Expanded Troubled
# Families", PBR outcomes as bare names, children without a reason field.
OLD_SUPERVISION = (
    '{"record_id":"1","event_date":"2026-11-20","risk_identified":false,"author":"morgan.manager",'
    '"case_id":"CASE-001","case_summary":"Two children.","intervention_offered":"","previous_actions":[],'
    '"progress":"Better.","still_to_happen":"","key_dates":[],"risk_assessments_and_tools":"",'
    '"if_unable_to_engage":"","pbr_programme":"Expanded Troubled Families","pbr_outcomes":["Health"],'
    '"pbr_comment":"","children":[{"child_id":"CH-1","pseudonym":"","date_spoken_to":"2026-11-18",'
    '"seen_alone":true,"views_and_feelings":"Happy."}],"significant_adults":[],"agreed_actions":[],'
    '"kind":"Planned supervision","practitioner":"alex.example","manager":"morgan.manager"}'
)
OLD_NOTE = ('{"record_id":"2","event_date":"2026-11-20","risk_identified":false,"author":"morgan.manager",'
            '"case_id":"CASE-001","note_type":"Manager\'s recording","text":"Case to step down."}')


def test_0003_keeps_old_records_readable_and_fills_who_may_complete(engine, store_url):
    """Migration 0003: records.manager and records.manager_required filled from the kept payloads; records
    kept without what completion asks for still read (old PBR name and outcome list, old children entries)."""
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(insert(teams).values(team_id=1, name="Newark"))
        conn.execute(insert(staff).values(staff_id=1, login="morgan.manager", name="Morgan Manager", role="manager",
                                          newly_qualified=False))
        conn.execute(insert(cases).values(case_id="CASE-001", family_pseudonym="Example family", team_id=1))
        conn.execute(insert(FIRST_RECORDS).values(
            record_id=1, kind="review_summary", case_id="CASE-001", author="morgan.manager", event_date=NOW.date(),
            risk_identified=False, state="draft", current_version=1, created_at=NOW, created_by="morgan.manager",
            updated_at=NOW))
        conn.execute(insert(record_versions).values(
            record_id=1, version=1, state="draft", payload='{"progress":"kept"}', saved_at=NOW,
            saved_by="morgan.manager"))
        conn.execute(insert(FIRST_RECORDS).values(
            record_id=2, kind="supervision", case_id="CASE-001", author="morgan.manager", event_date=NOW.date(),
            risk_identified=False, state="complete", current_version=1, created_at=NOW, created_by="morgan.manager",
            updated_at=NOW))
        conn.execute(insert(record_versions).values(
            record_id=2, version=1, state="complete", payload=OLD_SUPERVISION.replace('"1"', '"2"', 1), saved_at=NOW,
            saved_by="morgan.manager", completed_at=NOW, completed_by="morgan.manager"))
        conn.execute(insert(FIRST_RECORDS).values(
            record_id=3, kind="case_note", case_id="CASE-001", author="morgan.manager", event_date=NOW.date(),
            risk_identified=False, state="complete", current_version=1, created_at=NOW, created_by="morgan.manager",
            updated_at=NOW))
        conn.execute(insert(record_versions).values(
            record_id=3, version=1, state="complete", payload=OLD_NOTE.replace('"2"', '"3"', 1), saved_at=NOW,
            saved_by="morgan.manager", completed_at=NOW, completed_by="morgan.manager"))
    assert Store(store_url).upgrade() == migrate.head_revision()
    with engine.connect() as conn:
        kept = {r.record_id: (r.manager, bool(r.manager_required)) for r in conn.execute(
            select(records.c.record_id, records.c.manager, records.c.manager_required))}
    assert kept == {1: (None, True), 2: ("morgan.manager", True), 3: (None, True)}
    old = Store(store_url).get(2)
    assert old.pbr_programme.heading == "Extended Troubled Families programme"
    assert [(o.outcome, o.status.value) for o in old.pbr_outcomes] == [("Health", "Identified")]
    assert old.children[0].seen_on == dt.date(2026, 11, 18) and old.children[0].not_spoken_to is None
    note = Store(store_url).get(3)  # a Manager's recording kept before decisions were asked for still reads
    assert note.decision == "" and note.text == "Case to step down."


def _new_record(conn) -> int:
    """A draft's row, the number the database gives it."""
    return conn.execute(insert(records).values(
        kind="supervision", case_id="CASE-001", author="morgan.manager", event_date=NOW.date(), risk_identified=False,
        state="draft", current_version=1, created_at=NOW, created_by="morgan.manager", updated_at=NOW,
    )).inserted_primary_key[0]


def test_on_sqlite_a_number_the_audit_trail_names_is_not_given_again(tmp_path):
    """A database made before 0009 whose newest records were discarded: their numbers stay theirs."""
    url = f"sqlite:///{tmp_path / 'before.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0001")
        _fill_first_schema(engine)
        with engine.begin() as conn:  # records 2 and 3 were made and discarded
            for number in ("2", "3"):
                conn.execute(insert(audit).values(at=NOW, actor="morgan.manager", action="discard", entity="record",
                                                  entity_id=number, version=1))
        assert migrate.upgrade(engine) == migrate.head_revision()
        with engine.begin() as conn:
            new = _new_record(conn)
            assert new == 4
            assert conn.execute(select(record_versions.c.payload)).scalar_one() == '{"progress":"kept"}'
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert "AUTOINCREMENT" in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'records'").scalar_one()
        with engine.begin() as conn:  # the newest gone, the next still takes a number of its own
            conn.execute(records.delete().where(records.c.record_id == new))
        with engine.begin() as conn:
            again = _new_record(conn)
        assert again == 5
    finally:
        engine.dispose()


def test_on_sqlite_a_step_that_would_break_a_reference_changes_nothing(tmp_path, monkeypatch):
    """Foreign keys are not enforced while a step runs (SQLite remakes tables by copying them), so each step is
    checked before it commits; the connection enforces them again afterwards."""
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0008")
        with engine.connect() as conn:  # a version of a record that is not there, as a broken step would leave
            sqlite = conn.connection.driver_connection
            sqlite.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, where it can change
            conn.execute(insert(record_versions).values(record_id=99, version=1, state="draft", payload="{}",
                                                        saved_at=NOW, saved_by="morgan.manager"))
            conn.commit()
            sqlite.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(WorkbookError, match="stopped at step 0009.*1, for example in record_versions"):
            migrate.upgrade(engine)
        assert migrate.current_revision(engine) == "0008"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
