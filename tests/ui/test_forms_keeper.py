"""Nothing typed is lost: the kernel side of the browser's keeper, and stale copies refused."""

from __future__ import annotations

from familyservice_nb.store import Store
from familyservice_nb.ui.forms.framework.keeper import inputs_of
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, fill_discussion, seed, sqlite_url


def page(url, user=MANAGER):
    return CaseSupervisionApp(Store(url, user=user), user)


def open_case(app):
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    return app.form


def answers(keeper):
    sent = []
    keeper.send = sent.append
    return sent


def test_every_input_of_the_form_is_watched_under_a_stable_path(tmp_path):
    form = open_case(page(seed(sqlite_url(tmp_path))))
    keeper = form.keeper
    assert keeper.key == f"supervision:new:{NORTH_CASE}"
    summary = form.parts["case_summary"].field.control
    assert keeper.paths["case_summary/0"] is summary
    assert keeper.watched[summary.model_id] == "case_summary/0"
    # a date's text box is kept, its calendar (which follows the text) is not
    date = form.parts["event_date"].field.control
    assert list(inputs_of(date)) == [date.text]


def test_a_ping_is_answered_saved_only_when_nothing_waits(tmp_path):
    form = open_case(page(seed(sqlite_url(tmp_path))))
    sent = answers(form.keeper)
    form.parts["case_summary"].field.value = "Typed"
    form.keeper._message(form.keeper, {"type": "ping", "seq": 3}, [])
    assert sent[-1] == {"type": "pong", "seq": 3, "saved": False}  # the draft waits for its timer
    form.debouncer.flush()
    form.keeper._message(form.keeper, {"type": "ping", "seq": 4}, [])
    assert sent[-1] == {"type": "pong", "seq": 4, "saved": True}
    assert form.keeper.key == f"supervision:{form.record_id}"  # the browser moves its copy to the record


def test_text_kept_by_the_browser_is_put_back_and_saved_in_a_new_kernel(tmp_path):
    url = seed(sqlite_url(tmp_path))
    first = open_case(page(url))
    first.parts["case_summary"].field.value = "Before the drop"
    first.debouncer.flush()
    record_id = first.record_id
    # the server stops; the browser kept this:
    kept = {"case_summary/0": "Before the drop, and every word typed after it", "progress/0": "Also this"}

    again = page(url)
    again.open_record(record_id)
    form = again.form
    sent = answers(form.keeper)
    form.keeper._message(form.keeper, {"type": "restore", "values": kept, "again": False}, [])
    saved = Store(url, user=MANAGER).saved_payload(record_id)
    assert saved["case_summary"] == "Before the drop, and every word typed after it"
    assert saved["progress"] == "Also this"
    assert "back on this page and saved" in form.banner.value
    form.keeper._message(form.keeper, {"type": "ping", "seq": 9}, [])
    assert sent[-1]["saved"] is True


def test_a_save_from_a_stale_copy_is_refused_and_the_text_stays(tmp_path):
    url = seed(sqlite_url(tmp_path))
    first = open_case(page(url))
    first.parts["case_summary"].field.value = "Opened in two tabs"
    first.parts["kind"].field.value = "Planned supervision"
    first.parts["event_date"].field.value = "25/11/2026"
    first.debouncer.flush()
    second_page = page(url)
    second_page.open_record(first.record_id)
    second = second_page.form
    second.parts["case_summary"].field.value = "Typed in the second tab"
    assert second.save_draft(explicit=True)
    first.parts["case_summary"].field.value = "Typed in the first tab"
    assert not first.save_draft(explicit=True)
    assert "changed in another window at" in first.status.value and 'role="alert"' in first.status.value
    assert first.parts["case_summary"].field.value == "Typed in the first tab"
    assert Store(url, user=MANAGER).saved_payload(first.record_id)["case_summary"] == "Typed in the second tab"
    first.keeper.send = lambda msg: setattr(first, "_last", msg)
    first.keeper._message(first.keeper, {"type": "ping", "seq": 1}, [])
    assert first._last["saved"] is False  # the browser keeps its copy of the refused text
    fill_discussion(first)  # whole, so only the stale copy stops it
    assert not first.complete()
    assert "changed in another window" in first.summary.value
