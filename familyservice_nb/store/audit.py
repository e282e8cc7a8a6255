"""The audit trail: who changed what, when, with the old and new values; and who read or exported what.

DESIGN.md: Saved records are versioned ... the audit trail says who changed what and when. The same
trail holds the earlier values of imported notes that a later extract changed. Reads of records and stories
and every export are in it too (`READ_ACTIONS`), apart from the changes a record's history shows.

Where the entries come from: on SQLite, and for direct database access on PostgreSQL, the store writes them.
A workbook login on PostgreSQL cannot write to the trail at all (migration 0007): the database's triggers write
an entry for each thing its transaction changes, naming the login at the database's time, and the store then
gives that entry its own words (`fsnb_audit_describe`); reads go through `fsnb_audit_read`, which takes only
what the login may see. The entries are the same on both databases.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, insert, text

from .access import DATABASE
from .schema import audit

MISSING = None  # a field that was not there before (or is not there now) shows as null
READ_ACTIONS = ("read", "read story", "export pdf", "export word")  # migration 0007 takes these only
EXPORT_ACTIONS = {"pdf": "export pdf", "docx": "export word"}


_clock: ContextVar[dt.datetime | None] = ContextVar("fsnb_clock", default=None)


def utcnow() -> dt.datetime:
    return _clock.get() or dt.datetime.now(dt.UTC)


@contextmanager
def clock_at(when: dt.datetime) -> Iterator[None]:
    """Date what is saved inside the block at `when`: the demo gives its records a realistic history
    (saved and completed a few days after the meeting) instead of all "now"."""
    token = _clock.set(when)
    try:
        yield
    finally:
        _clock.reset(token)


def dumps(value: Any) -> str:
    """JSON as kept in the database: exact text (no ASCII escaping), compact."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _blank(value: Any) -> bool:
    return value is MISSING or (isinstance(value, str) and not value.strip()) or value in ([], {})


def diff(old: Any, new: Any, path: str = "") -> dict[str, dict[str, Any]]:
    """The fields that differ between two JSON values, by dotted path: {"actions[2].by_when": {old, new}}."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: dict[str, dict[str, Any]] = {}
        for key in list(old) + [k for k in new if k not in old]:
            child = f"{path}.{key}" if path else str(key)
            changes |= diff(old.get(key, MISSING), new.get(key, MISSING), child)
        return changes
    if isinstance(old, list) and isinstance(new, list):
        changes = {}
        for i in range(max(len(old), len(new))):
            changes |= diff(
                old[i] if i < len(old) else MISSING, new[i] if i < len(new) else MISSING, f"{path}[{i}]"
            )
        return changes
    if old == new and type(old) is type(new):
        return {}
    if _blank(old) and _blank(new):
        return {}  # left out, or left empty: the same to a reader, not a change (a new record's empty answers)
    return {path or "(value)": {"old": old, "new": new}}


def by_login(conn: Connection) -> bool:
    """Whether this connection is a workbook login's on PostgreSQL, whose changes the database audits itself.
    Asked once for each database connection (a connection's login never changes)."""
    if conn.dialect.name != "postgresql":
        return False
    if "fsnb_by_login" not in conn.info:
        conn.info["fsnb_by_login"] = conn.execute(text("SELECT fsnb_role()")).scalar() != DATABASE
    return conn.info["fsnb_by_login"]


def _describe(conn: Connection, entries: list[dict]) -> None:
    """A login's words for the entries the database wrote for its transaction (see the module's docstring)."""
    rows = [{"action": e["action"], "entity": e["entity"], "entity_id": str(e["entity_id"]),
             "version": e.get("version"), "changes": dumps(e["changes"]) if e.get("changes") is not None else None,
             "reason": e.get("reason")} for e in entries]
    conn.execute(text("SELECT fsnb_audit_describe(CAST(:entries AS jsonb))"), {"entries": dumps(rows)})


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    changes: dict | None = None,
    version: int | None = None,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Write one entry to the audit trail, in the caller's transaction."""
    if by_login(conn):
        _describe(conn, [{"action": action, "entity": entity, "entity_id": entity_id, "changes": changes,
                          "version": version, "reason": reason}])
        return
    conn.execute(
        insert(audit).values(
            at=at or utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            version=version,
            changes=dumps(changes) if changes is not None else None,
            reason=reason,
        )
    )


def record_many(conn: Connection, rows: list[dict]) -> None:
    """Many entries at once (imports): each row has the keys `record` takes; changes already a dict."""
    if not rows:
        return
    if by_login(conn):
        _describe(conn, rows)
        return
    now = utcnow()
    conn.execute(
        insert(audit),
        [
            {
                "at": now,
                "version": None,
                "reason": None,
                **row,
                "changes": dumps(row["changes"]) if row.get("changes") is not None else None,
            }
            for row in rows
        ],
    )


def read(conn: Connection, *, actor: str, action: str, entity: str, entity_id: str, version: int | None = None) -> None:
    """Enter a read or an export (`READ_ACTIONS`) of a record or a case, in the caller's transaction."""
    if by_login(conn):
        conn.execute(text("SELECT fsnb_audit_read(:action, :entity, :entity_id, :version)"),
                     {"action": action, "entity": entity, "entity_id": str(entity_id), "version": version})
        return
    record(conn, actor=actor, action=action, entity=entity, entity_id=entity_id, version=version)
