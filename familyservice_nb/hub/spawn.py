"""What the hub does as a person's workbook server starts (JupyterHub's `pre_spawn_hook`).

- Their role comes from the workbook's staff list, read with the owner's credential, which only the hub
  holds: practitioners and managers get the workbook only, analysts and administrators JupyterLab too.
  Someone the staff list does not name gets no server.
- On PostgreSQL their server gets a database login of its own, made or refreshed now with a fresh random
  password (`store.db_logins.provision_login`); the owner's URL never reaches a person's server.
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


@dataclass(frozen=True)
class HubSettings:
    """What `familyservice-nb hub` hands to the hub's configuration (all from the hub's environment)."""

    owner_url: str  # the workbook database, with the owner's credential: the hub's alone
    dashboards: Path  # the workbook's page notebooks
    notebooks: Path | None  # the analyst notebooks, copied into an analyst's folder on first start
    runtime: Path  # Jupyter data folder: the workbook's template, plotly's widget code, the kernel
    state: Path  # the hub's own files (its database, cookie secret, people's folders)
    plotly_esm: str = ""

    @classmethod
    def from_environment(cls) -> HubSettings:
        env = os.environ
        notebooks = env.get("FSNB_HUB_NOTEBOOKS", "").strip()
        owner = env.get("FSNB_HUB_DATABASE_URL", "")
        if not owner or make_url(owner).get_backend_name() != "postgresql":
            raise SystemExit("The hub keeps the team's data in PostgreSQL: set FSNB_HUB_DATABASE_URL to a "
                             "postgresql+psycopg:// URL (SQLite is for one person on a laptop).")
        return cls(
            owner_url=owner,
            dashboards=Path(env["FSNB_DASHBOARDS"]),
            notebooks=Path(notebooks) if notebooks else None,
            runtime=Path(env["FSNB_HUB_RUNTIME"]),
            state=Path(env["FSNB_HUB_STATE"]),
            plotly_esm=env.get("FSNB_PLOTLY_ESM", ""),
        )


def staff_role(owner_url: str, login: str) -> str:
    """The person's role on the staff list; NotAllowed (plain words) when the list does not name them."""
    from ..store import Store

    with Store(owner_url, user=login) as store:
        return store.viewer().role


def database_url_for(owner_url: str, login: str) -> str:
    """The URL a person's server uses: their own login on PostgreSQL (SQLite is refused by the hub)."""
    if make_url(owner_url).get_backend_name() != "postgresql":
        raise ValueError("The hub keeps the workbook's data in PostgreSQL only.")
    from ..store.db_logins import provision_login

    return provision_login(owner_url, login)


def analyst_folder(settings: HubSettings, login: str) -> Path:
    """An analyst's own folder: their copy of the analyst notebooks, and the workbook's pages beside them."""
    home = settings.state / "home" / login
    home.mkdir(parents=True, exist_ok=True)
    pages = home / "dashboards"
    if not pages.exists():
        pages.symlink_to(settings.dashboards, target_is_directory=True)
    if settings.notebooks and not (home / "notebooks").exists():
        shutil.copytree(settings.notebooks, home / "notebooks")
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
    }


def role_and_login(owner_url: str, login: str) -> tuple[str, str]:
    """The person's role and their server's database URL (blocking: database work)."""
    return staff_role(owner_url, login), database_url_for(owner_url, login)


async def prepare_server(spawner, settings: HubSettings) -> None:
    """Set the starting server's environment, folder, first page and configuration from the person's role.

    The database work runs in a thread: in the hub's event loop it held up every other person's sign-in
    and page for the seconds it took (five people starting at once queued behind each other)."""
    import asyncio

    from tornado import web

    from ..errors import WorkbookError

    login = spawner.user.name
    try:
        role, database_url = await asyncio.to_thread(role_and_login, settings.owner_url, login)
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
    spawner.cmd = [sys.executable, "-m", "familyservice_nb.hub.singleuser"]
    spawner.args = [f"--config={SINGLEUSER_CONFIG}"]
    if lab:
        spawner.notebook_dir = str(analyst_folder(settings, login))
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
    5 s between polls: a server ready just after a poll stood idle up to 5 s (2.5 s on average) before the
    person was sent to it. A poll of an address not yet listening costs nothing, so poll at least every
    `max_wait` seconds. (Only the waits in `jupyterhub.utils`, for servers to answer, are changed.)"""
    import jupyterhub.utils as utils

    original = utils.exponential_backoff
    if getattr(original, "fsnb_max_wait", None) is not None:
        return

    async def backoff(*args, **kwargs):
        kwargs["max_wait"] = min(kwargs.get("max_wait", max_wait), max_wait)
        return await original(*args, **kwargs)

    backoff.fsnb_max_wait = max_wait
    utils.exponential_backoff = backoff
