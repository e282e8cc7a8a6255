"""What a practitioner's or manager's server allows: the workbook's pages and their own kernels, nothing else.

jupyter_server asks its Authorizer before every REST call (`action` is read, write or execute; `resource`
names the API: contents, kernels, sessions, terminals, ...). Voila's own pages are not REST calls and are
allowed by the hub's sign-in alone. A page's kernel is started by Voila inside the server, and the browser
talks to it over `/api/kernels/<id>/channels` (execute on kernels); what it may send there is limited by
`MappingKernelManager.allowed_message_types` (singleuser_config.py), so code sent to a page's kernel is
dropped. Starting a kernel of one's own (`POST /api/kernels`, `POST /api/sessions`), reading or writing
files (`/api/contents`, `/files`) and terminals are refused.
"""

from __future__ import annotations

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

# resource -> the actions a workbook-only user may take on it; anything not listed is refused.
WORKBOOK_ONLY_ALLOWS: dict[str, frozenset[str]] = {
    "kernels": frozenset({"read", "execute"}),  # the page's own kernel: its state and its websocket
    "api": frozenset({"read"}),  # /api/status, /api/me
    "csp": frozenset({"read", "write"}),  # browsers' reports of blocked content
}


def workbook_only_allows(action: str, resource: str) -> bool:
    return action in WORKBOOK_ONLY_ALLOWS.get(resource, frozenset())


class WorkbookOnlyAuthorizer(JupyterHubAuthorizer):
    """The hub's own check (the signed-in person owns this server), then the workbook-only rule."""

    def is_authorized(self, handler, user, action, resource):
        if not super().is_authorized(handler, user, action, resource):
            return False
        allowed = workbook_only_allows(action, resource)
        if not allowed:
            self.log.warning("Refused %s on %s for %s: this server serves the workbook only.",
                             action, resource, user.username)
        return allowed
