"""Council settings and PBR programmes."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import CouncilSettings, PBRProgramme, explain, pbr_outcomes
from familyservice_nb.vocab import (
    CHILD_SEEN_INTERVAL,
    EPDR_CYCLE,
    LINE_MANAGEMENT_INTERVAL,
    SUPERVISION_INTERVAL,
)


def test_defaults_come_from_the_vocabulary():
    s = CouncilSettings()
    assert s.supervision_interval_days == SUPERVISION_INTERVAL.days == 28
    assert s.child_seen_interval_days == CHILD_SEEN_INTERVAL.days == 42
    assert s.pbr_programme is PBRProgramme.EXTENDED_TROUBLED_FAMILIES and s.region == "ENG"
    assert s.line_management_interval_days == LINE_MANAGEMENT_INTERVAL.days == 28
    assert s.epdr_cycle_days == EPDR_CYCLE.days == 365


def test_six_troubled_families_problems():
    assert pbr_outcomes("Expanded Troubled Families") == (
        "Crime or anti-social behaviour", "School attendance", "Children who need help",
        "Worklessness and financial exclusion", "Domestic violence and abuse", "Health",
    )


def test_ten_supporting_families_outcomes():
    outcomes = pbr_outcomes(PBRProgramme.SUPPORTING_FAMILIES)
    assert len(outcomes) == 10
    assert outcomes[0] == "Getting a good education" and outcomes[-1] == "Financial stability"
    assert CouncilSettings(pbr_programme="Supporting Families").pbr_outcomes == outcomes


def test_unknown_programme_refused_in_plain_words():
    with pytest.raises(ValueError, match="not a programme we know"):
        pbr_outcomes("Families First")


def test_settings_calendar_with_closure_monday_23_11_2026():
    calendar = CouncilSettings(closure_days=["23/11/2026"]).calendar()
    assert calendar.add_working_days([dt.date(2026, 11, 20)], 1)[0].item() == dt.date(2026, 11, 24)


def test_region_and_interval_checked():
    with pytest.raises(ValidationError) as caught:
        CouncilSettings(region="FRA", supervision_interval_days=0)
    assert explain(caught.value) == [
        "Case supervision interval (days): this should be at least 1.",
        "Region: choose one of 'ENG', 'WLS', 'SCT' or 'NIR'.",
    ]


def test_line_management_interval_and_epdr_cycle_are_council_settings():
    """Rule: the settings accept them, checked like the others."""
    s = CouncilSettings(line_management_interval_days=42, epdr_cycle_days=180)
    assert (s.line_management_interval_days, s.epdr_cycle_days) == (42, 180)
    with pytest.raises(ValidationError) as caught:
        CouncilSettings(epdr_cycle_days=0)
    assert explain(caught.value) == ["EPDR cycle (days): this should be at least 1."]


def test_pbr_heading_and_the_councils_own_outcomes_plan():
    """Rule: 'Extended Troubled Families programme' (or 'Supporting Families' where chosen);
    the outcomes are the council's plan, the national list by default."""
    assert CouncilSettings().pbr_heading == "Extended Troubled Families programme"
    assert CouncilSettings(pbr_programme="Supporting Families").pbr_heading == "Supporting Families programme"
    assert CouncilSettings(pbr_programme="Expanded Troubled Families").pbr_programme is (
        PBRProgramme.EXTENDED_TROUBLED_FAMILIES)  # settings saved before the name was corrected
    plan = CouncilSettings(pbr_outcome_list=["School attendance", " Healthy homes "])
    assert plan.pbr_outcomes == ("School attendance", "Healthy homes")
    with pytest.raises(ValidationError) as caught:
        CouncilSettings(pbr_outcome_list=["Health", "Health"])
    assert explain(caught.value) == ["PBR outcomes plan, entry 2: 'Health' appears twice."]
