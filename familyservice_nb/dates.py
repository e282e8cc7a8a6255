"""UK dates as they come out of Mosaic and Excel, read strictly and a whole column at a time.

DESIGN.md: Running-record extract - "Dates are UK dates." Accepted, and nothing else:

- ``YYYY-MM-DD``, ``DD/MM/YYYY`` and ``DD-Mon-YYYY`` (``18-Nov-2026``, month name in any case), each
  optionally followed by a space and ``HH:MM`` or ``HH:MM:SS``; day, month and hour may have one digit
  (``3/4/2026 9:05:00`` is 3 April 2026);
- ISO 8601 date-times with ``T`` (optional fractional seconds), with or without ``Z`` or an offset
  (``+01:00``, ``+0100``). A time with ``Z`` or an offset is converted to Europe/London before the date
  is taken; a time without one is already London local time;
- real dates (XLSX cells, ``datetime`` objects, datetime columns), kept as they are.

Month-first dates are never guessed: ``04/13/2026`` cannot be read. No parser here infers a format
(no ``format="mixed"``, no ``dayfirst``, no dateutil): every value must match one of the formats below
exactly, so a two-digit year, trailing words or 31/02/2026 cannot be read either. Years outside
1900-2099 cannot be read: they are typing slips (``0202``) or "no date" placeholders (``31/12/9999``),
and a working-day calendar for them means nothing.

This module is also the one home of London's clock: ``LONDON``, ``today_in_london()`` and
``now_in_london()``; every other module asks here for today's date.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

LONDON = ZoneInfo("Europe/London")
DATETIME_DTYPE = "datetime64[us]"
EARLIEST = np.datetime64("1900-01-01", "us")
LATEST = np.datetime64("2100-01-01", "us")  # exclusive
_FIRST_YEAR, _YEAR_AFTER_LAST = EARLIEST.astype(object).year, LATEST.astype(object).year

_DAYS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y")
_TIMES = ("", " %H:%M:%S", " %H:%M")
_ISO_TIMES = ("T%H:%M:%S", "T%H:%M", "T%H:%M:%S.%f")

# London local time as written.
LOCAL_FORMATS: tuple[str, ...] = (
    *(day + time for day in _DAYS for time in _TIMES),
    *("%Y-%m-%d" + time for time in _ISO_TIMES),
    "%Y-%m-%d %H:%M:%S.%f",  # how pandas and many databases write a time with fractions
)
# Z or an offset: converted to London time. The space forms are how pandas writes such times.
OFFSET_FORMATS: tuple[str, ...] = (
    *("%Y-%m-%d" + time + "%z" for time in _ISO_TIMES),
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S.%f%z",
)
FORMATS = (*LOCAL_FORMATS, *OFFSET_FORMATS)

DATE_HELP = "write dates as 25/11/2026 or 2026-11-25"

_SAMPLE = 1000  # values looked at to decide which formats to try first
_NAT = np.datetime64("NaT", "us")


def parse_uk_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read a column of UK dates (and date-times); return ``(parsed, unreadable)``.

    ``parsed`` is naive ``datetime64[us]`` in Europe/London local time, NaT where the value is blank
    or cannot be read; ``unreadable`` is a boolean Series, True where a value was given but cannot
    be read (so blank = ``parsed.isna() & ~unreadable``). Both keep the index of ``values``.

    A column written in one format costs one ``pd.to_datetime`` pass: the formats that match a
    sample of the values are tried first, and each further format only sees what is still unread.
    """
    values = pd.Series(values, copy=False)
    index = values.index
    values = values.reset_index(drop=True)
    if values.dtype.kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = _as_london_naive(values).to_numpy()
        return _finish(parsed, np.zeros(len(parsed), dtype=bool), index)

    parsed = np.full(len(values), _NAT)
    unreadable = np.zeros(len(values), dtype=bool)
    text = values
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        text = _take_real_dates(values, parsed)  # XLSX cells: real dates kept, the rest as text

    given = text.notna().to_numpy()
    if given.all():
        got, bad = _parse_strings(text)
        return _finish(got, bad, index)
    todo = np.flatnonzero(given)
    if len(todo):
        got, bad = _parse_strings(pd.Series(text.to_numpy(dtype=object)[todo], dtype=object))
        parsed[todo], unreadable[todo] = got, bad
    return _finish(parsed, unreadable, index)


_TODAY: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("fsnb_today", default=None)


def today_in_london() -> dt.date:
    """Today's date in London: the as-of date whenever none is given (or the day `today_is` names)."""
    return _TODAY.get() or dt.datetime.now(LONDON).date()


@contextlib.contextmanager
def today_is(day: dt.date) -> Iterator[None]:
    """Take `day` as today (tests, and replaying records of another day), in this context only."""
    token = _TODAY.set(day)
    try:
        yield
    finally:
        _TODAY.reset(token)


def now_in_london() -> dt.datetime:
    """The London wall-clock time now (aware)."""
    return dt.datetime.now(LONDON)


def parse_uk_date(value, field: str | None = None) -> dt.date:
    """One date typed by a person (``--as-of``, ``FSNB_AS_OF``, a form's draft, a record's field).

    The same formats as a column (``parse_uk_datetimes``); a date or datetime is taken as it is.
    ValueError in plain words, opening with ``field`` when one is named.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    day = _parse_one(text) if text else None
    if day is not None:
        return day
    where = f"{field}: " if field else ""
    if text:
        raise ValueError(f"{where}'{text}' is not a date we can read; {DATE_HELP}.")
    raise ValueError(f"{where}no date was given; {DATE_HELP}." if field else f"No date was given; {DATE_HELP}.")


@lru_cache(maxsize=4096)
def _parse_one(text: str) -> dt.date | None:
    """A typed date read as a column of one (cached: forms and records repeat the same few dates).

    The two shapes nearly every stored and typed date has, ``2026-11-25`` and ``25/11/2026`` with two-digit
    day and month, are read straight into a date: a column of one costs about 1 ms of pandas, and opening a
    case's form reads every date of its past records (90 ms of a busy kernel). Any other text, an
    impossible day, or a year outside what a column accepts, is left to the column's reading, so the
    answer is always the column's (tests/test_dates.py checks the two agree)."""
    day = _read_plain_day(text)
    if day is not None:
        return day
    parsed, _unreadable = parse_uk_datetimes(pd.Series([text], dtype=object))
    return None if pd.isna(parsed.iloc[0]) else parsed.iloc[0].date()


def _read_plain_day(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (ASCII digits exactly so) as a date in the years a column
    accepts; None for anything else."""
    if len(text) != 10:
        return None
    if text[4] == text[7] == "-":
        year, month, day = text[:4], text[5:7], text[8:]
    elif text[2] == text[5] == "/":
        day, month, year = text[:2], text[3:5], text[6:]
    else:
        return None
    digits = year + month + day
    if not (digits.isascii() and digits.isdigit()) or not _FIRST_YEAR <= int(year) < _YEAR_AFTER_LAST:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _parse_strings(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Strings (no NA) by position: parsed values and unreadable flags as numpy arrays.

    A column with few distinct values (event dates) is parsed once per distinct value.
    """
    codes, uniques = _factorize_if_repetitive(text)
    if codes is None:
        return _parse_distinct(text.reset_index(drop=True))
    got, bad = _parse_distinct(pd.Series(uniques, dtype=object))
    return got[codes], bad[codes]


def _parse_distinct(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values are tried as given first (nearly always clean); only what is left over is stripped,
    so a clean column is never copied. Blank (or only spaces) is NaT but not unreadable."""
    result = np.full(len(text), _NAT)
    unreadable = np.zeros(len(text), dtype=bool)
    candidates = np.flatnonzero((text != "").to_numpy())
    left = _try_formats(text, candidates, result)
    if len(left):
        given = text.iloc[left].reset_index(drop=True)
        stripped = given.str.strip()
        filled = (stripped != "").to_numpy()
        changed = filled & (stripped != given).to_numpy()
        again = np.full(len(left), _NAT)
        still = _try_formats(stripped, np.flatnonzero(changed), again)
        result[left] = again
        bad = filled & ~changed
        bad[still] = True
        unreadable[left] = bad
    return result, unreadable


def _try_formats(text: pd.Series, positions: np.ndarray, result: np.ndarray) -> np.ndarray:
    """Parse ``text`` at ``positions`` into ``result``; return the positions no format reads."""
    left = positions
    if not len(left):
        return left
    formats = _formats_in_likely_order(text.iloc[left[:_SAMPLE]]) if len(left) > _SAMPLE else FORMATS
    for fmt in formats:
        got = _to_datetime(text if len(left) == len(text) else text.iloc[left], fmt)
        found = ~np.isnat(got)
        if found.any():
            result[left[found]] = got[found]
            left = left[~found]
            if not len(left):
                break
    return left


def _factorize_if_repetitive(text: pd.Series):
    """Codes and distinct values when a sample suggests many repeats (event dates); else None."""
    if len(text) < 4 * _SAMPLE or text.iloc[:_SAMPLE].nunique() > 0.9 * min(len(text), _SAMPLE):
        return None, None
    return pd.factorize(text.to_numpy(dtype=object), use_na_sentinel=False)


def _formats_in_likely_order(sample: pd.Series) -> list[str]:
    """Every format, those matching more of the sample first (ties keep the listed order).

    No two formats read the same text, so the order changes the cost, never the result."""
    hits = {}
    for fmt in FORMATS:
        hits[fmt] = int((~np.isnat(_to_datetime(sample, fmt))).sum())
        if hits[fmt] == len(sample):  # the whole sample in one format: try it first, then the rest
            return [fmt, *(other for other in FORMATS if other != fmt)]
    return sorted(FORMATS, key=lambda fmt: -hits[fmt])


def _to_datetime(text: pd.Series, fmt: str) -> np.ndarray:
    if fmt.endswith("%z"):
        got = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        return got.dt.tz_convert(LONDON).dt.tz_localize(None).to_numpy(dtype=DATETIME_DTYPE)
    return pd.to_datetime(text, format=fmt, errors="coerce").to_numpy(dtype=DATETIME_DTYPE)


def _take_real_dates(values: pd.Series, parsed: np.ndarray) -> pd.Series:
    """Put real dates (XLSX cells) straight into ``parsed``; return the other values as text, NA there."""
    is_date = values.map(lambda v: isinstance(v, dt.date | np.datetime64), na_action="ignore")
    is_date = is_date.fillna(False).astype(bool).to_numpy()
    if is_date.any():
        dates = pd.Series(pd.to_datetime(list(values[is_date]), utc=False))
        parsed[is_date] = _as_london_naive(dates).to_numpy()
    rest = values.where(~is_date, None)
    return rest.map(lambda v: v if isinstance(v, str) else str(v), na_action="ignore")


def _as_london_naive(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(LONDON).dt.tz_localize(None)
    return values.astype(DATETIME_DTYPE)


def _finish(parsed: np.ndarray, unreadable: np.ndarray, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    outside = (parsed < EARLIEST) | (parsed >= LATEST)  # NaT compares False
    if outside.any():
        parsed = np.where(outside, _NAT, parsed)
        unreadable = unreadable | outside
    return pd.Series(parsed, index=index, dtype=DATETIME_DTYPE), pd.Series(unreadable, index=index)
