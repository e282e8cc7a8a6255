"""The tables, as the newest migration leaves them (SQLAlchemy Core).

Migrations (`migrations/versions/`) are the source of truth for how a database gets here; a test
compares the two so they never drift. Records are kept as kind + validated JSON payload + a few
indexed columns, so a new field on a record model needs no migration.
JSON is kept as text (not JSONB): the exact text typed is what comes back.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class ImportState(StrEnum):
    """An extract import's state, as stored (`imports.state`)."""

    RUNNING = "running"
    COMPLETE = "complete"


# Identifiers and names are indexed; PostgreSQL cannot index very long text, so the store refuses, in plain
# words, an id longer than ID_LENGTH or a name longer than NAME_LENGTH characters (the same on both engines).
ID_LENGTH, NAME_LENGTH = 200, 500
Id = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER PRIMARY KEY only
When = DateTime(timezone=True)  # UTC

teams = Table(
    "teams", metadata,
    Column("team_id", Integer, primary_key=True),
    Column("name", String(500), nullable=False, unique=True),
)

staff = Table(
    "staff", metadata,
    Column("staff_id", Integer, primary_key=True),
    Column("login", String(200), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("role", String(20), nullable=False),
    Column("line_manager_id", Integer, ForeignKey("staff.staff_id"), nullable=True),
    Column("newly_qualified", Boolean, nullable=False, default=False),
    CheckConstraint("role IN ('practitioner', 'manager', 'analyst', 'admin')", name="role"),
)

staff_teams = Table(
    "staff_teams", metadata,
    Column("staff_id", Integer, ForeignKey("staff.staff_id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", Integer, ForeignKey("teams.team_id"), primary_key=True),
)

cases = Table(
    "cases", metadata,
    Column("case_id", String(200), primary_key=True),
    Column("family_pseudonym", Text, nullable=False),
    Column("allocated_worker_id", Integer, ForeignKey("staff.staff_id"), nullable=True, index=True),
    Column("team_id", Integer, ForeignKey("teams.team_id"), nullable=True, index=True),
    Column("open_date", Date, nullable=True),
    Column("close_date", Date, nullable=True),
)

children = Table(
    "children", metadata,
    Column("child_id", String(200), primary_key=True),
    Column("case_id", String(200), ForeignKey("cases.case_id"), nullable=False, index=True),
    Column("pseudonym", Text, nullable=False),
    Column("date_of_birth", Date, nullable=True),
)

settings = Table(
    "settings", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("updated_at", When, nullable=False),
    Column("updated_by", String(200), nullable=False),
)

records = Table(
    "records", metadata,
    Column("record_id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),
    Column("case_id", String(200), ForeignKey("cases.case_id"), nullable=True),
    Column("subject", String(200), nullable=True),  # the practitioner a line-management record is about
    Column("author", String(200), nullable=False),
    Column("manager", String(200), nullable=True, index=True),  # the manager a supervision names (0003)
    # only a manager of the case's team may complete it (store/authorship.py; 0003)
    Column("manager_required", Boolean, nullable=False, default=False, server_default=false()),
    Column("event_date", Date, nullable=False),
    Column("risk_identified", Boolean, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("state", String(10), nullable=False),  # of the newest version
    Column("current_version", Integer, nullable=False),
    Column("created_at", When, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("updated_at", When, nullable=False),
    # confirmed as entered on Mosaic (migration 0006): the day, who said so and when
    Column("mosaic_entered_on", Date, nullable=True),
    Column("mosaic_confirmed_by", String(200), nullable=True),
    Column("mosaic_confirmed_at", When, nullable=True),
    CheckConstraint("state IN ('draft', 'complete')", name="state"),
    Index("ix_records_case_kind", "case_id", "kind"),
    Index("ix_records_kind_event", "kind", "event_date"),
    Index("ix_records_author", "author"),
    sqlite_autoincrement=True,  # a number stays with one record for good, a discarded one's too (0009)
)

record_versions = Table(
    "record_versions", metadata,
    Column("record_id", Id, ForeignKey("records.record_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("state", String(10), nullable=False),
    Column("payload", Text, nullable=False),  # the record model's JSON
    Column("saved_at", When, nullable=False),
    Column("saved_by", String(200), nullable=False),
    Column("completed_at", When, nullable=True),
    Column("completed_by", String(200), nullable=True),
    Column("reason", Text, nullable=True),  # why an amendment was made
    CheckConstraint("state IN ('draft', 'complete')", name="state"),
)

imports = Table(
    "imports", metadata,
    Column("import_id", Integer, primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("state", String(10), nullable=False),  # running | complete
    Column("started_at", When, nullable=False),
    Column("finished_at", When, nullable=True),
    Column("imported_by", String(200), nullable=False),
    Column("rows_in", Integer, nullable=False, default=0),
    Column("notes_new", Integer, nullable=False, default=0),
    Column("notes_updated", Integer, nullable=False, default=0),
    Column("notes_unchanged", Integer, nullable=False, default=0),
    Column("notes_older", Integer, nullable=False, default=0),  # kept: the database has a later extract's values
    Column("rows_rejected", Integer, nullable=False, default=0),
    Column("warnings", Text, nullable=True),  # JSON list of sentences
    CheckConstraint("state IN ('running', 'complete')", name="state"),
)

import_rejects = Table(
    "import_rejects", metadata,
    Column("reject_id", Id, primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("imports.import_id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=True),
    Column("reason", Text, nullable=False),
    Column("row_values", Text, nullable=False),  # JSON: the row's original values
)

notes = Table(
    "notes", metadata,
    Column("note_id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=True, index=True),  # not a foreign key: Mosaic knows more cases
    Column("worker", String(500), nullable=True, index=True),  # the name the extract gives, as given
    # Who wrote it, on the staff list: from the extract's worker_id (a login), else a name exactly one
    # person has; none when the name is shared or unknown (never matched by name at read time).
    Column("worker_staff_id", Integer, ForeignKey("staff.staff_id", ondelete="SET NULL"), nullable=True, index=True),
    Column("team", String(500), nullable=True),
    Column("note_type", Text, nullable=True),
    Column("event_date", Date, nullable=False),
    Column("recorded_at", DateTime, nullable=True),  # London local time, as the extract gives it
    Column("risk_identified", Boolean, nullable=False),
    Column("status", Text, nullable=True),
    Column("extra", Text, nullable=True),  # JSON: the extract's other columns, passed through
    Column("source_row", Integer, nullable=True),
    Column("as_of", Date, nullable=False),  # the as-of date of the extract these values came from
    Column("first_import_id", Integer, ForeignKey("imports.import_id"), nullable=False),
    Column("last_import_id", Integer, ForeignKey("imports.import_id"), nullable=False, index=True),
)

audit = Table(
    "audit", metadata,
    Column("audit_id", Id, primary_key=True, autoincrement=True),
    Column("at", When, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(30), nullable=False),
    Column("entity", String(20), nullable=False),  # record, note, staff, case, child, settings, import
    Column("entity_id", String(200), nullable=False),
    Column("version", Integer, nullable=True),
    Column("changes", Text, nullable=True),  # JSON: {"field.path": {"old": ..., "new": ...}}
    Column("reason", Text, nullable=True),
    Index("ix_audit_entity", "entity", "entity_id"),
)

# PostgreSQL: the login role each hub user's server connects with, and the staff login it acts for
# (store/db_logins.py). Row-level security reads it to know who a session is; logins cannot read it.
database_logins = Table(
    "database_logins", metadata,
    Column("role_name", String(63), primary_key=True),
    Column("login", String(200), nullable=False, unique=True),
    Column("made_at", When, nullable=False),
)

# What `db check` counts, in the order it prints them.
COUNTED_TABLES = (teams, staff, cases, children, records, record_versions, notes, imports, import_rejects, audit)
