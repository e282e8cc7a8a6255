"""The workbook's vocabulary: note types, statuses, risk values and deadlines.

Every rule elsewhere refers to these names; each cites the line of the council's guidance
(``shared/guidance/record-keeping.md``) it implements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class WorkingDays:
    """A deadline counted in working days strictly after the event day."""

    days: int

    def __str__(self) -> str:
        return "next working day" if self.days == 1 else f"{self.days} working days"


@dataclass(frozen=True)
class CalendarDays:
    """An interval counted in calendar days (supervision cycles, children seen)."""

    days: int

    def __str__(self) -> str:
        if self.days % 7 == 0:
            weeks = self.days // 7
            return f"{weeks} week" + ("s" if weeks != 1 else "")
        return f"{self.days} days"


def Weeks(n: int) -> CalendarDays:  # noqa: N802 - reads as a unit, like WorkingDays(5)
    return CalendarDays(7 * n)


# guidance: Timeliness and accuracy of records - "must be recorded on Mosaic within a maximum of
# 5 working days". The quality-standards table says "within a minimum of 5 working days"; DESIGN.md
# reads that as the maximum, as the paragraph above it says.
RECORDING_DEADLINE = WorkingDays(5)

# guidance: Timeliness and accuracy of records - "If harm or injury has occurred, or potential harm
# or risk is identified, recording must be completed by the following working day."
RISK_RECORDING_DEADLINE = WorkingDays(1)

# Council settings with defaults (guidance: Supervision Recording Expectations - "evidence of
# effective management oversight for families open to The Family Service"). The guidance gives no
# number; these are the council's own, changeable in settings.
SUPERVISION_INTERVAL = CalendarDays(28)
CHILD_SEEN_INTERVAL = Weeks(6)

# guidance: Line Management Supervision - "Line management supervision and annual EPDR should be undertaken
# in line with corporate guidance". Corporate guidance is the council's: monthly supervision (4 weeks, the
# same cycle as case supervision) and an EPDR every year are the defaults, changeable in the settings.
LINE_MANAGEMENT_INTERVAL = Weeks(4)
EPDR_CYCLE = CalendarDays(365)

RULE_STANDARD = f"{RECORDING_DEADLINE}"  # "5 working days"
RULE_RISK = f"{RISK_RECORDING_DEADLINE} (risk)"  # "next working day (risk)"
# Why a note has its deadline, in words (the rule applied to each note, shown beside it).
RULE_REASONS = {
    RULE_STANDARD: f"{RECORDING_DEADLINE}: no harm or risk identified",
    RULE_RISK: f"{RISK_RECORDING_DEADLINE}: harm or risk identified",
}


class NoteType(StrEnum):
    """guidance: Types of case records - the nine events a case note records."""

    VISIT = "Visit"
    CONTACT = "Contact with child or family"
    AGENCY_SUMMARY = "Summary from other agencies"
    CASE_DISCUSSION = "Case discussion"
    DOCUMENT_REFERENCE = "Document reference"
    MANAGER_RECORDING = "Manager's recording"
    EMAIL = "E-mail"
    TELEPHONE_CALL = "Telephone call"
    KEY_EVENT = "Key event"

    @property
    def described(self) -> str:
        return NOTE_TYPE_DESCRIPTIONS[self]


NOTE_TYPE_DESCRIPTIONS: dict[NoteType, str] = {
    NoteType.VISIT: "A record of a visit",
    NoteType.CONTACT: "A record of any contact with the child or family",
    NoteType.AGENCY_SUMMARY: "A summary of information from other agencies and professionals",
    NoteType.CASE_DISCUSSION: (
        "A record of any case discussions with managers, service users, family members, other professionals"
    ),
    NoteType.DOCUMENT_REFERENCE: (
        "References to information scanned and uploaded into 'Documents' (with the date and the person "
        "providing the information)"
    ),
    NoteType.MANAGER_RECORDING: "Manager's recordings (decisions made on the case and supervision notes)",
    NoteType.EMAIL: "E-mail correspondence",
    NoteType.TELEPHONE_CALL: (
        "Telephone calls (the number, full name and role of the caller or person called, and the purpose)"
    ),
    NoteType.KEY_EVENT: (
        "References to key meetings, court appearances, change of placement, completion of assessment, "
        "case allocation or transfer"
    ),
}


class KeyEvent(StrEnum):
    """guidance: Types of case records - the key events a note refers to."""

    KEY_MEETING = "Key meeting"
    COURT_APPEARANCE = "Court appearance"
    CHANGE_OF_PLACEMENT = "Change of placement"
    ASSESSMENT_COMPLETED = "Assessment completed"
    CASE_ALLOCATION = "Case allocation"
    CASE_TRANSFER = "Case transfer"


class NoteStatus(StrEnum):
    """Mosaic's note statuses as they appear in an extract (DESIGN.md: blank means Complete)."""

    DRAFT = "Draft"
    COMPLETE = "Complete"
    TIMED_OUT = "Timed out"
    DELETED = "Deleted"


class Timeliness(StrEnum):
    """The outcome of the record-timeliness rule for one note (DESIGN.md: Timeliness)."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    PENDING = "pending"
    DELETED = "deleted"

    @property
    def label(self) -> str:
        return TIMELINESS_LABELS[self]


# In the order of the enum: on time, late, overdue, pending, deleted.
TIMELINESS_LABELS: dict[Timeliness, str] = dict(zip(Timeliness, (
    "On time", "Recorded late", "Overdue (not recorded)", "Not yet due", "Deleted"), strict=True))

# Accepted spellings of the risk flag, compared after trimming and lower-casing (DESIGN.md: columns).
RISK_TRUE = frozenset({"y", "yes", "true", "1"})
RISK_FALSE = frozenset({"n", "no", "false", "0", ""})

# Status spellings accepted in extracts, compared lower-cased with spaces, "_" and "-" removed.
STATUS_SPELLINGS: dict[str, NoteStatus] = {
    "": NoteStatus.COMPLETE,
    "complete": NoteStatus.COMPLETE,
    "completed": NoteStatus.COMPLETE,
    "draft": NoteStatus.DRAFT,
    "timedout": NoteStatus.TIMED_OUT,
    "deleted": NoteStatus.DELETED,
}

STATUS_ORDER = [s.value for s in NoteStatus]  # a note's status is its position here (categories of `status`)
STATUS_CHOICES = ", ".join(STATUS_ORDER[:-1]) + " or " + STATUS_ORDER[-1]  # for messages


def normalised(text: str) -> str:
    """A header or a status as compared: case, spaces, '_' and '-' ignored (DESIGN.md: columns)."""
    return re.sub(r"[\s_\-]+", "", text).lower()


def _spelling(value) -> str:
    """A cell as its risk spelling: trimmed, lower case; blank for None/NaN; True -> "true", 1.0 -> "1"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | float | np.number) and float(value).is_integer():
        return str(int(value))
    return str(value).strip().lower()


def _distinct(values) -> tuple[np.ndarray, list]:
    """Codes (-1 for missing) and distinct values, so a spelling is looked up once per distinct value."""
    values = pd.Series(values, copy=False)
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return codes, list(uniques)


def read_risk(values) -> tuple[np.ndarray, np.ndarray]:
    """A column of risk flags as ``(is_risk, recognised)`` boolean arrays: the one reading of risk.

    DESIGN.md: columns - Y/N, Yes/No, True/False, 1/0 in any case; blank (None, NaN, "") = no.
    A boolean column is taken as it is.
    """
    values = pd.Series(values, copy=False)
    if values.dtype == bool:
        return values.to_numpy(), np.ones(len(values), dtype=bool)
    codes, uniques = _distinct(values)
    spelled = [_spelling(u) for u in uniques]
    is_risk = np.array([s in RISK_TRUE for s in spelled] + [False])
    known = np.array([s in RISK_TRUE or s in RISK_FALSE for s in spelled] + [True])
    return is_risk[codes], known[codes]


def read_status(values) -> np.ndarray:
    """A column of Mosaic statuses as positions in STATUS_ORDER: the one reading of status.

    DESIGN.md: columns - blank (or missing) is Complete; -1 where the status is not one we recognise.
    """
    codes, uniques = _distinct(values)
    complete = STATUS_ORDER.index(NoteStatus.COMPLETE.value)
    found = [STATUS_SPELLINGS.get(normalised(_spelling(u))) for u in uniques]
    positions = np.array([STATUS_ORDER.index(s.value) if s is not None else -1 for s in found] + [complete])
    return positions[codes]


UNKNOWN = "(unknown)"  # worker or team left blank in an extract (DESIGN.md: columns)

# Canonical columns of a running-record extract (DESIGN.md: Contracts).
EXTRACT_COLUMNS = (
    "note_id", "case_id", "worker", "team", "note_type", "event_date", "recorded_at", "risk_identified", "status",
)
REQUIRED_COLUMNS = ("note_id", "event_date")
# Optional columns read when a file has them (never added when it does not): `worker_id` is the worker's
# login on the workbook's staff list (Mosaic's worker id), which is how a note finds its author. Without
# it a note's author is found by name, and a name two people share is reported, never guessed.
WORKER_ID = "worker_id"
OPTIONAL_COLUMNS = (WORKER_ID,)

# The columns assess_timeliness adds.
TIMELINESS_COLUMNS = ("due_date", "working_days_taken", "days_late", "timeliness", "rule")

UK_DATE = "%d/%m/%Y"  # how screens show dates: 25/11/2026
