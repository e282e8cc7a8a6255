"""The EPDR page, built kernel-side against a real SQLite store, as Mo (Pat's line manager) and as Pat, on the
tests' today, Friday 29/01/2027."""

from __future__ import annotations

import pytest

from familyservice_nb.store import Store
from familyservice_nb.ui.pages.epdr import EPDRApp

from forms_seed import MANAGER, OTHER_MANAGER, PRACTITIONER, SECOND_PRACTITIONER, seed, sqlite_url


@pytest.fixture
def url(tmp_path):
    return seed(sqlite_url(tmp_path))


def open_epdr(url, user=MANAGER, practitioner=PRACTITIONER) -> EPDRApp:
    app = EPDRApp(Store(url, user=user), user)
    app.chooser.practitioner.value = practitioner
    app.chooser.start.click()
    assert app.form is not None, app.message.value
    return app


def fill(form, held: str, *objectives: tuple[str, str]) -> None:
    form.parts["event_date"].field.value = held
    rows = form.parts["objectives"].rows
    for what, by_when in objectives:
        row = rows.add_row()
        row.fields["what"].value, row.fields["by_when"].value = what, by_when


def test_mo_records_pats_first_epdr_and_the_next_one_shows_it_with_its_due_date(url):
    app = open_epdr(url)
    assert app.title == "EPDR" and app.chooser.start.description == "Start the EPDR"
    assert [v for _n, v in app.chooser.practitioner.options if v] == [PRACTITIONER, SECOND_PRACTITIONER]
    form = app.form
    earlier = form.children[1].children[1].value
    assert "No earlier EPDR of Pat Practitioner is recorded that you can see: this one is due now." in earlier
    # Started today, the next EPDR is suggested a year on; a new date held moves the suggestion with it.
    assert (form.parts["event_date"].field.value, form.parts["next_epdr_date"].field.value) == (
        "29/01/2027", "29/01/2028")
    fill(form, "12/01/2027", ("Lead two parenting groups", "30/06/2027"))
    assert form.parts["next_epdr_date"].field.value == "12/01/2028"
    assert "home.nottsc.gov.uk/managing/managers-resource-centre/managing-supporting-employees/epdr" in (
        form.children[2].children[3].value)
    assert form.complete(), form.summary.value
    record = Store(url, user=MANAGER).get(form.record_id)
    assert (record.manager, record.practitioner, str(record.next_epdr_date)) == (MANAGER, PRACTITIONER, "2028-01-12")
    assert form.mosaic.text.startswith("EPDR\nDate held: 12/01/2027\nPERSONNEL RECORD")
    assert "WORK OBJECTIVES\n1. Lead two parenting groups\n   By when: 30/06/2027" in form.mosaic.text

    again = open_epdr(url)
    shown = again.form.children[1].children[1].value
    assert "This EPDR is due by 12/01/2028." in shown and "Pat Practitioner last had an EPDR on 12/01/2027." in shown
    assert f"epdr.ipynb?record={form.record_id}" in shown and "by Mo Manager: 1 objective set; next EPDR due 12/01/2028" in shown


def test_a_next_epdr_date_chosen_by_the_writer_stays_when_the_date_held_changes(url):
    form = open_epdr(url).form
    form.parts["next_epdr_date"].field.value = "30/09/2027"
    fill(form, "20/01/2027")
    assert form.parts["next_epdr_date"].field.value == "30/09/2027"


def test_an_epdr_without_objectives_or_due_before_it_was_held_is_not_completed(url):
    form = open_epdr(url).form
    fill(form, "20/01/2027")
    form.parts["next_epdr_date"].field.value = "19/01/2027"
    assert not form.complete()
    words = [p.message for p in form.problem_list]
    assert "Next EPDR due: 19/01/2027 is not after this EPDR on 20/01/2027." in words
    assert "Work objectives set: add at least one; an EPDR sets the practitioner's work objectives." in words


def test_pat_drafts_their_own_epdr_but_cannot_complete_it(url):
    app = open_epdr(url, user=PRACTITIONER)
    fill(app.form, "20/01/2027", ("Lead two parenting groups", "30/06/2027"))
    assert not app.form.complete()
    assert "Only pat.practitioner's line manager can complete their EPDR record; you are signed in as pat.practitioner." in (
        app.form.summary.value)


def test_a_link_to_someone_the_manager_does_not_manage_is_refused_in_words(url):
    app = EPDRApp(Store(url, user=OTHER_MANAGER), OTHER_MANAGER)
    app.apply_query({"practitioner": PRACTITIONER})
    assert app.form is None
    assert "You cannot hold an EPDR with &#x27;pat.practitioner&#x27;: they are not in a team you manage." in (
        app.message.value)
