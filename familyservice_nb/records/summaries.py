"""Review and closure summaries: the case-discussion sections again, plus closure reason and date.

guidance: Supervision Recording Expectations - "These bullet points will also be relevant to record as
part of review and closure summaries."
"""

from __future__ import annotations

from pydantic import Field
from pydantic_core import InitErrorDetails

from .base import Day, RequiredText, problem, uk
from .supervision import CaseDiscussion


class ReviewSummary(CaseDiscussion):
    """A review of the family's plan, showing the same points as a case supervision."""

    occasion = "review"


class ClosureSummary(CaseDiscussion):
    """The summary written when the case closes to the Family Service."""

    occasion = "closure discussion"

    closure_reason: RequiredText = Field(description="Why the case is closing, for example 'Plan outcomes achieved'.")
    closure_date: Day = Field(description="The date the case closes (on or after the date of this summary).")

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if None not in (self.closure_date, self.event_date) and self.closure_date < self.event_date:
            out.append(problem(
                ("closure_date",),
                f"The closure date {uk(self.closure_date)} is before the date of the closure discussion "
                f"{uk(self.event_date)}.",
                f"this is before the date of the closure discussion, {uk(self.event_date)}; if you are writing "
                "this after the case closed, give the date the discussion was held.",
            ))
        return out
