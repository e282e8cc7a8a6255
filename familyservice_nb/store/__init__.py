"""Persistence: the workbook's database (SQLite by default, PostgreSQL for a team), migrations, audit trail.

DESIGN.md layers: the store imports the domain (records, extract, timeliness), never the UI. Every query
goes through `Store`, which applies who-sees-what. Nothing here opens a database on import.
"""

from .access import DATABASE, NotAllowed, NotFound, Viewer, loads_data, may_upload_extract
from .api import Store
from .check import CheckReport
from .imports import ImportSummary
from .migrate import NeedsUpgrade
from .repository import (
    ChangedElsewhere,
    IncompleteRecord,
    InvalidRecord,
    RecordInfo,
    RecordLocked,
    RecordVersion,
    UnfinishedDraft,
)

__all__ = [
    "DATABASE", "ChangedElsewhere", "CheckReport", "ImportSummary", "IncompleteRecord", "InvalidRecord", "NeedsUpgrade", "NotAllowed", "NotFound", "RecordInfo",
    "RecordLocked", "RecordVersion", "Store", "UnfinishedDraft", "Viewer", "loads_data", "may_upload_extract",
]
