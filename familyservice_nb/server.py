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
  (`content_addressed`), so a returning visitor's page asks for none of them again;
- the page kernels are this Python, with this package importable, and know where the data is through
  environment variables (`familyservice_nb.ui.kit.context` lists them).

Voila runs as a child process (`python -m familyservice_nb.server`: Voila's app with the host check,
the busy page and the unconnected-kernel reaper added, see `workbook_voila_class`), in this process
group, so stopping this command (Ctrl+C, or SIGTERM to the group) stops the server and its kernels.
"""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import webbrowser
from pathlib import Path

from .errors import WorkbookError
from .web import launcher
from .web.launcher import EXIT_UNUSABLE, CannotStart, data_dir, say
from .web.page_kernels import (
    KERNEL_STARTUP_TIMEOUT_SECONDS,
    MAX_OPEN_PAGES,
    UNCONNECTED_GRACE_SECONDS,
    page_handler_class,
)

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
STOP_TIMEOUT_SECONDS = 20

# Tornado's default is 10 MiB; an upload over it dropped the page's socket without a word.
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
LOCAL_HOSTNAMES = ("localhost",)
# A file named after a hash of its content (webpack's `568.1e2faa2ba0bbe59c4780.js`, `remoteEntry.698dcaf7.js`).
CONTENT_HASH_NAME = re.compile(r"[./][0-9a-f]{8,}\.js$")
CACHE_FOR_GOOD = "public, max-age=31536000, immutable"
# Widget libraries installed beside the workbook that its pages never use, so no page loads them:
# - plotly's mime renderer fails under Voila ("r.setData is not a function"), and the figures are widgets;
#   leaving it out also spares every page 5 MB of JavaScript;
# - jupyterlab_pygments colours code, and no page shows code (its sources are stripped): its scripts and
#   styles would otherwise be loaded by every page.
EXTENSIONS_NOT_LOADED = ["jupyterlab-plotly", "jupyterlab_pygments"]

PACKAGE_DIR = Path(__file__).resolve().parent


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
            raise CannotStart(str(exc)) from None
        write_demo_extract(path, as_of=as_of or _today_in_london())
        say(f"Wrote a synthetic demo extract to {path}.")
        return path
    if explicit:
        raise CannotStart(f"The extract '{explicit}' named by FSNB_EXTRACT does not exist.")
    return None


def _today_in_london():
    from .dates import today_in_london

    return today_in_london()


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
      whatever other `python3` kernels the machine has, started leaner (`familyservice_nb.page_kernel`).
    """
    template = root / "voila" / "templates" / TEMPLATE
    shutil.copytree(PACKAGE_DIR / "templates" / TEMPLATE, template)
    # Shipped as index.jinja2 (a name the package data includes); Voila looks for index.html.j2.
    # The page's upload limit is the extract's (a page does not read a larger file into memory).
    from .extract import UPLOAD_MAX_BYTES

    page = (template / "index.jinja2").read_text(encoding="utf-8")
    (template / "index.html.j2").write_text(page.replace("__FSNB_UPLOAD_MAX_BYTES__", str(UPLOAD_MAX_BYTES)),
                                            encoding="utf-8")
    (template / "index.jinja2").unlink()
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
                "argv": [sys.executable, "-m", "familyservice_nb.page_kernel", "-f", "{connection_file}"],
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


def preheated_pages(dashboards: Path, chosen: str | None = None) -> list[str]:
    """The notebooks that keep a kernel pre-heated: the landing page, and pages whose metadata says
    `"preheat": true`. Each costs a kernel's memory (about 150 MB) for as long as the server runs, and its
    start (about 3 s of one core) at every server start.

    `chosen` (FSNB_PREHEAT) narrows that down on a small machine: "none", or the pages' names separated by
    commas ("index, case-supervision"); empty or "all" keeps every page that asks. A name the workbook does
    not have is refused (`CannotStart`), naming it and the pages there are."""
    from .ui.kit.catalogue import LANDING_NOTEBOOK

    names = [LANDING_NOTEBOOK]
    for path in sorted(dashboards.glob("*.ipynb")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("fsnb") or {}
        except (OSError, ValueError):
            continue
        if meta.get("preheat") and path.name not in names:
            names.append(path.name)
    text = (chosen or "").strip().lower()
    if text in ("", "all"):
        return names
    if text == "none":
        return []
    wanted = [w.strip() for w in text.split(",") if w.strip()]
    wanted = [w if w.endswith(".ipynb") else f"{w}.ipynb" for w in wanted]
    unknown = [w for w in wanted if w not in names]
    if unknown:
        pages = ", ".join(n.removesuffix(".ipynb") for n in names)
        raise CannotStart(
            f"FSNB_PREHEAT names {'a page' if len(unknown) == 1 else 'pages'} that cannot be pre-heated: "
            f"{', '.join(w.removesuffix('.ipynb') for w in unknown)}. Choose from: {pages}; or all, or none.")
    return [n for n in names if n in wanted]


def logging_without_debug(app_class_name: str) -> dict:
    """A traitlets app's `logging_config` whose own logger drops debug lines itself.

    traitlets sets an app's logger to DEBUG and leaves the filtering to its handler, so every debug line
    (the server writes one for each request and each message from a page's kernel) would be made into a
    record and then thrown away: 13% of a person's server's CPU while they open a form (py-spy). To see
    debug lines, raise `log_level` and remove this too."""
    return {"loggers": {app_class_name: {"level": "INFO"}}}


def voila_config(dashboards: Path, token: str = "", preheat: list[str] | None = None) -> dict:
    """Voila's settings that are not single values (written to voila.json, which Voila reads from its
    working folder). The token goes here rather than on the command line, which other accounts can read.
    `preheat`: the pages that keep a kernel pre-heated (`preheated_pages` when not given)."""
    pools = {"default": {"pool_size": 0}}
    pools.update({name: {"pool_size": POOL_SIZE}
                  for name in (preheated_pages(dashboards) if preheat is None else preheat)})
    return {
        "Voila": {
            "token": token,
            "logging_config": logging_without_debug("WorkbookVoila"),  # the app `serve` starts (__main__)
            "tornado_settings": {
                "allow_remote_access": False,  # a foreign Host header is refused (403), page and socket
                "local_hostnames": list(LOCAL_HOSTNAMES),
                "websocket_max_message_size": WEBSOCKET_MAX_MESSAGE_BYTES,
            },
        },
        "VoilaConfiguration": {"extension_denylist": EXTENSIONS_NOT_LOADED,
                               "multi_kernel_manager_class": "familyservice_nb.web.page_kernels.PageKernelManager"},
        "VoilaKernelManager": {"kernel_pools_config": pools},
    }


def _setting(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise CannotStart(f"{name} must be a whole number, not '{text}'.") from None
    if value < 1:
        raise CannotStart(f"{name} must be at least 1, not {value}.")
    return value


def kernel_limits(pages_variable: str = "FSNB_MAX_OPEN_PAGES", pages: int = MAX_OPEN_PAGES) -> tuple[int, int]:
    """(pages open at once, seconds a page's kernel may wait for its browser): `pages` and
    UNCONNECTED_GRACE_SECONDS, or `pages_variable` and FSNB_UNCONNECTED_GRACE_SECONDS. (Each person's
    server under the hub reads its own cap, FSNB_HUB_MAX_OPEN_PAGES: hub/singleuser_config.py.)"""
    return (_setting(pages_variable, pages),
            _setting("FSNB_UNCONNECTED_GRACE_SECONDS", UNCONNECTED_GRACE_SECONDS))


def voila_command(dashboards: Path, port: int, limits: tuple[int, int] = (MAX_OPEN_PAGES, UNCONNECTED_GRACE_SECONDS)
                  ) -> list[str]:
    pages, grace = limits
    return [
        sys.executable, "-m", "familyservice_nb.server", str(dashboards),
        f"--PageKernels.max_open_pages={pages}",
        f"--PageKernels.unconnected_grace_seconds={grace}",
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


def prepare_database(url: str, demo: bool) -> None:
    """With --demo, fill an empty database with synthetic demo data (DESIGN.md: serve --demo)."""
    if not demo:
        return
    from .identity import signed_in
    from .store import Store
    from .store.demo_data import demo_manager, fill_demo_if_empty

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
    from .web.compat import check_versions

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
        config = voila_config(dashboards, token, preheat)
        # Voila reads voila.json from its working folder first (before any user config). The folder is
        # private (mkdtemp), and so is the file: it holds the token.
        with os.fdopen(os.open(runtime / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            json.dump(config, file, indent=1)
        return subprocess.Popen(voila_command(dashboards, port, limits), env=env, cwd=str(runtime))

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


# -- the Voila app with the workbook's guards ---------------------------------------------------------

def is_local_host(host_header: str) -> bool:
    """Whether a request's Host names this machine: 127.0.0.1 (any loopback address) or localhost."""
    import ipaddress
    import re

    host = re.match(r"^(.*?)(:\d+)?$", host_header or "").group(1)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() in LOCAL_HOSTNAMES


def content_addressed(path: str) -> bool:
    """Whether a widget library's file is named after a hash of its content, so its content never changes
    under that name and the browser may keep it for good.

    Voila serves these files (`/voila/labextensions/...`) with `Cache-Control: no-cache`, so each page load
    asked the server again for each of them, about 20 files in two rounds one after the other: 0.2-0.4 s
    of every page on this machine, more through a hub's proxy. A new version of a library has new names."""
    return bool(CONTENT_HASH_NAME.search(path))


@functools.lru_cache(maxsize=1)
def extension_file_handler():
    """Voila's handler for the widget libraries' files (`FileFindHandler`), which lets the browser keep
    those that are `content_addressed`; the rest are as Voila serves them. Used by `serve` and, through
    the hub's server configuration, by each person's server under the hub."""
    from jupyter_server.base.handlers import FileFindHandler

    class ExtensionFileHandler(FileFindHandler):
        def set_headers(self) -> None:
            super().set_headers()
            if content_addressed(self.request.path):
                self.set_header("Cache-Control", CACHE_FOR_GOOD)

    return ExtensionFileHandler


@functools.lru_cache(maxsize=1)
def compiled_templates():
    """One store of compiled page templates for the server's life (a Jinja bytecode cache, in memory).

    Voila makes a new exporter, and with it a new Jinja environment, for every page it serves, so each page
    parsed and compiled the page template and every template it extends again: 0.1 s of the server's CPU
    for each page opened (py-spy, a person's server under the hub while they signed in). Compiled code is
    kept by template, the environment's compile settings and a checksum of the source, as Jinja's own
    bytecode caches do: a changed template is compiled again."""
    import jinja2
    from jinja2.bccache import Bucket

    class CompiledTemplates(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self._code: dict[tuple[str, str], object] = {}

        def get_bucket(self, environment, name, filename, source):
            settings = f"{environment.is_async}|{sorted(environment.extensions)}|{environment.optimized}"
            bucket = Bucket(environment, self.get_cache_key(f"{settings}|{name}", filename),
                            self.get_source_checksum(source))
            bucket.code = self._code.get((bucket.key, bucket.checksum))
            return bucket

        def set_bucket(self, bucket) -> None:
            self._code[(bucket.key, bucket.checksum)] = bucket.code

    return CompiledTemplates()


def keep_compiled_templates() -> None:
    """Every page Voila renders from here on (this server process) uses `compiled_templates`. Used by
    `serve`'s server and, through the hub's server configuration, by each person's server under the hub."""
    from .web.compat import cache_voila_page_templates

    cache_voila_page_templates(compiled_templates())


def adapt_voila_extension() -> None:
    """Voila's server extension, as each person's server under the hub loads it, with the workbook's page
    handler (`page_handler_class`, which asks the server's kernel manager, hub/warm_kernels.py) and the
    widget-file handler that lets the browser keep content-addressed files (`extension_file_handler`).
    Called by the server's configuration file, before the extension is loaded."""
    from .web.compat import replace_voila_extension_handlers

    replace_voila_extension_handlers(page_handler_class(), extension_file_handler())


def workbook_voila_class():
    """Voila's app with the workbook's guards added (imported only in the server process):
    - a page asks the kernel manager (a `web.page_kernels.PageKernelManager`, configured in voila.json) for
      a place first, and is told the workbook is busy when there is none (`page_handler_class`);
    - Voila's request-info socket, a plain tornado socket, refuses a foreign Host like the rest;
    - the widget libraries' content-addressed files are cached for good (`extension_file_handler`).
    (Compiled page templates are kept by `keep_compiled_templates`, called before the app starts.)
    """
    from jupyter_server.base.handlers import FileFindHandler
    from tornado import web
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class RequestInfoHandler(RequestInfoSocketHandler):
        def prepare(self):
            if not is_local_host(self.request.host):
                raise web.HTTPError(403)
            return super().prepare()

    replace = {TornadoVoilaHandler: page_handler_class(), RequestInfoSocketHandler: RequestInfoHandler,
               FileFindHandler: extension_file_handler()}

    class WorkbookVoila(Voila):
        def init_handlers(self):
            handlers = [(route[0], replace.get(route[1], route[1]), *route[2:]) for route in super().init_handlers()]
            if not any(route[1] is page_handler_class() for route in handlers):
                raise RuntimeError("Voila's app has no TornadoVoilaHandler route: the workbook's page handler was "
                                   "written for Voila 0.5; read its app.py again.")
            return handlers

    return WorkbookVoila


if __name__ == "__main__":  # the server process that `serve` starts
    from familyservice_nb.web.compat import refuse_untested_versions

    refuse_untested_versions()
    keep_compiled_templates()
    workbook_voila_class().launch_instance()
