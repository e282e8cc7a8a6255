"""Who may complete a record, kept beside it: the manager it names and whether only a manager may complete it.

So that management oversight cannot be faked: `records.manager` is the manager a case supervision
or line management supervision names; `records.manager_required` is true for the kinds only a manager of
the case's team may complete (case supervision, review and closure summaries, a Manager's recording case
note). Both are filled for the records already kept, from their current version, so the store and the
database's row-level security (0004) can apply the rules of `store/authorship.py` without reading JSON.
Existing payloads are not touched: old records stay readable as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MANAGER_KINDS = ("supervision", "review_summary", "closure_summary")
NAMES_MANAGER = ("supervision", "line_management")


def _backfill() -> None:
    bind = op.get_bind()
    records = sa.table("records", sa.column("record_id"), sa.column("kind"), sa.column("current_version"),
                       sa.column("manager"), sa.column("manager_required"))
    versions = sa.table("record_versions", sa.column("record_id"), sa.column("version"), sa.column("payload"))
    rows = bind.execute(
        sa.select(records.c.record_id, records.c.kind, versions.c.payload).join(
            versions, sa.and_(versions.c.record_id == records.c.record_id,
                              versions.c.version == records.c.current_version))
    ).all()
    for record_id, kind, payload in rows:
        try:
            data = json.loads(payload)
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        manager = data.get("manager") if kind in NAMES_MANAGER else None
        required = kind in MANAGER_KINDS or (kind == "case_note" and data.get("note_type") == "Manager's recording")
        if manager or required:
            bind.execute(sa.update(records).where(records.c.record_id == record_id).values(
                manager=manager if isinstance(manager, str) and manager.strip() else None,
                manager_required=required))


def upgrade() -> None:
    op.add_column("records", sa.Column("manager", sa.String(200), nullable=True))
    op.add_column("records", sa.Column("manager_required", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_records_manager", "records", ["manager"])
    _backfill()


def downgrade() -> None:
    op.drop_index("ix_records_manager", table_name="records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("manager_required")
        batch.drop_column("manager")
