"""Choosing whose record it is: a practitioner, then one of their cases (only cases the user may see).

The lists come from the store, which applies who-sees-what. Nothing opens until the Start button is
pressed, so moving through a list with the arrow keys never rebuilds the form underneath.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import uk
from familyservice_nb.ui.kit.shared import html_widget

ALL = "__all__"


def case_label(case) -> str:
    label = f"{case.case_id} – {case.family_pseudonym}"
    if case.close_date:
        label += f" (closed {uk(case.close_date)})"
    return label


class SubjectChooser(widgets.VBox):
    """Practitioner (and case) dropdowns and a Start button; `on_start(practitioner, case_id)`."""

    def __init__(
        self,
        practitioners: Sequence[tuple[str, str]],
        cases: Sequence,
        *,
        with_case: bool = True,
        practitioner_required: bool = True,
        start_label: str = "Start",
        on_start: Callable[[str | None, str | None], None] | None = None,
    ):
        self.cases = list(cases)
        self.with_case = with_case
        self.practitioner_required = practitioner_required
        self.on_start = on_start
        style = {"description_width": "initial"}
        first = [] if practitioner_required or not with_case else [("All practitioners", ALL)]
        self.practitioner = widgets.Dropdown(
            description="Practitioner", options=[("Choose a practitioner…", None), *first, *practitioners],
            value=None if practitioner_required or not with_case else ALL, style=style,
            layout=widgets.Layout(width="auto", min_width="320px"))
        self.practitioner.index = 0 if self.practitioner.value is None else self.practitioner.index
        self.practitioner.add_class("fsnb-stacked")
        self.practitioner.add_class("fsnb-choose-practitioner")
        self.case = widgets.Dropdown(description="Case", options=[], style=style,
                                     layout=widgets.Layout(width="auto", min_width="380px"))
        self.case.add_class("fsnb-stacked")
        self.case.add_class("fsnb-choose-case")
        self.start = widgets.Button(description=start_label, button_style="primary", icon="arrow-right",
                                    layout=widgets.Layout(width="auto"))
        self.start.add_class("fsnb-start")
        self.start.on_click(lambda _b: self._start())
        self.problem = html_widget("")
        row = [self.practitioner, *([self.case] if with_case else []), self.start]
        line = widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-end", width="100%"))
        line.add_class("fsnb-chooser-line")
        super().__init__([line, self.problem], layout=widgets.Layout(width="100%"))
        self.add_class("fsnb-chooser")
        self.practitioner.observe(lambda _c: self._fill_cases(), "value")
        self._fill_cases()

    def set_lists(self, practitioners: Sequence[tuple[str, str]], cases: Sequence) -> None:
        """New lists (the page was pre-built before it was asked for), keeping the current choice."""
        chosen, case = self.practitioner.value, self.case.value
        self.cases = list(cases)
        head = [o for o in self.practitioner.options if o[1] in (None, ALL)]
        self.practitioner.options = [*head, *practitioners]
        if chosen is not None and chosen in {v for _l, v in self.practitioner.options}:
            self.practitioner.value = chosen
        else:
            self.practitioner.index = 0
        self._fill_cases()
        if case in {v for _l, v in self.case.options}:
            self.case.value = case

    def _fill_cases(self) -> None:
        if not self.with_case:
            return
        who = self.practitioner.value
        if who is None and self.practitioner_required:
            self.case.options = [("Choose a practitioner first", None)]
            self.case.index = 0
            return
        mine = [c for c in self.cases if who in (None, ALL) or c.allocated_worker == who]
        mine.sort(key=lambda c: (c.close_date is not None, c.case_id))
        if not mine:
            self.case.options = [("No cases you can see for this practitioner", None)]
            self.case.index = 0
            return
        self.case.options = [("Choose a case…", None), *((case_label(c), c.case_id) for c in mine)]
        self.case.index = 0  # the "Choose" line shows, so the first arrow press picks the first case

    def choose(self, practitioner: str | None, case_id: str | None) -> None:
        """Set the lists to a given practitioner and case (a link into the page)."""
        if practitioner is not None and practitioner in {v for _l, v in self.practitioner.options}:
            self.practitioner.value = practitioner
        if case_id is not None and case_id in {v for _l, v in self.case.options}:
            self.case.value = case_id

    def say(self, message: str = "", css: str = "fsnb-field-problem") -> None:
        from familyservice_nb.ui.kit.html import esc

        self.problem.value = f'<div class="{css}" role="alert"><span>{esc(message)}</span></div>' if message else ""

    def _start(self) -> None:
        practitioner = self.practitioner.value
        practitioner = None if practitioner == ALL else practitioner
        case_id = self.case.value if self.with_case else None
        if self.practitioner_required and practitioner is None:
            self.say("Choose the practitioner first.")
            return
        if self.with_case and case_id is None:
            self.say("Choose the case first.")
            return
        self.say("")
        if self.on_start is not None:
            self.on_start(practitioner, case_id)
