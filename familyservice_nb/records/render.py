"""`render_text(record)`: any record as Mosaic-ready plain text; `record_text(record)`: the same as its sections.

The text for each kind lives beside its peers (render_sessions.py, render_discussions.py), and each kind's
declaration (kinds.py) names its own; this module gives it the names of the people the record mentions. A printed
record (documents.py) is made from `record_text`, so it shows the sections the Mosaic text shows.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Recording
from .kinds import kind_of
from .render_parts import NONE_RECORDED, NOT_DISCUSSED, RecordText, Section, people_named

__all__ = ["NONE_RECORDED", "NOT_DISCUSSED", "RecordText", "Section", "record_text", "render_text"]


def record_text(record: Recording, names: Mapping[str, str] | None = None) -> RecordText:
    """The record's head and sections, as its Mosaic text has them; `names` (login -> name) puts people by name."""
    sections = kind_of(record).text
    with people_named(names):
        return sections(record)


def render_text(record: Recording, names: Mapping[str, str] | None = None) -> str:
    """The record as plain text, ready to paste into Mosaic; `names` (login -> name) puts people by name."""
    return record_text(record, names).text()
