"""A partly filled record, read as it stands (`records.read_answers`) and checked for completion
(`records.completion_problems`): every problem named at its field, and no value made up for an answer."""

from __future__ import annotations

import datetime as dt
import types
import typing

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from familyservice_nb.records import (
    RECORD_KINDS,
    SupervisionRecord,
    completion_problems,
    read_answers,
)

# A supervision as a form holds it halfway through: the date mistyped, the case summary not written yet, a key
# date and an action dated long before any supervision, nothing else.
HALFWAY = {"case_id": "CASE-001", "author": "morgan.manager", "practitioner": "alex.example",
           "manager": "morgan.manager", "kind": "Planned supervision", "event_date": "31/02/2026",
           "key_dates": [{"date": "01/01/2020", "what": "Family plan review"}],
           "agreed_actions": [{"action_id": "A1", "what": "Book the school meeting", "by_whom": "Alex Example",
                               "by_when": "02/01/2020"}]}


def test_a_whole_record_is_read_as_it_is(make, valid):
    answers = read_answers(SupervisionRecord, valid("supervision"))
    assert answers.whole and answers.problems == () and answers.unread == frozenset()
    assert answers.record == make("supervision")


def test_a_partly_filled_supervision_gets_a_problem_at_each_field_in_one_go(case):
    problems = completion_problems(read_answers(SupervisionRecord, HALFWAY), case=case)
    assert [p.path for p in problems] == [
        "event_date", "case_summary", "progress", "still_to_happen", "children.CH-1", "children.CH-2",
        "risk_assessments_and_tools", "if_unable_to_engage", "pbr_outcomes", "significant_adults"]
    assert [p.message for p in problems[:3]] == [
        "Date of the supervision: there is no such date.",  # unreadable, named as the form names it
        "Case summary: this is needed.",  # a required section missing
        "Progress: this is needed to complete the record.",  # what completion asks for
    ]
    assert problems[4].message == (
        "Children spoken to: Robin Example (CH-1) has neither views recorded nor a reason they were not spoken to "
        "(for example too young to speak, not seen this period, declined).")
    assert [p.code for p in problems[:3]] == ["no_such_date", "missing", "incomplete"]
    assert problems[0].said_as_typed and not problems[1].said_as_typed
    assert problems[0].words == "There is no such date." and problems[0].below == ()


def test_nothing_is_made_up_for_an_unreadable_date_or_a_missing_section(case):
    answers = read_answers(SupervisionRecord, HALFWAY)
    record = answers.record
    assert answers.unread == {"event_date", "case_summary"}
    assert record.event_date is None and record.case_summary is None
    assert record.key_dates[0].date == dt.date(2020, 1, 1) and record.kind.value == "Planned supervision"
    # With no date to compare them with, no key date or action is said to come before the supervision.
    said = " ".join(p.message for p in completion_problems(answers, case=case))
    assert "before the supervision" not in said and "Key date 1" not in said and "Action 1" not in said


def test_the_records_own_rules_are_said_while_other_answers_are_missing():
    answers = read_answers(SupervisionRecord, {**HALFWAY, "event_date": "20/11/2026"})
    assert [p.path for p in answers.problems] == ["case_summary", "agreed_actions.0.by_when", "key_dates.0.date"]
    assert answers.problems[2].message == ("Key dates, entry 1, Date: this is before the supervision on 20/11/2026; "
                                           "key dates are reviews and deadlines to come.")


def test_a_future_date_is_said_once_whether_or_not_the_rest_is_whole(valid):
    today = dt.date(2027, 1, 29)  # conftest's today
    future = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    whole = read_answers(SupervisionRecord, {**valid("supervision"), "event_date": future})
    partial = read_answers(SupervisionRecord, {**HALFWAY, "event_date": future})
    assert [p.code for p in whole.problems].count("future_event") == 1
    assert [p.code for p in partial.problems].count("future_event") == 1


def test_order_puts_the_problems_in_the_forms_order(case):
    order = ["kind", "event_date", "case_summary", "children", "progress"]
    problems = completion_problems(read_answers(SupervisionRecord, HALFWAY), case=case, order=order)
    assert [p.path for p in problems][:6] == ["event_date", "case_summary", "children.CH-1", "children.CH-2",
                                              "progress", "still_to_happen"]


# Answers a form may hold for any field: given, blank, mistyped, of the wrong shape.
JUNK = st.sampled_from(["", " ", "31/02/2026", "13/25/2026", "someday", "25/11/2026", "07:45", "yes", None, 0, 42,
                        True, False, [], {}, [{}], [""], ["K-1", "K-1"], {"x": 1}, [{"date": "x"}],
                        [{"action_id": "A1", "status": "Not done"}], [{"child_id": "CH-1"}]])


def partial_answers(data, valid) -> tuple[str, dict]:
    """A kind, and some of its fields each answered rightly or with junk; the rest left out."""
    kind = data.draw(st.sampled_from(sorted(RECORD_KINDS)), label="kind")
    whole = valid(kind)
    answers = {}
    for name in data.draw(st.lists(st.sampled_from(list(RECORD_KINDS[kind].model_fields)), unique=True)):
        answers[name] = whole[name] if name in whole and data.draw(st.booleans()) else data.draw(JUNK)
    return kind, answers


def _inner(annotation):
    """The annotation inside X | None, and inside Annotated[X, ...]."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _inner(typing.get_args(annotation)[0])
    args = [a for a in typing.get_args(annotation) if a is not types.NoneType]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def is_field_path(model: type[BaseModel], loc: tuple) -> bool:
    """Whether `loc` names a place in a `model` record: a field, an entry of a list (by position, or by the
    reference of an action or a child), a key of a dict, a field of a part."""
    if not loc or loc[0] not in model.model_fields:
        return False
    annotation = _inner(model.model_fields[loc[0]].annotation)
    for part in loc[1:]:
        origin = typing.get_origin(annotation)
        if origin is list:
            if not isinstance(part, (int, str)):
                return False
            annotation = _inner(typing.get_args(annotation)[0])
        elif origin is dict:
            if not isinstance(part, str):
                return False
            annotation = _inner(typing.get_args(annotation)[1])
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if part not in annotation.model_fields:
                return False
            annotation = _inner(annotation.model_fields[part].annotation)
        else:
            return False
    return True


def given_at(answers, loc: tuple) -> bool:
    """Whether the answers hold something at `loc`."""
    for part in loc:
        try:
            answers = answers[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_partly_filled_record_gets_problems_at_real_fields_and_nothing_made_up(valid, make, case, data):
    """Property: for random partial answers of every kind, completion never raises; every problem is at a
    real field path of the model, in a sentence; an answer that could not be read is None, never a stand-in."""
    kind, given_answers = partial_answers(data, valid)
    model = RECORD_KINDS[kind]
    answers = read_answers(model, given_answers)
    earlier = [make("supervision", event_date=dt.date(2026, 11, 19), agreed_actions=[
        {"action_id": "E1", "what": "Refer to housing", "by_whom": "Alex Example", "by_when": "27/11/2026"}])]
    problems = completion_problems(answers, case=case, earlier=earlier)
    for p in problems:
        if p.code == "extra_forbidden":  # an answer the record has no place for: named where it was given
            assert given_at(given_answers, p.loc) and "this is not part of this record" in p.message
        else:
            assert is_field_path(model, p.loc), (p.loc, p.message)
        assert p.message.endswith(".") and ": " in p.message and "pydantic" not in p.message
    for name in answers.unread:
        assert getattr(answers.record, name) is None
    if not answers.whole:
        assert problems and problems[:len(answers.problems)] == list(answers.problems)
