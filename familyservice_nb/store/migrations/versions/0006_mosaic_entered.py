"""Keep the day a completed record was confirmed as entered on Mosaic (issue 13): the guidance's
timeliness is about when the record is on Mosaic, the council's system of record.

On PostgreSQL a completed record's row is locked by 0004's trigger; saying when it went on Mosaic changes
only these three columns, so the trigger lets exactly that through (and names the login as who said so).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# 0004's fsnb_record_rules, with one way through for a completed record: only the Mosaic columns change.
RECORD_RULES = r"""
CREATE OR REPLACE FUNCTION fsnb_record_rules() RETURNS trigger LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF fsnb_role() <> 'database' THEN NEW.created_by := fsnb_login(); END IF;
    RETURN NEW;
  END IF;
  IF NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'Who created record % and when cannot be changed.', OLD.record_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.state = 'complete' THEN
    {mosaic}
    IF NEW.current_version <= OLD.current_version OR NOT EXISTS (
         SELECT 1 FROM record_versions v WHERE v.record_id = NEW.record_id AND v.version = NEW.current_version) THEN
      RAISE EXCEPTION 'Record % was completed and is locked: it can only be changed by an amendment, with its reason.',
        OLD.record_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT fsnb_may_amend(OLD.author, OLD.case_id, OLD.subject) THEN
      RAISE EXCEPTION 'Only the author of record % or a manager of its case''s team (for line management: the practitioner''s line manager) can amend it.',
        OLD.record_id USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END $$;
"""
MOSAIC_ONLY = """IF (to_jsonb(NEW) - 'mosaic_entered_on' - 'mosaic_confirmed_by' - 'mosaic_confirmed_at')
       = (to_jsonb(OLD) - 'mosaic_entered_on' - 'mosaic_confirmed_by' - 'mosaic_confirmed_at') THEN
      IF fsnb_role() <> 'database' THEN NEW.mosaic_confirmed_by := fsnb_login(); END IF;
      RETURN NEW;  -- only when it went on Mosaic, and who said so
    END IF;"""


def _record_rules(mosaic: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.dialect.identifier_preparer.quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
    op.execute(RECORD_RULES.format(schema=schema, mosaic=mosaic))


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("mosaic_entered_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    _record_rules(MOSAIC_ONLY)


def downgrade() -> None:
    _record_rules("")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("mosaic_confirmed_at")
        batch.drop_column("mosaic_confirmed_by")
        batch.drop_column("mosaic_entered_on")
