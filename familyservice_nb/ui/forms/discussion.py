"""Case discussion forms: case supervision, review summary and closure summary.

guidance: Supervision Recording Expectations - the bullet points, in the guidance's order; "These bullet
points will also be relevant to record as part of review and closure summaries." One form, three
records: the sections are built once from `CaseDiscussion`'s fields, each kind adds its own. What comes
forward from the case's earlier discussions is the domain's (`records.carried_forward`); the form shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import ipywidgets as widgets

from familyservice_nb.dates import today_in_london
from familyservice_nb.records import (
    ClosureSummary,
    KeyDate,
    ReviewSummary,
    SignificantAdult,
    SupervisionKind,
    SupervisionRecord,
    carried_forward,
)
from familyservice_nb.ui.forms.action_review import ActionReviewPart
from familyservice_nb.ui.forms.children import ChildrenPart
from familyservice_nb.ui.forms.framework.case_app import CaseFormApp
from familyservice_nb.ui.forms.framework.case_form import CaseRecordForm
from familyservice_nb.ui.forms.framework.form import section
from familyservice_nb.ui.forms.left_empty import LeftEmptyPart
from familyservice_nb.ui.forms.pbr import PBRPart
from familyservice_nb.ui.kit.html import unreadable_notice
from familyservice_nb.ui.kit.shared import html_widget, show


class DiscussionForm(CaseRecordForm):
    """The case-discussion sections, shared by supervision, review and closure summaries."""

    about_title = "About this discussion"

    def __init__(self, store, *, case, previous: Sequence = (), programme=None, outcomes=None, fixed: dict,
                 **kwargs):
        self.previous = list(previous)
        self.carried = carried_forward(self.previous)
        # Earlier discussions that could not be read: their actions are not here to review, and the form says so.
        self.unreadable = list(getattr(previous, "unreadable", ()))
        self.programme = programme or self.model.model_fields["pbr_programme"].default
        self.outcomes = outcomes  # the council's outcomes plan (settings), else the programme's national list
        super().__init__(store, case=case, fixed={"pbr_programme": str(self.programme), **fixed}, **kwargs)

    def head_sections(self) -> list[widgets.Widget]:
        return []

    def build(self) -> list[widgets.Widget]:
        m, carried = self.model.model_fields, self.carried
        return [
            section(self.about_title, self.about(), css="fsnb-about"),
            *self.head_sections(),
            section(m["previous_actions"].title, [
                html_widget(unreadable_notice(self.unreadable)),
                self.add(ActionReviewPart(carried.open_actions, carried.agreed_on, carried.last_reviews,
                                          today_in_london(), self.staff_names_by_login()))]),
            section("The case", [self.field("case_summary", rows=4), self.field("intervention_offered", rows=2)],
                    "Brought forward from the last supervision of this case, where there was one: bring it up to date."
                    if self.previous else ""),
            section("Progress and change", [self.field("progress", rows=4), self.field("still_to_happen", rows=3)]),
            section(m["key_dates"].title or "Key dates", [self.rows(
                "key_dates", KeyDate, ["date", "what"], "key date",
                options={"what": {"kind": "text"}}, columns="minmax(220px, 1fr) minmax(260px, 3fr)",
                empty_text="No key dates added yet.")], m["key_dates"].description),
            section("Risk and engagement", [self.field("risk_assessments_and_tools", rows=3),
                                             self.field("if_unable_to_engage", rows=3)]),
            section("PBR outcomes", [self.add(PBRPart(self.programme, self.outcomes)), self.field("pbr_comment", rows=2)]),
            section(m["children"].title, [self.add(ChildrenPart(self.case.children, carried.last_spoken_to))],
                    m["children"].description),
            section(m["significant_adults"].title, [self.rows(
                "significant_adults", SignificantAdult, ["name", "relationship", "contact", "involvement"],
                "significant adult",
                options={"name": {"kind": "text"}, "relationship": {"kind": "text"}, "contact": {"kind": "text"},
                         "involvement": {"kind": "long", "rows": 2}},
                empty_text="No significant adults added yet.")], m["significant_adults"].description),
            section(m["agreed_actions"].title, [self.action_rows("agreed_actions")], m["agreed_actions"].description),
            section(m["left_empty"].title, [self.add(LeftEmptyPart())],
                    "Nothing is left silent: a section you leave empty is marked 'Not discussed' or 'Nothing to "
                    "record', and the text for Mosaic says so."),
        ]

    def start_values(self) -> dict:
        """What a new record starts with: today's date, and the last discussion's summary."""
        return {**super().start_values(), **self.carried.start_values}


class SupervisionForm(DiscussionForm):
    """Case supervision: planned, or advice on a safeguarding concern."""

    model = SupervisionRecord
    about_title = "About this case discussion"

    def about(self) -> list[widgets.Widget]:
        kind = self.field("kind", radio=True)
        return [kind, *super().about()]

    def head_sections(self) -> list[widgets.Widget]:
        # guidance: advice sought on a safeguarding concern is recorded: the concern, advice, decision and why.
        self.advice = section("The safeguarding concern, the advice and the decision", [
            self.field(name, rows=3) for name in ("concern", "advice_given", "decision", "decision_rationale")])
        return [self.advice]

    def risk_reason(self) -> str:
        if self.parts["kind"].field.value == SupervisionKind.SAFEGUARDING_ADVICE.value:
            return "because advice on a safeguarding concern was sought"
        return super().risk_reason()

    def deadline_values(self) -> dict:
        # The kind sets the deadline it implies (SupervisionRecord.risk_for_deadline), shown in words by the
        # due date; it never ticks "Harm or risk identified": independent answers stay independent.
        value = self.parts["kind"].field.value
        return {"kind": SupervisionKind(value)} if value else {}

    def refresh(self) -> None:
        # The safeguarding-advice section (concern, advice, decision and its rationale) shows for that kind.
        if hasattr(self, "advice"):
            safeguarding = self.parts["kind"].field.value == SupervisionKind.SAFEGUARDING_ADVICE.value
            show(self.advice, safeguarding)
        super().refresh()


class ReviewForm(DiscussionForm):
    model = ReviewSummary
    about_title = "About this review"


class ClosureForm(DiscussionForm):
    model = ClosureSummary
    about_title = "About this closure"

    def head_sections(self) -> list[widgets.Widget]:
        return [section("Closure", [self.field("closure_reason", kind="text"), self.field("closure_date")])]


class DiscussionApp(CaseFormApp):
    """The page of a discussion record: builds its form with the case's earlier supervisions."""

    form_class: ClassVar[type[DiscussionForm]]

    def new_form(self, case, practitioner, record_id=None, author=None) -> DiscussionForm:
        settings = self.store.settings()
        fixed = {"author": author or self.store.user}
        if "practitioner" in self.form_class.model.model_fields:
            fixed |= {"practitioner": practitioner, "manager": author or self.store.user}
        # A record opened again (a draft, a completed record) shows the case as it stood when it was
        # written: the discussions before it, not those that came after.
        previous = self.store.previous_supervisions(case.case_id, before=record_id)
        return self.form_class(
            self.store, case=case, previous=previous, staff_names=self.staff_names(),
            programme=settings.pbr_programme, outcomes=settings.pbr_outcomes, calendar=self.store.calendar(),
            fixed=fixed, record_id=record_id,
        )
