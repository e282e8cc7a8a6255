"""A list section: rows of one record part (key dates, significant adults, agreed actions), added and removed.

Each row is built from the part's model (its fields' titles and descriptions), like every other input.
A row left completely empty is kept in the draft (nothing typed is lost) but left out of the record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
from pydantic import BaseModel

from familyservice_nb.ui.forms.framework.fields import FieldWidget, field_widget
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import ButtonStyle, fixed_layout, fixed_style, html_widget, show
from familyservice_nb.ui.kit.values import is_blank


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


class Row(widgets.VBox):
    """One entry: its inputs, any hidden values it carries (an action's reference), a Remove button."""

    def __init__(self, owner: RowList, values: Mapping | None = None):
        self.owner = owner
        self.fields: dict[str, FieldWidget] = {
            name: field_widget(owner.model, name, **owner.options.get(name, {})) for name in owner.field_names
        }
        self.hidden: dict = {name: make() for name, make in owner.hidden.items()}
        self.heading = html_widget()
        self.remove = widgets.Button(description="Remove", icon="trash", layout=fixed_layout(width="auto"),
                                     style=fixed_style(ButtonStyle))
        self.remove.add_class("fsnb-remove")
        self.remove.on_click(lambda _b: owner.remove_row(self))
        grid = widgets.GridBox(list(self.fields.values()), layout=fixed_layout(
            grid_template_columns=owner.columns, grid_gap="4px 16px", width="100%"))
        top = widgets.HBox([self.heading, self.remove], layout=fixed_layout(
            justify_content="space-between", align_items="center", width="100%"))
        super().__init__([top, grid], layout=fixed_layout(width="100%"))
        self.add_class("fsnb-row")
        if values:
            self.load(values)
        for field in self.fields.values():
            field.on_change(lambda _f: owner.changed())

    def number(self, i: int) -> None:
        """Number the row; each input's name says which row it is in ("Action 2: by when"), for a screen
        reader, which must tell the dates of one row from another's."""
        title = f"{self.owner.noun.capitalize()} {i}"
        self.heading.value = f'<h4 class="fsnb-row-title">{esc(title)}</h4>'
        self.remove.description = f"Remove {self.owner.noun} {i}"
        for name, field in self.fields.items():
            own = self.owner.options.get(name, {}).get("label") or self.owner.model.model_fields[name].title or name
            field.relabel(f"{title}: {own[:1].lower()}{own[1:]}")

    @property
    def data(self) -> dict:
        out = dict(self.hidden)
        for name, field in self.fields.items():
            value = field.value
            if not is_blank(value) or isinstance(value, bool):
                out[name] = value
        return out

    @property
    def blank(self) -> bool:
        return all(is_blank(f.value) for f in self.fields.values())

    def load(self, values: Mapping) -> None:
        for name in self.owner.hidden:
            if values.get(name):
                self.hidden[name] = values[name]
        for name, field in self.fields.items():
            if name in values:
                field.value = values[name]

    def set_disabled(self, disabled: bool) -> None:
        for field in self.fields.values():
            field.set_disabled(disabled)
        show(self.remove, not disabled)


class RowList(widgets.VBox):
    """Rows of `model`, with an Add button; `data` is every row, `filled()` the rows to record."""

    def __init__(
        self,
        model: type[BaseModel],
        field_names: Sequence[str],
        *,
        noun: str,
        options: Mapping[str, dict] | None = None,
        hidden: Mapping[str, Callable[[], object]] | None = None,
        columns: str = "repeat(auto-fit, minmax(220px, 1fr))",
        empty_text: str = "",
    ):
        self.model, self.field_names, self.noun = model, list(field_names), noun
        self.options = dict(options or {})
        self.hidden = dict(hidden or {})
        self.columns = columns
        self.rows: list[Row] = []
        self.rows_box = widgets.VBox(layout=fixed_layout(width="100%"))
        self.empty = html_widget(f'<p class="fsnb-empty">{esc(empty_text)}</p>' if empty_text else "")
        self.add = widgets.Button(description=f"Add {_a(noun)}", icon="plus", style=fixed_style(ButtonStyle),
                                  layout=fixed_layout(width="auto", align_self="flex-start"))
        self.add.add_class("fsnb-add")
        self.add.on_click(lambda _b: self.add_row(focus=True))
        super().__init__([self.empty, self.rows_box, self.add], layout=fixed_layout(width="100%"))
        self.add_class("fsnb-rows")
        self._callbacks: list[Callable[[], None]] = []
        self._redraw()

    # -- rows -------------------------------------------------------------------------------------

    def add_row(self, values: Mapping | None = None, focus: bool = False) -> Row:
        row = Row(self, values)
        self.rows.append(row)
        self._redraw()
        if focus:
            first = next(iter(row.fields.values()))
            source = first.control.text if first.kind == "date" else first.control
            if hasattr(source, "focus"):
                source.focus()
        self.changed()
        return row

    def remove_row(self, row: Row) -> None:
        if row in self.rows:
            self.rows.remove(row)
            self._redraw()
            self.changed()
            self.add.focus()

    def _redraw(self) -> None:
        for i, row in enumerate(self.rows, start=1):
            row.number(i)
        self.rows_box.children = tuple(self.rows)
        show(self.empty, not self.rows)

    # -- values -----------------------------------------------------------------------------------

    @property
    def data(self) -> list[dict]:
        return [row.data for row in self.rows]

    def filled(self) -> list[Row]:
        """The rows that go into the record (a row left empty is not an entry)."""
        return [row for row in self.rows if not row.blank]

    def load(self, items: Sequence[Mapping] | None, quiet: bool = True) -> None:
        self.rows = [Row(self, item) for item in (items or [])]
        self._redraw()

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def changed(self) -> None:
        for callback in self._callbacks:
            callback()

    def set_disabled(self, disabled: bool) -> None:
        for row in self.rows:
            row.set_disabled(disabled)
        show(self.add, not disabled)

    def clear_problems(self) -> None:
        for row in self.rows:
            for field in row.fields.values():
                field.show_problems([])
