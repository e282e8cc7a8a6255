"""The command each person's workbook server runs: JupyterHub's single-user server, started leaner.

`python -m familyservice_nb.hub.singleuser` is `jupyterhub-singleuser` with one import left out.
jsonschema (imported by jupyter_server through jupyter_events) loads `rfc3987_syntax` when it is installed,
and that module builds 38 grammar parsers as it is imported: 1.5 s of CPU at every server start (half of
the server's whole start on this machine), only to check the "iri" string format, which no schema of the
server or the workbook uses. Marking it missing makes jsonschema skip that one format check.
"""

from __future__ import annotations

import sys


def main() -> None:
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: `import` raises ImportError
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
