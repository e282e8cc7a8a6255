"""The Recording timeliness dashboard, built in the kernel (no browser): its figures are the package's."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from familyservice_nb.demo import write_demo_extract
from familyservice_nb.timeliness import (
    assess_timeliness,
    late_and_overdue,
    overall_timeliness,
    timeliness_by_worker,
)
from familyservice_nb.ui import charts
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.shell import ProblemPage
from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard

AS_OF = dt.date(2026, 11, 25)


def notes(rows):
    """(worker, event_date, recorded_at or None, risk, status) rows, typed as read_extract types them."""
    frame = pd.DataFrame(rows, columns=["worker", "event_date", "recorded_at", "risk_identified", "status"])
    frame.insert(0, "note_id", [f"N{i:03d}" for i in range(len(frame))])
    frame["case_id"] = "C000001"
    frame["team"] = "Ashfield North"
    frame["note_type"] = "Visit"
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    frame["risk_identified"] = frame["risk_identified"].astype(bool)
    return frame


SMALL = notes(
    [
        # Monday 16/11/2026: due Monday 23/11 (5 working days).
        ("Alex Ashdown", "2026-11-16", "2026-11-23 16:00", False, "Complete"),  # on time
        ("Alex Ashdown", "2026-11-16", "2026-11-24 09:00", False, "Complete"),  # late by 1 day
        ("Alex Ashdown", "2026-11-02", None, False, "Draft"),  # overdue (due 09/11)
        ("Bailey Birchall", "2026-11-16", "2026-11-17 10:00", True, "Complete"),  # risk, due 17/11: on time
        ("Bailey Birchall", "2026-11-16", "2026-11-18 10:00", True, "Complete"),  # risk: late
        ("Bailey Birchall", "2026-11-24", None, False, ""),  # pending (due 01/12)
        ("Casey Copeland", "2026-11-09", "2026-11-10 12:00", False, "Complete"),  # on time
        ("Casey Copeland", "2026-11-10", "2026-11-11 12:00", False, "Deleted"),  # left out
        ("Devon Dunmore", "2026-11-24", None, False, "Draft"),  # pending only: no % yet
    ]
)


def build(frame=SMALL):
    return RecordingTimelinessDashboard.from_notes(frame, user="Test Manager", as_of=AS_OF)


def chart_rows(dashboard) -> pd.DataFrame:
    bar = dashboard.chart.data[0]
    return pd.DataFrame({"worker": list(bar.y), "pct_on_time": list(bar.x), "label": list(bar.text)})


def test_chart_figures_equal_timeliness_by_worker():
    dashboard = build()
    expected = timeliness_by_worker(assess_timeliness(SMALL, as_of=AS_OF))
    expected = expected[expected["pct_on_time"].notna()]
    shown = chart_rows(dashboard)
    assert sorted(shown["worker"]) == sorted(expected["worker"].astype(str))
    merged = shown.merge(expected.assign(worker=expected["worker"].astype(str)), on="worker")
    np.testing.assert_allclose(merged["pct_on_time_x"], merged["pct_on_time_y"])
    # Worked by hand: Alex 1 of 3, Bailey 1 of 2, Casey 1 of 1 (the deleted note is left out).
    assert dict(zip(shown["worker"], shown["label"], strict=True)) == {
        "Alex Ashdown": "33.3% (1 of 3)",
        "Bailey Birchall": "50.0% (1 of 2)",
        "Casey Copeland": "100.0% (1 of 1)",
    }


def test_chart_lists_lowest_first_and_leaves_out_workers_with_nothing_due():
    shown = chart_rows(build())
    assert list(shown["worker"]) == ["Alex Ashdown", "Bailey Birchall", "Casey Copeland"]
    assert "Devon Dunmore" not in set(shown["worker"])


def test_chart_reads_without_colour():
    fig = build().chart
    assert fig.layout.title.text == "Notes recorded on time, by worker (lowest first)"
    assert fig.layout.xaxis.title.text == "Notes recorded on time (%)"
    assert fig.layout.yaxis.title.text == "Worker"
    assert fig.data[0].textposition == "outside"
    assert [a.text for a in fig.layout.annotations] == ["All notes shown: 50.0%"]


def test_headline_equals_overall_timeliness():
    dashboard = build()
    figures = overall_timeliness(assess_timeliness(SMALL, as_of=AS_OF))
    assert (figures["on_time"], figures["late"], figures["overdue"], figures["pending"]) == (3, 2, 1, 2)
    text = re.sub(r"<[^>]+>", " ", dashboard.headline.value)
    assert "50.0%  recorded on time" in text
    assert "of 6 notes due by 25/11/2026" in text
    assert " 2  recorded late" in text and " 1  overdue" in text and " 2  not yet due" in text


def test_as_of_date_is_shown_the_uk_way():
    assert re.fullmatch(r'<p class="fsnb-as-of">Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)</p>', build().as_of_line.value)


def test_late_table_lists_late_and_overdue_notes_with_uk_dates():
    dashboard = build()
    html = dashboard.table.value
    body_rows = re.findall(r"<tr><td>.*?</tr>", html)
    assert len(body_rows) == len(late_and_overdue(assess_timeliness(SMALL, as_of=AS_OF))) == 3
    # Most days late first: the overdue note (due 09/11, 16 days by 25/11).
    first = re.findall(r"<td[^>]*>(.*?)</td>", body_rows[0])
    assert first[:2] == ["Alex Ashdown", "Ashfield North"]
    assert "02/11/2026" in first and "09/11/2026" in first and "Not recorded yet" in first and "16" in first
    assert "Overdue (not recorded)" in first
    assert "3 notes recorded late or not recorded by their due date, most days late first." in html
    assert 'class="fsnb-table"' in html


def test_every_cell_is_escaped():
    frame = SMALL.copy()
    frame.loc[2, "worker"] = '<script>alert("x")</script>'
    frame.loc[2, "note_type"] = "<b>Visit</b> & more"
    dashboard = build(frame)
    html = dashboard.table.value
    assert "<script>" not in html and "<b>Visit" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Visit&lt;/b&gt; &amp; more" in html
    # plotly draws some HTML in labels: the name goes in as entities, which it shows as the characters
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in set(dashboard.chart.data[0].y)


def test_show_updates_the_same_widgets_in_place():
    dashboard = build()
    chart, table = dashboard.chart, dashboard.table
    only_casey = assess_timeliness(SMALL[SMALL["worker"] == "Casey Copeland"], as_of=AS_OF)
    dashboard.show(only_casey)
    assert dashboard.chart is chart and dashboard.table is table
    assert list(dashboard.chart.data[0].y) == ["Casey Copeland"]
    assert "No notes were recorded late" in dashboard.table.value


def test_a_long_list_is_capped_and_says_so():
    rows = [("Alex Ashdown", "2026-10-01", None, False, "Draft")] * 7
    dashboard = RecordingTimelinessDashboard(
        assess_timeliness(notes(rows), as_of=AS_OF), user="Test Manager", top=5
    )
    html = dashboard.late_section.table.value
    assert len(re.findall(r"<tr><td>", html)) == 5
    assert ("7 notes recorded late or not recorded by their due date, most days late first (the first 5 are shown; "
            "the Excel download has them all).") in html
    assert len(dashboard.late_section.sheets()["Late and overdue notes"]) == 7


def test_built_from_an_extract_file_equals_the_package_figures(tmp_path):
    from familyservice_nb.extract import read_extract

    path = write_demo_extract(tmp_path / "extract.csv", rows=400, seed=3, as_of=AS_OF)
    context = PageContext(user="Test Manager", extract=path, as_of=AS_OF)
    dashboard = RecordingTimelinessDashboard.from_context(context)
    expected = timeliness_by_worker(assess_timeliness(read_extract(path).notes, as_of=AS_OF))
    expected = expected[expected["pct_on_time"].notna()].assign(worker=lambda f: f["worker"].astype(str))
    shown = chart_rows(dashboard).merge(expected, on="worker", how="outer", indicator=True)
    assert (shown["_merge"] == "both").all()
    np.testing.assert_allclose(shown["pct_on_time_x"], shown["pct_on_time_y"])
    assert "From the extract extract.csv: 400 notes." in dashboard.source.value


def test_no_extract_gives_a_plain_words_page_not_a_traceback(monkeypatch):
    monkeypatch.delenv("FSNB_EXTRACT", raising=False)
    page = RecordingTimelinessDashboard.from_environment()
    assert isinstance(page, ProblemPage)
    assert page.message.startswith("No extract has been chosen.")
    assert "Traceback" not in page.children[-1].value


def test_a_missing_extract_file_gives_a_plain_words_page(monkeypatch, tmp_path):
    monkeypatch.setenv("FSNB_EXTRACT", str(tmp_path / "missing.csv"))
    page = RecordingTimelinessDashboard.from_environment()
    assert isinstance(page, ProblemPage)
    assert "Traceback" not in page.message


@pytest.mark.parametrize("esm_path", ["", "static/plotly-widgetbundle.js?v=7.1.0"])
def test_figure_widget_fetches_plotly_from_the_server_only_when_told(monkeypatch, esm_path):
    monkeypatch.setenv(charts.ESM_ENV, esm_path)
    widget = charts.figure_widget(charts.worker_on_time_figure(timeliness_by_worker(
        assess_timeliness(SMALL, as_of=AS_OF))))
    if esm_path:
        assert len(widget._esm) < 5000 and esm_path in widget._esm
    else:
        assert len(widget._esm) > 1_000_000  # the stock widget carries plotly.js itself
    assert list(widget.data[0].y) == ["Alex Ashdown", "Bailey Birchall", "Casey Copeland"]
