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
from .web.page_kernels import page_handler_class
from .web.voila_settings import (
    HOST,
    LOCAL_HOSTNAMES,
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

# A file named after a hash of its content (webpack's `568.1e2faa2ba0bbe59c4780.js`, `remoteEntry.698dcaf7.js`).
CONTENT_HASH_NAME = re.compile(r"[./][0-9a-f]{8,}\.js$")
CACHE_FOR_GOOD = "public, max-age=31536000, immutable"


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
