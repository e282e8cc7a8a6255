"""The laptop server tried as an attacker would, against the real `familyservice-nb serve`.

- DNS rebinding: a request naming another Host (with a matching Origin) is refused, page and kernel
  socket, while 127.0.0.1 and localhost with the token are served (in Chromium, widgets live).
- Another account on the machine: without the token printed at start, no page and no kernel socket.
- Kernels without limit: 10 plain GETs at once start no more page kernels than the cap (the rest get the plain
  "busy" page, 503), and the kernels no browser connected to are gone after the grace period.
The guarded server here runs with a cap of 2 and a grace of 20 seconds (FSNB_MAX_OPEN_PAGES,
FSNB_UNCONNECTED_GRACE_SECONDS), so the test is quick; the mechanism is the same as with the defaults.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from familyservice_nb.web.page_kernels import BUSY_MESSAGE

import serverhelp

PAGE = "voila/render/index.ipynb"  # pre-heated, as every page is
CAP, GRACE = 2, 20


@pytest.fixture(scope="module")
def guarded_server(demo_data_dir, tmp_path_factory):
    with serverhelp.running_server(demo_data_dir, "--demo", log_path=tmp_path_factory.mktemp("logs") / "server.log",
                                   FSNB_MAX_OPEN_PAGES=str(CAP), FSNB_UNCONNECTED_GRACE_SECONDS=str(GRACE)) as server:
        yield server


def status(url: str, host: str | None = None, origin: str | None = None) -> int:
    request = urllib.request.Request(url)
    if host:
        request.add_header("Host", host)
    if origin:
        request.add_header("Origin", origin)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def websocket_status(port: int, path: str, host: str, cookie: str = "") -> int:
    """The answer to a websocket handshake on the kernel path (101 would be an open socket)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, "Origin": f"http://{host}", "Upgrade": "websocket", "Connection": "Upgrade",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    code = conn.getresponse().status
    conn.close()
    return code


def test_a_foreign_host_is_refused_on_the_page_and_the_kernel_socket(guarded_server):
    port = guarded_server.port
    for host in (f"evil.example:{port}", f"attacker.invalid:{port}", f"192.168.1.5:{port}"):
        assert status(guarded_server.url(PAGE), host=host, origin=f"http://{host}") == 403
        assert websocket_status(port, f"/api/kernels/{'0' * 8}-0000-0000-0000-{'0' * 12}/channels", host) == 403
        assert websocket_status(port, f"/voila/query/{'0' * 8}-0000-0000-0000-{'0' * 12}", host) == 403
    assert "Blocking request with non-local 'Host' evil.example" in guarded_server.log(tail=2000)


def test_without_the_token_there_is_no_page_and_no_socket(guarded_server):
    port = guarded_server.port
    assert status(guarded_server.url(PAGE, token=False)) in {302, 403}  # to the sign-in form, never the page
    assert status(guarded_server.url(PAGE, token=False) + "?token=wrong-guess") in {302, 403}
    assert websocket_status(port, f"/api/kernels/{'0' * 8}-0000-0000-0000-{'0' * 12}/channels",
                            f"127.0.0.1:{port}") == 403
    assert len(guarded_server.token) >= 40


def test_the_link_serve_printed_opens_a_live_page_at_127_0_0_1_and_localhost(app_server, browser, watch_page):
    """(The app's usual server, with the usual limits: this is the person's own way in.)"""
    link = app_server.printed_link()
    assert link.startswith(f"http://127.0.0.1:{app_server.port}/voila/render/index.ipynb?token=")
    for url in (link, link.replace("127.0.0.1", "localhost")):
        context = browser.new_context(locale="en-GB")
        try:
            page = context.new_page()
            seen = watch_page(page)
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector(".fsnb-app", timeout=90_000)
            # The sign-in cookie the token set carries the person to the next page, kernel socket too.
            page.goto(app_server.url("voila/render/quality-standards.ipynb", token=False).replace(
                "127.0.0.1", "localhost" if "localhost" in url else "127.0.0.1"))
            page.wait_for_selector(".fsnb-app", timeout=90_000)
            assert not seen.page_errors
        finally:
            context.close()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=180) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def test_ten_gets_start_no_more_than_the_cap_and_unconnected_kernels_go(guarded_server):
    """Every page is pre-heated: a GET takes the page's waiting kernel, and Voila starts another for the
    pool. So the pages' kernels are the ones the server gave to pages (its log says which), and what the
    GETs may start is one kernel a page served, to refill the pool."""
    before = guarded_server.settled_kernels()  # one pre-heated kernel per page
    log_from = len(guarded_server.log_text())
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:  # all at once, as a script or a page of links would
        answers = list(pool.map(lambda _: fetch(guarded_server.url(PAGE)), range(10)))
    codes = [code for code, _ in answers]
    assert codes.count(200) == CAP and codes.count(503) == 10 - CAP, codes
    busy = next(body for code, body in answers if code == 503)
    assert BUSY_MESSAGE in busy and "Traceback" not in busy
    served = guarded_server.served_kernel_ids(since=log_from)
    assert len(served) == CAP, served
    # Nobody connected to those pages: after the grace period their kernels are gone, and pages are served again.
    seen = set(before)
    deadline = started + GRACE + 60
    while time.monotonic() < deadline and served & set(running := guarded_server.kernels()):
        seen |= set(running)
        time.sleep(0.5)
    gone_after = time.monotonic() - started
    assert not (served & set(guarded_server.kernels())), f"page kernels still running {gone_after:.0f} s after the GETs"
    assert gone_after >= GRACE  # not before the grace period
    assert "no browser connected to within 20 seconds" in guarded_server.log(tail=4000)
    after = guarded_server.settled_kernels()
    seen |= set(after)
    assert len(seen - set(before)) <= CAP  # the GETs started no more kernels than the cap: the pool's refills
    assert len(after) == len(before)  # one pre-heated kernel per page again, nothing else left running
    assert fetch(guarded_server.url(PAGE))[0] == 200


# -- uploads over the limit --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def manager_server(tmp_path_factory):
    from dashboard_seed import MANAGER, seed, sqlite_url

    data = tmp_path_factory.mktemp("upload-data")
    with serverhelp.running_server(data, user=MANAGER, FSNB_DATABASE_URL=seed(sqlite_url(data)),
                                   FSNB_PREHEAT="index,recording-timeliness") as server:
        yield server


def test_an_upload_over_the_limit_is_answered_in_words_and_the_page_lives_on(manager_server, browser, watch_page,
                                                                            tmp_path):
    from familyservice_nb.extract import UPLOAD_MAX_BYTES

    big = tmp_path / "running-record.csv"
    with open(big, "wb") as file:  # 300 MB on paper, sparse on disk: the page must not read it
        file.truncate(300_000_000)
    assert big.stat().st_size > UPLOAD_MAX_BYTES
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        seen = watch_page(page)
        page.goto(manager_server.url("voila/render/recording-timeliness.ipynb"), wait_until="domcontentloaded")
        page.wait_for_selector(".fsnb-upload .fsnb-upload-file", timeout=90_000)
        assert "up to 25 MB" in page.locator(".fsnb-upload-limit").inner_text()  # said beside the button
        with page.expect_file_chooser() as chooser:
            page.locator(".fsnb-upload .fsnb-upload-file").click()
        chooser.value.set_files(str(big))
        message = page.locator(".fsnb-upload-message")
        page.wait_for_function(
            "document.querySelector('.fsnb-upload-message').innerText.includes('a page accepts')", timeout=60_000)
        assert message.inner_text().strip().startswith(
            "running-record.csv is 300 MB; a page accepts extracts up to 25 MB.")
        # The page is still live: its kernel answers the next file.
        small = tmp_path / "small.csv"
        small.write_text("note_id,event_date\nN1,16/11/2026\n", encoding="utf-8")
        with page.expect_file_chooser() as chooser:
            page.locator(".fsnb-upload .fsnb-upload-file").click()
        chooser.value.set_files(str(small))
        page.wait_for_function(
            "document.querySelector('.fsnb-upload-message').innerText.includes('small.csv')", timeout=60_000)
        assert not seen.page_errors and not seen.console_errors
    finally:
        context.close()


# -- chart labels ------------------------------------------------------------------------------------

def test_a_worker_named_like_a_link_is_text_in_the_chart_chromium_draws(browser):
    import pandas as pd

    from familyservice_nb.ui import charts

    link = '<a href="http://x.invalid">Sam</a>'
    by_worker = pd.DataFrame({"worker": [link, "Alex Ashdown"], "pct_on_time": [40.0, 90.0], "on_time": [2, 9],
                              "late": [3, 1], "overdue": [0, 0], "counted": [5, 10], "median_working_days": [4.0, 2.0]})
    page_html = charts.worker_on_time_figure(by_worker, overall_pct=73.3).to_html(include_plotlyjs=True)
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.set_content(page_html, wait_until="load")
        page.wait_for_selector(".ytick text", timeout=30_000)
        ticks = [t.strip() for t in page.locator(".ytick text").all_text_contents()]
        assert link in ticks and "Alex Ashdown" in ticks  # the characters themselves, shown as text
        assert page.locator("svg a").count() == 0  # no link anywhere in the chart
        assert not [url for url in requests if "x.invalid" in url]
    finally:
        context.close()


def test_pages_whose_browsers_went_away_make_room_for_the_next(guarded_server, browser):
    """Tabs closed without unloading (a crash, a killed browser, a laptop put away) must not hold their
    places until the idle cull (15 minutes), with every further page told the workbook is busy: at the
    cap, a page every browser left a while ago (here the grace period, 20 s) gives up its kernel."""
    deadline = time.monotonic() + GRACE + 60  # the GETs of the test before may still hold the places
    while fetch(guarded_server.url(PAGE))[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(GRACE + 5)  # that probe's own kernel, never connected, is reaped
    context = browser.new_context(locale="en-GB")
    try:
        for _ in range(CAP):
            page = context.new_page()
            page.goto(guarded_server.url(PAGE), wait_until="domcontentloaded")
            page.wait_for_selector(".fsnb-app", timeout=90_000)
        assert fetch(guarded_server.url(PAGE))[0] == 503, "both places are held by open pages"
        for page in list(context.pages):
            page.close()  # no unload: as a crashed or killed browser
        left = time.monotonic()
        codes = []
        while time.monotonic() - left < GRACE + 30:
            code, _ = fetch(guarded_server.url(PAGE))
            codes.append((round(time.monotonic() - left), code))
            if code == 200:
                break
            time.sleep(2)
        assert codes[-1][1] == 200, codes
        assert codes[0][1] == 503 or codes[0][0] >= GRACE - 2, "a page just left keeps its place a while"
        assert "a page every browser left" in guarded_server.log(tail=4000)
    finally:
        context.close()
