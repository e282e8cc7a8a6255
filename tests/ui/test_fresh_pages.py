"""Figures are never stale (issue 13): a pre-heated page reads its data when it is asked for, and says the
date and time the figures were taken."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import ipywidgets as widgets
import pytest

from familyservice_nb.ui.forms.framework import request
from familyservice_nb.ui.kit.shell import AppPage, build_fresh_page
from familyservice_nb.ui.kit.values import figures_as_of

LONDON = ZoneInfo("Europe/London")


def test_figures_say_the_date_and_time_they_were_taken():
    at = dt.datetime(2026, 11, 29, 10, 42, 7, tzinfo=LONDON)
    assert figures_as_of(dt.date(2026, 11, 29), at) == "Figures as of 29/11/2026 at 10:42"
    assert figures_as_of(None, at) == "Figures as of 29/11/2026 at 10:42"
    assert figures_as_of(dt.date(2026, 11, 25), at) == "Figures as of 25/11/2026 (read on 29/11/2026 at 10:42)"
    # a moment in UTC is said in London time (British Summer Time in July)
    summer = dt.datetime(2026, 7, 1, 9, 5, tzinfo=dt.UTC)
    assert figures_as_of(dt.date(2026, 7, 1), summer) == "Figures as of 01/07/2026 at 10:05"


@pytest.fixture
def preheating(monkeypatch):
    """A pre-heated kernel: the request arrives when the test says so."""
    waiting = []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(request, "when_requested", lambda callback: waiting.append(callback))
    return waiting


def test_a_preheated_page_reads_nothing_until_it_is_opened(preheating):
    reads = []

    def build(context):
        reads.append(dt.datetime.now())
        page = AppPage("Oversight", [widgets.HTML(f"<p>figure {len(reads)}</p>")], user=context.user)
        page.add_class("fsnb-oversight")
        return page

    holder = build_fresh_page("Oversight", build)
    assert reads == [], "nothing is read while the kernel pre-heats"
    assert "Reading the figures" in holder.children[-1].value
    [arrived] = preheating
    arrived({})
    assert len(reads) == 1
    assert holder.children[-1].value == "<p>figure 1</p>"
    assert "fsnb-oversight" in holder._dom_classes


def test_a_page_that_fails_when_opened_says_so_in_plain_words(preheating):
    def build(_context):
        raise ValueError("The extract cannot be read.")

    holder = build_fresh_page("Oversight", build)
    preheating[0]({})
    assert "This page cannot be shown." in holder.children[-1].value
    assert "The extract cannot be read." in holder.children[-1].value


def test_without_preheating_the_page_is_built_at_once(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    page = build_fresh_page("Oversight", lambda context: AppPage("Oversight", [], user=context.user))
    assert type(page) is AppPage and page.title == "Oversight"
