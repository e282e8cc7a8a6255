"""`Store.case_story` and `Store.printable`: read through who-sees-what, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from storehelp import ANALYST, MANAGER, OTHER_MANAGER, OTHER_WORKER, WORKER, make_supervision

from familyservice_nb.errors import WorkbookError
from familyservice_nb.store import NotAllowed, NotFound


def _complete(store, record) -> str:
    record_id = store.save_draft(record)
    store.complete(record_id)
    return record_id


def test_story_of_two_supervisions_names_the_manager_and_follows_an_action(seeded, as_user):
    manager = as_user(MANAGER)
    first = _complete(manager, make_supervision(actions=2))
    second = make_supervision(event_date=dt.date(2026, 12, 4), agreed_actions=[], previous_actions=[
        {"action_id": "A1", "status": "Done"}, {"action_id": "A2", "status": "Not done", "comment": "Ill."}])
    second_id = _complete(manager, second)
    story = as_user(WORKER).case_story("C-N1")
    assert [(s.record_id, s.manager, s.meeting_date, s.version) for s in story.supervisions] == [
        (first, "Mo Manager", dt.date(2026, 11, 20), 1), (second_id, "Mo Manager", dt.date(2026, 12, 4), 1)]
    assert all(s.entered_on is not None for s in story.supervisions)
    trails = {t.action_id: t for t in story.actions}
    assert (trails["A1"].standing, trails["A2"].standing) == ("Done", "Open")
    assert [s.event for s in trails["A2"].steps] == ["Agreed", "Not done"]
    assert [c.child_id for c in story.children] == ["K-1", "K-2"]


def test_the_story_shows_the_amended_version(seeded, as_user):
    manager = as_user(MANAGER)
    record_id = _complete(manager, make_supervision())
    manager.amend(record_id, make_supervision(record_id=record_id, progress="Corrected."), reason="Typo")
    (line,) = as_user(ANALYST).case_story("C-N1").supervisions
    assert (line.version, line.progress) == (2, "Corrected.")


def test_who_sees_what_applies_to_the_story(seeded, as_user):
    _complete(as_user(MANAGER), make_supervision())
    with pytest.raises(NotAllowed):
        as_user(OTHER_WORKER).case_story("C-N1")
    with pytest.raises(NotAllowed):
        as_user(OTHER_MANAGER).case_story("C-N1")
    with pytest.raises(NotFound):
        as_user(MANAGER).case_story("NO-SUCH-CASE")


def test_a_draft_is_not_in_the_story_and_cannot_be_printed(seeded, as_user):
    manager = as_user(MANAGER)
    draft = manager.save_draft(make_supervision())
    assert manager.case_story("C-N1").supervisions == []
    with pytest.raises(WorkbookError, match=f"Record {draft} is still a draft"):
        manager.printable(draft)
    assert manager.completed_record_ids() == []


def test_printable_gives_the_footer_facts_of_the_latest_completed_version(seeded, as_user):
    manager = as_user(MANAGER)
    record_id = _complete(manager, make_supervision())
    manager.amend(record_id, make_supervision(record_id=record_id, progress="Second."), reason="Typo",
                  complete=False)
    printed = manager.printable(record_id)
    assert (printed.version, printed.author, printed.author_login) == (1, "Mo Manager", MANAGER)
    assert printed.meeting_date == dt.date(2026, 11, 20) and printed.entered_at is not None
    assert manager.completed_record_ids() == [record_id]
    with pytest.raises(NotAllowed):
        as_user(OTHER_WORKER).printable(record_id)
    with pytest.raises(WorkbookError, match="Version 2 of record"):
        manager.printable(record_id, version=2)
