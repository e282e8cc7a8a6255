"""Bounded kernels (issue 12): 10 plain GETs of a page at once against the real `serve`, default cap.

Before issue 12, 10 GETs started 10 kernels (+1 GB) that lived 15 minutes. This prints, for the default
cap (server.MAX_OPEN_PAGES) and a grace period of GRACE seconds (FSNB_UNCONNECTED_GRACE_SECONDS; the
default is server.UNCONNECTED_GRACE_SECONDS): the answers to the GETs, the kernels started and their
memory (resident set size, summed), and how long until the kernels nobody connected to were gone.

    .venv/bin/python benchmarks/bench_kernels.py [--grace 30]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("fsnb_browser_support", ROOT / "tests" / "browser" / "conftest.py")
support = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = support  # dataclasses look their module up there
_spec.loader.exec_module(support)

from familyservice_nb.server import MAX_OPEN_PAGES  # noqa: E402

PAGE = "voila/render/case-note.ipynb"


def children(parent: int, marker: bytes) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == parent and marker in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


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


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def settle(voila: int, seconds: float = 5) -> set[int]:
    last, since = None, time.monotonic()
    while True:
        now = children(voila, b"ipykernel_launcher")
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > seconds:
            return now
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grace", type=int, default=30, help="seconds an unconnected kernel may live")
    args = parser.parse_args()
    support.ensure_python3_kernelspec()
    with tempfile.TemporaryDirectory(prefix="fsnb-bench-kernels-") as folder:
        data = Path(folder)
        from familyservice_nb.demo import write_demo_extract

        write_demo_extract(data / "demo-extract.csv", rows=3000, seed=11, as_of=support.AS_OF)
        env = support.server_environment(data, FSNB_UNCONNECTED_GRACE_SECONDS=str(args.grace))
        server = support.AppServer(port=support.free_port(), data_dir=data, env=env, log_path=data / "server.log")
        server.start("--demo")
        try:
            voila = next(iter(children(server.proc.pid, b"familyservice_nb.server")))
            pooled = settle(voila)
            print(f"Pre-heated kernels: {len(pooled)} ({rss_mb(pooled):.0f} MB).")
            started = time.monotonic()
            with ThreadPoolExecutor(10) as pool:  # all at once, as a page of links or a script would
                codes = list(pool.map(lambda _: get(server.url(PAGE)), range(10)))
            page_kernels = children(voila, b"ipykernel_launcher") - pooled
            print(f"10 GETs of {PAGE} in {time.monotonic() - started:.1f} s: {codes.count(200)} served, "
                  f"{codes.count(503)} answered 'busy' (cap {MAX_OPEN_PAGES}); {len(page_kernels)} page kernels, "
                  f"{rss_mb(page_kernels):.0f} MB.")
            while children(voila, b"ipykernel_launcher") & page_kernels:
                time.sleep(1)
            print(f"The unconnected page kernels were gone {time.monotonic() - started:.0f} s after the first GET "
                  f"(grace {args.grace} s, checked every {max(1, args.grace // 4)} s).")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
