"""A record of a direct session with children, families and young people.

guidance: Mosaic Case Record Template - WHO, AIM, METHOD, OUTCOME ("was the session successful in meeting
its aims, if not why not and what will be done differently"), ANY IMPORTANT OBSERVATIONS AND/OR
REFLECTIONS, ACTIONS; "Staff should also record those present during the session but whom did not partake
and should add notes of observations or incidents not directly linked to the aim of the session."
"""

from __future__ import annotations

from pydantic import Field
from pydantic_core import InitErrorDetails

from .actions import AgreedAction, actions_due_before, repeated
from .base import CaseRecord, NamesChildrenSpokenTo, RequiredText, children_spoken_to_field, problem


class SessionRecord(CaseRecord, NamesChildrenSpokenTo):
    """The Mosaic case record template for a direct session."""

    occasion = "session"

    who: RequiredText = Field(title="Who", description="Who was involved in the session.")
    aim: RequiredText = Field(title="Aim", description="What the session set out to achieve.")
    method: RequiredText = Field(
        title="Method", description="The methods and tools used to undertake the session."
    )
    aims_met: bool = Field(title="Aims met", description="Was the session successful in meeting its aims?")
    outcome: RequiredText = Field(title="Outcome", description="How the session went against its aims.")
    why_not_met: str = Field(
        "", title="Why the aims were not met", description="Needed when the aims were not met."
    )
    what_will_be_done_differently: str = Field(
        "", description="Needed when the aims were not met: what will change next time."
    )
    observations_and_reflections: RequiredText = Field(
        title="Observations and reflections",
        description="What you observed during the intervention, and your professional reflections.",
    )
    actions: list[AgreedAction] = Field(
        default_factory=list, title="Actions", description="Actions arising from the session: what, by whom, by when."
    )
    present_not_taking_part: str = Field(
        "",
        title="Present but did not take part",
        description="Anyone present during the session who did not take part in it.",
    )
    other_observations: str = Field(
        "",
        title="Other observations or incidents",
        description="Observations or incidents not directly linked to the aim of the session.",
    )
    children_spoken_to: list[str] = children_spoken_to_field()

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if self.aims_met is False:
            for field in ("why_not_met", "what_will_be_done_differently"):
                if not (getattr(self, field) or "").strip():
                    title = type(self).model_fields[field].title
                    out.append(problem(
                        (field,),
                        f"When a session did not meet its aims, say {title.lower()}.",
                        "this is needed when the session did not meet its aims.",
                    ))
        out += actions_due_before(self.actions or [], "actions", self.event_date, self.occasion)
        out += repeated([a.action_id for a in self.actions or []], "actions", "Action reference", "action_id")
        out += repeated(self.children_spoken_to or [], "children_spoken_to", "Child")
        return out
