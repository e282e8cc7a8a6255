"""A person's workbook server bounds its pages' kernels as the laptop's does (familyservice_nb/web/page_kernels.py,
in its kernel manager, hub/warm_kernels.py), tried on a real Jupyter server read from the hub's own server
configuration (singleuser_config.py) with its warm kernel, without a hub: the server's own token stands in
for the hub's sign-in, so the hub's authorizer is left out. The cap is 2 and the grace 8 seconds
(FSNB_HUB_MAX_OPEN_PAGES, FSNB_UNCONNECTED_GRACE_SECONDS: long enough for the three pages to be asked for
one after another on a busy machine before the first's kernel may go); pages are asked for by plain GETs,
as a script would, and no browser connects to them."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from familyservice_nb.hub.spawn import SINGLEUSER_CONFIG
from familyservice_nb.web.page_kernels import BUSY_PAGE
from familyservice_nb.web.voila_settings import prepare_runtime

from hubhelp import free_port

CAP, GRACE = 2, 8
REAPER_EVERY = GRACE / 4  # seconds (web.page_kernels.PageKernels)
START_SECONDS = 60
SMALL_PAGE = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "small", "metadata": {}, "outputs": [],
               "source": "print('A small page.')"}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


class PersonsServer:
    def __init__(self, folder: Path):
        self.folder, self.port, self.token = folder, free_port(), secrets.token_urlsafe(24)
        self.log_path = folder / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PersonsServer:
        pages = self.folder / "pages"
        pages.mkdir()
        (pages / "small.ipynb").write_text(json.dumps(SMALL_PAGE), encoding="utf-8")
        runtime = self.folder / "runtime"
        runtime_env = prepare_runtime(runtime)  # the workbook's template and page kernel, as the hub lays out
        config = self.folder / "test_config.py"
        config.write_text(
            f"load_subconfig({str(SINGLEUSER_CONFIG)!r})\n"
            "c.ServerApp.authorizer_class = 'jupyter_server.auth.authorizer.AllowAllAuthorizer'\n"
            f"c.IdentityProvider.token = {self.token!r}\n"
            f"c.ServerApp.ip, c.ServerApp.port, c.ServerApp.port_retries = '127.0.0.1', {self.port}, 0\n"
            "c.ServerApp.open_browser = False\n"
            f"c.ServerApp.root_dir = {str(pages)!r}\n"
            "c.ServerApp.allow_root = True  # test containers run as root; the hub never does\n",
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "FSNB_", "JUPYTER_"))}
        env.update(runtime_env)
        env.update({
            "FSNB_HUB_ACCESS": "workbook",
            "FSNB_HUB_MAX_OPEN_PAGES": str(CAP),
            "FSNB_UNCONNECTED_GRACE_SECONDS": str(GRACE),
            "JUPYTER_PATH": str(runtime),
            "JUPYTER_CONFIG_DIR": str(self.folder / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.folder / "jupyter-runtime"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        })
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", f"--config={config}"], env=env,
                                         cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"The server stopped as it started:\n{self.log()}")
            try:
                self.get("api/status")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"The server did not start within {START_SECONDS} s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its kernels too, should any outlive it
        except ProcessLookupError:
            pass
        self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]

    def get(self, path: str, token: bool = True) -> tuple[int, dict, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}")
        if token:
            request.add_header("Authorization", f"token {self.token}")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=90) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode("utf-8", errors="replace")

    def kernels(self) -> set[str]:
        # jupyter_server lists a starting kernel a moment before it has marked the kernel's activity, and
        # answers that moment's GET /api/kernels with 500 ("last_activity ... not the NoneType None"): ask again.
        for _ in range(10):
            status, _, body = self.get("api/kernels")
            if status != 500:
                break
            time.sleep(0.1)
        assert status == 200, f"{body}\n{self.log()}"
        return {kernel["id"] for kernel in json.loads(body)}

    def wait_for(self, condition, seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"{what} within {seconds} s:\n{self.log()}")


@pytest.fixture
def persons_server(tmp_path):
    server = PersonsServer(tmp_path)
    try:
        yield server.start()
    finally:
        server.stop()


def test_a_persons_third_unconnected_page_is_busy_and_unconnected_kernels_go_after_the_grace(persons_server):
    server = persons_server
    page = "voila/render/small.ipynb"
    [warm] = server.wait_for(server.kernels, 30, "no warm kernel started")
    # A request the sign-in refuses takes no place.
    assert server.get(page, token=False)[0] in {302, 403}
    first = server.get(page)
    assert first[0] == 200 and "A small page." in first[2], first[2][-2000:]
    assert server.kernels() == {warm}  # the first page took the warm kernel; none waits beside an open page
    assert server.get(page)[0] == 200
    pages = server.kernels()
    assert len(pages) == CAP
    status, headers, body = server.get(page)
    assert (status, headers.get("Retry-After"), body) == (503, "60", BUSY_PAGE)  # the laptop's busy page
    assert server.kernels() == pages  # no kernel started for it
    # No browser connected to either page: both kernels are shut down after the grace period.
    server.wait_for(lambda: not (server.kernels() & pages), GRACE + 15, "page kernels still running")
    assert f"no browser connected to within {GRACE} seconds" in server.log()
    # The next warm kernel is not a page's: the reaper passes it by, though no browser connects to it.
    [again] = server.wait_for(lambda: server.kernels() - pages, 30, "no warm kernel started again")
    time.sleep(REAPER_EVERY * 1.5)
    assert server.kernels() == {again}
    assert server.get(page)[0] == 200  # the places are free again
    assert server.kernels() == {again}
