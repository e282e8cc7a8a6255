"""Figures are never stale: a supervision completed elsewhere shows on the management oversight
page at its next load, although that page comes from a kernel pre-heated before the change."""

from __future__ import annotations

import re
import time

import pytest

import serverhelp
from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, seed, sqlite_url, whole

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

PREHEAT_SECONDS = 20  # time for Voila to pre-heat the next kernel of the page (two pages pre-heat here)


@pytest.fixture(scope="module")
def fresh_db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("fresh-db")))


@pytest.fixture(scope="module")
def server(fresh_db, tmp_path_factory):
    with serverhelp.running_server(tmp_path_factory.mktemp("fresh-data"), user=MANAGER, FSNB_DATABASE_URL=fresh_db,
                                   FSNB_PREHEAT="index,management-oversight") as server:
        yield server


def domain_counts(url):
    from familyservice_nb.oversight import management_oversight
    from familyservice_nb.store import Store

    store = Store(url, user=MANAGER)
    report = management_oversight(store.oversight_data(), settings=store.settings(), as_of=serverhelp.AS_OF,
                                  calendar=store.calendar())
    titles = report.titles()
    return {titles[name]: str(len(table)) for name, table in report.tables().items()}


def page_counts(page):
    page.wait_for_selector(".fsnb-headline .fsnb-card", timeout=serverhelp.PAGE_READY_MS)
    cards = page.locator(".fsnb-headline .fsnb-card")
    return {cards.nth(i).locator(".fsnb-card-label").inner_text(): cards.nth(i).locator(".fsnb-card-value").inner_text()
            for i in range(cards.count())}


def test_a_supervision_completed_elsewhere_shows_on_the_next_load(browser, server, fresh_db):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    first = context.new_page()
    seen = serverhelp.watch(first)
    first.goto(server.url("voila/render/management-oversight.ipynb"), wait_until="domcontentloaded")
    before = domain_counts(fresh_db)
    assert page_counts(first) == before
    as_of = first.locator(".fsnb-as-of").inner_text()
    assert re.fullmatch(r"Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)", as_of)
    seen.assert_clean()
    time.sleep(PREHEAT_SECONDS)  # the next kernel for this page is pre-heated by now, before the change

    from familyservice_nb.records import SupervisionRecord
    from familyservice_nb.store import Store

    store = Store(fresh_db, user=MANAGER)
    record = SupervisionRecord.model_validate(whole(dict(
        event_date="24/11/2026", author=MANAGER, case_id=NORTH_CASE, kind="Planned supervision",
        practitioner=PRACTITIONER, manager=MANAGER, case_summary="Held in another tab.")))
    store.complete(store.save_draft(record))
    after = domain_counts(fresh_db)
    assert after != before

    second = context.new_page()
    second.goto(server.url("voila/render/management-oversight.ipynb"), wait_until="domcontentloaded")
    assert page_counts(second) == after
    context.close()
