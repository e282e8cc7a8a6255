"""Each person's server as a system user of their own, ending with the hub, with nothing of the hub's: the
parts on their own (the running hub is tested in tests/browser/test_hub.py)."""

from __future__ import annotations

import os
import pwd
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyservice_nb.hub import system_users
from familyservice_nb.hub.launch import owner_database_url
from familyservice_nb.hub.proxy import proxy_environment
from familyservice_nb.hub.system_users import (
    NAME_MAX,
    ensure_user,
    remove_users,
    rights_problem,
    system_name,
    unreachable,
)
from familyservice_nb.web.launcher import CannotStart

ROOT = Path(__file__).resolve().parents[2]
logins = st.text(min_size=1, max_size=80).filter(lambda s: s.strip())


@given(logins)
def test_a_system_user_name_is_one_linux_takes(login):
    name = system_name(login, "fsnb-")
    assert name.startswith("fsnb-") and len(name) <= NAME_MAX
    assert all(c.isascii() and (c.islower() or c.isdigit() or c == "-") for c in name)


@given(logins, logins)
def test_two_logins_are_two_system_users(a, b):
    if a.strip() != b.strip():
        assert system_name(a) != system_name(b)


def test_a_plain_login_reads_as_itself_and_others_carry_a_tag():
    assert system_name("jo") == "fsnb-jo"
    assert system_name("jo.bloggs").startswith("fsnb-jo-bloggs-") and system_name("jo.bloggs") != system_name("jo-bloggs")
    long = system_name("a" * 60)
    assert len(long) == NAME_MAX and long != system_name("a" * 61)


def test_without_root_the_hub_refuses_in_a_sentence(monkeypatch):
    monkeypatch.setattr(system_users.os, "geteuid", lambda: 1000)
    problem = rights_problem()
    assert "system user of their own" in problem and "root" in problem


@pytest.mark.parametrize("url", ["postgresql+psycopg://fsnb:secret-owner-pw@127.0.0.1/w",
                                 "postgresql://fsnb:secret-owner-pw@db.example/w"])
def test_a_password_in_the_database_address_is_refused_saying_where_it_goes(url):
    with pytest.raises(CannotStart) as refused:
        owner_database_url(url)
    message = str(refused.value)
    assert ".pgpass" in message and "PGPASSFILE" in message and "secret-owner-pw" not in message
    assert owner_database_url(url.replace(":secret-owner-pw", "")).startswith("postgresql+psycopg://fsnb@")


def test_the_proxy_is_given_its_token_and_nothing_of_the_hubs():
    hub = {"PATH": "/usr/bin", "CONFIGPROXY_AUTH_TOKEN": "t", "FSNB_DEMO_PASSWORD": "demo-password",
           "FSNB_HUB_PROVISIONER_FILE": "/x", "JUPYTERHUB_CRYPT_KEY": "k", "HOME": "/root"}
    assert proxy_environment(hub) == {"PATH": "/usr/bin", "CONFIGPROXY_AUTH_TOKEN": "t", "HOME": "/root"}


def test_a_folder_only_its_owner_may_pass_is_named(tmp_path):
    inner = tmp_path / "closed" / "workbook"
    inner.mkdir(parents=True)
    os.chmod(tmp_path / "closed", 0o700)
    assert unreachable([inner]) in (tmp_path / "closed", *tmp_path.parents)
    os.chmod(tmp_path / "closed", 0o711)
    opened = unreachable([inner])
    assert opened is None or opened in tmp_path.parents  # what is left is pytest's own folders above


needs_root = pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/sbin/useradd").exists(),
                                reason="making system users needs root and useradd")


@needs_root
def test_a_person_gets_a_system_user_with_a_home_only_they_enter():
    prefix = f"fsnbu{secrets.token_hex(2)}-"
    try:
        user = ensure_user("jo.bloggs", prefix=prefix)
        assert user.pw_name == system_name("jo.bloggs", prefix) and user.pw_uid != 0
        home = os.stat(user.pw_dir)
        assert (home.st_uid, home.st_mode & 0o777) == (user.pw_uid, 0o700)
        assert user.pw_shell == "/usr/sbin/nologin"
        again = ensure_user("jo.bloggs", prefix=prefix, lab=True)  # the next sign-in: the same user, a shell
        assert again.pw_uid == user.pw_uid and again.pw_shell == "/bin/bash"
        other = ensure_user("sam.smith", prefix=prefix)
        # As that user, the other's home cannot be listed.
        peek = subprocess.run([sys.executable, "-c", f"import os; os.listdir({other.pw_dir!r})"],
                              user=user.pw_uid, group=user.pw_gid, capture_output=True, text=True, cwd="/")
        assert peek.returncode != 0 and "PermissionError" in peek.stderr
    finally:
        removed = remove_users(prefix)
    assert len(removed) == 2
    with pytest.raises(KeyError):
        pwd.getpwnam(system_name("jo.bloggs", prefix))


CHAIN = r"""
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import sys, time; sys.path.insert(0, %r)\nfrom familyservice_nb.hub.lifeline import end_with_parent\n"
    "end_with_parent(%d)\nprint('ready', flush=True)\ntime.sleep(120)" % (sys.argv[1], os.getpid())],
    stdout=subprocess.PIPE, start_new_session=True)
child.stdout.readline()
print(child.pid, flush=True)
time.sleep(120)
"""


def test_a_process_ends_with_its_parent_even_when_the_parent_is_killed():
    middle = subprocess.Popen([sys.executable, "-c", CHAIN, str(ROOT)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(middle.stdout.readline())
        assert psutil.pid_exists(child)
        os.kill(middle.pid, signal.SIGKILL)
        middle.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and psutil.pid_exists(child) and psutil.Process(child).status() != "zombie":
            time.sleep(0.05)
        assert not psutil.pid_exists(child) or psutil.Process(child).status() == "zombie"
    finally:
        middle.kill()


def test_a_process_whose_parent_is_already_gone_ends_at_once():
    code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
            "from familyservice_nb.hub.lifeline import end_with_parent\nend_with_parent(1)\ntime.sleep(30)")
    gone = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert gone.returncode == -signal.SIGTERM


def test_a_service_run_through_the_lifeline_ends_with_the_named_parent():
    """`python -m familyservice_nb.hub.lifeline PID COMMAND`: the hub's idle culler is run this way."""
    service = subprocess.Popen([sys.executable, "-m", "familyservice_nb.hub.lifeline", "1", "sleep", "30"],
                               cwd=str(ROOT))
    assert service.wait(20) == -signal.SIGTERM  # its parent is this test, not process 1: ended at once


def test_the_workbooks_compiled_modules_are_readable_by_every_persons_user(tmp_path):
    """Written under the hub's private umask, they were root's alone: every server compiled the workbook again."""
    from familyservice_nb.hub.launch import readable_bytecode

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text("VALUE = 1\n")
    cache = package / "__pycache__"
    cache.mkdir(mode=0o700)
    (cache / "stale.cpython-311.pyc").write_bytes(b"")
    os.chmod(cache / "stale.cpython-311.pyc", 0o600)
    readable_bytecode(package)
    assert os.stat(cache).st_mode & 0o777 == 0o755
    assert {p.name for p in cache.iterdir()} >= {"stale.cpython-311.pyc"} and len(list(cache.iterdir())) == 2
    assert all(os.stat(p).st_mode & 0o777 == 0o644 for p in cache.iterdir())
