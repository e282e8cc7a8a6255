"""Drill-down on the dashboards, built in the kernel: a click on a bar, point or segment, sent the way
the browser sends it, shows the notes or lines behind that figure, and their count is the figure clicked."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from dashboard_seed import ANALYST, AS_OF, MANAGER, NOTES, page_on, seed, sqlite_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familyservice_nb.demo import write_demo_extract
from familyservice_nb.figures import DAY_LABELS, Filters
from familyservice_nb.ui.pages.management_oversight import ManagementOversightPage
from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard

CHARTS = {"worker": "chart", "team": "team_chart", "month": "month_chart", "note_type": "type_chart",
          "rule": "rule_chart"}


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    return write_demo_extract(tmp_path_factory.mktemp("drill") / "extract.csv", rows=3000, seed=8, as_of=AS_OF)


@pytest.fixture(scope="module")
def page(extract):
    return RecordingTimelinessDashboard.from_extract(extract, user="Test Manager", as_of=AS_OF)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("drill-db")))


def click(chart, point: int, trace: int = 0) -> None:
    """What plotly's widget sends the kernel when a point of a trace is clicked in the browser."""
    chart._handler_js2py_pointsCallback({"new": {
        "event_type": "plotly_click", "device_state": None, "selector": None,
        "points": {"xs": [0], "ys": [0], "point_indexes": [point], "trace_indexes": [trace]}}})


def counted_on_bar(chart, point: int) -> int:
    """The figure drawn on a bar: '33.3% (1 of 3)' -> 3 (for the month trend: its customdata)."""
    trace = chart.data[0]
    if trace.type == "scatter":
        return int(trace.customdata[point][1])
    return int(re.fullmatch(r"[\d.]+% \((\d+) of (\d+)\)", trace.text[point]).group(2))


def shown_total(table) -> int:
    return int(re.match(r"([\d,]+) notes? behind", table.section.title).group(1).replace(",", ""))


def test_a_click_on_a_workers_bar_shows_that_workers_notes_under_the_chart(page):
    page.refresh(Filters())
    drill = page.drilldown.table
    click(page.chart, 0)
    worker = page.chart.data[0].y[0]
    assert drill.section.title.startswith(f"{counted_on_bar(page.chart, 0)} notes behind ‘{worker}: ")
    assert page.drilldown.table.slots["worker"].children == (drill,)
    assert all(not box.children for name, box in drill.slots.items() if name != "worker")
    html = drill.section.table.value
    for heading in ("Event date", "Due by", "Recorded", "Working days taken", "Rule applied and why"):
        assert f">{heading}</th>" in html
    assert {w for w in re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", html)} == {worker}
    assert "working days: no harm or risk identified" in html
    drill.close_button.click()
    assert not any(box.children for box in drill.slots.values()) and drill.key is None


@pytest.mark.parametrize("by", list(CHARTS))
def test_every_bar_and_point_opens_as_many_notes_as_its_figure(page, by):
    page.refresh(Filters())
    chart = getattr(page, CHARTS[by])
    for point in range(len(chart.data[0].x)):
        click(chart, point)
        assert shown_total(page.drilldown.table) == counted_on_bar(chart, point), (by, point)


def test_a_days_taken_column_opens_its_notes_within_or_after_the_deadline(page):
    page.refresh(Filters())
    for trace, words in ((0, "recorded within the deadline"), (1, "recorded after the deadline")):
        for point in range(len(DAY_LABELS)):
            figure = int(page.days_chart.data[trace].y[point])
            click(page.days_chart, point, trace)
            assert shown_total(page.drilldown.table) == figure
            assert page.drilldown.table.section.title.endswith(f"{words}’")
            assert page.drilldown.table.slots["days_taken"].children


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_on_random_filters_the_count_shown_is_always_the_figure_clicked(page, data):
    figs = page.data
    team = data.draw(st.one_of(st.none(), st.sampled_from(figs.choices("team"))))
    worker = data.draw(st.one_of(st.none(), st.sampled_from(figs.workers_in(team) or [None])))
    lo, hi = figs.date_span()
    start = data.draw(st.one_of(st.none(), st.integers(0, (hi - lo).days)))
    filters = Filters(team=team, worker=worker, risk=data.draw(st.sampled_from(["all", "risk", "no_risk"])),
                      note_type=data.draw(st.one_of(st.none(), st.sampled_from(figs.choices("note_type")))),
                      date_from=None if start is None else lo + dt.timedelta(days=start))
    page.refresh(filters)
    by = data.draw(st.sampled_from([*CHARTS, "days_taken"]))
    if by == "days_taken":
        trace, point = data.draw(st.integers(0, 1)), data.draw(st.integers(0, len(DAY_LABELS) - 1))
        click(page.days_chart, point, trace)
        assert shown_total(page.drilldown.table) == int(page.days_chart.data[trace].y[point])
        return
    chart = getattr(page, CHARTS[by])
    if not len(chart.data[0].x):
        return
    point = data.draw(st.integers(0, len(chart.data[0].x) - 1))
    click(chart, point)
    assert shown_total(page.drilldown.table) == counted_on_bar(chart, point)


def test_the_keyboard_picker_opens_the_same_notes_and_moves_the_focus(page, monkeypatch):
    page.refresh(Filters())
    picker = page.drilldown.picker
    focused = []
    monkeypatch.setattr(page.drilldown.table.close_button, "focus", lambda: focused.append(True))
    picker.chart.value = "team"
    assert [label for label, _i in picker.bar.options][0].startswith(str(page.team_chart.data[0].y[0]) + ": ")
    picker.bar.value = 0
    picker.button.click()
    assert shown_total(page.drilldown.table) == counted_on_bar(page.team_chart, 0)
    assert page.drilldown.table.slots["team"].children and focused == [True]
    picker.chart.value = "days_taken"
    assert all(re.search(r"\(\d[\d,]* notes\)$", label) for label, _i in picker.bar.options)


def test_a_filter_change_shows_the_open_figure_again_or_closes_it(page):
    page.refresh(Filters())
    team = page.team_chart.data[0].y[0]
    page.drilldown.open("team", team)
    page.refresh(Filters(risk="risk"))  # the same team's bar, for risk notes only
    risk_bar = list(page.team_chart.data[0].y).index(team)
    assert shown_total(page.drilldown.table) == counted_on_bar(page.team_chart, risk_bar)
    other = next(t for t in page.data.choices("team") if t != team)
    page.refresh(Filters(team=other))  # the team's bar is gone: so is its table
    assert page.drilldown.table.key is None and not page.drilldown.table.slots["team"].children


def test_the_excel_download_holds_every_note_behind_the_figure(page):
    page.refresh(Filters())
    page.drilldown.open("rule", "5 working days")
    drill = page.drilldown.table
    total = shown_total(drill)
    assert total > drill.section.top and len(re.findall("<tr><td", drill.section.table.value)) == drill.section.top
    book = openpyxl.load_workbook(io.BytesIO(drill.section.download.excel_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == total + 1 and rows[0][:2] == ("Note", "Case")
    recorded = rows[0].index("Recorded")
    assert any(isinstance(r[recorded], dt.datetime) for r in rows[1:])
    about = [r[0] for r in book["About this file"].iter_rows(values_only=True)]
    assert "Filters: none (everything)" in about and any("5 working days" in str(a) for a in about)
    assert drill.section.download.filename.startswith("notes-behind_as-of-2026-11-25_5-working-days")


def test_a_hostile_name_stays_text_in_the_drill_down(tmp_path):
    from familyservice_nb.extract import read_extract

    hostile = '<img src=x onerror="alert(1)">'
    folder = tmp_path
    (folder / "x.csv").write_text(NOTES.replace("Pat Practitioner", hostile.replace('"', '""').join('""')),
                                  encoding="utf-8")
    notes = read_extract(folder / "x.csv").notes
    page = RecordingTimelinessDashboard.from_notes(notes, user="Test Manager", as_of=AS_OF)
    page.drilldown.open("worker", hostile)
    html = page.drilldown.table.section.heading.value + page.drilldown.table.section.table.value
    assert "<img" not in html and "&lt;img src=x" in html


def test_from_the_database_a_notes_case_opens_its_story_where_the_workbook_holds_it(db):
    page = page_on(RecordingTimelinessDashboard, db)
    page.drilldown.open("worker", "Pat Practitioner")
    html = page.drilldown.table.section.table.value
    assert '<a href="case-story.ipynb?case=C-N1">C-N1</a>' in html
    assert shown_total(page.drilldown.table) == 5  # N-1 .. N-5 counted; N-6 is not yet due


# -- management oversight ----------------------------------------------------------------------------------


def oversight_page(db, user=MANAGER) -> ManagementOversightPage:
    return page_on(ManagementOversightPage, db, user)


def test_a_segment_of_the_gaps_chart_opens_that_teams_lines_of_that_measure(db):
    page = oversight_page(db)
    drill = page.drilldown.table
    for trace_index, trace in enumerate(page.chart.data[:-1]):
        for point, (team, figure) in enumerate(zip(trace.y, trace.x, strict=True)):
            click(page.chart, point, trace_index)
            if not figure:
                continue
            noun = "line" if figure == 1 else "lines"
            assert drill.section.title.startswith(f"{figure} {noun} behind ‘{team}: {page.shown.titles()[trace.meta]}")
            assert len(drill.shown.rows) == figure and (drill.shown.rows["team"] == team).all()
    assert drill.slots["chart"].children == (drill,)


def test_the_oversight_picker_opens_a_managers_lines_and_links_each_case_to_its_story(db):
    page = oversight_page(db, ANALYST)
    picker = page.drilldown.picker
    picker.chart.value = "manager"
    labels = [label for label, _i in picker.bar.options]
    assert any(label.startswith("Mo Manager: ") for label in labels)
    wanted = next(i for i, label in enumerate(labels) if label.startswith("Mo Manager: Agreed actions past"))
    picker.bar.value = wanted
    picker.button.click()
    lines = page.shown.lines_behind("overdue_actions", "manager", "Mo Manager")
    assert len(page.drilldown.table.shown.rows) == len(lines) == page.shown.counts("manager").set_index(
        "manager").loc["Mo Manager", "overdue_actions"]
    assert 'href="case-story.ipynb?case=C-N1">Story of C-N1</a>' in page.drilldown.table.section.table.value
    # Mo's lines are North's: the North filter keeps them; South has none of them, so the table closes.
    page.team.value = "North"
    assert page.drilldown.table.key == ("manager", "Mo Manager", "overdue_actions")
    assert len(page.drilldown.table.shown.rows) == len(lines)
    book = openpyxl.load_workbook(io.BytesIO(page.drilldown.table.section.download.excel_bytes()))
    assert len(list(book.worksheets[0].iter_rows())) == len(lines) + 1
    assert "Filters: team North" in [r[0] for r in book["About this file"].iter_rows(values_only=True)]
    page.team.value = "South"
    assert page.drilldown.table.key is None and not page.drilldown.table.slots["chart"].children
