"""familyservice_nb.analysis: the analyst notebooks' helpers. Every file here is synthetic, in tmp_path."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import familyservice_nb as fs
from familyservice_nb import analysis
from familyservice_nb.errors import WorkbookError


def explained(event: str, risk: bool = False, calendar: fs.WorkingCalendar | None = None) -> dict:
    events = pd.DataFrame({"event_date": [event], "risk_identified": [risk]})
    return analysis.explain_due_dates(events, calendar=calendar).iloc[0].to_dict()


# -- worked examples: explicit dates (DESIGN.md: Timeliness) -----------------------------------------


def test_saturday_event_due_friday_and_monday_with_risk():
    plain, risk = explained("2026-11-21"), explained("2026-11-21", risk=True)
    assert plain["due_date"] == "Fri 27/11/2026" and plain["rule"] == "5 working days"
    assert plain["event_day"] == "Saturday: the event day never counts"
    assert plain["days_skipped"] == "Sun 22/11/2026 (Sunday)"
    assert risk["due_date"] == "Mon 23/11/2026" and risk["rule"] == "next working day (risk)"


def test_good_friday_2026_due_monday_13_april_naming_easter_monday():
    plain, risk = explained("2026-04-03"), explained("2026-04-03", risk=True)
    assert plain["due_date"] == "Mon 13/04/2026"
    assert plain["event_day"] == "Good Friday: the event day never counts"
    assert "Mon 06/04/2026 (Easter Monday)" in plain["days_skipped"]
    assert plain["working_days_counted"].split(", ") == [
        "Tue 07/04/2026", "Wed 08/04/2026", "Thu 09/04/2026", "Fri 10/04/2026", "Mon 13/04/2026"]
    assert risk["due_date"] == "Tue 07/04/2026"


def test_23_december_2026_due_4_january_2027_skipping_christmas_and_new_year():
    row = explained("2026-12-23")
    assert row["due_date"] == "Mon 04/01/2027"
    assert row["event_day"] == "a working day"
    skipped = row["days_skipped"]
    for named in ("Fri 25/12/2026 (Christmas Day)", "Sat 26/12/2026 (Saturday, Boxing Day)",
                  "Mon 28/12/2026 (Boxing Day (observed))", "Fri 01/01/2027 (New Year's Day)"):
        assert named in skipped
    assert explained("2026-12-23", risk=True)["days_skipped"] == "none"


def test_state_funeral_19_september_2022_is_skipped_by_name():
    plain, risk = explained("2022-09-16"), explained("2022-09-16", risk=True)
    assert plain["due_date"] == "Mon 26/09/2022"
    assert risk["due_date"] == "Tue 20/09/2022"
    assert "Mon 19/09/2022 (State Funeral of Queen Elizabeth II)" in risk["days_skipped"]


def test_council_closure_days_are_named_and_move_the_due_date():
    council = fs.WorkingCalendar(closures=["2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"])
    row = explained("2026-12-23", calendar=council)
    assert row["due_date"] == "Fri 08/01/2027"
    assert "Thu 24/12/2026 (Council closure day)" in row["days_skipped"]
    assert explained("2026-12-23", risk=True, calendar=council)["due_date"] == "Mon 04/01/2027"


def test_scotland_skips_saint_andrews_day_30_november_2026_england_does_not():
    scotland = explained("2026-11-27", calendar=fs.WorkingCalendar(region="SCT"))
    assert scotland["due_date"] == "Mon 07/12/2026"
    assert "Mon 30/11/2026 (Saint Andrew's Day)" in scotland["days_skipped"]
    assert explained("2026-11-27")["due_date"] == "Fri 04/12/2026"


def test_default_examples_cover_each_case_with_and_without_risk():
    table = analysis.explain_due_dates()
    assert len(table) == len(analysis.WORKED_EXAMPLES)
    assert set(table["risk_identified"]) == {"Yes", "No"}
    by_example = table.set_index("example")["due_date"]
    assert by_example["A Saturday visit"] == "Fri 27/11/2026"
    assert by_example["Good Friday, risk identified"] == "Tue 07/04/2026"
    assert by_example["Just before Christmas"] == "Mon 04/01/2027"
    assert by_example["The Friday before the Queen's state funeral, risk identified"] == "Tue 20/09/2022"


def test_event_dates_may_be_written_the_uk_way_never_month_first():
    events = pd.DataFrame({"event_date": ["23/12/2026", "2026-12-23", "23-Dec-2026", dt.date(2026, 12, 23)]})
    assert set(analysis.explain_due_dates(events)["due_date"]) == {"Mon 04/01/2027"}
    with pytest.raises(WorkbookError, match="'12/23/2026' is not a date we can read"):
        analysis.explain_due_dates(pd.DataFrame({"event_date": ["12/23/2026"]}))


def test_due_dates_agree_with_assess_timeliness():
    examples = analysis.worked_examples()
    assessed = fs.assess_timeliness(examples, as_of="2026-01-01")
    shown = analysis.explain_due_dates(examples)["due_date"]
    assert shown.tolist() == [d.strftime("%a %d/%m/%Y") for d in assessed["due_date"]]


# -- reading summary and rejects ----------------------------------------------------------------------


@pytest.fixture
def council(tmp_path: Path) -> analysis.CouncilExtract:
    return analysis.write_council_extract(tmp_path, rows=200)


def test_council_extract_needs_its_mapping(council):
    with pytest.raises(fs.UnusableFile, match="no event date column"):
        fs.read_extract(council.extract)
    mapping = tomllib.loads(council.mapping.read_text())["columns"]
    assert mapping == analysis.COUNCIL_HEADERS
    result = fs.read_extract(council.extract, mapping=council.mapping)
    assert result.columns == analysis.COUNCIL_HEADERS
    assert "Worker Role" in result.notes.columns  # passed through
    assert result.warnings == []


def test_council_extract_has_the_four_problems_at_known_rows(council):
    result = fs.read_extract(council.extract, mapping=council.mapping)
    assert result.rows_in == 201 == len(result.notes) + len(result.rejects)
    rejects = result.rejects.set_index("row_number")
    assert rejects.index.tolist() == [9, 16, 23, 33]
    assert rejects.loc[9, "Date of Contact"] == "04/13/2026"
    assert rejects.loc[16, "reason"] == "The note id is blank."
    assert "appears more than once (first on row 22)" in rejects.loc[23, "reason"]
    assert rejects.loc[33, "Completed On"] == "46122.4375"


def test_council_extract_is_the_same_every_time(tmp_path):
    one = analysis.write_council_extract(tmp_path / "a", rows=100).extract.read_bytes()
    two = analysis.write_council_extract(tmp_path / "b", rows=100).extract.read_bytes()
    assert one == two


def test_council_extract_without_problems_has_no_rejects(tmp_path):
    clean = analysis.write_council_extract(tmp_path, rows=200, with_problems=False)
    result = fs.read_extract(clean.extract, mapping=clean.mapping)
    assert result.rejects.empty and result.rows_in == len(result.notes) == 200


def test_council_extract_too_short_is_refused(tmp_path):
    with pytest.raises(WorkbookError, match="at least"):
        analysis.write_council_extract(tmp_path, rows=10)


def test_reading_summary_adds_up(council):
    result = fs.read_extract(council.extract, mapping=council.mapping)
    summary = analysis.reading_summary(result).set_index("what")["rows"]
    assert summary["Rows read from the file"] == "201"
    assert summary["Accepted as notes"] == "197"
    assert summary["Rejected (see the rejects)"] == "4"
    assert summary["Accepted + rejected = rows read?"] == "Yes"


# -- mapping files ------------------------------------------------------------------------------------


def test_write_mapping_round_trips_through_read_extract(tmp_path):
    (tmp_path / "x.csv").write_text('Ref,"When ""seen""",Done\nN1,16/11/2026,17/11/2026\n')
    mapping = analysis.write_mapping(
        tmp_path / "cols.toml", {"note_id": "Ref", "event_date": 'When "seen"', "recorded_at": "Done"})
    result = fs.read_extract(tmp_path / "x.csv", mapping=mapping)
    assert result.notes["note_id"].tolist() == ["N1"]
    assert result.notes["event_date"].iloc[0] == pd.Timestamp("2026-11-16")


def test_write_mapping_refuses_a_name_that_is_not_ours(tmp_path):
    with pytest.raises(WorkbookError, match="not one of our columns"):
        analysis.write_mapping(tmp_path / "cols.toml", {"date": "Date"})


# -- file rows and corrections --------------------------------------------------------------------------

FIXES = {
    9: {"Date of Contact": "13/04/2026"},
    16: {"Case Note ID": "CN4100015"},
    23: None,
    33: {"Completed On": "10/04/2026 10:30"},
}


def test_fixing_the_four_rows_gives_the_clean_extract(tmp_path):
    council = analysis.write_council_extract(tmp_path / "bad", rows=200)
    clean = analysis.write_council_extract(tmp_path / "clean", rows=200, with_problems=False)
    original = council.extract.read_bytes()
    corrected = analysis.fix_rows(council.extract, FIXES)
    assert corrected == council.extract.with_name("council-extract-corrected.csv")
    assert council.extract.read_bytes() == original  # the original export is never changed
    fixed = fs.read_extract(corrected, mapping=council.mapping)
    expected = fs.read_extract(clean.extract, mapping=clean.mapping)
    assert fixed.rejects.empty
    pd.testing.assert_frame_equal(fixed.notes, expected.notes)


def test_file_rows_shows_values_as_written(council):
    rows = analysis.file_rows(council.extract, [22, 23, 9999])
    assert rows["row_number"].tolist() == [22, 23]
    assert rows["Case Note ID"].tolist() == ["CN4100021", "CN4100021"]
    assert rows.drop(columns="row_number").iloc[0].tolist() == rows.drop(columns="row_number").iloc[1].tolist()


def test_fix_rows_counts_rows_as_read_extract_does(tmp_path):
    # a quoted value spanning two lines is one row; a blank line keeps its row number
    path = tmp_path / "x.csv"
    path.write_bytes(
        b'note_id,event_date,comment\r\nN1,16/11/2026,"two\r\nlines"\r\n\r\nN2,04/13/2026,x\r\n'
    )
    rejects = fs.read_extract(path).rejects
    assert rejects["row_number"].tolist() == [4]
    out = analysis.fix_rows(path, {4: {"event date": "13/04/2026"}}, out=tmp_path / "y.csv")
    assert out.read_bytes() == b'note_id,event_date,comment\r\nN1,16/11/2026,"two\r\nlines"\r\n\r\nN2,13/04/2026,x\r\n'
    assert fs.read_extract(out).rejects.empty


def test_fix_rows_keeps_windows_1252_and_the_bom(tmp_path):
    cp = tmp_path / "cp.csv"
    cp.write_bytes("note_id,event_date,worker\nN1,16/11/2026,Zoë\nN2,,Renée\n".encode("cp1252"))
    out = analysis.fix_rows(cp, {3: {"event_date": "17/11/2026"}})
    assert out.read_bytes().decode("cp1252").splitlines()[2] == "N2,17/11/2026,Renée"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfnote_id,event_date\nN1,\n")
    assert analysis.fix_rows(bom, {2: {"event_date": "16/11/2026"}}).read_bytes().startswith(b"\xef\xbb\xbf")


def test_fix_rows_refuses_plainly(tmp_path, council):
    with pytest.raises(WorkbookError, match="not a data row"):
        analysis.fix_rows(council.extract, {1: None})
    with pytest.raises(WorkbookError, match="no column called 'Date'"):
        analysis.fix_rows(council.extract, {9: {"Date": "13/04/2026"}})
    with pytest.raises(WorkbookError, match="not a CSV file"):
        analysis.fix_rows(tmp_path / "extract.xlsx", {2: None})


def test_council_note_ids_are_council_style():
    assert analysis.council_note_ids(3, seed=11) == ["CN4100001", "CN4100002", "CN4100003"]


def test_analysis_imports_no_ui_or_database_libraries():
    import subprocess
    import sys

    code = (
        "import sys, familyservice_nb.analysis\n"
        "print(','.join(m for m in ('ipywidgets', 'plotly', 'sqlalchemy', 'voila') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_default_as_of_is_fixed_so_notebooks_are_reproducible():
    frame = analysis.make_council_extract(rows=50, with_problems=False)
    latest = pd.to_datetime(frame["Date of Contact"], format="%d-%b-%Y").max().date()
    assert latest <= dt.date(2026, 11, 25)


# -- children's views over time ---------------------------------------------------------------------


def discussion(day: dt.date, agreed=(), reviewed=None, children=(), case_id="CASE-001", kind="supervision"):
    """A case discussion on `day`: agreed = action refs; reviewed = {ref: status}; children = (id, spoken, views)."""
    from familyservice_nb.records import RECORD_KINDS

    data = {
        "event_date": day, "author": "morgan.manager", "case_id": case_id, "case_summary": "Two children.",
        "agreed_actions": [{"action_id": r, "what": f"Do {r}", "by_whom": "alex.example",
                            "by_when": day + dt.timedelta(days=14)} for r in agreed],
        "previous_actions": [{"action_id": r, "status": s, "comment": "" if s == "Done" else "See progress."}
                             for r, s in (reviewed or {}).items()],
        "children": [{"child_id": c, "pseudonym": f"Child {c}", "date_spoken_to": spoken, "seen_alone": True,
                      "views_and_feelings": views} for c, spoken, views in children],
    }
    if kind == "supervision":
        data |= {"kind": "Planned supervision", "practitioner": "alex.example", "manager": "morgan.manager"}
    return RECORD_KINDS[kind].model_validate(data)


MON_02_NOV, MON_16_NOV, MON_30_NOV = dt.date(2026, 11, 2), dt.date(2026, 11, 16), dt.date(2026, 11, 30)


@pytest.fixture
def chain():
    return [
        discussion(MON_16_NOV, agreed=["B1"], reviewed={"A1": "Done", "A2": "Partly done", "A3": "Not done"},
                   children=[("CH-1", dt.date(2026, 11, 13), "Better at school.")]),
        discussion(MON_02_NOV, agreed=["A1", "A2", "A3"],
                   children=[("CH-1", dt.date(2026, 10, 30), "I miss my dad."),
                             ("CH-2", dt.date(2026, 11, 2), "I like my room.")]),
        discussion(MON_30_NOV, reviewed={"A2": "Not done", "A3": "No longer needed"}, kind="review_summary"),
    ]


def test_children_views_frame_by_child_over_time(chain):
    frame = analysis.children_views_frame(chain)
    assert frame[["child_id", "spoken_to_on"]].values.tolist() == [
        ["CH-1", pd.Timestamp(2026, 10, 30)], ["CH-1", pd.Timestamp(2026, 11, 13)], ["CH-2", pd.Timestamp(2026, 11, 2)]]
    assert frame["views_and_feelings"].tolist() == ["I miss my dad.", "Better at school.", "I like my room."]
    assert frame["discussed_on"].tolist() == [pd.Timestamp(MON_02_NOV), pd.Timestamp(MON_16_NOV),
                                              pd.Timestamp(MON_02_NOV)]


def test_no_discussions_give_an_empty_table_with_its_columns():
    frame = analysis.children_views_frame([])
    assert frame.empty and "views_and_feelings" in frame.columns
