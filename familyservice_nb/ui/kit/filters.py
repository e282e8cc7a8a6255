"""The filter bar of the Recording timeliness page: team, worker, dates, type of note, risk.

Changing any filter calls `on_change(filters)` once (choosing a team narrows the worker list without a
second redraw). Dates are typed the UK way (25/11/2026) or picked from a calendar, with the forms' own
date box (`dateinput.UKDateInput`): a browser's date box alone shows month first in some locales.
A half-typed date changes nothing until it is a whole date.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from familyservice_nb.figures import RISK_CHOICES, Filters, TimelinessFigures
from familyservice_nb.ui.kit.dateinput import UKDateInput
from familyservice_nb.ui.kit.error_summary import ErrorSummary
from familyservice_nb.ui.kit.html import esc

ALL = ""  # the "everything" choice of a dropdown


def _options(all_label: str, values: list[str]) -> list[tuple[str, str]]:
    return [(all_label, ALL)] + [(v, v) for v in values]


class TimelinessFilterBar(widgets.VBox):
    """The filters, as widgets; `filters()` reads them as a `Filters`."""

    def __init__(self, on_change: Callable[[Filters], None] | None = None):
        self.on_change = on_change
        self._holding = False
        style = {"description_width": "initial"}
        self.team = widgets.Dropdown(description="Team", style=style, layout=widgets.Layout(width="230px"))
        self.worker = widgets.Dropdown(description="Worker", style=style, layout=widgets.Layout(width="250px"))
        self.note_type = widgets.Dropdown(description="Type of note", style=style,
                                          layout=widgets.Layout(width="300px"))
        self.risk = widgets.Dropdown(description="Risk", style=style, layout=widgets.Layout(width="300px"),
                                     options=[(label, key) for key, label in RISK_CHOICES.items()], value="all")
        self.date_from = UKDateInput("Events from")
        self.date_to = UKDateInput("Events up to")
        self.problem = widgets.HTML("")
        self.problem.add_class("fsnb-filter-problem")
        self.marker = ErrorSummary()  # lists nothing: it ties each date's problem to its box for screen readers
        self.reset = widgets.Button(description="Show everything", tooltip="Clear every filter")
        self.reset.on_click(lambda _b: self.clear())
        for control, css in ((self.team, "fsnb-filter-team"), (self.worker, "fsnb-filter-worker"),
                             (self.note_type, "fsnb-filter-note-type"), (self.risk, "fsnb-filter-risk"),
                             (self.date_from, "fsnb-filter-from"), (self.date_to, "fsnb-filter-to"),
                             (self.reset, "fsnb-filter-reset")):
            control.add_class(css)
        for dropdown in (self.team, self.worker, self.note_type, self.risk):
            dropdown.add_class("fsnb-stacked")  # the label above, as in the forms
        for control in (self.worker, self.note_type, self.risk):
            control.observe(self._changed, names="value")
        for date in (self.date_from, self.date_to):
            date.text.observe(self._changed, names="value")
        self.team.observe(self._team_changed, names="value")
        line = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        rows = [
            widgets.HBox([self.team, self.worker, self.note_type, self.risk], layout=line),
            widgets.HBox([self.date_from, self.date_to, self.reset], layout=line),
            self.problem,
            self.marker,
        ]
        for row in rows:
            row.add_class("fsnb-filter-line")
        super().__init__([widgets.HTML('<h2 id="fsnb-filters">Filters</h2>'), *rows])
        self.add_class("fsnb-filters")
        self._last: Filters | None = None
        self.data: TimelinessFigures | None = None

    # -- choices ----------------------------------------------------------------------------------

    def set_data(self, data: TimelinessFigures) -> None:
        """Offer the teams, workers and types of note in these notes (keeping choices still present)."""
        self.data = data
        with self.holding():
            self._set(self.team, _options("All teams", data.choices("team")))
            self._set(self.worker, _options("All workers", data.workers_in(self._value(self.team))))
            self._set(self.note_type, _options("All types of note", data.choices("note_type")))
        self._last = self.filters()  # what the page draws next

    @staticmethod
    def _set(dropdown: widgets.Dropdown, options: list[tuple[str, str]]) -> None:
        keep = dropdown.value if dropdown.value in {v for _l, v in options} else ALL
        dropdown.options = options
        dropdown.value = keep

    def _team_changed(self, _change) -> None:
        if self.data is not None:
            with self.holding():
                self._set(self.worker, _options("All workers", self.data.workers_in(self._value(self.team))))
        self._changed(None)

    # -- reading and changing -----------------------------------------------------------------------

    @staticmethod
    def _value(dropdown: widgets.Dropdown) -> str | None:
        return None if dropdown.value in (ALL, None) else dropdown.value

    def filters(self) -> Filters:
        return Filters(
            team=self._value(self.team), worker=self._value(self.worker), note_type=self._value(self.note_type),
            risk=self.risk.value or "all", date_from=self.date_from.date, date_to=self.date_to.date,
        )

    def set(self, filters: Filters) -> None:
        """Set every filter at once, then redraw once."""
        with self.holding():
            self.team.value = filters.team or ALL
            if self.data is not None:
                self._set(self.worker, _options("All workers", self.data.workers_in(filters.team)))
            self.worker.value = filters.worker or ALL
            self.note_type.value = filters.note_type or ALL
            self.risk.value = filters.risk
            self.date_from.value, self.date_to.value = filters.date_from, filters.date_to
        self._last = None  # redraw even when nothing changed (the page may show other notes)
        self._changed(None)

    def clear(self) -> None:
        self.set(Filters())

    def holding(self):
        bar = self

        class _Hold:
            def __enter__(self):
                self.before, bar._holding = bar._holding, True

            def __exit__(self, *exc):
                bar._holding = self.before
                return False

        return _Hold()

    def notice(self, text: str) -> None:
        """Say something about what the filters found (no notes at all), at the filters."""
        self.problem.value = f'<p class="fsnb-notice" role="status">{esc(text)}</p>'

    def _changed(self, _change) -> None:
        if self._holding or self.on_change is None:
            return
        filters = self.filters()
        dates = {"date_from": self.date_from, "date_to": self.date_to}
        problems = [(name, said) for name, date in dates.items() if (said := date.problem())] + filters.problems()
        # Each problem at its date, tied to it (`marker` marks the box aria-invalid, aria-describedby).
        for name, date in dates.items():
            date.show_problem(" ".join(m for at, m in problems if at == name) or None)
        self.problem.value = "".join(
            f'<p class="fsnb-field-problem" role="alert"><span class="fsnb-visually-hidden">Error: </span>{esc(m)}</p>'
            for name, m in problems if name not in dates)
        if problems:  # nothing is drawn for filters that cannot all hold; the last figures stay
            return
        if any(date.text.value.strip() and date.date is None for date in dates.values()):
            return  # a date still being typed: the figures wait for it
        if filters != self._last:  # a half-typed date, or the same choice again, changes nothing
            self._last = filters
            self.on_change(filters)
