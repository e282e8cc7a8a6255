"""Case supervision: the sections a record of a case discussion shows, and the supervision record itself.

guidance: Supervision Recording Expectations - "Where a case discussion has been held, either through
planned supervision or where advice and guidance on a safeguarding concern has been sought, a record of
this should be made on the Mosaic", and the bullet points it lists, which "will also be relevant to
record as part of review and closure summaries" (see summaries.py).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from pydantic_core import InitErrorDetails

from .actions import ActionReview, AgreedAction, actions_due_before, repeated
from .base import CaseRecord, Day, Login, RecordPart, RequiredText, problem, uk
from .pbr import PBRProgramme, pbr_outcomes


class KeyDate(RecordPart):
    date: Day = Field(title="Date", description="The date of the review, deadline or meeting.")
    what: RequiredText = Field(title="What", description="What happens then, for example 'Family plan review'.")


class ChildSpokenTo(RecordPart):
    child_id: RequiredText = Field(title="Child ID", description="The child's Mosaic ID.")
    pseudonym: str = Field("", description="The name the workbook shows for the child, if any.")
    date_spoken_to: Day = Field(description="When the child was last spoken to.")
    seen_alone: bool = Field(description="Was the child seen on their own?")
    views_and_feelings: RequiredText = Field(
        title="Views and feelings", description="What the child said about their views and feelings, in their own words."
    )


class SignificantAdult(RecordPart):
    name: RequiredText = Field(description="Their name.")
    relationship: RequiredText = Field(description="Their relationship to the children, for example 'Grandmother'.")
    contact: str = Field("", description="How to contact them.")
    involvement: str = Field("", description="Their involvement with the family and the children.")


class CaseDiscussion(CaseRecord):
    """The guidance's points for a case discussion; supervision, review and closure summaries share them."""

    occasion = "discussion"

    case_summary: RequiredText = Field(description="A brief summary of the case.")
    intervention_offered: str = Field("", description="The intervention being offered to the family.")
    previous_actions: list[ActionReview] = Field(
        default_factory=list, title="Review of previous agreed actions",
        description="Each action agreed earlier and not yet closed: done, partly done, not done or no longer needed.",
    )
    progress: str = Field("", description="What progress is being made in the case.")
    still_to_happen: str = Field(
        "", title="What still needs to happen", description="What still needs to happen to bring about change."
    )
    key_dates: list[KeyDate] = Field(
        default_factory=list, description="Key dates or deadlines for review of plans."
    )
    risk_assessments_and_tools: str = Field(
        "", title="Risk assessments, scaling tools or activities",
        description="Details of any risk assessments, scaling tools or activities to be used.",
    )
    if_unable_to_engage: str = Field(
        "", title="Action if the family cannot be engaged",
        description="Action to be taken if the EHCM or Play and Family Worker is unable to engage the family.",
    )
    pbr_programme: PBRProgramme = Field(
        PBRProgramme.EXPANDED_TROUBLED_FAMILIES, title="PBR programme",
        description="The payment-by-results programme the council reports to (a council setting).",
    )
    pbr_outcomes: list[str] = Field(
        default_factory=list, title="PBR outcomes", description="The programme's headline problems or outcomes this case works on."
    )
    pbr_comment: str = Field("", title="PBR comment", description="Anything to add about the PBR outcomes.")
    children: list[ChildSpokenTo] = Field(
        default_factory=list, title="Children spoken to",
        description="When each child was spoken to, whether alone, and their views and feelings.",
    )
    significant_adults: list[SignificantAdult] = Field(
        default_factory=list, title="Significant adults not living in the household",
        description="Significant adults who may not live in the household, for example a parent or grandparents.",
    )
    agreed_actions: list[AgreedAction] = Field(
        default_factory=list, title="New agreed actions", description="Actions agreed today: what, by whom, by when."
    )

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        day, occasion = self.event_date, self.occasion
        out += actions_due_before(self.agreed_actions, "agreed_actions", day, occasion)
        reviewed = [r.action_id for r in self.previous_actions]
        out += repeated(reviewed, "previous_actions", "Action reference", "action_id")
        out += repeated([a.action_id for a in self.agreed_actions], "agreed_actions", "Action reference",
                        "action_id", seen=set(reviewed))
        for i, child in enumerate(self.children):
            if child.date_spoken_to > day:
                out.append(problem(
                    ("children", i, "date_spoken_to"),
                    f"Child {i + 1} is recorded as spoken to on {uk(child.date_spoken_to)}, after the {occasion} on "
                    f"{uk(day)}.",
                    f"this is after the {occasion} on {uk(day)}; record when the child was last spoken to.",
                ))
        for i, key in enumerate(self.key_dates):
            if key.date < day:
                out.append(problem(
                    ("key_dates", i, "date"),
                    f"Key date {i + 1} ({uk(key.date)}) is before the {occasion} on {uk(day)}.",
                    f"this is before the {occasion} on {uk(day)}; key dates are reviews and deadlines to come.",
                ))
        allowed = pbr_outcomes(self.pbr_programme)
        for i, outcome in enumerate(self.pbr_outcomes):
            if outcome not in allowed:
                out.append(problem(
                    ("pbr_outcomes", i),
                    f"'{outcome}' is not one of the {self.pbr_programme} outcomes.",
                    f"this is not one of the {self.pbr_programme} outcomes; choose from: {'; '.join(allowed)}.",
                ))
        out += repeated(self.pbr_outcomes, "pbr_outcomes", "PBR outcome")
        return out


class SupervisionKind(StrEnum):
    PLANNED = "Planned supervision"
    SAFEGUARDING_ADVICE = "Advice on a safeguarding concern"


class SupervisionRecord(CaseDiscussion):
    """A case discussion in planned supervision, or when advice on a safeguarding concern was sought.

    A supervision record is a manager's recording, so the timeliness rule applies to it: advice on a
    safeguarding concern is a risk, due by the next working day.
    """

    record_kind = "supervision"
    occasion = "supervision"

    kind: SupervisionKind = Field(title="Kind of case discussion", description="Planned supervision, or advice sought on a safeguarding concern.")
    practitioner: Login = Field(description="The login of the practitioner whose case was discussed.")
    manager: Login = Field(description="The login of the manager who held the discussion.")

    @property
    def risk_for_deadline(self) -> bool:
        """Advice on a safeguarding concern is due by the next working day, whatever "Harm or risk identified"
        says: the kind sets the deadline it implies and never changes that answer."""
        return getattr(self, "kind", None) is SupervisionKind.SAFEGUARDING_ADVICE or super().risk_for_deadline
