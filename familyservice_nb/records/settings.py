"""The council's own settings: intervals, the PBR programme, the region and closure days.

Defaults come from the vocabulary (vocab.py), where each cites the guidance it serves; the guidance
gives no supervision or child-seen interval, so these are the council's choice.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..calendar import WorkingCalendar
from ..vocab import CHILD_SEEN_INTERVAL, SUPERVISION_INTERVAL
from .base import Day, RecordPart
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
    pbr_programme: PBRProgramme = Field(
        PBRProgramme.EXPANDED_TROUBLED_FAMILIES, title="PBR programme",
        description="Whose payment-by-results outcomes supervision records refer to.",
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

    @property
    def pbr_outcomes(self) -> tuple[str, ...]:
        return pbr_outcomes(self.pbr_programme)

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar these settings describe."""
        return WorkingCalendar(region=self.region, closures=self.closure_days)
