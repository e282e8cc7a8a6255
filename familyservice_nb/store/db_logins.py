"""PostgreSQL logins of their own for each hub user's server, and the database's refusals in plain words.

Issue 11: each hub user's server connects with a login of its own, made or refreshed by the hub when the
server starts; the hub alone holds the owner's credential. Row-level security (migration 0004) then gives
that login only the rows its role may see. The store's own filtering (access.py) stays for SQLite.

    url = provision_login(owner_url, "alex.example")   # a new password on every call
    remove_login(owner_url, "alex.example")            # when someone leaves
    remove_leavers(owner_url)                          # every login whose person left the staff list

Roles belong to the whole PostgreSQL server, so every role of a workbook database carries a prefix made
from the database's name (`fsnb_role_prefix` in the database): `<prefix>_practitioner` and its three
siblings are the group roles, `<prefix>_<login>_<hash>` the logins.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..errors import WorkbookError
from . import audit, migrate
from .access import NotAllowed
from .engine import database_url

PROVISION_LOCK = 7_246_011  # advisory lock: two servers starting at once take turns
SCRAM_ITERATIONS = 4096


def _owner_engine(owner_url: str):
    url = database_url(owner_url)
    if make_url(url).get_backend_name() != "postgresql":
        raise WorkbookError("Logins of their own are for a PostgreSQL database; SQLite has no logins.")
    return create_engine(url, pool_pre_ping=True)


def login_role_name(prefix: str, login: str) -> str:
    """A role name only of a-z, 0-9 and _, at most 63 characters, different for every login."""
    readable = re.sub(r"[^a-z0-9]+", "_", login.lower()).strip("_")[:20] or "user"
    return f"{prefix}_{readable}_{hashlib.sha256(login.encode()).hexdigest()[:8]}"


def scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 form PostgreSQL stores, made here so the password never reaches the server or its log."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)  # quotes always when needed, doubles inner quotes


def _literal(value: str) -> str:
    if "\\" in value or "\x00" in value:
        raise WorkbookError("That value cannot be kept as a database password.")
    return "'" + value.replace("'", "''") + "'"


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


def _groups(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT unnest(fsnb_group_roles())")).scalars())


def _setup_groups(conn: Connection) -> None:
    may = conn.execute(text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar()
    if not may:
        user = conn.execute(text("SELECT current_user")).scalar()
        raise WorkbookError(
            f"The database role '{user}' that owns the workbook's tables may not create roles, so the hub cannot "
            f"give each person a login of their own. A database administrator can allow it with "
            f"ALTER ROLE {_quote(conn, user)} CREATEROLE; then start the server again."
        )
    conn.execute(text("SELECT fsnb_setup_group_roles()"))


def provision_login(owner_url: str, hub_user: str) -> str:
    """Make (or refresh, with a new password) the PostgreSQL login of `hub_user`, a login on the staff list,
    put it in the group role of their workbook role, and return the URL their server must use."""
    engine = _owner_engine(owner_url)
    try:
        migrate.ensure_current(engine)
        password = secrets.token_urlsafe(32)
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROVISION_LOCK})
            role = conn.execute(text("SELECT role FROM staff WHERE login = :l"), {"l": hub_user}).scalar()
            if role is None:
                raise NotAllowed(
                    f"'{hub_user}' is not on the workbook's staff list, so they cannot be given a database login. "
                    "An administrator can add them with `familyservice-nb staff import`."
                )
            _setup_groups(conn)
            prefix = conn.execute(text("SELECT fsnb_role_prefix_here()")).scalar()
            name = conn.execute(
                text("SELECT role_name FROM database_logins WHERE login = :l"), {"l": hub_user}
            ).scalar()
            if name is not None and not name.startswith(prefix + "_"):
                # Copied from another database with a backup: that login is the other database's, not ours.
                conn.execute(text("DELETE FROM database_logins WHERE role_name = :r"), {"r": name})
                name = None
            if name is None:
                name = login_role_name(prefix, hub_user)
                if _role_exists(conn, name):
                    raise WorkbookError(
                        f"A database role named {name} already exists and is not a workbook login, so the "
                        "workbook will not take it over. A database administrator should remove or rename it."
                    )
                conn.execute(text("INSERT INTO database_logins (role_name, login, made_at) VALUES (:r, :l, :t)"),
                             {"r": name, "l": hub_user, "t": audit.utcnow()})
            quoted, verifier = _quote(conn, name), _literal(scram_verifier(password))
            if _role_exists(conn, name):
                conn.exec_driver_sql(f"ALTER ROLE {quoted} LOGIN INHERIT PASSWORD {verifier}")
            else:
                conn.exec_driver_sql(
                    f"CREATE ROLE {quoted} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                    f"NOBYPASSRLS PASSWORD {verifier}"
                )
            unsafe = conn.execute(text(
                "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication FROM pg_roles "
                "WHERE rolname = :n"), {"n": name}).scalar()
            if unsafe:
                raise WorkbookError(
                    f"The database role {name} has been given rights beyond a workbook login (superuser, bypassing "
                    "row-level security, or making roles or databases), so the hub will not use it. A database "
                    "administrator should take those rights away."
                )
            group = f"{prefix}_{role}"
            for other in _groups(conn):
                if other != group:
                    conn.exec_driver_sql(f"REVOKE {_quote(conn, other)} FROM {quoted}")
            conn.exec_driver_sql(f"GRANT {_quote(conn, group)} TO {quoted}")
        return make_url(engine.url).set(username=name, password=password).render_as_string(hide_password=False)
    finally:
        engine.dispose()


def remove_login(owner_url: str, hub_user: str) -> bool:
    """Take away `hub_user`'s login: it can no longer connect or read anything. True when there was one."""
    engine = _owner_engine(owner_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROVISION_LOCK})
            return _remove(conn, hub_user)
    finally:
        engine.dispose()


def remove_leavers(owner_url: str) -> list[str]:
    """Take away the login of everyone no longer on the staff list; returns their staff logins."""
    engine = _owner_engine(owner_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROVISION_LOCK})
            gone = conn.execute(text(
                "SELECT d.login FROM database_logins d WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.login = d.login)"
                " ORDER BY d.login"
            )).scalars().all()
            for login in gone:
                _remove(conn, login)
            return list(gone)
    finally:
        engine.dispose()


def _remove(conn: Connection, login: str) -> bool:
    name = conn.execute(text("SELECT role_name FROM database_logins WHERE login = :l"), {"l": login}).scalar()
    if name is None:
        return False
    if _role_exists(conn, name):
        quoted = _quote(conn, name)
        conn.exec_driver_sql(f"ALTER ROLE {quoted} NOLOGIN")
        for group in _groups(conn):  # an open session loses its rights at once
            conn.exec_driver_sql(f"REVOKE {_quote(conn, group)} FROM {quoted}")
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(f"DROP ROLE {quoted}")
        except DBAPIError:
            pass  # something still depends on it: it stays, unable to log in and with no rights
        else:
            conn.execute(text("DELETE FROM database_logins WHERE role_name = :r"), {"r": name})
            return True
    else:
        conn.execute(text("DELETE FROM database_logins WHERE role_name = :r"), {"r": name})
    return True


# -- who a session is, and the database's refusals -----------------------------------------------------


def session_login(conn: Connection) -> tuple[str, str | None]:
    """("database", None) for direct database access; ("login", staff login) for a workbook login;
    ("gone", None) for a workbook login whose person has left the staff list."""
    role, login = conn.execute(text("SELECT fsnb_role(), fsnb_login()")).one()
    if role == "database":
        return "database", None
    if role == "none":
        return "gone", None
    return "login", login


TABLE_WORDS = {
    "staff": "the staff list", "staff_teams": "the staff list", "teams": "the teams", "cases": "cases",
    "children": "children", "settings": "the council's settings", "records": "records",
    "record_versions": "records", "notes": "notes", "imports": "imports", "import_rejects": "rejected rows",
    "audit": "the audit trail", "database_logins": "the database logins",
}


def refusal(exc: DBAPIError) -> WorkbookError | None:
    """The store's error for a refusal by PostgreSQL's rights, row-level security or the workbook's triggers."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state not in ("42501", "P0001"):
        return None
    diag = getattr(orig, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(orig)).strip()
    if state == "P0001":  # 0002's lock on completed versions
        from .repository import RecordLocked

        return RecordLocked(message) if "cannot be changed" in message else None
    if message[:1].isupper():  # the workbook's own refusal, already in plain words
        return NotAllowed(message)
    table = getattr(diag, "table_name", None) or (re.findall(r'(?:table|relation) "?(\w+)"?', message) or [""])[-1]
    what = TABLE_WORDS.get(table, "this")
    if "row-level security" in message:
        return NotAllowed(f"The database refused to save this to {what}: it is not something your login may see.")
    return NotAllowed(f"The database does not let your login do this to {what}.")
