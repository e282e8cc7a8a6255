"""Mosaic-ready text for case notes, session records and GFPO session records.

guidance: Mosaic Case Record Template (WHO, AIM, METHOD, OUTCOME, ANY IMPORTANT OBSERVATIONS AND/OR
REFLECTIONS, ACTIONS) and the GFPO session template's rows, in the guidance's order. Unanswered prompts and
empty optional rows are left out (render_parts).
"""

from __future__ import annotations

from .base import uk
from .case_note import NOTE_DETAILS, CaseNote
from .gfpo import GFPO_PROMPTS, SAFEGUARDING_PROMPT, GFPOSessionRecord
from .render_parts import (
    RecordText,
    action_lines,
    document,
    header,
    labelled,
    lines,
    section,
    text,
    untitled,
    yes_no,
)
from .session import SessionRecord


def _children(record) -> str | None:
    return labelled("Children spoken to", "; ".join(record.children_spoken_to))


def case_note_text(record: CaseNote) -> RecordText:
    fields = type(record).model_fields
    details = []
    for name in NOTE_DETAILS.get(record.note_type, {}):
        value = getattr(record, name)
        if name == "participants":
            value = "; ".join(value)
        elif name == "document_date":
            value = uk(value)
        details.append(labelled(fields[name].title, str(value) if value is not None else ""))
    title = f"CASE NOTE: {record.note_type.value.upper()}"
    return document(header(title, record, f"Case: {record.case_id}", *details, _children(record)),
                    untitled(text(record.text)))


def session_text(record: SessionRecord) -> RecordText:
    outcome = [f"Aims met: {yes_no(record.aims_met)}", record.outcome]
    if not record.aims_met:
        outcome += [
            f"Why not: {record.why_not_met}",
            f"What will be done differently: {record.what_will_be_done_differently}",
        ]
    return document(
        header("SESSION RECORD", record, f"Case: {record.case_id}", _children(record)),
        section("WHO", text(record.who)),
        section("AIM", text(record.aim)),
        section("METHOD", text(record.method)),
        section("OUTCOME", "\n".join(outcome)),
        section("ANY IMPORTANT OBSERVATIONS AND/OR REFLECTIONS", text(record.observations_and_reflections)),
        section("ACTIONS", action_lines(record.actions)),
        section("PRESENT BUT DID NOT TAKE PART", text(record.present_not_taking_part)),
        section("OBSERVATIONS OR INCIDENTS NOT LINKED TO THE AIM", text(record.other_observations)),
    )


def _prompt(record: GFPOSessionRecord, prompt: str) -> str | None:
    answer = text(record.prompt_answers.get(prompt, ""))
    if answer is None:
        return None  # an unanswered prompt is left out: silence is not "no concerns"
    if prompt == SAFEGUARDING_PROMPT and record.safeguarding_risk is not None:
        answer += f"\nHarm or risk identified: {yes_no(record.safeguarding_risk)}"
    return f"{prompt}\n{answer}"


def gfpo_text(record: GFPOSessionRecord) -> RecordText:
    prompts = [p for p in (_prompt(record, q) for q in GFPO_PROMPTS) if p]
    return document(
        header("GFPO SESSION RECORD", record, f"Case: {record.case_id}", _children(record)),
        section("GFPO Intervention Name:", record.intervention_name),
        section("Purpose of this Session:", f"{record.purpose}\nDesired outcome: {record.desired_outcome}"),
        section("Present:", record.present_and_took_part),
        section(
            "Location and Time of session:",
            lines(record.location, f"Time: {record.start_time:%H:%M}",
                  labelled("Why this location and time", record.why_this_location_and_time)),
        ),
        section(
            "Description of the Session:",
            lines(f"Activities: {record.activities}", labelled("Resources, tools or materials", record.resources)),
        ),
        section("Observation and Analysis:", "\n\n".join(p for p in [text(record.observations), *prompts] if p)),
        section("Next Steps / Agreed Actions from Session:", action_lines(record.next_steps)),
    )
