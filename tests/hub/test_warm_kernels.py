"""The warm kernel each workbook server keeps for the next page (familyservice_nb/hub/warm_kernels.py), with
real kernels: a page is handed the warm kernel with exactly the environment Voila asked for; a notebook's
kernel (no page) is not; no second warm kernel starts while a page is open; one starts when the last closes."""

from __future__ import annotations

import asyncio
import json

from familyservice_nb.hub.warm_kernels import WarmKernelManager
from familyservice_nb.web.page_kernels import PAGE_KERNEL_MARKER

PAGE_ENV = {
    PAGE_KERNEL_MARKER: "http://127.0.0.1/user/sam/voila/render/case-supervision.ipynb?case=C000001",
    "QUERY_STRING": "case=C000001&note='quoted' \"double\" \\ back",
    "FSNB_TEST_LINES": "one\ntwo £ é",
}


async def _ask(manager, kernel_id, expression):
    client = manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute("", silent=True, user_expressions={"x": expression})
        while True:
            reply = await client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        return json.loads(eval(reply["content"]["user_expressions"]["x"]["data"]["text/plain"]))  # noqa: S307
    finally:
        client.stop_channels()


async def _settled(manager, seconds=90):
    """Wait until the warm kernel is ready (its task done); its id."""
    for _ in range(int(seconds * 10)):
        if manager._warm and manager._warm[0].done():
            return manager._warm[0].result()
        await asyncio.sleep(0.1)
    raise AssertionError("no warm kernel became ready")


def test_a_page_takes_the_warm_kernel_with_its_own_environment_and_the_next_waits_for_the_page_to_close(tmp_path):
    async def scenario():
        (tmp_path / "pages").mkdir()
        manager = WarmKernelManager(root_dir=str(tmp_path), refill_delay=0.1)
        try:
            warm = await _settled(manager)
            env = {"PATH": "/usr/bin:/bin", **PAGE_ENV}
            page = await manager.start_kernel(kernel_name="python3", path="pages", env=env)
            assert page == warm
            seen = await _ask(manager, page, "__import__('json').dumps([dict(__import__('os').environ), "
                                             "__import__('os').getcwd()])")
            assert seen[0] == env  # exactly what Voila asked for: nothing of the server's own kept
            assert seen[1] == str(tmp_path / "pages")
            # While the page is open, no warm kernel waits beside it (memory: one kernel a person) ...
            await asyncio.sleep(0.5)
            assert manager._warm == [] and set(manager.list_kernel_ids()) == {page}
            # ... and a notebook's kernel (no page) starts as always.
            other = await manager.start_kernel(kernel_name="python3", path="", env={"PATH": "/usr/bin:/bin"})
            assert other != page
            await manager.shutdown_kernel(other, now=True)
            await manager.shutdown_kernel(page, now=True)
            again = await _settled(manager)  # the last page closed: the next one is warm again
            assert again not in (page, other)
        finally:
            await manager.shutdown_all(now=True)
        assert manager.list_kernel_ids() == []

    asyncio.run(scenario())


def test_the_hub_polls_a_starting_server_at_least_every_quarter_second(monkeypatch):
    import time

    import jupyterhub.utils as utils

    from familyservice_nb.hub.spawn import poll_starting_servers_often

    monkeypatch.setattr(utils, "exponential_backoff", utils.exponential_backoff)  # restored after the test
    poll_starting_servers_often()
    poll_starting_servers_often()  # twice is once
    calls: list[float] = []

    def up_after_two_seconds():
        calls.append(time.monotonic())
        return calls[-1] - calls[0] > 2.0

    asyncio.run(utils.exponential_backoff(up_after_two_seconds, "never up", timeout=10))
    gaps = [b - a for a, b in zip(calls, calls[1:], strict=False)]
    assert max(gaps) < 0.4, gaps  # JupyterHub's own waits grow to 5 s (by 2.5 s on average past 2 s)


def _manager_whose_kernels_die(tmp_path, times: int):
    """A manager whose kernels end as they start, the first `times` times (as one whose port another
    process took does), then start as a page kernel does; each start is counted in a file."""
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    starts = tmp_path / "starts"
    script = (
        "import sys, pathlib\n"
        f"starts = pathlib.Path({str(starts)!r})\n"
        "starts.write_text(starts.read_text() + 'x' if starts.exists() else 'x')\n"
        f"if len(starts.read_text()) <= {times}:\n"
        "    sys.exit(1)\n"
        "sys.argv = ['page_kernel', '-f', sys.argv[1]]\n"
        "from familyservice_nb.page_kernel import main\n"
        "main()\n"
    )
    folder = tmp_path / "kernels" / "dies"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(
        {"argv": [sys.executable, "-c", script, "{connection_file}"], "display_name": "Dies", "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    manager = WarmKernelManager(root_dir=str(tmp_path), refill_delay=0.1, kernel_spec_manager=specs,
                                default_kernel_name="dies")
    return manager, starts


def test_a_warm_kernel_that_ends_as_it_starts_is_started_again(tmp_path):
    async def scenario():
        manager, starts = _manager_whose_kernels_die(tmp_path, times=2)
        try:
            warm = await _settled(manager)
            assert len(starts.read_text()) == 3  # ended twice, then the third start lived
            assert manager.list_kernel_ids() == [warm]  # the ones that ended are gone
            assert await _ask(manager, warm, "'\"answers\"'") == "answers"
        finally:
            await manager.shutdown_all(now=True)

    asyncio.run(scenario())


def test_a_kernel_that_never_starts_leaves_pages_to_start_their_own(tmp_path):
    from familyservice_nb.hub.warm_kernels import STARTS, DiedStarting

    async def scenario():
        manager, starts = _manager_whose_kernels_die(tmp_path, times=99)
        try:
            for _ in range(600):
                if manager._warm and manager._warm[0].done():
                    break
                await asyncio.sleep(0.1)
            assert isinstance(manager._warm[0].exception(), DiedStarting)
            assert len(starts.read_text()) == STARTS  # tried STARTS times, then gave up
            assert await manager._take_warm() is None  # so the page starts a kernel of its own
            assert manager.list_kernel_ids() == []
        finally:
            await manager.shutdown_all(now=True)

    asyncio.run(scenario())
