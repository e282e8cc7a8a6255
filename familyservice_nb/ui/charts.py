"""Every chart of the workbook, in one place: plain plotly figures built from the domain's figures tables.

Each chart is a build/update pair: `*_figure(table)` makes a complete figure, and its `update_*` twin
writes new figures into the same figure in place (one batch of messages when it is a FigureWidget), so a
filter change moves data, not widgets. Charts only lay out what the domain worked out (`timeliness`,
`figures`, `oversight`, `standards`): no chart decides what is late. Colour is never the only carrier of
meaning: every bar and point has its figure written on it, and series that differ carry a pattern too.

| chart | table it draws |
|---|---|
| `on_time_bars_figure` (`worker_`, `team_`, `note_type_on_time_figure`) | `timeliness_by_worker` and friends |
| `month_trend_figure` | `timeliness_by_month` |
| `days_taken_figure` | `figures.days_taken(assessed)` (or `Figures.days_taken`) |
| `gaps_figure` | `OversightReport.counts(...)` |
| `standards_figure` | `standards_table(evidence)` |
| `caseload_figure` | a practitioner's `OpeningFigures` (line management) |

Show one with `fig.show()` in JupyterLab, or `figure_widget(fig)` in the app (`ui/kit/chart_widget.py`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from familyservice_nb.export import plain_labels
from familyservice_nb.figures import DAY_LABELS, month_rows, on_time_rows
from familyservice_nb.ui.kit.chart_widget import ESM_ENV, figure_widget  # noqa: F401 - a page shows a chart with it

BAR_COLOUR = "#1d4f91"
REFERENCE_COLOUR = "#b26a00"
AFTER_COLOUR = "#8a1c4a"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", size=14)
ROW_HEIGHT = 28
# Oversight measures: a pattern each (and a shade), so they read apart in print and without colour.
PATTERNS = ("", "/", "x", ".", "+", "-")
SHADES = ("#1d4f91", "#5a7fb8", "#8a1c4a", "#b26a00", "#3d6b35", "#555555")
ON_TIME_AXIS = dict(title=dict(text="Notes recorded on time (%)"), range=[0, 100], ticksuffix="%", fixedrange=True,
                    gridcolor="#d5d9de")


def label_margin(labels) -> int:
    """Pixels to leave left of the bars for these category labels and the axis title.

    Worked out here rather than by plotly's `automargin`, which draws a chart twice on every update (once
    to measure the labels): with several charts redrawn on each filter change, that doubles the browser's
    work. About 8 pixels a character at the charts' 14-pixel font, plus the axis title.
    """
    longest = max((len(str(v)) for v in labels), default=4)
    return int(min(360, 48 + 8 * (longest + 2)))


@functools.cache
def _template() -> go.layout.Template:
    """plotly's "plotly_white", as much of it as these charts use: its layout, and its defaults for the two
    kinds of trace drawn here (bars and lines). Built once.

    Named in a figure (`template="plotly_white"`), plotly built the template again for every figure; given
    whole, it still checked and copied its defaults for all 24 kinds of trace, twice a chart (the figure,
    then its widget): 170 ms a chart, about half of the kernel's time to build a dashboard. This: 12 ms."""
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    return go.layout.Template(layout=white.layout, data={"bar": white.data.bar, "scatter": white.data.scatter})


def _layout(title: str, **more) -> dict:
    return dict(template=_template(), title=dict(text=title, x=0, xanchor="left"), font=FONT,
                hoverlabel=dict(font=FONT)) | {"margin": dict(l=10, r=150, t=60, b=60)} | more


def _category_axis(title: str) -> dict:
    """A list of names down the side, first at the top (margin set by `label_margin`, see there)."""
    return dict(title=dict(text=title), autorange="reversed", automargin=False, fixedrange=True, type="category",
                ticksuffix="  ")


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def batch(fig: go.Figure):
    """One message for all the changes when `fig` is a widget; nothing special otherwise."""
    return fig.batch_update() if isinstance(fig, go.FigureWidget) else _Nothing()


def _count(values) -> np.ndarray:
    return np.asarray(values, dtype="int64").astype(str).astype(object)


def on_time_labels(rows: pd.DataFrame) -> np.ndarray:
    """'85.2% (123 of 144)' for each row of a figures table."""
    counted = rows["on_time"].to_numpy() + rows["late"].to_numpy() + rows["overdue"].to_numpy()
    pct = np.char.mod("%.1f%%", rows["pct_on_time"].to_numpy(dtype="float64")).astype(object)
    return pct + " (" + _count(rows["on_time"]) + " of " + _count(counted) + ")"


def _median_text(rows: pd.DataFrame) -> np.ndarray:
    values = rows["median_working_days"].to_numpy(dtype="float64")
    text = np.char.mod("%g", np.nan_to_num(values)).astype(object)
    return np.where(np.isnan(values), "–", text)


def _reference(fig: go.Figure, overall_pct, axis: str) -> None:
    """The dashed line of the figure for all the notes shown, labelled in words."""
    if overall_pct is None or pd.isna(overall_pct):
        fig.layout.shapes, fig.layout.annotations = [], []
        return
    label = f"All notes shown: {overall_pct:.1f}%"
    line = dict(color=REFERENCE_COLOUR, width=2, dash="dash")
    if axis == "x":
        fig.layout.shapes = [dict(type="line", xref="x", yref="paper", x0=overall_pct, x1=overall_pct, y0=0, y1=1,
                                  line=line)]
        fig.layout.annotations = [dict(xref="x", yref="paper", x=overall_pct, y=1, yanchor="bottom", showarrow=False,
                                       text=label, font=dict(color="#5c3700", size=13))]
    else:  # labelled in the right margin, clear of the points' own labels
        fig.layout.shapes = [dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=overall_pct, y1=overall_pct,
                                  line=line)]
        fig.layout.annotations = [dict(xref="paper", x=1.01, xanchor="left", yref="y", y=overall_pct,
                                       showarrow=False, text=label, font=dict(color="#5c3700", size=13))]


# -- % on time, one bar per group -------------------------------------------------------------------


def on_time_bars_figure(rows: pd.DataFrame, by: str, title: str, axis_title: str, overall_pct=None,
                        order: str = "lowest") -> go.Figure:
    """% of notes recorded on time, one labelled bar per group in column `by` of a figures table.

    `order`: "lowest" first (ties by name), or "given" (the table's own order, e.g. the two rules). Groups
    with nothing due yet have no % and are left out.
    """
    fig = go.Figure(layout=_layout(title, xaxis=ON_TIME_AXIS, yaxis=_category_axis(axis_title), showlegend=False,
                                   bargap=0.25))
    fig.add_trace(go.Bar(
        orientation="h", marker=dict(color=BAR_COLOUR), textposition="outside", cliponaxis=False,
        textfont=dict(color="#1b1b1b", size=13), name="Recorded on time",
        hovertemplate=("<b>%{y}</b><br>%{x:.1f}% on time<br>on time %{customdata[0]}, late %{customdata[1]}, "
                       "overdue %{customdata[2]}<br>median working days taken %{customdata[3]}<extra></extra>"),
    ))
    update_on_time_bars(fig, rows, overall_pct, by=by, order=order)
    return fig


def update_on_time_bars(fig: go.Figure, rows: pd.DataFrame, overall_pct=None, *, by: str, order: str = "lowest"):
    counted = on_time_rows(rows, by, order)
    custom = np.column_stack([counted["on_time"], counted["late"], counted["overdue"], _median_text(counted)]) \
        if len(counted) else np.empty((0, 4))
    with batch(fig):
        bar = fig.data[0]
        bar.x = counted["pct_on_time"].to_numpy(dtype="float64")
        bar.y = plain_labels(counted[by].astype(str))  # names are text, never markup
        bar.text = on_time_labels(counted) if len(counted) else []
        bar.customdata = custom
        fig.layout.height = max(260, ROW_HEIGHT * len(counted) + 140)
        fig.layout.margin.l = label_margin(bar.y)
        _reference(fig, overall_pct, "x")


def worker_on_time_figure(by_worker: pd.DataFrame, overall_pct=None) -> go.Figure:
    """% on time by worker (`timeliness_by_worker`), lowest first."""
    return on_time_bars_figure(by_worker, "worker", "Notes recorded on time, by worker (lowest first)", "Worker",
                               overall_pct)


def team_on_time_figure(by_team: pd.DataFrame, overall_pct=None) -> go.Figure:
    """% on time by team (`timeliness_by_team`), lowest first."""
    return on_time_bars_figure(by_team, "team", "Notes recorded on time, by team (lowest first)", "Team", overall_pct)


def note_type_on_time_figure(by_note_type: pd.DataFrame, overall_pct=None) -> go.Figure:
    """% on time by kind of note (`timeliness_by_note_type`), lowest first."""
    return on_time_bars_figure(by_note_type, "note_type", "Notes recorded on time, by kind of note (lowest first)",
                               "Kind of note", overall_pct)


# -- the trend by month ---------------------------------------------------------------------------------


def month_trend_figure(by_month: pd.DataFrame, overall_pct=None) -> go.Figure:
    """% on time by month of the event (`timeliness_by_month`), each point labelled with its figure.

    The latest months can still change: notes not yet due are not counted until they are.
    """
    fig = go.Figure(layout=_layout(
        "Notes recorded on time, by month of the event",
        xaxis=dict(title=dict(text="Month of the event"), type="category", fixedrange=True),
        yaxis=ON_TIME_AXIS | dict(range=[0, 108]), showlegend=False, height=420,
    ))
    fig.add_trace(go.Scatter(
        mode="lines+markers+text", textposition="top center", line=dict(color=BAR_COLOUR, width=3),
        marker=dict(size=9, color=BAR_COLOUR, symbol="circle"), textfont=dict(color="#1b1b1b", size=12),
        name="Recorded on time",
        hovertemplate=("<b>%{x}</b><br>%{y:.1f}% on time (%{customdata[0]} of %{customdata[1]})<br>"
                       "not yet due %{customdata[2]}<extra></extra>"),
    ))
    update_month_trend(fig, by_month, overall_pct)
    return fig


def update_month_trend(fig: go.Figure, by_month: pd.DataFrame, overall_pct=None) -> None:
    rows = month_rows(by_month)
    counted = rows["on_time"].to_numpy() + rows["late"].to_numpy() + rows["overdue"].to_numpy()
    with batch(fig):
        line = fig.data[0]
        line.x = rows["month"].dt.strftime("%b %Y").to_numpy()
        line.y = rows["pct_on_time"].to_numpy(dtype="float64")
        line.text = np.char.mod("%.0f%%", rows["pct_on_time"].to_numpy(dtype="float64")).astype(object) \
            if len(rows) else []
        line.customdata = np.column_stack([rows["on_time"], counted, rows["pending"]]) if len(rows) else np.empty((0, 3))
        _reference(fig, overall_pct, "y")


# -- working days taken ---------------------------------------------------------------------------------


def days_taken_figure(counts: pd.DataFrame) -> go.Figure:
    """How many working days recorded notes took (`figures.days_taken`); late notes hatched, every bar labelled.

    Late is the rule's verdict on each note, not a count of days: a note recorded on the Saturday after a
    Friday deadline took 5 working days and is late.
    """
    fig = go.Figure(layout=_layout(
        "Working days taken to record a note",
        xaxis=dict(title=dict(text="Working days after the event (0 = the same day)"), type="category",
                   categoryorder="array", categoryarray=DAY_LABELS, fixedrange=True),
        yaxis=dict(title=dict(text="Notes recorded"), fixedrange=True, gridcolor="#d5d9de", rangemode="tozero"),
        barmode="stack", bargap=0.15, height=440,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    ))
    fig.add_trace(go.Bar(
        x=DAY_LABELS, name="Recorded within its deadline", marker=dict(color=BAR_COLOUR),
        textposition="inside", insidetextanchor="middle", textfont=dict(size=11),
        hovertemplate="%{x} working days: %{y:,} notes within their deadline<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        x=DAY_LABELS, name="Recorded after its deadline (hatched)",
        marker=dict(color="#f3d9e4", line=dict(color=AFTER_COLOUR, width=1),
                    pattern=dict(shape="/", fgcolor=AFTER_COLOUR, solidity=0.35)),
        textposition="inside", insidetextanchor="middle", textfont=dict(size=11, color="#1b1b1b"),
        hovertemplate="%{x} working days: %{y:,} notes after their deadline<extra></extra>",
    ))
    fig.add_trace(go.Scatter(  # the total above each bar, in words
        x=DAY_LABELS, mode="text", textposition="top center", showlegend=False, hoverinfo="skip",
        textfont=dict(color="#1b1b1b", size=12), name="Notes",
    ))
    update_days_taken(fig, counts)
    return fig


def update_days_taken(fig: go.Figure, counts: pd.DataFrame) -> None:
    within, after = counts["within_deadline"].to_numpy(), counts["after_deadline"].to_numpy()
    total = within + after
    with batch(fig):
        fig.data[0].y, fig.data[1].y = within, after
        # The total is written above every bar; the two parts only where a bar has both and room for them.
        share = np.where(total > 0, np.minimum(within, after) / np.maximum(total, 1), 0)
        both = (within > 0) & (after > 0) & (share > 0.12)
        fig.data[0].text = np.where(both, _count(within), "")
        fig.data[1].text = np.where(both, _count(after), "")
        fig.data[2].y = total
        fig.data[2].text = np.char.mod("%d", total).astype(object)
        fig.layout.yaxis.range = [0, max(1, int(total.max()) if len(total) else 1) * 1.12]


# -- oversight gaps by team or manager -------------------------------------------------------------------


def gaps_figure(counts: pd.DataFrame, by: str, titles: dict[str, str], axis_title: str) -> go.Figure:
    """Lines per team (or manager), one patterned, labelled segment per measure (`OversightReport.counts`)."""
    fig = go.Figure(layout=_layout(
        f"Gaps in management oversight, by {axis_title.lower()}",
        xaxis=dict(title=dict(text="Gaps (lines to follow up)"), fixedrange=True, gridcolor="#d5d9de",
                   rangemode="tozero"),
        yaxis=_category_axis(axis_title),
        barmode="stack", bargap=0.25,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, traceorder="normal",
                    font=dict(size=13)),
        title_y=0.98, title_yanchor="top", margin=dict(l=10, r=60, t=150, b=60),
    ))
    for i, (name, title) in enumerate(titles.items()):
        fig.add_trace(go.Bar(
            orientation="h", name=title, textposition="inside", insidetextanchor="middle",
            marker=dict(color=SHADES[i % len(SHADES)], line=dict(color="#1b1b1b", width=0.5),
                        pattern=dict(shape=PATTERNS[i % len(PATTERNS)], fgcolor="#ffffff", solidity=0.3)),
            textfont=dict(color="#ffffff", size=12),
            hovertemplate=f"<b>%{{y}}</b><br>{title}: %{{x}}<extra></extra>",
            meta=name,
        ))
    fig.add_trace(go.Scatter(mode="text", textposition="middle right", showlegend=False, hoverinfo="skip",
                             textfont=dict(color="#1b1b1b", size=13), name="Total", cliponaxis=False))
    update_gaps(fig, counts, by)
    return fig


def update_gaps(fig: go.Figure, counts: pd.DataFrame, by: str) -> None:
    labels = plain_labels(counts[by].astype(str))  # names are text, never markup
    total = counts["total"].to_numpy() if len(counts) else np.array([], dtype=int)
    with batch(fig):
        for trace in fig.data[:-1]:
            values = counts[trace.meta].to_numpy() if len(counts) else np.array([], dtype=int)
            trace.x, trace.y = values, labels
            trace.text = np.where(values > 0, _count(values), "")
        fig.data[-1].x, fig.data[-1].y = total, labels
        fig.data[-1].text = np.char.mod("  %d in all", total).astype(object) if len(total) else []
        fig.layout.height = max(320, ROW_HEIGHT * 1.3 * len(labels) + 240)
        fig.layout.margin.l = label_margin(labels)
        fig.layout.xaxis.range = [0, max(1, int(total.max()) if len(total) else 1) * 1.2]


# -- quality standards -------------------------------------------------------------------------------------


def standards_figure(table: pd.DataFrame) -> go.Figure:
    """% met for each quality standard (`standards_table(evidence)`), each bar labelled with its figure."""
    fig = go.Figure(layout=_layout(
        "Quality standards met (%)",
        xaxis=dict(title=dict(text="Records meeting the standard (%)"), range=[0, 100], ticksuffix="%",
                   fixedrange=True, gridcolor="#d5d9de"),
        yaxis=_category_axis("Standard"),
        showlegend=False, bargap=0.3,
    ))
    fig.add_trace(go.Bar(orientation="h", marker=dict(color=BAR_COLOUR), textposition="outside", cliponaxis=False,
                         textfont=dict(color="#1b1b1b", size=13), name="Met",
                         hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>"))
    update_standards(fig, table)
    return fig


def update_standards(fig: go.Figure, table: pd.DataFrame) -> None:
    pct = table["pct_met"].to_numpy(dtype="float64")
    counted = table["records_counted"].to_numpy()
    counts = np.array([f"{int(n):,}" for n in counted], dtype=object)  # one per standard: a handful
    text = np.where(np.isnan(pct), "no records to measure yet",
                    np.char.mod("%.1f%%", np.nan_to_num(pct)).astype(object) + " of " + counts + " records")
    with batch(fig):
        bar = fig.data[0]
        bar.x, bar.y, bar.text = np.nan_to_num(pct), table["standard"].astype(str).to_numpy(), text
        fig.layout.height = max(240, ROW_HEIGHT * 1.5 * len(table) + 150)
        fig.layout.margin.l = label_margin(bar.y)

# -- a practitioner's notes by timeliness (line management) ----------------------------------------------


def caseload_figure(figures, labels: dict[str, str]) -> go.Figure:
    """A practitioner's case notes by timeliness (`OpeningFigures`), one labelled bar per `labels` entry."""
    values = [getattr(figures, k) for k in labels]
    fig = go.Figure(go.Bar(x=values, y=list(labels.values()), orientation="h", marker=dict(color=BAR_COLOUR),
                           text=values, textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_layout(_layout("Case notes by timeliness", height=230, width=520, showlegend=False,
                              margin=dict(l=10, r=40, t=40, b=30), xaxis=dict(fixedrange=True, rangemode="tozero"),
                              yaxis=dict(autorange="reversed", fixedrange=True, automargin=True)))
    return fig
