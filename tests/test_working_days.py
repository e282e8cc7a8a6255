"""WorkingCalendar: explicit dates across weekends, bank holidays, closures and regions."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familyservice_nb.working_days import UnknownRegion, WorkingCalendar

import oracle

D = dt.date


def due(day, n, region="ENG", closures=()):
    cal = WorkingCalendar(region=region, closures=closures)
    return cal.add_working_days([day], n)[0].astype(dt.date)


@pytest.mark.parametrize(
    "event, n, expected",
    [
        # DESIGN.md's worked examples
        (D(2026, 11, 16), 5, D(2026, 11, 23)),  # Monday event: due the next Monday
        (D(2026, 11, 21), 5, D(2026, 11, 27)),  # Saturday event: the Saturday itself never counts
        (D(2026, 11, 21), 1, D(2026, 11, 23)),  # Saturday with risk: Monday
        (D(2026, 4, 3), 5, D(2026, 4, 13)),  # Good Friday: Easter Monday skipped
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # Good Friday with risk: Tuesday
        (D(2026, 12, 23), 5, D(2027, 1, 4)),  # into the next year's calendar
    ],
)
def test_design_worked_examples(event, n, expected):
    assert due(event, n) == expected


def test_sunday_event_with_risk_due_monday():
    assert due(D(2026, 11, 22), 1) == D(2026, 11, 23)


def test_friday_event_with_risk_due_monday():
    assert due(D(2026, 11, 20), 1) == D(2026, 11, 23)


def test_maundy_thursday_with_risk_due_tuesday_after_easter_monday():
    assert due(D(2026, 4, 2), 1) == D(2026, 4, 7)


def test_christmas_eve_2026_with_risk_due_29_december():
    # Friday 25/12 Christmas, Monday 28/12 Boxing Day (substitute).
    assert due(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_new_years_eve_2026_with_risk_due_4_january_2027():
    assert due(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_christmas_day_2027_saturday_substitutes():
    # 25/12/2027 is a Saturday: Christmas moves to Monday 27/12 and Boxing Day to Tuesday 28/12.
    assert due(D(2027, 12, 24), 1) == D(2027, 12, 29)


def test_state_funeral_2022_is_not_a_working_day():
    assert due(D(2022, 9, 16), 1) == D(2022, 9, 20)


def test_coronation_2023_is_not_a_working_day():
    assert due(D(2023, 5, 5), 1) == D(2023, 5, 9)
    # Week with May Day (01/05) and the coronation (08/05).
    assert due(D(2023, 5, 4), 5) == D(2023, 5, 12)


def test_platinum_jubilee_2022_two_bank_holidays():
    assert due(D(2022, 6, 1), 1) == D(2022, 6, 6)


def test_leap_day_2024():
    assert due(D(2024, 2, 28), 1) == D(2024, 2, 29)
    assert due(D(2024, 2, 29), 1) == D(2024, 3, 1)
    assert due(D(2024, 2, 23), 5) == D(2024, 3, 1)
    assert due(D(2024, 2, 29), 5) == D(2024, 3, 7)


def test_council_closure_day_is_skipped():
    assert due(D(2026, 12, 23), 1, closures=[D(2026, 12, 24)]) == D(2026, 12, 29)
    assert due(D(2026, 12, 23), 1) == D(2026, 12, 24)


def test_closures_given_as_text():
    assert due(D(2026, 11, 20), 1, closures=["2026-11-23"]) == D(2026, 11, 24)


def test_scotland_st_andrews_day_2026():
    assert due(D(2026, 11, 27), 1, region="ENG") == D(2026, 11, 30)
    assert due(D(2026, 11, 27), 1, region="SCT") == D(2026, 12, 1)


def test_scotland_second_of_january_2027():
    # 02/01/2027 is a Saturday: Scotland's substitute is Monday 04/01.
    assert due(D(2026, 12, 31), 1, region="SCT") == D(2027, 1, 5)


def test_northern_ireland_st_patricks_day_2026():
    assert due(D(2026, 3, 16), 1, region="ENG") == D(2026, 3, 17)
    assert due(D(2026, 3, 16), 1, region="NIR") == D(2026, 3, 18)


def test_wales_shares_englands_bank_holidays_in_2026():
    days = pd.date_range("2026-01-01", "2026-12-31")
    eng = WorkingCalendar("ENG").add_working_days(days, 1)
    wls = WorkingCalendar("wls").add_working_days(days, 1)
    assert (eng == wls).all()


def test_unknown_region_is_a_plain_error():
    with pytest.raises(UnknownRegion, match="Choose one of"):
        WorkingCalendar("XYZ")


def test_calendar_covers_the_year_after_the_latest_date():
    cal = WorkingCalendar()
    cal.is_working_day([D(2026, 6, 1)])
    assert np.datetime64("2027-01-01") in cal.holidays()
    assert np.datetime64("2027-12-27") in cal.holidays()


def test_calendar_extends_backwards_too():
    cal = WorkingCalendar()
    cal.is_working_day([D(2026, 6, 1)])
    cal.is_working_day([D(2019, 6, 1)])
    assert np.datetime64("2019-12-25") in cal.holidays()
    assert np.datetime64("2026-12-25") in cal.holidays()


def test_add_working_days_takes_an_array_of_counts():
    cal = WorkingCalendar()
    out = cal.add_working_days(["2026-11-21", "2026-11-21"], np.array([1, 5]))
    assert list(out.astype(str)) == ["2026-11-23", "2026-11-27"]


def test_add_working_days_keeps_missing_dates_missing():
    out = WorkingCalendar().add_working_days(np.array(["2026-11-21", "NaT"], dtype="datetime64[D]"), 5)
    assert out[0] == np.datetime64("2026-11-27") and np.isnat(out[1])


def test_zero_working_days_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(["2026-11-21"], 0)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2026, 11, 16), D(2026, 11, 16), 0),  # the same day
        (D(2026, 11, 20), D(2026, 11, 23), 1),  # Friday to Monday
        (D(2026, 11, 21), D(2026, 11, 23), 1),  # Saturday to Monday
        (D(2026, 11, 16), D(2026, 11, 23), 5),
        (D(2026, 12, 23), D(2027, 1, 4), 5),  # across Christmas and New Year
        (D(2026, 11, 20), D(2026, 11, 22), 0),  # Friday to Sunday
    ],
)
def test_working_days_between(start, end, expected):
    assert WorkingCalendar().working_days_between([start], [end])[0] == expected


def test_working_days_between_with_pandas_columns():
    start = pd.Series(pd.to_datetime(["2026-11-16", "2026-11-21"]))
    end = pd.Series(pd.to_datetime(["2026-11-23 17:45", None]))
    assert list(WorkingCalendar().working_days_between(start, end)) == [5, 0]


def test_bank_holiday_names():
    cal = WorkingCalendar(closures=[D(2026, 12, 24)])
    assert cal.bank_holiday_name(D(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert "Coronation" in cal.bank_holiday_name(D(2023, 5, 8))
    assert cal.bank_holiday_name(D(2026, 12, 24)) == "Council closure day"
    assert cal.bank_holiday_name(D(2026, 11, 25)) is None


def test_closures_file(tmp_path):
    f = tmp_path / "closures.txt"
    f.write_text("# council closures\n2026-12-24\n\n2026-12-31  # New Year's Eve\n", encoding="utf-8")
    cal = WorkingCalendar.from_file(f)
    assert cal.closures == {D(2026, 12, 24), D(2026, 12, 31)}


def test_closures_file_with_a_bad_line_names_it(tmp_path):
    f = tmp_path / "closures.txt"
    f.write_text("2026-12-24\n24/12/2026\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Line 2"):
        WorkingCalendar.from_file(f)


# -- property-based: the vectorised rule equals a plain day-by-day loop -----------------------------

days = st.dates(min_value=D(2018, 1, 1), max_value=D(2031, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(days, min_size=1, max_size=40),
    risk=st.booleans(),
    region=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]),
    closures=st.frozensets(days, max_size=5),
)
def test_due_date_equals_day_by_day_loop(events, risk, region, closures):
    cal = WorkingCalendar(region=region, closures=closures)
    got = cal.add_working_days(events, 1 if risk else 5)
    expected = [oracle.due_date(e, risk, region, closures) for e in events]
    assert [g.astype(dt.date) for g in got] == expected


@settings(max_examples=300, deadline=None)
@given(start=days, gap=st.integers(min_value=0, max_value=60), region=st.sampled_from(["ENG", "SCT"]))
def test_working_days_between_equals_day_by_day_loop(start, gap, region):
    end = start + dt.timedelta(days=gap)
    got = WorkingCalendar(region=region).working_days_between([start], [end])[0]
    assert got == oracle.working_days_taken(start, end, region)


def test_bank_holiday_rules_are_loaded_when_the_calendar_is_imported():
    """A page's kernel imports the calendar while it is warmed up; the first deadline worked out on a page
    must not be the moment `holidays` loads its country rules (0.3 s of a busy kernel)."""
    import subprocess
    import sys

    probe = (
        "import sys; import familyservice_nb.working_days; "
        "print('holidays.countries.united_kingdom' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert shown.stdout.strip() == "True"
