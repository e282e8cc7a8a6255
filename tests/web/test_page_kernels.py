"""Bounded kernels: which kernels count against the cap, and which the reaper shuts down.

`OpenPages` is the bookkeeping behind the cap and the reaper, and `PageKernels` keeps it in a server's kernel
manager, for the laptop's server and each person's server under the hub alike; the real servers are tried in
tests/browser/test_browser_hardening.py and tests/hub/test_singleuser_config.py. A clock we move by hand
stands in for time, and a kernel manager of names for jupyter_server's, beneath `PageKernels` as
jupyter_server's is beneath it in `PageKernelManager`.
"""

from __future__ import annotations

import asyncio

from traitlets.config import LoggingConfigurable

from familyservice_nb.web.page_kernels import (
    ABANDONED_SECONDS,
    KERNEL_STARTUP_TIMEOUT_SECONDS,
    PAGE_KERNEL_MARKER,
    PREHEATED_MARKER,
    OpenPages,
    PageKernelManager,
    PageKernels,
    is_page_request,
)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pages(cap: int = 2, grace: float = 20) -> tuple[OpenPages, Clock]:
    clock = Clock()
    return OpenPages(cap, grace, clock=clock), clock


def test_pages_let_in_count_against_the_cap_before_their_kernel_comes():
    open_pages, _ = pages(cap=2)
    assert open_pages.admit(set()) is not None
    assert open_pages.admit(set()) is not None
    assert open_pages.admit(set()) is None  # 10 GETs at once: the third is told the workbook is busy


def test_a_kernel_starting_for_a_pool_never_counts_nor_frees_a_place():
    open_pages, _ = pages(cap=2)
    open_pages.admit({"pool-a"})
    open_pages.admit({"pool-a", "pool-b"})  # the pools' kernels are running (or starting): not pages'
    assert open_pages.admit({"pool-a", "pool-b", "pool-c"}) is None
    open_pages.give("page-1")
    open_pages.give("page-2")
    live = {"pool-a", "pool-b", "pool-c", "page-1", "page-2"}
    assert open_pages.admit(live) is None
    assert set(open_pages.given) == {"page-1", "page-2"}


def test_a_place_is_free_again_when_its_kernel_stops_or_is_shut_down():
    open_pages, _ = pages(cap=1)
    open_pages.admit(set())
    open_pages.give("page-1")
    assert open_pages.admit({"page-1"}) is None
    open_pages.release("page-1")  # the reaper is shutting it down
    assert open_pages.admit({"page-1"}) is not None
    open_pages.give("page-2")
    assert open_pages.admit({"page-2"}) is None
    assert open_pages.admit(set()) is not None  # page-2 stopped (culled, or its page closed long ago)


def test_a_page_that_failed_before_its_kernel_came_gives_its_place_back():
    open_pages, _ = pages(cap=1)
    ticket = open_pages.admit(set())
    open_pages.withdraw(ticket)
    assert open_pages.admit(set()) is not None


def test_a_page_whose_kernel_never_came_is_forgotten_after_the_kernel_start_timeout():
    open_pages, clock = pages(cap=1)
    open_pages.admit(set())
    clock.now += KERNEL_STARTUP_TIMEOUT_SECONDS - 1
    assert open_pages.admit(set()) is None
    clock.now += 1
    assert open_pages.admit(set()) is not None


def test_the_reaper_takes_unconnected_page_kernels_after_the_grace_and_never_a_connected_one():
    open_pages, clock = pages(cap=8, grace=20)
    live = {"pool-a", "page-1", "page-2", "page-3"}
    for kernel in ("page-1", "page-2", "page-3"):
        open_pages.admit(live)
        open_pages.give(kernel)
    open_pages.connect("page-2")  # a browser opened its page's socket
    clock.now += 19
    assert open_pages.unconnected(live) == []  # not before the grace period
    clock.now += 1
    assert sorted(open_pages.unconnected(live)) == ["page-1", "page-3"]  # never a pool's kernel either
    assert open_pages.unconnected({"pool-a", "page-2"}) == []  # the others stopped by themselves


def test_the_grace_runs_from_when_a_page_was_given_its_kernel_not_from_the_kernel_start():
    open_pages, clock = pages(grace=20)
    clock.now += 600  # a pre-heated kernel waited ten minutes in its pool
    open_pages.admit({"pooled"})
    open_pages.give("pooled")
    assert open_pages.unconnected({"pooled"}) == []
    clock.now += 20
    assert open_pages.unconnected({"pooled"}) == ["pooled"]


def test_a_page_every_browser_left_long_enough_ago_is_abandoned_one_still_open_is_not():
    """Tabs closed without unloading (a crash, a killed browser) must not hold their places until the
    15-minute idle cull, with every further page told the workbook is busy."""
    open_pages, clock = pages(cap=2)
    live = {"page-1", "page-2"}
    for kernel in sorted(live):
        open_pages.admit(live)
        open_pages.give(kernel)
        open_pages.connect(kernel)
    open_pages.connect("page-2")  # a second tab on it
    open_pages.disconnect("page-1")  # its browser is gone
    open_pages.disconnect("page-2")  # one tab closed, the other is still open
    assert open_pages.admit(live) is None
    assert open_pages.abandoned(live, after=30) == []  # gone only a moment: it may come back
    clock.now += 31
    assert open_pages.abandoned(live, after=30) == ["page-1"]
    open_pages.connect("page-1")  # it came back after all
    assert open_pages.abandoned(live, after=30) == []
    open_pages.disconnect("page-1")
    clock.now += 31
    [gone] = open_pages.abandoned(live, after=30)
    open_pages.release(gone)
    assert open_pages.admit(live - {gone}) is not None and open_pages.abandoned(live, after=30) == []


# -- the books kept in a kernel manager ---------------------------------------------------------------------

class Kernel:
    def __init__(self):
        self.execution_state = "idle"


class Kernels(LoggingConfigurable):
    """A kernel manager's surface as `PageKernels` uses it. Starting through this class (`Kernels.start_kernel(
    manager, ...)`) is how the hub's warm kernel starts its own, beneath the books."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kernels: dict[str, Kernel] = {}
        self.shut_down: list[str] = []

    async def start_kernel(self, **kwargs):
        kernel_id = f"k{len(self.kernels) + len(self.shut_down) + 1}"
        self.kernels[kernel_id] = Kernel()
        return kernel_id

    def list_kernel_ids(self):
        return list(self.kernels)

    def get_kernel(self, kernel_id):
        return self.kernels[kernel_id]

    async def shutdown_kernel(self, kernel_id, now=False):
        self.kernels.pop(kernel_id)
        self.shut_down.append(kernel_id)

    async def shutdown_all(self, now=False):
        for kernel_id in list(self.kernels):
            await self.shutdown_kernel(kernel_id)

    def notify_connect(self, kernel_id):
        pass

    def notify_disconnect(self, kernel_id):
        pass


class Manager(PageKernels, Kernels):
    """A kernel manager with the books, as `PageKernelManager` is jupyter_server's. `hand_over` makes the next
    page's kernel one already running, as the hub's warm kernel manager does."""

    hand_over: str | None = None

    async def start_page_kernel(self, **kwargs):
        if self.hand_over:
            kernel_id, self.hand_over = self.hand_over, None
            return kernel_id
        return await super().start_page_kernel(**kwargs)


class PreHeating(Manager):
    """Voila's standalone kernel manager, a class Voila makes around the configured one: a page may take its
    pool's pre-heated kernel, and the pool starts another with the address of the page that made room."""

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None):
        kernel_id = await Kernels.start_kernel(self)
        await self.start_kernel(kernel_name="python3", path="",
                                env={**(extra_kernel_env_variables or {}), PREHEATED_MARKER: "True"})
        return "render task", ["<p>cells</p>"], kernel_id


PAGE = {"env": {PAGE_KERNEL_MARKER: "http://127.0.0.1/voila/render/index.ipynb", PREHEATED_MARKER: "False"}}


def guarded(kind: type[Manager] = Manager, cap: int = 2, grace: int = 20) -> tuple[Manager, Clock]:
    clock = Clock()
    manager = kind(max_open_pages=cap, unconnected_grace_seconds=grace)
    manager.open_pages.clock = clock
    return manager, clock


async def open_page(manager: Manager) -> str | None:
    """What the page handler and Voila do for one page: ask for a place, then start the page's kernel."""
    if manager.admit() is None:
        return None
    return await manager.start_kernel(kernel_name="python3", path="", **PAGE)


def test_only_a_kernel_voila_asks_for_a_page_being_served_is_a_page_request():
    address = "http://127.0.0.1/voila/render/index.ipynb"
    assert is_page_request({PAGE_KERNEL_MARKER: address, PREHEATED_MARKER: "False"})  # a page's own kernel
    assert is_page_request({PAGE_KERNEL_MARKER: address})  # (the hub's Voila, without pools)
    assert not is_page_request({PAGE_KERNEL_MARKER: address, PREHEATED_MARKER: "True"})  # refilling a pool
    assert not is_page_request({PREHEATED_MARKER: "True"})  # filling a pool as the server starts
    assert not is_page_request({})  # an analyst's notebook, or the warm kernel


def test_the_server_configures_the_books_as_jupyter_servers_kernel_manager_class():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.config import Config

    from familyservice_nb.hub.warm_kernels import WarmKernelManager

    assert PageKernelManager.__mro__[1:3] == (PageKernels, AsyncMappingKernelManager)
    assert issubclass(WarmKernelManager, PageKernelManager)
    limits = Config({"PageKernels": {"max_open_pages": 3, "unconnected_grace_seconds": 40}})
    books = PageKernelManager(config=limits).open_pages
    assert (books.cap, books.grace) == (3, 40)


def test_a_kernel_started_for_a_page_counts_and_one_started_for_anything_else_does_not():
    async def scenario():
        manager, _ = guarded(cap=2)
        await manager.start_kernel(kernel_name="python3", path="", env={})  # an analyst's notebook
        await Kernels.start_kernel(manager)  # a warm kernel, started beneath the books
        assert await open_page(manager) == "k3"
        assert await open_page(manager) == "k4"
        assert await open_page(manager) is None  # the third page is told the workbook is busy
        assert set(manager.open_pages.given) == {"k3", "k4"}
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_the_warm_kernel_is_a_page_kernel_only_once_a_page_takes_it():
    async def scenario():
        manager, _ = guarded(cap=1)
        warm = await Kernels.start_kernel(manager)
        manager.hand_over = warm
        assert manager.open_pages.given == {} and manager.open_pages.unconnected({warm}) == []
        assert await open_page(manager) == warm
        assert await open_page(manager) is None
        assert set(manager.open_pages.given) == {warm}
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_a_page_that_takes_a_pre_heated_kernel_is_given_it_and_the_pools_new_kernel_is_not():
    async def scenario():
        manager, _ = guarded(PreHeating, cap=1)
        assert manager.admit() is not None
        _, _, kernel_id = await manager.get_rendered_notebook(
            "index.ipynb", extra_kernel_env_variables=PAGE["env"] | {PREHEATED_MARKER: "True"})
        assert set(manager.open_pages.given) == {kernel_id}
        assert len(manager.list_kernel_ids()) == 2  # the pool's new kernel runs, and counts against nothing
        assert manager.admit() is None
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_the_reaper_shuts_down_an_idle_unconnected_page_kernel_after_the_grace_and_leaves_the_rest():
    async def scenario():
        manager, clock = guarded(cap=4, grace=20)
        warm = await Kernels.start_kernel(manager)
        connected, busy, unconnected = [await open_page(manager) for _ in range(3)]
        manager.notify_connect(connected)  # its browser opened the page's socket
        manager.kernels[busy].execution_state = "busy"  # still running the page's cells
        clock.now += 19
        manager.reap_unconnected()
        await asyncio.sleep(0)
        assert manager.shut_down == []  # not before the grace period
        clock.now += 1
        manager.reap_unconnected()
        await asyncio.sleep(0)
        assert manager.shut_down == [unconnected]
        assert set(manager.kernels) == {warm, connected, busy}
        manager.kernels[busy].execution_state = "idle"
        manager.reap_unconnected()
        await asyncio.sleep(0)
        assert manager.shut_down == [unconnected, busy]
        await manager.shutdown_all()

    asyncio.run(scenario())


def test_at_the_cap_the_kernel_of_a_page_every_browser_left_makes_room_for_the_next():
    async def scenario():
        manager, clock = guarded(cap=2)
        first, second = [await open_page(manager) for _ in range(2)]
        for kernel_id in (first, second):
            manager.notify_connect(kernel_id)
        manager.notify_disconnect(first)  # a tab closed without unloading
        assert manager.admit() is None  # gone only a moment: it may come back
        clock.now += ABANDONED_SECONDS
        third = await open_page(manager)
        await asyncio.sleep(0)
        assert third is not None and manager.shut_down == [first]
        assert set(manager.open_pages.given) == {second, third}
        assert manager.admit() is None  # a page still open keeps its place
        await manager.shutdown_all()

    asyncio.run(scenario())
