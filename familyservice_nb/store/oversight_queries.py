"""What the oversight measures are worked out from, read as DataFrames with who-sees-what applied.

`oversight_data` fills `familyservice_nb.oversight.OversightData`: cases and children the viewer may see,
the records of the kinds each measure reads (`records.kinds`: case discussions, timed kinds, kinds that count
a child as spoken to, line management, EPDR), drafts too (a draft past its due date is an overdue record), and,
from the latest completed version of each, its agreed actions, its reviews of earlier actions and the
children it counts as spoken to (the same versions `repository.completed_discussions` gives the forms, so
carry-forward agrees with the forms). A few queries, each one pass; each completed version is read through
its model (`readable`), so a field is read by its name in the model or not at all: a completed record that
cannot be read is left out and named in `unreadable`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from ..errors import UnreadableRecord
from ..oversight import (
    ACTION_COLUMNS,
    CASE_COLUMNS,
    CHILD_COLUMNS,
    DISCUSSION_COLUMNS,
    EPDR_COLUMNS,
    LINE_COLUMNS,
    RECORDING_COLUMNS,
    REVIEW_COLUMNS,
    SPOKEN_COLUMNS,
    STAFF_COLUMNS,
    OversightData,
)
from ..records.lifecycle import RecordState
from .access import Viewer, case_filter, record_filter, staff_filter, visible_case_ids
from .imports import frame_of
from .readable import known_kinds, read_records
from .schema import cases, children, record_versions, records, staff, staff_teams, teams


class Read(NamedTuple):
    """A record's latest completed version, read through its model, with the columns it was found by."""

    record_id: str
    case_id: str | None
    event_date: dt.date
    kind: str
    model: Any


def _frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    return frame_of(conn.execute(query).all(), columns)


def _dates(frame: pd.DataFrame, *names: str) -> pd.DataFrame:
    for name in names:
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    return frame


def _utc(values: pd.Series) -> pd.Series:
    """Times kept as UTC (SQLite gives them back without a zone, PostgreSQL with one)."""
    times = pd.to_datetime(values, utc=True)
    return times.astype("datetime64[ns, UTC]")


def staff_frame(conn: Connection, viewer: Viewer) -> pd.DataFrame:
    """Everyone on the staff list (names are shown to every user, as `Store.staff` does), with `overseen`:
    whether the viewer's oversight covers them - everyone (analysts), themselves, their team members and
    those they line manage (managers), or themselves (practitioners)."""
    manager = staff.alias("manager")
    team_names = (
        select(staff_teams.c.staff_id, teams.c.name)
        .join(teams, teams.c.team_id == staff_teams.c.team_id)
        .subquery()
    )
    query = (
        select(staff.c.login, staff.c.name, staff.c.role, manager.c.login, team_names.c.name,
               staff_filter(viewer).label("overseen"))
        .outerjoin(manager, manager.c.staff_id == staff.c.line_manager_id)
        .outerjoin(team_names, team_names.c.staff_id == staff.c.staff_id)
        .order_by(staff.c.login, team_names.c.name)
    )
    rows = _frame(conn, query, ["login", "name", "role", "line_manager", "team", "overseen"])
    if rows.empty:
        return pd.DataFrame(**STAFF_COLUMNS)
    joined = rows.dropna(subset=["team"]).groupby("login", sort=False)["team"].agg("; ".join)
    people = rows.drop_duplicates("login").set_index("login")
    people["teams"] = joined.reindex(people.index).fillna("")
    people["overseen"] = people["overseen"].astype(bool)
    return people.reset_index()[STAFF_COLUMNS["columns"]]


def cases_frame(conn: Connection, viewer: Viewer) -> pd.DataFrame:
    worker = staff.alias("worker")
    query = (
        select(cases.c.case_id, cases.c.family_pseudonym, teams.c.name, worker.c.login, cases.c.open_date,
               cases.c.close_date)
        .outerjoin(worker, worker.c.staff_id == cases.c.allocated_worker_id)
        .outerjoin(teams, teams.c.team_id == cases.c.team_id)
        .where(case_filter(viewer))
        .order_by(cases.c.case_id)
    )
    return _dates(_frame(conn, query, CASE_COLUMNS["columns"]), "open_date", "close_date")


def children_frame(conn: Connection, viewer: Viewer) -> pd.DataFrame:
    query = (
        select(children.c.case_id, children.c.child_id, children.c.pseudonym)
        .where(children.c.case_id.in_(visible_case_ids(viewer)))
        .order_by(children.c.case_id, children.c.child_id)
    )
    return _frame(conn, query, CHILD_COLUMNS["columns"])


def _first_completed():
    return (
        select(record_versions.c.record_id, func.min(record_versions.c.completed_at).label("completed_at"))
        .where(record_versions.c.completed_at.is_not(None))
        .group_by(record_versions.c.record_id)
        .subquery()
    )


def _records(conn: Connection, viewer: Viewer, kinds: list[str]) -> pd.DataFrame:
    """One row per record of these kinds the viewer may see, with when it was first completed."""
    first = _first_completed()
    query = (
        select(records.c.record_id, records.c.kind, records.c.case_id, records.c.event_date,
               records.c.risk_identified, records.c.author, records.c.subject, records.c.state, first.c.completed_at,
               records.c.created_at, records.c.manager)
        .outerjoin(first, first.c.record_id == records.c.record_id)
        .where(record_filter(viewer), records.c.kind.in_(kinds))
        .order_by(records.c.event_date, records.c.record_id)
    )
    columns = ["record_id", "kind", "case_id", "event_date", "risk_identified", "author", "practitioner", "state",
               "completed_at", "entered_at", "manager"]
    frame = _dates(_frame(conn, query, columns), "event_date")
    frame["record_id"] = frame["record_id"].astype(str)
    frame["risk_identified"] = frame["risk_identified"].astype(bool)
    frame["completed_at"] = _utc(frame["completed_at"])
    frame["entered_at"] = _utc(frame["entered_at"])
    return frame


def _latest_completed(conn: Connection, viewer: Viewer, kinds: list[str]) -> tuple[list[Read], list[UnreadableRecord]]:
    """The latest completed version of each record of these kinds, read through its model, oldest first; those
    that cannot be read (`readable`) left out and named."""
    return _latest_completed_where(conn, viewer, records.c.kind.in_(kinds))


def _latest_completed_where(conn: Connection, viewer: Viewer, which) -> tuple[list[Read], list[UnreadableRecord]]:
    latest = (
        select(record_versions.c.record_id, func.max(record_versions.c.version).label("version"))
        .where(record_versions.c.state == RecordState.COMPLETE)
        .group_by(record_versions.c.record_id)
        .subquery()
    )
    query = (
        select(records.c.record_id, records.c.case_id, records.c.event_date, record_versions.c.payload,
               records.c.kind, record_versions.c.version)
        .join(latest, latest.c.record_id == records.c.record_id)
        .join(record_versions, and_(record_versions.c.record_id == latest.c.record_id,
                                    record_versions.c.version == latest.c.version))
        .where(record_filter(viewer), which)
        .order_by(records.c.event_date, records.c.record_id)
    )
    rows = conn.execute(query).all()
    models = read_records(rows)
    left_out = {u.record_id for u in models.unreadable}
    kept = [row for row in rows if str(row.record_id) not in left_out]
    read = [Read(str(row.record_id), row.case_id, row.event_date, row.kind, model)
            for row, model in zip(kept, models, strict=True)]
    return read, models.unreadable


def _part_frame(rows: list[tuple], columns: dict[str, list[str]]) -> pd.DataFrame:
    return _dates(frame_of(rows, columns["columns"]), "event_date")


def _agreed_actions(discussions: list[Read]) -> pd.DataFrame:
    rows = [(r.record_id, r.case_id, r.event_date, a.action_id, a.what, a.by_whom, a.by_when)
            for r in discussions for a in r.model.agreed_actions]
    return _part_frame(rows, ACTION_COLUMNS)


def _action_reviews(discussions: list[Read]) -> pd.DataFrame:
    rows = [(r.record_id, r.case_id, r.event_date, v.action_id, v.status.value)
            for r in discussions for v in r.model.previous_actions]
    return _part_frame(rows, REVIEW_COLUMNS)


def _children_seen(counted: list[Read]) -> pd.DataFrame:
    """Each child a record counts as spoken to, on the day it says (the model's `children_seen`)."""
    rows = [(r.record_id, r.case_id, r.event_date, seen.child_id, seen.name, seen.day)
            for r in counted for seen in r.model.children_seen()]
    return _part_frame(rows, SPOKEN_COLUMNS)


def oversight_data(conn: Connection, viewer: Viewer) -> OversightData:
    """Everything the oversight measures need, for what this viewer may see."""
    from ..records import kinds

    discussions = kinds.case_discussions()
    counting = kinds.keys(lambda k: k.spoken_to is not None)
    read, unreadable = _latest_completed(conn, viewer, sorted(set(discussions) | set(counting)))
    actions = _agreed_actions([r for r in read if r.kind in discussions])
    reviews = _action_reviews([r for r in read if r.kind in discussions])
    spoken = _children_seen([r for r in read if r.kind in counting])
    line, unreadable_lines = _personnel(conn, viewer, kinds.LINE_MANAGEMENT.key)
    epdrs, unreadable_epdrs = _personnel(conn, viewer, kinds.EPDR.key)
    # A kind the workbook does not keep is in no frame; it is named all the same.
    unknown = _latest_completed_where(conn, viewer, records.c.kind.not_in(list(known_kinds())))[1]
    timed = kinds.keys(lambda k: k.timed and k.key not in discussions)
    return OversightData(
        cases=cases_frame(conn, viewer),
        children=children_frame(conn, viewer),
        staff=staff_frame(conn, viewer),
        discussions=_records(conn, viewer, discussions)[DISCUSSION_COLUMNS["columns"]],
        agreed_actions=_dates(actions, "by_when"),
        action_reviews=reviews,
        children_spoken_to=_dates(spoken, "date_spoken_to"),
        line_management=line[LINE_COLUMNS["columns"]],
        epdrs=epdrs[EPDR_COLUMNS["columns"]],
        recordings=_records(conn, viewer, timed)[RECORDING_COLUMNS["columns"]],
        unreadable=sorted(unreadable + unreadable_lines + unreadable_epdrs + unknown,
                          key=lambda u: int(u.record_id) if u.record_id.isdigit() else 0),
    )


def _personnel(conn: Connection, viewer: Viewer, kind: str) -> tuple[pd.DataFrame, list[UnreadableRecord]]:
    """The records of a personnel kind (line management, EPDR: each names a practitioner, the manager who held
    it and the next EPDR date) the viewer may see, drafts too, with the next EPDR date of each one's latest
    completed version; and those of them that could not be read."""
    frame = _records(conn, viewer, [kind])
    read, unreadable = _latest_completed(conn, viewer, [kind])
    dates = pd.Series([r.model.next_epdr_date for r in read], index=[r.record_id for r in read], dtype=object)
    frame["next_epdr_date"] = dates.reindex(frame["record_id"]).to_numpy()
    return _dates(frame, "next_epdr_date"), unreadable
