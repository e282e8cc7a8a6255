"""The annual EPDR: the appraisal a practitioner's line manager holds with them each year, and its text.

guidance: Line Management Supervision - "Line management supervision and annual EPDR should be undertaken in
line with corporate guidance"; supervision gives "clarity on work objectives" and "continuing personal and
professional development"; "Information related to EPDR and supervision can be found at:" the council's page
(`EPDR_INFORMATION`).

An EPDR record says when it was held, by whom (the practitioner's line manager, who completes it), the work
objectives set (each what and by when), the development agreed, and when the next EPDR is due. It is a
personnel record, kept in the practitioner's supervision file: never on a child's running record.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import Field
from pydantic_core import InitErrorDetails

from ..vocab import EPDR_CYCLE
from .base import Day, Login, Recording, RecordPart, RequiredText, problem, uk
from .render_discussions import PERSONNEL_NOTICE
from .render_parts import RecordText, document, header, listing, person, section, text

# guidance: Line Management Supervision - "Information related to EPDR and supervision can be found at:".
EPDR_INFORMATION = "http://home.nottsc.gov.uk/managing/managers-resource-centre/managing-supporting-employees/epdr"


class Objective(RecordPart):
    """One work objective set at an EPDR."""

    what: RequiredText = Field(title="Objective", description="What the practitioner will achieve.")
    by_when: Day = Field(title="By when", description="The date it should be achieved by.")


class EPDRRecord(Recording):
    """The annual EPDR held with one practitioner by their line manager."""

    occasion = "EPDR"

    event_date: Day = Field(title="Date", description="The day the EPDR was held (for example 25/11/2026).")
    practitioner: Login = Field(description="The login of the practitioner whose EPDR it is.")
    manager: Login = Field(title="Held by", description="The login of their line manager, who held the EPDR.")
    objectives: list[Objective] = Field(
        default_factory=list, title="Work objectives set",
        description="The objectives agreed for the year ahead, each with the date it should be achieved by.",
    )
    development: str = Field(
        "", title="Continuing personal and professional development",
        description="The training and development agreed, and the support that goes with it.",
    )
    next_epdr_date: Day = Field(
        title="Next EPDR due",
        description="When the next EPDR is due: a year after this one (the council's EPDR cycle) unless you agree "
        "an earlier date.",
    )

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        held = self.event_date
        if self.objectives is not None and not self.objectives:
            out.append(problem(("objectives",), "An EPDR sets the practitioner's work objectives: add at least one.",
                               "add at least one; an EPDR sets the practitioner's work objectives."))
        if held is None:  # the dates below are checked against the day it was held
            return out
        if self.next_epdr_date is not None and self.next_epdr_date <= held:
            out.append(problem(("next_epdr_date",), f"The next EPDR is due on {uk(self.next_epdr_date)}, which is not "
                               f"after this EPDR on {uk(held)}.",
                               f"{uk(self.next_epdr_date)} is not after this EPDR on {uk(held)}."))
        out += [problem(("objectives", i, "by_when"),
                        f"Objective {i + 1} is due on {uk(o.by_when)}, before the EPDR on {uk(held)} where it was set.",
                        f"this is before the EPDR on {uk(held)}; an objective cannot be due before it was set.")
                for i, o in enumerate(self.objectives or []) if o.by_when is not None and o.by_when < held]
        return out


def next_epdr_due(held: dt.date, cycle_days: int = EPDR_CYCLE.days) -> dt.date:
    """The date the next EPDR falls due when none earlier is agreed: the council's EPDR cycle (`epdr_cycle_days`,
    a year unless the council set another) after the date held."""
    return held + dt.timedelta(days=cycle_days)


def epdr_due_by(held: pd.Series, next_due: pd.Series, cycle_days: int = EPDR_CYCLE.days) -> pd.Series:
    """The day each practitioner's next EPDR is due, from their latest EPDR (`held`, and the `next_due` it set):
    that date, and never later than the council's EPDR cycle after the EPDR held, as the EPDR is annual.
    A practitioner with no EPDR (`held` blank) has no date: theirs is due now."""
    held = pd.to_datetime(held).astype("datetime64[ns]")
    latest = held + pd.Timedelta(days=cycle_days)
    next_due = pd.to_datetime(next_due).astype("datetime64[ns]")
    return next_due.where(next_due <= latest, latest)


def epdr_text(record: EPDRRecord) -> RecordText:
    """The EPDR for the practitioner's supervision file, in the guidance's words."""
    head = header("EPDR", record, PERSONNEL_NOTICE, f"Practitioner: {person(record.practitioner)}",
                  f"Held by: {person(record.manager)}", risk=False, date_label="Date held")
    objectives = listing(f"{o.what}\n   By when: {uk(o.by_when)}" for o in record.objectives)
    return document(
        head,
        section("WORK OBJECTIVES", objectives),
        section("CONTINUING PERSONAL AND PROFESSIONAL DEVELOPMENT", text(record.development)),
        section("NEXT EPDR DUE", uk(record.next_epdr_date) or None),
    )
