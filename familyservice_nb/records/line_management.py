"""Line management supervision: one session with a practitioner, opening with their figures.

guidance: Line Management Supervision - "Effective supervision should provide an opportunity for the
practitioner to consider" five areas (CWDC 2008); "Line management supervision and annual EPDR should be
undertaken in line with corporate guidance."
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd
from pydantic import Field
from pydantic_core import InitErrorDetails

from .actions import repeated
from .base import Day, Login, Recording, RecordPart, problem, uk
from .people import Case

# The five areas, as fields, in the guidance's order.
CWDC_AREAS: tuple[str, ...] = (
    "workload_management",
    "performance_and_quality",
    "reflection_on_focus_and_methods",
    "commitment_to_outcomes",
    "motivation_development_and_support",
)


class OpeningFigures(RecordPart):
    """The practitioner's caseload and recording timeliness when the supervision opened."""

    as_of: Day = Field(title="Figures as of", description="The date the figures were taken at.")
    caseload: int | None = Field(None, description="Open cases allocated to the practitioner; blank when not known.")
    notes: int = Field(0, title="Notes counted", description="Case notes in the figures (deleted notes left out).")
    on_time: int = Field(0, description="Notes recorded on time.")
    late: int = Field(0, description="Notes recorded late.")
    overdue: int = Field(0, description="Notes not recorded and past their due date.")
    pending: int = Field(0, description="Notes not recorded and not yet due.")
    pct_on_time: float | None = Field(None, title="% on time", description="On time as a share of on time, late and overdue.")
    median_working_days: float | None = Field(None, description="Median working days taken to record a note.")


class LineManagementSupervision(Recording):
    """A line management supervision session with one practitioner."""

    occasion = "supervision"

    practitioner: Login = Field(description="The login of the practitioner supervised.")
    manager: Login = Field(description="The login of their line manager holding the supervision.")
    opening_figures: OpeningFigures | None = Field(None, description="Caseload and timeliness at the start.")
    workload_management: str = Field("", description="Effective workload management.")
    performance_and_quality: str = Field(
        "", title="Performance and quality", description="Monitoring of individual performance and quality of service provided."
    )
    reflection_on_focus_and_methods: str = Field(
        "", title="Reflection on focus and methods", description="Reflection and guidance on focus of work and methods used."
    )
    commitment_to_outcomes: str = Field(
        "", title="Commitment to outcomes and working with others",
        description="Ensuring commitment to positive outcomes and effective working with others.",
    )
    motivation_development_and_support: str = Field(
        "", title="Motivation, development and support",
        description="Motivation and job satisfaction: clarity on work objectives, positive feedback, critical "
        "reflection, personal support and continuing personal and professional development.",
    )
    next_epdr_date: Day | None = Field(None, title="Next EPDR date", description="When the next annual EPDR is due.")
    case_discussions: list[str] = Field(
        default_factory=list, title="Case discussions held",
        description="The record IDs of case supervision records made during this session.",
    )

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if None not in (self.next_epdr_date, self.event_date) and self.next_epdr_date < self.event_date:
            out.append(problem(("next_epdr_date",), f"The next EPDR date {uk(self.next_epdr_date)} is before "
                               f"this supervision on {uk(self.event_date)}.",
                               f"this is before the supervision on {uk(self.event_date)}."))
        out += repeated(self.case_discussions or [], "case_discussions", "Case discussion")
        return out


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) or math.isinf(value) else float(value)


def opening_figures(
    notes: pd.DataFrame, practitioner: str, cases: Iterable[Case] | None = None,
    calendar=None, as_of: dt.date | str | None = None,
) -> OpeningFigures:
    """Caseload and recording timeliness for one practitioner, by the one timeliness rule.

    `notes` is a running-record extract (as `read_extract` gives); only the practitioner's notes
    (column `worker`) count. The caseload is the number of `cases` allocated to them and open on the
    as-of date; without `cases` it is left blank rather than guessed from the notes.
    """
    from ..timeliness import assess_timeliness, timeliness_by_worker  # lazily: written alongside

    mine = notes[notes["worker"] == practitioner] if "worker" in notes else notes.iloc[0:0]
    assessed = assess_timeliness(mine, calendar=calendar, as_of=as_of)
    day = assessed.attrs["as_of"]
    rows = timeliness_by_worker(assessed)
    row = rows.iloc[0].to_dict() if len(rows) else {}
    caseload = None
    if cases is not None:
        caseload = sum(1 for c in cases if c.allocated_worker == practitioner and c.is_open(day))
    counts = {k: int(row.get(k, 0)) for k in ("notes", "on_time", "late", "overdue", "pending")}
    return OpeningFigures(
        as_of=day, caseload=caseload, **counts,
        pct_on_time=_number(row.get("pct_on_time")), median_working_days=_number(row.get("median_working_days")),
    )
