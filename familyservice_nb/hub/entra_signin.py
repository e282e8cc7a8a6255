"""The hub's sign-in through Microsoft Entra ID (`familyservice-nb hub --entra CONFIG`; entra.py has the file and
the order of the checks): oauthenticator's flow, the workbook's decisions, each refusal a sentence on the page
the person lands on after Microsoft's sign-in. Microsoft's own sign-in applies the tenant's lock-out and
conditional access; the hub's throttle (throttle.py) has no password to count here.
"""

from __future__ import annotations

import asyncio

from oauthenticator.azuread import AzureAdOAuthenticator
from traitlets import Unicode

from .entra import NOT_STAFF, EntraRefusal, EntraSettings
from .staff_sign_in import StaffListSignIn
from .throttle import SignInRefused


class EntraAuthenticator(StaffListSignIn, AzureAdOAuthenticator):
    """oauthenticator's Entra ID flow, with the workbook's checks and refusals in words."""

    entra_config = Unicode(config=True, help="the TOML file of the Entra ID settings (entra.py)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.entra = EntraSettings.load(self.entra_config)

    async def check_allowed(self, username, auth_model=None):
        return True  # update_auth_model decided: the tenant, the domain, the group and the staff list

    async def update_auth_model(self, auth_model):
        claims = (auth_model.get("auth_state") or {}).get(self.user_auth_state_key) or {}
        try:
            login = self.entra.login_from(claims)
        except EntraRefusal as refusal:
            self.log.warning("Entra ID sign-in refused: %s", refusal)
            raise SignInRefused(refusal.status, str(refusal)) from None
        auth_model["name"] = await asyncio.to_thread(self.staff_login, login, NOT_STAFF.format(login=login))
        return auth_model


def entra_config(path: str | None = None) -> dict:
    """The settings `c.EntraAuthenticator` takes for the TOML file at `path` (else FSNB_HUB_ENTRA)."""
    import os

    from .entra import CONFIG_ENV

    file = path or os.environ[CONFIG_ENV]
    return {"entra_config": file, **EntraSettings.load(file).authenticator_config()}
