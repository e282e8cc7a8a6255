"""A record's number is never given to another record, on SQLite as on PostgreSQL.

The audit trail names a record by its number, so a number must stay with one record for good, also once that
record is gone (a discarded first draft). PostgreSQL's sequence never goes back. SQLite gives a new row the
highest number in the table plus one, so discarding the newest record gave its number to the next: the trail
then told two records' stories as one. On SQLite, `records` is made again with AUTOINCREMENT (numbers only go
up), and its counter starts past every number the table or the audit trail has ever held.

PostgreSQL: nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The highest record number ever used: in the table, or named by the audit trail (records since discarded).
HIGHEST_EVER = """
SELECT max(n) FROM (
  SELECT max(record_id) AS n FROM records
  UNION ALL
  SELECT max(CAST(entity_id AS INTEGER)) FROM audit WHERE entity = 'record' AND entity_id GLOB '[0-9]*'
)
"""


def _remake_records(autoincrement: bool) -> None:
    # The copy keeps every row, column, index and constraint; record_versions' references to it are checked
    # before the upgrade commits (migrations/env.py).
    with op.batch_alter_table("records", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _remake_records(autoincrement=True)
    highest = bind.execute(sa.text(HIGHEST_EVER)).scalar() or 0
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'records'"))
    bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('records', :seq)"), {"seq": highest})


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _remake_records(autoincrement=False)
