"""familyservice_nb.dates: strict UK dates (DESIGN.md: Running-record extract, "Dates are UK dates")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from familyservice_nb import dates
from familyservice_nb.dates import parse_uk_date, parse_uk_datetimes


def parse(*values):
    parsed, unreadable = parse_uk_datetimes(pd.Series(list(values), dtype=object))
    return list(parsed), list(unreadable)


def one(value):
    (parsed,), (unreadable,) = parse(value)
    return parsed, unreadable


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- the accepted formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2026", "2026-04-03"),
        ("2026-04-03", "2026-04-03"),
        ("03-Apr-2026", "2026-04-03"),
        ("18-Nov-2026", "2026-11-18"),
        ("18-nov-2026", "2026-11-18"),
        ("18-NOV-2026", "2026-11-18"),
        ("3/4/2026", "2026-04-03"),
        ("2026-4-3", "2026-04-03"),
        ("3-Apr-2026", "2026-04-03"),
        ("03/04/2026 14:30", "2026-04-03 14:30"),
        ("03/04/2026 14:30:15", "2026-04-03 14:30:15"),
        ("2026-04-03 14:30", "2026-04-03 14:30"),
        ("2026-04-03 14:30:15", "2026-04-03 14:30:15"),
        ("18-Nov-2026 09:05", "2026-11-18 09:05"),
        ("18-Nov-2026 09:05:07", "2026-11-18 09:05:07"),
        ("2026-04-03T14:30", "2026-04-03 14:30"),
        ("2026-04-03T14:30:15", "2026-04-03 14:30:15"),
        ("2026-04-03T14:30:15.250", "2026-04-03 14:30:15.250"),
        ("2026-04-03 14:30:15.250", "2026-04-03 14:30:15.250"),
    ],
)
def test_accepted_format_3_april_and_18_november_2026(text, expected):
    assert one(text) == (ts(expected), False)


def test_one_digit_day_month_and_hour_3_april_2026_9_05():
    assert one("3/4/2026 9:05:00") == (ts("2026-04-03 09:05:00"), False)
    assert one("3/4/2026 9:05") == (ts("2026-04-03 09:05"), False)


def test_leading_and_trailing_spaces_are_ignored_25_november_2026():
    assert one("  25/11/2026 ") == (ts("2026-11-25"), False)
    assert one("\t2026-11-25\t") == (ts("2026-11-25"), False)


# --- what is never read -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "04/13/2026",  # month first: never guessed
        "12/31/2026",
        "31/02/2026",  # no such day
        "29/02/2026",  # 2026 is not a leap year
        "3/4/26",  # two-digit year
        "03-04-26",
        "03/04/2026x",  # trailing junk
        "03/04/2026 abc",
        "2026-04-03 25:00",
        "2026/04/03",
        "3rd April 2026",
        "18-November-2026",
        "Nov 18 2026",
        "20260403",
        "yesterday",
        "31/12/9999",  # a "no date" placeholder, outside 1900-2099
        "01/01/1899",
        "0202-04-03",
    ],
)
def test_unreadable_value_is_nat_and_flagged(text):
    assert one(text)[1] is True
    assert pd.isna(one(text)[0])


def test_29_february_2028_is_a_leap_day():
    assert one("29/02/2028") == (ts("2028-02-29"), False)


@pytest.mark.parametrize("blank", ["", "   ", None, np.nan, pd.NA])
def test_blank_is_nat_but_not_unreadable(blank):
    parsed, unreadable = one(blank)
    assert pd.isna(parsed)
    assert unreadable is False


def test_blank_and_unreadable_told_apart_in_one_column():
    parsed, unreadable = parse("", "04/13/2026", "13/04/2026")
    assert [pd.isna(p) for p in parsed] == [True, True, False]
    assert unreadable == [False, True, False]


# --- Z and offsets: converted to London time before the date is taken ---------------------------


@pytest.mark.parametrize(
    ("text", "london"),
    [
        # 29/03/2026: clocks go forward at 01:00 GMT.
        ("2026-03-29T00:30:00Z", "2026-03-29 00:30"),
        ("2026-03-29T01:30:00Z", "2026-03-29 02:30"),
        ("2026-03-28T23:30:00Z", "2026-03-28 23:30"),
        # 25/10/2026: clocks go back at 01:00 GMT; the evening before is still BST.
        ("2026-10-24T23:30:00Z", "2026-10-25 00:30"),
        ("2026-10-25T23:30:00Z", "2026-10-25 23:30"),
        ("2026-10-25T00:30:00+01:00", "2026-10-25 00:30"),
        ("2026-10-24T23:30:00+0100", "2026-10-24 23:30"),
        ("2026-07-01T12:00:00.5+00:00", "2026-07-01 13:00:00.5"),
        ("2026-07-01T12:00Z", "2026-07-01 13:00"),
        ("2026-07-01 12:00:00+00:00", "2026-07-01 13:00"),  # as pandas writes it
        ("2026-12-01T12:00:00-05:00", "2026-12-01 17:00"),
    ],
)
def test_z_and_offsets_become_london_time_across_29_march_and_25_october_2026(text, london):
    assert one(text) == (ts(london), False)


def test_time_without_offset_is_already_london_time_24_october_2026():
    assert one("2026-10-24T23:30:00") == (ts("2026-10-24 23:30"), False)


def test_mixed_offsets_and_local_times_in_one_column():
    parsed, unreadable = parse("2026-10-24T23:30:00Z", "24/10/2026 23:30", "2026-10-24T23:30:00+01:00")
    assert parsed == [ts("2026-10-25 00:30"), ts("2026-10-24 23:30"), ts("2026-10-24 23:30")]
    assert not any(unreadable)


# --- values that are already dates --------------------------------------------------------------


def test_real_dates_are_kept_from_a_datetime_column():
    column = pd.Series(pd.to_datetime(["2026-11-25 10:00", None]))
    parsed, unreadable = parse_uk_datetimes(column)
    assert parsed.iloc[0] == ts("2026-11-25 10:00")
    assert pd.isna(parsed.iloc[1])
    assert not unreadable.any()


def test_tz_aware_column_converted_to_london_25_october_2026():
    column = pd.Series(pd.to_datetime(["2026-10-24T23:30:00Z"], utc=True))
    parsed, _ = parse_uk_datetimes(column)
    assert parsed.iloc[0] == ts("2026-10-25 00:30")
    assert parsed.dtype == np.dtype("datetime64[us]")


def test_xlsx_cells_mix_real_dates_and_text():
    column = pd.Series([dt.datetime(2026, 11, 25, 9, 30), dt.date(2026, 11, 26), "27/11/2026", None, 3.5], dtype=object)
    parsed, unreadable = parse_uk_datetimes(column)
    assert list(parsed[:3]) == [ts("2026-11-25 09:30"), ts("2026-11-26"), ts("2026-11-27")]
    assert pd.isna(parsed[3]) and pd.isna(parsed[4])
    assert list(unreadable) == [False, False, False, False, True]


def test_index_is_kept_and_dtype_is_naive_microseconds():
    column = pd.Series(["25/11/2026", "bad"], index=[10, 20])
    parsed, unreadable = parse_uk_datetimes(column)
    assert list(parsed.index) == [10, 20] and list(unreadable.index) == [10, 20]
    assert parsed.dtype == np.dtype("datetime64[us]")
    assert parsed.dt.tz is None


def test_pandas_string_dtype_column():
    parsed, unreadable = parse_uk_datetimes(pd.Series(["25/11/2026", ""], dtype="str"))
    assert parsed.iloc[0] == ts("2026-11-25") and pd.isna(parsed.iloc[1])
    assert not unreadable.any()


# --- speed: one pass for a uniform column -------------------------------------------------------


def test_uniform_column_costs_one_full_pass(monkeypatch):
    calls = []
    real = dates._to_datetime

    def counting(text, fmt):
        calls.append(len(text))
        return real(text, fmt)

    monkeypatch.setattr(dates, "_to_datetime", counting)
    stamps = pd.date_range("2024-01-01", periods=20_000, freq="37min")
    column = pd.Series(stamps.strftime("%d/%m/%Y %H:%M:%S"))
    column[5] = ""
    parsed, unreadable = parse_uk_datetimes(column)
    full_passes = [n for n in calls if n > dates._SAMPLE]
    assert full_passes == [len(column) - 1]
    assert parsed.drop(5).tolist() == list(stamps.delete(5))
    assert not unreadable.any()


def test_repetitive_column_parsed_by_distinct_value_gives_same_answer():
    days = pd.Series(pd.date_range("2026-01-01", periods=50).strftime("%d/%m/%Y"))
    column = pd.concat([days] * 200 + [pd.Series(["04/13/2026", " ", "1/2/2026"])], ignore_index=True)
    parsed, unreadable = parse_uk_datetimes(column)
    assert parsed.iloc[:50].tolist() == list(pd.date_range("2026-01-01", periods=50))
    assert parsed.iloc[-1] == ts("2026-02-01")
    assert unreadable.sum() == 1 and unreadable.iloc[-3]


# --- one date typed on the command line ---------------------------------------------------------


def test_parse_uk_date_25_november_2026():
    assert parse_uk_date("25/11/2026") == dt.date(2026, 11, 25)
    assert parse_uk_date("2026-11-25") == dt.date(2026, 11, 25)
    assert parse_uk_date("25-Nov-2026") == dt.date(2026, 11, 25)


def test_parse_uk_date_refuses_month_first_in_plain_words():
    with pytest.raises(ValueError, match=r"^'11/25/2026' is not a date we can read; write dates as 25/11/2026"):
        parse_uk_date("11/25/2026")


def test_parse_uk_date_refuses_blank():
    with pytest.raises(ValueError, match="No date was given"):
        parse_uk_date("  ")


# --- properties ---------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
times = st.times().map(lambda t: t.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(days, times)
def test_any_date_round_trips_through_every_written_form(day, time):
    moment = dt.datetime.combine(day, time)
    written = {
        f"{day:%d/%m/%Y}": dt.datetime.combine(day, dt.time()),
        f"{day.day}/{day.month}/{day.year:04d}": dt.datetime.combine(day, dt.time()),
        f"{day.day}/{day.month}/{day.year:04d} {time.hour}:{time:%M:%S}": moment,
        f"{moment:%d/%m/%Y %H:%M}": moment.replace(second=0),
        day.isoformat(): dt.datetime.combine(day, dt.time()),
        moment.isoformat(): moment,
        f"{day.day:02d}-{moment:%b}-{day.year:04d}".upper(): dt.datetime.combine(day, dt.time()),
    }
    parsed, unreadable = parse(*written)
    assert parsed == [pd.Timestamp(v) for v in written.values()]
    assert not any(unreadable)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2099, 12, 30)),
       st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_any_offset_time_is_the_same_instant_in_london(moment, offset_minutes):
    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    aware = moment.replace(microsecond=0, tzinfo=zone)
    parsed, unreadable = one(aware.isoformat())
    assert parsed == pd.Timestamp(aware).tz_convert("Europe/London").tz_localize(None)
    assert unreadable is False


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)).filter(lambda d: d.day > 12))
def test_month_first_is_never_read_when_the_day_is_over_12(day):
    assert one(f"{day.month:02d}/{day.day:02d}/{day.year}")[1] is True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_parsed_or_flagged_never_an_error(text):
    parsed, unreadable = one(text)
    assert pd.isna(parsed) or not unreadable
    if text.strip() == "":
        assert pd.isna(parsed) and not unreadable


def _column_reads(text: str) -> dt.date | None:
    parsed, _unreadable = one(text)
    return None if pd.isna(parsed) else parsed.date()


plain_digits = st.text(alphabet="0123456789٥", min_size=2, max_size=4)  # ٥: Python's int reads it, pandas not always
plain_shapes = st.one_of(
    st.builds(lambda y, m, d: f"{y}-{m}-{d}", plain_digits, plain_digits, plain_digits),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", plain_digits, plain_digits, plain_digits),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda day: f"{day:%Y-%m-%d}"),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda day: f"{day:%d/%m/%Y}"),
    st.text(alphabet="0123456789-/ ٣²T:", min_size=10, max_size=10),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(plain_shapes, st.text(max_size=12)))
def test_one_typed_date_is_read_as_a_column_reads_it(text):
    """parse_uk_date reads the two common shapes without pandas (_read_plain_day); whatever the text, the
    answer is the column's: the same date, or unreadable (31/02/2026, 1899-12-31, 2100-01-01, '٣')."""
    dates._parse_one.cache_clear()
    if _column_reads(text) is None:
        with pytest.raises(ValueError):
            parse_uk_date(text)
    else:
        assert parse_uk_date(text) == _column_reads(text.strip())


@pytest.mark.parametrize("text, expected", [
    ("2026-11-25", dt.date(2026, 11, 25)), ("25/11/2026", dt.date(2026, 11, 25)), ("29/02/2028", dt.date(2028, 2, 29)),
    ("31/02/2026", None), ("1899-12-31", None), ("2100-01-01", None), ("1900-01-01", dt.date(1900, 1, 1)),
    ("2099-12-31", dt.date(2099, 12, 31)), ("2026-11-2 ", None), ("25-11-2026", None), ("2026/11/25", None), ("٢٠٢٦-١١-٢٥", None),
])
def test_the_plain_shapes_read_directly(text, expected):
    assert dates._read_plain_day(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-03-04 09:05:00.123", "2026-03-04T09:05:00.5", "2026-03-04T09:05:00+01:00", "2026-03-04T09:05",
     "2026-03-04 09:05", "2026-03-04T09:05:00.5Z", "2026-03-04", "4/3/2026 09:05:00", "04-Mar-2026 9:05",
     "2026-03-04 09:05:00+0100", "04/03/2026", "04/03/2026 09:05"],
)
def test_no_two_formats_read_the_same_text_so_their_order_never_changes_a_date(text):
    readers = [fmt for fmt in dates.FORMATS if not np.isnat(dates._to_datetime(pd.Series([text]), fmt)[0])]
    assert len(readers) == 1


# --- the one reader of a typed date, and London's clock -------------------------------------------


def test_parse_uk_date_names_the_field_in_its_message():
    with pytest.raises(ValueError, match=r"^FSNB_AS_OF: '04/13/2026' is not a date we can read; write dates as"):
        parse_uk_date("04/13/2026", field="FSNB_AS_OF")
    with pytest.raises(ValueError, match=r"^The as-of date: no date was given"):
        parse_uk_date(None, field="The as-of date")


def test_parse_uk_date_takes_dates_and_datetimes_as_they_are():
    assert parse_uk_date(dt.date(2026, 11, 25)) == dt.date(2026, 11, 25)
    assert parse_uk_date(dt.datetime(2026, 11, 25, 23, 30)) == dt.date(2026, 11, 25)
    assert parse_uk_date(" 3/4/2026 ") == dt.date(2026, 4, 3)


@pytest.mark.real_clock
def test_today_in_london_is_the_london_date():
    from familyservice_nb.dates import LONDON, now_in_london, today_in_london

    assert str(LONDON) == "Europe/London"
    assert now_in_london().tzinfo is LONDON
    assert today_in_london() in {now_in_london().date(), (now_in_london() - dt.timedelta(seconds=5)).date()}


@pytest.mark.parametrize("written", ["25-Nov-2026", "2026-11-25T10:00:00Z", "25/11/2026 09:05"])
def test_a_record_reads_dates_with_the_same_reader_as_an_extract(written):
    from pydantic import TypeAdapter

    from familyservice_nb.records.base import Day

    assert TypeAdapter(Day).validate_python(written) == parse_uk_date(written) == dt.date(2026, 11, 25)


def test_a_record_refuses_unreadable_text_in_plain_words():
    from pydantic import TypeAdapter, ValidationError

    from familyservice_nb.records.base import Day

    with pytest.raises(ValidationError, match="Write the date as day/month/year"):
        TypeAdapter(Day).validate_python("next Tuesday")
    with pytest.raises(ValidationError, match="There is no such date"):
        TypeAdapter(Day).validate_python("31/11/2026")
