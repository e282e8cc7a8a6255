"""A case's oversight story: what its case discussions show, in order, on one page.

guidance: Supervision Recording Expectations - "evidence of effective management oversight for families
open to The Family Service"; a supervision record shows the "Review of previous agreed actions", "Key dates
or deadlines for review of plans", "Reference to Extended Troubled Families PBR outcomes", "A record of when
children have been spoken to and their views and feelings" and "Significant adults who may not live in
the household". An inspector asks for all of it across the life of a case.

`build_case_story` works from what `Store.case_story` reads (who-sees-what applied there): the case, its
completed case discussions (supervisions, review and closure summaries, latest completed version of each),
when each was first entered, and staff names by login. It builds plain data a page or a document renders
directly (`documents.story_sections`)::

    story = store.case_story("CASE-001")
    story.supervisions          # in order: kind, manager (a name), meeting and entered dates
    story.actions               # every agreed action's trail, agreed -> each review -> done, dropped or open
    story.children              # each child's entries over time
    story.key_dates, story.significant_adults, story.pbr_outcomes
    story.unreadable            # discussions that could not be read: left out, named where they would be

Whether an action is still open is the one carry-forward rule (`records.open_actions`); this module only
lays out the trail that leads to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .dates import LONDON  # noqa: E402
from .errors import UnreadableRecord
from .records import CLOSED_STATUSES, ActionStatus, open_actions, uk
from .records.kinds import kind_of
from .records.people import Case
from .records.supervision import CaseDiscussion, ChildSpokenTo, NotSpokenTo, SupervisionRecord

STILL_OPEN = "Open"
NOT_REVIEWED = "Not reviewed yet"
NOT_RECORDED = "Not recorded at this discussion"


@dataclass(frozen=True)
class SupervisionLine:
    """One completed case discussion of the case."""

    record_id: str | None
    kind: str  # "Planned supervision", "Advice on a safeguarding concern", "Review summary", "Closure summary"
    manager: str  # a name (the login when the staff list has no name)
    practitioner: str
    meeting_date: dt.date
    entered_on: dt.date | None  # the day it was first completed in the workbook (London)
    version: int | None
    case_summary: str
    progress: str
    still_to_happen: str


@dataclass(frozen=True)
class TrailStep:
    """One moment in an action's life: agreed at a discussion, or reviewed at a later one."""

    record_id: str | None
    meeting_date: dt.date
    event: str  # "Agreed", "Agreed again", or the review's status ("Done", "Partly done", ...)
    comment: str = ""


@dataclass(frozen=True)
class ActionTrail:
    """An agreed action from the discussion that agreed it, through each review, to where it stands."""

    action_id: str
    what: str
    by_whom: str
    by_when: dt.date
    agreed_in: str | None
    agreed_on: dt.date
    steps: tuple[TrailStep, ...]
    open: bool
    standing: str  # "Done", "No longer needed", or "Open"
    last_review: str  # the latest review's status, or "Not reviewed yet"


@dataclass(frozen=True)
class ChildEntry:
    """What one discussion recorded about one child: spoken to (when, alone, their views), or why not."""

    record_id: str | None
    meeting_date: dt.date
    spoken_to: dt.date | None
    seen_alone: bool | None
    views: str
    why_not: str = ""


@dataclass(frozen=True)
class ChildStory:
    child_id: str
    name: str
    entries: tuple[ChildEntry, ...]


@dataclass(frozen=True)
class KeyDateLine:
    date: dt.date
    what: str
    record_id: str | None
    set_on: dt.date  # the meeting at which it was recorded


@dataclass(frozen=True)
class AdultLine:
    name: str
    relationship: str
    contact: str
    involvement: str
    first_named: dt.date
    last_named: dt.date


@dataclass(frozen=True)
class PBRLine:
    outcome: str
    first_listed: dt.date
    last_listed: dt.date
    times_listed: int
    status: str  # "Current (listed at the latest discussion)" or "Not listed since DD/MM/YYYY"


@dataclass(frozen=True)
class PBRComment:
    record_id: str | None
    meeting_date: dt.date
    programme: str
    comment: str


@dataclass
class CaseStory:
    """Everything the story shows, in the order a page or a document shows it."""

    case_id: str
    family: str
    team: str
    worker: str
    open_date: dt.date | None
    close_date: dt.date | None
    supervisions: list[SupervisionLine] = field(default_factory=list)
    actions: list[ActionTrail] = field(default_factory=list)
    unmatched_reviews: list[tuple[str, TrailStep]] = field(default_factory=list)
    children: list[ChildStory] = field(default_factory=list)
    key_dates: list[KeyDateLine] = field(default_factory=list)
    significant_adults: list[AdultLine] = field(default_factory=list)
    pbr_outcomes: list[PBRLine] = field(default_factory=list)
    pbr_comments: list[PBRComment] = field(default_factory=list)
    unreadable: list[UnreadableRecord] = field(default_factory=list)  # by meeting date, then record number

    @property
    def open_actions(self) -> list[ActionTrail]:
        return [a for a in self.actions if a.open]


def london_day(moment: dt.datetime | None) -> dt.date | None:
    """The London calendar day of a stored UTC time (SQLite gives it back without a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LONDON).date()


def in_order(discussions: Sequence[CaseDiscussion]) -> list[CaseDiscussion]:
    """Date order, records on the same day in the order given: the order `records.open_actions` reads them."""
    return sorted(discussions, key=lambda d: d.event_date)


def _name(login: str | None, names: Mapping[str, str]) -> str:
    if not login:
        return ""
    return names.get(login) or login


def _kind(discussion: CaseDiscussion) -> str:
    """How the story names a discussion: a supervision by its own kind (planned, or advice on a safeguarding
    concern), any other by its kind's title."""
    if isinstance(discussion, SupervisionRecord):
        return str(discussion.kind)
    return kind_of(discussion).title


def _people(discussion: CaseDiscussion, case: Case) -> tuple[str, str | None]:
    """(manager, practitioner) logins: a supervision names both; another discussion was held by its author,
    about the case's allocated worker."""
    if isinstance(discussion, SupervisionRecord):
        return discussion.manager, discussion.practitioner
    return discussion.author, case.allocated_worker


def story_order(day: dt.date | None, record_id) -> tuple:
    """Where a discussion stands in the story: by its date, then its record number (as the store orders them)."""
    number = str(record_id or "")
    return (day or dt.date.min, int(number) if number.isdigit() else 0)


def build_case_story(
    case: Case,
    discussions: Sequence[CaseDiscussion],
    entered: Mapping[str, dt.datetime] | None = None,
    versions: Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
    unreadable: Sequence[UnreadableRecord] = (),
) -> CaseStory:
    """The story of one case from its completed case discussions.

    `entered`: record id -> when it was first completed (UTC); `versions`: record id -> the version
    shown; `names`: login -> name, so people appear by name; `unreadable`: the case's discussions that could
    not be read, which the story names where they would be.
    """
    entered, versions, names = entered or {}, versions or {}, names or {}
    ordered = in_order(discussions)
    story = CaseStory(
        case_id=case.case_id, family=case.family_pseudonym, team=case.team,
        worker=_name(case.allocated_worker, names), open_date=case.open_date, close_date=case.close_date,
    )
    story.supervisions = []
    for d in ordered:
        manager, practitioner = _people(d, case)
        story.supervisions.append(SupervisionLine(
            record_id=d.record_id, kind=_kind(d), manager=_name(manager, names), practitioner=_name(practitioner, names),
            meeting_date=d.event_date, entered_on=london_day(entered.get(str(d.record_id))),
            version=versions.get(str(d.record_id)), case_summary=d.case_summary, progress=d.progress,
            still_to_happen=d.still_to_happen,
        ))
    story.unreadable = sorted(unreadable, key=lambda u: story_order(u.event_date, u.record_id))
    story.actions, story.unmatched_reviews = action_trails(ordered)
    story.children = child_stories(case, ordered)
    story.key_dates = sorted(
        (KeyDateLine(k.date, k.what, d.record_id, d.event_date) for d in ordered for k in d.key_dates),
        key=lambda k: (k.date, k.set_on),
    )
    story.significant_adults = significant_adults(ordered)
    story.pbr_outcomes = pbr_lines(ordered)
    story.pbr_comments = [
        PBRComment(d.record_id, d.event_date, str(d.pbr_programme), d.pbr_comment)
        for d in ordered if d.pbr_comment.strip()
    ]
    return story


def action_trails(ordered: Sequence[CaseDiscussion]) -> tuple[list[ActionTrail], list[tuple[str, TrailStep]]]:
    """Every action agreed in these discussions (one trail each, in the order first agreed), and the reviews
    of references no discussion here agreed (kept, never dropped silently).

    A review counts on an action's trail when it comes after the action was agreed, as in carry-forward;
    an earlier review of the same reference is kept as an unmatched review. Whether the action is still
    open is `records.open_actions`' answer, not worked out again here.
    """
    still_open = {a.action_id for a in open_actions(ordered)}
    agreed: dict[str, dict] = {}
    unmatched: list[tuple[str, TrailStep]] = []
    for d in ordered:
        for review in d.previous_actions:
            step = TrailStep(d.record_id, d.event_date, str(review.status), review.comment)
            if review.action_id in agreed:
                agreed[review.action_id]["steps"].append(step)
                agreed[review.action_id]["reviews"].append(review.status)
            else:
                unmatched.append((review.action_id, step))
        for action in d.agreed_actions:
            known = agreed.get(action.action_id)
            step = TrailStep(d.record_id, d.event_date, "Agreed again" if known else "Agreed")
            if known:
                known.update(action=action, reviews=[])  # carry-forward reads it from its new agreement
                known["steps"].append(step)
            else:
                agreed[action.action_id] = {
                    "action": action, "first": d, "steps": [step], "reviews": [],
                }
    trails = []
    for ref, item in agreed.items():
        action, reviews = item["action"], item["reviews"]
        is_open = ref in still_open
        last = str(reviews[-1]) if reviews else NOT_REVIEWED
        standing = STILL_OPEN if is_open else _closing(reviews)
        trails.append(ActionTrail(
            action_id=ref, what=action.what, by_whom=action.by_whom, by_when=action.by_when,
            agreed_in=item["first"].record_id, agreed_on=item["first"].event_date, steps=tuple(item["steps"]),
            open=is_open, standing=standing, last_review=last,
        ))
    return trails, unmatched


def _closing(reviews: list[ActionStatus]) -> str:
    """The status that closed an action the carry-forward rule counts as closed: its latest closing review.
    (While the rule is the one rule this is the latest review; tests/test_story.py checks they agree.)"""
    closing = [r for r in reviews if r in CLOSED_STATUSES]
    return str(closing[-1]) if closing else "Closed"


def why_not_spoken_to(child: ChildSpokenTo) -> str:
    """Why a child was not spoken to, as the record says it ("" when they were): the reason chosen, in the
    words the form offers, then what was observed of a child too young to speak, or what the other reason is."""
    reason, fields = child.not_spoken_to, ChildSpokenTo.model_fields
    if reason is None:
        return ""
    if reason is NotSpokenTo.TOO_YOUNG and child.observations.strip():
        return f"{reason.value}\n{fields['observations'].title}: {child.observations}"
    if reason is NotSpokenTo.OTHER and child.reason_detail.strip():
        return f"{reason.value}\n{fields['reason_detail'].title}: {child.reason_detail}"
    return reason.value


def _child_entry(d: CaseDiscussion, child: ChildSpokenTo) -> ChildEntry:
    """One discussion's entry for a child it names: the one place the story reads a child's entry."""
    return ChildEntry(
        record_id=d.record_id, meeting_date=d.event_date, spoken_to=child.date_spoken_to,
        seen_alone=child.seen_alone, views=child.views_and_feelings, why_not=why_not_spoken_to(child),
    )


def child_stories(case: Case, ordered: Sequence[CaseDiscussion]) -> list[ChildStory]:
    """Each child of the case (and any other child a discussion names), with one entry per discussion:
    what it recorded, or that it recorded nothing about them."""
    names: dict[str, str] = {c.child_id: c.pseudonym for c in case.children}
    for d in ordered:
        for child in d.children:
            if child.child_id not in names or not names[child.child_id]:
                names[child.child_id] = child.pseudonym
    out = []
    for child_id, name in names.items():
        entries = []
        for d in ordered:
            found = next((c for c in d.children if c.child_id == child_id), None)
            if found is None:
                entries.append(ChildEntry(d.record_id, d.event_date, None, None, "", NOT_RECORDED))
            else:
                entries.append(_child_entry(d, found))
        out.append(ChildStory(child_id, name or child_id, tuple(entries)))
    return out


def significant_adults(ordered: Sequence[CaseDiscussion]) -> list[AdultLine]:
    """Each significant adult named (by name and relationship), as the latest discussion naming them says."""
    seen: dict[tuple[str, str], AdultLine] = {}
    for d in ordered:
        for adult in d.significant_adults:
            key = (adult.name.strip().casefold(), adult.relationship.strip().casefold())
            first = seen[key].first_named if key in seen else d.event_date
            seen[key] = AdultLine(adult.name, adult.relationship, adult.contact, adult.involvement, first, d.event_date)
    return list(seen.values())


def pbr_lines(ordered: Sequence[CaseDiscussion]) -> list[PBRLine]:
    """Each PBR outcome the discussions refer to: when first and last listed, and where it stands now (its
    status at the latest discussion: identified, progressing, achieved or sustained), or since when it is
    no longer listed."""
    if not ordered:
        return []
    latest = {o.outcome: o.status for o in ordered[-1].pbr_outcomes}
    found: dict[str, list[dt.date]] = {}
    for d in ordered:
        for o in d.pbr_outcomes:
            found.setdefault(o.outcome, []).append(d.event_date)
    return [
        PBRLine(
            outcome=outcome, first_listed=days[0], last_listed=days[-1], times_listed=len(days),
            status=f"Current: {str(latest[outcome]).lower()} (at the latest discussion)" if outcome in latest
            else f"Not listed since {uk(days[-1])}",
        )
        for outcome, days in found.items()
    ]
