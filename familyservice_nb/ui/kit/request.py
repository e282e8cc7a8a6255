"""The page's address parameters (`?case=C000123`, `?record=42`), as Voila 0.5 gives them to the kernel.

Voila puts the query string in the kernel's environment as `QUERY_STRING`. A pre-heated kernel runs the
page before anyone asks for it, so the request (and its query string) arrives later, over Voila's
`voila/query/<kernel id>` socket (`_VoilaQuery`). Waiting in the page's cell would stop the pre-heating
at that cell, so here it waits in a thread and hands the parameters to the kernel's event loop, where the
page applies them. Without pre-heating they are there at once.

A request can also come *before* the page's cell has run: a pre-heated kernel is given to a page as soon
as it has started, while it may still be running the notebook (a page asked for again within seconds, or
just after the server starts). Its browser may then ask for the widgets' state the moment the cell ends,
and a change the page makes a moment later is lost: ipywidgets drops a message for a widget whose channel
the browser has not opened yet. So the cell waits until the listener knows whether the request is there
already (Voila answers with it as the socket opens), and then applies it in the cell itself.

The parameters only *ask* for a case or record: the store decides whether this user may open it
(`NotAllowed`), so changing the address never shows anything the user may not see.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

Params = dict[str, str]


def parse_query(query: str | None) -> Params:
    """The first value of each parameter: 'case=C1&x=2' -> {'case': 'C1', 'x': '2'}."""
    return {k: v[0] for k, v in parse_qs((query or "").lstrip("?"), keep_blank_values=False).items() if v}


def preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


class _VoilaQuery:
    """Voila's `voila/query/<kernel id>` socket, as `voila.utils.wait_for_request` uses it, without its
    imports (`voila` brings in the whole Jupyter server: 1.4 s of a core in every pre-heated kernel).
    Voila sends the request's details (a JSON object of environment variables) when the page is asked
    for, or as the socket opens if the page was asked for before."""

    OPEN_SECONDS = 5  # as Voila's own

    def __init__(self, url: str | None = None):
        self.url = url or self.address()

    @staticmethod
    def address() -> str:
        env = os.environ
        base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
        return (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
                f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")

    def __enter__(self) -> _VoilaQuery:
        from websockets.sync.client import connect

        # proxy=None: the server is this machine's; a proxy in the environment must not be asked to reach it
        self._connection = connect(self.url, open_timeout=self.OPEN_SECONDS, proxy=None, compression=None)
        self.socket = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._connection.__exit__(*exc)

    def already(self, seconds: float) -> dict | None:
        """The request's details if the page had been asked for when the socket opened, else None.
        Voila writes them as the socket opens, so they come before the answer to a ping sent after."""
        answered = self.socket.ping()
        if not answered.wait(seconds):
            return None
        try:
            return json.loads(self.socket.recv(timeout=0))
        except TimeoutError:
            return None

    def wait(self) -> dict:
        return json.loads(self.socket.recv())


class _Request:
    """The page's request, heard once per kernel: Voila's query socket keeps one listener per kernel (a
    second would silently take the first one's place), so every part of a page that waits for the request
    (a form's deep link, a dashboard's fresh figures) waits on this one.

    `add` (called in the page's cell) waits, at most `check_seconds`, until the listener has connected and
    knows whether the request came before the page was built; if it did, the callback runs there and then,
    so what it changes is in the state the browser first reads (see the module's docstring)."""

    CHECK_SECONDS = 2.0

    def __init__(self, query: Callable[[], _VoilaQuery] | None = None, check_seconds: float = CHECK_SECONDS):
        self._query = query or _VoilaQuery
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._checked = threading.Event()  # set once the listener knows whether the request came first
        self._started = False
        self._waiting: list[tuple[Callable[[Params], None], asyncio.AbstractEventLoop | None]] = []
        self._params: Params | None = None  # once heard; until then, `_waiting` holds every callback

    def add(self, callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None) -> None:
        with self._lock:
            start, self._started = not self._started, True
        if start:
            threading.Thread(target=self._listen, name="fsnb-wait-for-request", daemon=True).start()
        self._checked.wait(self._check_seconds)
        with self._lock:
            params = self._params
            if params is None:
                self._waiting.append((callback, loop))
                return
        callback(params)  # heard already: here, before the page's cell ends

    def _listen(self) -> None:
        details = None
        try:
            with self._query() as voila:
                details = voila.already(self._check_seconds)
                if details is None:
                    self._checked.set()  # not asked for yet: the cell goes on, the page applies it later
                    details = voila.wait()
        except Exception as exc:  # noqa: BLE001 - no parameters is a page without a deep link
            print(f"[familyservice-nb] the page's address could not be read from Voila ({exc!r}); "
                  "it opens without its link.", file=sys.__stderr__ or sys.stderr)
        for name, value in (details or {}).items():
            os.environ[name] = str(value)  # as voila.utils.wait_for_request does
        params = parse_query(os.environ.get("QUERY_STRING"))
        with self._lock:
            self._params, waiting, self._waiting = params, self._waiting, []
        self._checked.set()
        for callback, loop in waiting:
            _call(callback, loop, params)


def _call(callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None, params: Params) -> None:
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(callback, params)
    else:
        callback(params)


_REQUEST = _Request()


def when_requested(callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Call `callback(params)` once the page has been asked for.

    Pre-heated: when the request came before the page was built, there and then (see `_Request.add`);
    otherwise on the kernel's loop when the request is heard, before the browser has the page.

    Not pre-heated (the hub, and pages `serve` does not pre-heat), the request is there already: the
    callback runs on the kernel's loop just after the page's cell, so Voila sends the page while the
    kernel applies its link (a deep-linked form is hundreds of widgets: 0.75 s here under the hub). The
    browser cannot ask for the widgets' state before it has Voila's scripts, which come after the cell's
    output, so what the callback builds is in the state it first reads. (Should a browser connect while a
    page is being built, a pre-heated page hearing its request late, the widgets made meanwhile are in
    the state it reads too: kit/first_load.py.) Outside a running loop (a script, a test), it runs at once."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if not preheated():
        params = parse_query(os.environ.get("QUERY_STRING"))
        if running is None:
            callback(params)
        else:
            running.call_soon(callback, params)
        return
    _REQUEST.add(callback, loop or running)
