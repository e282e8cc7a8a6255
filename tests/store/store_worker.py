"""A separate program for the concurrency tests: saves records or imports an extract into a store.

    python store_worker.py save URL COUNT MARK GO_FILE
    python store_worker.py import URL EXTRACT AS_OF GO_FILE [BATCH_SIZE] [PAUSE_SECONDS]

It prints "ready" once loaded, waits for GO_FILE to exist (so all workers start together), does the
work and prints its counts as JSON. PAUSE_SECONDS holds each import batch open a while before it commits,
so a test can kill the program part-way through.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # a program of its own: storehelp,
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test world it uses,
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # and the package

from storehelp import MANAGER, make_supervision  # noqa: E402

from familyservice_nb.store import Store  # noqa: E402


def wait_for(go: str) -> None:
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("the test never said go")
        time.sleep(0.005)


def save(url: str, count: int, mark: str, go: str) -> None:
    store = Store(url, user=MANAGER)
    store.viewer()  # connect before the start, so the workers race on saving, not on starting
    records = [make_supervision("C-N1" if i % 2 else "C-N2", progress=f"{mark}-{i}") for i in range(count)]
    wait_for(go)
    ids = [store.save_draft(r) for r in records]
    print(json.dumps({"saved": len(ids)}), flush=True)


def run_import(url: str, extract: str, as_of: str, go: str, batch_size: int = 5000, pause: float = 0.0) -> None:
    if pause:
        from familyservice_nb.store import imports

        original = imports.write_batch

        def slow_batch(*args, **kwargs):
            counts = original(*args, **kwargs)
            time.sleep(pause)  # still inside the batch's transaction
            return counts

        imports.write_batch = slow_batch
    store = Store(url)
    store.viewer()
    wait_for(go)
    summary = store.import_extract(extract, as_of=as_of, batch_size=batch_size, progress=False)
    print(json.dumps({k: getattr(summary, k) for k in ("rows_in", "new", "updated", "unchanged", "rejected")}),
          flush=True)


if __name__ == "__main__":
    command, url, *rest = sys.argv[1:]
    if command == "save":
        save(url, int(rest[0]), rest[1], rest[2])
    else:
        run_import(url, rest[0], rest[1], rest[2], *(int(rest[3]),) if len(rest) > 3 else (),
                   *(float(rest[4]),) if len(rest) > 4 else ())
