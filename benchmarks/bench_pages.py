"""Time from navigation to the first interactive widget, for each page, with a warm server.

Starts the real app (`python -m familyservice_nb serve --demo`, synthetic data in a temporary folder),
opens every page once to warm it, then opens each page `--runs` times in headless Chromium and prints
the median, for:

- a first visit (a fresh browser profile, nothing cached), and
- a returning visit (the same profile: the browser has the app's JavaScript cached).

"Usable" is the first control a person acts on, shown and answering: the landing page's links, a
dashboard's filters (the quality standards page, which has none, its table of figures), a form's first
choice; the browser must also have drawn a frame after it (a page busy drawing is not usable yet). For
the pages with charts, the time to the first chart drawn is printed too. Between runs the server is given a few seconds to pre-heat the next kernel, as it would between users.
Also printed: the kernel websocket bytes a page receives before it is ready, and the kernel-side time to
redraw the dashboard in place (what a filter change will cost).

    .venv/bin/python benchmarks/bench_pages.py [--runs 7] [--rows 5000] [--compare-plotly] [--screenshots docs]

`--compare-plotly` runs everything again with plotly's stock FigureWidget (its JavaScript inside each
widget), to show what serving that code from the app's static files saves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))
import serverhelp  # noqa: E402 - tests/serverhelp.py: the real app and Chromium

PAGES = {
    "landing page": ("voila/render/index.ipynb", ".fsnb-landing .fsnb-page-links a"),
    "Recording timeliness": ("voila/render/recording-timeliness.ipynb", ".fsnb-filters select"),
    "Management oversight": ("voila/render/management-oversight.ipynb", ".fsnb-filters select"),
    "Quality standards": ("voila/render/quality-standards.ipynb", ".fsnb-standards-table table"),
    # a form is usable when its first control (choosing whose record) answers
    "Case supervision": ("voila/render/case-supervision.ipynb", ".fsnb-start"),
    "Session record": ("voila/render/session-record.ipynb", ".fsnb-start"),
    "GFPO session record": ("voila/render/gfpo-session-record.ipynb", ".fsnb-start"),
    "Case note": ("voila/render/case-note.ipynb", ".fsnb-start"),
    "Review summary": ("voila/render/review-summary.ipynb", ".fsnb-start"),
    "Closure summary": ("voila/render/closure-summary.ipynb", ".fsnb-start"),
    "Line management supervision": ("voila/render/line-management-supervision.ipynb", ".fsnb-start"),
}
CHART_PAGES = {"Recording timeliness", "Management oversight", "Quality standards"}
CHART = ".fsnb-chart .main-svg"
PREHEAT_PAUSE_SECONDS = 6
SETTLE_SECONDS = 60
ONLY: set[str] = set()  # --only: time these pages alone


def open_once(context, server, path: str, ready: str, chart: bool = False) -> tuple[float, float | None, int]:
    """Seconds from navigation to `ready` shown with a frame drawn after it, seconds to the first chart
    drawn (pages with charts), and websocket bytes received by the time the page was usable."""
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
        0, received[0] + len(payload))))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    start = time.perf_counter()
    page.goto(server.url(path), wait_until="domcontentloaded")
    try:
        page.wait_for_selector(ready, state="visible", timeout=120_000)
        page.evaluate("() => new Promise((drawn) => requestAnimationFrame(() => drawn()))")
        seconds = time.perf_counter() - start
        ws_bytes = received[0]
        drawn = None
        if chart:
            page.wait_for_selector(CHART, timeout=120_000)
            drawn = time.perf_counter() - start
    except Exception:
        text = page.evaluate("document.body ? document.body.innerText.slice(0, 800) : ''")
        raise SystemExit(f"{path} was not ready after 120 s. It showed:\n{text}\nServer log:\n{server.log()}") from None
    leave(page)
    if errors:
        raise SystemExit(f"{path}: JavaScript errors: {errors}")
    return seconds, drawn, ws_bytes


def leave(page) -> None:
    """Leave the page as a person does (another address, or the tab closed): Voila's page then shuts its
    kernel down. (`page.close()` alone does not, and the kernels of 100 visits would fill the server.)"""
    page.goto("about:blank")
    page.close()


def time_pages(browser, server, runs: int) -> dict:
    results = {}
    for name, (path, ready) in PAGES.items():
        if ONLY and name not in ONLY:
            continue
        chart = name in CHART_PAGES
        warm = browser.new_context(locale="en-GB")
        open_once(warm, server, path, ready, chart)  # warms the server and this profile's cache
        time.sleep(PREHEAT_PAUSE_SECONDS)
        first, returning, charts, ws = [], [], [], []
        for _ in range(runs):
            fresh = browser.new_context(locale="en-GB")
            seconds, _, ws_bytes = open_once(fresh, server, path, ready, chart)
            fresh.close()
            first.append(seconds)
            ws.append(ws_bytes)
            time.sleep(PREHEAT_PAUSE_SECONDS)
            seconds, drawn, _ = open_once(warm, server, path, ready, chart)
            returning.append(seconds)
            if drawn is not None:
                charts.append(drawn)
            time.sleep(PREHEAT_PAUSE_SECONDS)
        warm.close()
        results[name] = (first, returning, charts, ws)
        print(f"{name}: first visits {statistics.median(first):.2f} s, returning {statistics.median(returning):.2f} s "
              f"(median of {runs})" + (f", first chart {statistics.median(charts):.2f} s" if charts else ""),
              flush=True)
    return results


def kernel_redraw_seconds(extract: Path, repeat: int = 7) -> tuple[float, int]:
    """Median seconds for RecordingTimelinessDashboard.show() on the whole extract (no browser)."""
    os.environ["FSNB_EXTRACT"] = str(extract)
    os.environ["FSNB_AS_OF"] = serverhelp.AS_OF.isoformat()
    from familyservice_nb.ui.kit.context import PageContext
    from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard

    dashboard = RecordingTimelinessDashboard.from_context(PageContext.from_environment())
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        dashboard.show(dashboard.assessed)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(dashboard.assessed)


def report(title: str, results: dict, runs: int) -> None:
    print(f"\n{title} (median of {runs} runs; navigation to a usable control)")
    print(f"  {'page':<28} {'first visit':>12} {'returning':>12} {'first chart':>12} {'websocket':>10}")
    for name, (first, returning, charts, ws) in results.items():
        chart = f"{statistics.median(charts):>11.2f}s" if charts else f"{'':>12}"
        print(f"  {name:<28} {statistics.median(first):>11.2f}s {statistics.median(returning):>11.2f}s {chart} "
              f"{statistics.median(ws) / 1e6:>8.2f}MB")
        print(f"  {'':<28} first visits: {', '.join(f'{t:.2f}' for t in first)}")
        print(f"  {'':<28} returning:    {', '.join(f'{t:.2f}' for t in returning)}")


SCREENSHOTS = {
    "landing.png": ("voila/render/index.ipynb", ".fsnb-landing .fsnb-page-links a"),
    "recording-timeliness.png": ("voila/render/recording-timeliness.ipynb", ".fsnb-chart .main-svg"),
}


def take_screenshots(browser, server, folder: Path) -> None:
    """Each page as a new user sees it, the whole page (1280 pixels wide)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (path, ready) in SCREENSHOTS.items():
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server.url(path), wait_until="domcontentloaded")
        page.wait_for_selector(ready, timeout=120_000)
        # Voila scrolls inside its own element, so size the window to the page before the picture.
        height = page.evaluate("Math.ceil(document.querySelector('.fsnb-app').getBoundingClientRect().bottom) + 40")
        page.set_viewport_size({"width": 1280, "height": max(600, min(int(height), 4000))})
        page.wait_for_timeout(800)
        page.screenshot(path=str(folder / name))
        context.close()
        print(f"Saved {folder / name}")


def run_variant(browser, data: Path, logs: Path, runs: int, stock_plotly: bool, screenshots: Path | None = None) -> dict:
    extra = {"FSNB_PLOTLY_ESM": ""} if stock_plotly else {}
    # Every page pre-heated, as `serve` does by default (the browser tests' servers pre-heat fewer). No user:
    # `serve --demo` signs in a demo team manager, so the forms have their cases.
    server = serverhelp.start_server(data, "--demo", user=None,
                                     log_path=logs / ("server-stock.log" if stock_plotly else "server.log"),
                                     FSNB_PREHEAT="all", **extra)
    # Warm means settled: at its start the server pre-heats a kernel for each of 11 pages (about 3 s of a
    # core each), and a page timed while that runs measures the start, not the page.
    time.sleep(SETTLE_SECONDS)
    try:
        if screenshots:
            take_screenshots(browser, server, screenshots)
        return time_pages(browser, server, runs)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="page opens per page and visit kind (at least 5)")
    parser.add_argument("--rows", type=int, default=5000, help="notes in the synthetic extract")
    parser.add_argument("--compare-plotly", action="store_true", help="also time the stock FigureWidget")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="also save a picture of each page there (docs/ holds the guides' pictures)")
    parser.add_argument("--only", nargs="+", default=[], metavar="PAGE", help="time only these pages (names above)")
    args = parser.parse_args()
    ONLY.update(args.only)
    runs = max(5, args.runs)
    if not Path(serverhelp.CHROMIUM).exists():
        print(f"Chromium is not installed at {serverhelp.CHROMIUM}; nothing to time.", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from familyservice_nb.demo import write_demo_extract

    with tempfile.TemporaryDirectory(prefix="fsnb-bench-") as tmp:
        data, logs = Path(tmp) / "data", Path(tmp)
        extract = write_demo_extract(data / "demo-extract.csv", rows=args.rows, as_of=serverhelp.AS_OF)
        with sync_playwright() as playwright:
            browser = serverhelp.launch_chromium(playwright)
            variants = [("plotly's code served by the app (what the workbook uses)", False)]
            if args.compare_plotly:
                variants.append(("stock FigureWidget (plotly's code inside each widget)", True))
            for title, stock in variants:
                shots = None if stock else args.screenshots
                report(title, run_variant(browser, data, logs, runs, stock, shots), runs)
            browser.close()
        seconds, notes = kernel_redraw_seconds(extract)
        print(f"\nRedraw of the dashboard in the kernel (chart, headline, table) on {notes:,} notes: "
              f"{seconds * 1000:.0f} ms (median of 7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
