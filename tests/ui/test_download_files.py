"""Every download on the Management oversight and Quality standards pages says, in the file (its "About this
file" sheet) and in its name, the as-of date (and the time the figures were read) and the filters in force,
as Recording timeliness does; and every Excel download is laid out for reading (the common writer): dates as
Excel dates shown dd/mm/yyyy, the header row frozen with an autofilter, record numbers as numbers, columns
wide enough, sheet names cut at a word."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from dashboard_seed import ANALYST, AS_OF, MANAGER, NOTES, seed, sqlite_url

from familyservice_nb.oversight import MEASURES
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.shell import build_page
from familyservice_nb.ui.pages.management_oversight import ManagementOversightPage
from familyservice_nb.ui.pages.quality_standards import QualityStandardsPage
from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard

AS_OF_WORDS = re.compile(r"^Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)$")
OVERSIGHT_FILES = ["oversight-by-team", "oversight-by-manager", "oversight-cases-without-supervision",
                   "oversight-overdue-actions", "oversight-children-not-spoken-to", "oversight-late-records",
                   "oversight-line-management-due", "oversight-epdr-due"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("download-files-db")))


def oversight_page(db, user=ANALYST) -> ManagementOversightPage:
    page = build_page("Management oversight", ManagementOversightPage.from_context,
                      PageContext(user=user, database_url=db, as_of=AS_OF))
    assert isinstance(page, ManagementOversightPage), getattr(page, "message", "")
    return page


def downloads(page: ManagementOversightPage) -> list:
    return [page.by_team, page.by_manager, *page.sections.values()]


def book(section) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(section.download.excel_bytes()))


def about_lines(workbook: openpyxl.Workbook) -> list[str]:
    return [row[0] for row in workbook["About this file"].iter_rows(values_only=True)]


def first_date_cell(sheet, heading: str):
    """The first filled cell under `heading`."""
    head = [c.value for c in sheet[1]]
    column = head.index(heading) + 1
    return next(c for (c,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column) if c.value is not None)


def test_oversight_downloads_say_their_filters_and_as_of_date_in_the_name_and_the_file(db):
    page = oversight_page(db)
    page.team.value = "North"
    page.manager.value = "Mo Manager"
    names = [f"{base}_as-of-2026-11-25_team-north-manager-mo-manager.xlsx" for base in OVERSIGHT_FILES]
    assert [section.download.filename for section in downloads(page)] == names
    assert [section.download.hint for section in downloads(page)] == [f"Save as {name}" for name in names]
    for section in downloads(page):
        workbook = book(section)
        assert workbook.sheetnames[-1] == "About this file", section.title
        lines = about_lines(workbook)
        assert lines[0] == "About this file"
        assert AS_OF_WORDS.match(lines[1]), lines[1]
        assert lines[2] == "Filters: team North, manager Mo Manager"
        assert lines[3] == "From the workbook's database: every team."


def test_oversight_download_names_follow_the_filters(db):
    page = oversight_page(db)
    page.team.value = "South"
    section = page.sections["overdue_actions"]
    assert section.download.filename == "oversight-overdue-actions_as-of-2026-11-25_team-south.xlsx"
    assert "Filters: team South" in about_lines(book(section))
    page.team.value = ""
    assert section.download.filename == "oversight-overdue-actions_as-of-2026-11-25.xlsx"
    assert page.by_manager.download.filename == "oversight-by-manager_as-of-2026-11-25.xlsx"
    assert "Filters: none (everything)" in about_lines(book(section))


def test_oversight_downloads_are_laid_out_for_reading(db):
    page = oversight_page(db)
    for name, section in {"by_team": page.by_team, "by_manager": page.by_manager, **page.sections}.items():
        sheet = book(section).worksheets[0]
        assert sheet.freeze_panes == "A2", name  # the header row stays in view
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", name
        short = {code: m.short_title for code, m in MEASURES.items()}
        assert sheet.title == short.get(name, {"by_team": "Gaps by team", "by_manager": "Gaps by manager"}
                                        .get(name)), name  # a short name, never a title cut mid-word
    sheet = book(page.sections["late_records"]).worksheets[0]
    held = first_date_cell(sheet, "Held on")
    assert (held.is_date, held.value, held.number_format) == (True, dt.datetime(2026, 10, 1), "dd/mm/yyyy")
    record = first_date_cell(sheet, "Record")
    assert record.value == 1 and record.data_type == "n"  # a record's number is a number, not text
    for cell in sheet[1]:  # each column sized for its heading (and what it holds), not Excel's default
        assert cell.column_letter in sheet.column_dimensions, cell.value
        assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value), cell.value
    sheet = book(page.sections["cases_without_supervision"]).worksheets[0]
    due = first_date_cell(sheet, "Supervision due by")
    assert due.is_date and due.number_format == "dd/mm/yyyy"


def test_a_manager_sees_their_own_scope_in_the_file(db):
    page = oversight_page(db, MANAGER)
    lines = about_lines(book(page.by_team))
    assert lines[2] == "Filters: none (everything)"
    assert lines[3] == "From the workbook's database: your teams' cases."


def test_quality_standards_download_says_its_as_of_date(db):
    page = build_page("Quality standards", QualityStandardsPage.from_context,
                      PageContext(user=ANALYST, database_url=db, as_of=AS_OF))
    assert isinstance(page, QualityStandardsPage), getattr(page, "message", "")
    download = page.table.download
    assert download.filename == "quality-standards_as-of-2026-11-25.xlsx"
    workbook = book(page.table)
    assert workbook.sheetnames == ["The standards", "About this file"]
    lines = about_lines(workbook)
    assert AS_OF_WORDS.match(lines[1]), lines[1]
    assert lines[2] == "Filters: none (everything)"
    assert lines[3].startswith("From the workbook's database")
    sheet = workbook.worksheets[0]
    head = [c.value for c in sheet[1]]
    counted = sheet.cell(2, head.index("Records counted") + 1)
    assert (sheet.freeze_panes, sheet.auto_filter.ref, counted.data_type) == ("A2", f"A1:H{sheet.max_row}", "n")


def test_recording_timeliness_download_dates_are_uk_dates_with_the_header_frozen(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(NOTES, encoding="utf-8")
    page = RecordingTimelinessDashboard.from_extract(path, user="Test Manager", as_of=AS_OF)
    sheet = book(page.late_section).worksheets[0]
    event = first_date_cell(sheet, "Event date")
    assert event.is_date and event.number_format == "dd/mm/yyyy"
    about = book(page.late_section)["About this file"]  # plain lines, not a table
    assert (sheet.freeze_panes, bool(sheet.auto_filter.ref), about.freeze_panes, about.auto_filter.ref) == \
        ("A2", True, None, None)
