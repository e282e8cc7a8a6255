"""Sign-in throttling (familyservice_nb/hub/throttle.py) around JupyterHub's own SharedPasswordAuthenticator,
configured in-process, with a clock of the tests' own: five wrong passwords are free, then each attempt waits
1, 2, 4 then 8 seconds, and the 11th is refused, in words, whatever the password, for 5 minutes."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest
from jupyterhub.auth import Authenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from tornado import web
from traitlets.config import Config

from familyservice_nb.hub.throttle import Limits, Policy, SignInRefused, ThrottledSignIn, throttled

RIGHT, WRONG = "correct horse battery staple", "Tr0ub4dor&3"
LOGIN = "pat.practitioner"
LOCKED = "Too many wrong passwords for this login: try again in 5 minutes, or ask your administrator."
ADDRESS_LOCKED = ("Too many wrong passwords from this computer's network address: try again in 5 minutes, "
                  "or ask your administrator.")


class Clock:
    """Time that passes only when the tests (or the throttle's waits) say so."""

    def __init__(self):
        self.now = 1_000_000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


def hub_sign_in(clock, policy=None, **config):
    """SharedPasswordAuthenticator (JupyterHub's, the demo's) with its sign-in throttled, configured as the
    hub configures it: through its own config section."""
    c = Config()
    c.SharedPasswordAuthenticator.user_password = RIGHT
    c.Authenticator.allow_all = True
    for name, value in config.items():
        setattr(c.SharedPasswordAuthenticator, name, value)
    return throttled(SharedPasswordAuthenticator, policy=policy, clock=clock, sleep=clock.sleep)(config=c)


def attempt(auth, password, login=LOGIN, address="10.0.0.7"):
    """(what happened, how long it waited): "signed in", "wrong" (JupyterHub then says "Invalid username or
    password"), or the refusal's words."""
    clock = auth.throttle.clock
    before = len(clock.waits)
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip=address))
    try:
        user = asyncio.run(auth.get_authenticated_user(handler, {"username": login, "password": password}))
    except web.HTTPError as refused:
        assert refused.status_code == 429
        outcome = refused.get_message()
    else:
        outcome = "wrong" if user is None else "signed in"
    return outcome, sum(clock.waits[before:])


def wrong_times(auth, n, **where):
    return [attempt(auth, WRONG, **where) for _ in range(n)]


def test_five_wrong_passwords_are_answered_at_once_and_the_sixth_waits_a_second(clock):
    auth = hub_sign_in(clock)
    assert wrong_times(auth, 5) == [("wrong", 0)] * 5
    assert attempt(auth, WRONG) == ("wrong", 1)


def test_the_wait_doubles_and_stops_at_eight_seconds(clock):
    auth = hub_sign_in(clock)
    assert [waited for _outcome, waited in wrong_times(auth, 10)] == [0, 0, 0, 0, 0, 1, 2, 4, 8, 8]


def test_the_eleventh_attempt_is_refused_in_words_even_with_the_right_password_and_slowed(clock, monkeypatch):
    auth = hub_sign_in(clock)
    wrong_times(auth, 10)
    checked = []
    original = SharedPasswordAuthenticator.authenticate

    async def spy(self, handler, data):
        checked.append(data["username"])
        return await original(self, handler, data)

    monkeypatch.setattr(SharedPasswordAuthenticator, "authenticate", spy)
    assert attempt(auth, RIGHT) == (LOCKED, 8)
    assert attempt(auth, WRONG) == (LOCKED, 8)
    assert checked == []  # the password was never looked at
    assert attempt(auth, RIGHT, login="sam.worker") == ("signed in", 0)  # another login is not held up


def test_the_lock_ends_after_five_minutes_and_says_how_long_is_left(clock):
    auth = hub_sign_in(clock)
    wrong_times(auth, 10)  # the lock begins as the 10th wrong password is judged
    clock.advance(5 * 60 - 10)
    assert attempt(auth, RIGHT) == (LOCKED.replace("5 minutes", "1 minute"), 8)  # 10 s left, then 8 s waited
    clock.advance(2)
    assert attempt(auth, RIGHT) == ("signed in", 0)


def test_after_the_lock_a_login_starts_again(clock):
    auth = hub_sign_in(clock)
    wrong_times(auth, 10)
    clock.advance(5 * 60)
    assert wrong_times(auth, 6) == [("wrong", 0)] * 5 + [("wrong", 1)]


def test_a_login_is_the_same_login_whatever_its_case_and_spaces(clock):
    auth = hub_sign_in(clock)
    wrong_times(auth, 5, login=" Pat.Practitioner ")
    assert attempt(auth, WRONG, login="PAT.PRACTITIONER") == ("wrong", 1)
    assert auth.throttle.failures("login", "pat.practitioner") == 6


def test_wrong_passwords_are_forgotten_after_fifteen_minutes(clock):
    auth = hub_sign_in(clock)
    wrong_times(auth, 5)
    clock.advance(15 * 60 + 1)
    assert wrong_times(auth, 6) == [("wrong", 0)] * 5 + [("wrong", 1)]


def test_a_right_password_clears_the_logins_count_but_not_the_addresss(clock):
    auth = hub_sign_in(clock)
    wrong_times(auth, 9)
    assert attempt(auth, RIGHT) == ("signed in", 8)
    assert auth.throttle.failures("login", LOGIN) == 0 and auth.throttle.failures("address", "10.0.0.7") == 9
    assert wrong_times(auth, 6) == [("wrong", 0)] * 5 + [("wrong", 1)]


def test_one_address_is_counted_across_logins_and_locked_at_fifty(clock):
    auth = hub_sign_in(clock)
    tries = [attempt(auth, WRONG, login=f"guess{i}") for i in range(50)]
    assert [waited for _outcome, waited in tries[:21]] == [0] * 20 + [1]  # 20 free, then the wait grows
    assert {outcome for outcome, _waited in tries} == {"wrong"}
    assert attempt(auth, RIGHT, login="someone.new") == (ADDRESS_LOCKED, 8)
    assert attempt(auth, RIGHT, login="someone.new", address="10.0.0.8") == ("signed in", 0)  # elsewhere
    clock.advance(5 * 60)
    assert attempt(auth, RIGHT, login="someone.new") == ("signed in", 0)


def test_attempts_sent_together_cannot_all_slip_in_before_the_first_fails(clock):
    auth = hub_sign_in(clock)
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.9"))

    async def others_go_first(seconds):  # each wait lets every other attempt run (no time passes)
        clock.waits.append(seconds)
        await asyncio.sleep(0)

    auth.throttle_sleep = others_go_first

    async def together():
        form = {"username": LOGIN, "password": WRONG}
        tries = [auth.get_authenticated_user(handler, form) for _ in range(40)]
        return await asyncio.gather(*tries, return_exceptions=True)

    answers = asyncio.run(together())
    assert sum(a is None for a in answers) == 10  # judged as wrong: no more than a login's limit
    assert all(isinstance(a, web.HTTPError) and a.get_message() == LOCKED for a in answers if a is not None)


def test_the_table_of_counts_stays_bounded_and_keeps_the_newest(clock):
    auth = hub_sign_in(clock, policy=Policy(most_kept=100))
    for i in range(2_000):
        attempt(auth, WRONG, login=f"made-up-{i}", address=f"10.1.{i // 250}.{i % 250}")
    assert len(auth.throttle) <= 100
    assert auth.throttle.failures("login", "made-up-1999") == 1
    assert auth.throttle.failures("login", "made-up-0") == 0  # the oldest went first


def test_waiting_is_asyncio_sleep_so_the_hub_serves_others_meanwhile():
    policy = Policy(per_login=Limits(free=0, lock_at=10), first_delay=0.2, most_delay=0.2)
    auth = throttled(SharedPasswordAuthenticator, policy=policy)(user_password=RIGHT, allow_all=True)
    assert auth.throttle_sleep is asyncio.sleep and auth.throttle.clock is time.monotonic  # the defaults
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.7"))
    ticks = []

    async def ticking():
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def both():
        ticker = asyncio.create_task(ticking())
        started = time.monotonic()
        user = await auth.get_authenticated_user(handler, {"username": LOGIN, "password": RIGHT})
        ticker.cancel()
        return user, time.monotonic() - started

    user, took = asyncio.run(both())
    assert user["name"] == LOGIN and took >= 0.2
    assert len(ticks) >= 5  # the loop went on while the sign-in waited


def test_throttled_takes_the_name_the_hub_is_configured_with_and_keeps_its_configuration(clock):
    for named in ("shared-password", "Shared-Password", SharedPasswordAuthenticator,
                  "jupyterhub.authenticators.shared.SharedPasswordAuthenticator"):
        cls = throttled(named)
        assert issubclass(cls, SharedPasswordAuthenticator) and issubclass(cls, ThrottledSignIn)
    assert throttled(throttled(SharedPasswordAuthenticator)).__mro__.count(ThrottledSignIn) == 1
    auth = hub_sign_in(clock)
    assert auth.user_password == RIGHT  # c.SharedPasswordAuthenticator still configures the throttled class
    assert attempt(auth, RIGHT) == ("signed in", 0)


class TokenSignIn(Authenticator):
    """A sign-in that posts no password (as OAuth's callback does): nothing for the throttle to count."""

    def authenticate(self, handler, data):  # an answer given at once, not awaited: still accepted
        return "ana.analyst" if data is None else None


def test_a_sign_in_without_a_password_form_passes_straight_through(clock):
    auth = throttled(TokenSignIn, clock=clock, sleep=clock.sleep)(allow_all=True)
    for _ in range(30):
        assert asyncio.run(auth.get_authenticated_user(SimpleNamespace(), None))["name"] == "ana.analyst"
    assert len(auth.throttle) == 0 and clock.waits == []


class Unreachable(Authenticator):
    """A sign-in service that is down (an LDAP server out of reach): no password is judged."""

    async def authenticate(self, handler, data):
        raise ConnectionError("ldap.example.gov.uk is out of reach")


def test_a_sign_in_service_that_fails_counts_no_wrong_password(clock):
    auth = throttled(Unreachable, clock=clock, sleep=clock.sleep)(allow_all=True)
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.7"))
    for _ in range(12):
        with pytest.raises(ConnectionError):
            asyncio.run(auth.get_authenticated_user(handler, {"username": LOGIN, "password": RIGHT}))
    assert len(auth.throttle) == 0 and clock.waits == []


class Directory(Authenticator):
    """A sign-in that refuses in words, saying what it found the password to be (a directory's answers)."""

    async def authenticate(self, handler, data):
        if data["password"] == "disabled":
            raise SignInRefused(403, "The account is disabled.")
        if data["password"] == RIGHT:
            raise SignInRefused(403, "Not in the workbook's group.", judged="right")
        raise SignInRefused(403, "Wrong login or password.", judged="wrong")


def test_a_refusal_in_words_counts_as_what_the_password_was_found_to_be(clock):
    auth = throttled(Directory, clock=clock, sleep=clock.sleep)(allow_all=True)
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip="10.0.0.7"))

    def sign_in(password):
        with pytest.raises(SignInRefused) as refused:
            asyncio.run(auth.get_authenticated_user(handler, {"username": LOGIN, "password": password}))
        return refused.value.log_message

    assert [sign_in("disabled") for _ in range(12)] == ["The account is disabled."] * 12  # not judged: not counted
    assert auth.throttle.failures("login", LOGIN) == 0
    assert [sign_in(WRONG) for _ in range(3)] == ["Wrong login or password."] * 3
    assert auth.throttle.failures("login", LOGIN) == 3
    assert sign_in(RIGHT) == "Not in the workbook's group."  # the password was right: the login's count is cleared
    assert auth.throttle.failures("login", LOGIN) == 0 and auth.throttle.failures("address", "10.0.0.7") == 3


# -- the sign-in page of a real JupyterHub -------------------------------------------------------------

HUB_CONFIG = """
from familyservice_nb.hub.throttle import Limits, Policy, throttled
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/cookie_secret"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.authenticator_class = throttled(c.JupyterHub.authenticator_class,
                                             policy=Policy(per_login=Limits(free=1, lock_at=3), most_delay=0.5))
"""


def test_the_hubs_sign_in_page_says_the_refusal_in_words(tmp_path):
    import os
    import re
    import shutil
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request
    from http.cookiejar import CookieJar
    from urllib.parse import urlencode

    from hubhelp import PROXY, free_port, proxy_installed

    if not proxy_installed():  # `make install` puts it in deploy/proxy; CI never skips
        in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
        (pytest.fail if in_ci else pytest.skip)("configurable-http-proxy is missing")
    port = free_port()
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), state=tmp_path, password=RIGHT,
        proxy=str(PROXY) if PROXY.exists() else shutil.which("configurable-http-proxy")))
    with open(tmp_path / "hub.log", "wb") as log:
        hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=tmp_path, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        deadline = time.monotonic() + 90
        while True:
            try:
                page = opener.open(f"http://127.0.0.1:{port}/hub/login", timeout=2).read().decode()
                break
            except OSError:
                assert hub.poll() is None and time.monotonic() < deadline, (tmp_path / "hub.log").read_text()
                time.sleep(0.3)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)

        def sign_in(password):
            form = urlencode({"_xsrf": xsrf, "username": LOGIN, "password": password}).encode()
            try:
                answer = opener.open(f"http://127.0.0.1:{port}/hub/login", data=form, timeout=30)
            except urllib.error.HTTPError as refused:
                answer = refused
            said = re.search(r'<p class="login_error">(.*?)</p>', answer.read().decode(), re.S)
            return answer.status, said.group(1).strip() if said else None

        assert [sign_in(WRONG) for _ in range(3)] == [(403, "Invalid username or password")] * 3
        assert sign_in(RIGHT) == (429, LOCKED)  # on the sign-in page itself, the right password refused
    finally:
        os.killpg(hub.pid, signal.SIGTERM)
        hub.wait(timeout=30)
