"""Sign-in through the council's directory (OpenLDAP, or Active Directory over LDAP): `familyservice-nb hub --ldap
CONFIG`.

CONFIG is a small TOML file (docs/team-operations.md, "How sign-in is configured"):

    server = "dc1.council.local"             # the directory server's name, as its certificate names it
    port = 389                               # 389 for StartTLS, 636 for LDAPS (the default follows `security`)
    security = "starttls"                    # or "ldaps"; a plain connection is refused
    ca_certificate = "/etc/familyservice-nb/council-ca.pem"   # the CA that signed the server's certificate
    bind_dn = "CN=svc-workbook,OU=Service,DC=council,DC=local"  # the search account
    bind_password_file = "/etc/familyservice-nb/directory-password"  # its password, in a file only root reads
    search_base = "OU=Staff,DC=council,DC=local"
    user_attribute = "sAMAccountName"        # "uid" on OpenLDAP
    allowed_group = "CN=Family Service Workbook,OU=Groups,DC=council,DC=local"
    check_every_seconds = 300                # how often leavers lose their server and database login

Sign-in is ldapauthenticator's connection (its TLS handling: StartTLS before the bind, or TLS from the
start), with the workbook's own decisions, each said in plain words on the sign-in page:

1. the search account finds the person by `user_attribute` under `search_base`;
2. the person's own bind checks their password: the directory refuses a wrong one, and a disabled or locked
   account whatever the password; the search account then reads why (OpenLDAP's password policy:
   `pwdAccountLockedTime`, 000001010000Z for an account an administrator disabled; Active Directory:
   `userAccountControl` bit 2 disabled, `lockoutTime` locked);
3. membership of `allowed_group` (its `member`, `uniqueMember` or `memberUid`), read by the search account;
4. the staff list, matched without regard to case: the hub's user name is the staff list's own login.

The search account's password is read from its file by the process that binds (the hub, the leavers check),
never put on a command line or in an environment.
"""

from __future__ import annotations

import dataclasses
import re
import ssl
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkbookError
from .settings_file import SettingsFile, read_secret

CONFIG_ENV = "FSNB_HUB_LDAP"  # the path of the TOML file, set by `familyservice-nb hub --ldap`
SECURITIES = {"starttls": 389, "ldaps": 636}
DEFAULT_CHECK_SECONDS = 300
ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
# OpenLDAP's password policy writes this lock time for an account an administrator locked for good (disabled);
# any other time is a lock-out after wrong passwords, which ends by itself.
LOCKED_FOR_GOOD = "000001010000Z"
AD_ACCOUNT_DISABLED = 0x2
STATE_ATTRIBUTES = ("pwdAccountLockedTime", "userAccountControl", "lockoutTime")
LOGIN_MOST = 256


class DirectoryProblem(WorkbookError):
    """The directory settings cannot be used, or the directory cannot be reached; the message says why."""


@dataclass(frozen=True)
class DirectorySettings:
    server: str
    ca_certificate: Path
    bind_dn: str
    bind_password_file: Path
    search_base: str
    user_attribute: str
    allowed_group: str
    security: str = "starttls"
    port: int = 0  # 0: the usual port for `security`
    check_every_seconds: int = DEFAULT_CHECK_SECONDS

    @classmethod
    def load(cls, path: str | Path) -> DirectorySettings:
        """The settings in `path`, every field checked; DirectoryProblem names the first field that is wrong."""
        file = SettingsFile.read(path, "directory settings file", [f.name for f in dataclasses.fields(cls)], WHAT,
                                 DirectoryProblem)
        security = file.text("security", "starttls").lower()
        if security not in SECURITIES:
            file.refuse("security", f"must be \"starttls\" or \"ldaps\", not {security!r}: passwords cross the "
                                    "network to the directory, so the connection is encrypted.")
        port = file.whole_number("port", 0) or SECURITIES[security]
        if not 1 <= port <= 65535:
            file.refuse("port", f"must be a number from 1 to 65535, not {port}.")
        check = file.whole_number("check_every_seconds", DEFAULT_CHECK_SECONDS)
        if check < 1:
            file.refuse("check_every_seconds", f"must be 1 or more, not {check}.")
        attribute = file.text("user_attribute")
        if not ATTRIBUTE.match(attribute):
            file.refuse("user_attribute", f"must be an attribute's name, such as sAMAccountName or uid, not "
                                          f"{attribute!r}.")
        names = {name: file.text(name) for name in ("bind_dn", "search_base", "allowed_group")}
        for name, dn in names.items():
            _check_dn(file, name, dn)
        settings = cls(server=file.text("server"), ca_certificate=_ca_certificate(file),
                       bind_password_file=file.private_file("bind_password_file"), user_attribute=attribute,
                       security=security, port=port, check_every_seconds=check, **names)
        settings.bind_password()  # read once now, so a file that cannot be read is said at the start
        return settings

    def bind_password(self) -> str:
        """The search account's password, read from its file now (the first line, without its line ending)."""
        return read_secret(self.bind_password_file, "bind_password_file", "The search account's password",
                           DirectoryProblem)

    @property
    def group_name(self) -> str:
        """The allowed group as people know it: the value of its first part (CN=Family Service,... -> Family
        Service)."""
        from ldap3.utils.dn import parse_dn

        return parse_dn(self.allowed_group)[0][1]

    def authenticator_config(self) -> dict:
        """ldapauthenticator's own settings for this directory (c.LDAPAuthenticator...), password included:
        for the hub's process only."""
        from ldapauthenticator.ldapauthenticator import TlsStrategy

        return {
            "server_address": self.server,
            "server_port": self.port,
            "tls_strategy": TlsStrategy.on_connect if self.security == "ldaps" else TlsStrategy.before_bind,
            # ldap3 checks no certificate unless asked to: the council's CA, and the server's name in it.
            "tls_kwargs": {"validate": ssl.CERT_REQUIRED, "ca_certs_file": str(self.ca_certificate)},
            "lookup_dn": True,
            "user_search_base": self.search_base,
            "user_attribute": self.user_attribute,
            "lookup_dn_user_dn_attribute": self.user_attribute,
            "lookup_dn_search_user": self.bind_dn,
            "lookup_dn_search_password": self.bind_password(),
            "allowed_groups": [self.allowed_group],
        }


WHAT = {
    "server": "the directory server's name, as its certificate names it (for example dc1.council.local)",
    "ca_certificate": "the file of the CA certificate that signed the directory server's certificate (PEM)",
    "bind_dn": "the search account's distinguished name (for example CN=svc-workbook,OU=Service,DC=council,"
               "DC=local)",
    "bind_password_file": "the file holding the search account's password, readable by root alone (chmod 600)",
    "search_base": "where staff accounts are, for example OU=Staff,DC=council,DC=local",
    "user_attribute": "the attribute holding each person's login: sAMAccountName on Active Directory, uid on "
                      "OpenLDAP",
    "allowed_group": "the distinguished name of the group whose members may use the workbook",
}


def _check_dn(file: SettingsFile, name: str, dn: str) -> None:
    from ldap3.core.exceptions import LDAPInvalidDnError
    from ldap3.utils.dn import parse_dn

    try:
        parse_dn(dn)
    except (LDAPInvalidDnError, ValueError, IndexError):
        file.refuse(name, f"is not a distinguished name: {dn!r} ({WHAT[name]}).")


def _ca_certificate(file: SettingsFile) -> Path:
    target = file.file("ca_certificate")
    try:
        text = target.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        file.refuse("ca_certificate", f"names {target}, which cannot be read: {exc.strerror or exc}.")
    if "-----BEGIN CERTIFICATE-----" not in text:
        file.refuse("ca_certificate", f"names {target}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----).")
    return target


# -- what the directory says of a person -------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    dn: str
    login: str  # the directory's own spelling of the login
    disabled: bool  # an administrator disabled it
    locked: bool  # locked after wrong passwords


def _first(raw: dict, name: str) -> str | None:
    for key, values in raw.items():
        if key.lower() == name.lower() and values:
            value = values[0]
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return None


def find_account(conn, settings: DirectorySettings, login: str) -> Account | None:
    """The account whose `user_attribute` is `login` (the directory's matching rule decides case), with its
    state; None when there is none. More than one is a DirectoryProblem: the login names nobody for certain."""
    import ldap3
    from ldap3.utils.conv import escape_filter_chars

    conn.search(search_base=settings.search_base, search_scope=ldap3.SUBTREE,
                search_filter=f"({settings.user_attribute}={escape_filter_chars(login)})",
                # every attribute, operational ones included: ldap3 refuses to ask by name for an attribute
                # the server's schema lacks, and each directory has only its own of STATE_ATTRIBUTES
                attributes=[ldap3.ALL_ATTRIBUTES, ldap3.ALL_OPERATIONAL_ATTRIBUTES])
    found = [r for r in conn.response or [] if r.get("type") == "searchResEntry"]
    if not found:
        return None
    if len(found) > 1:
        raise DirectoryProblem(f"The council's directory has {len(found)} accounts whose {settings.user_attribute} "
                               f"is {login!r}, so the workbook cannot tell who is signing in.")
    raw = found[0].get("raw_attributes") or {}
    locked_time = _first(raw, "pwdAccountLockedTime")
    control = _first(raw, "userAccountControl")
    lockout = _first(raw, "lockoutTime")
    disabled = locked_time == LOCKED_FOR_GOOD or (control is not None and control.isdigit()
                                                  and int(control) & AD_ACCOUNT_DISABLED != 0)
    locked = not disabled and (locked_time is not None or (lockout is not None and lockout.strip("0") != ""))
    return Account(dn=found[0]["dn"], login=_first(raw, settings.user_attribute) or login, disabled=disabled,
                   locked=locked)


def in_allowed_group(conn, settings: DirectorySettings, account: Account) -> bool:
    """Whether the allowed group names the account (member or uniqueMember its DN, or memberUid its login)."""
    import ldap3
    from ldap3.utils.conv import escape_filter_chars

    dn, uid = escape_filter_chars(account.dn), escape_filter_chars(account.login)
    return bool(conn.search(search_base=settings.allowed_group, search_scope=ldap3.BASE,
                            search_filter=f"(|(member={dn})(uniqueMember={dn})(memberUid={uid}))",
                            attributes=["objectClass"]))
