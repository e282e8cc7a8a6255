"""Writing tables for people: CSV with ISO dates, and Excel with formula-like text neutralised.

ISO dates (YYYY-MM-DD) in files, because no spreadsheet misreads them; screens show UK dates.
guidance/DESIGN.md: spreadsheet exports neutralise cells that begin with =, +, - or @.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@")


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


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """A UTF-8 CSV with ISO dates and Yes/No flags."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    _iso_dates(frame).to_csv(path, index=False, encoding="utf-8")
    return path


def neutralise(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text column neutralised; numbers and dates stay as they are."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out[name] = col.map(neutralise, na_action="ignore")
    return out


def write_excel(sheets: dict[str, pd.DataFrame] | pd.DataFrame, path) -> None:
    """An .xlsx file (a path or a binary file object), one sheet per table, formula-like text neutralised."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1": sheets}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise_text(frame).to_excel(writer, sheet_name=name[:31], index=False)
