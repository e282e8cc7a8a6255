"""Payment-by-results (PBR) outcomes a case supervision refers to, each with where it stands.

guidance: Supervision Recording Expectations - "Reference to Extended Troubled Families PBR outcomes".
The Extended Troubled Families programme (2015-2021, the "expanded" programme) counted six headline
problems; its successor, the Supporting Families programme, counts ten headline outcomes (Supporting
Families outcome framework, 2022). Which programme a council reports to, and its own outcomes plan, are
council settings (`CouncilSettings.pbr_programme`, `CouncilSettings.pbr_outcome_list`); the national list
of the programme is the default.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field

from .base import RecordPart, RequiredText


class PBRProgramme(StrEnum):
    EXTENDED_TROUBLED_FAMILIES = "Extended Troubled Families"
    SUPPORTING_FAMILIES = "Supporting Families"
    EXPANDED_TROUBLED_FAMILIES = "Extended Troubled Families"  # an alias: the name older records use

    @classmethod
    def _missing_(cls, value):
        # Records kept in a workbook may say "Expanded Troubled Families": the same programme; they must read.
        if isinstance(value, str) and value.strip().lower() == "expanded troubled families":
            return cls.EXTENDED_TROUBLED_FAMILIES
        return None

    @property
    def heading(self) -> str:
        """How screens and Mosaic text head the section: 'Extended Troubled Families programme'."""
        return f"{self.value} programme"


class OutcomeStatus(StrEnum):
    """Where a case stands on one PBR outcome."""

    IDENTIFIED = "Identified"
    PROGRESSING = "Progressing"
    ACHIEVED = "Achieved"
    SUSTAINED = "Sustained"


def _outcome(value):
    """An outcome saved before statuses existed was a bare name: it was identified."""
    if isinstance(value, str):
        return {"outcome": value, "status": OutcomeStatus.IDENTIFIED.value}
    return value


class PBROutcomeBase(RecordPart):
    outcome: RequiredText = Field(title="Outcome", description="The programme's headline problem or outcome.")
    status: OutcomeStatus = Field(
        OutcomeStatus.IDENTIFIED, title="Status", description="Identified, progressing, achieved or sustained."
    )


PBROutcome = Annotated[PBROutcomeBase, BeforeValidator(_outcome)]


TROUBLED_FAMILIES_PROBLEMS: tuple[str, ...] = (
    "Crime or anti-social behaviour",
    "School attendance",
    "Children who need help",
    "Worklessness and financial exclusion",
    "Domestic violence and abuse",
    "Health",
)

SUPPORTING_FAMILIES_OUTCOMES: tuple[str, ...] = (
    "Getting a good education",
    "Good early years development",
    "Improved mental and physical health",
    "Promoting recovery and reducing harm from substance use",
    "Improved family relationships",
    "Children safe from abuse and exploitation",
    "Crime prevention and tackling crime",
    "Safe from domestic abuse",
    "Secure housing",
    "Financial stability",
)

_OUTCOMES = {
    PBRProgramme.EXTENDED_TROUBLED_FAMILIES: TROUBLED_FAMILIES_PROBLEMS,
    PBRProgramme.SUPPORTING_FAMILIES: SUPPORTING_FAMILIES_OUTCOMES,
}


def pbr_outcomes(programme: PBRProgramme | str = PBRProgramme.EXTENDED_TROUBLED_FAMILIES) -> tuple[str, ...]:
    """The national headline problems or outcomes of a programme, in the programme's own order."""
    try:
        return _OUTCOMES[PBRProgramme(programme)]
    except ValueError:
        raise ValueError(
            f"'{programme}' is not a programme we know. Choose one of: "
            + ", ".join(p.value for p in PBRProgramme) + "."
        ) from None
