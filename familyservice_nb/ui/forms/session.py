"""The Session record page: the Mosaic case record template for a direct session.

guidance: Mosaic Case Record Template - WHO, AIM, METHOD, OUTCOME, ANY IMPORTANT OBSERVATIONS AND/OR
REFLECTIONS, ACTIONS; also those present who did not take part, and other observations or incidents.
When the aims were not met, the form asks why not and what will be done differently.
"""

from __future__ import annotations

import ipywidgets as widgets

from familyservice_nb.records import SessionRecord
from familyservice_nb.ui.forms.framework.case_form import CaseRecordForm
from familyservice_nb.ui.forms.framework.form import section

NOT_MET = ("why_not_met", "what_will_be_done_differently")


class SessionForm(CaseRecordForm):
    model = SessionRecord

    def build(self) -> list[widgets.Widget]:
        m = self.model.model_fields
        return [
            section("About this session", self.about()),
            section("Who, aim and method", [self.field("who", rows=2), self.field("aim", rows=2),
                                            self.field("method", rows=3)]),
            section("Outcome", [self.field("aims_met"), self.field("outcome", rows=3),
                                self.field("why_not_met", rows=2), self.field("what_will_be_done_differently", rows=2)]),
            section("Observations and reflections", [self.field("observations_and_reflections", rows=5)]),
            section(m["actions"].title, [self.action_rows("actions")], m["actions"].description),
            section("Also record", [self.field("present_not_taking_part", rows=2),
                                    self.field("other_observations", rows=3),
                                    self.field("children_spoken_to", rows=2,
                                               placeholder="One child ID a line, for example K-1")]),
        ]

    def refresh(self) -> None:
        super().refresh()
        # Why not, and what will change, are asked for only when the aims were not met.
        self.show_only(NOT_MET, self.parts["aims_met"].field.value is False)

    def record_data(self) -> dict:
        data = super().record_data()
        if data.get("aims_met") is not False:
            for name in NOT_MET:
                data.pop(name, None)
        return data
