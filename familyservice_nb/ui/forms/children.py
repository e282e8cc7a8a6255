"""Each child of the case: when spoken to, seen alone or not, their views and feelings.

guidance: Supervision Recording Expectations - "A record of when children have been spoken to and what
their views and feelings are". The inputs are `ChildSpokenTo`'s fields; each child's heading says when
they were last spoken to, as earlier supervisions of the case recorded it (`records.carried_forward`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets

from familyservice_nb.records import ChildSpokenTo, Problem, uk
from familyservice_nb.ui.forms.framework.fields import FieldWidget, field_widget
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.error_summary import field_id
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import fixed_layout, html_widget
from familyservice_nb.ui.kit.values import is_blank

FIELDS = ("date_spoken_to", "seen_alone", "views_and_feelings", "not_spoken_to", "observations", "reason_detail")
KINDS = {"seen_alone": "yesno", "not_spoken_to": "choice"}  # the model's `bool | None` is a yes/no question


class ChildRow(widgets.VBox):
    def __init__(self, child_id: str, pseudonym: str, last=None):
        self.child_id, self.pseudonym = child_id, pseudonym
        name = f"{pseudonym} ({child_id})" if pseudonym else child_id
        when = (f"Last spoken to on {uk(last)}, as recorded at an earlier supervision." if last
                else "Not recorded as spoken to at an earlier supervision.")
        self.heading = html_widget(f'<h4 class="fsnb-row-title">{esc(name)}</h4>'
                                   f'<p class="fsnb-muted fsnb-last-spoken">{esc(when)}</p>')
        who = pseudonym or child_id
        info = ChildSpokenTo.model_fields
        # The model's titles, with the child's name: several children make several inputs of each.
        self.fields: dict[str, FieldWidget] = {
            name: field_widget(ChildSpokenTo, name, label=f"{info[name].title} ({who})",
                               **({"rows": 3} if name == "views_and_feelings" else {}),
                               **({"kind": KINDS[name]} if name in KINDS else {}),
                               **({"radio": False} if name == "not_spoken_to" else {}))
            for name in FIELDS
        }
        grid = widgets.GridBox([self.fields["date_spoken_to"], self.fields["seen_alone"]], layout=fixed_layout(
            grid_template_columns="repeat(auto-fit, minmax(260px, 1fr))", grid_gap="4px 16px", width="100%"))
        # Not spoken to: why (too young to speak is recorded as observed: date and what was observed).
        why = [self.fields["not_spoken_to"], self.fields["observations"], self.fields["reason_detail"]]
        super().__init__([self.heading, grid, self.fields["views_and_feelings"], *why],
                         layout=fixed_layout(width="100%"))
        self.add_class("fsnb-row")
        self.add_class("fsnb-child")

    @property
    def blank(self) -> bool:
        return all(is_blank(f.value) for f in self.fields.values())

    @property
    def data(self) -> dict:
        out = {"child_id": self.child_id, "pseudonym": self.pseudonym}
        for name, field in self.fields.items():
            if field.value is not None and not (isinstance(field.value, str) and not field.value.strip()):
                out[name] = field.value
        return out


class ChildrenPart(Part):
    """`children`: a row for every child of the case; a child with nothing entered is left out."""

    def __init__(self, children: Sequence, last: Mapping[str, object] | None = None):
        self.name = "children"
        last = last or {}
        self.rows = [ChildRow(c.child_id, c.pseudonym, last.get(c.child_id)) for c in children]
        self.by_id = {row.child_id: row for row in self.rows}
        empty = html_widget('<p class="fsnb-empty">The workbook has no children recorded for this case.</p>')
        self.widget = widgets.VBox([*(self.rows or [empty])], layout=widgets.Layout(width="100%"))
        self.widget.add_class("fsnb-children")

    def _filled(self) -> list[ChildRow]:
        return [row for row in self.rows if not row.blank]

    def record_value(self):
        return [row.data for row in self._filled()]

    def load(self, value) -> None:
        for item in value or []:
            row = self.by_id.get(item.get("child_id"))
            if row is None:  # a child no longer on the case: shown so nothing typed is lost
                row = ChildRow(item.get("child_id", ""), item.get("pseudonym", ""))
                self.rows.append(row)
                self.by_id[row.child_id] = row
                self.widget.children = tuple(self.rows)
                for callback in getattr(self, "_callbacks", []):
                    self._watch(row, callback)
            for name, field in row.fields.items():
                if name in item:
                    field.value = item[name]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        filled = self._filled()
        for row in self.rows:
            for field in row.fields.values():
                field.show_problems([])
        for p in problems:
            loc = p.below
            if len(loc) >= 2 and isinstance(loc[0], int) and loc[0] < len(filled) and loc[1] in FIELDS:
                filled[loc[0]].fields[loc[1]].show_problems([p.words], fid=field_id(self.name, *loc[:2]))
            elif len(loc) == 1 and loc[0] in self.by_id:  # a child not accounted for: at their "why not"
                self.by_id[loc[0]].fields["not_spoken_to"].show_problems([p.words], fid=self.field_id_for(loc))

    def field_id_for(self, loc: tuple) -> str | None:
        """The input a problem about one child (by id) is shown at: their "not spoken to because"."""
        return field_id(self.name, loc[0], "not_spoken_to") if len(loc) == 1 and loc[0] in self.by_id else None

    def _watch(self, row: ChildRow, callback: Callable[[], None]) -> None:
        for field in row.fields.values():
            field.on_change(lambda _f: callback())

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks = [*getattr(self, "_callbacks", []), callback]
        for row in self.rows:
            self._watch(row, callback)

    def set_disabled(self, disabled: bool) -> None:
        for row in self.rows:
            for field in row.fields.values():
                field.set_disabled(disabled)
