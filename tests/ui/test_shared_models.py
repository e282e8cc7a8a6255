"""Shared layouts and styles (kit/shared.py): fewer models for the browser to load, none changed behind a
widget's back, none left open when a page is thrown away."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget import _instances

from familyservice_nb.ui.forms.framework.fields import FieldWidget
from familyservice_nb.ui.kit.dateinput import UKDateInput
from familyservice_nb.ui.kit.shared import (
    DescriptionStyle,
    HTMLStyle,
    TextStyle,
    close_tree,
    fixed_layout,
    fixed_style,
    html_widget,
    is_fixed,
    is_shown,
    show,
)


def test_the_same_settings_give_the_same_shared_model_and_other_settings_another():
    assert fixed_layout(width="100%") is fixed_layout(width="100%")
    assert fixed_layout(width="100%") is not fixed_layout(width="auto")
    assert fixed_layout(width="100%").width == "100%"
    assert fixed_style(TextStyle, description_width="initial") is fixed_style(TextStyle, description_width="initial")
    assert fixed_style(TextStyle, description_width="initial") is not fixed_style(DescriptionStyle,
                                                                                  description_width="initial")
    assert isinstance(fixed_style(HTMLStyle), HTMLStyle)


@pytest.mark.parametrize("change", [
    lambda: setattr(fixed_layout(width="100%"), "display", "none"),
    lambda: setattr(fixed_layout(), "width", "10px"),
    lambda: setattr(fixed_style(TextStyle, description_width="initial"), "description_width", "50px"),
    lambda: setattr(html_widget("x").layout, "display", "none"),
])
def test_a_shared_layout_or_style_refuses_a_change_naming_it(change):
    with pytest.raises(AttributeError, match=r"shared by many widgets, so its '\w+' cannot change"):
        change()
    assert fixed_layout(width="100%").display is None
    assert fixed_layout().width is None


def test_a_field_shows_and_hides_by_a_class_and_shares_its_layouts():
    one = FieldWidget("what", "What happened", "Say what happened.", "long")
    two = FieldWidget("next", "What next", "Say what next.", "long")
    assert one.control.layout is two.control.layout and is_fixed(one.control.layout)
    assert one.control.style is two.control.style
    assert one.layout is two.layout and one.notes.layout is two.notes.layout and is_fixed(one.layout)
    show(one, False)  # a form hides a whole field: only that one
    assert not is_shown(one) and is_shown(two) and is_shown(one.control)
    assert "fsnb-hidden" in one._dom_classes
    show(one)
    assert is_shown(one) and "fsnb-hidden" not in one._dom_classes
    with pytest.raises(AttributeError, match="'display' cannot change"):
        one.layout.display = "none"  # the old way would have hidden every field


def test_a_fields_help_and_problem_share_one_widget_and_the_help_stays_when_a_problem_comes_and_goes():
    field = FieldWidget("what", "What happened", "Say what happened.", "long")
    assert list(field.children) == [field.control, field.notes]
    assert field.notes.value == '<div class="fsnb-help">Say what happened.</div>' and not field.problems_shown
    field.show_problems(["Say what happened"])
    assert field.notes.value.startswith('<div class="fsnb-help">Say what happened.</div><p class="fsnb-field-problem">')
    assert "Say what happened</p>" in field.notes.value and field.problems_shown
    field.show_problems([])
    assert field.notes.value == '<div class="fsnb-help">Say what happened.</div>' and not field.problems_shown
    bare = FieldWidget("when", "When", "", "text")
    assert bare.notes.value == ""


def test_a_date_can_still_be_disabled_its_calendar_hidden_on_its_own():
    a, b = UKDateInput("Date of the session"), UKDateInput("Date of the review")
    a.set_disabled(True)
    assert not is_shown(a.picker) and is_shown(b.picker) and a.picker.layout is b.picker.layout
    a.set_disabled(False)
    assert is_shown(a.picker)


def _open_ids() -> set[str]:
    return set(_instances)


def test_closing_a_tree_closes_its_own_layouts_and_styles_but_never_a_shared_one():
    before = _open_ids()
    shared = fixed_layout(width="100%")
    own = widgets.Layout(width="50%")
    box = widgets.VBox([
        widgets.Text(description="Name", layout=own),
        FieldWidget("what", "What happened", "Say what happened.", "long"),
        UKDateInput("Date"),
        html_widget("<p>note</p>"),
    ], layout=widgets.Layout(width="100%"))
    assert len(_open_ids() - before) > 10
    close_tree(box)
    left = [_instances[i] for i in _open_ids() - before]
    assert all(is_fixed(model) for model in left), [type(m).__name__ for m in left]
    assert own.comm is None
    assert shared.comm is not None and shared.model_id in _instances
    # what is shared goes on working for the next page
    again = widgets.HTML("next page", layout=shared)
    assert again.layout is shared and shared.comm is not None
