"""The command the hub starts as its proxy: configurable-http-proxy, given nothing of the hub's but its token.

JupyterHub starts the proxy with a copy of its own environment, which holds the demo password and the
paths of the hub's secrets; the proxy needs only its token (CONFIGPROXY_AUTH_TOKEN) and what node needs to
run. It also ends with the hub, however the hub ends (lifeline.py), so a hub killed with `kill -9` does
not leave its port held.

    python -m familyservice_nb.hub.proxy /path/to/configurable-http-proxy --ip ... (the proxy's own arguments)
"""

from __future__ import annotations

import os
import sys

from familyservice_nb.hub.lifeline import end_with_parent

KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "CONFIGPROXY_AUTH_TOKEN")


def proxy_environment(environ: dict[str, str]) -> dict[str, str]:
    return {name: environ[name] for name in KEPT if name in environ}


def main() -> None:
    end_with_parent()
    command = sys.argv[1:]
    if not command:
        raise SystemExit("Name the proxy to run: python -m familyservice_nb.hub.proxy PROXY [ARGUMENTS]")
    os.execvpe(command[0], command, proxy_environment(dict(os.environ)))


if __name__ == "__main__":
    main()
