"""A date typed the UK way (25/11/2026), with a calendar to pick from and the day read back in words.

The typed text is the value: a date picker's own display follows the browser's locale (month first in
some), so the text box is what the user reads and types, and the calendar only fills it in. The day
read back ("Wednesday 25 November 2026") lets a manager see at a glance that 04/05 meant 4 May.
"""

from __future__ import annotations

import re

import ipywidgets as widgets

from familyservice_nb.dates import parse_uk_date
from familyservice_nb.records.base import uk
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import (
    DescriptionStyle,
    TextStyle,
    fixed_layout,
    fixed_style,
    html_widget,
    show,
)
from familyservice_nb.ui.kit.values import DATE_PLACEHOLDER, date_text, long_date, read_date


class UKDateInput(widgets.VBox):
    """Text box (dd/mm/yyyy) and calendar button, with the date in words under them."""

    def __init__(self, label: str, value=None):
        self.text = widgets.Text(
            value=date_text(value),
            description=label,
            placeholder=DATE_PLACEHOLDER,
            continuous_update=True,
            style=fixed_style(TextStyle, description_width="initial"),
            layout=fixed_layout(width="auto"),
        )
        self.text.add_class("fsnb-stacked")
        self.text.add_class("fsnb-date-text")
        # Keyboard users type the date; the calendar is for the mouse, so it is not a tab stop (tabbable=False
        # reaches only its outer box: the page template takes its input out of the tab order).
        # Its label is read out but not shown (the icon is the visible cue); it names no field, so it never
        # competes with the text box's own label.
        # Its name says which date: a form has several pickers, and a screen reader must tell them apart.
        self.picker = widgets.DatePicker(value=read_date(value), tabbable=False,
                                         description=f"{label}: choose from a calendar",
                                         tooltip=f"{label}: choose from a calendar",
                                         style=fixed_style(DescriptionStyle), layout=fixed_layout())
        self.picker.add_class("fsnb-date-picker")
        self.echo = html_widget()
        self.echo.add_class("fsnb-date-echo")
        line = widgets.HBox([self.text, self.picker], layout=fixed_layout(align_items="flex-end"))
        line.add_class("fsnb-date-line")
        super().__init__([line, self.echo], layout=fixed_layout(flex_flow="column"))
        self.add_class("fsnb-date")
        self._syncing = False
        self.picker.observe(self._picked, "value")
        self.text.observe(self._typed, "value")
        self._typed()

    def relabel(self, label: str) -> None:
        self.text.description = label
        self.picker.description = self.picker.tooltip = f"{label}: choose from a calendar"

    @property
    def value(self) -> str:
        return self.text.value

    @value.setter
    def value(self, value) -> None:
        self.text.value = date_text(value)

    @property
    def date(self):
        return read_date(self.text.value)

    def show_problem(self, message: str | None) -> None:
        """A problem under the date, tied to its text box (an `ErrorSummary` on the page marks the box
        aria-invalid and names the message in its aria-describedby); None clears it. Its widget is made on
        first use: a form's dates say their problems through their field instead."""
        shown = getattr(self, "_problem", None)
        if shown is None:
            if not message:
                return
            shown = self._problem = html_widget()
            self.children = (*self.children, shown)
            self.add_class("fsnb-field")
        shown.value = ('<p class="fsnb-field-problem" role="alert"><span class="fsnb-visually-hidden">Error: </span>'
                       f"{esc(message)}</p>" if message else "")

    def problem(self) -> str | None:
        """What is wrong with the text, in plain words naming the field, once it cannot be a date still
        being typed (a letter in it, or day/month/year written out, as 31/02/2026 or 10/13/2026); else None."""
        text = self.text.value.strip()
        if not text or read_date(text) is not None:
            return None
        if not (re.search(r"[^\d/.\- ]", text) or re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2}", text)):
            return None  # half typed: said once it is written out
        try:
            parse_uk_date(text, field=self.text.description)
        except ValueError as exc:
            return str(exc)
        return None

    def _picked(self, change=None) -> None:
        if self._syncing or self.picker.value is None:
            return
        self._syncing = True
        try:
            self.text.value = uk(self.picker.value)
        finally:
            self._syncing = False

    def _typed(self, change=None) -> None:
        day = read_date(self.text.value)
        self.echo.value = f'<span class="fsnb-muted">{long_date(day)}</span>' if day else ""
        if self._syncing:
            return
        self._syncing = True
        try:
            if day is not None or not self.text.value.strip():
                self.picker.value = day
        finally:
            self._syncing = False

    def set_disabled(self, disabled: bool) -> None:
        self.text.disabled = disabled
        self.picker.disabled = disabled
        show(self.picker, not disabled)
