"""Recording timeliness figures for any filter, fast enough to redraw a page on every change.

`TimelinessFigures(assessed)` prepares the assessed notes once: each filterable column as integer codes
(team, worker, note type, month), event days as numbers, the risk flag, and the late and overdue notes
already in their display order. `figures(Filters(...))` then makes a boolean mask from those codes and
hands the selected notes to the package's own `summarise_timeliness`, grouped by worker, team, month,
note type and rule, so every count and % on time is the package's figure, worked out by its one rule.

The one thing worked out here rather than by `summarise_timeliness` is the median of working days taken:
its group-by median is most of the time a redraw takes on a million notes, and as working days are small
whole numbers the same medians come from one `bincount` per grouping (`group_medians`; the tests check
both agree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..timeliness import TIMELINESS_ORDER, late_and_overdue, summarise_timeliness
from ..vocab import RULE_RISK, RULE_STANDARD, UNKNOWN, Timeliness
from .dashboard_charts import days_taken_counts

GROUPINGS = ("worker", "team", "month", "note_type", "rule")
LATE = (TIMELINESS_ORDER.index(Timeliness.LATE.value), TIMELINESS_ORDER.index(Timeliness.OVERDUE.value))
DELETED = TIMELINESS_ORDER.index(Timeliness.DELETED.value)
RISK_CHOICES = {"all": "All notes", "risk": f"Risk identified ({RULE_RISK})", "no_risk": f"No risk ({RULE_STANDARD})"}


@dataclass(frozen=True)
class Filters:
    """What a page shows: None means everything. Dates are event dates, both ends included."""

    team: str | None = None
    worker: str | None = None
    note_type: str | None = None
    risk: str = "all"  # all, risk, no_risk
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def describe(self) -> str:
        """In words: 'team Newark, from 01/06/2026 to 30/09/2026, risk notes only'."""
        said = []
        if self.team is not None:
            said.append(f"team {self.team}")
        if self.worker is not None:
            said.append(f"worker {self.worker}")
        if self.note_type is not None:
            said.append(f"type of note {self.note_type}")
        if self.date_from and self.date_to:
            said.append(f"events from {self.date_from:%d/%m/%Y} to {self.date_to:%d/%m/%Y}")
        elif self.date_from:
            said.append(f"events from {self.date_from:%d/%m/%Y}")
        elif self.date_to:
            said.append(f"events up to {self.date_to:%d/%m/%Y}")
        if self.risk == "risk":
            said.append("risk notes only")
        elif self.risk == "no_risk":
            said.append("notes without risk only")
        return ", ".join(said)


@dataclass
class Figures:
    """The figures for one filter: the package's tables, plus the late list's first rows."""

    notes: int  # notes selected, deleted ones included
    overall: dict
    by_worker: pd.DataFrame
    by_team: pd.DataFrame
    by_month: pd.DataFrame
    by_note_type: pd.DataFrame
    by_rule: pd.DataFrame
    days_taken: pd.DataFrame
    late_positions: np.ndarray = field(repr=False)  # where the late and overdue notes are, in display order

    @property
    def late_total(self) -> int:
        return len(self.late_positions)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"worker": self.by_worker, "team": self.by_team, "month": self.by_month,
                "note_type": self.by_note_type, "rule": self.by_rule}


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and their categories (blank values become '(unknown)', as the package's figures do)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object).where(column.notna(), UNKNOWN).astype("category")
    return column.cat.codes.to_numpy().astype(np.int32), column.cat.categories


def _categorical(codes: np.ndarray, categories) -> pd.Categorical:
    """A categorical from codes known to be valid (no check over a million codes on every redraw)."""
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories), validate=False)


def _cell_medians(cells: np.ndarray, k: int, width: int) -> np.ndarray:
    """Group medians from histogram cells (group * width + value; -1 for none)."""
    counts = np.bincount(cells[cells >= 0], minlength=k * width).reshape(k, width)
    n = counts.sum(axis=1)
    below = counts.cumsum(axis=1)
    low = (below > ((n - 1) // 2)[:, None]).argmax(axis=1)
    high = (below > (n // 2)[:, None]).argmax(axis=1)
    out = (low + high) / 2.0
    out[n == 0] = np.nan
    return out


def group_medians(codes: np.ndarray, k: int, values: np.ndarray) -> np.ndarray:
    """The median of `values` (whole numbers >= 0, NaN ignored) in each of `k` groups; NaN for none.

    The same as pandas' group-by median (the mean of the two middle values when a group's count is even),
    from a histogram per group instead of a sort.
    """
    whole = np.where(np.isnan(values), -1, np.nan_to_num(values)).astype(np.int64)
    return _medians(codes.astype(np.int64), k, whole, max(1, int(whole.max()) + 1) if len(whole) else 1)


def _medians(codes: np.ndarray, k: int, whole: np.ndarray, width: int) -> np.ndarray:
    """`group_medians` for whole numbers already as int64, -1 meaning missing; `width` > every value."""
    cells = np.where((whole >= 0) & (codes >= 0), codes * width + whole, -1)
    return _cell_medians(cells, k, width)


class TimelinessFigures:
    """Assessed notes prepared once; `figures(filters)` for any filter."""

    def __init__(self, assessed: pd.DataFrame, top: int = 100):
        self.assessed = assessed
        self.top = top
        self.as_of = assessed.attrs.get("as_of")
        self.n = len(assessed)
        self.status = pd.Categorical(assessed["timeliness"], categories=TIMELINESS_ORDER).codes.astype(np.int8)
        self.taken = assessed["working_days_taken"].to_numpy(dtype="float64", na_value=np.nan)
        self.taken[self.status == DELETED] = np.nan  # deleted notes are in no figure
        self.whole = np.where(np.isnan(self.taken), -1, np.nan_to_num(self.taken)).astype(np.int64)
        self.width = max(1, int(self.whole.max()) + 1) if self.n else 1
        self.risk = (assessed["rule"].astype(str) == RULE_RISK).to_numpy()
        self.codes: dict[str, np.ndarray] = {}
        self.categories: dict[str, pd.Index] = {}
        for name in ("worker", "team", "note_type"):
            column = assessed[name] if name in assessed else pd.Series(UNKNOWN, index=assessed.index)
            self.codes[name], self.categories[name] = _codes(column)
        events = pd.to_datetime(assessed["event_date"])
        self.day = events.to_numpy().astype("datetime64[D]").astype(np.int64)
        month = events.dt.to_period("M").dt.to_timestamp()
        self.codes["month"], self.categories["month"] = _codes(month.astype("category"))
        self.codes["rule"] = self.risk.astype(np.int32)
        self.categories["rule"] = pd.Index([RULE_STANDARD, RULE_RISK])
        # For the medians: each note's (group, working days) cell of a histogram, -1 when it has no days.
        recorded = self.whole >= 0
        self.cells = {
            name: np.where(recorded & (codes >= 0), codes.astype(np.int64) * self.width + self.whole, -1)
            for name, codes in self.codes.items()
        }
        # The late and overdue notes in the package's order (most days late first), as positions.
        late = late_and_overdue(assessed.assign(_pos=np.arange(self.n)))
        self.late_order = late["_pos"].to_numpy()
        self.all_figures: Figures | None = None

    # -- choices for the filters --------------------------------------------------------------------

    def choices(self, name: str) -> list[str]:
        """The values of a column present in the notes (deleted notes left out), sorted."""
        present = np.unique(self.codes[name][(self.status != DELETED) & (self.codes[name] >= 0)])
        return [str(v) for v in self.categories[name][present]]

    def workers_in(self, team: str | None) -> list[str]:
        if team is None:
            return self.choices("worker")
        t = self._code("team", team)
        keep = (self.codes["team"] == t) & (self.status != DELETED)
        present = np.unique(self.codes["worker"][keep & (self.codes["worker"] >= 0)])
        return [str(v) for v in self.categories["worker"][present]]

    def date_span(self) -> tuple[dt.date | None, dt.date | None]:
        if not self.n:
            return None, None
        lo, hi = self.day.min(), self.day.max()
        return (np.datetime64(lo, "D").astype(dt.date), np.datetime64(hi, "D").astype(dt.date))

    def _code(self, name: str, value: str) -> int:
        found = self.categories[name].get_indexer([value])[0]
        return int(found)  # -1 when absent: selects nothing

    # -- figures ----------------------------------------------------------------------------------------

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which notes the filters keep (None: all of them)."""
        mask = None

        def both(m):
            nonlocal mask
            mask = m if mask is None else mask & m

        for name in ("team", "worker", "note_type"):
            value = getattr(filters, name)
            if value is not None:
                both(self.codes[name] == self._code(name, value))
        if filters.risk == "risk":
            both(self.risk)
        elif filters.risk == "no_risk":
            both(~self.risk)
        if filters.date_from is not None:
            both(self.day >= np.datetime64(filters.date_from, "D").astype(np.int64))
        if filters.date_to is not None:
            both(self.day <= np.datetime64(filters.date_to, "D").astype(np.int64))
        return mask

    def figures(self, filters: Filters = Filters()) -> Figures:
        mask = self.mask(filters)
        if mask is None and self.all_figures is not None:
            return self.all_figures
        figures = self._figures(mask)
        if mask is None:
            self.all_figures = figures
        return figures

    def _figures(self, mask: np.ndarray | None) -> Figures:
        if mask is None:
            pick = lambda a: a  # noqa: E731
        else:  # a few positions are quicker to take than a million booleans to test, thirteen times over
            rows = np.flatnonzero(mask) if mask.mean() < 0.5 else mask
            pick = lambda a: a[rows]  # noqa: E731
        status, whole = pick(self.status), pick(self.whole)
        notes = pd.DataFrame({
            "timeliness": _categorical(status, TIMELINESS_ORDER),
            # left out here: the medians come from _medians (see the module's docstring)
            "working_days_taken": np.full(len(status), np.nan),
        })
        tables = {}
        for name in GROUPINGS:
            codes, categories = pick(self.codes[name]), self.categories[name]
            table = summarise_timeliness(notes, pd.Series(_categorical(codes, categories), name=name))
            medians = _cell_medians(pick(self.cells[name]), len(categories), self.width)
            table["median_working_days"] = medians[table[name].cat.codes.to_numpy()] if len(table) else []
            if name == "month":
                table["month"] = pd.to_datetime(table["month"].astype("datetime64[ns]"))
            elif name == "rule":
                table["rule"] = table["rule"].astype(str)
            tables[name] = table
        late_keep = self.late_order if mask is None else self.late_order[mask[self.late_order]]
        return Figures(
            notes=len(status), overall=self._overall(notes, whole, self.width),
            by_worker=tables["worker"], by_team=tables["team"], by_month=tables["month"],
            by_note_type=tables["note_type"], by_rule=tables["rule"],
            days_taken=days_taken_counts(np.where(whole < 0, np.nan, whole), pick(self.risk)),
            late_positions=late_keep,
        )

    @staticmethod
    def _overall(notes: pd.DataFrame, whole: np.ndarray, width: int) -> dict:
        """All selected notes together, as `overall_timeliness` gives them."""
        one = pd.Series(_categorical(np.zeros(len(notes), dtype=np.int8), ["All notes"]), name="scope")
        rows = summarise_timeliness(notes, one)
        if rows.empty:
            return {c: 0 for c in ("notes", "on_time", "late", "overdue", "pending")} | {
                "pct_on_time": float("nan"), "median_working_days": float("nan")}
        median = float(_medians(np.zeros(len(whole), dtype=np.int64), 1, whole, width)[0])
        return rows.iloc[0].drop("scope").to_dict() | {"median_working_days": median}

    def late_frame(self, figures: Figures, limit: int | None = None) -> pd.DataFrame:
        """The late and overdue notes for these figures, most days late first (all of them unless `limit`)."""
        positions = figures.late_positions if limit is None else figures.late_positions[:limit]
        return self.assessed.iloc[positions]
