"""Case supervision records: the guidance's points, their checks, and their due dates."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import SupervisionKind, SupervisionRecord, explain


def test_planned_supervision_friday_20_11_2026_due_friday_27_11(make):
    record = make("supervision")
    assert not record.risk_identified
    assert record.due_date() == dt.date(2026, 11, 27)


def test_safeguarding_advice_friday_20_11_2026_due_monday_23_11(make):
    record = make("supervision", kind="Advice on a safeguarding concern")
    assert record.kind is SupervisionKind.SAFEGUARDING_ADVICE
    assert record.risk_for_deadline
    assert record.due_date() == dt.date(2026, 11, 23)


def test_safeguarding_advice_sets_the_deadline_and_keeps_the_risk_answer_as_given(make):
    record = make("supervision", kind="Advice on a safeguarding concern", risk_identified=False)
    assert record.risk_identified is False  # the answer given is kept
    assert record.risk_for_deadline and record.due_date() == dt.date(2026, 11, 23)
    planned = make("supervision", kind="Planned supervision", risk_identified=False)
    assert not planned.risk_for_deadline and planned.due_date() == dt.date(2026, 11, 27)


def test_planned_supervision_wednesday_23_12_2026_due_monday_04_01_2027(make):
    record = make("supervision", event_date="23/12/2026", key_dates=[], agreed_actions=[])
    assert record.due_date() == dt.date(2027, 1, 4)


def test_safeguarding_advice_wednesday_23_12_2026_due_thursday_24_12(make):
    record = make("supervision", event_date="23/12/2026", key_dates=[], agreed_actions=[],
                  kind="Advice on a safeguarding concern")
    assert record.due_date() == dt.date(2026, 12, 24)


def test_planned_supervision_with_risk_identified_due_next_working_day(make):
    assert make("supervision", risk_identified=True).due_date() == dt.date(2026, 11, 23)


@pytest.mark.parametrize("field", ["kind", "practitioner", "manager", "case_summary", "case_id", "event_date"])
def test_required_fields(field, valid):
    data = valid("supervision")
    del data[field]
    with pytest.raises(ValidationError) as caught:
        SupervisionRecord.model_validate(data)
    assert explain(caught.value) == [f"{SupervisionRecord.title_of(field)}: this is needed."]


def test_only_the_summary_is_needed_other_sections_may_be_empty(valid):
    data = {k: valid("supervision")[k] for k in ("case_id", "event_date", "author", "kind", "practitioner",
                                                 "manager", "case_summary")}
    record = SupervisionRecord.model_validate(data)
    assert record.previous_actions == [] and record.children == [] and record.progress == ""


def test_action_due_before_supervision_friday_20_11_2026_names_the_field(make, valid):
    action = {**valid("supervision")["agreed_actions"][0], "by_when": "2026-11-19"}
    with pytest.raises(ValidationError) as caught:
        make("supervision", agreed_actions=[action])
    assert "Action 1 is due on 19/11/2026, before the supervision on 20/11/2026" in str(caught.value)
    assert explain(caught.value) == [
        "New agreed actions, entry 1, By when: this is before the supervision on 20/11/2026; "
        "an action cannot be due before it was agreed."
    ]


def test_child_spoken_to_saturday_21_11_after_supervision_20_11_2026_rejected(make, valid):
    child = {**valid("supervision")["children"][0], "date_spoken_to": "21/11/2026"}
    with pytest.raises(ValidationError) as caught:
        make("supervision", children=[child])
    assert explain(caught.value) == [
        "Children spoken to, entry 1, Date spoken to: this is after the supervision on 20/11/2026; "
        "record when the child was last spoken to."
    ]


def test_child_spoken_to_on_the_day_20_11_2026_accepted(make, valid):
    child = {**valid("supervision")["children"][0], "date_spoken_to": "20/11/2026", "seen_alone": False}
    assert make("supervision", children=[child]).children[0].seen_alone is False


def test_child_needs_seen_alone_answer_and_views(make):
    with pytest.raises(ValidationError) as caught:
        make("supervision", children=[{"child_id": "CH-1", "date_spoken_to": "18/11/2026"}])
    assert explain(caught.value) == [
        "Children spoken to, entry 1, Seen alone: this is needed when the child was spoken to; otherwise say why "
        "they were not.",
        "Children spoken to, entry 1, Views and feelings: this is needed when the child was spoken to; otherwise "
        "say why they were not.",
    ]


@pytest.mark.parametrize(("entry", "needed"), [
    ({"not_spoken_to": "Too young to speak: observed"}, ["Date spoken to", "What was observed"]),
    ({"not_spoken_to": "Another reason"}, ["Reason"]),
    ({"not_spoken_to": "Not seen this period"}, []),
    ({"not_spoken_to": "Declined to speak"}, []),
])
def test_child_not_spoken_to_needs_its_reason_and_too_young_is_observed(make, entry, needed):
    """Rule: a child is spoken to, or given a reason; too young to speak is recorded as observed."""
    child = {"child_id": "CH-1", **entry}
    if not needed:
        assert make("supervision", children=[child]).children[0].seen_on is None
        return
    with pytest.raises(ValidationError) as caught:
        make("supervision", children=[child])
    assert [p.split(", ")[2].split(":")[0] for p in explain(caught.value)] == needed


def test_key_date_before_the_supervision_rejected(make):
    with pytest.raises(ValidationError, match="Key date 1 .01/11/2026. is before the supervision"):
        make("supervision", key_dates=[{"date": "01/11/2026", "what": "Plan review"}])


def test_significant_adult_needs_name_and_relationship(make):
    with pytest.raises(ValidationError) as caught:
        make("supervision", significant_adults=[{"contact": "07700 900123"}])
    assert explain(caught.value) == [
        "Significant adults not living in the household, entry 1, Name: this is needed.",
        "Significant adults not living in the household, entry 1, Relationship: this is needed.",
    ]


@pytest.mark.parametrize("status", ["Done", "Partly done", "Not done", "No longer needed"])
def test_review_statuses(status, make):
    review = {"action_id": "A0", "what": "Refer to housing", "status": status, "comment": "Seen by housing"}
    assert make("supervision", previous_actions=[review]).previous_actions[0].status == status


def test_review_not_done_needs_a_comment_done_does_not(make):
    with pytest.raises(ValidationError) as caught:
        make("supervision", previous_actions=[{"action_id": "A0", "status": "Not done"}])
    assert explain(caught.value) == [
        "Review of previous agreed actions, entry 1, Comment: this is needed when an action is 'Not done'."]
    assert make("supervision", previous_actions=[{"action_id": "A0", "status": "Done"}])


def test_unknown_review_status_lists_the_four(make):
    with pytest.raises(ValidationError) as caught:
        make("supervision", previous_actions=[{"action_id": "A0", "status": "Nearly", "comment": "x"}])
    assert explain(caught.value) == [
        "Review of previous agreed actions, entry 1, Status: "
        "choose one of 'Done', 'Partly done', 'Not done' or 'No longer needed'."]


def test_new_action_reusing_a_reviewed_reference_rejected(make, valid):
    review = {"action_id": "A1", "status": "Done"}
    with pytest.raises(ValidationError, match="Action reference 'A1' appears twice"):
        make("supervision", previous_actions=[review])


def test_action_reviewed_twice_rejected(make):
    review = {"action_id": "A0", "status": "Done"}
    with pytest.raises(ValidationError, match="appears twice"):
        make("supervision", previous_actions=[review, review])


def test_pbr_outcomes_carry_a_status_and_old_names_read_as_identified(make):
    """Rule: each PBR outcome carries a status; a record saved as bare names still reads."""
    record = make("supervision", pbr_programme="Supporting Families",
                  pbr_outcomes=["Secure housing", {"outcome": "Financial stability", "status": "Achieved"}])
    assert [(o.outcome, o.status.value) for o in record.pbr_outcomes] == [
        ("Secure housing", "Identified"), ("Financial stability", "Achieved")]
    old = make("supervision", pbr_programme="Expanded Troubled Families")  # as records were saved before
    assert old.pbr_programme.heading == "Extended Troubled Families programme"
    with pytest.raises(ValidationError, match="'Identified', 'Progressing', 'Achieved' or 'Sustained'"):
        make("supervision", pbr_outcomes=[{"outcome": "Health", "status": "Done"}])


def test_pbr_outcome_chosen_twice_rejected(make):
    with pytest.raises(ValidationError, match="appears twice"):
        make("supervision", pbr_outcomes=["Health", "Health"])
