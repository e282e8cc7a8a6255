"""Payment-by-results (PBR) outcomes a case supervision refers to.

guidance: Supervision Recording Expectations - "Reference to Extended Troubled Families PBR outcomes".
The Expanded Troubled Families programme (2015-2021) counted six headline problems; its successor, the
Supporting Families programme, counts ten headline outcomes (Supporting Families outcome framework, 2022).
Which list a council uses is a council setting (`CouncilSettings.pbr_programme`).
"""

from __future__ import annotations

from enum import StrEnum


class PBRProgramme(StrEnum):
    EXPANDED_TROUBLED_FAMILIES = "Expanded Troubled Families"
    SUPPORTING_FAMILIES = "Supporting Families"


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
    PBRProgramme.EXPANDED_TROUBLED_FAMILIES: TROUBLED_FAMILIES_PROBLEMS,
    PBRProgramme.SUPPORTING_FAMILIES: SUPPORTING_FAMILIES_OUTCOMES,
}


def pbr_outcomes(programme: PBRProgramme | str = PBRProgramme.EXPANDED_TROUBLED_FAMILIES) -> tuple[str, ...]:
    """The headline problems or outcomes of a programme, in the programme's own order."""
    try:
        return _OUTCOMES[PBRProgramme(programme)]
    except ValueError:
        raise ValueError(
            f"'{programme}' is not a programme we know. Choose one of: "
            + ", ".join(p.value for p in PBRProgramme) + "."
        ) from None
