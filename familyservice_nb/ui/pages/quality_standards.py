"""The Quality standards page: the guidance's table of standards, each with its current figure.

guidance: Case Recording Quality Standards - (standard, descriptor, timescale, responsibility). The page
shows whatever `familyservice_nb.standards` registers, measured on the evidence this user may see: a
standard declared in the package appears here with no change to the page.

The evidence given to the standards (`Evidence.gather`): the as-of date, the council's calendar and settings
(the database's, else the defaults with the context's calendar), the case notes, and the oversight records
(`OversightData`) when there is a database.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.standards import STANDARDS, Evidence, standards_table
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
    "what_to_do": "What to do",
}


def standards_frame(evidence: Evidence) -> pd.DataFrame:
    """The registry's table with each standard's figure, how the workbook reads its words, and what to do."""
    table = standards_table(evidence)
    table["reading"] = [STANDARDS[name].reading for name in table["standard"]]
    table["what_to_do"] = [STANDARDS[name].what_to_do for name in table["standard"]]
    return table


class QualityStandardsPage(AppPage):
    """The standards table with figures, as a chart and a table (downloadable as Excel)."""

    def __init__(self, evidence: Evidence, *, user: str, source: str = "", notices: list[str] = ()):
        self.evidence = evidence
        self.table_frame = standards_frame(evidence)
        self.read_at = london_now()  # when these figures were read (said with the as-of date, and in the download)
        self.as_of = evidence.as_of
        as_of_text = figures_as_of(self.as_of, self.read_at)
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
        store = source.store
        data, unreadable = None, []
        if store is not None:
            from familyservice_nb.store import NotAllowed

            try:
                data = store.oversight_data()
                unreadable = [str(u) for u in data.unreadable]
            except NotAllowed:  # not on the staff list (notes from the extract file): the notes' standards show
                data = None
        evidence = Evidence.gather(
            source.notes, data, as_of=source.as_of, settings=store.settings() if store is not None else None,
            calendar=store.calendar() if store is not None else context.calendar(),
        )
        return cls(evidence, user=signed_in_name(context), source=source.description,
                   notices=[*source.notices, *unreadable])

    @classmethod
    def from_environment(cls):
        return build_fresh_page(TITLE, cls.from_context)
