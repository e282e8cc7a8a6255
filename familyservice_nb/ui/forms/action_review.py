"""Review of previous agreed actions: each open action of the case, marked and commented on.

guidance: Supervision Recording Expectations - "Review of previous agreed actions". The open actions
come from `records.carried_forward` (nothing agreed is lost between supervisions); each is shown as it
was agreed, with the status and comment inputs of `ActionReview`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets

from familyservice_nb.records import ActionReview, AgreedAction, Problem, uk
from familyservice_nb.ui.forms.framework.fields import FieldWidget, field_widget
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.error_summary import field_id
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import fixed_layout, html_widget


class ReviewRow(widgets.VBox):
    def __init__(self, number: int, action: AgreedAction, agreed_on=None, last=None, today=None, names=None):
        """`last`: the latest review of this action at an earlier discussion (its status and comment);
        `today`: an action past its date says since when; `names`: name by login, for an action whose
        "by whom" holds a login (actions and people in words, with their history)."""
        self.action = action
        when = f" at the supervision on {uk(agreed_on)}" if agreed_on else ""
        who = (names or {}).get(action.by_whom, action.by_whom)
        lines = [f"By {who}, by {uk(action.by_when)}; agreed{when}."]
        if last is not None:
            review, reviewed_on = last
            comment = f": “{review.comment.strip()}”" if review.comment.strip() else ""
            lines.append(f"Last time ({uk(reviewed_on)}): {review.status}{comment}")
        overdue = today is not None and action.by_when < today
        flag = (f'<p class="fsnb-overdue"><strong>Overdue since {esc(uk(action.by_when))}</strong></p>'
                if overdue else "")
        self.about = html_widget(
            f'<h4 class="fsnb-row-title">Action {number}: {esc(action.what)}</h4>{flag}'
            + "".join(f'<p class="fsnb-muted">{esc(line)}</p>' for line in lines)
        )
        self.status: FieldWidget = field_widget(ActionReview, "status", label=f"Status of action {number}", radio=True)
        self.comment: FieldWidget = field_widget(ActionReview, "comment", kind="long", rows=2,
                                                 label=f"Comment on action {number}")
        super().__init__([self.about, self.status, self.comment], layout=fixed_layout(width="100%"))
        self.add_class("fsnb-row")
        self.add_class("fsnb-review-row")

    @property
    def data(self) -> dict | None:
        status, comment = self.status.value, self.comment.value
        if status is None and not comment.strip():
            return None
        out = {"action_id": self.action.action_id, "what": self.action.what, "comment": comment}
        if status is not None:
            out["status"] = status
        return out


class ActionReviewPart(Part):
    """`previous_actions`: one row per open action; a row left untouched is not reviewed (it stays open)."""

    def __init__(self, actions: Sequence[AgreedAction], agreed_on: Mapping[str, object] | None = None,
                 last_reviews: Mapping[str, tuple] | None = None, today=None,
                 names: Mapping[str, str] | None = None):
        self.name = "previous_actions"
        agreed_on, last_reviews = agreed_on or {}, last_reviews or {}
        self.rows = [ReviewRow(i, a, agreed_on.get(a.action_id), last_reviews.get(a.action_id), today, names)
                     for i, a in enumerate(actions, start=1)]
        empty = html_widget('<p class="fsnb-empty">No agreed actions are open from earlier supervisions of '
                            "this case.</p>")
        self.widget = widgets.VBox(self.rows or [empty], layout=widgets.Layout(width="100%"))
        self.widget.add_class("fsnb-review")
        self.extra: list[dict] = []  # reviews in a loaded draft of actions no longer open: kept as they were

    def _reviewed(self) -> list[tuple[ReviewRow, dict]]:
        return [(row, data) for row in self.rows if (data := row.data) is not None]

    def record_value(self):
        return [data for _row, data in self._reviewed()] + self.extra

    def load(self, value) -> None:
        by_ref = {row.action.action_id: row for row in self.rows}
        self.extra = []
        for item in value or []:
            row = by_ref.get(item.get("action_id"))
            if row is None:
                self.extra.append(dict(item))
                continue
            row.status.value = item.get("status")
            row.comment.value = item.get("comment", "")

    def show_problems(self, problems: Sequence[Problem]) -> None:
        reviewed = self._reviewed()
        for row in self.rows:
            row.status.show_problems([])
            row.comment.show_problems([])
        by_action = {row.action.action_id: row for row in self.rows}
        for p in problems:
            loc = p.below
            if len(loc) >= 2 and isinstance(loc[0], int) and loc[0] < len(reviewed):
                row = reviewed[loc[0]][0]
                target = row.comment if loc[1] == "comment" else row.status
                target.show_problems([p.words], fid=field_id(self.name, *loc[:2]))
            elif len(loc) == 1 and loc[0] in by_action:  # an action not reviewed yet: at its status
                by_action[loc[0]].status.show_problems([p.words], fid=self.field_id_for(loc))

    def field_id_for(self, loc: tuple) -> str | None:
        """The status an unreviewed action's problem (by its reference) is shown at, for the summary's link."""
        if len(loc) == 1 and any(row.action.action_id == loc[0] for row in self.rows):
            return field_id(self.name, loc[0], "status")
        return None

    def on_change(self, callback: Callable[[], None]) -> None:
        for row in self.rows:
            row.status.on_change(lambda _f: callback())
            row.comment.on_change(lambda _f: callback())

    def set_disabled(self, disabled: bool) -> None:
        for row in self.rows:
            row.status.set_disabled(disabled)
            row.comment.set_disabled(disabled)
