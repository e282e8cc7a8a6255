"""Unfinished drafts: what a form holds while it is being written, saved even before it is a valid record.

Issue 4 ("Nothing typed is lost"): a draft saves itself a moment after typing stops, so a half-typed date
or an empty required box must not stop it being kept. `Store.save_draft` checks a record in full (and a
rejected save changes nothing); these helpers are for forms:

- `save_unfinished(store, data, record_id, kind)`: when `data` passes its model this *is*
  `store.save_draft`; otherwise the dict is kept exactly as given, as the record's current draft, with the
  same who-sees-what checks, the same locking (a completed record is never saved over) and the same audit
  trail. Its index columns are read leniently (no date yet: today). Completing it later checks it in full.
- `saved_payload(store, record_id)`: the current version's contents as a dict, finished or not.

An additive helper for the forms (familyservice_nb/ui/forms); the store's own API is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert

from ..errors import WorkbookError
from . import audit, repository
from .repository import InvalidRecord, RecordLocked
from .schema import record_versions, records


def _day(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _metadata(data: dict, viewer) -> dict:
    from ..timeliness import today_in_london

    subject = data.get("practitioner")
    author = data.get("author")
    return {
        "case_id": data.get("case_id") or None,
        "author": author if isinstance(author, str) and author.strip() else viewer.actor,
        "subject": subject if isinstance(subject, str) and subject.strip() else None,
        "event_date": _day(data.get("event_date")) or today_in_london(),
        "risk_identified": data.get("risk_identified") is True,
        "due_date": None,  # worked out when the record is whole
    }


def save_unfinished(
    store, data: dict, record_id: str | int | None = None, kind: str | None = None, based_on=None
) -> str:
    """Save a form's draft, finished or not; returns the record's id (see the module's docstring).
    `based_on`: as for `Store.save_draft` (a copy older than the record's last change is refused)."""
    try:
        return store.save_draft(data, record_id, kind, based_on=based_on)
    except InvalidRecord:
        pass
    with store.writing() as conn:
        viewer = store.viewer(conn)
        data = dict(data)
        if record_id is None:
            if kind not in repository.record_kinds():
                raise WorkbookError(f"The workbook does not keep records of the kind '{kind}'.")
            meta = _metadata(data, viewer)
            repository._check_new(conn, viewer, meta)
            now = audit.utcnow()
            number = conn.execute(
                insert(records).values(kind=kind, state="draft", current_version=1, created_at=now,
                                       created_by=viewer.actor, updated_at=now, **meta)
                .returning(records.c.record_id)
            ).scalar_one()
            payload = data | ({"record_id": str(number)} if "record_id" in data else {})
            conn.execute(insert(record_versions).values(
                record_id=number, version=1, state="draft", payload=audit.dumps(payload), saved_at=now,
                saved_by=viewer.actor))
            audit.record(conn, actor=viewer.actor, action="create", entity="record", entity_id=str(number),
                         version=1, changes=audit.diff({}, payload), at=now)
            return str(number)
        row = repository._row(conn, viewer, record_id, lock=True)
        if kind is not None and kind != row["kind"]:
            raise WorkbookError(f"Record {row['record_id']} is a {row['kind'].replace('_', ' ')}, not a {kind}.")
        if row["state"] == "complete":
            raise RecordLocked(
                f"Record {row['record_id']} was completed and is locked, so it cannot be saved over. "
                "To change it, make an amendment and give the reason."
            )
        repository.check_based_on(row, based_on)
        meta = _metadata(data, viewer)
        if meta["case_id"] != row["case_id"]:
            repository._check_new(conn, viewer, meta)
        payload = data | ({"record_id": str(row["record_id"])} if "record_id" in data else {})
        repository._overwrite_draft(conn, viewer, row, payload, meta, "save draft")
        return str(row["record_id"])


def saved_payload(store, record_id: str | int) -> dict:
    """The current version of a record as saved (a dict), whether or not it is a whole record yet."""
    with store.reading() as conn:
        row = repository._row(conn, store.viewer(conn), record_id)
        return json.loads(repository._version_row(conn, row["record_id"], row["current_version"])["payload"])
