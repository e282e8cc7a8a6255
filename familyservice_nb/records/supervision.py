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
from .base import CaseRecord, ChildSeen, Day, Login, RecordPart, RequiredText, problem, uk
from .pbr import PBROutcome, PBRProgramme


class KeyDate(RecordPart):
    date: Day = Field(title="Date", description="The date of the review, deadline or meeting.")
    what: RequiredText = Field(title="What", description="What happens then, for example 'Family plan review'.")


class NotSpokenTo(StrEnum):
    """Why a child on the case was not spoken to (every child is accounted for at completion)."""

    TOO_YOUNG = "Too young to speak: observed"
    NOT_SEEN = "Not seen this period"
    DECLINED = "Declined to speak"
    OTHER = "Another reason"


class ChildSpokenTo(RecordPart):
    """One child of the case: spoken to (date, seen alone, views), or the reason they were not.

    guidance: Supervision Recording Expectations - "A record of when children have been spoken to and what
    their views and feelings are". A child too young to speak is recorded as observed: the date and what
    was observed.
    """

    child_id: RequiredText = Field(title="Child ID", description="The child's Mosaic ID.")
    pseudonym: str = Field("", description="The name the workbook shows for the child, if any.")
    not_spoken_to: NotSpokenTo | None = Field(
        None, title="Not spoken to because",
        description="Leave empty when the child was spoken to; otherwise say why not (too young to speak, not "
        "seen this period, declined, or another reason).",
    )
    date_spoken_to: Day | None = Field(
        None, title="Date spoken to", description="When the child was last spoken to (or, too young to speak, observed)."
    )
    seen_alone: bool | None = Field(None, description="Was the child seen on their own?")
    views_and_feelings: str = Field(
        "", title="Views and feelings", description="What the child said about their views and feelings, in their own words."
    )
    observations: str = Field(
        "", title="What was observed", description="For a child too young to speak: what you observed of them."
    )
    reason_detail: str = Field("", title="Reason", description="Needed for another reason: say what it is.")

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        reason = self.not_spoken_to
        if reason is None:
            needed = {"date_spoken_to": self.date_spoken_to, "seen_alone": self.seen_alone,
                      "views_and_feelings": (self.views_and_feelings or "").strip() or None}
            why = "this is needed when the child was spoken to; otherwise say why they were not."
        elif reason is NotSpokenTo.TOO_YOUNG:
            needed = {"date_spoken_to": self.date_spoken_to, "observations": self.observations.strip() or None}
            why = "this is needed for a child too young to speak, recorded as observed."
        elif reason is NotSpokenTo.OTHER:
            needed = {"reason_detail": self.reason_detail.strip() or None}
            why = "say what the other reason is."
        else:
            needed = {}
            why = ""
        for name, value in needed.items():
            if value is None:
                title = type(self).model_fields[name].title or name
                out.append(problem((name,), f"{title}: {why}", why))
        return out

    @property
    def seen_on(self):
        """The day this entry shows the child was spoken to (or, too young to speak, observed); else None."""
        if self.not_spoken_to in (None, NotSpokenTo.TOO_YOUNG):
            return self.date_spoken_to
        return None


class SignificantAdult(RecordPart):
    name: RequiredText = Field(description="Their name.")
    relationship: RequiredText = Field(description="Their relationship to the children, for example 'Grandmother'.")
    contact: str = Field("", description="How to contact them.")
    involvement: str = Field("", description="Their involvement with the family and the children.")


class LeftEmpty(StrEnum):
    """An optional section left empty on purpose: the Mosaic text says which, instead of staying silent."""

    NOT_DISCUSSED = "Not discussed"
    NOTHING_TO_RECORD = "Nothing to record"


# guidance: Supervision Recording Expectations - the bullet points a discussion may leave empty, each of which
# must be filled or marked "not discussed" / "nothing to record" by choice before the record completes.
OPTIONAL_SECTIONS: dict[str, str] = {
    "key_dates": "Key dates",
    "risk_assessments_and_tools": "Risk assessments, scaling tools or activities",
    "if_unable_to_engage": "Action if the family cannot be engaged",
    "pbr_outcomes": "PBR outcomes",
    "significant_adults": "Significant adults not living in the household",
    "agreed_actions": "New agreed actions",
}


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
        PBRProgramme.EXTENDED_TROUBLED_FAMILIES, title="PBR programme",
        description="The payment-by-results programme the council reports to (a council setting).",
    )
    pbr_outcomes: list[PBROutcome] = Field(
        default_factory=list, title="PBR outcomes",
        description="The programme's outcomes this case works on, each identified, progressing, achieved or sustained.",
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
    left_empty: dict[str, LeftEmpty] = Field(
        default_factory=dict, title="Sections left empty on purpose",
        description="Optional sections marked 'Not discussed' or 'Nothing to record' by choice.",
    )

    def children_seen(self) -> list[ChildSeen]:
        """The children this discussion records as spoken to (or, too young to speak, observed), each on the
        day given: a child not spoken to (not seen, declined, another reason) is not among them."""
        return [ChildSeen(c.child_id, c.pseudonym, c.seen_on) for c in self.children if c.seen_on is not None]

    def section_filled(self, name: str) -> bool:
        """Whether an optional section (OPTIONAL_SECTIONS) has anything in it."""
        value = getattr(self, name)
        return bool(value.strip()) if isinstance(value, str) else bool(value)

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        day, occasion = self.event_date, self.occasion
        agreed, children = self.agreed_actions or [], self.children or []
        out += actions_due_before(agreed, "agreed_actions", day, occasion)
        reviewed = [r.action_id for r in self.previous_actions or []]
        out += repeated(reviewed, "previous_actions", "Action reference", "action_id")
        out += repeated([a.action_id for a in agreed], "agreed_actions", "Action reference",
                        "action_id", seen=set(reviewed))
        for i, child in enumerate(children if day is not None else []):
            if child.date_spoken_to is not None and child.date_spoken_to > day:
                out.append(problem(
                    ("children", i, "date_spoken_to"),
                    f"Child {i + 1} is recorded as spoken to on {uk(child.date_spoken_to)}, after the {occasion} on "
                    f"{uk(day)}.",
                    f"this is after the {occasion} on {uk(day)}; record when the child was last spoken to.",
                ))
        for i, key in enumerate(self.key_dates or [] if day is not None else []):
            if key.date < day:
                out.append(problem(
                    ("key_dates", i, "date"),
                    f"Key date {i + 1} ({uk(key.date)}) is before the {occasion} on {uk(day)}.",
                    f"this is before the {occasion} on {uk(day)}; key dates are reviews and deadlines to come.",
                ))
        out += repeated([o.outcome for o in self.pbr_outcomes or []], "pbr_outcomes", "PBR outcome", "outcome")
        out += repeated([c.child_id for c in children], "children", "Child ID", "child_id")
        for name in self.left_empty or {}:
            if name not in OPTIONAL_SECTIONS:
                out.append(problem(("left_empty", name), f"'{name}' is not a section that can be left empty.",
                                   "this is not a section that can be left empty."))
        return out


class SupervisionKind(StrEnum):
    PLANNED = "Planned supervision"
    SAFEGUARDING_ADVICE = "Advice on a safeguarding concern"


class SupervisionRecord(CaseDiscussion):
    """A case discussion in planned supervision, or when advice on a safeguarding concern was sought.

    A supervision record is a manager's recording, so the timeliness rule applies to it: advice on a
    safeguarding concern is a risk, due by the next working day.
    """

    occasion = "supervision"

    kind: SupervisionKind = Field(title="Kind of case discussion", description="Planned supervision, or advice sought on a safeguarding concern.")
    practitioner: Login = Field(description="The login of the practitioner whose case was discussed.")
    manager: Login = Field(description="The login of the manager who held the discussion.")
    # guidance: "where advice and guidance on a safeguarding concern has been sought, a record of this should
    # be made": the concern, the advice, the decision and why (needed to complete safeguarding advice).
    concern: str = Field("", title="The safeguarding concern", description="The concern the practitioner raised.")
    advice_given: str = Field("", title="Advice given", description="The advice and guidance the manager gave.")
    decision: str = Field("", title="Decision", description="What was decided.")
    decision_rationale: str = Field("", title="Rationale for the decision", description="Why it was decided.")

    @property
    def risk_for_deadline(self) -> bool:
        """Advice on a safeguarding concern is due by the next working day, whatever "Harm or risk identified"
        says: the kind sets the deadline it implies and never changes that answer."""
        return getattr(self, "kind", None) is SupervisionKind.SAFEGUARDING_ADVICE or super().risk_for_deadline
