"""Values as forms show them and as drafts keep them: UK dates, times, yes/no, London clock times.

A draft keeps exactly what was typed (a half-typed date stays half-typed), so nothing is lost; the
record model reads the same text when the record is completed. Dates are read by the records' own
`Day` type (`records.base`), so the form and the model never disagree about what a date is.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from pydantic import TypeAdapter, ValidationError

from familyservice_nb.dates import LONDON, now_in_london, today_in_london
from familyservice_nb.records.base import Day, uk

DATE_PLACEHOLDER = "dd/mm/yyyy"
DATE_HINT = "Write the date as day/month/year, for example 25/11/2026."


@cache
def _day_reader() -> TypeAdapter:
    return TypeAdapter(Day)


def read_date(value) -> dt.date | None:
    """A date from what a form holds: a date, 25/11/2026, or 2026-11-25; None when blank or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return _day_reader().validate_python(str(value).strip())
    except ValidationError:
        return None


def date_text(value) -> str:
    """How a date is shown in a form: 25/11/2026. Text that is not a date is returned as it is."""
    day = read_date(value)
    if day is not None:
        return uk(day)
    return "" if value is None else str(value)


def long_date(day: dt.date) -> str:
    """Wednesday 25 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def today_text() -> str:
    return uk(today_in_london())


def london_now() -> dt.datetime:
    return now_in_london()


def london_time(moment: dt.datetime | None) -> str:
    """A stored moment (UTC) as London wall-clock time, 25/11/2026 at 14:05."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(LONDON)
    return f"{uk(local.date())} at {local:%H:%M}"


def figures_as_of(as_of: dt.date | None, read_at: dt.datetime | None = None) -> str:
    """When figures were taken, with the time they were read: "Figures as of 29/11/2026 at 10:42".

    When the figures are for another day than the one they were read on (a stored extract's date,
    FSNB_AS_OF), both are said: "Figures as of 25/11/2026 (read on 29/11/2026 at 10:42)"."""
    read_at = read_at or london_now()
    if read_at.tzinfo is not None:

        read_at = read_at.astimezone(LONDON)
    if as_of is None or as_of == read_at.date():
        return f"Figures as of {uk(read_at.date())} at {read_at:%H:%M}"
    return f"Figures as of {uk(as_of)} (read on {uk(read_at.date())} at {read_at:%H:%M})"


def is_blank(value) -> bool:
    """Nothing entered: None, blank text, an empty list or mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return all(is_blank(v) for v in (value.values() if isinstance(value, dict) else value))
    return False
