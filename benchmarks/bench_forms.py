"""Forms in the browser: time to the first interactive widget, Save to "Saved", and kernel memory per page.

Runs the real app (`familyservice-nb serve`, Voila, pre-heated kernels) on a synthetic SQLite database,
drives it with headless Chromium, and prints medians of several runs:

- navigation to first interactive widget: `page.goto` until the page's Start button is visible and
  enabled (the widgets are live: the kernel answers them). Warm server: each page keeps a pre-heated
  kernel, and the run waits for the pool to refill between visits, as it would between real users;
  reported for a fresh browser (empty cache) and for a repeat visit (the browser's cache warm);
- Save click to "Saved" shown: measured inside the page, from the click to the status line changing;
- memory per open page: resident memory of the page's kernel with a supervision form open.

    .venv/bin/python benchmarks/bench_forms.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import serverhelp  # noqa: E402 - tests/serverhelp.py: the real app and Chromium
from forms_seed import MANAGER, seed, sqlite_url  # noqa: E402

PAGE = "voila/render/case-supervision.ipynb"
READY = ".fsnb-start:not([disabled])"
POOL_REFILL_SECONDS = 12  # a pre-heated kernel is started and the page notebook run again after each visit

SAVE_JS = """
async () => {
  const status = document.querySelector('.fsnb-save-status');
  const before = status.innerHTML;
  const button = [...document.querySelectorAll('button')].find(b => b.textContent.includes('Save draft'));
  const changed = new Promise(resolve => {
    const watch = new MutationObserver(() => {
      if (status.innerHTML !== before && status.textContent.includes('Saved at')) {
        watch.disconnect(); resolve(performance.now());
      }
    });
    watch.observe(status, {subtree: true, childList: true, characterData: true, attributes: true});
    setTimeout(() => resolve(NaN), 10000);
  });
  const start = performance.now();
  button.click();
  return (await changed) - start;
}
"""


def median(values) -> float:
    return statistics.median(values)


def kernel_rss_mb(kernel_id: str) -> float:
    import psutil

    for proc in psutil.process_iter(["pid", "cmdline"]):
        if any(kernel_id in part for part in (proc.info["cmdline"] or [])):
            return proc.memory_info().rss / 2**20
    return float("nan")


def open_supervision(page) -> None:
    page.get_by_label("Practitioner").select_option(label="Pat Practitioner")
    page.get_by_label("Case", exact=True).select_option(label="C-N1 – Oakhurst family")
    page.get_by_role("button", name="Start the supervision").click()
    page.wait_for_selector(".fsnb-form, .fsnb-start-again")
    if page.locator(".fsnb-start-again").count():
        page.get_by_role("button", name="Start again").click()
    page.wait_for_selector(".fsnb-form")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    # Stopped from outside (timeout, Ctrl+C): still stop the server and its kernels (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = Path(tempfile.mkdtemp(prefix="fsnb-bench-forms-"))
    url = seed(sqlite_url(work))
    server = serverhelp.start_server(work, user=MANAGER, FSNB_DATABASE_URL=url, FSNB_PREHEAT="all")
    print(f"server started on port {server.port}", flush=True)
    fresh, repeat, saves, rss = [], [], [], []
    try:
        with sync_playwright() as playwright:
            browser = serverhelp.launch_chromium(playwright)
            time.sleep(POOL_REFILL_SECONDS)  # the server's pre-heated kernels are ready
            warm = browser.new_context(locale="en-GB")
            page = warm.new_page()
            page.goto(server.url(PAGE), wait_until="domcontentloaded")
            print("server and browser ready", flush=True)
            page.wait_for_selector(READY, timeout=serverhelp.PAGE_READY_MS)  # fills the browser cache
            for run in range(args.runs):
                time.sleep(POOL_REFILL_SECONDS)
                context = browser.new_context(locale="en-GB")
                page = context.new_page()
                started = time.perf_counter()
                page.goto(server.url(PAGE), wait_until="commit")
                page.wait_for_selector(READY, timeout=serverhelp.PAGE_READY_MS)
                fresh.append(time.perf_counter() - started)
                open_supervision(page)
                box = page.get_by_label("Progress", exact=True)
                for i in range(1, 4):  # typed, then Save pressed at once (before the autosave's second)
                    box.type(f" word{i}")
                    saves.append(page.evaluate(SAVE_JS))
                    page.wait_for_selector(f".fsnb-save-status [data-saves='{i}']", state="attached")
                kernel_id = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
                rss.append(kernel_rss_mb(kernel_id))
                context.close()

                time.sleep(POOL_REFILL_SECONDS)
                page = warm.new_page()
                started = time.perf_counter()
                page.goto(server.url(PAGE), wait_until="commit")
                page.wait_for_selector(READY, timeout=serverhelp.PAGE_READY_MS)
                repeat.append(time.perf_counter() - started)
                page.close()
                print(f"run {run + 1}: fresh browser {fresh[-1]:.2f} s, repeat visit {repeat[-1]:.2f} s, "
                      f"saves {', '.join(f'{s:.0f}' for s in saves[-3:])} ms, kernel {rss[-1]:.0f} MB", flush=True)
            browser.close()
    finally:
        server.stop()
    print()
    print(f"Navigation to first interactive widget, warm server, fresh browser: median {median(fresh):.2f} s "
          f"(min {min(fresh):.2f}, max {max(fresh):.2f}; target <= 4 s, aim 2 s)")
    print(f"Navigation to first interactive widget, warm server, repeat visit:   median {median(repeat):.2f} s "
          f"(min {min(repeat):.2f}, max {max(repeat):.2f})")
    print(f"Save click to 'Saved' shown: median {median(saves):.0f} ms, max {max(saves):.0f} ms over {len(saves)} saves "
          "(target <= 300 ms)")
    print(f"Kernel memory per open page (supervision form open): median {median(rss):.0f} MB RSS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
