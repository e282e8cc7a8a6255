"""The three dashboards in the real app: Voila, headless Chromium, a seeded SQLite database, signed in as a manager.

One server for the module (`tests/dashboard_seed.py`: teams North and South; Mo manages North). Every visit
fails on any JavaScript error, any request leaving 127.0.0.1, or any dialog. With CI=true a missing Chromium
fails these tests instead of skipping them (the shared conftest's `browser` fixture).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from dashboard_seed import AS_OF, FORMULA, MANAGER, seed, sqlite_url

import serverhelp

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

OVERSIGHT = "voila/render/management-oversight.ipynb"
STANDARDS = "voila/render/quality-standards.ipynb"
TIMELINESS = "voila/render/recording-timeliness.ipynb"
UPDATE_MS = 30_000


@pytest.fixture(scope="module")
def dashboards_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("dashboards-data")
    with serverhelp.running_server(data, user=MANAGER, FSNB_DATABASE_URL=seed(sqlite_url(data)),
                                   FSNB_PREHEAT="recording-timeliness,management-oversight,quality-standards") as server:
        yield server


@pytest.fixture
def open_page(browser, dashboards_server):
    """open_page(path, ready) -> Visit, in a fresh context that accepts downloads."""
    with serverhelp.PageOpener(browser, dashboards_server, viewport=(1280, 1000), accept_downloads=True) as go:
        yield go


def chart_labels(page, css: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{css} g.ytick text").all_text_contents()]


def download_rows(page, section_css: str) -> list[list]:
    with page.expect_download(timeout=UPDATE_MS) as info:
        page.locator(f"{section_css} .fsnb-download-button").click()
    download = info.value
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_management_oversight_opens_filters_links_and_downloads(open_page):
    seen = open_page(OVERSIGHT, ".fsnb-chart-gaps .main-svg")
    page = seen.page
    assert page.locator("h1").first.inner_text() == "Management oversight"
    assert re.fullmatch(rf"Figures as of {AS_OF:%d/%m/%Y} \(read on \d\d/\d\d/\d{{4}} at \d\d:\d\d\)", page.locator(".fsnb-as-of").inner_text())
    # Mo manages North only: no other team's lines anywhere.
    assert "Lee South" not in page.locator(".fsnb-app").inner_text()
    assert chart_labels(page, ".fsnb-chart-gaps") == ["North"]
    legend = page.locator(".fsnb-chart-gaps text.legendtext").all_text_contents()
    assert any(t.startswith("Agreed actions past their date") for t in legend)
    link = page.locator('.fsnb-oversight-cases-without-supervision a[href="case-supervision.ipynb?case=C-N2"]')
    assert link.count() == 1
    # The Excel file holds every line, formula-like text neutralised.
    rows = download_rows(page, ".fsnb-oversight-overdue-actions")
    assert rows[0][:2] == ["Case", "Family"] and len(rows) == 2
    assert "'" + FORMULA in rows[1]
    # The manager filter redraws the chart in place.
    page.locator(".fsnb-filter-manager select").select_option(label="Mo Manager")
    page.wait_for_function("document.querySelector('.fsnb-filter-status').innerText.includes('manager Mo Manager')",
                           timeout=UPDATE_MS)
    seen.assert_clean()


def test_quality_standards_lists_the_registry_with_figures(open_page):
    seen = open_page(STANDARDS, ".fsnb-chart-standards .main-svg")
    page = seen.page
    assert page.locator("h1").first.inner_text() == "Quality standards"
    cells = page.locator(".fsnb-standards-table tbody tr").first.locator("td").all_text_contents()
    assert cells[0] == "Record timeliness" and cells[4] == "57.1" and cells[5] == "7"
    assert page.locator(".fsnb-chart-standards text.bartext").all_text_contents() == [
        "57.1% of 7 records", "0.0% of 2 records"]  # record timeliness; management oversight of open families
    rows = download_rows(page, ".fsnb-standards-table")
    assert rows[1][0] == "Record timeliness"
    seen.assert_clean()


def test_recording_timeliness_from_the_database_with_filters(open_page):
    seen = open_page(TIMELINESS, ".fsnb-chart-team .main-svg")
    page = seen.page
    assert re.fullmatch(rf"Figures as of {AS_OF:%d/%m/%Y} \(read on \d\d/\d\d/\d{{4}} at \d\d:\d\d\)", page.locator(".fsnb-as-of").inner_text())
    assert "From the workbook's database: 8 notes (your teams' notes)" in page.locator(".fsnb-source").inner_text()
    assert sorted(chart_labels(page, ".fsnb-chart-worker")) == ["Pat Practitioner", "Sam Worker"]
    for css in (".fsnb-chart-month", ".fsnb-chart-note-type", ".fsnb-chart-rule", ".fsnb-chart-days"):
        assert page.locator(f"{css} .main-svg").count() >= 1, css
    assert page.locator(".fsnb-upload .fsnb-upload-file").count() == 1  # a manager may upload
    # Choosing a worker redraws the charts in place.
    page.locator(".fsnb-filter-worker select").select_option(label="Sam Worker")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.fsnb-chart-worker g.ytick text')).map(t => t.textContent.trim())"
        ".join('|') === 'Sam Worker'", timeout=UPDATE_MS)
    page.wait_for_function("document.querySelector('.fsnb-filter-status').innerText.includes('worker Sam Worker')",
                           timeout=UPDATE_MS)
    labels = page.locator(".fsnb-chart-worker text.bartext").all_text_contents()
    assert all(re.fullmatch(r"\d{1,3}\.\d% \(\d+ of \d+\)", t) for t in labels), labels
    late = page.locator(".fsnb-late-notes tbody tr")
    assert late.count() == 1 and "Sam Worker" in late.first.inner_text()
    rows = download_rows(page, ".fsnb-late-notes")
    assert len(rows) == 2 and "'" + FORMULA in rows[1]
    # A date that cannot be read is said at its box, tied to it for a screen reader: refused, not ignored.
    box = page.get_by_label("Events from", exact=True)
    box.fill("31/02/2026")
    page.wait_for_function("""() => {
        const box = document.querySelector('.fsnb-filter-from input[type=text]');
        const ids = (box.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        return box.getAttribute('aria-invalid') === 'true'
            && ids.some(id => (document.getElementById(id) || {}).textContent.includes("Error: Events from: '31/02/2026'"));
    }""", timeout=UPDATE_MS)
    box.fill("")
    page.wait_for_function("!document.querySelector('.fsnb-filter-from input[type=text]').hasAttribute('aria-invalid')",
                           timeout=UPDATE_MS)
    seen.assert_clean()


def test_a_workers_bar_opens_their_notes_and_a_notes_case_opens_its_story(open_page):
    """What is behind a figure, in Chromium: a click on Pat's bar shows Pat's notes under the chart
    (axe-clean), and the case of one of them opens the case's oversight story (axe-clean too)."""
    seen = open_page(TIMELINESS, ".fsnb-chart-worker .main-svg")
    page = seen.page
    # Pat's bar: the one level with Pat's name on the axis.
    x, y = page.evaluate("""() => {
        const chart = document.querySelector('.fsnb-chart-worker');
        const tick = [...chart.querySelectorAll('g.ytick text')].find(t => t.textContent.trim() === 'Pat Practitioner');
        const middle = r => r.top + r.height / 2, at = middle(tick.getBoundingClientRect());
        const bars = [...chart.querySelectorAll('g.trace.bars g.point path')].map(b => b.getBoundingClientRect());
        const bar = bars.reduce((a, b) => Math.abs(middle(a) - at) < Math.abs(middle(b) - at) ? a : b);
        return [bar.left + bar.width / 2, middle(bar)];
    }""")
    # plotly answers a click on the point it hovers: move there, let it show the hover label, then click.
    page.mouse.move(x, y)
    page.wait_for_selector(".fsnb-chart-worker .hoverlayer .hovertext", timeout=UPDATE_MS)
    page.mouse.down()
    page.mouse.up()
    heading = page.locator(".fsnb-drilldown h3")
    heading.wait_for(timeout=UPDATE_MS)
    assert heading.inner_text() == "5 notes behind ‘Pat Practitioner: 60.0% recorded on time (3 of 5)’"
    rows = page.locator(".fsnb-drilldown tbody tr")
    assert rows.count() == 5
    assert {rows.nth(i).locator("td").nth(2).inner_text() for i in range(5)} == {"Pat Practitioner"}
    # The table opened under the chart clicked, before the next chart's heading.
    assert page.evaluate("""() => {
        const table = document.querySelector('.fsnb-drilldown'), next = document.querySelector('.fsnb-chart-team');
        return !!(table.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert serverhelp.axe_violations(page) == []
    with page.expect_navigation():
        page.locator('.fsnb-drilldown a[href="case-story.ipynb?case=C-N1"]').first.click()
    page.wait_for_selector(".fsnb-story-section", timeout=serverhelp.PAGE_READY_MS)
    assert page.locator("h1").first.inner_text() == "Case oversight story"
    assert "Case C-N1 – Oakhurst family" in page.locator(".fsnb-story-case").inner_text()
    sections = page.locator(".fsnb-story-section h2").all_text_contents()
    assert sections[:3] == ["The case", "Supervisions", "Agreed actions"]
    assert page.locator(".fsnb-story-downloads .fsnb-download-button").all_text_contents() == [
        "Download as PDF", "Download as Word (.docx)"]
    assert serverhelp.axe_violations(page) == []
    seen.assert_clean()


def test_printed_charts_fit_the_page(open_page):
    """The re-audit: printed, the charts kept the window's width and were cut at the right edge of the A4
    page. In print, each chart is drawn at the page's width, and at the window's width again after."""
    seen = open_page(TIMELINESS, ".fsnb-chart-team .main-svg")
    page = seen.page
    widths = ("() => [...document.querySelectorAll('.fsnb-chart, .fsnb-chart .js-plotly-plot')]"
              ".filter(c => c._fullLayout && c.offsetParent !== null).map(c => c._fullLayout.width)")
    drawn = "() => [...document.querySelectorAll('.fsnb-chart')].every(c => c.querySelector('.main-svg'))"
    page.wait_for_function(drawn, timeout=UPDATE_MS)  # the charts are drawn one by one, after the page
    on_screen = page.evaluate(widths)
    assert max(on_screen) > 703, on_screen  # the window is wider than A4
    page.emulate_media(media="print")
    page.wait_for_function(f"({widths})().every(w => w <= 703)", timeout=UPDATE_MS)
    page.emulate_media(media="screen")
    page.wait_for_function(f"Math.max(...({widths})()) > 703", timeout=UPDATE_MS)
    seen.assert_clean()
