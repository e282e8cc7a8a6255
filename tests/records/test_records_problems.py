"""validation_problems() and explain(): pydantic's errors as Problems, sentences naming the field by its title."""

import pytest
from pydantic import ValidationError

from familyservice_nb.records import CaseNote, SupervisionRecord, explain


def caught(cls, data):
    with pytest.raises(ValidationError) as info:
        cls.model_validate(data)
    return info.value


def test_finds_the_model_from_the_error(valid):
    error = caught(CaseNote, {**valid("case_note"), "text": ""})
    assert explain(error) == explain(error, CaseNote) == ["Note: this cannot be left blank."]


def test_unreadable_date_and_yes_no(valid):
    error = caught(SupervisionRecord, {**valid("supervision"), "event_date": "someday", "risk_identified": "maybe"})
    assert explain(error) == [
        "Date of the supervision: write the date as day/month/year, for example 25/11/2026.",  # as the form names it
        "Harm or risk identified: answer yes or no.",
    ]


def test_nested_fields_named_through_their_titles(valid):
    error = caught(SupervisionRecord, {**valid("supervision"), "key_dates": [{"date": "10/12/2026"}]})
    assert explain(error) == ["Key dates, entry 1, What: this is needed."]


def test_unsaved_json_explained():
    with pytest.raises(ValidationError) as info:
        CaseNote.model_validate_json("{not json")
    assert explain(info.value) == ["This record: the saved record could not be read."]


def test_every_sentence_ends_with_a_full_stop(valid):
    error = caught(SupervisionRecord, {"children": [{}], "agreed_actions": [{}], "kind": "x", "pbr_outcomes": [1]})
    said = explain(error)
    assert said and all(s.endswith(".") for s in said)
    assert all("pydantic" not in s and "[type=" not in s for s in said)
