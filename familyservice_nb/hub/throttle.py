"""Sign-in slows down after repeated wrong passwords, then stops for a while (team mode).

Wraps whichever JupyterHub Authenticator the hub is configured with (SharedPasswordAuthenticator in the
demo; PAM or LDAP at a council) so that guessing passwords costs time. For each login (trimmed, without
regard to case) and each client address (`handler.request.remote_ip`) it keeps the wrong passwords of the
last `window` (15 minutes):

- the first `free` of them cost nothing (5 for a login, 20 for an address);
- each attempt after that waits before it is answered: 1 s, then 2 s, 4 s, and 8 s at most. The wait is
  `await asyncio.sleep`, so the hub goes on serving everyone else meanwhile;
- at `lock_at` wrong passwords (10 for a login, 50 for an address) the login or address is locked for
  `lockout` (5 minutes): refused without its password being checked, and told so in words on the sign-in
  page ("Too many wrong passwords for this login: try again in 5 minutes, or ask your administrator.").
  When the lock ends, its count starts again.

So the 11th wrong password in a row for a login is refused, and slowed. A right password clears its
login's count; the address keeps its count (one right password must not hide wrong ones for other logins).
An attempt counts towards the limits from the moment it starts, so many attempts sent at once cannot all
slip in before the first of them is found wrong.

The counts are kept in memory, at most `most_kept` of them (the least recently used are dropped first), so
a stream of made-up logins or addresses cannot grow the table without bound; a restart forgets them.
A sign-in that posts no username and password (Entra ID and other OAuth sign-ins) passes straight through:
the identity provider applies its own limits.

In jupyterhub_config.py, after the sign-in is chosen:

    c.JupyterHub.authenticator_class = throttled(c.JupyterHub.authenticator_class)
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar

from tornado import web

TOO_MANY = 429  # the status of a refusal; the sign-in page shows its message as the sign-in error


@dataclass(frozen=True)
class Limits:
    """How many wrong passwords within the window are free, and how many lock."""

    free: int
    lock_at: int


@dataclass(frozen=True)
class Policy:
    """The numbers of the throttle (seconds for times)."""

    per_login: Limits = field(default_factory=lambda: Limits(free=5, lock_at=10))
    per_address: Limits = field(default_factory=lambda: Limits(free=20, lock_at=50))
    window: float = 15 * 60
    lockout: float = 5 * 60
    first_delay: float = 1.0
    most_delay: float = 8.0
    most_kept: int = 10_000

    def delay(self, failures: int, limits: Limits) -> float:
        """The wait before answering an attempt that follows `failures` wrong passwords: doubling, capped."""
        if failures < limits.free:
            return 0.0
        return min(self.first_delay * 2 ** min(failures - limits.free, 32), self.most_delay)


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


REFUSALS = {
    "login": "Too many wrong passwords for this login: try again in {when}, or ask your administrator.",
    "address": "Too many wrong passwords from this computer's network address: try again in {when}, or ask "
               "your administrator.",
}


class _Count:
    """Recent wrong passwords, oldest first; the attempts still being checked (when each began); any lock."""

    __slots__ = ("times", "pending", "locked_until")

    def __init__(self):
        self.times: deque[float] = deque()
        self.pending: list[float] = []
        self.locked_until = 0.0

    def __len__(self) -> int:
        return len(self.times) + len(self.pending)


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: what it is counted under, when it started, its wait, and any refusal."""

    keys: tuple[tuple[str, str], tuple[str, str]]  # ("login", login), ("address", address)
    at: float
    delay: float
    refusal: str | None = None


def login_key(login: str) -> str:
    return login.strip().casefold()


class Throttle:
    """The counts of wrong passwords by login and by address, in memory (see the module's docstring)."""

    def __init__(self, policy: Policy | None = None, clock: Callable[[], float] = time.monotonic):
        self.policy, self.clock = policy or Policy(), clock
        self._counts: OrderedDict[tuple[str, str], _Count] = OrderedDict()

    def __len__(self) -> int:
        return len(self._counts)

    def _limits(self, kind: str) -> Limits:
        return self.policy.per_login if kind == "login" else self.policy.per_address

    def _recent(self, key: tuple[str, str], now: float) -> _Count | None:
        """The key's count, without wrong passwords older than the window; None (dropped) if nothing is left."""
        count = self._counts.get(key)
        if count is None:
            return None
        while count.times and count.times[0] <= now - self.policy.window:
            count.times.popleft()
        if not count and count.locked_until <= now:
            del self._counts[key]
            return None
        return count

    def _kept(self, key: tuple[str, str]) -> _Count:
        count = self._counts.get(key)
        if count is None:
            count = self._counts[key] = _Count()
            while len(self._counts) > self.policy.most_kept:
                self._counts.popitem(last=False)
        else:
            self._counts.move_to_end(key)
        return count

    def failures(self, kind: str, key: str) -> int:
        """Wrong passwords within the window for this login or address (attempts being checked included)."""
        count = self._recent((kind, login_key(key) if kind == "login" else key), self.clock())
        return len(count) if count else 0

    def _refusal(self, kind: str, count: _Count | None, now: float) -> str | None:
        if count is None:
            return None
        if count.locked_until > now:
            return REFUSALS[kind].format(when=_minutes(count.locked_until - now))
        if len(count) >= self._limits(kind).lock_at:  # attempts still being checked fill the count
            return REFUSALS[kind].format(when=_minutes(self.policy.lockout))
        return None

    def begin(self, login: str, address: str) -> Attempt:
        """An attempt about to be checked: its wait and, for a login or address locked, its refusal. An
        attempt not refused counts towards both limits from now until it is judged (`failed`, `succeeded`,
        `forget`)."""
        now = self.clock()
        keys = (("login", login_key(login)), ("address", address))
        delay, refusal = 0.0, None
        for key in keys:
            count = self._recent(key, now)
            refusal = refusal or self._refusal(key[0], count, now)
            delay = max(delay, self.policy.delay(len(count) if count else 0, self._limits(key[0])))
        if refusal is not None:
            return Attempt(keys, now, self.policy.most_delay, refusal)
        for key in keys:
            self._kept(key).pending.append(now)
        return Attempt(keys, now, delay)

    def refusal_after_wait(self, attempt: Attempt) -> str | None:
        """A lock that began while the attempt waited (another attempt's wrong password) refuses it too."""
        now = self.clock()
        for kind, key in attempt.keys:
            count = self._counts.get((kind, key))
            if count is not None and count.locked_until > now:
                self.forget(attempt)
                return REFUSALS[kind].format(when=_minutes(count.locked_until - now))
        return None

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong: counted so, and a login or address that reaches its limit is locked."""
        now = self.clock()
        for kind, key in attempt.keys:
            self._uncount((kind, key), attempt.at)
            self._recent((kind, key), now)
            count = self._kept((kind, key))
            count.times.append(now)
            if len(count.times) >= self._limits(kind).lock_at:
                count.locked_until = now + self.policy.lockout
                count.times.clear()  # the count starts again when the lock ends

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the login's wrong passwords are forgotten; its address keeps its own."""
        self._uncount(attempt.keys[1], attempt.at)
        login = self._counts.get(attempt.keys[0])
        if login is not None:
            login.times.clear()
            self._uncount(attempt.keys[0], attempt.at)

    def forget(self, attempt: Attempt) -> None:
        """The attempt was never checked (refused, or the sign-in service failed): it counts for nothing."""
        for key in attempt.keys:
            self._uncount(key, attempt.at)

    def _uncount(self, key: tuple[str, str], at: float) -> None:
        """The attempt that began at `at` is no longer being checked."""
        count = self._counts.get(key)
        if count is not None and at in count.pending:
            count.pending.remove(at)
        if count is not None and not count and count.locked_until <= self.clock():
            del self._counts[key]


class SignInRefused(web.HTTPError):
    """A sign-in refused with a sentence for the sign-in page. `judged` says what the password was found to be:
    "wrong" counts as a wrong password, "right" clears the login's count, None (the password was not judged: the
    sign-in service was unreachable, or refused the account whatever its password) counts for nothing."""

    def __init__(self, status: int, message: str, judged: str | None = None):
        super().__init__(status, message)
        self.judged = judged


class ThrottledSignIn:
    """Mixed in before a JupyterHub Authenticator: its `authenticate` slowed, then refused, after wrong
    passwords (see the module's docstring). `throttled(cls)` makes the class."""

    throttle_policy: ClassVar[Policy] = Policy()
    throttle_clock: ClassVar[Callable[[], float]] = staticmethod(time.monotonic)
    throttle_sleep: ClassVar[Callable[[float], Awaitable]] = staticmethod(asyncio.sleep)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.throttle = Throttle(self.throttle_policy, self.throttle_clock)

    async def authenticate(self, handler, data):
        login = data.get("username") if isinstance(data, dict) else None
        if not isinstance(login, str):  # no password form (an OAuth sign-in): nothing to guess here
            return await _answer(super().authenticate(handler, data))
        address = getattr(getattr(handler, "request", None), "remote_ip", None) or "unknown"
        attempt = self.throttle.begin(login, address)
        if attempt.delay:
            await self.throttle_sleep(attempt.delay)
        refusal = attempt.refusal or self.throttle.refusal_after_wait(attempt)
        if refusal is not None:
            self.log.warning("Sign-in refused for %r from %s: too many wrong passwords.",
                             login_key(login)[:32], address)
            raise web.HTTPError(TOO_MANY, refusal)
        try:
            user = await _answer(super().authenticate(handler, data))
        except SignInRefused as refused:
            {"wrong": self.throttle.failed, "right": self.throttle.succeeded}.get(refused.judged,
                                                                              self.throttle.forget)(attempt)
            raise
        except BaseException:
            self.throttle.forget(attempt)  # the sign-in service failed: no password was judged
            raise
        if user is None:
            self.throttle.failed(attempt)
        else:
            self.throttle.succeeded(attempt)
        return user


async def _answer(result):
    """An authenticator's answer, whether it gave it at once or as something to await."""
    return await result if isinstance(result, Awaitable) else result


def _authenticator_class(named) -> type:
    """A class, a name JupyterHub knows it by ("pam", "shared-password", "ldapauthenticator") or a path."""
    if isinstance(named, type):
        return named
    from importlib.metadata import entry_points

    from traitlets.utils.importstring import import_item

    found = {e.name.lower(): e for e in entry_points(group="jupyterhub.authenticators")}
    return found[named.lower()].load() if named.lower() in found else import_item(named)


def throttled(authenticator_class, *, policy: Policy | None = None, clock: Callable[[], float] | None = None,
              sleep: Callable[[float], Awaitable] | None = None) -> type:
    """The Authenticator class (a class, or the name it is configured by) with its sign-in throttled. The
    class is a subclass, so configuration given to the original class (c.PAMAuthenticator...) still applies.
    `policy`, `clock` and `sleep` replace the defaults (tests give a clock of their own)."""
    base = _authenticator_class(authenticator_class)
    chosen = {name: value for name, value in (("throttle_policy", policy), ("throttle_clock", clock),
                                              ("throttle_sleep", sleep)) if value is not None}
    if issubclass(base, ThrottledSignIn) and not chosen:
        return base
    attrs = {k: staticmethod(v) if k != "throttle_policy" else v for k, v in chosen.items()}
    attrs["__doc__"] = f"{base.__name__}, its sign-in slowed and then refused after wrong passwords."
    attrs["__module__"] = __name__
    return type(f"Throttled{base.__name__}", (ThrottledSignIn, base), attrs)
