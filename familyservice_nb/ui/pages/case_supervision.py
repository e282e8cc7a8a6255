"""The Case supervision page.

guidance: Supervision Recording Expectations. A supervision starts with the case's earlier discussions
from the store: their open agreed actions to review, the last case summary to bring up to date, and
when each child was last spoken to (form: `forms/discussion.py`).
"""

from __future__ import annotations

from familyservice_nb.ui.forms.discussion import DiscussionApp, SupervisionForm


class CaseSupervisionApp(DiscussionApp):
    intro = ("Record a case discussion held in planned supervision, or when advice on a safeguarding concern "
             "was sought. Choose the practitioner and the case; your draft saves itself as you type.")
    form_class = SupervisionForm
    practitioner_required = True
    start_label = "Start the supervision"
