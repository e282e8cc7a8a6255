"""What `serve` and `hub` share as they start and stop (familyservice_nb/web/launcher.py): the port rule in
plain sentences, the database a command was given, and a server run as a child process that ends with
the command. The commands themselves are tried in tests/web/test_serve.py and tests/hub/test_hub_launch.py."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from familyservice_nb.web import launcher
from familyservice_nb.web.launcher import CannotStart, check_port_free, database_url, run_until_stopped

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_in_use_is_said_in_a_sentence_naming_the_port_and_the_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CannotStart) as refused:
            check_port_free("127.0.0.1", port)
    assert str(refused.value) == (f"Port {port} on 127.0.0.1 is already in use, perhaps by another copy of the "
                                  "workbook. Stop that program, or choose another port with --port.")


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_out_of_range_is_refused(port):
    with pytest.raises(CannotStart, match=f"from 1 to 65535, not {port}"):
        check_port_free("127.0.0.1", port)


def test_an_address_this_computer_does_not_have_is_said_plainly():
    with pytest.raises(CannotStart, match="cannot listen on 192.0.2.1 port"):
        check_port_free("192.0.2.1", free_port())  # TEST-NET-1: never this computer's


def test_a_free_port_passes():
    check_port_free("127.0.0.1", free_port())


def test_dashboards_are_found_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FSNB_DASHBOARDS", raising=False)
    assert launcher.locate_dashboards() == ROOT / "dashboards"


def test_the_database_is_the_one_given_else_fsnb_database_url_else_the_default_and_a_sqlite_path_absolute(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FSNB_DATABASE_URL", raising=False)
    default = f"sqlite:///{tmp_path}/data/workbook.db"
    assert database_url(None, default) == default
    assert database_url(None) == ""  # the hub: nothing named, and no default
    assert database_url("sqlite:///data/w.db", default) == f"sqlite:///{tmp_path}/data/w.db"
    assert database_url("sqlite:////srv/w.db", default) == "sqlite:////srv/w.db"
    pg = "postgresql+psycopg://fsnb@127.0.0.1/fsnb"
    assert database_url(pg, default) == pg
    monkeypatch.setenv("FSNB_DATABASE_URL", "sqlite:///team.db")
    assert database_url(None, default) == f"sqlite:///{tmp_path}/team.db"
    assert database_url("  ", default) == f"sqlite:///{tmp_path}/team.db"


# -- a server run until stopped ------------------------------------------------------------------------

def listening(port: int, then: str = "import time; time.sleep(60)") -> list[str]:
    """A child that listens on `port`, then does `then`."""
    code = (f"import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            f"s.bind(('127.0.0.1', {port})); s.listen(); {then}")
    return [sys.executable, "-c", code]


def run(command: list[str], port: int, **options) -> tuple[int, list[str]]:
    said: list[str] = []
    started: list[subprocess.Popen] = []

    def start():
        started.append(subprocess.Popen(command))
        return started[0]

    code = run_until_stopped(start, name="workbook", ip="127.0.0.1", port=port,
                             ready=options.pop("ready", lambda: said.append("ready")),
                             startup_timeout=options.pop("startup_timeout", 30), stop_timeout=5)
    assert all(proc.poll() is not None for proc in started), "the server outlived the command"
    return code, said


def test_a_server_that_listens_is_announced_and_its_exit_code_is_the_commands():
    port = free_port()
    assert run(listening(port, "import time, sys; time.sleep(0.5); sys.exit(3)"), port) == (3, ["ready"])


def test_a_server_that_stops_as_it_starts_is_said_with_its_exit_code(capsys):
    assert run([sys.executable, "-c", "raise SystemExit(4)"], free_port()) == (4, [])
    assert "The workbook stopped as it started (exit code 4); the messages above say why." in capsys.readouterr().err


def test_a_port_taken_by_another_program_as_the_server_starts_is_said(capsys):
    port = free_port()
    with socket.socket() as taken:

        def start():
            proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])  # it found the port taken
            proc.wait()
            taken.bind(("127.0.0.1", port))  # by the program that took it
            taken.listen()
            return proc

        code = run_until_stopped(start, name="workbook", ip="127.0.0.1", port=port, ready=lambda: None,
                                 startup_timeout=30, stop_timeout=5)
    assert code == launcher.EXIT_UNUSABLE
    assert f"Port {port} on 127.0.0.1 was taken by another program as the workbook started." in \
        capsys.readouterr().err


def test_a_server_that_never_listens_is_stopped_after_the_startup_timeout(capsys):
    code, said = run([sys.executable, "-c", "import time; time.sleep(60)"], free_port(), startup_timeout=0.5)
    assert (code, said) == (1, [])
    assert "The workbook did not start within 0 seconds; stopping it." in capsys.readouterr().err


def test_ctrl_c_stops_the_server_and_the_command_ends_well(capsys):
    port = free_port()

    def interrupted():
        raise KeyboardInterrupt

    assert run(listening(port), port, ready=interrupted) == (launcher.EXIT_OK, [])
    assert "Stopping the workbook." in capsys.readouterr().out


def test_sigterm_to_the_command_stops_its_server():
    """In a process of its own, as `serve` and `hub` run: SIGTERM ends the command with exit code 0, and its
    server with it."""
    port = free_port()
    code = ("import os, signal, sys, subprocess\n"
            "from familyservice_nb.web.launcher import run_until_stopped\n"
            f"child = {listening(port)!r}\n"
            "def start():\n"
            "    global proc\n"
            "    proc = subprocess.Popen(child)\n"
            "    return proc\n"
            "def ready():\n"
            "    print(proc.pid, flush=True)\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            f"sys.exit(run_until_stopped(start, name='hub', ip='127.0.0.1', port={port}, ready=ready, "
            "startup_timeout=30, stop_timeout=5))\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    child, stopping = ran.stdout.split("\n")[:2]
    assert stopping == "Stopping the hub."
    assert not Path(f"/proc/{child}").exists()  # stopped, and reaped by the command before it ended
