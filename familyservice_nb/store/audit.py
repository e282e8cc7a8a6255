"""The audit trail: who changed what, when, with the old and new values.

DESIGN.md: Saved records are versioned ... the audit trail says who changed what and when. The same
trail holds the earlier values of imported notes that a later extract changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, insert

from .schema import audit

MISSING = None  # a field that was not there before (or is not there now) shows as null


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
