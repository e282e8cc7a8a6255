"""Sign-in through the council's directory: `familyservice-nb hub --ldap CONFIG` against a real OpenLDAP server
(slapd, StartTLS on a certificate the test makes), a real hub on a fresh PostgreSQL database of demo staff, and
people signing in through the hub's login page in Chromium.

The directory (tests/slapdhelp.py): the manager, spelt in another case than the staff list spells them; two
practitioners in the allowed group; a practitioner outside it; the analyst, disabled (ppolicy's lock for good);
and someone in the group who is not on the staff list. One hub and one slapd serve the whole module; the tests
run in order. With CI=true a missing slapd, PostgreSQL, proxy or browser fails these tests, never skips them.
"""

from __future__ import annotations

import os
import pwd
import time

import pytest
from slapdhelp import MAX_FAILURES, Person, Slapd, slapd_installed
from sqlalchemy import create_engine, text

from familyservice_nb.hub.directory_signin import DISABLED, LOCKED, NOT_IN_GROUP, NOT_STAFF, WRONG

from hubhelp import demo_people, processes_showing, running_hub, team_database
from serverhelp import CHROMIUM, launch_chromium, require

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.browser]
READY_MS = 90_000
CHECK_SECONDS = 3
NOT_ON_STAFF_LIST = "nat.notstaff"


@pytest.fixture(scope="module")
def owner_url():
    with team_database("fsnb_ldap", demo_notes=300) as owner:
        yield owner


@pytest.fixture(scope="module")
def people(owner_url):
    return demo_people(owner_url)


@pytest.fixture(scope="module")
def directory(people, tmp_path_factory):
    require(slapd_installed(), "OpenLDAP's server (Debian's slapd and ldap-utils) and openssl")
    others = [p for p in people.practitioners if p not in (people.practitioner, people.other_practitioner)]
    who = [
        Person(people.manager[0].upper() + people.manager[1:].upper()),  # the directory's own spelling
        Person(people.practitioner),
        Person(others[0]),  # locked out by wrong passwords
        Person(people.other_practitioner, in_group=False),
        Person(people.analyst, disabled=True),
        Person(NOT_ON_STAFF_LIST),
    ]
    slapd = Slapd(tmp_path_factory.mktemp("slapd"), who)
    try:
        slapd.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    slapd.locked_out = others[0]
    yield slapd
    slapd.stop()


@pytest.fixture(scope="module")
def hub(owner_url, directory, tmp_path_factory):
    state = tmp_path_factory.mktemp("ldaphub")
    with running_hub(owner_url, state, sign_in=("--ldap", directory.settings_file(state / "directory",
                                                                                   CHECK_SECONDS))) as running:
        yield running


@pytest.fixture(scope="module")
def chromium():
    require(os.path.exists(CHROMIUM), f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def submit(page, hub, login: str, password: str) -> None:
    page.goto(hub.url("hub/login"), wait_until="domcontentloaded")
    page.fill("#username_input", login)
    page.fill("#password_input", password)
    page.click("#login_submit")


def refusal(page, hub, login: str, password: str) -> str:
    """The sign-in page's words after signing in as `login`, which must not get in."""
    submit(page, hub, login, password)
    page.wait_for_selector(".login_error", timeout=60_000)
    assert "/user/" not in page.url and "/hub/login" in page.url
    return " ".join(page.locator(".login_error").inner_text().split())


def system_user(hub, login):
    from familyservice_nb.hub.system_users import system_name

    try:
        return pwd.getpwnam(system_name(login, hub.user_prefix))
    except KeyError:
        return None


def processes_of(user) -> list:
    import psutil

    return [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == user.pw_uid]


def database_login(owner_url, login) -> str | None:
    engine = create_engine(owner_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT d.role_name FROM database_logins d JOIN pg_roles r ON r.rolname = "
                                     "d.role_name WHERE d.login = :l"), {"l": login}).scalar()
    finally:
        engine.dispose()


def test_a_staff_member_signs_in_with_their_directory_login_and_lands_on_their_workbook(hub, directory, people,
                                                                                      page):
    from familyservice_nb.store import Store

    with Store(hub.owner_url, user=None) as store:
        name = store.names()[people.manager]
    typed = next(uid for uid in directory.people if uid.lower() == people.manager.lower())
    assert typed != people.manager  # the directory spells it otherwise; the staff list's spelling is the hub's
    submit(page, hub, typed, directory.people[typed].password)
    page.wait_for_url(f"**/user/{people.manager}/voila/render/**", timeout=READY_MS, wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-app", timeout=READY_MS)
    assert f"Signed in as {name}" in page.inner_text("body")


def test_the_directorys_refusals_are_said_in_words(hub, directory, people, page):
    practitioner = directory.people[people.practitioner]
    assert refusal(page, hub, people.practitioner, practitioner.password + "x") == WRONG
    assert refusal(page, hub, "no.such.person", "any-password") == WRONG
    outsider = directory.people[people.other_practitioner]
    assert refusal(page, hub, outsider.uid, outsider.password) == NOT_IN_GROUP.format(
        login=outsider.uid, group="Family Service Workbook")
    disabled = directory.people[people.analyst]
    assert refusal(page, hub, disabled.uid, disabled.password) == DISABLED.format(login=disabled.uid)
    for login in (people.other_practitioner, people.analyst):
        assert system_user(hub, login) is None  # no server was started for them


def test_someone_in_the_directory_but_not_on_the_staff_list_is_told_so_and_gets_no_server(hub, directory, page):
    stranger = directory.people[NOT_ON_STAFF_LIST]
    assert refusal(page, hub, stranger.uid, stranger.password) == NOT_STAFF.format(login=stranger.uid)
    assert system_user(hub, NOT_ON_STAFF_LIST) is None
    assert database_login(hub.owner_url, NOT_ON_STAFF_LIST) is None


def test_the_directorys_lock_out_is_what_stops_guessing(hub, directory, page):
    """After the directory's limit of wrong passwords (fewer than the hub's own throttle lets through), the
    directory locks the account: the right password no longer gets in, and the page says why."""
    person = directory.people[directory.locked_out]
    said = [refusal(page, hub, person.uid, f"guess-{n}") for n in range(MAX_FAILURES)]
    locked = LOCKED.format(login=person.uid)
    assert said == [WRONG] * (MAX_FAILURES - 1) + [locked]  # the wrong password that reached the limit locked it
    assert refusal(page, hub, person.uid, person.password) == locked
    assert system_user(hub, person.uid) is None


def test_someone_removed_from_the_group_while_signed_in_loses_their_server_and_database_login(
        hub, directory, people, page):
    login = people.practitioner
    submit(page, hub, login, directory.people[login].password)
    page.wait_for_url(f"**/user/{login}/voila/render/**", timeout=READY_MS, wait_until="domcontentloaded")
    page.wait_for_selector(".fsnb-app", timeout=READY_MS)
    user = system_user(hub, login)
    assert processes_of(user) and database_login(hub.owner_url, login)
    directory.remove_from_group(login)
    removed_at = time.monotonic()
    while time.monotonic() - removed_at < CHECK_SECONDS + 30 and (
            processes_of(user) or database_login(hub.owner_url, login)):
        time.sleep(0.5)
    took = time.monotonic() - removed_at
    assert not processes_of(user), f"their server still runs {took:.0f} s on\n{hub.log()}"
    assert database_login(hub.owner_url, login) is None, f"their database login is still there\n{hub.log()}"
    assert took < CHECK_SECONDS + 15, took  # within the check's interval (and the time a server takes to stop)
    # Their open page's next visit asks them to sign in, and the directory's answer is now the group's.
    page.goto(hub.url(f"user/{login}/voila/render/index.ipynb"), wait_until="domcontentloaded")
    page.wait_for_url("**/hub/login**", timeout=60_000)
    assert refusal(page, hub, login, directory.people[login].password) == NOT_IN_GROUP.format(
        login=login, group="Family Service Workbook")


def test_the_search_accounts_password_is_on_no_command_line_and_in_no_environment(hub, directory):
    import psutil

    launcher = psutil.Process(hub.proc.pid)
    processes = [launcher, *launcher.children(recursive=True)]
    assert any("familyservice_nb.hub.leavers" in " ".join(p.cmdline()) for p in processes)  # it binds too
    assert processes_showing(directory.search_password) == []
