"""The real app in headless Chromium: the landing page and the Recording timeliness dashboard open with
no JavaScript error and no request off 127.0.0.1, and show what they should."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from familyservice_nb.ui.kit.catalogue import discover_pages

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LANDING = "voila/render/index.ipynb"
DASHBOARD = "voila/render/recording-timeliness.ipynb"
CHART = ".fsnb-chart .main-svg"
LATE_ROWS = ".fsnb-late-notes table.fsnb-table tbody tr"
UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def test_front_door_opens_the_landing_page(visit):
    seen = visit("", ready=".fsnb-landing")
    assert seen.page.url.endswith(LANDING)
    seen.assert_clean()


def test_landing_page_says_who_you_are_and_links_every_page(visit, app_server):
    seen = visit(LANDING, ready=".fsnb-landing")
    page = seen.page
    assert page.locator("h1").first.inner_text() == "Family Service workbook"
    # The name is shown as text: the markup in it neither renders nor runs.
    assert "<img" in app_server.user
    assert page.locator(".fsnb-whoami").inner_text() == app_server.user
    assert page.evaluate("window.__fsnb_injected") is None
    links = page.locator(".fsnb-page-links a")
    shown = {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())}
    expected = {p.title: p.notebook for p in discover_pages(ROOT / "dashboards")}
    assert expected, "dashboards/ declares no pages"
    assert shown == expected
    assert shown["Recording timeliness"] == "recording-timeliness.ipynb"
    seen.assert_clean()


def test_landing_link_opens_the_dashboard_and_frees_the_landing_kernel(visit, app_server):
    seen = visit(LANDING, ready=".fsnb-landing")
    page = seen.page
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    page.get_by_role("link", name="Recording timeliness").click()
    page.wait_for_selector(CHART, timeout=90_000)
    assert page.url.endswith(DASHBOARD)
    seen.assert_clean()  # includes the kernel-shutdown request sent as the landing page was left
    deadline = time.monotonic() + 15
    while f"Kernel shutdown: {kernel}" not in app_server.log(tail=2000) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert f"Kernel shutdown: {kernel}" in app_server.log(tail=2000)


def test_dashboard_shows_chart_table_and_as_of_date(visit, app_server):
    seen = visit(DASHBOARD, ready=CHART)
    page = seen.page
    assert page.locator("h1").first.inner_text() == "Recording timeliness"
    assert app_server.as_of.isoformat() == "2026-11-25"
    assert re.fullmatch(r"Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)", page.locator(".fsnb-as-of").inner_text())

    # The chart: a plain-words title, a bar per worker, each labelled with its figure.
    chart = page.locator(".fsnb-chart")
    assert "Notes recorded on time, by worker" in chart.locator(".gtitle").text_content()
    assert chart.locator(".xtitle").text_content() == "Notes recorded on time (%)"
    bars = chart.locator("g.trace.bars g.point")
    assert bars.count() >= 5
    labels = chart.locator("g.trace.bars text.bartext").all_text_contents()
    assert len(labels) == bars.count()
    assert all(re.fullmatch(r"\d{1,3}\.\d% \(\d+ of \d+\)", text) for text in labels), labels

    # The table of late and overdue notes, with UK dates.
    rows = page.locator(LATE_ROWS)
    assert rows.count() > 0
    headings = page.locator(".fsnb-late-notes thead th").all_inner_texts()
    assert "Due by" in headings and "Days late" in headings
    due = rows.first.locator("td").nth(headings.index("Due by")).inner_text()
    assert UK_DATE.match(due), due
    assert page.locator(".fsnb-late-notes caption").inner_text().endswith(".")
    seen.assert_clean()


def test_page_html_links_nothing_outside_the_server(app_server):
    """Checked on the HTML itself too (no browser needed): no CDN link or script."""
    for path in (LANDING, DASHBOARD):
        html = app_server.get(path)
        assert "cdn.jsdelivr.net" not in html and "cdnjs" not in html
        outside = re.findall(r"<(?:link|script)[^>]+(?:href|src)=[\"']https?://[^\"']+", html)
        assert not outside, outside


def test_chart_fills_the_page_width_and_follows_the_window(visit):
    seen = visit(DASHBOARD, ready=CHART)
    page = seen.page
    widths = "[document.querySelector('.fsnb-chart .main-svg').getBoundingClientRect().width, " \
             "document.querySelector('.fsnb-chart').getBoundingClientRect().width]"
    # Drawn while Voila still hides the page, plotly's widget would be 700 pixels wide: it must fit its box.
    page.wait_for_function(f"(() => {{ const [svg, box] = {widths}; return box > 900 && Math.abs(svg - box) < 2; }})()")
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_function(f"(() => {{ const [svg, box] = {widths}; return box < 800 && Math.abs(svg - box) < 2; }})()")
    seen.assert_clean()


def test_a_returning_visitor_asks_the_server_for_no_widget_library_file(browser, app_server,
                                                                      libraries_kept_for_good):
    """Voila serves the widget libraries' files `no-cache`: each page load asked for about 20 of them again.
    Those named after their content's hash are now kept for good; the rest stay as Voila serves them."""
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(app_server.url(DASHBOARD), wait_until="domcontentloaded")
        page.wait_for_selector(CHART, timeout=60_000)
        libraries_kept_for_good(page)
        page.goto(app_server.url(LANDING), wait_until="domcontentloaded")
        page.wait_for_selector(".fsnb-landing .fsnb-page-links a", timeout=60_000)
        fetched = page.evaluate("performance.getEntriesByType('resource')"
                                ".filter(r => r.name.includes('/voila/labextensions/') && r.transferSize > 0)"
                                ".map(r => r.name)")
        assert fetched == []
    finally:
        context.close()


def test_dashboard_opens_every_time_when_opened_again_and_again(browser, app_server, watch_page):
    """A returning visitor opening the page in quick succession: each time the widgets must appear.
    (A preloaded plotly module once made Voila's widget manager lose the page's widget now and then.)"""
    context = browser.new_context(locale="en-GB")
    try:
        for _ in range(4):
            page = context.new_page()
            seen = watch_page(page)
            page.goto(app_server.url(DASHBOARD), wait_until="domcontentloaded")
            page.wait_for_selector(CHART, timeout=60_000)
            seen.assert_clean()
            page.close()
            time.sleep(0.5)
    finally:
        context.close()
