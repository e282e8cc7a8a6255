"""Writing tables for people: CSV with ISO dates, and Excel, every text cell and header made safe.

ISO dates (YYYY-MM-DD) in files, because no spreadsheet misreads them; screens show UK dates.
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


def write_excel(sheets: dict[str, pd.DataFrame] | pd.DataFrame, path) -> None:
    """An .xlsx file (a path or a binary file object), one sheet per table, every text cell and header
    made safe (`excel_safe`), sheet names too."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1": sheets}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            excel_safe(frame).to_excel(writer, sheet_name=_sheet_name(name), index=False)


def _sheet_name(name: str) -> str:
    # Excel refuses []:*?/\ and control characters in a sheet's name, and names longer than 31.
    cleaned = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", str(name)).strip("' ") or "Sheet"
    return cleaned[:31]
