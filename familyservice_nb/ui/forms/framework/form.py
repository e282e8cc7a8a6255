"""A record being written: its parts, the draft that saves itself, checking, completing and amending.

The life of a record (DESIGN.md: Saved records are versioned):
- every change restarts a one-second timer; when typing stops, the draft is saved (and "Save draft"
  saves at once). A failed save keeps everything on the page and says so; the next change tries again;
- "Complete" checks the answers as they stand with the record's model and completion rules
  (`records.completion_problems`, through the store), shows each problem next to its input (and all of them
  in a list, in the form's order, as the rules say them), and only then completes and locks it;
- "Amend" asks why, makes a new version, and lets the record be changed and completed again;
- a completed record shows its text for Mosaic, its versions and its audit trail.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

import ipywidgets as widgets
from pydantic import BaseModel

from familyservice_nb.errors import WorkbookError
from familyservice_nb.records import Problem, in_order, kind_named, kind_of, read_answers, render_text
from familyservice_nb.records.base import uk
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.store import ChangedElsewhere
from familyservice_nb.ui.forms.framework.autosave import Debouncer, running_loop
from familyservice_nb.ui.forms.framework.copy import CopyText
from familyservice_nb.ui.forms.framework.fields import field_widget
from familyservice_nb.ui.forms.framework.history import history_html
from familyservice_nb.ui.forms.framework.keeper import TypingKeeper
from familyservice_nb.ui.forms.framework.parts import FieldPart, Part
from familyservice_nb.ui.forms.left_empty import choice_id
from familyservice_nb.ui.kit.dateinput import UKDateInput
from familyservice_nb.ui.kit.error_summary import ErrorSummary, field_id
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import (
    ButtonStyle,
    TextStyle,
    fixed_layout,
    fixed_style,
    html_widget,
    show,
)
from familyservice_nb.ui.kit.values import london_now, london_time

# The browser holds back a typed change while the kernel is still answering the previous one, but sends a
# click at once: so "Complete" waits until no typing has arrived for a moment, and reads the inputs then.
QUIET_SECONDS = 0.25
QUIET_WAIT_LIMIT = 3.0

UNEXPECTED = ("Something went wrong that the workbook did not expect. What you typed is still on this page. "
              "The details are in the server's log; please tell whoever looks after the workbook.")


def log_failure(what: str) -> None:
    stream = sys.__stderr__ or sys.stderr
    print(f"[familyservice-nb] {what} failed:", file=stream)
    traceback.print_exc(file=stream)


def section(title: str, children: Sequence[widgets.Widget], intro: str = "", css: str = "") -> widgets.VBox:
    """A titled section of a form."""
    head = f"<h2>{esc(title)}</h2>" + (f'<p class="fsnb-intro">{esc(intro)}</p>' if intro else "")
    box = widgets.VBox([html_widget(head), *children], layout=fixed_layout(width="100%"))
    box.add_class("fsnb-section")
    if css:
        box.add_class(css)
    return box


class RecordForm(widgets.VBox):
    """Base of every form. Subclasses set `model` and build their parts and sections; the model's kind
    (`records.kinds`) gives the form its `kind` and `noun`."""

    model: ClassVar[type[BaseModel]]
    kind: ClassVar[str]
    noun: ClassVar[str] = "record"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            declared = kind_of(cls.model)
            cls.kind, cls.noun = declared.key, declared.noun

    def __init__(self, store, *, fixed: dict, record_id: str | None = None, autosave_delay: float = 1.0):
        self.store = store
        self.fixed = dict(fixed)
        self.record_id = record_id
        self.state = RecordState.DRAFT
        self.locked = False
        self.amending = False
        self.completion_tried = False
        self.last_saved = None
        self.saves = 0
        self.based_on = None  # when the record was last changed, as this page's copy knows it
        self.save_ok = True
        self.parts: dict[str, Part] = {}
        self.touched: set[str] = set()
        self._loading = False
        self._last_change = 0.0
        self.debouncer = Debouncer(self._autosave, autosave_delay)

        self.save_button = widgets.Button(description="Save draft", icon="save", layout=fixed_layout(width="auto"),
                                          style=fixed_style(ButtonStyle))
        self.save_button.add_class("fsnb-save")
        self.save_button.on_click(lambda _b: self.save_draft(explicit=True))
        self.complete_button = widgets.Button(description=f"Complete the {self.noun}", button_style="primary",
                                              icon="check", layout=fixed_layout(width="auto"),
                                              style=fixed_style(ButtonStyle))
        self.complete_button.add_class("fsnb-complete")
        self.complete_button.on_click(lambda _b: self._complete_clicked())
        self.status = html_widget(self._status_html("Your draft saves itself a moment after you stop typing."))
        self.status.add_class("fsnb-save-status")
        self.summary = ErrorSummary()
        self.summary.add_class("fsnb-summary")
        self.banner = html_widget("")
        self.banner.add_class("fsnb-banner")
        bar = widgets.HBox([self.save_button, self.complete_button, self.status], layout=fixed_layout(
            align_items="center", flex_flow="row wrap", width="100%"))
        bar.add_class("fsnb-actions")
        self.action_bar = bar

        # What a completed record shows under it (amend, entered on Mosaic, its text, versions) is built the
        # first time the record is shown completed (`_after_parts`): a draft never shows it, and its 26 widget
        # models were sent to every draft's page.
        self.after = widgets.VBox(layout=fixed_layout(width="100%"))
        self.after.add_class("fsnb-after")
        show(self.after, False)

        body = self.build()
        self.problem_list: list[Problem] = []  # the problems the summary lists, as the record's rules said them
        self.keeper = TypingKeeper(page=self.kind, key=self._keeper_key(), is_saved=self._all_saved,
                                   restore=self._put_back_kept)
        self.keeper.follow(self.parts)
        top = widgets.VBox([self.summary, self.banner], layout=fixed_layout(width="100%"))
        super().__init__([top, *body, self.action_bar, self.after, self.keeper], layout=fixed_layout(width="100%"))
        self.add_class("fsnb-form")
        self.add_class(f"fsnb-form-{self.kind.replace('_', '-')}")
        for name, part in self.parts.items():
            part.on_change(lambda name=name: self._changed(name))

    # -- building (subclasses) ----------------------------------------------------------------------

    def build(self) -> list[widgets.Widget]:
        """Create `self.parts` and return the sections, in the order the page shows them."""
        raise NotImplementedError

    def field(self, name: str, **options) -> widgets.Widget:
        """The input for one of the record's fields, labelled as the record names it (`title_of`: the record's
        date is "Date of the supervision"), which its problems name it too."""
        if name == "event_date":
            options.setdefault("label", self.model.title_of(name))
        return self.add(FieldPart(field_widget(self.model, name, **options)))

    def add(self, part: Part) -> widgets.Widget:
        self.parts[part.name] = part
        # What an error summary link about the whole part points at (its first input, else its first
        # button: an empty list's "Add"); a single field carries its own.
        part.widget.add_class(f"fsnb-fid-{field_id(part.name)}")
        return part.widget

    def refresh(self) -> None:
        """Update anything shown that follows from the values (a due date); subclasses extend."""

    # -- values -------------------------------------------------------------------------------------

    def draft_data(self) -> dict:
        """What is kept of an unfinished draft (anything typed, even if not yet valid)."""
        return self._values("draft_value")

    def record_data(self) -> dict:
        """The values the record model is made from."""
        return self._values("record_value")

    def _values(self, which: str) -> dict:
        data = dict(self.fixed)
        for name, part in self.parts.items():
            value = getattr(part, which)()
            if value is not None:
                data[name] = value
        return data

    def load(self, payload: dict) -> None:
        """Put a saved draft or record back into the inputs (without counting it as typing)."""
        self._loading = True
        try:
            for name, part in self.parts.items():
                if name in payload:
                    part.load(payload[name])
        finally:
            self._loading = False
        if self.record_id is not None:
            self._note_copy()
        self.keeper.follow(self.parts)
        self.refresh()

    # -- what the browser keeps (keeper.py) ---------------------------------------------------------

    def _keeper_key(self) -> str:
        if self.record_id is not None:
            return f"{self.kind}:{self.record_id}"
        whose = self.fixed.get("case_id") or self.fixed.get("practitioner") or ""
        return f"{self.kind}:new:{whose}"

    def _note_copy(self) -> None:
        """Remember when the record was last changed: a later save from this copy is checked against it."""
        try:
            self.based_on = self.store.info(self.record_id).updated_at
        except Exception:  # noqa: BLE001 - the save that follows reports any real problem
            self.based_on = None

    def _all_saved(self) -> bool:
        return self.locked or (self.save_ok and not self.debouncer.pending)

    def _put_back_kept(self, values: dict, again: bool) -> None:
        """Values the browser kept while the connection was lost: put them back and save them."""
        self.keeper.follow(self.parts)
        if self.locked:
            if any(self.keeper.paths.get(p) is not None and self.keeper.paths[p].value != v
                   for p, v in values.items()):
                self.banner.value = (
                    '<div class="fsnb-notice" role="alert">'
                    + esc("This browser kept text typed while the connection was lost, but this record can no "
                          "longer be changed here (it is completed, or belongs to someone else). Amend the "
                          "record to add it.") + "</div>")
            return
        if not self.keeper.put_back(values):
            return
        saved = self.save_draft(explicit=True)
        if not again and saved:
            self.banner.value = (
                '<div class="fsnb-notice" role="status">'
                + esc("What you typed while the connection was lost was kept in this browser: it is back on "
                      "this page and saved.") + "</div>")

    # -- problems -----------------------------------------------------------------------------------

    def show_problems(self, problems: Sequence[Problem], *, everything: bool) -> None:
        """Problems next to their inputs; with `everything`, all of them in the list too, as given. Before
        Complete, only what cannot be read (or be right) is said, at the inputs already typed in."""
        by_part: dict[str, list[Problem]] = {name: [] for name in self.parts}
        for p in problems:
            name = p.field
            if name not in self.parts:
                continue
            if everything or name in self.touched and p.said_as_typed or self._shown(name):
                by_part[name].append(p)
                if self._left_empty_choice(p.loc):  # "fill this in, or mark it": said at the choice too
                    by_part["left_empty"].append(replace(p, loc=("left_empty", *p.loc)))
        for name, part in self.parts.items():
            part.show_problems(by_part[name])
        self.problem_list = list(problems) if everything else []
        if everything and problems:
            count = len(problems)
            self.summary.show(
                f"This {self.noun} cannot be completed yet: {count} thing{'s' if count != 1 else ''} to put right",
                [(self._field_id(p.loc), p.message) for p in problems],
            )
        elif not problems or not everything and not self.completion_tried:
            self.summary.clear()

    def focus_first(self) -> None:
        """Focus the form's first answer (after Start, Start again, or opening a draft)."""
        for name, part in self.parts.items():
            if getattr(part, "field", None) is not None and not self.locked:
                self.summary.move_focus(f".fsnb-fid-{field_id(name)}")
                return

    def _left_empty_choice(self, loc: tuple) -> bool:
        """Whether a problem is about a whole optional section, which its "left empty because" choice answers."""
        left_empty = self.parts.get("left_empty")
        return len(loc) == 1 and left_empty is not None and loc[0] in getattr(left_empty, "choices", {})

    def _field_id(self, loc: tuple) -> str:
        """The id of the input a problem is about (the summary links to it), or "" when it has none."""
        if not loc or loc[0] not in self.parts:
            return ""
        if self._left_empty_choice(loc) and not isinstance(self.parts[loc[0]], FieldPart):
            return choice_id(loc[0])  # a list or outcomes left empty: the choice that says why
        own = getattr(self.parts[loc[0]], "field_id_for", None)
        if own is not None and (fid := own(loc[1:])):
            return fid
        if len(loc) >= 3 and isinstance(loc[1], int):
            return field_id(loc[0], loc[1], loc[2])
        return field_id(loc[0])

    def _shown(self, name: str) -> bool:
        """Problems already shown for this part are kept up to date as the user fixes them."""
        return self.completion_tried

    # -- changes and saving -------------------------------------------------------------------------

    def _changed(self, name: str) -> None:
        if self._loading or self.locked:
            return
        self.touched.add(name)
        self.keeper.follow(self.parts)
        loop = running_loop()
        self._last_change = loop.time() if loop is not None else 0.0
        self.refresh()
        self.debouncer.touch()

    def _autosave(self) -> None:
        self.save_draft(explicit=False)

    def save_draft(self, explicit: bool = False) -> bool:
        """Save what is on the page as the draft; True when saved. Never raises."""
        if self.locked:
            return False
        self.debouncer.cancel()
        when = london_now()
        try:
            kept = self.store.keep_draft(self.draft_data(), self.record_id, self.kind,
                                         based_on=self.based_on if self.record_id is not None else None)
        except ChangedElsewhere as exc:
            self.save_ok = False
            self.status.value = self._status_html(str(exc), css="fsnb-save-failed", alert=True)
            return False
        except WorkbookError as exc:
            self._save_failed(when, str(exc))
            return False
        except Exception:  # noqa: BLE001 - the user keeps their work whatever went wrong
            log_failure("saving a draft")
            self._save_failed(when, "the database could not be reached")
            return False
        self.record_id, self.based_on = kept.record_id, kept.updated_at
        self.save_ok = True
        self.keeper.key = self._keeper_key()
        self.last_saved = when
        self.saves += 1
        # The count makes every save redraw the line, even two saves in the same second.
        self.status.value = self._status_html(f"Saved at {when:%H:%M:%S}", css="fsnb-saved", count=self.saves)
        self._live_check()
        return True

    def _save_failed(self, when, reason: str) -> None:
        self.save_ok = False
        reason = reason.rstrip(".")
        self.status.value = self._status_html(
            f"Not saved at {when:%H:%M:%S}: {reason}. What you typed is still on this page; the workbook will "
            "try again when you next type, or press Save draft.",
            css="fsnb-save-failed", alert=True,
        )

    @staticmethod
    def _status_html(text: str, css: str = "", alert: bool = False, count: int = 0) -> str:
        role = 'role="alert"' if alert else 'role="status" aria-live="polite"'
        return f'<span class="fsnb-status {css}" {role} data-saves="{count}">{esc(text)}</span>'

    def _live_check(self) -> None:
        self.show_problems(self.problems_now(completing=self.completion_tried), everything=self.completion_tried)

    def problems_now(self, completing: bool) -> list[Problem]:
        """The record's problems as its answers stand; `completing`: with what completion also asks for, every
        problem at once (GOV.UK error summary), not the rest only after the first are put right."""
        if completing:
            return self.completion_check()
        return in_order(read_answers(self.model, self.record_data()).problems, list(self.parts))

    def completion_check(self) -> list[Problem]:
        """Everything that stops the record being completed, as the answers stand, in the form's order: what
        cannot be read and what the completion rules still ask for (`Store.completion_problems`)."""
        try:
            return self.store.completion_problems(self.record_data(), self.record_id, self.kind,
                                                  order=list(self.parts))
        except WorkbookError as exc:
            return [Problem((), str(exc))]

    # -- completing, locking, amending ----------------------------------------------------------------

    def _complete_clicked(self) -> None:
        """Complete once the last typed changes have reached the kernel (see QUIET_SECONDS)."""
        loop = running_loop()
        if loop is None:
            self.complete()
            return
        self.complete_button.disabled = True
        started = loop.time()

        def when_quiet() -> None:
            now = loop.time()
            if now - self._last_change < QUIET_SECONDS and now - started < QUIET_WAIT_LIMIT:
                loop.call_later(QUIET_SECONDS, when_quiet)
                return
            try:
                self.complete()
            finally:
                self.complete_button.disabled = False

        loop.call_later(QUIET_SECONDS, when_quiet)

    def complete(self) -> bool:
        """Check the record; if it is right, complete and lock it. True when completed."""
        if self.locked:
            return False
        self.debouncer.cancel()
        self.completion_tried = True
        # A record its model accepts goes straight to the store, whose completion (one transaction) checks the
        # completion rules and refuses with every problem; one it does not accept is not sent at all.
        answers = read_answers(self.model, self.record_data())
        if not answers.whole:
            self._not_completed(self.completion_check())
            return False
        model = answers.record
        self.show_problems([], everything=True)
        try:
            if self.record_id is None:
                self.record_id = self.store.complete_new(model, self.kind)
            else:
                self.store.complete(self.record_id, model, based_on=self.based_on)
        except WorkbookError as exc:
            if getattr(exc, "details", None):  # what the completion rules still ask for
                self._not_completed(in_order(exc.details, list(self.parts)))
                return False
            problems = getattr(exc, "problems", None) or [str(exc)]
            # a problem may come as (field id, message) or as plain words
            items = [tuple(p) if isinstance(p, (tuple, list)) and len(p) == 2 else ("", str(p)) for p in problems]
            self.save_draft()  # refused: what was typed is kept as the draft
            self.summary.show(f"The {self.noun} was not completed", items, focus=True)
            return False
        except Exception:  # noqa: BLE001
            log_failure("completing a record")
            self.summary.show(f"The {self.noun} was not completed", [("", UNEXPECTED)], focus=True)
            return False
        self.amending = False
        self.show_completed(model)
        self.summary.move_focus(".fsnb-done")  # focus on "This record was completed..."
        return True

    def _not_completed(self, problems: list[Problem]) -> None:
        """Every problem at once, the summary taking the focus (GOV.UK error summary); the draft is kept."""
        self.show_problems(problems, everything=True)
        self.summary.focus_count += 1
        self.save_draft()

    def _after_parts(self) -> None:
        """Build what a completed record shows under it, once (see __init__)."""
        if self.after.children:
            return
        auto = fixed_layout(width="auto")
        button_style = fixed_style(ButtonStyle)
        self.amend_button = widgets.Button(description="Amend this record", icon="pencil", layout=auto,
                                           style=button_style)
        self.amend_button.on_click(lambda _b: self._ask_reason())
        self.reason = widgets.Textarea(description="Why is the record being changed?", rows=2,
                                       continuous_update=True, style=fixed_style(TextStyle, description_width="initial"),
                                       layout=fixed_layout(width="100%"))
        self.reason.add_class("fsnb-stacked")
        self.reason_problem = html_widget("")
        self.start_amend = widgets.Button(description="Start the amendment", button_style="primary", layout=auto,
                                          style=button_style)
        self.start_amend.on_click(lambda _b: self.amend(self.reason.value))
        self.cancel_amend = widgets.Button(description="Cancel", layout=auto, style=button_style)
        self.cancel_amend.on_click(lambda _b: self._hide_reason())
        self.reason_box = widgets.VBox([
            html_widget('<p class="fsnb-intro">An amendment is a new version of the record; the completed '
                        "version stays as it is, and the audit trail keeps your reason.</p>"),
            self.reason, self.reason_problem,
            widgets.HBox([self.start_amend, self.cancel_amend], layout=fixed_layout()),
        ], layout=fixed_layout(width="100%"))
        self.reason_box.add_class("fsnb-amend")
        show(self.reason_box, False)
        # Where the text goes (the kind's destination): a case's running record, or (line management) the
        # practitioner's personnel file, never a child's record.
        destination = kind_named(self.kind).destination
        self.mosaic = CopyText(label=f"The {self.noun} as text for Mosaic" if destination.running_record
                               else destination.label,
                               button="Copy for Mosaic" if destination.running_record else "Copy the text")
        self.history = html_widget("")
        # Entered on Mosaic?: the day the record reached Mosaic is what timeliness is about.
        self.mosaic_day = UKDateInput("Date it was entered on Mosaic")
        self.mosaic_confirm = widgets.Button(description="Confirm it is on Mosaic", icon="check", layout=auto,
                                             style=button_style)
        self.mosaic_confirm.add_class("fsnb-mosaic-confirm")
        self.mosaic_confirm.on_click(lambda _b: self.confirm_on_mosaic(self.mosaic_day.date))
        self.mosaic_said = html_widget("")
        self.mosaic_said.add_class("fsnb-mosaic-said")
        self.mosaic_question = widgets.VBox([self.mosaic_said, self.mosaic_day, self.mosaic_confirm],
                                            layout=fixed_layout())
        self.after.children = (
            widgets.HBox([self.amend_button], layout=fixed_layout()), self.reason_box,
            # A case record goes on Mosaic; a line management record is a personnel record, kept off Mosaic.
            *([section("Entered on Mosaic?", [self.mosaic_question],
                       "Once you have pasted the record into Mosaic, say on which day: the guidance's timeliness "
                       "is about the record being on Mosaic.")] if destination.running_record else []),
            section(destination.heading, [self.mosaic], destination.intro),
            section("Versions and audit trail", [self.history]),
        )

    def show_completed(self, model: BaseModel | None = None) -> None:
        """Lock the inputs and show the record's text, versions and audit trail."""
        self._after_parts()
        self.state = RecordState.COMPLETE
        self.lock()
        self.refresh()  # a completed record's due date is no longer "overdue"
        info = history = None
        try:
            history = self.store.record_history(self.record_id)
            info, self._names = history.info, history.names
            if model is None:
                model = self.store.get(self.record_id)
        except Exception:  # noqa: BLE001
            log_failure("reading a completed record")
        when = ""
        if info is not None:
            current = history.versions[-1] if history.versions else None
            if current is not None and current.completed_at:
                when = f" on {london_time(current.completed_at)} by {self.person(current.completed_by)}"
            version = f" (version {info.current_version})" if info.current_version > 1 else ""
        else:
            version = ""
        self.banner.value = (
            '<div class="fsnb-done" role="status"><strong>'
            + esc(f"This {self.noun} was completed{when}{version}.")
            + "</strong> "
            + esc("It is locked: to change it, amend it and say why.")
            + "</div>"
        )
        self.mosaic.text = render_text(model, names=self.staff_names_by_login()) if model is not None else ""
        self._show_mosaic_entry(info)
        self.history.value = history_html(history, self.model)
        show(self.after)
        show(self.action_bar, False)

    def _show_mosaic_entry(self, info) -> None:
        day = getattr(info, "mosaic_entered_on", None)
        if day is not None:
            who = self.person(info.mosaic_confirmed_by)
            self.mosaic_said.value = ('<p class="fsnb-saved" role="status">'
                                      + esc(f"Entered on Mosaic on {uk(day)} (confirmed by {who}).") + "</p>")
            self.mosaic_day.value = day
        else:
            self.mosaic_said.value = '<p class="fsnb-notice">Not yet confirmed as entered on Mosaic.</p>'
            if not self.mosaic_day.value:
                self.mosaic_day.value = london_now().date()

    def staff_names_by_login(self) -> dict[str, str]:
        """Name by login (`Store.names`), read once for the form: a completed record names people four
        times (completed by, confirmed by, the Mosaic text, its history)."""
        if getattr(self, "_names", None) is None:
            try:
                self._names = self.store.names()
            except Exception:  # noqa: BLE001 - logins will do (and the next call tries again)
                return {}
        return self._names

    def person(self, login: str | None) -> str:
        """A person's name, not their login (people in words)."""
        return self.staff_names_by_login().get(login, login or "someone")

    def confirm_on_mosaic(self, day) -> bool:
        """Keep the day the record was entered on Mosaic (Store.confirm_on_mosaic refuses a wrong day)."""
        self._after_parts()
        if day is None:
            self.mosaic_said.value = ('<p class="fsnb-field-problem" role="alert">'
                                      + esc("Give the date it was entered on Mosaic, for example 25/11/2026.")
                                      + "</p>")
            return False
        try:
            self.store.confirm_on_mosaic(self.record_id, day)
            info = self.store.info(self.record_id)
        except WorkbookError as exc:
            self.mosaic_said.value = f'<p class="fsnb-field-problem" role="alert">{esc(exc)}</p>'
            return False
        except Exception:  # noqa: BLE001
            log_failure("confirming a record is on Mosaic")
            self.mosaic_said.value = f'<p class="fsnb-field-problem" role="alert">{esc(UNEXPECTED)}</p>'
            return False
        self._show_mosaic_entry(info)
        return True

    def lock(self) -> None:
        self.locked = True
        self.debouncer.cancel()
        for part in self.parts.values():
            part.set_disabled(True)

    def unlock(self) -> None:
        self.locked = False
        for part in self.parts.values():
            part.set_disabled(False)
        show(self.action_bar)

    def _ask_reason(self) -> None:
        self._after_parts()
        show(self.reason_box)
        self.reason.focus()

    def _hide_reason(self) -> None:
        self._after_parts()
        show(self.reason_box, False)
        self.reason_problem.value = ""

    def amend(self, reason: str) -> bool:
        """Start a new version of the completed record, with the reason; True when started."""
        self._after_parts()
        if not reason.strip():
            self.reason_problem.value = ('<div class="fsnb-field-problem" role="alert"><span>Say why the record is '
                                         "being changed: the audit trail keeps the reason.</span></div>")
            return False
        try:
            current = self.store.get(self.record_id)
            version = self.store.amend(self.record_id, current, reason, complete=False)
        except WorkbookError as exc:
            self.reason_problem.value = f'<div class="fsnb-field-problem" role="alert"><span>{esc(exc)}</span></div>'
            return False
        except Exception:  # noqa: BLE001
            log_failure("starting an amendment")
            self.reason_problem.value = f'<div class="fsnb-field-problem" role="alert"><span>{esc(UNEXPECTED)}</span></div>'
            return False
        self.state, self.amending, self.completion_tried = RecordState.DRAFT, True, False
        self._note_copy()
        self.reason.value = ""
        self._hide_reason()
        show(self.after, False)
        self.banner.value = (
            '<div class="fsnb-notice" role="status">'
            + esc(f"You are amending this {self.noun}: version {version}, because: {reason.strip()}. "
                  "Your changes save themselves as a draft; complete the record again when you have finished.")
            + "</div>"
        )
        self.unlock()
        self.status.value = self._status_html(f"Version {version} started at {london_now():%H:%M:%S}",
                                              css="fsnb-saved")
        return True

    def close(self) -> None:
        self.debouncer.cancel()
        super().close()
