"""assess_timeliness and its figures: every rule of DESIGN.md's Timeliness section, with dates."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familyservice_nb import WorkingCalendar
from familyservice_nb.timeliness import (
    assess_timeliness,
    late_and_overdue,
    overall_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_rule,
    timeliness_by_team,
    timeliness_by_worker,
)

import oracle

D = dt.date


def notes(*rows):
    """rows of (event_date, recorded_at or None, risk, status) as read_extract would type them."""
    frame = pd.DataFrame(rows, columns=["event_date", "recorded_at", "risk_identified", "status"])
    frame.insert(0, "note_id", [f"N{i}" for i in range(len(rows))])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    frame["risk_identified"] = frame["risk_identified"].astype(bool)
    return frame


def one(event, recorded=None, risk=False, status="Complete", as_of="2026-11-25", **kw):
    return assess_timeliness(notes((event, recorded, risk, status)), as_of=as_of, **kw).iloc[0]


def day(value):
    return pd.Timestamp(value).date()


# -- the worked examples ---------------------------------------------------------------------------


def test_monday_event_due_next_monday_on_time_that_day():
    row = one("2026-11-16", "2026-11-23 16:59")
    assert day(row.due_date) == D(2026, 11, 23)
    assert row.timeliness == "on_time" and row.working_days_taken == 5 and row.days_late == 0
    assert row.rule == "5 working days"


def test_saturday_event_due_friday():
    row = one("2026-11-21", "2026-11-27 09:00")
    assert day(row.due_date) == D(2026, 11, 27) and row.timeliness == "on_time"


def test_saturday_event_with_risk_due_monday():
    row = one("2026-11-21", "2026-11-24 09:00", risk=True)
    assert day(row.due_date) == D(2026, 11, 23)
    assert row.timeliness == "late" and row.days_late == 1 and row.rule == "next working day (risk)"


def test_recorded_the_saturday_after_a_friday_deadline_is_late():
    row = one("2026-11-20", "2026-11-28 10:00")  # due Friday 27/11
    assert row.timeliness == "late" and row.days_late == 1
    assert row.working_days_taken == 5  # the Saturday is not a working day


def test_good_friday_2026_event():
    assert day(one("2026-04-03", "2026-04-13 18:00").due_date) == D(2026, 4, 13)
    assert one("2026-04-03", "2026-04-13 18:00").timeliness == "on_time"
    row = one("2026-04-03", "2026-04-08 08:00", risk=True)
    assert day(row.due_date) == D(2026, 4, 7) and row.timeliness == "late" and row.days_late == 1


def test_christmas_2026_event_due_in_january_2027():
    row = one("2026-12-23", None, as_of="2027-01-05")
    assert day(row.due_date) == D(2027, 1, 4) and row.timeliness == "overdue" and row.days_late == 1


def test_state_funeral_2022_with_risk():
    row = one("2022-09-16", "2022-09-20 11:00", risk=True, as_of="2022-10-01")
    assert day(row.due_date) == D(2022, 9, 20) and row.timeliness == "on_time"


def test_coronation_2023_with_risk():
    row = one("2023-05-05", "2023-05-09 11:00", risk=True, as_of="2023-06-01")
    assert day(row.due_date) == D(2023, 5, 9) and row.timeliness == "on_time"


def test_leap_day_2024_event():
    row = one("2024-02-29", "2024-03-08 09:00", as_of="2024-04-01")
    assert day(row.due_date) == D(2024, 3, 7) and row.timeliness == "late" and row.days_late == 1


def test_recorded_the_same_day_takes_zero_working_days():
    row = one("2026-11-16", "2026-11-16 18:30")
    assert row.working_days_taken == 0 and row.timeliness == "on_time"


def test_a_time_on_the_event_date_is_ignored():
    row = one("2026-11-16 23:59", "2026-11-23 00:01")
    assert day(row.due_date) == D(2026, 11, 23) and row.timeliness == "on_time"


# -- recorded or not -------------------------------------------------------------------------------


def test_draft_with_a_recorded_time_is_not_recorded():
    row = one("2026-11-02", "2026-11-03 10:00", status="Draft")
    assert row.timeliness == "overdue" and pd.isna(row.working_days_taken)
    assert row.days_late == (D(2026, 11, 25) - D(2026, 11, 9)).days


def test_timed_out_note_is_not_recorded():
    assert one("2026-11-02", "2026-11-03 10:00", status="Timed out").timeliness == "overdue"


def test_blank_status_counts_as_complete():
    assert one("2026-11-16", "2026-11-17 10:00", status="").timeliness == "on_time"
    assert one("2026-11-16", "2026-11-17 10:00", status=None).timeliness == "on_time"


def test_status_is_matched_whatever_its_case():
    assert one("2026-11-16", "2026-11-17 10:00", status="COMPLETE").timeliness == "on_time"
    assert one("2026-11-16", "2026-11-17 10:00", status="deleted").timeliness == "deleted"


def test_deleted_note_is_kept_and_marked():
    row = one("2026-11-02", "2026-11-20 10:00", status="Deleted")
    assert row.timeliness == "deleted" and pd.isna(row.days_late) and pd.isna(row.working_days_taken)


def test_not_recorded_on_the_due_date_is_pending():
    assert one("2026-11-16", None, as_of="2026-11-23").timeliness == "pending"


def test_not_recorded_the_day_after_the_due_date_is_overdue():
    row = one("2026-11-16", None, as_of="2026-11-24")
    assert row.timeliness == "overdue" and row.days_late == 1


def test_overdue_days_late_counts_calendar_days_to_the_as_of_date():
    row = one("2026-11-20", None, risk=True, as_of="2026-11-29")  # due Monday 23/11
    assert row.days_late == 6


def test_as_of_defaults_to_today_in_london():
    from familyservice_nb.dates import today_in_london

    out = assess_timeliness(notes(("2026-11-16", None, False, "Complete")))
    assert out.attrs["as_of"] == today_in_london()


def test_input_columns_are_kept_and_not_changed():
    frame = notes(("2026-11-16", "2026-11-17 10:00", False, "Complete"))
    frame["worker"] = "Alex Ashdown"
    before = frame.copy()
    out = assess_timeliness(frame, as_of="2026-11-25")
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns[: len(frame.columns)]) == list(frame.columns)
    assert out.columns[len(frame.columns):].tolist() == [
        "due_date", "working_days_taken", "days_late", "timeliness", "rule"
    ]


def test_extract_without_optional_columns():
    frame = pd.DataFrame({"note_id": ["a"], "event_date": pd.to_datetime(["2026-11-16"])})
    row = assess_timeliness(frame, as_of="2026-11-25").iloc[0]
    assert row.timeliness == "overdue" and row.rule == "5 working days"


def test_closures_and_regions_reach_the_rule():
    cal = WorkingCalendar(closures=["2026-11-23"])
    row = one("2026-11-20", "2026-11-24 10:00", risk=True, calendar=cal)
    assert day(row.due_date) == D(2026, 11, 24) and row.timeliness == "on_time"
    scot = one("2026-11-27", "2026-12-01 10:00", risk=True, calendar=WorkingCalendar("SCT"))
    assert scot.timeliness == "on_time"
    assert one("2026-11-27", "2026-12-01 10:00", risk=True).timeliness == "late"


# -- clock changes: recorded_at is London local time (read_extract converts Z and offsets) ----------


def test_recorded_late_evening_across_the_spring_clock_change():
    # Clocks went forward on Sunday 29/03/2026. Event Friday 27/03 with risk: due Monday 30/03.
    assert one("2026-03-27", "2026-03-30 23:59", risk=True, as_of="2026-04-30").timeliness == "on_time"
    assert one("2026-03-27", "2026-03-31 00:30", risk=True, as_of="2026-04-30").timeliness == "late"


def test_recorded_across_the_autumn_clock_change():
    # Clocks went back on Sunday 25/10/2026. Event Friday 23/10 with risk: due Monday 26/10.
    assert one("2026-10-23", "2026-10-26 23:30", risk=True, as_of="2026-11-30").timeliness == "on_time"
    assert one("2026-10-23", "2026-10-25 01:30", risk=True, as_of="2026-11-30").working_days_taken == 0


# -- figures ---------------------------------------------------------------------------------------


@pytest.fixture
def assessed():
    frame = notes(
        ("2026-11-02", "2026-11-03 10:00", False, "Complete"),  # on time
        ("2026-11-02", "2026-11-20 10:00", False, "Complete"),  # late
        ("2026-11-02", None, False, "Draft"),  # overdue
        ("2026-11-24", None, False, "Complete"),  # pending
        ("2026-11-02", "2026-11-03 10:00", False, "Deleted"),  # deleted
        ("2026-10-05", "2026-10-06 10:00", True, "Complete"),  # on time, risk (due Tuesday 06/10)
    )
    frame["worker"] = ["Alex", "Alex", "Bailey", "Bailey", "Bailey", None]
    frame["team"] = ["North", "North", "South", "South", "South", "South"]
    frame["note_type"] = ["Visit", "Visit", "E-mail", "Visit", "Visit", "Telephone call"]
    return assess_timeliness(frame, as_of="2026-11-25")


def test_percent_on_time_leaves_out_pending_and_deleted(assessed):
    figures = overall_timeliness(assessed)
    assert figures["notes"] == 5  # deleted left out
    assert (figures["on_time"], figures["late"], figures["overdue"], figures["pending"]) == (2, 1, 1, 1)
    assert figures["pct_on_time"] == 50.0
    assert figures["median_working_days"] == 1.0  # taken: 1, 14, 1


def test_by_worker(assessed):
    by = timeliness_by_worker(assessed).set_index("worker")
    assert by.loc["Alex", "pct_on_time"] == 50.0
    assert by.loc["Bailey", "pct_on_time"] == 0.0 and by.loc["Bailey", "pending"] == 1
    assert by.loc["(unknown)", "on_time"] == 1  # a blank worker becomes (unknown)


def test_by_team(assessed):
    by = timeliness_by_team(assessed).set_index("team")
    assert by.loc["North", "notes"] == 2 and by.loc["South", "notes"] == 3
    assert by.loc["South", "pct_on_time"] == 50.0


def test_by_month(assessed):
    by = timeliness_by_month(assessed)
    assert list(by["month"].dt.strftime("%Y-%m")) == ["2026-10", "2026-11"]
    assert list(by["notes"]) == [1, 4]


def test_by_note_type_and_rule(assessed):
    assert timeliness_by_note_type(assessed).set_index("note_type").loc["Visit", "notes"] == 3
    by_rule = timeliness_by_rule(assessed).set_index("rule")
    assert by_rule.loc["next working day (risk)", "pct_on_time"] == 100.0


def test_nothing_due_yet_gives_no_percentage():
    out = assess_timeliness(notes(("2026-11-24", None, False, "Complete")), as_of="2026-11-25")
    assert np.isnan(overall_timeliness(out)["pct_on_time"])


def test_late_and_overdue_list(assessed):
    listed = late_and_overdue(assessed)
    assert set(listed["timeliness"]) == {"late", "overdue"} and len(listed) == 2
    assert listed["days_late"].is_monotonic_decreasing


# -- property-based: the whole-column rule equals the one-note-at-a-time oracle ----------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2028, 12, 31))
note = st.tuples(
    dates,
    st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
    st.booleans(),
    st.sampled_from(["Complete", "", "Draft", "Timed out", "Deleted"]),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(note, min_size=1, max_size=30), as_of=dates)
def test_assessment_equals_the_oracle(rows, as_of):
    frame = notes(
        *[(e, None if gap is None else e + dt.timedelta(days=gap), risk, status) for e, gap, risk, status in rows]
    )
    out = assess_timeliness(frame, as_of=as_of)
    for (event, gap, risk, status), (_, got) in zip(rows, out.iterrows(), strict=True):
        recorded = None if gap is None else event + dt.timedelta(days=gap)
        kind, due, taken, late = oracle.timeliness(event, recorded, risk, status, as_of)
        assert got.timeliness == kind
        assert day(got.due_date) == due
        assert (None if pd.isna(got.working_days_taken) else got.working_days_taken) == taken
        assert (None if pd.isna(got.days_late) else got.days_late) == late


# --- risk and status read through the one vocabulary (vocab.read_risk / read_status) ------------------


def _event_monday_16_11_2026(risk_values, dtype=object, status=None):
    frame = pd.DataFrame({
        "note_id": [f"N{i}" for i in range(len(risk_values))],
        "event_date": pd.to_datetime(["2026-11-16"] * len(risk_values)),
        "risk_identified": pd.Series(risk_values, dtype=dtype),
    })
    if status is not None:
        frame["status"] = status
    return assess_timeliness(frame, as_of="2026-11-25")


@pytest.mark.parametrize("no", ["No", "N", "no", "0", "", "  NO ", "false", None, np.nan, False, 0, 0.0])
def test_risk_written_as_no_gets_five_working_days_event_monday_16_11_2026(no):
    out = _event_monday_16_11_2026([no]).iloc[0]
    assert out["rule"] == "5 working days"
    assert out["due_date"] == pd.Timestamp("2026-11-23")


@pytest.mark.parametrize("yes", ["Yes", "Y", "y", "1", " TRUE ", True, 1, 1.0])
def test_risk_written_as_yes_gets_the_next_working_day_event_monday_16_11_2026(yes):
    out = _event_monday_16_11_2026([yes]).iloc[0]
    assert out["rule"] == "next working day (risk)"
    assert out["due_date"] == pd.Timestamp("2026-11-17")


@pytest.mark.parametrize("dtype", [object, "string", "category", "boolean"])
def test_risk_read_the_same_in_every_column_type(dtype):
    values = [True, False, None] if dtype == "boolean" else ["Yes", "No", None]
    out = _event_monday_16_11_2026(values, dtype=dtype)
    assert list(out["rule"]) == ["next working day (risk)", "5 working days", "5 working days"]


def test_float_column_of_ones_and_blanks_is_read_as_risk_flags():
    out = _event_monday_16_11_2026([1.0, np.nan, 0.0], dtype=float)
    assert list(out["rule"]) == ["next working day (risk)", "5 working days", "5 working days"]


def test_assess_timeliness_agrees_with_read_extract_on_every_spelling(tmp_path):
    from familyservice_nb.extract import read_extract

    spellings = ["Yes", "No", "Y", "N", "y", "n", "TRUE", "false", "1", "0", ""]
    path = tmp_path / "extract.csv"
    path.write_text("note_id,event_date,risk_identified\n"
                    + "".join(f"N{i},16/11/2026,{s}\n" for i, s in enumerate(spellings)))
    typed = assess_timeliness(read_extract(path).notes, as_of="2026-11-25")
    as_text = _event_monday_16_11_2026(spellings)
    assert list(typed["rule"]) == list(as_text["rule"])


def test_unrecognised_risk_value_refused_naming_the_column_and_value():
    from familyservice_nb.errors import WorkbookError

    with pytest.raises(WorkbookError, match=r"^The column risk_identified holds 'maybe' \(and 1 other note\), "
                                            r"which is not a risk value we recognise: use Yes or No\.$"):
        _event_monday_16_11_2026(["Yes", "maybe", "perhaps"])


@pytest.mark.parametrize("status, expected", [
    ("completed", "on_time"), ("COMPLETE", "on_time"), (" ", "on_time"), (None, "on_time"),
    ("Timed_out", "overdue"), ("timed-out", "overdue"), ("draft", "overdue"), ("DELETED", "deleted"),
])
def test_status_spellings_read_as_read_extract_reads_them(status, expected):
    frame = pd.DataFrame({"note_id": ["N1"], "event_date": pd.to_datetime(["2026-11-16"]),
                          "recorded_at": pd.to_datetime(["2026-11-17"]), "status": pd.Series([status], dtype=object)})
    assert assess_timeliness(frame, as_of="2026-11-25").iloc[0]["timeliness"] == expected


def test_unrecognised_status_refused_naming_the_column_and_value():
    from familyservice_nb.errors import WorkbookError

    with pytest.raises(WorkbookError, match=r"^The column status holds 'Archived', which is not a status we "
                                            r"recognise: use Draft, Complete, Timed out or Deleted\.$"):
        _event_monday_16_11_2026(["No"], status=["Archived"])
