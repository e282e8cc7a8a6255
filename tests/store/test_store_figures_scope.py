"""Figures follow records: a practitioner's timeliness figures are their own notes and their team's
total, never a colleague named; a manager's are the workers of the teams they manage; analysts see all."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from storehelp import ANALYST, MANAGER, OTHER_MANAGER, OTHER_WORKER, TEAMMATE, WORKER

from familyservice_nb.timeliness import assess_timeliness, overall_timeliness


@pytest.fixture
def loaded(seeded, as_user, tmp_path):
    # N2 is Sam's note on Pat's case: Pat may open it (their case) but it is not Pat's figure.
    extract = pd.DataFrame({
        "note_id": ["N1", "N2", "N3", "N4", "N5"],
        "case_id": ["C-N1", "C-N1", "C-S1", "CASE-999", "C-N2"],
        "worker": ["Pat Practitioner", "Sam Worker", "Lee South", "Pat Practitioner", "Sam Worker"],
        "team": ["North", "North", "South", "North", "North"],
        "event_date": ["16/11/2026"] * 5,
        # Monday 16/11 is due Monday 23/11: N5 is late, the rest on time.
        "recorded_at": ["17/11/2026 10:00"] * 4 + ["25/11/2026 10:00"],
    })
    path = tmp_path / "extract.csv"
    extract.to_csv(path, index=False)
    as_user(ANALYST).import_extract(path, as_of="27/11/2026")
    return as_user


def _figures(store):
    return sorted(store.figures_notes()["note_id"])


def test_a_practitioners_figures_are_their_own_notes_not_a_colleagues_on_their_case(loaded):
    worker = loaded(WORKER)
    assert sorted(worker.notes_frame()["note_id"]) == ["N1", "N2", "N4"]  # what they may open
    assert _figures(worker) == ["N1", "N4"]  # what counts in their figures
    assert set(worker.figures_notes()["worker"]) == {"Pat Practitioner"}
    assert _figures(loaded(TEAMMATE)) == ["N2", "N5"]


def test_a_managers_figures_are_their_teams_workers_and_analysts_see_all(loaded):
    assert _figures(loaded(MANAGER)) == ["N1", "N2", "N4", "N5"]
    assert _figures(loaded(OTHER_MANAGER)) == ["N3"]
    assert _figures(loaded(ANALYST)) == ["N1", "N2", "N3", "N4", "N5"]


def test_a_practitioner_sees_their_teams_total_as_one_figure(loaded):
    totals = loaded(WORKER).team_totals()
    assert list(totals) == ["North"]  # their own team only: South's total is not theirs to see
    north = totals["North"]
    assert (north["on_time"], north["late"], north["notes"]) == (3, 1, 4)
    assert north["pct_on_time"] == pytest.approx(75.0)
    # the same figure as the rule gives on the team's notes as an analyst reads them
    every = loaded(ANALYST).figures_notes()
    oracle = overall_timeliness(assess_timeliness(every[every["team"] == "North"], as_of=dt.date(2026, 11, 27)))
    assert north["pct_on_time"] == pytest.approx(oracle["pct_on_time"])
    assert loaded(OTHER_WORKER).team_totals()["South"]["notes"] == 1
