"""What row-level security costs on PostgreSQL: the same store reads as the owner with the policies
switched off (NO FORCE: the owner bypasses them), as the owner through them, and as a person's own login.

    .venv/bin/python benchmarks/bench_rls.py [--notes 20000] [--repeat 15]

Needs FSNB_BENCH_POSTGRES_URL (or FSNB_TEST_POSTGRES_URL) naming a role that may create databases and roles;
a scratch database is filled with the demo (synthetic data only), measured, then dropped with its roles.
Prints the median and the slowest time of each read for a practitioner and a manager, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from familyservice_nb.store import Store
from familyservice_nb.store.db_logins import provision_login
from familyservice_nb.store.demo_data import fill_demo_if_empty

from _common import ROOT  # noqa: F401  (puts the repository on sys.path)

TABLES = ("cases", "children", "records", "record_versions", "notes", "audit", "import_rejects")
READS = {
    "cases": lambda s: s.cases(),
    "records": lambda s: s.records(),
    "notes_frame": lambda s: s.notes_frame(),
    "oversight_data": lambda s: s.oversight_data(),
}


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    base = os.environ.get("FSNB_BENCH_POSTGRES_URL") or os.environ.get("FSNB_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("Set FSNB_BENCH_POSTGRES_URL (or FSNB_TEST_POSTGRES_URL) to a PostgreSQL server.")
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"fsnb_b_{uuid.uuid4().hex[:16]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    owner_url = make_url(base).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    stores = []
    try:
        owner = Store(owner_url)
        stores.append(owner)
        start = time.perf_counter()
        fill_demo_if_empty(owner, notes=args.notes)
        print(f"demo with {args.notes:,} notes filled in {time.perf_counter() - start:.1f} s")
        people = {s.role: s.login for s in reversed(owner.staff())}
        for role in ("practitioner", "manager"):
            login = people[role]
            own = Store(provision_login(owner_url, login))
            filtered = Store(owner_url, user=login)
            stores += [own, filtered]
            print(f"\n{role} {login}: {len(own.cases())} cases, {len(own.notes_frame()):,} notes visible")
            print(f"  {'read':<16}{'no policies':>18}{'owner, policies':>18}{'own login':>18}   (median / max ms)")
            for read, fn in READS.items():
                with owner.engine.connect() as o:
                    for table in TABLES:
                        o.execute(text(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"))
                    o.commit()
                    bare = timed(lambda fn=fn, s=filtered: fn(s), args.repeat)
                    for table in TABLES:
                        o.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
                    o.commit()
                through = timed(lambda fn=fn, s=filtered: fn(s), args.repeat)
                mine = timed(lambda fn=fn, s=own: fn(s), args.repeat)
                print(f"  {read:<16}" + "".join(f"{m:>10.1f} / {x:<6.0f}" for m, x in (bare, through, mine)))
    finally:
        for store in stores:
            store.close()
        with server.connect() as conn:
            roles = conn.execute(text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"),
                                 {"p": name + "_"}).scalars().all()
            for role in roles:
                conn.execute(text(f'GRANT "{role}" TO CURRENT_USER'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in roles:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        server.dispose()


if __name__ == "__main__":
    main()
