"""What the hub does as a person's workbook server starts (JupyterHub's `pre_spawn_hook`).

- Their role comes from the workbook's staff list, read through the provisioning role, the only database
  credential the running hub holds (it can read a person's role and make their login, nothing else):
  practitioners and managers get the workbook only, analysts and administrators JupyterLab too. Someone
  the staff list does not name gets no server and no system user.
- Their server runs as their own system user (system_users.py), made now on their first sign-in, in a home
  only they can enter; an analyst's notebooks are their own copies there. The page notebooks stay where
  the workbook is installed, owned by root: no signed-in person can change what another person's page runs.
- On PostgreSQL their server gets a database login of its own, made or refreshed now with a fresh random
  password (`store.db_logins.provision_login`); no owner's credential ever reaches a person's server.
- Identity: the server's acting user is the hub's user (`JUPYTERHUB_USER`, set by JupyterHub itself);
  `FSNB_USER` is not passed on, and the store ignores it under the hub.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
SINGLEUSER_CONFIG = HERE / "singleuser_config.py"
LAB_ROLES = frozenset({"analyst", "admin"})
WORKBOOK_URL = "/voila/render/index.ipynb"
PAGE_LIMIT_SETTINGS = ("FSNB_HUB_MAX_OPEN_PAGES", "FSNB_UNCONNECTED_GRACE_SECONDS")


@dataclass(frozen=True)
class HubSettings:
    """What `familyservice-nb hub` hands to the hub's configuration (all from the hub's environment)."""

    database_url: str  # the provisioning role's URL: it makes people's logins and reads their role, nothing else
    dashboards: Path  # the workbook's page notebooks (owned by root, read-only to everyone else)
    notebooks: Path | None  # the analyst notebooks, copied into an analyst's home on first start
    runtime: Path  # Jupyter data folder: the workbook's template, plotly's widget code, the kernel
    state: Path  # the hub's own files (its database, cookie secret, the provisioning credential): root's alone
    plotly_esm: str = ""
    user_prefix: str = "fsnb-"  # each person's system user is this and their login (system_users.py)
    homes: Path = Path("/home")

    @classmethod
    def from_environment(cls) -> HubSettings:
        from .system_users import DEFAULT_HOMES, DEFAULT_PREFIX, HOMES_ENV, PREFIX_ENV

        env = os.environ
        notebooks = env.get("FSNB_HUB_NOTEBOOKS", "").strip()
        secret = env.get("FSNB_HUB_PROVISIONER_FILE", "").strip()
        try:
            url = Path(secret).read_text(encoding="utf-8").strip() if secret else ""
        except OSError:
            url = ""
        if not url or make_url(url).get_backend_name() != "postgresql":
            raise SystemExit("The hub keeps the team's data in PostgreSQL: start it with `familyservice-nb hub`, "
                             "which gives it the database's provisioning login in FSNB_HUB_PROVISIONER_FILE "
                             "(SQLite is for one person on a laptop).")
        return cls(
            database_url=url,
            dashboards=Path(env["FSNB_DASHBOARDS"]),
            notebooks=Path(notebooks) if notebooks else None,
            runtime=Path(env["FSNB_HUB_RUNTIME"]),
            state=Path(env["FSNB_HUB_STATE"]),
            plotly_esm=env.get("FSNB_PLOTLY_ESM", ""),
            user_prefix=env.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX,
            homes=Path(env.get(HOMES_ENV, "").strip() or DEFAULT_HOMES),
        )


def analyst_folder(settings: HubSettings, home: Path, uid: int, gid: int) -> Path:
    """An analyst's own home: their copy of the analyst notebooks (theirs to change), and a link to the
    workbook's pages, which stay root's: the link lets them open the pages, not change them."""
    pages = home / "dashboards"
    if not pages.is_symlink() and not pages.exists():
        pages.symlink_to(settings.dashboards, target_is_directory=True)
        os.lchown(pages, 0, 0)
    copy = home / "notebooks"
    if settings.notebooks and not copy.exists():
        shutil.copytree(settings.notebooks, copy)
        for folder, dirs, files in os.walk(copy):
            for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                os.chown(name, uid, gid)
    return home


def server_environment(settings: HubSettings, login: str, role: str, database_url: str) -> dict[str, str]:
    pythonpath = str(HERE.parent.parent)
    if os.environ.get("PYTHONPATH"):
        pythonpath += os.pathsep + os.environ["PYTHONPATH"]
    return {
        "FSNB_DATABASE_URL": database_url,
        "FSNB_DASHBOARDS": str(settings.dashboards),
        "FSNB_HUB_ACCESS": "lab" if role in LAB_ROLES else "workbook",
        "FSNB_PLOTLY_ESM": settings.plotly_esm,
        "JUPYTER_PATH": str(settings.runtime),
        "JUPYTERHUB_DISABLE_USER_CONFIG": "1",  # a person's own ~/.jupyter cannot loosen this config
        "PYTHONPATH": pythonpath,
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "FSNB_HUB_PARENT_PID": str(os.getpid()),  # the server ends with the hub (lifeline.py)
        # The page-kernel limits, when the hub's administrator set them (singleuser_config.py has the defaults).
        **{name: os.environ[name] for name in PAGE_LIMIT_SETTINGS if os.environ.get(name, "").strip()},
    }


def role_and_login(url: str, login: str) -> tuple[str, str]:
    """The person's role and their server's own database login (blocking: database work, one connection)."""
    from ..store.db_logins import provision_person

    return provision_person(url, login)


async def prepare_server(spawner, settings: HubSettings) -> None:
    """Set the starting server's environment, folder, first page and configuration from the person's role.

    The database work runs in a thread: in the hub's event loop it held up every other person's sign-in
    and page for the seconds it took (five people starting at once queued behind each other)."""
    import asyncio

    from tornado import web

    from ..errors import WorkbookError

    login = spawner.user.name
    try:
        role, database_url = await asyncio.to_thread(role_and_login, settings.database_url, login)
    except WorkbookError as exc:
        raise web.HTTPError(403, str(exc)) from None
    spawner.environment.update(server_environment(settings, login, role, database_url))
    lab = role in LAB_ROLES
    if not _local(spawner):
        # In a container (KubeSpawner, deploy/): the image holds the server's configuration
        # (/etc/jupyter) and the workbook's folders (dashboards/, notebooks/ in the home folder); only the
        # role and the database login come from here.
        spawner.default_url = "/voila/render/dashboards/index.ipynb"
        spawner.log.info("Starting %s's workbook server as %s.", login, role)
        return
    from .system_users import SystemUserProblem, ensure_user

    try:
        user = await asyncio.to_thread(ensure_user, login, settings.user_prefix, settings.homes, lab)
    except SystemUserProblem as exc:
        spawner.log.error("%s", exc)
        raise web.HTTPError(500, "The workbook could not prepare your server; tell your administrator.") from None
    spawner.cmd = [sys.executable, "-m", "familyservice_nb.hub.singleuser"]
    spawner.args = [f"--config={SINGLEUSER_CONFIG}"]
    if lab:
        home = await asyncio.to_thread(analyst_folder, settings, Path(user.pw_dir), user.pw_uid, user.pw_gid)
        spawner.notebook_dir = str(home)
        spawner.default_url = "/voila/render/dashboards/index.ipynb"
    else:
        spawner.notebook_dir = str(settings.dashboards)
        spawner.default_url = WORKBOOK_URL
    spawner.log.info("Starting %s's workbook server as %s.", login, role)


def _local(spawner) -> bool:
    from jupyterhub.spawner import LocalProcessSpawner

    return isinstance(spawner, LocalProcessSpawner)


def poll_starting_servers_often(max_wait: float = 0.25) -> None:
    """JupyterHub learns that a person's server is up by polling its address, waiting longer each time up to
    5 s between polls: a server ready just after a poll would stand idle up to 5 s (2.5 s on average)
    before the person is sent to it. A poll of an address not yet listening costs nothing, so poll at least
    every `max_wait` seconds (`compat.cap_hub_poll_wait`: only the waits in `jupyterhub.utils`, for servers
    to answer, are changed)."""
    from ..web.compat import cap_hub_poll_wait

    cap_hub_poll_wait(max_wait)
