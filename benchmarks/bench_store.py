"""Store benchmarks: saving a supervision record, importing 200,000 notes, `db check`.

    .venv/bin/python benchmarks/bench_store.py [--notes 200000] [--saves 300] [--keep DIR]

Targets: saving a supervision record with 10 actions and 3 children on SQLite, p95 < 50 ms.
PostgreSQL figures are printed when FSNB_BENCH_POSTGRES_URL (or FSNB_TEST_POSTGRES_URL) names a server
where the role may create a database; a scratch database is made and dropped. Synthetic data only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from familyservice_nb.demo import make_demo_extract  # noqa: E402
from familyservice_nb.records import RECORD_KINDS, Case, Child, Staff  # noqa: E402
from familyservice_nb.store import Store  # noqa: E402

AS_OF = dt.date(2026, 11, 20)
MANAGER = "morgan.manager"


def supervision(i: int, reviews: tuple = ()):
    """A complete supervision: it reviews the actions the previous one agreed (`reviews`)."""
    day = AS_OF - dt.timedelta(days=60) + dt.timedelta(days=i // 10)
    return RECORD_KINDS["supervision"].model_validate({
        "previous_actions": [{"action_id": a, "status": "Done"} for a in reviews],
        "left_empty": {n: "Nothing to record" for n in ("key_dates", "risk_assessments_and_tools", "if_unable_to_engage",
                                                         "pbr_outcomes", "significant_adults")},
        "event_date": day, "author": MANAGER, "case_id": "CASE-001", "kind": "Planned supervision",
        "practitioner": "alex.example", "manager": MANAGER,
        "case_summary": "Two children; early help plan since September. " * 5,
        "progress": f"Progress note {i}: attendance up, routines settling. " * 4,
        "still_to_happen": "Housing referral; school support plan.",
        "agreed_actions": [
            {"what": f"Action {a} of supervision {i}", "by_whom": "alex.example",
             "by_when": day + dt.timedelta(days=7 + a)}
            for a in range(10)
        ],
        "children": [
            {"child_id": f"CH-{c}", "pseudonym": f"Child {c}", "date_spoken_to": day - dt.timedelta(days=c),
             "seen_alone": c % 2 == 0, "views_and_feelings": "I like my new teacher and my bedroom."}
            for c in range(3)
        ],
    })


def bench_saves(url: str, count: int) -> None:
    admin = Store(url)
    admin.save_staff([
        Staff(name="Morgan Manager", login=MANAGER, role="manager", teams=["Newark"]),
        Staff(name="Alex Example", login="alex.example", role="practitioner", teams=["Newark"], line_manager=MANAGER),
    ])
    admin.save_cases([Case(case_id="CASE-001", family_pseudonym="Example family", allocated_worker="alex.example",
                           team="Newark", open_date="01/01/2026",
                           children=[Child(child_id=f"CH-{c}", pseudonym=f"Child {c}") for c in range(3)])])
    store = Store(url, user=MANAGER)
    records = [supervision(i) for i in range(20)]  # warm-up drafts only
    for record in records[:20]:  # warm up: engine, caches, calendar
        store.save_draft(record)
    new, autosave, complete = [], [], []
    last: tuple = ()
    for i in range(20, count + 20):
        record = supervision(i, reviews=last)
        last = tuple(a.action_id for a in record.agreed_actions)
        t0 = time.perf_counter()
        record_id = store.save_draft(record)
        t1 = time.perf_counter()
        store.save_draft(record.model_copy(update={"progress": record.progress + " Edited."}), record_id)
        t2 = time.perf_counter()
        store.complete(record_id)
        t3 = time.perf_counter()
        new.append(t1 - t0)
        autosave.append(t2 - t1)
        complete.append(t3 - t2)
    for label, times in (("new draft", new), ("autosave over the draft", autosave), ("complete", complete)):
        ms = np.array(times) * 1000
        print(f"  save supervision (10 actions, 3 children), {label:<24} "
              f"p50 {np.percentile(ms, 50):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms   (n={len(ms)})")
    admin.close()
    store.close()


def bench_import(url: str, extract: Path, rows: int, label: str) -> None:
    store = Store(url)
    store.upgrade()
    t0 = time.perf_counter()
    first = store.import_extract(extract, as_of=AS_OF, progress=False)
    t1 = time.perf_counter()
    again = store.import_extract(extract, as_of=AS_OF, progress=False)
    t2 = time.perf_counter()
    assert first.new + first.rejected == rows and again.unchanged == first.new, (first, again)
    print(f"  import {rows:,} notes into {label:<11} {t1 - t0:6.1f} s   {rows / (t1 - t0):>9,.0f} notes/s")
    print(f"  re-import (all unchanged), {label:<11} {t2 - t1:6.1f} s   {rows / (t2 - t1):>9,.0f} notes/s")
    t3 = time.perf_counter()
    report = store.check()
    t4 = time.perf_counter()
    assert report.intact, report.problems
    print(f"  db check, {label:<28} {t4 - t3:6.1f} s   ({report.counts['notes']:,} distinct notes)")
    t5 = time.perf_counter()
    frame = store.notes_frame()
    t6 = time.perf_counter()
    print(f"  notes_frame(), {label:<23} {t6 - t5:6.1f} s   ({len(frame):,} rows)")
    store.close()


def postgres_scratch():
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("FSNB_BENCH_POSTGRES_URL") or os.environ.get("FSNB_TEST_POSTGRES_URL")
    if not base:
        return None, None
    name = f"fsnb_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        for attempt in range(20):  # FORCE cannot end an autovacuum worker: try again shortly after
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except Exception:
                if attempt == 19:
                    raise
                time.sleep(0.25)
        admin.dispose()

    url = make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--keep", help="a folder to keep the databases in (default: a temporary one)")
    args = parser.parse_args()
    for name in ("FSNB_USER", "JUPYTERHUB_USER"):
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print("Store benchmarks (SQLite file in", folder, ")")
        bench_saves(f"sqlite:///{folder / 'saves.db'}", args.saves)
        extract = folder / "extract-200k.csv"
        make_demo_extract(rows=args.notes, seed=1, as_of=AS_OF).to_csv(extract, index=False)
        bench_import(f"sqlite:///{folder / 'notes.db'}", extract, args.notes, "SQLite")
        url, drop = postgres_scratch()
        if url is None:
            print("  PostgreSQL: skipped (set FSNB_BENCH_POSTGRES_URL or FSNB_TEST_POSTGRES_URL)")
        else:
            try:
                bench_import(url, extract, args.notes, "PostgreSQL")
            finally:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
