"""A form page: choose whose record, get a draft back or start afresh, write, complete.

`CaseFormApp` is the page for records about one case (supervision, session, GFPO, case note, review,
closure); `practitioner_app.PractitionerApp` the one for records about a practitioner (line management
supervision, EPDR). A page
notebook shows one::

    from familyservice_nb.ui.pages.case_supervision import CaseSupervisionApp
    CaseSupervisionApp.from_environment()
"""

from __future__ import annotations

from typing import ClassVar

import ipywidgets as widgets

from familyservice_nb.errors import WorkbookError
from familyservice_nb.records.kinds import kind_named
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.store import NotAllowed, NotFound, Store
from familyservice_nb.ui.forms.framework.drafts import load_payload
from familyservice_nb.ui.forms.framework.form import UNEXPECTED, RecordForm, log_failure
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.request import Params, when_requested
from familyservice_nb.ui.kit.shared import close_tree, html_widget, show
from familyservice_nb.ui.kit.shell import AppPage, build_page
from familyservice_nb.ui.kit.values import london_time


class FormApp(AppPage):
    """What every form page shares: the store, a message line, the draft offer and the form's place. The page
    is titled as its form's kind (`records.kinds`)."""

    title: ClassVar[str] = "Record"
    intro: ClassVar[str] = ""
    form_class: ClassVar[type[RecordForm]]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "form_class" in cls.__dict__:
            cls.title = kind_named(cls.form_class.kind).title

    def __init__(self, store: Store, user: str):
        self.store = store
        self.user = user
        self.viewer = store.viewer()  # NotAllowed (plain words) when the user is not on the staff list
        self.form: RecordForm | None = None
        self.message = html_widget("")
        self.message.add_class("fsnb-message")
        self.offer = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.offer.add_class("fsnb-offer")
        self.context_line = html_widget("")
        self.slot = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.chooser = self.make_chooser()
        intro = html_widget(f'<p class="fsnb-lede">{esc(self.intro)}</p>' if self.intro else "")
        super().__init__(self.title, [intro, self.chooser, self.message, self.offer,
                                      self.context_line, self.slot], user=self.viewer.name or user)
        self.add_class("fsnb-form-page")

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def from_context(cls, context: PageContext):
        return cls(Store(url=context.database_url, user=context.user), context.user)

    @classmethod
    def from_environment(cls):
        """The page for whoever the environment names, following the address's parameters."""
        page = build_page(cls.title, cls.from_context)
        if isinstance(page, FormApp):
            when_requested(page.apply_query)
        return page

    def make_chooser(self) -> widgets.Widget:
        raise NotImplementedError

    # -- messages ---------------------------------------------------------------------------------

    def say(self, text: str = "", css: str = "fsnb-problem") -> None:
        role = "alert" if css == "fsnb-problem" else "status"
        self.message.value = f'<div class="{css}" role="{role}">{esc(text)}</div>' if text else ""

    # -- the address ------------------------------------------------------------------------------

    def apply_query(self, params: Params) -> None:
        """Open what the address asks for, if this user may see it; otherwise say so plainly."""
        try:
            self.refresh_lists()
            if params.get("record"):
                self.open_record(params["record"])
            else:
                self.follow_link(params)
        except (NotAllowed, NotFound) as exc:
            self.say(str(exc))
        except WorkbookError as exc:
            self.say(str(exc))
        except Exception:  # noqa: BLE001
            log_failure("opening the page's link")
            self.say(UNEXPECTED)

    def follow_link(self, params: Params) -> None:
        """Subclasses open `?case=` or `?practitioner=`."""

    def refresh_lists(self) -> None:
        """Bring the choosers up to date (a pre-heated page was built before it was asked for)."""

    # -- opening a record -------------------------------------------------------------------------

    def offer_draft(self, info, start_fresh, continue_draft) -> None:
        saved = london_time(info.updated_at)
        text = html_widget(
            '<div class="fsnb-notice" role="status"><strong>'
            + esc(f"You have a draft from {saved}.")
            + "</strong> "
            + esc(f"It is {self.form_class.noun} {info.record_id}, not completed yet. Continue it, start again "
                  "with a new one (the draft is kept), or discard it and start with a new one.")
            + "</div>"
        )
        go_on = widgets.Button(description="Continue the draft", button_style="primary", icon="play",
                               layout=widgets.Layout(width="auto"))
        go_on.add_class("fsnb-continue")
        again = widgets.Button(description="Start again", icon="file", layout=widgets.Layout(width="auto"))
        again.add_class("fsnb-start-again")
        drop = widgets.Button(description="Discard the draft", icon="trash",  # then a new one starts
                              layout=widgets.Layout(width="auto"))
        drop.add_class("fsnb-discard-and-start")
        go_on.on_click(lambda _b: (self._clear_offer(), continue_draft()))
        again.on_click(lambda _b: (self._clear_offer(), start_fresh()))
        drop.on_click(lambda _b: self._discard_then(info, start_fresh))
        self.offer.children = (text, widgets.HBox([go_on, again, drop]))
        go_on.focus()

    def _discard_then(self, info, start_fresh) -> None:
        """Start again without keeping the old draft (Store.discard_draft; the audit trail keeps it)."""
        try:
            self.store.discard_draft(info.record_id)
        except WorkbookError as exc:
            self.say(str(exc))
            return
        self._clear_offer()
        start_fresh()
        self.say("The earlier draft was discarded.", css="fsnb-notice")

    def _clear_offer(self) -> None:
        for child in self.offer.children:
            close_tree(child)
        self.offer.children = ()

    def show_form(self, form: RecordForm) -> None:
        if self.form is not None:
            self.form.debouncer.flush()  # whatever was typed is saved before the form goes
            close_tree(self.form)
        self.form = form
        self.slot.children = (form,)
        form.focus_first()

    def open_record(self, record_id: str) -> None:
        info = self.store.info(record_id)  # NotAllowed / NotFound in plain words
        if info.kind != self.form_class.kind:
            raise WorkbookError(f"Record {info.record_id} is not a {self.form_class.noun}: open it from its own page.")
        payload = load_payload(self.store, info.record_id)
        form = self.form_for_record(info, payload)
        self.show_form(form)
        if info.state == RecordState.COMPLETE:
            form.show_completed()
        elif info.author != self.store.user:
            form.lock()
            show(form.action_bar, False)
            owner = self.store.names().get(info.author, info.author)
            form.banner.value = ('<div class="fsnb-notice" role="status">'
                                 + esc(f"This draft belongs to {owner}; only they can carry on with it.")
                                 + "</div>")

    def form_for_record(self, info, payload: dict) -> RecordForm:
        raise NotImplementedError
