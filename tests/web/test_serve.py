"""`familyservice-nb serve` (familyservice_nb/web/serve.py) without a browser: the port rule as a person meets
it, where the data comes from, and a setting it cannot follow refused in plain words."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from familyservice_nb.web import serve
from familyservice_nb.web.launcher import EXIT_UNUSABLE, CannotStart

from serverhelp import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_port_in_use_is_a_plain_sentence_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "familyservice_nb", "serve", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**_env(), "FSNB_DATA_DIR": str(tmp_path)},
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == (
        f"Port {port} on 127.0.0.1 is already in use, perhaps by another copy of the workbook. "
        "Stop that program, or choose another port with --port."
    )


def test_demo_writes_the_demo_extract_when_there_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("FSNB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FSNB_AS_OF", "2026-11-25")
    monkeypatch.delenv("FSNB_EXTRACT", raising=False)
    assert serve.choose_extract(ROOT / "dashboards", demo=False) is None
    path = serve.choose_extract(ROOT / "dashboards", demo=True)
    assert path == tmp_path / "demo-extract.csv"
    events = pd.to_datetime(pd.read_csv(path)["event_date"], format="%d/%m/%Y")
    assert events.max() <= pd.Timestamp("2026-11-25")


def test_a_named_extract_that_does_not_exist_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("FSNB_EXTRACT", str(tmp_path / "nowhere.csv"))
    with pytest.raises(CannotStart, match="does not exist"):
        serve.choose_extract(ROOT / "dashboards", demo=False)


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def test_serve_refuses_an_fsnb_preheat_it_cannot_follow_in_plain_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FSNB_PREHEAT", "case-supervison")
    monkeypatch.setenv("FSNB_DATA_DIR", str(tmp_path))
    assert serve.serve(port=free_port(), demo=True) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "FSNB_PREHEAT names a page that cannot be pre-heated: case-supervison." in err
    assert "case-supervision" in err and "Traceback" not in err
