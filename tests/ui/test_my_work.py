"""My work first: the landing page's drafts, what is due, what I completed, and a case search."""

from __future__ import annotations

import datetime as dt

from familyservice_nb.records import SupervisionRecord
from familyservice_nb.store import Store
from familyservice_nb.ui.pages.my_work import MyWork

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, SECOND_CASE, seed, sqlite_url, whole

AS_OF = dt.date(2026, 11, 25)


def supervision(**changes):
    data = {"kind": "Planned supervision", "event_date": "02/11/2026", "author": MANAGER, "manager": MANAGER,
            "practitioner": PRACTITIONER, "case_id": NORTH_CASE, "case_summary": "Two children.",
            "agreed_actions": [{"what": "Book the school meeting", "by_whom": "Pat Practitioner",
                                "by_when": "10/11/2026"}]}
    return SupervisionRecord.model_validate(whole(data | changes))  # complete: every completion rule met


def test_drafts_due_supervisions_overdue_actions_and_recent_work(tmp_path):
    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    done = store.save_draft(supervision())
    store.complete(done)
    draft = store.save_unfinished({"author": MANAGER, "case_id": SECOND_CASE, "practitioner": "sam.worker",
                                    "event_date": "24/11/2026", "case_summary": "Half"}, None, "supervision")
    work = MyWork(store, as_of=AS_OF)
    [line] = work.drafts_box.children
    assert f"case-supervision.ipynb?record={draft}" in line.children[0].value
    assert "Case supervision, 24/11/2026, case C-N2" in line.children[0].value
    # supervisions: C-N1 was supervised on 02/11 (due again by 30/11, within the week); C-N2 never
    assert "C-N1" in work.due.value and "due by 30/11/2026" in work.due.value
    assert "C-N2" in work.due.value and "overdue since" in work.due.value
    # the action due 10/11 and never reviewed, in words, with the date agreed
    assert "“Book the school meeting”, by Pat Practitioner, agreed on 02/11/2026" in work.actions.value
    assert "overdue since 10/11/2026 (last review: Not reviewed yet)" in work.actions.value
    assert f"case-supervision.ipynb?record={done}" in work.recent.value


def test_discarding_a_draft_is_asked_twice_and_goes_through_the_store(tmp_path):
    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    draft = store.save_unfinished({"author": MANAGER, "case_id": NORTH_CASE, "practitioner": PRACTITIONER,
                                    "event_date": "24/11/2026"}, None, "supervision")
    work = MyWork(store, as_of=AS_OF)
    [line] = work.drafts_box.children
    line.children[1].click()  # Discard
    assert "Discard this draft?" in line.children[1].value
    assert store.info(draft).state == "draft", "nothing goes until the second click"
    line.children[2].click()  # Yes, discard it
    assert store.records(kind="supervision") == []
    assert "was discarded" in work.message.value
    assert "You have no drafts." in work.drafts_box.children[0].value


def test_case_search_by_id_or_family_name(tmp_path):
    work = MyWork(Store(seed(sqlite_url(tmp_path)), user=MANAGER), as_of=AS_OF)
    work.search.value = "oakh"
    assert [c.case_id for c in work.find()] == [NORTH_CASE]
    assert f'case-supervision.ipynb?case={NORTH_CASE}' in work.found.value
    assert "Pat Practitioner" in work.found.value
    work.search.value = "c-n"
    assert {c.case_id for c in work.find()} == {NORTH_CASE, SECOND_CASE}  # not the South team's case
    work.search.value = "zzz"
    assert "No case matches." in work.found.value


def test_a_cases_form_lists_its_records(tmp_path):
    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    done = store.save_draft(supervision())
    store.complete(done)
    app = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    assert "Records of this case (1)" in app.context_line.value
    assert f'case-supervision.ipynb?record={done}">Case supervision, 02/11/2026</a> by Mo Manager (completed)' \
        in app.context_line.value
    assert f'href="case-story.ipynb?case={NORTH_CASE}">The case\'s oversight story</a>' in app.context_line.value


def test_start_again_can_discard_the_old_draft(tmp_path):
    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

    url = seed(sqlite_url(tmp_path))
    first = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    first.chooser.practitioner.value = PRACTITIONER
    first.chooser.case.value = NORTH_CASE
    first.chooser.start.click()
    first.form.parts["case_summary"].field.value = "An old draft"
    first.form.debouncer.flush()
    old = first.form.record_id
    again = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    again.chooser.practitioner.value = PRACTITIONER
    again.chooser.case.value = NORTH_CASE
    again.chooser.start.click()
    go_on, start_again, discard = again.offer.children[1].children
    assert discard.description == "Discard the draft"
    discard.click()
    assert again.form is not None and again.form.record_id is None
    assert "earlier draft was discarded" in again.message.value
    assert [i.record_id for i in Store(url, user=MANAGER).records(kind="supervision")] == []
    assert old not in again.message.value


def test_an_overdue_draft_says_so_and_the_page_says_when_it_was_read(tmp_path):
    """The audit: 'My drafts' did not say a draft was past its due date (its form did); the page had no
    'as of' date and time, though every dashboard has one."""
    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    store.save_unfinished({"author": MANAGER, "case_id": SECOND_CASE, "practitioner": "sam.worker",
                           "event_date": "10/11/2026", "case_summary": "Half"}, None, "supervision")
    store.save_unfinished({"author": MANAGER, "case_id": NORTH_CASE, "practitioner": PRACTITIONER,
                           "event_date": "24/11/2026", "case_summary": "Half"}, None, "supervision")
    work = MyWork(store, as_of=AS_OF)
    lines = {line.children[0].value.split("</a>")[0]: line.children[0].value for line in work.drafts_box.children}
    [late] = [text for head, text in lines.items() if "10/11/2026" in head]
    [on_time] = [text for head, text in lines.items() if "24/11/2026" in head]
    assert "Overdue: to be recorded on Mosaic by 17/11/2026" in late  # 5 working days after 10/11
    assert "Overdue" not in on_time  # due 01/12, after 25/11
    assert "Your work as of" in work.taken.value and "reload the page" in work.taken.value


def test_a_long_list_says_how_many_more_and_where_they_are(tmp_path, monkeypatch):
    """The audit: the lists stopped at 20 without a word (45 overdue actions, 25 cases found)."""
    import familyservice_nb.ui.pages.my_work as my_work

    monkeypatch.setattr(my_work, "MOST", 1)
    url = seed(sqlite_url(tmp_path))
    store = Store(url, user=MANAGER)
    work = MyWork(store, as_of=AS_OF)
    assert "The first 1 of 2 are shown" in work.due.value and "management-oversight.ipynb" in work.due.value
    work.search.value = "C-"
    assert "2 cases found. The first 1 are shown: type more" in work.found.value
