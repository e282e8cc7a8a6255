"""The "Recording timeliness" dashboard: how quickly case notes reach Mosaic, by worker.

guidance: Case Recording Quality Standards - Record timeliness, "Time taken to make running records on
cases". Every figure comes from `familyservice_nb.timeliness` (the rule lives there, once); this module
only lays the figures out. `show(assessed)` redraws the page in place, so filters can be added on top
without rebuilding widgets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from ..errors import WorkbookError
from ..timeliness import assess_timeliness, late_and_overdue, overall_timeliness, timeliness_by_worker
from ..vocab import TIMELINESS_LABELS, Timeliness
from .charts import figure_widget, update_worker_on_time, worker_on_time_figure
from .context import PageContext
from .html import MISSING, esc, figure_cards, html_table, uk_date
from .shell import AppPage, build_page

TITLE = "Recording timeliness"
TABLE_LIMIT = 500  # rows shown in the late and overdue table; the caption gives the full count

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


def late_notes_frame(assessed: pd.DataFrame) -> pd.DataFrame:
    """The late and overdue notes, most days late first, with display columns added."""
    late = late_and_overdue(assessed)
    shown = late.copy()
    is_late = shown["timeliness"].astype(str) == Timeliness.LATE.value
    if "recorded_at" in shown:
        recorded = pd.to_datetime(shown["recorded_at"])
        if getattr(recorded.dt, "tz", None) is not None:
            recorded = recorded.dt.tz_localize(None)
        shown["recorded"] = recorded.dt.normalize().where(is_late)
    else:
        shown["recorded"] = pd.NaT
    labels = {t.value: TIMELINESS_LABELS[t] for t in Timeliness}
    shown["status_label"] = shown["timeliness"].astype(str).map(labels)
    return shown


def late_notes_html(assessed: pd.DataFrame, limit: int = TABLE_LIMIT) -> str:
    shown = late_notes_frame(assessed)
    total = len(shown)
    columns = {k: v for k, v in LATE_COLUMNS.items() if k in shown.columns}
    caption = f"{total:,} notes recorded late or not recorded by their due date, most days late first"
    if total > limit:
        caption += f" (the first {limit:,} are shown)"
    page = shown.head(limit)
    table = html_table(
        page.assign(recorded=_recorded_text(page["recorded"])),
        columns,
        caption=caption + ".",
        numeric=["days_late"],
        empty_message="No notes were recorded late, and none are overdue.",
    )
    return f'<div class="fsnb-table-wrap" tabindex="0" role="region" aria-label="Late and overdue notes">{table}</div>'


def _recorded_text(recorded: pd.Series) -> pd.Series:
    return pd.to_datetime(recorded).dt.strftime("%d/%m/%Y").fillna("Not recorded yet").astype(object)


class RecordingTimelinessDashboard(AppPage):
    """Headline figures, % on time by worker (chart), and the late and overdue notes (table)."""

    def __init__(self, assessed: pd.DataFrame, *, user: str, source: str = "", notices: list[str] = ()):
        self.as_of: dt.date = assessed.attrs.get("as_of") or dt.date.today()
        self.as_of_line = widgets.HTML()
        self.as_of_line.add_class("fsnb-as-of-line")
        source_html = f'<p class="fsnb-muted fsnb-source">{esc(source)}</p>' if source else ""
        self.source = widgets.HTML(source_html)
        notices_html = "".join(f'<p class="fsnb-notice">{esc(n)}</p>' for n in notices)
        self.notices = widgets.HTML(notices_html)
        self.headline = widgets.HTML()
        self.headline.add_class("fsnb-headline")
        figures, self.by_worker = overall_timeliness(assessed), timeliness_by_worker(assessed)
        # A complete figure first, then the widget (see charts.figure_widget).
        self.chart = figure_widget(worker_on_time_figure(self.by_worker, figures["pct_on_time"]))
        self.table = widgets.HTML()
        self.table.add_class("fsnb-late-notes")
        body = [
            self.as_of_line,
            self.source,
            self.notices,
            self.headline,
            widgets.HTML("<h2>On time, by worker</h2>"),
            self.chart,
            widgets.HTML("<h2>Late and overdue notes</h2>"),
            self.table,
        ]
        super().__init__(TITLE, body, user=user)
        self.add_class("fsnb-recording-timeliness")
        self.show(assessed, figures=figures, redraw_chart=False)

    def show(self, assessed: pd.DataFrame, *, figures: dict | None = None, redraw_chart: bool = True) -> None:
        """Show these notes' figures, updating the widgets in place."""
        self.assessed = assessed
        figures = figures or overall_timeliness(assessed)
        self.figures = figures
        self.as_of_line.value = f'<p class="fsnb-as-of">Figures as of {esc(uk_date(self.as_of))}</p>'
        self.headline.value = headline_html(figures, self.as_of)
        if redraw_chart:
            self.by_worker = timeliness_by_worker(assessed)
            update_worker_on_time(self.chart, self.by_worker, figures["pct_on_time"])
        self.table.value = late_notes_html(assessed)

    # -- building ------------------------------------------------------------------------------------

    @classmethod
    def from_notes(cls, notes: pd.DataFrame, *, user: str, as_of=None, calendar=None, source: str = "",
                   notices: list[str] = ()) -> RecordingTimelinessDashboard:
        assessed = assess_timeliness(notes, calendar=calendar, as_of=as_of)
        return cls(assessed, user=user, source=source, notices=notices)

    @classmethod
    def from_extract(cls, path: str | Path, *, user: str, mapping=None, as_of=None, calendar=None):
        from ..extract import read_extract

        result = read_extract(path, mapping=mapping)
        name = Path(path).name
        source = f"From the extract {name}: {len(result.notes):,} notes."
        notices = []
        if len(result.rejects):
            notices.append(
                f"{len(result.rejects):,} of the extract's {result.rows_in:,} rows could not be used and are "
                "left out of these figures (the timeliness command lists them, with the reason for each)."
            )
        notices += [str(w) for w in result.warnings]
        return cls.from_notes(result.notes, user=user, as_of=as_of, calendar=calendar, source=source,
                              notices=notices)

    @classmethod
    def from_context(cls, context: PageContext) -> RecordingTimelinessDashboard:
        if context.extract is None:
            raise WorkbookError(
                "No extract has been chosen. Start the app with `familyservice-nb serve --demo` to see the "
                "demo data, or set FSNB_EXTRACT to a Mosaic running-record extract."
            )
        return cls.from_extract(
            context.extract, user=context.user, mapping=context.mapping, as_of=context.as_of,
            calendar=context.calendar(),
        )

    @classmethod
    def from_environment(cls):
        """The dashboard for the extract the environment names (or a plain-words problem page)."""
        return build_page(TITLE, cls.from_context)
