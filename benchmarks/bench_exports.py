"""Export benchmarks: a case's oversight story, its PDF, and 500 record PDFs from the command line.

    .venv/bin/python benchmarks/bench_exports.py [--records 500] [--keep DIR]

Targets, for a case with 24 supervisions, 120 agreed actions and 3 children, on SQLite:
- its story built (`Store.case_story`: read and laid out) in at most 1 s;
- its story as a tagged PDF in at most 3 s;
- 500 record PDFs from the command line (`familyservice-nb export record --all-completed --pdf`) in at most
  5 minutes.
Synthetic data only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from familyservice_nb import documents  # noqa: E402
from familyservice_nb.records import RECORD_KINDS, Case, Child, Staff, open_actions  # noqa: E402
from familyservice_nb.store import Store  # noqa: E402

MANAGER, WORKER, ANALYST = "morgan.manager", "alex.example", "casey.analyst"
FIRST = dt.date(2025, 1, 6)
STATUSES = ["Done", "Partly done", "Not done", "No longer needed", "Done"]
TROUBLED_FAMILIES = ["School attendance", "Health", "Children who need help", "Domestic violence and abuse"]


def supervision(case_id: str, n: int, earlier: list):
    """The nth supervision of a case, four weeks after the last: reviews every open action, agrees five."""
    day = FIRST + dt.timedelta(days=28 * n)
    reviews = [
        {"action_id": a.action_id, "status": STATUSES[(n + i) % 5],
         "comment": "" if STATUSES[(n + i) % 5] == "Done" else "Waiting for the school to reply."}
        for i, a in enumerate(open_actions(earlier))
    ]
    return RECORD_KINDS["supervision"].model_validate({
        "event_date": day, "author": MANAGER, "case_id": case_id, "kind": "Planned supervision",
        "practitioner": WORKER, "manager": MANAGER,
        "case_summary": "Three children; early help plan since January 2025. " * 3,
        "progress": f"Supervision {n + 1}: attendance up, routines settling, mum engaging well. " * 3,
        "still_to_happen": "Housing referral; school support plan; CAMHS waiting list.",
        # Complete under the completion rules: the sections not written here are marked.
        "left_empty": {"risk_assessments_and_tools": "Nothing to record", "if_unable_to_engage": "Nothing to record"},
        "previous_actions": reviews,
        "key_dates": [{"date": day + dt.timedelta(days=42), "what": f"Family plan review {n + 1}"}],
        "pbr_outcomes": TROUBLED_FAMILIES[: 2 + n % 3],
        "pbr_comment": f"Attendance at {80 + n % 15}%.",
        "children": [
            {"child_id": f"{case_id}-CH-{c}", "pseudonym": f"Child {c}", "date_spoken_to": day - dt.timedelta(days=c),
             "seen_alone": c % 2 == 0, "views_and_feelings": f"I like my new teacher (visit {n + 1}, child {c})."}
            for c in range(3)
        ],
        "significant_adults": [{"name": "Pat Example", "relationship": "Grandmother", "contact": "07700 900123",
                                "involvement": "Collects the children on Fridays."}],
        "agreed_actions": [
            {"action_id": f"{case_id}-S{n}-A{a}", "what": f"Action {a + 1} agreed at supervision {n + 1}",
             "by_whom": WORKER, "by_when": day + dt.timedelta(days=14 + a)}
            for a in range(5)
        ],
    })


def fill(url: str, records: int) -> None:
    admin = Store(url)
    admin.save_staff([
        Staff(name="Morgan Manager", login=MANAGER, role="manager", teams=["Newark"]),
        Staff(name="Alex Example", login=WORKER, role="practitioner", teams=["Newark"], line_manager=MANAGER),
        Staff(name="Casey Analyst", login=ANALYST, role="analyst"),
    ])
    cases = 1 + (max(records - 24, 0) + 23) // 24
    admin.save_cases([
        Case(case_id=f"CASE-{i:03d}", family_pseudonym=f"Family {i}", allocated_worker=WORKER, team="Newark",
             open_date="01/01/2025",
             children=[Child(child_id=f"CASE-{i:03d}-CH-{c}", pseudonym=f"Child {c}") for c in range(3)])
        for i in range(1, cases + 1)
    ])
    admin.close()
    store = Store(url, user=MANAGER)
    made = 0
    for i in range(1, cases + 1):
        earlier = []
        for n in range(24):
            if made == records:
                break
            record = supervision(f"CASE-{i:03d}", n, earlier)
            store.complete(store.save_draft(record))
            earlier.append(record)
            made += 1
    store.close()


def bench_story_page(url: str) -> None:
    """The story PAGE (`ui/pages/case_story.py`): built for the user and the case read, laid out and shown as
    widgets, as when `case-story.ipynb?case=CASE-001` is opened (target <= 1 s)."""
    from familyservice_nb.ui.pages.case_story import CaseStoryPage

    times, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        page = CaseStoryPage(Store(url, user=MANAGER), user=MANAGER)
        page.apply_query({"case": "CASE-001"})
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert page.story is not None and len(page.sections.children) == 7, page.message.value
    print(f"Story page built and shown: median {statistics.median(times):.3f} s elapsed, worst {max(times):.3f} s, "
          f"median {statistics.median(cpu):.3f} s of processor time (target <= 1 s); load average "
          f"{os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--keep", help="keep the database and files in this folder")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fsnb-bench-exports-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'workbook.db'}"
    t0 = time.perf_counter()
    fill(url, args.records)
    print(f"Made {args.records} completed supervision records in {time.perf_counter() - t0:.1f} s ({folder}).")

    store = Store(url, user=MANAGER)
    story = store.case_story("CASE-001")
    print(f"CASE-001: {len(story.supervisions)} supervisions, {len(story.actions)} agreed actions, "
          f"{len(story.children)} children.")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        story = store.case_story("CASE-001")
        times.append(time.perf_counter() - start)
    print(f"Story built (read and laid out): median {statistics.median(times):.3f} s, worst {max(times):.3f} s "
          "(target <= 1 s)")
    bench_story_page(url)
    start = time.perf_counter()
    documents.pdf_bytes(documents.story_outline(story))  # the first also loads WeasyPrint and the fonts
    first = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = documents.pdf_bytes(documents.story_outline(story))
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"Story PDF ({len(pdf) / 1024:.0f} KB): first {first:.2f} s (loads WeasyPrint), then median "
          f"{statistics.median(times):.2f} s elapsed, {statistics.median(cpu):.2f} s of processor time "
          f"(target <= 3 s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    start = time.perf_counter()
    docx = documents.docx_bytes(documents.story_outline(story))
    print(f"Story Word file ({len(docx) / 1024:.0f} KB): {time.perf_counter() - start:.2f} s")
    store.close()

    out_dir = folder / "records"
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTERHUB_USER", "FSNB_DATABASE_URL")}
    env["FSNB_USER"] = ANALYST
    start = time.perf_counter()
    before = os.times()
    run = subprocess.run([sys.executable, "-m", "familyservice_nb", "export", "record", "--all-completed", "--pdf",
                          "--out-dir", str(out_dir), "--db", url], capture_output=True, text=True, env=env)
    took = time.perf_counter() - start
    after = os.times()
    cpu_took = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    if run.returncode != 0:
        sys.exit(f"export failed: {run.stderr.strip()}")
    count = len(list(out_dir.glob("*.pdf")))
    print(f"{count} record PDFs from the command line: {took:.1f} s elapsed, {cpu_took:.1f} s of processor time, "
          f"{took / count * 1000:.0f} ms each (target <= 300 s for 500); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
