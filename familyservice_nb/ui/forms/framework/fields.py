"""One labelled input for one field of a record model, built from the field itself.

The label is the field's `title` and the help text its `description` (records/*.py): forms never
re-declare what a field is called or means. The kind of input follows the field's type: free text,
a yes/no question, a choice from an enum, a UK date, a time, a list of lines. Every label is a real
`<label for=...>` (ipywidgets' description), so screen readers and keyboard users get the same form.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Sequence

import ipywidgets as widgets
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from familyservice_nb.ui.kit.dateinput import UKDateInput
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.radios import RadioGroup
from familyservice_nb.ui.kit.shared import (
    CheckboxStyle,
    DescriptionStyle,
    TextStyle,
    fixed_layout,
    fixed_style,
    html_widget,
)

YES_NO = (("Yes", True), ("No", False))
CHOOSE = "Choose…"


def _plain_type(annotation):
    """The type inside Annotated[...] and X | None."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def kind_of(info: FieldInfo) -> str:
    """Which input suits a field: long, text, yesno, check, choice, date, time or lines."""
    plain = _plain_type(info.annotation)
    if plain is bool:
        return "yesno" if info.is_required() else "check"
    if plain is dt.date:
        return "date"
    if plain is dt.time:
        return "time"
    if isinstance(plain, type) and issubclass(plain, enum.Enum):
        return "choice"
    if typing.get_origin(plain) is list and typing.get_args(plain) == (str,):
        return "lines"
    return "long"


def choices_of(info: FieldInfo) -> list[tuple[str, str]]:
    plain = _plain_type(info.annotation)
    return [(str(member.value), str(member.value)) for member in plain]


class FieldWidget(widgets.VBox):
    """Label and input, the field's help text under it, and any problem with it in plain words."""

    def __init__(
        self,
        name: str,
        label: str,
        help_text: str = "",
        kind: str = "long",
        *,
        options: Sequence = (),
        rows: int = 3,
        placeholder: str = "",
        radio: bool | None = None,
    ):
        self.name, self.label, self.kind = name, label, kind
        # The field's box, its control and its notes share layouts and styles (kit/shared.py); a form shows
        # and hides a whole field by a class (`show`).
        style = fixed_style(TextStyle, description_width="initial")
        full = fixed_layout(width="100%")
        if kind == "long" or kind == "lines":
            control = widgets.Textarea(description=label, rows=rows, continuous_update=True, style=style,
                                       layout=full, placeholder=placeholder)
        elif kind in ("text", "time"):
            control = widgets.Text(description=label, continuous_update=True, style=style, layout=full,
                                   placeholder=placeholder or ("hh:mm, for example 14:30" if kind == "time" else ""))
        elif kind == "combo":
            control = widgets.Combobox(description=label, options=list(options), ensure_option=False,
                                       continuous_update=True, style=style, layout=full, placeholder=placeholder)
        elif kind == "check":
            control = widgets.Checkbox(description=label, value=False, indent=False, layout=full,
                                       style=fixed_style(CheckboxStyle))
        elif kind == "yesno":
            control = RadioGroup(description=label, options=YES_NO, value=None, layout=fixed_layout())
        elif kind == "choice":
            options = list(options)
            use_radio = radio if radio is not None else len(options) <= 4
            if use_radio:
                control = RadioGroup(description=label, options=options, value=None, layout=fixed_layout())
            else:
                control = widgets.Dropdown(description=label, options=[(CHOOSE, None), *options], index=0,
                                           style=fixed_style(DescriptionStyle, description_width="initial"),
                                           layout=fixed_layout(width="auto", max_width="100%"))
        elif kind == "date":
            control = UKDateInput(label)
        else:
            raise ValueError(f"No input for a field of kind {kind!r}.")
        self.control = control
        if kind != "date" and not isinstance(control, RadioGroup):
            control.add_class("fsnb-stacked")
        control.add_class("fsnb-control")
        control.add_class(f"fsnb-kind-{kind}")
        # The help text and any problem share one widget: the help, then the problem in plain words.
        self._help_html = f'<div class="fsnb-help">{esc(help_text)}</div>' if help_text else ""
        self._problem_html = ""
        self.notes = html_widget(self._help_html)
        self.notes.add_class("fsnb-field-notes")
        super().__init__([control, self.notes], layout=fixed_layout(width="100%"))
        self.add_class("fsnb-field")
        self.add_class(f"fsnb-field-{name.replace('_', '-')}")
        self._callbacks: list[Callable[[FieldWidget], None]] = []
        self._source.observe(self._changed, "value")

    # -- value ------------------------------------------------------------------------------------

    @property
    def _source(self) -> widgets.Widget:
        return self.control.text if self.kind == "date" else self.control

    @property
    def value(self):
        """The value as a draft keeps it: text as typed, True/False/None, a list of lines."""
        raw = self._source.value
        if self.kind == "lines":
            return [line for line in raw.splitlines() if line.strip()]
        return raw

    @value.setter
    def value(self, value) -> None:
        if self.kind == "date":
            self.control.value = value
        elif self.kind == "lines":
            self.control.value = "\n".join(value or [])
        elif self.kind in ("yesno", "choice"):
            allowed = [v for _, v in self.control.options] if self.control.options else []
            if isinstance(self.control, widgets.Dropdown):
                self.control.index = allowed.index(value) if value in allowed else 0
            else:
                self.control.value = value if value in allowed else None
        elif self.kind == "check":
            self.control.value = bool(value)
        else:
            self.control.value = "" if value is None else str(value)

    def on_change(self, callback: Callable[[FieldWidget], None]) -> None:
        self._callbacks.append(callback)

    def _changed(self, change) -> None:
        for callback in self._callbacks:
            callback(self)

    # -- state ------------------------------------------------------------------------------------

    def relabel(self, label: str) -> None:
        """Name the input anew ("Key date 2: date"): a row's inputs say which row they belong to."""
        self.label = label
        if isinstance(self.control, UKDateInput):
            self.control.relabel(label)
        else:
            self.control.description = label

    def show_problems(self, problems: Sequence[str], fid: str | None = None) -> None:
        """Each problem under the input (the error summary ties it to the input with aria-describedby and
        marks the input aria-invalid); `fid` names the field for the summary's link to it."""
        if fid:
            for css in [c for c in self._dom_classes if c.startswith("fsnb-fid-")]:
                self.remove_class(css)
            self.add_class(f"fsnb-fid-{fid}")
        if problems:
            items = "".join(f'<span class="fsnb-visually-hidden">Error: </span>{esc(p)}<br>' for p in problems)
            self._problem_html = f'<p class="fsnb-field-problem">{items.removesuffix("<br>")}</p>'
            self.add_class("fsnb-has-problem")
        else:
            self._problem_html = ""
            self.remove_class("fsnb-has-problem")
        self.notes.value = self._help_html + self._problem_html

    @property
    def problems_shown(self) -> bool:
        return bool(self._problem_html)

    def set_disabled(self, disabled: bool) -> None:
        if self.kind == "date":
            self.control.set_disabled(disabled)
        else:
            self.control.disabled = disabled


def field_widget(
    model: type[BaseModel], name: str, *, kind: str | None = None, label: str | None = None,
    help_text: str | None = None, **options,
) -> FieldWidget:
    """The input for `model.name`, labelled with its title and described by its description."""
    info = model.model_fields[name]
    kind = kind or kind_of(info)
    if kind == "choice" and "options" not in options:
        options["options"] = choices_of(info)
    return FieldWidget(
        name,
        label or info.title or name.replace("_", " ").capitalize(),
        (info.description or "") if help_text is None else help_text,
        kind,
        **options,
    )
