"""Nothing silent at completion: what a record must say before it can be completed (locked).

Drafts stay as loose as their models allow; completing is strict. `completion_problems` lists what stops a
record being completed as `Problem`s (a field path and a sentence naming the field), so the store can refuse
a completion in plain words and a form can list the problems, each linking to its place. It takes a whole
record, or a record's answers as they stand (`records.answers`): a partly filled record gets what cannot be
read and what is still missing, at once, without a value made up for any answer.

The rules (each cites the guidance it serves):
- guidance: Supervision Recording Expectations - "Review of previous agreed actions": every action still
  open from earlier discussions of the case is reviewed (`unreviewed_actions`).
- "A record of when children have been spoken to and what their views and feelings are": every child on the
  case has an entry, either spoken to (date, seen alone, views) or a reason they were not (a child too
  young to speak is recorded as observed: date and observations).
- "What progress is being made in the case and what still needs to happen to bring about change": both
  written.
- The other bullet points (`OPTIONAL_SECTIONS`) are filled, or marked "Not discussed" or "Nothing to record"
  by choice, never left silent; a section both filled and marked is a contradiction.
- PBR outcomes come from the council's outcomes plan (else the programme's national list).
- "where advice and guidance on a safeguarding concern has been sought": the concern, the advice given, the
  decision and its rationale. Types of case records, "Manager's recordings (e.g. decisions made on the
  case ...)": the decision and its rationale.
- GFPO template, "Were there any emerging safeguarding concerns?": an answer says whether harm or risk was
  identified (yes or no).
- Line Management Supervision, "annual EPDR": the next EPDR date is recorded, within the council's EPDR cycle.
- Children named as spoken to at a session, GFPO session or case note are children of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel

from ..vocab import NoteType
from .answers import Answers
from .base import uk
from .carry_forward import unreviewed_actions
from .case_note import DECISION_DETAILS, CaseNote
from .gfpo import SAFEGUARDING_PROMPT, GFPOSessionRecord
from .line_management import LineManagementSupervision
from .problems import Problem, in_order
from .supervision import OPTIONAL_SECTIONS, CaseDiscussion, SupervisionKind, SupervisionRecord

# A safeguarding-advice record says what it was about and what was decided, and why.
SAFEGUARDING_ADVICE_FIELDS = ("concern", "advice_given", "decision", "decision_rationale")


def _title(record, name: str) -> str:
    return type(record).title_of(name)


def _blank(value) -> bool:
    return not (value or "").strip()


def completion_problems(
    record: BaseModel | Answers, *, earlier: Sequence[CaseDiscussion] = (), case=None, settings=None,
    order: Sequence[str] | None = None,
) -> list[Problem]:
    """What stops `record` being completed (empty when it can be).

    `record`: a whole record, or a record's answers as read (`read_answers`): then what could not be read
    comes first, and the rules below run on the partly filled record, saying nothing more about an answer
    that has a problem already. `earlier`: the case's completed discussions before this one (their open
    actions must be reviewed); `case`: the case with its children (every child accounted for); `settings`:
    the council's settings (PBR outcomes plan, EPDR cycle); defaults when None. `order`: the fields in the
    order the writer meets them (a form's); the problems then come in that order.
    """
    answers = record if isinstance(record, Answers) else Answers(record)
    said = answers.unread | {p.field for p in answers.problems}
    out = [*answers.problems, *(p for p in _rule_problems(answers.record, earlier, case, settings)
                                if p.field not in said)]
    return in_order(out, order) if order is not None else out


def _rule_problems(record, earlier, case, settings) -> list[Problem]:
    from .settings import CouncilSettings

    settings = settings or CouncilSettings()
    out: list[Problem] = []
    if isinstance(record, CaseDiscussion):
        out += _discussion_problems(record, earlier, case, settings)
    if isinstance(record, SupervisionRecord) and record.kind is SupervisionKind.SAFEGUARDING_ADVICE:
        for name in SAFEGUARDING_ADVICE_FIELDS:
            if _blank(getattr(record, name)):
                out.append(Problem((name,), f"{_title(record, name)}: this is needed to complete a record of advice "
                                            "on a safeguarding concern."))
    if isinstance(record, CaseNote) and record.note_type is NoteType.MANAGER_RECORDING:
        for name in DECISION_DETAILS:
            if _blank(getattr(record, name)):
                out.append(Problem((name,), f"{_title(record, name)}: this is needed to complete a Manager's "
                                            "recording."))
    if isinstance(record, GFPOSessionRecord):
        answered = not _blank((record.prompt_answers or {}).get(SAFEGUARDING_PROMPT))
        if answered and record.safeguarding_risk is None:
            out.append(Problem(("safeguarding_risk",), f"{_title(record, 'safeguarding_risk')}: you answered "
                                                       f"'{SAFEGUARDING_PROMPT}'; say yes or no."))
    if isinstance(record, LineManagementSupervision):
        out += _epdr_problems(record, settings.epdr_cycle_days)
    seen = getattr(record, "children_spoken_to", None)
    if isinstance(seen, list) and case is not None and seen:
        on_case = {c.child_id for c in case.children}
        for i, child_id in enumerate(seen):
            if child_id not in on_case:
                out.append(Problem(("children_spoken_to", i), f"Children spoken to: '{child_id}' is not a child on "
                                                              f"case {record.case_id}."))
    return out


def _discussion_problems(record: CaseDiscussion, earlier, case, settings) -> list[Problem]:
    out: list[Problem] = []
    for action in unreviewed_actions(earlier, record) if record.previous_actions is not None else []:
        out.append(Problem(("previous_actions", action.action_id), (
            f"Review of previous agreed actions: '{action.what}' (by {action.by_whom}, by {uk(action.by_when)}) is "
            "not reviewed yet; mark it done, partly done, not done or no longer needed.")))
    for name in ("progress", "still_to_happen"):
        if _blank(getattr(record, name)):
            out.append(Problem((name,), f"{_title(record, name)}: this is needed to complete the record."))
    if case is not None and record.children is not None:
        listed = {c.child_id for c in record.children}
        for child in case.children:
            if child.child_id not in listed:
                name = f"{child.pseudonym} ({child.child_id})" if child.pseudonym else child.child_id
                out.append(Problem(("children", child.child_id), (
                    f"Children spoken to: {name} has neither views recorded nor a reason they were not spoken "
                    "to (for example too young to speak, not seen this period, declined).")))
    for name, title in OPTIONAL_SECTIONS.items():
        filled, marked = record.section_filled(name), name in (record.left_empty or {})
        if not filled and not marked:
            out.append(Problem((name,), f"{title}: fill this in, or mark it 'Not discussed' or 'Nothing to record'."))
        elif filled and marked:
            out.append(Problem(("left_empty", name), (
                f"{title}: it is marked '{record.left_empty[name]}' but has something in it; clear one or the "
                "other.")))
    allowed = settings.pbr_outcomes
    for i, item in enumerate(record.pbr_outcomes or []):
        if item.outcome not in allowed:
            out.append(Problem(("pbr_outcomes", i, "outcome"), (
                f"PBR outcomes: '{item.outcome}' is not one of the council's {settings.pbr_heading} outcomes; "
                f"choose from: {'; '.join(allowed)}.")))
    return out


def _epdr_problems(record: LineManagementSupervision, cycle_days: int) -> list[Problem]:
    title = _title(record, "next_epdr_date")
    if record.next_epdr_date is None:
        return [Problem(("next_epdr_date",), f"{title}: this is needed, so the next EPDR is followed up.")]
    if record.event_date is None:  # the cycle counts from the supervision's date
        return []
    latest = record.event_date + dt.timedelta(days=cycle_days)
    if record.next_epdr_date > latest:
        return [Problem(("next_epdr_date",), (
            f"{title}: {uk(record.next_epdr_date)} is more than the council's EPDR cycle of {cycle_days} days after "
            f"this supervision; the EPDR is due by {uk(latest)}."))]
    return []
