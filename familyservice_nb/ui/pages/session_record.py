"""The Session record page: the Mosaic case record template for a direct session (form: `forms/session.py`)."""

from __future__ import annotations

from familyservice_nb.ui.forms.framework.case_app import CaseRecordApp
from familyservice_nb.ui.forms.session import SessionForm


class SessionRecordApp(CaseRecordApp):
    intro = ("Record a direct session with a child, family or young person, the way Mosaic's case record template "
             "asks. Your draft saves itself as you type.")
    form_class = SessionForm
    start_label = "Start the session record"
