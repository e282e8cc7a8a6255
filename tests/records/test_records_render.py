"""Mosaic-ready text: headings in the guidance's order, UK dates, 'None recorded.', text verbatim."""

import pytest

from familyservice_nb.records import GFPO_PROMPTS, NONE_RECORDED, RECORD_KINDS, render_text


def positions(text: str, headings: list[str]) -> list[int]:
    found = [text.index(f"\n{h}\n") for h in headings]
    return found


def in_order(text: str, headings: list[str]) -> bool:
    found = positions(text, headings)
    return found == sorted(found)


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_every_kind_renders_plain_text_with_uk_dates(kind, make):
    text = render_text(make(kind))
    assert "Date: 20/11/2026" in text
    assert "2026-11-20" not in text and "<" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_session_headings_in_the_template_order(make):
    text = render_text(make("session"))
    assert in_order(text, ["WHO", "AIM", "METHOD", "OUTCOME", "ANY IMPORTANT OBSERVATIONS AND/OR REFLECTIONS",
                           "ACTIONS", "PRESENT BUT DID NOT TAKE PART",
                           "OBSERVATIONS OR INCIDENTS NOT LINKED TO THE AIM"])
    assert "By when: 27/11/2026" in text


def test_session_empty_sections_say_none_recorded(make):
    text = render_text(make("session", actions=[]))
    assert f"ACTIONS\n{NONE_RECORDED}\n" in text
    assert f"PRESENT BUT DID NOT TAKE PART\n{NONE_RECORDED}\n" in text
    assert text.endswith(f"OBSERVATIONS OR INCIDENTS NOT LINKED TO THE AIM\n{NONE_RECORDED}\n")


def test_session_aims_not_met_says_why_and_what_changes(make):
    text = render_text(make("session", aims_met=False, why_not_met="Robin was unwell",
                            what_will_be_done_differently="Visit after school"))
    assert "OUTCOME\nAims met: No\nChart agreed\nWhy not: Robin was unwell\n" in text


def test_gfpo_rows_in_the_table_order_with_all_nine_prompts(make):
    text = render_text(make("gfpo_session"))
    assert in_order(text, ["GFPO Intervention Name:", "Purpose of this Session:", "Present:",
                           "Location and Time of session:", "Description of the Session:",
                           "Observation and Analysis:", "Next Steps / Agreed Actions from Session:"])
    assert [text.index(p) for p in GFPO_PROMPTS] == sorted(text.index(p) for p in GFPO_PROMPTS)
    assert f"{GFPO_PROMPTS[3]}\nRobin joined in." in text
    assert f"{GFPO_PROMPTS[0]}\n{NONE_RECORDED}" in text
    assert "Time: 07:45" in text


SUPERVISION_ORDER = [
    "CASE SUMMARY AND INTERVENTION OFFERED", "REVIEW OF PREVIOUS AGREED ACTIONS", "PROGRESS BEING MADE",
    "WHAT STILL NEEDS TO HAPPEN TO BRING ABOUT CHANGE", "KEY DATES AND DEADLINES FOR REVIEW OF PLANS",
    "RISK ASSESSMENTS, SCALING TOOLS OR ACTIVITIES TO BE USED", "ACTION IF THE FAMILY CANNOT BE ENGAGED",
    "EXPANDED TROUBLED FAMILIES PBR OUTCOMES", "CHILDREN SPOKEN TO: VIEWS AND FEELINGS",
    "SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD", "NEW AGREED ACTIONS",
]


@pytest.mark.parametrize("kind", ["supervision", "review_summary", "closure_summary"])
def test_discussion_points_in_the_guidance_order(kind, make):
    text = render_text(make(kind))
    assert in_order(text, SUPERVISION_ORDER)
    assert "10/12/2026: Family plan review" in text
    assert "Spoken to: 18/11/2026\n   Seen alone: Yes\n   Views and feelings: I like my new teacher." in text


def test_supervision_header_names_kind_practitioner_and_manager(make):
    text = render_text(make("supervision", kind="Advice on a safeguarding concern"))
    assert text.startswith("CASE SUPERVISION: ADVICE ON A SAFEGUARDING CONCERN\nDate: 20/11/2026\n")
    # the risk answer is the one given: the kind sets the deadline without changing it (issue 13)
    assert "Practitioner: alex.example\nManager: morgan.manager\nHarm or risk identified: No" in text


def test_supervision_empty_sections_say_none_recorded(make):
    record = make("supervision", previous_actions=[], key_dates=[], children=[], significant_adults=[],
                  agreed_actions=[], pbr_outcomes=[], progress="", still_to_happen=" ",
                  risk_assessments_and_tools="", if_unable_to_engage="")
    text = render_text(record)
    for heading in SUPERVISION_ORDER[1:]:
        assert f"{heading}\n{NONE_RECORDED}" in text, heading


def test_review_of_previous_actions_shows_status_and_comment(make):
    text = render_text(make("supervision", previous_actions=[
        {"action_id": "A0", "what": "Refer to housing", "status": "Partly done", "comment": "Form sent"}]))
    assert "1. Refer to housing\n   Status: Partly done\n   Comment: Form sent" in text
    assert "A0" not in text  # the workbook's internal reference is not Mosaic text (issue 13)


def test_supporting_families_heading_when_that_programme(make):
    text = render_text(make("supervision", pbr_programme="Supporting Families", pbr_outcomes=["Secure housing"]))
    assert "SUPPORTING FAMILIES PBR OUTCOMES\n- Secure housing" in text


def test_closure_reason_and_date_come_first(make):
    text = render_text(make("closure_summary"))
    assert in_order(text, ["CLOSURE REASON", "CLOSURE DATE", SUPERVISION_ORDER[0]])
    assert "CLOSURE DATE\n30/11/2026" in text


def test_line_management_areas_in_order_and_figures(make):
    figures = {"as_of": "2026-11-20", "caseload": 14, "notes": 40, "on_time": 30, "late": 8, "overdue": 2,
               "pending": 0, "pct_on_time": 75.0, "median_working_days": 2.0}
    text = render_text(make("line_management", opening_figures=figures))
    assert in_order(text, ["CASELOAD AND RECORDING TIMELINESS", "WORKLOAD MANAGEMENT", "PERFORMANCE AND QUALITY",
                           "REFLECTION ON FOCUS AND METHODS", "COMMITMENT TO OUTCOMES AND WORKING WITH OTHERS",
                           "MOTIVATION, DEVELOPMENT AND SUPPORT", "NEXT EPDR DATE", "CASE DISCUSSIONS HELD"])
    assert "Caseload (open cases allocated): 14" in text and "% on time: 75.0%" in text
    assert "Harm or risk" not in text
    assert "NEXT EPDR DATE\n01/04/2027" in text
    assert "CASE DISCUSSIONS HELD\n2 case discussions held in this session" in text
    assert "SUP-1" not in text and "SUP-2" not in text  # no internal record numbers in a formal record
    assert f"PERFORMANCE AND QUALITY\n{NONE_RECORDED}" in text


def test_line_management_without_figures_or_epdr(make):
    text = render_text(make("line_management", next_epdr_date=None, case_discussions=[]))
    assert f"CASELOAD AND RECORDING TIMELINESS\n{NONE_RECORDED}" in text
    assert f"NEXT EPDR DATE\n{NONE_RECORDED}" in text and f"CASE DISCUSSIONS HELD\n{NONE_RECORDED}" in text


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
    with pytest.raises(TypeError, match="no Mosaic text"):
        render_text(object())


def test_people_are_named_and_no_internal_reference_is_written(make):
    from familyservice_nb.records import render_text

    record = make("supervision")
    text = render_text(record, names={"alex.example": "Alex Example", "morgan.manager": "Morgan Manager"})
    assert "Practitioner: Alex Example\nManager: Morgan Manager" in text
    assert "alex.example" not in text and "morgan.manager" not in text
    assert "Reference" not in text and record.agreed_actions[0].action_id not in text
    assert "Practitioner: alex.example" in render_text(record)  # without names, the login stays
