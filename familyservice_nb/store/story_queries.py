"""What a case's oversight story and a printed record are read from, with who-sees-what applied.

`case_story` reads the case, the latest completed version of each of its case discussions (the versions
`repository.completed_discussions` gives the forms), when each was first completed, and staff names, then
hands them to the domain's `story.build_case_story`, with the discussions that could not be read (`readable`),
which the story names where they would be. `printable` reads one completed record with the facts
its footer shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import Connection, and_, func, select

from ..errors import WorkbookError
from ..records.lifecycle import RecordState
from . import people, repository
from .access import Viewer, check_case
from .readable import read_record
from .schema import record_versions, records, staff


def not_printed() -> list[str]:
    """The kinds declared not printable (`records.kinds`); a kind the workbook does not keep is not among them,
    so reading one names it (`readable`)."""
    from ..records.kinds import keys

    return keys(lambda kind: not kind.printable)


def staff_names(conn: Connection) -> dict[str, str]:
    """Name by login for everyone on the staff list (names are shown to every user, as `Store.staff` does)."""
    return {login: name for login, name in conn.execute(select(staff.c.login, staff.c.name)).all()}


def _completion(conn: Connection, numbers: list[int]) -> tuple[dict[str, dt.datetime], dict[str, int]]:
    """(first completion time, latest completed version) by record id."""
    if not numbers:
        return {}, {}
    rows = conn.execute(
        select(record_versions.c.record_id, func.min(record_versions.c.completed_at),
               func.max(record_versions.c.version))
        .where(record_versions.c.record_id.in_(numbers), record_versions.c.state == RecordState.COMPLETE)
        .group_by(record_versions.c.record_id)
    ).all()
    return {str(r[0]): r[1] for r in rows}, {str(r[0]): r[2] for r in rows}


def case_story(conn: Connection, viewer: Viewer, case_id: str):
    from ..story import build_case_story

    check_case(conn, viewer, case_id)
    case = people.get_case(conn, viewer, case_id)
    discussions = repository.completed_discussions(conn, viewer, case_id)
    numbers = [int(d.record_id) for d in discussions if d.record_id and str(d.record_id).isdigit()]
    entered, versions = _completion(conn, numbers)
    return build_case_story(case, discussions, entered=entered, versions=versions, names=staff_names(conn),
                            unreadable=discussions.unreadable)


@dataclass(frozen=True)
class Printable:
    """A completed record with the facts a printed copy's footer shows."""

    record: BaseModel
    record_id: str
    kind: str
    version: int
    author: str  # a name
    author_login: str
    meeting_date: dt.date
    entered_at: dt.datetime  # when this version was completed (UTC)
    first_entered_at: dt.datetime  # when the record was first completed (UTC)
    reason: str | None  # the amendment's reason, for a later version
    names: dict[str, str]


def printable(conn: Connection, viewer: Viewer, record_id: str | int, version: int | None = None) -> Printable:
    """The record's latest completed version (or the version named, which must be completed).

    A record never completed is refused in plain words: only a completed record is printed. A record that
    cannot be read is refused as `UnreadableRecord` (`readable`).
    """
    info = repository.info(conn, viewer, record_id)
    number = int(info.record_id)
    if info.kind in not_printed():
        from ..records.kinds import kind_named

        raise WorkbookError(f"Record {number} is a {kind_named(info.kind).noun}, which is not printed or saved as a "
                            "document.")
    query = select(record_versions).where(record_versions.c.record_id == number, record_versions.c.state == RecordState.COMPLETE)
    if version is not None:
        query = query.where(record_versions.c.version == version)
    rows = conn.execute(query.order_by(record_versions.c.version)).mappings().all()
    if not rows:
        if version is not None:
            raise WorkbookError(f"Version {version} of record {number} is not a completed version, so it cannot be "
                                "printed.")
        raise WorkbookError(f"Record {number} is still a draft: only a completed record can be printed or saved "
                            "as a document.")
    chosen = rows[-1]
    first = conn.execute(
        select(func.min(record_versions.c.completed_at))
        .where(and_(record_versions.c.record_id == number, record_versions.c.completed_at.is_not(None)))
    ).scalar_one()
    names = staff_names(conn)
    model = read_record(info.kind, chosen["payload"], number, info.event_date, chosen["version"])
    author = model.author
    return Printable(
        record=model, record_id=str(number), kind=info.kind, version=chosen["version"],
        author=names.get(author) or author, author_login=author, meeting_date=model.event_date,
        entered_at=chosen["completed_at"], first_entered_at=first, reason=chosen["reason"], names=names,
    )


def completed_record_ids(conn: Connection, viewer: Viewer) -> list[str]:
    """Every record with a completed version that this user may see, oldest event first."""
    from .access import record_filter

    done = select(record_versions.c.record_id).where(record_versions.c.state == RecordState.COMPLETE).distinct().subquery()
    rows = conn.execute(
        select(records.c.record_id).join(done, done.c.record_id == records.c.record_id)
        .where(record_filter(viewer), records.c.kind.not_in(not_printed()))
        .order_by(records.c.event_date, records.c.record_id)
    ).all()
    return [str(r[0]) for r in rows]
