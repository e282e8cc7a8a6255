"""Sign-in through Microsoft Entra ID (Azure AD): `familyservice-nb hub --entra CONFIG`.

CONFIG is a small TOML file (docs: "How sign-in is configured"):

    tenant_id = "<directory (tenant) id>"                  # the council's tenant, a GUID
    client_id = "<application (client) id>"                # the workbook's app registration, a GUID
    client_secret_file = "/etc/familyservice-nb/entra-secret"  # the app's client secret, chmod 600, owned by root
    public_url = "https://workbook.council.gov.uk"         # where staff reach the hub; the redirect URI to
                                                           # register is public_url + /hub/oauth_callback
    username_claim = "preferred_username"                  # the ID token's claim holding the person's login
    login_domain = "council.gov.uk"                        # jane.smith@council.gov.uk signs in as jane.smith
    allowed_group = "<object id of the workbook's group>"  # needs the app's "groups" claim
    # authority = "https://login.microsoftonline.com"      # login.microsoftonline.us for Azure Government

Sign-in is oauthenticator's Entra ID flow (the authorisation code with PKCE, on Microsoft's v2.0 endpoints),
with the workbook's own decisions, each said in a sentence on the page the person lands on:

1. the ID token comes from the token endpoint over TLS, for this client (`aud`) and this tenant (`tid`): a
   token of another tenant is refused, so a registration made multi-tenant by mistake lets nobody else in;
2. the login is `username_claim`, with `@login_domain` taken off (a login of another domain is refused), so
   the same staff list serves Entra ID and the council's Active Directory (sAMAccountName);
3. membership of `allowed_group`, from the token's `groups` claim; a person in so many groups that Entra ID
   leaves the claim out is told to ask for the app to send only the groups assigned to it;
4. the staff list, matched without regard to case: the hub's user name is the staff list's own login.

The client secret is read from its file by the hub alone, never put on a command line or in an environment.
A leaver disabled in Entra ID cannot sign in again; their open server stops when idle, or at once when they
are taken off the staff list (the hub's start removes their database login).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import WorkbookError
from .settings_file import SettingsFile, read_secret

CONFIG_ENV = "FSNB_HUB_ENTRA"  # the path of the TOML file, set by `familyservice-nb hub --entra`
AUTHORITY = "https://login.microsoftonline.com"
CALLBACK_PATH = "/hub/oauth_callback"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CLAIM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOGIN_MOST = 256

WHAT = {
    "tenant_id": "the council's Directory (tenant) ID, from the app registration's Overview page",
    "client_id": "the workbook's Application (client) ID, from the app registration's Overview page",
    "client_secret_file": "the file holding the app registration's client secret (its Value), readable by root "
                          "alone (chmod 600)",
    "public_url": "the address staff open the hub at, for example https://workbook.council.gov.uk",
    "username_claim": "the ID token's claim holding each person's login, for example preferred_username or upn",
    "login_domain": "the council's sign-in domain, taken off the claim, for example council.gov.uk",
    "allowed_group": "the Object ID of the Entra ID group whose members may use the workbook",
    "authority": "Microsoft's sign-in address for the council's cloud, for example https://login.microsoftonline.com",
}

OTHER_TENANT = ("That Microsoft account belongs to another organisation, so the workbook cannot open for it. Sign in "
                "with your council account.")
OTHER_DOMAIN = ("{login} is not a council account ({domain}), so the workbook cannot open for it. Sign out of "
                "Microsoft and sign in with your council account.")
NO_LOGIN = ("Microsoft did not say who you are (the sign-in gave no {claim}), so the workbook cannot open. Tell "
            "the IT service desk: the workbook's app registration must send that claim.")
NOT_IN_GROUP = ("{login} signed in to Microsoft but is not in the council's group for the workbook, so the workbook "
                "cannot open for them. If you work in the Family Service, ask the IT service desk to add you to it.")
TOO_MANY_GROUPS = ("{login} is in more groups than Microsoft sends at sign-in, so the workbook cannot tell whether "
                   "they are in its group. Tell the IT service desk: the workbook's app registration must send only "
                   "the groups assigned to the application.")
NOT_STAFF = ("{login} signed in to Microsoft but is not on the workbook's staff list, so the workbook cannot open "
             "for them. An administrator can add them with `familyservice-nb staff import`.")


class EntraProblem(WorkbookError):
    """The Entra ID settings cannot be used; the message names the field and says why."""


class EntraRefusal(WorkbookError):
    """A person Entra ID signed in whom the workbook does not let in; `status` is the page's HTTP status."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class EntraSettings:
    tenant_id: str
    client_id: str
    client_secret_file: Path
    public_url: str
    username_claim: str = "preferred_username"
    login_domain: str = ""  # "": the claim is the login as it stands
    allowed_group: str = ""  # "": everyone the tenant signs in, then the staff list decides
    authority: str = AUTHORITY

    @classmethod
    def load(cls, path: str | Path) -> EntraSettings:
        """The settings in `path`, every field checked; EntraProblem names the first field that is wrong."""
        file = SettingsFile.read(path, "Entra ID settings file", [f.name for f in fields(cls)], WHAT, EntraProblem)
        ids = {}
        for name in ("tenant_id", "client_id"):
            ids[name] = file.text(name).lower()
            if not GUID.match(ids[name]):
                file.refuse(name, f"must be a GUID such as 00000000-0000-0000-0000-000000000000, not {ids[name]!r}: "
                                  f"{WHAT[name]}.")
        group = file.text("allowed_group", "").lower()
        if group and not GUID.match(group):
            file.refuse("allowed_group", f"must be the group's Object ID, a GUID, not {group!r} (its name will not "
                                         "do: Entra ID sends groups by their IDs).")
        claim = file.text("username_claim", "preferred_username")
        if not CLAIM.match(claim):
            file.refuse("username_claim", f"must be a claim's name, such as preferred_username or upn, not {claim!r}.")
        domain = file.text("login_domain", "").lower().lstrip("@")
        if domain and not DOMAIN.match(domain):
            file.refuse("login_domain", f"must be a domain such as council.gov.uk, not {domain!r}.")
        settings = cls(tenant_id=ids["tenant_id"], client_id=ids["client_id"],
                       client_secret_file=file.private_file("client_secret_file"),
                       public_url=_address(file, "public_url"), username_claim=claim, login_domain=domain,
                       allowed_group=group, authority=_address(file, "authority", AUTHORITY))
        settings.client_secret()  # read once now, so a file that cannot be read is said at the start
        return settings

    def client_secret(self) -> str:
        return read_secret(self.client_secret_file, "client_secret_file", "The app registration's client secret",
                           EntraProblem)

    @property
    def callback_url(self) -> str:
        """The redirect URI the app registration must list (Authentication, Web platform)."""
        return self.public_url + CALLBACK_PATH

    @property
    def authorize_url(self) -> str:
        return f"{self.authority}/{self.tenant_id}/oauth2/v2.0/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.authority}/{self.tenant_id}/oauth2/v2.0/token"

    def authenticator_config(self) -> dict:
        """oauthenticator's own settings for this tenant (c.AzureAdOAuthenticator...), the client secret
        included: for the hub's process only."""
        return {
            "tenant_id": self.tenant_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret(),
            "oauth_callback_url": self.callback_url,
            "authorize_url": self.authorize_url,
            "token_url": self.token_url,
            "scope": ["openid", "profile"],
            "username_claim": self.username_claim,
            "enable_pkce": True,
            "login_service": "your council's Microsoft account",
        }

    def login_from(self, claims: dict) -> str:
        """The login these ID token claims sign in, before the staff list: EntraRefusal says why there is none.
        (The staff list's own spelling is found after, without regard to case.)"""
        if str(claims.get("tid", "")).lower() != self.tenant_id:
            raise EntraRefusal(OTHER_TENANT)
        said = claims.get(self.username_claim)
        if not isinstance(said, str) or not said.strip() or len(said) > LOGIN_MOST:
            raise EntraRefusal(NO_LOGIN.format(claim=self.username_claim))
        login = said.strip()
        if self.login_domain:
            name, at, domain = login.rpartition("@")
            if not at or not name or domain.lower() != self.login_domain:
                raise EntraRefusal(OTHER_DOMAIN.format(login=login, domain=self.login_domain))
            login = name
        if self.allowed_group:
            groups = claims.get("groups")
            if groups is None and "groups" in (claims.get("_claim_names") or {}):
                raise EntraRefusal(TOO_MANY_GROUPS.format(login=login))
            if not isinstance(groups, list) or self.allowed_group not in {str(g).lower() for g in groups}:
                raise EntraRefusal(NOT_IN_GROUP.format(login=login))
        return login


def _address(file: SettingsFile, name: str, default: str | None = None) -> str:
    """An https address without a path's trailing slash (plain http only on this computer's loopback address,
    where a test's stand-in for Microsoft answers)."""
    value = file.text(name, default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        file.refuse(name, f"must be an address starting https://, not {value!r}: {WHAT[name]}.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        file.refuse(name, f"must start https:// ({value!r} does not): sign-in codes and tokens cross the network, so "
                          "the connection is encrypted.")
    return value
