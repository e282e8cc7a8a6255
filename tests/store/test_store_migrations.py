"""Migrations: an empty database and one at the previous revision both reach the newest without losing rows."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, insert, select, text, update
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
    assert migrate.upgrade(engine) == migrate.head_revision() == "0006"
    with engine.connect() as conn:  # the migrations build exactly the tables the code uses
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
    assert migrate.upgrade(engine) == "0006"  # a second upgrade changes nothing


def _fill_first_schema(engine) -> None:
    """Rows as the first revision keeps them."""
    with engine.begin() as conn:
        conn.execute(insert(teams).values(team_id=1, name="Newark"))
        conn.execute(insert(staff).values(staff_id=1, login="morgan.manager", name="Morgan Manager", role="manager",
                                          newly_qualified=False))
        conn.execute(insert(cases).values(case_id="CASE-001", family_pseudonym="Example family",
                                          allocated_worker_id=1, team_id=1))
        conn.execute(insert(records).values(
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
    assert Store(store_url).upgrade() == "0006"
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
