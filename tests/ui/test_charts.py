"""The one chart module: built from the domain's tables, every figure written on the chart."""

from __future__ import annotations

import pandas as pd
import pytest

from familyservice_nb import (
    assess_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_team,
)
from familyservice_nb.figures import days_taken
from familyservice_nb.ui import charts

AS_OF = "2026-11-25"


@pytest.fixture
def assessed():
    # (team, note type, event, recorded or None, risk); events in October and November 2026
    rows = [
        ("North", "Visit", "2026-10-05", "2026-10-05", False),      # on time, 0 working days
        ("North", "Visit", "2026-10-05", "2026-10-20", False),      # late, 11 working days
        ("North", "E-mail", "2026-11-02", "2026-11-03", True),      # on time, 1 (risk)
        ("South", "E-mail", "2026-11-02", "2026-11-05", True),      # late, 3 (risk)
        ("South", "Visit", "2026-11-02", None, False),              # overdue
        ("South", "Visit", "2026-11-24", None, False),              # pending: nothing to show yet
        ("South", "Visit", "2026-10-01", "2026-11-24", False),      # late, 38 working days: the 15+ bar
    ]
    frame = pd.DataFrame(rows, columns=["team", "note_type", "event_date", "recorded_at", "risk_identified"])
    frame.insert(0, "note_id", [f"N{i}" for i in range(len(frame))])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    return assess_timeliness(frame, as_of=AS_OF)


def test_team_bars_lowest_first_each_labelled(assessed):
    fig = charts.team_on_time_figure(timeliness_by_team(assessed), overall_pct=33.3)
    bar = fig.data[0]
    assert list(bar.y) == ["South", "North"]
    assert list(bar.text) == ["0.0% (0 of 3)", "66.7% (2 of 3)"]
    assert fig.layout.shapes[0].x0 == 33.3
    assert fig.layout.annotations[0].text == "All notes shown: 33.3%"


def test_note_type_bars(assessed):
    fig = charts.note_type_on_time_figure(timeliness_by_note_type(assessed))
    assert list(fig.data[0].y) == ["Visit", "E-mail"]
    assert list(fig.data[0].text) == ["25.0% (1 of 4)", "50.0% (1 of 2)"]
    assert not fig.layout.shapes  # no overall figure given, no reference line


def test_month_trend_in_month_order_with_counts(assessed):
    fig = charts.month_trend_figure(timeliness_by_month(assessed), overall_pct=28.6)
    line = fig.data[0]
    assert [pd.Timestamp(x).strftime("%Y-%m") for x in line.x] == ["2026-10", "2026-11"]
    assert list(line.text) == ["33%", "33%"]
    assert [list(c) for c in line.customdata] == [[1, 3, 0], [1, 3, 1]]  # on time, counted, not yet due


def test_days_taken_split_by_the_rules_verdict(assessed):
    fig = charts.days_taken_figure(days_taken(assessed))
    within, after, total = fig.data
    assert within.x[-1] == "15+"
    by_day = lambda trace: dict(zip(trace.x, trace.y, strict=True))  # noqa: E731
    assert (by_day(within)["0"], by_day(within)["1"]) == (1, 1)  # on time: same day; next day with risk
    assert (by_day(after)["11"], by_day(after)["3"], by_day(after)["15+"]) == (1, 1, 1)  # the three late notes
    assert sum(within.y) + sum(after.y) == 5  # recorded notes only
    assert list(total.text)[:2] == ["1", "1"]


def test_nothing_due_yet_gives_an_empty_chart_not_an_error(assessed):
    pending = assessed[assessed["timeliness"] == "pending"]
    assert len(charts.team_on_time_figure(timeliness_by_team(pending)).data[0].y) == 0
    assert len(charts.month_trend_figure(timeliness_by_month(pending)).data[0].x) == 0
    assert sum(charts.days_taken_figure(days_taken(pending)).data[0].y) == 0


def test_every_chart_keeps_plotly_whites_look_for_what_it_draws(assessed):
    """The charts carry only the parts of plotly_white they use (its layout, its bar and line defaults):
    what a chart draws looks the same as under the whole template, which cost 170 ms a chart to copy."""
    import plotly.io as pio

    white = pio.templates["plotly_white"]
    figures = [charts.team_on_time_figure(timeliness_by_team(assessed)),
               charts.month_trend_figure(timeliness_by_month(assessed)),
               charts.days_taken_figure(days_taken(assessed))]
    for fig in figures:
        template = fig.layout.template
        assert template.layout == white.layout
        for trace in fig.data:
            assert getattr(template.data, trace.type) == getattr(white.data, trace.type)
