"""Mosaic-ready text: headings in the guidance's order, UK dates, honest empties, text verbatim.

Rule ("honest text"): an unanswered prompt or empty section is left out; "None recorded."
appears only where the writer chose "Nothing to record" ("Not discussed." where they chose that).
"""

import pytest

from familyservice_nb.records import (
    GFPO_PROMPTS,
    NONE_RECORDED,
    NOT_DISCUSSED,
    RECORD_KINDS,
    SAFEGUARDING_PROMPT,
    kind_named,
    render_text,
)


def positions(text: str, headings: list[str]) -> list[int]:
    found = [text.index(f"\n{h}\n") for h in headings]
    return found


def in_order(text: str, headings: list[str]) -> bool:
    found = positions(text, headings)
    return found == sorted(found)


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_every_kind_renders_plain_text_with_uk_dates(kind, make):
    text = render_text(make(kind))
    assert ": 20/11/2026\n" in text.split("\n\n")[0]  # the meeting's date, in the header
    assert "2026-11-20" not in text and "<" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_session_headings_in_the_template_order(make):
    text = render_text(make("session", present_not_taking_part="Baby Kit, asleep", other_observations="Dog barking"))
    assert in_order(text, ["WHO", "AIM", "METHOD", "OUTCOME", "ANY IMPORTANT OBSERVATIONS AND/OR REFLECTIONS",
                           "ACTIONS", "PRESENT BUT DID NOT TAKE PART",
                           "OBSERVATIONS OR INCIDENTS NOT LINKED TO THE AIM"])
    assert "By when: 27/11/2026" in text


def test_session_empty_sections_are_left_out_not_none_recorded(make):
    text = render_text(make("session", actions=[]))
    assert NONE_RECORDED not in text
    assert "\nACTIONS\n" not in text and "PRESENT BUT DID NOT TAKE PART" not in text
    assert text.endswith("ANY IMPORTANT OBSERVATIONS AND/OR REFLECTIONS\nWarm interaction.\n")


def test_session_aims_not_met_says_why_and_what_changes(make):
    text = render_text(make("session", aims_met=False, why_not_met="Robin was unwell",
                            what_will_be_done_differently="Visit after school"))
    assert "OUTCOME\nAims met: No\nChart agreed\nWhy not: Robin was unwell\n" in text


def test_gfpo_rows_in_the_table_order_with_all_nine_prompts(make):
    text = render_text(make("gfpo_session"))
    assert in_order(text, ["GFPO Intervention Name:", "Purpose of this Session:", "Present:",
                           "Location and Time of session:", "Description of the Session:",
                           "Observation and Analysis:", "Next Steps / Agreed Actions from Session:"])
    assert f"{GFPO_PROMPTS[3]}\nRobin joined in." in text
    assert "Time: 07:45" in text


def test_gfpo_unanswered_prompts_are_left_out(make):
    """Rule: an unanswered GFPO prompt is not printed, so no reader takes silence for 'no concerns'."""
    text = render_text(make("gfpo_session"))
    assert [p for p in GFPO_PROMPTS if p in text] == [GFPO_PROMPTS[3]]
    assert SAFEGUARDING_PROMPT not in text and NONE_RECORDED not in text


def test_gfpo_safeguarding_answer_shows_harm_or_risk(make):
    text = render_text(make("gfpo_session", prompt_answers={SAFEGUARDING_PROMPT: "Bruise on Robin's arm."},
                            safeguarding_risk=True))
    assert f"{SAFEGUARDING_PROMPT}\nBruise on Robin's arm.\nHarm or risk identified: Yes" in text


SUPERVISION_ORDER = [
    "CASE SUMMARY AND INTERVENTION OFFERED", "REVIEW OF PREVIOUS AGREED ACTIONS", "PROGRESS BEING MADE",
    "WHAT STILL NEEDS TO HAPPEN TO BRING ABOUT CHANGE", "KEY DATES AND DEADLINES FOR REVIEW OF PLANS",
    "RISK ASSESSMENTS, SCALING TOOLS OR ACTIVITIES TO BE USED", "ACTION IF THE FAMILY CANNOT BE ENGAGED",
    "EXTENDED TROUBLED FAMILIES PROGRAMME: PBR OUTCOMES", "CHILDREN SPOKEN TO: VIEWS AND FEELINGS",
    "SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD", "NEW AGREED ACTIONS",
]


@pytest.mark.parametrize("kind", ["supervision", "review_summary", "closure_summary"])
def test_discussion_points_in_the_guidance_order(kind, make):
    review = {"action_id": "A0", "what": "Refer to housing", "status": "Done"}
    text = render_text(make(kind, previous_actions=[review]))
    assert in_order(text, SUPERVISION_ORDER)
    assert "10/12/2026: Family plan review" in text
    assert "Spoken to: 18/11/2026\n   Seen alone: Yes\n   Views and feelings: I like my new teacher." in text


def test_supervision_header_names_kind_practitioner_and_manager(make):
    text = render_text(make("supervision", kind="Advice on a safeguarding concern", concern="Bruise seen at school.",
                            advice_given="Refer to the MASH today.", decision="Referral made.",
                            decision_rationale="Unexplained injury to a child under five."))
    assert text.startswith("CASE SUPERVISION: ADVICE ON A SAFEGUARDING CONCERN\nDate of the discussion: 20/11/2026\n")
    assert in_order(text, ["THE SAFEGUARDING CONCERN", "ADVICE GIVEN", "DECISION", "RATIONALE FOR THE DECISION",
                           SUPERVISION_ORDER[0]])
    assert "Practitioner: alex.example\nManager: morgan.manager\nHarm or risk identified: No" in text


def test_supervision_unanswered_sections_are_left_out(make):
    record = make("supervision", previous_actions=[], key_dates=[], children=[], significant_adults=[],
                  agreed_actions=[], pbr_outcomes=[], progress="", still_to_happen=" ",
                  risk_assessments_and_tools="", if_unable_to_engage="")
    text = render_text(record)
    assert NONE_RECORDED not in text
    for heading in SUPERVISION_ORDER[1:]:
        assert f"\n{heading}\n" not in text, heading


def test_none_recorded_only_where_the_writer_chose_it(make):
    record = make("supervision", key_dates=[], significant_adults=[], risk_assessments_and_tools="",
                  left_empty={"key_dates": "Nothing to record", "significant_adults": "Not discussed",
                              "risk_assessments_and_tools": "Nothing to record"})
    text = render_text(record)
    assert f"KEY DATES AND DEADLINES FOR REVIEW OF PLANS\n{NONE_RECORDED}" in text
    assert f"RISK ASSESSMENTS, SCALING TOOLS OR ACTIVITIES TO BE USED\n{NONE_RECORDED}" in text
    assert f"SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD\n{NOT_DISCUSSED}" in text
    assert text.count(NONE_RECORDED) == 2


def test_child_not_spoken_to_shows_the_reason(make):
    children = [{"child_id": "CH-1", "pseudonym": "Robin", "not_spoken_to": "Too young to speak: observed",
                 "date_spoken_to": "18/11/2026", "observations": "Settled, babbling, reached for mum."},
                {"child_id": "CH-2", "not_spoken_to": "Not seen this period"}]
    text = render_text(make("supervision", children=children))
    assert "1. CH-1 (Robin)\n   Too young to speak; observed on 18/11/2026\n   What was observed: Settled" in text
    assert "2. CH-2\n   Not spoken to: Not seen this period" in text


def test_review_of_previous_actions_shows_status_and_comment(make):
    text = render_text(make("supervision", previous_actions=[
        {"action_id": "A0", "what": "Refer to housing", "status": "Partly done", "comment": "Form sent"}]))
    assert "1. Refer to housing\n   Status: Partly done\n   Comment: Form sent" in text
    assert "A0" not in text  # the workbook's internal reference is not Mosaic text


def test_supporting_families_heading_when_that_programme(make):
    text = render_text(make("supervision", pbr_programme="Supporting Families",
                            pbr_outcomes=[{"outcome": "Secure housing", "status": "Progressing"}]))
    assert "SUPPORTING FAMILIES PROGRAMME: PBR OUTCOMES\n- Secure housing: Progressing" in text


def test_closure_reason_and_date_come_first(make):
    text = render_text(make("closure_summary"))
    assert in_order(text, ["CLOSURE REASON", "CLOSURE DATE", SUPERVISION_ORDER[0]])
    assert "CLOSURE DATE\n30/11/2026" in text


def test_line_management_areas_in_order_and_figures(make):
    figures = {"as_of": "2026-11-20", "caseload": 14, "notes": 40, "on_time": 30, "late": 8, "overdue": 2,
               "pending": 0, "pct_on_time": 75.0, "median_working_days": 2.0}
    areas = {"performance_and_quality": "Quality good.", "reflection_on_focus_and_methods": "Genograms.",
             "commitment_to_outcomes": "Joint work with school.", "motivation_development_and_support": "Course."}
    text = render_text(make("line_management", opening_figures=figures, **areas))
    assert in_order(text, ["CASELOAD AND RECORDING TIMELINESS", "WORKLOAD MANAGEMENT", "PERFORMANCE AND QUALITY",
                           "REFLECTION ON FOCUS AND METHODS", "COMMITMENT TO OUTCOMES AND WORKING WITH OTHERS",
                           "MOTIVATION, DEVELOPMENT AND SUPPORT", "NEXT EPDR DATE", "CASE DISCUSSIONS HELD"])
    assert "Caseload (open cases allocated): 14" in text and "% on time: 75.0%" in text
    assert "Harm or risk" not in text
    assert "NEXT EPDR DATE\n01/04/2027" in text
    assert "CASE DISCUSSIONS HELD\n2 case discussions held in this session" in text
    assert "SUP-1" not in text and "SUP-2" not in text  # no internal record numbers in a formal record
    less = render_text(make("line_management", opening_figures=figures))
    assert "PERFORMANCE AND QUALITY" not in less  # not written: left out


def test_line_management_without_figures_or_epdr(make):
    text = render_text(make("line_management", next_epdr_date=None, case_discussions=[]))
    assert NONE_RECORDED not in text
    assert "CASELOAD AND RECORDING TIMELINESS" not in text and "NEXT EPDR DATE" not in text


def test_line_management_is_a_personnel_record_never_for_a_childs_running_record(make):
    """Rule: line-management text is copied as a personnel record."""
    text = render_text(make("line_management"))
    assert "PERSONNEL RECORD" in text.split("\n\n")[0] and "Not for a child's or family's running record" in text
    personnel, case = kind_named("line_management").destination, kind_named("supervision").destination
    assert not personnel.running_record and "running record" not in personnel.intro.replace(
        "does not belong on a child's or family's running record", "")
    assert case.running_record and "case's running record" in case.intro


def test_telephone_note_shows_its_details(make):
    text = render_text(make("case_note", note_type="Telephone call", telephone_number="0115 496 0000",
                            caller_name="Pat Example", caller_role="Grandmother", call_purpose="Arrange a visit"))
    assert text.startswith("CASE NOTE: TELEPHONE CALL\nDate: 20/11/2026\nCase: CASE-001\n"
                           "Telephone number: 0115 496 0000\nFull name: Pat Example\nRole: Grandmother\n"
                           "Purpose of the call: Arrange a visit\n")
    assert text.endswith("\n\nHome visit; both children seen.\n")


def test_document_note_shows_uk_date(make):
    text = render_text(make("case_note", note_type="Document reference", document_date="2026-11-02",
                            document_provided_by="School nurse"))
    assert "Date of the document: 02/11/2026\nProvided by: School nurse" in text


def test_something_that_is_not_a_record_refused():
    from familyservice_nb.errors import UnknownKind

    with pytest.raises(UnknownKind, match="does not keep records of the kind 'object'"):
        render_text(object())


def test_people_are_named_and_no_internal_reference_is_written(make):
    from familyservice_nb.records import render_text

    record = make("supervision")
    text = render_text(record, names={"alex.example": "Alex Example", "morgan.manager": "Morgan Manager"})
    assert "Practitioner: Alex Example\nManager: Morgan Manager" in text
    assert "alex.example" not in text and "morgan.manager" not in text
    assert "Reference" not in text and record.agreed_actions[0].action_id not in text
    assert "Practitioner: alex.example" in render_text(record)  # without names, the login stays
