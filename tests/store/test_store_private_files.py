"""Files private by default: a new database (and its -wal and -shm), a backup, and an upload
saved for reading are this account's alone (0600, whatever the umask); git ignores the outputs the
guides show; `serve --demo` signs the laptop user in only on the demo's own data."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from storehelp import seed_people

from familyservice_nb.records import Staff
from familyservice_nb.store import Store
from familyservice_nb.store.backup import backup
from familyservice_nb.store.demo_data import demo_manager, fill_demo

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the usual umask: files readable by every account unless we say otherwise
    yield
    os.umask(previous)


def test_a_new_database_and_its_wal_and_shm_are_0600(tmp_path, open_umask):
    path = tmp_path / "data" / "workbook.db"
    with Store(f"sqlite:///{path}", user=None) as store:
        seed_people(store)
        assert mode(path) == 0o600
        assert mode(Path(f"{path}-wal")) == 0o600 and mode(Path(f"{path}-shm")) == 0o600
    assert mode(path.parent) == 0o700  # the data folder it made


def test_a_backup_is_0600(tmp_path, open_umask):
    url = f"sqlite:///{tmp_path / 'workbook.db'}"
    with Store(url, user=None) as store:
        seed_people(store)
    copy = backup(url)
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
    named = backup(url, tmp_path / "elsewhere" / "copy.db")
    assert mode(named) == 0o600


def test_the_backup_command_writes_a_0600_file(tmp_path, open_umask):
    url = f"sqlite:///{tmp_path / 'workbook.db'}"
    with Store(url, user=None) as store:
        seed_people(store)
    target = tmp_path / "nightly.db"
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "familyservice_nb", "db", "backup", str(target), "--db", url],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert mode(target) == 0o600


def test_an_uploaded_extract_is_saved_0600_while_it_is_read(tmp_path, monkeypatch, open_umask):
    import pandas as pd

    import familyservice_nb.extract as extract
    from familyservice_nb.ui.kit.data import NotesSource
    from familyservice_nb.ui.kit.upload import ExtractUpload

    seen = []
    real = extract.read_extract

    def watching(path, *args, **kwargs):
        seen.append((mode(Path(path)), mode(Path(path).parent)))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(extract, "read_extract", watching)
    widget = ExtractUpload(NotesSource(notes=pd.DataFrame(), as_of=None, description="", role="manager"),
                           on_notes=lambda *a: None)
    widget._uploaded({"new": ({"name": "x.csv", "content": b"note_id,event_date\nN1,16/11/2026\n", "size": 33},)})
    assert seen == [(0o600, 0o700)]


def test_git_ignores_the_outputs_the_guides_show():
    names = ["timeliness.csv", "rejects.csv", "workbook.dump", "sub/folder/workbook.dump", "extract.xlsm",
             "data/workbook.db", "workbook.db-wal", "timeliness.xlsx", "extract.xlsx", "backups/workbook.db"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True)
    assert sorted(done.stdout.split()) == sorted(names)


# -- serve --demo signs someone in only on the demo's own data ---------------------------------------

def test_the_demo_names_its_manager_only_while_every_person_is_made_up(sqlite_url):
    with Store(sqlite_url, user=None) as store:
        fill_demo(store, notes=300)
        manager = demo_manager(store)
        assert manager and manager in {p.login for p in store.staff() if p.role == "manager"}
        store.save_staff([Staff(name="Real Person", login="real.person", role="manager", teams=["North"])])
        assert demo_manager(store) is None


def test_a_database_with_real_staff_signs_nobody_in(sqlite_url, monkeypatch, capsys):
    from familyservice_nb.web import serve

    with Store(sqlite_url, user=None) as store:
        seed_people(store)  # real staff, no demo
    monkeypatch.setenv("FSNB_USER", "")  # so that what prepare_database sets is undone after the test
    monkeypatch.delenv("FSNB_USER")
    serve.prepare_database(sqlite_url, demo=True)
    assert "FSNB_USER" not in os.environ
    said = capsys.readouterr().out
    assert "nobody is signed in" in said and "Set FSNB_USER" in said


def test_the_demo_database_signs_in_its_demo_manager(tmp_path, monkeypatch, capsys):
    from familyservice_nb.web import serve

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("FSNB_USER", "")  # so that what prepare_database sets is undone after the test
    monkeypatch.delenv("FSNB_USER")
    serve.prepare_database(url, demo=True)
    assert os.environ.get("FSNB_USER")
    assert f"You are signed in as the demo manager '{os.environ['FSNB_USER']}'" in capsys.readouterr().out
