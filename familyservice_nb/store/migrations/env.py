"""Alembic environment: runs the migrations on the connection `familyservice_nb.store.migrate` hands in.

The whole upgrade is one transaction that first takes the write lock (BEGIN IMMEDIATE on SQLite, an
advisory lock on PostgreSQL), so two programs upgrading the same database at once take turns: the
second finds the work done.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from familyservice_nb.store.engine import WRITE, database_url, make_engine
from familyservice_nb.store.schema import metadata

MIGRATION_LOCK = 7_246_001  # any fixed number; shared by every program upgrading this database


def _run(connection) -> None:
    connection = connection.execution_options(**WRITE)
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


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
