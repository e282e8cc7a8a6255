"""The Management oversight page, built in the kernel on a seeded database: its figures are the package's."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pandas as pd
import pytest
from dashboard_seed import (
    ANALYST,
    AS_OF,
    FORMULA,
    MANAGER,
    OTHER_MANAGER,
    PRACTITIONER,
    SOUTH_PRACTITIONER,
    seed,
    sqlite_url,
)

from familyservice_nb import oversight
from familyservice_nb.store import Store
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.shell import ProblemPage, build_page
from familyservice_nb.ui.pages.management_oversight import ManagementOversightPage


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("oversight-db")))


def page_for(db, user) -> ManagementOversightPage:
    page = build_page("Management oversight", ManagementOversightPage.from_context,
                      PageContext(user=user, database_url=db, as_of=AS_OF))
    assert isinstance(page, ManagementOversightPage), getattr(page, "message", "")
    return page


def direct(db, user) -> oversight.OversightReport:
    store = Store(db, user=user)
    return oversight.management_oversight(store.oversight_data(), settings=store.settings(), as_of=AS_OF,
                                          calendar=store.calendar())


def body_rows(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr><td.*?</tr>", html)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows]


def test_every_table_equals_the_package_report(db):
    page, report = page_for(db, ANALYST), direct(db, ANALYST)
    for name, table in report.tables().items():
        pd.testing.assert_frame_equal(page.sections[name].frame, table, obj=name)
        assert len(body_rows(page.sections[name].table.value)) == len(table)
    counts = report.counts("team")
    pd.testing.assert_frame_equal(page.by_team.frame, counts)
    pd.testing.assert_frame_equal(page.by_manager.frame, report.counts("manager"))
    cards = re.findall(r'fsnb-card-value">([^<]*)<', page.headline.value)
    assert cards == [f"{len(t):,}" for t in report.tables().values()]
    # The chart: one bar per team for each measure, labelled.
    chart = page.chart
    assert list(chart.data[0].y) == list(counts["team"])
    assert list(chart.data[1].x) == list(counts["overdue_actions"])
    assert list(chart.data[-1].text) == [f"  {n} in all" for n in counts["total"]]


def test_the_seeded_gaps_are_found(db):
    report = direct(db, ANALYST)
    # C-N2 has only a draft (never supervised since it opened); C-N1 was last supervised on 01/10.
    assert report.cases_without_supervision["case_id"].tolist() == ["C-N2", "C-N1"]
    assert sorted(report.overdue_actions["action_id"]) == ["A1", "B1"]
    late = report.late_supervision_records
    assert late[["case_id", "days_late"]].values.tolist() == [["C-N1", 4]]  # completed Mon 12/10, due Thu 08/10
    assert sorted(report.children_not_spoken_to["child_id"]) == ["K-1", "K-2", "K-3"]
    assert report.line_management_due["login"].tolist() == ["sam.worker", SOUTH_PRACTITIONER]
    # Sam has no EPDR recorded; Lee's next was due on 20/11/2026; Pat's (01/03/2027) is to come.
    assert report.epdr_due["login"].tolist() == ["sam.worker", SOUTH_PRACTITIONER]
    late = report.late_records
    assert (late.loc[0, "event_date"], late.loc[0, "entered_on"]) == (pd.Timestamp("2026-10-01"),
                                                                     pd.Timestamp("2026-10-12"))


def test_the_page_says_what_counts_as_spoken_to_and_shows_epdrs(db):
    from familyservice_nb.oversight import late_records_note, spoken_to_note

    page = page_for(db, ANALYST)
    assert html.escape(spoken_to_note()) in page.sections["children_not_spoken_to"].children[0].value
    assert html.escape(late_records_note()) in page.sections["late_records"].children[0].value
    assert "Lee South" in page.sections["epdr_due"].table.value


def test_lines_link_to_the_case_record_or_practitioner(db):
    page = page_for(db, ANALYST)
    html = page.sections["cases_without_supervision"].table.value
    assert '<a href="case-supervision.ipynb?case=C-N2">C-N2</a>' in html
    late = page.sections["late_records"].table.value
    assert '<a href="case-supervision.ipynb?case=C-N1">C-N1</a>' in late and "Case supervision" in late
    due = page.sections["line_management_due"].table.value
    assert '<a href="line-management-supervision.ipynb?practitioner=sam.worker">Sam Worker</a>' in due
    # An EPDR line opens the EPDR page for the practitioner, and their last EPDR.
    epdr = page.sections["epdr_due"].table.value
    assert '<a href="epdr.ipynb?practitioner=sam.worker">Sam Worker</a>' in epdr
    lee = page.report.epdr_due.set_index("login").loc["lee.south"]
    assert f'<a href="epdr.ipynb?record={lee["record_id"]}">' in epdr and "20/11/2025" in epdr


def test_filters_redraw_the_chart_and_tables_in_place(db):
    page = page_for(db, ANALYST)
    chart, section = page.chart, page.sections["overdue_actions"]
    assert set(chart.data[0].y) == {"North", "South"}
    page.team.value = "South"
    assert page.chart is chart and page.sections["overdue_actions"] is section
    assert list(chart.data[0].y) == ["South"]
    assert section.frame["case_id"].tolist() == ["C-S1"]
    assert "team South" in page.status.value
    page.team.value = ""
    page.manager.value = "Mo Manager"
    assert set(page.shown.overdue_actions["manager"]) == {"Mo Manager"}
    assert page.sections["line_management_due"].frame["login"].tolist() == ["sam.worker"]


def test_a_practitioner_cannot_see_another_teams_figures(db):
    page = page_for(db, PRACTITIONER)
    for name, section in page.sections.items():
        assert set(section.frame["team"]) <= {"North"}, name
        assert "South" not in section.table.value and "Lee South" not in section.table.value, name
    assert set(page.by_team.frame["team"]) <= {"North"}
    assert "South" not in [o[0] for o in page.team.options]
    assert set(page.sections["cases_without_supervision"].frame["case_id"]) <= {"C-N1"}
    south = page_for(db, OTHER_MANAGER)
    assert set(south.by_team.frame["team"]) == {"South"}


def test_excel_export_holds_every_line_with_formula_text_neutralised(db):
    page = page_for(db, MANAGER)
    section = page.sections["overdue_actions"]
    sheet = openpyxl.load_workbook(io.BytesIO(section.download.excel_bytes())).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head, lines = rows[0], rows[1:]
    assert head == list(oversight.MEASURES["overdue_actions"].excel.values())
    assert len(lines) == len(section.frame) == 1
    action = lines[0][head.index("Action")]
    assert action == "'" + FORMULA  # kept as text, never run as a formula
    assert lines[0][head.index("Case")] == "C-N1"
    # On screen the same text is escaped, not markup.
    assert "=HYPERLINK(&quot;http://example.invalid&quot;,&quot;click&quot;)" in section.table.value
    for name, section in page.sections.items():
        sheet = openpyxl.load_workbook(io.BytesIO(section.download.excel_bytes())).worksheets[0]
        assert sheet.max_row == len(section.frame) + 1, name


def test_without_a_database_the_page_says_so_plainly(tmp_path):
    page = build_page("Management oversight", ManagementOversightPage.from_context,
                      PageContext(user=MANAGER, database_url=f"sqlite:///{tmp_path / 'none.db'}"))
    assert isinstance(page, ProblemPage)
    assert "database" in page.message and "Traceback" not in page.message
    assert not (tmp_path / "none.db").exists()  # a dashboard never creates a database


def test_the_page_lists_exactly_the_registry_in_its_words(db):
    page = page_for(db, ANALYST)
    codes = list(oversight.MEASURES)
    assert list(page.sections) == codes
    assert [t.meta for t in page.chart.data[:-1]] == codes  # one bar segment per measure
    assert len(re.findall(r'fsnb-card-value">', page.headline.value)) == len(codes)
    assert list(page.by_team.columns)[1:-1] == codes
    for code, declared in oversight.MEASURES.items():
        section = page.sections[code]
        assert section.title == page.report.titles()[code]
        assert html.escape(declared.what_to_do) in section.children[0].value
        assert section.sheet_name == declared.short_title


def test_a_measure_declared_in_the_package_appears_on_the_page_unchanged(db):
    @oversight.measure(
        "open_cases_test", title="Open cases (test)", short_title="Open (test)",
        guidance=oversight.MEASURES["cases_without_supervision"].guidance,
        what_to_do="Look at each open case (a test).", lines_are="open cases", empty="No open case.",
        columns={"case_id": "Case", "family": "Family", "team": "Team", "manager": "Manager"},
    )
    def every_open_case(data, as_of):
        return oversight.open_cases(data, as_of)

    try:
        page = page_for(db, ANALYST)
        section = page.sections["open_cases_test"]
        assert section.title == "Open cases (test)" and "Look at each open case (a test)." in section.children[0].value
        assert '<a href="case-supervision.ipynb?case=C-N1">C-N1</a>' in section.table.value  # a case opens
        assert "Story of C-N1" in section.table.value
        assert "open_cases_test" in [t.meta for t in page.chart.data[:-1]]
        assert page.by_team.columns["open_cases_test"] == "Open (test)"
    finally:
        oversight.MEASURES.pop("open_cases_test")
