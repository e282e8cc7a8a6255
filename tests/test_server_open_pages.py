"""Bounded kernels (issue 12): which kernels count against the cap, and which the reaper shuts down.

`server.OpenPages` is the bookkeeping behind the laptop server's cap and reaper; the real server is tried
in tests/browser/test_browser_hardening.py. A clock we move by hand stands in for time.
"""

from __future__ import annotations

import pytest

from familyservice_nb.server import KERNEL_STARTUP_TIMEOUT_SECONDS, OpenPages, content_addressed


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


@pytest.mark.parametrize("path, kept", [
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/labextensions/anywidget/static/remoteEntry.698dcaf7.js", True),
    ("/user/sam/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/568.1e2faa2ba0bbe59c4780.js", True),
    ("/voila/labextensions/anywidget/package.json", False),
    ("/voila/labextensions/jupyterlab-plotly/static/style.js", False),
    ("/voila/labextensions/x/static/remoteEntry.js", False),
    ("/voila/labextensions/x/static/a.1234567.js", False),  # 7 hex digits: not a content hash
    ("/voila/labextensions/x/static/a.d9f5934c.js.map", False),
])
def test_only_files_named_after_their_content_are_cached_for_good(path, kept):
    assert content_addressed(path) is kept


def test_a_page_every_browser_left_long_enough_ago_is_abandoned_one_still_open_is_not():
    """The audit: tabs closed without unloading (a crash, a killed browser) held their places until the
    15-minute idle cull, and every further page was told the workbook was busy."""
    open_pages, clock = pages(cap=2)
    live = {"page-1", "page-2"}
    for kernel in sorted(live):
        open_pages.admit(live)
        open_pages.give(kernel)
        open_pages.connect(kernel)
    open_pages.disconnect("page-1", still_connected=0)  # its browser is gone
    open_pages.disconnect("page-2", still_connected=1)  # a second tab on it is still open
    assert open_pages.admit(live) is None
    assert open_pages.abandoned(live, after=30) == []  # gone only a moment: it may come back
    clock.now += 31
    assert open_pages.abandoned(live, after=30) == ["page-1"]
    open_pages.connect("page-1")  # it came back after all
    assert open_pages.abandoned(live, after=30) == []
    open_pages.disconnect("page-1", still_connected=0)
    clock.now += 31
    [gone] = open_pages.abandoned(live, after=30)
    open_pages.release(gone)
    assert open_pages.admit(live - {gone}) is not None and open_pages.abandoned(live, after=30) == []
