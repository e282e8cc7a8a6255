"""The browser tests' shared helpers (tests/browser/conftest.py: AppServer, watch, server_environment, ...)
as a plain module, for the browser test modules, the benchmarks and docs/screenshots.py: loaded once, under
one name, wherever it is asked for first."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

NAME = "fsnb_browser_support"


def load():
    module = sys.modules.get(NAME)
    if module is not None and hasattr(module, "AppServer"):
        return module
    spec = importlib.util.spec_from_file_location(NAME, Path(__file__).parent / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
