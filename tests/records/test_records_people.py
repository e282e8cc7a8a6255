"""Staff, cases and children."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import Case, Child, Staff, StaffRole, explain


def test_staff_member_with_teams_and_manager():
    staff = Staff(name="Alex Example", login="alex.example", role="practitioner", teams=["North"],
                  line_manager="morgan.manager")
    assert staff.role is StaffRole.PRACTITIONER and not staff.newly_qualified


def test_staff_role_must_be_one_of_four():
    with pytest.raises(ValidationError) as caught:
        Staff(name="Alex Example", login="alex.example", role="boss")
    assert explain(caught.value) == [
        "Role: choose one of 'practitioner', 'manager', 'analyst' or 'admin'."]


def test_staff_cannot_manage_themselves():
    with pytest.raises(ValidationError, match="own line manager"):
        Staff(name="Alex Example", login="alex.example", role="manager", line_manager="alex.example")


def test_case_closed_30_11_2026_before_open_01_12_2026_rejected():
    with pytest.raises(ValidationError) as caught:
        Case(case_id="C1", family_pseudonym="Example", open_date="01/12/2026", close_date="30/11/2026")
    assert explain(caught.value) == ["Close date: this is before the open date, 01/12/2026."]


def test_case_open_on_a_day():
    case = Case(case_id="C1", family_pseudonym="Example", open_date="01/09/2026", close_date="25/11/2026",
                children=[{"child_id": "CH-1", "pseudonym": "Robin Example", "date_of_birth": "2019-03-14"}])
    assert case.is_open(dt.date(2026, 9, 1)) and case.is_open(dt.date(2026, 11, 24))
    assert not case.is_open(dt.date(2026, 11, 25)) and not case.is_open(dt.date(2026, 8, 31))
    assert case.children[0].pseudonym == "Robin Example"


def test_child_born_in_the_future_rejected():
    future = dt.date.today() + dt.timedelta(days=400)
    with pytest.raises(ValidationError) as caught:
        Child(child_id="CH-1", pseudonym="Robin Example", date_of_birth=future)
    assert explain(caught.value)[0].startswith("Date of birth: this is in the future")


def test_unborn_child_has_no_date_of_birth():
    assert Child(child_id="CH-2", pseudonym="Baby Example").date_of_birth is None


def test_open_on_reads_a_column_as_case_is_open_reads_one_case_25_11_2026():
    import pandas as pd

    from familyservice_nb.records.people import open_on

    opened = pd.to_datetime(pd.Series(["2026-09-01", "2026-11-26", None, "2026-09-01", "2026-11-25"]))
    closed = pd.to_datetime(pd.Series(["2026-11-25 00:00", None, None, "2026-11-26 09:30", None]))
    day = dt.date(2026, 11, 25)
    assert list(open_on(opened, closed, day)) == [False, False, True, True, True]
    for o, c, expected in zip(opened, closed, open_on(opened, closed, day), strict=True):
        if pd.notna(o):
            case = Case(case_id="C1", family_pseudonym="Example", open_date=o.date(),
                        close_date=None if pd.isna(c) else c.date())
            assert case.is_open(day) == expected
