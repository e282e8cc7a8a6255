"""GFPO session records: the template's rows and its nine suggested points."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import GFPO_PROMPTS, GFPOIntervention, GFPOSessionRecord, explain


def test_nine_prompts_kept_word_for_word():
    """guidance: GFPO template, Observation and Analysis - "Suggested Points to include"."""
    assert GFPO_PROMPTS == (
        "How well were you able to engage the parent in the session/activity?",
        "What did you notice about the home environment or behaviour or attitude of the parent / child or "
        "young person?",
        "Were there any emerging safeguarding concerns?",
        "What went well during the session?",
        "What strengths did you identify during the session?",
        "What additional support needs were identified as a result of the activity session?",
        "What are you worried about following the session?",
        "What needs to happen next?",
        "How well was the desired outcome of the session achieved?",
    )


def test_the_three_named_interventions_and_other():
    assert [i.value for i in GFPOIntervention] == [
        "Intensive Support", "Anger Management",
        "Specialist Assessment of Parenting Capacity for Adults with Learning Disabilities", "Other",
    ]


def test_complete_gfpo_session_on_20_11_2026_accepted(make):
    record = make("gfpo_session")
    assert record.start_time == dt.time(7, 45) and record.intervention_name == "Intensive Support"


def test_other_intervention_needs_a_name(make):
    with pytest.raises(ValidationError) as caught:
        make("gfpo_session", intervention="Other")
    assert explain(caught.value) == [
        "Name of the other intervention: this is needed when the intervention is 'Other'."]
    named = make("gfpo_session", intervention="Other", other_intervention="Triple P")
    assert named.intervention_name == "Triple P"


def test_other_name_without_other_rejected(make):
    with pytest.raises(ValidationError, match="Only name another intervention"):
        make("gfpo_session", other_intervention="Triple P")


@pytest.mark.parametrize("field", ["purpose", "desired_outcome", "present_and_took_part", "location",
                                   "start_time", "activities"])
def test_template_rows_required(field, valid):
    data = valid("gfpo_session")
    del data[field]
    with pytest.raises(ValidationError) as caught:
        GFPOSessionRecord.model_validate(data)
    assert explain(caught.value) == [f"{GFPOSessionRecord.title_of(field)}: this is needed."]


def test_every_prompt_answerable(make):
    answers = {p: f"Answer {i}" for i, p in enumerate(GFPO_PROMPTS)}
    assert make("gfpo_session", prompt_answers=answers).prompt_answers == answers


def test_unknown_prompt_rejected(make):
    with pytest.raises(ValidationError) as caught:
        make("gfpo_session", prompt_answers={"What colour was the sofa?": "Blue"})
    assert explain(caught.value) == [
        "Suggested points, 'What colour was the sofa?': this is not one of the suggested points."]


def test_observation_needed_in_general_or_under_a_prompt(make):
    with pytest.raises(ValidationError) as caught:
        make("gfpo_session", observations="", prompt_answers={GFPO_PROMPTS[0]: "  "})
    assert explain(caught.value) == [
        "Observation and analysis: this is needed, here or under the suggested points."]
    assert make("gfpo_session", observations="", prompt_answers={GFPO_PROMPTS[0]: "Well"})


def test_next_step_due_before_session_20_11_2026_rejected(make, valid):
    step = {**valid("gfpo_session")["next_steps"][0], "by_when": "2026-11-13"}
    with pytest.raises(ValidationError, match="before the session on 20/11/2026"):
        make("gfpo_session", next_steps=[step])


@pytest.mark.parametrize("written", ["7.45", "25:00", "breakfast"])
def test_unreadable_time_explained(written, make):
    with pytest.raises(ValidationError) as caught:
        make("gfpo_session", start_time=written)
    assert explain(caught.value) == ["Time of session: write the time in hours and minutes, for example 14:30."]
