"""PostgreSQL logins of their own for each hub user's server, and the database's refusals in plain words.

Each hub user's server connects with a login of its own, made or refreshed when the server starts. Row-level
security (migrations 0004 and 0007) then gives that login only the rows its role may see, and lets it record only
what the store's rules allow. The store's own filtering (access.py) stays for SQLite.

The running hub does not hold the owner's credential: at its start the owner prepares a provisioning role, which
has no table rights and may only run the owner's functions that make, remove and rotate logins and read one
person's role (migration 0007). Every function below takes the owner's URL or the provisioning role's.

    hub = prepare_provisioner(owner_url)            # once, with the owner: the provisioning role's URL
    url = provision_login(hub, "alex.example")      # a new password on every call
    remove_login(hub, "alex.example")               # when someone leaves
    remove_leavers(hub)                             # every login whose person left the staff list
    rotate_logins(hub)                              # every login unable to connect until provisioned again
    staff_role(hub, "alex.example")                 # 'practitioner', 'manager', 'analyst' or 'admin'
    staff_login(hub, "Alex.Example")                # 'alex.example': the staff list's spelling, or None

Roles belong to the whole PostgreSQL server, so every role of a workbook database carries a prefix made
from the database's name (`fsnb_role_prefix` in the database): `<prefix>_practitioner` and its three
siblings are the group roles, `<prefix>_<login>_<hash>` the logins, `<prefix>_provisioner` the provisioning role.
No password reaches the server: it gets a SCRAM verifier made here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ..errors import WorkbookError
from . import migrate
from .access import DATABASE, NotAllowed
from .engine import database_url

SCRAM_ITERATIONS = 4096
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _engine(url: str) -> Engine:
    url = database_url(url)
    if make_url(url).get_backend_name() != "postgresql":
        raise WorkbookError("Logins of their own are for a PostgreSQL database; SQLite has no logins.")
    return create_engine(url, pool_pre_ping=True)


def login_role_name(prefix: str, login: str) -> str:
    """A role name only of a-z, 0-9 and _, at most 63 characters, different for every login (the database's
    `fsnb_login_role_name` gives the same)."""
    readable = re.sub(r"[^a-z0-9]+", "_", login.translate(_ASCII_LOWER)).strip("_")[:20] or "user"
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


def _setup_groups(conn: Connection) -> None:
    """The owner brings the group roles and their rights up to date, or says plainly why it cannot."""
    may = conn.execute(text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar()
    if not may:
        user = conn.execute(text("SELECT current_user")).scalar()
        raise WorkbookError(
            f"The database role '{user}' that owns the workbook's tables may not create roles, so the hub cannot "
            f"give each person a login of their own. A database administrator can allow it with "
            f"ALTER ROLE {_quote(conn, user)} CREATEROLE; then start the server again."
        )
    conn.execute(text("SELECT fsnb_setup_group_roles()"))


def _is_owner(engine: Engine) -> bool:
    """Direct database access (the owner), which may bring the database up to date; not the provisioning role."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regprocedure('fsnb_session()') IS NULL")).scalar():
            return True  # not brought up to date yet: only its owner can
        return conn.execute(text("SELECT fsnb_role()")).scalar() == DATABASE


@contextlib.contextmanager
def _provisioning(url: str) -> Iterator[tuple[Engine, Connection, bool]]:
    """(engine, a transaction, whether it is the owner's) for the owner's or the provisioning role's URL; the
    database's refusals in plain words."""
    engine = _engine(url)
    try:
        owner = _is_owner(engine)
        if owner:
            migrate.ensure_current(engine)
        with _plain_words(), engine.begin() as conn:
            yield engine, conn, owner
    finally:
        engine.dispose()


@contextlib.contextmanager
def _plain_words() -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        refused = refusal(exc)
        if refused is None:
            raise
        raise refused from None


def _url_for(engine: Engine, name: str, password: str) -> str:
    return make_url(engine.url).set(username=name, password=password).render_as_string(hide_password=False)


def prepare_provisioner(owner_url: str) -> str:
    """With the owner's URL, once at the hub's start: bring the group roles up to date, make (or refresh, with a
    new password) the provisioning role, and return its URL. It has no table rights and is a member of no role;
    it may only make, remove and rotate logins and read one person's role."""
    password = secrets.token_urlsafe(32)
    with _provisioning(owner_url) as (engine, conn, owner):
        if not owner:
            raise NotAllowed("Only the database role that owns the workbook's tables can prepare the provisioning "
                             "role.")
        _setup_groups(conn)
        name = conn.execute(text("SELECT fsnb_setup_provisioner(:v)"), {"v": scram_verifier(password)}).scalar_one()
    return _url_for(engine, name, password)


def provision_login(url: str, hub_user: str) -> str:
    """Make (or refresh, with a new password) the PostgreSQL login of `hub_user`, a login on the staff list,
    put it in the group role of their workbook role, and return the URL their server must use. `url` is the
    owner's or the provisioning role's."""
    return provision_person(url, hub_user)[1]


def provision_person(url: str, hub_user: str) -> tuple[str, str]:
    """`hub_user`'s workbook role and their freshly provisioned login's URL, in one connection (what the hub
    does at every server start); NotAllowed when the staff list does not name them."""
    password = secrets.token_urlsafe(32)
    with _provisioning(url) as (engine, conn, owner):
        role = _staff_role(conn, hub_user)
        if owner:
            _setup_groups(conn)
        name = conn.execute(text("SELECT fsnb_provision_login(:l, :v)"),
                            {"l": hub_user, "v": scram_verifier(password)}).scalar_one()
    return role, _url_for(engine, name, password)


def remove_login(url: str, hub_user: str) -> bool:
    """Take away `hub_user`'s login: it can no longer connect or read anything. True when there was one."""
    with _provisioning(url) as (_engine, conn, _owner):
        return bool(conn.execute(text("SELECT fsnb_remove_login(:l)"), {"l": hub_user}).scalar_one())


def remove_leavers(url: str) -> list[str]:
    """Take away the login of everyone no longer on the staff list; returns their staff logins."""
    with _provisioning(url) as (_engine, conn, _owner):
        return list(conn.execute(text("SELECT fsnb_remove_leavers()")).scalars())


def rotate_logins(url: str) -> int:
    """Every workbook login of the database can no longer connect (its password is removed) until it is
    provisioned again: a server still running from before cannot connect again. Returns how many."""
    with _provisioning(url) as (_engine, conn, _owner):
        return int(conn.execute(text("SELECT fsnb_rotate_logins()")).scalar_one())


def staff_role(url: str, login: str) -> str:
    """The workbook role the staff list gives `login`; NotAllowed when the staff list does not name them."""
    with _provisioning(url) as (_engine, conn, _owner):
        return _staff_role(conn, login)


def staff_login(url: str, login: str) -> str | None:
    """The staff list's own spelling of `login`, matched without regard to case (a directory may write
    `Alex.Example` for the staff list's `alex.example`); None when the staff list names nobody by it, or two
    people whose logins differ only in case."""
    with _provisioning(url) as (_engine, conn, _owner):
        return conn.execute(text("SELECT fsnb_staff_login(:l)"), {"l": login.strip()}).scalar()


def _staff_role(conn: Connection, login: str) -> str:
    role = conn.execute(text("SELECT fsnb_staff_role(:l)"), {"l": login}).scalar()
    if role is None:
        raise NotAllowed(
            f"'{login}' is not on the workbook's staff list, so the workbook cannot open for them. An administrator "
            "can add them with `familyservice-nb staff import`."
        )
    return role


# -- who a session is, and the database's refusals -----------------------------------------------------


def session_login(conn: Connection) -> tuple[str, str | None]:
    """("database", None) for direct database access; ("login", staff login) for a workbook login;
    ("gone", None) for a workbook login whose person has left the staff list."""
    role, login = conn.execute(text("SELECT fsnb_role(), fsnb_login()")).one()
    if role == DATABASE:
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
    if message[:1].isupper() or message[:1] == "'":  # the workbook's own refusal, already in plain words
        return NotAllowed(message)
    table = getattr(diag, "table_name", None) or (re.findall(r'(?:table|relation) "?(\w+)"?', message) or [""])[-1]
    what = TABLE_WORDS.get(table, "this")
    if "row-level security" in message:
        return NotAllowed(f"The database refused to save this to {what}: it is not something your login may see.")
    return NotAllowed(f"The database does not let your login do this to {what}.")
