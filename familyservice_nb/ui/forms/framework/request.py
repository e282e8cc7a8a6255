"""The page's address parameters (`?case=C000123`, `?record=42`), as Voila 0.5 gives them to the kernel.

Voila puts the query string in the kernel's environment as `QUERY_STRING`. A pre-heated kernel runs the
page before anyone asks for it, so the request (and its query string) arrives later, over Voila's
`voila/query/<kernel id>` socket: `voila.utils.wait_for_request` waits for it. Waiting in the page's
cell would stop the pre-heating at that cell, so here it waits in a thread and hands the parameters to
the kernel's event loop, where the page applies them. Without pre-heating they are there at once.

The parameters only *ask* for a case or record: the store decides whether this user may open it
(`NotAllowed`), so changing the address never shows anything the user may not see.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

Params = dict[str, str]


def parse_query(query: str | None) -> Params:
    """The first value of each parameter: 'case=C1&x=2' -> {'case': 'C1', 'x': '2'}."""
    return {k: v[0] for k, v in parse_qs((query or "").lstrip("?"), keep_blank_values=False).items() if v}


def preheated() -> bool:
    return os.environ.get("VOILA_PREHEAT", "False") == "True"


class _Request:
    """The page's request, heard once per kernel: Voila's query socket keeps one listener per kernel (a
    second would silently take the first one's place), so every part of a page that waits for the request
    (a form's deep link, a dashboard's fresh figures) waits on this one."""

    def __init__(self, wait: Callable[[], None] | None = None):
        self._wait = wait or _wait_for_voila
        self._lock = threading.Lock()
        self._waiting: list[tuple[Callable[[Params], None], asyncio.AbstractEventLoop | None]] = []
        self._params: Params | None = None  # once heard; until then, `_waiting` holds every callback

    def add(self, callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None) -> None:
        with self._lock:
            params = self._params
            if params is None:
                self._waiting.append((callback, loop))
                start = len(self._waiting) == 1  # the first to wait starts the one listener
        if params is not None:
            _call(callback, loop, params)
        elif start:
            threading.Thread(target=self._listen, name="fsnb-wait-for-request", daemon=True).start()

    def _listen(self) -> None:
        try:
            self._wait()
        except Exception:  # noqa: BLE001 - no parameters is a page without a deep link
            pass
        params = parse_query(os.environ.get("QUERY_STRING"))
        with self._lock:
            self._params, waiting, self._waiting = params, self._waiting, []
        for callback, loop in waiting:
            _call(callback, loop, params)


def _wait_for_voila() -> None:
    from voila.utils import wait_for_request

    wait_for_request()


def _call(callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None, params: Params) -> None:
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(callback, params)
    else:
        callback(params)


_REQUEST = _Request()


def when_requested(callback: Callable[[Params], None], loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Call `callback(params)` on the kernel's loop once the page has been asked for (at once, without
    pre-heating, or when the request was heard already)."""
    if not preheated():
        callback(parse_query(os.environ.get("QUERY_STRING")))
        return
    try:
        loop = loop or asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    _REQUEST.add(callback, loop)
