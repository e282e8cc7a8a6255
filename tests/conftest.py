import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # for the oracle module


def require_or_skip(condition: bool, what: str) -> None:
    """Skip a test whose component is missing, except in CI, where a missing component fails it."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{what} is missing, and CI=true: this test must run in CI.")
    pytest.skip(f"{what} is missing")
