"""Management oversight: the measures on hand-made frames, with explicit dates (as of Wed 25/11/2026)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from citations import citation_problems

from familyservice_nb import oversight
from familyservice_nb.oversight import OversightData, management_oversight
from familyservice_nb.records import CouncilSettings, SupervisionRecord, kind_named, open_actions

import oracle

AS_OF = dt.date(2026, 11, 25)


def frame(columns: dict, rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns["columns"]) if rows else pd.DataFrame(**columns)
    for name in out.columns:
        if name.endswith(("_date", "_when", "_to")) or name in ("completed_at", "entered_at"):
            out[name] = pd.to_datetime(out[name], utc=name in ("completed_at", "entered_at"))
    return out


STAFF = frame(oversight.STAFF_COLUMNS, [
    ("mo.manager", "Mo Manager", "manager", "North", None, True),
    ("sue.manager", "Sue Manager", "manager", "South", None, True),
    ("pat.worker", "Pat Worker", "practitioner", "North", "mo.manager", True),
    ("lee.worker", "Lee Worker", "practitioner", "South", "sue.manager", True),
    ("ana.lyst", "Ana Lyst", "analyst", "", None, True),
])


def cases(*rows) -> pd.DataFrame:
    return frame(oversight.CASE_COLUMNS, list(rows))


def data(**frames) -> OversightData:
    return OversightData(staff=STAFF, **frames)


def supervision(record_id, case_id, event_date, completed_at=None, kind="supervision", risk=False,
                author="mo.manager", practitioner="pat.worker"):
    state = "complete" if completed_at else "draft"
    return (str(record_id), kind, case_id, event_date, risk, author, practitioner, state, completed_at, None)


# -- open cases without a recent case supervision --------------------------------------------------


def test_case_supervised_28_days_ago_is_in_time_and_29_days_ago_is_a_gap():
    d = data(
        cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", None),
                    ("C2", "Elm family", "North", "pat.worker", "2026-01-05", None)),
        discussions=frame(oversight.DISCUSSION_COLUMNS, [
            supervision(1, "C1", "2026-10-28", "2026-10-28 15:00"),
            supervision(2, "C2", "2026-10-27", "2026-10-27 15:00"),
        ]),
    )
    lines = oversight.cases_without_supervision(d, AS_OF, interval_days=28)
    assert lines["case_id"].tolist() == ["C2"]
    line = lines.iloc[0]
    assert line["last_supervision"] == pd.Timestamp("2026-10-27")
    assert line["record_id"] == "2"
    assert line["due_by"] == pd.Timestamp("2026-11-24")
    assert line["days_overdue"] == 1
    assert (line["team"], line["worker"], line["manager"], line["family"]) == (
        "North", "Pat Worker", "Mo Manager", "Elm family")


def test_never_supervised_counts_from_the_open_date_and_closed_cases_drafts_and_reviews_do_not_count():
    d = data(
        cases=cases(
            ("NEW", "New family", "North", "pat.worker", "2026-11-01", None),   # due 29/11: not yet
            ("OLD", "Old family", "South", "lee.worker", "2026-10-27", None),   # due 24/11: a gap
            ("SHUT", "Shut family", "North", "pat.worker", "2026-01-05", "2026-11-20"),  # closed
            ("DRAFT", "Draft family", "North", "pat.worker", "2026-01-05", None),
            ("REVIEW", "Review family", "North", None, "2026-01-05", None),
        ),
        discussions=frame(oversight.DISCUSSION_COLUMNS, [
            supervision(5, "DRAFT", "2026-11-20"),  # a draft is not yet evidence
            supervision(6, "REVIEW", "2026-11-20", "2026-11-20 12:00", kind="review_summary"),
        ]),
    )
    lines = oversight.cases_without_supervision(d, AS_OF)
    assert set(lines["case_id"]) == {"OLD", "DRAFT", "REVIEW"}
    old = lines.set_index("case_id").loc["OLD"]
    assert (old["days_overdue"], old["manager"], old["worker"]) == (1, "Sue Manager", "Lee Worker")
    assert pd.isna(old["last_supervision"]) and pd.isna(old["record_id"])
    # An unallocated case's manager is the team's manager.
    review = lines.set_index("case_id").loc["REVIEW"]
    assert (review["worker"], review["manager"]) == ("(not allocated)", "Mo Manager")
    # Most days overdue first.
    assert lines["days_overdue"].tolist() == sorted(lines["days_overdue"].tolist(), reverse=True)


def test_a_case_closing_on_the_as_of_date_is_no_longer_open():
    d = data(cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", "2026-11-25")))
    assert oversight.cases_without_supervision(d, AS_OF).empty
    assert len(oversight.cases_without_supervision(d, dt.date(2026, 11, 24))) == 1


# -- agreed actions past their date ------------------------------------------------------------------


def record(record_id, event_date, agreed=(), reviewed=(), case_id="C1", children=()):
    """A completed SupervisionRecord; agreed: (id, by_when); reviewed: (id, status)."""
    return SupervisionRecord.model_validate({
        "record_id": str(record_id), "event_date": event_date, "author": "mo.manager", "case_id": case_id,
        "kind": "Planned supervision", "practitioner": "pat.worker", "manager": "mo.manager",
        "case_summary": "Two children.",
        "agreed_actions": [{"action_id": a, "what": f"Do {a}", "by_whom": "pat.worker", "by_when": w}
                           for a, w in agreed],
        "previous_actions": [{"action_id": a, "status": s, "comment": "" if s == "Done" else "Why."}
                             for a, s in reviewed],
        "children": [{"child_id": c, "pseudonym": n, "date_spoken_to": w, "seen_alone": True,
                      "views_and_feelings": "Fine."} for c, n, w in children],
    })


def as_data(records: list[SupervisionRecord], case_rows=None) -> OversightData:
    """The frames the store would give for these completed records."""
    agreed = [(r.record_id, r.case_id, r.event_date, a.action_id, a.what, a.by_whom, a.by_when)
              for r in records for a in r.agreed_actions]
    reviews = [(r.record_id, r.case_id, r.event_date, v.action_id, str(v.status))
               for r in records for v in r.previous_actions]
    spoken = [(r.record_id, r.case_id, r.event_date, c.child_id, c.pseudonym, c.date_spoken_to)
              for r in records for c in r.children]
    discussions = [supervision(r.record_id, r.case_id, r.event_date, f"{r.event_date} 16:00") for r in records]
    case_ids = sorted({r.case_id for r in records})
    return data(
        cases=cases(*(case_rows or [(c, f"{c} family", "North", "pat.worker", "2026-01-05", None) for c in case_ids])),
        discussions=frame(oversight.DISCUSSION_COLUMNS, discussions),
        agreed_actions=frame(oversight.ACTION_COLUMNS, agreed),
        action_reviews=frame(oversight.REVIEW_COLUMNS, reviews),
        children_spoken_to=frame(oversight.SPOKEN_COLUMNS, spoken),
    )


def test_open_action_past_its_date_is_listed_and_one_due_today_is_not():
    d = as_data([record(1, "2026-11-02", agreed=[("A", "2026-11-24"), ("B", "2026-11-25"), ("C", "2026-11-10")]),
                 record(2, "2026-11-16", reviewed=[("C", "Done")])])
    lines = oversight.overdue_actions(d, AS_OF)
    assert lines["action_id"].tolist() == ["A"]
    line = lines.iloc[0]
    assert (line["days_overdue"], line["record_id"], line["last_review"]) == (1, "1", "Not reviewed yet")
    assert line["agreed_on"] == pd.Timestamp("2026-11-02") and line["by_when"] == pd.Timestamp("2026-11-24")


def test_partly_done_and_not_done_stay_open_done_and_no_longer_needed_close():
    d = as_data([
        record(1, "2026-10-01", agreed=[("A", "2026-10-10"), ("B", "2026-10-10"), ("C", "2026-10-10"),
                                        ("D", "2026-10-10")]),
        record(2, "2026-10-20", reviewed=[("A", "Done"), ("B", "Partly done"), ("C", "Not done"),
                                          ("D", "No longer needed")]),
    ])
    lines = oversight.overdue_actions(d, AS_OF)
    assert dict(zip(lines["action_id"], lines["last_review"], strict=True)) == {"B": "Partly done", "C": "Not done"}


def test_an_action_agreed_again_after_being_done_is_open_from_its_new_agreement():
    d = as_data([
        record(1, "2026-09-01", agreed=[("A", "2026-09-10")]),
        record(2, "2026-09-20", reviewed=[("A", "Done")]),
        record(3, "2026-10-01", agreed=[("A", "2026-10-15")]),
    ])
    lines = oversight.overdue_actions(d, AS_OF)
    assert lines[["action_id", "record_id", "last_review"]].values.tolist() == [["A", "3", "Not reviewed yet"]]
    assert lines.iloc[0]["by_when"] == pd.Timestamp("2026-10-15")


def test_carry_forward_on_many_random_histories_matches_the_rule_walked_by_hand():
    """The one rule (`records.carry_forward.action_standing`), through the oversight frames and through
    the records (`open_actions`), against `oracle.open_action_ids`; same-day discussions included."""
    rng = np.random.default_rng(5)
    statuses = ["Done", "Partly done", "Not done", "No longer needed"]
    for trial in range(40):
        records, agreed_ids = [], []
        day = dt.date(2026, 1, 5)
        for i in range(int(rng.integers(1, 7))):
            # Each discussion reviews some earlier actions and agrees some (sometimes re-agreeing one).
            pool = list(dict.fromkeys(agreed_ids))
            reviewed = [(a, statuses[int(rng.integers(4))]) for a in pool if rng.random() < 0.6]
            fresh = [f"T{trial}-{i}-{k}" for k in range(int(rng.integers(0, 3)))]
            again = [a for a in pool if rng.random() < 0.15 and a not in {r for r, _ in reviewed}]
            agreed = [(a, day + dt.timedelta(days=int(rng.integers(1, 30)))) for a in fresh + again]
            agreed_ids += fresh
            same_day = rng.random() < 0.2 and records
            event = records[-1].event_date if same_day else day
            records.append(record(100 * trial + i, event, agreed=agreed, reviewed=reviewed))
            day += dt.timedelta(days=int(rng.integers(10, 40)))
        expected = oracle.open_action_ids(records)
        assert [a.action_id for a in open_actions(records)] == expected, trial
        standing = oversight.action_standing(as_data(records))
        assert list(standing.loc[standing["open"], "action_id"]) == expected, trial


# -- children not spoken to ---------------------------------------------------------------------------


def test_child_spoken_to_42_days_ago_is_in_time_43_days_ago_is_a_gap():
    d = as_data([record(1, "2026-10-20", children=[("K1", "Ann", "2026-10-14"), ("K2", "Ben", "2026-10-13")])])
    lines = oversight.children_not_spoken_to(d, AS_OF, interval_days=42)
    assert lines[["child_id", "child", "days_overdue", "record_id"]].values.tolist() == [["K2", "Ben", 1, "1"]]
    assert lines.iloc[0]["last_spoken_to"] == pd.Timestamp("2026-10-13")


def test_latest_time_spoken_to_counts_and_children_never_spoken_to_count_from_the_open_date():
    d = as_data(
        [record(1, "2026-09-01", children=[("K1", "Ann", "2026-09-01")]),
         record(2, "2026-11-20", children=[("K1", "Ann", "2026-11-18")])],
        case_rows=[("C1", "Oak family", "North", "pat.worker", "2026-10-01", None)],
    )
    d.children = frame(oversight.CHILD_COLUMNS, [("C1", "K1", "Ann"), ("C1", "K9", "Cal")])
    lines = oversight.children_not_spoken_to(d, AS_OF)
    assert lines["child_id"].tolist() == ["K9"]
    line = lines.iloc[0]
    assert pd.isna(line["last_spoken_to"]) and line["due_by"] == pd.Timestamp("2026-11-12")
    assert (line["days_overdue"], line["child"], line["manager"]) == (13, "Cal", "Mo Manager")


# -- supervision records recorded late ------------------------------------------------------------------


def test_supervision_records_late_by_the_one_timeliness_rule():
    d = data(
        cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", None)),
        discussions=frame(oversight.DISCUSSION_COLUMNS, [
            # Monday 16/11/2026, planned: due Monday 23/11.
            supervision(1, "C1", "2026-11-16", "2026-11-23 16:00"),  # on time
            supervision(2, "C1", "2026-11-16", "2026-11-24 09:00"),  # late by 1 day
            # Friday 20/11/2026, safeguarding advice: due Monday 23/11 (next working day).
            supervision(3, "C1", "2026-11-20", "2026-11-23 23:30", risk=True),  # 23:30 UTC is 23:30 in London
            supervision(4, "C1", "2026-11-20", "2026-11-24 08:00", risk=True),  # late
            supervision(5, "C1", "2026-11-02"),  # never completed, due 09/11: overdue
            supervision(6, "C1", "2026-11-24"),  # a draft not yet due
            # Monday 15/06/2026, risk: due Tuesday 16/06; 23:30 UTC is 00:30 on Wednesday in London (BST).
            supervision(7, "C1", "2026-06-15", "2026-06-16 23:30", risk=True),
            supervision(8, "C1", "2026-11-02", "2026-11-30 10:00", kind="review_summary"),  # not a supervision
        ]),
    )
    lines = oversight.late_supervision_records(d, AS_OF).set_index("record_id")
    assert sorted(lines.index) == ["2", "4", "5", "7"]
    assert lines.loc["2", "due_date"] == pd.Timestamp("2026-11-23") and lines.loc["2", "days_late"] == 1
    assert lines.loc["4", "rule"] == "next working day (risk)" and lines.loc["4", "days_late"] == 1
    assert lines.loc["5", "timeliness"] == "Overdue (not recorded)" and lines.loc["5", "days_late"] == 16
    assert pd.isna(lines.loc["5", "completed_on"])
    assert lines.loc["7", "completed_on"] == pd.Timestamp("2026-06-17") and lines.loc["7", "days_late"] == 1
    assert lines.loc["2", "timeliness"] == "Recorded late"
    assert (lines.loc["2", "manager"], lines.loc["2", "practitioner"], lines.loc["2", "team"]) == (
        "Mo Manager", "Pat Worker", "North")


def test_supervision_record_due_dates_follow_the_council_calendar():
    from familyservice_nb.working_days import WorkingCalendar

    d = data(cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", None)),
             discussions=frame(oversight.DISCUSSION_COLUMNS, [supervision(1, "C1", "2026-11-20", "2026-11-24 10:00",
                                                                          risk=True)]))
    assert len(oversight.late_supervision_records(d, AS_OF)) == 1
    closed_monday = WorkingCalendar(closures=["2026-11-23"])
    assert oversight.late_supervision_records(d, AS_OF, calendar=closed_monday).empty


# -- line management supervisions due -----------------------------------------------------------------


def test_line_management_due_after_four_weeks_and_when_never_held():
    staff = frame(oversight.STAFF_COLUMNS, [
        *STAFF.itertuples(index=False),
        ("kim.worker", "Kim Worker", "practitioner", "North", "mo.manager", True),
        ("ray.worker", "Ray Worker", "practitioner", "North; South", "mo.manager", True),
        ("zed.worker", "Zed Worker", "practitioner", "West", "mo.manager", False),  # not overseen by the viewer
    ])
    d = OversightData(staff=staff, line_management=frame(oversight.LINE_COLUMNS, [
        ("10", "pat.worker", "mo.manager", "2026-10-28", "complete", "2026-10-28 16:00", None),  # in time (28 days)
        ("11", "lee.worker", "sue.manager", "2026-10-27", "complete", "2026-10-27 16:00", None),  # due 24/11
        ("12", "kim.worker", "mo.manager", "2026-11-20", "draft", None, None),  # a draft: none recorded yet
        ("13", "ray.worker", "mo.manager", "2026-09-01", "complete", "2026-09-01 16:00", None),
        ("14", "ray.worker", "mo.manager", "2026-11-01", "complete", "2026-11-02 16:00", None),  # the latest counts
    ]))
    assert oversight.LINE_MANAGEMENT_INTERVAL.days == 28
    lines = oversight.line_management_due(d, AS_OF)
    assert lines["login"].tolist() == ["kim.worker", "lee.worker"]  # never held first
    kim, lee = lines.iloc[0], lines.iloc[1]
    assert pd.isna(kim["days_overdue"]) and pd.isna(kim["last_supervision"])
    assert (lee["days_overdue"], lee["record_id"], lee["manager"], lee["practitioner"]) == (
        1, "11", "Sue Manager", "Lee Worker")
    assert "mo.manager" not in set(lines["login"])  # no line manager: not listed


# -- the report -------------------------------------------------------------------------------------------


def demo_data() -> OversightData:
    d = as_data([
        record(1, "2026-10-01", agreed=[("A", "2026-10-10")], children=[("K1", "Ann", "2026-09-01")]),
        record(2, "2026-10-02", agreed=[("B", "2026-10-10")], case_id="C2"),
    ], case_rows=[("C1", "Oak family", "North", "pat.worker", "2026-01-05", None),
                  ("C2", "Elm family", "South", "lee.worker", "2026-01-05", None)])
    return d


def test_report_counts_by_team_and_by_manager_and_filters():
    report = management_oversight(demo_data(), as_of=AS_OF)
    assert report.as_of == AS_OF and report.open_case_count == 2
    assert (report.settings.supervision_interval_days, report.settings.child_seen_interval_days,
            report.settings.line_management_interval_days) == (28, 42, 28)
    by_team = report.counts("team").set_index("team")
    assert list(by_team.columns) == [*oversight.MEASURES, "total"]
    assert by_team.loc["North", "cases_without_supervision"] == 1
    assert by_team.loc["North", "overdue_actions"] == 1
    assert by_team.loc["North", "children_not_spoken_to"] == 1
    assert by_team.loc["South", "overdue_actions"] == 1
    for name, table in report.tables().items():
        assert by_team[name].sum() == len(table)
    by_manager = report.counts("manager").set_index("manager")
    assert by_manager.loc["Mo Manager", "total"] == by_team.loc["North", "total"] - by_team.loc[
        "North", "line_management_due"] + (report.line_management_due["manager"] == "Mo Manager").sum()
    north = report.filtered(team="North")
    assert set(north.overdue_actions["case_id"]) == {"C1"}
    assert all((t["team"] == "North").all() for t in north.tables().values())
    assert report.filtered(manager="Sue Manager").overdue_actions["case_id"].tolist() == ["C2"]
    assert "28 days" in report.titles()["cases_without_supervision"]


def test_report_uses_the_council_settings_intervals():
    settings = CouncilSettings(supervision_interval_days=60, child_seen_interval_days=100)
    report = management_oversight(demo_data(), settings=settings, as_of=AS_OF)
    assert report.cases_without_supervision.empty  # supervised 55 and 54 days ago
    assert report.children_not_spoken_to.empty  # spoken to 85 days ago
    assert report.titles()["children_not_spoken_to"].endswith("(not in 100 days)")


def test_empty_data_gives_empty_tables():
    report = management_oversight(OversightData(), as_of=AS_OF)
    assert all(t.empty for t in report.tables().values())
    assert report.counts("team").empty


@pytest.mark.parametrize("name", list(oversight.MEASURES))
def test_every_line_carries_team_manager_and_something_to_open(name):
    report = management_oversight(demo_data(), as_of=AS_OF)
    table = report.tables()[name]
    assert {"team", "manager"} <= set(table.columns)
    assert {"case_id", "record_id", "login"} & set(table.columns)


# -- every record's timeliness, EPDRs, what counts as spoken to -------------------------------------------


def test_late_records_cover_every_kind_with_meeting_and_entered_dates_apart():
    """Rule: timeliness of every record the workbook holds shows; held and entered dates apart."""
    d = data(
        cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", None)),
        discussions=frame(oversight.DISCUSSION_COLUMNS, [supervision(8, "C1", "2026-11-02", "2026-11-30 10:00",
                                                                     kind="review_summary")]),
        recordings=frame(oversight.RECORDING_COLUMNS, [
            # Monday 16/11/2026 session, entered Tuesday, completed Tuesday 24/11: late by a day.
            ("20", "session", "C1", "2026-11-16", False, "pat.worker", "complete", "2026-11-17 09:00",
             "2026-11-24 09:00"),
            ("21", "case_note", "C1", "2026-11-23", True, "pat.worker", "draft", "2026-11-23 17:00", None),  # overdue
            ("22", "gfpo_session", "C1", "2026-11-23", False, "pat.worker", "complete", "2026-11-23 17:00",
             "2026-11-23 17:00"),  # on time
        ]),
    )
    lines = oversight.late_records(d, AS_OF).set_index("record_id")
    assert sorted(lines.index) == ["20", "21", "8"]
    assert lines.loc["20", "kind"] == "Session record" and lines.loc["8", "kind"] == "Review summary"
    assert (lines.loc["20", "event_date"], lines.loc["20", "entered_on"], lines.loc["20", "completed_on"]) == (
        pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-17"), pd.Timestamp("2026-11-24"))
    assert lines.loc["21", "rule"] == "next working day (risk)" and lines.loc["21", "timeliness"] == "Overdue (not recorded)"
    assert lines.loc["20", "manager"] == "Mo Manager"  # the case's manager (the worker's line manager)
    report = management_oversight(d, as_of=AS_OF)
    assert report.late_supervision_records.empty and len(report.late_records) == 3


def epdrs(*rows) -> pd.DataFrame:
    return frame(oversight.EPDR_COLUMNS, list(rows))


def test_an_epdr_held_15_12_2025_is_overdue_on_04_01_2027_and_one_held_05_01_2026_from_06_01_2027():
    """Rule: an EPDR is due by the next EPDR date the last one set; overdue from the day after."""
    d = data(epdrs=epdrs(("30", "pat.worker", "mo.manager", "2025-12-15", "complete", "2025-12-15 16:00", "2026-12-15"),
                         ("31", "lee.worker", "sue.manager", "2026-01-05", "complete", "2026-01-05 16:00", "2027-01-05")))
    lines = oversight.epdr_due(d, dt.date(2027, 1, 4))
    assert lines["login"].tolist() == ["pat.worker"]
    pat = lines.iloc[0]
    assert (pat["last_epdr"], pat["next_epdr_date"], pat["due_by"], pat["days_overdue"], pat["record_id"]) == (
        pd.Timestamp("2025-12-15"), pd.Timestamp("2026-12-15"), pd.Timestamp("2026-12-15"), 20, "30")
    assert pat["practitioner"] == "Pat Worker" and pat["manager"] == "Mo Manager" and pat["team"] == "North"
    assert oversight.epdr_due(d, dt.date(2027, 1, 5))["login"].tolist() == ["pat.worker"]  # Lee's is due today
    lines = oversight.epdr_due(d, dt.date(2027, 1, 6))
    assert lines["login"].tolist() == ["pat.worker", "lee.worker"] and lines["days_overdue"].tolist() == [22, 1]


def test_a_next_epdr_date_set_beyond_a_year_is_due_a_cycle_after_the_epdr_held_02_01_2026():
    """Rule: the EPDR is annual: none held in the council's EPDR cycle (a year) is overdue, whatever date was set."""
    d = data(epdrs=epdrs(("31", "lee.worker", "sue.manager", "2026-01-02", "complete", "2026-01-02 16:00", "2027-06-30")))
    lines = oversight.epdr_due(d, dt.date(2027, 1, 4))
    lee = lines.set_index("login").loc["lee.worker"]
    assert (lee["next_epdr_date"], lee["due_by"], lee["days_overdue"]) == (
        pd.Timestamp("2027-06-30"), pd.Timestamp("2027-01-02"), 2)
    two_years = management_oversight(d, settings=CouncilSettings(epdr_cycle_days=730), as_of=dt.date(2027, 1, 4))
    assert "lee.worker" not in set(two_years.epdr_due["login"])
    assert two_years.titles()["epdr_due"] == "EPDRs overdue (one every 730 days)"


def test_no_epdr_recorded_is_overdue_now_and_a_draft_or_a_planned_date_does_not_count():
    d = data(epdrs=epdrs(("30", "pat.worker", "mo.manager", "2026-11-20", "draft", None, None)),
             line_management=frame(oversight.LINE_COLUMNS, [
                 ("10", "lee.worker", "sue.manager", "2026-11-20", "complete", "2026-11-20 16:00", "2027-03-01")]))
    lines = oversight.epdr_due(d, AS_OF)
    assert sorted(lines["login"]) == ["lee.worker", "pat.worker"]
    assert lines["due_by"].isna().all() and lines["days_overdue"].isna().all() and lines["record_id"].isna().all()


def test_line_management_interval_is_a_council_setting():
    d = OversightData(staff=STAFF, line_management=frame(oversight.LINE_COLUMNS, [
        ("10", "pat.worker", "mo.manager", "2026-10-20", "complete", "2026-10-20 16:00", None),
        ("11", "lee.worker", "sue.manager", "2026-10-20", "complete", "2026-10-20 16:00", None),
    ]))
    assert len(management_oversight(d, as_of=AS_OF).line_management_due) == 2  # 36 days > 28
    settings = CouncilSettings(line_management_interval_days=42, epdr_cycle_days=400)
    report = management_oversight(d, settings=settings, as_of=AS_OF)
    assert report.line_management_due.empty and report.settings.line_management_interval_days == 42
    assert report.settings.epdr_cycle_days == 400


def test_the_page_says_what_counts_as_spoken_to():
    note = oversight.spoken_to_note()
    for kind in ("supervision", "session", "gfpo_session", "case_note"):
        assert kind_named(kind).spoken_to in note
    assert "case notes with a 'Children spoken to' detail" in note and "does not count" in note
    assert "line management" not in note.lower()


def test_the_page_says_which_records_are_timed_and_by_what_rule():
    note = oversight.late_records_note()
    assert "Case supervision; Review summary; Closure summary" in note and "GFPO session record" in note
    assert "Line management" not in note
    assert "within 5 working days" in note and "by the next working day when harm or risk" in note


# -- the lines behind a figure ---------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEAMS = {"C1": ("North", "pat.worker"), "C2": ("South", "lee.worker"), "C3": ("North", "pat.worker"),
         "C4": ("West", None)}


@st.composite
def oversight_histories(draw):
    """Random completed supervisions over four cases (three teams, one with no manager), random filters."""
    records = []
    for i in range(draw(st.integers(0, 8))):
        case_id = draw(st.sampled_from(sorted(TEAMS)))
        day = dt.date(2026, 6, 1) + dt.timedelta(days=draw(st.integers(0, 170)))
        agreed = [(f"A{i}-{k}", day + dt.timedelta(days=draw(st.integers(1, 60))))
                  for k in range(draw(st.integers(0, 3)))]
        children = [(f"K-{case_id}", "Ann", day)] if draw(st.booleans()) else []
        records.append(record(i + 1, day, agreed=agreed, case_id=case_id, children=children))
    rows = [(c, f"{c} family", team, worker, "2026-01-05", None) for c, (team, worker) in TEAMS.items()]
    as_of = dt.date(2026, 9, 1) + dt.timedelta(days=draw(st.integers(0, 120)))
    team = draw(st.sampled_from([None, "North", "South", "West"]))
    manager = draw(st.sampled_from([None, "Mo Manager", "Sue Manager", oversight.NO_MANAGER]))
    return as_data(records, case_rows=rows), as_of, team, manager


@settings(max_examples=25, deadline=None)
@given(oversight_histories(), st.sampled_from(["team", "manager"]))
def test_the_lines_behind_each_figure_number_the_figure_none_lost_none_twice(history, by):
    d, as_of, team, manager = history
    report = management_oversight(d, as_of=as_of).filtered(team=team, manager=manager)
    counts = report.counts(by)
    for name in oversight.MEASURES:
        behind = [report.lines_behind(name, by, value) for value in counts[by]]
        for lines, figure, value in zip(behind, counts[name], counts[by], strict=True):
            assert len(lines) == figure
            assert (lines[by] == value).all()
        table = report.tables()[name]
        every = pd.concat(behind, ignore_index=True) if behind else table.iloc[:0]
        rows = lambda f: sorted(map(tuple, f.astype(str).to_numpy().tolist()))  # noqa: E731
        assert rows(every) == rows(table)  # no line lost, none twice


def test_the_lines_behind_a_figure_refuse_an_unknown_measure_in_words():
    report = management_oversight(demo_data(), as_of=AS_OF)
    assert len(report.lines_behind("overdue_actions")) == len(report.overdue_actions)
    with pytest.raises(ValueError, match="measure must be one of"):
        report.lines_behind("gaps")
    with pytest.raises(ValueError, match="by must be team or manager"):
        report.lines_behind("overdue_actions", "worker", "x")


# -- the registry: every measure declared once, with its guidance and what to do -----------------------------


@pytest.mark.parametrize("declared", list(oversight.MEASURES.values()), ids=lambda m: m.code)
def test_every_measure_has_a_code_titles_guidance_what_to_do_and_page_words(declared):
    assert declared.code and declared.code == declared.code.strip().lower().replace(" ", "_")
    assert oversight.MEASURES[declared.code] is declared
    assert declared.title.strip() and declared.short_title.strip() and len(declared.short_title) <= 31  # Excel's
    assert citation_problems(declared.guidance) == []
    assert len(declared.what_to_do) > 20 and declared.what_to_do.endswith(".")
    assert declared.note().startswith(declared.what_to_do)
    assert declared.lines_are.strip() and declared.empty.endswith(".")


def test_measures_codes_and_titles_are_each_used_once():
    measures = list(oversight.MEASURES.values())
    for words in ("code", "title", "short_title"):
        assert len({getattr(m, words) for m in measures}) == len(measures), words


@pytest.mark.parametrize("declared", list(oversight.MEASURES.values()), ids=lambda m: m.code)
def test_the_columns_a_measure_declares_are_in_its_lines(declared):
    lines = management_oversight(demo_data(), as_of=AS_OF).tables()[declared.code]
    assert set(declared.columns) <= set(lines.columns)
    assert set(declared.excel or {}) <= set(lines.columns)


def test_the_report_holds_exactly_the_registry_in_its_order():
    report = management_oversight(demo_data(), as_of=AS_OF)
    assert list(report.tables()) == list(report.titles()) == list(oversight.MEASURES)
    assert list(oversight.measures_table()["measure"]) == list(oversight.MEASURES)
    assert oversight.measures_table()["what_to_do"].tolist() == [m.what_to_do for m in oversight.MEASURES.values()]


def test_a_measure_declared_once_is_in_the_report_its_counts_and_titles():
    @oversight.measure(
        "open_cases_test", title="Every open case (test)", short_title="Open (test)",
        guidance=oversight.MEASURES["cases_without_supervision"].guidance, what_to_do="Nothing to do: a test.",
        lines_are="open cases", empty="No open case.", columns={"case_id": "Case"},
    )
    def every_open_case(data, as_of):
        return oversight.open_cases(data, as_of)

    try:
        report = management_oversight(demo_data(), as_of=AS_OF)
        assert report.open_cases_test["case_id"].tolist() == ["C1", "C2"]
        assert report.titles()["open_cases_test"] == "Every open case (test)"
        assert report.counts("team").set_index("team").loc["North", "open_cases_test"] == 1
        with pytest.raises(ValueError, match="already declared"):
            oversight.measure("open_cases_test", title="", short_title="", guidance=None, what_to_do="",
                              lines_are="", empty="", columns={})(every_open_case)
    finally:
        oversight.MEASURES.pop("open_cases_test")


def test_a_measure_gets_the_councils_interval_and_calendar_as_declared():
    """Thursday 24/12/2026, risk identified: due the next working day. Christmas (Friday), the weekend and the
    Boxing Day holiday (Monday 28/12) make it Tuesday 29/12; with the council closed on the 29th, Wednesday 30/12.
    Completed on Wednesday 30/12 it is late by a day, or on time where the council was closed."""
    d = data(
        cases=cases(("C1", "Oak family", "North", "pat.worker", "2026-01-05", None)),
        discussions=frame(oversight.DISCUSSION_COLUMNS, [
            supervision(1, "C1", "2026-12-24", "2026-12-30 10:00", risk=True)]),
    )
    late = oversight.MEASURES["late_records"]
    england = CouncilSettings()
    closed = CouncilSettings(closure_days=["2026-12-29"])
    day = pd.Timestamp("2027-01-04")
    assert late.lines(d, day, england, england.calendar())["due_date"].tolist() == [pd.Timestamp("2026-12-29")]
    assert late.lines(d, day, closed, closed.calendar()).empty
    assert management_oversight(d, settings=closed, as_of=day).late_records.empty  # the settings' calendar
    supervised = oversight.MEASURES["cases_without_supervision"]
    assert supervised.lines(d, day, england, england.calendar()).empty  # 11 days since the supervision
    assert len(supervised.lines(d, day, CouncilSettings(supervision_interval_days=10), england.calendar())) == 1
    assert supervised.title_for(CouncilSettings(supervision_interval_days=10)).endswith("(none in 10 days)")


# -- each case's verdicts, for a standard to reuse -----------------------------------------------------------


def test_case_results_give_each_open_case_each_case_measures_lines():
    d = demo_data()
    report = management_oversight(d, as_of=AS_OF)
    by_case = oversight.case_results(d, as_of=AS_OF)
    assert list(by_case.index) == ["C1", "C2"]
    assert list(by_case.columns) == [code for code, t in report.tables().items() if "case_id" in t]
    for code in by_case.columns:
        assert by_case[code].sum() == report.tables()[code]["case_id"].isin(by_case.index).sum(), code
    pd.testing.assert_frame_equal(by_case, report.by_case())
    assert by_case.loc["C2", "overdue_actions"] == 1


def test_case_results_work_out_only_the_measures_asked_for(monkeypatch):
    asked = []
    for code, declared in oversight.MEASURES.items():
        monkeypatch.setitem(oversight.MEASURES, code, replace(
            declared, lines_of=lambda *a, code=code, fn=declared.lines_of, **kw: asked.append(code) or fn(*a, **kw)))
    results = oversight.case_results(demo_data(), ["cases_without_supervision"], as_of=AS_OF)
    assert asked == ["cases_without_supervision"] and list(results.columns) == ["cases_without_supervision"]


def test_case_results_follow_the_as_of_date_and_the_councils_interval():
    """Both cases were last supervised on 01/10 and 02/10/2026: within 28 days until 29/10 and 30/10."""
    d = demo_data()
    on = {day: oversight.case_results(d, ["cases_without_supervision"], as_of=dt.date(2026, 10, day))[
        "cases_without_supervision"].tolist() for day in (29, 30, 31)}
    assert on == {29: [0, 0], 30: [1, 0], 31: [1, 1]}
    longer = oversight.case_results(d, ["cases_without_supervision"], CouncilSettings(supervision_interval_days=60),
                                    as_of=AS_OF)
    assert longer["cases_without_supervision"].tolist() == [0, 0]


def test_an_as_of_date_given_as_text_is_read_the_uk_way():
    day, _settings, _calendar = oversight.basis("04/11/2026")
    assert day == pd.Timestamp("2026-11-04")
    assert oversight.basis("2026-11-04")[0] == day
    assert oversight.basis(dt.date(2026, 11, 4))[0] == day
    with pytest.raises(ValueError, match="The as-of date: '31/02/2026' is not a date we can read"):
        oversight.basis("31/02/2026")
