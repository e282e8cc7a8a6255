"""Tables on the dashboards: the first rows with a count, links to open each line, and an Excel download.

- `table_html` builds an escaped table on whole columns; a linked column's cells open a page of the app
  (`case-supervision.ipynb?case=C000123`), the id URL-quoted and the text escaped.
- `ExcelDownload` is a button that saves the table as .xlsx in the browser, with no server round trip
  beyond the kernel's own socket: the file is made on click (`export.write_excel`, formula-like text
  neutralised) and handed to the browser as a Blob, so nothing leaves 127.0.0.1 and a filter change
  never pays for an export nobody asked for.
- `TableSection` puts a heading, the table and its download together and redraws them in place.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import anywidget
import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets

from familyservice_nb.export import ABOUT_SHEET, write_excel
from familyservice_nb.ui.kit.catalogue import page_link
from familyservice_nb.ui.kit.html import MISSING, esc
from familyservice_nb.ui.kit.shared import fixed_layout, html_widget
from familyservice_nb.vocab import UK_DATE

TOP_ROWS = 100  # lines shown on screen; the caption gives the full count and the download holds every line
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Link:
    """Cells of a column open `page?param=<value of id_column>` (`catalogue.page_link`). The cell shows its
    own text, or `text` with `{}` replaced by the id: such a column needs no column of its own in the frame
    ("Story of C-N1"), and is left out of the Excel download."""

    page: str
    param: str
    id_column: str | None = None
    text: str | None = None


_escape = np.frompyfunc(lambda v: html.escape(v, quote=True), 1, 1)
_general = np.frompyfunc(lambda v: f"{v:g}", 1, 1)
_plain = np.frompyfunc(str, 1, 1)


def column_text(column: pd.Series, missing: str = MISSING) -> np.ndarray:
    """A column as display text (an object array): UK dates, numbers without a needless '.0', blanks as
    `missing`. Whole columns at a time, so a redraw of a few hundred rows costs a few numpy calls."""
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime(UK_DATE).to_numpy(dtype=object)
    elif pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        text = _general(values).astype(object)
    else:
        text = _plain(column.to_numpy(dtype=object)).astype(object)
    blank = column.isna().to_numpy() | (text == "")
    text[blank] = missing
    return text


def _cells(frame: pd.DataFrame, name: str, link: Link | None) -> np.ndarray:
    if link is not None and link.text is not None:
        ids = frame[link.id_column or name]
        text = _escape(np.frompyfunc(link.text.format, 1, 1)(ids.to_numpy(dtype=object))).astype(object)
    else:
        text = _escape(column_text(frame[name])).astype(object)
    if link is None:
        return text
    ids = frame[link.id_column or name]
    has = (ids.notna() & (ids.astype(str) != "")).to_numpy()
    quoted = np.frompyfunc(lambda v: html.escape(page_link(link.page, link.param, v)), 1, 1)
    hrefs = quoted(ids.to_numpy(dtype=object)).astype(object)
    return np.where(has, '<a href="' + hrefs + '">' + text + "</a>", np.where(link.text is None, text, MISSING))


def table_html(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    caption: str = "",
    numeric: Sequence[str] = (),
    links: Mapping[str, Link] | None = None,
    empty_message: str = "Nothing to show.",
    label: str = "",
) -> str:
    """An escaped HTML table of `frame`'s `columns` ({column: heading}) in a scrolling region."""
    if frame.empty:
        return f'<p class="fsnb-empty">{esc(empty_message)}</p>'
    links = links or {}
    head = "".join(
        ('<th scope="col" class="num">' if name in numeric else '<th scope="col">') + esc(title) + "</th>"
        for name, title in columns.items()
    )
    rows = np.full(len(frame), "<tr>", dtype=object)
    for name in columns:
        open_td = '<td class="num">' if name in numeric else "<td>"
        rows = rows + open_td + _cells(frame, name, links.get(name)) + "</td>"
    body = "".join((rows + "</tr>").tolist())
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    table = f'<table class="fsnb-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="fsnb-table-wrap" tabindex="0" role="region" aria-label="{esc(label or caption)}">{table}</div>'


def count_caption(total: int, what: str, shown: int = TOP_ROWS, what_one: str | None = None) -> str:
    """'1,234 notes recorded late ... (the first 100 are shown; the download has them all).'"""
    said = f"{total:,} {what_one if total == 1 and what_one else what}"
    if total > shown:
        said += f" (the first {shown:,} are shown; the Excel download has them all)"
    return said + "."


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """The sheets as an .xlsx file's bytes (`export.write_excel`: formula-like text neutralised)."""
    buffer = io.BytesIO()
    write_excel(dict(sheets), buffer)
    return buffer.getvalue()


def for_excel(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """The columns shown on screen, under their headings, with dates as dates (no time) for Excel."""
    out = frame[list(columns)].rename(columns=dict(columns)).copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.dt.tz_localize(None)
        elif isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.astype(object)
    return out


_DOWNLOAD_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "fsnb-download-button";
  const problem = document.createElement("span");
  problem.className = "fsnb-download-problem";
  problem.setAttribute("role", "alert");
  const show = () => {
    button.textContent = model.get("label");
    button.disabled = model.get("disabled") || button.dataset.busy === "1";
    button.title = model.get("hint");
  };
  button.addEventListener("click", () => {
    button.dataset.busy = "1";
    show();
    model.send({ event: "download" });
  });
  const onMessage = (msg, buffers) => {
    if (!msg || msg.event !== "file") { return; }
    button.dataset.busy = "0";
    show();
    problem.textContent = msg.error || "";
    if (!buffers || !buffers.length) { return; }
    const blob = new Blob(buffers, { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.filename;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };
  model.on("msg:custom", onMessage);
  model.on("change:label", show);
  model.on("change:disabled", show);
  model.on("change:hint", show);  // the name follows the filters chosen
  show();
  el.classList.add("fsnb-download");
  el.appendChild(button);
  el.appendChild(problem);
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""


DOWNLOAD_FAILED = "The Excel file could not be made, so nothing was downloaded. Please try again."


class FileDownload(anywidget.AnyWidget):
    """A button that saves a file made on click (`make()` gives its bytes) in the browser, as a Blob: no
    server round trip beyond the kernel's own socket. A failure is a plain sentence beside the button."""

    _esm = _DOWNLOAD_ESM
    label = traitlets.Unicode("Download").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)  # the button's title (not `tooltip`: DOMWidget has one)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, make: Callable[[], bytes] | None, filename: str, *, mime: str,
                 failed: str = "The file could not be made, so nothing was downloaded. Please try again.", **kwargs):
        super().__init__(**kwargs)
        self.make, self.filename, self.mime, self.failed = make, filename, mime, failed
        self.on_msg(self._on_message)

    @property
    def filename(self) -> str:
        return self._filename

    @filename.setter
    def filename(self, name: str) -> None:  # the button's title says the name the file will have
        self._filename = name
        self.hint = f"Save as {name}"

    def file_bytes(self) -> bytes:
        return self.make()

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("event") != "download":
            return
        try:
            data = self.file_bytes()
        except Exception as exc:  # never a traceback on screen, and no cell text in the log
            import sys

            print(f"A download ({self.filename}) failed: {type(exc).__name__}", file=sys.__stderr__ or sys.stderr)
            self.send({"event": "file", "filename": self.filename, "mime": self.mime, "error": self.failed},
                      buffers=[])
            return
        self.send({"event": "file", "filename": self.filename, "mime": self.mime}, buffers=[data])


class ExcelDownload(FileDownload):
    """A button that saves `sheets()` as an Excel file in the browser.

    `sheets` is called on click, so the file always holds what the page shows at that moment.
    """

    label = traitlets.Unicode("Download as Excel (.xlsx)").tag(sync=True)

    def __init__(self, sheets: Callable[[], Mapping[str, pd.DataFrame]], filename: str,
                 about: Callable[[], Sequence[str]] | None = None, **kwargs):
        super().__init__(None, filename, mime=XLSX, failed=DOWNLOAD_FAILED, **kwargs)
        self.sheets = sheets
        self.about = about  # a sheet of its own: the filters and the as-of date, what the download holds

    def excel_bytes(self) -> bytes:
        sheets = dict(self.sheets())
        lines = list(self.about()) if self.about is not None else []
        if lines:
            sheets = {**sheets, ABOUT_SHEET: pd.DataFrame({ABOUT_SHEET: lines})}
        return excel_bytes(sheets)

    def file_bytes(self) -> bytes:
        return self.excel_bytes()


def tagged_filename(base: str, as_of: dt.date | None, filters_words: str = "") -> str:
    """'late-notes.xlsx' -> 'late-notes_as-of-2026-11-25_team-north.xlsx' (the filters in short words)."""
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, "xlsx"
    parts = [stem]
    if as_of is not None:
        parts.append(f"as-of-{as_of:%Y-%m-%d}")
    slug = re.sub(r"[^a-z0-9]+", "-", filters_words.lower()).strip("-")[:80].strip("-")
    if slug:
        parts.append(slug)
    return "_".join(parts) + f".{ext}"


class TableSection(widgets.VBox):
    """A heading, the first rows of a table with the full count, and its Excel download."""

    def __init__(
        self,
        title: str,
        columns: Mapping[str, str],
        *,
        what: str,
        filename: str,
        numeric: Sequence[str] = (),
        links: Mapping[str, Link] | None = None,
        empty_message: str = "Nothing to show.",
        note: str = "",
        top: int = TOP_ROWS,
        css_class: str = "",
        excel_columns: Mapping[str, str] | None = None,
        what_one: str | None = None,
        sheet_name: str | None = None,
    ):
        self.title, self.columns, self.what = title, dict(columns), what
        self.sheet_name = sheet_name  # the Excel sheet's name (else the title, cut at a word to Excel's 31)
        self.excel_columns = dict(excel_columns) if excel_columns is not None else None
        self.what_one = what_one  # how the caption says it when there is only one
        self.numeric, self.links, self.empty_message, self.top = list(numeric), dict(links or {}), empty_message, top
        self.frame = pd.DataFrame(columns=list(columns))
        heading = f"<h2>{esc(title)}</h2>" + (f'<p class="fsnb-muted">{esc(note)}</p>' if note else "")
        self.heading = html_widget(heading)
        self.table = html_widget()
        self.table.add_class("fsnb-table-html")
        self.about: list[str] = []  # what the file is: its filters and as-of date (see `describe_export`)
        self.download = ExcelDownload(lambda: self.sheets(), filename=filename,  # late-bound: pages may replace it
                                      about=lambda: self.about, layout=fixed_layout())
        self.base_filename = filename
        super().__init__([self.heading, self.table, self.download])
        self.add_class("fsnb-table-section")
        if css_class:
            self.add_class(css_class)

    def describe_export(self, as_of_words: str, filters_words: str, as_of: dt.date | None = None,
                        more: Sequence[str] = ()) -> None:
        """Say in the file (its "About this file" sheet) and in its name which filters and as-of date it holds;
        `more` adds lines to the sheet (where the figures come from)."""
        self.about = [as_of_words, f"Filters: {filters_words}" if filters_words else "Filters: none (everything)",
                      *more]
        self.download.filename = tagged_filename(self.base_filename, as_of, filters_words)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """What the download holds: every line, in the columns shown (and any kept for Excel only)."""
        columns = self.excel_columns or {k: v for k, v in self.columns.items() if k in self.frame.columns}
        return {self.sheet_name or self.title: for_excel(self.frame, columns)}

    def show(self, frame: pd.DataFrame, total: int | None = None) -> None:
        """Show the first rows of `frame` (already in order); `total` when `frame` is only the first rows."""
        self.frame = frame
        total = len(frame) if total is None else total
        self.table.value = table_html(
            frame.head(self.top), self.columns, caption=count_caption(total, self.what, self.top, self.what_one),
            numeric=self.numeric, links=self.links, empty_message=self.empty_message, label=self.title,
        )
        self.download.disabled = total == 0
