"""The Line management supervision page: opens with the practitioner's caseload and recording timeliness.

guidance: Line Management Supervision - the five CWDC (2008) areas, and the annual EPDR. The figures come
from `records.opening_figures` (the one timeliness rule, over the notes the store holds) and are kept in
the record as they were when the supervision started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ...records import CWDC_AREAS, LineManagementSupervision, OpeningFigures, opening_figures, uk
from ...store import NotAllowed
from ..charts import BAR_COLOUR, FONT, figure_widget
from ..html import esc, html_table
from .app import FormApp
from .chooser import SubjectChooser
from .drafts import load_payload, my_latest_draft
from .fields import field_widget
from .form import RecordForm, section
from .parts import FieldPart, Part, Problem
from .request import Params
from .values import today_text

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


def figures_chart(f: OpeningFigures) -> go.Figure:
    labels = list(FIGURE_ROWS.values())
    values = [getattr(f, k) for k in FIGURE_ROWS]
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", marker=dict(color=BAR_COLOUR), text=values,
                           textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_layout(template="plotly_white", height=230, width=520, font=FONT, showlegend=False,
                      margin=dict(l=10, r=40, t=40, b=30),
                      title=dict(text="Case notes by timeliness", x=0, xanchor="left"),
                      xaxis=dict(fixedrange=True, rangemode="tozero"),
                      yaxis=dict(autorange="reversed", fixedrange=True, automargin=True))
    return fig


class CaseDiscussionsPart(Part):
    """`case_discussions`: tick the case supervision records discussed in this session (each can be opened)."""

    def __init__(self, infos: Sequence, case_page: str = "case-supervision.ipynb"):
        self.name = "case_discussions"
        self.ids = [i.record_id for i in infos]
        self.boxes, rows = [], []
        for info in infos:
            state = "completed" if info.state == "complete" else "draft"
            box = widgets.Checkbox(description=f"Record {info.record_id}: case {info.case_id}, {uk(info.event_date)} "
                                               f"({state})", value=False, indent=False,
                                   layout=widgets.Layout(width="auto"))
            link = widgets.HTML(f'<a href="{esc(case_page)}?record={esc(info.record_id)}" target="_blank" '
                                f'rel="noopener">Open record {esc(info.record_id)}</a>')
            self.boxes.append(box)
            rows.append(widgets.HBox([box, link], layout=widgets.Layout(align_items="center", grid_gap="16px")))
        info = LineManagementSupervision.model_fields["case_discussions"]
        head = widgets.HTML(f'<p class="fsnb-help">{esc(info.description)}</p>' + (
            "" if infos else '<p class="fsnb-empty">There are no case supervision records for this practitioner '
                             "that you can see.</p>"))
        self.extra: list[str] = []
        self.problem = widgets.HTML("")
        self.widget = widgets.VBox([head, *rows, self.problem], layout=widgets.Layout(width="100%"))

    def record_value(self):
        return [i for i, box in zip(self.ids, self.boxes, strict=True) if box.value] + self.extra

    def load(self, value) -> None:
        chosen = [str(v) for v in value or []]
        for i, box in zip(self.ids, self.boxes, strict=True):
            box.value = i in chosen
        self.extra = [v for v in chosen if v not in self.ids]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        items = "".join(f"<span>{esc(m)}</span>" for _loc, m in problems)
        self.problem.value = f'<div class="fsnb-field-problem" role="alert">{items}</div>' if problems else ""

    def on_change(self, callback: Callable[[], None]) -> None:
        for box in self.boxes:
            box.observe(lambda _c: callback(), "value")

    def set_disabled(self, disabled: bool) -> None:
        for box in self.boxes:
            box.disabled = disabled


class LineManagementForm(RecordForm):
    model = LineManagementSupervision
    kind = "line_management"
    noun = "line management supervision record"

    def __init__(self, store, *, figures: OpeningFigures, discussions: Sequence, fixed: dict, **kwargs):
        self.figures = figures
        self.discussions = list(discussions)
        super().__init__(store, fixed={**fixed, "opening_figures": figures.model_dump(mode="json")}, **kwargs)

    def field(self, name: str, **options) -> widgets.Widget:
        return self.add(FieldPart(field_widget(self.model, name, **options)))

    def build(self) -> list[widgets.Widget]:
        m = self.model.model_fields
        chart = figure_widget(figures_chart(self.figures))
        table = widgets.HTML(f'<div class="fsnb-table-wrap">{figures_table(self.figures)}</div>')
        figures = widgets.HBox([table, chart], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
        figures.add_class("fsnb-figures")
        return [
            section("Caseload and recording timeliness", [figures],
                    "Taken when this supervision started, by the workbook's timeliness rule, from the case notes "
                    "it holds."),
            section("About this supervision", [self.field("event_date")]),
            section("The five areas of effective supervision (CWDC 2008)",
                    [self.field(area, rows=4) for area in CWDC_AREAS]),
            section("EPDR", [self.field("next_epdr_date")]),
            section(m["case_discussions"].title, [self.add(CaseDiscussionsPart(self.discussions))]),
        ]

    def start_values(self) -> dict:
        return {"event_date": today_text()}


def _warm_charts() -> None:
    """plotly's chart widget takes seconds to load the first time: load it while the user chooses."""
    try:
        import plotly.graph_objects as go

        go.FigureWidget  # noqa: B018 - the attribute access is the (slow) import
    except Exception:  # noqa: BLE001 - the chart is built (and any problem shown) when the form opens
        pass


class LineManagementApp(FormApp):
    title = "Line management supervision"
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
        mine = [s for s in staff if s.role == "practitioner" and (
            v.sees_all or s.line_manager == self.store.user or set(s.teams) & set(v.team_names)
            or s.login == self.store.user)]
        return sorted(((s.name, s.login) for s in mine), key=lambda o: o[0].lower())

    def make_chooser(self):
        return SubjectChooser(self.practitioners(), [], with_case=False, start_label="Start the supervision",
                              on_start=lambda practitioner, _case: self._guarded(lambda: self.open_practitioner(practitioner)))

    def _guarded(self, action) -> None:
        from ...errors import WorkbookError
        from .form import UNEXPECTED, log_failure

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
        return {s.login: s.name for s in self.store.staff()}.get(login, login)

    def open_practitioner(self, login: str) -> None:
        self.say()
        name = self._name(login)
        self.context_line.value = f'<p class="fsnb-context"><strong>{esc(name)}</strong> ({esc(login)})</p>'
        draft = my_latest_draft(self.store, self.form_class.kind, subject=login)
        if draft is None:
            self.start(login)
            return
        self.slot.children = ()
        self.offer_draft(draft, start_fresh=lambda: self._guarded(lambda: self.start(login)),
                         continue_draft=lambda: self._guarded(lambda: self.continue_draft(draft, login)))

    def new_form(self, login: str, record_id=None, figures=None, author=None) -> LineManagementForm:
        figures = figures or figures_for(self.store, login, self._name(login), self.as_of)
        discussions = [i for i in self.store.records(kind="supervision") if i.subject == login][-12:][::-1]
        return LineManagementForm(self.store, figures=figures, discussions=discussions, record_id=record_id,
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
        self.context_line.value = (f'<p class="fsnb-context"><strong>{esc(self._name(login))}</strong> '
                                   f"({esc(login)})</p>")
        form = self.new_form(login, record_id=info.record_id, figures=self._saved_figures(payload),
                             author=payload.get("author"))
        form.load(payload)
        return form
