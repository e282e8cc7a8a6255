"""A case note in the running record, with the details its type requires.

guidance: Types of case records - the nine events a case note records; telephone calls need "the
telephone number, full name and role of the caller or person called ... along with the purpose of the
call"; document references "include the date and the details of the person providing the information";
key events are "key meetings, court appearances, change of placement, completion of assessment, case
allocation or transfer".
"""

from __future__ import annotations

from pydantic import Field
from pydantic_core import InitErrorDetails

from ..vocab import KeyEvent, NoteType
from .actions import repeated
from .base import CaseRecord, Day, NamesChildrenSpokenTo, RequiredText, children_spoken_to_field, problem

# The details each note type must carry (field name -> how messages name it). Other types need only the text.
NOTE_DETAILS: dict[NoteType, dict[str, str]] = {
    NoteType.TELEPHONE_CALL: {
        "telephone_number": "telephone number",
        "caller_name": "full name of the caller or person called",
        "caller_role": "role of the caller or person called",
        "call_purpose": "purpose of the call",
    },
    NoteType.DOCUMENT_REFERENCE: {
        "document_date": "date of the document",
        "document_provided_by": "person who provided the information",
    },
    NoteType.KEY_EVENT: {"key_event": "key event it refers to"},
    NoteType.CASE_DISCUSSION: {"participants": "people who took part"},
}

# guidance: "Manager's recordings (e.g. decisions made on the case ...)": the decision and why. Asked for at
# completion (records/completion.py), not by the model: a Manager's recording kept without them still reads.
DECISION_DETAILS = {"decision": "decision made", "decision_rationale": "rationale for the decision"}


def _a_note(note_type: NoteType) -> str:
    """'a telephone call note', 'an e-mail note'."""
    kind = note_type.value.lower()
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} note"

_PHONE_CHARACTERS = set("0123456789 +()-")


def _empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not any(p.strip() for p in value)
    return value is None


class CaseNote(CaseRecord, NamesChildrenSpokenTo):
    """One note in the Mosaic running record."""

    occasion = "event"

    note_type: NoteType = Field(title="Type of note", description="What the note records.")
    text: RequiredText = Field(title="Note", description="The note itself, as it will appear on Mosaic.")
    telephone_number: str = Field("", description="The number called, or the number the call came from.")
    caller_name: str = Field(
        "", title="Full name", description="The full name of the caller or of the person called."
    )
    caller_role: str = Field("", title="Role", description="Their role, for example 'Class teacher' or 'Mother'.")
    call_purpose: str = Field("", title="Purpose of the call", description="Why the call was made.")
    document_date: Day | None = Field(None, title="Date of the document", description="The date on the document.")
    document_provided_by: str = Field(
        "", title="Provided by", description="Who provided the information (name and role or agency)."
    )
    key_event: KeyEvent | None = Field(None, title="Key event", description="Which key event the note refers to.")
    participants: list[str] = Field(
        default_factory=list, title="Who took part", description="Everyone who took part in the discussion."
    )
    decision: str = Field("", title="Decision", description="The decision made on the case.")
    decision_rationale: str = Field(
        "", title="Rationale for the decision", description="Why the decision was made."
    )
    children_spoken_to: list[str] = children_spoken_to_field()

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        if self.note_type is not None:  # which details belong depends on the type of note
            this_note = _a_note(self.note_type)
            needed = NOTE_DETAILS.get(self.note_type, {})
            for field, words in needed.items():
                if _empty(getattr(self, field)):
                    out.append(problem(
                        (field,),
                        f"{this_note[0].upper()}{this_note[1:]} needs the {words}.",
                        f"this is needed for {this_note.removesuffix(' note')}.",
                    ))
            if self.note_type is not NoteType.MANAGER_RECORDING:
                for field in DECISION_DETAILS:
                    if not _empty(getattr(self, field)):
                        out.append(problem(
                            (field,), f"'{type(self).model_fields[field].title}' belongs only on a Manager's recording.",
                            f"this belongs only on a manager's recording; clear it for {this_note}.",
                        ))
            for note_type, details in NOTE_DETAILS.items():
                for field in details:
                    if field not in needed and not _empty(getattr(self, field)):  # the text would not show it
                        out.append(problem(
                            (field,),
                            f"'{type(self).model_fields[field].title}' belongs only on {_a_note(note_type)}; "
                            f"this is {this_note}.",
                            f"this belongs only on {_a_note(note_type)}; clear it for {this_note}.",
                        ))
        number = self.telephone_number or ""
        if number.strip() and not (set(number) <= _PHONE_CHARACTERS and any(c.isdigit() for c in number)):
            out.append(problem(
                ("telephone_number",),
                "A telephone number can hold only digits, spaces, brackets, + and -.",
                "this can hold only digits, spaces, brackets, + and -.",
            ))
        out += repeated(self.children_spoken_to or [], "children_spoken_to", "Child")
        return out
