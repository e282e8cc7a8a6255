"""Schema migrations (Alembic), run from the package itself: no alembic.ini is needed.

DESIGN.md: Schema changes go through migrations, so an upgrade never loses records.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from ..errors import WorkbookError
from .schema import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class NeedsUpgrade(WorkbookError):
    """The database was made by an older workbook and must be upgraded first."""


def alembic_config(engine: Engine | None = None, connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to `revision` (default: the newest); a new database is created from nothing."""
    with engine.connect() as conn:
        command.upgrade(alembic_config(connection=conn), revision)
    return current_revision(engine)


def ensure_current(engine: Engine) -> None:
    """Create an empty database's tables; refuse to work on one at another revision, plainly."""
    revision = current_revision(engine)
    head = head_revision()
    if revision == head:
        return
    if revision is None:
        # Tables of our own may be another program creating this database at this moment: the upgrade
        # waits for it (env.py takes the write lock first) and then finds nothing left to do.
        ours = {t for t in metadata.tables} | {"alembic_version"}
        if set(inspect(engine).get_table_names()) - ours:
            raise WorkbookError(
                "This database holds tables the workbook did not make, so it will not write to it. "
                "Point --db (or FSNB_DATABASE_URL) at a new or a workbook database."
            )
        upgrade(engine)
        return
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision in known:
        raise NeedsUpgrade(
            "This database was made by an earlier version of the workbook. Back it up and bring it up to date "
            "with `familyservice-nb db upgrade` (nothing is lost), then try again."
        )
    raise WorkbookError(
        "This database was made by a newer version of the workbook than this one. Update the workbook "
        "before using it."
    )
