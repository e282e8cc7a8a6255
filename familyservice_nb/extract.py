"""Read a Mosaic running-record extract (CSV or XLSX), check every row, and keep the rows it rejects.

DESIGN.md: Running-record extract (canonical columns) and Timeliness (when a row is rejected).
Every row read is either a note or a reject with its reason: rows in = accepted + rejected, always.

The CSV fast path is one ``pandas.read_csv`` pass plus whole-column checks. Ragged lines are found
by counting the separators in each record on the raw bytes (numpy, following the same quoting rules
as pandas' C parser), because pandas pads a short line silently and cannot tell ``1,2`` from ``1,2,``.
A file whose quoting those rules cannot follow exactly (a stray quote inside a value, old Mac line
ends) is read by Python's ``csv`` module instead: slower, always right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import tomllib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .dates import DATETIME_DTYPE, parse_uk_datetimes
from .errors import MappingError, UnusableFile
from .rejects import (
    BLANK_EVENT_DATE,
    BLANK_NOTE_ID,
    DUPLICATE_NOTE_ID,
    RECORDED_BEFORE_EVENT,
    UNCLOSED_QUOTE,
    UNREADABLE_EVENT_DATE,
    UNREADABLE_RECORDED_AT,
    UNRECOGNISED_RISK,
    UNRECOGNISED_STATUS,
    VALUE_BEYOND_LAST_COLUMN,
    WRONG_FIELD_COUNT,
    RejectCheck,
)
from .vocab import (
    EXTRACT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    STATUS_ORDER,
    UNKNOWN,
    WORKER_ID,
    NoteStatus,
    NoteType,
    normalised,
    read_risk,
    read_status,
)

# What read_extract adds to a rejected row: its reason and the code of its check (`rejects.REJECT_CHECKS`).
REJECT_COLUMNS = ("row_number", "reason", "reason_code")

PROGRESS_BYTES = 20_000_000  # files larger than this show a progress bar (when stderr is a terminal)
CHUNK_ROWS = 200_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")

# The cost ceiling of an extract, in one place. An Excel file is a zip of XML: a few hundred
# kilobytes can unpack to gigabytes (a "zip bomb"), so its members are measured before anything is
# parsed. A real extract of 300,000 notes unpacks to about 150 MB and compresses 8 to 15 times.
XLSX_MAX_UNPACKED_BYTES = 200_000_000  # the whole workbook, unpacked
XLSX_MAX_RATIO = 100  # unpacked size / packed size of any one part over XLSX_RATIO_FROM_BYTES
XLSX_RATIO_FROM_BYTES = 1_000_000  # small parts (styles, a few rows) may compress very well
UPLOAD_MAX_BYTES = 25_000_000  # a file uploaded in a page; under the server's websocket message limit

_COMMA, _NEWLINE, _CR, _QUOTE = 44, 10, 13, 34
_BOM = b"\xef\xbb\xbf"
_MAX_EXTRA_FIELDS = 64  # a line longer than the header by more than this goes to the csv module


@dataclass
class ExtractResult:
    """What ``read_extract`` found: the notes it accepted and the rows it rejected, with reasons."""

    notes: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical name -> the file's own header


@dataclass
class _Table:
    """An extract as read, before any checks: every value as text, one column per header."""

    headers: list[str]
    text: pd.DataFrame  # columns 0..n-1, str, one row per record after the header (blank lines too)
    row_numbers: np.ndarray  # as a spreadsheet shows them: the header is row 1
    shape_mask: np.ndarray | None = None
    shape_reasons: np.ndarray | None = None
    shape_codes: np.ndarray | None = None
    cells: dict[int, pd.Series] = field(default_factory=dict)  # real dates from XLSX cells, by column
    warnings: list[str] = field(default_factory=list)


def read_extract(
    path: str | Path, mapping: str | Path | Mapping[str, str] | None = None, progress: bool | None = None
) -> ExtractResult:
    """Read and check a running-record extract.

    ``mapping``: a TOML file with a ``[columns]`` table of ``canonical = "Their Header"`` (or the same
    as a dict). ``progress``: show a progress bar on stderr; by default only for a large file read at
    a terminal.

    Raises UnusableFile (or MappingError) with one plain sentence when the file cannot be used at all.
    """
    path = Path(path)
    wanted = read_mapping(mapping)
    _check_is_file(path)
    show = _wants_progress(progress, path)
    if path.suffix.lower() in XLSX_SUFFIXES or _looks_like_zip(path):
        table = _read_xlsx(path, show)
    elif path.suffix.lower() == ".xls":
        raise UnusableFile(f"{path.name} is an old-style Excel file (.xls); save it as .xlsx or CSV and try again.")
    else:
        table = _read_csv(path, show)
    columns = _match_columns(table.headers, wanted)
    result = _check_rows(table, columns)
    result.source = str(path)
    return result


# --- the column mapping -------------------------------------------------------------------------


def read_mapping(mapping: str | Path | Mapping[str, str] | None) -> dict[str, str]:
    """The ``[columns]`` table of a TOML mapping file, checked: canonical name -> the file's header."""
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        table, where = mapping, "The column mapping"
    else:
        mapping = Path(mapping)
        where = f"The mapping file {mapping.name}"
        if not mapping.is_file():
            raise MappingError(f"The mapping file {mapping} does not exist.")
        try:
            document = tomllib.loads(mapping.read_bytes().decode("utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise MappingError(f"{where} is not a TOML file we can read ({exc}).") from None
        table = document.get("columns")
        if not isinstance(table, dict):
            raise MappingError(f'{where} has no [columns] table (lines like event_date = "Date of Contact").')
    checked: dict[str, str] = {}
    for canonical, theirs in table.items():
        if canonical not in EXTRACT_COLUMNS + OPTIONAL_COLUMNS:
            raise MappingError(
                f"{where} names '{canonical}', which is not one of our columns: "
                f"{', '.join(EXTRACT_COLUMNS + OPTIONAL_COLUMNS)}."
            )
        if not isinstance(theirs, str) or not theirs.strip():
            raise MappingError(f'{where} should give {canonical} a column name in quotes, like {canonical} = "Date".')
        checked[canonical] = theirs
    return checked


def _label(canonical: str) -> str:
    return canonical.replace("_", " ")


def _match_columns(headers: list[str], wanted: dict[str, str]) -> dict[str, int]:
    """Canonical name -> position of the file's column holding it."""
    normal = [normalised(h) for h in headers]
    found: dict[str, int] = {}
    listing = ", ".join(headers)
    for canonical, theirs in wanted.items():
        places = [i for i, h in enumerate(headers) if h == theirs] or [
            i for i, h in enumerate(normal) if h == normalised(theirs)
        ]
        if not places:
            raise MappingError(
                f"The mapping names the column '{theirs}' for {canonical}, but the file has no such column. "
                f"Its columns are: {listing}."
            )
        if len(places) > 1:
            raise MappingError(f"The file has {len(places)} columns called '{theirs}', so the mapping is ambiguous.")
        if places[0] in found.values():
            other = next(k for k, v in found.items() if v == places[0])
            raise MappingError(f"The mapping names the column '{theirs}' for both {other} and {canonical}.")
        found[canonical] = places[0]
    taken = set(found.values())
    for canonical in EXTRACT_COLUMNS + OPTIONAL_COLUMNS:
        if canonical in found:
            continue
        places = [i for i, h in enumerate(normal) if h == normalised(canonical) and i not in taken]
        if len(places) > 1:
            names = " and ".join(f"'{headers[i]}'" for i in places)
            raise UnusableFile(
                f"The file has {len(places)} {_label(canonical)} columns ({names}); "
                "keep one, or name the right one in a mapping file."
            )
        if places:
            found[canonical] = places[0]
            taken.add(places[0])
    for canonical in ("event_date", *(c for c in REQUIRED_COLUMNS if c != "event_date")):
        if canonical not in found:
            raise UnusableFile(f"The file has no {_label(canonical)} column. Its columns are: {listing}.")
    return found


# --- reading files ------------------------------------------------------------------------------


def _check_is_file(path: Path) -> None:
    if path.is_dir():
        raise UnusableFile(f"{path} is a folder, not an extract file.")
    if not path.exists():
        raise UnusableFile(f"The file {path} does not exist.")
    if not path.is_file():
        raise UnusableFile(f"{path} is not a file we can read.")


def _wants_progress(progress: bool | None, path: Path) -> bool:
    if progress is not None:
        return bool(progress)
    at_a_screen = sys.stderr.isatty() or "ipykernel" in sys.modules  # a terminal or a notebook
    return at_a_screen and path.stat().st_size > PROGRESS_BYTES


def _looks_like_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnusableFile(f"The file {path} cannot be opened ({exc.strerror or exc}).") from None


def _text_encoding(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, and nothing that looks like binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnusableFile(
            f"{path.name} is saved as UTF-16 ('Unicode text'); save it as 'CSV UTF-8' and try again."
        )
    not_text = f"{path.name} is not a CSV or XLSX file we can read (it holds binary data, not text)."
    if b"\x00" in data:
        raise UnusableFile(not_text)
    head = np.frombuffer(data[:65536], dtype=np.uint8)
    controls = int(np.count_nonzero(((head < 32) & ~np.isin(head, (9, 10, 12, 13))) | (head == 127)))
    if controls > max(4, len(head) // 100):
        raise UnusableFile(not_text)
    if data.isascii():
        return "utf-8"
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnusableFile(not_text)


def _read_csv(path: Path, show: bool) -> _Table:
    data = _read_bytes(path)
    start = len(_BOM) if data.startswith(_BOM) else 0
    if len(data) == start or data[start:].isspace():
        raise UnusableFile(f"The file {path.name} is empty.")
    encoding = _text_encoding(data, path)
    fields = _count_fields(data, start)
    if fields is not None:
        header_end = _first_record_end(data, start)
        headers = _header(data[start:header_end].decode(encoding), path)
        width = len(headers)
        if int(fields[1:].max(initial=width)) <= width + _MAX_EXTRA_FIELDS:
            text = _pandas_read(path, encoding, max(width, int(fields.max())), len(fields) - 1, show)
            if text is not None and len(text) == len(fields) - 1:
                return _table(headers, text.iloc[:, :width], fields[1:])
    return _read_csv_slowly(data, encoding, path)


def _count_fields(data: bytes, start: int) -> np.ndarray | None:
    """Fields in each record (the header first), counted on the raw bytes.

    A comma or line end inside quotes does not count. Each quote must either open a value (after a
    comma or line end) or close one (before a comma or line end), or be doubled inside a value; then
    quote parity says exactly what pandas' C parser does. Otherwise None: the csv module reads it.
    """
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # line ends made of a lone CR
    arr = np.frombuffer(data, dtype=np.uint8)[start:]
    quotes = np.flatnonzero(arr == _QUOTE)
    if len(quotes) % 2 or (len(quotes) and not _plain_quoting(arr, quotes)):
        return None
    ends = np.flatnonzero(arr == _NEWLINE)
    commas = np.flatnonzero(arr == _COMMA)
    if len(quotes):
        ends = ends[np.searchsorted(quotes, ends) % 2 == 0]
    if len(arr) and (not len(ends) or ends[-1] != len(arr) - 1):
        ends = np.append(ends, len(arr))  # the last record has no line end
    per_record = np.diff(np.searchsorted(commas, ends), prepend=0)
    if len(quotes):
        opens, closes = quotes[0::2], quotes[1::2]
        quoted_commas = np.searchsorted(commas, closes) - np.searchsorted(commas, opens)
        record = np.searchsorted(ends, opens)
        per_record -= np.bincount(record, weights=quoted_commas, minlength=len(ends)).astype(np.int64)
    return per_record + 1


def _plain_quoting(arr: np.ndarray, quotes: np.ndarray) -> bool:
    last = len(arr) - 1
    opens, closes = quotes[0::2], quotes[1::2]
    before = np.where(opens > 0, arr[np.maximum(opens - 1, 0)], _NEWLINE)
    after = np.where(closes < last, arr[np.minimum(closes + 1, last)], _NEWLINE)
    doubled = closes[:-1] + 1 == opens[1:]  # "" inside a quoted value: closes and reopens
    open_ok = np.isin(before, (_COMMA, _NEWLINE)) | np.concatenate(([False], doubled))
    close_ok = np.isin(after, (_COMMA, _NEWLINE, _CR)) | np.concatenate((doubled, [False]))
    return bool(open_ok.all() and close_ok.all())


def _first_record_end(data: bytes, start: int) -> int:
    """Where the header record ends (its line end, outside quotes)."""
    position, quoted = start, False
    while True:
        newline = data.find(b"\n", position)
        if newline < 0:
            return len(data)
        quoted ^= data.count(b'"', position, newline) % 2 == 1
        if not quoted:
            return newline
        position = newline + 1


def _header(first_line: str, path: Path) -> list[str]:
    row = next(csv.reader(io.StringIO(first_line, newline="")), [])
    if not any(cell.strip() for cell in row):
        raise UnusableFile(f"The first line of {path.name} is blank; it should hold the column names.")
    return _unique_headers(row)


def _unique_headers(row: list) -> list[str]:
    """Headers as given, with blank ones named by position and repeats numbered, so each is unique."""
    names: list[str] = []
    for i, cell in enumerate(row):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"Column {i + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _pandas_read(path: Path, encoding: str, width: int, records: int, show: bool) -> pd.DataFrame | None:
    """Every record after the header as text (blank lines too, so row numbers stay right)."""
    options = dict(
        header=None, skiprows=1, names=range(width), dtype=str, na_filter=False, skip_blank_lines=False,
        index_col=False, engine="c", encoding=encoding,
    )
    try:
        if not show:
            return pd.read_csv(path, **options)
        from tqdm.auto import tqdm

        chunks = []
        with tqdm(total=records, unit=" rows", desc="Reading extract", file=sys.stderr) as bar:
            for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS, **options):
                chunks.append(chunk)
                bar.update(len(chunk))
        return pd.concat(chunks) if chunks else pd.read_csv(path, **options)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None  # the csv module decides


def _read_csv_slowly(data: bytes, encoding: str, path: Path) -> _Table:
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    # A NUL after the last line (files holding NUL were turned away) shows whether the text ended
    # inside quotes: then the csv module puts it in the last value instead of a record of its own.
    ending = "" if text.endswith(("\n", "\r")) else "\n"
    try:
        records = list(csv.reader(io.StringIO(text + ending + "\x00", newline="")))
    except csv.Error as exc:
        raise UnusableFile(f"{path.name} cannot be read as CSV ({exc}).") from None
    unclosed = records[-1] != ["\x00"]
    if unclosed:
        records[-1][-1] = records[-1][-1].removesuffix(ending + "\x00")
    else:
        records.pop()
    if not records or not any(cell.strip() for cell in records[0]):
        raise UnusableFile(f"The first line of {path.name} is blank; it should hold the column names.")
    headers = _unique_headers(records[0])
    width = len(headers)
    rows = records[1:]
    fields = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    padded = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in rows]
    frame = pd.DataFrame(padded, columns=range(width), dtype=str) if rows else _empty_text(width)
    table = _table(headers, frame, fields)
    if unclosed and rows:
        table.shape_mask[-1], table.shape_codes[-1] = True, UNCLOSED_QUOTE.code
        table.shape_reasons[-1] = UNCLOSED_QUOTE.reasons(1)[0]
    return table


def _empty_text(width: int) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Series([], dtype=str) for i in range(width)})


def _table(headers: list[str], text: pd.DataFrame, fields: np.ndarray) -> _Table:
    """A CSV table; a line whose field count differs from the header's gets its reason."""
    text = text.reset_index(drop=True)
    width = len(headers)
    wrong = fields != width
    reasons = np.full(len(text), None, dtype=object)
    if wrong.any():
        counts = fields[wrong]
        reasons[wrong] = WRONG_FIELD_COUNT.reasons(len(counts), fields=counts, width=width)
    return _Table(
        headers=headers, text=text, row_numbers=np.arange(2, len(text) + 2, dtype=np.int64),
        shape_mask=wrong, shape_reasons=reasons,
        shape_codes=np.where(wrong, WRONG_FIELD_COUNT.code, None).astype(object),
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB" if size >= 10_000_000 else f"{size / 1_000_000:,.1f} MB"


def upload_limit_text() -> str:
    """The page's upload limit in words, as shown beside the upload button ("up to 25 MB")."""
    return f"up to {_megabytes(UPLOAD_MAX_BYTES)}"


def check_upload_size(size: int, name: str) -> None:
    """Refuse, in plain words, a file larger than a page accepts (UPLOAD_MAX_BYTES)."""
    if size > UPLOAD_MAX_BYTES:
        raise UnusableFile(
            f"{name} is {_megabytes(size)}; a page accepts extracts up to {_megabytes(UPLOAD_MAX_BYTES)}. "
            "Load a larger extract with the command line (familyservice-nb import) or ask an analyst."
        )


def check_xlsx_cost(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than XLSX_MAX_UNPACKED_BYTES, or any large part
    packed more than XLSX_MAX_RATIO times, before any of it is parsed. Reads only the zip's directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableFile(f"{path.name} is not an Excel workbook we can read ({exc}).") from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise UnusableFile(
            f"{path.name} would unpack to {_megabytes(unpacked)}, more than the {_megabytes(XLSX_MAX_UNPACKED_BYTES)} "
            "an Excel extract may hold, so it was not read. Save the extract as CSV, or split it, and try again."
        )
    for member in members:
        if member.file_size > XLSX_RATIO_FROM_BYTES and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            raise UnusableFile(
                f"{path.name} is packed {member.file_size // max(member.compress_size, 1):,} times smaller than it "
                f"unpacks (a real Excel file is under {XLSX_MAX_RATIO} times), so it was not read. Save the extract "
                "again from Mosaic or Excel, as CSV if you can, and try again."
            )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(path: Path, show: bool) -> _Table:
    """The first sheet of a workbook; real date cells are kept as dates.

    Read only, row by row, with the used range worked out from the cells themselves: the dimension a
    file declares (`A1:XFD1048576`) is ignored, so a sheet's rows are as long as their last value, and
    rows with no value are not kept."""
    import openpyxl

    check_xlsx_cost(path)
    handle = path.open("rb")  # a file object: openpyxl would refuse a workbook saved with a .csv name
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except _BROKEN_WORKBOOK as exc:
        handle.close()
        raise UnusableFile(f"{path.name} is not an Excel workbook we can read ({exc}).") from None
    try:
        if not book.worksheets:
            raise UnusableFile(f"{path.name} has no sheets.")
        sheet = book.worksheets[0]
        warnings = []
        if len(book.worksheets) > 1:
            warnings.append(
                f"The workbook has {len(book.worksheets)} sheets; only the first, '{sheet.title}', was read."
            )
        declared_rows = sheet.max_row
        sheet.reset_dimensions()  # never trust the declared range: rows come as long as their values
        rows = sheet.iter_rows(values_only=True)
        header_row, header = None, []
        for number, row in enumerate(rows, start=1):
            if not all(_blank(v) for v in row):
                header_row, header = number, list(row)
                break
        if header_row is None:
            raise UnusableFile(f"The file {path.name} is empty.")
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header.pop()
        headers = _unique_headers(header)
        width = len(headers)
        values, numbers, spill = [], [], []
        bar = _bar(show, declared_rows if declared_rows and declared_rows < 2_000_000 else None, path)
        padding = (None,) * width
        for number, row in enumerate(rows, start=header_row + 1):
            if bar is not None and number % 10_000 == 0:
                bar.update(10_000)
            if all(_blank(v) for v in row):
                continue  # a blank row is not a row (it keeps its number: the next row's is counted on)
            values.append(row[:width] + padding[len(row):])
            numbers.append(number)
            spill.append(not all(_blank(v) for v in row[width:]))
        if bar is not None:
            bar.close()
    except _BROKEN_WORKBOOK as exc:
        raise UnusableFile(f"{path.name} is not an Excel workbook we can read ({exc}).") from None
    finally:
        book.close()
        handle.close()

    objects = pd.DataFrame(values, columns=range(width), dtype=object) if values else None
    text = _empty_text(width) if objects is None else objects.apply(_cell_text).astype(str)
    cells = {}
    if objects is not None:
        for i in range(width):
            if objects[i].map(_is_date, na_action="ignore").fillna(False).astype(bool).any():
                cells[i] = objects[i]
    spill = np.asarray(spill, dtype=bool)
    reasons = np.where(spill, VALUE_BEYOND_LAST_COLUMN.reasons(1)[0], None).astype(object)
    return _Table(
        headers=headers, text=text, row_numbers=np.asarray(numbers, dtype=np.int64),
        shape_mask=spill, shape_reasons=reasons, cells=cells, warnings=warnings,
        shape_codes=np.where(spill, VALUE_BEYOND_LAST_COLUMN.code, None).astype(object),
    )


# What openpyxl raises for a damaged workbook (ParseError is a SyntaxError).
_BROKEN_WORKBOOK = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError, EOFError)


def _bar(show: bool, total: int | None, path: Path):
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=" rows", desc=f"Reading {path.name}", file=sys.stderr)


def _is_date(value) -> bool:
    return isinstance(value, dt.date | dt.time)


def _cell_text(column: pd.Series) -> pd.Series:
    """A cell's value as the text a person would type: dates as 2026-11-25 (with the time if any)."""

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d" if value.time() == dt.time(0) else "%Y-%m-%d %H:%M:%S")
        return str(value)

    return column.map(text)


# --- checking rows ------------------------------------------------------------------------------


class _Reasons:
    """The first problem found for each row, in the order the checks run."""

    def __init__(self, n: int):
        self.text = np.full(n, None, dtype=object)
        self.code = np.full(n, None, dtype=object)
        self.found = np.zeros(n, dtype=bool)

    def mark(self, mask: np.ndarray, codes: Callable[[np.ndarray], np.ndarray],
             texts: Callable[[np.ndarray], np.ndarray]) -> None:
        """Rows of `mask` with no problem yet get the code and sentence these functions give for their positions."""
        rows = np.flatnonzero(mask & ~self.found)
        if len(rows):
            self.code[rows] = codes(rows)
            self.text[rows] = texts(rows)
            self.found[rows] = True

    def add(self, mask: np.ndarray, check: RejectCheck, **values: Callable[[np.ndarray], Sequence]) -> None:
        """Rows of `mask` with no problem yet are rejected by `check`; `values` gives, for the rows' positions,
        the values its sentence names."""
        self.mark(mask, lambda rows: check.code,
                  lambda rows: check.reasons(len(rows), **{name: value(rows) for name, value in values.items()}))


def _check_rows(table: _Table, columns: dict[str, int]) -> ExtractResult:
    """DESIGN.md: Timeliness - a row is rejected, never dropped; one reason per row, first found."""
    text, n = table.text, len(table.text)
    warnings = list(table.warnings)
    reasons = _Reasons(n)

    def column(canonical: str) -> pd.Series | None:
        return text[columns[canonical]] if canonical in columns else None

    note_id = column("note_id").str.strip()
    blank_id = (note_id == "").to_numpy()
    wholly_blank = _wholly_blank(text, blank_id)  # not rows at all

    if table.shape_mask is not None and table.shape_mask.any():
        reasons.mark(table.shape_mask, lambda rows: table.shape_codes[rows], lambda rows: table.shape_reasons[rows])
    reasons.add(blank_id, BLANK_NOTE_ID)
    repeated = note_id.duplicated(keep="first").to_numpy() & ~blank_id
    if repeated.any():
        first_rows = _first_rows(note_id, repeated, blank_id, table.row_numbers)
        ids = note_id.to_numpy(dtype=object)
        reasons.add(repeated, DUPLICATE_NOTE_ID, note_id=lambda rows: ids[rows],
                    first_row=lambda rows: [first_rows[i] for i in ids[rows]])

    event, event_unreadable = _dates(table, columns["event_date"])
    event_day = event.to_numpy().astype("datetime64[D]")
    reasons.add(np.isnat(event_day) & ~event_unreadable, BLANK_EVENT_DATE)
    reasons.add(event_unreadable, UNREADABLE_EVENT_DATE, value=lambda rows: _shown(text, columns, "event_date", rows))

    if "recorded_at" in columns:
        recorded, recorded_unreadable = _dates(table, columns["recorded_at"])
        recorded = recorded.to_numpy()
        reasons.add(recorded_unreadable, UNREADABLE_RECORDED_AT,
                    value=lambda rows: _shown(text, columns, "recorded_at", rows))
        early = recorded.astype("datetime64[D]") < event_day  # NaT compares False
        reasons.add(early, RECORDED_BEFORE_EVENT, recorded=lambda rows: _days(recorded[rows]),
                    event=lambda rows: _days(event_day[rows]))
    else:
        recorded = np.full(n, np.datetime64("NaT"), dtype=DATETIME_DTYPE)

    risk, risk_known = _risk(column("risk_identified"), n)
    reasons.add(~risk_known, UNRECOGNISED_RISK, value=lambda rows: _shown(text, columns, "risk_identified", rows))
    status_codes = _status_codes(column("status"), n)
    reasons.add(status_codes < 0, UNRECOGNISED_STATUS, value=lambda rows: _shown(text, columns, "status", rows))

    accepted = np.flatnonzero(~reasons.found & ~wholly_blank)
    rejected = np.flatnonzero(reasons.found & ~wholly_blank)

    notes = _notes(table, columns, accepted, note_id, event_day, recorded, risk, status_codes, warnings)
    rejects = _rejects(table, rejected, reasons)
    return ExtractResult(
        notes=notes, rejects=rejects, rows_in=len(accepted) + len(rejected), warnings=warnings,
        columns={canonical: table.headers[i] for canonical, i in columns.items()},
    )


def _wholly_blank(text: pd.DataFrame, blank_id: np.ndarray) -> np.ndarray:
    """Blank lines (and lines of empty fields, ',,,,') are not rows; they still take a row number."""
    blank = np.zeros(len(text), dtype=bool)
    candidates = np.flatnonzero(blank_id)
    if len(candidates):
        subset = text.iloc[candidates]
        empty = np.ones(len(candidates), dtype=bool)
        for name in subset.columns:
            empty &= (subset[name].str.strip() == "").to_numpy()
        blank[candidates[empty]] = True
    return blank


def _first_rows(note_id: pd.Series, repeated: np.ndarray, blank_id: np.ndarray, row_numbers: np.ndarray) -> dict:
    """The row number each repeated note id is first on."""
    ids = note_id.to_numpy(dtype=object)
    repeat_ids = pd.unique(ids[repeated])
    firsts = np.flatnonzero(note_id.isin(repeat_ids).to_numpy() & ~repeated & ~blank_id)
    return dict(zip(ids[firsts], row_numbers[firsts], strict=True))


def _days(days: np.ndarray) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in days]


def _shown(text: pd.DataFrame, columns: dict[str, int], canonical: str, rows: np.ndarray) -> list[str]:
    return [str(v).strip() for v in text[columns[canonical]].to_numpy(dtype=object)[rows]]


def _dates(table: _Table, position: int) -> tuple[pd.Series, np.ndarray]:
    values = table.cells.get(position, table.text[position])
    parsed, unreadable = parse_uk_datetimes(values)
    return parsed, unreadable.to_numpy()


def _distinct(values: pd.Series | None):
    """Codes and distinct values, so a per-value rule runs once per distinct value, not per row."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return codes, [str(u) for u in uniques]


def _risk(values: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(is_risk, recognised) by the one reading of risk (`vocab.read_risk`); no column = no risk."""
    if values is None:
        return np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    return read_risk(values)


def _status_codes(values: pd.Series | None, n: int) -> np.ndarray:
    """Positions in STATUS_ORDER by the one reading of status (`vocab.read_status`); no column = Complete."""
    if values is None:
        return np.full(n, STATUS_ORDER.index(NoteStatus.COMPLETE.value), dtype=np.int64)
    return read_status(values)


def _labels(values: pd.Series | None, rows: np.ndarray, name: str, blank) -> pd.Categorical:
    """Worker, team or note type as a categorical, trimmed, blank replaced by ``blank``."""
    if values is None:
        return pd.Categorical([blank] * len(rows) if blank is not None else [None] * len(rows))
    codes, uniques = _distinct(values.iloc[rows] if len(rows) != len(values) else values)
    tidy = [u.strip() or blank for u in uniques]
    if name == "note_type":
        tidy = [_NOTE_TYPES.get(normalised(t), t) if t else t for t in tidy]
    categories = sorted({t for t in tidy if t is not None})
    where = {c: i for i, c in enumerate(categories)}
    lookup = np.array([where[t] if t is not None else -1 for t in tidy] + [-1], dtype=np.int64)
    return pd.Categorical.from_codes(lookup[codes], categories=categories)


_NOTE_TYPES = {normalised(t.value): t.value for t in NoteType}


def _notes(table, columns, rows, note_id, event_day, recorded, risk, status_codes, warnings) -> pd.DataFrame:
    text = table.text
    whole = len(rows) == len(text)

    def take(values):
        return values if whole else values[rows]

    def text_column(canonical):
        return text[columns[canonical]] if canonical in columns else None

    case_id = pd.Series(pd.NA, index=range(len(rows)), dtype="str")
    if "case_id" in columns:
        case_id = text_column("case_id").iloc[rows].str.strip().reset_index(drop=True)
        case_id = case_id.where(case_id != "")

    note_type = _labels(text_column("note_type"), rows, "note_type", None)
    others = [c for c in note_type.categories if c not in _NOTE_TYPES.values()]
    if others:
        count = int(np.isin(note_type.codes, [note_type.categories.get_loc(c) for c in others]).sum())
        shown = ", ".join(f"'{c}'" for c in others[:3]) + (" and others" if len(others) > 3 else "")
        warnings.append(
            f"{count:,} note{'s have' if count != 1 else ' has'} a note type we do not recognise ({shown}); "
            "they are kept as given."
        )

    frame = {
        "note_id": note_id.iloc[rows].reset_index(drop=True),
        "case_id": case_id,
        "worker": _labels(text_column("worker"), rows, "worker", UNKNOWN),
        "team": _labels(text_column("team"), rows, "team", UNKNOWN),
        "note_type": note_type,
        "event_date": take(event_day).astype(DATETIME_DTYPE),
        "recorded_at": take(recorded).astype(DATETIME_DTYPE),
        "risk_identified": take(risk),
        "status": pd.Categorical.from_codes(take(status_codes), categories=STATUS_ORDER),
    }
    if WORKER_ID in columns:  # the author's login, when the extract carries it
        login = text_column(WORKER_ID).iloc[rows].str.strip().reset_index(drop=True)
        frame[WORKER_ID] = login.where(login != "")
    used = set(columns.values())
    for position, header in enumerate(table.headers):
        if position not in used:
            name = header if header not in EXTRACT_COLUMNS and header != "row_number" else f"{header} (from file)"
            frame[name] = text[position].iloc[rows].reset_index(drop=True)
    frame["row_number"] = take(table.row_numbers)
    return pd.DataFrame(frame)


def _rejects(table: _Table, rows: np.ndarray, reasons: _Reasons) -> pd.DataFrame:
    """Each rejected row's own text, under the file's own headers, with its row number, reason and code."""
    frame = {}
    for position, header in enumerate(table.headers):
        name = header if header not in REJECT_COLUMNS else f"{header} (from file)"
        frame[name] = table.text[position].iloc[rows].reset_index(drop=True)
    frame["row_number"] = table.row_numbers[rows]
    frame["reason"] = pd.Series(reasons.text[rows], dtype="str")
    frame["reason_code"] = pd.Series(reasons.code[rows], dtype="str")
    return pd.DataFrame(frame)
