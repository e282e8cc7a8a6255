"""What the oversight measures are worked out from, read as DataFrames with who-sees-what applied.

`oversight_data` fills `familyservice_nb.oversight.OversightData`: cases and children the viewer may see,
the case discussions and line management records on them (drafts too: a draft past its due date is an
overdue record), and, from the latest completed version of each discussion, its agreed actions, its
reviews of earlier actions and the children it records as spoken to (the same versions
`repository.completed_discussions` gives the forms, so carry-forward agrees with the forms).
A few queries, each one pass; the JSON payloads are parsed by pandas in one go, once each has been found
readable (`readable`): a completed record that cannot be read is left out and named in `unreadable`.
"""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import Connection, and_, func, or_, select, true

from ..errors import UnreadableRecord
from ..oversight import (
    ACTION_COLUMNS,
    CASE_COLUMNS,
    CHILD_COLUMNS,
    DISCUSSION_COLUMNS,
    LINE_COLUMNS,
    RECORDING_COLUMNS,
    REVIEW_COLUMNS,
    SPOKEN_COLUMNS,
    SPOKEN_TO_SOURCES,
    STAFF_COLUMNS,
    OversightData,
)
from ..records import NotSpokenTo
from .access import Viewer, case_filter, record_filter, visible_case_ids
from .imports import frame_of
from .readable import known_kinds, read_records
from .repository import discussion_kinds
from .schema import cases, children, record_versions, records, staff, staff_teams, teams

LINE_MANAGEMENT = "line_management"


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
               _staff_filter(viewer).label("overseen"))
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


def _staff_filter(viewer: Viewer):
    if viewer.sees_all:
        return true()
    if viewer.role == "manager":
        members = select(staff_teams.c.staff_id).where(staff_teams.c.team_id.in_(viewer.team_ids))
        return or_(staff.c.staff_id == viewer.staff_id, staff.c.line_manager_id == viewer.staff_id,
                   staff.c.staff_id.in_(members))
    return staff.c.staff_id == viewer.staff_id


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
               records.c.created_at)
        .outerjoin(first, first.c.record_id == records.c.record_id)
        .where(record_filter(viewer), records.c.kind.in_(kinds))
        .order_by(records.c.event_date, records.c.record_id)
    )
    columns = ["record_id", "kind", "case_id", "event_date", "risk_identified", "author", "practitioner", "state",
               "completed_at", "entered_at"]
    frame = _dates(_frame(conn, query, columns), "event_date")
    frame["record_id"] = frame["record_id"].astype(str)
    frame["risk_identified"] = frame["risk_identified"].astype(bool)
    frame["completed_at"] = _utc(frame["completed_at"])
    frame["entered_at"] = _utc(frame["entered_at"])
    return frame


def _latest_complete_payloads(conn: Connection, viewer: Viewer,
                              which) -> tuple[pd.DataFrame, list[UnreadableRecord]]:
    """(record_id, case_id, event_date, payload) of the latest completed version of each record whose kind is
    `which` (a condition on the kind), those that cannot be read (`readable`) left out and named."""
    latest = (
        select(record_versions.c.record_id, func.max(record_versions.c.version).label("version"))
        .where(record_versions.c.state == "complete")
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
    unreadable = read_records(rows).unreadable
    left_out = {u.record_id for u in unreadable}
    columns = ["record_id", "case_id", "event_date", "payload"]
    kept = [row[:len(columns)] for row in rows if str(row.record_id) not in left_out]
    frame = _dates(frame_of(kept, columns), "event_date")
    frame["record_id"] = frame["record_id"].astype(str)
    return frame, unreadable


def _parts(payloads: pd.DataFrame, part: str, names: dict[str, str], columns: list[str]) -> pd.DataFrame:
    """One row per item of the list `part` in each payload, its fields renamed by `names`."""
    if payloads.empty:
        return pd.DataFrame(columns=columns)
    parsed = pd.read_json(io.StringIO("\n".join(payloads["payload"])), lines=True, dtype=False)
    if part not in parsed:
        return pd.DataFrame(columns=columns)
    items = payloads[["record_id", "case_id", "event_date"]].assign(_item=parsed[part].to_numpy())
    items = items.explode("_item").dropna(subset=["_item"]).reset_index(drop=True)
    if items.empty:
        return pd.DataFrame(columns=columns)
    fields = pd.json_normalize(items["_item"].tolist())
    fields = fields.reindex(columns=list(names)).rename(columns=names)
    return pd.concat([items.drop(columns="_item"), fields], axis=1)[columns]


def _seen_in_discussions(payloads: pd.DataFrame) -> pd.DataFrame:
    """Children a discussion counts as spoken to: spoken to, or (too young to speak) observed, with a date."""
    names = {"child_id": "child_id", "pseudonym": "child", "date_spoken_to": "date_spoken_to",
             "not_spoken_to": "not_spoken_to"}
    rows = _parts(payloads, "children", names, [*SPOKEN_COLUMNS["columns"], "not_spoken_to"])
    counted = rows["not_spoken_to"].isna() | (rows["not_spoken_to"] == NotSpokenTo.TOO_YOUNG.value)
    return rows[counted.to_numpy() & rows["date_spoken_to"].notna().to_numpy()][SPOKEN_COLUMNS["columns"]]


def _seen_at_sessions(payloads: pd.DataFrame) -> pd.DataFrame:
    """Children named as spoken to at a session, GFPO session or case note: on the record's date."""
    columns = SPOKEN_COLUMNS["columns"]
    if payloads.empty:
        return pd.DataFrame(columns=columns)
    parsed = pd.read_json(io.StringIO("\n".join(payloads["payload"])), lines=True, dtype=False)
    if "children_spoken_to" not in parsed:
        return pd.DataFrame(columns=columns)
    items = payloads[["record_id", "case_id", "event_date"]].assign(child_id=parsed["children_spoken_to"].to_numpy())
    items = items.explode("child_id").dropna(subset=["child_id"]).reset_index(drop=True)
    return items.assign(child="", date_spoken_to=items["event_date"])[columns]


def oversight_data(conn: Connection, viewer: Viewer) -> OversightData:
    """Everything the oversight measures need, for what this viewer may see."""
    kinds = discussion_kinds()
    payloads, unreadable = _latest_complete_payloads(conn, viewer, records.c.kind.in_(kinds))
    actions = _parts(payloads, "agreed_actions", {"action_id": "action_id", "what": "what", "by_whom": "by_whom",
                                                  "by_when": "by_when"}, ACTION_COLUMNS["columns"])
    reviews = _parts(payloads, "previous_actions", {"action_id": "action_id", "status": "status"},
                     REVIEW_COLUMNS["columns"])
    session_kinds = [k for k in SPOKEN_TO_SOURCES if k not in kinds]
    sessions, unreadable_sessions = _latest_complete_payloads(conn, viewer, records.c.kind.in_(session_kinds))
    spoken = pd.concat([_seen_in_discussions(payloads), _seen_at_sessions(sessions)], ignore_index=True)
    line = _records(conn, viewer, [LINE_MANAGEMENT]).rename(columns={"author": "manager"})
    epdr_dates, unreadable_lines = _epdr_dates(conn, viewer)
    line["next_epdr_date"] = epdr_dates.reindex(line["record_id"]).to_numpy()
    # A kind the workbook does not keep is in no frame; it is named all the same.
    unknown = _latest_complete_payloads(conn, viewer, records.c.kind.not_in(list(known_kinds())))[1]
    return OversightData(
        cases=cases_frame(conn, viewer),
        children=children_frame(conn, viewer),
        staff=staff_frame(conn, viewer),
        discussions=_records(conn, viewer, kinds)[DISCUSSION_COLUMNS["columns"]],
        agreed_actions=_dates(actions, "by_when"),
        action_reviews=reviews,
        children_spoken_to=_dates(spoken, "date_spoken_to"),
        line_management=_dates(line, "next_epdr_date")[LINE_COLUMNS["columns"]],
        recordings=_records(conn, viewer, session_kinds)[RECORDING_COLUMNS["columns"]],
        unreadable=sorted(unreadable + unreadable_sessions + unreadable_lines + unknown,
                          key=lambda u: int(u.record_id) if u.record_id.isdigit() else 0),
    )


def _epdr_dates(conn: Connection, viewer: Viewer) -> tuple[pd.Series, list[UnreadableRecord]]:
    """The next EPDR date of each line management record's latest completed version, by record id; and the
    line management records that could not be read."""
    payloads, unreadable = _latest_complete_payloads(conn, viewer, records.c.kind == LINE_MANAGEMENT)
    if payloads.empty:
        return pd.Series(dtype="datetime64[ns]"), unreadable
    parsed = pd.read_json(io.StringIO("\n".join(payloads["payload"])), lines=True, dtype=False)
    dates = parsed["next_epdr_date"] if "next_epdr_date" in parsed else pd.Series(None, index=parsed.index)
    return pd.Series(pd.to_datetime(dates).to_numpy(), index=payloads["record_id"].to_numpy()), unreadable
