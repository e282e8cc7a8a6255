"""How a pre-heated page hears its request: `request._VoilaQuery` and `request._Request`, against Voila's own
query socket handler served by a real tornado server on this machine."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest

from familyservice_nb.ui.kit import request as request_module
from familyservice_nb.ui.kit.request import _Request, _VoilaQuery

DETAILS = {"QUERY_STRING": "case=C-S1", "SCRIPT_NAME": "/voila/render/case-supervision.ipynb"}


class VoilaSocket:
    """Voila's RequestInfoSocketHandler on a real server, in a thread of its own."""

    def __init__(self):
        from tornado.httpserver import HTTPServer
        from tornado.testing import bind_unused_port
        from tornado.web import Application
        from voila.request_info_handler import RequestInfoSocketHandler

        self.opened: list[str] = []
        opened = self.opened

        class Counting(RequestInfoSocketHandler):
            def open(self, kernel_id: str) -> None:
                opened.append(kernel_id)
                super().open(kernel_id)

        self.handler = RequestInfoSocketHandler
        sock, self.port = bind_unused_port()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.server = HTTPServer(Application([(r"/voila/query/(\w+)", Counting)]))
            self.server.add_sockets([sock])
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(5)

    def url(self, kernel_id: str) -> str:
        return f"ws://127.0.0.1:{self.port}/voila/query/{kernel_id}"

    def ask_for_the_page(self, kernel_id: str, details: dict = DETAILS) -> None:
        """What Voila's page handler does when a page takes the pre-heated kernel."""
        sent = threading.Event()

        def send():
            self.handler.send_updates({"kernel_id": kernel_id, "payload": details})
            sent.set()

        self.loop.call_soon_threadsafe(send)
        assert sent.wait(5)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def voila():
    server = VoilaSocket()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch):
    # The listener copies the request's details into the environment, as Voila's own helper does.
    for name in DETAILS:
        monkeypatch.delenv(name, raising=False)


def kernel() -> str:
    return uuid.uuid4().hex


def test_the_socket_gives_a_request_that_came_before_it_opened(voila):
    k = kernel()
    voila.ask_for_the_page(k)
    with _VoilaQuery(voila.url(k)) as query:
        assert query.already(2) == DETAILS


def test_the_socket_waits_for_a_request_that_comes_after_it_opened(voila):
    k = kernel()
    with _VoilaQuery(voila.url(k)) as query:
        assert query.already(2) is None, "not asked for yet"
        threading.Timer(0.2, voila.ask_for_the_page, (k,)).start()
        assert query.wait() == DETAILS


def test_the_address_is_voila_s_own(monkeypatch):
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", "8866")
    monkeypatch.setenv("VOILA_SERVER_URL", "/user/sue/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "abc123")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("VOILA_WS_PROTOCOL", raising=False)
    assert _VoilaQuery.address() == "ws://127.0.0.1:8866/user/sue/voila/query/abc123"
    monkeypatch.setenv("VOILA_WS_BASE_URL", "/base/")
    monkeypatch.setenv("VOILA_WS_PROTOCOL", "wss")
    assert _VoilaQuery.address() == "wss://127.0.0.1:8866/base/voila/query/abc123"


def test_a_request_that_came_before_the_page_was_built_is_applied_in_the_page_s_cell(voila):
    """The kernel was given to a page while it was still running the notebook: the browser may ask for the
    widgets' state as soon as the cell ends, so the page applies its link before the cell ends."""
    k = kernel()
    voila.ask_for_the_page(k)
    request, heard = _Request(query=lambda: _VoilaQuery(voila.url(k))), []
    cell, loop = threading.get_ident(), asyncio.new_event_loop()
    request.add(lambda params: heard.append((params, threading.get_ident())), loop)
    loop.close()
    assert heard == [({"case": "C-S1"}, cell)], "applied in the cell, before add() returned"


def test_a_request_that_comes_later_is_applied_on_the_kernel_s_loop_and_the_cell_does_not_wait_for_it(voila):
    k = kernel()
    # A long limit: the cell must go on because the listener found no request, not because the limit passed.
    request, heard = _Request(query=lambda: _VoilaQuery(voila.url(k)), check_seconds=30), []
    loop = asyncio.new_event_loop()
    applied = threading.Event()
    started = time.perf_counter()
    request.add(lambda params: (heard.append((params, threading.get_ident())), applied.set()), loop)
    assert time.perf_counter() - started < 15 and heard == [], "the cell goes on while nobody has asked"
    loop_thread = threading.Thread(target=loop.run_forever, daemon=True)
    loop_thread.start()
    voila.ask_for_the_page(k)
    assert applied.wait(5)
    assert heard == [({"case": "C-S1"}, loop_thread.ident)]
    loop.call_soon_threadsafe(loop.stop)
    loop_thread.join(5)
    loop.close()


def test_every_part_of_a_page_hears_the_one_request_a_kernel_gets(voila):
    """Voila's query socket keeps one listener per kernel (a second silently takes the first one's place):
    two parts of a page waiting for the request (a form's link, a dashboard's figures) share one socket,
    and a part that asks after the request has been heard is answered at once."""
    k = kernel()
    request, heard, done = _Request(query=lambda: _VoilaQuery(voila.url(k))), [], threading.Event()
    request.add(lambda params: heard.append(("form", params)), None)
    request.add(lambda params: (heard.append(("figures", params)), done.set()), None)
    voila.ask_for_the_page(k)
    assert done.wait(5)
    assert voila.opened == [k]
    assert sorted(name for name, _ in heard) == ["figures", "form"]
    request.add(lambda params: heard.append(("late", params)), None)
    assert heard[-1] == ("late", {"case": "C-S1"}), "asked after the request was heard: answered at once"


def test_a_page_whose_server_cannot_be_reached_opens_without_its_link_and_says_why_in_the_log(voila, capfd):
    k = kernel()
    closed = voila.url(k).replace(f":{voila.port}/", ":9/")  # nothing listens on the discard port
    request, heard, done = _Request(query=lambda: _VoilaQuery(closed), check_seconds=0.5), [], threading.Event()
    request.add(lambda params: (heard.append(params), done.set()), None)
    assert done.wait(10)
    assert heard == [{}]
    assert "the page's address could not be read from Voila" in capfd.readouterr().err


def test_without_preheating_the_link_is_read_from_the_environment_at_once(monkeypatch):
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "record=42")
    heard = []
    request_module.when_requested(heard.append)
    assert heard == [{"record": "42"}]


def test_without_preheating_in_a_kernel_the_link_is_applied_just_after_the_page_s_cell(monkeypatch):
    """In a kernel (a running loop), the callback runs just after the cell that built the page, so Voila
    sends the page while the kernel builds what the link asks for; it still runs before anything else
    the loop was asked to do after the cell."""
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "case=C-N1")
    order = []

    async def cell():
        request_module.when_requested(lambda params: order.append(("link", params)))
        order.append(("cell ends", None))

    async def kernel():
        await cell()
        await asyncio.sleep(0)  # the kernel goes back to its loop: the next message comes after this
        order.append(("next message", None))

    asyncio.run(kernel())
    assert order == [("cell ends", None), ("link", {"case": "C-N1"}), ("next message", None)]
