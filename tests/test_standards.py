"""The registry of quality standards: the guidance's table as data, figures from the one rule, measured on
evidence that carries its own as-of date, calendar and settings."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from citations import citation_problems

from familyservice_nb import WorkingCalendar, overall_timeliness, oversight
from familyservice_nb.dates import today_is
from familyservice_nb.oversight import OversightData
from familyservice_nb.records import CouncilSettings
from familyservice_nb.standards import STANDARDS, Evidence, standard, standards_table

AS_OF = dt.date(2026, 11, 25)
NOTES = pd.DataFrame(
    {
        "note_id": ["a", "b", "c", "d", "e"],
        "event_date": pd.to_datetime(["2026-11-02"] * 4 + ["2026-11-24"]),
        "recorded_at": pd.to_datetime(["2026-11-03", "2026-11-20", None, "2026-11-03", None]),
        "status": ["Complete", "Complete", "Complete", "Deleted", "Complete"],
    }
)


@pytest.fixture
def evidence():
    return Evidence.gather(NOTES, as_of=AS_OF)


@pytest.fixture
def assessed(evidence):
    return evidence.notes


@pytest.mark.parametrize("declared", list(STANDARDS.values()), ids=lambda s: s.code)
def test_every_standard_has_a_code_words_guidance_and_what_to_do(declared):
    assert declared.code and declared.code == declared.code.strip().lower().replace(" ", "_")
    assert declared.name.strip() and declared.descriptor.strip() and declared.timescale.strip()
    assert declared.responsibility.strip()
    assert citation_problems(declared.guidance) == []
    assert len(declared.what_to_do) > 20 and declared.what_to_do.endswith(".")


def test_standards_codes_are_each_used_once():
    codes = [s.code for s in STANDARDS.values()]
    assert len(set(codes)) == len(codes)


def test_record_timeliness_is_the_first_standard_with_the_guidance_words():
    first = next(iter(STANDARDS.values()))
    assert first.name == "Record timeliness"
    assert first.descriptor == "Time taken to make running records on cases"
    assert first.responsibility == "Team Manager / Senior Professional Practitioner"
    assert "next working day where there is risk identified" in first.timescale
    assert "5 working days" in first.timescale


def test_record_timeliness_figure_equals_percent_on_time(evidence, assessed):
    pct, counted = STANDARDS["Record timeliness"].figure(evidence)
    figures = overall_timeliness(assessed)
    assert counted == 3  # on time, late, overdue; not pending, not deleted
    assert pct == pytest.approx(figures["pct_on_time"], abs=0.05)


def test_results_are_per_record(evidence):
    met = STANDARDS["Record timeliness"].results(evidence)
    assert met.tolist()[:3] == [True, False, False]
    assert met.isna().tolist() == [False, False, False, True, True]


def test_table_without_evidence_lists_the_words():
    table = standards_table()
    assert list(table.columns) == ["standard", "descriptor", "timescale", "responsibility"]
    assert table.iloc[0]["standard"] == "Record timeliness"


def test_a_new_standard_is_one_declared_unit(evidence):
    @standard(
        "Risk notes on time (test)",
        code="risk_notes_on_time_test",
        descriptor="Notes where risk was identified, recorded by the next working day",
        timescale="Next working day",
        responsibility="Team Manager",
        guidance=STANDARDS["Record timeliness"].guidance,
        what_to_do="Talk with the practitioner.",
    )
    def risk_notes(evidence):
        t = evidence.notes["timeliness"]
        return (t == "on_time").where(evidence.notes["rule"].astype(str).str.contains("risk"))

    try:
        table = standards_table(evidence).set_index("standard")
        assert "Risk notes on time (test)" in table.index
        assert table.loc["Record timeliness", "records_counted"] == 3
        # no risk notes in the evidence: nothing counts yet, and the figure says so
        assert table.loc["Risk notes on time (test)", "records_counted"] == 0
    finally:
        STANDARDS.pop("Risk notes on time (test)")


def words(code: str) -> dict:
    first = STANDARDS["Record timeliness"]
    return dict(code=code, descriptor="x", timescale="y", responsibility="z", guidance=first.guidance,
                what_to_do="x")


def test_a_standard_cannot_be_declared_twice_by_name_or_by_code():
    with pytest.raises(ValueError, match="called 'Record timeliness' is already declared"):
        standard("Record timeliness", **words("another"))(lambda e: None)
    with pytest.raises(ValueError, match="code 'record_timeliness' is already declared"):
        standard("Another name", **words("record_timeliness"))(lambda e: None)


def test_missing_evidence_gives_no_figure_not_an_error():
    table = standards_table(Evidence.gather(as_of=AS_OF))
    assert table.iloc[0]["records_counted"] == 0


def test_a_standard_can_be_declared_again_on_purpose():
    first = STANDARDS["Record timeliness"]
    try:
        standard("Record timeliness", **words("record_timeliness"), replace=True)(lambda e: None)
        assert STANDARDS["Record timeliness"].descriptor == "x"
        assert list(STANDARDS)[0] == "Record timeliness"  # keeps its place in the table
    finally:
        STANDARDS["Record timeliness"] = first


# -- the evidence: one day, one calendar, one set of settings ----------------------------------------------

# Thursday 02/04/2026, harm or risk identified: due the next working day. In England Good Friday (03/04) and
# Easter Monday (06/04) are bank holidays, so it is due Tuesday 07/04; in Scotland Easter Monday is not, so it
# is due Monday 06/04.
EASTER = pd.DataFrame({
    "note_id": ["recorded Tuesday", "not recorded"],
    "event_date": pd.to_datetime(["2026-04-02", "2026-04-02"]),
    "recorded_at": pd.to_datetime(["2026-04-07 10:00", None]),
    "risk_identified": [True, True],
})


def verdicts(evidence: Evidence) -> list:
    return STANDARDS["Record timeliness"].results(evidence).tolist()


def test_thursday_before_easter_recorded_tuesday_is_on_time_in_england_late_in_scotland():
    england = Evidence.gather(EASTER, as_of=dt.date(2026, 4, 6), calendar=WorkingCalendar(region="ENG"))
    scotland = Evidence.gather(EASTER, as_of=dt.date(2026, 4, 6), calendar=WorkingCalendar(region="SCT"))
    assert england.notes["due_date"].tolist() == [pd.Timestamp("2026-04-07")] * 2
    assert scotland.notes["due_date"].tolist() == [pd.Timestamp("2026-04-06")] * 2
    assert verdicts(england) == [True, pd.NA]  # not yet due on Monday 06/04: does not count
    assert verdicts(scotland) == [False, pd.NA]  # due that Monday: not overdue until the day after


def test_the_settings_region_is_the_calendar_when_none_is_given():
    scotland = Evidence.gather(EASTER, as_of=dt.date(2026, 4, 6), settings=CouncilSettings(region="SCT"))
    assert scotland.calendar.region == "SCT" and verdicts(scotland) == [False, pd.NA]


def test_a_council_closure_day_moves_the_due_date():
    """Closed Tuesday 07/04/2026 as well: due Wednesday 08/04, so a note recorded on the Tuesday is on time in
    Scotland too, and the note not recorded is not yet overdue on the Wednesday."""
    closed = Evidence.gather(EASTER, as_of=dt.date(2026, 4, 8),
                             calendar=WorkingCalendar(region="SCT", closures=["2026-04-06", "2026-04-07"]))
    assert closed.notes["due_date"].tolist() == [pd.Timestamp("2026-04-08")] * 2
    assert verdicts(closed) == [True, pd.NA]


def test_the_note_not_recorded_is_overdue_from_the_day_after_its_due_date():
    by_day = {day: verdicts(Evidence.gather(EASTER, as_of=dt.date(2026, 4, day), calendar=WorkingCalendar()))
              for day in (7, 8)}
    assert by_day == {7: [True, pd.NA], 8: [True, False]}


def test_a_standard_reads_the_evidences_day_never_today():
    evidence = Evidence.gather(EASTER, as_of=dt.date(2026, 4, 8))
    with today_is(dt.date(2026, 4, 6)):
        assert verdicts(evidence) == [True, False]
        assert Evidence.gather(EASTER).as_of == dt.date(2026, 4, 6)  # without a day: today, decided here once


# -- a standard that reuses an oversight measure's verdicts -----------------------------------------------


def families(*supervised_on: str | None) -> OversightData:
    """Open cases C1, C2, ... (opened 05/01/2026), each with a case supervision completed on the day given
    (None: never supervised)."""
    ids = [f"C{i + 1}" for i in range(len(supervised_on))]
    cases = pd.DataFrame({"case_id": ids, "family": "Oak family", "team": "North", "worker": None,
                          "open_date": pd.Timestamp("2026-01-05"), "close_date": pd.NaT})
    held = [(case, day) for case, day in zip(ids, supervised_on, strict=True) if day is not None]
    discussions = pd.DataFrame({
        "record_id": [str(n) for n in range(1, len(held) + 1)], "kind": "supervision",
        "case_id": [case for case, _ in held], "event_date": pd.to_datetime([day for _, day in held]),
        "risk_identified": False, "author": "mo.manager", "practitioner": None, "state": "complete",
        "completed_at": pd.to_datetime([day for _, day in held]).tz_localize("UTC"), "entered_at": pd.NaT,
    }, columns=oversight.DISCUSSION_COLUMNS["columns"])
    return OversightData(cases=cases, discussions=discussions)


OVERSIGHT = "Management oversight of open families"


def test_management_oversight_is_the_oversight_measures_verdict_on_each_open_case():
    """Supervised 01/10 and 02/10/2026, and never: within 28 days until 29/10 and 30/10."""
    data = families("2026-10-01", "2026-10-02", None)
    on = {day: STANDARDS[OVERSIGHT].results(Evidence.gather(oversight=data, as_of=dt.date(2026, 10, day))).tolist()
          for day in (29, 30, 31)}
    assert on == {29: [True, True, False], 30: [False, True, False], 31: [False, False, False]}
    evidence = Evidence.gather(oversight=data, as_of=dt.date(2026, 10, 30))
    report = oversight.management_oversight(data, settings=evidence.settings, as_of=evidence.as_of)
    met = STANDARDS[OVERSIGHT].results(evidence)
    assert sorted(met[~met].index) == sorted(report.cases_without_supervision["case_id"])
    assert STANDARDS[OVERSIGHT].figure(evidence) == (pytest.approx(100 / 3), 3)


def test_management_oversight_follows_the_councils_interval_in_the_evidence():
    data = families("2026-10-01", "2026-10-02", None)
    longer = Evidence.gather(oversight=data, as_of=dt.date(2026, 10, 31),
                             settings=CouncilSettings(supervision_interval_days=35))
    assert STANDARDS[OVERSIGHT].results(longer).tolist() == [True, True, False]


def test_the_verdicts_are_worked_out_once_for_every_standard_that_asks(monkeypatch):
    asked = []
    declared = oversight.MEASURES["cases_without_supervision"]
    monkeypatch.setitem(oversight.MEASURES, declared.code, replace(
        declared, lines_of=lambda *a, **kw: asked.append(1) or declared.lines_of(*a, **kw)))
    evidence = Evidence.gather(oversight=families("2026-10-01"), as_of=AS_OF)

    @standard("Oversight again (test)", **words("oversight_again_test"))
    def again(evidence: Evidence) -> pd.Series:
        return evidence.case_results("cases_without_supervision")["cases_without_supervision"] == 0

    try:
        table = standards_table(evidence).set_index("standard")
        assert table.loc[OVERSIGHT, "records_counted"] == table.loc["Oversight again (test)", "records_counted"] == 1
        assert len(asked) == 1
    finally:
        STANDARDS.pop("Oversight again (test)")


def test_without_oversight_records_the_standard_has_no_figure():
    table = standards_table(Evidence.gather(NOTES, as_of=AS_OF)).set_index("standard")
    assert table.loc[OVERSIGHT, "records_counted"] == 0 and np.isnan(table.loc[OVERSIGHT, "pct_met"])
