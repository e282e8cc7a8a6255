"""The Closure summary page: the supervision points, the reason and date of closure (form: `forms/discussion.py`)."""

from __future__ import annotations

from familyservice_nb.ui.forms.discussion import ClosureForm, DiscussionApp


class ClosureSummaryApp(DiscussionApp):
    intro = ("Summarise the work with the family as the case closes to the Family Service, with the reason and "
             "date of closure. Your draft saves itself as you type.")
    form_class = ClosureForm
    start_label = "Start the closure summary"
