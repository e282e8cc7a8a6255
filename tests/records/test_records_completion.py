"""Nothing silent at completion: `records.completion_problems`, each rule by name."""

from __future__ import annotations

import datetime as dt

from familyservice_nb.records import (
    OPTIONAL_SECTIONS,
    SAFEGUARDING_PROMPT,
    CouncilSettings,
    completion_problems,
)


def paths(record, **context) -> list[str]:
    return [p.path for p in completion_problems(record, **context)]


def test_a_complete_supervision_has_no_problems(make, case):
    record = make("supervision", children=[
        {"child_id": "CH-1", "date_spoken_to": "18/11/2026", "seen_alone": True, "views_and_feelings": "Fine."},
        {"child_id": "CH-2", "not_spoken_to": "Declined to speak"}])
    assert completion_problems(record, case=case) == []


def test_progress_and_what_still_needs_to_happen_are_written(make):
    assert paths(make("supervision", progress=" ", still_to_happen="")) == ["progress", "still_to_happen"]


def test_every_child_on_the_case_is_accounted_for(make, case):
    problems = completion_problems(make("supervision"), case=case)
    assert [p.message for p in problems] == [
        "Children spoken to: Kit (CH-2) has neither views recorded nor a reason they were not spoken to (for example "
        "too young to speak, not seen this period, declined)."]


def test_every_optional_section_is_filled_or_marked_by_choice(make):
    empty = {name: [] if name in ("key_dates", "pbr_outcomes", "significant_adults", "agreed_actions") else ""
             for name in OPTIONAL_SECTIONS}
    assert paths(make("supervision", **empty)) == list(OPTIONAL_SECTIONS)
    marked = make("supervision", **empty, left_empty={n: "Not discussed" for n in OPTIONAL_SECTIONS})
    assert paths(marked) == []
    both = make("supervision", left_empty={"key_dates": "Nothing to record"})  # key dates are filled too
    assert paths(both) == ["left_empty.key_dates"]


def test_unreviewed_carried_forward_action_is_refused(make):
    earlier = make("supervision", event_date=dt.date(2026, 10, 20), record_id="1", children=[], key_dates=[],
                   agreed_actions=[{"action_id": "A9", "what": "Refer to housing", "by_whom": "Alex",
                                    "by_when": "30/10/2026"}])
    later = make("supervision")
    assert paths(later, earlier=[earlier]) == ["previous_actions.A9"]  # at the action, by its reference
    reviewed = make("supervision", previous_actions=[{"action_id": "A9", "status": "Done"}])
    assert paths(reviewed, earlier=[earlier]) == []


def test_pbr_outcomes_come_from_the_councils_plan(make):
    record = make("supervision", pbr_outcomes=["School attendance", "Healthy homes"])
    assert paths(record) == ["pbr_outcomes.1.outcome"]
    plan = CouncilSettings(pbr_outcome_list=["School attendance", "Healthy homes"])
    assert paths(record, settings=plan) == []


def test_gfpo_safeguarding_answer_needs_yes_or_no_and_yes_sets_the_next_day_deadline(make):
    answered = make("gfpo_session", prompt_answers={SAFEGUARDING_PROMPT: "Bruise on arm."})
    assert paths(answered) == ["safeguarding_risk"]
    assert paths(make("gfpo_session")) == []  # the prompt not answered: nothing to say yes or no to
    yes = make("gfpo_session", prompt_answers={SAFEGUARDING_PROMPT: "Bruise on arm."}, safeguarding_risk=True)
    assert paths(yes) == [] and yes.risk_identified is True
    assert yes.due_date() == dt.date(2026, 11, 23)  # Friday 20/11/2026: the next working day
    no = make("gfpo_session", prompt_answers={SAFEGUARDING_PROMPT: "None."}, safeguarding_risk=False)
    assert no.risk_identified is False and no.due_date() == dt.date(2026, 11, 27)


def test_line_management_needs_the_next_epdr_within_the_cycle(make):
    assert paths(make("line_management", next_epdr_date=None)) == ["next_epdr_date"]
    assert paths(make("line_management", next_epdr_date="21/11/2027")) == ["next_epdr_date"]  # 366 days on
    assert paths(make("line_management", next_epdr_date="20/11/2027")) == []
    assert paths(make("line_management", next_epdr_date="20/11/2027"), settings=CouncilSettings(epdr_cycle_days=180)) == [
        "next_epdr_date"]
