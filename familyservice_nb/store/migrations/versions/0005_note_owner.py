"""Notes belong to staff by their place on the staff list, never by display name.

Adds `notes.worker_staff_id`. Notes already stored get the one person on the staff list whose name (or
login) the note gives; a note whose name two people share, or nobody has, is left with no owner (it is
still seen on its case, by the case's worker and managers, and by analysts), never given to a namesake.
Someone taken off the staff list leaves their notes unowned (ON DELETE SET NULL).

On PostgreSQL the database's own rule for notes (0004's row-level security) follows the same change, so the
database and `access.note_filter` keep giving the same rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OWNERS = """
UPDATE notes SET worker_staff_id = (
    SELECT s.staff_id FROM staff s WHERE s.name = notes.worker OR s.login = notes.worker
)
WHERE notes.worker IS NOT NULL
  AND (SELECT count(*) FROM staff s WHERE s.name = notes.worker OR s.login = notes.worker) = 1
"""

# access.note_filter, as 0004 wrote it (by name) and as it is now (by the owner's place on the staff list).
_SEES = "(SELECT fsnb_sees_all()) OR case_id IN (SELECT c.case_id FROM cases c)"
_ROLE = "(SELECT fsnb_role())"
NOTES_BY_NAME = f"""{_SEES}
    OR ({_ROLE} = 'practitioner' AND worker IN ((SELECT fsnb_name()), (SELECT fsnb_login())))
    OR ({_ROLE} = 'manager' AND (team IN (SELECT unnest(fsnb_team_names()))
                                OR worker IN (SELECT unnest(fsnb_member_names()))))"""
NOTES_BY_OWNER = f"""{_SEES}
    OR ({_ROLE} = 'practitioner' AND worker_staff_id = (SELECT fsnb_staff_id()))
    OR ({_ROLE} = 'manager' AND (team IN (SELECT unnest(fsnb_team_names()))
                                OR worker_staff_id IN (SELECT unnest(fsnb_member_ids()))
                                OR worker_staff_id = (SELECT fsnb_staff_id())))"""


def _notes_policy(condition: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER POLICY who_sees_what ON notes USING ({condition})")


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("worker_staff_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_notes_worker_staff_id_staff", "staff", ["worker_staff_id"], ["staff_id"],
                                 ondelete="SET NULL")
    op.create_index("ix_notes_worker_staff_id", "notes", ["worker_staff_id"])
    op.execute(OWNERS)
    _notes_policy(NOTES_BY_OWNER)


def downgrade() -> None:
    _notes_policy(NOTES_BY_NAME)
    op.drop_index("ix_notes_worker_staff_id", "notes")
    with op.batch_alter_table("notes") as batch:
        batch.drop_constraint("fk_notes_worker_staff_id_staff", type_="foreignkey")
        batch.drop_column("worker_staff_id")
