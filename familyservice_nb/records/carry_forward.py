"""Carry-forward: agreed actions stay on the table until a review closes them.

guidance: Supervision Recording Expectations - "Review of previous agreed actions". Starting a supervision
of a case lists every action agreed at its earlier supervisions that is not yet done or no longer needed;
nothing agreed is silently lost between supervisions.

The rule is written once, on whole columns (`action_standing`), for the oversight dashboard's thousands of
actions; `open_actions` (one case's records, for a form) is the same rule on the records' own actions.
`carried_forward` is all a new discussion of the case starts with: the open actions with when each was agreed
and last reviewed, when each child was last spoken to, and the last discussion's summary of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .actions import CLOSED_STATUSES, ActionReview, AgreedAction
from .supervision import CaseDiscussion

NOT_REVIEWED = "Not reviewed yet"
_CLOSED = [str(s) for s in CLOSED_STATUSES]


def action_standing(agreed: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Every agreed action as the latest review leaves it: the carry-forward rule.

    `agreed`: one line per action agreed in a discussion (record_id, case_id, event_date, action_id, and
    any other columns, kept); `reviews`: one line per review of an earlier action (record_id, case_id,
    event_date, action_id, status). Discussions are taken in date order, then record order (the record
    number, else the record id). An action agreed again moves to its latest agreement; only reviews in
    later discussions count; done or no longer needed closes it, partly done or not done leaves it open
    (so a later "not done" opens it again); reviews of actions never agreed are ignored.
    Lines: the latest agreement of each action, in the order agreed, plus `last_review` (status, or
    "Not reviewed yet") and `open`.
    """
    place = _discussion_order(agreed, reviews)
    latest: dict[tuple, tuple[int, int]] = {}  # (case, action) -> (place, row) of its latest agreement
    pairs = zip(agreed["case_id"], agreed["action_id"], strict=True)
    for row, (key, record) in enumerate(zip(pairs, agreed["record_id"], strict=True)):
        at = place[record]
        if key not in latest or at >= latest[key][0]:  # the same discussion twice: the later line
            latest[key] = (at, row)
    last: dict[tuple, tuple[int, str]] = {}  # (case, action) -> (place, status) of the latest later review
    pairs = zip(reviews["case_id"], reviews["action_id"], strict=True)
    for key, record, status in zip(pairs, reviews["record_id"], reviews["status"], strict=True):
        at = place[record]
        if key in latest and at > latest[key][0] and (key not in last or at >= last[key][0]):
            last[key] = (at, status)
    chosen = sorted((at, row, key) for key, (at, row) in latest.items())
    out = agreed.iloc[[row for _at, row, _key in chosen]].reset_index(drop=True)
    statuses = [last[key][1] if key in last else None for _at, _row, key in chosen]
    out["open"] = np.array([s is None or pd.isna(s) or str(s) not in _CLOSED for s in statuses], dtype=bool)
    out["last_review"] = pd.Series([NOT_REVIEWED if s is None or pd.isna(s) else s for s in statuses],
                                   index=out.index, dtype=object)
    return out


def _discussion_order(*frames: pd.DataFrame) -> dict:
    """Each discussion's place (record id -> 0, 1, ...) in date order, then record order (the record
    number where the id is one, else the id); a discussion without a date comes last."""
    first: dict = {}
    for frame in frames:
        for record, date in zip(frame["record_id"], frame["event_date"], strict=True):
            first.setdefault(record, date)
    records = list(first)
    days = pd.to_datetime(pd.Series(list(first.values()), dtype=object)).dt.normalize()
    numbers = pd.to_numeric(pd.Series(records, dtype=object), errors="coerce")
    ordered = sorted(range(len(records)), key=lambda i: (
        pd.isna(days[i]), days[i] if not pd.isna(days[i]) else 0,
        pd.isna(numbers[i]), numbers[i] if not pd.isna(numbers[i]) else 0, str(records[i]), i))
    return {records[i]: place for place, i in enumerate(ordered)}


def open_actions(previous_supervisions: Iterable[CaseDiscussion]) -> list[AgreedAction]:
    """Every action agreed in these discussions of one case that the latest review has not closed.

    The rule of `action_standing`, with the records in the order given as their record order (the store
    gives them oldest first, then by record number). The open actions come back in the order they were agreed.
    """
    discussions = list(previous_supervisions)
    cases = {d.case_id for d in discussions}
    if len(cases) > 1:
        raise ValueError(
            "Actions carry forward within one case only; these records belong to cases "
            + ", ".join(sorted(cases)) + "."
        )
    actions = [a for d in discussions for a in d.agreed_actions]
    agreed = pd.DataFrame(
        [(i, d.case_id, d.event_date, a.action_id) for i, d in enumerate(discussions) for a in d.agreed_actions],
        columns=["record_id", "case_id", "event_date", "action_id"],
    ).assign(_item=np.arange(len(actions)))
    reviews = pd.DataFrame(
        [(i, d.case_id, d.event_date, r.action_id, str(r.status))
         for i, d in enumerate(discussions) for r in d.previous_actions],
        columns=["record_id", "case_id", "event_date", "action_id", "status"],
    )
    standing = action_standing(agreed, reviews)
    return [actions[i] for i in standing.loc[standing["open"], "_item"]]


def unreviewed_actions(
    previous_supervisions: Iterable[CaseDiscussion], current: CaseDiscussion
) -> list[AgreedAction]:
    """Open actions from earlier discussions that the current one has not reviewed yet."""
    reviewed = {r.action_id for r in current.previous_actions}
    return [a for a in open_actions(previous_supervisions) if a.action_id not in reviewed]


@dataclass(frozen=True)
class CarriedForward:
    """What a new discussion of a case starts with, from the case's earlier discussions.

    `open_actions`: to review (`open_actions`); `agreed_on`: the day each action was (last) agreed;
    `last_reviews`: each action's latest review and the day of it; `last_spoken_to`: the latest day each
    child was recorded as spoken to (or, too young to speak, observed: `CaseDiscussion.children_seen`);
    `start_values`: the last discussion's case summary and intervention offered, brought forward to update.
    """

    open_actions: list[AgreedAction] = field(default_factory=list)
    agreed_on: dict[str, dt.date] = field(default_factory=dict)
    last_reviews: dict[str, tuple[ActionReview, dt.date]] = field(default_factory=dict)
    last_spoken_to: dict[str, dt.date] = field(default_factory=dict)
    start_values: dict[str, str] = field(default_factory=dict)


def carried_forward(previous_supervisions: Sequence[CaseDiscussion]) -> CarriedForward:
    """What a new discussion starts with from these earlier discussions of one case, taken in date order and,
    on the same day, in the order given (as `open_actions` takes them)."""
    ordered = sorted(previous_supervisions, key=lambda d: d.event_date)
    if not ordered:
        return CarriedForward()
    agreed_on = {a.action_id: d.event_date for d in ordered for a in d.agreed_actions}
    last_reviews = {r.action_id: (r, d.event_date) for d in ordered for r in d.previous_actions}
    spoken: dict[str, dt.date] = {}
    for seen in (seen for d in ordered for seen in d.children_seen()):
        if seen.child_id not in spoken or seen.day > spoken[seen.child_id]:
            spoken[seen.child_id] = seen.day
    last = ordered[-1]
    return CarriedForward(
        open_actions=open_actions(ordered), agreed_on=agreed_on, last_reviews=last_reviews, last_spoken_to=spoken,
        start_values={"case_summary": last.case_summary, "intervention_offered": last.intervention_offered},
    )
