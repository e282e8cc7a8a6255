"""The Quality standards page: the guidance's table of standards, each with its current figure.

guidance: Case Recording Quality Standards - (standard, descriptor, timescale, responsibility). The page
shows whatever `familyservice_nb.standards` registers, measured on the evidence this user may see: a
standard declared in the package appears here with no change to the page.

Evidence given to the standards: `notes` are the case notes assessed by the timeliness rule; `tables`
hold the oversight frames by name (`OversightData.tables()`: cases, children, staff, discussions,
agreed_actions, action_reviews, children_spoken_to, line_management) when there is a database.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.standards import STANDARDS, Evidence, standards_table
from familyservice_nb.timeliness import assess_timeliness
from familyservice_nb.ui.charts import figure_widget, standards_figure
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import notes_for, signed_in_name
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shell import AppPage, build_fresh_page
from familyservice_nb.ui.kit.tables import TableSection
from familyservice_nb.ui.kit.values import figures_as_of, london_now

TITLE = "Quality standards"
COLUMNS = {
    "standard": "Standard", "descriptor": "Descriptor", "timescale": "Timescale", "responsibility": "Responsibility",
    "pct_met": "% met", "records_counted": "Records counted", "reading": "How the workbook reads it",
}


def standards_frame(evidence: Evidence) -> pd.DataFrame:
    """The registry's table with each standard's figure, and how the workbook reads its words."""
    table = standards_table(evidence)
    table["reading"] = [STANDARDS[name].reading for name in table["standard"]]
    return table


class QualityStandardsPage(AppPage):
    """The standards table with figures, as a chart and a table (downloadable as Excel)."""

    def __init__(self, evidence: Evidence, *, user: str, as_of: dt.date | None, source: str = "",
                 notices: list[str] = ()):
        self.evidence = evidence
        self.table_frame = standards_frame(evidence)
        self.read_at = london_now()  # when these figures were read (said with the as-of date, and in the download)
        self.as_of = as_of or self.read_at.date()
        as_of_text = figures_as_of(as_of, self.read_at)
        self.as_of_line = widgets.HTML(f'<p class="fsnb-as-of">{esc(as_of_text)}</p>')
        self.as_of_line.add_class("fsnb-as-of-line")
        self.source = widgets.HTML(f'<p class="fsnb-muted fsnb-source">{esc(source)}</p>' if source else "")
        self.notices = widgets.HTML("".join(f'<p class="fsnb-notice">{esc(n)}</p>' for n in notices))
        intro = widgets.HTML(
            '<p class="fsnb-lede">The council\'s Case Recording Quality Standards, each with the share of records '
            "that met it. A standard with no records to measure yet shows a blank figure.</p>"
        )
        self.chart = figure_widget(standards_figure(self.table_frame))
        self.chart.add_class("fsnb-chart-standards")
        self.table = TableSection(
            "The standards", COLUMNS, what="quality standards", what_one="quality standard",
            filename="quality-standards.xlsx",
            numeric=["pct_met", "records_counted"], css_class="fsnb-standards-table",
            empty_message="No quality standards are declared yet.",
        )
        self.table.show(self.table_frame)
        # No filters on this page: the file and its name say the as-of date, and where the figures come from.
        self.table.describe_export(as_of_text, "", self.as_of, [source] if source else [])
        super().__init__(TITLE, [self.as_of_line, self.source, self.notices, intro, self.chart, self.table], user=user)
        self.add_class("fsnb-quality-standards")

    @classmethod
    def from_context(cls, context: PageContext) -> QualityStandardsPage:
        source = notes_for(context)
        calendar = source.store.calendar() if source.store is not None else context.calendar()
        assessed = assess_timeliness(source.notes, calendar=calendar, as_of=source.as_of)
        tables, unreadable = {}, []
        if source.store is not None:
            from familyservice_nb.store import NotAllowed

            try:
                data = source.store.oversight_data()
                tables, unreadable = data.tables(), [str(u) for u in data.unreadable]
            except NotAllowed:  # not on the staff list (notes from the extract file): the notes' standards show
                tables = {}
        evidence = Evidence(notes=assessed, tables=tables)
        return cls(evidence, user=signed_in_name(context), as_of=assessed.attrs.get("as_of"), source=source.description,
                   notices=[*source.notices, *unreadable])

    @classmethod
    def from_environment(cls):
        return build_fresh_page(TITLE, cls.from_context)
