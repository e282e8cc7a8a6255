"""A record's life cycle: draft, complete (locked), amended with a reason, discarded; and the day it went on Mosaic.

DESIGN.md: Saved records are versioned: a finished record is never overwritten; an amendment is a new version,
and the audit trail says who changed what and when. Guidance (Timeliness and accuracy of records): timeliness
is about the record being on Mosaic, so the day it was entered there is kept.

Each transition is decided here over plain facts (the record's number, state and version, who is acting, who
wrote the draft, the reason, the dates) and answers with the `Step` the record takes, or refuses in plain
words. The store reads the facts, calls these, and writes the step in SQL; who may change a record at all
(authorship) is the store's to check, and it checks it after the state, as the order below assumes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..errors import NotAllowed, WorkbookError


class RecordState(StrEnum):
    """The state of a record and of each of its versions, as stored."""

    DRAFT = "draft"
    COMPLETE = "complete"  # locked: changed only by an amendment


class RecordLocked(WorkbookError):
    """Saving over a completed version of a record."""


@dataclass(frozen=True)
class Step:
    """What a transition leaves: the record's state and its current version."""

    state: RecordState
    version: int


FIRST_DRAFT = Step(RecordState.DRAFT, 1)  # a new record


def save_draft(number, state: str, version: int) -> Step:
    """Saving over the current draft keeps it a draft at the same version; a completed record is locked."""
    if state == RecordState.COMPLETE:
        raise RecordLocked(
            f"Record {number} was completed and is locked, so it cannot be saved over. "
            "To change it, make an amendment and give the reason."
        )
    return Step(RecordState.DRAFT, version)


def complete(number, state: str, version: int, contents_given: bool) -> Step | None:
    """Completing locks the current draft at its version. Completing a completed record again without new
    contents (a double click) changes nothing: None; with new contents it is refused."""
    if state == RecordState.COMPLETE:
        if not contents_given:
            return None
        raise RecordLocked(f"Record {number} is already completed and locked; amend it instead.")
    return Step(RecordState.COMPLETE, version)


def require_reason(reason: str | None) -> str:
    """An amendment carries the reason the completed record is being changed."""
    if not reason or not reason.strip():
        raise WorkbookError("An amendment needs a reason: say why the completed record is being changed.")
    return reason


def amend(number, state: str, version: int, reason: str | None, complete: bool = True) -> Step:
    """An amendment is a new version of a completed record, with a reason: completed at once, or kept as the
    amendment's draft (`complete` False)."""
    require_reason(reason)
    if state != RecordState.COMPLETE:
        raise WorkbookError(
            f"Record {number} is still a draft: save the draft (or complete it) instead of amending it."
        )
    return Step(RecordState.COMPLETE if complete else RecordState.DRAFT, version + 1)


def discard(number, state: str, version: int, actor: str, author: str, created_by: str,
            draft_saved_by: str) -> Step | None:
    """Throwing away a draft its writer no longer wants.

    Only a draft (a completed record is never thrown away), and only by who wrote it: a first draft by its
    author or whoever created it, an amendment's draft by who saved it (who is amending). A first draft goes
    altogether (None); an amendment's draft goes back to the completed version it amends.
    """
    if state != RecordState.DRAFT:
        raise RecordLocked(f"Record {number} is completed: a completed record is never discarded. "
                           "To change it, make an amendment and give the reason.")
    first = version == 1
    writers = {author, created_by} if first else {draft_saved_by}
    if actor not in writers:
        raise NotAllowed(f"Only {author if first else draft_saved_by}, who wrote draft {number}, can discard it.")
    return None if first else Step(RecordState.COMPLETE, version - 1)


def mosaic_date(number, state: str, event_date: dt.date, day, today: dt.date, entered_on: dt.date | None,
                check_may_amend: Callable[[], None]) -> bool:
    """Whether to keep `day` as the day a completed record was entered on Mosaic (False: it is kept already).

    Only a completed record, only by those who may amend it (`check_may_amend` refuses the others), not a day
    before the record's date, and not a day still to come.
    """
    if state != RecordState.COMPLETE:
        raise WorkbookError(f"Record {number} is still a draft: complete it before saying it is on Mosaic.")
    check_may_amend()
    if not isinstance(day, dt.date):
        raise WorkbookError("Entered on Mosaic: give the date it was entered, for example 25/11/2026.")
    if day < event_date:
        raise WorkbookError(f"Entered on Mosaic: {day:%d/%m/%Y} is before the record's date, "
                            f"{event_date:%d/%m/%Y}.")
    if day > today:
        raise WorkbookError(f"Entered on Mosaic: {day:%d/%m/%Y} is in the future.")
    return entered_on != day
