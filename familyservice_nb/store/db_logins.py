"""A PostgreSQL login of its own for each hub user's workbook server (issue 11, item 4).

REPLACED AT MERGE by the i11db helper's implementation (branch i11db), which adds row-level security
and the amendment rules in the database. This minimal version keeps the same interface so the hub can
be built and tested for real meanwhile: it creates (or refreshes) a real login with a fresh random
password and the rights the workbook needs on its tables, and nothing more (no row-level security yet).

The hub alone holds the owner's credential (`owner_url`); a user's server gets only the URL this returns.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..errors import WorkbookError

ROLE_PREFIX = "fsnb_user_"


def login_role_name(hub_user: str) -> str:
    """The PostgreSQL role of a hub user: a fixed prefix and the user name, safe as an identifier."""
    cleaned = re.sub(r"[^a-z0-9_]", "_", hub_user.strip().lower())
    if not cleaned.strip("_"):
        raise WorkbookError(f"'{hub_user}' cannot be made into a database login.")
    return (ROLE_PREFIX + cleaned)[:63]


def provision_login(owner_url: str, hub_user: str) -> str:
    """Create or refresh `hub_user`'s login with a fresh random password; return the URL their server uses."""
    url = make_url(owner_url)
    if url.get_backend_name() != "postgresql":
        raise WorkbookError("Each person's own database login needs PostgreSQL.")
    role = login_role_name(hub_user)
    password = secrets.token_urlsafe(32)
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            quoted = conn.dialect.identifier_preparer.quote(role)
            database = conn.dialect.identifier_preparer.quote(url.database)
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            verb = "ALTER" if exists else "CREATE"
            # The password is random URL-safe text, so it can be written as a literal safely.
            conn.execute(text(f"{verb} ROLE {quoted} LOGIN PASSWORD '{password}'"))
            conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {quoted}"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {quoted}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
    finally:
        engine.dispose()
    return url.set(drivername="postgresql+psycopg", username=role, password=password).render_as_string(
        hide_password=False
    )
