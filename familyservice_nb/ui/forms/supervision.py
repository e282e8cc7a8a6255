"""The Case supervision page, and the review and closure summary pages that share its sections.

guidance: Supervision Recording Expectations. A supervision starts with the case's earlier discussions
from the store: their open agreed actions to review, the last case summary to bring up to date, and
when each child was last spoken to.
"""

from __future__ import annotations

from typing import ClassVar

from .case_app import CaseFormApp
from .discussion import ClosureForm, DiscussionForm, ReviewForm, SupervisionForm


class DiscussionApp(CaseFormApp):
    form_class: ClassVar[type[DiscussionForm]]

    def new_form(self, case, practitioner, record_id=None, author=None) -> DiscussionForm:
        settings = self.store.settings()
        fixed = {"author": author or self.store.user}
        if "practitioner" in self.form_class.model.model_fields:
            fixed |= {"practitioner": practitioner, "manager": author or self.store.user}
        previous = [d for d in self.store.previous_supervisions(case.case_id) if d.record_id != record_id]
        return self.form_class(
            self.store, case=case, previous=previous, staff_names=self.staff_names(),
            programme=settings.pbr_programme, calendar=self.store.calendar(), fixed=fixed, record_id=record_id,
        )


class CaseSupervisionApp(DiscussionApp):
    title = "Case supervision"
    intro = ("Record a case discussion held in planned supervision, or when advice on a safeguarding concern "
             "was sought. Choose the practitioner and the case; your draft saves itself as you type.")
    form_class = SupervisionForm
    practitioner_required = True
    start_label = "Start the supervision"


class ReviewSummaryApp(DiscussionApp):
    title = "Review summary"
    intro = ("Summarise a review of the family's plan: the same points as a case supervision. "
             "Your draft saves itself as you type.")
    form_class = ReviewForm
    start_label = "Start the review summary"


class ClosureSummaryApp(DiscussionApp):
    title = "Closure summary"
    intro = ("Summarise the work with the family as the case closes to the Family Service, with the reason and "
             "date of closure. Your draft saves itself as you type.")
    form_class = ClosureForm
    start_label = "Start the closure summary"
