"""Every extract has a cost ceiling, tried as an attacker would.

- A 600 KB Excel file whose shared strings unpack to 600 MB (a zip bomb) is refused by `timeliness`,
  `import` and the page's upload with one plain sentence, before anything is parsed: each runs in a
  child process whose peak memory (`os.wait4`'s resource usage) stays under 1 GB.
- A bomb under the size limit but packed a thousand times over is refused for its ratio.
- A sheet declaring the whole grid (A1:XFD1048576) with 20,000 real rows is read by its real rows
  (CPU time bounded generously here; benchmarks/bench_hostile.py gives the figure).
- An upload over the page's limit is answered in words, and never parsed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hostile_files import HEADER, note_rows, write_xlsx

from familyservice_nb.errors import UnusableFile
from familyservice_nb.extract import (
    UPLOAD_MAX_BYTES,
    XLSX_MAX_RATIO,
    XLSX_MAX_UNPACKED_BYTES,
    check_upload_size,
    read_extract,
)

ONE_GB_KB = 1024 * 1024  # ru_maxrss is in kilobytes on Linux
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = write_xlsx(tmp_path_factory.mktemp("bomb") / "extract.xlsx", note_rows(5), shared_strings_bytes=600_000_000)
    assert path.stat().st_size < 1_000_000  # the attack: well under a megabyte on disk
    return path


def run_measured(args: list[str], tmp_path: Path, env: dict | None = None) -> tuple[int, str, str, float]:
    """Run a child process; its exit code, stdout, stderr and its own peak memory in MB."""
    out, err = tmp_path / "child.out", tmp_path / "child.err"
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(args, stdout=o, stderr=e, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out.read_text(), err.read_text(), usage.ru_maxrss / 1024


def cli_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def assert_refused_in_words(code: int, out: str, err: str, peak_mb: float) -> str:
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "600 MB" in lines[0] and "200 MB" in lines[0] and "not read" in lines[0]
    assert peak_mb < 1024, f"peak memory {peak_mb:.0f} MB"
    return lines[0]


def test_timeliness_refuses_the_zip_bomb_in_a_sentence_under_1_gb(bomb, tmp_path):
    code, out, err, peak = run_measured(
        [sys.executable, "-m", "familyservice_nb", "timeliness", str(bomb), "--out", str(tmp_path / "t.csv")],
        tmp_path, cli_env())
    assert_refused_in_words(code, out, err, peak)
    assert not (tmp_path / "t.csv").exists()


def test_import_refuses_the_zip_bomb_in_a_sentence_under_1_gb(bomb, tmp_path):
    db = f"sqlite:///{tmp_path / 'workbook.db'}"
    code, out, err, peak = run_measured(
        [sys.executable, "-m", "familyservice_nb", "import", str(bomb), "--db", db, "--as-of", "25/11/2026"],
        tmp_path, cli_env())
    assert_refused_in_words(code, out, err, peak)


def test_the_page_upload_refuses_the_zip_bomb_in_a_sentence_under_1_gb(bomb, tmp_path):
    script = tmp_path / "upload.py"
    script.write_text(textwrap.dedent(f"""
        import datetime as dt
        from pathlib import Path
        from familyservice_nb.ui.kit.data import NotesSource
        from familyservice_nb.ui.kit.upload import ExtractUpload

        import pandas as pd
        source = NotesSource(notes=pd.DataFrame(), as_of=None, description="", role="manager")
        upload = ExtractUpload(source, on_notes=lambda *a: print("NOTES SHOWN"))
        content = Path({str(bomb)!r}).read_bytes()
        upload._uploaded({{"new": ({{"name": "extract.xlsx", "content": memoryview(content)}},)}})
        print(upload.message.value)
    """), encoding="utf-8")
    code, out, err, peak = run_measured([sys.executable, str(script)], tmp_path, cli_env())
    assert code == 0, err
    assert "fsnb-problem" in out and "600 MB" in out and "200 MB" in out and "NOTES SHOWN" not in out
    assert "Traceback" not in err
    assert peak < 1024, f"peak memory {peak:.0f} MB"


def test_a_bomb_under_the_size_limit_is_refused_for_its_ratio(tmp_path):
    path = write_xlsx(tmp_path / "packed.xlsx", note_rows(5), shared_strings_bytes=150_000_000)
    with pytest.raises(UnusableFile) as refused:
        read_extract(path)
    message = str(refused.value)
    assert "packed" in message and f"under {XLSX_MAX_RATIO} times" in message and "not read" in message


def test_a_real_sized_workbook_is_read(tmp_path):
    path = write_xlsx(tmp_path / "fine.xlsx", note_rows(3000))
    result = read_extract(path)
    assert len(result.notes) == 3000 and result.rows_in == 3000
    assert list(result.notes.columns[:len(HEADER)]) == HEADER


def test_the_whole_grid_declared_is_read_by_its_real_rows(tmp_path):
    """A sheet that declares every cell of the grid costs what its real rows cost, not a million rows' worth."""
    rows = note_rows(20_000)
    declared = write_xlsx(tmp_path / "grid.xlsx", rows, dimension="A1:XFD1048576")
    plain = write_xlsx(tmp_path / "plain.xlsx", rows)

    def cpu_to_read(path):
        started = time.process_time()
        result = read_extract(path)
        return time.process_time() - started, result

    baseline, _ = cpu_to_read(plain)
    cpu, result = cpu_to_read(declared)
    assert len(result.notes) == 20_000 and result.rows_in == 20_000 and len(result.rejects) == 0
    assert list(result.notes["note_id"][:2]) == ["N0000000", "N0000001"]
    # Walking the declared grid would cost over fifty times the real rows; the same sheet without the
    # declaration, read in this process, is the baseline, so a slow or busy machine does not move the bar.
    assert cpu < 2 * baseline + 0.5, f"{cpu:.1f} s of CPU time against {baseline:.1f} s for the same rows"


def test_blank_rows_between_and_after_keep_the_row_numbers(tmp_path):
    rows = note_rows(3)
    rows[1] = [""] * len(HEADER)
    rows[2][5] = "04/13/2026"  # month-first: rejected, with its row number as the spreadsheet shows it
    path = write_xlsx(tmp_path / "gaps.xlsx", rows + [[""] * len(HEADER)] * 50)
    result = read_extract(path)
    assert result.rows_in == 2 and list(result.rejects["row_number"]) == [4]


def test_an_upload_over_the_limit_is_refused_in_words():
    check_upload_size(UPLOAD_MAX_BYTES, "extract.csv")  # at the limit: fine
    with pytest.raises(UnusableFile) as refused:
        check_upload_size(UPLOAD_MAX_BYTES + 1, "extract.csv")
    assert str(refused.value).startswith("extract.csv is 25 MB; a page accepts extracts up to 25 MB.")


def test_the_limits_hold_together():
    assert XLSX_MAX_UNPACKED_BYTES == 200_000_000 and XLSX_MAX_RATIO == 100
    from familyservice_nb.web.voila_settings import WEBSOCKET_MAX_MESSAGE_BYTES

    assert UPLOAD_MAX_BYTES * 2 < WEBSOCKET_MAX_MESSAGE_BYTES  # an over-limit file still reaches the kernel
