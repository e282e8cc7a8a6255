"""`render_text(record)`: any record as Mosaic-ready plain text.

The text for each kind lives beside its peers (render_sessions.py, render_discussions.py); this module
only routes a record to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import singledispatch

from .base import RecordPart
from .case_note import CaseNote
from .gfpo import GFPOSessionRecord
from .line_management import LineManagementSupervision
from .render_discussions import closure_text, line_management_text, review_text, supervision_text
from .render_parts import NONE_RECORDED, NOT_DISCUSSED, people_named
from .render_sessions import case_note_text, gfpo_text, session_text
from .session import SessionRecord
from .summaries import ClosureSummary, ReviewSummary
from .supervision import SupervisionRecord

__all__ = ["COPY_DESTINATIONS", "NONE_RECORDED", "NOT_DISCUSSED", "CopyDestination", "copy_destination", "render_text"]


@dataclass(frozen=True)
class CopyDestination:
    """Where a record's text belongs, as the form's "copy" section says it."""

    heading: str
    label: str
    intro: str
    running_record: bool  # whether it is offered for the case's (a child's) running record


CASE_RECORD_COPY = CopyDestination(
    heading="Copy for Mosaic", label="The record as text for Mosaic",
    intro="Copy this text and paste it into the case's running record on Mosaic.", running_record=True,
)
# guidance: Line Management Supervision is about the practitioner (corporate supervision and EPDR): personnel
# content, which never goes on a child's file (issue 10).
PERSONNEL_COPY = CopyDestination(
    heading="Copy for the personnel record", label="The supervision as text for the practitioner's supervision file",
    intro="This is a personnel record: keep it in the practitioner's supervision file as your council's "
    "corporate guidance says. It does not belong on a child's or family's running record.",
    running_record=False,
)
COPY_DESTINATIONS: dict[str, CopyDestination] = {"line_management": PERSONNEL_COPY}


def copy_destination(kind: str) -> CopyDestination:
    """Where the text of a record of this kind is copied to."""
    return COPY_DESTINATIONS.get(kind, CASE_RECORD_COPY)


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
