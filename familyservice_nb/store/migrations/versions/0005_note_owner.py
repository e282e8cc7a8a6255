"""Notes belong to staff by their place on the staff list, never by display name (issue 12).

Adds `notes.worker_staff_id`. Notes already stored get the one person on the staff list whose name (or
login) the note gives; a note whose name two people share, or nobody has, is left with no owner (it is
still seen on its case, by the case's worker and managers, and by analysts), never given to a namesake.

Revision ID: 0005
Revises: 0002 (the lead chains it after 0003 and 0004 at merge)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

OWNERS = """
UPDATE notes SET worker_staff_id = (
    SELECT s.staff_id FROM staff s WHERE s.name = notes.worker OR s.login = notes.worker
)
WHERE notes.worker IS NOT NULL
  AND (SELECT count(*) FROM staff s WHERE s.name = notes.worker OR s.login = notes.worker) = 1
"""


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("worker_staff_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_notes_worker_staff_id_staff", "staff", ["worker_staff_id"], ["staff_id"])
    op.create_index("ix_notes_worker_staff_id", "notes", ["worker_staff_id"])
    op.execute(OWNERS)


def downgrade() -> None:
    op.drop_index("ix_notes_worker_staff_id", "notes")
    with op.batch_alter_table("notes") as batch:
        batch.drop_constraint("fk_notes_worker_staff_id_staff", type_="foreignkey")
        batch.drop_column("worker_staff_id")
