"""Databases for the store tests: a fresh SQLite file or a fresh PostgreSQL database for each test.

PostgreSQL tests use the server named by FSNB_TEST_POSTGRES_URL (`.ci/run` starts one). Without it they
skip locally and fail when CI=true: in CI they must run for real.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from storehelp import seed_people

PG_ENV = "FSNB_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _no_outside_identity(monkeypatch):
    """Tests name their users and databases themselves."""
    for name in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'workbook.db'}"


@pytest.fixture(scope="session")
def _postgres_server():
    url = os.environ.get(PG_ENV)
    if not url:
        if in_ci():
            pytest.fail(f"{PG_ENV} is not set, and CI=true: the PostgreSQL tests must run in CI.")
        pytest.skip(f"{PG_ENV} is not set (no PostgreSQL server for the tests)")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except OperationalError as exc:
        pytest.fail(f"{PG_ENV} is set but the PostgreSQL server cannot be reached: {exc}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(_postgres_server) -> str:
    """A new, empty database on the test server, dropped afterwards."""
    name = f"fsnb_t_{uuid.uuid4().hex[:16]}"
    with _postgres_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )
    drop_database(_postgres_server, name)


def drop_database(server, name: str) -> None:
    """Drop a test database, its leftover connections too, then its roles (roles belong to the whole server;
    a workbook database's roles are named after it, see store/db_logins.py). FORCE cannot end an autovacuum
    worker for a role that is not a superuser, so a busy database is tried again shortly after."""
    with server.connect() as conn:  # to end a login's leftover session, one must be a member of its role
        for role in _roles_of(conn, name):
            conn.execute(text(f'GRANT "{role}" TO CURRENT_USER'))
    for attempt in range(20):
        try:
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.25)
    drop_roles_of(server, name)


def drop_roles_of(server, database: str) -> None:
    """Drop the group roles and logins the migrations and provision_login made for a (dropped) test database."""
    with server.connect() as conn:
        for role in _roles_of(conn, database):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def _roles_of(conn, database: str) -> list[str]:
    # fsnb_t_<16 hex digits> is short and plain, so it is its own role prefix (fsnb_role_prefix in 0004)
    return conn.execute(
        text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"), {"p": database + "_"}
    ).scalars().all()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def seeded(store_url):
    """A store (direct database access) with the two teams' staff and cases."""
    from familyservice_nb.store import Store

    store = Store(store_url)
    seed_people(store)
    yield store
    store.close()


@pytest.fixture
def as_user(store_url):
    """as_user(login) -> a Store acting as that person; closed after the test."""
    from familyservice_nb.store import Store

    opened = []

    def _open(login):
        store = Store(store_url, user=login)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()
