"""On PostgreSQL the database itself enforces who sees what: each hub user's server connects with a login
of its own, and row-level security gives that login only the rows its role may see (store/access.py, the
same rule, stays the filter on SQLite). Completed records change only through an amendment, made by the
record's author or a manager of the case's team (line management: the practitioner's line manager).

- `database_logins` maps each PostgreSQL login role to the staff login it acts for (made by
  `store.db_logins.provision_login`; logins get no rights on it).
- Group roles `<prefix>_practitioner|manager|analyst|admin` (NOLOGIN; the prefix comes from the database's
  name, as roles are shared by every database of a server) hold the table rights; a login is a member of
  the one its staff role names. `fsnb_setup_group_roles()` makes them and grants the rights: it runs here
  when the migrating role may create roles, and again each time a login is provisioned.
- Policies (for everyone, the owner included: FORCE) read who the session is through SECURITY DEFINER
  functions that read only the staff tables and `database_logins`, which have no row-level security, so
  no policy ever recurses. A session whose user is no workbook login is direct database access (the
  owner, the hub), which sees everything (DESIGN.md trust model). The session user is used, not
  current_user: SET ROLE cannot change it.
- Triggers: a completed record's row changes only as an amendment (the new version inserted first), by
  its author or a manager of the case's team; who saved, completed, created or is named in the audit
  trail is set from the login, so a login cannot write another person's name.

SQLite: only the `database_logins` table (unused there).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)
WORKBOOK_ROLES = ("practitioner", "manager", "analyst", "admin")

# Who the session is. Every function reads only tables without row-level security.
FUNCTIONS = r"""
-- Roles belong to the whole server, so a database's roles carry a prefix made from its name.
CREATE FUNCTION fsnb_role_prefix(database_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $1 ~ '^[a-z][a-z0-9_]{{0,23}}$' THEN $1
         ELSE left(regexp_replace(lower($1), '[^a-z0-9_]', '_', 'g'), 24) || '_' || left(md5($1), 6) END
$$;
CREATE FUNCTION fsnb_role_prefix_here() RETURNS text LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT fsnb_role_prefix(current_database())
$$;
CREATE FUNCTION fsnb_group_roles() RETURNS text[] LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT array_agg(fsnb_role_prefix_here() || '_' || r) FROM unnest(ARRAY[{roles}]) AS r
$$;

-- The staff row of the session's login: NULL when the session is not a workbook login.
CREATE FUNCTION fsnb_login() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT s.login FROM database_logins d JOIN staff s ON s.login = d.login WHERE d.role_name = session_user
$$;
CREATE FUNCTION fsnb_staff_id() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT s.staff_id FROM database_logins d JOIN staff s ON s.login = d.login WHERE d.role_name = session_user
$$;
CREATE FUNCTION fsnb_name() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT s.name FROM database_logins d JOIN staff s ON s.login = d.login WHERE d.role_name = session_user
$$;
-- practitioner, manager, analyst or admin for a login on the staff list; 'database' for direct database
-- access; 'none' for a workbook login whose person has left the staff list (it sees nothing).
CREATE FUNCTION fsnb_role() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(
    (SELECT s.role FROM database_logins d JOIN staff s ON s.login = d.login WHERE d.role_name = session_user),
    CASE WHEN EXISTS (SELECT 1 FROM database_logins d WHERE d.role_name = session_user)
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                      JOIN pg_catalog.pg_roles u ON u.oid = m.member
                      WHERE u.rolname = session_user AND g.rolname = ANY (fsnb_group_roles()))
         THEN 'none' ELSE 'database' END)
$$;
CREATE FUNCTION fsnb_sees_all() RETURNS boolean LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT fsnb_role() IN ('analyst', 'admin', 'database')
$$;
CREATE FUNCTION fsnb_team_ids() RETURNS integer[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(array_agg(st.team_id), '{{}}') FROM staff_teams st WHERE st.staff_id = fsnb_staff_id()
$$;
CREATE FUNCTION fsnb_team_names() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(array_agg(t.name::text), '{{}}') FROM teams t WHERE t.team_id = ANY (fsnb_team_ids())
$$;
-- Everyone in the session person's teams (themselves included), as access.py's _team_members.
CREATE FUNCTION fsnb_member_ids() RETURNS integer[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(array_agg(DISTINCT st.staff_id), '{{}}') FROM staff_teams st WHERE st.team_id = ANY (fsnb_team_ids())
$$;
CREATE FUNCTION fsnb_member_logins() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(array_agg(s.login::text), '{{}}') FROM staff s WHERE s.staff_id = ANY (fsnb_member_ids())
$$;
CREATE FUNCTION fsnb_member_names() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE(array_agg(s.name::text), '{{}}') FROM staff s WHERE s.staff_id = ANY (fsnb_member_ids())
$$;
"""

# Each condition is evaluated once per statement (a scalar sub-select), not once per row.
SEES_ALL = "(SELECT fsnb_sees_all())"
ROLE = "(SELECT fsnb_role())"
VISIBLE_CASE = "case_id IN (SELECT c.case_id FROM cases c)"  # the cases policy, applied to the same session
POLICIES = {
    # access.case_filter
    "cases": f"""{SEES_ALL}
        OR allocated_worker_id = (SELECT fsnb_staff_id())
        OR ({ROLE} = 'manager' AND (team_id IN (SELECT unnest(fsnb_team_ids()))
                                    OR allocated_worker_id IN (SELECT unnest(fsnb_member_ids()))))""",
    # children are read with their case
    "children": f"{SEES_ALL} OR {VISIBLE_CASE}",
    # access.record_filter
    "records": f"""{SEES_ALL} OR {VISIBLE_CASE}
        OR (case_id IS NULL AND (author = (SELECT fsnb_login()) OR subject = (SELECT fsnb_login())
            OR ({ROLE} = 'manager' AND (author IN (SELECT unnest(fsnb_member_logins()))
                                        OR subject IN (SELECT unnest(fsnb_member_logins()))))))""",
    "record_versions": f"{SEES_ALL} OR record_id IN (SELECT r.record_id FROM records r)",
    # access.note_filter
    "notes": f"""{SEES_ALL} OR {VISIBLE_CASE}
        OR ({ROLE} = 'practitioner' AND worker IN ((SELECT fsnb_name()), (SELECT fsnb_login())))
        OR ({ROLE} = 'manager' AND (team IN (SELECT unnest(fsnb_team_names()))
                                    OR worker IN (SELECT unnest(fsnb_member_names()))))""",
    # the trail of what one may see: records, notes, cases
    "audit": f"""{SEES_ALL}
        OR (entity = 'record' AND entity_id IN (SELECT r.record_id::text FROM records r))
        OR (entity = 'note' AND entity_id IN (SELECT n.note_id FROM notes n))
        OR (entity = 'case' AND entity_id IN (SELECT c.case_id FROM cases c))""",
    # rejected rows of extracts: those who load data (access.LOADS_DATA)
    "import_rejects": SEES_ALL,
}

AMEND_REFUSED = (
    "Only the author of record % or a manager of its case''s team (for line management: the practitioner''s "
    "line manager) can amend it."
)
LOCKED_ROW = "Record % was completed and is locked: it can only be changed by an amendment, with its reason."
TRIGGERS = r"""
-- The amendment rule: the record's author, a manager of the case's team, or for a record on no case (line
-- management) the line manager of the practitioner it is about. Direct database access may amend.
CREATE FUNCTION fsnb_may_amend(p_author text, p_case_id text, p_subject text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT fsnb_role() = 'database'
      OR p_author = fsnb_login()
      OR (p_case_id IS NOT NULL AND fsnb_role() = 'manager'
          AND (SELECT c.team_id FROM cases c WHERE c.case_id = p_case_id) = ANY (fsnb_team_ids()))
      OR (p_case_id IS NULL AND p_subject IS NOT NULL
          AND (SELECT s.line_manager_id FROM staff s WHERE s.login = p_subject) = fsnb_staff_id())
$$;

CREATE FUNCTION fsnb_version_rules() RETURNS trigger LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
DECLARE r record;
BEGIN
  IF fsnb_role() <> 'database' THEN  -- a login names itself, never another person
    NEW.saved_by := fsnb_login();
    IF NEW.state = 'complete' AND (TG_OP = 'INSERT' OR OLD.state <> 'complete') THEN
      NEW.completed_by := fsnb_login();
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO r FROM records WHERE record_id = NEW.record_id;
    IF FOUND AND r.state = 'complete' THEN  -- a new version of a completed record is an amendment
      IF NEW.version <> r.current_version + 1 THEN
        RAISE EXCEPTION 'An amendment of record % must be its next version, %.', NEW.record_id, r.current_version + 1
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NOT fsnb_may_amend(r.author, r.case_id, r.subject) THEN
        RAISE EXCEPTION '{amend_refused}', NEW.record_id USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER record_versions_rules BEFORE INSERT OR UPDATE ON record_versions
  FOR EACH ROW EXECUTE FUNCTION fsnb_version_rules();

CREATE FUNCTION fsnb_record_rules() RETURNS trigger LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
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
    IF NEW.current_version <= OLD.current_version OR NOT EXISTS (
         SELECT 1 FROM record_versions v WHERE v.record_id = NEW.record_id AND v.version = NEW.current_version) THEN
      RAISE EXCEPTION '{locked_row}', OLD.record_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT fsnb_may_amend(OLD.author, OLD.case_id, OLD.subject) THEN
      RAISE EXCEPTION '{amend_refused}', OLD.record_id USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER records_rules BEFORE INSERT OR UPDATE ON records
  FOR EACH ROW EXECUTE FUNCTION fsnb_record_rules();

CREATE FUNCTION fsnb_audit_actor() RETURNS trigger LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF fsnb_role() <> 'database' THEN NEW.actor := fsnb_login(); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_actor BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION fsnb_audit_actor();
"""

# Table rights of each group (row-level security then narrows the rows). Nobody but the owner deletes a
# record, a version or an audit entry, and only admins change the staff list.
EVERYONE = ("practitioner", "manager", "analyst", "admin")
LOADERS = ("analyst", "admin")
GRANTS = [
    (EVERYONE, "SELECT", "alembic_version, teams, staff, staff_teams, cases, children, settings, records, "
                         "record_versions, imports, notes, audit"),
    (EVERYONE, "INSERT, UPDATE", "records, record_versions"),
    (EVERYONE, "INSERT", "audit"),
    (LOADERS, "SELECT", "import_rejects"),
    (LOADERS, "INSERT, UPDATE", "cases, children, teams, imports, import_rejects, notes"),
    (("admin",), "INSERT, UPDATE, DELETE", "staff, staff_teams"),
    (("admin",), "INSERT, UPDATE", "settings"),
]


def _setup_function(schema: str) -> str:
    """fsnb_setup_group_roles(): make the group roles that are missing and grant each its rights."""
    lines = []
    for groups, rights, tables in GRANTS:
        for group in groups:
            lines.append(
                f"EXECUTE format('GRANT {rights} ON {tables} TO %I', prefix || '_{group}');"
            )
    grants = "\n    ".join(lines)
    return f"""
CREATE FUNCTION fsnb_setup_group_roles() RETURNS void LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
DECLARE prefix text := fsnb_role_prefix_here(); g text;
BEGIN
  FOREACH g IN ARRAY fsnb_group_roles() LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = g) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', g);
    END IF;
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO %I', g);
    EXECUTE format('GRANT USAGE ON SCHEMA {schema} TO %I', g);
  END LOOP;
  {grants}
END $$;
REVOKE EXECUTE ON FUNCTION fsnb_setup_group_roles() FROM PUBLIC;
"""


def _schema(bind) -> str:
    return bind.dialect.identifier_preparer.quote(bind.execute(sa.text("SELECT current_schema()")).scalar_one())


def upgrade() -> None:
    op.create_table(
        "database_logins",
        sa.Column("role_name", sa.String(63), nullable=False),
        sa.Column("login", sa.String(200), nullable=False),
        sa.Column("made_at", When, nullable=False),
        sa.PrimaryKeyConstraint("role_name", name="pk_database_logins"),
        sa.UniqueConstraint("login", name="uq_database_logins_login"),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _schema(bind)
    roles = ", ".join(f"'{r}'" for r in WORKBOOK_ROLES)
    op.execute(FUNCTIONS.format(schema=schema, roles=roles))
    op.execute(TRIGGERS.format(schema=schema, amend_refused=AMEND_REFUSED, locked_row=LOCKED_ROW))
    op.execute(_setup_function(schema))
    for table, condition in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY who_sees_what ON {table} USING ({condition})")
    may_create_roles = bind.execute(
        sa.text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar_one()
    if may_create_roles:  # otherwise provision_login makes them, or says plainly that it cannot
        op.execute("SELECT fsnb_setup_group_roles()")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        logins = bind.execute(sa.text("SELECT role_name FROM database_logins")).scalars().all()
        groups = bind.execute(sa.text(
            "SELECT g FROM unnest(fsnb_group_roles()) AS g WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g)"
        )).scalars().all()
        quote = bind.dialect.identifier_preparer.quote
        for role in [*logins, *groups]:
            if bind.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                for what in ("ALL TABLES IN SCHEMA", "ALL SEQUENCES IN SCHEMA", "SCHEMA"):
                    op.execute(f"REVOKE ALL ON {what} {_schema(bind)} FROM {quote(role)}")
                if role in logins:
                    op.execute(f"ALTER ROLE {quote(role)} NOLOGIN")
                try:
                    with bind.begin_nested():
                        bind.execute(sa.text(f"DROP ROLE {quote(role)}"))
                except sa.exc.DBAPIError:
                    pass  # a session still open holds something of it: it stays, unable to log in, with no rights
        for table in POLICIES:
            op.execute(f"DROP POLICY who_sees_what ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP TRIGGER audit_actor ON audit")
        op.execute("DROP TRIGGER records_rules ON records")
        op.execute("DROP TRIGGER record_versions_rules ON record_versions")
        for function in (
            "fsnb_setup_group_roles()", "fsnb_audit_actor()", "fsnb_record_rules()", "fsnb_version_rules()",
            "fsnb_may_amend(text, text, text)", "fsnb_member_names()", "fsnb_member_logins()", "fsnb_member_ids()",
            "fsnb_team_names()", "fsnb_team_ids()", "fsnb_sees_all()", "fsnb_role()", "fsnb_name()",
            "fsnb_staff_id()", "fsnb_login()", "fsnb_group_roles()", "fsnb_role_prefix_here()",
            "fsnb_role_prefix(text)",
        ):
            op.execute(f"DROP FUNCTION {function}")
    op.drop_table("database_logins")
