"""The Management oversight page: where supervision, agreed actions and children's voices have gaps.

guidance: Supervision Recording Expectations - "evidence of effective management oversight for families
open to The Family Service". The five measures are `familyservice_nb.oversight`'s; this page lays them
out by team and by manager, each line linking to the case, record or practitioner to follow up, and
every table downloadable as Excel. Filters (team, manager) redraw the chart and tables in place; each
download says in the file ("About this file") and in its name the as-of date and the filters it holds.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.oversight import (
    MEASURES,
    OversightReport,
    late_records_note,
    management_oversight,
    spoken_to_note,
)
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
SUPERVISION_PAGE = SUPERVISION.page
LINE_MANAGEMENT_PAGE = LINE_MANAGEMENT.page
CASE_LINK = Link(SUPERVISION_PAGE, "case")
# Each case's line also opens the case's oversight story (a column of links only: not in the Excel file).
STORY = {"story": "Oversight story"}
STORY_LINK = Link(CASE_STORY_NOTEBOOK, "case", "case_id", text="Story of {}")
SUPERVISION_RECORD_LINK = Link(SUPERVISION_PAGE, "record", "record_id")
CASE_COLUMNS = {"case_id": "Case", "family": "Family", "team": "Team", "worker": "Practitioner", "manager": "Manager"}

# Each measure's table: its columns (heading by column), numeric columns, links, what a line is.
TABLES: dict[str, dict] = {
    "cases_without_supervision": dict(
        columns={**CASE_COLUMNS, "last_supervision": "Last case supervision", "record_id": "Record",
                 "due_by": "Supervision due by", "days_overdue": "Days overdue", **STORY},
        links={"case_id": CASE_LINK, "record_id": SUPERVISION_RECORD_LINK, "story": STORY_LINK},
        what="open cases without a case supervision in time, most overdue first",
        empty="Every open case has had a case supervision in time.",
        note="Open a case to hold its next supervision; the last supervision's record opens from its number.",
    ),
    "overdue_actions": dict(
        columns={"case_id": "Case", "family": "Family", "worker": "Practitioner", "manager": "Manager",
                 "what": "Action", "by_whom": "By whom", "by_when": "By when", "days_overdue": "Days overdue",
                 "last_review": "Last review", **STORY},
        excel={**CASE_COLUMNS, "action_id": "Action reference", "what": "Action", "by_whom": "By whom",
               "by_when": "By when", "days_overdue": "Days overdue", "agreed_on": "Agreed on",
               "record_id": "Agreed in record", "last_review": "Last review"},
        links={"case_id": CASE_LINK, "story": STORY_LINK},
        what="agreed actions still open after their date, most overdue first",
        empty="No agreed action is open past its date.",
        note="Actions carry forward until a supervision reviews them as done or no longer needed.",
    ),
    "children_not_spoken_to": dict(
        columns={**CASE_COLUMNS, "child": "Child", "last_spoken_to": "Last spoken to",
                 "due_by": "Due to be spoken to by", "days_overdue": "Days overdue", **STORY},
        excel={**CASE_COLUMNS, "child": "Child", "child_id": "Child ID", "last_spoken_to": "Last spoken to",
               "record_id": "Recorded in record", "due_by": "Due to be spoken to by", "days_overdue": "Days overdue"},
        links={"case_id": CASE_LINK, "story": STORY_LINK},
        what="children not recorded as spoken to in time, most overdue first",
        empty="Every child on an open case has been spoken to in time.",
        note=spoken_to_note(),  # what counts as spoken to: the words of each kind that counts (records.kinds)
    ),
    "late_records": dict(
        columns={"record_id": "Record", "kind": "Kind of record", "case_id": "Case", "team": "Team",
                 "practitioner": "Practitioner", "manager": "Manager", "event_date": "Held on",
                 "entered_on": "Entered in the workbook on", "rule": "Rule", "due_date": "Due by",
                 "completed_on": "Completed on", "timeliness": "Timeliness", "days_late": "Days late", **STORY},
        links={"case_id": CASE_LINK, "story": STORY_LINK},
        what="records completed late or not yet completed after their due date, most days late first",
        empty="Every record was completed by its due date.",
        note=late_records_note(),  # which kinds are timed (records.kinds), and the rule
    ),
    "line_management_due": dict(
        columns={"practitioner": "Practitioner", "team": "Team", "manager": "Line manager",
                 "last_supervision": "Last line management supervision", "record_id": "Record",
                 "due_by": "Due by", "days_overdue": "Days overdue"},
        links={"practitioner": Link(LINE_MANAGEMENT_PAGE, "practitioner", "login"),
               "record_id": Link(LINE_MANAGEMENT_PAGE, "record", "record_id")},
        what="line management supervisions due, never held first",
        empty="Every practitioner has had a line management supervision in time.",
        note="Open a practitioner to hold their supervision; it opens with their caseload and timeliness.",
    ),
    "epdr_due": dict(
        columns={"practitioner": "Practitioner", "team": "Team", "manager": "Line manager",
                 "due_by": "EPDR due by", "record_id": "Recorded at", "days_overdue": "Days overdue"},
        links={"practitioner": Link(LINE_MANAGEMENT_PAGE, "practitioner", "login"),
               "record_id": Link(LINE_MANAGEMENT_PAGE, "record", "record_id")},
        what="EPDRs past their date, none recorded first",
        empty="Every practitioner's next EPDR is recorded and not yet due.",
        note="The next EPDR date recorded at the practitioner's latest line management supervision; the council's "
             "EPDR cycle bounds it.",
    ),
}
NUMERIC = ["days_overdue", "days_late"]


SHORT_TITLES = {  # the count tables' headings (the full titles are the sections' own)
    "cases_without_supervision": "No recent supervision",
    "overdue_actions": "Actions past date",
    "children_not_spoken_to": "Children not spoken to",
    "late_records": "Late records",
    "line_management_due": "Line management due",
    "epdr_due": "EPDR past due",
}


def _count_columns(by: str) -> dict[str, str]:
    return {by: by.capitalize(), **SHORT_TITLES, "total": "All gaps"}


class ManagementOversightPage(AppPage):
    """Headline counts, gaps by team (chart), counts by team and by manager, and the five tables."""

    def __init__(self, report: OversightReport, *, user: str, source: str = "", unreadable=()):
        self.report = report
        self.unreadable = [str(u) for u in unreadable]  # records left out: said on the page and in every download
        self.read_at = london_now()  # when these figures were read (said with the as-of date, and in downloads)
        self.source_words = source
        titles = report.titles()
        self.as_of_line = widgets.HTML(
            f'<p class="fsnb-as-of">{esc(figures_as_of(report.as_of, self.read_at))}</p>'
            f'<p class="fsnb-muted">{report.open_case_count:,} families open. Case supervision every '
            f"{report.supervision_interval_days} days; children spoken to every {report.child_seen_interval_days} "
            f"days; line management supervision every {report.line_management_interval_days} days (the council's "
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
        self.drilldown = OversightDrillDown(self, TABLES)
        self.by_team = TableSection("Gaps by team", _count_columns("team"), what="teams", what_one="team",
                                    filename="oversight-by-team.xlsx", numeric=[*MEASURES, "total"],
                                    sheet_name="Gaps by team",
                                    css_class="fsnb-oversight-by-team", empty_message="No gaps to show.")
        self.by_manager = TableSection("Gaps by manager", _count_columns("manager"), what="managers",
                                       what_one="manager",
                                       filename="oversight-by-manager.xlsx", numeric=[*MEASURES, "total"],
                                       sheet_name="Gaps by manager",
                                       css_class="fsnb-oversight-by-manager", empty_message="No gaps to show.")
        self.sections = {
            name: TableSection(
                titles[name], spec["columns"], what=spec["what"], filename=f"oversight-{name.replace('_', '-')}.xlsx",
                numeric=[c for c in spec["columns"] if c in NUMERIC], links=spec["links"],
                empty_message=spec["empty"], note=spec["note"], css_class=f"fsnb-oversight-{name.replace('_', '-')}",
                excel_columns=spec.get("excel"), sheet_name=SHORT_TITLES[name],
            )
            for name, spec in TABLES.items()
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
        self.headline.value = figure_cards([(f"{len(tables[n]):,}", titles[n], "") for n in MEASURES])
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


def report_frame(report: OversightReport, name: str) -> pd.DataFrame:
    """One measure's lines with the page's headings (what its Excel download holds)."""
    from familyservice_nb.ui.kit.tables import for_excel

    spec, table = TABLES[name], report.tables()[name]
    return for_excel(table, spec.get("excel") or {k: v for k, v in spec["columns"].items() if k in table.columns})
