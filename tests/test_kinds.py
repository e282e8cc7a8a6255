"""Every declared record kind, walked through every place that reads kinds (STYLE: a concept is a unit).

`gaps(kind, data, url)` saves a record of the kind in a real workbook (SQLite) and names, kind by kind and
place by place, what does not know it: the registry, its Mosaic text, its page, who completes it (the store,
and the database's own rule on PostgreSQL), the oversight measures ("records completed late", children spoken
to), the case's story, and its printed documents (the outline both the PDF and the Word file are made from).
A kind added without one of them fails here with its key and the place named; the throwaway kinds at the
end show that the helper does report such a gap.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest
from storehelp import complete_sections
from world import ANALYST, MANAGER, NORTH_CASE, PRACTITIONER, seed_people

from familyservice_nb import documents, oversight
from familyservice_nb.errors import WorkbookError
from familyservice_nb.records import (
    GFPO_PROMPTS,
    KINDS,
    RECORD_KINDS,
    Completer,
    RecordKind,
    SessionRecord,
    kind_named,
    kind_of,
    record_text,
    render_text,
    uk,
)
from familyservice_nb.records.kinds import SESSION, declare
from familyservice_nb.records.supervision import CaseDiscussion
from familyservice_nb.store import NotAllowed, Store
from familyservice_nb.ui.kit.catalogue import read_page, record_link

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS = ROOT / "dashboards"
MIGRATIONS = ROOT / "familyservice_nb" / "store" / "migrations" / "versions"
MON_02_NOV = dt.date(2026, 11, 2)  # due by Monday 09/11/2026: completed today, every record here is late
TODAY = dt.date(2027, 1, 29)  # the tests' today (tests/conftest.py)

ACTION = {"action_id": "S1", "what": "Bedtime chart on the fridge", "by_whom": PRACTITIONER, "by_when": "16/11/2026"}
CASE_RECORD = {"event_date": MON_02_NOV, "author": PRACTITIONER, "case_id": NORTH_CASE}
DISCUSSION = {
    **CASE_RECORD, "case_summary": "Oakhurst family: early help plan since September.",
    "progress": "School attendance up to 92%.", "still_to_happen": "Housing referral.",
    "children": [{"child_id": "K-1", "pseudonym": "Ann", "date_spoken_to": "30/10/2026", "seen_alone": True,
                  "views_and_feelings": "I like my new teacher."},
                 {"child_id": "K-2", "pseudonym": "Ben", "not_spoken_to": "Declined to speak"}],
}


def example(key: str) -> dict:
    """A valid record of one of the guidance's kinds on case C-N1 (Pat's, team North: Mo manages it), written by
    Pat on Monday 02/11/2026, ready to complete: every child of the case accounted for, K-1 spoken to."""
    data = {
        "case_note": {**CASE_RECORD, "note_type": "Visit", "text": "Home visit; Ann seen.",
                      "children_spoken_to": ["K-1"]},
        "session": {**CASE_RECORD, "who": "Pat Practitioner, Ann and her mother", "aim": "A bedtime routine",
                    "method": "Routine chart", "aims_met": True, "outcome": "Chart agreed",
                    "observations_and_reflections": "Warm interaction.", "actions": [ACTION],
                    "children_spoken_to": ["K-1"]},
        "gfpo_session": {**CASE_RECORD, "intervention": "Intensive Support", "purpose": "A behaviour chart",
                         "desired_outcome": "Chart in use daily", "present_and_took_part": "Ann's mother",
                         "location": "Family home", "start_time": "07:45", "activities": "Made the chart together",
                         "observations": "Engaged well.", "prompt_answers": {GFPO_PROMPTS[3]: "Ann joined in."},
                         "next_steps": [ACTION], "children_spoken_to": ["K-1"]},
        "supervision": complete_sections({**DISCUSSION, "kind": "Planned supervision", "practitioner": PRACTITIONER,
                                          "manager": MANAGER}),
        "review_summary": complete_sections(dict(DISCUSSION)),
        "closure_summary": complete_sections({**DISCUSSION, "closure_reason": "Plan outcomes achieved",
                                              "closure_date": "30/11/2026"}),
        "line_management": {"event_date": MON_02_NOV, "author": PRACTITIONER, "practitioner": PRACTITIONER,
                            "manager": MANAGER, "workload_management": "Caseload of 14 is manageable.",
                            "next_epdr_date": "01/04/2027"},
        "epdr": {"event_date": MON_02_NOV, "author": PRACTITIONER, "practitioner": PRACTITIONER, "manager": MANAGER,
                 "objectives": [{"what": "Complete the Signs of Safety training", "by_when": "31/03/2027"}],
                 "next_epdr_date": "02/11/2027"},
    }
    return data[key]


def _database_rule() -> str:
    """The SQL of the newest migration that states who completes what (`fsnb_manager_required`)."""
    newest = [p for p in sorted(MIGRATIONS.glob("0*.py")) if "fsnb_manager_required" in p.read_text(encoding="utf-8")][-1]
    spec = importlib.util.spec_from_file_location(f"fsnb_kinds_{newest.stem}", newest)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FUNCTIONS


def gaps(kind: RecordKind, data: dict, url: str) -> list[str]:
    """Each place that does not know `kind`, as "key: place: what is missing"; `data` is a valid record of it
    that names a child spoken to, if the kind's model can."""
    found: list[str] = []

    def gap(place: str, what: str) -> None:
        found.append(f"{kind.key}: {place}: {what}")

    record = kind.model.model_validate(data)
    if kind_named(kind.key) is not kind or kind_of(record) is not kind or RECORD_KINDS[kind.key] is not kind.model:
        gap("registry", "the kind is not the one its key and its model look up")

    try:
        text = render_text(record)
    except Exception as exc:  # noqa: BLE001 - whatever the text raises is the gap to name
        gap("Mosaic text", f"render_text raised {type(exc).__name__}: {exc}")
    else:
        if uk(record.event_date) not in text:
            gap("Mosaic text", "the text does not give the record's date")
    if kind.destination.running_record != kind.on_a_case:
        gap("Mosaic text", "a record on a case goes on its running record, and only such a record does")

    found += [f"{kind.key}: page: {what}" for what in _page_gaps(kind)]

    with Store(url, user=PRACTITIONER) as pat, Store(url, user=MANAGER) as mo, Store(url, user=ANALYST) as analyst:
        found += [f"{kind.key}: {place}" for place in _kept_gaps(kind, data, record, pat, mo, analyst)]
    return found


def _kept_gaps(kind: RecordKind, data: dict, record, pat: Store, mo: Store, analyst: Store) -> list[str]:
    """Saved, completed, measured, in the story and printed as the kind says: each gap as "place: what"."""
    found: list[str] = []

    def gap(place: str, what: str) -> None:
        found.append(f"{place}: {what}")

    try:
        record_id = pat.save_draft(record)
    except WorkbookError as exc:
        gap("store", f"a draft was refused: {exc}")
        return found
    found += [f"who completes it: {what}" for what in _completion_gaps(kind, data, record_id, pat, mo)]

    data_ = analyst.oversight_data()
    report = oversight.management_oversight(data_, as_of=TODAY)
    late = report.late_records.set_index("record_id")
    if kind.timed and record_id not in late.index:
        gap("records completed late", "a record completed after its due date is not listed")
    elif kind.timed and late.loc[record_id, "kind"] != kind.title:
        gap("records completed late", f"the record is listed as '{late.loc[record_id, 'kind']}'")
    elif not kind.timed and record_id in late.index:
        gap("records completed late", "listed, though the kind is not timed")
    counted = record_id in set(data_.children_spoken_to["record_id"])
    if (kind.spoken_to is not None) != counted:
        gap("children spoken to", "the child it names as spoken to is " + ("not counted" if not counted else
                                                                         "counted, though the kind does not count"))
    if (kind.spoken_to is not None) != hasattr(kind.model, "children_seen"):
        gap("children spoken to", "whether the kind counts children spoken to and whether its model says which "
                                  "children were spoken to (`children_seen`) disagree")
    if kind.spoken_to is not None and kind.spoken_to not in oversight.spoken_to_note():
        gap("children spoken to", "the oversight page does not say how it counts")

    if kind.in_story and not issubclass(kind.model, CaseDiscussion):
        gap("case story", "the story is made of case discussions; its model is not one")
    if kind.on_a_case:
        story = mo.case_story(NORTH_CASE)
        in_story = record_id in {s.record_id for s in story.supervisions}
        if in_story != kind.in_story:
            gap("case story", "in the story, though not declared in it" if in_story else "not in the story")
        documents.story_sections(story)
    elif kind.in_story:
        gap("case story", "a record on no case cannot be in a case's story")

    if kind.printable:
        printed = mo.printable(record_id)
        try:
            outline = documents.record_outline(printed)
        except Exception as exc:  # noqa: BLE001 - a printed record is made from its Mosaic text: name what failed
            gap("documents", f"record_outline raised {type(exc).__name__}: {exc}")
            return found
        if not outline.title.startswith(f"{kind.title}: record {record_id}"):
            gap("documents", f"the document is titled '{outline.title}'")
        mosaic = record_text(printed.record, printed.names)
        shown = [b.text for b in outline.blocks if isinstance(b, documents.Heading) and b.level == 2]
        if shown != [part.heading for part in (mosaic.head, *mosaic.sections) if part.heading]:
            gap("documents", "the document's sections are not its Mosaic text's, in its order")
        documents.outline_html(outline)
        documents.docx_bytes(outline)
    else:
        try:
            mo.printable(record_id)
            gap("documents", "printed, though the kind is not printable")
        except WorkbookError:
            pass
        if record_id in mo.completed_record_ids():
            gap("documents", "in the batch of completed records to print, though the kind is not printable")
    return found


def _page_gaps(kind: RecordKind) -> list[str]:
    """Its notebook is a page titled as the kind, whose page module's app opens a form of the kind's model."""
    if record_link(kind.key, 7) != f"{kind.page}?record=7":
        return [f"a record's link is {record_link(kind.key, 7)}"]
    notebook = DASHBOARDS / kind.page
    if not notebook.is_file():
        return [f"there is no page notebook dashboards/{kind.page}"]
    out = []
    page = read_page(notebook)
    if page is None or page.title != kind.title:
        out.append(f"dashboards/{kind.page} is not a page titled '{kind.title}'")
    module = importlib.import_module("familyservice_nb.ui.pages." + notebook.stem.replace("-", "_"))
    forms = [v.form_class for v in vars(module).values() if isinstance(v, type) and "form_class" in vars(v)]
    if [f.model for f in forms] != [kind.model]:
        out.append(f"dashboards/{kind.page} opens a form of {', '.join(f.model.__name__ for f in forms) or 'nothing'}, "
                   f"not of {kind.model.__name__}")
    elif (forms[0].kind, forms[0].noun) != (kind.key, kind.noun):
        out.append(f"its form is a '{forms[0].kind}' called '{forms[0].noun}'")
    return out


def _completion_gaps(kind: RecordKind, data: dict, record_id: str, pat: Store, mo: Store) -> list[str]:
    """Pat (the author, a practitioner) completes it only where the kind says anyone who may change it does;
    otherwise Mo (the case's team manager and Pat's line manager) does. The database's rule names the kind."""
    out = []
    completer = kind.completer(data)
    if completer is Completer.ANYONE_WHO_MAY_CHANGE_IT:
        who = pat
    else:
        who = mo
        try:
            pat.complete(record_id)
            out.append(f"{PRACTITIONER} completed it, though {completer} does")
        except NotAllowed:
            pass
    try:
        who.complete(record_id)
    except WorkbookError as exc:
        out.append(f"{who.viewer().login} could not complete it: {exc}")
    rule = _database_rule()
    must_name = (completer is not Completer.ANYONE_WHO_MAY_CHANGE_IT or kind.names_manager
                 or kind.manager_completes is not None)
    if must_name and f"'{kind.key}'" not in rule:
        out.append(f"the database's own rule (PostgreSQL) does not name it: {completer} completes it there too only "
                   "when a migration says so")
    return out


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('kinds') / 'workbook.db'}"
    with Store(url) as store:
        seed_people(store)
    return url


def test_the_guidance_kinds_are_declared_once_each():
    assert list(KINDS) == ["case_note", "session", "gfpo_session", "supervision", "review_summary",
                           "closure_summary", "line_management", "epdr"]
    assert len({k.model for k in KINDS.values()}) == len({k.page for k in KINDS.values()}) == len(KINDS)


@pytest.mark.parametrize("key", list(KINDS))
def test_every_place_that_reads_kinds_knows_every_kind(workbook, key):
    assert gaps(KINDS[key], example(key), workbook) == []


def test_every_record_page_belongs_to_a_declared_kind():
    """The other way round: a form page whose kind was never declared (or declared with another page)."""
    pages = {k.page for k in KINDS.values()}
    for notebook in DASHBOARDS.glob("*.ipynb"):
        module = importlib.import_module("familyservice_nb.ui.pages." + notebook.stem.replace("-", "_"))
        if any(isinstance(v, type) and "form_class" in vars(v) for v in vars(module).values()):
            assert notebook.name in pages


def test_an_unknown_kind_is_refused_in_plain_words_never_guessed():
    from familyservice_nb.errors import UnknownKind

    for look_up in (kind_named, lambda key: RECORD_KINDS[key], lambda key: record_link(key, 7)):
        with pytest.raises(UnknownKind, match="The workbook does not keep records of the kind 'home_visit'."):
            look_up("home_visit")
    with pytest.raises(UnknownKind):
        oversight.kind_titles(__import__("pandas").Series(["session", "home_visit"]))
    assert "home_visit" not in RECORD_KINDS and RECORD_KINDS.get("home_visit") is None


def test_a_kind_is_declared_once_and_a_model_belongs_to_one_kind():
    with pytest.raises(ValueError, match="'session' is already declared"):
        declare(replace(SESSION, title="Another session"))
    with pytest.raises(ValueError, match="SessionRecord is already the model of another record kind"):
        declare(replace(SESSION, key="home_visit"))
    assert declare(SESSION, replace=True) is SESSION and KINDS["session"] is SESSION


# -- the helper finds what it is for ------------------------------------------------------------------------


class HomeVisit(SessionRecord):
    """A throwaway kind: a session record by another name."""


def _no_text(record) -> str:
    raise TypeError(f"There is no Mosaic text for a {type(record).__name__}.")


def test_a_kind_with_no_mosaic_text_and_no_page_of_its_own_is_reported_by_kind_and_place(workbook, monkeypatch):
    visit = replace(SESSION, key="home_visit", title="Home visit", noun="home visit record", model=HomeVisit,
                    text=_no_text)
    monkeypatch.setitem(KINDS, visit.key, visit)
    found = gaps(visit, example("session"), workbook)
    assert "home_visit: Mosaic text: render_text raised TypeError: There is no Mosaic text for a HomeVisit." in found
    assert "home_visit: page: dashboards/session-record.ipynb is not a page titled 'Home visit'" in found
    assert ("home_visit: page: dashboards/session-record.ipynb opens a form of SessionRecord, not of HomeVisit"
            in found)
    # a printed record is made from the Mosaic text's sections: without them there is nothing to print
    assert "home_visit: documents: record_outline raised TypeError: There is no Mosaic text for a HomeVisit." in found
    assert len(found) == 4  # it saves, completes, is timed and counts Ann as spoken to as declared


def test_a_kind_declared_where_its_records_do_not_fit_is_reported(workbook, monkeypatch):
    """Declared in the story, not counting children, completed by the case's managers and on a page of its own
    that is not there, a session record by another name fits none of it: each place is named."""
    claimed = replace(SESSION, key="home_visit", title="Home visit", noun="home visit record", model=HomeVisit,
                      spoken_to=None, in_story=True, completed_by=Completer.CASE_MANAGER, page="home-visit.ipynb")
    monkeypatch.setitem(KINDS, claimed.key, claimed)
    assert sorted(gaps(claimed, example("session"), workbook)) == [
        "home_visit: case story: not in the story",
        "home_visit: case story: the story is made of case discussions; its model is not one",
        "home_visit: children spoken to: whether the kind counts children spoken to and whether its model says "
        "which children were spoken to (`children_seen`) disagree",
        "home_visit: page: there is no page notebook dashboards/home-visit.ipynb",
        "home_visit: who completes it: the database's own rule (PostgreSQL) does not name it: a manager of the "
        "case's team completes it there too only when a migration says so",
    ]


def test_a_measure_that_leaves_a_kind_out_is_reported(workbook, monkeypatch):
    """As "records completed late" once left out a kind nobody had added to its list."""
    declared = oversight.MEASURES["late_records"]
    monkeypatch.setitem(oversight.MEASURES, "late_records", replace(
        declared, lines_of=lambda *args, **kw: declared.lines_of(*args, **kw).query("kind != 'GFPO session record'")))
    assert gaps(KINDS["gfpo_session"], example("gfpo_session"), workbook) == [
        "gfpo_session: records completed late: a record completed after its due date is not listed"]


def test_a_kind_declared_not_printable_is_never_printed(workbook, monkeypatch):
    kept = replace(SESSION, key="home_visit", title="Home visit", noun="home visit record", model=HomeVisit,
                   printable=False)
    monkeypatch.setitem(KINDS, kept.key, kept)
    assert [g for g in gaps(kept, example("session"), workbook) if ": page: " not in g] == []
    mo = Store(workbook, user=MANAGER)
    visits = [i.record_id for i in mo.records(kind="home_visit", state="complete")]
    for record_id in visits:  # this one, and those the tests above kept under the same key
        with pytest.raises(WorkbookError, match=f"Record {record_id} is a home visit record, which is not printed"):
            mo.printable(record_id)
    assert visits and not set(visits) & set(mo.completed_record_ids())
