"""PBR outcomes: a checkbox for each headline problem or outcome of the council's programme.

guidance: Supervision Recording Expectations - "Reference to Extended Troubled Families PBR outcomes".
The programme is a council setting (`CouncilSettings.pbr_programme`); its list comes from
`records.pbr_outcomes`, never from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import CaseDiscussion, pbr_outcomes
from familyservice_nb.ui.forms.framework.parts import Part, Problem
from familyservice_nb.ui.kit.html import esc


class PBRPart(Part):
    """`pbr_outcomes`: the ticked outcomes, in the programme's own order."""

    def __init__(self, programme):
        self.name = "pbr_outcomes"
        self.programme = programme
        self.outcomes = pbr_outcomes(programme)
        info = CaseDiscussion.model_fields["pbr_outcomes"]
        self.boxes = [widgets.Checkbox(description=o, value=False, indent=False, layout=widgets.Layout(width="auto"))
                      for o in self.outcomes]
        for box in self.boxes:
            box.add_class("fsnb-pbr-box")
        self.extra: list[str] = []  # outcomes in a loaded record that the programme no longer lists
        self.head = widgets.HTML(
            f'<p class="fsnb-legend">{esc(info.title)}: {esc(programme)} programme</p>'
            f'<div class="fsnb-help">{esc(info.description)}</div>'
        )
        grid = widgets.GridBox(self.boxes, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(300px, 1fr))", grid_gap="2px 16px", width="100%"))
        self.problem = widgets.HTML("")
        self.widget = widgets.VBox([self.head, grid, self.problem], layout=widgets.Layout(width="100%"))
        self.widget.add_class("fsnb-field")
        self.widget.add_class("fsnb-pbr")

    def record_value(self):
        return [o for o, box in zip(self.outcomes, self.boxes, strict=True) if box.value] + self.extra

    def draft_value(self):
        return self.record_value()

    def load(self, value) -> None:
        chosen = set(value or [])
        for outcome, box in zip(self.outcomes, self.boxes, strict=True):
            box.value = outcome in chosen
        self.extra = [o for o in (value or []) if o not in self.outcomes]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        if problems:
            items = "".join(f"<span>{esc(m)}</span>" for _loc, m in problems)
            self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>'
        else:
            self.problem.value = ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.boxes:
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in self.boxes:
            box.disabled = disabled
