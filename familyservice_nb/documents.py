"""Print and Word: a completed record, or a case's oversight story, as a tagged PDF or a Word document.

Both formats (and the app's story page) are made from one outline of blocks (headings, fields, tables,
lists), so the PDF, the Word file and the page say the same thing. A record's outline is made from the sections of
its Mosaic text (`records.record_text`): the same headings in the guidance's words and order, the same "Not
discussed." and "None recorded." where the writer chose them, nothing for a section left out. HTML is written here with every piece of
text escaped: hostile text in a record (`<script>`, `=HYPERLINK(...)`, `</p><h1>`) stays text.

- PDF: WeasyPrint, offline, as PDF/UA-1 (tagged: structure tree, headings, tables, language en-GB, a title).
- Word: python-docx, with the same headings, tables and footer.
- Footer of a record: record id, kind, version, author (by name), meeting date and entered date; UK dates.

    from familyservice_nb import documents
    printed = store.printable("12")                       # who-sees-what applies in the store
    documents.write_record(printed, "record-12.pdf")     # or .docx
    documents.write_story(store.case_story("CASE-001"), "case.pdf", produced_by="Morgan Manager")
    documents.story_sections(story)                      # [(heading, html)] for a page to show
    fs.export_record(store, "12", "record-12.docx")      # the same from the package's front door
    fs.export_case(store, "CASE-001", "case.pdf")

WeasyPrint and python-docx are imported only when a document is made.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dates import LONDON
from .errors import UnreadableRecord, WorkbookError
from .export import write_file
from .records.base import CaseRecord
from .records.kinds import kind_named
from .records.render import RecordText, record_text
from .story import CaseStory, story_order
from .vocab import UK_DATE

LANGUAGE = "en-GB"
BLANK = "Left blank."
NONE_RECORDED = "None recorded."
FORMATS = ("pdf", "docx")

# Characters XML 1.0 cannot hold (Word files and XHTML are XML): shown as a replacement mark, never dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


def esc(text: Any) -> str:
    return html.escape(clean(text), quote=True)


def uk(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.strftime(UK_DATE)


def uk_time(moment: dt.datetime | None) -> str:
    """A stored UTC time as the London date and time: 20/11/2026 14:05."""
    if moment is None:
        return ""

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LONDON).strftime(f"{UK_DATE} %H:%M")


# -- the outline ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, shown one under the other."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()  # % of the width for each column; equal when not given


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Heading | Paragraph | Fields | Table | Bullets


@dataclass
class Outline:
    """A document: its title, its blocks in order, and the lines of its footer."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    subtitle: str = ""


# -- a record ------------------------------------------------------------------------------------------


def text_blocks(text: RecordText) -> list[Block]:
    """A record's text as a document shows it: each part (the head, then each section, in the order the Mosaic
    text has them) under its heading, its lines as written; a section the Mosaic text leaves out is not there."""
    blocks: list[Block] = []
    for part in (text.head, *text.sections):
        if part.heading:
            blocks.append(Heading(2, part.heading))
        blocks.append(Paragraph(part.body))
    return blocks


def record_outline(printed) -> Outline:
    """A completed record (`Store.printable`) as a document outline: its title (and, amended, which version and
    why), the sections of its Mosaic text with people by name, and its footer facts."""
    kind = kind_named(printed.kind)
    record = printed.record
    case = record.case_id if isinstance(record, CaseRecord) else None
    title = f"{kind.title}: record {printed.record_id}" + (f", case {case}" if case else "")
    entered = f"Entered {uk_time(printed.first_entered_at)}"
    if printed.version > 1:
        entered += f"; version {printed.version} entered {uk_time(printed.entered_at)}"
    footer = [
        f"Record {printed.record_id}, version {printed.version}. Recorded by {printed.author}.",
        f"Meeting {uk(printed.meeting_date)}. {entered}.",
    ]
    blocks: list[Block] = [Heading(1, title)]
    if printed.reason:
        blocks.append(Paragraph(f"Amended (version {printed.version}): {printed.reason}"))
    blocks += text_blocks(record_text(record, printed.names))
    return Outline(title=title, blocks=blocks, footer=footer)


# -- a case's story ------------------------------------------------------------------------------------


def _alone(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _trail_text(steps) -> str:
    """One line per step: "20/11/2026 (record 12) Partly done: waiting for the school"."""
    return "\n".join(
        f"{uk(s.meeting_date)} (record {s.record_id}) {s.event}" + (f": {s.comment}" if s.comment else "")
        for s in steps
    )


def _in_place(lines: Iterable[tuple[dt.date, Any, tuple[str, ...]]], left_out: Sequence[UnreadableRecord],
              row_of: Callable[[UnreadableRecord], tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """A table's rows, (meeting date, record id, row) oldest first, with a row saying so for each discussion
    that could not be read, where it would be (by its date, then its number)."""
    placed = [(story_order(day, record_id), row) for day, record_id, row in lines]
    placed += [(story_order(u.event_date, u.record_id), row_of(u)) for u in left_out]
    return tuple(row for _key, row in sorted(placed, key=lambda pair: pair[0]))


def story_blocks(story: CaseStory) -> list[tuple[str, list[Block]]]:
    """The story's sections in order, each a heading and its blocks (level-2 headings are the sections)."""
    sections: list[tuple[str, list[Block]]] = []
    sections.append(("The case", [Fields((
        ("Case ID", story.case_id), ("Family", story.family), ("Team", story.team or BLANK),
        ("Allocated worker", story.worker or BLANK), ("Opened", uk(story.open_date) or BLANK),
        ("Closed", uk(story.close_date) or "Open"),
    ))]))
    left_out = story.unreadable  # each named where it would be: first, then in every table by its date
    rows = _in_place([(s.meeting_date, s.record_id, (
        uk(s.meeting_date), s.kind, s.manager, s.practitioner, uk(s.entered_on), str(s.record_id or ""),
        str(s.version or ""))) for s in story.supervisions],
        left_out, lambda u: (uk(u.event_date), str(u), "", "", "", u.record_id, ""))
    recorded = _in_place([(s.meeting_date, s.record_id, (
        uk(s.meeting_date), s.case_summary or BLANK, s.progress or BLANK, s.still_to_happen or BLANK))
        for s in story.supervisions], left_out, lambda u: (uk(u.event_date), str(u), "", ""))
    blocks: list[Block] = [Paragraph(str(u)) for u in left_out]
    if not rows:
        blocks.append(Paragraph("No completed supervision or case discussion is recorded for this case."))
    else:
        blocks.append(Table("Supervisions and case discussions, oldest first",
                            ("Meeting", "Kind", "Manager", "Practitioner", "Entered", "Record", "Version"), rows,
                            (14, 22, 18, 18, 14, 7, 7)))
        blocks.append(Table("What each supervision recorded", ("Meeting", "Case summary", "Progress",
                                                               "What still needs to happen"),
                            recorded, (14, 28, 30, 28)))
    sections.append(("Supervisions", blocks))

    if story.actions:
        open_count = len(story.open_actions)
        blocks = [
            Paragraph(f"{len(story.actions)} actions agreed; {open_count} still open. Each action's trail runs from "
                      "the supervision that agreed it through each review."),
            Table("Agreed actions and their trail, in the order agreed",
                  ("Action", "By whom", "By when", "Trail: meeting, record, what happened", "Where it stands"),
                  tuple((f"{a.what} ({a.action_id})", a.by_whom, uk(a.by_when), _trail_text(a.steps), a.standing)
                        for a in story.actions), (23, 13, 14, 38, 12)),
        ]
    else:
        blocks = [Paragraph("No actions have been agreed at this case's supervisions.")]
    if story.unmatched_reviews:
        blocks.append(Table("Reviews of actions not agreed at this case's supervisions",
                            ("Reference", "Meeting", "Record", "Status", "Comment"),
                            tuple((ref, uk(s.meeting_date), str(s.record_id or ""), s.event, s.comment)
                                  for ref, s in story.unmatched_reviews)))
    sections.append(("Agreed actions", blocks))

    blocks = []
    if not story.children:
        blocks.append(Paragraph("No children are recorded on this case."))
    for child in story.children:
        blocks.append(Heading(3, f"{child.name} ({child.child_id})"))
        if not child.entries and not left_out:
            blocks.append(Paragraph(NONE_RECORDED))
            continue
        said = _in_place([(e.meeting_date, e.record_id, (
            uk(e.meeting_date), uk(e.spoken_to), _alone(e.seen_alone), e.views, e.why_not))
            for e in child.entries], left_out, lambda u: (uk(u.event_date), "", "", str(u), ""))
        blocks.append(Table(f"What {child.name} said, by supervision",
                            ("Meeting", "Spoken to", "Seen alone", "Their views, in their own words", "Or why not"),
                            said, (14, 14, 9, 43, 20)))
    sections.append(("Children's views over time", blocks))

    sections.append(("Key dates", [
        Table("Key dates and deadlines", ("Date", "What", "Recorded at the meeting on"),
              tuple((uk(k.date), k.what, uk(k.set_on)) for k in story.key_dates), (15, 60, 25))
        if story.key_dates else Paragraph(NONE_RECORDED)]))
    sections.append(("Significant adults not living in the household", [
        Table("Significant adults", ("Name", "Relationship", "Contact", "Involvement", "First named", "Last named"),
              tuple((a.name, a.relationship, a.contact, a.involvement, uk(a.first_named), uk(a.last_named))
                    for a in story.significant_adults), (16, 13, 15, 28, 14, 14))
        if story.significant_adults else Paragraph(NONE_RECORDED)]))
    blocks = [
        Table("PBR outcomes", ("Outcome", "First listed", "Last listed", "Times listed", "Status"),
              tuple((p.outcome, uk(p.first_listed), uk(p.last_listed), str(p.times_listed), p.status)
                    for p in story.pbr_outcomes), (30, 14, 14, 10, 32))
        if story.pbr_outcomes else Paragraph(NONE_RECORDED)]
    if story.pbr_comments:
        blocks.append(Table("PBR comments", ("Meeting", "Programme", "Comment"),
                            tuple((uk(c.meeting_date), c.programme, c.comment) for c in story.pbr_comments),
                            (15, 30, 55)))
    sections.append(("PBR outcomes", blocks))
    return sections


def story_outline(story: CaseStory, produced_by: str = "", produced_at: dt.datetime | None = None) -> Outline:
    produced_at = produced_at or dt.datetime.now(dt.UTC)
    title = f"Oversight story of case {story.case_id} ({story.family})"
    blocks: list[Block] = [Heading(1, title)]
    for heading, section in story_blocks(story):
        blocks += [Heading(2, heading), *section]
    by = f" by {produced_by}" if produced_by else ""
    footer = [f"Case {story.case_id}: {len(story.supervisions)} supervisions, {len(story.actions)} agreed actions.",
              f"Produced {uk_time(produced_at)}{by}. Completed records only."]
    return Outline(title=title, blocks=blocks, footer=footer)


# -- HTML (the PDF's source, and what a page shows) ------------------------------------------------------


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}>{esc(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{esc(block.text)}</p>"
    if isinstance(block, Fields):  # a table of row headers: read as "label, value" by a screen reader
        rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in block.pairs)
        return f'<table class="fields"><colgroup><col style="width: 30%"><col style="width: 70%"></colgroup>' \
               f"<tbody>{rows}</tbody></table>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        widths = block.widths or (100 // len(block.headers),) * len(block.headers)
        cols = "".join(f'<col style="width: {int(w)}%">' for w in widths)
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in block.headers)
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows)
        return (f"<table><caption>{esc(block.caption)}</caption><colgroup>{cols}</colgroup>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    raise TypeError(f"No HTML for {type(block).__name__}")


def blocks_html(blocks: Iterable[Block]) -> str:
    return "\n".join(_block_html(b) for b in blocks)


def story_sections(story: CaseStory) -> list[tuple[str, str]]:
    """(heading, HTML) for each section of the story: what a page shows, escaped, the same as the PDF."""
    return [(heading, blocks_html(blocks)) for heading, blocks in story_blocks(story)]


STYLE = """
@page { size: A4; margin: 18mm 16mm 26mm 16mm;
  @bottom-left { content: element(footer); width: 80%; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; color: #333; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35;
  color: #0b0c0c; }
h1 { font-size: 16pt; margin: 0 0 8pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt; border-bottom: 1px solid #b1b4b6; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; } h4, h5, h6 { font-size: 10pt; margin: 8pt 0 3pt; }
table.fields { font-size: 10pt; margin: 0 0 6pt; }
table.fields th, table.fields td { border: none; padding: 1.5pt 6pt 1.5pt 0; }
p, li, td { white-space: pre-wrap; overflow-wrap: break-word; }
table { border-collapse: collapse; table-layout: fixed; width: 100%; margin: 4pt 0 8pt; font-size: 9pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 3pt; }
th, td { border: 1px solid #b1b4b6; padding: 2pt 4pt; text-align: left; vertical-align: top; }
thead { display: table-header-group; } tr { break-inside: avoid; }
#footer { position: running(footer); font-size: 8.5pt; color: #333; }
#footer p { margin: 0; }
"""


def outline_html(outline: Outline, style: bool = True) -> str:
    """A whole HTML document: language en-GB, a title, headings; every text escaped."""
    footer = "".join(f"<p>{esc(line)}</p>" for line in outline.footer)
    return (
        f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><meta charset="utf-8"><title>{esc(outline.title)}</title>'
        + (f"<style>{STYLE}</style>" if style else "") + "</head><body>"
        f'<div id="footer">{footer}</div><main>{blocks_html(outline.blocks)}</main></body></html>'
    )


@functools.lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint, its font configuration and the parsed style sheet, made once per process: a batch of
    records then spends its time on the records, not on reading fonts and CSS again."""
    import logging

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font notices are not the user's business
    fonts = FontConfiguration()
    return HTML, CSS(string=STYLE, font_config=fonts), fonts


def pdf_bytes(outline: Outline) -> bytes:
    """A tagged PDF (PDF/UA-1), made offline by WeasyPrint."""
    html_class, style, fonts = _weasyprint()
    return html_class(string=outline_html(outline, style=False), base_url=None).write_pdf(
        pdf_variant="pdf/ua-1", stylesheets=[style], font_config=fonts)


# -- Word ------------------------------------------------------------------------------------------------


def docx_document(outline: Outline):
    """A python-docx Document with the same headings, fields, tables and footer as the PDF."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = clean(outline.title)
    doc.core_properties.language = LANGUAGE
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    rpr.append(lang)
    for block in outline.blocks:
        if isinstance(block, Heading):
            doc.add_heading(clean(block.text), level=min(max(block.level, 0), 9))
        elif isinstance(block, Paragraph):
            doc.add_paragraph(clean(block.text))
        elif isinstance(block, Fields):
            for label, value in block.pairs:
                para = doc.add_paragraph()
                para.add_run(clean(label)).bold = True
                para.add_run("\n" + clean(value))
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(clean(item), style="List Bullet")
        elif isinstance(block, Table):
            caption = doc.add_paragraph()
            caption.add_run(clean(block.caption)).bold = True
            table = doc.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = clean(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            _repeat_header(table, qn, OxmlElement)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = clean(text)
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = clean(outline.footer[0] if outline.footer else "")
    for line in outline.footer[1:]:
        footer.add_paragraph(clean(line))
    return doc


def _repeat_header(table, qn, element) -> None:
    """The header row repeats on every page a table runs over."""
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header = element("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def docx_bytes(outline: Outline) -> bytes:
    import io

    buffer = io.BytesIO()
    docx_document(outline).save(buffer)
    return buffer.getvalue()


# -- files ------------------------------------------------------------------------------------------------


def document_bytes(outline: Outline, fmt: str) -> bytes:
    fmt = fmt.lower().lstrip(".")
    if fmt == "pdf":
        return pdf_bytes(outline)
    if fmt == "docx":
        return docx_bytes(outline)
    raise WorkbookError(f"A document can be saved as PDF or Word (.docx), not '{fmt}'.")


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """The format asked for, else the file's ending (.pdf or .docx)."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise WorkbookError(f"Say whether to save '{path}' as a PDF or a Word file: end its name in .pdf or .docx.")
    return fmt


def write_record(printed, path: str | Path, fmt: str | None = None) -> Path:
    """Save a completed record (`Store.printable(...)`) as a PDF or Word file."""
    return write_file(document_bytes(record_outline(printed), format_of(path, fmt)), path)


def write_story(story: CaseStory, path: str | Path, fmt: str | None = None, produced_by: str = "") -> Path:
    """Save a case's oversight story (`Store.case_story(...)`) as a PDF or Word file."""
    return write_file(document_bytes(story_outline(story, produced_by), format_of(path, fmt)), path)


def export_record(store, record_id: str | int, path: str | Path, fmt: str | None = None) -> Path:
    """A completed record saved as PDF or Word, read through `store` (so who-sees-what applies)::

        fs.export_record(fs.Store(), "12", "record-12.pdf")
    """
    printed = store.printable(record_id)
    written = write_record(printed, path, fmt)
    store.audit_export("record", printed.record_id, format_of(path, fmt), printed.version)
    return written


def export_case(store, case_id: str, path: str | Path, fmt: str | None = None) -> Path:
    """A case's oversight story saved as PDF or Word, read through `store`::

        fs.export_case(fs.Store(), "CASE-001", "case-001.docx")
    """
    viewer = store.viewer()
    story = store.case_story(case_id)
    written = write_story(story, path, fmt, produced_by=viewer.name or viewer.actor)
    store.audit_export("case", story.case_id, format_of(path, fmt))
    return written
