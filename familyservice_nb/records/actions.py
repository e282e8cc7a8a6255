"""Agreed actions (what, by whom, by when) and the review of earlier ones.

guidance: Mosaic Case Record Template - "ACTIONS - detail any actions arising from the session";
GFPO template - "Next Steps / Agreed Actions from Session ... Including by Whom and by When";
Supervision Recording Expectations - "Review of previous agreed actions".
"""

from __future__ import annotations

from enum import StrEnum
from uuid import uuid4

from pydantic import Field
from pydantic_core import InitErrorDetails

from .base import Day, RecordPart, RequiredText, problem, uk


def _new_action_id() -> str:
    return uuid4().hex[:8]


class AgreedAction(RecordPart):
    """One action agreed at a session or supervision."""

    action_id: RequiredText = Field(
        default_factory=_new_action_id,
        title="Action reference",
        description="A short reference for the action, so later supervisions can review it.",
    )
    what: RequiredText = Field(title="What", description="What needs to be done.")
    by_whom: RequiredText = Field(title="By whom", description="Who will do it: a name, or a role (for example 'the school').")
    by_when: Day = Field(title="By when", description="The date it should be done by.")


class ActionStatus(StrEnum):
    """Where an earlier agreed action stands at a later review."""

    DONE = "Done"
    PARTLY_DONE = "Partly done"
    NOT_DONE = "Not done"
    NO_LONGER_NEEDED = "No longer needed"


# An action reviewed as one of these is closed; partly done and not done stay open and carry forward.
CLOSED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.NO_LONGER_NEEDED})


class ActionReview(RecordPart):
    """The review of one action agreed earlier."""

    action_id: RequiredText = Field(
        title="Action reference", description="The reference of the action agreed at an earlier supervision."
    )
    what: str = Field(
        "", title="The action as agreed", description="What was agreed, copied from the earlier supervision."
    )
    status: ActionStatus = Field(
        title="Status", description="Done, partly done, not done, or no longer needed."
    )
    comment: str = Field(
        "",
        title="Comment",
        description="What happened. Needed unless the action is done: say why it is not, or no longer needed.",
    )

    def _problems(self) -> list[InitErrorDetails]:
        if self.status is not ActionStatus.DONE and not self.comment.strip():
            return [
                problem(
                    ("comment",),
                    f"An action reviewed as '{self.status}' needs a comment saying why.",
                    f"this is needed when an action is '{self.status}'.",
                )
            ]
        return []


def actions_due_before(actions: list[AgreedAction], field: str, day, occasion: str) -> list[InitErrorDetails]:
    """Problems for actions due before the day they were agreed on (none while that day is not known)."""
    if day is None:
        return []
    return [
        problem(
            (field, i, "by_when"),
            f"Action {i + 1} is due on {uk(a.by_when)}, before the {occasion} on {uk(day)} where it was agreed.",
            f"this is before the {occasion} on {uk(day)}; an action cannot be due before it was agreed.",
        )
        for i, a in enumerate(actions)
        if a.by_when < day
    ]


def repeated(
    values: list[str], field: str, what: str, part: str | None = None, seen: set[str] | None = None
) -> list[InitErrorDetails]:
    """Problems for values that repeat an earlier one (in the same list, or in `seen`)."""
    seen = set() if seen is None else set(seen)
    out = []
    for i, value in enumerate(values):
        if value in seen:
            loc = (field, i) if part is None else (field, i, part)
            out.append(problem(loc, f"{what} '{value}' appears twice.", f"'{value}' appears twice."))
        seen.add(value)
    return out
