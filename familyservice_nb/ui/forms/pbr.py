"""PBR outcomes: a checkbox for each outcome of the council's plan, each with its status.

guidance: Supervision Recording Expectations - "Reference to Extended Troubled Families PBR outcomes".
The programme and the outcomes plan are council settings (`CouncilSettings.pbr_programme`,
`CouncilSettings.pbr_outcomes`: the council's own list, else the national one); never listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import CaseDiscussion, OutcomeStatus, PBRProgramme, Problem, pbr_outcomes
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import (
    CheckboxStyle,
    DescriptionStyle,
    fixed_layout,
    fixed_style,
    html_widget,
)


class PBRPart(Part):
    """`pbr_outcomes`: the ticked outcomes, in the programme's own order."""

    def __init__(self, programme, outcomes=None):
        self.name = "pbr_outcomes"
        self.programme = PBRProgramme(programme)
        self.outcomes = tuple(outcomes) if outcomes else pbr_outcomes(programme)
        info = CaseDiscussion.model_fields["pbr_outcomes"]
        self.boxes = [widgets.Checkbox(description=o, value=False, indent=False, layout=fixed_layout(width="auto"),
                                       style=fixed_style(CheckboxStyle))
                      for o in self.outcomes]
        statuses = [s.value for s in OutcomeStatus]
        self.statuses = [widgets.Dropdown(description=f"Status of {o}", options=statuses, value=statuses[0],
                                          style=fixed_style(DescriptionStyle, description_width="initial"),
                                          layout=fixed_layout(width="auto"))
                         for o in self.outcomes]
        for box in self.boxes:
            box.add_class("fsnb-pbr-box")
        self.extra: list[str] = []  # outcomes in a loaded record that the programme no longer lists
        self.head = html_widget(
            f'<p class="fsnb-legend">{esc(info.title)}: {esc(self.programme.heading)}</p>'
            f'<div class="fsnb-help">{esc(info.description)}</div>'
        )
        pairs = [widgets.HBox([box, status], layout=fixed_layout()) for box, status in zip(self.boxes, self.statuses, strict=True)]
        grid = widgets.GridBox(pairs, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(300px, 1fr))", grid_gap="2px 16px", width="100%"))
        self.problem = html_widget("")
        self.widget = widgets.VBox([self.head, grid, self.problem], layout=widgets.Layout(width="100%"))
        self.widget.add_class("fsnb-field")
        self.widget.add_class("fsnb-pbr")

    def record_value(self):
        return [{"outcome": o, "status": status.value}
                for o, box, status in zip(self.outcomes, self.boxes, self.statuses, strict=True) if box.value
                ] + self.extra

    def draft_value(self):
        return self.record_value()

    def load(self, value) -> None:
        items = [{"outcome": v, "status": OutcomeStatus.IDENTIFIED.value} if isinstance(v, str) else dict(v)
                 for v in value or []]
        chosen = {i.get("outcome"): i.get("status") or OutcomeStatus.IDENTIFIED.value for i in items}
        for outcome, box, status in zip(self.outcomes, self.boxes, self.statuses, strict=True):
            box.value = outcome in chosen
            if chosen.get(outcome) in status.options:
                status.value = chosen[outcome]
        self.extra = [i for i in items if i.get("outcome") not in self.outcomes]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        if problems:
            items = "".join(f"<span>{esc(p.words)}</span>" for p in problems)
            self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>'
        else:
            self.problem.value = ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in (*self.boxes, *self.statuses):
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in (*self.boxes, *self.statuses):
            box.disabled = disabled
