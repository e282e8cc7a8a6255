"""Who may record what: authorship, changing, completing and amending a record.

DESIGN.md "Who may record what". The store applies these rules to every save, so forms, the command line
and the Python API refuse alike, with `NotAllowed` naming the field. PostgreSQL's row-level security
(migration 0004) states the same rules in SQL; the words below are the contract both follow.

Terms. *Signed in*: the Store's user (the hub's user in team mode). *A manager of the case's team*: a staff
member whose role is manager and who is a member of the team the case belongs to (`cases.team_id` among
their `staff_teams`); a case with no team has none. *The practitioner's line manager*: the staff member
named as their `line_manager`. Who completes each kind is declared with the kind (`records.kinds`,
`RecordKind.completed_by`): *manager-completed* are a case supervision (planned, or advice on a safeguarding
concern), a review summary and a closure summary (completing them is the management sign-off), and a case
note of type "Manager's recording"; a line management supervision and an EPDR are their practitioner's line
manager's.

1. Author. A new record's `author` is the signed-in login; a record's author never changes afterwards
   (saving a draft, completing, amending keep it). A different author is refused, never replaced.
2. Changing. An existing record (saving over its draft, completing it, amending it, saving an amendment's
   draft) is changed only by its author, a manager of the case's team (a record on a case), the
   practitioner's line manager (line management and EPDR, records on no case), or an admin.
3. Completing. Rule 2, and:
   - a manager-completed kind is completed only by a manager of the case's team, or an admin acting for
     one; for a case supervision the manager named (`manager`) is the signed-in manager (an admin: a
     manager of the case's team), and the manager and practitioner differ;
   - a kind the line manager completes (line management supervision, EPDR) is completed only by the
     practitioner's line manager, or an admin acting for them; the manager named is the signed-in line
     manager (an admin: the line manager), and differs from the practitioner;
   - other kinds (session, GFPO session, other case notes): rule 2 alone.
   A practitioner can still draft (and see) a manager-completed record where who-sees-what allows.
4. Direct database access (no login: the database's owner, as in `Store.with_database_access`) is not
   bound by these rules; it is not a person using the workbook (DESIGN.md trust model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from ..records.people import StaffRole
from .access import NotAllowed, Viewer
from .schema import cases, staff, staff_teams

if TYPE_CHECKING:
    from ..records.kinds import RecordKind


def _declared(kind: str) -> RecordKind:
    from ..records.kinds import kind_named  # the domain, loaded when a record is first touched

    return kind_named(kind)


def manager_required(kind: str, data: dict) -> bool:
    """Whether a record of this kind (with these contents) is completed only by a manager of the case's team
    (rule 3)."""
    from ..records.kinds import Completer

    return _declared(kind).completer(data) is Completer.CASE_MANAGER


def manager_named(kind: str, data: dict) -> str | None:
    """The manager a record names (a kind whose model has a `manager`), kept in `records.manager`. `data` may be
    a draft not finished yet, so the manager may not be there."""
    value = data.get("manager") if _declared(kind).names_manager else None
    return value if isinstance(value, str) and value.strip() else None


def _bound(viewer: Viewer) -> bool:
    return not viewer.direct_access


# -- facts from the staff list ----------------------------------------------------------------------


def team_managers(conn: Connection, case_id: str | None) -> set[str]:
    """Logins of the managers of the case's team (empty when the case has no team)."""
    if case_id is None:
        return set()
    query = (
        select(staff.c.login)
        .join(staff_teams, staff_teams.c.staff_id == staff.c.staff_id)
        .join(cases, cases.c.team_id == staff_teams.c.team_id)
        .where(cases.c.case_id == case_id, staff.c.role == StaffRole.MANAGER)
    )
    return set(conn.execute(query).scalars())


def line_manager_of(conn: Connection, login: str | None) -> str | None:
    if not login:
        return None
    manager = staff.alias("manager")
    query = (select(manager.c.login).join(staff, staff.c.line_manager_id == manager.c.staff_id)
             .where(staff.c.login == login))
    return conn.execute(query).scalar_one_or_none()


def _case_team(conn: Connection, case_id: str) -> str:
    from .schema import teams

    name = conn.execute(
        select(teams.c.name).join(cases, cases.c.team_id == teams.c.team_id).where(cases.c.case_id == case_id)
    ).scalar_one_or_none()
    return f"team {name}" if name else "its team (the case has no team)"


# -- the rules --------------------------------------------------------------------------------------


def check_new_author(viewer: Viewer, author: str) -> None:
    """Rule 1, for a new record: the author is the signed-in login."""
    if _bound(viewer) and author != viewer.login:
        raise NotAllowed(
            f"Recorded by: this must be you ({viewer.login}), not '{author}'. A record is saved in the name of "
            "the person signed in."
        )


def check_may_save_on_no_case(viewer: Viewer, author: str, subject: str | None) -> None:
    """A record on no case (line management) is saved by who wrote it or whom it is about, a manager, or someone
    who sees everything."""
    if not viewer.sees_all and viewer.login not in (author, subject) and viewer.role != StaffRole.MANAGER:
        raise NotAllowed("You can only save a record on no case when you wrote it or it is about you.")


def check_author_kept(viewer: Viewer, row, author: str) -> None:
    """Rule 1, for an existing record: its author never changes."""
    if _bound(viewer) and author != row["author"]:
        raise NotAllowed(
            f"Recorded by: record {row['record_id']} was written by {row['author']}; its author cannot be changed "
            f"to '{author}'."
        )


def may_change(conn: Connection, viewer: Viewer, row) -> bool:
    """Rule 2: the author, a manager of the case's team, the practitioner's line manager, or an admin."""
    if not _bound(viewer) or viewer.role == StaffRole.ADMIN or viewer.login == row["author"]:
        return True
    if viewer.role != StaffRole.MANAGER:
        return False
    if row["case_id"] is not None:
        return viewer.login in team_managers(conn, row["case_id"])
    return viewer.login == line_manager_of(conn, row["subject"])


def check_may_change(conn: Connection, viewer: Viewer, row, doing: str) -> None:
    if not may_change(conn, viewer, row):
        whose = ("a manager of the case's team" if row["case_id"] is not None
                 else "the practitioner's line manager")
        raise NotAllowed(
            f"You cannot {doing} record {row['record_id']}: only its author ({row['author']}), {whose} or an "
            f"administrator can. You are signed in as {viewer.login}."
        )


def check_may_complete(conn: Connection, viewer: Viewer, kind: str, meta: dict, data: dict) -> None:
    """Rule 3 (rule 2 is checked by the caller for an existing record)."""
    if not _bound(viewer):
        return
    from ..records.kinds import Completer

    declared = _declared(kind)
    completer = declared.completer(data)
    if completer is Completer.CASE_MANAGER:
        _check_team_manager(conn, viewer, declared, meta, data)
    elif completer is Completer.LINE_MANAGER:
        _check_line_manager(conn, viewer, declared, data)


def _noun(kind: RecordKind, data: dict) -> str:
    """How a refusal names the record: "a supervision record", or "a Manager's recording" where what it says
    makes it a manager's to complete."""
    if kind.manager_completes is not None and kind.manager_completes.applies(data):
        return kind.manager_completes.named
    return f"{'an' if kind.noun[0].lower() in 'aeiou' else 'a'} {kind.noun}"


def _check_team_manager(conn: Connection, viewer: Viewer, kind: RecordKind, meta: dict, data: dict) -> None:
    case_id = meta["case_id"]
    managers = team_managers(conn, case_id)
    noun = _noun(kind, data)
    if viewer.role == StaffRole.MANAGER and viewer.login not in managers:
        raise NotAllowed(
            f"Only a manager of {_case_team(conn, case_id)} can complete {noun} on case {case_id}; you are signed in "
            f"as {viewer.login}, who does not manage that team."
        )
    if viewer.role not in (StaffRole.MANAGER, StaffRole.ADMIN):
        raise NotAllowed(
            f"Only a manager of the case's team can complete {noun}; you are signed in as {viewer.login}. You can "
            "keep it as a draft for your manager."
        )
    if not kind.names_manager:
        return
    named, practitioner = data.get("manager"), data.get("practitioner")
    if viewer.role == StaffRole.MANAGER and named != viewer.login:
        raise NotAllowed(f"Manager: this must be you ({viewer.login}), the manager completing the supervision, "
                         f"not '{named}'.")
    if viewer.role == StaffRole.ADMIN and named not in managers:
        raise NotAllowed(f"Manager: '{named}' is not a manager of {_case_team(conn, case_id)}; an administrator "
                         "completes a supervision only for a manager of the case's team.")
    if named == practitioner:
        raise NotAllowed(f"Manager: the manager and the practitioner cannot be the same person ({named}).")


def _check_line_manager(conn: Connection, viewer: Viewer, kind: RecordKind, data: dict) -> None:
    practitioner, named = data.get("practitioner"), data.get("manager")
    line_manager = line_manager_of(conn, practitioner)
    if viewer.role == StaffRole.ADMIN:
        if named != line_manager:
            raise NotAllowed(f"Manager: '{named}' is not {practitioner}'s line manager; an administrator completes "
                             f"{_noun(kind, data)} only for the line manager.")
    elif viewer.login != line_manager:
        raise NotAllowed(
            f"Only {practitioner}'s line manager can complete their {kind.noun}; you are signed in as {viewer.login}."
        )
    elif named != viewer.login:
        raise NotAllowed(f"Manager: this must be you ({viewer.login}), the line manager holding the "
                         f"{kind.model.occasion}, not '{named}'.")
    if named == practitioner:
        raise NotAllowed(f"Manager: the manager and the practitioner cannot be the same person ({named}).")
