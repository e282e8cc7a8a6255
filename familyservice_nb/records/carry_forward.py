"""Carry-forward: agreed actions stay on the table until a review closes them.

guidance: Supervision Recording Expectations - "Review of previous agreed actions". Starting a supervision
of a case lists every action agreed at its earlier supervisions that is not yet done or no longer needed;
nothing agreed is silently lost between supervisions.

The rule is written once, on whole columns (`action_standing`), for the oversight dashboard's thousands of
actions; `open_actions` (one case's records, for a form) is the same rule on the records' own actions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .actions import CLOSED_STATUSES, AgreedAction
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
    order_of = _discussion_order(agreed, reviews)
    agreed = agreed.assign(_order=order_of(agreed))
    latest = agreed.sort_values("_order", kind="stable").drop_duplicates(["case_id", "action_id"], keep="last")
    later = reviews.assign(_review_order=order_of(reviews))[["case_id", "action_id", "_review_order", "status"]]
    later = later.merge(latest[["case_id", "action_id", "_order"]], on=["case_id", "action_id"])
    later = later[later["_review_order"] > later["_order"]]
    last = later.sort_values("_review_order", kind="stable").drop_duplicates(["case_id", "action_id"], keep="last")
    out = latest.merge(last[["case_id", "action_id", "status"]], on=["case_id", "action_id"], how="left")
    out["open"] = ~out["status"].astype(object).isin(_CLOSED).to_numpy()
    out["last_review"] = out["status"].astype(object).where(out["status"].notna(), NOT_REVIEWED)
    return out.drop(columns=["_order", "status"]).reset_index(drop=True)


def _discussion_order(*frames: pd.DataFrame):
    """A function giving each row its discussion's place in date order (then record order)."""
    keys = pd.concat([f[["record_id", "event_date"]] for f in frames], ignore_index=True).drop_duplicates("record_id")
    keys = keys.assign(event_date=pd.to_datetime(keys["event_date"]).dt.normalize(),
                       _n=pd.to_numeric(keys["record_id"], errors="coerce"))
    keys = keys.sort_values(["event_date", "_n", "record_id"], kind="stable").reset_index(drop=True)
    position = pd.Series(np.arange(len(keys)), index=keys["record_id"].to_numpy())
    return lambda frame: frame["record_id"].map(position).to_numpy()


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
