"""The Case note page (form: `forms/case_note.py`)."""

from __future__ import annotations

from familyservice_nb.ui.forms.case_note import CaseNoteForm
from familyservice_nb.ui.forms.framework.case_app import CaseRecordApp


class CaseNoteApp(CaseRecordApp):
    intro = ("Write a case note for the running record. Choose the type of note: each type asks for the details the "
             "guidance requires. Your draft saves itself as you type.")
    form_class = CaseNoteForm
    start_label = "Start the case note"
