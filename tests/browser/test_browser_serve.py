"""`familyservice-nb serve` without a browser: the port rule, the Voila options, where the data comes from."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from familyservice_nb import server
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


def test_voila_listens_on_localhost_only_without_port_hopping_or_tracebacks():
    command = server.voila_command(ROOT / "dashboards", 9999)
    assert command[:3] == [sys.executable, "-m", "familyservice_nb.server"]  # Voila, with the workbook's guards
    for option in (
        "--Voila.ip=127.0.0.1", "--Voila.port=9999", "--Voila.port_retries=0", "--no-browser",
        "--show_tracebacks=False", "--preheat_kernel=True", "--template=fsnb",
    ):
        assert option in command
    assert any(o.startswith("--MappingKernelManager.cull_idle_timeout=") for o in command)
    assert any(o.startswith("--MappingKernelManager.cull_interval=") for o in command)
    assert any(o.startswith("--pool_size=") for o in command)


def test_runtime_folder_holds_template_widget_code_and_this_pythons_kernel(tmp_path):
    env = server.prepare_runtime(tmp_path)
    spec = json.loads((tmp_path / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "familyservice_nb.page_kernel"]
    template = tmp_path / "voila" / "templates" / "fsnb"
    assert (template / "index.html.j2").is_file() and (template / "conf.json").is_file()
    assert (template / "static" / "plotly-widgetbundle.js").stat().st_size > 1_000_000
    assert env["FSNB_PLOTLY_ESM"].startswith("static/plotly-widgetbundle.js?v=")


def test_template_ships_inside_the_package():
    """Every file of the template is package data (pyproject's patterns), so a wheel carries it."""
    import fnmatch
    import tomllib

    package = Path(server.__file__).parent
    template = package / "templates" / "fsnb"
    assert {p.name for p in template.iterdir()} >= {"conf.json", "index.jinja2", "tree-lab.html", "tree.html"}
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["familyservice_nb"]
    for path in template.rglob("*"):
        if path.is_file():
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p.split("/")[-1]) for p in patterns), relative


def test_demo_writes_the_demo_extract_when_there_is_none(tmp_path, monkeypatch):
    monkeypatch.setenv("FSNB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FSNB_AS_OF", "2026-11-25")
    monkeypatch.delenv("FSNB_EXTRACT", raising=False)
    assert server.choose_extract(ROOT / "dashboards", demo=False) is None
    path = server.choose_extract(ROOT / "dashboards", demo=True)
    assert path == tmp_path / "demo-extract.csv"
    events = pd.to_datetime(pd.read_csv(path)["event_date"], format="%d/%m/%Y")
    assert events.max() <= pd.Timestamp("2026-11-25")


def test_a_named_extract_that_does_not_exist_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("FSNB_EXTRACT", str(tmp_path / "nowhere.csv"))
    with pytest.raises(CannotStart, match="does not exist"):
        server.choose_extract(ROOT / "dashboards", demo=False)


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def three_pages(folder: Path) -> Path:
    """A dashboards folder: the landing page, a page that asks to be pre-heated, and one that does not."""
    for name, meta in (("index.ipynb", {"landing": True}), ("busy.ipynb", {"title": "Busy", "preheat": True}),
                       ("rare.ipynb", {"title": "Rare"})):
        (folder / name).write_text(json.dumps({"cells": [], "metadata": {"fsnb": meta}}))
    return folder


def test_only_the_landing_page_and_pages_that_ask_keep_a_kernel_preheated(tmp_path):
    three_pages(tmp_path)
    config = server.voila_config(tmp_path)
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {
        "default": {"pool_size": 0}, "index.ipynb": {"pool_size": 1}, "busy.ipynb": {"pool_size": 1},
    }
    assert config["VoilaConfiguration"]["extension_denylist"] == ["jupyterlab-plotly", "jupyterlab_pygments"]
    assert config["Voila"]["tornado_settings"]["allow_remote_access"] is False
    assert config["Voila"]["token"] == ""  # serve puts a new random one here at each start
    assert "recording-timeliness.ipynb" in server.preheated_pages(ROOT / "dashboards")


def test_fsnb_preheat_narrows_the_pre_heated_pages_and_refuses_a_page_it_does_not_have(tmp_path):
    three_pages(tmp_path)
    assert server.preheated_pages(tmp_path, None) == ["index.ipynb", "busy.ipynb"]
    assert server.preheated_pages(tmp_path, " All ") == ["index.ipynb", "busy.ipynb"]
    assert server.preheated_pages(tmp_path, "none") == []
    assert server.preheated_pages(tmp_path, "busy") == ["busy.ipynb"]
    assert server.preheated_pages(tmp_path, "busy.ipynb, index") == ["index.ipynb", "busy.ipynb"]
    with pytest.raises(CannotStart) as refused:
        server.preheated_pages(tmp_path, "index,rare,nowhere")
    assert str(refused.value) == ("FSNB_PREHEAT names pages that cannot be pre-heated: rare, nowhere. "
                                  "Choose from: index, busy; or all, or none.")
    config = server.voila_config(tmp_path, preheat=server.preheated_pages(tmp_path, "none"))
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {"default": {"pool_size": 0}}


def test_serve_refuses_an_fsnb_preheat_it_cannot_follow_in_plain_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FSNB_PREHEAT", "case-supervison")
    monkeypatch.setenv("FSNB_DATA_DIR", str(tmp_path))
    assert server.serve(port=free_port(), demo=True) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "FSNB_PREHEAT names a page that cannot be pre-heated: case-supervison." in err
    assert "case-supervision" in err and "Traceback" not in err
