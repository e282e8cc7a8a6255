"""Bounded page kernels: the server's kernel manager keeps the books of which kernels the pages hold.

The one rule for `serve`'s Voila app and for each person's server under the hub (DESIGN.md: Web; Laptop server):
- at most `max_open_pages` pages hold a kernel at once (each about 150 MB); one more is answered with a plain
  "The workbook is busy" page (HTTP 503, `BUSY_PAGE`) by Voila's page handler, which asks the kernel manager
  first (`page_handler_class`);
- a page's kernel that no browser connected to within `unconnected_grace_seconds` of its page being given
  it is shut down once idle (an open page keeps its kernel);
- at the cap, the kernel of a page every browser left ABANDONED_SECONDS ago makes room for the next.

A kernel is a page's once Voila gives it to a page: started for the page (`is_page_request`), or taken from
the standalone app's pre-heated pool. A kernel starting for a pool, the hub's warm kernel waiting for a page
(hub/warm_kernels.py) and an analyst's notebook kernel are not.

`PageKernelManager` is jupyter_server's kernel manager with these books (`PageKernels`), configured as a
class: `serve` names it Voila's (`VoilaConfiguration.multi_kernel_manager_class`, on which Voila's
standalone app builds its pre-heating manager), and the hub's `WarmKernelManager` is one
(`ServerApp.kernel_manager_class`).
"""

from __future__ import annotations

import functools
import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Int
from traitlets.config import LoggingConfigurable

# Each page open in a browser holds a kernel (about 150 MB), besides the pre-heated ones.
MAX_OPEN_PAGES = 8
UNCONNECTED_GRACE_SECONDS = 120  # longer than the slowest page takes to reach a browser on a busy laptop
# A page whose every browser left this long ago (a tab closed without unloading: a crash, a lid, a killed
# browser) gives up its kernel when the cap is reached and another page asks for one. Until then it waits
# (for the idle cull), so a browser that comes back to it finds it. (Never longer than the grace period of a
# page no browser connected to.)
ABANDONED_SECONDS = 30
# How long a page's kernel may take to start (Voila's executor waits as long); a page let in whose kernel has
# not come by then no longer holds a place.
KERNEL_STARTUP_TIMEOUT_SECONDS = 120
PAGE_KERNEL_MARKER = "VOILA_REQUEST_URL"  # Voila puts the page's address in the environment of a page's kernel
PREHEATED_MARKER = "VOILA_PREHEAT"  # "True" in the environment of a kernel Voila starts for a pre-heated pool
BUSY_MESSAGE = "The workbook is busy, try again in a minute."
BUSY_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>The workbook is busy</title>
<meta http-equiv="refresh" content="60"></head>
<body style="font-family: sans-serif; margin: 3em; max-width: 40em; line-height: 1.5">
<h1>{BUSY_MESSAGE}</h1>
<p>Too many pages of the workbook are open at once. Close a page you no longer need, or wait a
minute: this page tries again by itself.</p></body></html>"""


def is_page_request(env: dict) -> bool:
    """Whether Voila asks for a kernel, with this environment, for a page it is serving now: the page's
    address is there, and it is not a kernel for a pre-heated pool (those carry the address of the page whose
    visit made room in the pool, and wait there until a page takes them)."""
    return PAGE_KERNEL_MARKER in env and env.get(PREHEATED_MARKER) != "True"


class OpenPages:
    """Which kernels the pages hold, and the pages let in whose kernel is still coming.

    Only a kernel Voila gives to a page is a page's (`given`): a kernel starting to fill a pre-heated pool
    is not, however long it takes to start, and neither is one waiting in its pool. Every page is
    pre-heated, so a page usually takes its pool's kernel and Voila starts another for the pool: that one
    counts against nothing until a page is given it. (Telling page kernels from pool kernels by what the
    pools hold would count a pool kernel still starting as a page's, and let more pages in than the cap once
    it had started.)
    """

    def __init__(self, cap: int, grace: float, clock=time.monotonic):
        self.cap, self.grace, self.clock = cap, grace, clock
        self.given: dict[str, float] = {}  # page kernel -> when its page was given it
        self.waiting: list[tuple[object, float]] = []  # (ticket, when let in): pages whose kernel is coming
        self.connected: set[str] = set()  # kernels a browser has connected to
        self.sockets: dict[str, int] = {}  # kernel -> browsers' sockets open to it now
        self.left: dict[str, float] = {}  # page kernel -> when its last browser left (none connected now)

    def admit(self, live: set[str]) -> object | None:
        """A ticket when one more page may have a kernel (`live`: the kernels running now), else None."""
        self.forget(live)
        now = self.clock()
        self.waiting = [(t, at) for t, at in self.waiting if now - at < KERNEL_STARTUP_TIMEOUT_SECONDS]
        if len(self.given) + len(self.waiting) >= self.cap:
            return None
        ticket = object()
        self.waiting.append((ticket, now))
        return ticket

    def give(self, kernel_id: str) -> None:
        """Voila gave this kernel to a page: it stands for the page let in first that is still waiting."""
        self.given[kernel_id] = self.clock()
        if self.waiting:
            self.waiting.pop(0)

    def withdraw(self, ticket: object) -> None:
        """A page let in that failed before it was given a kernel."""
        self.waiting = [(t, at) for t, at in self.waiting if t is not ticket]

    def connect(self, kernel_id: str) -> None:
        """A browser's socket to the kernel opened."""
        self.connected.add(kernel_id)
        self.sockets[kernel_id] = self.sockets.get(kernel_id, 0) + 1
        self.left.pop(kernel_id, None)

    def disconnect(self, kernel_id: str) -> None:
        """A browser's socket to the kernel closed; with the last one, its page's browsers have all left."""
        self.sockets[kernel_id] = max(0, self.sockets.get(kernel_id, 0) - 1)
        if self.sockets[kernel_id] == 0 and kernel_id in self.given:
            self.left[kernel_id] = self.clock()

    def abandoned(self, live: set[str], after: float) -> list[str]:
        """Page kernels whose every browser left at least `after` seconds ago, longest gone first."""
        self.forget(live)
        now = self.clock()
        return [k for k, at in sorted(self.left.items(), key=lambda item: item[1]) if now - at >= after]

    def forget(self, live: set[str]) -> None:
        """Drop the kernels that are no longer running."""
        self.given = {k: at for k, at in self.given.items() if k in live}
        self.connected &= live
        self.sockets = {k: n for k, n in self.sockets.items() if k in live}
        self.left = {k: at for k, at in self.left.items() if k in self.given}

    def unconnected(self, live: set[str]) -> list[str]:
        """Page kernels no browser connected to within the grace period (to shut down once idle)."""
        self.forget(live)
        now = self.clock()
        return [k for k, at in self.given.items() if k not in self.connected and now - at >= self.grace]

    def release(self, kernel_id: str) -> None:
        """The kernel is being shut down: its place is free at once."""
        self.given.pop(kernel_id, None)
        self.left.pop(kernel_id, None)


class PageKernels(LoggingConfigurable):
    """A kernel manager's books of its page kernels (`OpenPages`), kept from what the manager itself hears: a
    kernel started for a page (`start_kernel`), and a browser's socket opening or closing (`notify_connect`,
    `notify_disconnect`). It comes first among a kernel manager class's bases (`PageKernelManager`), so it
    hears these before the manager it is mixed into.

    - `admit()`: a ticket when one more page may have a kernel, else None (the page is told the workbook is
      busy); at the cap, the kernel of a page every browser left ABANDONED_SECONDS ago makes room first;
    - `reap_unconnected()`, every `unconnected_grace_seconds / 4` once a page has been given a kernel, shuts
      down each page kernel no browser connected to within the grace period, once it is idle.
    """

    max_open_pages = Int(MAX_OPEN_PAGES, config=True, help="pages that may hold a kernel at once")
    unconnected_grace_seconds = Int(UNCONNECTED_GRACE_SECONDS, config=True,
                                    help="seconds a page's kernel may wait for its browser")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.open_pages = OpenPages(self.max_open_pages, self.unconnected_grace_seconds)
        self._reaper = None
        if callable(getattr(self, "get_rendered_notebook", None)):  # Voila's standalone app: pre-heated pools
            from .compat import watch_preheated_kernels_taken

            watch_preheated_kernels_taken(self, self.give)

    # -- what the kernel manager hears ------------------------------------------------------------------
    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        if kernel_id is None and is_page_request(kwargs.get("env") or {}):
            kernel_id = await self.start_page_kernel(path=path, **kwargs)
            self.give(kernel_id)
            return kernel_id
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    async def start_page_kernel(self, *, path=None, **kwargs) -> str:
        """The kernel for a page Voila is serving now: a new one here; a subclass may hand over one it keeps
        ready (hub/warm_kernels.py)."""
        return await super().start_kernel(path=path, **kwargs)

    def notify_connect(self, kernel_id):
        self.open_pages.connect(kernel_id)
        return super().notify_connect(kernel_id)

    def notify_disconnect(self, kernel_id):
        outcome = super().notify_disconnect(kernel_id)
        self.open_pages.disconnect(kernel_id)
        return outcome

    async def shutdown_all(self, *args, **kwargs):
        if self._reaper is not None:
            self._reaper.stop()
        return await super().shutdown_all(*args, **kwargs)

    # -- the books ------------------------------------------------------------------------------------
    def live_kernels(self) -> set[str]:
        return set(self.list_kernel_ids())

    def give(self, kernel_id: str) -> None:
        self.log.info("A page was given the kernel %s.", kernel_id)
        self.open_pages.give(kernel_id)
        if self._reaper is None:
            from tornado.ioloop import PeriodicCallback

            self._reaper = PeriodicCallback(self.reap_unconnected, max(1000, self.unconnected_grace_seconds * 250))
            self._reaper.start()

    def admit(self):
        """A ticket when one more page may have a kernel: the page kernels, and the pages let in a moment ago
        whose kernels are still coming, count against the cap (10 GETs at once get no more). At the cap, the
        kernels of pages every browser left `ABANDONED_SECONDS` ago make room first: a tab closed without
        unloading (a crash, a killed browser) would hold its place until the idle cull."""
        ticket = self.open_pages.admit(self.live_kernels())
        if ticket is None:
            after = min(ABANDONED_SECONDS, self.unconnected_grace_seconds)
            for kernel_id in self.open_pages.abandoned(self.live_kernels(), after):
                self.log.info("Shutting down the kernel of a page every browser left, to make room.")
                self._shut_down(kernel_id)
                ticket = self.open_pages.admit(self.live_kernels() - {kernel_id})
                if ticket is not None:
                    break
        return ticket

    def withdraw(self, ticket) -> None:
        self.open_pages.withdraw(ticket)

    def reap_unconnected(self) -> None:
        for kernel_id in self.open_pages.unconnected(self.live_kernels()):
            try:
                idle = self.get_kernel(kernel_id).execution_state == "idle"
            except KeyError:
                continue
            if idle:
                self.log.info("Shutting down a page kernel no browser connected to within %d seconds.",
                              self.unconnected_grace_seconds)
                self._shut_down(kernel_id)

    def _shut_down(self, kernel_id: str) -> None:
        import asyncio

        from jupyter_core.utils import ensure_async

        self.open_pages.release(kernel_id)  # its place is free at once
        asyncio.ensure_future(ensure_async(self.shutdown_kernel(kernel_id)))


class PageKernelManager(PageKernels, AsyncMappingKernelManager):
    """jupyter_server's kernel manager, keeping the books of its page kernels (`PageKernels`)."""


@functools.lru_cache(maxsize=1)
def page_handler_class():
    """Voila's page handler, asking the server's kernel manager (a `PageKernels`) first: the busy page
    (BUSY_PAGE, 503, Retry-After) when it says no. Only a signed-in request is asked about: one the sign-in
    refuses takes no place. A page is admitted in prepare(), before Voila starts its kernel or takes a
    pre-heated one (voila.handler.VoilaHandler.get_generator)."""
    import asyncio

    from voila.tornado.handler import TornadoVoilaHandler

    class PageHandler(TornadoVoilaHandler):
        async def prepare(self):
            outcome = super().prepare()  # the Host check and the sign-in come first
            if asyncio.iscoroutine(outcome) or isinstance(outcome, asyncio.Future):
                await outcome
            if self._finished or self.current_user is None:
                return
            pages = self.kernel_manager
            if not isinstance(pages, PageKernels):
                raise RuntimeError(f"The server's kernel manager is a {type(pages).__name__}, which does not bound "
                                   "page kernels: configure familyservice_nb.web.page_kernels.PageKernelManager "
                                   "(or a subclass) as its kernel manager class.")
            self._fsnb_ticket = pages.admit()
            if self._fsnb_ticket is None:
                pages.log.warning("A page was refused: %d pages already hold a kernel.", pages.open_pages.cap)
                self.set_status(503)
                self.set_header("Retry-After", "60")
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(BUSY_PAGE)

        def on_finish(self):
            super().on_finish()
            if getattr(self, "_fsnb_ticket", None) is not None and self.get_status() >= 300:
                self.kernel_manager.withdraw(self._fsnb_ticket)  # no kernel came of it (an error, a redirect)

    return PageHandler
