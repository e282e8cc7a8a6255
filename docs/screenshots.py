"""The docs' pictures of what is behind a figure: a drill-down, and a case's oversight story, on the
synthetic demo workbook.

    .venv/bin/python docs/screenshots.py [--out docs]

Makes a fresh demo database (`store.demo_data.fill_demo`, synthetic people and cases), starts the real app on
it as the browser tests do (Voila, 127.0.0.1), signed in as a demo team manager, and drives headless Chromium
with Playwright: on Recording timeliness it clicks the lowest worker's bar and saves the chart with the notes
behind it (`drilldown.png`); then it opens the oversight story of the manager's case with the most
supervisions (`case-story.png`). Nothing real is shown, and nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import serverhelp  # noqa: E402 - tests/serverhelp.py: the real app and Chromium

AS_OF = dt.date(2026, 11, 25)
TIMELINESS = "voila/render/recording-timeliness.ipynb"
WAIT_MS = 300_000


def demo_workbook(folder: Path) -> tuple[str, str, str]:
    """(database url, a manager's login, their case with the most completed supervisions)."""
    from familyservice_nb.store import Store
    from familyservice_nb.store.demo_data import fill_demo

    url = f"sqlite:///{folder / 'workbook.db'}"
    with Store(url, user=None) as store:
        store.upgrade()
        fill_demo(store, as_of=AS_OF)
        managers = [s.login for s in store.staff() if s.role == "manager"]
    best = None
    for login in managers:
        with Store(url, user=login) as store:
            counts = collections.Counter(i.case_id for i in store.records()
                                         if i.kind == "supervision" and i.state == "complete")
        if counts and (best is None or counts.most_common(1)[0][1] > best[2]):
            best = (login, *counts.most_common(1)[0])
    return url, best[0], best[1]


def tall(page) -> int:
    """Make the window as tall as the page (Voila scrolls an inner box, so a full-page picture is not enough)."""
    height = page.evaluate("Math.ceil(document.querySelector('.fsnb-app').getBoundingClientRect().bottom) + 40")
    page.set_viewport_size({"width": 1280, "height": max(600, min(int(height), 8000))})
    page.wait_for_timeout(1500)  # plotly fits its charts to the new size
    return int(height)


def clip_of(page, *selectors: str, margin: int = 12) -> dict:
    """The rectangle around these elements (the window as tall as the page: `tall`)."""
    return page.evaluate("""([selectors, margin]) => {
        const boxes = selectors.map(s => document.querySelector(s).getBoundingClientRect());
        const top = Math.min(...boxes.map(b => b.top)) - margin;
        const bottom = Math.max(...boxes.map(b => b.bottom)) + margin;
        const left = Math.min(...boxes.map(b => b.left)) - margin, right = Math.max(...boxes.map(b => b.right)) + margin;
        return {x: Math.max(0, left), y: Math.max(0, top), width: right - Math.max(0, left), height: bottom - top};
    }""", [list(selectors), margin])


def click_first_bar(page, chart: str) -> None:
    """Click the top bar of a chart the way a person does: plotly answers the point it hovers."""
    box = page.locator(f"{chart} g.trace.bars g.point path").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_selector(f"{chart} .hoverlayer .hovertext", timeout=WAIT_MS)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_selector(".fsnb-drilldown h3", timeout=WAIT_MS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fsnb-shots-") as tmp:
        data = Path(tmp)
        url, manager, case_id = demo_workbook(data)
        server = serverhelp.start_server(data, user=manager, FSNB_DATABASE_URL=url)
        try:
            with sync_playwright() as playwright:
                browser = serverhelp.launch_chromium(playwright)
                context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
                page = context.new_page()
                page.goto(server.url(TIMELINESS), wait_until="domcontentloaded", timeout=WAIT_MS)
                page.wait_for_selector(".fsnb-chart-worker .main-svg", timeout=WAIT_MS)
                click_first_bar(page, ".fsnb-chart-worker")
                page.mouse.move(5, 5)  # the hover label off the picture
                tall(page)
                shot = args.out / "drilldown.png"
                page.screenshot(path=str(shot), clip=clip_of(page, ".fsnb-drill-picker", ".fsnb-chart-worker",
                                                             ".fsnb-drilldown"))
                print(f"saved {shot}")
                page.goto(server.url(f"voila/render/case-story.ipynb?case={case_id}"), wait_until="domcontentloaded",
                          timeout=WAIT_MS)
                page.wait_for_selector(".fsnb-story-section", timeout=WAIT_MS)
                shot = args.out / "case-story.png"
                height = tall(page)
                page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 2600)})
                print(f"saved {shot} (case {case_id})")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
