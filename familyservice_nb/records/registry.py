"""Every kind of record by name, so the store and the forms can look a model up."""

from __future__ import annotations

from pydantic import BaseModel

from .case_note import CaseNote
from .gfpo import GFPOSessionRecord
from .line_management import LineManagementSupervision
from .session import SessionRecord
from .summaries import ClosureSummary, ReviewSummary
from .supervision import SupervisionRecord

RECORD_KINDS: dict[str, type[BaseModel]] = {
    cls.record_kind: cls
    for cls in (
        CaseNote, SessionRecord, GFPOSessionRecord, SupervisionRecord, ReviewSummary, ClosureSummary,
        LineManagementSupervision,
    )
}
