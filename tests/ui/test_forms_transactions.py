"""One unit of work per use: a form's Complete is at most two database transactions (complete, then read what the
completed record shows) and an autosave one (save, and when the record was last changed, together). Counted with
SQLAlchemy's own event hook on the store's engine, against a real SQLite store."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event
from test_forms_supervision import fill_minimum, open_case

from familyservice_nb.store import Store
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

from forms_seed import MANAGER, seed, sqlite_url


@pytest.fixture
def form(tmp_path):
    store = Store(seed(sqlite_url(tmp_path)), user=MANAGER)
    app = CaseSupervisionApp(store, MANAGER)
    yield open_case(app)
    store.close()


@contextlib.contextmanager
def transactions(store: Store):
    """The transactions begun on the store's engine while the block runs."""
    begun = []

    def count(conn) -> None:
        begun.append(conn)

    event.listen(store.engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(store.engine, "begin", count)


def test_an_autosave_is_one_transaction(form):
    fill_minimum(form)
    form.parts["progress"].field.value = "Attendance up to 93%."
    with transactions(form.store) as begun:
        assert form.save_draft()
    assert len(begun) == 1
    form.parts["progress"].field.value = "Attendance up to 94%."  # and again, checked against the first save
    with transactions(form.store) as begun:
        assert form.save_draft()
    assert len(begun) == 1
    assert form.store.get(form.record_id).progress == "Attendance up to 94%."


def test_completing_is_two_transactions_at_most(form):
    fill_minimum(form)
    assert form.save_draft()
    with transactions(form.store) as begun:
        assert form.complete()
    assert len(begun) <= 2
    assert form.store.info(form.record_id).state == "complete"
    assert "was completed on" in form.banner.value and "Complete" in form.history.value  # what it read, shown


def test_completing_a_record_never_saved_is_two_transactions_at_most(form):
    fill_minimum(form)
    assert form.record_id is None
    with transactions(form.store) as begun:
        assert form.complete()
    assert len(begun) <= 2
    assert form.store.info(form.record_id).state == "complete"
