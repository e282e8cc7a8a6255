"""The Line management supervision page: opens with the practitioner's caseload and recording timeliness.

guidance: Line Management Supervision - the five CWDC (2008) areas, and the annual EPDR. The figures come
from `records.opening_figures` (the one timeliness rule, over the notes the store holds) and are kept in
the record as they were when the supervision started.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.records import (
    CWDC_AREAS,
    LineManagementSupervision,
    OpeningFigures,
    Problem,
    opening_figures,
    uk,
)
from familyservice_nb.records.kinds import SUPERVISION
from familyservice_nb.ui.charts import caseload_figure, figure_widget
from familyservice_nb.ui.forms.framework.form import RecordForm, section
from familyservice_nb.ui.forms.framework.parts import Part
from familyservice_nb.ui.kit.html import esc, html_table
from familyservice_nb.ui.kit.shared import html_widget
from familyservice_nb.ui.kit.values import today_text

FIGURE_ROWS = {"on_time": "On time", "late": "Recorded late", "overdue": "Overdue (not recorded)",
               "pending": "Not yet due"}


def figures_for(store, login: str, name: str, as_of=None) -> OpeningFigures:
    """The practitioner's figures: their notes (the extract names workers by name) and open cases."""
    notes = store.notes_frame()
    mine = notes[notes["worker"].isin([name, login])].assign(worker=login)
    return opening_figures(mine, login, cases=store.cases(), calendar=store.calendar(), as_of=as_of)


def figures_table(f: OpeningFigures) -> str:
    pct = "not yet known" if f.pct_on_time is None else f"{f.pct_on_time:.1f}%"
    median = "not yet known" if f.median_working_days is None else f"{f.median_working_days:g}"
    frame = pd.DataFrame({
        "what": ["Open cases allocated", "Case notes counted", "% recorded on time", "Median working days to record",
                 *FIGURE_ROWS.values()],
        "value": ["not known" if f.caseload is None else str(f.caseload), str(f.notes), pct, median,
                  *(str(getattr(f, k)) for k in FIGURE_ROWS)],
    })
    return html_table(frame, {"what": "Figure", "value": "Value"}, numeric=("value",),
                      caption=f"Caseload and recording timeliness as of {uk(f.as_of)}")


class CaseDiscussionsPart(Part):
    """`case_discussions`: tick the case supervision records discussed in this session (each can be opened)."""

    def __init__(self, infos: Sequence, case_page: str = SUPERVISION.page):
        self.name = "case_discussions"
        self.ids = [i.record_id for i in infos]
        self.boxes, rows = [], []
        for info in infos:
            box = widgets.Checkbox(description=f"Case {info.case_id}: supervision of {uk(info.event_date)}",
                                   value=False, indent=False, layout=widgets.Layout(width="auto"))
            link = html_widget(f'<a href="{esc(case_page)}?record={esc(info.record_id)}" target="_blank" '
                               f'rel="noopener">Open the supervision of case {esc(info.case_id)}, '
                               f"{esc(uk(info.event_date))}</a>")
            self.boxes.append(box)
            rows.append(widgets.HBox([box, link], layout=widgets.Layout(align_items="center", grid_gap="16px")))
        info = LineManagementSupervision.model_fields["case_discussions"]
        head = html_widget(f'<p class="fsnb-help">{esc(info.description)}</p>' + (
            "" if infos else '<p class="fsnb-empty">There are no completed case supervisions of this '
                             "practitioner's cases, up to this session's date, that you can see.</p>"))
        self.extra: list[str] = []
        self.problem = html_widget("")
        self.widget = widgets.VBox([head, *rows, self.problem], layout=widgets.Layout(width="100%"))

    def record_value(self):
        return [i for i, box in zip(self.ids, self.boxes, strict=True) if box.value] + self.extra

    def load(self, value) -> None:
        chosen = [str(v) for v in value or []]
        for i, box in zip(self.ids, self.boxes, strict=True):
            box.value = i in chosen
        self.extra = [v for v in chosen if v not in self.ids]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        items = "".join(f"<span>{esc(p.words)}</span>" for p in problems)
        self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>' if problems else ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.boxes:
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in self.boxes:
            box.disabled = disabled


class LineManagementForm(RecordForm):
    model = LineManagementSupervision

    def __init__(self, store, *, figures: OpeningFigures, discussions: Sequence, fixed: dict,
                 figures_taken_now: bool = False, **kwargs):
        self.figures = figures
        self.figures_taken_now = figures_taken_now
        self.discussions = list(discussions)
        super().__init__(store, fixed={**fixed, "opening_figures": figures.model_dump(mode="json")}, **kwargs)

    def build(self) -> list[widgets.Widget]:
        m = self.model.model_fields
        chart = figure_widget(caseload_figure(self.figures, FIGURE_ROWS))
        table = html_widget(f'<div class="fsnb-table-wrap">{figures_table(self.figures)}</div>')
        figures = widgets.HBox([table, chart], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
        figures.add_class("fsnb-figures")
        return [
            section("Caseload and recording timeliness", [figures],
                    ("Taken now" if self.figures_taken_now else "Taken when this supervision started")
                    + ", by the workbook's timeliness rule, from the case notes it holds"
                    + (" (the figures of when it started were not kept with it)." if self.figures_taken_now
                       else ".")),
            section("About this supervision", [self.field("event_date")]),
            section("The five areas of effective supervision (CWDC 2008)",
                    [self.field(area, rows=4) for area in CWDC_AREAS]),
            section("EPDR", [self.field("next_epdr_date")]),
            section(m["case_discussions"].title, [self.add(CaseDiscussionsPart(self.discussions))]),
        ]

    def start_values(self) -> dict:
        return {"event_date": today_text()}
