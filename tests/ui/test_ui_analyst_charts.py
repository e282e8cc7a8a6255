"""The notebooks' extra charts: built from the domain's tables, every figure written on the chart."""

from __future__ import annotations

import pandas as pd
import pytest

from familyservice_nb import (
    assess_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_team,
)
from familyservice_nb.ui import analyst_charts

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
    fig = analyst_charts.team_on_time_figure(timeliness_by_team(assessed), overall_pct=33.3)
    bar = fig.data[0]
    assert list(bar.y) == ["South", "North"]
    assert list(bar.text) == ["0.0% (0 of 3)", "66.7% (2 of 3)"]
    assert fig.layout.shapes[0].x0 == 33.3
    assert fig.layout.annotations[0].text == "All notes: 33.3%"


def test_note_type_bars(assessed):
    fig = analyst_charts.note_type_on_time_figure(timeliness_by_note_type(assessed))
    assert list(fig.data[0].y) == ["Visit", "E-mail"]
    assert list(fig.data[0].text) == ["25.0% (1 of 4)", "50.0% (1 of 2)"]
    assert not fig.layout.shapes  # no overall figure given, no reference line


def test_month_trend_in_month_order_with_counts(assessed):
    fig = analyst_charts.month_trend_figure(timeliness_by_month(assessed), overall_pct=28.6)
    line = fig.data[0]
    assert [pd.Timestamp(x).strftime("%Y-%m") for x in line.x] == ["2026-10", "2026-11"]
    assert list(line.text) == ["33%", "33%"]
    assert [list(c) for c in line.customdata] == [[1, 3, 0], [1, 3, 1]]  # on time, counted, not yet due


def test_working_days_split_by_rule_with_both_deadlines(assessed):
    fig = analyst_charts.working_days_figure(assessed)
    standard, risk = fig.data
    assert (standard.name, risk.name) == ("5 working days", "next working day (risk)")
    assert standard.x[-1] == "15+"
    assert dict(zip(standard.x, standard.y, strict=True))["0"] == 1
    assert dict(zip(standard.x, standard.y, strict=True))["11"] == 1
    assert dict(zip(standard.x, standard.y, strict=True))["15+"] == 1
    assert dict(zip(risk.x, risk.y, strict=True))["1"] == 1
    assert dict(zip(risk.x, risk.y, strict=True))["3"] == 1
    assert sum(standard.y) + sum(risk.y) == 5  # recorded notes only
    assert [s.x0 for s in fig.layout.shapes] == [1.5, 5.5]


def test_nothing_due_yet_gives_an_empty_chart_not_an_error(assessed):
    pending = assessed[assessed["timeliness"] == "pending"]
    assert len(analyst_charts.team_on_time_figure(timeliness_by_team(pending)).data[0].y) == 0
    assert len(analyst_charts.month_trend_figure(timeliness_by_month(pending)).data[0].x) == 0
    assert sum(analyst_charts.working_days_figure(pending).data[0].y) == 0
