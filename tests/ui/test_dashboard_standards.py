"""The Quality standards page: the registry's table with each standard's figure, whatever the registry holds."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from dashboard_seed import ANALYST, AS_OF, MANAGER, PRACTITIONER, seed, sqlite_url

from familyservice_nb.sources import from_guidance
from familyservice_nb.standards import STANDARDS, Evidence, standard, standards_table
from familyservice_nb.store import Store
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.shell import build_page
from familyservice_nb.ui.pages.quality_standards import COLUMNS, QualityStandardsPage


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("standards-db")))


def page_for(db, user) -> QualityStandardsPage:
    page = build_page("Quality standards", QualityStandardsPage.from_context,
                      PageContext(user=user, database_url=db, as_of=AS_OF))
    assert isinstance(page, QualityStandardsPage), getattr(page, "message", "")
    return page


def test_table_equals_the_registry_with_its_figures(db):
    page = page_for(db, MANAGER)
    store = Store(db, user=MANAGER)
    evidence = Evidence.gather(store.notes_frame(), store.oversight_data(), as_of=AS_OF, settings=store.settings())
    want = standards_table(evidence)
    pd.testing.assert_frame_equal(page.table_frame.drop(columns=["reading", "what_to_do"]), want)
    assert page.table_frame["what_to_do"].tolist() == [s.what_to_do for s in STANDARDS.values()]
    assert (page.evidence.as_of, page.evidence.settings) == (AS_OF, store.settings())
    timeliness = page.table_frame.set_index("standard").loc["Record timeliness"]
    # Mo's teams: 8 notes, 7 due by 25/11 (N-6 is not yet due); on time N-1, N-2, N-3, N-7 = 4 of 7.
    assert (timeliness["pct_met"], timeliness["records_counted"]) == (57.1, 7)
    assert "minimum of 5 working days" in timeliness["reading"]
    # Mo's open families: C-N1 last supervised on 01/10, C-N2 never (only a draft): neither within 28 days.
    oversight = page.table_frame.set_index("standard").loc["Management oversight of open families"]
    assert (oversight["pct_met"], oversight["records_counted"]) == (0.0, 2)
    assert list(page.chart.data[0].y) == list(want["standard"])
    assert list(page.chart.data[0].text) == ["57.1% of 7 records", "0.0% of 2 records"]
    assert re.fullmatch(r'<p class="fsnb-as-of">Figures as of 25/11/2026 \(read on \d\d/\d\d/\d{4} at \d\d:\d\d\)</p>', page.as_of_line.value)


def test_each_role_measures_what_it_may_see(db):
    counted = {u: page_for(db, u).table_frame.set_index("standard").loc["Record timeliness", "records_counted"]
               for u in (PRACTITIONER, MANAGER, ANALYST)}
    assert counted[PRACTITIONER] < counted[MANAGER] < counted[ANALYST]


def test_a_new_standard_appears_without_changing_the_page(db):
    name = "Children spoken to at every supervision (test)"

    @standard(name, code="children_at_supervision_test", descriptor="Supervision records name every child as spoken to",
              timescale="Every supervision", responsibility="Team Manager", reading="Completed case supervisions only.",
              guidance=from_guidance("Supervision Recording Expectations",
                                     "A record of when children have been spoken to"),
              what_to_do="Ask at the next supervision when each child was last spoken to.", replace=True)
    def children_at_supervision(evidence: Evidence) -> pd.Series:
        discussions = evidence.tables["discussions"]
        spoken = evidence.tables["children_spoken_to"]
        done = discussions[discussions["completed_at"].notna() & (discussions["kind"] == "supervision")]
        return done["record_id"].isin(spoken["record_id"]).astype("boolean")

    try:
        page = page_for(db, ANALYST)
        row = page.table_frame.set_index("standard").loc[name]
        # Two completed supervisions (C-N1 and C-S1), both recording a child spoken to.
        assert (row["pct_met"], row["records_counted"], row["timescale"]) == (100.0, 2, "Every supervision")
        assert name in list(page.chart.data[0].y)
        assert name in page.table.table.value
    finally:
        STANDARDS.pop(name, None)


def test_excel_export_holds_the_table(db):
    page = page_for(db, ANALYST)
    sheet = openpyxl.load_workbook(io.BytesIO(page.table.download.excel_bytes())).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(COLUMNS.values())
    assert [r[0] for r in rows[1:]] == list(page.table_frame["standard"])


def test_from_an_extract_without_a_database(tmp_path):
    from dashboard_seed import NOTES

    path = tmp_path / "notes.csv"
    path.write_text(NOTES, encoding="utf-8")
    page = build_page("Quality standards", QualityStandardsPage.from_context,
                      PageContext(user="someone", extract=path, as_of=AS_OF))
    assert isinstance(page, QualityStandardsPage)
    assert page.table_frame.set_index("standard").loc["Record timeliness", "records_counted"] == 10
    assert "From the extract notes.csv" in page.source.value
