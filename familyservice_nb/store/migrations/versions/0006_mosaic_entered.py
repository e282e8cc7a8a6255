"""Keep the day a completed record was confirmed as entered on Mosaic (issue 13): the guidance's
timeliness is about when the record is on Mosaic, the council's system of record.

Revision ID: 0006
Revises: 0002 (the lead rechains it after the migrations of other branches)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("mosaic_entered_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_column("mosaic_confirmed_at")
        batch.drop_column("mosaic_confirmed_by")
        batch.drop_column("mosaic_entered_on")
