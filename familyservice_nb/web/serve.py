"""`familyservice-nb serve`: the workbook's pages (the notebooks in `dashboards/`) served by Voila.

What the server guarantees (DESIGN.md: Web; Laptop server):
- it listens on 127.0.0.1 only, on the port asked for, and never hops to another port: a port in use
  is said in a plain sentence (exit 2);
- it answers only its own address and its own person: a request whose Host is not 127.0.0.1 or
  localhost is refused (403, page and kernel socket: a website the person visits cannot reach it by
  DNS rebinding), and every page needs the random token made at each start, in the link `serve` prints
  and opens (another account on the machine cannot walk in); the browser keeps a sign-in cookie after;
- kernels are bounded: at most MAX_OPEN_PAGES pages have a kernel at once (one more is answered with a
  plain "The workbook is busy" page, HTTP 503), and a page's kernel that no browser connected to within
  UNCONNECTED_GRACE_SECONDS is shut down (`web.page_kernels`; each person's server under the hub keeps
  the same rule);
- a page may send up to WEBSOCKET_MAX_MESSAGE_BYTES in one message (an upload; the pages accept
  extracts up to `extract.UPLOAD_MAX_BYTES`, well under it, and say so when a file is larger);
- pages open fast: each page keeps a kernel pre-heated (the notebook already run), and idle kernels
  are shut down after a while; users never see a traceback;
- every script, style and font comes from this server: the `fsnb` template drops the CDN links of
  Voila's lab template, and plotly's widget code is served from here (see `familyservice_nb.ui.charts`);
  the widget libraries' files whose names carry their content's hash are cached by the browser for good
  (`web.voila_app.content_addressed`), so a returning visitor's page asks for none of them again;
- the page kernels are this Python, with this package importable, and know where the data is through
  environment variables (`familyservice_nb.ui.kit.context` lists them).

Voila runs as a child process (`python -m familyservice_nb.web.voila_app`: Voila's app with the workbook's
handlers, web/voila_app.py; its settings in voila.json, web/voila_settings.py), in this process group, so
stopping this command (Ctrl+C, or SIGTERM to the group) stops the server and its kernels (web/launcher.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import webbrowser
from pathlib import Path

from ..errors import WorkbookError
from . import launcher
from .launcher import EXIT_UNUSABLE, CannotStart, data_dir, say
from .voila_settings import (
    HOST,
    PACKAGE_DIR,
    kernel_limits,
    preheated_pages,
    prepare_runtime,
    voila_command,
    voila_config,
)

DEFAULT_PORT = 8866
LANDING_PATH = "voila/render/index.ipynb"
DEMO_EXTRACT = "demo-extract.csv"

STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


def choose_extract(dashboards: Path, demo: bool) -> Path | None:
    """FSNB_EXTRACT when set; else the demo extract in the data folder, written first with `demo`."""
    explicit = os.environ.get("FSNB_EXTRACT", "").strip()
    path = Path(explicit).expanduser().resolve() if explicit else data_dir(dashboards) / DEMO_EXTRACT
    if path.exists():
        return path
    if demo:
        from ..demo import write_demo_extract
        from ..ui.kit.context import parse_as_of

        try:
            as_of = parse_as_of(os.environ.get("FSNB_AS_OF"))
        except ValueError as exc:
            raise CannotStart(str(exc)) from None
        write_demo_extract(path, as_of=as_of or _today_in_london())
        say(f"Wrote a synthetic demo extract to {path}.")
        return path
    if explicit:
        raise CannotStart(f"The extract '{explicit}' named by FSNB_EXTRACT does not exist.")
    return None


def _today_in_london():
    from ..dates import today_in_london

    return today_in_london()


def _prepend_path(name: str, first: Path | str) -> str:
    rest = os.environ.get(name, "")
    return os.pathsep.join([str(first), rest]) if rest else str(first)


def server_environment(runtime: Path, dashboards: Path, extract: Path | None, database: str) -> dict[str, str]:
    env = dict(os.environ)
    runtime_env = prepare_runtime(runtime)
    if "FSNB_PLOTLY_ESM" in os.environ:  # set (even empty: the stock FigureWidget) by whoever runs us
        runtime_env.pop("FSNB_PLOTLY_ESM", None)
    env.update(runtime_env)
    env["JUPYTER_PATH"] = _prepend_path("JUPYTER_PATH", runtime)
    # The package is importable in the kernels even when it is not installed (a source checkout).
    env["PYTHONPATH"] = _prepend_path("PYTHONPATH", PACKAGE_DIR.parent)
    env["FSNB_DASHBOARDS"] = str(dashboards)
    if extract is not None:
        env["FSNB_EXTRACT"] = str(extract)
    env["FSNB_DATABASE_URL"] = database
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger warning at kernel start
    return env


def prepare_database(url: str, demo: bool) -> None:
    """With --demo, fill an empty database with synthetic demo data (DESIGN.md: serve --demo)."""
    if not demo:
        return
    from ..identity import signed_in
    from ..store import Store
    from ..store.demo_data import demo_manager, fill_demo_if_empty

    try:
        with Store(url, user=None) as store:
            if fill_demo_if_empty(store):
                say("Filled the empty database with synthetic demo data.")
            if signed_in().login is None:
                # On a laptop with the demo's own data, the person at the keyboard is a demo team manager,
                # so the forms open with that manager's teams. Never on a database with real staff.
                manager = demo_manager(store)
                if manager:
                    os.environ["FSNB_USER"] = manager
                    say(f"You are signed in as the demo manager '{manager}' (set FSNB_USER to change).")
                else:
                    say("This database holds staff the demo did not make, so nobody is signed in as a demo "
                        "manager. Set FSNB_USER to your login on the staff list to use the app as yourself.")
    except WorkbookError as exc:
        raise CannotStart(str(exc)) from None


# -- running ---------------------------------------------------------------------------------------

def open_in_browser(link: str) -> None:
    """Open the app in the person's browser, unless FSNB_NO_BROWSER is set or there is no screen."""
    if os.environ.get("FSNB_NO_BROWSER", "").strip():
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return  # no screen (a server, a test run): the printed link is enough
    try:
        webbrowser.open(link, new=2)
    except webbrowser.Error:
        pass


def serve(port: int = DEFAULT_PORT, db: str | None = None, demo: bool = False) -> int:
    """Serve the workbook on 127.0.0.1:`port` until stopped; the exit code for the command line."""
    from .compat import check_versions

    try:
        check_versions()  # the server and its kernels patch libraries: only versions they were written for
        dashboards = launcher.locate_dashboards()
        launcher.check_port_free(HOST, port)
        extract = choose_extract(dashboards, demo)
        database = launcher.database_url(db, default=f"sqlite:///{data_dir(dashboards) / 'workbook.db'}")
        limits = kernel_limits()
        preheat = preheated_pages(dashboards, os.environ.get("FSNB_PREHEAT"))
        prepare_database(database, demo)
    except WorkbookError as exc:
        say(str(exc), err=True)
        return EXIT_UNUSABLE

    runtime = Path(tempfile.mkdtemp(prefix="fsnb-voila-"))
    token = secrets.token_urlsafe(32)  # a new one at every start

    def start() -> subprocess.Popen:
        env = server_environment(runtime, dashboards, extract, database)
        config = voila_config(dashboards, token, preheat, limits)
        # Voila reads voila.json from its working folder first (before any user config). The folder is
        # private (mkdtemp), and so is the file: it holds the token.
        with os.fdopen(os.open(runtime / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            json.dump(config, file, indent=1)
        return subprocess.Popen(voila_command(dashboards, port), env=env, cwd=str(runtime))

    def ready() -> None:
        source = f"Figures come from {extract}." if extract else (
            "No extract was found, so the dashboards will say so: run with --demo for synthetic demo data, "
            "or set FSNB_EXTRACT to a Mosaic extract."
        )
        link = f"http://{HOST}:{port}/{LANDING_PATH}?token={token}"
        say(f"The Family Service workbook is running at {link} (press Ctrl+C to stop it). "
            f"Open it with this link: it holds a key made for this start only. {source}")
        open_in_browser(link)

    try:
        return launcher.run_until_stopped(start, name="workbook", ip=HOST, port=port, ready=ready,
                                          startup_timeout=STARTUP_TIMEOUT_SECONDS, stop_timeout=STOP_TIMEOUT_SECONDS)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
