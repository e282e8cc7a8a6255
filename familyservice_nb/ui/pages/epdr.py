"""The EPDR page: a practitioner's annual EPDR, recorded and completed by their line manager.

guidance: Line Management Supervision - "Line management supervision and annual EPDR should be undertaken in
line with corporate guidance"; "clarity on work objectives" and "continuing personal and professional
development". The practitioners to choose from, the draft offered back and the link into the page are those of every
record about a practitioner (`PractitionerApp`, as the line management supervision page has them). Once a
practitioner is chosen the form opens with their earlier EPDRs and the date this one is due
(`records.epdr.epdr_due_by`, the rule the oversight measure uses), and suggests the next EPDR's date a year
(the council's EPDR cycle) after the date held.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.dates import today_in_london
from familyservice_nb.records import uk
from familyservice_nb.records.epdr import EPDR_INFORMATION, EPDRRecord, Objective, epdr_due_by, next_epdr_due
from familyservice_nb.records.kinds import EPDR
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.forms.framework.form import RecordForm, section
from familyservice_nb.ui.forms.framework.parts import ListPart
from familyservice_nb.ui.forms.framework.practitioner_app import PractitionerApp
from familyservice_nb.ui.forms.framework.rows import RowList
from familyservice_nb.ui.kit.catalogue import record_link
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import html_widget

EARLIER_SHOWN = 5  # the practitioner's latest EPDRs shown above the form: five years of them


def earlier_html(name: str, earlier: Sequence[EPDRRecord], ids: Sequence[str], names: dict, cycle_days: int) -> str:
    """The practitioner's earlier EPDRs, latest first, each opening in its page, and when this one is due."""
    if not earlier:
        return (f'<p class="fsnb-empty">{esc(f"No earlier EPDR of {name} is recorded that you can see: this one is due now.")}'
                "</p>")
    last = earlier[-1]
    due = epdr_due_by(pd.Series([last.event_date]), pd.Series([last.next_epdr_date]), cycle_days).iloc[0]
    items = "".join(
        f'<li><a href="{esc(record_link(EPDR.key, record_id))}" target="_blank" rel="noopener">'
        f"{esc(f'EPDR held on {uk(e.event_date)}')}</a> "
        + esc(f"by {names.get(e.manager, e.manager)}: {len(e.objectives)} objective{'s' if len(e.objectives) != 1 else ''}"
              f" set; next EPDR due {uk(e.next_epdr_date)}.")
        + "</li>"
        for e, record_id in reversed(list(zip(earlier, ids, strict=True)))
    )
    return (f'<p class="fsnb-context"><strong>{esc(f"This EPDR is due by {uk(due.date())}.")}</strong> '
            f"{esc(f'{name} last had an EPDR on {uk(last.event_date)}.')}</p><ul>{items}</ul>")


class EPDRForm(RecordForm):
    model = EPDRRecord

    def __init__(self, store, *, name: str, earlier: Sequence[EPDRRecord] = (), earlier_ids: Sequence[str] = (),
                 cycle_days: int, fixed: dict, **kwargs):
        self.practitioner_name = name
        self.earlier, self.earlier_ids = list(earlier), list(earlier_ids)
        self.cycle_days = cycle_days
        self.proposed: str | None = None  # the next EPDR date the form last suggested
        super().__init__(store, fixed=fixed, **kwargs)

    def build(self) -> list[widgets.Widget]:
        m = self.model.model_fields
        objectives = RowList(Objective, ["what", "by_when"], noun="objective",
                             options={"what": {"kind": "long", "rows": 2}},
                             columns="minmax(280px, 3fr) minmax(220px, 1fr)", empty_text="No objectives added yet.")
        self.add(ListPart("objectives", objectives))
        earlier = earlier_html(self.practitioner_name, self.earlier, self.earlier_ids, self.staff_names_by_login(), self.cycle_days)
        information = html_widget(
            f'<p class="fsnb-help">Your council\'s information on EPDR and supervision: <a href="{esc(EPDR_INFORMATION)}" '
            f'target="_blank" rel="noopener">{esc(EPDR_INFORMATION)}</a></p>')
        return [
            section("Earlier EPDRs", [html_widget(earlier)]),
            section("About this EPDR", [self.field("event_date"), self.field("next_epdr_date"), information]),
            section(m["objectives"].title, [objectives], m["objectives"].description),
            section(m["development"].title, [self.field("development", rows=4)]),
        ]

    def _suggestion(self) -> str | None:
        held = self.parts["event_date"].field.control.date
        return uk(next_epdr_due(held, self.cycle_days)) if held is not None else None

    def start_values(self) -> dict:
        self.proposed = uk(next_epdr_due(today_in_london(), self.cycle_days))
        return {"event_date": uk(today_in_london()), "next_epdr_date": self.proposed}

    def refresh(self) -> None:
        super().refresh()
        # A new date held moves the suggested next EPDR date with it, unless the writer chose another date.
        if "event_date" not in self.touched or self.locked:
            return
        suggestion, due = self._suggestion(), self.parts["next_epdr_date"].field
        if suggestion is not None and due.value in ("", self.proposed) and due.value != suggestion:
            self.proposed = suggestion
            due.value = suggestion


class EPDRApp(PractitionerApp):
    intro = ("Record a practitioner's annual EPDR: the date it was held, the work objectives set, the development "
             "agreed and when the next EPDR is due. It is a personnel record for their supervision file. Your draft "
             "saves itself as you type.")
    form_class = EPDRForm
    held = "an EPDR"
    start_label = "Start the EPDR"

    def earlier_epdrs(self, login: str, record_id: str | None = None) -> tuple[list[EPDRRecord], list[str]]:
        """The practitioner's completed EPDRs that came before this one (all of them for a new one), oldest first."""
        held_on = self.store.info(record_id).event_date if record_id is not None else today_in_london()
        infos = [i for i in self.store.records(kind=EPDR.key, state=RecordState.COMPLETE)
                 if i.subject == login and i.record_id != record_id and i.event_date <= held_on][-EARLIER_SHOWN:]
        return [self.store.get(i.record_id) for i in infos], [i.record_id for i in infos]

    def new_form(self, login: str, record_id=None, author=None) -> EPDRForm:
        earlier, ids = self.earlier_epdrs(login, record_id)
        holder = author or self.store.user
        return EPDRForm(self.store, name=self._name(login), earlier=earlier, earlier_ids=ids,
                        cycle_days=self.store.settings().epdr_cycle_days, record_id=record_id,
                        fixed={"author": holder, "manager": holder, "practitioner": login})
