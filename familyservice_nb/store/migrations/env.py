"""Alembic environment: runs the migrations on the connection `familyservice_nb.store.migrate` hands in.

On PostgreSQL the whole upgrade is one transaction that first takes an advisory lock; on SQLite each step is a
transaction of its own that takes the write lock (BEGIN IMMEDIATE). Either way two programs upgrading the same
database at once take turns: the second finds the work done.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store.engine import WRITE, database_url, make_engine
from familyservice_nb.store.schema import metadata

MIGRATION_LOCK = 7_246_001  # any fixed number; shared by every program upgrading this database


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """Turn SQLite's foreign key enforcement on or off; it changes only outside a transaction."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _references_intact(ctx, step, heads, run_args) -> None:
    """After each step on SQLite, before it commits: refuse a step that leaves a reference to a missing row."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise WorkbookError(
            f"The upgrade stopped at step {step.up_revision_id}, which would have left rows referring to rows that "
            f"are not there ({len(broken)}, for example in {broken[0][0]}); that step changed nothing. Keep the "
            "database as it is and report this.")


def _run(connection) -> None:
    connection = connection.execution_options(**WRITE)
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        compare_type=True,
        on_version_apply=_references_intact if sqlite else None,
    )
    # SQLite makes a table again (a batch migration) by copying it and dropping the old one; with foreign keys
    # enforced, the drop would delete what other tables refer to. SQLite's own procedure: enforcement off while
    # upgrading, every reference checked before each step commits, enforcement on again.
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    done = False
    try:
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()
        done = True
    finally:
        if sqlite:
            # Alembic leaves SQLite's connection in a transaction of its own reads, in which the setting cannot
            # change; the connection goes back to the pool afterwards, so enforcement must be on again here.
            if connection.in_transaction():
                (connection.commit if done else connection.rollback)()
            _sqlite_foreign_keys(connection, on=True)


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url(context.config.get_main_option("sqlalchemy.url") or None))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():  # pragma: no cover - SQL scripts are not how the workbook upgrades
    raise SystemExit("familyservice-nb migrations run against a database: use `familyservice-nb db upgrade`.")
run_migrations_online()
