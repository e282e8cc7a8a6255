"""Run inside a person's warm kernel (see warm_kernels.py) before any page is asked of it.

It does what every page does first and what costs most on a busy machine: importing the workbook's pages,
the widgets and the database driver, and opening the database once as the person (which also loads the
migration check). No widget is made and no record is read here: the page reads its data when it is built,
on request, so what it shows is never older than the request.
"""

from __future__ import annotations

import importlib
import pkgutil


def warm_up() -> None:
    import os

    import anywidget  # noqa: F401
    import ipywidgets  # noqa: F401

    from familyservice_nb.ui import pages

    for module in pkgutil.iter_modules(pages.__path__):
        importlib.import_module(f"{pages.__name__}.{module.name}")
    from familyservice_nb.store import Store

    if not os.environ.get("FSNB_DATABASE_URL"):
        return  # no database named: nothing to open (never the laptop default file in the kernel's folder)
    try:
        with Store() as store:
            store.viewer()
    except Exception:  # noqa: BLE001 - only a warm-up: the page reports its own problems when built
        pass
