"""Case notes: the nine types and the details each requires."""

import pytest
from pydantic import ValidationError

from familyservice_nb.records import explain
from familyservice_nb.vocab import KeyEvent, NoteType


@pytest.fixture
def note(make):
    return lambda **changes: make("case_note", **changes)


@pytest.fixture
def problems(note):
    def _problems(**changes) -> list[str]:
        with pytest.raises(ValidationError) as caught:
            note(**changes)
        return explain(caught.value)

    return _problems


PLAIN_TYPES = [t for t in NoteType if t not in (
    NoteType.TELEPHONE_CALL, NoteType.DOCUMENT_REFERENCE, NoteType.KEY_EVENT, NoteType.CASE_DISCUSSION)]


def test_managers_recording_completes_only_with_decision_and_rationale(note, problems):
    """Rule: a Manager's recording records the decision and its rationale (at completion)."""
    from familyservice_nb.records import completion_problems

    draft = note(note_type="Manager's recording")
    assert [(p.path, p.message) for p in completion_problems(draft)] == [
        ("decision", "Decision: this is needed to complete a Manager's recording."),
        ("decision_rationale", "Rationale for the decision: this is needed to complete a Manager's recording."),
    ]
    made = note(note_type="Manager's recording", decision="Step down to universal services.",
                decision_rationale="Plan outcomes achieved and sustained for three months.")
    assert completion_problems(made) == []
    assert problems(note_type="Visit", decision="Close")[0].startswith("Decision: this belongs only on a manager")


@pytest.mark.parametrize("note_type", PLAIN_TYPES)
def test_plain_types_need_only_the_text(note_type, note):
    assert note(note_type=note_type).note_type is note_type


def test_telephone_call_without_number_names_the_field(note):
    with pytest.raises(ValidationError) as caught:
        note(note_type="Telephone call", caller_name="Pat Example", caller_role="Grandmother",
             call_purpose="Arrange a visit")
    assert "A telephone call note needs the telephone number." in str(caught.value)
    assert explain(caught.value) == ["Telephone number: this is needed for a telephone call."]


def test_telephone_call_needs_all_four_details(problems):
    said = problems(note_type="Telephone call")
    assert said == [
        "Telephone number: this is needed for a telephone call.",
        "Full name: this is needed for a telephone call.",
        "Role: this is needed for a telephone call.",
        "Purpose of the call: this is needed for a telephone call.",
    ]


def test_complete_telephone_call_accepted(note):
    n = note(note_type="Telephone call", telephone_number="+44 (0)115 496 0000", caller_name="Pat Example",
             caller_role="Grandmother", call_purpose="Arrange a visit")
    assert n.telephone_number.startswith("+44")


def test_telephone_number_with_letters_rejected(problems):
    said = problems(note_type="Telephone call", telephone_number="call me", caller_name="Pat Example",
                    caller_role="Grandmother", call_purpose="Arrange a visit")
    assert said == ["Telephone number: this can hold only digits, spaces, brackets, + and -."]


def test_document_reference_needs_date_and_provider(note, problems):
    assert problems(note_type="Document reference") == [
        "Date of the document: this is needed for a document reference.",
        "Provided by: this is needed for a document reference.",
    ]
    ok = note(note_type="Document reference", document_date="02/11/2026", document_provided_by="School nurse")
    assert ok.document_date.day == 2


def test_key_event_names_which(note, problems):
    assert problems(note_type="Key event") == ["Key event: this is needed for a key event."]
    assert note(note_type="Key event", key_event="Court appearance").key_event is KeyEvent.COURT_APPEARANCE


def test_key_event_must_be_one_of_the_six(problems):
    said = problems(note_type="Key event", key_event="Birthday party")
    assert said[0].startswith("Key event: choose one of 'Key meeting'")


def test_case_discussion_names_who_took_part(note, problems):
    assert problems(note_type="Case discussion") == ["Who took part: this is needed for a case discussion."]
    assert problems(note_type="Case discussion", participants=[" "]) == [
        "Who took part: this is needed for a case discussion."]
    assert note(note_type="Case discussion", participants=["Morgan Manager", "Alex Example"]).participants


def test_detail_of_another_type_rejected_on_a_visit(problems):
    said = problems(note_type="Visit", telephone_number="0115 496 0000")
    assert said == ["Telephone number: this belongs only on a telephone call note; clear it for a visit note."]


def test_unknown_note_type_lists_the_nine(problems):
    said = problems(note_type="Text message")
    assert said[0].startswith("Type of note: choose one of 'Visit'")
