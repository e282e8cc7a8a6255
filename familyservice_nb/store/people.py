"""Staff, teams, cases, children and the council's settings, kept in the store.

The models (Staff, Case, Child, CouncilSettings) live in `familyservice_nb.records`; this module
keeps them, with every change in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import WorkbookError
from . import audit
from .access import CHANGES_SETUP, LOADS_DATA, Viewer, case_filter, check_case
from .schema import ID_LENGTH, NAME_LENGTH, cases, children, settings, staff, staff_teams, teams


def _check_lengths(items: list[tuple[str, str | None, int]]) -> None:
    too_long = [f"{what} ({len(value):,} characters; at most {limit})" for what, value, limit in items
                if value and len(value) > limit]
    if too_long:
        raise WorkbookError("Nothing was saved: these are too long: " + "; ".join(too_long[:10]) + ".")

SETTINGS_KEY = "council"


def _team_ids(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Team ids by name, adding teams not seen before."""
    wanted = {n for n in names if n and n.strip()}
    if not wanted:
        return {}
    have = dict(conn.execute(select(teams.c.name, teams.c.team_id).where(teams.c.name.in_(wanted))).all())
    for name in sorted(wanted - set(have)):
        have[name] = conn.execute(insert(teams).values(name=name).returning(teams.c.team_id)).scalar_one()
    return have


def _staff_view(conn: Connection) -> dict[str, dict]:
    """Everyone on the staff list as the Staff model's fields, by login."""
    rows = conn.execute(select(staff)).mappings().all()
    by_id = {r["staff_id"]: r["login"] for r in rows}
    team_rows = conn.execute(
        select(staff_teams.c.staff_id, teams.c.name).join(teams, teams.c.team_id == staff_teams.c.team_id)
    ).all()
    team_names: dict[int, list[str]] = {}
    for staff_id, name in team_rows:
        team_names.setdefault(staff_id, []).append(name)
    return {
        r["login"]: {
            "name": r["name"],
            "login": r["login"],
            "role": r["role"],
            "teams": sorted(team_names.get(r["staff_id"], [])),
            "line_manager": by_id.get(r["line_manager_id"]),
            "newly_qualified": bool(r["newly_qualified"]),
        }
        for r in rows
    }


def staff_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(staff)).scalar_one()


def save_staff(conn: Connection, viewer: Viewer, people: list[BaseModel]) -> dict[str, int]:
    """Add or update staff (by login): name, role, teams, line manager, newly qualified."""
    viewer.require(CHANGES_SETUP, "change the staff list")
    _check_lengths(
        [(f"the login '{p.login[:40]}'", p.login, ID_LENGTH) for p in people]
        + [(f"the name '{p.name[:40]}'", p.name, NAME_LENGTH) for p in people]
        + [(f"the team '{t[:40]}'", t, NAME_LENGTH) for p in people for t in p.teams]
    )
    before = _staff_view(conn)
    team_ids = _team_ids(conn, [t for p in people for t in p.teams])
    logins = {p.login for p in people} | set(before)
    for p in people:
        if p.line_manager and p.line_manager not in logins:
            raise WorkbookError(f"{p.name}'s line manager '{p.line_manager}' is not on the staff list or in this file.")
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    ids: dict[str, int] = dict(conn.execute(select(staff.c.login, staff.c.staff_id)).all())
    for p in people:
        values = {"name": p.name, "role": str(p.role), "newly_qualified": p.newly_qualified}
        if p.login in ids:
            conn.execute(update(staff).where(staff.c.staff_id == ids[p.login]).values(**values))
        else:
            ids[p.login] = conn.execute(
                insert(staff).values(login=p.login, **values).returning(staff.c.staff_id)
            ).scalar_one()
    for p in people:
        manager_id = ids[p.line_manager] if p.line_manager else None
        conn.execute(update(staff).where(staff.c.staff_id == ids[p.login]).values(line_manager_id=manager_id))
        if sorted(set(p.teams)) == before.get(p.login, {}).get("teams"):
            continue  # memberships as they were: nothing written, nothing for the audit trail
        conn.execute(delete(staff_teams).where(staff_teams.c.staff_id == ids[p.login]))
        if p.teams:
            conn.execute(
                insert(staff_teams), [{"staff_id": ids[p.login], "team_id": team_ids[t]} for t in set(p.teams)]
            )
    after = _staff_view(conn)
    for p in people:
        old, new = before.get(p.login, {}), after[p.login]
        changes = audit.diff(old, new)
        key = "unchanged" if not changes else ("updated" if old else "new")
        counts[key] += 1
        if changes:
            audit.record(
                conn, actor=viewer.actor, action="update" if old else "create", entity="staff", entity_id=p.login,
                changes=changes,
            )
    return counts


def list_staff(conn: Connection) -> list[BaseModel]:
    from ..records import Staff

    return [Staff.model_validate(v) for v in sorted(_staff_view(conn).values(), key=lambda s: s["name"])]


def _case_view(conn: Connection, where) -> dict[str, dict]:
    """Cases as the Case model's fields, by case id."""
    worker = staff.alias("worker")
    rows = conn.execute(
        select(cases, worker.c.login.label("allocated_worker"), teams.c.name.label("team_name"))
        .outerjoin(worker, worker.c.staff_id == cases.c.allocated_worker_id)
        .outerjoin(teams, teams.c.team_id == cases.c.team_id)
        .where(where)
        .order_by(cases.c.case_id)
    ).mappings().all()
    kids: dict[str, list[dict]] = {}
    ids = [r["case_id"] for r in rows]
    for i in range(0, len(ids), 500):
        for c in conn.execute(
            select(children).where(children.c.case_id.in_(ids[i:i + 500])).order_by(children.c.child_id)
        ).mappings():
            kids.setdefault(c["case_id"], []).append(
                {"child_id": c["child_id"], "pseudonym": c["pseudonym"], "date_of_birth": c["date_of_birth"]}
            )
    return {
        r["case_id"]: {
            "case_id": r["case_id"],
            "family_pseudonym": r["family_pseudonym"],
            "allocated_worker": r["allocated_worker"],
            "team": r["team_name"] or "",
            "open_date": r["open_date"],
            "close_date": r["close_date"],
            "children": kids.get(r["case_id"], []),
        }
        for r in rows
    }


def _as_case(fields: dict) -> BaseModel:
    from ..records import Case

    # Kept cases are not checked again against today (a child's birth date was checked when saved).
    return Case.model_construct(**{**fields, "children": [_as_child(c) for c in fields["children"]]})


def _as_child(fields: dict) -> BaseModel:
    from ..records import Child

    return Child.model_construct(**fields)


def save_cases(conn: Connection, viewer: Viewer, items: list[BaseModel]) -> dict[str, int]:
    """Add or update cases (by case id) and their children (by child id)."""
    viewer.require(LOADS_DATA, "load cases")
    _check_lengths(
        [(f"the case ID '{c.case_id[:40]}'", c.case_id, ID_LENGTH) for c in items]
        + [(f"the team '{c.team[:40]}'", c.team, NAME_LENGTH) for c in items]
        + [(f"the child ID '{k.child_id[:40]}'", k.child_id, ID_LENGTH) for c in items for k in c.children]
    )
    wanted = [c.case_id for c in items]
    before = {}
    for i in range(0, len(wanted), 500):
        before |= _case_view(conn, cases.c.case_id.in_(wanted[i:i + 500]))
    logins = {c.allocated_worker for c in items if c.allocated_worker}
    ids = dict(conn.execute(select(staff.c.login, staff.c.staff_id).where(staff.c.login.in_(logins))).all())
    missing = sorted(logins - set(ids))
    if missing:
        raise WorkbookError(
            "These workers are not on the staff list, so cases cannot be allocated to them: "
            + ", ".join(missing[:10]) + ("" if len(missing) <= 10 else f" and {len(missing) - 10} more") + "."
        )
    team_ids = _team_ids(conn, [c.team for c in items])
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for c in items:
        values = {
            "family_pseudonym": c.family_pseudonym,
            "allocated_worker_id": ids.get(c.allocated_worker) if c.allocated_worker else None,
            "team_id": team_ids.get(c.team) if c.team else None,
            "open_date": c.open_date,
            "close_date": c.close_date,
        }
        if c.case_id in before:
            conn.execute(update(cases).where(cases.c.case_id == c.case_id).values(**values))
        else:
            conn.execute(insert(cases).values(case_id=c.case_id, **values))
        for child in c.children:
            child_values = {"case_id": c.case_id, "pseudonym": child.pseudonym, "date_of_birth": child.date_of_birth}
            done = conn.execute(
                update(children).where(children.c.child_id == child.child_id).values(**child_values)
            ).rowcount
            if not done:
                conn.execute(insert(children).values(child_id=child.child_id, **child_values))
    after = {}
    for i in range(0, len(wanted), 500):
        after |= _case_view(conn, cases.c.case_id.in_(wanted[i:i + 500]))
    for c in items:
        old = before.get(c.case_id, {})
        changes = audit.diff(_jsonable(old), _jsonable(after[c.case_id]))
        key = "unchanged" if not changes else ("updated" if c.case_id in before else "new")
        counts[key] += 1
        if changes:
            audit.record(
                conn, actor=viewer.actor, action="update" if c.case_id in before else "create", entity="case",
                entity_id=c.case_id, changes=changes,
            )
    return counts


def _jsonable(fields: dict) -> dict:
    import json

    return json.loads(audit.dumps(fields))


def list_cases(conn: Connection, viewer: Viewer) -> list[BaseModel]:
    return [_as_case(v) for v in _case_view(conn, case_filter(viewer)).values()]


def get_case(conn: Connection, viewer: Viewer, case_id: str) -> BaseModel:
    check_case(conn, viewer, case_id)
    return _as_case(_case_view(conn, cases.c.case_id == case_id)[case_id])


def get_settings(conn: Connection) -> BaseModel:
    from ..records import CouncilSettings

    value = conn.execute(select(settings.c.value).where(settings.c.key == SETTINGS_KEY)).scalar_one_or_none()
    return CouncilSettings() if value is None else CouncilSettings.model_validate_json(value)


def save_settings(conn: Connection, viewer: Viewer, new: BaseModel) -> None:
    import json

    from ..records import CouncilSettings

    viewer.require(CHANGES_SETUP, "change the council's settings")
    new = CouncilSettings.model_validate(new.model_dump(mode="json") if isinstance(new, BaseModel) else new)
    old = json.loads(get_settings(conn).model_dump_json())
    value = new.model_dump(mode="json")
    now = audit.utcnow()
    changes = audit.diff(old, value)
    kept = conn.execute(select(settings.c.key).where(settings.c.key == SETTINGS_KEY)).first() is not None
    if kept and not changes:
        return  # the same settings: nothing saved, nothing for the audit trail
    done = conn.execute(
        update(settings).where(settings.c.key == SETTINGS_KEY)
        .values(value=audit.dumps(value), updated_at=now, updated_by=viewer.actor)
    ).rowcount
    if not done:
        conn.execute(
            insert(settings).values(key=SETTINGS_KEY, value=audit.dumps(value), updated_at=now, updated_by=viewer.actor)
        )
    if changes:
        audit.record(conn, actor=viewer.actor, action="update", entity="settings", entity_id=SETTINGS_KEY,
                     changes=changes, at=now)
