"""Drill-down: the notes (or lines) behind the figure clicked, shown under the chart that was clicked.

- `DrillDown` is the table: a heading that says what was clicked and how many ("3 notes behind 'Alex Ashdown:
  33.3% recorded on time (1 of 3)'"), the first rows (`TableSection`: count, Excel download of every row) and
  a Close button. It moves into the slot under the chart clicked (`slot(key)`); one table per page.
- `FigurePicker` is the keyboard's way to the same tables: plotly's bars and points cannot take the focus,
  so two drop-downs ("Figure", then its bar, point or line, each with its figure) and a button open exactly
  what a click opens, and the focus then moves to the table's Close button.
- A page's own glue (`behind_figures`) says which figure each click is and asks the domain for its notes
  (`figures.TimelinessFigures.positions_behind`, `oversight.OversightReport.lines_behind`): no rule here.

Clicks arrive through plotly's FigureWidget `on_click` (the browser sends the trace and point index);
`on_point_click` turns them into the one point clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import fixed_layout
from familyservice_nb.ui.kit.tables import TOP_ROWS, Link, TableSection


@dataclass
class Behind:
    """What one figure stands for, ready to show: the heading's words, its first rows and the full count."""

    label: str  # what was clicked, in words: "Alex Ashdown: 33.3% recorded on time (1 of 3)"
    rows: pd.DataFrame  # the first rows, in order, with the display columns
    total: int  # every row behind the figure: always the figure clicked
    columns: Mapping[str, str]
    every: Callable[[], pd.DataFrame]  # every row, for the Excel download (made on click)
    excel_columns: Mapping[str, str] | None = None
    links: Mapping[str, Link] = field(default_factory=dict)
    numeric: Sequence[str] = ()
    noun: str = "notes"
    noun_one: str = "note"
    filename: str = "notes-behind-a-figure.xlsx"
    about: Sequence[str] = ()  # the download's first sheet: as-of date, filters, what was clicked


def heading_words(behind: Behind) -> str:
    """'23 notes behind ‘Pat Practitioner: recorded late’' (one note, one line: said so)."""
    noun = behind.noun_one if behind.total == 1 else behind.noun
    return f"{behind.total:,} {noun} behind ‘{behind.label}’"


class DrillDown(widgets.VBox):
    """The table of what is behind one figure, with a Close button; it sits in one of the page's slots."""

    def __init__(self, *, css_class: str = "", top: int = TOP_ROWS):
        self.close_button = widgets.Button(description="Close", icon="times", layout=widgets.Layout(width="auto"),
                                           tooltip="Close the table of what is behind this figure")
        self.close_button.add_class("fsnb-drilldown-close")
        self.close_button.on_click(lambda _b: self.hide())
        self.section = TableSection("What is behind the figure", {}, what="notes", filename="behind.xlsx", top=top,
                                    empty_message="Nothing is behind this figure under these filters.")
        self.section.heading.add_class("fsnb-drilldown-heading")
        # The heading and Close on one line above the table: the focus lands on Close, then the table follows.
        self.section.children = (self.section.table, self.section.download)
        top_line = widgets.HBox([self.section.heading, self.close_button],
                                layout=widgets.Layout(justify_content="space-between", align_items="center",
                                                      flex_flow="row wrap", width="100%"))
        top_line.add_class("fsnb-drilldown-top")
        self.shown: Behind | None = None
        self.key = None  # what is shown (the page's own key, to show it again after a filter change)
        self.slots: dict[object, widgets.Box] = {}
        super().__init__([top_line, self.section], layout=widgets.Layout(width="100%"))
        self.add_class("fsnb-drilldown")
        if css_class:
            self.add_class(css_class)

    def slot(self, name) -> widgets.Box:
        """The empty place under a chart where the table opens when that chart is clicked."""
        box = widgets.VBox(layout=fixed_layout(width="100%"))
        box.add_class("fsnb-drilldown-slot")
        self.slots[name] = box
        return box

    @property
    def is_open(self) -> bool:
        return any(self in box.children for box in self.slots.values())

    def show(self, behind: Behind, *, slot, key=None, focus: bool = False) -> None:
        """Show `behind` in the slot named `slot` (the chart clicked), closing it anywhere else."""
        section = self.section
        section.title = heading_words(behind)
        section.columns, section.excel_columns = dict(behind.columns), behind.excel_columns
        section.links, section.numeric = dict(behind.links), list(behind.numeric)
        section.what, section.what_one = f"{behind.noun} behind this figure", f"{behind.noun_one} behind this figure"
        section.heading.value = f'<h3 role="status">{esc(section.title)}</h3>'
        section.base_filename = section.download.filename = behind.filename
        section.show(behind.rows, total=behind.total)
        section.sheets = lambda: {"Behind the figure": _excel(behind)}
        section.about = list(behind.about)
        self.shown, self.key = behind, key
        for name, box in self.slots.items():
            box.children = (self,) if name == slot else ()
        if focus:
            self.close_button.focus()

    def hide(self) -> None:
        for box in self.slots.values():
            box.children = ()
        self.shown, self.key = None, None


def _excel(behind: Behind) -> pd.DataFrame:
    from familyservice_nb.ui.kit.tables import for_excel

    every = behind.every()
    columns = behind.excel_columns or {k: v for k, v in behind.columns.items() if k in every.columns}
    return for_excel(every, columns)


class FigurePicker(widgets.HBox):
    """The keyboard's way to a drill-down: choose a figure (a chart or table), then its bar, point or line.

    `charts` are (label, key) pairs; `bars(key)` gives (label, value) pairs for the figures shown now;
    `on_pick(key, value)` opens it.
    """

    def __init__(self, charts: Sequence[tuple[str, object]], bars: Callable[[object], list[tuple[str, object]]],
                 on_pick: Callable[[object, object], None], *, noun: str = "notes"):
        self.bars = bars
        style = {"description_width": "initial"}
        self.chart = widgets.Dropdown(options=list(charts), description="Show the " + noun + " behind",
                                      style=style, layout=widgets.Layout(width="auto"))
        self.chart.add_class("fsnb-drill-chart")
        self.bar = widgets.Dropdown(description="Figure", style=style, layout=widgets.Layout(width="auto",
                                                                                             max_width="100%"))
        self.bar.add_class("fsnb-drill-bar")
        self.button = widgets.Button(description=f"Show the {noun}", icon="table", layout=widgets.Layout(width="auto"))
        self.button.add_class("fsnb-drill-show")
        self.button.on_click(lambda _b: self.bar.value is not None and on_pick(self.chart.value, self.value))
        self.chart.observe(lambda _c: self.redraw(), names="value")
        super().__init__([self.chart, self.bar, self.button], layout=widgets.Layout(flex_flow="row wrap",
                                                                                     align_items="flex-end"))
        self.add_class("fsnb-drill-picker")
        self._values: list = []  # filled by `redraw`, once the page has its figures

    def redraw(self) -> None:
        """The chosen figure's bars as they are now (after a filter change, or another figure chosen)."""
        options = self.bars(self.chart.value) if self.chart.value is not None else []
        before = self.bar.value
        self.bar.options = [(label, i) for i, (label, _value) in enumerate(options)] or [("Nothing to show", None)]
        self._values = [value for _label, value in options]
        self.bar.value = before if before is not None and before < len(options) else (0 if options else None)
        self.button.disabled = not options

    @property
    def value(self):
        return None if self.bar.value is None else self._values[self.bar.value]


def on_point_click(trace, handler: Callable[[int], None]) -> None:
    """Call `handler(point_index)` when a point (bar) of `trace` is clicked: plotly calls every trace's
    callbacks on each click, most with no point, so only the trace clicked answers."""

    def clicked(_trace, points, _state) -> None:
        if points.point_inds:
            handler(int(points.point_inds[0]))

    trace.on_click(clicked)
