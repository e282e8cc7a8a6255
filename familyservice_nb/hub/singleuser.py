"""The command each person's workbook server runs: JupyterHub's single-user server, started leaner.

`python -m familyservice_nb.hub.singleuser` is `jupyterhub-singleuser` with one import left out
(`compat.leave_out_rfc3987_syntax`): jsonschema, imported by jupyter_server through jupyter_events,
would load `rfc3987_syntax`, 1.5 s of CPU at every server start (half of the server's whole start on this
machine), only to check a string format no schema of the server or the workbook uses. It also ends with
the hub, however the hub ends (lifeline.py), and refuses to start on a version of a library the
workbook's patches were not written for (`compat.check_versions`).
"""

from __future__ import annotations

from familyservice_nb.hub.lifeline import end_with_parent
from familyservice_nb.web.compat import leave_out_rfc3987_syntax, refuse_untested_versions


def main() -> None:
    end_with_parent()
    refuse_untested_versions()
    leave_out_rfc3987_syntax()
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
