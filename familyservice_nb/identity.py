"""Who is using the workbook: the one reader of the signed-in person, for the store, the pages and the server.

DESIGN.md trust model: behind JupyterHub (team mode) the identity comes from the hub alone, so
`JUPYTERHUB_USER` wins and `FSNB_USER` is ignored; on a laptop `FSNB_USER` names the person at the
keyboard. Both are trimmed the same way, so " alex " and "alex" are one person and spaces alone are nobody.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

HUB_USER = "JUPYTERHUB_USER"
LAPTOP_USER = "FSNB_USER"


@dataclass(frozen=True)
class SignedIn:
    """`login`: who is signed in (None: nobody named); `by_hub`: the hub named them (team mode)."""

    login: str | None
    by_hub: bool


def signed_in(environ: Mapping[str, str] | None = None) -> SignedIn:
    """Who the environment says is signed in (`os.environ` unless another mapping is given)."""
    environ = os.environ if environ is None else environ
    hub = (environ.get(HUB_USER) or "").strip()
    if hub:
        return SignedIn(hub, by_hub=True)
    return SignedIn((environ.get(LAPTOP_USER) or "").strip() or None, by_hub=False)
