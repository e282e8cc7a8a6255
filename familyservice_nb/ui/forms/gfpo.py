"""The GFPO session record page, with the guidance's observation prompts beside the observations.

guidance: Mosaic Case Record template for recording a Graduated Family and Parenting Intervention
Session - its rows in order; the "Suggested Points to include" (`records.GFPO_PROMPTS`) are shown next to
the observation box, and each can be answered on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from familyservice_nb.records import GFPO_PROMPTS, GFPOIntervention, GFPOSessionRecord, Problem
from familyservice_nb.ui.forms.framework.case_form import CaseRecordForm
from familyservice_nb.ui.forms.framework.fields import FieldWidget
from familyservice_nb.ui.forms.framework.form import section
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import html_widget


class PromptAnswersPart(Part):
    """`prompt_answers`: one box per suggested point; only the points answered go into the record."""

    def __init__(self):
        self.name = "prompt_answers"
        self.boxes = [FieldWidget(f"prompt-{i}", prompt, "", "long", rows=2)
                      for i, prompt in enumerate(GFPO_PROMPTS, start=1)]
        info = GFPOSessionRecord.model_fields["prompt_answers"]
        head = html_widget(f'<p class="fsnb-legend">{esc(info.title)}</p><p class="fsnb-help">{esc(info.description)}</p>')
        grid = widgets.GridBox(self.boxes, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fit, minmax(360px, 1fr))", grid_gap="2px 16px", width="100%"))
        self.problem = html_widget("")
        self.widget = widgets.VBox([head, grid, self.problem], layout=widgets.Layout(width="100%"))

    def record_value(self):
        return {p: box.value for p, box in zip(GFPO_PROMPTS, self.boxes, strict=True) if box.value.strip()}

    def load(self, value) -> None:
        value = value or {}
        for prompt, box in zip(GFPO_PROMPTS, self.boxes, strict=True):
            box.value = value.get(prompt, "")

    def show_problems(self, problems: Sequence[Problem]) -> None:
        items = "".join(f"<span>{esc(p.words)}</span>" for p in problems)
        self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>' if problems else ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.boxes:
            box.on_change(lambda _f: callback())

    def set_disabled(self, disabled: bool) -> None:
        for box in self.boxes:
            box.set_disabled(disabled)


def prompts_panel() -> widgets.HTML:
    items = "".join(f"<li>{esc(p)}</li>" for p in GFPO_PROMPTS)
    panel = html_widget(f'<div class="fsnb-prompts" role="note"><strong>Suggested points to include</strong>'
                        f"<ul>{items}</ul></div>")
    return panel


class GFPOForm(CaseRecordForm):
    model = GFPOSessionRecord

    def build(self) -> list[widgets.Widget]:
        m = self.model.model_fields
        observations = self.field("observations", rows=14)
        beside = widgets.GridBox([observations, prompts_panel()], layout=widgets.Layout(
            grid_template_columns="minmax(320px, 3fr) minmax(260px, 2fr)", grid_gap="8px 20px", width="100%"))
        return [
            section("About this session", self.about()),
            section("Intervention and purpose", [
                self.field("intervention", radio=True), self.field("other_intervention", kind="text"),
                self.field("purpose", rows=2), self.field("desired_outcome", rows=2)]),
            section("Present, location and time", [
                self.field("present_and_took_part", rows=2), self.field("location", kind="text"),
                self.field("start_time"), self.field("why_this_location_and_time", rows=2)]),
            section("Description of the session", [self.field("activities", rows=3), self.field("resources", rows=2)]),
            section("Observation and analysis", [beside, self.add(PromptAnswersPart()),
                                                 self.field("safeguarding_risk", kind="yesno")]),
            section("Children spoken to", [self.field("children_spoken_to", rows=2,
                                                      placeholder="One child ID a line, for example K-1")]),
            section(m["next_steps"].title, [self.action_rows("next_steps", noun="next step")],
                    m["next_steps"].description),
        ]

    def refresh(self) -> None:
        super().refresh()
        other = self.parts["intervention"].field.value == GFPOIntervention.OTHER.value
        self.show_only(["other_intervention"], other)

    def record_data(self) -> dict:
        data = super().record_data()
        if data.get("intervention") != GFPOIntervention.OTHER.value:
            data.pop("other_intervention", None)
        return data
