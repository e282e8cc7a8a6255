"""How fast the dashboards redraw on a million notes: in the kernel, and in the browser.

- Kernel: a synthetic extract of `--notes` notes (150 workers, 12 teams) is assessed once; the Recording
  timeliness page is built on it, then filters are changed one after another (team, worker, risk, type of
  note, dates, back to everything). Printed: the median time for `refresh` (figures worked out, every chart
  and table redrawn in place), and the figures step alone.
- Browser: the notes are imported into a SQLite database; the real app (`familyservice-nb serve`) serves
  it to headless Chromium, signed in as an analyst. Printed: the median time to open the page with a warm
  server (navigation to the charts drawn, the page's kernel pre-heated), and the median time from choosing a
  team until the charts show it.

    .venv/bin/python benchmarks/bench_dashboards.py [--notes 1000000] [--runs 5] [--skip-browser] [--db-dir DIR]
        [--screenshots docs]

`--db-dir` keeps the database (and reuses it on the next run: importing a million notes takes a while).
`--screenshots docs` saves the three dashboards (on the small seeded workbook of the tests) as pictures.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

AS_OF = dt.date(2026, 11, 25)
WORKERS, TEAMS = 150, 12
ANALYST = "bench.analyst"
PAGE = "voila/render/recording-timeliness.ipynb"
READY = ".fsnb-chart-team .main-svg"
REFILL_PAUSE_SECONDS = 45  # the server pre-heats the next kernel (reading a million notes) after each open


def extract_for(folder: Path, notes: int) -> Path:
    from familyservice_nb.demo import make_demo_extract

    path = folder / f"bench-extract-{notes}.csv"
    if not path.exists():
        started = time.perf_counter()
        make_demo_extract(rows=notes, seed=1, as_of=AS_OF, workers=WORKERS, teams=TEAMS).to_csv(path, index=False)
        print(f"  wrote a synthetic extract of {notes:,} notes in {time.perf_counter() - started:.0f} s")
    return path


def filter_sequence(data) -> list:
    from familyservice_nb.figures import Filters

    teams = data.choices("team")
    worker = data.workers_in(teams[3])[2]
    return [
        Filters(team=teams[0]), Filters(team=teams[5]), Filters(team=teams[3], worker=worker),
        Filters(risk="risk"), Filters(risk="no_risk"), Filters(note_type=data.choices("note_type")[2]),
        Filters(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 9, 30)),
        Filters(team=teams[7], date_from=dt.date(2026, 10, 1)), Filters(),
    ]


def bench_kernel(extract: Path, rounds: int) -> None:
    from familyservice_nb.extract import read_extract
    from familyservice_nb.timeliness import assess_timeliness
    from familyservice_nb.ui.pages.recording_timeliness import RecordingTimelinessDashboard

    started = time.perf_counter()
    notes = read_extract(extract).notes
    read = time.perf_counter() - started
    started = time.perf_counter()
    assessed = assess_timeliness(notes, as_of=AS_OF)
    assess = time.perf_counter() - started
    started = time.perf_counter()
    page = RecordingTimelinessDashboard(assessed, user="bench")
    build = time.perf_counter() - started
    print(f"  read {len(notes):,} notes {read:.1f} s; assess {assess:.2f} s; build the page {build:.2f} s")
    sequence = filter_sequence(page.data)
    redraws, figures_only = [], []
    for _ in range(rounds):
        for filters in sequence:
            page.data.all_figures = None  # "everything" is worked out afresh, not taken from its cache
            started = time.perf_counter()
            page.refresh(filters)
            redraws.append(time.perf_counter() - started)
            started = time.perf_counter()
            page.data.figures(filters)
            figures_only.append(time.perf_counter() - started)
    print(f"  filter change, every chart and table redrawn in the kernel: median {statistics.median(redraws) * 1000:.0f} ms, "
          f"slowest {max(redraws) * 1000:.0f} ms ({len(redraws)} changes)")
    print(f"  of which the figures (mask + the package's summaries): median "
          f"{statistics.median(figures_only) * 1000:.0f} ms")
    bench_drilldown(page, sequence, clicks=max(30, 15 * rounds))


CLICKED = {"worker": "chart", "team": "team_chart", "month": "month_chart", "note_type": "type_chart",
           "rule": "rule_chart"}


def click(chart, point: int, trace: int = 0) -> None:
    """What plotly's widget sends the kernel when a bar (point) of a trace is clicked in the browser."""
    chart._handler_js2py_pointsCallback({"new": {
        "event_type": "plotly_click", "device_state": None, "selector": None,
        "points": {"xs": [0], "ys": [0], "point_indexes": [point], "trace_indexes": [trace]}}})


def bench_drilldown(page, sequence, clicks: int) -> None:
    """What is behind a figure: a click on a random bar, point or days-taken column under random filters,
    to the table of its notes shown (kernel side: the click's message handled, `positions_behind` and
    `notes_at`, the table widget's HTML written). p95 target <= 150 ms."""
    import random

    from familyservice_nb.figures import DAY_LABELS

    rng = random.Random(14)
    wall, cpu, sizes = [], [], []
    for _ in range(clicks):
        page.refresh(rng.choice(sequence))
        name = rng.choice([*CLICKED, "days_taken"])
        if name == "days_taken":
            chart, trace, point = page.days_chart, rng.randint(0, 1), rng.randrange(len(DAY_LABELS))
        else:
            chart, trace = getattr(page, CLICKED[name]), 0
            if not len(chart.data[0].x):
                continue
            point = rng.randrange(len(chart.data[0].x))
        started, started_cpu = time.perf_counter(), time.process_time()
        click(chart, point, trace)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        sizes.append(page.drilldown.table.shown.total)

    def p95(values):
        return statistics.quantiles(values, n=20)[-1] * 1000

    print(f"  drill-down, click -> table of the notes behind it ({len(wall)} random clicks, {min(sizes):,} to "
          f"{max(sizes):,} notes behind a figure): median {statistics.median(wall) * 1000:.0f} ms, p95 {p95(wall):.0f} ms "
          f"elapsed; p95 {p95(cpu):.0f} ms of processor time (target p95 <= 150 ms); load average "
          f"{os.getloadavg()[0]:.1f}")


# -- the browser ---------------------------------------------------------------------------------------


def database_for(folder: Path, extract: Path) -> str:
    from familyservice_nb.records import Staff
    from familyservice_nb.store import Store

    path = folder / "bench-workbook.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    with Store(url, user=None) as store:
        store.upgrade()
        store.save_staff([Staff(name="Bench Analyst", login=ANALYST, role="analyst")])
        started = time.perf_counter()
        summary = store.import_extract(extract, as_of=AS_OF, progress=False)
        print(f"  imported {summary.new:,} notes into SQLite in {time.perf_counter() - started:.0f} s")
    return url


def open_page(browser, server) -> tuple[object, object, float]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(server.url(PAGE), wait_until="domcontentloaded")
    page.wait_for_selector(READY, timeout=600_000)
    seconds = time.perf_counter() - started
    if errors:
        raise SystemExit(f"JavaScript errors on the page: {errors}")
    return context, page, seconds


CHANGED = """([css, before, team]) => {
  const status = document.querySelector('.fsnb-filter-status');
  const ticks = Array.from(document.querySelectorAll(css + ' g.ytick text')).map(t => t.textContent.trim()).join('|');
  return status && status.innerText.includes('team ' + team) && ticks !== before;
}"""


def team_choices(page) -> list[str]:
    """The team dropdown's choices (ipywidgets writes their spaces as non-breaking ones)."""
    options = page.locator(".fsnb-filter-team option").all_text_contents()
    return [o.replace("\xa0", " ") for o in options]


def time_filter_changes(page, teams: list[str]) -> list[float]:
    choices = team_choices(page)
    times = []
    for team in teams:
        before = "|".join(t.strip() for t in page.locator(".fsnb-chart-worker g.ytick text").all_text_contents())
        started = time.perf_counter()
        page.locator(".fsnb-filter-team select").select_option(index=choices.index(team))
        page.wait_for_function(CHANGED, arg=[".fsnb-chart-worker", before, team], timeout=60_000, polling="raf")
        times.append(time.perf_counter() - started)
        time.sleep(0.3)
    return times


def bench_browser(folder: Path, extract: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    url = database_for(folder, extract)
    data = folder / "server-data"
    data.mkdir(exist_ok=True)
    server = serverhelp.start_server(data, user=ANALYST, log_path=folder / "server.log", FSNB_DATABASE_URL=url,
                                     FSNB_PREHEAT="all")
    try:
        with sync_playwright() as playwright:
            browser = serverhelp.launch_chromium(playwright)
            time.sleep(REFILL_PAUSE_SECONDS)  # the pages' kernels pre-heat as the server starts
            context, page, first = open_page(browser, server)  # the first open also warms the browser's cache
            print(f"  first open (kernel pre-heated at start): {first:.2f} s")
            teams = [t for t in team_choices(page) if t != "All teams"]
            time.sleep(REFILL_PAUSE_SECONDS)  # opening the page set the server pre-heating the next kernel
            changes = time_filter_changes(page, teams[:6] * 2)
            context.close()
            opens = []
            for _ in range(runs):
                time.sleep(REFILL_PAUSE_SECONDS)
                context, page, seconds = open_page(browser, server)
                opens.append(seconds)
                context.close()
            browser.close()
    finally:
        server.stop()
    print(f"  page open with a warm server: median {statistics.median(opens):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in opens)})")
    print(f"  filter change -> charts updated in the browser: median {statistics.median(changes) * 1000:.0f} ms, "
          f"slowest {max(changes) * 1000:.0f} ms ({len(changes)} changes)")


# -- pictures ---------------------------------------------------------------------------------------------


SHOTS = {
    "dashboard-recording-timeliness.png": (PAGE, READY, "recording-timeliness"),
    "dashboard-management-oversight.png": ("voila/render/management-oversight.ipynb", ".fsnb-chart-gaps .main-svg",
                                           "management-oversight"),
    "dashboard-quality-standards.png": ("voila/render/quality-standards.ipynb", ".fsnb-chart-standards .main-svg",
                                        "quality-standards"),
}


def screenshots(target: Path) -> None:
    """The three dashboards on the demo workbook (synthetic), signed in as a team manager."""
    from playwright.sync_api import sync_playwright

    from familyservice_nb.store import Store
    from familyservice_nb.store.demo_data import fill_demo

    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fsnb-shots-") as tmp:
        data = Path(tmp)
        url = f"sqlite:///{data / 'workbook.db'}"
        with Store(url, user=None) as store:
            store.upgrade()
            fill_demo(store, as_of=AS_OF)
            manager = next(s.login for s in store.staff() if s.role == "manager")
        server = serverhelp.start_server(data, user=manager, FSNB_DATABASE_URL=url, FSNB_PREHEAT="all")
        try:
            with sync_playwright() as playwright:
                browser = serverhelp.launch_chromium(playwright)
                for name, (path, ready, _page) in SHOTS.items():
                    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(server.url(path), wait_until="domcontentloaded")
                    page.wait_for_selector(ready, timeout=300_000)
                    height = page.evaluate(
                        "Math.ceil(document.querySelector('.fsnb-app').getBoundingClientRect().bottom) + 40")
                    page.set_viewport_size({"width": 1280, "height": max(600, min(int(height), 6000))})
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(target / name))
                    context.close()
                    print(f"  saved {target / name}")
                browser.close()
        finally:
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="page opens, and rounds of filter changes in the kernel")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--db-dir", type=Path, help="keep the extract and database here (reused when present)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="save pictures of the three dashboards")
    args = parser.parse_args()
    if args.screenshots:
        screenshots(args.screenshots)
        return 0
    with tempfile.TemporaryDirectory(prefix="fsnb-bench-dash-") as tmp:
        folder = args.db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Recording timeliness on {args.notes:,} notes, {WORKERS} workers, {TEAMS} teams")
        extract = extract_for(folder, args.notes)
        print("In the kernel:")
        bench_kernel(extract, rounds=max(1, args.runs // 2))
        if not args.skip_browser:
            if not Path(serverhelp.CHROMIUM).exists():
                print(f"Chromium is not installed at {serverhelp.CHROMIUM}; the browser was not timed.", file=sys.stderr)
                return 2
            print("In the browser:")
            bench_browser(folder, extract, max(3, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
