"""Sections left empty on purpose: "Not discussed" or "Nothing to record", chosen, never silent.

Nothing is silent at completion: each optional section the guidance lists (`records.OPTIONAL_SECTIONS`)
is filled, or marked by choice; the Mosaic text then says "Not discussed." or "None recorded." for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import OPTIONAL_SECTIONS, LeftEmpty, Problem
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.error_summary import field_id
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import DescriptionStyle, fixed_layout, fixed_style, html_widget

FILLED = "Filled in (or to fill in)"


def choice_id(section: str) -> str:
    """The field id of a section's choice (what an error summary link points at)."""
    return field_id("left_empty", section)


def _problem_html(messages: Sequence[str]) -> str:
    items = "<br>".join(f'<span class="fsnb-visually-hidden">Error: </span>{esc(m)}' for m in messages)
    return f'<p class="fsnb-field-problem">{items}</p>' if messages else ""


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
        # Each choice is a field of its own, with its own message: "Key dates: fill this in, or mark it ..."
        # shows at (and is tied to) the choice that answers it, which the error summary's link focuses.
        self.messages = {name: html_widget("") for name in self.choices}
        boxes = []
        for name, box in self.choices.items():
            holder = widgets.VBox([box, self.messages[name]], layout=fixed_layout(width="100%"))
            holder.add_class("fsnb-field")
            holder.add_class(f"fsnb-fid-{choice_id(name)}")
            boxes.append(holder)
        self.problem = html_widget("")
        self.widget = widgets.VBox([*boxes, self.problem], layout=widgets.Layout(width="100%"))
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

    def field_id_for(self, loc: tuple) -> str | None:
        """The choice a problem at (section,) below `left_empty` is about (the error summary links to it)."""
        return choice_id(loc[0]) if loc and loc[0] in self.choices else None

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """A problem at ('left_empty', section) shows at that section's choice; any other under the choices."""
        at: dict[str | None, list[str]] = {}
        for p in problems:
            loc = p.below
            at.setdefault(loc[0] if loc and loc[0] in self.choices else None, []).append(p.words)
        for name, shown in self.messages.items():
            shown.value = _problem_html(at.get(name, []))
        self.problem.value = _problem_html(at.get(None, []))

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.choices.values():
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in self.choices.values():
            box.disabled = disabled
