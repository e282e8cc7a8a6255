"""Small helpers for the analyst notebooks (notebooks/01-04): pure pandas, no widgets, charts or database.

- `explain_due_dates`: worked examples of the timeliness rule, naming the days it skipped and why;
- `reading_summary` and `rejects_by_reason`: what `read_extract` did with a file, and the rows it could
  not use grouped by the kind of problem, with what to do about each (the reject checks' own words,
  `rejects.REJECT_CHECKS`);
- `write_council_extract` and `write_mapping`: a synthetic extract with a council's own header names
  (and, on request, the kinds of bad rows real extracts have), and its column mapping;
- `file_rows` and `fix_rows`: rows of a CSV file as written, and a corrected copy, by the row numbers
  a spreadsheet (and the rejects) show;
- `children_views_frame`: what children said, and when, from a case's supervision records.

The timeliness rule itself lives in `timeliness.py` and is only called here, never restated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .dates import DATE_HELP, parse_uk_datetimes
from .demo import make_demo_extract
from .errors import WorkbookError
from .extract import ExtractResult
from .rejects import rejects_by_reason as rejects_by_reason
from .timeliness import assess_timeliness
from .vocab import EXTRACT_COLUMNS, UK_DATE, normalised
from .working_days import WorkingCalendar, as_day_array

# -- worked examples of the rule ------------------------------------------------------------------

# (example, event date, risk identified): the cases people ask about. DESIGN.md: Timeliness.
WORKED_EXAMPLES: tuple[tuple[str, str, bool], ...] = (
    ("An ordinary Monday", "2026-11-16", False),
    ("An ordinary Monday, risk identified", "2026-11-16", True),
    ("A Saturday visit", "2026-11-21", False),
    ("A Saturday visit, risk identified", "2026-11-21", True),
    ("Good Friday", "2026-04-03", False),
    ("Good Friday, risk identified", "2026-04-03", True),
    ("Just before Christmas", "2026-12-23", False),
    ("Just before Christmas, risk identified", "2026-12-23", True),
    ("The Friday before the Queen's state funeral", "2022-09-16", False),
    ("The Friday before the Queen's state funeral, risk identified", "2022-09-16", True),
)


def worked_examples() -> pd.DataFrame:
    """The standard worked examples as a table (example, event_date, risk_identified)."""
    frame = pd.DataFrame(list(WORKED_EXAMPLES), columns=["example", "event_date", "risk_identified"])
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%Y-%m-%d")
    return frame


def _day_text(day: np.datetime64) -> str:
    return pd.Timestamp(day).strftime(f"%a {UK_DATE}")


def _why_not_working(day: np.datetime64, calendar: WorkingCalendar) -> str:
    """'Saturday', 'Good Friday', 'Saturday, Boxing Day' or 'Council closure day'."""
    name = calendar.bank_holiday_name(day)
    weekday = pd.Timestamp(day).day_name()
    if pd.Timestamp(day).day_of_week >= 5:
        return f"{weekday}, {name}" if name else weekday
    return name or "not a working day"


def _event_dates(values: pd.Series) -> pd.Series:
    """Dates, or text written the UK way (23/12/2026, 2026-12-23, 23-Dec-2026), as a datetime column."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).dt.normalize()
    parsed, unreadable = parse_uk_datetimes(values.astype("object").map(lambda v: v if isinstance(v, str) else str(v)))
    if unreadable.any() or parsed.isna().any():
        bad = values[(unreadable | parsed.isna()).to_numpy()].iloc[0]
        raise WorkbookError(f"'{bad}' is not a date we can read; {DATE_HELP}.")
    return parsed.dt.normalize()


def explain_due_dates(
    events: pd.DataFrame | None = None, calendar: WorkingCalendar | None = None
) -> pd.DataFrame:
    """Worked examples: when a note about each event is due, and which days were skipped, by name.

    `events` has an `event_date` column, and optionally `risk_identified` (default no) and `example`
    (a label); by default the standard examples (`worked_examples()`). The due date comes from
    `assess_timeliness`, the one rule; this only explains it. Columns: example, event_date,
    event_day (a working day, or why not: the event day itself never counts), risk_identified, rule,
    due_date, working_days_counted (the working days the rule counted, in order) and days_skipped
    (the days in between that are not working days, each with its reason).
    """
    calendar = calendar or WorkingCalendar()
    events = worked_examples() if events is None else events.reset_index(drop=True)
    notes = pd.DataFrame({
        "event_date": _event_dates(events["event_date"]),
        "risk_identified": (
            events["risk_identified"].fillna(False).astype(bool)
            if "risk_identified" in events else False
        ),
    })
    assessed = assess_timeliness(notes, calendar=calendar, as_of=notes["event_date"].min())
    event = as_day_array(assessed["event_date"])
    due = as_day_array(assessed["due_date"])
    # Explaining a handful of examples day by day; the rule itself stays whole-column.
    counted, skipped, event_day = [], [], []
    for start, end in zip(event, due, strict=True):
        days = np.arange(start + 1, end + 1, dtype="datetime64[D]")
        working = calendar.is_working_day(days)
        counted.append(", ".join(_day_text(d) for d in days[working]))
        skipped.append("; ".join(f"{_day_text(d)} ({_why_not_working(d, calendar)})" for d in days[~working])
                       or "none")
        event_day.append(
            "a working day" if calendar.is_working_day([start])[0]
            else f"{_why_not_working(start, calendar)}: the event day never counts"
        )
    label = events["example"] if "example" in events else pd.Series([""] * len(events))
    return pd.DataFrame({
        "example": label.to_numpy(),
        "event_date": [_day_text(d) for d in event],
        "event_day": event_day,
        "risk_identified": np.where(assessed["risk_identified"].to_numpy(), "Yes", "No"),
        "rule": assessed["rule"].astype(str).to_numpy(),
        "due_date": [_day_text(d) for d in due],
        "working_days_counted": counted,
        "days_skipped": skipped,
    })


# -- what read_extract did --------------------------------------------------------------------------


def reading_summary(result: ExtractResult) -> pd.DataFrame:
    """Rows read, notes accepted, rows rejected, and whether they add up (they always should)."""
    accepted, rejected = len(result.notes), len(result.rejects)
    return pd.DataFrame({
        "what": ["Rows read from the file", "Accepted as notes", "Rejected (see the rejects)",
                 "Accepted + rejected = rows read?"],
        "rows": [f"{result.rows_in:,}", f"{accepted:,}", f"{rejected:,}",
                 "Yes" if accepted + rejected == result.rows_in else "No: please report this"],
    })


# -- a council-style synthetic extract ---------------------------------------------------------------

# A council's own header names for the canonical columns (DESIGN.md: Running-record extract).
COUNCIL_HEADERS: dict[str, str] = {
    "note_id": "Case Note ID",
    "case_id": "Family Ref",
    "worker": "Practitioner",
    "team": "Locality Team",
    "note_type": "Case Note Type",
    "event_date": "Date of Contact",
    "recorded_at": "Completed On",
    "risk_identified": "Risk Identified?",
    "status": "Note Status",
}
WORKER_ROLE = "Worker Role"  # a column with no canonical name: kept and passed through
COUNCIL_ORDER = ("case_id", "note_id", "event_date", "note_type", "worker", WORKER_ROLE, "team",
                 "risk_identified", "recorded_at", "status")
ROLES = ("Early Help Case Manager", "Play and Family Worker")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The bad rows `write_council_extract(with_problems=True)` puts in, at fixed places (0-based data
# rows; a spreadsheet shows data row i as row i + 2). Each problem row's dates are fixed, so the
# corrections in notebook 01 never depend on the random part of the data.
MONTH_FIRST_ROW, BLANK_ID_ROW, REPEATED_ROW, EXCEL_SERIAL_ROW = 7, 14, 21, 30
_FIXED_DATES = {
    MONTH_FIRST_ROW: ("13/04/2026", "14/04/2026 11:20"),
    BLANK_ID_ROW: ("22/06/2026", "23/06/2026 16:05"),
    EXCEL_SERIAL_ROW: ("09/04/2026", "10/04/2026 10:30"),
}
MONTH_FIRST_WRITTEN = "04/13/2026"
EXCEL_SERIAL_WRITTEN = "46122.4375"  # Excel's serial number for 10/04/2026 10:30


@dataclass(frozen=True)
class CouncilExtract:
    """The files `write_council_extract` wrote."""

    extract: Path
    mapping: Path
    columns: dict[str, str]  # canonical name -> the council's header


def council_note_ids(n: int, seed: int) -> list[str]:
    """The council's note ids: 'CN' and seven digits, in order."""
    start = 4_000_000 + 100_000 * (seed % 10)
    return [f"CN{start + i:07d}" for i in range(1, n + 1)]


def make_council_extract(
    rows: int = 1500, seed: int = 11, as_of: dt.date = dt.date(2026, 11, 25), with_problems: bool = True
) -> pd.DataFrame:
    """A synthetic extract as a council's report might give it: its own headers and column order,
    event dates written 18-Nov-2026, an extra 'Worker Role' column; with `with_problems`, four bad rows
    (a month-first date, a blank note id, a note exported twice, an Excel serial number for a date)."""
    if rows < EXCEL_SERIAL_ROW + 1:
        raise WorkbookError(f"A council-style extract needs at least {EXCEL_SERIAL_ROW + 1} rows.")
    base = make_demo_extract(rows=rows, seed=seed, as_of=as_of)
    base["note_id"] = council_note_ids(rows, seed)
    for row, (event, recorded) in _FIXED_DATES.items():
        base.loc[row, ["event_date", "recorded_at", "status"]] = [event, recorded, "Complete"]
    event = pd.to_datetime(base["event_date"], format=UK_DATE)
    base["event_date"] = (
        event.dt.strftime("%d-") + np.array(_MONTHS, dtype=object)[event.dt.month - 1] + event.dt.strftime("-%Y")
    )
    base["recorded_at"] = base["recorded_at"].str.slice(0, 16)  # Mosaic's report drops the seconds
    workers = sorted(base["worker"].unique())
    role_of = {w: ROLES[int(i % 3 == 2)] for i, w in enumerate(workers)}
    base[WORKER_ROLE] = base["worker"].map(role_of)
    if with_problems:
        base.loc[MONTH_FIRST_ROW, "event_date"] = MONTH_FIRST_WRITTEN
        base.loc[BLANK_ID_ROW, "note_id"] = ""
        base.loc[EXCEL_SERIAL_ROW, "recorded_at"] = EXCEL_SERIAL_WRITTEN
        copy = base.iloc[[REPEATED_ROW - 1]]  # the row before, exported a second time
        base = pd.concat([base.iloc[:REPEATED_ROW], copy, base.iloc[REPEATED_ROW:]], ignore_index=True)
    frame = base[list(COUNCIL_ORDER)]
    return frame.rename(columns=COUNCIL_HEADERS)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string is escaped the same way


def write_mapping(path: str | Path, columns: Mapping[str, str]) -> Path:
    """Write a column mapping file (TOML, `[columns]` of canonical = "Their Header") for read_extract."""
    unknown = [c for c in columns if c not in EXTRACT_COLUMNS]
    if unknown:
        raise WorkbookError(
            f"'{unknown[0]}' is not one of our columns: {', '.join(EXTRACT_COLUMNS)}."
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Our column name = the header in your extract.", "[columns]"]
    lines += [f"{canonical} = {_toml_string(theirs)}" for canonical, theirs in columns.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_council_extract(
    folder: str | Path, rows: int = 1500, seed: int = 11, as_of: dt.date = dt.date(2026, 11, 25),
    with_problems: bool = True, name: str = "council-extract.csv",
) -> CouncilExtract:
    """Write a synthetic council-style extract (CSV, UTF-8) and its mapping file into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    extract = folder / name
    make_council_extract(rows, seed, as_of, with_problems).to_csv(extract, index=False)
    mapping = write_mapping(folder / "council-columns.toml", COUNCIL_HEADERS)
    return CouncilExtract(extract=extract, mapping=mapping, columns=dict(COUNCIL_HEADERS))


# -- correcting a CSV file by row number -----------------------------------------------------------


def _read_records(path: Path) -> tuple[list[list[str]], str, str]:
    """A CSV file's records as the csv module reads them (record 0 is the header, row 1), its encoding
    and line ending. A blank line is a record of its own, so it keeps its row number."""
    if path.suffix.lower() != ".csv":
        raise WorkbookError(f"{path.name} is not a CSV file; open an Excel file in Excel.")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data.decode("utf-8-sig"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = data.decode("cp1252"), "cp1252"
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        raise WorkbookError(f"The file {path.name} is empty.")
    return records, encoding, "\r\n" if "\r\n" in text else "\n"


def file_rows(path: str | Path, rows: Iterable[int]) -> pd.DataFrame:
    """Rows of a CSV file exactly as written, by row number as a spreadsheet shows them (the header is
    row 1): every value as text, under the file's own headers, with `row_number` first."""
    path = Path(path)
    records, _, _ = _read_records(path)
    header = records[0]
    wanted = [int(r) for r in rows if 2 <= int(r) <= len(records)]
    body = [(records[r - 1] + [""] * len(header))[: len(header)] for r in wanted]
    frame = pd.DataFrame(body, columns=header, dtype="object")
    frame.insert(0, "row_number", wanted)
    return frame


def fix_rows(
    path: str | Path, fixes: Mapping[int, Mapping[str, str] | None], out: str | Path | None = None
) -> Path:
    """Write a corrected copy of a CSV extract; the original is never changed unless `out` names it.

    `fixes` maps a row number, as the rejects and a spreadsheet show it (the header is row 1), to the
    new values for that row by column header ({"Date of Contact": "13/04/2026"}), or to None to remove
    the row. Rows are counted the way `read_extract` counts them: a quoted value spanning lines is one
    row. Everything else in the file is written back as it was read. Returns the corrected file's path.
    """
    path = Path(path)
    out = Path(out) if out is not None else path.with_name(f"{path.stem}-corrected{path.suffix}")
    records, encoding, ending = _read_records(path)
    fixes = {int(row): values for row, values in fixes.items()}
    header = records[0]
    where = {h: i for i, h in enumerate(header)}
    normal = {normalised(h): i for i, h in enumerate(header)}
    last = len(records)  # row numbers run 2..last
    for row, values in fixes.items():
        if not 2 <= row <= last:
            raise WorkbookError(f"Row {row} is not a data row of {path.name} (its data rows are 2 to {last}).")
        for column in values or {}:
            if column not in where and normalised(column) not in normal:
                raise WorkbookError(
                    f"{path.name} has no column called '{column}'. Its columns are: {', '.join(header)}."
                )
    kept = [header]
    for number, record in enumerate(records[1:], start=2):
        if number in fixes and fixes[number] is None:
            continue
        if number in fixes:
            record = record + [""] * (len(header) - len(record))
            for column, value in fixes[number].items():
                record[where.get(column, normal.get(normalised(column)))] = "" if value is None else str(value)
        kept.append(record)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=ending).writerows(kept)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue().encode(encoding))
    return out



# -- children's views over time ---------------------------------------------------------------------------
# guidance: Supervision Recording Expectations - "A record of when children have been spoken to and what their
# views and feelings are". `Store.oversight_data` gives when each child was spoken to; the views themselves
# are in the records `Store.previous_supervisions` gives, which this turns into a table.


def children_views_frame(discussions: Iterable) -> pd.DataFrame:
    """When each child was spoken to and what they said, one row per child spoken to per case discussion, by child and
    date: case_id, child_id, child (pseudonym), discussed_on, spoken_to_on, seen_alone, views_and_feelings."""
    ordered = sorted(discussions, key=lambda d: d.event_date)
    rows = [{
        "case_id": d.case_id, "child_id": c.child_id, "child": c.pseudonym,
        "discussed_on": pd.Timestamp(d.event_date), "spoken_to_on": pd.Timestamp(c.date_spoken_to),
        "seen_alone": c.seen_alone, "views_and_feelings": c.views_and_feelings,
    } for d in ordered for c in d.children if c.not_spoken_to is None]  # a child not spoken to has no views
    columns = ["case_id", "child_id", "child", "discussed_on", "spoken_to_on", "seen_alone", "views_and_feelings"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["case_id", "child_id", "discussed_on"], kind="stable").reset_index(drop=True)
