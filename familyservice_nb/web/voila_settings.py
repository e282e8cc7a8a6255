"""How Voila serves the workbook's pages, written once for `serve`'s Voila app and for Voila inside each
person's server under the hub.

- `prepare_runtime`: the Jupyter data folder both read: the `fsnb` template (package data,
  familyservice_nb/templates/fsnb, with plotly's widget code beside it) and the page kernel (this Python,
  started leaner: `familyservice_nb.page_kernel`); the Dockerfile of each person's server runs it too;
- `page_settings`: what both servers set alike: the template, no code and no tracebacks on a page, the widget
  libraries no page loads, how long Voila waits for a page's kernel, the cull of idle kernels, and how many
  pages may hold a kernel (web/page_kernels.py);
- `voila_config` and `voila_command`: `serve`'s own Voila app: those settings and its own (its address and
  port, its token, the Host check, the largest message a page may send, the pre-heated pages);
- what the environment may change, refused in a sentence when it cannot be followed: the pre-heated pages
  (FSNB_PREHEAT, `preheated_pages`) and the page-kernel limits (`kernel_limits`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from .launcher import CannotStart
from .page_kernels import KERNEL_STARTUP_TIMEOUT_SECONDS, MAX_OPEN_PAGES, UNCONNECTED_GRACE_SECONDS

HOST = "127.0.0.1"  # `serve` listens here and nowhere else
LOCAL_HOSTNAMES = ("localhost",)  # the other name a request to `serve` may give as its Host
TEMPLATE = "fsnb"
APP_MODULE = "familyservice_nb.web.voila_app"  # `python -m APP_MODULE`: Voila's app with the workbook's handlers
PAGE_KERNEL_MANAGER = "familyservice_nb.web.page_kernels.PageKernelManager"
PACKAGE_DIR = Path(__file__).resolve().parents[1]

# Kernels: one pre-heated per page that asks (`preheated_pages`); a kernel left idle with no browser attached
# is shut down after 15 minutes (an open page keeps its kernel: forms must not lose work).
POOL_SIZE = 1
CULL_IDLE_SECONDS = 15 * 60
CULL_INTERVAL_SECONDS = 60
# On a busy machine a page's output can reach Voila more than nbclient's default 4 seconds after its cell
# finished, and Voila then renders the page without it (an empty page: seen with five people starting at once).
IOPUB_TIMEOUT_SECONDS = 30
# Tornado's default is 10 MiB; an upload over it dropped the page's socket without a word.
WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Widget libraries installed beside the workbook that its pages never use, so no page loads them:
# - plotly's mime renderer fails under Voila ("r.setData is not a function"), and the figures are widgets;
#   leaving it out also spares every page 5 MB of JavaScript;
# - jupyterlab_pygments colours code, and no page shows code (its sources are stripped): its scripts and
#   styles would otherwise be loaded by every page.
EXTENSIONS_NOT_LOADED = ["jupyterlab-plotly", "jupyterlab_pygments"]


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

    - `voila/templates/fsnb/`: our template (package data, familyservice_nb/templates/fsnb), plus plotly's
      widget bundle in its `static/`, which Voila serves at /voila/static/;
    - `kernels/python3/kernel.json`: the page kernel is this Python (the one running the workbook),
      whatever other `python3` kernels the machine has, started leaner (`familyservice_nb.page_kernel`).
    """
    template = root / "voila" / "templates" / TEMPLATE
    shutil.copytree(PACKAGE_DIR / "templates" / TEMPLATE, template)
    # Shipped as index.jinja2 (a name the package data includes); Voila looks for index.html.j2.
    # The page's upload limit is the extract's (a page does not read a larger file into memory).
    from ..extract import UPLOAD_MAX_BYTES

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


# -- the settings --------------------------------------------------------------------------------

def page_settings(limits: tuple[int, int] = (MAX_OPEN_PAGES, UNCONNECTED_GRACE_SECONDS)) -> dict:
    """The settings `serve`'s Voila app and each person's server under the hub share (traitlets
    configuration, by class). `limits`: pages that may hold a kernel at once, and seconds a page's kernel may
    wait for its browser (`kernel_limits`)."""
    pages, grace = limits
    return {
        # The workbook's own template (offline: no outside scripts or fonts); no code or tracebacks shown.
        "VoilaConfiguration": {"template": TEMPLATE, "theme": "light", "strip_sources": True,
                               "show_tracebacks": False, "extension_denylist": EXTENSIONS_NOT_LOADED},
        "VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT_SECONDS, "startup_timeout": KERNEL_STARTUP_TIMEOUT_SECONDS},
        "MappingKernelManager": {"cull_idle_timeout": CULL_IDLE_SECONDS, "cull_interval": CULL_INTERVAL_SECONDS,
                                 "cull_connected": False},
        "PageKernels": {"max_open_pages": pages, "unconnected_grace_seconds": grace},
    }


def logging_without_debug(app_class_name: str) -> dict:
    """A traitlets app's `logging_config` whose own logger drops debug lines itself.

    traitlets sets an app's logger to DEBUG and leaves the filtering to its handler, so every debug line
    (the server writes one for each request and each message from a page's kernel) would be made into a
    record and then thrown away: 13% of a person's server's CPU while they open a form (py-spy). To see
    debug lines, raise `log_level` and remove this too."""
    return {"loggers": {app_class_name: {"level": "INFO"}}}


def shared_tornado_settings() -> dict:
    """The web server's settings every page needs, under `serve` (Voila's app) and under the hub (each person's
    Jupyter server): a page's socket carries an upload of up to the upload pages' limit."""
    return {"websocket_max_message_size": WEBSOCKET_MAX_MESSAGE_BYTES}


def voila_config(dashboards: Path, token: str = "", preheat: list[str] | None = None,
                 limits: tuple[int, int] = (MAX_OPEN_PAGES, UNCONNECTED_GRACE_SECONDS)) -> dict:
    """`serve`'s Voila settings (written to voila.json, which Voila reads from its working folder): the shared
    ones (`page_settings`) and its own. The token goes here rather than on the command line, which other
    accounts can read. `preheat`: the pages that keep a kernel pre-heated (`preheated_pages` when not given)."""
    pools = {"default": {"pool_size": 0}}
    pools.update({name: {"pool_size": POOL_SIZE}
                  for name in (preheated_pages(dashboards) if preheat is None else preheat)})
    config = page_settings(limits)
    config["VoilaConfiguration"].update({
        "multi_kernel_manager_class": PAGE_KERNEL_MANAGER,  # Voila builds its pre-heating manager on it
        "preheat_kernel": True,
        "default_pool_size": POOL_SIZE,  # per page in kernel_pools_config: see preheated_pages
    })
    config["VoilaKernelManager"] = {"kernel_pools_config": pools}
    config["Voila"] = {
        "token": token,
        "logging_config": logging_without_debug("WorkbookVoila"),  # the app `serve` starts (APP_MODULE)
        "tornado_settings": {
            "allow_remote_access": False,  # a foreign Host header is refused (403), page and socket
            "local_hostnames": list(LOCAL_HOSTNAMES),
            **shared_tornado_settings(),
        },
    }
    return config


def voila_command(dashboards: Path, port: int) -> list[str]:
    """The command of `serve`'s Voila app: on HOST:`port` only, never another port; its other settings are in
    voila.json (`voila_config`)."""
    return [sys.executable, "-m", APP_MODULE, str(dashboards), "--no-browser", f"--Voila.ip={HOST}",
            f"--Voila.port={port}", "--Voila.port_retries=0"]


# -- what the environment may change ----------------------------------------------------------------

def preheated_pages(dashboards: Path, chosen: str | None = None) -> list[str]:
    """The notebooks that keep a kernel pre-heated: the landing page, and pages whose metadata says
    `"preheat": true`. Each costs a kernel's memory (about 150 MB) for as long as the server runs, and its
    start (about 3 s of one core) at every server start.

    `chosen` (FSNB_PREHEAT) narrows that down on a small machine: "none", or the pages' names separated by
    commas ("index, case-supervision"); empty or "all" keeps every page that asks. A name the workbook does
    not have is refused (`CannotStart`), naming it and the pages there are."""
    from ..ui.kit.catalogue import LANDING_NOTEBOOK

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
