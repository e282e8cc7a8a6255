"""What is behind each figure of the Recording timeliness and Management oversight pages.

Each page makes one of these and puts its `picker` above its charts and its slots under them:

- `TimelinessDrillDown`: a bar of the worker, team, type-of-note or rule chart, or a month's point, opens
  the notes its % on time counts (on time, late and overdue); a days-taken column opens its notes recorded
  within or after their deadline. The notes come from `TimelinessFigures.positions_behind` under the very
  filters the figures were made for (`Figures.filters`), so the count shown is the figure clicked.
- `OversightDrillDown`: a segment of the gaps chart (a team, a measure), or any line of the counts by team or
  by manager, opens that measure's lines there (`OversightReport.lines_behind`).

`notes_display` adds the columns a table of notes shows (the day recorded, the timeliness in words); the
late and overdue table uses it too.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from familyservice_nb.figures import DAY_LABELS, month_rows, on_time_rows
from familyservice_nb.ui.kit.catalogue import CASE_STORY_NOTEBOOK
from familyservice_nb.ui.kit.drilldown import Behind, DrillDown, FigurePicker, on_point_click
from familyservice_nb.ui.kit.tables import TOP_ROWS, Link, tagged_filename
from familyservice_nb.ui.kit.values import figures_as_of
from familyservice_nb.vocab import TIMELINESS_LABELS, Timeliness

_LABELS = {t.value: TIMELINESS_LABELS[t] for t in Timeliness}
_RECORDED = (Timeliness.ON_TIME.value, Timeliness.LATE.value)
NOT_RECORDED = "Not recorded yet"

# The notes' columns on screen (the day recorded as text); the Excel download has the day itself.
NOTE_COLUMNS = {
    "note_id": "Note", "case_id": "Case", "worker": "Worker", "note_type": "Type of note",
    "event_date": "Event date", "due_date": "Due by", "recorded_text": "Recorded",
    "working_days_taken": "Working days taken", "status_label": "Timeliness", "why": "Rule applied and why",
}
TIMELINESS_CHARTS = (
    ("On time, by worker", "worker"), ("On time, by team", "team"), ("The trend, month by month", "month"),
    ("On time, by type of note", "note_type"), ("Risk notes apart from the rest", "rule"),
    ("Working days taken", "days_taken"),
)
CHART_ORDER = {"rule": "given"}  # the rule chart keeps the table's order; the others are lowest first
DAY_PARTS = {"on_time": "recorded within the deadline", "late": "recorded after the deadline"}


def notes_display(notes: pd.DataFrame) -> pd.DataFrame:
    """Notes with the columns a table shows: `recorded` (the London day, for notes the rule counts as
    recorded: on time or late; a draft's `recorded_at` is not a recording), `recorded_text` ("Not recorded
    yet" otherwise) and `status_label` (the timeliness in words)."""
    shown = notes.copy()
    status = shown["timeliness"].astype(str)
    is_recorded = status.isin(_RECORDED).to_numpy()
    if "recorded_at" in shown:
        recorded = pd.to_datetime(shown["recorded_at"])
        if getattr(recorded.dt, "tz", None) is not None:
            recorded = recorded.dt.tz_localize(None)
        shown["recorded"] = recorded.dt.normalize().where(is_recorded)
    else:
        shown["recorded"] = pd.NaT
    shown["recorded_text"] = shown["recorded"].dt.strftime("%d/%m/%Y").fillna(NOT_RECORDED).astype(object)
    shown["status_label"] = status.map(_LABELS)
    return shown


def present_columns(columns: Mapping[str, str], frame: pd.DataFrame) -> dict[str, str]:
    return {k: v for k, v in columns.items() if k in frame.columns}


def _days_words(label: str) -> str:
    return f"{label} working day{'' if label == '1' else 's'} taken"


class TimelinessDrillDown:
    """The drill-down of the Recording timeliness page (`page` has `data`, `figures` and the six charts)."""

    def __init__(self, page, store=None, top: int = TOP_ROWS):
        self.page, self.store, self.top = page, store, top
        self._cases: set[str] | None = None
        self.table = DrillDown(css_class="fsnb-drilldown-notes", top=top)
        self.picker = FigurePicker(TIMELINESS_CHARTS, self.bars,
                                   lambda by, pick: self.open(by, *pick, focus=True))
        charts = {"worker": page.chart, "team": page.team_chart, "month": page.month_chart,
                  "note_type": page.type_chart, "rule": page.rule_chart}
        for by, chart in charts.items():
            on_point_click(chart.data[0], lambda i, by=by: self.clicked(by, i))
        for trace, part in zip(page.days_chart.data[:2], DAY_PARTS, strict=True):
            on_point_click(trace, lambda i, part=part: self.open("days_taken", DAY_LABELS[i], part))

    def slot(self, by: str):
        return self.table.slot(by)

    # -- which figure ---------------------------------------------------------------------------------

    def rows(self, by: str) -> pd.DataFrame:
        """The chart's rows in the order it draws them: bar (or point) i is row i."""
        figures = self.page.figures
        if by == "month":
            return month_rows(figures.by_month)
        return on_time_rows(figures.tables()[by], by, CHART_ORDER.get(by, "lowest"))

    def clicked(self, by: str, index: int) -> None:
        rows = self.rows(by)
        if index < len(rows):
            self.open(by, rows[by].iloc[index], "counted")

    def bars(self, by: str) -> list[tuple[str, tuple]]:
        """(words, (value, part)) for every bar of a chart as drawn now, each with its figure."""
        if by == "days_taken":
            counts = self.page.figures.days_taken
            return [(f"{_days_words(day)}: {DAY_PARTS[part]} ({n:,} notes)", (day, part))
                    for part, column in (("on_time", "within_deadline"), ("late", "after_deadline"))
                    for day, n in zip(counts["working_days"], counts[column], strict=True) if n]
        rows = self.rows(by)
        return [(self.label(by, row[by], row), (row[by], "counted")) for row in rows.to_dict("records")]

    @staticmethod
    def label(by: str, value, row: Mapping | None = None) -> str:
        name = f"{pd.Timestamp(value):%B %Y}" if by == "month" else str(value)
        if row is None:
            return name
        counted = int(row["on_time"] + row["late"] + row["overdue"])
        return f"{name}: {row['pct_on_time']:.1f}% recorded on time ({int(row['on_time']):,} of {counted:,})"

    def words(self, by: str, value, part: str) -> str:
        if by == "days_taken":
            return f"{_days_words(str(value))}: {DAY_PARTS[part]}"
        rows = self.rows(by)
        match = rows[(rows[by] == value).to_numpy()].to_dict("records")
        return self.label(by, value, match[0] if match else None)

    # -- showing -------------------------------------------------------------------------------------

    def open(self, by: str, value, part: str = "counted", *, focus: bool = False) -> Behind:
        """Show the notes behind one figure under its chart (the figure's filters, the domain's notes)."""
        data, figures = self.page.data, self.page.figures
        positions = data.positions_behind(figures.filters, by, value, part)
        label = self.words(by, value, part)
        first = self.display(data.notes_at(positions, self.top))
        columns = present_columns(NOTE_COLUMNS, first)
        described = figures.filters.describe()
        as_of = getattr(self.page, "as_of", None)
        behind = Behind(
            label=label, rows=first, total=len(positions), columns=columns,
            every=lambda: self.display(data.notes_at(positions)),
            excel_columns={("recorded" if k == "recorded_text" else k): v for k, v in columns.items()},
            links=self.links(first), numeric=["working_days_taken"],
            filename=tagged_filename("notes-behind.xlsx", as_of, label),
            about=[figures_as_of(as_of), f"Filters: {described}" if described else "Filters: none (everything)",
                   f"The notes behind ‘{label}’."],
        )
        self.table.show(behind, slot=by, key=(by, value, part), focus=focus)
        return behind

    def redraw(self) -> None:
        """After a filter change: the picker's figures, and an open table shown again for the new filters
        (closed when its figure is no longer drawn)."""
        self.picker.redraw()
        if self.table.key is None:
            return
        by, value, part = self.table.key
        if any(pick == (value, part) for _words, pick in self.bars(by)):
            self.open(by, value, part)
        else:
            self.table.hide()

    def display(self, notes: pd.DataFrame) -> pd.DataFrame:
        shown = notes_display(notes)
        known = self.cases() if "case_id" in shown else set()
        if known:
            shown["story_case"] = shown["case_id"].where(shown["case_id"].isin(known))
        return shown

    def links(self, frame: pd.DataFrame) -> dict[str, Link]:
        """A note's case opens its oversight story where the workbook holds the case (a Mosaic note itself is
        not a workbook record)."""
        return {"case_id": Link(CASE_STORY_NOTEBOOK, "case", "story_case")} if "story_case" in frame else {}

    def cases(self) -> set[str]:
        """The cases this user may open in the workbook (read once)."""
        if self._cases is None:
            try:
                self._cases = {c.case_id for c in self.store.cases()} if self.store is not None else set()
            except Exception:  # noqa: BLE001 - without the list, notes are shown without links
                self._cases = set()
        return self._cases


class OversightDrillDown:
    """The drill-down of the Management oversight page (`page` has `shown`, the report for its filters, and
    `chart`, the gaps by team); `tables` is the page's spec of each measure's table."""

    NUMERIC = ("days_overdue", "days_late")

    def __init__(self, page, tables: Mapping[str, dict], top: int = TOP_ROWS):
        self.page, self.tables, self.top = page, tables, top
        self.table = DrillDown(css_class="fsnb-drilldown-lines", top=top)
        self.picker = FigurePicker((("Gaps by team", "team"), ("Gaps by manager", "manager")), self.bars,
                                   lambda by, pick: self.open(by, *pick, focus=True), noun="lines")
        for trace in page.chart.data[:-1]:  # one trace per measure; the last is the totals' text
            on_point_click(trace, lambda i, measure=trace.meta: self.clicked(measure, i))

    def slot(self):
        return self.table.slot("chart")

    def clicked(self, measure: str, index: int) -> None:
        counts = self.page.shown.counts("team")  # the chart's rows, in its order
        if index < len(counts):
            self.open("team", counts["team"].iloc[index], measure)

    def bars(self, by: str) -> list[tuple[str, tuple]]:
        counts, titles = self.page.shown.counts(by), self.page.shown.titles()
        return [(f"{value}: {titles[measure]} ({n:,})", (value, measure))
                for value, row in zip(counts[by], counts.to_dict("records"), strict=True)
                for measure in self.tables if (n := int(row[measure]))]

    def open(self, by: str, value: str, measure: str, *, focus: bool = False) -> Behind:
        report = self.page.shown
        lines = report.lines_behind(measure, by, value)
        spec = self.tables[measure]
        label = f"{value}: {report.titles()[measure]}"
        behind = Behind(
            label=label, rows=lines.head(self.top), total=len(lines), columns=spec["columns"], every=lambda: lines,
            excel_columns=spec.get("excel"), links=spec.get("links", {}),
            numeric=[c for c in spec["columns"] if c in self.NUMERIC], noun="lines", noun_one="line",
            filename=tagged_filename("oversight-lines-behind.xlsx", report.as_of, label),
            about=[figures_as_of(report.as_of), f"Filters: {self.filters_words()}", f"The lines behind ‘{label}’."],
        )
        self.table.show(behind, slot="chart", key=(by, value, measure), focus=focus)
        return behind

    def filters_words(self) -> str:
        said = [f"{name} {value}" for name, value in (("team", self.page.team.value),
                                                      ("manager", self.page.manager.value)) if value]
        return ", ".join(said) or "none (every team and manager)"

    def redraw(self) -> None:
        self.picker.redraw()
        if self.table.key is None:
            return
        by, value, measure = self.table.key
        if any(pick == (value, measure) for _words, pick in self.bars(by)):
            self.open(by, value, measure)
        else:
            self.table.hide()

