"""Where the data lives, how SQLite is opened, and a backup taken while someone writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from storehelp import MANAGER, seed_people

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import Store
from familyservice_nb.store.engine import database_url

WORKER = Path(__file__).resolve().parent / "store_worker.py"
ROOT = Path(__file__).resolve().parents[2]


def test_the_database_comes_from_the_argument_then_the_environment_then_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert database_url() == "sqlite:///data/workbook.db"
    assert (tmp_path / "data").is_dir()  # the folder is made, the file not yet
    assert not (tmp_path / "data" / "workbook.db").exists()
    monkeypatch.setenv("FSNB_DATABASE_URL", "sqlite:///elsewhere/team.db")
    assert Store().url == "sqlite:///elsewhere/team.db"
    assert Store("sqlite:///given.db").url == "sqlite:///given.db"
    assert database_url("postgresql://fsnb@db.example.invalid/workbook") == (
        "postgresql+psycopg://fsnb@db.example.invalid/workbook"
    )
    with pytest.raises(WorkbookError, match="SQLite or PostgreSQL"):
        database_url("mysql://someone@host/db")
    with pytest.raises(WorkbookError, match="not a database address"):
        database_url("just words")


def test_nothing_is_opened_until_it_is_used(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'lazy.db'}")
    assert store._engine is None
    assert not (tmp_path / "lazy.db").exists()
    assert store.cases() == []  # first use: the database is created at the newest revision
    assert (tmp_path / "lazy.db").exists()
    assert store.revision() == "0003"
    assert "secret" not in repr(Store("postgresql+psycopg://fsnb:secret@127.0.0.1/x"))


def test_sqlite_is_set_up_for_several_writers(sqlite_url):
    store = Store(sqlite_url)
    with store.reading() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 60000, "synchronous": 2}


@pytest.mark.slow
def test_a_backup_taken_while_someone_writes_is_consistent(sqlite_url, tmp_path):
    seed_people(Store(sqlite_url))
    go = tmp_path / "go"
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER")}
    writer = subprocess.Popen(
        [sys.executable, str(WORKER), "save", sqlite_url, "250", "w", str(go)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    go.touch()
    copies = []
    store = Store(sqlite_url, user=MANAGER)
    while writer.poll() is None and len(copies) < 5:
        copies.append(store.backup(tmp_path / f"copy-{len(copies)}.db"))
    writer.communicate(timeout=120)
    assert writer.returncode == 0
    assert copies
    for copy in copies:
        report = Store(f"sqlite:///{copy}").check()
        assert report.intact, report.problems
        assert report.counts["records"] == report.counts["record_versions"] <= 250
    with pytest.raises(WorkbookError, match="already exists"):
        store.backup(copies[0])
