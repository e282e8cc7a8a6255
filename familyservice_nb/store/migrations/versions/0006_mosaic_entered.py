"""Keep the day a completed record was confirmed as entered on Mosaic: the guidance's
timeliness is about when the record is on Mosaic, the council's system of record.

On PostgreSQL a completed record's row is locked by 0004's trigger function `fsnb_record_rules`. Saying when it
went on Mosaic changes only these three columns, so that one update goes past the lock: 0004's function now runs
for every other update (a trigger condition), and a small trigger names the login as who said so. 0004's
function itself is left as it was.

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

MOSAIC_COLUMNS = ("mosaic_entered_on", "mosaic_confirmed_by", "mosaic_confirmed_at")


def _without_mosaic(row: str) -> str:
    return f"(to_jsonb({row}.*) - " + " - ".join(f"'{c}'" for c in MOSAIC_COLUMNS) + ")"


# An update of a completed record that changes nothing but when it went on Mosaic.
MOSAIC_ONLY = f"OLD.state = 'complete' AND {_without_mosaic('NEW')} = {_without_mosaic('OLD')}"

UPGRADE = f"""
CREATE FUNCTION fsnb_mosaic_confirmed() RETURNS trigger LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  IF fsnb_role() <> 'database' THEN NEW.mosaic_confirmed_by := fsnb_login(); END IF;
  RETURN NEW;
END $$;
DROP TRIGGER records_rules ON records;
CREATE TRIGGER records_rules BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION fsnb_record_rules();
CREATE TRIGGER records_rules_update BEFORE UPDATE ON records FOR EACH ROW
  WHEN (NOT ({MOSAIC_ONLY})) EXECUTE FUNCTION fsnb_record_rules();
CREATE TRIGGER records_mosaic_confirmed BEFORE UPDATE ON records FOR EACH ROW
  WHEN ({MOSAIC_ONLY}) EXECUTE FUNCTION fsnb_mosaic_confirmed();
"""
DOWNGRADE = """
DROP TRIGGER records_mosaic_confirmed ON records;
DROP TRIGGER records_rules_update ON records;
DROP TRIGGER records_rules ON records;
DROP FUNCTION fsnb_mosaic_confirmed();
CREATE TRIGGER records_rules BEFORE INSERT OR UPDATE ON records FOR EACH ROW EXECUTE FUNCTION fsnb_record_rules();
"""


def _on_postgresql(sql: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.dialect.identifier_preparer.quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
    op.execute(sql.format(schema=schema))


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("mosaic_entered_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("mosaic_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    _on_postgresql(UPGRADE)


def downgrade() -> None:
    _on_postgresql(DOWNGRADE)
    with op.batch_alter_table("records") as batch:
        batch.drop_column("mosaic_confirmed_at")
        batch.drop_column("mosaic_confirmed_by")
        batch.drop_column("mosaic_entered_on")
