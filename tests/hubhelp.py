"""A real `familyservice-nb hub --demo` (or `--ldap CONFIG`, `--entra CONFIG`) on loopback, for the hub's browser tests and its benchmark.

`Hub(owner_url, state).start()` runs the command in its own process group and waits for the login page;
`stop()` ends the group (the hub and its proxy), then every person's server and kernel still running, and
removes the system users this hub made (each Hub has a user prefix of its own). The owner's password goes
to the hub in a pgpass file, never on its command line.
`sign_in(page, ...)` goes through the hub's own login page as a person would.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from serverhelp import end_group, free_port, require

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-hub-password-for-tests"
START_SECONDS = 120
PROXY = ROOT / "deploy" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


def proxy_installed() -> bool:
    import shutil

    return PROXY.exists() or shutil.which("configurable-http-proxy") is not None


class Hub:
    def __init__(self, owner_url: str, state: Path, port: int | None = None, idle_env: dict | None = None,
                 sign_in: tuple[str, Path] | None = None):
        self.owner_url = owner_url
        # ("--ldap", its settings file) or ("--entra", its settings file): not the demo's shared password
        self.sign_in = sign_in
        self.state = Path(state)
        self.port = port or free_port()
        self.extra_env = idle_env or {}
        self.proc: subprocess.Popen | None = None
        self.log_path = self.state / "hub.log"
        self.user_prefix = f"fsnbt{secrets.token_hex(2)}-"  # this hub's system users, removed by stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @property
    def state_folder(self) -> Path:
        return self.state / "hub"

    def owner_without_password(self) -> str:
        """The owner's URL as the hub takes it, its password written to a pgpass file only root can read."""
        from sqlalchemy.engine import make_url

        url = make_url(self.owner_url)
        passfile = self.state / "pgpass"
        passfile.write_text(f"{url.host or '127.0.0.1'}:{url.port or 5432}:*:{url.username}:{url.password or ''}\n")
        os.chmod(passfile, 0o600)
        return url._replace(password=None).render_as_string(hide_password=False)

    def start(self) -> Hub:
        self.state.mkdir(parents=True, exist_ok=True)
        # Not the tests' own database address either: it holds the owner's password, which the hub must not have.
        env = {k: v for k, v in os.environ.items()
               if k not in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL", "FSNB_TEST_POSTGRES_URL")}
        db = self.owner_without_password()
        env.update({"FSNB_HUB_STATE": str(self.state_folder),
                    "PGPASSFILE": str(self.state / "pgpass"), "FSNB_HUB_USER_PREFIX": self.user_prefix,
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                    **self.extra_env})
        if self.sign_in is None:
            env["FSNB_DEMO_PASSWORD"] = DEMO_PASSWORD
        sign_in = [self.sign_in[0], str(self.sign_in[1])] if self.sign_in is not None else ["--demo"]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "familyservice_nb", "hub", *sign_in, "--db", db, "--port", str(self.port)],
            env=env, cwd=str(ROOT), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"The hub stopped as it started:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url("hub/login"), timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"The hub did not start within {START_SECONDS} s:\n{self.log()}")

    def log(self, tail: int = 120) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-tail:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None:
            self.remove_users()
            return
        import psutil  # ipykernel's own dependency

        try:
            descendants = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            descendants = []
        end_group(self.proc, timeout=40)
        # JupyterHub starts each person's server in a session of its own, outside the hub's process group:
        # end those the hub did not stop itself (20 servers can take it longer than the 40 s above), so a
        # run never leaves servers and kernels behind to slow what runs next.
        left = [p for p in descendants if p.is_running()]
        for p in left:
            try:
                p.terminate()
            except psutil.NoSuchProcess:
                pass
        _gone, left = psutil.wait_procs(left, timeout=10)
        for p in left:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.proc = None
        self._log.close()
        self.remove_users()

    def remove_users(self) -> list[str]:
        """Remove the system users this hub made, with their processes and homes."""
        from familyservice_nb.hub.system_users import remove_users

        return remove_users(self.user_prefix)


@contextmanager
def running_hub(owner_url: str, state: Path, **options):
    """A started Hub (Hub's own options), stopped afterwards; a hub that cannot start fails the test with its log.
    A missing proxy skips, or fails with CI=true."""
    import pytest

    require(proxy_installed(), "The hub's proxy (configurable-http-proxy: make install puts it in deploy/proxy)")
    hub = Hub(owner_url, state, **options)
    try:
        hub.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield hub
    finally:
        hub.stop()


def sign_in(page, hub: Hub, login: str, password: str = DEMO_PASSWORD, timeout_ms: int = 120_000) -> None:
    """Through the hub's login page; returns once the browser is on the person's own workbook page."""
    page.goto(hub.url("hub/login"), wait_until="domcontentloaded")
    page.fill("#username_input", login)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{login}/voila/render/**", timeout=timeout_ms, wait_until="domcontentloaded")


def processes_showing(secret: str) -> list[tuple[int, str]]:
    """Every process on this computer (pid, command line) whose command line or environment holds `secret`."""
    import psutil

    found = []
    for proc in psutil.process_iter():
        try:
            cmdline, environ = " ".join(proc.cmdline()), proc.environ()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        if secret in cmdline or any(secret in value for value in environ.values()):
            found.append((proc.pid, cmdline))
    return found


@dataclass(frozen=True)
class DemoPeople:
    manager: str  # manages team A
    practitioner: str  # in team A, with a case allocated
    case_id: str  # the practitioner's open case
    other_practitioner: str  # in another team
    analyst: str
    practitioners: tuple[str, ...]  # every practitioner with a case, for the benchmark


def demo_people(owner_url: str) -> DemoPeople:
    from familyservice_nb.store import Store

    with Store(owner_url, user=None) as store:
        staff = store.staff()
        cases = [c for c in store.cases() if c.allocated_worker]
    team_of = {p.login: p.teams[0] for p in staff if p.teams}
    case_of: dict[str, str] = {}
    for case in sorted(cases, key=lambda c: c.case_id):
        case_of.setdefault(case.allocated_worker, case.case_id)
    practitioner = sorted(login for login in case_of if login in team_of)[0]
    team = team_of[practitioner]
    manager = next(p.login for p in staff if p.role == "manager" and team in p.teams)
    other = sorted(p.login for p in staff if p.role == "practitioner" and team_of.get(p.login) != team)[0]
    analyst = next(p.login for p in staff if p.role == "analyst")
    return DemoPeople(manager=manager, practitioner=practitioner, case_id=case_of[practitioner],
                      other_practitioner=other, analyst=analyst, practitioners=tuple(sorted(case_of)))


@contextmanager
def team_database(prefix: str, demo_notes: int | None = None):
    """A new PostgreSQL database on FSNB_TEST_POSTGRES_URL's server, for one hub: its owner's URL, dropped with
    the roles it made afterwards. With `demo_notes`, upgraded and filled with that many demo notes first (a
    `--demo` hub fills its own)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = os.environ.get("FSNB_TEST_POSTGRES_URL", "")
    require(bool(url), "A PostgreSQL server (FSNB_TEST_POSTGRES_URL)")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    owner = make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    try:
        if demo_notes is not None:
            from familyservice_nb.store import Store
            from familyservice_nb.store.demo_data import fill_demo

            with Store(owner, user=None) as store:
                store.upgrade()
                fill_demo(store, notes=demo_notes)
        yield owner
    finally:
        drop_database(server, name)
        server.dispose()


def drop_database(server, name: str, wait_seconds: float = 60) -> None:
    """Drop a hub run's database (`server`: an AUTOCOMMIT engine on the PostgreSQL server, as its owner).

    `WITH (FORCE)` ends only the sessions this role may signal. A person's page kernel, signed in to the
    database with that person's own login, runs in a process group of its own and may still be closing
    after the hub has stopped; then the drop was refused ("must be a member of the role whose process is
    being terminated"). So wait for the other logins' sessions to end first."""
    from sqlalchemy import text

    others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND usename <> current_user")
    deadline = time.monotonic() + wait_seconds
    with server.connect() as conn:
        while conn.execute(others, {"name": name}).scalar() and time.monotonic() < deadline:
            time.sleep(0.5)
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        # Roles belong to the whole server: the logins, groups and provisioning role this database made.
        for role in conn.execute(text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p)"),
                                 {"p": name + "_"}).scalars().all():
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
