"""Recording timeliness figures for any filter, fast enough to redraw a page on every change.

The figures behind the recording-timeliness page (and any notebook that wants them per filter):
`TimelinessFigures(assessed)` prepares the assessed notes once: each filterable column as integer codes
(team, worker, note type, month), event days as numbers, the rule, and the late and overdue notes
already in their display order. `figures(Filters(...))` then picks the selected notes and hands them to
`summarise_timeliness`, grouped by worker, team, month, note type and rule, so every count, % on time
and median is the package's own figure, worked out by its one rule (`timeliness.py`).

`days_taken_counts` splits recorded notes by working days taken and by the `timeliness` verdict the
rule gave each note; it never compares days taken with a deadline again (a note recorded on a Saturday
after a Friday deadline took no more working days, yet is late).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .timeliness import TIMELINESS_ORDER, late_and_overdue, summarise_timeliness
from .vocab import RULE_REASONS, RULE_RISK, RULE_STANDARD, TIMELINESS_LABELS, UNKNOWN, Timeliness

GROUPINGS = ("worker", "team", "month", "note_type", "rule")
# What a clicked figure stands for: the notes counted in a % on time (on time, late, overdue), or the
# recorded notes of a days-taken column (all of them, or those on time or late).
PARTS = ("counted", "recorded", "on_time", "late")
LATE = (TIMELINESS_ORDER.index(Timeliness.LATE.value), TIMELINESS_ORDER.index(Timeliness.OVERDUE.value))
DELETED = TIMELINESS_ORDER.index(Timeliness.DELETED.value)
MOST_DAYS_SHOWN = 15  # notes that took longer share the last column, labelled "15+"
DAY_LABELS = [str(d) for d in range(MOST_DAYS_SHOWN)] + [f"{MOST_DAYS_SHOWN}+"]
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

    def problems(self) -> list[tuple[str, str]]:
        """Filters that cannot all hold, as (filter, plain words): nothing would match, so nothing is drawn
        ("Events up to" before "Events from" is said, never ignored to give a silent blank chart)."""
        if self.date_from and self.date_to and self.date_to < self.date_from:
            return [("date_to", f"Events up to ({self.date_to:%d/%m/%Y}) is before Events from "
                                f"({self.date_from:%d/%m/%Y}): choose an end date on or after the start date.")]
        return []


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
    filters: Filters = Filters()  # what these figures were made for (a drill-down asks for the same notes)

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


def days_taken_counts(taken: np.ndarray, late: np.ndarray) -> pd.DataFrame:
    """Recorded notes by working days taken (0 .. 15+), split by the rule's verdict on each note.

    `taken` is working days taken (NaN when not recorded, or deleted); `late` whether the note's
    `timeliness` is late. "within_deadline" counts the notes recorded on time, "after_deadline" the late.
    """
    has = ~np.isnan(taken)
    days = np.minimum(taken[has], MOST_DAYS_SHOWN).astype(np.int64)
    after = np.asarray(late, dtype=bool)[has]
    size = MOST_DAYS_SHOWN + 1
    return pd.DataFrame({
        "working_days": DAY_LABELS,
        "within_deadline": np.bincount(days[~after], minlength=size),
        "after_deadline": np.bincount(days[after], minlength=size),
    })


def days_taken(assessed: pd.DataFrame) -> pd.DataFrame:
    """`days_taken_counts` for assessed notes (`assess_timeliness(...)`): deleted notes are in no figure."""
    status = assessed["timeliness"].astype(str).to_numpy()
    taken = assessed["working_days_taken"].to_numpy(dtype="float64", na_value=np.nan).copy()
    taken[status == Timeliness.DELETED.value] = np.nan
    return days_taken_counts(taken, status == Timeliness.LATE.value)


# -- the order the figures are shown in: a chart draws row i as its bar or point i, and a click on bar i opens
# what is behind row i's figure, so both read the order from here.


def on_time_rows(rows: pd.DataFrame, by: str, order: str = "lowest") -> pd.DataFrame:
    """The rows an on-time bar chart draws, in its order: bar i is row i (how a click finds its figure)."""
    counted = rows[rows["pct_on_time"].notna()]
    if order == "lowest":
        counted = counted.sort_values(["pct_on_time", by], kind="stable")
    return counted


def month_rows(by_month: pd.DataFrame) -> pd.DataFrame:
    """The months the trend draws, in order: point i is row i."""
    rows = by_month[by_month["pct_on_time"].notna()]
    return rows.assign(month=pd.to_datetime(rows["month"].astype("datetime64[ns]"))).sort_values("month")


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
        return (np.datetime64(int(lo), "D").astype(dt.date), np.datetime64(int(hi), "D").astype(dt.date))

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
        figures.filters = filters
        if mask is None:
            self.all_figures = figures
        return figures

    def _figures(self, mask: np.ndarray | None) -> Figures:
        if mask is None:
            pick = lambda a: a  # noqa: E731
        else:  # a few positions are quicker to take than a million booleans to test, thirteen times over
            rows = np.flatnonzero(mask) if mask.mean() < 0.5 else mask
            pick = lambda a: a[rows]  # noqa: E731
        status, taken = pick(self.status), pick(self.taken)
        notes = pd.DataFrame({"timeliness": _categorical(status, TIMELINESS_ORDER), "working_days_taken": taken})
        tables = {}
        for name in GROUPINGS:
            codes, categories = pick(self.codes[name]), self.categories[name]
            table = summarise_timeliness(notes, pd.Series(_categorical(codes, categories), name=name))
            if name == "month":
                table["month"] = pd.to_datetime(table["month"].astype("datetime64[ns]"))
            elif name == "rule":
                table["rule"] = table["rule"].astype(str)
            tables[name] = table
        late_keep = self.late_order if mask is None else self.late_order[mask[self.late_order]]
        return Figures(
            notes=len(status), overall=self._overall(notes),
            by_worker=tables["worker"], by_team=tables["team"], by_month=tables["month"],
            by_note_type=tables["note_type"], by_rule=tables["rule"],
            days_taken=days_taken_counts(taken, status == LATE[0]),
            late_positions=late_keep,
        )

    @staticmethod
    def _overall(notes: pd.DataFrame) -> dict:
        """All selected notes together, as `overall_timeliness` gives them."""
        one = pd.Series(_categorical(np.zeros(len(notes), dtype=np.int8), ["All notes"]), name="scope")
        rows = summarise_timeliness(notes, one)
        if rows.empty:
            return {c: 0 for c in ("notes", "on_time", "late", "overdue", "pending")} | {
                "pct_on_time": float("nan"), "median_working_days": float("nan")}
        return rows.iloc[0].drop("scope").to_dict()

    def late_frame(self, figures: Figures, limit: int | None = None) -> pd.DataFrame:
        """The late and overdue notes for these figures, most days late first (all of them unless `limit`)."""
        positions = figures.late_positions if limit is None else figures.late_positions[:limit]
        return self.assessed.iloc[positions]

    # -- drill-down: the notes behind a figure -------------------------------------------------------

    def positions_behind(self, filters: Filters, by: str | None = None, value=None, part: str = "counted") -> np.ndarray:
        """Where the notes behind one figure are, under the same filters.

        `by` names the chart's grouping (`worker`, `team`, `month`, `note_type`, `rule`, or `days_taken`) and
        `value` the bar or point clicked (a name, a month, a rule, or a days label "0" .. "15+"); None is the
        figure for every note shown. `part`: "counted" (on time, late and overdue: the notes a % on time
        counts), "recorded" (every recorded note), "on_time" or "late". Deleted notes are in no figure.
        """
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
        keep = self.mask(filters)
        keep = np.ones(self.n, dtype=bool) if keep is None else keep.copy()
        if by == "days_taken":
            label = str(value)
            day = MOST_DAYS_SHOWN if label == DAY_LABELS[-1] else int(label)
            taken = np.nan_to_num(self.taken, nan=-1)
            keep &= np.minimum(taken, MOST_DAYS_SHOWN) == day if day == MOST_DAYS_SHOWN else taken == day
        elif by is not None:
            if by not in GROUPINGS:
                raise ValueError(f"by must be one of {', '.join(GROUPINGS)} or days_taken, not {by!r}")
            if by == "month":
                value = pd.Timestamp(value).to_period("M").to_timestamp()
            code = int(self.categories[by].get_indexer([value])[0])
            keep &= self.codes[by] == code
        on_time, late, overdue = (TIMELINESS_ORDER.index(s.value) for s in
                                  (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.OVERDUE))
        wanted = {"counted": (on_time, late, overdue), "recorded": (on_time, late), "on_time": (on_time,),
                  "late": (late,)}[part]
        keep &= np.isin(self.status, wanted)
        return np.flatnonzero(keep)

    def notes_behind(self, filters: Filters, by: str | None = None, value=None, part: str = "counted",
                     limit: int | None = None) -> pd.DataFrame:
        """The notes behind one figure (see `positions_behind`), latest event first, each with the rule
        applied and why ("next working day: harm or risk identified") and its timeliness in words; the first
        `limit` of them when given (`len(positions_behind(...))` counts them all)."""
        return self.notes_at(self.positions_behind(filters, by, value, part), limit)

    def notes_at(self, positions: np.ndarray, limit: int | None = None) -> pd.DataFrame:
        """The notes at `positions` (from `positions_behind`), latest event first (ties in their order), with
        `why` and `outcome`; only the first `limit` are taken from the notes, so a page showing the first
        hundred of 300,000 notes pays for a sort of day numbers, not a copy of every row."""
        positions = np.asarray(positions)
        order = positions[np.argsort(-self.day[positions], kind="stable")]
        rows = self.assessed.iloc[order if limit is None else order[:limit]]
        return rows.assign(
            why=rows["rule"].astype(str).map(RULE_REASONS),
            outcome=rows["timeliness"].astype(str).map({str(k): v for k, v in TIMELINESS_LABELS.items()}),
        )
