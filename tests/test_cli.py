"""The command line through a real subprocess: outputs, exit codes, plain messages, no tracebacks."""

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

HEADER = "note_id,case_id,worker,team,note_type,event_date,recorded_at,risk_identified,status,free_text\n"


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "familyservice_nb", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def assert_plain_failure(result, code=2):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(
        HEADER
        + "N1,C1,Alex Ashdown,North,Visit,16/11/2026,23/11/2026 16:00:00,No,Complete,first\n"
        + "N2,C1,Alex Ashdown,North,Visit,21/11/2026,24/11/2026 09:00,Yes,Complete,=SUM(A1)\n"
        + "N3,C2,Bailey Birchall,South,E-mail,02/11/2026,,No,Draft,\n"
        + "N4,C2,Bailey Birchall,South,Visit,04/13/2026,,No,Complete,month-first\n"
        + "N1,C3,Casey Copeland,South,Visit,16/11/2026,,No,Complete,repeat id\n",
        encoding="utf-8",
    )
    return path


def test_timeliness_writes_every_input_column_plus_the_rule(extract, tmp_path):
    out, rejects = tmp_path / "out.csv", tmp_path / "rejects.csv"
    result = run("timeliness", extract, "--out", out, "--rejects", rejects, "--as-of", "25/11/2026")
    assert result.returncode == 0, result.stderr
    assert "Read 5 rows: 3 notes accepted, 2 rejected." in result.stdout
    assert "As of 25/11/2026" in result.stdout
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    for column in HEADER.strip().split(","):
        assert column in table.columns
    for column in ("due_date", "working_days_taken", "days_late", "timeliness", "rule"):
        assert column in table.columns
    rows = table.set_index("note_id")
    assert rows.loc["N1", "due_date"] == "2026-11-23" and rows.loc["N1", "timeliness"] == "on_time"
    assert rows.loc["N2", "due_date"] == "2026-11-23" and rows.loc["N2", "timeliness"] == "late"
    assert rows.loc["N2", "rule"] == "next working day (risk)"
    assert rows.loc["N3", "timeliness"] == "overdue"
    assert rows.loc["N1", "event_date"] == "2026-11-16"  # ISO in files
    assert rows.loc["N2", "free_text"] == "'=SUM(A1)"  # passed through, kept from running as a formula
    rej = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(rej["row_number"]) == ["5", "6"]
    assert rej["reason"].str.len().min() > 10


def test_strict_exits_1_when_rows_are_rejected(extract, tmp_path):
    result = run("timeliness", extract, "--out", tmp_path / "o.csv", "--strict", "--as-of", "2026-11-25")
    assert result.returncode == 1
    assert (tmp_path / "o.csv").exists()


def test_closures_and_region(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(HEADER + "N1,,,,Visit,27/11/2026,01/12/2026 10:00,Yes,,\n", encoding="utf-8")
    closures = tmp_path / "closures.txt"
    closures.write_text("# none relevant\n2026-12-24\n", encoding="utf-8")
    for region, expected in (("ENG", "late"), ("SCT", "on_time")):
        out = tmp_path / f"{region}.csv"
        result = run("timeliness", path, "--out", out, "--region", region, "--closures", closures,
                     "--as-of", "2026-12-02")
        assert result.returncode == 0, result.stderr
        assert pd.read_csv(out)["timeliness"].iloc[0] == expected


def _file(name, content):
    def make(folder):
        path = folder / name
        path.write_bytes(content)
        return path

    return make


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p / "missing.csv", "not"),
        (lambda p: p, "folder"),
        (_file("empty.csv", b""), "empty"),
        (_file("bin.csv", bytes(range(256)) * 20), "csv"),
        (_file("noevent.csv", b"note_id,worker\n1,A\n"), "event date"),
    ],
    ids=["missing file", "a folder", "empty file", "binary", "no event date column"],
)
def test_unusable_input_exits_2_with_one_plain_sentence(tmp_path, make, words):
    target = make(tmp_path)
    line = assert_plain_failure(run("timeliness", target, "--out", tmp_path / "o.csv"))
    assert words.lower() in line.lower()


def test_bad_as_of_date_is_explained(extract, tmp_path):
    result = run("timeliness", extract, "--out", tmp_path / "o.csv", "--as-of", "13/25/2026")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_unknown_region_is_explained(extract, tmp_path):
    line = assert_plain_failure(run("timeliness", extract, "--out", tmp_path / "o.csv", "--region", "XX"))
    assert "region" in line


def test_demo_csv_then_timeliness(tmp_path):
    csv = tmp_path / "demo.csv"
    result = run("demo", "--csv", csv, "--rows", 500, "--seed", 3)
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(csv)) == 500
    again = tmp_path / "again.csv"
    run("demo", "--csv", again, "--rows", 500, "--seed", 3)
    assert csv.read_bytes() == again.read_bytes()  # the same seed gives the same data
    out = tmp_path / "out.csv"
    result = run("timeliness", csv, "--out", out, "--as-of", dt.date.today().isoformat())
    assert result.returncode == 0, result.stderr
    assert "500 notes accepted, 0 rejected" in result.stdout
