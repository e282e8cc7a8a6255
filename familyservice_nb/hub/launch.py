"""`familyservice-nb hub`: JupyterHub in front of the workbook, for a team on one machine.

It checks what it was given (root, which each person's own system user needs; a PostgreSQL database
whose owner's password is in a pgpass file, never on the command line; with --demo a demo password and a
loopback address), clears what a hub killed earlier left behind, brings the database up to date with the
owner's credential, and then lets go of it: JupyterHub itself holds only the provisioning role's
credential (store.db_logins.prepare_provisioner), in a file only root can read, which can make each
person's login and nothing else. It prepares the workbook's template and kernel once for every server and
runs JupyterHub with `jupyterhub_config.py` (beside this file) until stopped; JupyterHub, its proxy and
every person's server end with it, however it ends (lifeline.py).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ..errors import WorkbookError
from ..web.launcher import (
    EXIT_UNUSABLE,
    CannotStart,
    check_port_free,
    data_dir,
    database_url,
    locate_dashboards,
    run_until_stopped,
    say,
)

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "jupyterhub_config.py"
DEFAULT_PORT = 8000
DEFAULT_IP = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30
DEMO_PASSWORD_MIN = 8  # JupyterHub's shared-password sign-in asks for at least 8 characters
# What the hub must not pass on or act on: identity and the database come from the hub alone.
# The owner's credential (PGPASSFILE, PGPASSWORD) is for the migrations here, before JupyterHub starts.
DROPPED_ENVIRONMENT = ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL", "FSNB_EXTRACT", "PGPASSFILE",
                       "PGPASSWORD", "FSNB_HUB_DATABASE_URL", "FSNB_HUB_LDAP")
PROVISIONER_FILE = "provisioner.url"  # in the hub's state folder, 0600


def owner_database_url(db: str | None) -> str:
    """--db, else FSNB_DATABASE_URL; the hub needs PostgreSQL (SQLite stays the laptop default for `serve`)."""
    from ..store.engine import database_url as store_url

    text = database_url(db)
    if not text:
        raise CannotStart("The hub needs the workbook's PostgreSQL database: give it with --db "
                          "postgresql+psycopg://user:password@host/database (or set FSNB_DATABASE_URL).")
    url = store_url(text)
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise CannotStart("The hub keeps the team's data in PostgreSQL, not SQLite: a SQLite file is for one "
                          "person on a laptop (`familyservice-nb serve`). Give a postgresql+psycopg:// URL.")
    if parsed.password is not None:
        raise CannotStart(
            "Leave the password out of the database address: anyone on this computer can read a command line. "
            "Put it in ~/.pgpass, one line host:port:database:user:password readable by you alone "
            f"(chmod 600 ~/.pgpass), or in a file of that form named by PGPASSFILE; then give --db "
            f"{parsed._replace(password=None).render_as_string(hide_password=False)}")
    return url


def database_problem(url: str, exc: OperationalError) -> str:
    """Why the owner could not connect, in a sentence (the driver's own words kept for the administrator)."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    said = str(getattr(exc, "orig", exc)).strip().splitlines()[-1] if str(getattr(exc, "orig", exc)).strip() else ""
    if "password" in said.lower():
        return (f"The database at {where} asked for {parsed.username}'s password, and the hub found none it "
                "accepts: put it in ~/.pgpass (host:port:database:user:password, chmod 600), or in a file of that "
                f"form named by PGPASSFILE. The database said: {said}")
    return f"The hub could not reach the workbook's database at {where}. The database said: {said}"


def is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def demo_password(demo: bool, ip: str) -> str | None:
    """With --demo: FSNB_DEMO_PASSWORD, and only on a loopback address (a demo sign-in is not a real one)."""
    if not demo:
        return None
    if not is_loopback(ip):
        raise CannotStart(f"A demo hub only listens on this computer (127.0.0.1), not on {ip}: its sign-in "
                          "lets anyone with the demo password in. Configure the council's sign-in for real use.")
    password = os.environ.get("FSNB_DEMO_PASSWORD", "")
    if len(password) < DEMO_PASSWORD_MIN:
        raise CannotStart(f"Set FSNB_DEMO_PASSWORD to the demo staff's password ({DEMO_PASSWORD_MIN} characters "
                          "or more) before starting a demo hub.")
    return password


def free_port() -> int:
    with socket.socket() as s:
        s.bind((DEFAULT_IP, 0))
        return s.getsockname()[1]


def prepare_database(url: str, demo: bool) -> tuple[list[str], int, str]:
    """With the owner's credential, for the last time in this run: bring the database up to date (with --demo
    fill it), take away the logins of people no longer on the staff list, rotate every other login (a
    server still running from before cannot connect again), and refresh the provisioning role. The staff
    logins, the idle setting, and the provisioning role's URL."""
    from ..store import Store
    from ..store.db_logins import prepare_provisioner, remove_leavers, rotate_logins
    from ..store.demo_data import fill_demo_if_empty

    with Store(url, user=None) as store:
        store.upgrade()
        if demo and fill_demo_if_empty(store):
            say("Filled the empty database with synthetic demo data.")
        logins = sorted(p.login for p in store.staff())
        idle_minutes = store.settings().idle_server_minutes
    for login in remove_leavers(url):
        say(f"Removed the database login of {login}, who is no longer on the staff list.")
    rotate_logins(url)
    return logins, idle_minutes, prepare_provisioner(url)


def readable_bytecode(package: Path) -> None:
    """The workbook's compiled modules, written now and readable by every person's system user: they cannot
    write them themselves (the package is root's), and without them each server and kernel compiles the
    workbook's modules again as it starts."""
    import compileall

    previous = os.umask(0o022)
    try:
        compileall.compile_dir(str(package), quiet=1, workers=1)
    finally:
        os.umask(previous)
    for folder in package.rglob("__pycache__"):
        os.chmod(folder, 0o755)
        for compiled in folder.iterdir():
            os.chmod(compiled, 0o644)


def write_private(path: Path, text: str) -> None:
    """A file only this process's user can read (0600 from the moment it exists)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def hub_environment(provisioner_file: Path, ip: str, port: int, demo: bool, logins: list[str], idle_minutes: int,
                    state: Path, runtime: Path) -> dict[str, str]:
    from ..web.voila_settings import prepare_runtime

    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENVIRONMENT}
    dashboards = locate_dashboards()
    notebooks = dashboards.parent / "notebooks"
    env.update(prepare_runtime(runtime))
    env.update({
        "FSNB_HUB_PROVISIONER_FILE": str(provisioner_file),
        "FSNB_HUB_PARENT_PID": str(os.getpid()),
        "FSNB_DASHBOARDS": str(dashboards),
        "FSNB_HUB_NOTEBOOKS": str(notebooks) if notebooks.is_dir() else "",
        "FSNB_HUB_RUNTIME": str(runtime),
        "FSNB_HUB_STATE": str(state),
        "FSNB_HUB_IP": ip,
        "FSNB_HUB_PORT": str(port),
        "FSNB_HUB_API_PORT": str(free_port()),
        "FSNB_HUB_PROXY_API_PORT": str(free_port()),
        "FSNB_HUB_IDLE_SECONDS": str(idle_minutes * 60),
        "FSNB_HUB_DEMO": "1" if demo else "0",
        "FSNB_HUB_DEMO_USERS": ",".join(logins) if demo else "",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent.parent), os.environ.get("PYTHONPATH")])),
    })
    return env


def state_folder() -> Path:
    """FSNB_HUB_STATE, else data/hub beside dashboards/ (git-ignored): the hub's own database and secret."""
    explicit = os.environ.get("FSNB_HUB_STATE", "").strip()
    path = Path(explicit).expanduser().resolve() if explicit else data_dir(locate_dashboards()) / "hub"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)  # the hub's database, cookie secret and provisioning credential: root's alone
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", PROVISIONER_FILE):
        if (path / name).exists():
            os.chmod(path / name, 0o600)
    return path


def clear_what_a_killed_hub_left(state: Path, prefix: str) -> None:
    """Before the port is checked: a proxy still running from an earlier hub of this state folder (its pid
    file), and any process of the workbook's system users (their servers and kernels, with logins about to
    be rotated). A hub of this state folder still running is refused: two hubs must not share one."""
    import psutil

    from .system_users import end_processes_of, users_with_prefix

    def alive(pid_file: Path, word: str) -> psutil.Process | None:
        try:
            proc = psutil.Process(int(pid_file.read_text().strip()))
            return proc if word in " ".join(proc.cmdline()) else None
        except (OSError, ValueError, psutil.Error):
            return None

    hub = alive(state / "jupyterhub.pid", "jupyterhub")
    if hub is not None:
        raise CannotStart(f"A hub is already running with the state folder {state} (process {hub.pid}); stop it "
                          "first, or give this one a state folder of its own with FSNB_HUB_STATE.")
    proxy = alive(state / "jupyterhub-proxy.pid", "configurable-http-proxy")
    if proxy is not None:
        say(f"Stopping the proxy an earlier hub left running (process {proxy.pid}).")
        proxy.terminate()
        try:
            proxy.wait(10)
        except psutil.TimeoutExpired:
            proxy.kill()
    ended = end_processes_of({u.pw_uid for u in users_with_prefix(prefix)})
    if ended:
        say(f"Stopped {ended} workbook processes an earlier hub left running.")


def sign_in_environment(demo: bool, ldap: str | None, entra: str | None) -> dict[str, str]:
    """The hub's environment for the sign-in chosen: --demo, --ldap CONFIG (directory.py) or --entra CONFIG
    (entra.py), each file checked now, so a wrong field is named before anything starts."""
    from .directory import CONFIG_ENV as DIRECTORY_ENV
    from .directory import DirectorySettings
    from .entra import CONFIG_ENV as ENTRA_ENV
    from .entra import EntraSettings

    chosen = [name for name, given in (("--demo", demo), ("--ldap", ldap), ("--entra", entra)) if given]
    if len(chosen) > 1:
        raise CannotStart(f"Choose one sign-in, not {' and '.join(chosen)}: --demo (demo staff with a shared "
                          "password), --ldap (the council's directory) or --entra (Microsoft Entra ID).")
    if ldap is not None:
        DirectorySettings.load(ldap)
        return {DIRECTORY_ENV: str(Path(ldap).expanduser().resolve())}
    if entra is not None:
        EntraSettings.load(entra)
        return {ENTRA_ENV: str(Path(entra).expanduser().resolve())}
    return {}


def run_hub(port: int = DEFAULT_PORT, db: str | None = None, demo: bool = False, ldap: str | None = None,
            entra: str | None = None) -> int:
    """Run the team's hub on FSNB_HUB_IP (default 127.0.0.1):`port` until stopped; the exit code. `ldap`: the
    council's directory settings file (directory.py); `entra`: its Entra ID settings file (entra.py)."""
    from ..web.compat import check_versions
    from .system_users import DEFAULT_PREFIX, PREFIX_ENV, rights_problem, unreachable, unreachable_sentence

    ip = os.environ.get("FSNB_HUB_IP", DEFAULT_IP).strip() or DEFAULT_IP
    prefix = os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX
    try:
        check_versions()  # the hub and each person's server patch libraries: only versions they were written for
        problem = rights_problem()
        if problem:
            raise CannotStart(problem)
        sign_in = sign_in_environment(demo, ldap, entra)
        url = owner_database_url(db)
        demo_password(demo, ip)
        dashboards = locate_dashboards()
        far = unreachable([Path(sys.executable), Path(sys.prefix), Path(sys.base_prefix), HERE.parent, dashboards])
        if far is not None:
            raise CannotStart(unreachable_sentence(far))
        state = state_folder()
        clear_what_a_killed_hub_left(state, prefix)
        check_port_free(ip, port)
        logins, idle_minutes, provisioner = prepare_database(url, demo)
    except WorkbookError as exc:
        say(str(exc), err=True)
        return EXIT_UNUSABLE
    except OperationalError as exc:
        say(database_problem(url, exc), err=True)
        return EXIT_UNUSABLE

    provisioner_file = state / PROVISIONER_FILE
    write_private(provisioner_file, provisioner)
    readable_bytecode(HERE.parent)
    runtime = Path(tempfile.mkdtemp(prefix="fsnb-hub-"))
    os.chmod(runtime, 0o755)

    def start() -> subprocess.Popen:
        env = hub_environment(provisioner_file, ip, port, demo, logins, idle_minutes, state, runtime)
        env[PREFIX_ENV] = prefix
        env.update(sign_in)
        # umask 077: the hub's database, secrets and pid files are root's alone from the moment they exist. So
        # the hub writes no compiled module: one written under that umask would be unreadable to everyone else,
        # and each person's server would compile the workbook again at every start (readable_bytecode).
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env=env, cwd=str(state),
                                umask=0o077)

    def ready() -> None:
        who = (" Demo staff sign in with their login and FSNB_DEMO_PASSWORD." if demo else
               " Staff sign in with their council login." if sign_in else "")
        say(f"The Family Service workbook hub is running at http://{ip}:{port}/hub/login "
            f"(press Ctrl+C to stop it).{who}")

    try:
        return run_until_stopped(start, name="hub", ip=ip, port=port, ready=ready,
                                 startup_timeout=STARTUP_TIMEOUT_SECONDS, stop_timeout=STOP_TIMEOUT_SECONDS)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
        provisioner_file.unlink(missing_ok=True)
