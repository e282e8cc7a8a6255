"""Charts the analyst notebooks need that `charts.py` does not have yet: plain plotly figures.

% on time by team and by kind of note, the trend by month, and how many working days notes took. Each
takes a table the domain already gives (`timeliness_by_team`, `timeliness_by_month`, ...) and only lays
it out, in the same style as `charts.worker_on_time_figure`: every bar and point carries its figure in
words, so colour is never the only carrier of meaning. Show one with `fig.show()` in JupyterLab, or
`charts.figure_widget(fig)` in the app.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..export import plain_labels
from ..vocab import RECORDING_DEADLINE, RISK_RECORDING_DEADLINE, RULE_RISK, RULE_STANDARD
from .charts import BAR_COLOUR, FONT, REFERENCE_COLOUR, ROW_HEIGHT, _on_time_labels

RISK_COLOUR = "#8a1c4a"
MOST_DAYS_SHOWN = 15  # notes that took longer share the last bar, labelled "15+"


def _layout(title: str, **more) -> dict:
    return dict(
        template="plotly_white", title=dict(text=title, x=0, xanchor="left"), font=FONT,
        hoverlabel=dict(font=FONT), margin=dict(l=10, r=150, t=60, b=60), **more,
    )


def _reference_line(fig: go.Figure, overall_pct: float | None, axis: str) -> None:
    if overall_pct is None or pd.isna(overall_pct):
        return
    label = f"All notes: {overall_pct:.1f}%"
    if axis == "x":
        fig.add_vline(x=overall_pct, line=dict(color=REFERENCE_COLOUR, width=2, dash="dash"),
                      annotation=dict(text=label, font=dict(color="#5c3700", size=13)), annotation_position="top")
    else:  # labelled in the right margin, clear of the points' own labels
        fig.add_hline(y=overall_pct, line=dict(color=REFERENCE_COLOUR, width=2, dash="dash"))
        fig.add_annotation(xref="paper", x=1.01, xanchor="left", y=overall_pct, yref="y", showarrow=False,
                           text=label, font=dict(color="#5c3700", size=13))


def on_time_bars_figure(rows: pd.DataFrame, by: str, title: str, axis_title: str,
                        overall_pct: float | None = None) -> go.Figure:
    """% of notes recorded on time, one bar per group in column `by`, lowest first, each bar labelled.

    `rows` is a figures table (`timeliness_by_team`, `timeliness_by_note_type`, `summarise_timeliness`);
    groups with nothing due yet have no % and are left out.
    """
    counted = rows[rows["pct_on_time"].notna()].sort_values(["pct_on_time", by], kind="stable")
    median = counted["median_working_days"].map(lambda v: "–" if pd.isna(v) else f"{v:g}")
    custom = np.column_stack([counted["on_time"], counted["late"], counted["overdue"], median]) \
        if len(counted) else np.empty((0, 4))
    fig = go.Figure(layout=_layout(
        title,
        xaxis=dict(title=dict(text="Notes recorded on time (%)"), range=[0, 100], ticksuffix="%", fixedrange=True,
                   gridcolor="#d5d9de"),
        yaxis=dict(title=dict(text=axis_title), autorange="reversed", automargin=True, fixedrange=True,
                   type="category", ticksuffix="  "),
        showlegend=False, bargap=0.25, height=max(320, ROW_HEIGHT * len(counted) + 140),
    ))
    fig.add_trace(go.Bar(
        orientation="h", x=counted["pct_on_time"].to_numpy(), y=plain_labels(counted[by]),
        text=_on_time_labels(counted) if len(counted) else [], textposition="outside", cliponaxis=False,
        textfont=dict(color="#1b1b1b", size=13), marker=dict(color=BAR_COLOUR), customdata=custom,
        hovertemplate=("<b>%{y}</b><br>%{x:.1f}% on time<br>on time %{customdata[0]}, late %{customdata[1]}, "
                       "overdue %{customdata[2]}<br>median working days taken %{customdata[3]}<extra></extra>"),
        name="Recorded on time",
    ))
    _reference_line(fig, overall_pct, "x")
    return fig


def team_on_time_figure(by_team: pd.DataFrame, overall_pct: float | None = None) -> go.Figure:
    """% on time by team (`timeliness_by_team`), lowest first."""
    return on_time_bars_figure(by_team, "team", "Notes recorded on time, by team (lowest first)", "Team",
                               overall_pct)


def note_type_on_time_figure(by_note_type: pd.DataFrame, overall_pct: float | None = None) -> go.Figure:
    """% on time by kind of note (`timeliness_by_note_type`), lowest first."""
    return on_time_bars_figure(by_note_type, "note_type", "Notes recorded on time, by kind of note (lowest first)",
                               "Kind of note", overall_pct)


def month_trend_figure(by_month: pd.DataFrame, overall_pct: float | None = None) -> go.Figure:
    """% on time by month of the event (`timeliness_by_month`), with the count behind each point.

    The latest months can still change: notes not yet due are not counted until they are.
    """
    rows = by_month[by_month["pct_on_time"].notna()].sort_values("month")
    months = pd.to_datetime(rows["month"])
    counted = (rows["on_time"] + rows["late"] + rows["overdue"]).astype(int)
    fig = go.Figure(layout=_layout(
        "Notes recorded on time, by month of the event",
        xaxis=dict(title=dict(text="Month of the event"), tickformat="%b %Y", dtick="M1", fixedrange=True),
        yaxis=dict(title=dict(text="Notes recorded on time (%)"), range=[0, 105], ticksuffix="%", fixedrange=True,
                   gridcolor="#d5d9de"),
        showlegend=False, height=420,
    ))
    fig.add_trace(go.Scatter(
        x=months, y=rows["pct_on_time"].to_numpy(), mode="lines+markers+text",
        text=rows["pct_on_time"].map("{:.0f}%".format).to_numpy(), textposition="top center",
        line=dict(color=BAR_COLOUR, width=3), marker=dict(size=8, color=BAR_COLOUR),
        customdata=np.column_stack([rows["on_time"], counted, rows["pending"]]) if len(rows) else np.empty((0, 3)),
        hovertemplate=("<b>%{x|%B %Y}</b><br>%{y:.1f}% on time (%{customdata[0]} of %{customdata[1]})<br>"
                       "not yet due %{customdata[2]}<extra></extra>"),
        name="Recorded on time",
    ))
    _reference_line(fig, overall_pct, "y")
    return fig


def working_days_figure(assessed: pd.DataFrame) -> go.Figure:
    """How many working days recorded notes took (0 = the same day), split by rule, with both deadlines.

    `assessed` is `assess_timeliness(...)`; notes not recorded yet and deleted notes have no working days
    taken and are not in the chart. Notes that took more than 15 working days share the last bar.
    """
    taken = assessed["working_days_taken"].astype("Float64")
    has = taken.notna().to_numpy()
    days = np.minimum(taken.to_numpy(dtype="float64", na_value=np.nan)[has], MOST_DAYS_SHOWN).astype(int)
    rule = assessed["rule"].astype(str).to_numpy()[has]
    labels = [str(d) for d in range(MOST_DAYS_SHOWN)] + [f"{MOST_DAYS_SHOWN}+"]
    fig = go.Figure(layout=_layout(
        "Working days taken to record a note",
        xaxis=dict(title=dict(text="Working days after the event (0 = the same day)"), type="category",
                   categoryorder="array", categoryarray=labels, range=[-0.5, len(labels) - 0.5], fixedrange=True),
        yaxis=dict(title=dict(text="Notes"), fixedrange=True, gridcolor="#d5d9de"),
        barmode="stack", bargap=0.15, height=440, legend=dict(title=dict(text="Rule")),
    ))
    for name, colour in ((RULE_STANDARD, BAR_COLOUR), (RULE_RISK, RISK_COLOUR)):
        counts = np.bincount(days[rule == name], minlength=MOST_DAYS_SHOWN + 1)
        fig.add_trace(go.Bar(
            x=labels, y=counts, name=name, marker=dict(color=colour),
            hovertemplate=f"<b>{name}</b><br>%{{x}} working days: %{{y}} notes<extra></extra>",
        ))
    for deadline, text in ((RISK_RECORDING_DEADLINE.days, f"Risk: {RISK_RECORDING_DEADLINE}"),
                           (RECORDING_DEADLINE.days, f"Deadline: {RECORDING_DEADLINE}")):
        # between the deadline's bar and the next; a note recorded at a weekend after its deadline is
        # late yet left of the line, as the weekend day is not a working day
        fig.add_vline(x=deadline + 0.5, line=dict(color=REFERENCE_COLOUR, width=2, dash="dash"),
                      annotation=dict(text=text, font=dict(color="#5c3700", size=13)), annotation_position="top right")
    return fig
