"""The council's own settings: intervals, the EPDR cycle, the PBR programme and outcomes, region and closures.

Defaults come from the vocabulary (vocab.py), where each cites the guidance it serves; the guidance
gives no supervision, child-seen, line-management or EPDR interval, so these are the council's choice.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_core import InitErrorDetails

from ..vocab import CHILD_SEEN_INTERVAL, EPDR_CYCLE, LINE_MANAGEMENT_INTERVAL, SUPERVISION_INTERVAL
from ..working_days import WorkingCalendar
from .base import Day, RecordPart, problem
from .pbr import PBRProgramme, pbr_outcomes


class CouncilSettings(RecordPart):
    supervision_interval_days: int = Field(
        SUPERVISION_INTERVAL.days, ge=1, title="Case supervision interval (days)",
        description="How often an open case should have a case supervision, in calendar days.",
    )
    child_seen_interval_days: int = Field(
        CHILD_SEEN_INTERVAL.days, ge=1, title="Child spoken to interval (days)",
        description="How long a child may go without being spoken to before it shows as a gap, in calendar days.",
    )
    line_management_interval_days: int = Field(
        LINE_MANAGEMENT_INTERVAL.days, ge=1, title="Line management supervision interval (days)",
        description="How often each practitioner should have a line management supervision, in calendar days.",
    )
    epdr_cycle_days: int = Field(
        EPDR_CYCLE.days, ge=1, title="EPDR cycle (days)",
        description="How often each practitioner has an EPDR (appraisal), in calendar days: the next EPDR date "
        "recorded at line management supervision is at most this far ahead.",
    )
    pbr_programme: PBRProgramme = Field(
        PBRProgramme.EXTENDED_TROUBLED_FAMILIES, title="PBR programme",
        description="Whose payment-by-results outcomes supervision records refer to: Extended Troubled Families "
        "or Supporting Families.",
    )
    pbr_outcome_list: list[str] | None = Field(
        None, title="PBR outcomes plan",
        description="The council's own outcomes plan, one outcome a line; leave empty for the programme's "
        "national list.",
    )
    region: Literal["ENG", "WLS", "SCT", "NIR"] = Field(
        "ENG", description="Whose bank holidays count: England, Wales, Scotland or Northern Ireland."
    )
    closure_days: list[Day] = Field(
        default_factory=list, description="Days the council is closed that are not bank holidays."
    )
    idle_server_minutes: int = Field(
        30, ge=5, le=24 * 60, title="Stop an idle workbook server after (minutes)",
        description="In team mode, a person's workbook server that has been idle this long is stopped to free "
        "memory; forms save as people type, so nothing is lost. Read when the hub starts.",
    )

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if self.pbr_outcome_list is not None:
            names = [o.strip() for o in self.pbr_outcome_list]
            if not any(names):
                out.append(problem(("pbr_outcome_list",), "The PBR outcomes plan has no outcomes in it.",
                                   "list at least one outcome, or leave it empty for the national list."))
            for i, name in enumerate(names):
                if name and name in names[:i]:
                    out.append(problem(("pbr_outcome_list", i), f"PBR outcome '{name}' appears twice.",
                                       f"'{name}' appears twice."))
        return out

    @property
    def pbr_outcomes(self) -> tuple[str, ...]:
        """The outcomes supervision records choose from: the council's plan, else the national list."""
        if self.pbr_outcome_list:
            return tuple(o.strip() for o in self.pbr_outcome_list if o.strip())
        return pbr_outcomes(self.pbr_programme)

    @property
    def pbr_heading(self) -> str:
        return self.pbr_programme.heading

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar these settings describe."""
        return WorkingCalendar(region=self.region, closures=self.closure_days)
