"""Shared helpers for tests that drive the real app: start the server, launch Chromium, watch a page.

- `app_server` (session): the real `familyservice-nb serve` on a free port, with a temporary data folder
  holding a synthetic demo extract as of 25/11/2026; its log is printed if it does not start.
  `app_server.url(path)` carries the token `serve` printed (read from its log), as a person's link does.
- `browser` (module): headless Debian Chromium through Playwright (skipped when missing, except with
  CI=true, where a missing browser fails the test).
  `app_server.as_of` and `app_server.user` are what its pages should show.
- `watch_page(page)`: the same recording for a page a test opens itself.
- `visit(path, ready=selector)`: opens a page, waits for a widget, and records every request, console
  error and page error, so `visit.assert_clean()` fails on any JavaScript error or any request that
  leaves 127.0.0.1.
Form tests reuse these: `visit("voila/render/some-form.ipynb", ready=".some-widget")`.
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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from familyservice_nb.server import EXTENSIONS_NOT_LOADED

ROOT = Path(__file__).resolve().parents[2]
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


AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
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


@pytest.fixture
def libraries_kept_for_good():
    return assert_libraries_kept_for_good


def assert_libraries_kept_for_good(page) -> None:
    """The page loaded the widget libraries it uses and none of those it never uses (EXTENSIONS_NOT_LOADED).
    Their files are served for the browser to keep for good (each is
    named after its content's hash), and their unhashed `package.json` is not (fetched with the page's
    cookies, as the browser would, under `serve` or through the hub)."""
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

@dataclass
class AppServer:
    """The workbook served by `python -m familyservice_nb serve` in its own process group."""

    port: int
    data_dir: Path
    env: dict
    log_path: Path
    as_of: dt.date = AS_OF
    user: str = TEST_USER
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
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches Voila and its kernels
        )
        self.wait_until_ready()
        return self

    def voila_pid(self) -> int:
        """The Voila process `serve` started (its child running familyservice_nb.server)."""
        for pid, command in _children(self.proc.pid).items():
            if b"familyservice_nb.server" in command:
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


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    from familyservice_nb.demo import write_demo_extract

    data = tmp_path_factory.mktemp("data")
    write_demo_extract(data / "demo-extract.csv", rows=3000, seed=11, as_of=AS_OF)
    return data


@pytest.fixture(scope="session")
def app_server(demo_data_dir, tmp_path_factory):
    ensure_python3_kernelspec()
    logs = tmp_path_factory.mktemp("logs")
    server = AppServer(
        port=free_port(), data_dir=demo_data_dir, env=server_environment(demo_data_dir, FSNB_PREHEAT="index,recording-timeliness"),
        log_path=logs / "server.log",
    )
    server.start("--demo")
    yield server
    server.stop()


# -- the browser -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    # Per module, not per session: while Playwright's sync API runs, an asyncio loop is running in this
    # thread, and tests collected after the browser tests (asyncio.run in tests/ui) would fail.
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Python Playwright")
    require(Path(CHROMIUM).exists(), f"Chromium ({CHROMIUM})")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield PatientBrowser(browser)
        browser.close()


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


@pytest.fixture
def watch_page():
    """watch(page) -> Visit: record a page you opened yourself (your own context, several pages...)."""
    return watch


@pytest.fixture
def visit(browser, app_server):
    """visit(path, ready=css) opens a page of the app and waits for a widget; closed after the test."""
    contexts = []

    def open_page(path: str, ready: str = ".fsnb-app", viewport=(1280, 900)) -> Visit:
        context = browser.new_context(locale="en-GB", viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        seen = watch(page)
        started = time.perf_counter()
        page.goto(app_server.url(path), wait_until="domcontentloaded")
        try:
            page.wait_for_selector(ready, timeout=PAGE_READY_MS)
        except Exception as exc:  # say what the page showed and what the server said
            text = page.evaluate("document.body ? document.body.innerText.slice(0, 1500) : ''")
            pytest.fail(
                f"{path}: '{ready}' did not appear within {PAGE_READY_MS / 1000:.0f} s ({type(exc).__name__}).\n"
                f"The page showed:\n{text}\nConsole errors: {seen.console_errors}\nPage errors: {seen.page_errors}\n"
                f"Server log:\n{app_server.log()}"
            )
        seen.seconds_to_ready = time.perf_counter() - started
        return seen

    yield open_page
    for context in contexts:
        context.close()
