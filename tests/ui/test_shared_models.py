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


def test_a_field_shows_and_hides_on_its_own_layout_and_shares_the_rest():
    one = FieldWidget("what", "What happened", "Say what happened.", "long")
    two = FieldWidget("next", "What next", "Say what next.", "long")
    assert one.control.layout is two.control.layout and is_fixed(one.control.layout)
    assert one.control.style is two.control.style
    assert one.help.layout is two.problem.layout and one.help.style is two.problem.style
    one.layout.display = "none"  # a form hides a whole field: only that one
    assert two.layout.display is None and one.control.layout.display is None
    # A field without help text has no help widget at all (it was an empty model for the browser to load).
    bare = FieldWidget("when", "When", "", "text")
    assert bare.help is None and list(bare.children) == [bare.control, bare.problem]


def test_a_date_can_still_be_disabled_its_calendar_hidden_on_its_own():
    a, b = UKDateInput("Date of the session"), UKDateInput("Date of the review")
    a.set_disabled(True)
    assert a.picker.layout.display == "none" and b.picker.layout.display is None


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
