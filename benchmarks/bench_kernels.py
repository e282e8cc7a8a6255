"""Bounded kernels: 10 plain GETs of a page at once against the real `serve`, default cap.

Without a cap, 10 GETs would start 10 kernels (+1 GB) that live 15 minutes. This prints, for the default
cap (web.page_kernels.MAX_OPEN_PAGES) and a grace period of GRACE seconds (FSNB_UNCONNECTED_GRACE_SECONDS; the
default is web.page_kernels.UNCONNECTED_GRACE_SECONDS): the memory held at rest (one pre-heated kernel per page),
the answers to the GETs, the kernels the pages were given and their memory (resident set size, summed),
how long until the kernels nobody connected to were gone, and the kernels the GETs started (refills).

    .venv/bin/python benchmarks/bench_kernels.py [--grace 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))
from familyservice_nb.web.page_kernels import MAX_OPEN_PAGES  # noqa: E402

import serverhelp  # noqa: E402 - tests/serverhelp.py: the real app and Chromium

PAGE = "voila/render/case-note.ipynb"  # pre-heated, as every page is


def rss_mb(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def at_rest(server) -> dict[str, int]:
    """The kernels once their number and their memory have settled (every pool's page run)."""
    kernels, last = server.settled_kernels(), 0.0
    while abs((now := rss_mb(set(kernels.values()))) - last) > 0.02 * now:
        last = now
        time.sleep(5)
        kernels = server.settled_kernels()
    return kernels


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=int, default=30, help="seconds an unconnected kernel may live")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fsnb-bench-kernels-") as folder:
        data = Path(folder)
        from familyservice_nb.demo import write_demo_extract

        write_demo_extract(data / "demo-extract.csv", rows=3000, seed=11, as_of=serverhelp.AS_OF)
        server = serverhelp.start_server(data, "--demo", FSNB_UNCONNECTED_GRACE_SECONDS=str(args.grace),
                                         FSNB_MAX_OPEN_PAGES=str(MAX_OPEN_PAGES))  # the tests' server allows 40
        try:
            pooled = at_rest(server)
            voila = server.voila_pid()
            print(f"At rest: {len(pooled)} pre-heated kernels, {rss_mb(set(pooled.values())):.0f} MB; the server "
                  f"(Voila) {rss_mb({voila}):.0f} MB.")
            log_from = len(server.log_text())
            started = time.monotonic()
            with ThreadPoolExecutor(10) as pool:  # all at once, as a page of links or a script would
                codes = list(pool.map(lambda _: get(server.url(PAGE)), range(10)))
            # Each page is given its pre-heated kernel (the server's log names it) and Voila starts one to refill.
            served = server.served_kernel_ids(since=log_from)
            running = server.kernels()
            page_pids = {running[k] for k in served if k in running}
            print(f"10 GETs of {PAGE} in {time.monotonic() - started:.1f} s: {codes.count(200)} served, "
                  f"{codes.count(503)} answered 'busy' (cap {MAX_OPEN_PAGES}); {len(served)} page kernels, "
                  f"{rss_mb(page_pids):.0f} MB.")
            seen = set(running)
            while served & set(running := server.kernels()):
                seen |= set(running)
                time.sleep(0.5)
            print(f"The unconnected page kernels were gone {time.monotonic() - started:.0f} s after the first GET "
                  f"(grace {args.grace} s, checked every {max(1, args.grace // 4)} s).")
            after = at_rest(server)
            seen |= set(after)
            print(f"Kernels started since the GETs (for pages, and to refill the pools): {len(seen - set(pooled))}; back at rest: "
                  f"{len(after)} pre-heated kernels, {rss_mb(set(after.values())):.0f} MB.")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
