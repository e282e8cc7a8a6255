"""How Voila serves the pages (familyservice_nb/web/voila_settings.py): `serve`'s Voila command and settings,
the runtime folder with the template and the page kernel, the pre-heated pages, and the settings each
person's server under the hub shares with `serve`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from familyservice_nb.extract import UPLOAD_MAX_BYTES
from familyservice_nb.web import voila_settings
from familyservice_nb.web.launcher import CannotStart
from familyservice_nb.web.voila_settings import (
    page_settings,
    preheated_pages,
    prepare_runtime,
    shared_tornado_settings,
    voila_config,
)

ROOT = Path(__file__).resolve().parents[2]


def test_voila_listens_on_localhost_only_without_port_hopping_or_tracebacks(tmp_path):
    command = voila_settings.voila_command(ROOT / "dashboards", 9999)
    assert command[:3] == [sys.executable, "-m", voila_settings.APP_MODULE]  # Voila, with the workbook's handlers
    for option in ("--Voila.ip=127.0.0.1", "--Voila.port=9999", "--Voila.port_retries=0", "--no-browser"):
        assert option in command
    config = voila_config(tmp_path)
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    assert config["VoilaConfiguration"]["strip_sources"] is True
    assert config["VoilaConfiguration"]["template"] == "fsnb"
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    assert config["VoilaConfiguration"]["default_pool_size"] == voila_settings.POOL_SIZE
    assert config["VoilaConfiguration"]["multi_kernel_manager_class"] == voila_settings.PAGE_KERNEL_MANAGER
    assert config["MappingKernelManager"]["cull_idle_timeout"] == 15 * 60
    assert config["MappingKernelManager"]["cull_connected"] is False


def test_runtime_folder_holds_template_widget_code_and_this_pythons_kernel(tmp_path):
    env = prepare_runtime(tmp_path)
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

    package = Path(voila_settings.__file__).parents[1]
    template = package / "templates" / "fsnb"
    assert {p.name for p in template.iterdir()} >= {"conf.json", "index.jinja2", "tree-lab.html", "tree.html"}
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["familyservice_nb"]
    for path in template.rglob("*"):
        if path.is_file():
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p.split("/")[-1]) for p in patterns), relative


def three_pages(folder: Path) -> Path:
    """A dashboards folder: the landing page, a page that asks to be pre-heated, and one that does not."""
    for name, meta in (("index.ipynb", {"landing": True}), ("busy.ipynb", {"title": "Busy", "preheat": True}),
                       ("rare.ipynb", {"title": "Rare"})):
        (folder / name).write_text(json.dumps({"cells": [], "metadata": {"fsnb": meta}}))
    return folder


def test_only_the_landing_page_and_pages_that_ask_keep_a_kernel_preheated(tmp_path):
    three_pages(tmp_path)
    config = voila_config(tmp_path)
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {
        "default": {"pool_size": 0}, "index.ipynb": {"pool_size": 1}, "busy.ipynb": {"pool_size": 1},
    }
    assert config["VoilaConfiguration"]["extension_denylist"] == ["jupyterlab-plotly", "jupyterlab_pygments"]
    assert config["Voila"]["tornado_settings"]["allow_remote_access"] is False
    assert config["Voila"]["token"] == ""  # serve puts a new random one here at each start
    assert "recording-timeliness.ipynb" in preheated_pages(ROOT / "dashboards")


def test_fsnb_preheat_narrows_the_pre_heated_pages_and_refuses_a_page_it_does_not_have(tmp_path):
    three_pages(tmp_path)
    assert preheated_pages(tmp_path, None) == ["index.ipynb", "busy.ipynb"]
    assert preheated_pages(tmp_path, " All ") == ["index.ipynb", "busy.ipynb"]
    assert preheated_pages(tmp_path, "none") == []
    assert preheated_pages(tmp_path, "busy") == ["busy.ipynb"]
    assert preheated_pages(tmp_path, "busy.ipynb, index") == ["index.ipynb", "busy.ipynb"]
    with pytest.raises(CannotStart) as refused:
        preheated_pages(tmp_path, "index,rare,nowhere")
    assert str(refused.value) == ("FSNB_PREHEAT names pages that cannot be pre-heated: rare, nowhere. "
                                  "Choose from: index, busy; or all, or none.")
    config = voila_config(tmp_path, preheat=preheated_pages(tmp_path, "none"))
    assert config["VoilaKernelManager"]["kernel_pools_config"] == {"default": {"pool_size": 0}}


def test_the_page_kernel_limits_come_from_the_environment_and_a_wrong_one_is_said(monkeypatch):
    monkeypatch.delenv("FSNB_MAX_OPEN_PAGES", raising=False)
    monkeypatch.delenv("FSNB_UNCONNECTED_GRACE_SECONDS", raising=False)
    assert voila_settings.kernel_limits() == (8, 120)
    assert voila_settings.kernel_limits("FSNB_HUB_MAX_OPEN_PAGES", 6) == (6, 120)
    monkeypatch.setenv("FSNB_MAX_OPEN_PAGES", " 3 ")
    monkeypatch.setenv("FSNB_UNCONNECTED_GRACE_SECONDS", "20")
    assert voila_settings.kernel_limits() == (3, 20)
    assert voila_config(ROOT / "dashboards", limits=(3, 20))["PageKernels"] == {
        "max_open_pages": 3, "unconnected_grace_seconds": 20}
    monkeypatch.setenv("FSNB_MAX_OPEN_PAGES", "eight")
    with pytest.raises(CannotStart, match="FSNB_MAX_OPEN_PAGES must be a whole number, not 'eight'."):
        voila_settings.kernel_limits()
    monkeypatch.setenv("FSNB_MAX_OPEN_PAGES", "0")
    with pytest.raises(CannotStart, match="FSNB_MAX_OPEN_PAGES must be at least 1, not 0."):
        voila_settings.kernel_limits()


def test_each_persons_server_under_the_hub_serves_pages_with_serves_settings():
    """The hub's server configuration file, read as jupyterhub-singleuser reads it (in a process of its own:
    the file sets up Voila for that process), holds every setting `serve` shares, with the hub's own cap."""
    import importlib.util

    config_file = importlib.util.find_spec("familyservice_nb.hub.singleuser_config").origin
    probe = (
        "import json\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        f"config = PyFileConfigLoader({config_file!r}).load_config()\n"
        "print(json.dumps({section: dict(config[section]) for section in config}, default=str))\n"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in __import__("os").environ.items() if not k.startswith("FSNB_")})
    loaded = json.loads(shown.stdout.strip().splitlines()[-1])
    for section, settings in page_settings((6, 120)).items():
        for name, value in settings.items():
            assert loaded[section][name] == value, (section, name)
    # an upload reaches a page's kernel over its socket, under the hub as under serve
    assert shared_tornado_settings()["websocket_max_message_size"] > 2 * UPLOAD_MAX_BYTES  # with room to spare
    for name, value in shared_tornado_settings().items():
        assert loaded["ServerApp"]["tornado_settings"][name] == value, name
