"""Valid synthetic records of every kind (invented people only), to vary one field at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from familyservice_nb.dates import today_is
from familyservice_nb.records import GFPO_PROMPTS, RECORD_KINDS, Case, Child

FRI_20_NOV = dt.date(2026, 11, 20)


def valid_data(kind: str) -> dict:
    """A complete, valid record of this kind, dated Friday 20/11/2026."""
    base = {"event_date": FRI_20_NOV, "author": "morgan.manager", "case_id": "CASE-001"}
    action = {"action_id": "A1", "what": "Book the school meeting", "by_whom": "Alex Example", "by_when": "27/11/2026"}
    sections = {
        "case_summary": "Alex Example's family: two children, early help plan since September.",
        "intervention_offered": "Intensive Support",
        "progress": "School attendance up to 92%.",
        "still_to_happen": "Housing referral.",
        "key_dates": [{"date": "10/12/2026", "what": "Family plan review"}],
        "risk_assessments_and_tools": "Scaling 1-10 with mum each visit.",
        "if_unable_to_engage": "Joint visit with the school nurse.",
        "pbr_outcomes": ["School attendance", "Health"],
        "children": [{"child_id": "CH-1", "pseudonym": "Robin Example", "date_spoken_to": "18/11/2026",
                      "seen_alone": True, "views_and_feelings": "I like my new teacher."}],
        "significant_adults": [{"name": "Pat Example", "relationship": "Grandmother", "contact": "07700 900123",
                                "involvement": "Collects the children on Fridays."}],
        "agreed_actions": [action],
    }
    data = {
        "case_note": {**base, "note_type": "Visit", "text": "Home visit; both children seen."},
        "session": {**base, "who": "Alex Example and Robin Example", "aim": "Introduce a bedtime routine",
                    "method": "Routine chart", "aims_met": True, "outcome": "Chart agreed",
                    "observations_and_reflections": "Warm interaction.", "actions": [action]},
        "gfpo_session": {**base, "intervention": "Intensive Support", "purpose": "Introduce a behaviour chart",
                         "desired_outcome": "Chart in use daily", "present_and_took_part": "Alex Example",
                         "location": "Family home", "start_time": "07:45", "activities": "Made the chart together",
                         "observations": "Engaged well.", "prompt_answers": {GFPO_PROMPTS[3]: "Robin joined in."},
                         "next_steps": [action]},
        "supervision": {**base, **sections, "kind": "Planned supervision", "practitioner": "alex.example",
                        "manager": "morgan.manager"},
        "review_summary": {**base, **sections},
        "closure_summary": {**base, **sections, "closure_reason": "Plan outcomes achieved",
                            "closure_date": "30/11/2026"},
        "line_management": {"event_date": FRI_20_NOV, "author": "morgan.manager", "practitioner": "alex.example",
                            "manager": "morgan.manager", "workload_management": "Caseload of 14 is manageable.",
                            "next_epdr_date": "01/04/2027", "case_discussions": ["SUP-1", "SUP-2"]},
        "epdr": {"event_date": FRI_20_NOV, "author": "morgan.manager", "practitioner": "alex.example",
                 "manager": "morgan.manager", "objectives": [{"what": "Lead two parenting groups", "by_when": "31/03/2027"}],
                 "development": "Signs of Safety refresher course.", "next_epdr_date": "19/11/2027"},
    }
    return data[kind]


@pytest.fixture(scope="session")
def valid():
    """valid(kind) -> the data of a complete, valid record of that kind."""
    return valid_data


@pytest.fixture(scope="session")
def make():
    """make(kind, **changes) -> a validated record of that kind."""

    def _make(kind: str, /, **changes):
        return RECORD_KINDS[kind].model_validate({**valid_data(kind), **changes})

    return _make


@pytest.fixture(scope="session")
def case():
    """CASE-001 with two children, Robin Example (CH-1) and Kit (CH-2), each to be accounted for."""
    return Case(case_id="CASE-001", family_pseudonym="Example family", open_date="01/09/2026",
                children=[Child(child_id="CH-1", pseudonym="Robin Example"), Child(child_id="CH-2", pseudonym="Kit")])


@pytest.fixture(autouse=True)
def _today_after_the_dates_in_these_tests():
    """The domain tests use explicit dates up to December 2026; a record of the future is refused
    (test_records_future.py checks that against its own today)."""
    with today_is(dt.date(2027, 1, 29)):
        yield
