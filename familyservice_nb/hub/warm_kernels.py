"""One kernel kept warm in each person's workbook server, for the next page they open, so it opens quickly.

Under the hub, Voila runs inside each person's Jupyter server, where a page starts its kernel when asked for:
starting Python, importing the workbook and opening the database take most of the seconds between a click
and a usable form. Voila's own pre-heating lives in its standalone app only, and runs one named notebook per
kernel (a kernel for every page, 120 MB each). Here the server's kernel manager keeps ONE kernel started,
with `warm_up.py` run in it, and hands it to whichever page is asked for next.

When the next one starts: once no page of the person is open (the last one closed, or culled). A warm
kernel beside an open page would make a person cost a server and two kernels (about 400 MB, over the
350 MB a person that team mode's sizing allows); this way a person costs a server and one kernel, warm or
in use.
So the first page after signing in, and a page opened after closing the others, is warm; a second page
opened beside an open one starts its own kernel, as it would without the pool.

Handing over: Voila starts a page's kernel with the request in its environment (the address, its query,
VOILA_* settings). The warm kernel was started with the server's environment, so before the page runs in
it the manager sets the kernel's environment to the one Voila asked for, exactly, and its working folder.
This happens inside the server (a kernel client of the server's own), never through the browser: a
workbook-only person's socket still carries widget messages only (singleuser_config.py).

Only page kernels are handed a warm kernel (`web.page_kernels.is_page_request`); an analyst's
notebook kernels in JupyterLab start as they always did. A warm kernel no page has taken is never culled
for being idle: it is the one kept on purpose.
"""

from __future__ import annotations

import asyncio
import json
import time

from tornado.ioloop import IOLoop
from traitlets import Float, Int

from familyservice_nb.web.page_kernels import PageKernelManager

WARM_UP = "from familyservice_nb.hub.warm_up import warm_up\nwarm_up()\ndel warm_up\n"
HANDOVER_SECONDS = 60
# A kernel can end as it starts: jupyter_client picks its ports free, but another process may take one
# before the kernel binds it ("Address already in use"). Twice in about 60 warm starts while 20 people's
# servers started kernels at once (bench_hub, 4/12/2026): each time that person's next page started cold.
STARTS = 3


class DiedStarting(RuntimeError):
    """The kernel ended before it first answered."""


def handover_code(env: dict[str, str], cwd: str) -> str:
    """Python that makes the kernel's environment exactly `env` and its working folder `cwd`."""
    return (
        "import os as _fsnb_os, json as _fsnb_json\n"
        "_fsnb_os.environ.clear()\n"
        f"_fsnb_os.environ.update(_fsnb_json.loads({json.dumps(json.dumps(env))}))\n"
        f"_fsnb_os.chdir({json.dumps(cwd)})\n"
        "del _fsnb_os, _fsnb_json\n"
    )


class WarmKernelManager(PageKernelManager):
    """The server's kernel manager, bounding its page kernels as `serve` does (`PageKernelManager`) and
    keeping `warm_kernels` kernels warm for the pages."""

    warm_kernels = Int(1, config=True, help="kernels kept started and warmed up for the next page")
    refill_delay = Float(1.0, config=True, help="seconds after the last page closes before a warm kernel starts")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._warm: list[asyncio.Task] = []
        self._warm_ids: set[str] = set()
        self._closing = False
        IOLoop.current().add_callback(self._fill)

    # -- keeping the pool full ----------------------------------------------------------------------
    def _fill(self) -> None:
        """Start warm kernels up to `warm_kernels`, while no page is open: a page that is open holds a kernel
        already, and a warm one beside it would double what the person costs in memory (the sizing allows
        under 350 MB a person). So the first page after sign-in, and any page opened once the others are
        closed, is warm; a second page opened beside an open one starts its own kernel."""
        if self.page_kernels():
            return
        while not self._closing and len(self._warm) < self.warm_kernels:
            self._warm.append(asyncio.ensure_future(self._start_warm()))

    async def _start_warm(self) -> str:
        attempt = 0
        while True:
            attempt += 1
            began = time.monotonic()
            kernel_id = await super().start_kernel(kernel_name=self.default_kernel_name, path="")
            started = time.monotonic()
            self._warm_ids.add(kernel_id)
            try:
                await self._run(kernel_id, WARM_UP)
            except Exception as exc:
                again = isinstance(exc, DiedStarting) and attempt < STARTS
                self.log.warning("Warming up a kernel failed; %s", "starting another." if again else
                                 "pages will start their own.", exc_info=True)
                self._warm_ids.discard(kernel_id)
                await self.shutdown_kernel(kernel_id, now=True)
                if not again:
                    raise
                continue
            self.log.info("A warm kernel is ready for the next page: %s (started in %.1f s, warmed up in %.1f s)",
                          kernel_id, started - began, time.monotonic() - started)
            return kernel_id

    async def _run(self, kernel_id: str, code: str) -> None:
        """Run `code` in the kernel through the server's own client; raise if it fails."""
        kernel = self.get_kernel(kernel_id)
        client = kernel.client()
        client.start_channels()
        try:
            try:
                await client.wait_for_ready(timeout=HANDOVER_SECONDS)
            except RuntimeError as exc:
                if not await kernel.is_alive():
                    raise DiedStarting(f"kernel {kernel_id} ended before it answered") from exc
                raise
            msg_id = client.execute(code, silent=True, store_history=False, allow_stdin=False)
            while True:
                reply = await client.get_shell_msg(timeout=HANDOVER_SECONDS)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        finally:
            client.stop_channels()

    async def _take_warm(self) -> str | None:
        while self._warm:
            task = self._warm.pop(0)
            try:
                return await task
            except Exception:  # noqa: BLE001 - warned in _start_warm; try the next, else start afresh
                continue
        return None

    # -- a page asks for a kernel -------------------------------------------------------------------
    async def start_page_kernel(self, *, path=None, **kwargs):
        env = kwargs.get("env") or {}
        warm = await self._take_warm()
        if warm is not None and warm in self:
            try:
                await self._run(warm, handover_code(env, self.cwd_for_path(path or "", env=env)))
            except Exception:
                self.log.warning("Handing a warm kernel to a page failed; starting one.", exc_info=True)
                self._warm_ids.discard(warm)
                await self.shutdown_kernel(warm, now=True)
            else:
                self._warm_ids.discard(warm)
                self.log.info("Page kernel %s was warm.", warm)
                return warm
        return await super().start_page_kernel(path=path, **kwargs)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id in self._warm_ids:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, now=False, restart=False):
        if kernel_id in self._warm_ids and not restart:  # someone shut the waiting kernel down
            self._warm = [t for t in self._warm if _result(t) != kernel_id]
        self._warm_ids.discard(kernel_id)
        result = await super().shutdown_kernel(kernel_id, now=now, restart=restart)
        if not self.page_kernels():
            IOLoop.current().call_later(self.refill_delay, self._fill)
        return result

    def page_kernels(self) -> set[str]:
        """The kernels running now that are not the warm ones (pages, and an analyst's notebooks)."""
        return set(self.list_kernel_ids()) - self._warm_ids

    async def shutdown_all(self, now=False):
        self._closing = True  # the server is stopping: start no more
        for task in self._warm:
            task.cancel()
        self._warm = []
        return await super().shutdown_all(now=now)


def _result(task: asyncio.Task) -> str | None:
    if not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()
