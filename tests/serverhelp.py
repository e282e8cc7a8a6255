"""The real app for tests, benchmarks and docs/screenshots.py: `familyservice-nb serve` and headless Chromium.

A plain module beside hubhelp.py (the hub's counterpart), so that scripts import it as they import the seeds,
with tests/ on sys.path, and the pytest fixtures in tests/browser/conftest.py are thin calls into it.

- `running_server(data_dir, *serve_args, user=..., **env)`: `serve` on a free port for a data folder, in its
  own process group, with `server_environment(...)`; ready when the link it printed (read from its log, token
  and all) answers; its log printed if it does not start; stopped, kernels and all, when the block ends.
  `start_server(...)` is the same without the block, for a server stopped and started again by hand.
- `launch_chromium(playwright)`: Debian's Chromium, headless, with the same arguments everywhere.
- `watch(page) -> Visit`: records every request, console error, page error, failed response and dialog, so
  `visit.assert_clean()` fails on any JavaScript error or any request that leaves 127.0.0.1.
- `PageOpener(browser, server)`: opens pages of one server, each in a fresh context, watched, waiting for a
  widget; closes them all at the end.
- `require`, `axe_violations`, `assert_libraries_kept_for_good`: checks the browser tests share.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FSNB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
AS_OF = dt.date(2026, 11, 25)
# A user name that would run script if any page put it into HTML unescaped.
TEST_USER = 'Sam O\'Neill <img src=x onerror="window.__fsnb_injected=1">'
SERVER_START_SECONDS = 180
PAGE_READY_MS = 90_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    """Skip when a component is missing; with CI=true, fail instead (CI never skips browser tests)."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{what} is missing, and CI=true: browser tests must run in CI.")
    pytest.skip(f"{what} is missing")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_python3_kernelspec() -> None:
    """Voila needs a `python3` kernel; the Makefile installs one, and so do we if it is missing.
    (The server also points its own kernelspec at this Python, so this is a second line of defence.)"""
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
            check=True, capture_output=True,
        )


# -- the server --------------------------------------------------------------------------------------

def server_environment(data_dir: Path, **extra: str) -> dict:
    env = dict(os.environ)
    # The package is importable by the server even when it is not installed (a fresh checkout).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["FSNB_DATA_DIR"] = str(data_dir)
    env["FSNB_AS_OF"] = AS_OF.isoformat()
    env["FSNB_USER"] = TEST_USER
    env["FSNB_NO_BROWSER"] = "1"  # serve opens a browser where there is a screen; tests open their own
    # One server serves a whole module of tests, each opening pages whose kernels outlive the page for a
    # while: the cap on open pages (8) is tested on a server of its own (test_browser_hardening.py).
    env["FSNB_MAX_OPEN_PAGES"] = "40"
    # Pre-heat only the landing page unless a module names the pages it opens again and again
    # (FSNB_PREHEAT=...): every pre-heated page costs a kernel start (about 3 s of a core) at each server
    # start and again after each visit, and eleven of them made every module's server start slow on 2 cores.
    env["FSNB_PREHEAT"] = "index"
    for name in ("FSNB_EXTRACT", "JUPYTERHUB_USER", "FSNB_DATABASE_URL", "FSNB_PLOTLY_ESM", "FSNB_DASHBOARDS"):
        env.pop(name, None)
    env.update(extra)
    return env


def start_server(data_dir: Path, *serve_args: str, user: str | None = TEST_USER, log_path: Path | None = None,
                 **env: str) -> AppServer:
    """`serve` (with `serve_args`, such as "--demo") on a free port for `data_dir`, signed in as `user`
    (None: whoever `serve` signs in itself), with `server_environment(data_dir, **env)`; returned once it
    answers. Its log goes to `log_path` (the data folder's server.log unless given). The caller stops it."""
    ensure_python3_kernelspec()
    environment = server_environment(data_dir, **env)
    if user is None:
        environment.pop("FSNB_USER", None)
    else:
        environment["FSNB_USER"] = user
    server = AppServer(port=free_port(), data_dir=data_dir, env=environment,
                       log_path=log_path or Path(data_dir) / "server.log", user=user)
    return server.start(*serve_args)


@contextmanager
def running_server(data_dir: Path, *serve_args: str, **options):
    """`start_server(...)` for the length of a `with` block (a fixture's `yield` inside it), then stopped."""
    server = start_server(data_dir, *serve_args, **options)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class AppServer:
    """The workbook served by `python -m familyservice_nb serve` in its own process group."""

    port: int
    data_dir: Path
    env: dict
    log_path: Path
    as_of: dt.date = AS_OF
    user: str | None = TEST_USER
    proc: subprocess.Popen | None = None
    token: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str = "", token: bool = True) -> str:
        """The page's address, with the token `serve` printed (token=False: as a stranger would ask)."""
        url = self.base_url + path.lstrip("/")
        if token and self.token:
            url += ("&" if "?" in url else "?") + "token=" + self.token
        return url

    def printed_link(self) -> str | None:
        """The link `serve` printed ("... is running at http://127.0.0.1:PORT/...?token=..."), if it has."""
        for line in self.log(tail=400).splitlines():
            if "is running at http" in line:
                return line.split("is running at ", 1)[1].split()[0]
        return None

    def start(self, *args: str) -> AppServer:
        command = [sys.executable, "-m", "familyservice_nb", "serve", "--port", str(self.port), *args]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches Voila and its kernels
        )
        self.wait_until_ready()
        return self

    def voila_pid(self) -> int:
        """The Voila process `serve` started (its child running familyservice_nb.web.voila_app)."""
        for pid, command in _children(self.proc.pid).items():
            if b"familyservice_nb.web.voila_app" in command:
                return pid
        raise AssertionError("the Voila process was not found under serve")

    def kernels(self) -> dict[str, int]:
        """The kernels Voila is running now: kernel id -> process id (from its `kernel-ID.json`)."""
        found = {}
        for pid, command in _children(self.voila_pid()).items():
            match = re.search(rb"kernel-([0-9a-f-]{36})\.json", command)
            if b"familyservice_nb.page_kernel" in command and match:
                found[match.group(1).decode()] = pid
        return found

    def settled_kernels(self, seconds: float = 180) -> dict[str, int]:
        """`kernels()` once they have stayed the same for 5 seconds (the pre-heated pools filled)."""
        deadline, last, since = time.monotonic() + seconds, None, time.monotonic()
        while time.monotonic() < deadline:
            now = self.kernels()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since > 5:
                break
            time.sleep(0.5)
        return last

    def served_kernel_ids(self, since: int = 0) -> set[str]:
        """The kernels the server gave to pages (it logs each), from the log after character `since`
        (`len(server.log_text())` taken before the requests)."""
        return set(re.findall(r"A page was given the kernel (\S+)\.", self.log_text()[since:]))

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log(self, tail: int = 80) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-tail:])

    def wait_until_ready(self, timeout: float = SERVER_START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                pytest.fail(f"The app exited with code {self.proc.returncode} as it started. Its log:\n{self.log()}")
            link = self.printed_link()
            if link:
                self.token = parse_qs(urlparse(link).query).get("token", [""])[0]
                try:
                    with urllib.request.urlopen(self.url(), timeout=5) as response:
                        if response.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"The app did not answer within {timeout:.0f} seconds. Its log:\n{self.log()}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url(path), timeout=120) as response:
            return response.read().decode("utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None and not _group_alive(self.proc.pid):
            self._close_log()
            return
        _signal_group(self.proc.pid, signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 10
        while _group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        _signal_group(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._close_log()

    def _close_log(self) -> None:
        log = getattr(self, "_log", None)
        if log and not log.closed:
            log.close()


def _children(parent: int) -> dict[int, bytes]:
    """The processes whose parent is `parent`: process id -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    found[int(entry.name)] = (entry / "cmdline").read_bytes()
            except OSError:
                continue
    return found


def end_group(proc: subprocess.Popen, timeout: float) -> None:
    """End a program started in a session of its own, with its whole process group: asked to stop first, killed
    if it has not within `timeout` seconds."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


# -- the browser -------------------------------------------------------------------------------------

def launch_chromium(playwright):
    """Headless Chromium from `playwright` (sync or async: with the async API, await what this returns)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class PatientBrowser:
    """The browser, each of whose pages waits for an address as long as for its widgets (PAGE_READY_MS): a
    page that is not pre-heated sends the end of its HTML only once its kernel has run, and on a busy machine
    that takes more than Playwright's 30 s."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_navigation_timeout(PAGE_READY_MS)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.set_default_navigation_timeout(PAGE_READY_MS)
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


@dataclass
class Visit:
    """One page opened in a fresh browser context, with everything it did recorded."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    seconds_to_ready: float | None = None

    def off_host_requests(self) -> list[str]:
        return [
            url for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and urlparse(url).hostname not in LOCAL_HOSTS
        ]

    def assert_clean(self) -> None:
        problems = []
        if self.console_errors:
            problems.append("console errors:\n  " + "\n  ".join(self.console_errors))
        if self.failed_responses:
            problems.append("failed responses:\n  " + "\n  ".join(self.failed_responses))
        if self.page_errors:
            problems.append("page errors:\n  " + "\n  ".join(self.page_errors))
        if off := self.off_host_requests():
            problems.append("requests that left 127.0.0.1:\n  " + "\n  ".join(off))
        if self.dialogs:
            problems.append("dialogs opened:\n  " + "\n  ".join(self.dialogs))
        assert not problems, "\n".join(problems)


def watch(page) -> Visit:
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on(
        "response",
        lambda response: visit.failed_responses.append(f"{response.status} {response.request.method} {response.url}")
        if response.status >= 400 else None,
    )

    def on_dialog(dialog):
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return visit


class PageOpener:
    """`opener(path, ready=css)` opens a page of `server` in a fresh context (en-GB, `viewport`, and any other
    `context_options`), watched, and waits for a widget (`ready` unless the call names another); a page whose
    widget does not appear fails the test with what it showed and the server's log.
    `opener.notebook(name, query)` opens `voila/render/<name>.ipynb<query>`.
    Used as a `with` block, which closes every context it opened."""

    def __init__(self, browser, server: AppServer, viewport: tuple[int, int] = (1280, 900), ready: str = ".fsnb-app",
                 **context_options):
        self.browser, self.server = browser, server
        self.viewport, self.ready, self.context_options = viewport, ready, context_options
        self.contexts: list = []

    def notebook(self, name: str, query: str = "", ready: str | None = None) -> Visit:
        return self(f"voila/render/{name}.ipynb{query}", ready)

    def __call__(self, path: str, ready: str | None = None, viewport: tuple[int, int] | None = None) -> Visit:
        ready = ready or self.ready
        width, height = viewport or self.viewport
        context = self.browser.new_context(locale="en-GB", viewport={"width": width, "height": height},
                                           **self.context_options)
        self.contexts.append(context)
        page = context.new_page()
        seen = watch(page)
        started = time.perf_counter()
        page.goto(self.server.url(path), wait_until="domcontentloaded")
        try:
            page.wait_for_selector(ready, timeout=PAGE_READY_MS)
        except Exception as exc:  # say what the page showed and what the server said
            text = page.evaluate("document.body ? document.body.innerText.slice(0, 1500) : ''")
            pytest.fail(
                f"{path}: '{ready}' did not appear within {PAGE_READY_MS / 1000:.0f} s ({type(exc).__name__}).\n"
                f"The page showed:\n{text}\nConsole errors: {seen.console_errors}\nPage errors: {seen.page_errors}\n"
                f"Server log:\n{self.server.log()}"
            )
        seen.seconds_to_ready = time.perf_counter() - started
        return seen

    def __enter__(self) -> PageOpener:
        return self

    def __exit__(self, *exc) -> None:
        for context in self.contexts:
            context.close()


# -- checks on a page --------------------------------------------------------------------------------

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, one line each."""
    require(AXE.exists(), f"axe-core ({AXE}; run `npm ci` in tests/browser)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.help + ' -> ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '))",
        WCAG_TAGS,
    )


def assert_libraries_kept_for_good(page) -> None:
    """The page loaded the widget libraries it uses and none of those it never uses (EXTENSIONS_NOT_LOADED).
    Their files are served for the browser to keep for good (each is
    named after its content's hash), and their unhashed `package.json` is not (fetched with the page's
    cookies, as the browser would, under `serve` or through the hub)."""
    from familyservice_nb.web.voila_settings import EXTENSIONS_NOT_LOADED

    urls = page.evaluate("performance.getEntriesByType('resource').map(r => r.name)"
                         ".filter(u => u.includes('/voila/labextensions/'))")
    assert urls, "the page loaded no widget library file"
    libraries = {url.split("/voila/labextensions/")[1].split("/static/")[0] for url in urls}
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget"} <= libraries
    assert not libraries & set(EXTENSIONS_NOT_LOADED), f"loaded a library no page uses: {libraries}"
    package = re.sub(r"/static/[^/]+$", "/package.json", next(u for u in urls if "remoteEntry." in u))
    caching = {url.split("?")[0].rsplit("/", 1)[-1]: page.request.get(url).headers.get("cache-control", "")
               for url in [*urls, package]}
    assert caching.pop("package.json") == "no-cache"
    assert len(caching) >= 4 and set(caching.values()) == {"public, max-age=31536000, immutable"}, caching
