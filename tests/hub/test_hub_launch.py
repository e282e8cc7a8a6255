"""`familyservice-nb hub`: what it refuses before it starts, what a person's server is given, and their own
database login. (The running hub is tested in tests/browser/test_hub.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from familyservice_nb.hub.authorizer import workbook_only_allows
from familyservice_nb.hub.launch import is_loopback
from familyservice_nb.hub.spawn import HubSettings, server_environment
from familyservice_nb.records.settings import CouncilSettings
from familyservice_nb.store.db_logins import login_role_name, provision_login

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_PG = "postgresql+psycopg://fsnb:secret-owner-pw@127.0.0.1:1/nowhere"
UNREACHABLE_OWNER = "postgresql+psycopg://fsnb@127.0.0.1:1/nowhere"  # its password would be in a pgpass file


def run_hub(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("FSNB_DATABASE_URL", "FSNB_DEMO_PASSWORD")}
    environ.update(env)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "familyservice_nb", "hub", *args], capture_output=True,
                          text=True, env=environ, timeout=120)


def test_the_hub_refuses_sqlite():
    out = run_hub("--db", "sqlite:///tmp/team.db")
    assert out.returncode == 2
    assert "PostgreSQL, not SQLite" in out.stderr and "Traceback" not in out.stderr


def test_a_password_on_the_command_line_is_refused_before_anything_else():
    out = run_hub("--demo", "--db", UNREACHABLE_PG, FSNB_DEMO_PASSWORD="long-enough-pw")
    assert out.returncode == 2 and "~/.pgpass" in out.stderr and "secret-owner-pw" not in out.stderr
    assert "Traceback" not in out.stderr


def test_the_hub_needs_a_database_named():
    out = run_hub()
    assert out.returncode == 2 and "--db" in out.stderr


def test_a_demo_hub_needs_the_demo_password():
    out = run_hub("--demo", "--db", UNREACHABLE_OWNER)
    assert out.returncode == 2 and "FSNB_DEMO_PASSWORD" in out.stderr
    short = run_hub("--demo", "--db", UNREACHABLE_OWNER, FSNB_DEMO_PASSWORD="short")
    assert short.returncode == 2 and "8 characters" in short.stderr


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "workbook.example.gov.uk"])
def test_a_demo_hub_listens_on_loopback_only(address):
    out = run_hub("--demo", "--db", UNREACHABLE_OWNER, FSNB_DEMO_PASSWORD="long-enough-pw", FSNB_HUB_IP=address)
    assert out.returncode == 2 and "only listens on this computer" in out.stderr


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("10.0.0.1", False), ("", False), ("example.org", False),
])
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(("action", "resource", "allowed"), [
    ("execute", "kernels", True),  # the page's own kernel websocket
    ("read", "kernels", True),
    ("write", "kernels", False),  # POST /api/kernels: a kernel of one's own
    ("read", "contents", False), ("write", "contents", False),
    ("write", "sessions", False), ("read", "terminals", False), ("write", "terminals", False),
    ("read", "kernelspecs", False), ("read", "nbconvert", False), ("read", "events", False),
    ("read", "api", True), ("write", "api", False),
])
def test_what_a_workbook_only_server_allows(action, resource, allowed):
    assert workbook_only_allows(action, resource) is allowed


def _settings(tmp_path, url=UNREACHABLE_PG):
    return HubSettings(database_url=url, dashboards=tmp_path / "dashboards", notebooks=None, runtime=tmp_path / "rt",
                       state=tmp_path / "state")


@pytest.mark.parametrize(("role", "access"), [("practitioner", "workbook"), ("manager", "workbook"),
                                               ("analyst", "lab"), ("admin", "lab")])
def test_a_persons_server_gets_their_own_url_and_never_the_owners(tmp_path, monkeypatch, role, access):
    monkeypatch.setenv("FSNB_USER", "someone.else")
    mine = "postgresql+psycopg://fsnb_user_jo:their-own-pw@127.0.0.1:5432/w"
    env = server_environment(_settings(tmp_path), "jo", role, mine)
    assert env["FSNB_DATABASE_URL"] == mine
    assert env["FSNB_HUB_ACCESS"] == access
    assert not any("secret-owner-pw" in value for value in env.values())
    assert "FSNB_USER" not in env and "JUPYTERHUB_USER" not in env  # JupyterHub sets the user itself


@given(st.text(min_size=1, max_size=120).filter(lambda s: any(c.isalnum() and c.isascii() for c in s)))
def test_login_role_names_are_safe_identifiers(name):
    prefix = "fsnb_t_0123456789abcdef"  # a test database's prefix, as long as any
    role = login_role_name(prefix, name)
    assert role.startswith(prefix + "_") and len(role) <= 63
    assert all(c.isascii() and (c.isalnum() or c == "_") and not c.isupper() for c in role)


def test_idle_servers_are_stopped_after_the_councils_setting():
    assert CouncilSettings().idle_server_minutes == 30
    assert CouncilSettings(idle_server_minutes=60).idle_server_minutes == 60
    with pytest.raises(ValueError):
        CouncilSettings(idle_server_minutes=1)


@pytest.fixture
def owner_url():
    url = os.environ.get("FSNB_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("FSNB_TEST_POSTGRES_URL is not set, and CI=true: the PostgreSQL tests must run in CI.")
        pytest.skip("FSNB_TEST_POSTGRES_URL is not set")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"fsnb_t_{uuid.uuid4().hex[:16]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    owner = make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    from familyservice_nb.store import Store

    with Store(owner, user=None) as store:
        store.upgrade()
    yield owner
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in conn.execute(text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"),
                                 {"p": name + "_"}).scalars().all():  # the logins and groups this database made
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    server.dispose()


@pytest.mark.postgres
def test_each_person_gets_a_login_of_their_own_with_a_fresh_password(owner_url):
    from familyservice_nb.records import Staff
    from familyservice_nb.store import Store

    with Store(owner_url, user=None) as store:  # only someone on the staff list is given a login
        store.save_staff([Staff(name="Jo Bloggs", login="jo.bloggs", role="practitioner")])
    first = provision_login(owner_url, "jo.bloggs")
    parsed = make_url(first)
    prefix = make_url(owner_url).database
    assert parsed.username == login_role_name(prefix, "jo.bloggs") and parsed.password not in owner_url
    engine = create_engine(first)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == parsed.username
        conn.execute(text("SELECT count(*) FROM records")).scalar()
    engine.dispose()
    second = provision_login(owner_url, "jo.bloggs")  # the next start: a new password, the old one no longer works
    assert make_url(second).password != parsed.password
    stale = create_engine(first)
    with pytest.raises(OperationalError):
        stale.connect().close()
    stale.dispose()


@pytest.mark.parametrize("url", [None, "", "sqlite:///team.db"])
def test_the_hub_configuration_itself_refuses_anything_but_postgresql(monkeypatch, tmp_path, url):
    secret = tmp_path / "provisioner.url"
    if url is not None:
        secret.write_text(url)
    monkeypatch.setenv("FSNB_HUB_PROVISIONER_FILE", str(secret))
    with pytest.raises(SystemExit, match="PostgreSQL"):
        HubSettings.from_environment()


def test_the_hub_reads_its_database_login_from_its_private_file_not_its_environment(monkeypatch, tmp_path):
    secret = tmp_path / "provisioner.url"
    secret.write_text(UNREACHABLE_PG + "\n")
    for name, value in {"FSNB_HUB_PROVISIONER_FILE": str(secret), "FSNB_DASHBOARDS": str(tmp_path),
                        "FSNB_HUB_RUNTIME": str(tmp_path), "FSNB_HUB_STATE": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    assert HubSettings.from_environment().database_url == UNREACHABLE_PG


def _load_hub_config(monkeypatch, tmp_path, **env):
    from traitlets.config.loader import PyFileConfigLoader

    secret = tmp_path / "provisioner.url"
    secret.write_text(UNREACHABLE_PG)
    base = {"FSNB_HUB_PROVISIONER_FILE": str(secret), "FSNB_DASHBOARDS": str(tmp_path), "FSNB_HUB_RUNTIME": str(tmp_path),
            "FSNB_HUB_STATE": str(tmp_path), "FSNB_HUB_IDLE_SECONDS": "2700", "FSNB_HUB_DEMO": "0"}
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    config = ROOT / "familyservice_nb" / "hub" / "jupyterhub_config.py"
    return PyFileConfigLoader(config.name, path=str(config.parent)).load_config()


def test_the_hub_runs_the_idle_culler_with_the_councils_setting(monkeypatch, tmp_path):
    c = _load_hub_config(monkeypatch, tmp_path)
    (culler,) = c.JupyterHub.services
    assert culler["name"] == "idle-culler" and "--timeout=2700" in culler["command"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert c.JupyterHub.admin_access is False
    assert c.JupyterHub.bind_url.startswith("http://127.0.0.1:")


def test_the_demo_sign_in_takes_only_the_demo_staff_with_the_demo_password(monkeypatch, tmp_path):
    c = _load_hub_config(monkeypatch, tmp_path, FSNB_HUB_DEMO="1", FSNB_DEMO_PASSWORD="demo-password-1",
                         FSNB_HUB_DEMO_USERS="jo.bloggs,sam.smith")
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator

    from familyservice_nb.hub.throttle import ThrottledSignIn

    assert issubclass(c.JupyterHub.authenticator_class, SharedPasswordAuthenticator)
    assert issubclass(c.JupyterHub.authenticator_class, ThrottledSignIn)
    assert c.SharedPasswordAuthenticator.user_password == "demo-password-1"
    assert c.Authenticator.allowed_users == {"jo.bloggs", "sam.smith"}
    real = _load_hub_config(monkeypatch, tmp_path, FSNB_HUB_DEMO="0")
    assert not issubclass(real.JupyterHub.authenticator_class, SharedPasswordAuthenticator)


def test_the_hub_refuses_a_spawner_that_runs_everyone_as_one_user(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="one system user"):
        _load_hub_config(monkeypatch, tmp_path, FSNB_HUB_SPAWNER="simple")
    c = _load_hub_config(monkeypatch, tmp_path, FSNB_HUB_SPAWNER="")
    assert c.JupyterHub.spawner_class == "familyservice_nb.hub.system_users.WorkbookSpawner"
    assert c.ConfigurableHTTPProxy.command[1:3] == ["-m", "familyservice_nb.hub.proxy"]


def test_a_database_it_cannot_reach_or_whose_password_it_lacks_is_said_in_a_sentence(tmp_path):
    out = run_hub("--demo", "--db", UNREACHABLE_OWNER, FSNB_DEMO_PASSWORD="long-enough-pw",
                  FSNB_HUB_STATE=str(tmp_path / "state"))
    assert out.returncode == 2 and "could not reach the workbook's database at 127.0.0.1:1" in out.stderr
    assert "Traceback" not in out.stderr and "did not expect" not in out.stderr
    url = os.environ.get("FSNB_TEST_POSTGRES_URL")
    if url:  # a real server that asks for a password the hub was not given
        bare = make_url(url)._replace(password=None).render_as_string(hide_password=False)
        empty = tmp_path / "pgpass"
        empty.write_text("")
        os.chmod(empty, 0o600)
        out = run_hub("--demo", "--db", bare, FSNB_DEMO_PASSWORD="long-enough-pw", PGPASSFILE=str(empty),
                      FSNB_HUB_STATE=str(tmp_path / "state"), FSNB_TEST_POSTGRES_URL="")
        assert out.returncode == 2 and "~/.pgpass" in out.stderr and "Traceback" not in out.stderr
