"""Line management supervision and its opening figures."""

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from familyservice_nb.records import (
    CWDC_AREAS,
    Case,
    LineManagementSupervision,
    OpeningFigures,
    explain,
    opening_figures,
)


def test_five_cwdc_areas_are_text_fields_in_the_guidance_order():
    titles = [LineManagementSupervision.model_fields[a].title for a in CWDC_AREAS]
    assert titles == ["Workload management", "Performance and quality", "Reflection on focus and methods",
                      "Commitment to outcomes and working with others", "Motivation, development and support"]


def test_line_management_friday_20_11_2026_due_friday_27_11(make):
    record = make("line_management")
    assert record.due_date() == dt.date(2026, 11, 27)
    assert "case_id" not in LineManagementSupervision.model_fields


@pytest.mark.parametrize("field", ["practitioner", "manager", "event_date"])
def test_required(field, valid):
    data = valid("line_management")
    del data[field]
    with pytest.raises(ValidationError) as caught:
        LineManagementSupervision.model_validate(data)
    assert explain(caught.value) == [f"{LineManagementSupervision.title_of(field)}: this is needed."]


def test_next_epdr_before_the_supervision_rejected(make):
    with pytest.raises(ValidationError) as caught:
        make("line_management", next_epdr_date="01/04/2026")
    assert explain(caught.value) == ["Next EPDR date: this is before the supervision on 20/11/2026."]


def test_case_discussion_linked_twice_rejected(make):
    with pytest.raises(ValidationError, match="appears twice"):
        make("line_management", case_discussions=["SUP-1", "SUP-1"])


@pytest.fixture
def notes():
    """Synthetic notes: alex.example has one on time, one late, one overdue, one pending, one deleted."""
    return pd.DataFrame({
        "note_id": ["N1", "N2", "N3", "N4", "N5", "N6"],
        "case_id": ["CASE-001"] * 6,
        "worker": ["alex.example"] * 5 + ["sam.sample"],
        "event_date": pd.to_datetime(["2026-11-02", "2026-11-02", "2026-11-02", "2026-11-24", "2026-11-02",
                                      "2026-11-02"]),
        "recorded_at": pd.to_datetime(["2026-11-03", "2026-11-20", None, None, "2026-11-03", "2026-11-03"]),
        "risk_identified": [False] * 6,
        "status": ["Complete", "Complete", "Draft", "", "Deleted", "Complete"],
    })


def test_opening_figures_as_of_25_11_2026_use_the_timeliness_rule(notes):
    figures = opening_figures(notes, "alex.example", as_of="2026-11-25")
    assert (figures.notes, figures.on_time, figures.late, figures.overdue, figures.pending) == (4, 1, 1, 1, 1)
    assert figures.pct_on_time == pytest.approx(33.3)
    assert figures.as_of == dt.date(2026, 11, 25)
    assert figures.caseload is None  # not guessed without the cases


def test_caseload_counts_open_cases_allocated_on_25_11_2026(notes):
    cases = [
        Case(case_id="CASE-001", family_pseudonym="Example", allocated_worker="alex.example", open_date="2026-09-01"),
        Case(case_id="CASE-002", family_pseudonym="Sample", allocated_worker="alex.example", open_date="2026-09-01",
             close_date="2026-11-25"),
        Case(case_id="CASE-003", family_pseudonym="Test", allocated_worker="sam.sample", open_date="2026-09-01"),
        Case(case_id="CASE-004", family_pseudonym="Later", allocated_worker="alex.example", open_date="2026-12-01"),
    ]
    assert opening_figures(notes, "alex.example", cases=cases, as_of="2026-11-25").caseload == 1


def test_practitioner_without_notes_gets_zeros_not_an_error(notes):
    figures = opening_figures(notes, "new.starter", as_of="2026-11-25")
    assert figures.notes == 0 and figures.pct_on_time is None and figures.median_working_days is None


def test_figures_kept_on_the_record_round_trip(notes, make):
    figures = opening_figures(notes, "alex.example", as_of="2026-11-25")
    record = make("line_management", opening_figures=figures.model_dump())
    assert isinstance(record.opening_figures, OpeningFigures)
    assert LineManagementSupervision.model_validate_json(record.model_dump_json()) == record
