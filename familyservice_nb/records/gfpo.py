"""A record of a Graduated Family and Parenting Intervention (GFPO) session.

guidance: Mosaic Case Record template for recording a Graduated Family and Parenting Intervention Session -
the table's rows, in order: intervention name, purpose, present, location and time, description,
observation and analysis (with its suggested points), next steps by whom and by when.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator
from pydantic_core import InitErrorDetails

from .actions import AgreedAction, actions_due_before, repeated
from .base import CaseRecord, NamesChildrenSpokenTo, RequiredText, children_spoken_to_field, problem


class GFPOIntervention(StrEnum):
    INTENSIVE_SUPPORT = "Intensive Support"
    ANGER_MANAGEMENT = "Anger Management"
    PARENTING_CAPACITY_LD = "Specialist Assessment of Parenting Capacity for Adults with Learning Disabilities"
    OTHER = "Other"


# guidance: GFPO template, Observation and Analysis - "Suggested Points to include", word for word.
GFPO_PROMPTS: tuple[str, ...] = (
    "How well were you able to engage the parent in the session/activity?",
    "What did you notice about the home environment or behaviour or attitude of the parent / child or young person?",
    "Were there any emerging safeguarding concerns?",
    "What went well during the session?",
    "What strengths did you identify during the session?",
    "What additional support needs were identified as a result of the activity session?",
    "What are you worried about following the session?",
    "What needs to happen next?",
    "How well was the desired outcome of the session achieved?",
)

# The prompt whose answer says whether harm or risk was identified (an answer here must say yes or no).
SAFEGUARDING_PROMPT = GFPO_PROMPTS[2]


class GFPOSessionRecord(CaseRecord, NamesChildrenSpokenTo):
    """The GFPO session template."""

    occasion = "session"

    intervention: GFPOIntervention = Field(title="GFPO intervention", description="Which intervention this session belongs to.")
    other_intervention: str = Field(
        "", title="Name of the other intervention", description="Needed when the intervention is 'Other'."
    )
    purpose: RequiredText = Field(
        title="Purpose of this session",
        description="What the session or activity is for, for example introducing a behaviour chart, household "
        "conditions, assessing basic care capacity.",
    )
    desired_outcome: RequiredText = Field(description="What the session should achieve.")
    present_and_took_part: RequiredText = Field(
        title="Present", description="Who was present and took part in the session or activity."
    )
    location: RequiredText = Field(description="Where the session took place.")
    start_time: dt.time = Field(title="Time of session", description="When the session started, for example 08:15.")
    why_this_location_and_time: str = Field(
        "",
        title="Why this location and time",
        description="Was the location and time chosen for a reason (for example early morning or evening routines)?",
    )
    activities: RequiredText = Field(description="The particular activities undertaken.")
    resources: str = Field(
        "", title="Resources, tools or materials", description="The resources, tools or materials used in the session."
    )
    observations: str = Field(
        "",
        title="Observation and analysis",
        description="Your observations and reflections about the intervention. Use the suggested points as well, or instead.",
    )
    prompt_answers: dict[str, str] = Field(
        default_factory=dict,
        title="Suggested points",
        description="Your answer to each suggested point you cover; leave the others empty.",
    )
    next_steps: list[AgreedAction] = Field(
        default_factory=list,
        title="Next steps and agreed actions",
        description="What needs to happen following this session, by whom and by when.",
    )
    safeguarding_risk: bool | None = Field(
        None, title="Harm or risk identified (safeguarding concerns)",
        description="When you answer 'Were there any emerging safeguarding concerns?': was harm or risk "
        "identified? Yes makes the record due by the next working day.",
    )
    children_spoken_to: list[str] = children_spoken_to_field()

    @model_validator(mode="after")
    def _safeguarding_risk_sets_deadline(self):
        # guidance: "If ... potential harm or risk is identified, recording must be completed by the following
        # working day": a yes under the safeguarding prompt is risk identified.
        if self.safeguarding_risk:
            self.risk_identified = True
        return self

    @property
    def intervention_name(self) -> str:
        return self.other_intervention if self.intervention is GFPOIntervention.OTHER else self.intervention.value

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        other, named = self.intervention is GFPOIntervention.OTHER, (self.other_intervention or "").strip()
        if other and not named:
            out.append(problem(("other_intervention",), "Name the intervention when it is 'Other'.",
                               "this is needed when the intervention is 'Other'."))
        if self.intervention is not None and not other and named:
            out.append(problem(("other_intervention",), "Only name another intervention when 'Other' is chosen.",
                               "clear this, or choose 'Other' as the intervention."))
        answers = self.prompt_answers
        for prompt in answers or {}:
            if prompt not in GFPO_PROMPTS:
                out.append(problem(("prompt_answers", prompt), f"'{prompt}' is not one of the suggested points.",
                                   "this is not one of the suggested points."))
        if (self.observations is not None and answers is not None and not self.observations.strip()
                and not any(a.strip() for a in answers.values())):
            out.append(problem(("observations",), "Describe your observations and analysis of the session.",
                               "this is needed, here or under the suggested points."))
        steps = self.next_steps or []
        out += actions_due_before(steps, "next_steps", self.event_date, self.occasion)
        out += repeated([a.action_id for a in steps], "next_steps", "Action reference", "action_id")
        out += repeated(self.children_spoken_to or [], "children_spoken_to", "Child")
        return out
