"""Assess 2 million notes: against a row-by-row Python loop and against bare numpy.

Prints figures; not a test. Targets: at least 50x faster than the row loop, at most 3x
bare numpy's busday_offset + busday_count on the same arrays, under 1.5 GB peak memory.

    python benchmarks/bench_timeliness.py [--rows 2000000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tracemalloc

import numpy as np
import pandas as pd

from familyservice_nb import WorkingCalendar, assess_timeliness, timeliness_by_worker

import _common  # first: it puts tests/ on the path, for the oracle  # noqa: I001
import oracle  # noqa: E402

best_of = _common.best_of


def make_notes(rows: int, seed: int = 1) -> pd.DataFrame:
    """Typed notes as read_extract gives them: three years of events, 150 workers."""
    rng = np.random.default_rng(seed)
    event = np.datetime64("2024-01-01") + rng.integers(0, 3 * 365, rows).astype("timedelta64[D]")
    delay = np.floor(rng.exponential(3.0, rows) * 86400).astype("timedelta64[s]")
    recorded = event.astype("datetime64[s]") + delay
    recorded[rng.random(rows) < 0.05] = np.datetime64("NaT")
    status = pd.Categorical.from_codes(
        rng.choice(4, rows, p=[0.9, 0.05, 0.03, 0.02]), ["Complete", "Draft", "Timed out", "Deleted"]
    )
    return pd.DataFrame(
        {
            "note_id": pd.RangeIndex(rows).astype(str),
            "worker": pd.Categorical.from_codes(rng.integers(0, 150, rows), [f"Worker {i:03d}" for i in range(150)]),
            "event_date": event.astype("datetime64[s]"),
            "recorded_at": recorded,
            "risk_identified": rng.random(rows) < 0.12,
            "status": status,
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    args = ap.parse_args()
    as_of = dt.date(2026, 11, 25)
    notes = make_notes(args.rows)
    cal = WorkingCalendar()
    cal.is_working_day(notes["event_date"])  # build the holiday table once, as any warm use would

    # (a) the rule, vectorised
    t_ours = best_of(lambda: assess_timeliness(notes, calendar=cal, as_of=as_of))

    # (b) bare numpy on the same arrays: the two working-day calls and nothing else
    event = notes["event_date"].to_numpy().astype("datetime64[D]")
    recorded = notes["recorded_at"].to_numpy().astype("datetime64[D]")
    n = np.where(notes["risk_identified"].to_numpy(), 1, 5)
    bdc = np.busdaycalendar(holidays=cal.holidays())
    safe = np.where(np.isnat(recorded), event, recorded)

    def bare():
        np.busday_offset(event, n, roll="backward", busdaycal=bdc)
        np.busday_count(event + 1, safe + 1, busdaycal=bdc)

    t_numpy = best_of(bare)

    # (c) row by row: a plain loop over the notes' rows (itertuples), one oracle call per note,
    # timed on a sample and scaled up. Its bank-holiday look-ups are cached, so it is a fair loop.
    sample = notes.sample(args.sample, random_state=2)

    def loop():
        for row in sample.itertuples(index=False):
            recorded_day = None if pd.isna(row.recorded_at) else row.recorded_at.date()
            oracle.timeliness(row.event_date.date(), recorded_day, row.risk_identified, row.status, as_of)

    t_loop = best_of(loop, repeat=1) * (args.rows / args.sample)

    tracemalloc.start()
    out = assess_timeliness(notes, calendar=cal, as_of=as_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_fig = best_of(lambda: timeliness_by_worker(out))

    print(f"notes assessed:                {args.rows:,}")
    print(f"assess_timeliness:             {t_ours:.3f} s  ({args.rows / t_ours:,.0f} notes/s)")
    print(f"bare numpy busday_offset+count: {t_numpy:.3f} s")
    print(f"row-by-row loop (scaled from {args.sample:,}): {t_loop:.1f} s")
    print(f"speed-up over the row loop:    {t_loop / t_ours:,.0f}x   (target >= 50x)")
    print(f"ratio to bare numpy:           {t_ours / t_numpy:.2f}x  (target <= 3x)")
    print(f"peak memory during assessment: {peak / 2**20:,.0f} MiB traced; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB (target < 1.5 GB)")
    print(f"timeliness_by_worker:          {t_fig:.3f} s")


if __name__ == "__main__":
    main()
