"""The database commands, run as a user runs them: `python -m familyservice_nb ...` in a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from familyservice_nb.demo import make_demo_extract
from familyservice_nb.store import Store

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "familyservice_nb", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout, env=env,
    )


@pytest.mark.slow
def test_demo_then_check_shows_the_counts(store_url, tmp_path):
    demo = run("demo", "--db", store_url, "--rows", "3000", "--seed", "3")
    assert demo.returncode == 0, demo.stderr
    assert "3,000 notes" in demo.stdout
    check = run("db", "check", "--db", store_url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Intact" in check.stdout
    assert "notes (distinct)" in check.stdout and "3,000" in check.stdout
    assert "supervision" in check.stdout
    report = Store(store_url).check()
    assert report.counts["staff"] == 30  # 4 managers, 24 practitioners, an analyst and an admin
    assert report.counts["teams"] == 4
    assert report.records_by_kind["supervision"]["complete"] > 0
    # nothing is written "later today": demo data made in the morning said "completed today at 15:34"
    latest = max(info.updated_at for info in Store(store_url).records())
    assert (latest if latest.tzinfo else latest.replace(tzinfo=dt.UTC)) <= dt.datetime.now(dt.UTC)
    assert report.records_by_kind["line_management"]["complete"] == report.records_by_kind["epdr"]["complete"] == 24
    practitioner = next(p for p in Store(store_url).staff() if p.role == "practitioner")
    mine = Store(store_url, user=practitioner.login)
    cases = {c.case_id for c in mine.cases()}
    notes = mine.notes_frame()
    assert cases and len(notes) > 0
    assert (notes["case_id"].isin(cases) | (notes["worker"] == practitioner.name)).all()
    assert {r.case_id for r in mine.records(kind="supervision")} <= cases
    again = run("demo", "--db", store_url)
    assert again.returncode == 2
    assert again.stderr.strip() == "This database already holds data; the demo only fills an empty database."
    backup = run("db", "backup", "--db", store_url, str(tmp_path / "copy.db" if "sqlite" in store_url else
                                                      tmp_path / "copy.dump"))
    assert backup.returncode == 0, backup.stderr
    assert "consistent copy" in backup.stdout
    assert (tmp_path / ("copy.db" if "sqlite" in store_url else "copy.dump")).stat().st_size > 0


def test_import_staff_and_cases_from_the_command_line(sqlite_url, tmp_path):
    (tmp_path / "staff.csv").write_text(
        "Name,Login,Role,Teams,Line Manager,Newly Qualified\n"
        "Mo Manager,mo.manager,Manager,North,,No\n"
        "Pat Practitioner,pat.practitioner,practitioner,North,mo.manager,Yes\n",
        encoding="utf-8",
    )
    (tmp_path / "cases.csv").write_text(
        "case_id,family_pseudonym,allocated_worker,team,open_date,close_date,child_id,child_pseudonym,"
        "child_date_of_birth\n"
        "C-N1,Oakhurst family,pat.practitioner,North,01/09/2026,,K-1,Ann,01/02/2018\n"
        "C-N1,Oakhurst family,pat.practitioner,North,01/09/2026,,K-2,Ben,2020-07-12\n"
        "C-N2,Other family,,North,2026-10-01,,,,\n",
        encoding="utf-8",
    )
    staff = run("staff", "import", str(tmp_path / "staff.csv"), "--db", sqlite_url)
    assert staff.returncode == 0, staff.stderr
    assert staff.stdout.strip() == "Staff: 2 added, 0 updated, 0 unchanged."
    cases = run("cases", "import", str(tmp_path / "cases.csv"), "--db", sqlite_url)
    assert cases.returncode == 0, cases.stderr
    assert cases.stdout.strip() == "Cases: 2 added, 0 updated, 0 unchanged."
    alex = Store(sqlite_url, user="pat.practitioner")
    assert [c.case_id for c in alex.cases()] == ["C-N1"]
    assert [k.child_id for k in alex.case("C-N1").children] == ["K-1", "K-2"]
    assert alex.case("C-N1").children[1].date_of_birth == dt.date(2020, 7, 12)

    (tmp_path / "bad.csv").write_text("name,login,role\nPat Person,pat person,boss\n", encoding="utf-8")
    bad = run("staff", "import", str(tmp_path / "bad.csv"), "--db", sqlite_url)
    assert bad.returncode == 2
    assert "Row 2" in bad.stderr and "Traceback" not in bad.stderr


def test_import_an_extract_from_the_command_line(sqlite_url, tmp_path):
    frame = make_demo_extract(rows=800, seed=9, as_of=dt.date(2026, 11, 20))
    frame.loc[3, "note_id"] = ""
    frame.to_csv(tmp_path / "extract.csv", index=False)
    first = run("import", str(tmp_path / "extract.csv"), "--db", sqlite_url, "--as-of", "20/11/2026",
                "--rejects", str(tmp_path / "rejects.csv"))
    assert first.returncode == 0, first.stderr
    assert "799 new notes" in first.stdout and "1 rejected" in first.stdout
    assert len(pd.read_csv(tmp_path / "rejects.csv")) == 1
    second = run("import", str(tmp_path / "extract.csv"), "--db", sqlite_url, "--as-of", "20/11/2026")
    assert second.returncode == 0, second.stderr
    assert "0 new notes, 0 updated, 799 unchanged" in second.stdout
    missing = run("import", str(tmp_path / "nope.csv"), "--db", sqlite_url)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_check_fails_a_database_that_is_not_intact(sqlite_url, tmp_path):
    absent = run("db", "check", "--db", f"sqlite:///{tmp_path / 'absent.db'}")
    assert absent.returncode == 1
    assert "There is no database file" in absent.stdout
    assert not (tmp_path / "absent.db").exists()  # a check never creates a database

    upgrade = run("db", "upgrade", "--db", sqlite_url)
    assert upgrade.returncode == 0 and "brought up to date" in upgrade.stdout
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # someone edits the file by hand, with the safety off
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO children (child_id, case_id, pseudonym) VALUES ('CH-9', 'NO-SUCH-CASE', 'Orphan')")
    broken = run("db", "check", "--db", sqlite_url)
    assert broken.returncode == 1
    assert "refers to a missing row of cases" in broken.stdout
    assert "NOT INTACT" in broken.stdout


def test_db_provisioner_writes_a_login_only_its_owner_can_read_that_makes_logins_and_reads_nothing(postgres_url,
                                                                                                   tmp_path):
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from familyservice_nb.records import Staff
    from familyservice_nb.store.db_logins import provision_login

    with Store(postgres_url, user=None) as store:
        store.upgrade()
        store.save_staff([Staff(name="Jo Bloggs", login="jo.bloggs", role="practitioner")])
    out = tmp_path / "provisioner.url"
    done = run("db", "provisioner", "--db", postgres_url, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert os.stat(out).st_mode & 0o777 == 0o600 and "readable by you alone" in done.stdout
    url = out.read_text()
    from sqlalchemy.engine import make_url

    owner = make_url(postgres_url)
    assert make_url(url).username != owner.username and owner.password not in url
    assert provision_login(url, "jo.bloggs")  # it makes a person's login
    engine = create_engine(url)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text("SELECT count(*) FROM staff"))  # and reads nothing itself
    finally:
        engine.dispose()
