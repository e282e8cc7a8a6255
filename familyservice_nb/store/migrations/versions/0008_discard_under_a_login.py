"""A workbook login discards its own draft on PostgreSQL (`store.repository.discard_draft`), which nobody but the
schema's owner could do: logins have no right to delete a record or a version.

`fsnb_discard_draft(record)`, a SECURITY DEFINER function every workbook group may run, applies the store's rule
(only a draft, only by whom wrote it: a first draft's author, an amendment's amender) and then removes the draft's version: a first
draft goes altogether, the draft of an amendment goes back to the completed version it amends. While it runs, and
only for that record, the owner-only delete policies let it delete (`fsnb.discarding`, a setting of its own
transaction; a login cannot delete whatever it sets, having no right to delete at all). The records guard lets a
draft go back to its completed version only once that draft's version is gone, which only this function does. The
audit entry is the database's (the login, the database's clock), in the store's words as for every other write.

SQLite: nothing (the store applies the same rule itself).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from familyservice_nb.store.migrations import earlier

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WHO = earlier("0007_who_records_what")
RLS = WHO.RLS


def _function(sql: str, name: str) -> str:
    """One CREATE FUNCTION statement of a migration's SQL, as CREATE OR REPLACE."""
    start = sql.index(f"CREATE FUNCTION {name}(")
    end = sql.index("END $$;", start) + len("END $$;")
    return sql[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1) + "\n"


DISCARDING = "current_setting('fsnb.discarding', true) = record_id::text"

# A draft going back to the completed version it amends: nothing else changes, its own version is gone, and the
# version it goes back to is complete.
BACK_TO_COMPLETED = """
  IF OLD.state = 'draft' AND NEW.state = 'complete' AND NEW.current_version = OLD.current_version - 1
     AND (to_jsonb(NEW) - 'state' - 'current_version' - 'updated_at')
       = (to_jsonb(OLD) - 'state' - 'current_version' - 'updated_at')
     AND NOT EXISTS (SELECT 1 FROM record_versions rv
                     WHERE rv.record_id = OLD.record_id AND rv.version = OLD.current_version)
     AND EXISTS (SELECT 1 FROM record_versions rv
                 WHERE rv.record_id = OLD.record_id AND rv.version = NEW.current_version AND rv.state = 'complete')
  THEN
    RETURN NEW;  -- fsnb_discard_draft removed the draft's version and enters the discard in the audit trail
  END IF;
"""
GUARD_ANCHOR = "  IF OLD.state = 'draft' THEN\n    IF NEW.current_version IS DISTINCT FROM OLD.current_version THEN"
OLD_GUARD = _function(WHO.GUARDS, "fsnb_records_guard")
assert OLD_GUARD.count(GUARD_ANCHOR) == 1, "0007's records guard has the place this migration extends"
NEW_GUARD = OLD_GUARD.replace(GUARD_ANCHOR, BACK_TO_COMPLETED + GUARD_ANCHOR)

DISCARD = f"""
CREATE FUNCTION fsnb_discard_draft(p_record_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  me record;
  r records;
  v record_versions;
  writer text;
BEGIN
  me := fsnb_session();
  IF me.role NOT IN ({WHO._sql_list(RLS.WORKBOOK_ROLES)}) THEN
    {WHO._refuse("Only a person on the workbook''s staff list discards a draft this way.")}
  END IF;
  SELECT * INTO r FROM records WHERE record_id = p_record_id FOR UPDATE;
  IF NOT FOUND THEN
    {WHO._refuse("Record % is not one you may see, so it cannot be discarded.", "p_record_id")}
  END IF;
  IF r.state IS DISTINCT FROM 'draft' THEN
    {WHO._refuse("Record % is completed: a completed record is never discarded. To change it, make an amendment "
                 "and give the reason.", "p_record_id")}
  END IF;
  SELECT * INTO v FROM record_versions rv WHERE rv.record_id = p_record_id AND rv.version = r.current_version;
  IF r.current_version = 1 THEN
    writer := r.author;
    IF me.login IS DISTINCT FROM r.author AND me.login IS DISTINCT FROM r.created_by THEN
      {WHO._refuse("Only %, who wrote draft %, can discard it.", "writer", "p_record_id")}
    END IF;
  ELSIF me.login IS DISTINCT FROM v.saved_by THEN
    writer := v.saved_by;
    {WHO._refuse("Only %, who wrote draft %, can discard it.", "writer", "p_record_id")}
  END IF;
  PERFORM set_config('fsnb.discarding', p_record_id::text, true);
  DELETE FROM record_versions rv WHERE rv.record_id = p_record_id AND rv.version = r.current_version;
  IF r.current_version = 1 THEN
    DELETE FROM records WHERE record_id = p_record_id;
  ELSE
    UPDATE records SET current_version = r.current_version - 1, state = 'complete' WHERE record_id = p_record_id;
  END IF;
  PERFORM set_config('fsnb.discarding', '', true);
  PERFORM fsnb_audit_row(me.login, 'record', p_record_id::text, r.current_version, 'direct discard',
                         fsnb_changed(COALESCE(to_jsonb(v), '{{}}'), '{{}}'), NULL);
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_discard_draft(bigint) FROM PUBLIC;
"""

LOGINS_MAY = (*WHO.LOGINS_MAY, "fsnb_discard_draft(bigint)")


def _grant_rights(logins_may) -> str:
    """0007's fsnb_grant_audit_rights, granting the functions every workbook group may run."""
    return f"""
CREATE OR REPLACE FUNCTION fsnb_grant_audit_rights() RETURNS void LANGUAGE plpgsql
SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  g text;
BEGIN
  FOREACH g IN ARRAY fsnb_group_roles() LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = g) THEN
      EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit FROM %I', g);
      EXECUTE format('GRANT EXECUTE ON FUNCTION {", ".join(logins_may)} TO %I', g);
    END IF;
  END LOOP;
END $$;
"""


DELETE_POLICIES = {"records": "records_delete", "record_versions": "record_versions_delete"}


def _delete_policies(owner: str, using: str) -> None:
    for table, name in DELETE_POLICIES.items():
        op.execute(f"DROP POLICY {name} ON {table}")
        op.execute(f"CREATE POLICY {name} ON {table} FOR DELETE TO {owner} USING ({using})")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema, owner = WHO._schema(bind), WHO._owner(bind)
    for part in (NEW_GUARD, DISCARD, _grant_rights(LOGINS_MAY)):
        op.execute(WHO._sql(part, schema))
    _delete_policies(owner, f"{WHO.DIRECT} OR {DISCARDING}")
    op.execute("SELECT fsnb_grant_audit_rights()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema, owner = WHO._schema(bind), WHO._owner(bind)
    _delete_policies(owner, WHO.DIRECT)
    groups = bind.execute(sa.text(
        "SELECT g FROM unnest(fsnb_group_roles()) AS g WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g)"
    )).scalars().all()
    for group in groups:
        op.execute(f'REVOKE EXECUTE ON FUNCTION fsnb_discard_draft(bigint) FROM "{group}"')
    op.execute("DROP FUNCTION fsnb_discard_draft(bigint)")
    for part in (OLD_GUARD, _grant_rights(WHO.LOGINS_MAY)):
        op.execute(WHO._sql(part, schema))
