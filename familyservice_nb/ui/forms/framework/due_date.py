"""The recording due date, shown live as the date and the risk flag change.

The date comes from the record's own `due_date` (records.base: the one timeliness rule, with the
council's working-day calendar), never from a sum done here.
"""

from __future__ import annotations

import ipywidgets as widgets
from pydantic import BaseModel

from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.values import long_date, read_date


def due_text(model: type[BaseModel], event_date, risk: bool, calendar, reason: str = "", today=None,
             **values) -> str:
    """`values`: other answers that set the deadline (a supervision's kind), given to the record itself.
    `today` (for a record not completed yet): a due date before it is said to be past."""
    day = read_date(event_date)
    if day is None:
        return "The recording due date shows here once the date is filled in."
    if today is not None and day > today:  # the record's own rule refuses it (records.base: future_event)
        return "No due date: the date is in the future, and a record is of something that has happened."
    probe = model.model_construct(event_date=day, risk_identified=bool(risk), **values)
    due = probe.due_date(calendar)
    why = reason or ("because harm or risk was identified" if risk else "")
    rule = f"{probe.deadline}" + (f", {why}" if why else "")
    if today is not None and due < today:
        return (f"Overdue: this was to be recorded on Mosaic by {long_date(due)} ({rule}); "
                f"{(today - due).days} day{'s' if (today - due).days != 1 else ''} late today.")
    return f"To be recorded on Mosaic by {long_date(due)} ({rule})."


class DueDate(widgets.HTML):
    """'To be recorded on Mosaic by Thursday 26 November 2026 (next working day, ...)'."""

    def __init__(self):
        super().__init__("")
        self.add_class("fsnb-due")

    def show(self, model, event_date, risk, calendar, reason: str = "", today=None, **values) -> None:
        try:
            text = due_text(model, event_date, risk, calendar, reason, today, **values)
        except Exception:  # noqa: BLE001 - a date outside the calendar: say nothing rather than fail
            text = ""
        self.value = f'<p class="fsnb-due-text" role="status" aria-live="polite">{esc(text)}</p>' if text else ""
