"""`render_text(record)`: any record as Mosaic-ready plain text.

The text for each kind lives beside its peers (render_sessions.py, render_discussions.py), and each kind's
declaration (kinds.py) names its own; this module gives it the names of the people the record mentions.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Recording
from .kinds import kind_of
from .render_parts import NONE_RECORDED, NOT_DISCUSSED, people_named

__all__ = ["NONE_RECORDED", "NOT_DISCUSSED", "render_text"]


def render_text(record: Recording, names: Mapping[str, str] | None = None) -> str:
    """The record as plain text, ready to paste into Mosaic; `names` (login -> name) puts people by name."""
    text = kind_of(record).text
    with people_named(names):
        return text(record)
