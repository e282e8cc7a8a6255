"""The first schema: staff, teams, cases, children, settings, versioned records, notes, imports, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer, "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("team_id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name="pk_teams"),
        sa.UniqueConstraint("name", name="uq_teams_name"),
    )
    op.create_table(
        "staff",
        sa.Column("staff_id", sa.Integer),
        sa.Column("login", sa.String(200), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("line_manager_id", sa.Integer, nullable=True),
        sa.Column("newly_qualified", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name="pk_staff"),
        sa.UniqueConstraint("login", name="uq_staff_login"),
        sa.ForeignKeyConstraint(["line_manager_id"], ["staff.staff_id"], name="fk_staff_line_manager_id_staff"),
        sa.CheckConstraint("role IN ('practitioner', 'manager', 'analyst', 'admin')", name="ck_staff_role"),
    )
    op.create_table(
        "staff_teams",
        sa.Column("staff_id", sa.Integer, nullable=False),
        sa.Column("team_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "team_id", name="pk_staff_teams"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.staff_id"], name="fk_staff_teams_staff_id_staff", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.team_id"], name="fk_staff_teams_team_id_teams"),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("family_pseudonym", sa.Text, nullable=False),
        sa.Column("allocated_worker_id", sa.Integer, nullable=True),
        sa.Column("team_id", sa.Integer, nullable=True),
        sa.Column("open_date", sa.Date, nullable=True),
        sa.Column("close_date", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
        sa.ForeignKeyConstraint(
            ["allocated_worker_id"], ["staff.staff_id"], name="fk_cases_allocated_worker_id_staff"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.team_id"], name="fk_cases_team_id_teams"),
    )
    op.create_index("ix_cases_allocated_worker_id", "cases", ["allocated_worker_id"])
    op.create_index("ix_cases_team_id", "cases", ["team_id"])
    op.create_table(
        "children",
        sa.Column("child_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("pseudonym", sa.Text, nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("child_id", name="pk_children"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_children_case_id_cases"),
    )
    op.create_index("ix_children_case_id", "children", ["case_id"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "records",
        sa.Column("record_id", Id, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=True),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("risk_identified", sa.Boolean, nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_records"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name="fk_records_case_id_cases"),
        sa.CheckConstraint("state IN ('draft', 'complete')", name="ck_records_state"),
    )
    op.create_index("ix_records_case_kind", "records", ["case_id", "kind"])
    op.create_index("ix_records_kind_event", "records", ["kind", "event_date"])
    op.create_index("ix_records_author", "records", ["author"])
    op.create_table(
        "record_versions",
        sa.Column("record_id", Id, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("saved_at", When, nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("completed_at", When, nullable=True),
        sa.Column("completed_by", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("record_id", "version", name="pk_record_versions"),
        sa.ForeignKeyConstraint(["record_id"], ["records.record_id"], name="fk_record_versions_record_id_records"),
        sa.CheckConstraint("state IN ('draft', 'complete')", name="ck_record_versions_state"),
    )
    op.create_table(
        "imports",
        sa.Column("import_id", sa.Integer),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.Column("finished_at", When, nullable=True),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("rows_in", sa.Integer, nullable=False),
        sa.Column("notes_new", sa.Integer, nullable=False),
        sa.Column("notes_updated", sa.Integer, nullable=False),
        sa.Column("notes_unchanged", sa.Integer, nullable=False),
        sa.Column("notes_older", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("import_id", name="pk_imports"),
        sa.CheckConstraint("state IN ('running', 'complete')", name="ck_imports_state"),
    )
    op.create_table(
        "notes",
        sa.Column("note_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=True),
        sa.Column("worker", sa.String(500), nullable=True),
        sa.Column("team", sa.String(500), nullable=True),
        sa.Column("note_type", sa.Text, nullable=True),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=True),
        sa.Column("risk_identified", sa.Boolean, nullable=False),
        sa.Column("status", sa.Text, nullable=True),
        sa.Column("extra", sa.Text, nullable=True),
        sa.Column("source_row", sa.Integer, nullable=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("first_import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("note_id", name="pk_notes"),
        sa.ForeignKeyConstraint(["first_import_id"], ["imports.import_id"], name="fk_notes_first_import_id_imports"),
    )
    op.create_index("ix_notes_case_id", "notes", ["case_id"])
    op.create_index("ix_notes_worker", "notes", ["worker"])
    op.create_table(
        "audit",
        sa.Column("audit_id", Id, autoincrement=True),
        sa.Column("at", When, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("changes", sa.Text, nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("audit_id", name="pk_audit"),
    )
    op.create_index("ix_audit_entity", "audit", ["entity", "entity_id"])


def downgrade() -> None:
    for table in (
        "audit", "notes", "imports", "record_versions", "records", "settings", "children", "cases",
        "staff_teams", "staff", "teams",
    ):
        op.drop_table(table)
