"""What `familyservice-nb serve` and `familyservice-nb hub` share as they start and stop their server.

- where the workbook's pages and data are (`locate_dashboards`, `data_dir`), and the database a command was
  given (`database_url`: --db, else FSNB_DATABASE_URL);
- the port rule: the server listens on the port asked for or not at all, and a port in use is said in a plain
  sentence (`check_port_free`), never a traceback and never another port;
- the run: the server is a child process (Voila, or JupyterHub) started in this process group; the command
  waits until it listens, says where, and waits until it ends or is stopped (Ctrl+C, or SIGTERM to the
  group), and then stops it, so the server and everything it started end with the command
  (`run_until_stopped`).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import WorkbookError

EXIT_OK, EXIT_UNUSABLE = 0, 2
POLL_SECONDS = 0.1  # how often a starting server is asked whether it listens yet


class CannotStart(WorkbookError):
    """The server cannot be started; the message says why in plain words."""


def say(text: str, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


# -- where the pages, the data and the database are ---------------------------------------------------------

def locate_dashboards() -> Path:
    """The workbook's pages (`ui.kit.catalogue.locate_dashboards`); `CannotStart` when they cannot be found."""
    from ..ui.kit.catalogue import NoDashboards
    from ..ui.kit.catalogue import locate_dashboards as locate

    try:
        return locate()
    except NoDashboards as exc:
        raise CannotStart(str(exc)) from None


def data_dir(dashboards: Path) -> Path:
    """FSNB_DATA_DIR, else `data/` beside `dashboards/` (git-ignored)."""
    explicit = os.environ.get("FSNB_DATA_DIR", "").strip()
    return Path(explicit).expanduser().resolve() if explicit else dashboards.parent / "data"


def database_url(db: str | None, default: str = "") -> str:
    """The database the command was given: --db, else FSNB_DATABASE_URL, else `default` ("" when none is
    named). A relative SQLite path is made absolute: the server's kernels run in other folders, where a
    relative path would name another file."""
    url = (db or "").strip() or os.environ.get("FSNB_DATABASE_URL", "").strip() or default
    prefix = "sqlite:///"
    if url.startswith(prefix):
        path = url[len(prefix):]
        if path and path != ":memory:" and not path.startswith("/"):
            url = prefix + str(Path(path).resolve())
    return url


# -- the port ----------------------------------------------------------------------------------------------

def check_port_free(ip: str, port: int) -> None:
    """`CannotStart`, in a sentence, unless this computer lets a server listen on `ip`:`port` now."""
    if not 1 <= port <= 65535:
        raise CannotStart(f"The port must be a number from 1 to 65535, not {port}.")
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same options as the server's own socket, so a port in TIME_WAIT is not reported as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CannotStart(
                    f"Port {port} on {ip} is already in use, perhaps by another copy of the workbook. "
                    f"Stop that program, or choose another port with --port."
                ) from None
            if exc.errno == errno.EACCES:
                raise CannotStart(f"This computer does not allow the workbook to use port {port}; "
                                  "choose another with --port (for example 8866).") from None
            raise CannotStart(f"The workbook cannot listen on {ip} port {port} ({exc.strerror}); choose "
                              "another address, or another port with --port.") from None


def port_open(ip: str, port: int) -> bool:
    """Whether something answers on `ip`:`port`."""
    try:
        with socket.create_connection((ip, port), timeout=0.5):
            return True
    except OSError:
        return False


# -- the run -------------------------------------------------------------------------------------------------

class Stop(Exception):
    """SIGTERM, as an exception: the command stops its server and cleans up."""


def raise_stop(signum, frame):
    raise Stop()


def stop_process(proc: subprocess.Popen, timeout: float) -> None:
    """Ask the child to stop (Voila shuts its kernels down, JupyterHub its proxy and servers), then kill it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_until_stopped(start: Callable[[], subprocess.Popen], *, name: str, ip: str, port: int,
                      ready: Callable[[], None], startup_timeout: float, stop_timeout: float) -> int:
    """Start the server (`start()` prepares it and returns its process), wait until it listens on `ip`:`port`,
    call `ready()` (which says where it is), and wait until it ends or this command is stopped (Ctrl+C, or
    SIGTERM); the exit code. However this ends, the server is stopped. `name`: what the messages call it
    ("workbook", "hub")."""
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, raise_stop)
    except ValueError:  # not the main thread: the caller stops us
        pass
    proc = None
    try:
        proc = start()
        deadline = time.monotonic() + startup_timeout
        while proc.poll() is None and not port_open(ip, port):
            if time.monotonic() > deadline:
                say(f"The {name} did not start within {startup_timeout:.0f} seconds; stopping it.", err=True)
                return 1
            time.sleep(POLL_SECONDS)
        if proc.poll() is not None:
            if port_open(ip, port):
                say(f"Port {port} on {ip} was taken by another program as the {name} started. "
                    "Choose another port with --port.", err=True)
                return EXIT_UNUSABLE
            say(f"The {name} stopped as it started (exit code {proc.returncode}); the messages above say why.",
                err=True)
            return proc.returncode or 1
        ready()
        return proc.wait()
    except (KeyboardInterrupt, Stop):
        say(f"Stopping the {name}.")
        return EXIT_OK
    finally:
        if proc is not None:
            stop_process(proc, stop_timeout)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
