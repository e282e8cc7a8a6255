"""The Management oversight page: where supervision, agreed actions and children's voices have gaps.

guidance: Supervision Recording Expectations - "evidence of effective management oversight for families
open to The Family Service". The measures are whatever `familyservice_nb.oversight.MEASURES` declares, each
laid out from its declaration (title, columns, what to do): a measure declared in the package appears here
with no change to the page. The page lays them out by team and by manager, each line linking to the case,
record or practitioner to follow up, and every table downloadable as Excel. Filters (team, manager) redraw
the chart and tables in place; each download says in the file ("About this file") and in its name the as-of
date and the filters it holds.
"""

from __future__ import annotations

import ipywidgets as widgets

from familyservice_nb.oversight import MEASURES, Measure, OversightReport, management_oversight
from familyservice_nb.records.kinds import LINE_MANAGEMENT, SUPERVISION
from familyservice_nb.records.people import StaffRole
from familyservice_nb.ui.charts import figure_widget, gaps_figure, update_gaps
from familyservice_nb.ui.kit.behind_figures import OversightDrillDown
from familyservice_nb.ui.kit.catalogue import CASE_STORY_NOTEBOOK
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import require_store, signed_in_name
from familyservice_nb.ui.kit.html import esc, figure_cards, unreadable_notice
from familyservice_nb.ui.kit.shell import AppPage, build_fresh_page
from familyservice_nb.ui.kit.tables import Link, TableSection
from familyservice_nb.ui.kit.values import figures_as_of, london_now

TITLE = "Management oversight"
ALL = ""
# A line on a case opens the case's supervision page, and the case's oversight story (a column of links only:
# not in the Excel file); a line about a practitioner opens the page of the measure's kind of record for them
# (line management supervision unless the measure names another kind).
CASE_LINK = Link(SUPERVISION.page, "case")
STORY = {"story": "Oversight story"}
STORY_LINK = Link(CASE_STORY_NOTEBOOK, "case", "case_id", text="Story of {}")
NUMERIC = ["days_overdue", "days_late"]


def table_spec(declared: Measure) -> dict:
    """How the page lays out one measure's table, from its declaration: its columns, the links in them (the
    case, or else the practitioner on the page of the measure's kind; a record when the measure's records are all
    of one kind) and the columns of its Excel download."""
    columns, links = dict(declared.columns), {}
    if "case_id" in columns:
        columns |= STORY
        links |= {"case_id": CASE_LINK, "story": STORY_LINK}
    elif "practitioner" in columns:
        links["practitioner"] = Link((declared.record_kind or LINE_MANAGEMENT).page, "practitioner", "login")
    if "record_id" in columns and declared.record_kind is not None:
        links["record_id"] = Link(declared.record_kind.page, "record", "record_id")
    return {"columns": columns, "links": links, "excel": declared.excel}


def _count_columns(by: str, codes) -> dict[str, str]:
    """The count tables' headings: the team or manager, each measure's short title, and the total."""
    return {by: by.capitalize(), **{code: MEASURES[code].short_title for code in codes}, "total": "All gaps"}


class ManagementOversightPage(AppPage):
    """Headline counts, gaps by team (chart), counts by team and by manager, and a table for each measure."""

    def __init__(self, report: OversightReport, *, user: str, source: str = "", unreadable=()):
        self.report = report
        self.unreadable = [str(u) for u in unreadable]  # records left out: said on the page and in every download
        self.read_at = london_now()  # when these figures were read (said with the as-of date, and in downloads)
        self.source_words = source
        titles = report.titles()
        self.as_of_line = widgets.HTML(
            f'<p class="fsnb-as-of">{esc(figures_as_of(report.as_of, self.read_at))}</p>'
            f'<p class="fsnb-muted">{report.open_case_count:,} families open. Case supervision every '
            f"{report.settings.supervision_interval_days} days; children spoken to every "
            f"{report.settings.child_seen_interval_days} days; line management supervision every "
            f"{report.settings.line_management_interval_days} days (the council's "
            "settings). Only completed records count as evidence.</p>"
        )
        self.as_of_line.add_class("fsnb-as-of-line")
        self.source = widgets.HTML(f'<p class="fsnb-muted fsnb-source">{esc(source)}</p>' if source else "")
        self.source.value += unreadable_notice(self.unreadable)
        style = {"description_width": "initial"}
        self.team = widgets.Dropdown(description="Team", style=style, layout=widgets.Layout(width="300px"))
        self.manager = widgets.Dropdown(description="Manager", style=style, layout=widgets.Layout(width="320px"))
        self.team.add_class("fsnb-filter-team")
        self.manager.add_class("fsnb-filter-manager")
        self._set_choices()
        self.team.observe(lambda _c: self.refresh(), names="value")
        self.manager.observe(lambda _c: self.refresh(), names="value")
        self.status = widgets.HTML()
        self.status.add_class("fsnb-filter-status")
        self.headline = widgets.HTML()
        self.headline.add_class("fsnb-headline")
        self.chart = figure_widget(gaps_figure(report.counts("team"), "team", titles, "Team"))
        self.chart.add_class("fsnb-chart-gaps")
        codes = list(report.tables())  # the registry's measures, in its order
        self.tables = {code: table_spec(MEASURES[code]) for code in codes}
        self.drilldown = OversightDrillDown(self, self.tables)
        self.by_team = TableSection("Gaps by team", _count_columns("team", codes), what="teams", what_one="team",
                                    filename="oversight-by-team.xlsx", numeric=[*codes, "total"],
                                    sheet_name="Gaps by team",
                                    css_class="fsnb-oversight-by-team", empty_message="No gaps to show.")
        self.by_manager = TableSection("Gaps by manager", _count_columns("manager", codes), what="managers",
                                       what_one="manager",
                                       filename="oversight-by-manager.xlsx", numeric=[*codes, "total"],
                                       sheet_name="Gaps by manager",
                                       css_class="fsnb-oversight-by-manager", empty_message="No gaps to show.")
        self.sections = {
            code: TableSection(
                titles[code], spec["columns"], what=MEASURES[code].lines_are,
                filename=f"oversight-{code.replace('_', '-')}.xlsx",
                numeric=[c for c in spec["columns"] if c in NUMERIC], links=spec["links"],
                empty_message=MEASURES[code].empty, note=MEASURES[code].note(),
                css_class=f"fsnb-oversight-{code.replace('_', '-')}", excel_columns=spec["excel"],
                sheet_name=MEASURES[code].short_title,
            )
            for code, spec in self.tables.items()
        }
        filters = widgets.HBox([self.team, self.manager], layout=widgets.Layout(flex_flow="row wrap"))
        filters.add_class("fsnb-filters")
        body = [self.as_of_line, self.source, widgets.HTML("<h2>Filters</h2>"), filters, self.status, self.headline,
                self.drilldown.picker, self.chart, self.drilldown.slot(), self.by_team, self.by_manager,
                *self.sections.values()]
        super().__init__(TITLE, body, user=user)
        self.add_class("fsnb-management-oversight")
        self.refresh(charts=False)

    def _set_choices(self) -> None:
        teams = sorted({t for table in self.report.tables().values() for t in table["team"].astype(str)})
        managers = sorted({m for table in self.report.tables().values() for m in table["manager"].astype(str)})
        self.team.options = [("All teams", ALL)] + [(t, t) for t in teams]
        self.manager.options = [("All managers", ALL)] + [(m, m) for m in managers]
        self.team.value, self.manager.value = ALL, ALL

    def filters_words(self) -> str:
        """The filters chosen, in words ('team North, manager Mo Manager'); blank for every team and manager."""
        said = [f"team {self.team.value}"] if self.team.value else []
        said += [f"manager {self.manager.value}"] if self.manager.value else []
        return ", ".join(said)

    def filtered(self) -> OversightReport:
        team = self.team.value or None
        manager = self.manager.value or None
        return self.report if team is None and manager is None else self.report.filtered(team=team, manager=manager)

    def refresh(self, charts: bool = True) -> OversightReport:
        """Redraw the counts, chart and tables for the team and manager chosen."""
        shown = self.filtered()
        titles = shown.titles()
        tables = shown.tables()
        self.headline.value = figure_cards([(f"{len(table):,}", titles[code], "") for code, table in tables.items()])
        by_team = shown.counts("team")
        if charts:
            update_gaps(self.chart, by_team, "team")
        self.by_team.show(by_team)
        self.by_manager.show(shown.counts("manager"))
        for name, section in self.sections.items():
            section.show(tables[name])
        described = self.filters_words()
        total = sum(len(t) for t in tables.values())
        self.status.value = (f'<p class="fsnb-muted" role="status">{total:,} gaps to follow up'
                             f'{": " + esc(described) if described else ""}.</p>')
        as_of_words = figures_as_of(shown.as_of, self.read_at)
        more = ([self.source_words] if self.source_words else []) + self.unreadable
        for section in (self.by_team, self.by_manager, *self.sections.values()):
            section.describe_export(as_of_words, described, shown.as_of, more)
        self.shown = shown
        self.drilldown.redraw()  # the lines behind the figures, for these filters
        return shown

    # -- building -------------------------------------------------------------------------------------

    @classmethod
    def from_store(cls, store, *, user: str, as_of=None) -> ManagementOversightPage:
        viewer = store.viewer()
        data = store.oversight_data()
        report = management_oversight(data, settings=store.settings(), as_of=as_of, calendar=store.calendar())
        scope = {StaffRole.PRACTITIONER: "your own cases", StaffRole.MANAGER: "your teams' cases"}.get(viewer.role, "every team")
        return cls(report, user=user, source=f"From the workbook's database: {scope}.", unreadable=data.unreadable)

    @classmethod
    def from_context(cls, context: PageContext) -> ManagementOversightPage:
        store = require_store(context)
        return cls.from_store(store, user=signed_in_name(context, store), as_of=context.as_of)

    @classmethod
    def from_environment(cls):
        return build_fresh_page(TITLE, cls.from_context)

