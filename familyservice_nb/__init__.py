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

Whole modules are reachable the same way, loaded on first use: `fs.analysis`, `fs.oversight`, `fs.records`,
`fs.standards`, `fs.sources`, `fs.rejects`, `fs.export`, `fs.figures`, `fs.charts` (`familyservice_nb.ui.charts`).
`dir(fs)` lists them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from .working_days import WorkingCalendar

if TYPE_CHECKING:  # pragma: no cover
    from .extract import ExtractResult as ExtractResult
    from .extract import read_extract as read_extract
    from .standards import STANDARDS as STANDARDS
    from .store import Store as Store

__version__ = "0.1.0"

# Loaded on first use, so `import familyservice_nb` stays light and never touches a database: the names
# each module lends to `fs`.
_LAZY_FROM = {
    "extract": ("read_extract", "ExtractResult"),
    "standards": ("STANDARDS", "standards_table", "Evidence", "standard"),
    "store": ("Store",),
    "store.demo_data": ("fill_demo",),
    "demo": ("make_demo_extract", "write_demo_extract"),
    "export": ("write_excel", "write_csv"),
    "figures": ("TimelinessFigures", "Filters", "days_taken"),
    "records": ("render_text",),
    "documents": ("export_record", "export_case"),
}
_LAZY = {name: (module, name) for module, names in _LAZY_FROM.items() for name in names}
# Whole modules, for notebooks: `fs.analysis.reading_summary(...)`, `fs.charts.worker_on_time_figure(...)`.
_LAZY_MODULES = {
    "analysis": "analysis",
    "oversight": "oversight",
    "records": "records",
    "standards": "standards",
    "sources": "sources",
    "rejects": "rejects",
    "export": "export",
    "charts": "ui.charts",
    "figures": "figures",
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{_LAZY_MODULES[name]}", __name__)
    raise AttributeError(f"module 'familyservice_nb' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Tab completion shows the names loaded on first use too."""
    names = {*globals(), *_LAZY, *_LAZY_MODULES} - {"TYPE_CHECKING", "annotations"}
    return sorted(n for n in names if not n.startswith("_") or n.startswith("__"))


__all__ = [
    "RECORDING_DEADLINE", "RISK_RECORDING_DEADLINE", "MappingError", "NoteStatus", "NoteType", "Timeliness",
    "UnusableFile", "WorkbookError", "WorkingCalendar", "assess_timeliness", "late_and_overdue",
    "overall_timeliness", "summarise_timeliness", "timeliness_by_month", "timeliness_by_note_type",
    "timeliness_by_rule", "timeliness_by_team", "timeliness_by_worker", *_LAZY, *_LAZY_MODULES,
]
