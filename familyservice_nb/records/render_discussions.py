"""Mosaic-ready text for case supervision, review and closure summaries, and line management supervision.

guidance: Supervision Recording Expectations - the bullet points, in the guidance's order;
Line Management Supervision - the five CWDC areas, in the guidance's order. An optional section shows what
the writer chose ("Not discussed." or "None recorded.") and is left out when nothing was chosen.
"""

from __future__ import annotations

from .base import uk
from .line_management import CWDC_AREAS, LineManagementSupervision
from .render_parts import (
    RecordText,
    Section,
    action_lines,
    chosen,
    document,
    header,
    labelled,
    lines,
    listing,
    person,
    section,
    text,
    yes_no,
)
from .summaries import ClosureSummary, ReviewSummary
from .supervision import CaseDiscussion, ChildSpokenTo, NotSpokenTo, SupervisionKind, SupervisionRecord


def _child(c: ChildSpokenTo) -> str:
    name = f"{c.child_id}{f' ({c.pseudonym})' if c.pseudonym.strip() else ''}"
    if c.not_spoken_to is None:
        body = [f"Spoken to: {uk(c.date_spoken_to)}", f"Seen alone: {yes_no(c.seen_alone)}",
                f"Views and feelings: {c.views_and_feelings}"]
    elif c.not_spoken_to is NotSpokenTo.TOO_YOUNG:
        body = [f"Too young to speak; observed on {uk(c.date_spoken_to)}", f"What was observed: {c.observations}"]
    else:
        body = [f"Not spoken to: {c.not_spoken_to.value}"]
        if c.reason_detail.strip():
            body.append(f"Reason: {c.reason_detail}")
    return "\n".join([name, *(f"   {b}" for b in body)])


def discussion_sections(record: CaseDiscussion) -> list[Section | None]:
    """The guidance's points, in its order, then the actions agreed today."""
    def optional(name: str, body: str | None) -> str | None:
        return chosen(body, record.left_empty.get(name))

    summary = lines(text(record.case_summary), labelled("Intervention offered", record.intervention_offered))
    reviews = listing(
        "\n".join(x for x in (r.what if r.what.strip() else "An action agreed earlier",
                              f"   Status: {r.status}", labelled("   Comment", r.comment)) if x)
        for r in record.previous_actions
    )
    key_dates = listing(f"{uk(k.date)}: {k.what}" for k in record.key_dates)
    pbr = "\n".join(f"- {o.outcome}: {o.status}" for o in record.pbr_outcomes) or None
    if pbr and record.pbr_comment.strip():
        pbr += f"\nComment: {record.pbr_comment}"
    adults = listing(
        "\n".join(x for x in (f"{a.name} ({a.relationship})", labelled("   Contact", a.contact),
                              labelled("   Involvement", a.involvement)) if x)
        for a in record.significant_adults
    )
    return [
        section("CASE SUMMARY AND INTERVENTION OFFERED", summary),
        section("REVIEW OF PREVIOUS AGREED ACTIONS", reviews),
        section("PROGRESS BEING MADE", text(record.progress)),
        section("WHAT STILL NEEDS TO HAPPEN TO BRING ABOUT CHANGE", text(record.still_to_happen)),
        section("KEY DATES AND DEADLINES FOR REVIEW OF PLANS", optional("key_dates", key_dates)),
        section("RISK ASSESSMENTS, SCALING TOOLS OR ACTIVITIES TO BE USED",
                optional("risk_assessments_and_tools", text(record.risk_assessments_and_tools))),
        section("ACTION IF THE FAMILY CANNOT BE ENGAGED",
                optional("if_unable_to_engage", text(record.if_unable_to_engage))),
        section(f"{record.pbr_programme.heading.upper()}: PBR OUTCOMES", optional("pbr_outcomes", pbr)),
        section("CHILDREN SPOKEN TO: VIEWS AND FEELINGS", listing(_child(c) for c in record.children)),
        section("SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD", optional("significant_adults", adults)),
        section("NEW AGREED ACTIONS", optional("agreed_actions", action_lines(record.agreed_actions))),
    ]


def _advice(record: SupervisionRecord) -> list[Section | None]:
    if record.kind is not SupervisionKind.SAFEGUARDING_ADVICE:
        return []
    return [
        section("THE SAFEGUARDING CONCERN", text(record.concern)),
        section("ADVICE GIVEN", text(record.advice_given)),
        section("DECISION", text(record.decision)),
        section("RATIONALE FOR THE DECISION", text(record.decision_rationale)),
    ]


def supervision_text(record: SupervisionRecord) -> RecordText:
    head = header(f"CASE SUPERVISION: {record.kind.value.upper()}", record, f"Case: {record.case_id}",
                  f"Practitioner: {person(record.practitioner)}", f"Manager: {person(record.manager)}",
                  date_label="Date of the discussion")
    return document(head, *_advice(record), *discussion_sections(record))


def review_text(record: ReviewSummary) -> RecordText:
    head = header("REVIEW SUMMARY", record, f"Case: {record.case_id}", date_label="Date of the review")
    return document(head, *discussion_sections(record))


def closure_text(record: ClosureSummary) -> RecordText:
    head = header("CLOSURE SUMMARY", record, f"Case: {record.case_id}", date_label="Date of the summary")
    return document(
        head,
        section("CLOSURE REASON", text(record.closure_reason)),
        section("CLOSURE DATE", uk(record.closure_date)),
        *discussion_sections(record),
    )


PERSONNEL_NOTICE = ("PERSONNEL RECORD: for the practitioner's supervision file. Not for a child's or family's "
                    "running record.")


def line_management_text(record: LineManagementSupervision) -> RecordText:
    head = header("LINE MANAGEMENT SUPERVISION", record, PERSONNEL_NOTICE,
                  f"Practitioner: {person(record.practitioner)}", f"Manager: {person(record.manager)}", risk=False,
                  date_label="Date of the supervision")
    f = record.opening_figures
    figures = None if f is None else "\n".join([
        f"Figures as of: {uk(f.as_of)}",
        f"Caseload (open cases allocated): {'not known' if f.caseload is None else f.caseload}",
        f"Case notes: {f.notes} (on time {f.on_time}, late {f.late}, overdue {f.overdue}, not yet due {f.pending})",
        f"% on time: {'not yet known' if f.pct_on_time is None else f'{f.pct_on_time:.1f}%'}",
        "Median working days to record: "
        + ("not yet known" if f.median_working_days is None else f"{f.median_working_days:g}"),
    ])
    fields = type(record).model_fields
    areas = [section(fields[a].title.upper(), text(getattr(record, a))) for a in CWDC_AREAS]
    return document(
        head,
        section("CASELOAD AND RECORDING TIMELINESS", figures),
        *areas,
        section("NEXT EPDR DATE", uk(record.next_epdr_date) or None),
        # the workbook's record numbers mean nothing in Mosaic: say how many, each recorded on its case
        section("CASE DISCUSSIONS HELD", _discussions_held(len(record.case_discussions))),
    )


def _discussions_held(count: int) -> str | None:
    if count == 0:
        return None  # left out, like any section nobody filled in
    return (f"{count} case discussion{'s' if count != 1 else ''} held in this session, each recorded as a case "
            "supervision on its family's case.")
