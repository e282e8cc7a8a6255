"""Who sees what, applied in the store so every screen, notebook and command obeys it.

A practitioner sees their own cases (allocated to them) and their own notes; a manager their teams'
cases and notes; an analyst and an admin everything. Nobody named (direct database access, DESIGN.md
trust model) sees everything too. Opening something one may not see is refused with `NotAllowed`,
never answered with an empty result.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, false, or_, select, true

from ..errors import NotAllowed, WorkbookError
from ..records.people import StaffRole
from .schema import cases, notes, records, staff, staff_teams, teams

DATABASE = "database"  # direct database access: nobody named (DESIGN.md trust model), not a role on the staff list
# Sees every case, note and record, and the whole audit trail.
SEES_ALL = frozenset({StaffRole.ANALYST, StaffRole.ADMIN, DATABASE})
LOADS_DATA = frozenset({StaffRole.ANALYST, StaffRole.ADMIN, DATABASE})  # extracts and cases change everyone's view
CHANGES_SETUP = frozenset({StaffRole.ADMIN, DATABASE})  # the staff list and the council's settings
# May upload an extract in a page: into the database when they load data, otherwise shown in the page only.
UPLOADS_EXTRACTS = frozenset({StaffRole.MANAGER, StaffRole.ANALYST, StaffRole.ADMIN, DATABASE})
ROLE_NAMES = {StaffRole.PRACTITIONER: "a practitioner", StaffRole.MANAGER: "a manager",
              StaffRole.ANALYST: "an analyst", StaffRole.ADMIN: "an administrator",
              DATABASE: "someone with direct database access"}


class NotFound(WorkbookError):
    """There is no such record, case or import."""


@dataclass(frozen=True)
class Viewer:
    """The person using the store, as the staff list describes them."""

    login: str | None
    role: StaffRole | str  # a role on the staff list; DATABASE when nobody is named
    staff_id: int | None = None
    name: str | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    team_names: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_all(self) -> bool:
        return self.role in SEES_ALL

    @property
    def direct_access(self) -> bool:
        """Nobody named: the database's owner, not bound by the workbook's rules of who may record what."""
        return self.role == DATABASE

    @property
    def actor(self) -> str:
        """How the audit trail names them."""
        if self.login:
            return self.login
        try:
            return f"{getpass.getuser()} (database access)"
        except Exception:  # no login name in some containers
            return "(database access)"

    def require(self, roles: frozenset[str], doing: str) -> None:
        if self.role not in roles:
            who = " or ".join(ROLE_NAMES[r] for r in ROLE_NAMES if r in roles)
            raise NotAllowed(f"Only {who} can {doing}; you are signed in as {self.login}, {ROLE_NAMES[self.role]}.")


def may_upload_extract(role: str) -> bool:
    """Whether someone of this role may upload an extract in a page (an unknown role: no)."""
    return role in UPLOADS_EXTRACTS


def loads_data(role: str) -> bool:
    """Whether someone of this role loads extracts and cases into the workbook's database."""
    return role in LOADS_DATA


def load_viewer(conn: Connection, login: str | None) -> Viewer:
    if login is None:
        return Viewer(login=None, role=DATABASE)
    rows = conn.execute(  # one query: the person and their teams
        select(staff.c.staff_id, staff.c.role, staff.c.name, teams.c.team_id, teams.c.name.label("team"))
        .outerjoin(staff_teams, staff_teams.c.staff_id == staff.c.staff_id)
        .outerjoin(teams, teams.c.team_id == staff_teams.c.team_id)
        .where(staff.c.login == login)
    ).all()
    if not rows:
        raise NotAllowed(
            f"'{login}' is not on the workbook's staff list, so it cannot show them any cases. "
            "An administrator can add them with `familyservice-nb staff import`."
        )
    first = rows[0]
    return Viewer(
        login=login,
        role=StaffRole(first.role),
        staff_id=first.staff_id,
        name=first.name,
        team_ids=frozenset(r.team_id for r in rows if r.team_id is not None),
        team_names=frozenset(r.team for r in rows if r.team is not None),
    )


def _team_members(viewer: Viewer):
    return select(staff_teams.c.staff_id).where(staff_teams.c.team_id.in_(viewer.team_ids))


def case_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Which rows of `cases` the viewer sees."""
    if viewer.sees_all:
        return true()
    if viewer.role == StaffRole.PRACTITIONER:
        return cases.c.allocated_worker_id == viewer.staff_id
    if viewer.role == StaffRole.MANAGER:
        return or_(
            cases.c.team_id.in_(viewer.team_ids),
            cases.c.allocated_worker_id.in_(_team_members(viewer)),
            cases.c.allocated_worker_id == viewer.staff_id,
        )
    return false()


def staff_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Which rows of `staff` the viewer oversees: a manager themselves, those they line manage and the members
    of their teams; a practitioner themselves; analysts and admins everyone."""
    if viewer.sees_all:
        return true()
    if viewer.role == StaffRole.MANAGER:
        return or_(staff.c.staff_id == viewer.staff_id, staff.c.line_manager_id == viewer.staff_id,
                   staff.c.staff_id.in_(_team_members(viewer)))
    return staff.c.staff_id == viewer.staff_id


def visible_case_ids(viewer: Viewer):
    return select(cases.c.case_id).where(case_filter(viewer))


def record_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Records on cases they see; a record on no case (line management) by or about them or their teams."""
    if viewer.sees_all:
        return true()
    own = or_(records.c.author == viewer.login, records.c.subject == viewer.login)
    if viewer.role == StaffRole.MANAGER:
        members = select(staff.c.login).where(staff.c.staff_id.in_(_team_members(viewer)))
        own = or_(own, records.c.author.in_(members), records.c.subject.in_(members))
    return or_(records.c.case_id.in_(visible_case_ids(viewer)), records.c.case_id.is_(None) & own)


def note_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Notes on cases they see, and notes they (or, for a manager, their teams) wrote.

    Who wrote a note is its `worker_staff_id` (set at import from the extract's worker_id, or a name only
    one person has), never its display name: a newcomer who shares a colleague's name sees none of the
    colleague's notes."""
    if viewer.sees_all:
        return true()
    on_cases = notes.c.case_id.in_(visible_case_ids(viewer))
    if viewer.role == StaffRole.PRACTITIONER:
        return or_(on_cases, notes.c.worker_staff_id == viewer.staff_id)
    if viewer.role == StaffRole.MANAGER:
        members = _team_members(viewer)
        return or_(on_cases, notes.c.team.in_(viewer.team_names), notes.c.worker_staff_id.in_(members),
                   notes.c.worker_staff_id == viewer.staff_id)
    return false()


def figures_note_filter(viewer: Viewer) -> ColumnElement[bool]:
    """Which notes count in the viewer's timeliness figures (DESIGN.md: figures follow records).

    A practitioner: the notes they wrote, never a colleague's (their team's total comes apart, as one
    figure without names: `team_notes_filter`); a manager: the notes of the teams they manage and of
    those teams' workers; analysts and admins: every note.
    """
    if viewer.sees_all:
        return true()
    if viewer.role == StaffRole.PRACTITIONER:  # by the note's owner on the staff list, never by name: two staff can share a name
        return notes.c.worker_staff_id == viewer.staff_id
    if viewer.role == StaffRole.MANAGER:
        return or_(notes.c.team.in_(viewer.team_names), notes.c.worker_staff_id.in_(_team_members(viewer)))
    return false()


def team_notes_filter(viewer: Viewer) -> ColumnElement[bool]:
    """The notes of the viewer's own teams: read only to give each team's total, never worker by worker."""
    return notes.c.team.in_(viewer.team_names) if viewer.team_names else false()


def check_case(conn: Connection, viewer: Viewer, case_id: str) -> None:
    """Refuse plainly when the case does not exist or the viewer may not open it."""
    found = conn.execute(
        select(cases.c.case_id, case_filter(viewer).label("visible")).where(cases.c.case_id == case_id)
    ).first()
    if found is None:
        raise NotFound(f"There is no case {case_id} in the workbook.")
    if not found.visible:
        raise NotAllowed(f"You cannot open case {case_id}: it is not allocated to you or to a team you manage.")
