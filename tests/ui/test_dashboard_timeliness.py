"""The Recording timeliness page with filters, from an extract or the database, built in the kernel."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from dashboard_seed import (
    ANALYST,
    AS_OF,
    FORMULA,
    MANAGER,
    NOTES,
    PRACTITIONER,
    SOUTH_PRACTITIONER,
    seed,
    sqlite_url,
)

from familyservice_nb.demo import write_demo_extract
from familyservice_nb.extract import read_extract
from familyservice_nb.figures import Filters
from familyservice_nb.store import Store
from familyservice_nb.timeliness import (
    assess_timeliness,
    late_and_overdue,
    overall_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_rule,
    timeliness_by_team,
    timeliness_by_worker,
)
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.shared import is_shown
from familyservice_nb.ui.kit.shell import ProblemPage, build_page
from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    return write_demo_extract(tmp_path_factory.mktemp("extract") / "extract.csv", rows=1500, seed=4, as_of=AS_OF)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("timeliness-db")))


@pytest.fixture
def page(extract):
    return RecordingTimelinessDashboard.from_extract(extract, user="Test Manager", as_of=AS_OF)


def bars(chart) -> dict[str, float]:
    return dict(zip(chart.data[0].y, chart.data[0].x, strict=True))


def counted_pct(table: pd.DataFrame, by: str) -> dict[str, float]:
    rows = table[table["pct_on_time"].notna()]
    return dict(zip(rows[by].astype(str), rows["pct_on_time"], strict=True))


def test_every_chart_shows_the_package_figures(page, extract):
    assessed = assess_timeliness(read_extract(extract).notes, as_of=AS_OF)
    assert bars(page.chart) == pytest.approx(counted_pct(timeliness_by_worker(assessed), "worker"))
    assert bars(page.team_chart) == pytest.approx(counted_pct(timeliness_by_team(assessed), "team"))
    assert bars(page.type_chart) == pytest.approx(counted_pct(timeliness_by_note_type(assessed), "note_type"))
    assert bars(page.rule_chart) == pytest.approx(counted_pct(timeliness_by_rule(assessed), "rule"))
    assert list(page.rule_chart.data[0].y) == ["5 working days", "next working day (risk)"]
    months = timeliness_by_month(assessed).dropna(subset=["pct_on_time"])
    assert list(page.month_chart.data[0].y) == pytest.approx(list(months["pct_on_time"]))
    assert list(page.month_chart.data[0].x)[-1] == "Nov 2026"
    overall = overall_timeliness(assessed)
    assert f"{overall['pct_on_time']:.1f}%" in page.headline.value
    taken = assessed["working_days_taken"].dropna()
    assert sum(page.days_chart.data[0].y) + sum(page.days_chart.data[1].y) == len(
        taken[assessed.loc[taken.index, "timeliness"] != "deleted"])
    assert page.late_section.frame.shape[0] <= page.top
    assert f"{len(late_and_overdue(assessed)):,} notes recorded late" in page.table.value


def test_charts_read_without_colour(page):
    for chart in (page.chart, page.team_chart, page.type_chart, page.rule_chart):
        assert all(re.fullmatch(r"\d{1,3}\.\d% \(\d+ of \d+\)", t) for t in chart.data[0].text)
        assert chart.layout.xaxis.title.text == "Notes recorded on time (%)"
    assert page.month_chart.layout.xaxis.title.text == "Month of the event"
    assert all(t.endswith("%") for t in page.month_chart.data[0].text)
    assert page.days_chart.data[1].marker.pattern.shape == "/"  # after the deadline: hatched, not just red
    assert "hatched" in page.days_chart.data[1].name
    assert all(str(t).isdigit() for t in page.days_chart.data[2].text)


def test_a_filter_changes_every_chart_in_place(page, extract):
    charts = (page.chart, page.team_chart, page.month_chart, page.type_chart, page.rule_chart, page.days_chart)
    before = [list(c.data[0].y) for c in charts]
    team = page.data.choices("team")[0]
    page.filter_bar.team.value = team
    assert (page.chart, page.team_chart, page.days_chart) == charts[:1] + charts[1:2] + charts[5:]
    assert list(page.team_chart.data[0].y) == [team]
    notes = read_extract(extract).notes
    assessed = assess_timeliness(notes[notes["team"] == team], as_of=AS_OF)
    assert bars(page.chart) == pytest.approx(counted_pct(timeliness_by_worker(assessed), "worker"))
    after = [list(c.data[0].y) for c in charts]
    assert after[0] != before[0] and after[1] != before[1] and after[5] != before[5]
    assert f"team {team}" in page.status.value
    # Worker choices narrow to the team; risk only, then everything again.
    assert set(o[1] for o in page.filter_bar.worker.options[1:]) == set(assessed["worker"].astype(str))
    page.filter_bar.risk.value = "risk"
    assert list(page.rule_chart.data[0].y) == ["next working day (risk)"]
    page.filter_bar.clear()
    assert list(page.chart.data[0].y) == before[0]
    assert page.last_redraw_seconds < 5


def test_date_range_and_type_of_note_filters(page, extract):
    page.refresh(Filters(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31)))
    assert list(page.month_chart.data[0].x) == ["Oct 2026"]
    kind = page.data.choices("note_type")[0]
    page.refresh(Filters(note_type=kind))
    assert list(page.type_chart.data[0].y) == [kind]


def test_dates_are_typed_the_uk_way_and_a_half_typed_date_changes_nothing(page):
    bar = page.filter_bar
    bar.date_from.text.value = "01/10/202"  # not a whole date yet
    assert page.figures.notes == len(page.assessed)
    bar.date_from.text.value = "01/10/2026"
    bar.date_to.text.value = "31/10/2026"
    assert list(page.month_chart.data[0].x) == ["Oct 2026"]
    assert "events from 01/10/2026 to 31/10/2026" in page.status.value
    assert "Thursday 1 October 2026" in bar.date_from.echo.value
    bar.clear()
    assert bar.date_from.text.value == "" and page.figures.notes == len(page.assessed)


def xlsx_rows(data: bytes) -> tuple[list, list[list]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_late_notes_export_to_excel_with_every_row(page, extract):
    head, rows = xlsx_rows(page.late_section.download.excel_bytes())
    assessed = assess_timeliness(read_extract(extract).notes, as_of=AS_OF)
    late = late_and_overdue(assessed)
    assert len(rows) == len(late) > page.top  # the screen shows the first rows, the file has them all
    assert head[:3] == ["Worker", "Team", "Case"]
    assert {r[head.index("Note")] for r in rows} == set(late["note_id"])
    # Each figures table exports too.
    head, rows = xlsx_rows(page.group_sections["team"].download.excel_bytes())
    assert head[0] == "Team" and len(rows) == len(timeliness_by_team(assessed))


def test_formula_like_text_is_neutralised_in_the_export(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(NOTES, encoding="utf-8")
    page = RecordingTimelinessDashboard.from_extract(path, user="Test Manager", as_of=AS_OF)
    head, rows = xlsx_rows(page.late_section.download.excel_bytes())
    types = [r[head.index("Type of note")] for r in rows]
    assert "'" + FORMULA in types and FORMULA not in types
    assert "&lt;" not in page.table.value or "HYPERLINK" in page.table.value  # shown as text on screen
    assert "=HYPERLINK(&quot;http://example.invalid&quot;,&quot;click&quot;)" in page.table.value


def test_every_cell_is_escaped(tmp_path):
    hostile = NOTES.replace("Sam Worker", "<img src=x onerror=alert(1)>")
    path = tmp_path / "notes.csv"
    path.write_text(hostile, encoding="utf-8")
    page = RecordingTimelinessDashboard.from_extract(path, user="Test Manager", as_of=AS_OF)
    html = page.table.value + "".join(s.table.value for s in page.group_sections.values())
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# -- from the database ----------------------------------------------------------------------------------


def context(db, user) -> PageContext:
    return PageContext(user=user, database_url=db, as_of=AS_OF)


def store_page(db, user) -> RecordingTimelinessDashboard:
    page = build_page("Recording timeliness", RecordingTimelinessDashboard.from_context, context(db, user))
    assert isinstance(page, RecordingTimelinessDashboard), getattr(page, "message", "")
    return page


def test_from_the_database_each_role_sees_its_own_figures(db):
    workers = {user: set(store_page(db, user).chart.data[0].y) for user in (PRACTITIONER, MANAGER, ANALYST)}
    assert workers[PRACTITIONER] == {"Pat Practitioner"}
    assert workers[MANAGER] == {"Pat Practitioner", "Sam Worker"}
    assert workers[ANALYST] == {"Pat Practitioner", "Sam Worker", "Lee South"}
    south = store_page(db, SOUTH_PRACTITIONER)
    assert set(south.team_chart.data[0].y) == {"South"}
    assert "North" not in south.table.value and "Pat Practitioner" not in south.table.value
    assert [label for label, _v in south.filter_bar.team.options] == ["All teams", "South"]


def test_from_the_database_figures_equal_the_package_on_the_users_notes(db):
    page = store_page(db, MANAGER)
    notes = Store(db, user=MANAGER).notes_frame()
    assessed = assess_timeliness(notes, as_of=AS_OF)
    assert bars(page.chart) == pytest.approx(counted_pct(timeliness_by_worker(assessed), "worker"))
    assert "From the workbook's database: 8 notes (your teams' notes)" in page.source.value.replace("&#x27;", "'")
    assert re.fullmatch(r'<p class="fsnb-as-of">Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)</p>', page.as_of_line.value)


def test_someone_not_on_the_staff_list_sees_a_plain_sentence(db):
    page = build_page("Recording timeliness", RecordingTimelinessDashboard.from_context, context(db, "stranger"))
    assert isinstance(page, ProblemPage)
    assert "not on the workbook's staff list" in page.message


def test_on_a_laptop_someone_not_on_the_staff_list_sees_the_extract_file_and_is_told_why(db, tmp_path, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    path = tmp_path / "notes.csv"
    path.write_text(NOTES, encoding="utf-8")
    laptop = PageContext(user="demo manager", database_url=db, extract=path, as_of=AS_OF)
    page = build_page("Recording timeliness", RecordingTimelinessDashboard.from_context, laptop)
    assert isinstance(page, RecordingTimelinessDashboard)
    assert "From the extract notes.csv: 11 notes." in page.source.value
    assert "not on the workbook&#x27;s staff list" in page.notices.value and "extract file" in page.notices.value
    assert page.upload is None
    # Behind JupyterHub nothing falls back: the hub's user sees a plain sentence.
    monkeypatch.setenv("JUPYTERHUB_USER", "stranger")
    hub = PageContext(user="stranger", database_url=db, extract=path, as_of=AS_OF)
    page = build_page("Recording timeliness", RecordingTimelinessDashboard.from_context, hub)
    assert isinstance(page, ProblemPage) and "not on the workbook's staff list" in page.message


def test_no_database_and_no_extract_is_said_plainly():
    page = build_page("Recording timeliness", RecordingTimelinessDashboard.from_context, PageContext(user="x"))
    assert isinstance(page, ProblemPage) and page.message.startswith("No extract has been chosen.")


# -- uploading an extract in the page ---------------------------------------------------------------------


UPLOAD = NOTES + "X-1,C-N1,Pat Practitioner,North,Visit,31/02/2026,,No,Draft\n,C-N1,Pat Practitioner,North,Visit,01/11/2026,,No,Draft\n"


def upload(page, text: str, name="upload.csv"):
    page.upload.file.value = ({"name": name, "type": "text/csv", "size": len(text), "content": memoryview(text.encode()),
                               "last_modified": dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)},)


def test_a_practitioner_is_not_offered_an_upload(db):
    assert store_page(db, PRACTITIONER).upload is None


def test_a_manager_uploads_for_this_page_only_and_sees_the_rejects(db):
    page = store_page(db, MANAGER)
    assert page.upload is not None and not page.upload.source.imports_to_store
    assert not is_shown(page.upload.rejects)  # no extract read yet, so no rejects table
    upload(page, UPLOAD)
    assert "not saved to the workbook" in page.upload.message.value
    assert set(page.team_chart.data[0].y) == {"North", "South"}  # the file they uploaded, as it is
    assert "upload.csv" in page.source.value
    rejects = page.upload.rejects
    assert is_shown(rejects) and "2 rows could not be used" in rejects.table.value
    head, rows = xlsx_rows(rejects.download.excel_bytes())
    assert head[:2] == ["Row", "Why it was not used"] and sorted(r[0] for r in rows) == [13, 14]
    assert len(Store(db, user=ANALYST).imports()) == 1  # nothing went into the database


def test_an_analyst_upload_goes_into_the_database(tmp_path):
    url = seed(sqlite_url(tmp_path))
    page = store_page(url, ANALYST)
    assert page.upload.source.imports_to_store
    more = NOTES.splitlines()[0] + "\nN-99,C-N1,Pat Practitioner,North,Visit,23/11/2026,24/11/2026 09:00,No,Complete\n"
    upload(page, more, "second.csv")
    assert "1 new notes" in page.upload.message.value
    assert len(Store(url, user=ANALYST).imports()) == 2
    assert "12 notes" in page.source.value
    assert "Every row of the extract could be used." in page.upload.rejects.table.value


def test_an_unreadable_upload_is_a_plain_sentence(db):
    page = store_page(db, MANAGER)
    upload(page, "just,some\nwords,here\n", "wrong.csv")
    assert 'role="alert"' in page.upload.message.value and "Traceback" not in page.upload.message.value
    assert np.isfinite(page.figures.overall["pct_on_time"])  # the page keeps what it showed


def test_filters_that_match_no_note_say_so_at_the_filters(page):
    """The audit: a range with no notes (01/01/2030 to 31/01/2030) drew blank charts, with no word why."""
    page.filter_bar.date_from.value = "01/01/2030"
    page.filter_bar.date_to.value = "31/01/2030"
    assert "No notes match these filters" in page.filter_bar.problem.value
    assert "events from 01/01/2030" in page.filter_bar.problem.value.lower()
    page.filter_bar.clear()
    assert "No notes match" not in page.filter_bar.problem.value
