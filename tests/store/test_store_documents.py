"""Print and Word: every completed record and a case's story as a tagged PDF and a Word file.

A record's PDF and Word file (the text pdftotext and python-docx read from them) show the sections of its Mosaic
text, in its order and words, and the footer facts: what the writer chose for an empty section, nothing for a
section left unanswered, no field names and no internal references; hostile text stays text; the PDF is tagged
(PDF/UA-1).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import typing
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import in_ci
from pydantic import BaseModel
from storehelp import ANALYST, MANAGER, OTHER_WORKER, WORKER, seed_people

from familyservice_nb import documents
from familyservice_nb.records import (
    GFPO_PROMPTS,
    KINDS,
    RECORD_KINDS,
    SupervisionRecord,
    record_text,
    render_text,
)
from familyservice_nb.store import NotAllowed, Store

ROOT = Path(__file__).resolve().parents[2]
FRI_20_NOV = dt.date(2026, 11, 20)
HOSTILE = ['<script>alert("x")</script>', '=HYPERLINK("http://evil.example/x","Click")', "</p><h1>Not a heading</h1>"]
HOSTILE_TEXT = " ".join(HOSTILE)
ACTION = {"action_id": "ACT-77", "what": "Book the school meeting", "by_whom": "pat.practitioner", "by_when": "27/11/2026"}
SECTIONS = {
    "case_summary": "Two children; early help plan since September.",
    "intervention_offered": "Intensive Support",
    "progress": HOSTILE_TEXT,
    "still_to_happen": "Housing referral.",
    "key_dates": [{"date": "10/12/2026", "what": "Family plan review"}],
    "risk_assessments_and_tools": "Scaling 1-10 with mum each visit.",
    "if_unable_to_engage": "Joint visit with the school nurse.",
    "pbr_outcomes": ["School attendance", "Health"],
    "pbr_comment": "Attendance at 80%.",
    "children": [{"child_id": "K-1", "pseudonym": "Ann", "date_spoken_to": "18/11/2026",
                  "seen_alone": True, "views_and_feelings": "I like my new teacher."},
                 {"child_id": "K-2", "pseudonym": "Ben", "not_spoken_to": "Not seen this period"}],
    "significant_adults": [{"name": "Pat Example", "relationship": "Grandmother", "contact": "07700 900123",
                            "involvement": "Collects the children on Fridays."}],
    "agreed_actions": [ACTION],
}
BASE = {"event_date": FRI_20_NOV, "case_id": "C-N1"}
RECORDS = {  # kind: (who writes it, its data)
    "case_note": (WORKER, {**BASE, "author": WORKER, "note_type": "Visit", "text": HOSTILE_TEXT}),
    "session": (WORKER, {**BASE, "author": WORKER, "who": "Alex Example and Ann",
                         "aim": "Introduce a bedtime routine", "method": "Routine chart", "aims_met": True,
                         "outcome": "Chart agreed", "observations_and_reflections": HOSTILE_TEXT, "actions": [ACTION]}),
    "gfpo_session": (WORKER, {**BASE, "author": WORKER, "intervention": "Intensive Support",
                              "purpose": "Introduce a behaviour chart", "desired_outcome": "Chart in use daily",
                              "present_and_took_part": "Alex Example", "location": "Family home", "start_time": "07:45",
                              "activities": "Made the chart together", "observations": HOSTILE_TEXT,
                              "prompt_answers": {GFPO_PROMPTS[3]: "Robin joined in."}, "next_steps": [ACTION]}),
    "supervision": (MANAGER, {**BASE, **SECTIONS, "author": MANAGER, "kind": "Planned supervision",
                              "practitioner": WORKER, "manager": MANAGER}),
    "review_summary": (MANAGER, {**BASE, **SECTIONS, "author": MANAGER}),
    "closure_summary": (MANAGER, {**BASE, **SECTIONS, "author": MANAGER, "closure_reason": "Plan outcomes achieved",
                                  "closure_date": "30/11/2026"}),
    "line_management": (MANAGER, {"event_date": FRI_20_NOV, "author": MANAGER, "practitioner": WORKER,
                                  "manager": MANAGER, "workload_management": HOSTILE_TEXT,
                                  "next_epdr_date": "01/04/2027", "case_discussions": ["SUP-1", "SUP-2"],
                                  "opening_figures": {"as_of": "20/11/2026", "caseload": 14, "notes": 40,
                                                      "on_time": 30, "late": 6, "overdue": 2, "pending": 2,
                                                      "pct_on_time": 78.9, "median_working_days": 3.5}}),
    "epdr": (MANAGER, {"event_date": FRI_20_NOV, "author": MANAGER, "practitioner": WORKER, "manager": MANAGER,
                       "objectives": [{"what": "Lead two parenting groups", "by_when": "31/03/2027"}],
                       "development": HOSTILE_TEXT, "next_epdr_date": "19/11/2027"}),
}


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF wraps lines where it likes, so words are compared run together."""
    return "".join(text.split())


def in_order(text: str, parts: list[str]) -> bool:
    """Each part found in `text` after the one before it (both squeezed)."""
    flat, at = squeeze(text), 0
    for part in parts:
        at = flat.find(squeeze(part), at)
        if at < 0:
            return False
        at += len(squeeze(part))
    return True


def field_names(model: type[BaseModel]) -> set[str]:
    """The names of a model's fields and of the fields of every part it holds (lists, dicts, optional parts)."""
    names, todo, seen = set(), [model], set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for name, info in cls.model_fields.items():
            names.add(name)
            kinds = [info.annotation]
            while kinds:
                kind = kinds.pop()
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    todo.append(kind)
                kinds += typing.get_args(kind)
    return names


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:  # .ci/run installs poppler-utils: in CI a missing pdftotext fails
        (pytest.fail if in_ci() else pytest.skip)("pdftotext (poppler-utils) is missing")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in doc.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def struct_roles(data: bytes) -> list[str]:
    """The structure types in the PDF's tag tree (H1, P, Table ...), in order."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    roles, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                roles.append(str(node.S)[1:])
            kids = node.get("/K")
            if kids is not None:
                stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids])
    return roles


@pytest.fixture
def workbook(sqlite_url):
    store = Store(sqlite_url)
    seed_people(store)
    store.close()
    return sqlite_url


def completed(url: str, kind: str, **changes) -> tuple[str, BaseModel]:
    author, data = RECORDS[kind]
    with Store(url, user=author) as store:
        record_id = store.save_draft(RECORD_KINDS[kind].model_validate({**data, **changes}))
        store.complete(record_id)
        return record_id, store.get(record_id)


def printable(url: str, record_id: str):
    with Store(url, user=MANAGER) as store:
        return store.printable(record_id)


def texts_of(printed, tmp_path: Path) -> tuple[str, str]:
    """The text of the record's PDF and of its Word file."""
    outline = documents.record_outline(printed)
    return pdf_text(documents.pdf_bytes(outline), tmp_path), docx_text(documents.docx_bytes(outline))


@pytest.mark.parametrize("kind", [key for key, kind in KINDS.items() if kind.printable])
def test_every_kind_prints_its_mosaic_text_in_its_order_with_the_footer(workbook, tmp_path, kind):
    record_id, _ = completed(workbook, kind)
    printed = printable(workbook, record_id)
    mosaic = record_text(printed.record, printed.names)
    headings = [part.heading for part in (mosaic.head, *mosaic.sections) if part.heading]
    lines = [line for line in render_text(printed.record, printed.names).splitlines() if line.strip()]
    footer = [f"Record {record_id}, version 1", "Recorded by Mo Manager" if RECORDS[kind][0] == MANAGER
              else "Recorded by Pat Practitioner", "Meeting 20/11/2026", f"Entered {documents.uk_time(printed.entered_at)}"]
    assert headings  # a case note is its head and its own words; the others have sections too
    for text in texts_of(printed, tmp_path):
        assert in_order(text, headings), text
        assert [line for line in lines if squeeze(line) not in squeeze(text)] == []
        assert [f for f in footer + HOSTILE if squeeze(f) not in squeeze(text)] == []
        assert "Left blank" not in text


def test_a_supervision_prints_what_the_writer_chose_and_leaves_out_what_was_not_answered(workbook, tmp_path):
    """Key dates "Not discussed", significant adults "Nothing to record", the action if the family cannot be
    engaged not answered, and the safeguarding sections, which a planned supervision does not have: the PDF and the
    Word file say what the Mosaic text says, in its order, and no more. Completion asks for every section to be
    answered or marked, so the unanswered one is handed to the document as a record kept without it would be."""
    record_id, _ = completed(workbook, "supervision", key_dates=[], significant_adults=[],
                             left_empty={"key_dates": "Not discussed", "significant_adults": "Nothing to record"})
    printed = printable(workbook, record_id)
    record = SupervisionRecord.model_validate({**printed.record.model_dump(), "if_unable_to_engage": ""})
    printed = replace(printed, record=record)
    mosaic = record_text(printed.record, printed.names)
    raw_names = sorted(n for n in field_names(SupervisionRecord) if "_" in n)  # one-word names are plain words
    assert {"key_dates", "left_empty", "if_unable_to_engage", "by_whom", "action_id"} <= set(raw_names)
    for text in texts_of(printed, tmp_path):
        assert in_order(text, ["CASE SUPERVISION: PLANNED SUPERVISION", "Practitioner: Pat Practitioner",
                               "Manager: Mo Manager", "CASE SUMMARY AND INTERVENTION OFFERED"])
        assert squeeze("KEY DATES AND DEADLINES FOR REVIEW OF PLANS\nNot discussed.") in squeeze(text)
        assert squeeze("SIGNIFICANT ADULTS NOT LIVING IN THE HOUSEHOLD\nNone recorded.") in squeeze(text)
        assert text.count("Not discussed.") == 1 and text.count("None recorded.") == 1
        assert "ACTION IF THE FAMILY CANNOT BE ENGAGED" not in text and "THE SAFEGUARDING CONCERN" not in text
        assert in_order(text, [part.heading for part in mosaic.sections])
        assert [name for name in raw_names if name in text] == []
        # an action by what, by whom (by name) and by when: never its reference or the person's login
        assert in_order(text, ["Book the school meeting", "By whom: Pat Practitioner", "By when: 27/11/2026"])
        assert record.agreed_actions[0].action_id not in text and "pat.practitioner" not in text
        assert "Left blank" not in text and "Nothing to record" not in text


def test_hostile_text_stays_text_in_both_formats(workbook, tmp_path):
    record_id, _ = completed(workbook, "supervision")
    with Store(workbook, user=MANAGER) as store:
        outline = documents.record_outline(store.printable(record_id))
    page = documents.outline_html(outline)
    assert "<script>" not in page and "<h1>Not a heading" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    pdf = documents.pdf_bytes(outline)
    assert struct_roles(pdf).count("H1") == 1  # the record's title only: "</p><h1>" made no heading
    assert squeeze(HOSTILE_TEXT) in squeeze(pdf_text(pdf, tmp_path))
    from docx import Document

    word = Document(io.BytesIO(documents.docx_bytes(outline)))
    xml = word.element.xml
    assert "w:hyperlink" not in xml and "w:instrText" not in xml and "w:fldSimple" not in xml
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == [outline.title]
    assert any(HOSTILE_TEXT in p.text for p in word.paragraphs)


def test_the_pdf_is_tagged_pdf_ua_in_british_english_with_a_title(workbook):
    import pikepdf

    record_id, _ = completed(workbook, "supervision")
    with Store(workbook, user=MANAGER) as store:
        outline = documents.record_outline(store.printable(record_id))
    data = documents.pdf_bytes(outline)
    pdf = pikepdf.open(io.BytesIO(data))
    assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
    assert str(pdf.Root.Lang) == "en-GB" and str(pdf.docinfo.Title) == outline.title
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    roles = struct_roles(data)
    assert {"H1", "H2", "P"} <= set(roles) and roles.count("H1") == 1


def test_an_amended_record_prints_its_version_reason_and_both_entered_times(workbook, tmp_path):
    record_id, record = completed(workbook, "supervision")
    with Store(workbook, user=MANAGER) as store:
        store.amend(record_id, record.model_copy(update={"progress": "Corrected progress."}), reason="Wrong figure")
        printed = store.printable(record_id)
    text = squeeze(pdf_text(documents.pdf_bytes(documents.record_outline(printed)), tmp_path))
    assert squeeze(f"Record {record_id}, version 2") in text and squeeze("Amended (version 2): Wrong figure") in text
    assert squeeze("Corrected progress.") in text and squeeze(f"version 2 entered {documents.uk_time(printed.entered_at)}") in text


def test_the_story_pdf_and_word_file_hold_the_trail_and_the_childs_words(workbook, tmp_path):
    completed(workbook, "supervision")
    with Store(workbook, user=MANAGER) as store:
        later = RECORD_KINDS["supervision"].model_validate({
            **RECORDS["supervision"][1], "event_date": dt.date(2026, 12, 4), "agreed_actions": [],
            "previous_actions": [{"action_id": "ACT-77", "status": "Done"}], "key_dates": [], "pbr_outcomes": ["Health"],
            "children": [{"child_id": "K-1", "not_spoken_to": "Another reason", "reason_detail": "In hospital"},
                         {"child_id": "K-2", "date_spoken_to": "03/12/2026", "seen_alone": False,
                          "views_and_feelings": "I miss my dad."}],
            "left_empty": {"key_dates": "Nothing to record", "agreed_actions": "Nothing to record"}})
        store.complete(store.save_draft(later))
        story = store.case_story("C-N1")
    outline = documents.story_outline(story, produced_by="Mo Manager")
    assert {"H1", "H2", "H3", "Table", "TH", "TD"} <= set(struct_roles(documents.pdf_bytes(outline)))
    facts = ["20/11/2026", "04/12/2026", "Planned supervision", "Mo Manager", "Book the school meeting",
             "Agreed", "Done", "I like my new teacher.", "I miss my dad.", "Ann", "Ben",
             "Family plan review", "Pat Example", "Grandmother", "School attendance", "Not listed since 20/11/2026",
             "Attendance at 80%.", HOSTILE_TEXT, "Produced", "by Mo Manager",
             # why a child was not spoken to, in the form's words: Ben at the first, Ann at the second
             "Not seen this period", "Another reason", "Reason: In hospital"]
    for text in (pdf_text(documents.pdf_bytes(outline), tmp_path), docx_text(documents.docx_bytes(outline))):
        flat = squeeze(text)
        assert [f for f in facts if squeeze(f) not in flat] == []
    from dashboard_seed import page_on

    from familyservice_nb.ui.pages.case_story import CaseStoryPage

    page = page_on(CaseStoryPage, workbook)
    page.apply_query({"case": "C-N1"})
    children = page.sections.children[3].value  # the page shows the same sections
    assert "Not seen this period" in children and "Another reason\nReason: In hospital" in children


def test_story_sections_are_escaped_html_a_page_can_show(workbook):
    completed(workbook, "supervision")
    with Store(workbook, user=MANAGER) as store:
        sections = documents.story_sections(store.case_story("C-N1"))
    assert [h for h, _ in sections] == [
        "The case", "Supervisions", "Agreed actions", "Children's views over time", "Key dates",
        "Significant adults not living in the household", "PBR outcomes"]
    body = "".join(html for _, html in sections)
    assert "<script>" not in body and "&lt;/p&gt;&lt;h1&gt;" in body


def test_python_api_saves_through_who_sees_what(workbook, tmp_path):
    import familyservice_nb as fs

    record_id, _ = completed(workbook, "supervision")
    with Store(workbook, user=WORKER) as store:
        assert fs.export_record(store, record_id, tmp_path / "r.docx").stat().st_size > 0
        assert fs.export_case(store, "C-N1", tmp_path / "c.pdf").read_bytes()[:5] == b"%PDF-"
    with Store(workbook, user=OTHER_WORKER) as store, pytest.raises(NotAllowed):
        fs.export_record(store, record_id, tmp_path / "no.pdf")
    assert not (tmp_path / "no.pdf").exists()


# -- the command line --------------------------------------------------------------------------------


def run(*args: str, user: str | None = MANAGER, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FSNB_USER", "JUPYTERHUB_USER", "FSNB_DATABASE_URL")}
    if user:
        env["FSNB_USER"] = user
    return subprocess.run([sys.executable, "-m", "familyservice_nb", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_export_record_and_case_from_the_command_line(workbook, tmp_path):
    record_id, record = completed(workbook, "supervision")
    out = run("export", "record", record_id, "--pdf", "--out", str(tmp_path / "r.pdf"), "--db", workbook)
    assert out.returncode == 0, out.stderr
    assert f"Record {record_id} (version 1) was saved to" in out.stdout
    assert squeeze(record.case_summary) in squeeze(pdf_text((tmp_path / "r.pdf").read_bytes(), tmp_path))
    out = run("export", "case", "C-N1", "--out", str(tmp_path / "story.docx"), "--db", workbook)
    assert out.returncode == 0, out.stderr
    assert "Book the school meeting" in docx_text((tmp_path / "story.docx").read_bytes())
    out = run("export", "record", "--all-completed", "--docx", "--out-dir", str(tmp_path / "all"), "--db", workbook,
              user=ANALYST)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [f"record-{record_id}-v1.docx"]


@pytest.mark.parametrize("args, user, message", [
    (["record", "999", "--pdf"], MANAGER, "There is no record 999 in the workbook."),
    (["record", "1", "--pdf"], OTHER_WORKER, "You cannot open record 1"),
    (["record", "2", "--pdf"], MANAGER, "Record 2 is still a draft"),
    (["record", "1"], MANAGER, "Say which kind of file to make: add --pdf or --docx."),
    (["record", "1", "--out", "x.txt"], MANAGER, "end its name in .pdf or .docx"),
    (["record", "1", "2", "--pdf", "--out", "x.pdf"], MANAGER, "--out names one file"),
    (["record", "--pdf"], MANAGER, "Say which record to export"),
    (["case", "NO-SUCH", "--pdf"], MANAGER, "There is no case NO-SUCH in the workbook."),
    (["case", "C-N1", "--docx"], OTHER_WORKER, "You cannot open case C-N1"),
])
def test_bad_input_exits_2_with_one_plain_line(workbook, tmp_path, args, user, message):
    completed(workbook, "supervision")  # record 1
    with Store(workbook, user=MANAGER) as store:  # record 2, a draft
        store.save_draft(RECORD_KINDS["supervision"].model_validate(RECORDS["supervision"][1]))
    out = run("export", *args, "--db", workbook, user=user, cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert list(tmp_path.glob("*.pdf")) == list(tmp_path.glob("*.docx")) == []
