"""A page for a record about one practitioner, held by their line manager (line management supervision, EPDR):
choose the practitioner, carry on with your draft about them or start one, or open their record by its link.

The people offered are those the signed-in person may hold such a record with: practitioners they line manage
or who are in a team they are in (everyone for those who see all). A subclass gives the form (`new_form`) and,
when a draft keeps more than its answers, what it reads back (`kept_with_draft`).
"""

from __future__ import annotations

from familyservice_nb.errors import WorkbookError
from familyservice_nb.records.people import StaffRole
from familyservice_nb.store import NotAllowed
from familyservice_nb.ui.forms.framework.app import FormApp
from familyservice_nb.ui.forms.framework.chooser import SubjectChooser
from familyservice_nb.ui.forms.framework.drafts import load_payload, my_latest_draft
from familyservice_nb.ui.forms.framework.form import UNEXPECTED, RecordForm, log_failure
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.request import Params


class PractitionerApp(FormApp):
    held = "a record"  # how a sentence names holding one: "a line management supervision", "an EPDR"
    start_label = "Start"

    def practitioners(self) -> list[tuple[str, str]]:
        staff = self.store.staff()
        v = self.viewer
        mine = [s for s in staff if s.role == StaffRole.PRACTITIONER and (
            v.sees_all or s.line_manager == self.store.user or set(s.teams) & set(v.team_names)
            or s.login == self.store.user)]
        return sorted(((s.name, s.login) for s in mine), key=lambda o: o[0].lower())

    def make_chooser(self):
        return SubjectChooser(self.practitioners(), [], with_case=False, start_label=self.start_label,
                              on_start=lambda practitioner, _case: self._guarded(lambda: self.open_practitioner(practitioner)))

    def _guarded(self, action) -> None:
        try:
            action()
        except WorkbookError as exc:
            self.say(str(exc))
        except Exception:  # noqa: BLE001
            log_failure(f"opening {self.held}")
            self.say(UNEXPECTED)

    def refresh_lists(self) -> None:
        self.chooser.set_lists(self.practitioners(), [])

    def follow_link(self, params: Params) -> None:
        login = params.get("practitioner")
        if login:
            if login not in {v for _n, v in self.practitioners()}:
                raise NotAllowed(f"You cannot hold {self.held} with '{login}': they are not in a team you manage.")
            self.chooser.choose(login, None)
            self.open_practitioner(login)

    def _name(self, login: str) -> str:
        return self.store.names().get(login, login)

    def _show_whom(self, login: str) -> None:
        self.context_line.value = f'<p class="fsnb-context"><strong>{esc(self._name(login))}</strong></p>'

    def open_practitioner(self, login: str) -> None:
        self.say()
        self._show_whom(login)
        draft = my_latest_draft(self.store, self.form_class.kind, subject=login)
        if draft is None:
            self.start(login)
            return
        self.slot.children = ()
        self.offer_draft(draft, start_fresh=lambda: self._guarded(lambda: self.start(login)),
                         continue_draft=lambda: self._guarded(lambda: self.continue_draft(draft, login)))

    def new_form(self, login: str, record_id=None, author=None, **kept) -> RecordForm:
        """The form for a record about `login` (`kept`: what `kept_with_draft` read back)."""
        raise NotImplementedError

    def kept_with_draft(self, payload: dict) -> dict:
        """What a saved record keeps besides its answers that its form is made with (nothing here)."""
        return {}

    def start(self, login: str) -> RecordForm:
        form = self.new_form(login)
        form.load(form.start_values())
        self.show_form(form)
        return form

    def continue_draft(self, info, login: str) -> RecordForm:
        payload = load_payload(self.store, info.record_id)
        form = self.new_form(login, record_id=info.record_id, **self.kept_with_draft(payload))
        form.load(payload)
        self.show_form(form)
        return form

    def form_for_record(self, info, payload: dict) -> RecordForm:
        login = payload.get("practitioner") or info.subject
        self._show_whom(login)
        form = self.new_form(login, record_id=info.record_id, author=payload.get("author"),
                             **self.kept_with_draft(payload))
        form.load(payload)
        return form
