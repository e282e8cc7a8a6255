"""The shared base: the one timeliness rule, UK dates, logins and blank text."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import uk
from familyservice_nb.working_days import WorkingCalendar


def test_note_on_friday_20_11_2026_due_friday_27_11(make):
    assert make("case_note").due_date() == dt.date(2026, 11, 27)


def test_risk_note_on_friday_20_11_2026_due_monday_23_11(make):
    assert make("case_note", risk_identified=True).due_date() == dt.date(2026, 11, 23)


def test_note_on_wednesday_23_12_2026_due_monday_04_01_2027_over_christmas(make):
    assert make("case_note", event_date="23/12/2026").due_date() == dt.date(2027, 1, 4)


def test_due_date_uses_the_council_calendar_closure_monday_23_11_2026(make):
    calendar = WorkingCalendar(closures=["2026-11-23"])
    assert make("case_note", risk_identified=True).due_date(calendar) == dt.date(2026, 11, 24)


def test_saturday_21_11_2026_event_due_friday_27_11(make):
    assert make("case_note", event_date="2026-11-21").due_date() == dt.date(2026, 11, 27)


@pytest.mark.parametrize("written", ["25/11/2026", "2026-11-25", "5/1/2026", dt.date(2026, 11, 25)])
def test_dates_accepted_as_uk_or_iso(written, make):
    note = make("case_note", event_date=written)
    assert uk(note.event_date) in {"25/11/2026", "05/01/2026"}


@pytest.mark.parametrize("written", ["31/11/2026", "11/25/2026", "next Tuesday"])
def test_impossible_or_month_first_dates_rejected(written, make):
    with pytest.raises(ValidationError):
        make("case_note", event_date=written)


def test_login_with_a_space_rejected(make):
    with pytest.raises(ValidationError, match="no spaces"):
        make("case_note", author="alex example")


def test_blank_required_text_rejected_but_typed_text_kept_exactly(make):
    with pytest.raises(ValidationError, match="cannot be left blank"):
        make("case_note", text="  \n ")
    note = make("case_note", text="  indented\n")
    assert note.text == "  indented\n"


def test_unknown_field_rejected(make):
    with pytest.raises(ValidationError, match="extra"):
        make("case_note", favourite_colour="blue")


def test_every_field_has_a_title_and_a_description():
    from familyservice_nb.records import RECORD_KINDS, RecordPart

    def walk(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from walk(sub)

    for cls in walk(RecordPart):
        for name, field in cls.model_fields.items():
            assert field.title, (cls.__name__, name)
            assert field.description, (cls.__name__, name)
    assert RECORD_KINDS
