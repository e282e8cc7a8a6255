"""Complete in the browser: from the click on "Complete the supervision record" to "This record was completed"
shown, on a draft that is ready to complete (the manager's case supervision, saved through the store).

Runs the real app (`familyservice-nb serve`, Voila, pre-heated kernels) on a synthetic SQLite database and
drives it with headless Chromium; each run opens its own draft (`?record=N`), waits for the form, clicks
Complete and times inside the page, from the click to the completed panel. The time includes the form's wait
for typing to settle before it completes (the same in every version). Prints each run, the median and the load
average.

    .venv/bin/python benchmarks/bench_complete.py [--runs 7]

The script needs nothing newer than the store's `save_draft` and the form's `?record=` address, so the same
file can be copied into an older checkout and run there, for a before-and-after ratio in one session.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "store")]

import serverhelp  # noqa: E402 - tests/serverhelp.py: the real app and Chromium
from forms_seed import MANAGER, seed, sqlite_url  # noqa: E402

PAGE = "voila/render/case-supervision.ipynb"
POOL_REFILL_SECONDS = 12  # a pre-heated kernel is started and the page notebook run again after each visit

PROGRESS = "School attendance up to 92%."  # the drafts' progress (tests/store/storehelp.py)
COMPLETE_JS = """
async () => {
  const button = [...document.querySelectorAll('button')].find(
      b => b.textContent.includes('Complete the supervision record') && !b.disabled);
  if (!button) return -1;
  const done = new Promise(resolve => {
    const look = () => document.querySelector('.fsnb-done');
    if (look()) { resolve(performance.now()); return; }
    const watch = new MutationObserver(() => { if (look()) { watch.disconnect(); resolve(performance.now()); } });
    watch.observe(document.body, {subtree: true, childList: true, attributes: true});
    setTimeout(() => resolve(NaN), 30000);
  });
  const start = performance.now();
  button.click();
  return (await done) - start;
}
"""


DRAFT_SHOWN_JS = f"""() => [...document.querySelectorAll('textarea')].some(t => t.value === {PROGRESS!r})"""


def drafts(url: str, count: int) -> list[int]:
    """`count` drafts of the manager's supervision of C-N1, each ready to complete."""
    from storehelp import make_supervision

    from familyservice_nb.store import Store

    with Store(url, user=MANAGER) as store:
        # No agreed actions: each later supervision of the case then has no earlier action to review first.
        return [store.save_draft(make_supervision(actions=0)) for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = Path(tempfile.mkdtemp(prefix="fsnb-bench-complete-"))
    url = seed(sqlite_url(work))
    ids = drafts(url, args.runs + 1)
    server = serverhelp.start_server(work, user=MANAGER, FSNB_DATABASE_URL=url, FSNB_PREHEAT="all")
    times, loads = [], []
    try:
        with sync_playwright() as playwright:
            browser = serverhelp.launch_chromium(playwright)
            time.sleep(POOL_REFILL_SECONDS)
            for run, record_id in enumerate(ids):
                context = browser.new_context(locale="en-GB")
                page = context.new_page()
                page.goto(server.url(f"{PAGE}?record={record_id}"), wait_until="domcontentloaded")
                page.wait_for_selector(".fsnb-form", timeout=serverhelp.PAGE_READY_MS)
                # A pre-heated page hears its address after it has drawn: wait for the draft itself.
                page.wait_for_function(DRAFT_SHOWN_JS, timeout=serverhelp.PAGE_READY_MS)
                took = page.evaluate(COMPLETE_JS)
                context.close()
                if run == 0:
                    continue  # the browser's cache and the server's first Complete: not counted
                times.append(took)
                loads.append(os.getloadavg()[0])
                print(f"run {run}: Complete to completed shown {took:.0f} ms (load {loads[-1]:.1f})", flush=True)
                time.sleep(POOL_REFILL_SECONDS)
            browser.close()
    finally:
        server.stop()
    print()
    print(f"Complete click to 'completed' shown: median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}; {len(times)} runs; 1-minute load {statistics.median(loads):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
