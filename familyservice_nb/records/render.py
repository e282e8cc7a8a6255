"""`render_text(record)`: any record as Mosaic-ready plain text.

The text for each kind lives beside its peers (render_sessions.py, render_discussions.py); this module
only routes a record to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch

from .base import RecordPart
from .case_note import CaseNote
from .gfpo import GFPOSessionRecord
from .line_management import LineManagementSupervision
from .render_discussions import closure_text, line_management_text, review_text, supervision_text
from .render_parts import NONE_RECORDED, people_named
from .render_sessions import case_note_text, gfpo_text, session_text
from .session import SessionRecord
from .summaries import ClosureSummary, ReviewSummary
from .supervision import SupervisionRecord

__all__ = ["NONE_RECORDED", "render_text"]


@singledispatch
def _render(record: RecordPart) -> str:
    raise TypeError(f"There is no Mosaic text for a {type(record).__name__}.")


def render_text(record: RecordPart, names: Mapping[str, str] | None = None) -> str:
    """The record as plain text, ready to paste into Mosaic; `names` (login -> name) puts people by name."""
    with people_named(names):
        return _render(record)


for _kind, _renderer in (
    (CaseNote, case_note_text),
    (SessionRecord, session_text),
    (GFPOSessionRecord, gfpo_text),
    (SupervisionRecord, supervision_text),
    (ReviewSummary, review_text),
    (ClosureSummary, closure_text),
    (LineManagementSupervision, line_management_text),
):
    _render.register(_kind, _renderer)
