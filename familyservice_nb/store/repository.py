"""Records in the database: drafts, completion, amendments, versions.

DESIGN.md: Saved records are versioned: a finished record is never overwritten; an amendment is a new
version, and the audit trail says who changed what and when.

A record is kept as its kind, its model's JSON, and a few indexed columns (case, author, dates). The
store knows the record models only through `familyservice_nb.records.RECORD_KINDS` and the fields
every recording has (case_id, event_date, risk_identified, author, due_date).

Unfinished drafts ("Nothing typed is lost"): a form saves itself a moment after typing stops, so a
half-typed date or an empty required box must not stop it being kept. `save_unfinished` keeps the form's dict
exactly as given, through the same create and overwrite path as a whole record (the same who-sees-what checks,
the same locking, the same audit trail); its index columns are read leniently (no date yet: today).
Completing it later checks it in full.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, and_, delete, func, insert, or_, select, text, update

from ..dates import parse_uk_date, today_in_london
from ..errors import UnreadableRecord, WorkbookError
from ..records import lifecycle
from ..records.lifecycle import RecordLocked as RecordLocked  # the store's refusal, raised by the life cycle
from ..records.lifecycle import RecordState
from . import audit, authorship
from .access import NotAllowed, NotFound, Viewer, check_case, record_filter
from .readable import ReadRecords, read_records
from .schema import ID_LENGTH, record_versions, records


class UnfinishedDraft(WorkbookError):
    """Opening, as a record, a draft that was kept before it was finished (see `save_unfinished`)."""


class ChangedElsewhere(WorkbookError):
    """A save from an out-of-date copy: the record was saved from another window (or by another person)
    after this copy was read. Refused, so the last write never silently wins; the caller keeps its text."""

    def __init__(self, record_id, changed_at: dt.datetime):
        self.record_id, self.changed_at = str(record_id), changed_at
        super().__init__(
            f"Not saved: record {record_id} was changed in another window at {_london_clock(changed_at)}, after "
            "this copy was opened. What you typed is still on this page: copy it, then open the record again "
            "to see the other changes."
        )


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives it back without its zone; it was written in UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _london_clock(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return f"{_utc(moment).astimezone(ZoneInfo('Europe/London')):%H:%M}"


def check_based_on(row, based_on: dt.datetime | None) -> None:
    """Refuse a save whose copy was read before the record's last change (`based_on` = the `updated_at`
    the copy was read at; None = the caller does not ask for the check)."""
    if based_on is not None and _utc(row["updated_at"]) != _utc(based_on):
        raise ChangedElsewhere(row["record_id"], row["updated_at"])


class InvalidRecord(WorkbookError):
    """A record that does not pass its checks; `problems` lists them in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The record was not saved: " + " ".join(problems))


class IncompleteRecord(InvalidRecord):
    """A record refused at completion: `details` are `records.Problem`s (field path and sentence) to list."""

    def __init__(self, details: list):
        self.details = list(details)
        self.problems = [p.message for p in self.details]
        WorkbookError.__init__(self, "The record was not completed: " + " ".join(self.problems))


@dataclass(frozen=True)
class KeptDraft:
    """A draft just saved: its record's id, and when the record was last changed (the next save's `based_on`)."""

    record_id: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class RecordHistory:
    """What a record's page shows beside its text (`Store.record_history`)."""

    info: RecordInfo
    versions: list
    trail: object  # the audit trail's rows, a pandas DataFrame
    names: dict


@dataclass(frozen=True)
class RecordInfo:
    """What the store knows about a record without opening it."""

    record_id: str
    kind: str
    case_id: str | None
    author: str
    subject: str | None
    manager: str | None
    manager_required: bool
    event_date: dt.date
    risk_identified: bool
    due_date: dt.date | None
    state: RecordState
    current_version: int
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    mosaic_entered_on: dt.date | None = None  # confirmed as entered on Mosaic
    mosaic_confirmed_by: str | None = None


@dataclass(frozen=True)
class RecordVersion:
    """One version of a record, with who saved it and why."""

    record_id: str
    version: int
    state: RecordState
    saved_at: dt.datetime
    saved_by: str
    completed_at: dt.datetime | None
    completed_by: str | None
    reason: str | None
    payload: dict[str, Any]
    record: BaseModel | None  # None for a draft kept before it was finished


# -- models ---------------------------------------------------------------------------------------


def record_kinds():
    """The declared kinds of record (`records.kinds.KINDS`) by key."""
    from ..records import kinds  # the domain, loaded when a record is first touched

    return kinds.KINDS


def model_of(kind: str) -> type[BaseModel]:
    """The model of the kind stored as `kind`; `UnknownKind` (a WorkbookError) when the workbook keeps none."""
    from ..records import kinds

    return kinds.kind_named(kind).model


def kind_of(record: BaseModel) -> str:
    from ..records import kinds

    return kinds.kind_of(record).key


def _plain_problems(error: ValidationError, cls: type[BaseModel]) -> list[str]:
    try:
        from ..records import explain

        return explain(error, cls)
    except Exception:  # the domain's wording is preferred, pydantic's will do
        return [f"{'.'.join(map(str, e['loc'])) or 'Record'}: {e['msg']}." for e in error.errors()]


def validated(record: BaseModel | dict, kind: str | None) -> tuple[str, BaseModel]:
    """The record checked afresh by its model (a form may have changed it after it was made)."""
    if isinstance(record, BaseModel):
        found = kind_of(record)
        if kind is not None and kind != found:
            raise WorkbookError(f"This record is a {kind.replace('_', ' ')}; it cannot be saved as a {found}.")
        kind, data = found, record.model_dump(mode="json")
    else:
        data = dict(record)
    cls = model_of(kind)
    try:
        return kind, cls.model_validate(data)
    except ValidationError as exc:
        raise InvalidRecord(_plain_problems(exc, cls)) from None


def load_model(kind: str, payload: str, record_id=None) -> BaseModel:
    cls = model_of(kind)
    try:
        return cls.model_validate_json(payload)
    except ValidationError as exc:
        problems = _plain_problems(exc, cls)
        raise UnfinishedDraft(
            f"Record {record_id} is a draft that is not finished yet ({' '.join(problems[:3])}) "
            "Open it in its form to finish it."
        ) from None


def _metadata(model: BaseModel, calendar, kind: str | None = None) -> dict[str, Any]:
    """The indexed columns, from the fields every recording has."""
    try:
        due = model.due_date(calendar)
    except Exception:  # a record without a deadline still saves
        due = None
    subject = getattr(model, "practitioner", None)
    problems = [
        f"{label}: this is longer than {ID_LENGTH} characters."
        for label, value in (("Case ID", getattr(model, "case_id", None)), ("Recorded by", model.author),
                             ("Practitioner", subject))
        if isinstance(value, str) and len(value) > ID_LENGTH
    ]
    if problems:
        raise InvalidRecord(problems)
    data = model.model_dump(mode="json")
    kind = kind or kind_of(model)
    return {
        "case_id": getattr(model, "case_id", None),
        "author": model.author,
        "subject": subject if isinstance(subject, str) else None,
        "manager": authorship.manager_named(kind, data),
        "manager_required": authorship.manager_required(kind, data),
        "event_date": model.event_date,
        "risk_identified": bool(model.risk_for_deadline),  # the column the deadline follows
        "due_date": due,
    }


def record_number(record_id: str | int) -> int:
    try:
        return int(str(record_id).strip())
    except ValueError:
        raise NotFound(f"There is no record '{record_id}' in the workbook.") from None


# -- reading --------------------------------------------------------------------------------------


def _row(conn: Connection, viewer: Viewer, record_id: str | int, lock: bool = False):
    number = record_number(record_id)
    query = select(records, record_filter(viewer).label("visible")).where(records.c.record_id == number)
    if lock:
        query = query.with_for_update(of=records)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"There is no record {number} in the workbook.")
    if not row["visible"]:
        raise NotAllowed(
            f"You cannot open record {number}: it belongs to a case that is not allocated to you or your team."
        )
    return row


def _version_row(conn: Connection, number: int, version: int):
    row = conn.execute(
        select(record_versions).where(
            and_(record_versions.c.record_id == number, record_versions.c.version == version)
        )
    ).mappings().first()
    if row is None:
        raise NotFound(f"Record {number} has no version {version}.")
    return row


def info(conn: Connection, viewer: Viewer, record_id: str | int) -> RecordInfo:
    row = _row(conn, viewer, record_id)
    return _info(row)


def _info(row) -> RecordInfo:
    fields = {k: row[k] for k in RecordInfo.__dataclass_fields__ if k not in ("record_id", "state")}
    return RecordInfo(record_id=str(row["record_id"]), state=RecordState(row["state"]), **fields)


def get(conn: Connection, viewer: Viewer, record_id: str | int, version: int | None = None) -> BaseModel:
    row = _row(conn, viewer, record_id)
    version_row = _version_row(conn, row["record_id"], version or row["current_version"])
    return load_model(row["kind"], version_row["payload"], row["record_id"])


def versions(conn: Connection, viewer: Viewer, record_id: str | int) -> list[RecordVersion]:
    row = _row(conn, viewer, record_id)
    rows = conn.execute(
        select(record_versions)
        .where(record_versions.c.record_id == row["record_id"])
        .order_by(record_versions.c.version)
    ).mappings()
    return [
        RecordVersion(
            record_id=str(v["record_id"]),
            version=v["version"],
            state=RecordState(v["state"]),
            saved_at=v["saved_at"],
            saved_by=v["saved_by"],
            completed_at=v["completed_at"],
            completed_by=v["completed_by"],
            reason=v["reason"],
            payload=json.loads(v["payload"]),
            record=_model_or_none(row["kind"], v["payload"]),
        )
        for v in rows
    ]


def _model_or_none(kind: str, payload: str) -> BaseModel | None:
    try:
        return load_model(kind, payload)
    except UnfinishedDraft:
        return None


def list_records(
    conn: Connection, viewer: Viewer, kind: str | None = None, case_id: str | None = None, state: str | None = None
) -> ReadRecords:
    """What the store knows of each record without opening it; a row of a kind the workbook does not keep is
    left out and named in the list's `unreadable`."""
    query = select(records).where(record_filter(viewer))
    if case_id is not None:
        check_case(conn, viewer, case_id)
        query = query.where(records.c.case_id == case_id)
    if kind is not None:
        query = query.where(records.c.kind == kind)
    if state is not None:
        query = query.where(records.c.state == state)
    rows = conn.execute(query.order_by(records.c.event_date, records.c.record_id)).mappings().all()
    declared = record_kinds()
    return ReadRecords([_info(r) for r in rows if r["kind"] in declared],
                       [UnreadableRecord(r["record_id"], r["event_date"]) for r in rows if r["kind"] not in declared])


def discussion_kinds() -> list[str]:
    """Kinds whose records agree actions and review earlier ones (supervision, review, closure)."""
    from ..records import kinds

    return kinds.case_discussions()


def completed_discussions(conn: Connection, viewer: Viewer, case_id: str, before: str | int | None = None,
                          *, on: dt.date | None = None) -> ReadRecords:
    """The latest completed version of every case discussion of a case, oldest first (by date, then record
    number), but not `before` itself.

    With `before` (a record of the case), only the discussions that came before it in that order: a record
    opened later shows the actions, summary and children as they stood when it was written, and is
    completed against the same. `on` puts the record on another date (a draft being completed with the date
    it now has); a record not saved yet (`before` None, `on` a date) comes after every discussion of its date.

    A discussion that cannot be read (`readable`), and a record of the case of a kind the workbook does not
    keep, are left out and named in the list's `unreadable`.
    """
    check_case(conn, viewer, case_id)
    where = [records.c.case_id == case_id,
             or_(records.c.kind.in_(discussion_kinds()), records.c.kind.not_in(list(record_kinds())))]
    number = None
    if before is not None:
        this = info(conn, viewer, before)
        if this.case_id != case_id:
            raise ValueError(f"Record {this.record_id} is not a record of case {case_id}.")
        number = int(this.record_id)
        on = on or this.event_date
        where.append(records.c.record_id != number)
    if on is not None:
        same_day_first = records.c.record_id < number if number is not None else records.c.record_id.is_not(None)
        where.append(or_(records.c.event_date < on, and_(records.c.event_date == on, same_day_first)))
    latest = (
        select(record_versions.c.record_id, func.max(record_versions.c.version).label("version"))
        .where(record_versions.c.state == RecordState.COMPLETE)
        .group_by(record_versions.c.record_id)
        .subquery()
    )
    rows = conn.execute(
        select(records.c.record_id, records.c.kind, records.c.event_date, record_versions.c.version,
               record_versions.c.payload)
        .join(latest, latest.c.record_id == records.c.record_id)
        .join(
            record_versions,
            and_(record_versions.c.record_id == latest.c.record_id, record_versions.c.version == latest.c.version),
        )
        .where(*where)
        .order_by(records.c.event_date, records.c.record_id)
    ).all()
    return read_records(rows)


# -- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A record checked and turned into JSON before the write lock is taken (so the lock is held briefly)."""

    kind: str
    data: dict[str, Any]
    meta: dict[str, Any]
    model: BaseModel | None = None

    def payload(self, record_id: int) -> dict[str, Any]:
        if "record_id" in self.data:
            return {**self.data, "record_id": str(record_id)}
        return self.data


def prepare(record: BaseModel | dict, kind: str | None, calendar) -> Prepared:
    kind, model = validated(record, kind)
    return Prepared(kind=kind, data=model.model_dump(mode="json"), meta=_metadata(model, calendar, kind), model=model)


def _lenient_day(value) -> dt.date | None:
    try:
        return parse_uk_date(value)
    except ValueError:
        return None


def _lenient_due(kind: str, data: dict, day: dt.date | None, calendar) -> dt.date | None:
    """An unfinished draft's due date, by the record's own rule (`due_date`), from its date, its risk flag
    and what else sets its deadline (a supervision's kind), when those can be read: "my drafts" can then
    say a draft is overdue before it is whole."""
    if day is None or calendar is None:
        return None
    model = model_of(kind)
    values = {"event_date": day, "risk_identified": data.get("risk_identified") is True}
    if "kind" in model.model_fields and data.get("kind"):
        try:
            values["kind"] = model.model_fields["kind"].annotation(data["kind"])
        except (TypeError, ValueError):
            pass
    try:
        return model.model_construct(**values).due_date(calendar)
    except Exception:  # noqa: BLE001 - a draft without a deadline still saves
        return None


def prepare_unfinished(data: dict, kind: str, viewer: Viewer, calendar=None) -> Prepared:
    """A form's dict kept exactly as typed; its index columns read leniently (see the module's docstring)."""
    model_of(kind)  # refuses a kind the workbook does not keep
    day = _lenient_day(data.get("event_date"))
    subject, author = data.get("practitioner"), data.get("author")
    meta = {
        "case_id": data.get("case_id") or None,
        "author": author if isinstance(author, str) and author.strip() else viewer.actor,
        "subject": subject if isinstance(subject, str) and subject.strip() else None,
        "manager": authorship.manager_named(kind, data),
        "manager_required": authorship.manager_required(kind, data),
        "event_date": day or today_in_london(),
        "risk_identified": data.get("risk_identified") is True,
        "due_date": _lenient_due(kind, data, day, calendar),
    }
    return Prepared(kind=kind, data=dict(data), meta=meta)


def save_unfinished(conn: Connection, viewer: Viewer, data: dict, record_id: str | int | None, kind: str | None,
                    based_on: dt.datetime | None = None, calendar=None) -> str:
    """Keep a form's dict as the record's draft (new when `record_id` is None), finished or not."""
    if kind is None and record_id is not None:
        kind = _row(conn, viewer, record_id)["kind"]
    return save_draft(conn, viewer, prepare_unfinished(data, kind, viewer, calendar), record_id, based_on)


def saved_payload(conn: Connection, viewer: Viewer, record_id: str | int) -> dict:
    """The current version of a record as saved (a dict), whether or not it is a whole record yet."""
    row = _row(conn, viewer, record_id)
    return json.loads(_version_row(conn, row["record_id"], row["current_version"])["payload"])


def record_id_of(record: BaseModel | dict) -> str | None:
    found = record.get("record_id") if isinstance(record, dict) else getattr(record, "record_id", None)
    return found or None


# Each function below runs inside the caller's write transaction.


def _check_new(conn: Connection, viewer: Viewer, meta: dict) -> None:
    if meta["case_id"] is not None:
        check_case(conn, viewer, meta["case_id"])
    else:
        authorship.check_may_save_on_no_case(viewer, meta["author"], meta["subject"])


def _same_kind(row, prepared: Prepared) -> None:
    if prepared.kind != row["kind"]:
        raise WorkbookError(
            f"Record {row['record_id']} is a {row['kind'].replace('_', ' ')}, not a {prepared.kind.replace('_', ' ')}."
        )


def save_draft(
    conn: Connection, viewer: Viewer, prepared: Prepared, record_id: str | int | None,
    based_on: dt.datetime | None = None,
) -> str:
    if record_id is None:
        return _create(conn, viewer, prepared)
    row = _row(conn, viewer, record_id, lock=True)
    _same_kind(row, prepared)
    lifecycle.save_draft(row["record_id"], row["state"], row["current_version"])
    authorship.check_may_change(conn, viewer, row, "save over")
    authorship.check_author_kept(viewer, row, prepared.meta["author"])
    check_based_on(row, based_on)
    if prepared.meta["case_id"] != row["case_id"]:
        _check_new(conn, viewer, prepared.meta)
    _overwrite_draft(conn, viewer, row, prepared.payload(row["record_id"]), prepared.meta, "save draft")
    return str(row["record_id"])


def _create(conn: Connection, viewer: Viewer, prepared: Prepared) -> str:
    authorship.check_new_author(viewer, prepared.meta["author"])
    _check_new(conn, viewer, prepared.meta)
    now, step = audit.utcnow(), lifecycle.FIRST_DRAFT
    number = conn.execute(
        insert(records).values(
            kind=prepared.kind, state=step.state, current_version=step.version, created_at=now,
            created_by=viewer.actor, updated_at=now, **prepared.meta,
        ).returning(records.c.record_id)
    ).scalar_one()
    payload = prepared.payload(number)
    conn.execute(
        insert(record_versions).values(
            record_id=number, version=step.version, state=step.state, payload=audit.dumps(payload), saved_at=now,
            saved_by=viewer.actor,
        )
    )
    audit.record(
        conn, actor=viewer.actor, action="create", entity="record", entity_id=str(number), version=step.version,
        changes=audit.diff({}, payload), at=now,
    )
    return str(number)


def _overwrite_draft(conn, viewer: Viewer, row, payload: dict, meta: dict, action: str, complete: bool = False):
    number, version = row["record_id"], row["current_version"]
    old = json.loads(_version_row(conn, number, version)["payload"])
    changes = audit.diff(old, payload)
    if not changes and not complete:
        return  # an autosave of the same text: nothing to keep
    now = audit.utcnow()
    values = {"payload": audit.dumps(payload), "saved_at": now, "saved_by": viewer.actor}
    state = {"state": RecordState.COMPLETE} if complete else {}
    if complete:
        values |= {**state, "completed_at": now, "completed_by": viewer.actor}
    conn.execute(
        update(record_versions)
        .where(and_(record_versions.c.record_id == number, record_versions.c.version == version))
        .values(**values)
    )
    conn.execute(
        update(records)
        .where(records.c.record_id == number)
        .values(updated_at=now, **meta, **state)
    )
    audit.record(
        conn, actor=viewer.actor, action=action, entity="record", entity_id=str(number), version=version,
        changes=changes, at=now,
    )


def complete(
    conn: Connection, viewer: Viewer, record_id: str | int, prepared: Prepared | None, calendar=None,
    based_on: dt.datetime | None = None,
) -> int:
    """Lock the current draft (with `prepared` as its final contents, when given).

    Without `prepared`, the saved draft is checked in full first: a draft kept unfinished
    (`save_unfinished`) is never locked as it stands.
    """
    row = _row(conn, viewer, record_id, lock=True)
    if lifecycle.complete(row["record_id"], row["state"], row["current_version"], prepared is not None) is None:
        return row["current_version"]  # completing twice (a double click) changes nothing
    authorship.check_may_change(conn, viewer, row, "complete")
    check_based_on(row, based_on)
    if prepared is None:
        saved = json.loads(_version_row(conn, row["record_id"], row["current_version"])["payload"])
        prepared = prepare(saved, row["kind"], calendar)
    _same_kind(row, prepared)
    authorship.check_author_kept(viewer, row, prepared.meta["author"])
    if prepared.meta["case_id"] != row["case_id"]:
        _check_new(conn, viewer, prepared.meta)
    check_completion(conn, viewer, prepared, row["record_id"])
    _overwrite_draft(
        conn, viewer, row, prepared.payload(row["record_id"]), prepared.meta, "complete", complete=True
    )
    return row["current_version"]


def amend(
    conn: Connection, viewer: Viewer, record_id: str | int, prepared: Prepared, reason: str, complete: bool = True
) -> int:
    lifecycle.require_reason(reason)  # before the record is read: a reason is asked for first
    row = _row(conn, viewer, record_id, lock=True)
    step = lifecycle.amend(row["record_id"], row["state"], row["current_version"], reason, complete)
    _same_kind(row, prepared)
    authorship.check_may_change(conn, viewer, row, "amend")
    authorship.check_author_kept(viewer, row, prepared.meta["author"])
    if prepared.meta["case_id"] != row["case_id"]:
        _check_new(conn, viewer, prepared.meta)
    if complete:
        check_completion(conn, viewer, prepared, row["record_id"])
    number, version, state = row["record_id"], step.version, step.state
    old = json.loads(_version_row(conn, number, row["current_version"])["payload"])
    payload = prepared.payload(number)
    now = audit.utcnow()
    conn.execute(
        insert(record_versions).values(
            record_id=number, version=version, state=state, payload=audit.dumps(payload), saved_at=now,
            saved_by=viewer.actor, reason=reason,
            completed_at=now if complete else None, completed_by=viewer.actor if complete else None,
        )
    )
    conn.execute(
        update(records)
        .where(records.c.record_id == number)
        .values(current_version=version, state=state, updated_at=now, **prepared.meta)
    )
    audit.record(
        conn, actor=viewer.actor, action="amend", entity="record", entity_id=str(number), version=version,
        changes=audit.diff(old, payload), reason=reason, at=now,
    )
    return version


# -- completing: who may, and nothing silent ----------------------------------------------------------


def completion_problems(conn: Connection, viewer: Viewer, kind: str, record: BaseModel | dict, record_id=None,
                        order=None) -> list:
    """What stops the record being completed (`records.completion_problems`, with the case's facts).

    `record`: a whole record, or a form's answers as they stand (a dict, read by `records.read_answers`: what
    cannot be read is listed too, and the facts come from what can be: the case, and the record's date for
    the discussions before it). `order`: the fields in the order a form shows them."""
    from ..records import Answers, read_answers
    from ..records import completion_problems as problems_of
    from .people import get_case, get_settings

    answers = Answers(record) if isinstance(record, BaseModel) else read_answers(model_of(kind), record)
    known = answers.record
    case_id = getattr(known, "case_id", None)
    case = get_case(conn, viewer, case_id) if case_id is not None else None
    earlier = []
    if case_id is not None and kind in discussion_kinds():
        earlier = completed_discussions(conn, viewer, case_id, record_id, on=known.event_date)
    return problems_of(answers, earlier=earlier, case=case, settings=get_settings(conn), order=order)


def check_completion(conn: Connection, viewer: Viewer, prepared: Prepared, record_id=None) -> None:
    """Refuse a completion the signed-in person may not make (authorship rule 3), or one that leaves
    something silent (`IncompleteRecord`, listing every problem)."""
    authorship.check_may_complete(conn, viewer, prepared.kind, prepared.meta, prepared.data)
    model = prepared.model or validated(prepared.data, prepared.kind)[1]
    problems = completion_problems(conn, viewer, prepared.kind, model, record_id)
    if problems:
        raise IncompleteRecord(problems)


def discard_draft(conn: Connection, viewer: Viewer, record_id: str | int) -> None:
    """Throw away a draft its writer no longer wants ("my drafts", with discard).

    Who may, and what is left, is the life cycle's (`lifecycle.discard`). The audit trail keeps what was
    discarded, by whom and when.
    """
    row = _row(conn, viewer, record_id, lock=True)
    number, version = row["record_id"], row["current_version"]
    draft = _version_row(conn, number, version)
    left = lifecycle.discard(number, row["state"], version, viewer.actor, row["author"], row["created_by"],
                             draft["saved_by"])
    old = json.loads(draft["payload"])
    now = audit.utcnow()
    if audit.by_login(conn):  # a login may not delete: the database's own function applies the same rule
        conn.execute(text("SELECT fsnb_discard_draft(:record_id)"), {"record_id": number})
    else:
        conn.execute(delete(record_versions).where(
            and_(record_versions.c.record_id == number, record_versions.c.version == version)))
        if left is None:
            conn.execute(delete(records).where(records.c.record_id == number))
        else:
            conn.execute(update(records).where(records.c.record_id == number).values(
                current_version=left.version, state=left.state, updated_at=now))
    audit.record(conn, actor=viewer.actor, action="discard", entity="record", entity_id=str(number),
                 version=version, changes=audit.diff(old, {}), at=now)


def confirm_on_mosaic(conn: Connection, viewer: Viewer, record_id: str | int, day: dt.date, today: dt.date) -> None:
    """Keep the day a completed record was entered on Mosaic (guidance: timeliness is about the record being
    on Mosaic). Who may, and which days, is the life cycle's (`lifecycle.mosaic_date`)."""
    row = _row(conn, viewer, record_id, lock=True)
    number = row["record_id"]
    if not lifecycle.mosaic_date(
        number, row["state"], row["event_date"], day, today, row["mosaic_entered_on"],
        check_may_amend=lambda: authorship.check_may_change(conn, viewer, row, "give the day it went on Mosaic for"),
    ):
        return  # said already: nothing changes, nothing for the audit trail
    now = audit.utcnow()
    old = {"mosaic_entered_on": row["mosaic_entered_on"].isoformat() if row["mosaic_entered_on"] else None}
    conn.execute(update(records).where(records.c.record_id == number).values(
        mosaic_entered_on=day, mosaic_confirmed_by=viewer.actor, mosaic_confirmed_at=now))
    audit.record(conn, actor=viewer.actor, action="on mosaic", entity="record", entity_id=str(number),
                 version=row["current_version"], changes=audit.diff(old, {"mosaic_entered_on": day.isoformat()}),
                 at=now)
