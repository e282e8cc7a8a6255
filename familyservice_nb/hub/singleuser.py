"""The command each person's workbook server runs: JupyterHub's single-user server, started leaner.

`python -m familyservice_nb.hub.singleuser` is `jupyterhub-singleuser` with one import left out
(`page_kernel.leave_out_unused_imports`): jsonschema, imported by jupyter_server through jupyter_events,
would load `rfc3987_syntax`, 1.5 s of CPU at every server start (half of the server's whole start on this
machine), only to check a string format no schema of the server or the workbook uses. It also ends with
the hub, however the hub ends (lifeline.py).
"""

from __future__ import annotations

from familyservice_nb.hub.lifeline import end_with_parent
from familyservice_nb.page_kernel import leave_out_unused_imports


def main() -> None:
    end_with_parent()
    leave_out_unused_imports()
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
