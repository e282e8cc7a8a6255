"""What every sign-in of the hub's own (the council's directory, Entra ID) decides last: the person the service
signed in must be on the workbook's staff list, and the hub's user name is the staff list's own spelling of
their login, matched without regard to case (a directory may write `Alex.Example` for `alex.example`).
"""

from __future__ import annotations

from jupyterhub.auth import Authenticator
from traitlets import Unicode

from .throttle import SignInRefused

STAFF_LIST_UNREACHABLE = ("The workbook cannot read its staff list just now, so it cannot open for you. Try again "
                          "in a few minutes; if it goes on, tell your administrator.")


class StaffListSignIn(Authenticator):
    """Mixed in before a JupyterHub Authenticator: `staff_login` finds the hub's user name on the staff list."""

    staff_database_url = Unicode(config=True, help="the provisioning role's URL: reads the staff list's logins")

    def normalize_username(self, username):
        return username  # the staff list's own spelling (staff_login matched it without regard to case)

    def check_allowed(self, username, authentication=None):
        return True  # the service, then staff_login, decided

    def staff_login(self, login: str, not_staff: str) -> str:
        """The staff list's own spelling of `login`; SignInRefused with `not_staff` when it names nobody by it
        (blocking: run in a thread). The service judged the person right: the throttle counts no wrong password."""
        from sqlalchemy.exc import SQLAlchemyError

        from ..errors import WorkbookError
        from ..store.db_logins import staff_login

        try:
            staff = staff_login(self.staff_database_url, login)
        except (WorkbookError, SQLAlchemyError) as exc:
            self.log.error("The staff list could not be read as %s signed in: %s", login[:32], exc)
            raise SignInRefused(503, STAFF_LIST_UNREACHABLE, judged="right") from None
        if staff is None:
            raise SignInRefused(403, not_staff, judged="right")
        return staff
