"""The page for a record about one case: choose the practitioner and case, then write the record.

`?case=C000123` in the address opens that case (when the user may see it); `?record=42` opens that
record. The store refuses a case or record the user may not see, and the page says so in its words.
"""

from __future__ import annotations

from typing import ClassVar

from familyservice_nb.errors import WorkbookError
from familyservice_nb.records.base import uk
from familyservice_nb.records.kinds import kind_named
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.forms.framework.app import FormApp
from familyservice_nb.ui.forms.framework.chooser import SubjectChooser
from familyservice_nb.ui.forms.framework.drafts import load_payload, my_latest_draft
from familyservice_nb.ui.forms.framework.form import UNEXPECTED, RecordForm, log_failure
from familyservice_nb.ui.kit.catalogue import case_link, record_link
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.request import Params


class CaseFormApp(FormApp):
    practitioner_required: ClassVar[bool] = False
    start_label: ClassVar[str] = "Start the record"

    def make_chooser(self):
        self._cases = self.store.cases()
        self._staff = self.store.staff()
        return SubjectChooser(self.practitioner_options(), self._cases, practitioner_required=self.practitioner_required,
                              start_label=self.start_label, on_start=self._start_clicked)

    def practitioner_options(self) -> list[tuple[str, str]]:
        names = {s.login: s.name for s in self._staff}
        logins = {c.allocated_worker for c in self._cases if c.allocated_worker}
        return sorted(((names.get(login, login), login) for login in logins), key=lambda o: o[0].lower())

    def staff_names(self) -> list[str]:
        return [s.name for s in self._staff]

    def refresh_lists(self) -> None:
        self._cases = self.store.cases()
        self._staff = self.store.staff()
        self.chooser.set_lists(self.practitioner_options(), self._cases)

    def follow_link(self, params: Params) -> None:
        case_id = params.get("case")
        if not case_id:
            return
        case = self.store.case(case_id)  # NotAllowed when this user may not open it
        self.chooser.choose(case.allocated_worker, case.case_id)
        self.open_case(case.allocated_worker, case.case_id)

    # -- opening ----------------------------------------------------------------------------------

    def _start_clicked(self, practitioner: str | None, case_id: str | None) -> None:
        try:
            self.open_case(practitioner, case_id)
        except WorkbookError as exc:
            self.say(str(exc))
        except Exception:  # noqa: BLE001
            log_failure("opening a case")
            self.say(UNEXPECTED)

    def open_case(self, practitioner: str | None, case_id: str) -> None:
        self.say()
        case = self.store.case(case_id)
        practitioner = practitioner or case.allocated_worker
        draft = my_latest_draft(self.store, self.form_class.kind, case_id=case.case_id)
        if draft is None:
            self.start(case, practitioner)
            return
        self.show_context(case)
        if self.form is not None:
            self.form.debouncer.flush()
        self.slot.children = ()
        self.offer_draft(draft, start_fresh=lambda: self._guard(lambda: self.start(case, practitioner)),
                         continue_draft=lambda: self._guard(lambda: self.continue_draft(draft, case)))

    def _guard(self, action) -> None:
        try:
            action()
        except WorkbookError as exc:
            self.say(str(exc))
        except Exception:  # noqa: BLE001
            log_failure("opening a record")
            self.say(UNEXPECTED)

    def show_context(self, case) -> None:
        names = {s.login: s.name for s in self._staff}
        worker = names.get(case.allocated_worker, case.allocated_worker or "nobody")
        self.context_line.value = (
            f'<p class="fsnb-context"><strong>Case {esc(case.case_id)} – {esc(case.family_pseudonym)}</strong>'
            f" · allocated to {esc(worker)}" + (f" · team {esc(case.team)}" if case.team else "") + "</p>"
            + self.case_records_html(case.case_id)
        )

    def case_records_html(self, case_id: str) -> str:
        """The case's records so far, listed on its form."""
        try:
            infos = self.store.records(case_id=case_id)
        except WorkbookError:
            return ""
        story = f'<a class="fsnb-story-link" href="{esc(case_link(case_id))}">The case\'s oversight story</a>'
        if not infos and not infos.unreadable:
            return f'<p class="fsnb-muted fsnb-case-records">No records of this case in the workbook yet. {story}</p>'
        names = {s.login: s.name for s in self._staff}
        items = "".join(
            f'<li><a href="{esc(record_link(i.kind, i.record_id))}">{esc(kind_named(i.kind).title)}'
            f", {esc(uk(i.event_date))}</a> by {esc(names.get(i.author, i.author))}"
            f" ({'completed' if i.state == RecordState.COMPLETE else 'draft'})</li>"
            for i in sorted(infos, key=lambda i: (i.event_date, int(i.record_id)), reverse=True)
        ) + "".join(f"<li>{esc(u)}</li>" for u in infos.unreadable)
        return (f'<details class="fsnb-case-records"><summary>Records of this case ({len(infos) + len(infos.unreadable)})</summary>'
                f"<ul>{items}</ul></details><p class=\"fsnb-case-records\">{story}</p>")

    def start(self, case, practitioner: str | None) -> RecordForm:
        self.show_context(case)
        form = self.new_form(case, practitioner)
        form.load(form.start_values())
        self.show_form(form)
        return form

    def continue_draft(self, info, case) -> RecordForm:
        self.show_context(case)
        payload = load_payload(self.store, info.record_id)
        form = self.new_form(case, payload.get("practitioner") or case.allocated_worker, record_id=info.record_id)
        form.load(payload)
        self.show_form(form)
        form.status.value = form._status_html(f"Draft {info.record_id} carried on.", css="fsnb-saved")
        return form

    def form_for_record(self, info, payload: dict) -> RecordForm:
        case = self.store.case(info.case_id)
        self.chooser.choose(case.allocated_worker, case.case_id)
        self.show_context(case)
        form = self.new_form(case, payload.get("practitioner") or case.allocated_worker, record_id=info.record_id,
                             author=payload.get("author"))
        form.load(payload)
        return form

    def new_form(self, case, practitioner: str | None, record_id: str | None = None,
                 author: str | None = None) -> RecordForm:
        raise NotImplementedError


class CaseRecordApp(CaseFormApp):
    """The page for a record written by its author about one case (session, GFPO session, case note)."""

    def new_form(self, case, practitioner, record_id=None, author=None) -> RecordForm:
        return self.form_class(self.store, case=case, staff_names=self.staff_names(), calendar=self.store.calendar(),
                               fixed={"author": author or self.store.user}, record_id=record_id)
