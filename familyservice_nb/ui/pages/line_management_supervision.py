"""The Line management supervision page (form: `forms/line_management.py`)."""

from __future__ import annotations

import threading

from familyservice_nb.dates import today_in_london
from familyservice_nb.errors import WorkbookError
from familyservice_nb.records import OpeningFigures
from familyservice_nb.records.kinds import SUPERVISION
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.records.people import StaffRole
from familyservice_nb.store import NotAllowed
from familyservice_nb.ui.forms.framework.app import FormApp
from familyservice_nb.ui.forms.framework.chooser import SubjectChooser
from familyservice_nb.ui.forms.framework.drafts import load_payload, my_latest_draft
from familyservice_nb.ui.forms.framework.form import UNEXPECTED, log_failure
from familyservice_nb.ui.forms.line_management import LineManagementForm, figures_for
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.request import Params


def _warm_charts() -> None:
    """plotly's chart widget takes seconds to load the first time: load it while the user chooses."""
    try:
        import plotly.graph_objects as go

        go.FigureWidget  # noqa: B018 - the attribute access is the (slow) import
    except Exception:  # noqa: BLE001 - the chart is built (and any problem shown) when the form opens
        pass


class LineManagementApp(FormApp):
    intro = ("Hold a line management supervision with a practitioner. It opens with their caseload and recording "
             "timeliness. Your draft saves itself as you type.")
    form_class = LineManagementForm
    as_of = None

    @classmethod
    def from_context(cls, context):
        page = super().from_context(context)
        page.as_of = context.as_of
        return page

    def __init__(self, store, user: str):
        super().__init__(store, user)
        threading.Thread(target=_warm_charts, name="fsnb-warm-charts", daemon=True).start()

    def practitioners(self) -> list[tuple[str, str]]:
        staff = self.store.staff()
        v = self.viewer
        mine = [s for s in staff if s.role == StaffRole.PRACTITIONER and (
            v.sees_all or s.line_manager == self.store.user or set(s.teams) & set(v.team_names)
            or s.login == self.store.user)]
        return sorted(((s.name, s.login) for s in mine), key=lambda o: o[0].lower())

    def make_chooser(self):
        return SubjectChooser(self.practitioners(), [], with_case=False, start_label="Start the supervision",
                              on_start=lambda practitioner, _case: self._guarded(lambda: self.open_practitioner(practitioner)))

    def _guarded(self, action) -> None:

        try:
            action()
        except WorkbookError as exc:
            self.say(str(exc))
        except Exception:  # noqa: BLE001
            log_failure("opening a line management supervision")
            self.say(UNEXPECTED)

    def refresh_lists(self) -> None:
        self.chooser.set_lists(self.practitioners(), [])

    def follow_link(self, params: Params) -> None:
        login = params.get("practitioner")
        if login:
            if login not in {v for _n, v in self.practitioners()}:
                raise NotAllowed(f"You cannot hold a line management supervision with '{login}': they are not in "
                                 "a team you manage.")
            self.chooser.choose(login, None)
            self.open_practitioner(login)

    def _name(self, login: str) -> str:
        return self.store.names().get(login, login)

    def open_practitioner(self, login: str) -> None:
        self.say()
        name = self._name(login)
        self.context_line.value = f'<p class="fsnb-context"><strong>{esc(name)}</strong></p>'
        draft = my_latest_draft(self.store, self.form_class.kind, subject=login)
        if draft is None:
            self.start(login)
            return
        self.slot.children = ()
        self.offer_draft(draft, start_fresh=lambda: self._guarded(lambda: self.start(login)),
                         continue_draft=lambda: self._guarded(lambda: self.continue_draft(draft, login)))

    def new_form(self, login: str, record_id=None, figures=None, author=None) -> LineManagementForm:
        # A record that did not keep the figures of when it started (an old draft) shows today's, and says so.
        taken_now = figures is None and record_id is not None
        figures = figures or figures_for(self.store, login, self._name(login), self.as_of)
        # The case supervisions this session can have discussed: the practitioner's completed ones, up to the
        # session's date (today for a new one), newest first.
        held_on = self.store.info(record_id).event_date if record_id is not None else today_in_london()
        discussions = [i for i in self.store.records(kind=SUPERVISION.key, state=RecordState.COMPLETE)
                       if i.subject == login and i.event_date <= held_on][-12:][::-1]
        return LineManagementForm(self.store, figures=figures, discussions=discussions, record_id=record_id,
                                  figures_taken_now=taken_now,
                                  fixed={"author": author or self.store.user, "manager": author or self.store.user,
                                         "practitioner": login})

    def start(self, login: str) -> LineManagementForm:
        form = self.new_form(login)
        form.load(form.start_values())
        self.show_form(form)
        return form

    def _saved_figures(self, payload: dict):
        try:
            return OpeningFigures.model_validate(payload["opening_figures"])
        except Exception:  # noqa: BLE001 - figures missing from an old draft: take them afresh
            return None

    def continue_draft(self, info, login: str) -> LineManagementForm:
        payload = load_payload(self.store, info.record_id)
        form = self.new_form(login, record_id=info.record_id, figures=self._saved_figures(payload))
        form.load(payload)
        self.show_form(form)
        return form

    def form_for_record(self, info, payload: dict) -> LineManagementForm:
        login = payload.get("practitioner") or info.subject
        self.context_line.value = f'<p class="fsnb-context"><strong>{esc(self._name(login))}</strong></p>'
        form = self.new_form(login, record_id=info.record_id, figures=self._saved_figures(payload),
                             author=payload.get("author"))
        form.load(payload)
        return form
