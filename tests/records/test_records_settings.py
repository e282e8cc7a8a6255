"""Council settings and PBR programmes."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import CouncilSettings, PBRProgramme, explain, pbr_outcomes
from familyservice_nb.vocab import CHILD_SEEN_INTERVAL, SUPERVISION_INTERVAL


def test_defaults_come_from_the_vocabulary():
    s = CouncilSettings()
    assert s.supervision_interval_days == SUPERVISION_INTERVAL.days == 28
    assert s.child_seen_interval_days == CHILD_SEEN_INTERVAL.days == 42
    assert s.pbr_programme is PBRProgramme.EXPANDED_TROUBLED_FAMILIES and s.region == "ENG"


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
