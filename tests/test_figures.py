"""The figures behind the dashboards (`familyservice_nb.figures`) equal the package's own functions, for any filter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from familyservice_nb.demo import make_demo_extract
from familyservice_nb.extract import read_extract
from familyservice_nb.figures import Filters, TimelinessFigures, days_taken
from familyservice_nb.timeliness import (
    assess_timeliness,
    group_medians,
    late_and_overdue,
    overall_timeliness,
    timeliness_by_month,
    timeliness_by_note_type,
    timeliness_by_rule,
    timeliness_by_team,
    timeliness_by_worker,
)

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    path = tmp_path_factory.mktemp("figures") / "extract.csv"
    make_demo_extract(rows=4000, seed=5, as_of=AS_OF, workers=30, teams=6).to_csv(path, index=False)
    return assess_timeliness(read_extract(path).notes, as_of=AS_OF)


def plain(table: pd.DataFrame, by: str) -> pd.DataFrame:
    out = table.copy()
    out[by] = pd.to_datetime(out[by]) if by == "month" else out[by].astype(str)
    return out.sort_values(by).reset_index(drop=True)


def expected_subset(assessed: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The same filter, written the plain pandas way."""
    keep = pd.Series(True, index=assessed.index)
    if f.team:
        keep &= assessed["team"].astype(str) == f.team
    if f.worker:
        keep &= assessed["worker"].astype(str) == f.worker
    if f.note_type:
        keep &= assessed["note_type"].astype(str) == f.note_type
    if f.risk == "risk":
        keep &= assessed["risk_identified"]
    elif f.risk == "no_risk":
        keep &= ~assessed["risk_identified"]
    if f.date_from:
        keep &= assessed["event_date"] >= pd.Timestamp(f.date_from)
    if f.date_to:
        keep &= assessed["event_date"] <= pd.Timestamp(f.date_to)
    out = assessed[keep.to_numpy()]
    out.attrs = assessed.attrs
    return out


def filters_for(data: TimelinessFigures) -> list[Filters]:
    team, other = data.choices("team")[:2]
    worker = data.workers_in(team)[0]
    return [
        Filters(),
        Filters(team=team),
        Filters(team=other, risk="risk"),
        Filters(worker=worker),
        Filters(note_type=data.choices("note_type")[0], risk="no_risk"),
        Filters(date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 9, 30)),
        Filters(team=team, date_from=dt.date(2026, 11, 1)),
        Filters(team="No such team"),
    ]


def test_every_grouping_equals_the_package_figures_for_every_filter(assessed):
    data = TimelinessFigures(assessed)
    functions = {"worker": timeliness_by_worker, "team": timeliness_by_team, "month": timeliness_by_month,
                 "note_type": timeliness_by_note_type, "rule": timeliness_by_rule}
    for f in filters_for(data):
        figures = data.figures(f)
        subset = expected_subset(assessed, f)
        for name, function in functions.items():
            got, want = plain(figures.tables()[name], name), plain(function(subset), name)
            pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False, obj=f"{name} {f}")
        want = overall_timeliness(subset)
        for key, value in figures.overall.items():
            assert (pd.isna(value) and pd.isna(want[key])) or value == pytest.approx(want[key]), (key, f)
        assert figures.notes == len(subset)


def test_late_list_is_the_packages_in_the_same_order(assessed):
    data = TimelinessFigures(assessed, top=25)
    for f in filters_for(data):
        figures = data.figures(f)
        want = late_and_overdue(expected_subset(assessed, f))
        got = data.late_frame(figures)
        assert figures.late_total == len(want)
        assert set(got["note_id"]) == set(want["note_id"])
        # Most days late first, then the earliest due date, as the package sorts them.
        keys = got[["days_late", "due_date"]].assign(days_late=lambda t: -t["days_late"].astype(float))
        assert keys.apply(tuple, axis=1).is_monotonic_increasing
        assert len(data.late_frame(figures, limit=25)) == min(25, len(want))


def test_days_taken_counts_every_recorded_note_once(assessed):
    data = TimelinessFigures(assessed)
    counts = data.figures().days_taken
    recorded = assessed[(assessed["timeliness"] != "deleted") & assessed["working_days_taken"].notna()]
    assert int(counts[["within_deadline", "after_deadline"]].to_numpy().sum()) == len(recorded)
    # late is the rule's verdict on each note (the `timeliness` column), never a count of days again
    assert int(counts["after_deadline"].sum()) == int((recorded["timeliness"] == "late").sum())
    assert int(counts["within_deadline"].sum()) == int((recorded["timeliness"] == "on_time").sum())
    assert list(counts["working_days"])[-1] == "15+"
    assert days_taken(assessed).equals(counts)


def one_note(event: str, recorded: str, risk: bool) -> pd.DataFrame:
    notes = pd.DataFrame({
        "note_id": ["N1"], "worker": ["Alex Ashdown"], "team": ["North"], "note_type": ["Visit"],
        "event_date": pd.to_datetime([event]), "recorded_at": pd.to_datetime([recorded]),
        "risk_identified": [risk], "status": ["Complete"],
    })
    return assess_timeliness(notes, as_of=AS_OF)


@pytest.mark.parametrize("event, recorded, risk, taken", [
    # due Friday 27/11 (5 working days); recorded the next day, Saturday: still 5 working days taken, but late
    ("2026-11-21", "2026-11-28", False, 5),
    # risk: due Friday 20/11 (the next working day); recorded Saturday 21/11: 1 working day taken, but late
    ("2026-11-19", "2026-11-21", True, 1),
])
def test_days_taken_draws_a_note_recorded_at_the_weekend_after_its_deadline_as_late(event, recorded, risk, taken):
    assessed = one_note(event, recorded, risk)
    assert assessed["timeliness"].iloc[0] == "late"
    assert assessed["working_days_taken"].iloc[0] == taken
    for counts in (days_taken(assessed), TimelinessFigures(assessed).figures().days_taken):
        row = counts.set_index("working_days").loc[str(taken)]
        assert (row["within_deadline"], row["after_deadline"]) == (0, 1)


def test_group_medians_equal_pandas_medians():
    rng = np.random.default_rng(3)
    codes = rng.integers(-1, 7, size=5000)
    values = rng.integers(0, 40, size=5000).astype(float)
    values[rng.random(5000) < 0.2] = np.nan
    got = group_medians(codes, 8, values)
    keep = (codes >= 0) & ~np.isnan(values)
    want = pd.Series(values[keep]).groupby(codes[keep]).median().reindex(range(8)).to_numpy()
    np.testing.assert_array_equal(got, want)  # group 7 has no values: NaN in both


def test_filter_choices_and_words(assessed):
    data = TimelinessFigures(assessed)
    teams = data.choices("team")
    assert teams == sorted(assessed["team"].astype(str).unique())
    for team in teams:
        assert set(data.workers_in(team)) == set(assessed.loc[assessed["team"] == team, "worker"].astype(str))
    f = Filters(team="Newark", date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 9, 30), risk="risk")
    assert f.describe() == "team Newark, events from 01/06/2026 to 30/09/2026, risk notes only"
    assert Filters().describe() == ""


def test_notes_none_of_them_recorded_yet_have_no_median():
    notes = pd.DataFrame({
        "note_id": ["N1", "N2"], "worker": ["Alex Ashdown"] * 2, "team": ["North"] * 2, "note_type": ["Visit"] * 2,
        "event_date": pd.to_datetime(["2026-10-01", "2026-11-24"]), "recorded_at": pd.NaT,
        "risk_identified": [False, True], "status": ["Draft", "Draft"],
    })
    figures = TimelinessFigures(assess_timeliness(notes, as_of=AS_OF)).figures()
    assert (figures.overall["overdue"], figures.overall["pending"]) == (1, 1)
    assert np.isnan(figures.overall["median_working_days"])
    assert figures.by_worker["median_working_days"].isna().all()
    assert int(figures.days_taken[["within_deadline", "after_deadline"]].to_numpy().sum()) == 0


# -- drill-down: the notes behind any figure are exactly the figure's notes ---------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def filters_and_figure(draw, data: TimelinessFigures):
    team = draw(st.one_of(st.none(), st.sampled_from(data.choices("team"))))
    worker = draw(st.one_of(st.none(), st.sampled_from(data.workers_in(team) or [None])))
    note_type = draw(st.one_of(st.none(), st.sampled_from(data.choices("note_type"))))
    risk = draw(st.sampled_from(["all", "risk", "no_risk"]))
    lo, hi = data.date_span()
    days = (hi - lo).days
    start = draw(st.one_of(st.none(), st.integers(0, days)))
    end = draw(st.one_of(st.none(), st.integers(start or 0, days)))
    f = Filters(team=team, worker=worker, note_type=note_type, risk=risk,
                date_from=None if start is None else lo + dt.timedelta(days=start),
                date_to=None if end is None else lo + dt.timedelta(days=end))
    by = draw(st.sampled_from([None, "worker", "team", "month", "note_type", "rule", "days_taken"]))
    return f, by, draw(st.integers(0, 10_000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_notes_behind_a_clicked_figure_number_what_the_figure_says(assessed, data):
    figs = TimelinessFigures(assessed)
    f, by, pick = data.draw(filters_and_figure(figs))
    figures = figs.figures(f)
    if by is None:
        counted = figures.overall["on_time"] + figures.overall["late"] + figures.overall["overdue"]
        assert len(figs.notes_behind(f)) == counted
        return
    if by == "days_taken":
        table = figures.days_taken
        row = table.iloc[pick % len(table)]
        assert len(figs.notes_behind(f, "days_taken", row["working_days"], "on_time")) == row["within_deadline"]
        assert len(figs.notes_behind(f, "days_taken", row["working_days"], "late")) == row["after_deadline"]
        return
    table = figures.tables()[by]
    if table.empty:
        return
    row = table.iloc[pick % len(table)]
    behind = figs.notes_behind(f, by, row[by])
    assert len(behind) == row["on_time"] + row["late"] + row["overdue"]
    assert (behind["timeliness"] == "on_time").sum() == row["on_time"]


def test_each_note_behind_a_figure_says_its_rule_and_why(assessed):
    figs = TimelinessFigures(assessed)
    behind = figs.notes_behind(Filters(risk="risk"), "rule", "next working day (risk)")
    assert len(behind) > 0
    assert set(behind["why"]) == {"next working day: harm or risk identified"}
    assert set(behind["outcome"]) <= {"On time", "Recorded late", "Overdue (not recorded)"}
    assert behind["event_date"].is_monotonic_decreasing
    standard = figs.notes_behind(Filters(risk="no_risk"))
    assert set(standard["why"]) == {"5 working days: no harm or risk identified"}


def test_a_weekend_late_note_is_behind_the_late_part_of_its_days_column():
    assessed = one_note("2026-11-21", "2026-11-28", False)
    figs = TimelinessFigures(assessed)
    assert list(figs.notes_behind(Filters(), "days_taken", "5", "late")["note_id"]) == ["N1"]
    assert figs.notes_behind(Filters(), "days_taken", "5", "on_time").empty


def test_an_unknown_figure_is_refused_in_words(assessed):
    figs = TimelinessFigures(assessed)
    with pytest.raises(ValueError, match="by must be one of"):
        figs.notes_behind(Filters(), "colour", "red")
    with pytest.raises(ValueError, match="part must be one of"):
        figs.notes_behind(Filters(), None, None, "everything")
