"""Recording timeliness: the rule inspectors and managers check by hand.

guidance: Timeliness and accuracy of records - "must be recorded on Mosaic within a maximum of
5 working days" and "If harm or injury has occurred, or potential harm or risk is identified,
recording must be completed by the following working day."
guidance: Case Recording Quality Standards - Record timeliness, "Time taken to make running
records on cases".

The exact semantics (DESIGN.md: Timeliness):
- due date: the Nth working day strictly after the event date (N = 1 with risk, else 5);
- a note is recorded when `recorded_at` is present and its status is Complete;
- on_time when the recorded date (London) is on or before the due date, else late;
  not recorded: overdue once the as-of date is past the due date, else pending;
- deleted notes are kept, marked `deleted`, and left out of every figure.
Everything works on whole columns; there is no loop over notes.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .calendar import WorkingCalendar, _as_day_array
from .vocab import (
    RECORDING_DEADLINE,
    RISK_RECORDING_DEADLINE,
    RULE_RISK,
    RULE_STANDARD,
    UNKNOWN,
    NoteStatus,
    Timeliness,
)

LONDON = ZoneInfo("Europe/London")

# Category order is the order figures and legends show them in.
TIMELINESS_ORDER = [t.value for t in Timeliness]
RULE_ORDER = [RULE_STANDARD, RULE_RISK]

# Counted in "% on time": on_time / (on_time + late + overdue). Pending and deleted notes are not.
COUNTED = (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.OVERDUE)


_TODAY: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("fsnb_today", default=None)


def today_in_london() -> dt.date:
    return _TODAY.get() or dt.datetime.now(LONDON).date()


@contextlib.contextmanager
def today_is(day: dt.date) -> Iterator[None]:
    """Take `day` as today (tests, and replaying records of another day), in this context only."""
    token = _TODAY.set(day)
    try:
        yield
    finally:
        _TODAY.reset(token)


def _as_of_day(as_of) -> np.datetime64:
    if as_of is None:
        as_of = today_in_london()
    return _as_day_array([as_of])[0]


def _status_codes(status: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_complete, is_deleted) boolean arrays. A blank status means Complete."""
    if status is None:
        return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    s = status.astype("category") if status.dtype != "category" else status
    cats = pd.Index([str(c).strip().casefold() for c in s.cat.categories])
    codes = s.cat.codes.to_numpy()
    complete_cats = np.flatnonzero(cats.isin(["", NoteStatus.COMPLETE.casefold(), "completed"]))
    deleted_cats = np.flatnonzero(cats == NoteStatus.DELETED.casefold())
    # A missing status (code -1) is blank, so Complete.
    is_complete = np.isin(codes, complete_cats) | (codes == -1)
    is_deleted = np.isin(codes, deleted_cats)
    return is_complete, is_deleted


def _risk_array(notes: pd.DataFrame) -> np.ndarray:
    if "risk_identified" not in notes:
        return np.zeros(len(notes), dtype=bool)
    risk = notes["risk_identified"]
    if risk.dtype == bool:
        return risk.to_numpy()
    return risk.fillna(False).astype(bool).to_numpy()


def assess_timeliness(
    notes: pd.DataFrame,
    calendar: WorkingCalendar | None = None,
    as_of: dt.date | str | None = None,
) -> pd.DataFrame:
    """Add `due_date`, `working_days_taken`, `days_late`, `timeliness` and `rule` to the notes.

    `notes` is what `read_extract` gives (at least `event_date`; `recorded_at`, `status` and
    `risk_identified` when the extract has them). `as_of` is the date figures are taken at
    (default: today in London); a note not recorded by then is overdue once its due date has passed.

    `days_late` is the number of calendar days after the due date the note was recorded (or, when
    overdue, the as-of date is); 0 for a note on time; missing for pending and deleted notes.
    """
    calendar = calendar or WorkingCalendar()
    n = len(notes)
    out = notes.copy()
    event = _as_day_array(notes["event_date"])
    if "recorded_at" in notes:
        recorded = _as_day_array(notes["recorded_at"])
    else:
        recorded = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    risk = _risk_array(notes)
    is_complete, is_deleted = _status_codes(notes.get("status"), n)
    as_of_day = _as_of_day(as_of)

    due = calendar.add_working_days(
        event, np.where(risk, RISK_RECORDING_DEADLINE.days, RECORDING_DEADLINE.days)
    )
    is_recorded = is_complete & ~np.isnat(recorded)
    taken = calendar.working_days_between(event, recorded)

    late_by = np.where(is_recorded, recorded, as_of_day) - due  # timedelta64[D]
    late_by = late_by.astype(np.int64)
    on_time = is_recorded & (late_by <= 0)
    late = is_recorded & (late_by > 0)
    overdue = ~is_recorded & (as_of_day > due)

    # Codes follow TIMELINESS_ORDER: on_time, late, overdue, pending, deleted.
    codes = np.full(n, 3, dtype=np.int8)
    codes[on_time] = 0
    codes[late] = 1
    codes[overdue] = 2
    codes[is_deleted] = 4

    out["due_date"] = due.astype("datetime64[s]")
    out["working_days_taken"] = pd.array(
        np.where(is_recorded & ~is_deleted, taken, 0), dtype="Int64"
    )
    out.loc[~(is_recorded & ~is_deleted), "working_days_taken"] = pd.NA
    counted_late = (codes == 0) | (codes == 1) | (codes == 2)
    days_late = pd.array(np.maximum(late_by, 0), dtype="Int64")
    days_late[~counted_late] = pd.NA
    out["days_late"] = days_late
    out["timeliness"] = pd.Categorical.from_codes(codes, categories=TIMELINESS_ORDER)
    out["rule"] = pd.Categorical.from_codes(risk.astype(np.int8), categories=RULE_ORDER)
    out.attrs["as_of"] = as_of_day.astype(dt.date)
    return out


# -- figures --------------------------------------------------------------------------------------

FIGURE_COLUMNS = [
    "notes", "on_time", "late", "overdue", "pending", "pct_on_time", "median_working_days",
]


def summarise_timeliness(assessed: pd.DataFrame, by: str | list[str] | pd.Series) -> pd.DataFrame:
    """Counts, % on time and median working days taken, per group. Deleted notes are left out.

    `notes` counts the notes in the figures (on time + late + overdue + pending).
    `pct_on_time` = on_time / (on_time + late + overdue) * 100, missing when nothing is counted yet.
    Groups with no notes are not listed. Works on category codes with `bincount`: no loop, no
    row-wise Python.
    """
    if isinstance(by, pd.Series):
        frame = by.to_frame()
    else:
        frame = assessed[[by] if isinstance(by, str) else by]
    names = list(frame.columns)
    if len(names) == 1:
        codes, uniques = pd.factorize(frame.iloc[:, 0], sort=True)
        index = pd.Index(uniques, name=names[0])
    else:
        grouped = frame.groupby(names, sort=True, observed=True, dropna=False)
        codes = grouped.ngroup().to_numpy()
        index = pd.MultiIndex.from_tuples(list(grouped.groups.keys()), names=names)
    status = pd.Categorical(assessed["timeliness"], categories=TIMELINESS_ORDER).codes.astype(np.int64)
    keep = (status != TIMELINESS_ORDER.index(Timeliness.DELETED.value)) & (codes >= 0)
    codes, status = codes[keep], status[keep]
    k = len(index)
    counts = np.bincount(codes * 5 + status, minlength=k * 5).reshape(k, 5)[:, :4]
    result = pd.DataFrame(counts, index=index, columns=TIMELINESS_ORDER[:4])
    result.insert(0, "notes", counts.sum(axis=1))
    counted = counts[:, :3].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        result["pct_on_time"] = np.round(100 * counts[:, 0] / np.where(counted > 0, counted, np.nan), 1)
    taken = assessed["working_days_taken"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    result["median_working_days"] = group_medians(codes, k, taken)
    result = result[result["notes"] > 0]
    return result.reset_index()


def group_medians(codes: np.ndarray, k: int, values: np.ndarray) -> np.ndarray:
    """The median of `values` in each of `k` groups (`codes` 0..k-1, -1 for none); NaN for a group with no values.

    `values` are working days taken: whole numbers >= 0, NaN for a note not recorded. The same figure as a
    group-by median (the mean of the two middle values when a group's count is even), from one histogram
    per group instead of a sort: on a million notes a redraw's medians take milliseconds.
    """
    codes = np.asarray(codes, dtype=np.int64)
    has = ~np.isnan(values) & (codes >= 0)
    whole = values[has].astype(np.int64)
    groups = codes[has]
    width = int(whole.max()) + 1 if len(whole) else 1
    counts = np.bincount(groups * width + whole, minlength=k * width).reshape(k, width)
    n = counts.sum(axis=1)
    below = counts.cumsum(axis=1)
    low = (below > ((n - 1) // 2)[:, None]).argmax(axis=1)
    high = (below > (n // 2)[:, None]).argmax(axis=1)
    out = (low + high) / 2.0
    out[n == 0] = np.nan
    return out


def _group_column(assessed: pd.DataFrame, column: str) -> pd.Series:
    if column in assessed:
        col = assessed[column]
        return col.astype("object").where(col.notna(), UNKNOWN) if col.dtype != "category" else col
    return pd.Series(UNKNOWN, index=assessed.index, name=column)


def timeliness_by_worker(assessed: pd.DataFrame) -> pd.DataFrame:
    """One row per worker: notes, on_time, late, overdue, pending, pct_on_time, median_working_days."""
    return summarise_timeliness(assessed, _group_column(assessed, "worker").rename("worker"))


def timeliness_by_team(assessed: pd.DataFrame) -> pd.DataFrame:
    """One row per team, the same figures as by worker."""
    return summarise_timeliness(assessed, _group_column(assessed, "team").rename("team"))


def timeliness_by_month(assessed: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar month of the event date (`month` is the first day of the month)."""
    month = assessed["event_date"].dt.to_period("M").dt.to_timestamp().rename("month")
    return summarise_timeliness(assessed, month)


def timeliness_by_note_type(assessed: pd.DataFrame) -> pd.DataFrame:
    """One row per note type."""
    return summarise_timeliness(assessed, _group_column(assessed, "note_type").rename("note_type"))


def timeliness_by_rule(assessed: pd.DataFrame) -> pd.DataFrame:
    """Risk notes (next working day) apart from the rest (5 working days)."""
    return summarise_timeliness(assessed, assessed["rule"].rename("rule"))


def overall_timeliness(assessed: pd.DataFrame) -> dict:
    """The headline figures for all notes together, as a plain dict."""
    one = pd.Series("All notes", index=assessed.index, name="scope")
    rows = summarise_timeliness(assessed, one)
    if rows.empty:
        return {c: 0 for c in FIGURE_COLUMNS} | {"pct_on_time": float("nan"), "median_working_days": float("nan")}
    return rows.iloc[0].drop("scope").to_dict()


def late_and_overdue(assessed: pd.DataFrame) -> pd.DataFrame:
    """The notes recorded late or still overdue, most days late first."""
    mask = assessed["timeliness"].isin([Timeliness.LATE.value, Timeliness.OVERDUE.value])
    return assessed[mask].sort_values(["days_late", "due_date"], ascending=[False, True])
