"""The people and cases records refer to: staff, cases and children (reference data, not recordings)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import numpy as np
from pydantic import Field
from pydantic_core import InitErrorDetails

from ..dates import today_in_london
from .base import Day, Login, RecordPart, RequiredText, problem, uk


def open_on(open_date, close_date, day) -> np.ndarray:
    """Which cases are open on `day`: opened on or before it (or no open date known), and not closed on
    or before it. Dates, or whole columns of them; a time of day is ignored. The one rule: `Case.is_open`
    and the oversight dashboard's open cases both ask here."""
    opened = np.asarray(open_date, dtype="datetime64[D]")
    closed = np.asarray(close_date, dtype="datetime64[D]")
    day = np.datetime64(day, "D")
    return (np.isnat(opened) | (opened <= day)) & (np.isnat(closed) | (closed > day))


class StaffRole(StrEnum):
    PRACTITIONER = "practitioner"
    MANAGER = "manager"
    ANALYST = "analyst"
    ADMIN = "admin"


class Staff(RecordPart):
    name: RequiredText = Field(description="Their full name.")
    login: Login = Field(description="The login they use for the workbook.")
    role: StaffRole = Field(description="Practitioner, manager, analyst or admin: decides what they can see.")
    teams: list[str] = Field(default_factory=list, description="The teams they work in or manage.")
    line_manager: Login | None = Field(None, title="Line manager", description="Their line manager's login.")
    newly_qualified: bool = Field(False, description="Newly qualified (in their first year of practice).")

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if self.line_manager == self.login:
            out.append(problem(("line_manager",), "Someone cannot be their own line manager.",
                               "someone cannot be their own line manager."))
        return out


class Child(RecordPart):
    child_id: RequiredText = Field(title="Child ID", description="The child's Mosaic ID.")
    pseudonym: RequiredText = Field(description="The name the workbook shows for the child.")
    date_of_birth: Day | None = Field(None, description="Leave blank for an unborn baby.")

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        today = today_in_london()
        if self.date_of_birth and self.date_of_birth > today:
            out.append(problem(("date_of_birth",), f"A date of birth cannot be in the future ({uk(self.date_of_birth)}).",
                               f"this is in the future (today is {uk(today)})."))
        return out


class Case(RecordPart):
    case_id: RequiredText = Field(title="Case ID", description="The Mosaic case (family) ID.")
    family_pseudonym: RequiredText = Field(description="The name the workbook shows for the family.")
    allocated_worker: Login | None = Field(None, description="The login of the practitioner the case is allocated to.")
    team: str = Field("", description="The team holding the case.")
    open_date: Day = Field(description="The date the case opened to the Family Service.")
    close_date: Day | None = Field(None, description="The date the case closed; blank while it is open.")
    children: list[Child] = Field(default_factory=list, description="The children in the family.")

    def is_open(self, on: dt.date) -> bool:
        """Open on that day: opened on or before it, and not closed on or before it."""
        return bool(open_on(self.open_date, self.close_date, on))

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if self.close_date and self.close_date < self.open_date:
            out.append(problem(("close_date",), f"The case cannot close ({uk(self.close_date)}) before it opened "
                               f"({uk(self.open_date)}).", f"this is before the open date, {uk(self.open_date)}."))
        return out
