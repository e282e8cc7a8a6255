"""Carry-forward: nothing agreed is silently lost between supervisions of a case."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familyservice_nb.records import (
    ActionStatus,
    CarriedForward,
    carried_forward,
    open_actions,
    unreviewed_actions,
)


@pytest.fixture
def supervision(make):
    """supervision(day, agreed=[refs], reviewed={ref: status}) on that day of November 2026."""

    def _supervision(day: int, agreed=(), reviewed=None, case_id="CASE-001"):
        actions = [{"action_id": ref, "what": f"Do {ref}", "by_whom": "Alex Example",
                    "by_when": dt.date(2026, 12, 31)} for ref in agreed]
        reviews = [{"action_id": ref, "status": status, "comment": "As discussed"}
                   for ref, status in (reviewed or {}).items()]
        return make("supervision", event_date=dt.date(2026, 11, day), agreed_actions=actions,
                    previous_actions=reviews, key_dates=[], children=[], case_id=case_id)

    return _supervision


def refs(actions):
    return [a.action_id for a in actions]


def test_no_supervisions_no_open_actions():
    assert open_actions([]) == []


def test_chain_of_three_02_11_16_11_30_11_2026(supervision):
    first = supervision(2, agreed=["A1", "A2", "A3", "A4"])
    second = supervision(16, agreed=["B1"], reviewed={"A1": "Done", "A2": "Partly done",
                                                      "A3": "No longer needed", "A4": "Not done"})
    third = supervision(30, agreed=["C1"], reviewed={"A2": "Done", "B1": "Not done"})
    assert refs(open_actions([first])) == ["A1", "A2", "A3", "A4"]
    assert refs(open_actions([first, second])) == ["A2", "A4", "B1"]
    assert refs(open_actions([first, second, third])) == ["A4", "B1", "C1"]


def test_unreviewed_action_stays_open_through_four_supervisions(supervision):
    chain = [supervision(2, agreed=["A1"]), supervision(9), supervision(16, agreed=["B1"]),
             supervision(23, reviewed={"B1": "Done"})]
    assert refs(open_actions(chain)) == ["A1"]


def test_order_given_does_not_matter_dates_do(supervision):
    chain = [supervision(2, agreed=["A1"]), supervision(9, reviewed={"A1": "Done"}), supervision(16)]
    assert open_actions(list(reversed(chain))) == open_actions(chain) == []


def test_a_later_not_done_reopens_a_done_action(supervision):
    chain = [supervision(2, agreed=["A1"]), supervision(9, reviewed={"A1": "Done"}),
             supervision(16, reviewed={"A1": "Not done"})]
    assert refs(open_actions(chain)) == ["A1"]


def test_review_of_a_reference_never_agreed_is_ignored(supervision):
    chain = [supervision(2, agreed=["A1"]), supervision(9, reviewed={"ZZ": "Not done"}), supervision(16)]
    assert refs(open_actions(chain)) == ["A1"]


def test_open_actions_keep_their_wording_and_dates(supervision):
    (action,) = open_actions([supervision(2, agreed=["A1"]), supervision(9), supervision(16)])
    assert (action.what, action.by_when) == ("Do A1", dt.date(2026, 12, 31))


def test_supervisions_of_two_cases_refused(supervision):
    with pytest.raises(ValueError, match="one case only"):
        open_actions([supervision(2, case_id="CASE-001"), supervision(9, case_id="CASE-002")])


def test_summaries_take_part_in_the_chain(make, supervision):
    review = make("review_summary", event_date=dt.date(2026, 11, 9), agreed_actions=[], key_dates=[],
                  children=[], previous_actions=[{"action_id": "A1", "status": "Done"}])
    chain = [supervision(2, agreed=["A1", "A2"]), review, supervision(16)]
    assert refs(open_actions(chain)) == ["A2"]


def test_unreviewed_actions_lists_what_the_new_supervision_has_not_reviewed(supervision):
    chain = [supervision(2, agreed=["A1", "A2"]), supervision(9, agreed=["B1"], reviewed={"A1": "Partly done"})]
    current = supervision(16, reviewed={"A1": "Done"})
    assert refs(unreviewed_actions(chain, current)) == ["A2", "B1"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list(ActionStatus)), min_size=3, max_size=3), min_size=1, max_size=6))
def test_an_action_is_open_exactly_when_its_latest_review_leaves_it_open(make, chain_statuses):
    """Property: over chains of supervisions, each action's fate is decided by its latest review alone."""
    chain = []
    latest = {}
    for i, statuses in enumerate(chain_statuses):
        reviews = {ref: status for ref, status in zip(["A1", "A2", "A3"], statuses, strict=True)}
        if i == 0:
            reviews = {}
        chain.append(make("supervision", event_date=dt.date(2026, 11, 2 + i), key_dates=[], children=[],
                          agreed_actions=[] if i else [
                              {"action_id": r, "what": r, "by_whom": "Alex Example", "by_when": "31/12/2026"}
                              for r in ("A1", "A2", "A3")],
                          previous_actions=[{"action_id": r, "status": s, "comment": "c"} for r, s in reviews.items()]))
        latest.update(reviews)
    expected = [r for r in ("A1", "A2", "A3")
                if latest.get(r) not in (ActionStatus.DONE, ActionStatus.NO_LONGER_NEEDED)]
    assert refs(open_actions(chain)) == expected


def test_same_day_discussions_taken_in_the_order_given_monday_02_11_2026(supervision):
    agrees, reviews = supervision(2, agreed=["A1"]), supervision(2, reviewed={"A1": "Done"})
    assert open_actions([agrees, reviews]) == []
    assert refs(open_actions([reviews, agrees])) == ["A1"]  # the review came first, so it does not count


def test_nothing_carried_forward_without_an_earlier_discussion():
    assert carried_forward([]) == CarriedForward()


def test_carried_forward_02_11_and_16_11_2026_given_out_of_order(supervision, make):
    """What a new supervision starts with: the open actions, when each was agreed and last reviewed, and the
    latest discussion's summary of the case, whatever order the discussions come in."""
    first = supervision(2, agreed=["A1", "A2"])
    second = make("supervision", event_date=dt.date(2026, 11, 16), case_summary="Summary as of 16/11.",
                  intervention_offered="Intensive Support", key_dates=[], children=[],
                  agreed_actions=[{"action_id": "A1", "what": "Do A1 again", "by_whom": "Alex Example",
                                   "by_when": dt.date(2026, 12, 31)}],
                  previous_actions=[{"action_id": "A2", "status": "Partly done", "comment": "Head teacher away"}])
    carried = carried_forward([second, first])
    assert refs(carried.open_actions) == ["A2", "A1"]  # A1 agreed again on 16/11: it moves there
    assert carried.agreed_on == {"A1": dt.date(2026, 11, 16), "A2": dt.date(2026, 11, 2)}
    review, day = carried.last_reviews["A2"]
    assert (review.status, review.comment, day) == (ActionStatus.PARTLY_DONE, "Head teacher away", dt.date(2026, 11, 16))
    assert carried.start_values == {"case_summary": "Summary as of 16/11.", "intervention_offered": "Intensive Support"}


def test_a_child_is_last_spoken_to_on_the_latest_day_a_discussion_records_them_seen(make):
    """Only a child spoken to, or too young to speak and observed, counts (`children_seen`, as the oversight
    dashboard counts them); a child who declined, with a date written in, does not."""
    def discussion(day, children):
        return make("supervision", event_date=dt.date(2026, 11, day), key_dates=[], agreed_actions=[],
                    children=children)

    spoken = {"child_id": "CH-1", "date_spoken_to": "02/11/2026", "seen_alone": True, "views_and_feelings": "Fine."}
    observed = {"child_id": "CH-2", "not_spoken_to": "Too young to speak: observed", "date_spoken_to": "09/11/2026",
                "observations": "Settled."}
    declined = {"child_id": "CH-1", "not_spoken_to": "Declined to speak", "date_spoken_to": "16/11/2026"}
    carried = carried_forward([discussion(16, [declined]), discussion(9, [observed]), discussion(2, [spoken])])
    assert carried.last_spoken_to == {"CH-1": dt.date(2026, 11, 2), "CH-2": dt.date(2026, 11, 9)}
