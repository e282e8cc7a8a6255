"""Real faults: many writers at once, imports side by side, an import killed part-way."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from familyservice_nb.demo import make_demo_extract
from familyservice_nb.extract import read_extract
from familyservice_nb.store import Store
from familyservice_nb.store.schema import imports, record_versions

WORKER = Path(__file__).resolve().parent / "store_worker.py"
ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 20)
pytestmark = pytest.mark.slow


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER")},
    )


def _all_ready(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read()


def _finish(procs: list[subprocess.Popen], timeout: float = 150) -> list[dict]:
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _extract(folder: Path, seed: int, rows: int) -> Path:
    path = folder / f"extract-{seed}.csv"
    make_demo_extract(rows=rows, seed=seed, as_of=AS_OF).to_csv(path, index=False)
    return path


SAVES_EACH = 80  # eight writers interleave hundreds of times on two cores: what a race needs to show itself


def test_eight_processes_saving_at_once_lose_nothing(seeded, store_url, tmp_path):
    go = tmp_path / "go"
    procs = [_start(["save", store_url, str(SAVES_EACH), f"p{n}", str(go)]) for n in range(8)]
    _all_ready(procs)
    go.touch()
    assert _finish(procs) == [{"saved": SAVES_EACH}] * 8
    engine = create_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(record_versions)).scalar_one() == 8 * SAVES_EACH
    engine.dispose()
    store = Store(store_url)
    saved = sorted(store.get(r.record_id).progress for r in store.records())
    assert saved == sorted(f"p{n}-{i}" for n in range(8) for i in range(SAVES_EACH))
    assert store.check().intact


def test_imports_side_by_side_count_exactly(sqlite_url, tmp_path):
    Store(sqlite_url).upgrade()
    paths = [_extract(tmp_path, seed, 3000) for seed in (11, 12, 13, 14)]
    accepted = {p: len(read_extract(p).notes) for p in paths}
    go = tmp_path / "go"
    runs = [*paths, paths[0]]  # the fifth repeats the first
    procs = [_start(["import", sqlite_url, str(p), "20/11/2026", str(go), "500"]) for p in runs]
    _all_ready(procs)
    go.touch()
    results = _finish(procs)
    for path, result in zip(runs, results, strict=True):
        assert result["new"] + result["unchanged"] == accepted[path]
        assert result["updated"] == 0
    assert results[0]["new"] + results[4]["new"] == accepted[paths[0]]  # whichever ran first added them
    for result in results[1:4]:
        assert result["new"] == result["rows_in"] - result["rejected"]
    report = Store(sqlite_url).check()
    assert report.intact, report.problems
    assert report.counts["notes"] == sum(accepted.values())
    assert report.counts["imports"] == 5


def test_an_import_killed_part_way_leaves_an_intact_database(store_url, tmp_path):
    Store(store_url).upgrade()
    path = _extract(tmp_path, 21, 6000)
    accepted = len(read_extract(path).notes)
    go = tmp_path / "go"
    proc = _start(["import", store_url, str(path), "20/11/2026", str(go), "250", "0.05"])
    _all_ready([proc])
    go.touch()
    engine = create_engine(store_url)
    deadline = time.monotonic() + 60
    loaded = 0
    while loaded < 1000 and time.monotonic() < deadline:  # wait for a few batches to be in
        time.sleep(0.02)
        with engine.connect() as conn:
            loaded = conn.execute(select(func.coalesce(func.sum(imports.c.notes_new), 0))).scalar_one()
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    engine.dispose()
    assert proc.returncode == -signal.SIGKILL

    check = subprocess.run(
        [sys.executable, "-m", "familyservice_nb", "db", "check", "--db", store_url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "did not finish" in check.stdout
    store = Store(store_url)
    partial = store.check().counts["notes"]
    assert 1000 <= partial < accepted
    assert partial % 250 == 0  # whole batches only: the one being written when killed left no trace

    again = store.import_extract(path, as_of="20/11/2026")
    assert (again.new, again.unchanged, again.updated) == (accepted - partial, partial, 0)
    report = store.check()
    assert report.intact
    assert report.counts["notes"] == accepted
