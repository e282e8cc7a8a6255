"""GOV.UK patterns as our own widgets: radio groups, the error summary, named date fields."""

from __future__ import annotations

import pytest
import traitlets

from familyservice_nb.records import SessionRecord, SupervisionRecord
from familyservice_nb.store import Store
from familyservice_nb.ui.forms.framework.fields import field_widget
from familyservice_nb.ui.kit.error_summary import ErrorSummary, field_id
from familyservice_nb.ui.kit.radios import RadioGroup
from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp

from forms_seed import MANAGER, NORTH_CASE, PRACTITIONER, seed, sqlite_url


def test_a_radio_group_is_one_named_group_that_takes_only_its_choices():
    group = RadioGroup("Status of action 1", options=[("Done", "Done"), ("Partly done", "Partly done")])
    assert group.description == "Status of action 1" and group.value is None
    group.value = "Done"
    with pytest.raises(traitlets.TraitError, match="not one of the choices for Status of action 1"):
        group.value = "Ticked elsewhere"
    assert group.value == "Done"
    assert 'createElement("fieldset")' in group._esm and 'createElement("legend")' in group._esm
    assert "input.name = name" in group._esm  # one shared name: arrow keys stay inside the group


def test_yes_no_and_short_choices_are_radio_groups():
    yes_no = field_widget(SessionRecord, "aims_met")
    assert isinstance(yes_no.control, RadioGroup)
    yes_no.value = False
    assert yes_no.value is False and yes_no.control.value is False
    kind = field_widget(SupervisionRecord, "kind", radio=True)
    assert isinstance(kind.control, RadioGroup) and kind.control.description == "Kind of case discussion"
    kind.value = "Not a kind"
    assert kind.value is None


def test_a_date_field_and_its_calendar_are_named_for_which_date():
    field = field_widget(SupervisionRecord, "event_date", label="Date of the meeting")
    assert field.control.text.description == "Date of the meeting"
    assert field.control.picker.description == "Date of the meeting: choose from a calendar"


def test_the_summary_is_generic_and_takes_focus_when_asked():
    summary = ErrorSummary()
    assert summary.value == ""
    summary.show("There is a problem", [("case-summary", "Case summary: this is needed."), (None, "Plain words.")],
                 focus=True)
    assert summary.items == [["case-summary", "Case summary: this is needed."], ["", "Plain words."]]
    assert summary.focus_count == 1
    assert field_id("agreed_actions", 0, "by_whom") == "agreed-actions-0-by-whom"


def test_a_failed_complete_lists_every_problem_with_a_link_to_its_field(tmp_path):
    app = CaseSupervisionApp(Store(seed(sqlite_url(tmp_path)), user=MANAGER), MANAGER)
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    form = app.form
    form.parts["case_summary"].field.value = ""
    form.parts["agreed_actions"].rows.add_row()
    form.parts["agreed_actions"].rows.rows[0].fields["what"].value = "Chase the housing referral"
    assert not form.complete()
    assert form.summary.focus_count == 1
    fids = dict(form.summary.items)
    assert "kind" in fids and "case-summary" in fids and "agreed-actions-0-by-whom" in fids
    assert "fsnb-fid-case-summary" in form.parts["case_summary"].field._dom_classes
    by_whom = form.parts["agreed_actions"].rows.rows[0].fields["by_whom"]
    assert "fsnb-fid-agreed-actions-0-by-whom" in by_whom._dom_classes
    assert "fsnb-field-problem" in by_whom.notes.value and 'role="alert"' not in by_whom.notes.value
    # the summary sits above the form's first section
    assert form.children[0].children[0] is form.summary


def test_every_date_and_row_input_says_which_it_is(tmp_path):
    """The audit: the record's date was just "Date", as was each key date; action inputs were "What", "By
    whom", "By when" with no action number."""
    from familyservice_nb.ui.pages.line_management_supervision import LineManagementApp

    url = seed(sqlite_url(tmp_path))
    app = CaseSupervisionApp(Store(url, user=MANAGER), MANAGER)
    app.chooser.practitioner.value = PRACTITIONER
    app.chooser.case.value = NORTH_CASE
    app.chooser.start.click()
    form = app.form
    assert form.parts["event_date"].field.control.text.description == "Date of the supervision"
    dates = form.parts["key_dates"].rows
    dates.add_row()
    second = dates.add_row()
    assert second.fields["date"].control.text.description == "Key date 2: date"
    assert second.fields["date"].control.picker.description == "Key date 2: date: choose from a calendar"
    actions = form.parts["agreed_actions"].rows
    action = actions.add_row()
    assert [f.control.description for n, f in action.fields.items() if n != "by_when"] == [
        "Action 1: what", "Action 1: by whom"]
    assert action.fields["by_when"].control.text.description == "Action 1: by when"
    dates.remove_row(dates.rows[0])  # renumbered: the names follow
    assert second.fields["date"].control.text.description == "Key date 1: date"
    line = LineManagementApp(Store(url, user=MANAGER), MANAGER)
    line.open_practitioner(PRACTITIONER)
    assert line.form.parts["event_date"].field.control.text.description == "Date of the supervision"
