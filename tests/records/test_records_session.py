"""Session records: the Mosaic case record template."""

import pytest
from pydantic import ValidationError

from familyservice_nb.records import SessionRecord, explain


def test_complete_session_on_friday_20_11_2026_accepted(make):
    record = make("session")
    assert record.aims_met and record.present_not_taking_part == ""


@pytest.mark.parametrize("field", ["who", "aim", "method", "aims_met", "outcome", "observations_and_reflections"])
def test_template_minimum_is_required(field, valid):
    data = valid("session")
    del data[field]
    with pytest.raises(ValidationError) as caught:
        SessionRecord.model_validate(data)
    title = SessionRecord.model_fields[field].title
    assert explain(caught.value) == [f"{title}: this is needed."]


def test_aims_not_met_needs_why_not_and_what_will_change(make):
    with pytest.raises(ValidationError) as caught:
        make("session", aims_met=False)
    assert explain(caught.value) == [
        "Why the aims were not met: this is needed when the session did not meet its aims.",
        "What will be done differently: this is needed when the session did not meet its aims.",
    ]
    ok = make("session", aims_met=False, why_not_met="Robin was unwell", what_will_be_done_differently="Visit after school")
    assert not ok.aims_met


def test_action_due_thursday_19_11_before_session_friday_20_11_2026_rejected(make, valid):
    action = {**valid("session")["actions"][0], "by_when": "19/11/2026"}
    with pytest.raises(ValidationError) as caught:
        make("session", actions=[action])
    assert explain(caught.value) == [
        "Actions, entry 1, By when: this is before the session on 20/11/2026; "
        "an action cannot be due before it was agreed."
    ]


def test_action_due_the_same_day_20_11_2026_accepted(make, valid):
    action = {**valid("session")["actions"][0], "by_when": "20/11/2026"}
    assert make("session", actions=[action]).actions[0].by_when.day == 20


def test_action_needs_what_by_whom_by_when(make):
    with pytest.raises(ValidationError) as caught:
        make("session", actions=[{"what": "Call school"}])
    assert explain(caught.value) == ["Actions, entry 1, By whom: this is needed.",
                                     "Actions, entry 1, By when: this is needed."]


def test_action_reference_given_when_left_out_and_unique(make, valid):
    one = {k: v for k, v in valid("session")["actions"][0].items() if k != "action_id"}
    record = make("session", actions=[one, one])
    refs = [a.action_id for a in record.actions]
    assert len(set(refs)) == 2 and all(refs)
    with pytest.raises(ValidationError, match="appears twice"):
        make("session", actions=[{**one, "action_id": "A1"}, {**one, "action_id": "A1"}])
