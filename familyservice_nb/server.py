"""`familyservice-nb serve`: the workbook's pages (the notebooks in `dashboards/`) served by Voila.

What the server guarantees (DESIGN.md: Web; issue: the Voila app):
- it listens on 127.0.0.1 only, on the port asked for, and never hops to another port: a port in use
  is said in a plain sentence (exit 2);
- pages open fast: each page keeps a kernel pre-heated (the notebook already run), and idle kernels
  are shut down after a while; users never see a traceback;
- every script, style and font comes from this server: the `fsnb` template drops the CDN links of
  Voila's lab template, and plotly's widget code is served from here (see `familyservice_nb.ui.charts`);
- the page kernels are this Python, with this package importable, and know where the data is through
  environment variables (`familyservice_nb.ui.kit.context` lists them).

Voila runs as a child process (`python -m voila`), in this process group, so stopping this command
(Ctrl+C, or SIGTERM to the group) stops the server and its kernels.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
TEMPLATE = "fsnb"
LANDING_PATH = "voila/render/index.ipynb"
DEMO_EXTRACT = "demo-extract.csv"

# Kernels: one pre-heated per page; a kernel left idle with no browser attached is shut down after
# 15 minutes (an open page keeps its kernel: forms must not lose work).
POOL_SIZE = 1
CULL_IDLE_SECONDS = 15 * 60
CULL_INTERVAL_SECONDS = 60
STARTUP_TIMEOUT_SECONDS = 120
IOPUB_TIMEOUT_SECONDS = 30
KERNEL_STARTUP_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20

EXIT_OK, EXIT_UNUSABLE = 0, 2

PACKAGE_DIR = Path(__file__).resolve().parent


class ServeProblem(Exception):
    """The app cannot be started; the message says why in plain words."""


def _say(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


# -- what to serve, and where the data is ------------------------------------------------------------

def locate_dashboards() -> Path:
    from .ui.kit.catalogue import NoDashboards
    from .ui.kit.catalogue import locate_dashboards as locate

    try:
        return locate()
    except NoDashboards as exc:
        raise ServeProblem(str(exc)) from None


def data_dir(dashboards: Path) -> Path:
    """FSNB_DATA_DIR, else `data/` beside `dashboards/` (git-ignored)."""
    explicit = os.environ.get("FSNB_DATA_DIR", "").strip()
    return Path(explicit).expanduser().resolve() if explicit else dashboards.parent / "data"


def choose_extract(dashboards: Path, demo: bool) -> Path | None:
    """FSNB_EXTRACT when set; else the demo extract in the data folder, written first with `demo`."""
    explicit = os.environ.get("FSNB_EXTRACT", "").strip()
    path = Path(explicit).expanduser().resolve() if explicit else data_dir(dashboards) / DEMO_EXTRACT
    if path.exists():
        return path
    if demo:
        from .demo import write_demo_extract
        from .ui.kit.context import parse_as_of

        try:
            as_of = parse_as_of(os.environ.get("FSNB_AS_OF"))
        except ValueError as exc:
            raise ServeProblem(str(exc)) from None
        write_demo_extract(path, as_of=as_of or _today_in_london())
        _say(f"Wrote a synthetic demo extract to {path}.")
        return path
    if explicit:
        raise ServeProblem(f"The extract '{explicit}' named by FSNB_EXTRACT does not exist.")
    return None


def _today_in_london():
    from .dates import today_in_london

    return today_in_london()


def check_port_free(port: int) -> None:
    if not 1 <= port <= 65535:
        raise ServeProblem(f"The port must be a number from 1 to 65535, not {port}.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same options as the server's own socket, so a port in TIME_WAIT is not reported as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeProblem(
                    f"Port {port} on {HOST} is already in use, perhaps by another copy of the workbook. "
                    f"Stop that program, or choose another port with --port."
                ) from None
            if exc.errno == errno.EACCES:
                raise ServeProblem(f"This computer does not allow the workbook to use port {port}; "
                                   "choose another with --port (for example 8866).") from None
            raise


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


# -- the runtime folder: our template, plotly's widget code, and the kernel to use ------------------

def plotly_bundle() -> tuple[Path, str] | None:
    """plotly's widget bundle (the FigureWidget's JavaScript) and plotly's version, if installed."""
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a dependency
        return None
    bundle = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
    return (bundle, plotly.__version__) if bundle.is_file() else None


def _link_or_copy(source: Path, target: Path) -> None:
    # Not a symlink: the static file handler refuses links that lead out of its folder.
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def prepare_runtime(root: Path) -> dict[str, str]:
    """Lay out a Jupyter data folder for Voila; return the environment variables that point at it.

    - `voila/templates/fsnb/`: our template (package data, familyservice_nb/templates/fsnb), plus plotly's widget bundle in its
      `static/`, which Voila serves at /voila/static/;
    - `kernels/python3/kernel.json`: the page kernel is this Python (the one running the workbook),
      whatever other `python3` kernels the machine has.
    """
    template = root / "voila" / "templates" / TEMPLATE
    shutil.copytree(PACKAGE_DIR / "templates" / TEMPLATE, template)
    # Shipped as index.jinja2 (a name the package data includes); Voila looks for index.html.j2.
    (template / "index.jinja2").rename(template / "index.html.j2")
    env: dict[str, str] = {}
    bundle = plotly_bundle()
    if bundle:
        path, version = bundle
        (template / "static").mkdir(exist_ok=True)
        _link_or_copy(path, template / "static" / "plotly-widgetbundle.js")
        # Relative to Voila's base URL; the version makes the browser cache it for good.
        env["FSNB_PLOTLY_ESM"] = f"static/plotly-widgetbundle.js?v={version}"
    kernel = root / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (familyservice-nb)",
                "language": "python",
                "metadata": {"debugger": False},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return env


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


def preheated_pages(dashboards: Path) -> list[str]:
    """The notebooks that keep a kernel pre-heated: the landing page, and pages whose metadata says
    `"preheat": true`. Each costs a kernel's memory (about 150 MB) for as long as the server runs."""
    from .ui.kit.catalogue import LANDING_NOTEBOOK

    names = [LANDING_NOTEBOOK]
    for path in sorted(dashboards.glob("*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("fsnb") or {}
        except (OSError, ValueError):
            continue
        if meta.get("preheat") and path.name not in names:
            names.append(path.name)
    return names


def voila_config(dashboards: Path) -> dict:
    """Voila's settings that are not single values (written to voila.json, which Voila reads from its
    working folder)."""
    pools = {"default": {"pool_size": 0}}
    pools.update({name: {"pool_size": POOL_SIZE} for name in preheated_pages(dashboards)})
    return {
        "VoilaConfiguration": {
            # plotly's mime renderer fails under Voila ("r.setData is not a function") and is not used:
            # figures are widgets. Leaving it out also spares every page 5 MB of JavaScript.
            "extension_denylist": ["jupyterlab-plotly"],
        },
        "VoilaKernelManager": {"kernel_pools_config": pools},
    }


def voila_command(dashboards: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(dashboards),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--show_tracebacks=False",
        "--strip_sources=True",
        "--preheat_kernel=True",
        f"--pool_size={POOL_SIZE}",  # per page in voila.json: see preheated_pages
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
        # On a busy machine a page's output can reach Voila more than nbclient's default 4 seconds after
        # its cell finished; Voila then renders the page without it (an empty page). Wait longer.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_SECONDS}",
        f"--VoilaExecutor.startup_timeout={KERNEL_STARTUP_TIMEOUT_SECONDS}",
    ]


def database_url(db: str | None, dashboards: Path) -> str:
    """--db, else FSNB_DATABASE_URL, else data/workbook.db; a relative SQLite path made absolute
    (page kernels run in dashboards/, where a relative path would name another file)."""
    url = db or os.environ.get("FSNB_DATABASE_URL", "").strip() or f"sqlite:///{data_dir(dashboards) / 'workbook.db'}"
    prefix = "sqlite:///"
    if url.startswith(prefix):
        path = url[len(prefix):]
        if path and path != ":memory:" and not path.startswith("/"):
            url = prefix + str(Path(path).resolve())
    return url


def prepare_database(url: str, demo: bool) -> None:
    """With --demo, fill an empty database with synthetic demo data (DESIGN.md: serve --demo)."""
    if not demo:
        return
    from .errors import WorkbookError
    from .identity import signed_in
    from .store import Store
    from .store.demo_data import fill_demo_if_empty

    try:
        with Store(url, user=None) as store:
            if fill_demo_if_empty(store):
                _say("Filled the empty database with synthetic demo data.")
            if signed_in().login is None:
                # On a laptop with the demo, the person at the keyboard is a demo team manager, so
                # the forms open with that manager's teams (a name not on the staff list sees nothing).
                managers = sorted(p.login for p in store.staff() if p.role == "manager")
                if managers:
                    os.environ["FSNB_USER"] = managers[0]
                    _say(f"You are signed in as the demo manager '{managers[0]}' (set FSNB_USER to change).")
    except WorkbookError as exc:
        raise ServeProblem(str(exc)) from None


# -- running ---------------------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(port: int = DEFAULT_PORT, db: str | None = None, demo: bool = False) -> int:
    """Serve the workbook on 127.0.0.1:`port` until stopped; the exit code for the command line."""
    try:
        dashboards = locate_dashboards()
        check_port_free(port)
        extract = choose_extract(dashboards, demo)
        database = database_url(db, dashboards)
        prepare_database(database, demo)
    except ServeProblem as exc:
        _say(str(exc), err=True)
        return EXIT_UNUSABLE

    runtime = Path(tempfile.mkdtemp(prefix="fsnb-voila-"))
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _raise_stop)
    except ValueError:  # not the main thread: the caller stops us
        pass
    proc = None
    try:
        env = server_environment(runtime, dashboards, extract, database)
        config = voila_config(dashboards)
        (runtime / "voila.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        # Voila reads voila.json from its working folder first (before any user config).
        proc = subprocess.Popen(voila_command(dashboards, port), env=env, cwd=str(runtime))
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while proc.poll() is None and not _port_open(port):
            if time.monotonic() > deadline:
                _say(f"The app did not start within {STARTUP_TIMEOUT_SECONDS} seconds; stopping it.", err=True)
                _stop(proc)
                return 1
            time.sleep(0.1)
        if proc.poll() is not None:
            if _port_open(port):
                _say(f"Port {port} on {HOST} was taken by another program as the workbook started. "
                     "Choose another port with --port.", err=True)
                return EXIT_UNUSABLE
            _say(f"The app stopped as it started (exit code {proc.returncode}); the messages above say why.",
                 err=True)
            return proc.returncode or 1
        source = f"Figures come from {extract}." if extract else (
            "No extract was found, so the dashboards will say so: run with --demo for synthetic demo data, "
            "or set FSNB_EXTRACT to a Mosaic extract."
        )
        _say(f"The Family Service workbook is running at http://{HOST}:{port}/{LANDING_PATH} "
             f"(press Ctrl+C to stop it). {source}")
        rc = proc.wait()
        return rc
    except (KeyboardInterrupt, _Stop):
        _say("Stopping the workbook.")
        return EXIT_OK
    finally:
        if proc is not None:
            _stop(proc)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(runtime, ignore_errors=True)
