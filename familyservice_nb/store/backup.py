"""`db backup`: a consistent copy of the database, taken while others may be writing.

SQLite: VACUUM INTO, which reads the database in one read transaction (writers carry on, the copy is
as of one moment) and writes a compact file, then checked. PostgreSQL: pg_dump when it is installed,
otherwise a plain sentence saying to use it on the server.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from ..errors import WorkbookError
from .engine import create_private_file, make_engine, make_private_folder, sqlite_path


def _default_destination(engine: Engine, suffix: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = sqlite_path(engine)
    folder = (path.parent if path else Path("data")) / "backups"
    stem = path.stem if path else engine.url.database or "workbook"
    return folder / f"{stem}-{stamp}{suffix}"


def backup(url: str, destination: str | Path | None = None) -> Path:
    """A consistent copy: SQLite's VACUUM INTO (one read transaction, so writers carry on), or pg_dump."""
    engine = make_engine(url)
    try:
        path = sqlite_path(engine)
        if engine.dialect.name == "sqlite":
            if path is None or not path.exists():
                raise WorkbookError(f"There is no database file to back up at {path or 'memory'}.")
            target = Path(destination) if destination else _default_destination(engine, ".db")
            if target.exists():
                raise WorkbookError(f"{target} already exists; choose a new file for the backup.")
            make_private_folder(target.parent)
            create_private_file(target)  # VACUUM INTO writes into an empty file, keeping its mode (0600)
            source = sqlite3.connect(path, timeout=60)
            try:
                source.execute("VACUUM INTO ?", (str(target),))
            except sqlite3.Error:
                target.unlink(missing_ok=True)
                raise
            finally:
                source.close()
            copy = sqlite3.connect(target)
            try:
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise WorkbookError(f"The backup written to {target} did not pass its integrity check.")
            finally:
                copy.close()
            return target
        return _pg_dump(engine, destination)
    finally:
        engine.dispose()


def _pg_dump(engine: Engine, destination) -> Path:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise WorkbookError(
            "This database is on a PostgreSQL server. Back it up there with pg_dump (for example "
            "`pg_dump --format=custom --file=workbook.dump DATABASE`); pg_dump is not installed here."
        )
    target = Path(destination) if destination else _default_destination(engine, ".dump")
    if target.exists():
        raise WorkbookError(f"{target} already exists; choose a new file for the backup.")
    make_private_folder(target.parent)
    create_private_file(target)  # pg_dump writes into it and keeps its mode (0600)
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line, where others could read it
    # Row-level security (migration 0004) applies to the owner too, whose policy lets it read every row:
    # without this pg_dump would stop rather than dump through a policy.
    args = [tool, "--format=custom", f"--file={target}", "--no-password", "--enable-row-security"]
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args.append(f"{flag}={value}")
    args.append(f"--dbname={url.database}")
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise WorkbookError(f"pg_dump could not back up the database: {done.stderr.strip()}")
    return target

