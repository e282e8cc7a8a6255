"""Working days: Monday to Friday, not a bank holiday of the region, not a council closure day.

guidance: Timeliness and accuracy of records - deadlines are counted in *working* days.
DESIGN.md: Timeliness - the `holidays` package's GB subdivision (ENG by default; WLS, SCT, NIR
selectable) plus the council's own closure days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from .errors import WorkbookError

REGIONS = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}

DateLike = dt.date | str | np.datetime64 | pd.Timestamp

# The United Kingdom's bank-holiday rules are loaded here, once, as this module is imported (a page's kernel
# imports it while it is warmed up), not at the first deadline worked out: `holidays` loads a country's
# rules on first use, which costs a busy page kernel 0.3 s, in the middle of opening a case's form.
holidays.country_holidays("GB")


class UnknownRegion(WorkbookError, ValueError):
    """The region is not one of England, Wales, Scotland or Northern Ireland."""


class BadClosures(WorkbookError, ValueError):
    """A line of the closures file is not a date written YYYY-MM-DD."""


def as_day_array(values) -> np.ndarray:
    """Any dates (a Series, Index, list, array or single value) as a numpy datetime64[D] array."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    return pd.to_datetime(arr.ravel(), format="ISO8601").to_numpy().astype("datetime64[D]").reshape(arr.shape)


class WorkingCalendar:
    """Working days for one UK region plus the council's closure days.

    `add_working_days` and `working_days_between` take whole arrays (or pandas columns) and
    return numpy ``datetime64[D]`` / ``int64`` arrays; NaT in gives NaT (or -1 for counts, see below).

    The calendar always covers the year after the latest date it is given, so a deadline that
    falls in the new year (23/12/2026 is due 04/01/2027) sees the next year's bank holidays.
    """

    def __init__(self, region: str = "ENG", closures: Iterable[DateLike] = ()):
        region = region.upper().strip()
        if region not in REGIONS:
            raise UnknownRegion(
                f"'{region}' is not a region we know. Choose one of: "
                + ", ".join(f"{k} ({v})" for k, v in REGIONS.items())
                + "."
            )
        self.region = region
        self.closures = frozenset(as_day_array(list(closures)).tolist()) if closures else frozenset()
        self._first_year: int | None = None
        self._last_year: int | None = None
        self._busdaycal: np.busdaycalendar | None = None

    def __repr__(self) -> str:
        return f"WorkingCalendar(region={self.region!r}, closures={len(self.closures)} days)"

    @classmethod
    def from_file(cls, path: str | Path, region: str = "ENG") -> WorkingCalendar:
        """Closure days from a text file: one YYYY-MM-DD a line; blank lines and # comments ignored."""
        days = []
        for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            try:
                days.append(dt.date.fromisoformat(text))
            except ValueError:
                raise BadClosures(
                    f"Line {number} of the closures file is not a date written YYYY-MM-DD: '{text}'."
                ) from None
        return cls(region=region, closures=days)

    # -- coverage -------------------------------------------------------------------------------
    def _cover(self, days: np.ndarray) -> np.busdaycalendar:
        """Make sure the holiday table spans the given days and the year after the latest."""
        valid = days[~np.isnat(days)] if days.size else days
        if valid.size:
            first = int(str(valid.min())[:4])
            last = int(str(valid.max())[:4]) + 1
        else:
            first = last = dt.date.today().year
        if (
            self._busdaycal is None
            or first < self._first_year  # type: ignore[operator]
            or last > self._last_year  # type: ignore[operator]
        ):
            self._first_year = min(first, self._first_year or first)
            self._last_year = max(last, self._last_year or last)
            self._busdaycal = np.busdaycalendar(weekmask="1111100", holidays=self.holidays())
        return self._busdaycal

    def holidays(self) -> np.ndarray:
        """The non-working weekdays covered so far: bank holidays of the region and closure days."""
        if self._first_year is None:
            return np.array([], dtype="datetime64[D]")
        years = range(self._first_year, self._last_year + 1)  # type: ignore[operator]
        bank = holidays.country_holidays("GB", subdiv=self.region, years=years)
        days = set(bank.keys()) | set(self.closures)
        return np.array(sorted(days), dtype="datetime64[D]")

    def bank_holiday_name(self, day: DateLike) -> str | None:
        """The name of the bank holiday or 'Council closure day' on that day, else None."""
        d = as_day_array([day])[0]
        year = int(str(d)[:4])
        name = holidays.country_holidays("GB", subdiv=self.region, years=[year]).get(d.astype(dt.date))
        if name:
            return name
        return "Council closure day" if d.astype(dt.date) in self.closures else None

    # -- arithmetic -----------------------------------------------------------------------------
    def is_working_day(self, days) -> np.ndarray:
        arr = as_day_array(days)
        cal = self._cover(arr)
        out = np.zeros(arr.shape, dtype=bool)
        ok = ~np.isnat(arr)
        out[ok] = np.is_busday(arr[ok], busdaycal=cal)
        return out

    def add_working_days(self, days, n) -> np.ndarray:
        """The n-th working day strictly after each day (n >= 1; a scalar or an array).

        The day itself never counts, working or not: Saturday 21/11/2026 + 5 is Friday 27/11.
        numpy's `busday_offset` rolls a non-working start day *backward* first, which is what
        makes "strictly after" hold for weekend and holiday events.
        """
        arr = as_day_array(days)
        n = np.asarray(n, dtype=np.int64)
        if np.any(n < 1):
            raise ValueError("A deadline must be at least one working day after the event.")
        # n working days can run well past the latest day; cover that span too.
        horizon = arr + np.asarray(2 * int(n.max(initial=1)) + 14, dtype="timedelta64[D]")
        cal = self._cover(np.concatenate([arr.ravel(), horizon.ravel()]))
        return np.busday_offset(arr, n, roll="backward", busdaycal=cal)

    def working_days_between(self, start, end) -> np.ndarray:
        """How many working days d with start < d <= end (0 when end is the same day as start).

        Negative when end is before start; NaT on either side gives a count of 0 and should be
        masked by the caller (timeliness masks it to missing).
        """
        a = as_day_array(start)
        b = as_day_array(end)
        cal = self._cover(np.concatenate([a.ravel(), b.ravel()]))
        one = np.timedelta64(1, "D")
        nat = np.isnat(a) | np.isnat(b)
        a1 = np.where(nat, np.datetime64("2000-01-01"), a) + one
        b1 = np.where(nat, np.datetime64("2000-01-01"), b) + one
        counts = np.busday_count(a1, b1, busdaycal=cal)
        return np.where(nat, 0, counts)
