"""Hostile Excel files, written byte by byte with zipfile (no spreadsheet library, so nothing tidies
them): a "zip bomb" of shared strings, and a sheet declaring the whole grid (A1:XFD1048576) while
holding a few thousand rows. Used by tests/test_extract_ceiling.py and benchmarks/bench_hostile.py."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["note_id", "case_id", "worker", "team", "note_type", "event_date", "recorded_at", "risk_identified",
          "status"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Extract" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _Strings:
    """The shared-strings table, as Excel writes text cells: each distinct text once, cells by index."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))


def _row_xml(number: int, values: list[str], strings: _Strings) -> str:
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="s"><v>{strings(v)}</v></c>' for i, v in enumerate(values) if v
    )
    return f'<row r="{number}">{cells}</row>'


def note_rows(count: int) -> list[list[str]]:
    """`count` plain notes, all readable: event 16/11/2026, recorded a week later."""
    return [[f"N{i:07d}", f"C{i % 500:05d}", f"Worker {i % 40:02d}", "North", "Visit", "16/11/2026",
             "23/11/2026 10:00", "No", "Complete"] for i in range(count)]


def write_xlsx(path: Path, rows: list[list[str]], *, dimension: str | None = None, shared_strings_bytes: int = 0,
               level: int = 9) -> Path:
    """An XLSX of `rows` under HEADER (text in shared strings, as Excel writes it). `dimension`: the range the sheet declares.
    `shared_strings_bytes`: a shared-strings part of about that many bytes of one repeated letter,
    which deflate packs about a thousand times smaller (the zip bomb)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        strings = _Strings()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
            if dimension:
                head += f'<dimension ref="{dimension}"/>'
            sheet.write((head + "<sheetData>" + _row_xml(1, HEADER, strings)).encode())
            for start in range(0, len(rows), 5000):
                chunk = rows[start:start + 5000]
                sheet.write("".join(_row_xml(start + i + 2, r, strings) for i, r in enumerate(chunk)).encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            count = len(strings.index) + 1
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
                       f'uniqueCount="{count}">'.encode())
            part.write("".join(f"<si><t>{escape(text)}</t></si>" for text in strings.index).encode())
            part.write(b"<si><t>")
            block = b"A" * 1_000_000
            left = shared_strings_bytes
            while left > 0:
                part.write(block[:left])
                left -= len(block)
            part.write(b"</t></si></sst>")
    return path
