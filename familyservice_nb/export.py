"""Writing tables for people: CSV with ISO dates, and Excel, every text cell and header made safe.

ISO dates (YYYY-MM-DD) in CSV files, because no spreadsheet misreads them; screens show UK dates, and an
Excel file holds real dates shown dd/mm/yyyy (`write_excel`), which Excel sorts and filters as dates.
DESIGN.md: spreadsheet exports neutralise cells that begin with =, +, - or @. Every file the workbook
writes for a spreadsheet (the command line's CSV, `write_excel`, the pages' downloads) goes through
`excel_safe`, one function:
- text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return,
  after any spaces; OWASP's CSV injection guidance) gets an apostrophe in front, so it stays text;
- characters a spreadsheet cannot hold (control characters such as the vertical tab Word pastes for a
  line break) are replaced, never fatal: a vertical tab, form feed or carriage return becomes a line
  break, any other becomes the replacement character (U+FFFD).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import WorkbookError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
# What Excel (and openpyxl, which refuses them) cannot hold in a cell: C0 controls other than tab,
# line feed and carriage return.
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_UNHOLDABLE = re.compile(r"[\x00-\x08\x0e-\x1f]")
_FORMULA_LIKE = re.compile(r"^[ ]*[=+\-@\t\r]")


def _iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            has_time = bool((col.dropna() != col.dropna().dt.normalize()).any())
            out[name] = col.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")
        elif col.dtype == bool:
            out[name] = col.map({True: "Yes", False: "No"})
    return out


def neutralise(value):
    """One cell made safe for a spreadsheet: characters it cannot hold replaced, and text it would run
    as a formula prefixed with an apostrophe. Anything but text is returned as it is."""
    if not isinstance(value, str):
        return value
    if _LINE_BREAKS.search(value):
        value = _LINE_BREAKS.sub("\n", value)
    if _UNHOLDABLE.search(value):
        value = _UNHOLDABLE.sub(REPLACEMENT, value)
    formula_like = _FORMULA_LIKE.match(value)
    if "\r" in value:  # one kind of line break: a lone carriage return splits a CSV row in Excel
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if formula_like else value


_NEEDS_CARE = re.compile(r"^[ ]*[=+\-@\t\r]|[\x00-\x08\x0b-\x1f]")


def _safe_column(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype):
        categories = [neutralise(c) for c in col.cat.categories]
        if len(set(categories)) == len(categories):
            return col.cat.rename_categories(categories)
        col = col.astype(object)
    if col.dtype == object or pd.api.types.is_string_dtype(col):
        # Whole-column search; only the few cells that need it go through `neutralise`.
        needs = col.astype(object).str.contains(_NEEDS_CARE, na=False)
        if needs.any():
            col = col.astype(object).copy()
            col[needs] = col[needs].map(neutralise)
    return col


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` fit for a spreadsheet: every text cell and every column header through
    `neutralise`; numbers and dates stay as they are."""
    out = frame.copy()
    for position in range(out.shape[1]):
        out.isetitem(position, _safe_column(out.iloc[:, position]))
    out.columns = [neutralise(name) for name in out.columns]
    return out


neutralise_text = excel_safe  # the earlier name


def plain_labels(values) -> np.ndarray:
    """Names (workers, teams, note types...) as chart labels that show as text, never as markup.

    plotly draws a subset of HTML in labels and hover text (`<a href>`, `<b>`, `<br>`): a worker named
    `<a href="http://x.invalid">` became a live link inside a chart. `<`, `>` and `&` are written as
    entities, which plotly shows as the characters themselves. Every chart builder passes its category
    labels through here."""
    text = pd.Series(np.asarray(values, dtype=object)).astype(str)
    return (text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).to_numpy(dtype=object))


def plain_label(value) -> str:
    """One name as a chart label that shows as text (see `plain_labels`)."""
    return str(plain_labels([value])[0])


def write_file(data: bytes, path: str | Path) -> Path:
    """Write a finished file (a PDF, a Word document, a chart), its folder made if need be; a file that
    cannot be written is a WorkbookError in plain words."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise WorkbookError(f"The file '{path}' cannot be written ({exc.strerror or exc}).") from None
    return path


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """A UTF-8 CSV with ISO dates and Yes/No flags, every text cell and header made safe (`excel_safe`)."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    _iso_dates(excel_safe(frame)).to_csv(path, index=False, encoding="utf-8")  # dates need no scan
    return path


ABOUT_SHEET = "About this file"  # a download's sheet of plain lines: when the figures were taken, the filters
UK_DATE_FORMAT = "dd/mm/yyyy"  # how Excel shows a date column (a real date, sortable and filterable)
UK_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
SHEET_NAME_LIMIT = 31  # Excel's
_WHOLE_NUMBER = re.compile(r"^(?:0|[1-9][0-9]{0,14})$")  # no leading zero (kept as text), within Excel's precision
_WIDTH_SAMPLE = 2000  # rows looked at for a column's width
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def write_excel(sheets: dict[str, pd.DataFrame] | pd.DataFrame, path) -> None:
    """An .xlsx file (a path or a binary file object), one sheet per table, every text cell and header
    made safe (`excel_safe`), sheet names too (cut at a word at 31 characters, never made the same).

    Laid out for reading: dates are Excel dates shown dd/mm/yyyy (dd/mm/yyyy hh:mm when a column has times),
    text that is a whole number (a record's number) is a number, columns are as wide as what they hold, and
    each table's header row is frozen with an autofilter on it. The `ABOUT_SHEET` is plain lines."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1": sheets}
    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet_name = _unique(_sheet_name(name), used)
            cells, formats = _for_excel_cells(frame)  # dates and numbers first: `excel_safe` reads text
            prepared = excel_safe(cells)
            prepared.to_excel(writer, sheet_name=sheet_name, index=False)
            _lay_out(writer.sheets[sheet_name], prepared, formats, table=str(name) != ABOUT_SHEET)


def _is_dates(col: pd.Series) -> bool:
    """A column of dates or datetimes (datetime64, or Python dates and datetimes with blanks)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return True
    if col.dtype != object:
        return False
    present = col.dropna()
    return bool(len(present)) and all(isinstance(v, (dt.date, pd.Timestamp)) for v in present)


def _for_excel_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str]]:
    """Dates as naive datetimes with their UK number format (by column position), whole-number text as numbers."""
    out = frame.copy()
    formats: dict[int, str] = {}
    for position in range(out.shape[1]):
        col = out.iloc[:, position]
        if _is_dates(col):
            if not pd.api.types.is_datetime64_any_dtype(col):
                col = pd.to_datetime(col.astype(object), errors="coerce", utc=any(
                    getattr(v, "tzinfo", None) is not None for v in col.dropna()))
            if isinstance(col.dtype, pd.DatetimeTZDtype):
                col = col.dt.tz_localize(None)  # Excel holds no time zone: the wall-clock time as stored
            present = col.dropna()
            has_time = bool((present != present.dt.normalize()).any())
            formats[position] = UK_DATETIME_FORMAT if has_time else UK_DATE_FORMAT
            out.isetitem(position, col)
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            present = col.dropna()
            if len(present) and _WHOLE_NUMBER.match(str(present.iloc[0])) and present.map(lambda v: isinstance(v, str)).all() and \
                    present.str.fullmatch(_WHOLE_NUMBER).all():
                out.isetitem(position, pd.to_numeric(col.astype(object), errors="coerce").astype("Int64"))
    return out, formats


def _width(col: pd.Series, heading, number_format: str | None, widest: int = _MAX_WIDTH) -> float:
    """A column's width in characters: its heading or its longest (first) line, within bounds."""
    if number_format is not None:
        longest = len(number_format)
    else:
        sample = col.head(_WIDTH_SAMPLE).dropna()
        text = sample.astype(str).str.split("\n").str[0] if len(sample) else sample
        longest = int(text.str.len().max()) if len(text) else 0
    return float(min(max(longest, len(str(heading)), _MIN_WIDTH), widest) + 2)


def _lay_out(sheet, frame: pd.DataFrame, formats: dict[int, str], *, table: bool) -> None:
    from openpyxl.utils import get_column_letter

    for position in range(frame.shape[1]):
        letter = get_column_letter(position + 1)
        number_format = formats.get(position)
        sheet.column_dimensions[letter].width = _width(frame.iloc[:, position], frame.columns[position], number_format,
                                                       _MAX_WIDTH if table else 2 * _MAX_WIDTH)
        if number_format is not None:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=len(frame) + 1, min_col=position + 1,
                                           max_col=position + 1):
                cell.number_format = number_format
    if table and frame.shape[1]:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{len(frame) + 1}"


def _sheet_name(name: str, limit: int = SHEET_NAME_LIMIT) -> str:
    """Excel refuses []:*?/\\ and control characters in a sheet's name, and names longer than 31: a longer
    name is cut at the last whole word that fits (no half word), without a dangling bracket or comma."""
    cleaned = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", str(name))).strip("' ") or "Sheet"
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[:limit + 1]
    words = cut[:cut.rfind(" ")].rstrip(" ,;-–(") if " " in cut else ""
    return words or cleaned[:limit]


def _unique(name: str, used: set[str]) -> str:
    """`name`, or with ' (2)', ' (3)'... when a sheet already has it (Excel compares without case)."""
    candidate, n = name, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = _sheet_name(name, SHEET_NAME_LIMIT - len(suffix)) + suffix
    used.add(candidate.lower())
    return candidate
