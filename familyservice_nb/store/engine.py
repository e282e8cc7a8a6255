"""Where the data lives, and how the database is opened.

DESIGN.md: Real components - a SQLite file (`data/workbook.db`) in WAL mode is the embedded default;
PostgreSQL (`FSNB_DATABASE_URL=postgresql+psycopg://...`) serves a team on a shared server.
Engines are made on demand (by `Store`), never when a module is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..errors import WorkbookError
from ..identity import signed_in

DEFAULT_URL = "sqlite:///data/workbook.db"
BUSY_TIMEOUT_SECONDS = 60  # how long a writer waits for another writer before giving up
WRITE = {"fsnb_write": True}  # execution option: this transaction writes (BEGIN IMMEDIATE on SQLite)
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700  # databases, backups and uploads: this account alone


def create_private_file(path: str | Path) -> Path:
    """Create an empty file readable and writable by this account alone (0600, whatever the umask);
    refused when it exists. SQLite gives a database's -wal and -shm files the database file's mode."""
    path = Path(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    os.chmod(path, PRIVATE_FILE)  # the umask may have taken bits away, never added: make it exact
    return path


def make_private_folder(path: str | Path) -> Path:
    """A folder (and its parents), created 0700 when it is new; an existing one is left as it is."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    return path


def database_url(url: str | None = None) -> str:
    """The database to use: the argument, else FSNB_DATABASE_URL, else data/workbook.db.

    A plain `postgresql://` URL is given the psycopg 3 driver; a SQLite file's folder is created.
    """
    text = url or os.environ.get("FSNB_DATABASE_URL") or DEFAULT_URL
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise WorkbookError(
            f"'{text}' is not a database address the workbook understands. Use sqlite:///path/to/file.db "
            "or postgresql+psycopg://user@host/database."
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            make_private_folder(Path(parsed.database).parent)
    else:
        raise WorkbookError(
            f"The workbook keeps its data in SQLite or PostgreSQL, not {backend}. "
            "Use sqlite:///path/to/file.db or postgresql+psycopg://user@host/database."
        )
    return parsed.render_as_string(hide_password=False)


def current_user(user: str | None = None) -> str | None:
    """Who is using the workbook.

    DESIGN.md trust model: behind JupyterHub the identity comes from the hub alone (JUPYTERHUB_USER
    wins over FSNB_USER, and naming someone else is refused); on a laptop FSNB_USER names the person at
    the keyboard. Nobody named means direct database access, which sees everything.
    """
    who = signed_in()
    hub = who.login if who.by_hub else None
    if hub and user and user != hub:
        from .access import NotAllowed

        raise NotAllowed(
            f"You are signed in to JupyterHub as '{hub}', so the workbook cannot act as '{user}'."
        )
    return user or who.login


def make_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite set up for several writers at once."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    database = parsed.database

    @event.listens_for(engine, "do_connect")
    def _private_file(_dialect, _record, _args, _kwargs):
        # SQLite would create a missing file readable by every account (the umask's 0644). Made first,
        # 0600, it stays private, and SQLite gives its -wal and -shm files the same mode.
        if database and database != ":memory:" and not database.startswith("file:") and not Path(database).exists():
            make_private_folder(Path(database).parent)
            try:
                create_private_file(database)
            except FileExistsError:  # another process made it a moment ago
                pass

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (below), so the driver must not start transactions of its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # FULL: a completed record survives a power cut, not only a crashed program.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front: two deferred transactions that both read and then
        # try to write would deadlock, and SQLite would fail one of them instead of making it wait.
        write = connection.get_execution_options().get("fsnb_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    """The SQLite file behind an engine (None for PostgreSQL or an in-memory database)."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)
