"""A case's oversight story: supervisions in order, action trails, children's entries, key dates, adults, PBR."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from familyservice_nb.records import CLOSED_STATUSES, Case, Child, SupervisionRecord, open_actions
from familyservice_nb.story import NOT_RECORDED, NOT_REVIEWED, STILL_OPEN, build_case_story

MON_02_NOV = dt.date(2026, 11, 2)
CASE = Case(case_id="C-N1", family_pseudonym="Example family", allocated_worker="alex.example", team="Newark",
            open_date="01/09/2026", children=[Child(child_id="K-1", pseudonym="Ann"),
                                              Child(child_id="K-2", pseudonym="Ben")])
NAMES = {"alex.example": "Alex Example", "morgan.manager": "Mo Manager"}


def supervision(day: dt.date, record_id: str, agreed=(), reviewed=None, children=(), **more) -> SupervisionRecord:
    return SupervisionRecord.model_validate({
        "record_id": record_id, "event_date": day, "author": "morgan.manager", "case_id": "C-N1",
        "kind": more.pop("kind", "Planned supervision"), "practitioner": "alex.example", "manager": "morgan.manager",
        "case_summary": f"Summary at {record_id}",
        "agreed_actions": [{"action_id": ref, "what": f"Do {ref}", "by_whom": "Alex Example",
                            "by_when": day + dt.timedelta(days=30)} for ref in agreed],
        "previous_actions": [{"action_id": ref, "status": status, "comment": "" if status == "Done" else "Why"}
                             for ref, status in (reviewed or {}).items()],
        "children": list(children), **more,
    })


def spoken(child_id: str, day: dt.date, alone: bool, views: str) -> dict:
    return {"child_id": child_id, "date_spoken_to": day, "seen_alone": alone, "views_and_feelings": views}


def test_supervisions_in_date_order_with_manager_names_and_entered_days():
    later = supervision(dt.date(2026, 11, 16), "12", kind="Advice on a safeguarding concern")
    first = supervision(MON_02_NOV, "7")
    entered = {"7": dt.datetime(2026, 11, 3, 23, 30, tzinfo=dt.UTC), "12": dt.datetime(2026, 11, 16, 9, 0)}
    story = build_case_story(CASE, [later, first], entered=entered, versions={"7": 2, "12": 1}, names=NAMES)
    assert [(s.record_id, s.kind, s.manager, s.meeting_date, s.entered_on, s.version) for s in story.supervisions] == [
        ("7", "Planned supervision", "Mo Manager", MON_02_NOV, dt.date(2026, 11, 3), 2),
        ("12", "Advice on a safeguarding concern", "Mo Manager", dt.date(2026, 11, 16), dt.date(2026, 11, 16), 1),
    ]
    assert story.worker == "Alex Example" and story.family == "Example family"


def test_entered_late_on_a_summer_evening_is_the_next_day_in_london():
    record = supervision(dt.date(2026, 7, 1), "3")
    story = build_case_story(CASE, [record], entered={"3": dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)})
    assert story.supervisions[0].entered_on == dt.date(2026, 7, 2)


def test_action_trail_02_11_to_30_11_2026_partly_done_then_done():
    chain = [
        supervision(MON_02_NOV, "1", agreed=["A1", "A2"]),
        supervision(dt.date(2026, 11, 16), "2", reviewed={"A1": "Partly done", "A2": "No longer needed"}),
        supervision(dt.date(2026, 11, 30), "3", reviewed={"A1": "Done"}, agreed=["B1"]),
    ]
    story = build_case_story(CASE, chain)
    trails = {t.action_id: t for t in story.actions}
    assert [(s.record_id, s.event) for s in trails["A1"].steps] == [("1", "Agreed"), ("2", "Partly done"),
                                                                    ("3", "Done")]
    assert (trails["A1"].standing, trails["A1"].open) == ("Done", False)
    assert (trails["A2"].standing, trails["A2"].last_review) == ("No longer needed", "No longer needed")
    assert (trails["B1"].standing, trails["B1"].last_review, trails["B1"].open) == (STILL_OPEN, NOT_REVIEWED, True)
    assert [t.action_id for t in story.open_actions] == ["B1"]


def test_a_review_of_an_action_never_agreed_here_is_kept_not_dropped():
    story = build_case_story(CASE, [supervision(MON_02_NOV, "1", reviewed={"Z9": "Done"})])
    assert story.actions == [] and [(ref, s.event) for ref, s in story.unmatched_reviews] == [("Z9", "Done")]


def test_each_child_has_an_entry_per_discussion_or_says_none_was_recorded():
    chain = [
        supervision(MON_02_NOV, "1", children=[spoken("K-1", dt.date(2026, 10, 30), True, "I like school.")]),
        supervision(dt.date(2026, 11, 16), "2", children=[spoken("K-1", dt.date(2026, 11, 13), False, "Fine."),
                                                          spoken("K-2", dt.date(2026, 11, 13), True, "Happy.")]),
    ]
    story = build_case_story(CASE, chain)
    robin, kit = story.children
    assert [(e.spoken_to, e.seen_alone, e.views) for e in robin.entries] == [
        (dt.date(2026, 10, 30), True, "I like school."), (dt.date(2026, 11, 13), False, "Fine.")]
    assert [(e.record_id, e.why_not) for e in kit.entries] == [("1", NOT_RECORDED), ("2", "")]


def test_a_child_not_spoken_to_shows_why_in_the_forms_words():
    chain = [
        supervision(MON_02_NOV, "1", children=[{"child_id": "K-1", "not_spoken_to": "Declined to speak"},
                                               {"child_id": "K-2", "not_spoken_to": "Not seen this period"}]),
        supervision(dt.date(2026, 11, 16), "2", children=[
            {"child_id": "K-1", "not_spoken_to": "Another reason", "reason_detail": "In hospital"},
            {"child_id": "K-2", "not_spoken_to": "Too young to speak: observed", "date_spoken_to": "13/11/2026",
             "observations": "Played with blocks."}]),
    ]
    ann, ben = build_case_story(CASE, chain).children
    assert [(e.spoken_to, e.views, e.why_not) for e in ann.entries] == [
        (None, "", "Declined to speak"), (None, "", "Another reason\nReason: In hospital")]
    assert [(e.spoken_to, e.why_not) for e in ben.entries] == [
        (None, "Not seen this period"),
        (dt.date(2026, 11, 13), "Too young to speak: observed\nWhat was observed: Played with blocks.")]


def test_key_dates_adults_and_pbr_over_time():
    chain = [
        supervision(MON_02_NOV, "1", key_dates=[{"date": "10/12/2026", "what": "Family plan review"}],
                    pbr_outcomes=["School attendance", "Health"], pbr_comment="Attendance at 80%.",
                    significant_adults=[{"name": "Pat Example", "relationship": "Grandmother"}]),
        supervision(dt.date(2026, 11, 16), "2", key_dates=[{"date": "20/11/2026", "what": "Core group"}],
                    pbr_outcomes=["Health"],
                    significant_adults=[{"name": "Pat Example", "relationship": "Grandmother",
                                         "contact": "07700 900123"}]),
    ]
    story = build_case_story(CASE, chain)
    assert [(k.date, k.what, k.record_id) for k in story.key_dates] == [
        (dt.date(2026, 11, 20), "Core group", "2"), (dt.date(2026, 12, 10), "Family plan review", "1")]
    (pat,) = story.significant_adults
    assert (pat.contact, pat.first_named, pat.last_named) == ("07700 900123", MON_02_NOV, dt.date(2026, 11, 16))
    pbr = {p.outcome: p for p in story.pbr_outcomes}
    assert pbr["Health"].status.startswith("Current") and pbr["Health"].times_listed == 2
    assert pbr["School attendance"].status == "Not listed since 02/11/2026"
    assert [(c.record_id, c.comment) for c in story.pbr_comments] == [("1", "Attendance at 80%.")]


def test_a_case_with_no_discussions_has_an_empty_story():
    story = build_case_story(CASE, [])
    assert story.supervisions == [] and story.actions == [] and story.pbr_outcomes == []
    assert [c.entries for c in story.children] == [(), ()]


# -- property: over many generated histories, the trail loses and duplicates no action ----------------

REFS = [f"A{i}" for i in range(8)]
STATUSES = ["Done", "Partly done", "Not done", "No longer needed"]


@st.composite
def histories(draw):
    """Up to 8 discussions on days that may repeat, each reviewing some references and agreeing others
    (an action may be agreed again later, and a reference may be reviewed before anyone agreed it)."""
    n = draw(st.integers(0, 8))
    chain = []
    for i in range(n):
        day = MON_02_NOV + dt.timedelta(days=draw(st.integers(0, 6)) * 7)
        reviewed = draw(st.dictionaries(st.sampled_from(REFS), st.sampled_from(STATUSES), max_size=5))
        agreed = draw(st.lists(st.sampled_from([r for r in REFS if r not in reviewed] or ["B0"]),
                               unique=True, max_size=4))
        chain.append(supervision(day, str(i + 1), agreed=agreed, reviewed=reviewed))
    return chain


@settings(max_examples=300, deadline=None)
@given(histories())
def test_the_action_trail_loses_and_duplicates_no_action(chain):
    story = build_case_story(CASE, chain)
    trail_ids = [t.action_id for t in story.actions]
    agreed = {a.action_id for d in chain for a in d.agreed_actions}
    assert len(trail_ids) == len(set(trail_ids)), "an action appears twice"
    assert set(trail_ids) == agreed, "an agreed action is missing from the trails"
    # every agreement and every review appears exactly once, on its action's trail or as unmatched
    agreements = sum(len(d.agreed_actions) for d in chain)
    reviews = sum(len(d.previous_actions) for d in chain)
    steps = [s for t in story.actions for s in t.steps]
    assert sum(s.event.startswith("Agreed") for s in steps) == agreements
    assert sum(not s.event.startswith("Agreed") for s in steps) + len(story.unmatched_reviews) == reviews
    # open or closed is the carry-forward rule's answer, and a closed trail ends on its closing review
    still_open = {a.action_id for a in open_actions(chain)}
    assert {t.action_id for t in story.actions if t.open} == still_open
    for trail in story.actions:
        if not trail.open:
            assert trail.standing in {str(s) for s in CLOSED_STATUSES} and trail.steps[-1].event == trail.standing
        # the trail is in meeting order
        assert [s.meeting_date for s in trail.steps] == sorted(s.meeting_date for s in trail.steps)
