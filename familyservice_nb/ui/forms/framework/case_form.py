"""What every form about one case shares: the case, the date and risk flag, and the due date they give."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.forms.framework.due_date import DueDate
from familyservice_nb.ui.forms.framework.form import RecordForm
from familyservice_nb.ui.forms.framework.parts import ListPart
from familyservice_nb.ui.forms.framework.rows import RowList
from familyservice_nb.ui.kit.shared import show
from familyservice_nb.ui.kit.values import today_text


class CaseRecordForm(RecordForm):
    """A form for a record about one case (`CaseRecord`)."""

    def __init__(self, store, *, case, staff_names: Sequence[str] = (), calendar=None, fixed: dict,
                 record_id: str | None = None, **kwargs):
        self.case = case
        self.staff_names = list(staff_names)
        self.calendar = calendar
        super().__init__(store, fixed={"case_id": case.case_id, **fixed}, record_id=record_id, **kwargs)

    def rows(self, name: str, model, fields, noun: str, **options) -> widgets.Widget:
        rows = RowList(model, fields, noun=noun, **options)
        self.add(ListPart(name, rows))
        return rows

    def action_rows(self, name: str, noun: str = "action") -> widgets.Widget:
        """What, by whom (the staff list, or any name typed), by when."""
        from familyservice_nb.records import AgreedAction

        return self.rows(
            name, AgreedAction, ["what", "by_whom", "by_when"], noun,
            options={"what": {"kind": "long", "rows": 2},
                     "by_whom": {"kind": "combo", "options": self.staff_names,
                                 "placeholder": "Choose from the staff list, or type a name"}},
            hidden={"action_id": lambda: AgreedAction.model_fields["action_id"].default_factory()},
            columns="minmax(280px, 3fr) minmax(220px, 2fr) minmax(220px, 1.3fr)",
            empty_text="No actions added yet.")

    def about(self) -> list[widgets.Widget]:
        """The date and risk flag, with the due date they give."""
        self.due = DueDate()
        return [self.field("event_date"), self.field("risk_identified"), self.due]

    def start_values(self) -> dict:
        return {"event_date": today_text()}

    def risk_reason(self) -> str:
        return ""

    def deadline_values(self) -> dict:
        """Other answers the record's deadline depends on (see SupervisionForm)."""
        return {}

    def refresh(self) -> None:
        if hasattr(self, "due") and "risk_identified" in self.parts:
            risk = self.parts["risk_identified"].field.value
            from familyservice_nb.dates import today_in_london

            today = None if self.state == RecordState.COMPLETE else today_in_london()
            self.due.show(self.model, self.parts["event_date"].field.value, risk, self.calendar, self.risk_reason(),
                          today, **self.deadline_values())

    def show_only(self, names: Sequence[str], shown: bool) -> None:
        for name in names:
            part = self.parts.get(name)
            if part is not None:
                show(part.widget, shown)
