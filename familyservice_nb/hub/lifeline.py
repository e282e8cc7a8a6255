"""Every process of the team's hub ends with the one that started it, however that one ends.

A hub killed with `kill -9` runs no clean-up of its own: its proxy and each person's server (each started
in a session of its own, so a signal to the hub's process group does not reach them) would go on running
with live database logins, and the proxy would keep the hub's port. Linux's parent-death signal
(`prctl(PR_SET_PDEATHSIG)`) is sent by the kernel itself when the parent ends, so it holds where no
clean-up code runs. The chain: `familyservice-nb hub` -> JupyterHub -> the proxy and each person's server
-> its page kernels (ipykernel ends by itself when its server goes: `JPY_PARENT_PID`, set by
jupyter_client).

The signal must be asked for by the child itself after it has its own user: the kernel clears it on a
change of user (setuid), so a person's server asks for it as it starts, not the hub before starting it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PARENT_ENV = "FSNB_HUB_PARENT_PID"  # the process that must outlive this one (set by whoever starts it)


def end_with_parent(parent_pid: int | str | None = None, sig: int = signal.SIGTERM) -> bool:
    """Ask Linux to send `sig` to this process when its parent ends; end now if the parent has already gone
    (`parent_pid`, else FSNB_HUB_PARENT_PID, names the parent it was started by). False where Linux's
    prctl is not available (the process then lives on as before)."""
    expected = parent_pid if parent_pid is not None else os.environ.get(PARENT_ENV)
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if expected and str(os.getppid()) != str(expected).strip():
        # The parent ended between starting this process and the request above: nothing will send it.
        os.kill(os.getpid(), sig)
    return True


def main(argv: list[str] | None = None) -> None:
    """`python -m familyservice_nb.hub.lifeline PARENT_PID COMMAND [ARGUMENTS]`: run COMMAND in this process,
    ending with PARENT_PID (for the hub's own services, which JupyterHub starts with an environment of their own)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or not args[0].isdigit():
        raise SystemExit("Usage: python -m familyservice_nb.hub.lifeline PARENT_PID COMMAND [ARGUMENTS]")
    end_with_parent(args[0])
    os.execvp(args[1], args[1:])


if __name__ == "__main__":
    main()
