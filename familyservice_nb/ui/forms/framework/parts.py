"""Parts of a form: each holds one top-level field of the record, however it is shown.

A part gives the value a draft keeps (`draft_value`, everything typed) and the value the record gets
(`record_value`, empty rows left out), loads a saved value back, and shows the record's `Problem`s about
its field as they are (`Problem.below`: where below the field; `Problem.words`: what, said beside the
input). `None` means "leave the field out".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import Problem
from familyservice_nb.ui.forms.framework.fields import FieldWidget
from familyservice_nb.ui.forms.framework.rows import RowList
from familyservice_nb.ui.kit.error_summary import field_id
from familyservice_nb.ui.kit.values import is_blank


class Part:
    """What the form needs from anything that holds a field."""

    name: str
    widget: widgets.Widget

    def draft_value(self):
        return self.record_value()

    def record_value(self):
        raise NotImplementedError

    def load(self, value) -> None:
        raise NotImplementedError

    def show_problems(self, problems: Sequence[Problem]) -> None:
        raise NotImplementedError

    def on_change(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def set_disabled(self, disabled: bool) -> None:
        raise NotImplementedError


class FieldPart(Part):
    """A single input."""

    def __init__(self, field: FieldWidget):
        self.name, self.widget, self.field = field.name, field, field
        field.add_class(f"fsnb-fid-{field_id(self.name)}")  # what the error summary's links point at

    def record_value(self):
        value = self.field.value
        if isinstance(value, bool):
            return value
        return None if is_blank(value) else value

    def draft_value(self):
        value = self.field.value
        if self.field.kind == "lines":  # keep blank lines out, but keep what was typed
            return value or None
        return self.record_value()

    def load(self, value) -> None:
        self.field.value = value

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.field.show_problems([p.words for p in problems], fid=field_id(self.name))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.field.on_change(lambda _f: callback())

    def set_disabled(self, disabled: bool) -> None:
        self.field.set_disabled(disabled)


class ListPart(Part):
    """Rows of a record part; problems at (row, field) go next to that input."""

    def __init__(self, name: str, rows: RowList):
        self.name, self.widget, self.rows = name, rows, rows

    def draft_value(self):
        return self.rows.data

    def record_value(self):
        return [row.data for row in self.rows.filled()]

    def load(self, value) -> None:
        self.rows.load(value or [])

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.rows.clear_problems()
        filled = self.rows.filled()
        by_place: dict[tuple[int, str], list[str]] = {}
        for p in problems:
            loc = p.below
            if len(loc) >= 2 and isinstance(loc[0], int) and loc[0] < len(filled) and loc[1] in filled[loc[0]].fields:
                by_place.setdefault((loc[0], loc[1]), []).append(p.words)
        for (i, name), messages in by_place.items():
            filled[i].fields[name].show_problems(messages, fid=field_id(self.name, i, name))

    def on_change(self, callback: Callable[[], None]) -> None:
        self.rows.on_change(callback)

    def set_disabled(self, disabled: bool) -> None:
        self.rows.set_disabled(disabled)
