"""Carry-forward: agreed actions stay on the table until a review closes them.

guidance: Supervision Recording Expectations - "Review of previous agreed actions". Starting a supervision
of a case lists every action agreed at its earlier supervisions that is not yet done or no longer needed;
nothing agreed is silently lost between supervisions.
"""

from __future__ import annotations

from collections.abc import Iterable

from .actions import CLOSED_STATUSES, ActionReview, AgreedAction
from .supervision import CaseDiscussion


def open_actions(previous_supervisions: Iterable[CaseDiscussion]) -> list[AgreedAction]:
    """Every action agreed in these discussions of one case that the latest review has not closed.

    Discussions are taken in date order (records on the same day in the order given). An action
    reviewed as partly done or not done stays open; done or no longer needed closes it; a later review
    saying partly done or not done opens it again. Reviews of references never agreed here are ignored.
    The open actions come back in the order they were agreed.
    """
    discussions = sorted(previous_supervisions, key=lambda d: d.event_date)
    cases = {d.case_id for d in discussions}
    if len(cases) > 1:
        raise ValueError(
            "Actions carry forward within one case only; these records belong to cases "
            + ", ".join(sorted(cases)) + "."
        )
    agreed: dict[str, AgreedAction] = {}
    latest: dict[str, ActionReview] = {}
    for discussion in discussions:
        for review in discussion.previous_actions:
            latest[review.action_id] = review
        for action in discussion.agreed_actions:
            agreed.pop(action.action_id, None)  # agreed again: it moves to its new place
            agreed[action.action_id] = action
            latest.pop(action.action_id, None)
    return [a for ref, a in agreed.items() if ref not in latest or latest[ref].status not in CLOSED_STATUSES]


def unreviewed_actions(
    previous_supervisions: Iterable[CaseDiscussion], current: CaseDiscussion
) -> list[AgreedAction]:
    """Open actions from earlier discussions that the current one has not reviewed yet."""
    reviewed = {r.action_id for r in current.previous_actions}
    return [a for a in open_actions(previous_supervisions) if a.action_id not in reviewed]

