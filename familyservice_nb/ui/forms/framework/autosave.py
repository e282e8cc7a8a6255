"""Saving a draft a moment after typing stops: a timer on the kernel's own event loop.

Every keystroke reaches the kernel (inputs use `continuous_update`), and each one restarts a short
timer; when the timer runs out the draft is saved. The timer runs on the asyncio loop the kernel
handles widget messages on, so the save happens between messages, never in the middle of one.
Outside a kernel (plain Python, tests without a loop) nothing is scheduled and `flush()` saves.
"""

from __future__ import annotations

import asyncio
import atexit
import weakref
from collections.abc import Callable

AUTOSAVE_SECONDS = 1.0


def running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_LIVE: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    """The kernel is shutting down (Voila stops it when the tab closes): save what is still waiting."""
    for debouncer in list(_LIVE):
        try:
            debouncer.flush()
        except Exception:  # noqa: BLE001 - exiting anyway; the save reports its own failure
            pass


class Debouncer:
    """Runs `action` once, `delay` seconds after the last `touch()`."""

    def __init__(self, action: Callable[[], None], delay: float = AUTOSAVE_SECONDS):
        _LIVE.add(self)
        self.action = action
        self.delay = delay
        self.pending = False
        self.loop: asyncio.AbstractEventLoop | None = running_loop()
        self._handle: asyncio.TimerHandle | None = None

    def touch(self) -> None:
        self.pending = True
        loop = running_loop() or self.loop
        if loop is None or loop.is_closed():
            return
        self.loop = loop
        self._cancel_timer()
        if running_loop() is loop:
            self._handle = loop.call_later(self.delay, self._fire)
        else:  # called from another thread: schedule on the kernel's loop
            loop.call_soon_threadsafe(self._restart)

    def _restart(self) -> None:
        self._cancel_timer()
        self._handle = self.loop.call_later(self.delay, self._fire)

    def _cancel_timer(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self.flush()

    def flush(self) -> None:
        """Run the action now if anything is waiting."""
        self._cancel_timer()
        if self.pending:
            self.pending = False
            self.action()

    def cancel(self) -> None:
        self._cancel_timer()
        self.pending = False
