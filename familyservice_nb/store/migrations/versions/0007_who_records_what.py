"""On PostgreSQL the database enforces who may record what, not only who sees what, for every workbook login
(a session whose `fsnb_role()` is not 'database'; the schema's owner stays trusted and unforced, as the demo's
backdated history needs). The rules are `store/authorship.py`'s, stated again in SQL; a test compares them.

Records (`fsnb_records_guard`, one BEFORE trigger; policies per command):
- A new record is the signed-in login's own draft at version 1, not on Mosaic; who created it and when, and
  when it was last saved, are the login and the database's clock.
- Its author, kind, case, practitioner, creator and creation time never change.
- A draft is changed only by its writer (the author; for an amendment's draft, who started the amendment).
  It becomes complete only with its current version completed, by whom the completion rules allow, and then
  what it says must agree with its columns (author, case, practitioner, manager, whether a manager completes).
- A completed record changes only by an amendment (the next version, by its author or a manager of the case's
  team; line management: the line manager) or by the day it went on Mosaic, which only those may give.
- The manager it names never changes once it has been complete.

Versions (`fsnb_versions_guard`): a draft record has one version, saved over by its writer; an amendment is the
next version of a completed record and needs a reason; completing a version follows the completion rules, and a
completer who did not write the draft completes it as it stands. Who saved and completed it, and when, are the
login and the database's clock. Nobody but the owner deletes a record, a version or an audit entry.

The audit trail: every write of a login to a record or a version, and its every change or removal of a case, a
child, a note, the staff list or the settings, is entered by these triggers (one entry for each thing a
transaction changes), with the login as the actor and the database's clock as the time; the store then gives
the entry its own words (action, changes, reason) through `fsnb_audit_describe`, which changes only the entries
of the caller's own transaction, and enters there what no trigger sees (a new case, person or import). Logins
lose every write on `audit`. Reads and exports are entered through `fsnb_audit_read`, only for what the login
may see. The lookups of a transaction's own entries go by the (entity, entity id) index whatever the table's
statistics say, so a large import stays linear.

Provisioning: `<prefix>_provisioner` (made by `store.db_logins.prepare_provisioner`) has no table rights; it may
only run the owner's SECURITY DEFINER functions that make, remove and rotate logins and read one person's role.
`fsnb_role()` is 'none' for it: it sees no row and is trusted with nothing.

SQLite: nothing (the store applies the same rules itself).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from familyservice_nb.store.migrations import earlier

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RLS = earlier("0004_row_level_security")
MOSAIC = earlier("0006_mosaic_entered")

PROVISION_LOCK = 7_246_011  # an advisory lock: two servers starting at once take turns
MANAGER_KINDS = ("supervision", "review_summary", "closure_summary")  # records.kinds: completed by Completer.CASE_MANAGER
NAMES_MANAGER = ("supervision", "line_management")  # records.kinds: the kinds whose model names a manager
MANAGER_RECORDING = "Manager''s recording"  # vocab.NoteType.MANAGER_RECORDING, quoted for SQL
AUDITED_TABLES = ("cases", "children", "notes", "staff", "staff_teams", "settings")
READ_ACTIONS = ("read", "read story", "export pdf", "export word")  # store/audit.py READ_ACTIONS


def _sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


# Who the session is, read once: role, staff login and staff id. 'database' for direct database access (the
# owner); 'none' for a workbook login whose person has left the staff list, for a member of a workbook group,
# and for the provisioning role.
SESSION = """
  SELECT COALESCE(s.role::text, CASE WHEN d.role_name IS NOT NULL
                                       OR who.me = fsnb_role_prefix_here() || '_provisioner'
                                       OR EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                                                  JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                                                  JOIN pg_catalog.pg_roles u ON u.oid = m.member
                                                  WHERE u.rolname = who.me AND g.rolname = ANY (fsnb_group_roles()))
                                     THEN 'none' ELSE 'database' END),
         s.login::text, s.staff_id
  FROM (SELECT session_user::text AS me) AS who
  LEFT JOIN database_logins d ON d.role_name = who.me
  LEFT JOIN staff s ON s.login = d.login
"""

# In plpgsql, so each session plans the lookup once: a policy or a trigger then asks it for a fraction of a
# millisecond (a SQL function with its own search_path is planned again at every call).
FUNCTIONS = f"""
CREATE FUNCTION fsnb_session(OUT role text, OUT login text, OUT staff_id integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  SELECT who.role, who.login, who.staff_id INTO role, login, staff_id FROM ({SESSION}) AS who(role, login, staff_id);
END $$;
CREATE OR REPLACE FUNCTION fsnb_role() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  RETURN (SELECT who.role FROM ({SESSION}) AS who(role, login, staff_id));
END $$;
CREATE OR REPLACE FUNCTION fsnb_login() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  RETURN (SELECT who.login FROM ({SESSION}) AS who(role, login, staff_id));
END $$;

-- Facts of the staff list and cases (cases as the session may see them); plpgsql, planned once a session.
CREATE FUNCTION fsnb_manages_case(p_login text, p_case_id text) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM cases c JOIN staff_teams st ON st.team_id = c.team_id
                 JOIN staff s ON s.staff_id = st.staff_id
                 WHERE c.case_id = p_case_id AND s.login = p_login AND s.role = 'manager');
END $$;
CREATE FUNCTION fsnb_line_manager_of(p_login text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  RETURN (SELECT m.login::text FROM staff s JOIN staff m ON m.staff_id = s.line_manager_id WHERE s.login = p_login);
END $$;

-- authorship.may_change (rule 2): the author, a manager of the case's team, the practitioner's line manager
-- (a record on no case), or an admin.
CREATE FUNCTION fsnb_may_change(p_role text, p_login text, p_author text, p_case_id text, p_subject text)
RETURNS boolean LANGUAGE sql STABLE SET search_path = {{schema}}, pg_temp AS $$
  SELECT p_role IN ('database', 'admin') OR COALESCE(p_login = p_author, false)
      OR (p_role = 'manager' AND CASE WHEN p_case_id IS NOT NULL THEN fsnb_manages_case(p_login, p_case_id)
                                      ELSE COALESCE(p_login = fsnb_line_manager_of(p_subject), false) END)
$$;
-- The amendment rule (0004's fsnb_may_amend, for a session read once): the author, a manager of the case's team,
-- or for a record on no case the line manager of the practitioner it is about.
CREATE FUNCTION fsnb_may_amend_as(p_role text, p_login text, p_author text, p_case_id text, p_subject text)
RETURNS boolean LANGUAGE sql STABLE SET search_path = {{schema}}, pg_temp AS $$
  SELECT p_role = 'database' OR COALESCE(p_login = p_author, false)
      OR (p_case_id IS NOT NULL AND p_role = 'manager' AND fsnb_manages_case(p_login, p_case_id))
      OR (p_case_id IS NULL AND p_subject IS NOT NULL AND COALESCE(fsnb_line_manager_of(p_subject) = p_login, false))
$$;

-- Whether a manager must complete a record of this kind with these contents (authorship.manager_required).
CREATE FUNCTION fsnb_manager_required(p_kind text, p_payload jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_kind IN ({_sql_list(MANAGER_KINDS)})
      OR COALESCE(p_kind = 'case_note' AND p_payload ->> 'note_type' = '{MANAGER_RECORDING}', false)
$$;
-- The manager a record names (authorship.manager_named).
CREATE FUNCTION fsnb_manager_named(p_kind text, p_payload jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_kind IN ({_sql_list(NAMES_MANAGER)}) AND btrim(p_payload ->> 'manager') <> ''
              THEN p_payload ->> 'manager' END
$$;

-- Why the session may not complete this record (NULL when it may): authorship.may_change (rule 2) or, for an
-- amendment, the amendment rule; then authorship.check_may_complete (rule 3), on what the record says.
CREATE FUNCTION fsnb_completion_refusal(p_role text, p_login text, p_record_id bigint, p_kind text, p_case_id text,
                                        p_author text, p_subject text, p_payload jsonb, p_amending boolean)
RETURNS text LANGUAGE plpgsql STABLE SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  named text := p_payload ->> 'manager';
  practitioner text := p_payload ->> 'practitioner';
  line_manager text;
BEGIN
  IF p_role = 'database' THEN RETURN NULL; END IF;
  IF p_amending AND NOT fsnb_may_amend_as(p_role, p_login, p_author, p_case_id, p_subject) THEN
    RETURN format('{RLS.AMEND_REFUSED.replace("%", "%s")}', p_record_id);
  END IF;
  IF NOT p_amending AND NOT fsnb_may_change(p_role, p_login, p_author, p_case_id, p_subject) THEN
    RETURN format('You cannot complete record %s: only its author (%s), %s or an administrator can. You are '
                  'signed in as %s.', p_record_id, p_author,
                  CASE WHEN p_case_id IS NOT NULL THEN 'a manager of the case''s team'
                       ELSE 'the practitioner''s line manager' END, p_login);
  END IF;
  IF fsnb_manager_required(p_kind, p_payload) THEN
    IF p_role NOT IN ('manager', 'admin') THEN
      RETURN format('Only a manager of the case''s team can complete record %s; you are signed in as %s. '
                    'You can keep it as a draft for your manager.', p_record_id, p_login);
    END IF;
    IF p_role = 'manager' AND NOT fsnb_manages_case(p_login, p_case_id) THEN
      RETURN format('Only a manager of the team of case %s can complete record %s; you are signed in as %s, who '
                    'does not manage that team.', COALESCE(p_case_id, '(none)'), p_record_id, p_login);
    END IF;
    IF p_kind = 'supervision' THEN
      IF p_role = 'manager' AND named IS DISTINCT FROM p_login THEN
        RETURN format('Manager: this must be you (%s), the manager completing the supervision, not ''%s''.',
                      p_login, named);
      END IF;
      IF p_role = 'admin' AND NOT fsnb_manages_case(named, p_case_id) THEN
        RETURN format('Manager: ''%s'' is not a manager of the team of case %s; an administrator completes a '
                      'supervision only for a manager of the case''s team.', named, p_case_id);
      END IF;
      IF named IS NOT DISTINCT FROM practitioner THEN
        RETURN format('Manager: the manager and the practitioner cannot be the same person (%s).', named);
      END IF;
    END IF;
  ELSIF p_kind = 'line_management' THEN
    line_manager := fsnb_line_manager_of(practitioner);
    IF p_role = 'admin' THEN
      IF named IS DISTINCT FROM line_manager THEN
        RETURN format('Manager: ''%s'' is not %s''s line manager; an administrator completes a line management '
                      'supervision only for the line manager.', named, practitioner);
      END IF;
    ELSIF p_login IS DISTINCT FROM line_manager THEN
      RETURN format('Only %s''s line manager can complete their line management supervision; you are signed in '
                    'as %s.', practitioner, p_login);
    ELSIF named IS DISTINCT FROM p_login THEN
      RETURN format('Manager: this must be you (%s), the line manager holding the supervision, not ''%s''.',
                    p_login, named);
    END IF;
    IF named IS NOT DISTINCT FROM practitioner THEN
      RETURN format('Manager: the manager and the practitioner cannot be the same person (%s).', named);
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- A version's text as JSON; NULL when it is not JSON (an unfinished draft can hold anything).
CREATE FUNCTION fsnb_as_json(p_text text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN p_text::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN NULL;
END $$;

-- The columns that differ between two rows: {{"column": {{"old": ..., "new": ...}}}}.
CREATE FUNCTION fsnb_changed(p_old jsonb, p_new jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN (SELECT COALESCE(jsonb_object_agg(k, jsonb_build_object('old', p_old -> k, 'new', p_new -> k)), '{{}}')
          FROM (SELECT jsonb_object_keys(p_old) UNION SELECT jsonb_object_keys(p_new)) AS keys(k)
          WHERE p_old -> k IS DISTINCT FROM p_new -> k);
END $$;

-- One audit entry for each thing (entity, id) a login's transaction changes, at the database's clock.
CREATE FUNCTION fsnb_audit_row(p_login text, p_entity text, p_entity_id text, p_version integer, p_action text,
                               p_changes jsonb, p_reason text) RETURNS void
LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp SET enable_seqscan = off AS $$
BEGIN
  IF p_login IS NULL THEN
    RAISE EXCEPTION 'This database login belongs to someone no longer on the workbook''s staff list.'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM audit a WHERE a.entity = p_entity AND a.entity_id = p_entity_id AND a.actor = p_login
             AND a.at = now() AND a.xmin = pg_current_xact_id()::xid) THEN
    RETURN;
  END IF;
  INSERT INTO audit (at, actor, action, entity, entity_id, version, changes, reason)
  VALUES (now(), p_login, p_action, p_entity, p_entity_id, p_version, p_changes::text, p_reason);
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_audit_row(text, text, text, integer, text, jsonb, text) FROM PUBLIC;
"""


def _refuse(message: str, *args: str) -> str:
    """A plpgsql refusal in the store's words: NotAllowed through db_logins.refusal."""
    params = "".join(f", {a}" for a in args)
    return f"RAISE EXCEPTION '{message}'{params} USING ERRCODE = 'insufficient_privilege';"


DRAFT_OWNER = "Draft record % is being written by %: only they can change it."
AMEND_REASON = "An amendment needs a reason: say why the completed record is being changed."
MOSAIC_COLUMNS = MOSAIC.MOSAIC_COLUMNS
MOSAIC_ONLY = (f"(to_jsonb(NEW) - {_sql_list(MOSAIC_COLUMNS).replace(', ', ' - ')}) = "
               f"(to_jsonb(OLD) - {_sql_list(MOSAIC_COLUMNS).replace(', ', ' - ')})")

# The start of a function only a person on the staff list may run: `me` is who they are.
BY_STAFF = f"""  me := fsnb_session();
  IF me.role NOT IN ({_sql_list(RLS.WORKBOOK_ROLES)}) THEN
    {_refuse("Only a person on the workbook''s staff list adds to the audit trail this way.")}
  END IF;"""
ENTRY = "action text, entity text, entity_id text, version integer, changes text, reason text"
# An audit entry the session's own transaction wrote (the login's, at the transaction's time).
OWN_ENTRY = ("a.entity = d.entity AND a.entity_id = d.entity_id AND a.actor = me.login AND a.at = now() "
             "AND a.xmin = pg_current_xact_id()::xid")

# What a login never changes on a record (its creator and creation time: nobody does).
NEVER_CHANGE_COLUMNS = (  # column, the refusal, its arguments
    ("author", "Recorded by: the author of a record cannot be changed (record % was written by %).",
     ("OLD.record_id", "OLD.author")),
    ("kind", "The kind of a record cannot be changed (record % is a %).", ("OLD.record_id", "OLD.kind")),
    ("case_id", "Case: the case of a record cannot be changed (record % is on case %).",
     ("OLD.record_id", "COALESCE(OLD.case_id, '(none)')")),
    ("subject", "Practitioner: the practitioner a record is about cannot be changed (record %).", ("OLD.record_id",)),
)
NEVER_CHANGE = "\n".join(
    f"  IF NEW.{column} IS DISTINCT FROM OLD.{column} THEN\n    {_refuse(message, *args)}\n  END IF;"
    for column, message, args in NEVER_CHANGE_COLUMNS)

GUARDS = f"""
-- What a completed record says must agree with the columns the rules and the pages read.
CREATE FUNCTION fsnb_check_completed(p_role text, p_login text, r records, p_payload text, p_amending boolean)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  p jsonb := fsnb_as_json(p_payload);
  refusal text;
BEGIN
  IF p IS NULL OR jsonb_typeof(p) <> 'object' THEN
    {_refuse("Record % cannot be completed: what was saved is not a whole record.", "r.record_id")}
  END IF;
  refusal := fsnb_completion_refusal(p_role, p_login, r.record_id, r.kind, r.case_id, r.author, r.subject, p,
                                     p_amending);
  IF refusal IS NOT NULL THEN {_refuse("%", "refusal")} END IF;
  IF p ->> 'author' IS DISTINCT FROM r.author THEN
    {_refuse("Recorded by: record % says it was written by %, but its author is %.",
             "r.record_id", "p ->> 'author'", "r.author")}
  END IF;
  IF NULLIF(p ->> 'case_id', '') IS DISTINCT FROM r.case_id THEN
    {_refuse("Case: record % says case %, but it is kept on case %.", "r.record_id", "p ->> 'case_id'", "r.case_id")}
  END IF;
  IF p ->> 'practitioner' IS DISTINCT FROM r.subject THEN
    {_refuse("Practitioner: record % names %, but it is kept as being about %.",
             "r.record_id", "p ->> 'practitioner'", "r.subject")}
  END IF;
  IF fsnb_manager_named(r.kind, p) IS DISTINCT FROM r.manager THEN
    {_refuse("Manager: record % names %, but it is kept as naming %.",
             "r.record_id", "fsnb_manager_named(r.kind, p)", "r.manager")}
  END IF;
  IF fsnb_manager_required(r.kind, p) IS DISTINCT FROM r.manager_required THEN
    {_refuse("Record %: whether a manager must complete it follows from its kind and cannot be set by hand.",
             "r.record_id")}
  END IF;
END $$;

CREATE FUNCTION fsnb_records_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  me record;
  v record;
  mosaic_only boolean;
  action text := 'direct save draft';
  writer text;
BEGIN
  me := fsnb_session();
  IF TG_OP = 'INSERT' THEN
    IF me.role = 'database' THEN RETURN NEW; END IF;
    IF NEW.author IS DISTINCT FROM me.login THEN
      {_refuse("Recorded by: a record is saved in the name of the person signed in (%), not %.",
               "me.login", "NEW.author")}
    END IF;
    IF NEW.state IS DISTINCT FROM 'draft' THEN
      {_refuse("State: a new record is saved as a draft; it is completed afterwards, by those the rules allow.")}
    END IF;
    IF NEW.current_version IS DISTINCT FROM 1 THEN
      {_refuse("Version: a new record starts at version 1, not %.", "NEW.current_version")}
    END IF;
    IF NEW.mosaic_entered_on IS NOT NULL THEN
      {_refuse("Entered on Mosaic: a record can be said to be on Mosaic only once it is complete.")}
    END IF;
    NEW.created_by := me.login;
    NEW.created_at := now();
    NEW.updated_at := now();
    NEW.mosaic_confirmed_by := NULL;
    NEW.mosaic_confirmed_at := NULL;
    PERFORM fsnb_audit_row(me.login, 'record', NEW.record_id::text, 1, 'direct create',
                           fsnb_changed('{{}}', to_jsonb(NEW)), NULL);
    RETURN NEW;
  END IF;

  IF NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    {_refuse("Who created record % and when cannot be changed.", "OLD.record_id")}
  END IF;
  mosaic_only := {MOSAIC_ONLY};
  IF me.role = 'database' THEN  -- direct database access: a completed record still changes only by amendment
    IF OLD.state = 'complete' AND NOT mosaic_only AND NOT (
         NEW.current_version > OLD.current_version AND EXISTS (
           SELECT 1 FROM record_versions rv WHERE rv.record_id = NEW.record_id AND rv.version = NEW.current_version))
    THEN
      {_refuse(RLS.LOCKED_ROW.replace("''", "'").replace("'", "''"), "OLD.record_id")}
    END IF;
    RETURN NEW;
  END IF;

{NEVER_CHANGE}

  IF mosaic_only THEN
    IF NEW.mosaic_entered_on IS NOT DISTINCT FROM OLD.mosaic_entered_on THEN  -- nothing said: nothing changes
      NEW.mosaic_confirmed_by := OLD.mosaic_confirmed_by;
      NEW.mosaic_confirmed_at := OLD.mosaic_confirmed_at;
      RETURN NEW;
    END IF;
    IF OLD.state <> 'complete' THEN
      {_refuse("Entered on Mosaic: record % is not complete, so it cannot be said to be on Mosaic.",
               "OLD.record_id")}
    END IF;
    IF NOT fsnb_may_amend_as(me.role, me.login, OLD.author, OLD.case_id, OLD.subject) THEN
      {_refuse("Entered on Mosaic: only the author of record % or a manager of its case''s team (for line "
               "management: the practitioner''s line manager) can say when it went on Mosaic.", "OLD.record_id")}
    END IF;
    NEW.mosaic_confirmed_by := me.login;
    NEW.mosaic_confirmed_at := now();
    PERFORM fsnb_audit_row(me.login, 'record', NEW.record_id::text, NEW.current_version, 'direct on mosaic',
                           fsnb_changed(to_jsonb(OLD), to_jsonb(NEW)), NULL);
    RETURN NEW;
  END IF;
  NEW.updated_at := now();

  IF OLD.state = 'draft' THEN
    IF NEW.current_version IS DISTINCT FROM OLD.current_version THEN
      {_refuse("Record % is a draft: it is saved over, not given another version.", "OLD.record_id")}
    END IF;
    IF OLD.current_version > 1 AND NEW.manager IS DISTINCT FROM OLD.manager THEN
      {_refuse("Manager: the manager named on record % cannot be changed once it has been complete.",
               "OLD.record_id")}
    END IF;
    SELECT * INTO v FROM record_versions rv WHERE rv.record_id = NEW.record_id AND rv.version = NEW.current_version;
    IF NEW.state = 'complete' THEN
      IF v.state IS DISTINCT FROM 'complete' THEN
        {_refuse("State: record % is complete only once its current version (%) is completed.",
                 "OLD.record_id", "OLD.current_version")}
      END IF;
      PERFORM fsnb_check_completed(me.role, me.login, NEW, v.payload, NEW.current_version > 1);
      action := 'direct complete';
    ELSE
      writer := CASE WHEN NEW.current_version = 1 THEN OLD.author ELSE v.saved_by END;
      IF me.login IS DISTINCT FROM writer THEN {_refuse(DRAFT_OWNER, "OLD.record_id", "writer")} END IF;
    END IF;
  ELSE
    IF NEW.current_version IS DISTINCT FROM OLD.current_version + 1 OR NOT EXISTS (
         SELECT 1 FROM record_versions rv WHERE rv.record_id = NEW.record_id AND rv.version = NEW.current_version) THEN
      {_refuse(RLS.LOCKED_ROW.replace("''", "'").replace("'", "''"), "OLD.record_id")}
    END IF;
    IF NOT fsnb_may_amend_as(me.role, me.login, OLD.author, OLD.case_id, OLD.subject) THEN
      {_refuse(RLS.AMEND_REFUSED.replace("''", "'").replace("'", "''"), "OLD.record_id")}
    END IF;
    IF NEW.manager IS DISTINCT FROM OLD.manager THEN
      {_refuse("Manager: the manager named on record % cannot be changed once it has been complete.",
               "OLD.record_id")}
    END IF;
    SELECT * INTO v FROM record_versions rv WHERE rv.record_id = NEW.record_id AND rv.version = NEW.current_version;
    IF NEW.state IS DISTINCT FROM v.state THEN
      {_refuse("State: record % has the state of its newest version (%).", "OLD.record_id", "v.state")}
    END IF;
    IF NEW.state = 'complete' THEN
      PERFORM fsnb_check_completed(me.role, me.login, NEW, v.payload, true);
    END IF;
    action := 'direct amend';
  END IF;
  IF NEW.mosaic_entered_on IS DISTINCT FROM OLD.mosaic_entered_on
     OR NEW.mosaic_confirmed_by IS DISTINCT FROM OLD.mosaic_confirmed_by
     OR NEW.mosaic_confirmed_at IS DISTINCT FROM OLD.mosaic_confirmed_at THEN
    {_refuse("Entered on Mosaic: the day record % went on Mosaic is given on its own, once it is complete.",
             "OLD.record_id")}
  END IF;
  PERFORM fsnb_audit_row(me.login, 'record', NEW.record_id::text, NEW.current_version, action,
                         fsnb_changed(to_jsonb(OLD), to_jsonb(NEW)), v.reason);
  RETURN NEW;
END $$;

CREATE FUNCTION fsnb_versions_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  me record;
  r record;
  refusal text;
  writer text;
  action text;
BEGIN
  me := fsnb_session();
  SELECT * INTO r FROM records WHERE record_id = NEW.record_id;
  IF me.role = 'database' THEN
    IF TG_OP = 'INSERT' AND FOUND AND r.state = 'complete' AND NEW.version <> r.current_version + 1 THEN
      {_refuse("An amendment of record % must be its next version, %.", "NEW.record_id", "r.current_version + 1")}
    END IF;
    RETURN NEW;
  END IF;
  IF NOT FOUND THEN
    {_refuse("Record % is not one you may see, so nothing can be saved to it.", "NEW.record_id")}
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF r.state = 'complete' THEN
      IF NEW.version IS DISTINCT FROM r.current_version + 1 THEN
        {_refuse("An amendment of record % must be its next version, %.", "NEW.record_id", "r.current_version + 1")}
      END IF;
      IF NOT fsnb_may_amend_as(me.role, me.login, r.author, r.case_id, r.subject) THEN
        {_refuse(RLS.AMEND_REFUSED.replace("''", "'").replace("'", "''"), "NEW.record_id")}
      END IF;
      IF btrim(COALESCE(NEW.reason, '')) = '' THEN {_refuse(AMEND_REASON)} END IF;
      action := 'direct amend';
    ELSE
      IF NEW.version IS DISTINCT FROM 1 OR EXISTS (SELECT 1 FROM record_versions rv WHERE rv.record_id = NEW.record_id)
      THEN
        {_refuse("Record % is a draft: it is saved over, not given another version.", "NEW.record_id")}
      END IF;
      IF r.author IS DISTINCT FROM me.login THEN {_refuse(DRAFT_OWNER, "NEW.record_id", "r.author")} END IF;
      IF NEW.state IS DISTINCT FROM 'draft' THEN
        {_refuse("State: a new record is saved as a draft; it is completed afterwards, by those the rules allow.")}
      END IF;
      action := 'direct create';
    END IF;
  ELSE
    IF OLD.state = 'complete' THEN RETURN NEW; END IF;  -- record_versions_locked refuses it, in its own words
    IF NEW.record_id IS DISTINCT FROM OLD.record_id OR NEW.version IS DISTINCT FROM OLD.version THEN
      {_refuse("A version of a record keeps its record and its number (record %, version %).",
               "OLD.record_id", "OLD.version")}
    END IF;
    IF NEW.version > 1 AND btrim(COALESCE(NEW.reason, '')) = '' THEN {_refuse(AMEND_REASON)} END IF;
    writer := CASE WHEN NEW.version = 1 THEN r.author ELSE OLD.saved_by END;
    IF NEW.state = 'complete' THEN
      IF me.login IS DISTINCT FROM writer AND (NEW.reason IS DISTINCT FROM OLD.reason
           OR fsnb_as_json(NEW.payload) IS DISTINCT FROM fsnb_as_json(OLD.payload)
           OR (fsnb_as_json(NEW.payload) IS NULL AND NEW.payload IS DISTINCT FROM OLD.payload)) THEN
        {_refuse("Draft record % is being written by %: only they can change what it says; it can be completed "
                 "as it stands.", "NEW.record_id", "writer")}
      END IF;
      action := 'direct complete';
    ELSE
      IF me.login IS DISTINCT FROM writer THEN {_refuse(DRAFT_OWNER, "NEW.record_id", "writer")} END IF;
      action := 'direct save draft';
    END IF;
  END IF;
  IF NEW.state = 'complete' THEN
    refusal := fsnb_completion_refusal(me.role, me.login, r.record_id, r.kind, r.case_id, r.author, r.subject,
                                       COALESCE(fsnb_as_json(NEW.payload), '{{}}'), NEW.version > 1);
    IF refusal IS NOT NULL THEN {_refuse("%", "refusal")} END IF;
    NEW.completed_at := now();
    NEW.completed_by := me.login;
  ELSE
    NEW.completed_at := NULL;
    NEW.completed_by := NULL;
  END IF;
  NEW.saved_at := now();
  NEW.saved_by := me.login;
  PERFORM fsnb_audit_row(me.login, 'record', NEW.record_id::text, NEW.version, action,
                         fsnb_changed(CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{{}}' END, to_jsonb(NEW)),
                         CASE WHEN NEW.version > 1 THEN NEW.reason END);
  RETURN NEW;
END $$;

-- A login's change of the staff list, a case or its children, a note or the settings.
CREATE FUNCTION fsnb_audit_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  me record;
  before jsonb := to_jsonb(OLD);
  after jsonb := CASE WHEN TG_OP = 'DELETE' THEN '{{}}'::jsonb ELSE to_jsonb(NEW) END;
  kept jsonb := CASE WHEN TG_OP = 'DELETE' THEN before ELSE after END;
  entity text;
  entity_id text;
BEGIN
  me := fsnb_session();
  IF me.role = 'database' THEN RETURN NULL; END IF;
  CASE TG_TABLE_NAME
    WHEN 'cases', 'children' THEN entity := 'case'; entity_id := kept ->> 'case_id';
    WHEN 'notes' THEN entity := 'note'; entity_id := kept ->> 'note_id';
    WHEN 'staff' THEN entity := 'staff'; entity_id := kept ->> 'login';
    WHEN 'staff_teams' THEN
      entity := 'staff';
      entity_id := COALESCE((SELECT s.login FROM staff s WHERE s.staff_id = (kept ->> 'staff_id')::integer),
                            'staff id ' || (kept ->> 'staff_id'));
    ELSE entity := TG_TABLE_NAME; entity_id := kept ->> 'key';
  END CASE;
  PERFORM fsnb_audit_row(me.login, entity, entity_id, NULL, 'direct ' || lower(TG_OP), fsnb_changed(before, after),
                         NULL);
  RETURN NULL;
END $$;

-- The store's words for the entries its login's transaction made (and, for what no trigger sees, such as a new
-- case or an import, new entries): [{{"action", "entity", "entity_id", "version", "changes", "reason"}}, ...].
-- Only the descriptive columns of the transaction's own entries change; who and when stay the database's.
CREATE FUNCTION fsnb_audit_describe(p_entries jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp SET enable_seqscan = off AS $$
DECLARE
  me record;
  missing text;
BEGIN
{BY_STAFF}
  UPDATE audit a SET action = d.action, version = d.version, changes = d.changes, reason = d.reason
  FROM jsonb_to_recordset(p_entries) AS d({ENTRY})
  WHERE {OWN_ENTRY};
  SELECT min(d.entity || ' ' || d.entity_id) INTO missing
  FROM jsonb_to_recordset(p_entries) AS d({ENTRY})
  WHERE d.entity IS DISTINCT FROM 'record' AND NOT EXISTS (SELECT 1 FROM audit a WHERE {OWN_ENTRY})
    AND NOT ((d.entity IN ('staff', 'settings') AND me.role = 'admin')
             OR (d.entity IN ('case', 'note', 'import') AND me.role IN ('analyst', 'admin')));
  IF missing IS NOT NULL THEN
    {_refuse("The audit trail takes a login''s own words only for what its transaction changed (not %).",
             "missing")}
  END IF;
  INSERT INTO audit (at, actor, action, entity, entity_id, version, changes, reason)
  SELECT now(), me.login, d.action, d.entity, d.entity_id, d.version, d.changes, d.reason
  FROM jsonb_to_recordset(p_entries) AS d({ENTRY})
  WHERE d.entity IS DISTINCT FROM 'record' AND NOT EXISTS (SELECT 1 FROM audit a WHERE {OWN_ENTRY});
END $$;

-- A read or an export of a record or a case the login may see.
CREATE FUNCTION fsnb_audit_read(p_action text, p_entity text, p_entity_id text, p_version integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  me record;
  seen boolean;
BEGIN
{BY_STAFF}
  IF p_action IS NULL OR p_action NOT IN ({_sql_list(READ_ACTIONS)}) THEN
    {_refuse("Only reading and exporting are entered in the audit trail this way, not %.", "p_action")}
  END IF;
  IF p_entity = 'record' AND p_entity_id ~ '^[0-9]{{1,18}}$' THEN
    seen := EXISTS (SELECT 1 FROM records r WHERE r.record_id = p_entity_id::bigint);
  ELSIF p_entity = 'case' THEN
    seen := EXISTS (SELECT 1 FROM cases c WHERE c.case_id = p_entity_id);
  ELSE
    seen := false;
  END IF;
  IF NOT seen THEN
    {_refuse("You cannot enter a read of % % in the audit trail: it is not one you may see.",
             "p_entity", "p_entity_id")}
  END IF;
  INSERT INTO audit (at, actor, action, entity, entity_id, version)
  VALUES (now(), me.login, p_action, p_entity, p_entity_id, p_version);
END $$;
"""

# What the provisioning role may run, and nothing else.
PROVISIONER_MAY = ("fsnb_provision_login(text, text)", "fsnb_remove_login(text)", "fsnb_remove_leavers()",
                   "fsnb_rotate_logins()", "fsnb_staff_role(text)")
PROVISIONING = f"""
-- store.db_logins.login_role_name, the same name for the same login.
CREATE FUNCTION fsnb_login_role_name(p_prefix text, p_login text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT p_prefix || '_'
         || COALESCE(NULLIF(left(btrim(regexp_replace(translate(p_login, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                                                'abcdefghijklmnopqrstuvwxyz'),
                                                      '[^a-z0-9]+', '_', 'g'), '_'), 20), ''), 'user')
         || '_' || left(encode(sha256(convert_to(p_login, 'UTF8')), 'hex'), 8)
$$;

-- Make a login role, or give it a new password, given as a SCRAM verifier (never the password itself); refused
-- when it has rights beyond a login's.
CREATE FUNCTION fsnb_login_role(p_name text, p_inherit boolean, p_verifier text) RETURNS void
LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  inherit text := CASE WHEN p_inherit THEN 'INHERIT' ELSE 'NOINHERIT' END;
BEGIN
  IF p_verifier IS NULL OR left(p_verifier, 14) <> 'SCRAM-SHA-256$' THEN
    {_refuse("A login''s password reaches the database only as a SCRAM-SHA-256 verifier, never as itself.")}
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_name) THEN
    EXECUTE format('ALTER ROLE %I LOGIN %s PASSWORD %L', p_name, inherit, p_verifier);
  ELSE
    EXECUTE format('CREATE ROLE %I LOGIN %s NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS '
                   'PASSWORD %L', p_name, inherit, p_verifier);
  END IF;
  IF (SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication
      FROM pg_catalog.pg_roles WHERE rolname = p_name) THEN
    {_refuse("The database role % has been given rights beyond a workbook login (superuser, bypassing "
             "row-level security, or making roles or databases), so the hub will not use it. A database "
             "administrator should take those rights away.", "p_name")}
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_login_role(text, boolean, text) FROM PUBLIC;

-- Take away a login: it can no longer connect or read anything. True when there was one.
CREATE FUNCTION fsnb_take_away_login(p_login text) RETURNS boolean
LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  name text := (SELECT d.role_name FROM database_logins d WHERE d.login = p_login);
  g text;
BEGIN
  IF name IS NULL THEN RETURN false; END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = name) THEN
    EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', name);
    FOREACH g IN ARRAY fsnb_group_roles() LOOP  -- an open session loses its rights at once
      IF pg_has_role(name, g, 'MEMBER') THEN EXECUTE format('REVOKE %I FROM %I', g, name); END IF;
    END LOOP;
    BEGIN
      EXECUTE format('DROP ROLE %I', name);
    EXCEPTION WHEN OTHERS THEN
      RETURN true;  -- something still depends on it: it stays, unable to log in and with no rights
    END;
  END IF;
  DELETE FROM database_logins WHERE role_name = name;
  RETURN true;
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_take_away_login(text) FROM PUBLIC;

-- Make (or refresh with a new password, given as a SCRAM verifier) the login of someone on the staff list, in
-- the group role of their workbook role; returns the role's name.
CREATE FUNCTION fsnb_provision_login(p_login text, p_verifier text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  prefix text := fsnb_role_prefix_here();
  staff_role text := (SELECT s.role FROM staff s WHERE s.login = p_login);
  name text;
  g text;
BEGIN
  PERFORM pg_advisory_xact_lock({PROVISION_LOCK});
  IF staff_role IS NULL THEN
    {_refuse("''%'' is not on the workbook''s staff list, so they cannot be given a database login. An "
             "administrator can add them with `familyservice-nb staff import`.", "p_login")}
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(fsnb_group_roles()) AS want(r)
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = want.r)) THEN
    PERFORM fsnb_setup_group_roles();
  END IF;
  name := (SELECT d.role_name FROM database_logins d WHERE d.login = p_login);
  IF name IS NOT NULL AND NOT starts_with(name, prefix || '_') THEN
    -- copied from another database with a backup: that login is the other database's, not ours
    DELETE FROM database_logins WHERE role_name = name;
    name := NULL;
  END IF;
  IF name IS NULL THEN
    name := fsnb_login_role_name(prefix, p_login);
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = name) THEN
      {_refuse("A database role named % already exists and is not a workbook login, so the workbook will not "
               "take it over. A database administrator should remove or rename it.", "name")}
    END IF;
    INSERT INTO database_logins (role_name, login, made_at) VALUES (name, p_login, now());
  END IF;
  PERFORM fsnb_login_role(name, true, p_verifier);
  FOREACH g IN ARRAY fsnb_group_roles() LOOP
    IF g <> prefix || '_' || staff_role AND pg_has_role(name, g, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM %I', g, name);
    END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', prefix || '_' || staff_role, name);
  RETURN name;
END $$;

CREATE FUNCTION fsnb_remove_login(p_login text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({PROVISION_LOCK});
  RETURN fsnb_take_away_login(p_login);
END $$;

-- The login of everyone no longer on the staff list is taken away; returns their staff logins.
CREATE FUNCTION fsnb_remove_leavers() RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  gone text;
BEGIN
  PERFORM pg_advisory_xact_lock({PROVISION_LOCK});
  FOR gone IN SELECT d.login FROM database_logins d
              WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.login = d.login) ORDER BY d.login LOOP
    PERFORM fsnb_take_away_login(gone);
    RETURN NEXT gone;
  END LOOP;
END $$;

-- Every workbook login of this database can no longer connect until it is provisioned again.
CREATE FUNCTION fsnb_rotate_logins() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  name text;
  done integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock({PROVISION_LOCK});
  FOR name IN SELECT d.role_name FROM database_logins d
              WHERE starts_with(d.role_name, fsnb_role_prefix_here() || '_')
                AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = d.role_name) LOOP
    EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', name);
    done := done + 1;
  END LOOP;
  RETURN done;
END $$;

-- One person's workbook role (NULL when the staff list does not name them).
CREATE FUNCTION fsnb_staff_role(p_login text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
  SELECT s.role::text FROM staff s WHERE s.login = p_login
$$;

-- The provisioning role (run by the owner): a login with no table rights, a member of no role, that may only
-- run the functions above.
CREATE FUNCTION fsnb_setup_provisioner(p_verifier text) RETURNS text
LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  name text := fsnb_role_prefix_here() || '_provisioner';
  g text;
BEGIN
  PERFORM pg_advisory_xact_lock({PROVISION_LOCK});
  IF EXISTS (SELECT 1 FROM database_logins d WHERE d.role_name = name) THEN
    {_refuse("The database role % is a person''s login, so it cannot be the provisioning role.", "name")}
  END IF;
  PERFORM fsnb_login_role(name, false, p_verifier);
  FOR g IN SELECT gr.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles gr ON gr.oid = m.roleid
           JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE u.rolname = name LOOP
    EXECUTE format('REVOKE %I FROM %I', g, name);
  END LOOP;
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA {{schema}} FROM %I', name);
  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA {{schema}} FROM %I', name);
  EXECUTE format('GRANT USAGE ON SCHEMA {{schema}} TO %I', name);
  EXECUTE format('GRANT EXECUTE ON FUNCTION {", ".join(PROVISIONER_MAY)} TO %I', name);
  RETURN name;
END $$;
"""

# Every login's rights: 0004's table rights (`fsnb_setup_table_rights`, as 0004 made it), less every write on the
# audit trail, and the two audit functions.
LOGINS_MAY = ("fsnb_audit_describe(jsonb)", "fsnb_audit_read(text, text, text, integer)")
RIGHTS = f"""
ALTER FUNCTION fsnb_setup_group_roles() RENAME TO fsnb_setup_table_rights;
CREATE FUNCTION fsnb_grant_audit_rights() RETURNS void LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
DECLARE
  g text;
BEGIN
  FOREACH g IN ARRAY fsnb_group_roles() LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = g) THEN
      EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit FROM %I', g);
      EXECUTE format('GRANT EXECUTE ON FUNCTION {", ".join(LOGINS_MAY)} TO %I', g);
    END IF;
  END LOOP;
END $$;
CREATE FUNCTION fsnb_setup_group_roles() RETURNS void LANGUAGE plpgsql SET search_path = {{schema}}, pg_temp AS $$
BEGIN
  PERFORM fsnb_setup_table_rights();
  PERFORM fsnb_grant_audit_rights();
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_setup_group_roles(), fsnb_grant_audit_rights(), fsnb_setup_provisioner(text),
  {", ".join(LOGINS_MAY + PROVISIONER_MAY)} FROM PUBLIC;
"""

ROLE, LOGIN = "(SELECT fsnb_role())", "(SELECT fsnb_login())"
DIRECT = f"{ROLE} = 'database'"
SEEN = {table: f"({RLS.POLICIES[table]})" for table in ("records", "record_versions", "audit")}
SAVED_BY_LOGIN = f"({DIRECT} OR (saved_by = {LOGIN} AND saved_at = now()))"
BY_LOGIN_NOW = f"({DIRECT} OR (actor = {LOGIN} AND at = now()))"  # a login's entry: its name, the database's time
# (table, name, command, to whom, clauses): the owner alone deletes, writes the trail, and changes an entry (its
# definer functions only the entries of their own transaction).
POLICIES = [
    ("records", "records_select", "SELECT", "PUBLIC", f"USING {SEEN['records']}"),
    ("records", "records_insert", "INSERT", "PUBLIC",
     f"WITH CHECK ({SEEN['records']} AND ({DIRECT} OR (author = {LOGIN} AND state = 'draft' AND created_by = "
     f"{LOGIN} AND created_at = now() AND updated_at = now())))"),
    ("records", "records_update", "UPDATE", "PUBLIC", f"USING {SEEN['records']} WITH CHECK {SEEN['records']}"),
    ("records", "records_delete", "DELETE", "{owner}", f"USING ({DIRECT})"),
    ("record_versions", "record_versions_select", "SELECT", "PUBLIC", f"USING {SEEN['record_versions']}"),
    ("record_versions", "record_versions_insert", "INSERT", "PUBLIC",
     f"WITH CHECK ({SEEN['record_versions']} AND {SAVED_BY_LOGIN})"),
    ("record_versions", "record_versions_update", "UPDATE", "PUBLIC",
     f"USING {SEEN['record_versions']} WITH CHECK ({SEEN['record_versions']} AND {SAVED_BY_LOGIN})"),
    ("record_versions", "record_versions_delete", "DELETE", "{owner}", f"USING ({DIRECT})"),
    ("audit", "audit_select", "SELECT", "PUBLIC", f"USING {SEEN['audit']}"),
    ("audit", "audit_select_owner", "SELECT", "{owner}", "USING (true)"),
    ("audit", "audit_insert", "INSERT", "{owner}", f"WITH CHECK ({BY_LOGIN_NOW})"),
    ("audit", "audit_update", "UPDATE", "{owner}",
     f"USING ({DIRECT} OR (actor = {LOGIN} AND at = now() AND xmin = pg_current_xact_id()::xid)) "
     f"WITH CHECK ({BY_LOGIN_NOW})"),
    ("audit", "audit_delete", "DELETE", "{owner}", f"USING ({DIRECT})"),
]

TRIGGERS = "\n".join([
    "DROP TRIGGER records_rules ON records;",
    "DROP TRIGGER records_rules_update ON records;",
    "DROP TRIGGER records_mosaic_confirmed ON records;",
    "DROP TRIGGER record_versions_rules ON record_versions;",
    "DROP TRIGGER audit_actor ON audit;",
    "CREATE TRIGGER records_rules BEFORE INSERT OR UPDATE ON records FOR EACH ROW "
    "EXECUTE FUNCTION fsnb_records_guard();",
    # after record_versions_locked (triggers fire by name): a completed version is refused in its words
    "CREATE TRIGGER record_versions_rules BEFORE INSERT OR UPDATE ON record_versions FOR EACH ROW "
    "EXECUTE FUNCTION fsnb_versions_guard();",
    *(f"CREATE TRIGGER {t}_audit_update AFTER UPDATE ON {t} FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
      f"EXECUTE FUNCTION fsnb_audit_change();\n"
      f"CREATE TRIGGER {t}_audit_delete AFTER DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION fsnb_audit_change();"
      for t in AUDITED_TABLES),
])

NEW_FUNCTIONS = (
    "fsnb_setup_provisioner(text)", "fsnb_staff_role(text)", "fsnb_rotate_logins()", "fsnb_remove_leavers()",
    "fsnb_remove_login(text)", "fsnb_provision_login(text, text)", "fsnb_take_away_login(text)",
    "fsnb_login_role(text, boolean, text)", "fsnb_login_role_name(text, text)",
    "fsnb_audit_read(text, text, text, integer)", "fsnb_audit_describe(jsonb)",
    "fsnb_audit_change()", "fsnb_versions_guard()", "fsnb_records_guard()",
    "fsnb_check_completed(text, text, records, text, boolean)",
    "fsnb_audit_row(text, text, text, integer, text, jsonb, text)", "fsnb_changed(jsonb, jsonb)",
    "fsnb_as_json(text)",
    "fsnb_completion_refusal(text, text, bigint, text, text, text, text, jsonb, boolean)",
    "fsnb_manager_named(text, jsonb)", "fsnb_manager_required(text, jsonb)",
    "fsnb_may_amend_as(text, text, text, text, text)", "fsnb_may_change(text, text, text, text, text)",
    "fsnb_line_manager_of(text)", "fsnb_manages_case(text, text)", "fsnb_session()",
)


def _schema(bind) -> str:
    return bind.dialect.identifier_preparer.quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())


def _owner(bind) -> str:
    """The tables' owner, to whom the owner-only policies apply (SECURITY DEFINER functions run as it)."""
    name = bind.execute(sa.text(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('records')")).scalar_one()
    return bind.dialect.identifier_preparer.quote(name)


def _sql(text: str, schema: str) -> str:
    return text.replace("{schema}", schema)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema, owner = _schema(bind), _owner(bind)
    for part in (FUNCTIONS, GUARDS, PROVISIONING, RIGHTS, TRIGGERS):
        op.execute(_sql(part, schema))
    for table in SEEN:
        op.execute(f"DROP POLICY who_sees_what ON {table}")
    for table, name, command, to, clauses in POLICIES:
        op.execute(f"CREATE POLICY {name} ON {table} FOR {command} TO {to.format(owner=owner)} {clauses}")
    op.execute("SELECT fsnb_grant_audit_rights()")  # the groups already made (making them needs CREATEROLE)


# What downgrade restores: 0004's fsnb_role and triggers, 0006's triggers on records.
def _statement(sql: str, start: str) -> str:
    found = re.search(re.escape(start) + r".*?;\n", sql, re.DOTALL)
    return found.group(0)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _schema(bind)
    old_functions = RLS.FUNCTIONS.format(schema=schema, roles=", ".join(f"'{r}'" for r in RLS.WORKBOOK_ROLES))
    old_role, old_login = (_statement(old_functions, f"CREATE FUNCTION {f}()").replace("CREATE", "CREATE OR REPLACE", 1)
                           for f in ("fsnb_role", "fsnb_login"))
    old_triggers = RLS.TRIGGERS.format(schema=schema, amend_refused=RLS.AMEND_REFUSED, locked_row=RLS.LOCKED_ROW)
    provisioner = bind.execute(sa.text(
        "SELECT rolname FROM pg_roles WHERE rolname = fsnb_role_prefix_here() || '_provisioner'")).scalar()
    for table, name, *_ in POLICIES:
        op.execute(f"DROP POLICY {name} ON {table}")
    for table in SEEN:
        op.execute(f"CREATE POLICY who_sees_what ON {table} USING ({RLS.POLICIES[table]})")
    op.execute("DROP TRIGGER records_rules ON records")
    op.execute("DROP TRIGGER record_versions_rules ON record_versions")
    for table in AUDITED_TABLES:
        op.execute(f"DROP TRIGGER {table}_audit_update ON {table}")
        op.execute(f"DROP TRIGGER {table}_audit_delete ON {table}")
    op.execute(_statement(old_triggers, "CREATE TRIGGER record_versions_rules"))
    op.execute(_statement(old_triggers, "CREATE TRIGGER audit_actor"))
    op.execute(MOSAIC.UPGRADE.split("DROP TRIGGER records_rules ON records;")[1])
    op.execute(old_role)
    op.execute(old_login)
    groups = bind.execute(sa.text(
        "SELECT g FROM unnest(fsnb_group_roles()) AS g WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g)"
    )).scalars().all()
    quote = bind.dialect.identifier_preparer.quote
    for group in groups:
        op.execute(f"GRANT INSERT ON audit TO {quote(group)}")
    op.execute("DROP FUNCTION fsnb_setup_group_roles()")
    op.execute("DROP FUNCTION fsnb_grant_audit_rights()")
    op.execute("ALTER FUNCTION fsnb_setup_table_rights() RENAME TO fsnb_setup_group_roles")
    if provisioner:
        op.execute(f"REVOKE ALL ON SCHEMA {schema} FROM {quote(provisioner)}")
    for function in NEW_FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    if provisioner:
        try:
            with bind.begin_nested():
                bind.execute(sa.text(f"DROP ROLE {quote(provisioner)}"))
        except sa.exc.DBAPIError:
            op.execute(f"ALTER ROLE {quote(provisioner)} NOLOGIN")  # a session still open: it stays, unable to log in
