"""Hostile files against the extract's cost ceiling: time and peak memory.

- a zip bomb (a few hundred KB of Excel whose shared strings unpack to 600 MB) through
  `familyservice-nb timeliness` and `familyservice-nb import`, each in a child process: wall time and the
  child's own peak memory (os.wait4), and the sentence it says;
- a sheet declaring the whole grid (A1:XFD1048576) with 20,000 real rows: `read_extract` time (read
  by the declared range it takes about 16 s, so the used range is worked out from the data), and, with
  --old COMMIT, the same read by the package at COMMIT (e.g. da50512, which has no ceiling), in a child
  process;
- an honest workbook of 100,000 notes: its unpacked size against the ceiling, and its read time.

    .venv/bin/python benchmarks/bench_hostile.py [--old da50512]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile_files import note_rows, write_xlsx  # noqa: E402  (tests/hostile_files.py)

from familyservice_nb.extract import XLSX_MAX_RATIO, XLSX_MAX_UNPACKED_BYTES, read_extract  # noqa: E402


def child(args: list[str], folder: Path) -> tuple[int, float, float, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
    env.pop("FSNB_USER", None)
    err = folder / "err.txt"
    started = time.perf_counter()
    with open(err, "wb") as e:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=e, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    return (os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss / 1024,
            err.read_text().strip())


def timed(fn) -> tuple[object, float, float]:
    """fn's result, wall seconds and CPU seconds (CPU time: what a busy shared machine disturbs least)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def old_read(commit: str, path: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `read_extract(path)` by the package as it was at `commit`."""
    package = folder / f"at-{commit}"
    package.mkdir()
    archive = subprocess.run(["git", "archive", commit, "familyservice_nb"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(package)], input=archive.stdout, check=True)
    code = f"from familyservice_nb.extract import read_extract; read_extract({str(path)!r})"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(package)), cwd=folder)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"The read at {commit} failed.")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def unpacked(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(m.file_size for m in archive.infolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", metavar="COMMIT", help="also time the whole-grid read by the package at COMMIT")
    args = parser.parse_args()
    print(f"Ceiling: {XLSX_MAX_UNPACKED_BYTES / 1e6:.0f} MB unpacked, ratio {XLSX_MAX_RATIO}.")
    with tempfile.TemporaryDirectory(prefix="fsnb-bench-hostile-") as folder:
        folder = Path(folder)
        bomb = write_xlsx(folder / "bomb.xlsx", note_rows(5), shared_strings_bytes=600_000_000)
        print(f"Zip bomb: {bomb.stat().st_size / 1e3:.0f} KB on disk, {unpacked(bomb) / 1e6:.0f} MB unpacked.")
        py = sys.executable
        for name, command in (
            ("timeliness", [py, "-m", "familyservice_nb", "timeliness", str(bomb), "--out", str(folder / "t.csv")]),
            ("import", [py, "-m", "familyservice_nb", "import", str(bomb), "--db", f"sqlite:///{folder / 'w.db'}",
                        "--as-of", "25/11/2026"]),
        ):
            code, seconds, peak, said = child(command, folder)
            print(f"  {name}: exit {code} in {seconds:.2f} s, peak memory {peak:.0f} MB: {said}")

        grid = write_xlsx(folder / "grid.xlsx", note_rows(20_000), dimension="A1:XFD1048576")
        result, wall, cpu = timed(lambda: read_extract(grid))
        print(f"Whole grid declared, 20,000 rows ({grid.stat().st_size / 1e6:.1f} MB): read in "
              f"{wall:.2f} s ({cpu:.2f} s CPU), {len(result.notes):,} notes.")
        if args.old:
            wall, cpu = old_read(args.old, grid, folder)
            print(f"  the same file read by the package at {args.old}: {wall:.1f} s ({cpu:.1f} s CPU, "
                  "including starting Python)")

        honest = write_xlsx(folder / "honest.xlsx", note_rows(100_000), level=6)
        result, wall, cpu = timed(lambda: read_extract(honest))
        print(f"An honest workbook of 100,000 notes ({honest.stat().st_size / 1e6:.1f} MB, "
              f"{unpacked(honest) / 1e6:.0f} MB unpacked): read in {wall:.2f} s ({cpu:.2f} s CPU), "
              f"{len(result.notes):,} notes.")


if __name__ == "__main__":
    main()
