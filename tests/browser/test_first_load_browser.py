"""A page whose widgets are made as its browser connects still appears whole (kit/first_load.py).

The race, made certain: the page's kernel builds its widgets the moment the browser opens its control
channel, just before the browser's request for the page's state is answered. Each widget names the layout
every part shares, made when the page was first run. Without first_load, the browser is told of each
widget before it has read that layout, fails to build them all ("widget model not found") and never
shows the page (this test, run without first_load, fails both ways). Once built in under 4 s (ipywidgets'
own wait for the state) and once in over 4 s, when the browser gives up waiting and asks widget by widget.

Its own `serve`, with a dashboards folder of two pages, in headless Chromium.
"""

from __future__ import annotations

import json

import pytest

import serverhelp

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

RACE_PAGE = '''
import asyncio, os, time
from urllib.parse import parse_qs

import comm
import ipywidgets as widgets
from ipywidgets import Widget

from familyservice_nb.ui.kit.shared import html_widget
from familyservice_nb.ui.kit.shell import build_page

seconds = float(parse_qs(os.environ.get("QUERY_STRING", "")).get("seconds", ["1"])[0])
box = widgets.VBox([html_widget("Waiting")])

def build_as_the_browser_connects(control, msg):
    Widget.handle_control_comm_opened(control, msg)  # ipywidgets' own handling of the browser's channel

    def build():
        parts, started = [], time.monotonic()
        while time.monotonic() - started < seconds:
            parts.append(html_widget(f'<span class="race-part">Part {len(parts) + 1}</span>'))
            time.sleep(0.02)
        box.children = (*parts, html_widget(f'<p class="race-done">All {len(parts)} parts built</p>'))

    asyncio.get_running_loop().call_soon(build)  # before the browser's request for the state is read

comm.get_comm_manager().register_target("jupyter.widget.control", build_as_the_browser_connects)
page = build_page("Built as the browser connects", lambda context: box)
page
'''


def notebook(source: str, meta: dict) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                   "source": source}],
        "metadata": {"fsnb": meta, "kernelspec": {"name": "python3", "display_name": "Python 3",
                                                  "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


@pytest.fixture(scope="module")
def race_server(tmp_path_factory):
    pages = tmp_path_factory.mktemp("race-pages")
    (pages / "index.ipynb").write_text(notebook("1", {"landing": True}))
    (pages / "race.ipynb").write_text(notebook(RACE_PAGE, {"title": "Race"}))
    data = tmp_path_factory.mktemp("race-data")
    with serverhelp.running_server(data, "--demo", FSNB_DASHBOARDS=str(pages), FSNB_PREHEAT="none") as server:
        yield server


@pytest.mark.parametrize("seconds", [1.5, 5])
def test_widgets_made_as_the_browser_connects_all_appear(browser, race_server, watch_page, seconds):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        seen = watch_page(page)
        page.goto(race_server.url(f"voila/render/race.ipynb?seconds={seconds}"), wait_until="domcontentloaded")
        done = page.wait_for_selector(".race-done", timeout=serverhelp.PAGE_READY_MS)
        built = int(done.inner_text().split()[1])
        assert built > 10
        assert page.locator(".race-part").count() == built
        assert not [e for e in seen.console_errors if "model not found" in e]
        seen.assert_clean()
    finally:
        context.close()
