"""Sections left empty on purpose: "Not discussed" or "Nothing to record", chosen, never silent.

Issue 10 (nothing silent at completion): each optional section the guidance lists (`records.OPTIONAL_SECTIONS`)
is filled, or marked by choice; the Mosaic text then says "Not discussed." or "None recorded." for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import OPTIONAL_SECTIONS, LeftEmpty
from familyservice_nb.ui.forms.framework.parts import Part, Problem
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import DescriptionStyle, fixed_layout, fixed_style, html_widget

FILLED = "Filled in (or to fill in)"


def label_of(title: str) -> str:
    """The choice's label: distinct from the section's own input ('Key dates: left empty because')."""
    return f"{title}: left empty because"


class LeftEmptyPart(Part):
    """`left_empty`: one choice per optional section."""

    def __init__(self):
        self.name = "left_empty"
        options = [(FILLED, None), *((c.value, c.value) for c in LeftEmpty)]
        self.choices = {name: widgets.Dropdown(description=label_of(title), options=options, index=0,
                                               style=fixed_style(DescriptionStyle, description_width="initial"),
                                               layout=fixed_layout(width="auto"))
                        for name, title in OPTIONAL_SECTIONS.items()}
        self.problem = html_widget("")
        self.widget = widgets.VBox([*self.choices.values(), self.problem], layout=widgets.Layout(width="100%"))
        self.widget.add_class("fsnb-left-empty")

    def record_value(self):
        return {name: box.value for name, box in self.choices.items() if box.value}

    def load(self, value) -> None:
        value = value or {}
        for name, box in self.choices.items():
            chosen = value.get(name)
            if chosen in (c.value for c in LeftEmpty):
                box.value = chosen
            else:
                box.index = 0  # "Filled in": an index, so the page's list shows it chosen

    def show_problems(self, problems: Sequence[Problem]) -> None:
        items = "".join(f"<span>{esc(m)}</span>" for _loc, m in problems)
        self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>' if problems else ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.choices.values():
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in self.choices.values():
            box.disabled = disabled
