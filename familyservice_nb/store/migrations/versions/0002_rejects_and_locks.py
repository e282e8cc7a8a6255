"""Keep each import's rejected rows, remember which import last changed a note, and let the database
itself refuse to change or delete a completed version of a record.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer, "sqlite")
LOCKED = "A completed version of a record cannot be changed or removed; amend the record instead."

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER record_versions_locked_update BEFORE UPDATE ON record_versions
        WHEN OLD.state = 'complete' BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END""",
    f"""CREATE TRIGGER record_versions_locked_delete BEFORE DELETE ON record_versions
        WHEN OLD.state = 'complete' BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END""",
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION fsnb_completed_version_locked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.state = 'complete' THEN RAISE EXCEPTION '{LOCKED}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER record_versions_locked BEFORE UPDATE OR DELETE ON record_versions
        FOR EACH ROW EXECUTE FUNCTION fsnb_completed_version_locked()""",
]


def upgrade() -> None:
    op.create_table(
        "import_rejects",
        sa.Column("reject_id", Id, autoincrement=True),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.Column("row_number", sa.Integer, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("row_values", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("reject_id", name="pk_import_rejects"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.import_id"], name="fk_import_rejects_import_id_imports"),
    )
    op.create_index("ix_import_rejects_import_id", "import_rejects", ["import_id"])

    # Every note so far was last written by the import that first wrote it.
    op.add_column("notes", sa.Column("last_import_id", sa.Integer, nullable=True))
    op.execute("UPDATE notes SET last_import_id = first_import_id")
    with op.batch_alter_table("notes") as batch:
        batch.alter_column("last_import_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_notes_last_import_id_imports", "imports", ["last_import_id"], ["import_id"])
    op.create_index("ix_notes_last_import_id", "notes", ["last_import_id"])

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER record_versions_locked_update")
        op.execute("DROP TRIGGER record_versions_locked_delete")
    else:
        op.execute("DROP TRIGGER record_versions_locked ON record_versions")
        op.execute("DROP FUNCTION fsnb_completed_version_locked()")
    op.drop_index("ix_notes_last_import_id", table_name="notes")
    with op.batch_alter_table("notes") as batch:
        batch.drop_constraint("fk_notes_last_import_id_imports", type_="foreignkey")
        batch.drop_column("last_import_id")
    op.drop_index("ix_import_rejects_import_id", table_name="import_rejects")
    op.drop_table("import_rejects")
