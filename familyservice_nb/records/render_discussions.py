"""Mosaic-ready text for case supervision, review and closure summaries, and line management supervision.

guidance: Supervision Recording Expectations - the bullet points, in the guidance's order;
Line Management Supervision - the five CWDC areas, in the guidance's order.
"""

from __future__ import annotations

from .base import uk
from .line_management import CWDC_AREAS, LineManagementSupervision
from .render_parts import (
    NONE_RECORDED,
    action_lines,
    document,
    header,
    listing,
    person,
    section,
    text,
    yes_no,
)
from .summaries import ClosureSummary, ReviewSummary
from .supervision import CaseDiscussion, SupervisionRecord


def discussion_sections(record: CaseDiscussion) -> list[str]:
    """The guidance's points, in its order, then the actions agreed today."""
    summary = f"{text(record.case_summary)}\nIntervention offered: {text(record.intervention_offered)}"
    reviews = listing(
        f"{text(r.what)}\n   Status: {r.status}\n   Comment: {text(r.comment)}"
        for r in record.previous_actions
    )
    key_dates = listing(f"{uk(k.date)}: {k.what}" for k in record.key_dates)
    pbr = "\n".join([*(f"- {o}" for o in record.pbr_outcomes)] or [NONE_RECORDED])
    if record.pbr_comment.strip():
        pbr += f"\nComment: {record.pbr_comment}"
    children = listing(
        f"{c.child_id}{f' ({c.pseudonym})' if c.pseudonym.strip() else ''}\n"
        f"   Spoken to: {uk(c.date_spoken_to)}\n   Seen alone: {yes_no(c.seen_alone)}\n"
        f"   Views and feelings: {c.views_and_feelings}"
        for c in record.children
    )
    adults = listing(
        f"{a.name} ({a.relationship})\n   Contact: {text(a.contact)}\n   Involvement: {text(a.involvement)}"
        for a in record.significant_adults
    )
    return [
        section("CASE SUMMARY AND INTERVENTION OFFERED", summary),
        section("REVIEW OF PREVIOUS AGREED ACTIONS", reviews),
        section("PROGRESS BEING MADE", text(record.progress)),
        section("WHAT STILL NEEDS TO HAPPEN TO BRING ABOUT CHANGE", text(record.still_to_happen)),
        section("KEY DATES AND DEADLINES FOR REVIEW OF PLANS", key_dates),
        section("RISK ASSESSMENTS, SCALING TOOLS OR ACTIVITIES TO BE USED", text(record.risk_assessments_and_tools)),
        section("ACTION IF THE FAMILY CANNOT BE ENGAGED", text(record.if_unable_to_engage)),
        section(f"{record.pbr_programme.value.upper()} PBR OUTCOMES", pbr),
        section("CHILDREN SPOKEN TO: VIEWS AND FEELINGS", children),
        section("SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD", adults),
        section("NEW AGREED ACTIONS", action_lines(record.agreed_actions)),
    ]


def supervision_text(record: SupervisionRecord) -> str:
    head = header(f"CASE SUPERVISION: {record.kind.value.upper()}", record, f"Case: {record.case_id}",
                  f"Practitioner: {person(record.practitioner)}", f"Manager: {person(record.manager)}")
    return document(head, *discussion_sections(record))


def review_text(record: ReviewSummary) -> str:
    return document(header("REVIEW SUMMARY", record, f"Case: {record.case_id}"), *discussion_sections(record))


def closure_text(record: ClosureSummary) -> str:
    head = header("CLOSURE SUMMARY", record, f"Case: {record.case_id}")
    return document(
        head,
        section("CLOSURE REASON", text(record.closure_reason)),
        section("CLOSURE DATE", uk(record.closure_date)),
        *discussion_sections(record),
    )


def line_management_text(record: LineManagementSupervision) -> str:
    head = header("LINE MANAGEMENT SUPERVISION", record,
                  f"Practitioner: {person(record.practitioner)}", f"Manager: {person(record.manager)}", risk=False)
    f = record.opening_figures
    figures = NONE_RECORDED if f is None else "\n".join([
        f"Figures as of: {uk(f.as_of)}",
        f"Caseload (open cases allocated): {NONE_RECORDED if f.caseload is None else f.caseload}",
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
        section("NEXT EPDR DATE", uk(record.next_epdr_date) or NONE_RECORDED),
        # the workbook's record numbers mean nothing in Mosaic: say how many, each recorded on its case
        section("CASE DISCUSSIONS HELD", _discussions_held(len(record.case_discussions))),
    )


def _discussions_held(count: int) -> str:
    if count == 0:
        return NONE_RECORDED
    return (f"{count} case discussion{'s' if count != 1 else ''} held in this session, each recorded as a case "
            "supervision on its family's case.")
