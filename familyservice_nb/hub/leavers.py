"""The hub's check for leavers in the council's directory: `python -m familyservice_nb.hub.leavers`, a JupyterHub
service started with the hub (`familyservice-nb hub --ldap CONFIG`), checking as it starts and then every
`check_every_seconds` (directory.py).

Each person the hub knows is looked up by the search account. Someone whose account is gone from the
directory, disabled there, or no longer in the allowed group loses, in this order: their database login
(store.db_logins.remove_login: an open session loses its rights at once), their hub user (their server is
stopped and their sign-in cookie no longer names anyone, so their next page asks them to sign in, which the
directory then refuses), and any process of their system user still running. A person locked out after wrong
passwords keeps their server: a lock-out ends by itself, and wrong passwords typed by someone else must not
stop a person's work. When the directory cannot be reached nothing is removed: not knowing is not leaving.

The search account's password is read from its file here (the service runs as root, as the hub does); the
provisioning role's URL from the hub's own file (FSNB_HUB_PROVISIONER_FILE). Neither is in this process's
environment or command line: only their files' paths are.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .directory import CONFIG_ENV, DirectoryProblem, DirectorySettings, find_account, in_allowed_group

log = logging.getLogger("familyservice_nb.leavers")


class Hub:
    """JupyterHub's REST API, with this service's token (JupyterHub gives it in the environment)."""

    def __init__(self, api_url: str, token: str):
        self.api_url, self.token = api_url.rstrip("/"), token

    def _call(self, method: str, path: str):
        request = urllib.request.Request(f"{self.api_url}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        return json.loads(body) if body else None

    def users(self) -> list[str]:
        return [user["name"] for user in self._call("GET", "users") or []]

    def remove(self, name: str) -> None:
        self._call("DELETE", f"users/{urllib.parse.quote(name, safe='')}")


def why_gone(conn, settings: DirectorySettings, name: str) -> str | None:
    """Why `name` may no longer use the workbook, in words; None while the directory still allows them."""
    account = find_account(conn, settings, name)
    if account is None:
        return "is no longer in the council's directory"
    if account.disabled:
        return "is disabled in the council's directory"
    if not in_allowed_group(conn, settings, account):
        return f"is no longer in the directory's group for the workbook ({settings.group_name})"
    return None


def check_once(settings: DirectorySettings, connect, hub: Hub, provisioner_url: str, prefix: str) -> dict[str, str]:
    """One check: {name: why} of everyone who lost their server and database login. `connect()` gives the search
    account's connection (None when the directory refused it)."""
    from ldap3.core.exceptions import LDAPException

    from ..store.db_logins import remove_login
    from .system_users import end_processes_of, system_name, users_with_prefix

    names = hub.users()
    if not names:
        return {}
    try:
        conn = connect()
    except LDAPException as exc:
        log.error("The directory could not be reached (%s): nobody is removed this time.", exc)
        return {}
    if conn is None:
        log.error("The directory refused the search account %s: nobody is removed this time.", settings.bind_dn)
        return {}
    gone = {}
    try:
        for name in names:
            try:
                why = why_gone(conn, settings, name)
            except (LDAPException, DirectoryProblem) as exc:
                log.error("Could not check %s in the directory (%s): left as they are.", name, exc)
                continue
            if why is not None:
                gone[name] = why
    finally:
        conn.unbind()
    uids = {u.pw_name: u.pw_uid for u in users_with_prefix(prefix)}
    for name, why in gone.items():
        remove_login(provisioner_url, name)
        hub.remove(name)
        end_processes_of({uids[system_name(name, prefix)]} if system_name(name, prefix) in uids else set())
        log.warning("%s %s: their server is stopped and their database login removed.", name, why)
    return gone


def main() -> None:
    from .directory_signin import DirectoryAuthenticator, directory_config
    from .lifeline import end_with_parent
    from .system_users import DEFAULT_PREFIX, PREFIX_ENV

    logging.basicConfig(level=logging.INFO, format="[leavers %(asctime)s] %(message)s", stream=sys.stderr)
    end_with_parent()
    settings = DirectorySettings.load(os.environ[CONFIG_ENV])
    directory = DirectoryAuthenticator(**directory_config())
    provisioner_url = Path(os.environ["FSNB_HUB_PROVISIONER_FILE"]).read_text(encoding="utf-8").strip()
    hub = Hub(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"])
    prefix = os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX

    def connect():
        return directory.get_connection(directory.lookup_dn_search_user, directory.lookup_dn_search_password)

    while True:
        try:
            check_once(settings, connect, hub, provisioner_url, prefix)
        except (OSError, urllib.error.URLError, DirectoryProblem) as exc:
            log.error("The check for leavers could not finish (%s); it runs again in %s s.", exc,
                      settings.check_every_seconds)
        except Exception:
            log.exception("The check for leavers failed; it runs again in %s s.", settings.check_every_seconds)
        time.sleep(settings.check_every_seconds)


if __name__ == "__main__":
    main()
