"""The command each page's kernel runs (the kernelspec `serve` and the hub write): ipykernel, started leaner.

`python -m familyservice_nb.page_kernel -f CONNECTION_FILE` is `python -m ipykernel_launcher` with one import
left out (`compat.leave_out_rfc3987_syntax`), which every chart page paid for: plotly's widget imports nbformat,
nbformat imports jsonschema, and jsonschema loads `rfc3987_syntax` when it is installed, which builds 38
grammar parsers as it is imported. Measured in a real kernel, a dashboard's first build (what a pre-heat or
a hub kernel pays) took 4.8-6.9 s with it and 1.3-1.5 s without. It only checks the "iri" string format,
which no schema of Jupyter, plotly or the workbook uses. Like every process of the workbook that patches a
library, it refuses to start on a version the patch was not written for (`compat.check_versions`).
"""

from __future__ import annotations

import sys

from familyservice_nb.web.compat import leave_out_rfc3987_syntax, refuse_untested_versions


def main() -> None:
    refuse_untested_versions()
    leave_out_rfc3987_syntax()
    if sys.path and sys.path[0] == "":  # as ipykernel_launcher: no imports from the folder it starts in
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
