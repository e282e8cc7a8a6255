"""The Line management supervision page (form: `forms/line_management.py`)."""

from __future__ import annotations

import threading

from familyservice_nb.dates import today_in_london
from familyservice_nb.records import OpeningFigures
from familyservice_nb.records.kinds import SUPERVISION
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.forms.framework.practitioner_app import PractitionerApp
from familyservice_nb.ui.forms.line_management import LineManagementForm, figures_for


def _warm_charts() -> None:
    """plotly's chart widget takes seconds to load the first time: load it while the user chooses."""
    try:
        import plotly.graph_objects as go

        go.FigureWidget  # noqa: B018 - the attribute access is the (slow) import
    except Exception:  # noqa: BLE001 - the chart is built (and any problem shown) when the form opens
        pass


class LineManagementApp(PractitionerApp):
    intro = ("Hold a line management supervision with a practitioner. It opens with their caseload and recording "
             "timeliness. Your draft saves itself as you type.")
    form_class = LineManagementForm
    held = "a line management supervision"
    start_label = "Start the supervision"
    as_of = None

    @classmethod
    def from_context(cls, context):
        page = super().from_context(context)
        page.as_of = context.as_of
        return page

    def __init__(self, store, user: str):
        super().__init__(store, user)
        threading.Thread(target=_warm_charts, name="fsnb-warm-charts", daemon=True).start()

    def new_form(self, login: str, record_id=None, author=None, figures=None) -> LineManagementForm:
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

    def kept_with_draft(self, payload: dict) -> dict:
        """The figures the record opened with (an old draft without them: None, so today's are taken)."""
        try:
            return {"figures": OpeningFigures.model_validate(payload["opening_figures"])}
        except Exception:  # noqa: BLE001 - figures missing from an old draft: take them afresh
            return {"figures": None}
