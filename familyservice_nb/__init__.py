"""familyservice-nb: a supervision workbook for a council's Family Service.

The Python API analysts use (DESIGN.md: Python API)::

    import familyservice_nb as fs
    res = fs.read_extract("extract.csv")            # res.notes, res.rejects
    cal = fs.WorkingCalendar(region="ENG", closures=["2026-12-24"])
    out = fs.assess_timeliness(res.notes, calendar=cal, as_of="2026-11-25")
    fs.timeliness_by_worker(out)
    store = fs.Store("sqlite:///data/workbook.db")
    fs.export_record(store, "12", "record-12.pdf")  # a completed record as a tagged PDF (or .docx)
    fs.export_case(store, "CASE-001", "case.docx")  # a case's oversight story
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .calendar import WorkingCalendar
from .errors import MappingError, UnusableFile, WorkbookError
from .timeliness import (
    assess_timeliness,
    late_and_overdue,
    overall_timeliness,
    summarise_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_rule,
    timeliness_by_team,
    timeliness_by_worker,
)
from .vocab import RECORDING_DEADLINE, RISK_RECORDING_DEADLINE, NoteStatus, NoteType, Timeliness

if TYPE_CHECKING:  # pragma: no cover
    from .extract import ExtractResult as ExtractResult
    from .extract import read_extract as read_extract
    from .standards import STANDARDS as STANDARDS
    from .store import Store as Store

__version__ = "0.1.0"

# Loaded on first use, so `import familyservice_nb` stays light and never touches a database.
_LAZY = {
    "read_extract": ("extract", "read_extract"),
    "ExtractResult": ("extract", "ExtractResult"),
    "STANDARDS": ("standards", "STANDARDS"),
    "standards_table": ("standards", "standards_table"),
    "Store": ("store", "Store"),
    "make_demo_extract": ("demo", "make_demo_extract"),
    "write_demo_extract": ("demo", "write_demo_extract"),
    "Evidence": ("standards", "Evidence"),
    "standard": ("standards", "standard"),
    "write_excel": ("export", "write_excel"),
    "write_csv": ("export", "write_csv"),
    "export_record": ("documents", "export_record"),
    "export_case": ("documents", "export_case"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'familyservice_nb' has no attribute {name!r}")


__all__ = [
    "RECORDING_DEADLINE", "RISK_RECORDING_DEADLINE", "MappingError", "NoteStatus", "NoteType", "Timeliness",
    "UnusableFile", "WorkbookError", "WorkingCalendar", "assess_timeliness", "late_and_overdue",
    "overall_timeliness", "summarise_timeliness", "timeliness_by_month", "timeliness_by_note_type",
    "timeliness_by_rule", "timeliness_by_team", "timeliness_by_worker", *_LAZY,
]
