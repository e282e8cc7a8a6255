"""Records are read through their models: every name the story, the oversight queries and the documents read on
a record is a field (or a property or method) of its model, and nothing is read by a name with a default.

How the names are collected: by watching the reads themselves. While the store reads a workbook holding a
record of every kind, with every part filled (actions agreed and reviewed, a child in each way of being or not
being spoken to, key dates, adults, PBR outcomes), every attribute asked of a record or a part of one is noted,
those asked through `getattr(..., default)` or `hasattr` too: each must be one its model has. A declared list
of names would be a second copy to keep in step with the code, and a misspelt name in the code would be
misspelt in it too; watching the reads checks the code that runs. The source is read as well, for the one
pattern that hides such a typo on a path the workbook here does not take: a name in quotes with a default.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from pathlib import Path

import pytest
from test_kinds import ACTION, example
from world import ANALYST, MANAGER, NORTH_CASE, PRACTITIONER, seed_people

from familyservice_nb import documents, oversight
from familyservice_nb.records import KINDS, ChildSpokenTo, Completer, RecordPart
from familyservice_nb.store import Store

PACKAGE = Path(__file__).resolve().parent.parent / "familyservice_nb"
READERS = ["story.py", "documents.py", "oversight.py", "store/oversight_queries.py", "store/story_queries.py"]


@contextlib.contextmanager
def reads():
    """Every (model class, name) asked of a record or a part of one while inside (private names aside)."""
    seen: set[tuple[type, str]] = set()

    def watched(self, name):
        if not name.startswith("_"):
            seen.add((type(self), name))
        return object.__getattribute__(self, name)

    RecordPart.__getattribute__ = watched
    try:
        yield seen
    finally:
        del RecordPart.__getattribute__


def not_in_the_model(seen) -> list[str]:
    return sorted(f"{cls.__name__}.{name}" for cls, name in seen
                  if name not in cls.model_fields and not hasattr(cls, name))


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> str:
    """Case C-N1 with a record of every kind; a supervision agrees an action, a review summary reviews it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reads') / 'workbook.db'}"
    with Store(url) as store:
        seed_people(store)
    pat, mo = Store(url, user=PRACTITIONER), Store(url, user=MANAGER)
    for key, kind in KINDS.items():
        data = example(key)
        if key == "supervision":
            data = {**data, "agreed_actions": [ACTION | {"action_id": "A1"}], "key_dates": [
                {"date": "01/12/2026", "what": "Family plan review"}], "pbr_outcomes": ["School attendance"],
                "pbr_comment": "Attendance at 80%.", "significant_adults": [
                    {"name": "Pat Example", "relationship": "Grandmother", "contact": "07700 900123"}],
                "left_empty": {"risk_assessments_and_tools": "Not discussed", "if_unable_to_engage": "Not discussed"}}
        if key == "review_summary":
            data = {**data, "event_date": dt.date(2026, 11, 9), "previous_actions": [
                {"action_id": "A1", "status": "Partly done", "comment": "Waiting for the school."}], "children": [
                {"child_id": "K-1", "pseudonym": "Ann", "not_spoken_to": "Another reason", "reason_detail": "In hospital"},
                {"child_id": "K-2", "pseudonym": "Ben", "not_spoken_to": "Too young to speak: observed",
                 "date_spoken_to": "06/11/2026", "observations": "Played with blocks."}]}
        if key == "closure_summary":  # on the supervision's day, after it: it reviews the action agreed there
            data = {**data, "previous_actions": [{"action_id": "A1", "status": "Done"}]}
        record_id = pat.save_draft(kind.model.model_validate(data))
        (pat if kind.completer(data) is Completer.ANYONE_WHO_MAY_CHANGE_IT else mo).complete(record_id)
    return url


def test_the_story_the_queries_and_the_documents_read_only_what_the_models_have(workbook):
    analyst, mo = Store(workbook, user=ANALYST), Store(workbook, user=MANAGER)
    printed = [mo.printable(record_id) for record_id in mo.completed_record_ids()]
    with reads() as seen:
        data = analyst.oversight_data()
        oversight.management_oversight(data, as_of=dt.date(2027, 1, 29))
        story = mo.case_story(NORTH_CASE)
        documents.story_outline(story)
        for one in printed:
            documents.record_outline(one)
    assert not_in_the_model(seen) == []
    # They did read the parts: the actions, reviews and each child's entry, as the models name them.
    names = {name for _cls, name in seen}
    assert {"agreed_actions", "previous_actions", "children_seen", "not_spoken_to", "reason_detail", "observations",
            "next_epdr_date", "key_dates", "significant_adults", "pbr_outcomes"} <= names
    assert len(printed) == len(KINDS) and len(data.action_reviews) == 2 and len(story.actions) == 1


def test_a_name_no_model_has_is_caught_even_behind_a_default():
    child = ChildSpokenTo(child_id="K-2", not_spoken_to="Declined to speak")
    with reads() as seen:
        assert getattr(child, "reason_not_spoken_to", "") == ""  # what the story once read: always blank
        assert hasattr(child, "not_spoken_to")
    assert not_in_the_model(seen) == ["ChildSpokenTo.reason_not_spoken_to"]


def quoted_reads(source: str) -> list[str]:
    """`getattr(x, "name", default)`, `hasattr(x, "name")` and `x.get("name", default)`: a name in quotes read
    with a way out when it is not there."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        quoted = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if ((name == "getattr" and len(node.args) == 3 and node.args[1] in quoted)
                or (name == "hasattr" and node.args[1:2] and node.args[1] in quoted)
                or (name == "get" and isinstance(node.func, ast.Attribute) and node.args[0] in quoted
                    and len(node.args) == 2)):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("module", READERS)
def test_no_reader_reads_a_quoted_name_with_a_default(module):
    assert quoted_reads((PACKAGE / module).read_text(encoding="utf-8")) == []


def test_the_source_check_catches_each_way_out():
    source = ('a = getattr(child, "reason_not_spoken_to", "")\nb = hasattr(d, "manager")\n'
              'c = payload.get("note_type", "Visit")\nd = getattr(model, name)\ne = names.get(login)\n'
              'f = getattr(d, "manager")\n')
    assert quoted_reads(source) == ['line 1: getattr(child, \'reason_not_spoken_to\', \'\')',
                                    "line 2: hasattr(d, 'manager')", "line 3: payload.get('note_type', 'Visit')"]
