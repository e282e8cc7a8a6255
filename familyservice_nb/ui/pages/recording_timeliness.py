"""The "Recording timeliness" dashboard: how quickly case notes reach Mosaic, with filters.

guidance: Case Recording Quality Standards - Record timeliness, "Time taken to make running records on
cases"; Timeliness and accuracy of records (5 working days; the next working day when risk is identified).
Every figure comes from `familyservice_nb.timeliness` (the rule lives there, once); this module lays the
figures out: % on time by worker, team, month and type of note, risk notes apart from the rest, working
days taken, and the late and overdue notes, with filters (team, worker, dates, type of note, risk).

The notes are assessed once and prepared once (`figures.TimelinessFigures`); a filter change
makes a mask, asks for the figures and writes them into the charts and tables already on the page
(`refresh`); `show(assessed)` puts other notes on the same page. Data comes from the workbook's database
(imported extracts, who-sees-what applied) or, without one, the extract file the app was started with
(`dashboard_data`); an analyst or manager may upload an extract in the page (`dashboard_upload`).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.figures import Figures, Filters, TimelinessFigures
from familyservice_nb.timeliness import assess_timeliness
from familyservice_nb.ui.charts import (
    days_taken_figure,
    figure_widget,
    month_trend_figure,
    on_time_bars_figure,
    update_days_taken,
    update_month_trend,
    update_on_time_bars,
    worker_on_time_figure,
)
from familyservice_nb.ui.kit.behind_figures import TimelinessDrillDown, notes_display
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import NotesSource, notes_for, notes_from_extract, signed_in_name
from familyservice_nb.ui.kit.filters import TimelinessFilterBar
from familyservice_nb.ui.kit.html import MISSING, esc, figure_cards, uk_date
from familyservice_nb.ui.kit.shell import AppPage, build_fresh_page
from familyservice_nb.ui.kit.tables import TOP_ROWS, TableSection, for_excel
from familyservice_nb.ui.kit.upload import ExtractUpload
from familyservice_nb.ui.kit.values import figures_as_of, london_now

TITLE = "Recording timeliness"

LATE_COLUMNS = {
    "worker": "Worker",
    "team": "Team",
    "case_id": "Case",
    "note_id": "Note",
    "note_type": "Type of note",
    "event_date": "Event date",
    "due_date": "Due by",
    "recorded": "Recorded",
    "days_late": "Days late",
    "status_label": "Timeliness",
    "rule": "Rule",
}


def _count(n) -> str:
    return f"{int(n):,}"


def headline_html(figures: dict, as_of: dt.date) -> str:
    """The headline figures: % on time, late, overdue, not yet due."""
    counted = int(figures["on_time"] + figures["late"] + figures["overdue"])
    pct = figures["pct_on_time"]
    pct_text = MISSING if pd.isna(pct) else f"{pct:.1f}%"
    median = figures["median_working_days"]
    return figure_cards(
        [
            (pct_text, "recorded on time", f"of {_count(counted)} notes due by {uk_date(as_of)}"),
            (_count(figures["late"]), "recorded late", "after the due date"),
            (_count(figures["overdue"]), "overdue", "due date passed, not recorded"),
            (_count(figures["pending"]), "not yet due", "due date still to come"),
            (MISSING if pd.isna(median) else f"{median:g}", "median working days taken", "to record a note (0 = the same day)"),
        ]
    )


FIGURE_COLUMNS = {
    "notes": "Notes", "on_time": "On time", "late": "Recorded late", "overdue": "Overdue", "pending": "Not yet due",
    "pct_on_time": "% on time", "median_working_days": "Median working days taken",
}
GROUP_TITLES = {  # (tab title, first column's heading, what a row is)
    "worker": ("By worker", "Worker", "workers"), "team": ("By team", "Team", "teams"),
    "month": ("By month", "Month of the event", "months"),
    "note_type": ("By type of note", "Type of note", "types of note"),
    "rule": ("By rule (risk)", "Rule", "rules: risk notes apart from the rest"),
}
LATE_WHAT = "notes recorded late or not recorded by their due date, most days late first"


def _late_columns(assessed: pd.DataFrame) -> dict[str, str]:
    """The late table's columns these notes have (the recorded day shown as text on screen)."""
    present = notes_display(assessed.iloc[:0]).columns
    columns = {("recorded_text" if k == "recorded" else k): v for k, v in LATE_COLUMNS.items()}
    return {k: v for k, v in columns.items() if k in present}


class RecordingTimelinessDashboard(AppPage):
    """Headline figures, six charts, the figures as tables, and the late and overdue notes, with filters."""

    def __init__(self, assessed: pd.DataFrame, *, user: str, source: str = "", notices: list[str] = (),
                 notes_source: NotesSource | None = None, calendar=None, top: int = TOP_ROWS):
        self.calendar, self.top = calendar, top
        self.read_at = london_now()  # when these figures were read (said with the as-of date)
        self.as_of_line = widgets.HTML()
        self.as_of_line.add_class("fsnb-as-of-line")
        self.source = widgets.HTML()
        self.notices = widgets.HTML()
        self.set_source(source, notices)
        self.filter_bar = TimelinessFilterBar(on_change=self.refresh)
        self.status = widgets.HTML()
        self.status.add_class("fsnb-filter-status")
        self.headline = widgets.HTML()
        self.headline.add_class("fsnb-headline")

        self.data = TimelinessFigures(assessed, top=top)
        figures = self.data.figures()
        # Complete figures first, then the widgets (see charts.figure_widget).
        overall = figures.overall["pct_on_time"]
        self.chart = figure_widget(worker_on_time_figure(figures.by_worker, overall))
        self.team_chart = figure_widget(on_time_bars_figure(
            figures.by_team, "team", "Notes recorded on time, by team (lowest first)", "Team", overall))
        self.month_chart = figure_widget(month_trend_figure(figures.by_month, overall))
        self.type_chart = figure_widget(on_time_bars_figure(
            figures.by_note_type, "note_type", "Notes recorded on time, by type of note (lowest first)",
            "Type of note", overall))
        self.rule_chart = figure_widget(on_time_bars_figure(
            figures.by_rule, "rule", "Risk notes (next working day) and the rest (5 working days)", "Rule",
            overall, order="given"))
        self.days_chart = figure_widget(days_taken_figure(figures.days_taken))
        self.chart.add_class("fsnb-chart-worker")  # the page's first chart keeps the plain `fsnb-chart` class
        for chart, css in ((self.team_chart, "fsnb-chart-team"), (self.month_chart, "fsnb-chart-month"),
                           (self.type_chart, "fsnb-chart-note-type"), (self.rule_chart, "fsnb-chart-rule"),
                           (self.days_chart, "fsnb-chart-days")):
            chart.remove_class("fsnb-chart")
            chart.add_class("fsnb-more-chart")
            chart.add_class(css)

        self.drilldown = TimelinessDrillDown(self, store=notes_source.store if notes_source is not None else None)
        self.group_sections = {
            name: TableSection(
                title, {name: heading, **FIGURE_COLUMNS}, what=what,
                filename=f"recording-timeliness-{name.replace('_', '-')}.xlsx",
                numeric=list(FIGURE_COLUMNS), css_class=f"fsnb-figures-{name.replace('_', '-')}", top=500,
                empty_message="No notes match these filters.",
            )
            for name, (title, heading, what) in GROUP_TITLES.items()
        }
        self.tables = widgets.Tab(children=list(self.group_sections.values()))
        for i, (title, _heading, _what) in enumerate(GROUP_TITLES.values()):
            self.tables.set_title(i, title)
        self.tables.add_class("fsnb-figure-tables")
        self.late_section = TableSection(
            "Late and overdue notes", _late_columns(assessed), what=LATE_WHAT,
            filename="late-and-overdue-notes.xlsx", numeric=["days_late"], css_class="fsnb-late-notes",
            empty_message="No notes were recorded late, and none are overdue.", top=top,
        )
        self.late_section.heading.value = ""  # the page gives the heading
        self.table = self.late_section.table
        self.upload = None
        if notes_source is not None and notes_source.can_upload:
            self.upload = ExtractUpload(notes_source, self._uploaded)
        body = [
            self.as_of_line, self.source, self.notices, *([self.upload] if self.upload else []),
            self.filter_bar, self.status, self.headline,
            self.drilldown.picker,
            widgets.HTML("<h2>On time, by worker</h2>"), self.chart, self.drilldown.slot("worker"),
            widgets.HTML("<h2>On time, by team</h2>"), self.team_chart, self.drilldown.slot("team"),
            widgets.HTML("<h2>The trend, month by month</h2>"), self.month_chart, self.drilldown.slot("month"),
            widgets.HTML("<h2>On time, by type of note</h2>"), self.type_chart, self.drilldown.slot("note_type"),
            widgets.HTML("<h2>Risk notes apart from the rest</h2>"), self.rule_chart, self.drilldown.slot("rule"),
            widgets.HTML("<h2>Working days taken</h2>"), self.days_chart, self.drilldown.slot("days_taken"),
            widgets.HTML("<h2>The figures as tables</h2>"), self.tables,
            widgets.HTML("<h2>Late and overdue notes</h2>"), self.late_section,
        ]
        super().__init__(TITLE, body, user=user)
        self.add_class("fsnb-recording-timeliness")
        self.filter_bar.set_data(self.data)
        self.last_redraw_seconds = 0.0
        self._draw(figures, charts=False)

    # -- data -----------------------------------------------------------------------------------------

    @property
    def assessed(self) -> pd.DataFrame:
        return self.data.assessed

    @property
    def as_of(self) -> dt.date:
        return self.data.as_of or dt.date.today()

    def set_source(self, source: str, notices=()) -> None:
        self.source.value = f'<p class="fsnb-muted fsnb-source">{esc(source)}</p>' if source else ""
        self.notices.value = "".join(f'<p class="fsnb-notice">{esc(n)}</p>' for n in notices)

    def show(self, assessed: pd.DataFrame) -> None:
        """Show other notes (an upload, a new import): prepared again, the filters kept where they apply."""
        self.data = TimelinessFigures(assessed, top=self.top)
        self.read_at = london_now()
        self.late_section.columns = _late_columns(assessed)
        self.filter_bar.set_data(self.data)
        self.refresh()

    def _uploaded(self, notes: pd.DataFrame, as_of: dt.date, source: str) -> None:
        self.set_source(source)
        self.show(assess_timeliness(notes, calendar=self.calendar, as_of=as_of))

    # -- drawing --------------------------------------------------------------------------------------

    def refresh(self, filters: Filters | None = None) -> Figures:
        """Redraw every chart and table for these filters (the filter bar's, when not given)."""
        started = time.perf_counter()
        figures = self.data.figures(filters or self.filter_bar.filters())
        self._draw(figures)
        self.last_redraw_seconds = time.perf_counter() - started
        return figures

    def _draw(self, figures: Figures, charts: bool = True) -> None:
        self.figures = figures
        overall = figures.overall["pct_on_time"]
        if charts:
            update_on_time_bars(self.chart, figures.by_worker, overall, by="worker")
            update_on_time_bars(self.team_chart, figures.by_team, overall, by="team")
            update_month_trend(self.month_chart, figures.by_month, overall)
            update_on_time_bars(self.type_chart, figures.by_note_type, overall, by="note_type")
            update_on_time_bars(self.rule_chart, figures.by_rule, overall, by="rule", order="given")
            update_days_taken(self.days_chart, figures.days_taken)
        for name, table in figures.tables().items():
            self.group_sections[name].show(table)
        self.late_section.show(notes_display(self.data.late_frame(figures, limit=self.top)), total=figures.late_total)
        self.late_section.sheets = self._late_sheets
        self.as_of_line.value = f'<p class="fsnb-as-of">{esc(figures_as_of(self.as_of, self.read_at))}</p>'
        self.headline.value = headline_html(figures.overall, self.as_of)
        described = self.filter_bar.filters().describe()
        as_of_words = figures_as_of(self.as_of, self.read_at)
        for section in (*self.group_sections.values(), self.late_section):
            section.describe_export(as_of_words, described, self.as_of)
        self.status.value = (f'<p class="fsnb-muted" role="status">Showing {figures.notes:,} notes'
                             f'{": " + esc(described) if described else " (no filters)"}.</p>')
        if figures.notes == 0 and described:  # not a silent blank chart
            self.filter_bar.notice(f"No notes match these filters ({described}), so the charts and tables are "
                                   "empty. Widen the dates, or choose another team, worker or type of note.")
        self.drilldown.redraw()  # the figures' notes under the new filters

    def _late_sheets(self) -> dict[str, pd.DataFrame]:
        """Every late and overdue note for the filters shown, for the Excel download."""
        every = notes_display(self.data.late_frame(self.figures))
        columns = {("recorded" if k == "recorded_text" else k): v for k, v in self.late_section.columns.items()}
        return {"Late and overdue notes": for_excel(every, columns)}

    # -- building ---------------------------------------------------------------------------------------

    @classmethod
    def from_source(cls, source: NotesSource, *, user: str, calendar=None) -> RecordingTimelinessDashboard:
        calendar = calendar or (source.store.calendar() if source.store is not None else None)
        assessed = assess_timeliness(source.notes, calendar=calendar, as_of=source.as_of)
        return cls(assessed, user=user, source=source.description, notices=source.notices, notes_source=source,
                   calendar=calendar)

    @classmethod
    def from_notes(cls, notes: pd.DataFrame, *, user: str, as_of=None, calendar=None, source: str = "",
                   notices: list[str] = ()) -> RecordingTimelinessDashboard:
        assessed = assess_timeliness(notes, calendar=calendar, as_of=as_of)
        return cls(assessed, user=user, source=source, notices=notices, calendar=calendar)

    @classmethod
    def from_extract(cls, path: str | Path, *, user: str, mapping=None, as_of=None, calendar=None):
        return cls.from_source(notes_from_extract(Path(path), mapping, as_of), user=user, calendar=calendar)

    @classmethod
    def from_context(cls, context: PageContext) -> RecordingTimelinessDashboard:
        source = notes_for(context)
        calendar = source.store.calendar() if source.store is not None else context.calendar()
        return cls.from_source(source, user=signed_in_name(context), calendar=calendar)

    @classmethod
    def from_environment(cls):
        """The page for the environment's user and data (or a plain-words problem page)."""
        return build_fresh_page(TITLE, cls.from_context)
