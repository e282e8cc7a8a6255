"""The Case note page: choosing the type of note shows the details that type needs.

guidance: Types of case records - a telephone call needs the number, full name and role of the caller or
person called, and the purpose; a document reference the date and who provided it; a key event which
one; a case discussion who took part. The list of details per type is `records.NOTE_DETAILS`.
"""

from __future__ import annotations

import ipywidgets as widgets

from familyservice_nb.records import NOTE_DETAILS, CaseNote
from familyservice_nb.records.case_note import DECISION_DETAILS
from familyservice_nb.ui.forms.framework.case_form import CaseRecordForm
from familyservice_nb.ui.forms.framework.form import section
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import html_widget
from familyservice_nb.vocab import NoteType

# A Manager's recording asks for its decision and rationale (asked for at completion: records/completion.py).
DETAILS = {**NOTE_DETAILS, NoteType.MANAGER_RECORDING: DECISION_DETAILS}
DETAIL_FIELDS = [name for details in DETAILS.values() for name in details]


class CaseNoteForm(CaseRecordForm):
    model = CaseNote

    def build(self) -> list[widgets.Widget]:
        self.type_help = html_widget("")
        details = []
        for name in DETAIL_FIELDS:
            options = {"kind": "text"} if name not in ("participants", "document_date", "key_event") else {}
            if name in DECISION_DETAILS:
                options = {"rows": 3}
            if name == "participants":
                options = {"rows": 3, "placeholder": "One name (and role) on each line"}
            details.append(self.field(name, **options))
        self.details_intro = html_widget("")
        return [
            section("About this note", [*self.about(), self.field("note_type", radio=False), self.type_help]),
            section("Details this type of note needs", [self.details_intro, *details]),
            section("The note", [self.field("text", rows=8),
                                 self.field("children_spoken_to", rows=2,
                                            placeholder="One child ID a line, for example K-1")]),
        ]

    def chosen_type(self) -> NoteType | None:
        value = self.parts["note_type"].field.value
        return NoteType(value) if value else None

    def refresh(self) -> None:
        super().refresh()
        chosen = self.chosen_type()
        needed = DETAILS.get(chosen, {}) if chosen else {}
        for name in DETAIL_FIELDS:
            self.show_only([name], name in needed)
        self.type_help.value = f'<p class="fsnb-help">{esc(chosen.described)}.</p>' if chosen else ""
        if chosen is None:
            text = "Choose the type of note first: the details it needs show here."
        elif needed:
            text = f"A {chosen.value.lower()} note needs: " + "; ".join(needed.values()) + "."
        else:
            text = f"A {chosen.value.lower()} note needs no details beyond the note itself."
        self.details_intro.value = f'<p class="fsnb-intro">{esc(text)}</p>'

    def record_data(self) -> dict:
        """Details of other types are kept in the draft (in case the type changes back), not in the note."""
        data = super().record_data()
        chosen = self.chosen_type()
        needed = DETAILS.get(chosen, {}) if chosen else {}
        for name in DETAIL_FIELDS:
            if name not in needed:
                data.pop(name, None)
        return data
