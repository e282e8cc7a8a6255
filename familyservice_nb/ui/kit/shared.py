"""Layouts and styles shared by the widgets that never change theirs, and closing a widget for good.

Every ipywidgets widget brings a Layout model of its own, and most a Style model: on the case supervision
form they were 412 of its 648 models. Each is made in the kernel, sent through the server and built in
the browser: in a Voila page of 361 widgets, 3.83 s of CPU (kernel, server and Chromium together) with
their own layouts and styles, 3.08 s sharing three, and on screen in 2.26 s instead of 2.60 s. So a widget whose layout
or style never changes takes one from `fixed_layout` or `fixed_style`: one instance for each set of values,
shared by every widget asking for the same. It refuses any change, naming the setting, because a change
would reach every widget sharing it. A widget that is shown and hidden is so by a class (`show`), so it
can share its layout too.

`close_tree` closes a widget, everything inside it, and its own layout and style. ipywidgets' `close`
leaves the layout and the style open, and a browser opening the page loads every model still open in the
kernel: the build thrown away after pre-heating a dashboard left 156 of them behind.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

__all__ = [
    "ButtonStyle", "CheckboxStyle", "DescriptionStyle", "HTMLStyle", "TextStyle",
    "close_tree", "fixed_layout", "fixed_style", "html_widget", "is_fixed", "is_shown", "show",
]


class _Fixed:
    """Refuses to change a synced setting once made (mixed into a Layout or Style class)."""

    _fixed = False

    def __setattr__(self, name, value):
        if self._fixed and name in self.keys:
            raise AttributeError(
                f"This {'layout' if isinstance(self, widgets.Layout) else 'style'} is shared by many widgets, "
                f"so its '{name}' cannot change: give the widget a layout or style of its own."
            )
        super().__setattr__(name, value)


@functools.cache
def _fixed_class(base: type) -> type:
    return type(f"Fixed{base.__name__}", (_Fixed, base), {})


def _make_fixed(base: type, traits: dict):
    made = _fixed_class(base)(**traits)
    object.__setattr__(made, "_fixed", True)
    return made


@functools.cache
def fixed_layout(**traits) -> widgets.Layout:
    """The one shared layout with these settings (`width="100%"`, ...), for widgets that never change it."""
    return _make_fixed(widgets.Layout, traits)


@functools.cache
def fixed_style(kind: type, **traits):
    """The one shared style of this kind (`TextStyle`, `DescriptionStyle`, ...) with these settings."""
    return _make_fixed(kind, traits)


def is_fixed(model) -> bool:
    return isinstance(model, _Fixed)


def html_widget(value: str = "") -> widgets.HTML:
    """An HTML widget with the shared layout and style: its text may change, its layout never does."""
    return widgets.HTML(value, layout=fixed_layout(), style=fixed_style(HTMLStyle))


HIDDEN = "fsnb-hidden"  # workbook.css: display none


def show(widget: widgets.DOMWidget, shown: bool = True) -> None:
    """Show or hide a widget by a class of its own, never through its layout: a widget a form shows and
    hides can then share its layout (`fixed_layout`) instead of bringing one more model to every page."""
    if shown:
        widget.remove_class(HIDDEN)
    else:
        widget.add_class(HIDDEN)


def is_shown(widget: widgets.DOMWidget) -> bool:
    return HIDDEN not in widget._dom_classes


def close_tree(widget: widgets.Widget) -> None:
    """Close a widget, everything inside it (its children, and the parts a form field or date holds
    outside them), and its own layout and style; never a shared one."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for name in ("control", "text", "picker", "echo"):
        part = getattr(widget, name, None)
        if isinstance(part, widgets.Widget) and part is not widget:
            close_tree(part)
    for name in ("layout", "style"):
        model = getattr(widget, name, None)
        if isinstance(model, widgets.Widget) and not is_fixed(model):
            model.close()
    widget.close()
