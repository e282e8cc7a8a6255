"""The annual EPDR: its rules on explicit dates, its personnel text in the guidance's words, and its due date."""

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from familyservice_nb.records import (
    NONE_RECORDED,
    NOT_DISCUSSED,
    explain,
    kind_named,
    read_answers,
    render_text,
)
from familyservice_nb.records.epdr import EPDRRecord, epdr_due_by, next_epdr_due


def epdr(**changes) -> EPDRRecord:
    """Morgan's EPDR with Alex, held on Thursday 12/03/2026."""
    data = {"event_date": "12/03/2026", "author": "morgan.manager", "practitioner": "alex.example",
            "manager": "morgan.manager", "objectives": [{"what": "Lead two parenting groups", "by_when": "30/09/2026"},
                                                        {"what": "Complete the AIM assessment training",
                                                         "by_when": "31/12/2026"}],
            "development": "Signs of Safety refresher course.", "next_epdr_date": "12/03/2027"}
    return EPDRRecord.model_validate(data | changes)


def problems(**changes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        epdr(**changes)
    return explain(caught.value)


def test_held_on_12_03_2026_next_due_12_03_2027_is_kept_as_written():
    record = epdr()
    assert (record.event_date, record.next_epdr_date) == (dt.date(2026, 3, 12), dt.date(2027, 3, 12))
    assert EPDRRecord.title_of("event_date") == "Date of the EPDR"
    assert "case_id" not in EPDRRecord.model_fields


def test_next_epdr_due_11_03_2026_before_the_epdr_on_12_03_2026_refused_naming_the_field():
    assert problems(next_epdr_date="11/03/2026") == ["Next EPDR due: 11/03/2026 is not after this EPDR on 12/03/2026."]


def test_next_epdr_due_the_same_day_12_03_2026_refused():
    assert problems(next_epdr_date="12/03/2026") == ["Next EPDR due: 12/03/2026 is not after this EPDR on 12/03/2026."]


def test_an_objective_due_01_03_2026_before_the_epdr_on_12_03_2026_refused():
    assert problems(objectives=[{"what": "Lead a group", "by_when": "01/03/2026"}]) == [
        "Work objectives set, entry 1, By when: this is before the EPDR on 12/03/2026; an objective cannot be due "
        "before it was set."]


def test_an_epdr_sets_at_least_one_objective_and_each_says_what():
    assert problems(objectives=[]) == [
        "Work objectives set: add at least one; an EPDR sets the practitioner's work objectives."]
    assert problems(objectives=[{"what": " ", "by_when": "30/09/2026"}]) == [
        "Work objectives set, entry 1, Objective: this cannot be left blank."]


@pytest.mark.parametrize("field", ["practitioner", "manager", "event_date", "next_epdr_date"])
def test_required(field):
    data = epdr().model_dump(mode="json")
    del data[field]
    with pytest.raises(ValidationError) as caught:
        EPDRRecord.model_validate(data)
    assert explain(caught.value) == [f"{EPDRRecord.title_of(field)}: this is needed."]


def test_a_partly_filled_epdr_is_checked_as_it_stands():
    """The date held cannot be read: the next EPDR date is not checked against a day nobody gave."""
    answers = read_answers(EPDRRecord, epdr().model_dump(mode="json") | {"event_date": "31/02/2026",
                                                                         "next_epdr_date": "01/01/2026"})
    assert [p.message for p in answers.problems] == ["Date of the EPDR: there is no such date."]


def test_next_epdr_due_a_year_after_12_03_2026_and_after_a_leap_day():
    assert next_epdr_due(dt.date(2026, 3, 12)) == dt.date(2027, 3, 12)
    assert next_epdr_due(dt.date(2027, 3, 12)) == dt.date(2028, 3, 11)  # 365 days: 29/02/2028 falls between
    assert next_epdr_due(dt.date(2026, 3, 12), cycle_days=180) == dt.date(2026, 9, 8)


def test_due_by_the_date_set_never_later_than_a_cycle_after_the_epdr_held():
    held = pd.Series(pd.to_datetime(["2026-03-12", "2026-03-12", "2025-12-15", None]))
    next_due = pd.Series(pd.to_datetime(["2026-09-30", "2027-09-30", "2026-12-15", None]))
    assert [None if pd.isna(d) else d.date() for d in epdr_due_by(held, next_due)] == [
        dt.date(2026, 9, 30), dt.date(2027, 3, 12), dt.date(2026, 12, 15), None]


def test_the_text_is_a_personnel_record_in_the_guidances_words():
    text = render_text(epdr(), names={"alex.example": "Alex Example", "morgan.manager": "Morgan Manager"})
    head, *sections = text.split("\n\n")
    assert head == ("EPDR\nDate held: 12/03/2026\nPERSONNEL RECORD: for the practitioner's supervision file. Not for "
                    "a child's or family's running record.\nPractitioner: Alex Example\nHeld by: Morgan Manager")
    assert sections == [
        "WORK OBJECTIVES\n1. Lead two parenting groups\n   By when: 30/09/2026\n"
        "2. Complete the AIM assessment training\n   By when: 31/12/2026",
        "CONTINUING PERSONAL AND PROFESSIONAL DEVELOPMENT\nSigns of Safety refresher course.",
        "NEXT EPDR DUE\n12/03/2027\n",
    ]
    assert "Mosaic" not in text and "Harm or risk" not in text


def test_no_field_names_in_the_text():
    """Headings and labels are the guidance's words, never the model's names for its fields."""
    text = render_text(epdr(), names={"alex.example": "Alex Example", "morgan.manager": "Morgan Manager"})
    names = {*EPDRRecord.model_fields, "what", "by_when"}
    assert [n for n in names if n in text.replace("practitioner's", "").replace("Practitioner:", "")] == []


def test_development_not_written_is_left_out_never_none_recorded():
    text = render_text(epdr(development="  "))
    assert "CONTINUING PERSONAL AND PROFESSIONAL DEVELOPMENT" not in text
    assert NONE_RECORDED not in text and NOT_DISCUSSED not in text and "Not recorded" not in text
    assert text.endswith("NEXT EPDR DUE\n12/03/2027\n")


def test_its_text_goes_to_the_supervision_file_never_a_childs_running_record():
    kind = kind_named("epdr")
    assert not kind.destination.running_record and kind.destination.label == (
        "The EPDR as text for the practitioner's supervision file")
    assert kind.completed_by.value == "the practitioner's line manager" and not kind.timed and kind.printable
