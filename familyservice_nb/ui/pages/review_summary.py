"""The Review summary page: the supervision points for a review (form: `forms/discussion.py`)."""

from __future__ import annotations

from familyservice_nb.ui.forms.discussion import DiscussionApp, ReviewForm


class ReviewSummaryApp(DiscussionApp):
    intro = ("Summarise a review of the family's plan: the same points as a case supervision. "
             "Your draft saves itself as you type.")
    form_class = ReviewForm
    start_label = "Start the review summary"
