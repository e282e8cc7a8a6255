"""Team mode under load: 20 demo people sign in through the hub's login page and open the case
supervision form, in waves, on a real `familyservice-nb hub --demo` with PostgreSQL.

Measured, per person: from submitting the login form to a usable form (the case summary box can be typed
in), first while their server must start, then again while it runs, for another case of theirs (one with a
single case finds their draft there, and their time is taken to the form after "Start again"). The first
time each types into the form, and autosave must land in the database with that person as author.
Each person has a browser of their own (a Chromium context), empty at the first sign-in. Before the second
they are signed out (its cookies cleared), so they sign in again through the login page, in the same
browser, which keeps what it had loaded (the workbook's scripts), as a person's browser does. With
`--cold-browser` the second sign-in is from a new, empty browser as well (every script loaded and compiled
again: the slowest case, as on a shared or wiped machine).
A wave is `--wave` people submitting the login form in the same second; between waves the hub is left to
settle (its processes' CPU falls quiet, at most a minute): waves stand for groups arriving at different
moments, not one queue. Pages are closed as a browser closes a tab (its unload handlers run, so Voila
shuts the page's kernel down and the server warms its next one). CPU seconds of the hub's processes per
page opened are reported too: on a machine shared with other work they say more than the wall clock.
Memory: the proportional set size (PSS: shared pages split between the processes sharing them) of every
process of the hub (hub, proxy, idle culler, each person's server and its page kernels), sampled every
half second; peak and per active person. Targets: p95 <= 4 s running, <= 15 s with the start;
< 350 MB per active person; all 20 saves land, each with its own author.

    FSNB_TEST_POSTGRES_URL=postgresql+psycopg://... python benchmarks/bench_hub.py [--people 20] [--wave 5] [--cold-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import _common  # noqa: F401 - puts the repository and tests/ on sys.path
from hubhelp import DEMO_PASSWORD, Hub, drop_database
from serverhelp import launch_chromium

READY_MS = 180_000
TARGETS = {"running_p95": 4.0, "starting_p95": 15.0, "mb_per_person": 350.0}


def spread(pairs: list[tuple[str, str]]) -> dict:
    """Median and longest of each of two timings, from (a, b) pairs of numbers as text."""
    if not pairs:
        return {}
    firsts, seconds = [float(a) for a, _ in pairs], [float(b) for _, b in pairs]
    return {"count": len(pairs), "start_median": statistics.median(firsts), "start_longest": max(firsts),
            "warm_up_median": statistics.median(seconds), "warm_up_longest": max(seconds)}


class Watch:
    """Something a thread of its own does every `every` seconds (`_run`), from `with` until its end."""

    def __init__(self, every: float):
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class StallWatch(Watch):
    """The longest time this process was kept from running: a thread that wakes every 0.1 s notes how late
    it woke. Seconds late means the whole machine stalled (the benchmark's own process could not run),
    not the hub: a page slow in that run is not the workbook's doing."""

    def __init__(self, every: float = 0.1):
        super().__init__(every)
        self.longest = 0.0

    def _run(self):
        while True:
            before = time.monotonic()
            if self._stop.wait(self.every):
                return
            self.longest = max(self.longest, time.monotonic() - before - self.every)


class MemoryWatch(Watch):
    """Samples the PSS of a process tree until stopped; keeps the peak and the latest total."""

    def cpu_seconds(self) -> float:
        """CPU time of the hub's processes so far, their ended children included."""
        total = 0.0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def settle(self, quiet_cores: float = 0.25, longest: float = 60.0) -> float:
        """Wait until the hub's processes use less than `quiet_cores` CPUs over 2 s; the seconds waited."""
        started = time.monotonic()
        before = self.cpu_seconds()
        while time.monotonic() - started < longest:
            time.sleep(2)
            now = self.cpu_seconds()
            if now - before < 2 * quiet_cores:
                break
            before = now
        return time.monotonic() - started

    def __init__(self, root_pid: int, every: float = 0.5):
        super().__init__(every)
        self.root = psutil.Process(root_pid)
        self.peak = self.latest = self.active = 0

    def total(self) -> int:
        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                total += proc.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _run(self):
        while not self._stop.is_set():
            self.latest = self.total()
            self.peak = max(self.peak, self.latest)
            self._stop.wait(self.every)


def pick_people(owner_url: str, count: int) -> list[tuple[str, str, str]]:
    """(login, a case they may open, another where they can): every manager (their team's first two cases),
    then practitioners with a case allocated (their first two; the first twice if they have one)."""
    from familyservice_nb.store import Store

    with Store(owner_url, user=None) as store:
        staff, cases = store.staff(), store.cases()
    own: dict[str, list[str]] = {}
    team: dict[str, list[str]] = {}
    for case in sorted(cases, key=lambda c: c.case_id):
        if case.allocated_worker:
            own.setdefault(case.allocated_worker, []).append(case.case_id)
        if case.team:
            team.setdefault(case.team, []).append(case.case_id)
    two = lambda ids: (ids[0], ids[min(1, len(ids) - 1)])  # noqa: E731
    people = [(p.login, *two(team[p.teams[0]])) for p in staff if p.role == "manager" and p.teams]
    people += [(p.login, *two(own[p.login])) for p in staff if p.role == "practitioner" and p.login in own]
    return people[:count]


async def sign_in_and_open_form(browser, hub: Hub, login: str, case_id: str, typed: str | None,
                                keep: list, browsers: dict | None) -> tuple[float, float]:
    """Seconds from submitting the login form to the page's first control (the case summary box, or, with a
    draft already there, the choice to continue it or start again), and to a usable form (the box, after
    "Start again" when a draft was offered). The page stays open (in `keep`) when asked. With `browsers`,
    the person's own browser (context) is used again when they have one, signed out first."""
    context = browsers.get(login) if browsers is not None else None
    if context is None:
        context = await browser.new_context(locale="en-GB")
        if browsers is not None:
            browsers[login] = context
    else:
        await context.clear_cookies()  # signed out: they sign in again
    page = await context.new_page()
    # The page's errors, reported if it never opens (not its warnings: Voila's page writes about 14 about
    # library versions every time, which would push the errors out of the report).
    said: list[str] = []
    page.on("console", lambda msg: said.append(f"error: {msg.text[:200]}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: said.append(f"page error: {str(error)[:200]}"))
    try:
        form = f"/user/{login}/voila/render/case-supervision.ipynb?case={case_id}"
        await page.goto(hub.url(f"hub/login?next={quote(form, safe='')}"), wait_until="domcontentloaded")
        await page.fill("#username_input", login)
        await page.fill("#password_input", DEMO_PASSWORD)
        started = time.perf_counter()
        await page.click("#login_submit")
        box = page.get_by_label("Case summary", exact=True)
        again = page.get_by_role("button", name="Start again")
        try:
            await box.or_(again).first.wait_for(state="visible", timeout=READY_MS)
        except Exception:
            shown = await page.evaluate("document.body ? document.body.innerText.slice(0, 600) : ''")
            raise SystemExit(f"{login}'s form ({case_id}) was not usable after {READY_MS // 1000} s. The page showed:\n"
                             f"{shown}\nIts console said: {said[-10:]}") from None
        first = seconds = time.perf_counter() - started
        if await again.count():
            await again.click()
            await box.wait_for(state="visible", timeout=READY_MS)
            seconds = time.perf_counter() - started
        if typed:
            await box.fill(typed)
            await page.wait_for_selector(".fsnb-saved", timeout=READY_MS)
        return first, seconds
    finally:
        if keep is None:
            await close_like_a_browser([context], end=browsers is None)
        else:
            keep.append(context)


async def close_like_a_browser(contexts, end: bool = True) -> None:
    """Close every page as a person closes a tab: the page's unload handlers run (Voila's shuts its kernel).
    With `end`, the browser sessions end too."""
    for context in contexts:
        for page in context.pages:
            await page.close(run_before_unload=True)
    await asyncio.sleep(1)  # the unload requests leave before the browser session ends
    if end:
        for context in contexts:
            await context.close()


async def waves(browser, hub: Hub, people, wave: int, typed: dict | None, watch: MemoryWatch,
                browsers: dict | None, memory: bool = False, other_case: bool = False) -> list[tuple[float, float]]:
    """Sign everyone in, `wave` at a time, letting the hub settle before each wave. With `memory`: keep every
    form open until all are, then take the memory of the hub with every person active. `browsers` holds each
    person's own browser between rounds (None: a new one for every sign-in)."""
    times: list[tuple[float, float]] = []
    keep: list | None = [] if memory else None
    loop = asyncio.get_running_loop()
    for start in range(0, len(people), wave):
        group = people[start:start + wave]
        await loop.run_in_executor(None, watch.settle)
        times += await asyncio.gather(*(
            sign_in_and_open_form(browser, hub, login, other if other_case else case_id, typed and typed[login],
                                  keep, browsers)
            for login, case_id, other in group
        ))
    if memory:
        await asyncio.sleep(3)
        watch.active = watch.total()
    await close_like_a_browser(keep or [], end=browsers is None)
    return times


async def both_rounds(hub: Hub, people, wave: int, typed: dict, watch: MemoryWatch, cold: bool) -> dict:
    """The round whose servers must start (every form kept open, for the memory of everyone active), then
    the round whose servers run: each round's times, and the CPU of the hub's processes in each."""
    from playwright.async_api import async_playwright

    browsers: dict | None = None if cold else {}
    async with async_playwright() as p:
        browser = await launch_chromium(p)
        cpu = watch.cpu_seconds()
        starting = await waves(browser, hub, people, wave, typed, watch, browsers, memory=True)
        now = watch.cpu_seconds()
        cpu_starting, cpu = now - cpu, now
        print("starting servers, seconds:", sorted(round(form, 1) for _, form in starting), flush=True)
        load_mid = os.getloadavg()[0]
        # Each opens the form of another case of theirs (one with a single case finds their draft, and
        # their time to the form is taken after "Start again").
        running = await waves(browser, hub, people, wave, None, watch, browsers, other_case=True)
        cpu_running = watch.cpu_seconds() - cpu
        for context in (browsers or {}).values():
            await context.close()
        await browser.close()
    return {"starting": starting, "running": running, "cpu_starting": cpu_starting, "cpu_running": cpu_running,
            "load_mid": load_mid}


def fill_demo(owner_url: str) -> None:
    from familyservice_nb.store import Store
    from familyservice_nb.store.demo_data import fill_demo_if_empty

    with Store(owner_url, user=None) as store:
        store.upgrade()
        fill_demo_if_empty(store)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--wave", type=int, default=5, help="people signing in at once")
    parser.add_argument("--cold-browser", action="store_true",
                        help="sign in the second time from a new, empty browser (not the person's own)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the hub and drop the database
    url = os.environ.get("FSNB_BENCH_POSTGRES_URL") or os.environ.get("FSNB_TEST_POSTGRES_URL")
    if not url:
        print("Set FSNB_TEST_POSTGRES_URL to a PostgreSQL server the benchmark may create a database on.")
        return 2
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"fsnb_bench_{uuid.uuid4().hex[:10]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    owner = make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    hub = Hub(owner, Path(tempfile.mkdtemp(prefix="fsnb-bench-hub-")))
    result: dict = {}
    try:
        fill_demo(owner)  # before the hub, whose start is not what is measured (it would fill it itself)
        hub.start()
        people = pick_people(owner, args.people)
        with MemoryWatch(hub.proc.pid) as memory, StallWatch() as stalls:
            time.sleep(2)
            baseline = memory.latest
            typed = {login: f"Benchmark draft by {login} {uuid.uuid4().hex[:6]}" for login, *_ in people}
            load_before = os.getloadavg()[0]
            try:
                rounds = asyncio.run(both_rounds(hub, people, args.wave, typed, memory, args.cold_browser))
            except BaseException:
                print(f"The run stopped; the longest the machine stalled: {stalls.longest:.2f} s", flush=True)
                raise
            active = memory.active  # every server running, each with its form open
            cpu_starting, cpu_running, load_mid = rounds["cpu_starting"], rounds["cpu_running"], rounds["load_mid"]
            starting = [form for _, form in rounds["starting"]]
            running = [form for _, form in rounds["running"]]
            offered = [shown for shown, form in rounds["running"] if form > shown]
            print("running servers, seconds:", sorted(round(t, 1) for t in running), flush=True)
            print("running servers, people offered their draft:", len(offered), flush=True)
            peak = memory.peak
        from familyservice_nb.store import Store

        landed = 0
        with Store(owner, user=None) as store:
            for info in store.records(kind="supervision", state="draft"):
                summary = store.saved_payload(info.record_id).get("case_summary")
                landed += any(info.author == login and summary == typed[login] for login, *_ in people)
        per_person = (active - baseline) / len(people) / 2**20
        hub_log = hub.log(100_000)  # read once: the warm kernels' lines
        result = {
            "people": len(people), "wave": args.wave,
            "second_sign_in_from": "a new, empty browser" if args.cold_browser else "the person's own browser",
            "starting_p50_s": round(statistics.median(starting), 2), "starting_p95_s": round(percentile(starting, .95), 2),
            "running_p50_s": round(statistics.median(running), 2), "running_p95_s": round(percentile(running, .95), 2),
            "running_people_offered_their_draft": len(offered),
            "hub_baseline_mb": round(baseline / 2**20), "all_active_mb": round(active / 2**20),
            "peak_mb": round(peak / 2**20), "mb_per_active_person": round(per_person),
            "saves_landed_with_own_author": f"{landed}/{len(people)}",
            "hub_cpu_s_per_person_starting": round(cpu_starting / len(people), 2),
            "hub_cpu_s_per_person_running": round(cpu_running / len(people), 2),
            "pages_given_a_warm_kernel": f"{hub_log.count(' was warm.')}/{2 * len(people)}",
            # How long each person's warm kernel took to start and to warm up (warm_kernels.py says).
            "warm_kernel_start_and_warm_up_s": spread(re.findall(r"started in ([0-9.]+) s, warmed up in ([0-9.]+) s",
                                                                 hub_log)),
            # Why a page had to start its own kernel, when the server said so (warm_kernels.py warns).
            "warm_kernel_problems": [line[-300:] for line in hub_log.splitlines()
                                     if "arm kernel" in line and ("failed" in line or "Warming up" in line)],
            "longest_machine_stall_s": round(stalls.longest, 2),
            "load_average_1min": [round(load_before, 1), round(load_mid, 1), round(os.getloadavg()[0], 1)],
        }
    finally:
        hub.stop()
        drop_database(server, name)
        server.dispose()
    print(json.dumps(result, indent=1))
    ok = (result["running_p95_s"] <= TARGETS["running_p95"] and result["starting_p95_s"] <= TARGETS["starting_p95"]
          and result["mb_per_active_person"] < TARGETS["mb_per_person"] and landed == len(people))
    print("Targets: p95 <= 4 s running, <= 15 s starting; < 350 MB per active person; every save lands. "
          + ("All met." if ok else "Not all met (see above)."))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
