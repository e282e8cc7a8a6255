"""The hub's sign-in through the council's directory (`familyservice-nb hub --ldap CONFIG`; directory.py has the
file and the order of the checks). Each refusal is a sentence on the sign-in page; the hub's throttle
(throttle.py) counts a wrong password as one, and does not count an attempt whose password the directory did
not judge (a disabled or locked account) or judged right (someone outside the group or the staff list).
"""

from __future__ import annotations

import asyncio

from ldap3.core.exceptions import LDAPException
from ldapauthenticator import LDAPAuthenticator
from traitlets import Unicode

from .directory import (
    CONFIG_ENV,
    LOGIN_MOST,
    DirectoryProblem,
    DirectorySettings,
    find_account,
    in_allowed_group,
)
from .staff_sign_in import StaffListSignIn
from .throttle import SignInRefused

WRONG = ("The council's directory did not accept that login and password. Check both and try again (your "
         "council login, as you sign in to your computer).")
DISABLED = ("The council's directory says the account {login} is disabled, so it cannot sign in. If you still "
            "work in the Family Service, ask the IT service desk to enable it.")
LOCKED = ("The council's directory has locked the account {login} after too many wrong passwords. It unlocks "
          "itself after a while, or the IT service desk can unlock it now.")
NOT_IN_GROUP = ("{login} is in the council's directory but not in its group for the workbook ({group}), so the "
                "workbook cannot open for them. If you work in the Family Service, ask the IT service desk to add "
                "you to it.")
NOT_STAFF = ("{login} signed in to the council's directory but is not on the workbook's staff list, so the "
             "workbook cannot open for them. An administrator can add them with `familyservice-nb staff import`.")
UNREACHABLE = ("The workbook cannot reach the council's directory just now, so nobody can sign in. Try again in "
               "a few minutes; if it goes on, tell the IT service desk.")


class DirectoryAuthenticator(StaffListSignIn, LDAPAuthenticator):
    """ldapauthenticator's connection and settings, with the workbook's checks and refusals in words."""

    directory_config = Unicode(config=True, help="the TOML file of the directory's settings (directory.py)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.directory = DirectorySettings.load(self.directory_config)

    async def authenticate(self, handler, data):
        login = (data.get("username") or "").strip()
        password = data.get("password") or ""
        if not login or not password.strip() or len(login) > LOGIN_MOST:
            return None
        return await asyncio.to_thread(self.sign_in, login, password)

    def sign_in(self, login: str, password: str) -> dict:
        """The hub's user for this login and password, or SignInRefused with the reason (blocking: run in a thread)."""
        settings = self.directory
        try:
            search = self.get_connection(self.lookup_dn_search_user, self.lookup_dn_search_password)
        except LDAPException as exc:
            self.log.error("The directory at %s:%s could not be reached: %s", settings.server, settings.port, exc)
            raise SignInRefused(503, UNREACHABLE) from None
        if search is None:
            self.log.error("The directory refused the search account %s: check bind_dn and its password file.",
                           settings.bind_dn)
            raise SignInRefused(503, UNREACHABLE)
        try:
            account = find_account(search, settings, login)
            if account is None:
                raise SignInRefused(403, WRONG, judged="wrong")
            own = self.get_connection(account.dn, password)
            if own is None:
                account = find_account(search, settings, login) or account  # this attempt may have locked it
                if account.disabled:
                    raise SignInRefused(403, DISABLED.format(login=account.login))
                if account.locked:
                    raise SignInRefused(403, LOCKED.format(login=account.login))
                raise SignInRefused(403, WRONG, judged="wrong")
            own.unbind()
            if not in_allowed_group(search, settings, account):
                raise SignInRefused(403, NOT_IN_GROUP.format(login=account.login, group=settings.group_name),
                                    judged="right")
        except DirectoryProblem as exc:
            self.log.error("%s", exc)
            raise SignInRefused(403, str(exc)) from None
        except LDAPException as exc:
            self.log.error("The directory failed while %s signed in: %s", login[:32], exc)
            raise SignInRefused(503, UNREACHABLE) from None
        finally:
            search.unbind()
        staff = self.staff_login(account.login, NOT_STAFF.format(login=account.login))
        return {"name": staff, "auth_state": None}


def directory_config(path: str | None = None) -> dict:
    """The settings `c.DirectoryAuthenticator` takes for the TOML file at `path` (else FSNB_HUB_LDAP)."""
    import os

    file = path or os.environ[CONFIG_ENV]
    return {"directory_config": file, **DirectorySettings.load(file).authenticator_config()}
