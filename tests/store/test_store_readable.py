"""`store.readable`: a record row written around the workbook that cannot be read never takes a page down.

On SQLite and PostgreSQL one bad row is written straight to the database with the owner's connection (text
that is not JSON, JSON the record model refuses, a kind the workbook does not keep); every place that reads
many records leaves it out, names it ("Record N could not be read; tell your administrator.") where it would
be, and shows the rest. The cause is logged for the administrator, never the record's text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from dashboard_seed import page_on
from sqlalchemy import insert, update
from storehelp import ANALYST, MANAGER, WORKER, make_supervision
from test_store_documents import docx_text, pdf_text, run

from familyservice_nb import documents
from familyservice_nb.errors import UnreadableRecord, WorkbookError
from familyservice_nb.store.readable import read_record
from familyservice_nb.store.schema import record_versions, records

FRI_4_DEC = dt.date(2026, 12, 4)
THU_26_NOV = dt.date(2026, 11, 26)  # the bad row's date: between the two good supervisions
SECRET = "Ann told me about the knife"  # a record's own words: never in the log
GOOD = json.loads(make_supervision(progress=SECRET).model_dump_json())
BAD = {  # how a row written around the workbook may be unreadable: its kind and its payload
    "not JSON": ("supervision", '{"case_id": "C-N1", "progress": "' + SECRET),
    "refused by its model": ("supervision",
                             json.dumps({**GOOD, "event_date": "not a date", "agreed_actions": SECRET})),
    "a kind the workbook does not keep": ("supervison", json.dumps(GOOD)),
}


def sentence(record_id) -> str:
    return f"Record {record_id} could not be read; tell your administrator."


def write_row(store, kind: str, payload: str, case_id: str = "C-N1", day: dt.date = THU_26_NOV) -> str:
    """A completed record written straight to the database as its owner, around every check the store makes
    (made a draft first: on PostgreSQL only an amendment adds a version to a completed record)."""
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        number = conn.execute(insert(records).values(
            kind=kind, case_id=case_id, author=MANAGER, manager=MANAGER, subject=WORKER, event_date=day,
            risk_identified=False, state="draft", current_version=1, created_at=now, created_by=MANAGER,
            updated_at=now,
        ).returning(records.c.record_id)).scalar_one()
        conn.execute(insert(record_versions).values(
            record_id=number, version=1, state="complete", payload=payload, saved_at=now, saved_by=MANAGER,
            completed_at=now, completed_by=MANAGER))
        conn.execute(update(records).where(records.c.record_id == number).values(state="complete"))
    return str(number)


def _complete(store, record) -> str:
    record_id = store.save_draft(record)
    store.complete(record_id)
    return record_id


def two_supervisions_and_a_bad_row(seeded, as_user, bad: str) -> tuple[str, str, str]:
    """Case C-N1: a supervision on 20/11/2026 agreeing A1 and A2, a bad row on 26/11, and a supervision on
    04/12 reviewing both (A1 done, A2 not done)."""
    manager = as_user(MANAGER)
    first = _complete(manager, make_supervision(actions=2))
    second = _complete(manager, make_supervision(event_date=FRI_4_DEC, agreed_actions=[], previous_actions=[
        {"action_id": "A1", "status": "Done"}, {"action_id": "A2", "status": "Not done", "comment": "Ill."}]))
    return first, write_row(seeded, *BAD[bad]), second


@pytest.fixture(params=sorted(BAD))
def bad(request) -> str:
    return request.param


# -- the one function that decides ---------------------------------------------------------------------


@pytest.mark.parametrize("how", sorted(BAD))
def test_a_row_that_cannot_be_read_is_named_in_plain_words_and_its_cause_logged_without_its_text(how, caplog):
    kind, payload = BAD[how]
    with caplog.at_level(logging.ERROR, logger="familyservice_nb.store.readable"), \
            pytest.raises(UnreadableRecord) as refused:
        read_record(kind, payload, 693, THU_26_NOV, version=2)
    assert str(refused.value) == sentence(693) and isinstance(refused.value, WorkbookError)
    assert (refused.value.record_id, refused.value.event_date) == ("693", THU_26_NOV)
    (logged,) = caplog.records
    assert logged.getMessage().startswith("record 693 version 2 (") and "could not be read" in logged.getMessage()
    assert SECRET not in logged.getMessage() and SECRET not in caplog.text
    assert read_record("supervision", json.dumps(GOOD), 12).progress == SECRET  # a good row reads as ever


def test_each_cause_is_said_for_the_administrator(caplog):
    with caplog.at_level(logging.ERROR, logger="familyservice_nb.store.readable"):
        for how in sorted(BAD):
            with pytest.raises(UnreadableRecord):
                read_record(*BAD[how], 7)
    causes = [r.getMessage() for r in caplog.records]
    assert "('supervison') could not be read: the workbook keeps no records of this kind" in causes[0]
    assert "Invalid JSON" in causes[1]
    assert "event_date" in causes[2] and "agreed_actions" in causes[2]


# -- the case's story: Python, the page, the PDF and the Word file -----------------------------------------


def test_the_story_leaves_the_bad_row_out_and_names_it_where_it_would_be(seeded, as_user, bad):
    first, bad_id, second = two_supervisions_and_a_bad_row(seeded, as_user, bad)
    story = as_user(WORKER).case_story("C-N1")
    assert [s.record_id for s in story.supervisions] == [first, second]
    assert [(u.record_id, u.event_date, str(u)) for u in story.unreadable] == [
        (bad_id, THU_26_NOV, sentence(bad_id))]
    assert {t.action_id: t.standing for t in story.actions} == {"A1": "Done", "A2": "Open"}
    assert [c.child_id for c in story.children] == ["K-1", "K-2"]
    # The same for the form's earlier discussions, and for a record printed on its own.
    previous = as_user(MANAGER).previous_supervisions("C-N1")
    assert [d.record_id for d in previous] == [first, second]
    assert [u.record_id for u in previous.unreadable] == [bad_id]
    with pytest.raises(UnreadableRecord, match=sentence(bad_id)):
        as_user(MANAGER).printable(bad_id)


def _in_order(text: str, *parts: str, after: str = "") -> bool:
    """The parts stand in this order in `text` (from `after`, a table's caption, on), spaces squeezed."""
    text = " ".join(text.split())
    text = text[text.find(after):] if after in text else ""
    places = [text.find(p) for p in parts]
    return -1 not in places and places == sorted(places)


TABLE = "Supervisions and case discussions, oldest first"


def test_the_story_page_its_pdf_and_its_word_file_name_the_bad_row_between_the_others(seeded, as_user,
                                                                                     tmp_path):
    from familyservice_nb.ui.pages.case_story import CaseStoryPage

    first, bad_id, second = two_supervisions_and_a_bad_row(seeded, as_user, "refused by its model")
    page = page_on(CaseStoryPage, seeded.url)
    page.apply_query({"case": "C-N1"})
    assert page.message.value == "" and page.story is not None
    supervisions = page.sections.children[1].value
    assert supervisions.count(sentence(bad_id)) == 3  # said first, then in each table where the record would be
    assert _in_order(supervisions, "20/11/2026", sentence(bad_id), "04/12/2026", after=TABLE)
    ann = page.sections.children[3].value  # each child's table, by supervision
    assert _in_order(ann, "20/11/2026", sentence(bad_id), "04/12/2026", after="What Ann said")
    for text in (pdf_text(page.document("pdf"), tmp_path), docx_text(page.document("docx"))):
        assert _in_order(text, "20/11/2026", sentence(bad_id), "04/12/2026", after=TABLE)
        assert "Action 2" in text and "Oakhurst family" in text
    import familyservice_nb as fs

    for name in ("story.pdf", "story.docx"):
        path = fs.export_case(as_user(MANAGER), "C-N1", tmp_path / name)
        text = pdf_text(path.read_bytes(), tmp_path) if name.endswith("pdf") else docx_text(path.read_bytes())
        assert sentence(bad_id) in " ".join(text.split()) and "Action 1" in text


def test_a_story_of_only_a_bad_row_says_so_and_nothing_else(seeded, as_user):
    bad_id = write_row(seeded, *BAD["not JSON"])
    story = as_user(MANAGER).case_story("C-N1")
    assert story.supervisions == [] and [u.record_id for u in story.unreadable] == [bad_id]
    sections = dict(documents.story_sections(story))
    assert sentence(bad_id) in sections["Supervisions"]
    assert "No completed supervision" not in sections["Supervisions"]


def test_all_completed_records_are_exported_but_the_bad_row_which_is_named(seeded, as_user, tmp_path):
    first, bad_id, second = two_supervisions_and_a_bad_row(seeded, as_user, "not JSON")
    out = run("export", "record", "--all-completed", "--docx", "--out-dir", str(tmp_path / "all"), "--db",
              seeded.url, user=ANALYST)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in Path(tmp_path / "all").iterdir()) == sorted(
        [f"record-{first}-v1.docx", f"record-{second}-v1.docx"])
    assert "2 records were saved" in out.stdout and sentence(bad_id) in out.stdout
    out = run("export", "record", bad_id, "--pdf", "--out", str(tmp_path / "bad.pdf"), "--db", seeded.url)
    assert out.returncode != 0 and sentence(bad_id) in out.stderr and not (tmp_path / "bad.pdf").exists()


# -- the other lists: oversight, my work, quality standards, line management, the case supervision form ---


def test_oversight_leaves_the_bad_row_out_names_it_and_counts_the_rest(seeded, as_user, bad):
    first, bad_id, second = two_supervisions_and_a_bad_row(seeded, as_user, bad)
    data = as_user(MANAGER).oversight_data()
    assert [(u.record_id, str(u)) for u in data.unreadable] == [(bad_id, sentence(bad_id))]
    assert sorted(data.agreed_actions["record_id"] + ":" + data.agreed_actions["action_id"]) == [
        f"{first}:A1", f"{first}:A2"]
    assert sorted(data.action_reviews["record_id"].unique()) == [second]
    assert set(data.children_spoken_to["record_id"]) == {first, second}
    assert "unreadable" not in data.tables()


def test_the_pages_that_list_records_show_the_others_and_name_the_bad_row(seeded, as_user):
    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp
    from familyservice_nb.ui.pages.line_management_supervision import LineManagementApp
    from familyservice_nb.ui.pages.management_oversight import ManagementOversightPage
    from familyservice_nb.ui.pages.my_work import MyWork
    from familyservice_nb.ui.pages.quality_standards import QualityStandardsPage

    first, bad_id, second = two_supervisions_and_a_bad_row(seeded, as_user, "refused by its model")
    said = sentence(bad_id)
    work = MyWork(as_user(MANAGER), as_of=dt.date(2027, 1, 29))
    assert said in work.unreadable.value
    assert "“Action 2”" in work.actions.value  # A2, agreed at the first, not done at the second: overdue
    oversight = page_on(ManagementOversightPage, seeded.url)
    assert said in oversight.source.value and said in oversight.unreadable
    assert page_on(QualityStandardsPage, seeded.url).notices.value.count(said) == 1
    # Line management lists the practitioner's supervisions from what the store knows without opening them.
    line = LineManagementApp(as_user(MANAGER), MANAGER).new_form(WORKER)
    assert {first, second} <= {i.record_id for i in line.discussions}
    # The next case supervision: the actions still open are offered, and the bad row is named above them.
    app = CaseSupervisionApp(as_user(MANAGER), MANAGER)
    app.chooser.practitioner.value = WORKER
    app.chooser.case.value = "C-N1"
    app.chooser.start.click()
    assert [u.record_id for u in app.form.unreadable] == [bad_id] and said in _shown(app.form)
    assert [row.action.action_id for row in app.form.parts["previous_actions"].rows] == ["A2"]


def _shown(widget) -> str:
    """Every HTML value in a widget tree."""
    own = str(getattr(widget, "value", "")) if hasattr(widget, "value") else ""
    return own + "".join(_shown(child) for child in getattr(widget, "children", ()))


def test_a_bad_draft_does_not_stop_the_lists_either(seeded, as_user):
    manager = as_user(MANAGER)
    draft = manager.save_draft(make_supervision())
    with seeded.engine.begin() as conn:  # a draft's payload can be changed directly
        conn.execute(update(record_versions).where(record_versions.c.record_id == int(draft))
                     .values(payload="{not json"))
    assert manager.case_story("C-N1").unreadable == []  # drafts are not in the story
    assert manager.oversight_data().unreadable == []
    assert [i.record_id for i in manager.records(state="draft")] == [draft]


def test_a_row_of_a_kind_the_workbook_does_not_keep_is_named_in_every_list_and_never_linked(seeded, as_user):
    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp
    from familyservice_nb.ui.pages.my_work import MyWork

    bad_id = write_row(seeded, *BAD["a kind the workbook does not keep"])
    infos = as_user(MANAGER).records(case_id="C-N1")
    assert [i.record_id for i in infos] == [] and [u.record_id for u in infos.unreadable] == [bad_id]
    work = MyWork(as_user(MANAGER), as_of=dt.date(2027, 1, 29))
    assert work.unreadable.value.count(sentence(bad_id)) == 1  # the oversight figures name it too: said once
    assert "supervison" not in work.recent.value.lower()
    listed = CaseSupervisionApp(as_user(MANAGER), MANAGER).case_records_html("C-N1")
    assert sentence(bad_id) in listed and "?record=" not in listed
