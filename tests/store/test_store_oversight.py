"""`Store.oversight_data`: the frames oversight is worked out from, with who-sees-what, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from storehelp import (
    ADMIN,
    ANALYST,
    FRI_20_NOV,
    MANAGER,
    OTHER_MANAGER,
    OTHER_WORKER,
    TEAMMATE,
    WORKER,
    make_supervision,
    supervision_data,
)

from familyservice_nb import oversight
from familyservice_nb.records import RECORD_KINDS

AS_OF = dt.date(2026, 11, 25)


def line_management(practitioner: str, manager: str, day: str = "20/11/2026"):
    return RECORD_KINDS["line_management"].model_validate(
        {"event_date": day, "author": manager, "practitioner": practitioner, "manager": manager,
         "next_epdr_date": "01/04/2027"}
    )


def fill(as_user) -> dict[str, str]:
    """Supervisions on both teams' cases (one left a draft), a review of actions, line management."""
    morgan, riley = as_user(MANAGER), as_user(OTHER_MANAGER)
    first = morgan.save_draft(RECORD_KINDS["supervision"].model_validate(supervision_data("C-N1") | dict(
        event_date=dt.date(2026, 10, 1),
        agreed_actions=[{"action_id": f"A{i}", "what": f"Action {i}", "by_whom": WORKER, "by_when": f"0{i + 6}/10/2026"}
                        for i in (1, 2)],
        children=[{"child_id": f"K-{i}", "pseudonym": f"Child {i}", "date_spoken_to": "30/09/2026",
                   "seen_alone": True, "views_and_feelings": "Happy at school."} for i in (1, 2)],
    )))
    morgan.complete(first)
    second = make_supervision(
        "C-N1", actions=0, children=1,
        previous_actions=[{"action_id": "A1", "status": "Done"},
                          {"action_id": "A2", "status": "Not done", "comment": "The family were away."}],
    )
    second_id = morgan.save_draft(second)
    morgan.complete(second_id)
    draft = morgan.save_draft(make_supervision("C-N2", actions=1))  # never completed
    south = riley.save_draft(make_supervision("C-S1", actions=1))
    riley.complete(south)
    ids = {"first": first, "second": second_id, "draft": draft, "south": south}
    for key, practitioner, manager in (("lm_alex", WORKER, MANAGER), ("lm_sam", OTHER_WORKER, OTHER_MANAGER)):
        store = as_user(manager)
        ids[key] = store.save_draft(line_management(practitioner, manager))
        store.complete(ids[key])
    return ids


def test_frames_hold_what_oversight_needs(seeded, as_user):
    ids = fill(as_user)
    data = as_user(ANALYST).oversight_data()
    assert sorted(data.cases["case_id"]) == ["C-N1", "C-N2", "C-S1"]
    case = data.cases.set_index("case_id").loc["C-N1"]
    assert (case["family"], case["team"], case["worker"]) == ("Oakhurst family", "North", WORKER)
    assert case["open_date"] == pd.Timestamp("2026-03-02") and pd.isna(case["close_date"])
    assert sorted(data.children["child_id"]) == ["K-1", "K-2", "K-3", "K-4"]

    discussions = data.discussions.set_index("record_id")
    assert set(discussions.index) == {ids["first"], ids["second"], ids["draft"], ids["south"]}
    assert pd.isna(discussions.loc[ids["draft"], "completed_at"])
    assert discussions.loc[ids["first"], "completed_at"].tzinfo is not None
    assert discussions.loc[ids["south"], "practitioner"] == OTHER_WORKER
    assert discussions.loc[ids["south"], "author"] == OTHER_MANAGER

    # Actions and reviews come from completed discussions only (not the draft on C-N2).
    assert sorted(zip(data.agreed_actions["record_id"], data.agreed_actions["action_id"], strict=True)) == sorted(
        [(ids["first"], "A1"), (ids["first"], "A2"), (ids["south"], "A1")])
    assert data.agreed_actions["by_when"].dtype.kind == "M"
    reviews = data.action_reviews.set_index("action_id")
    assert reviews.loc["A2", "status"] == "Not done" and reviews.loc["A2", "record_id"] == ids["second"]
    spoken = data.children_spoken_to
    assert spoken.loc[spoken["record_id"] == ids["first"], "child_id"].tolist() == ["K-1", "K-2"]
    assert spoken["date_spoken_to"].iloc[0] == pd.Timestamp("2026-09-30")

    line = data.line_management.set_index("practitioner")
    assert line.loc[WORKER, "manager"] == MANAGER and line.loc[WORKER, "record_id"] == ids["lm_alex"]
    staff = data.staff.set_index("login")
    assert staff.loc[WORKER, "line_manager"] == MANAGER and staff.loc[WORKER, "teams"] == "North"
    assert staff.loc[WORKER, "name"] == "Pat Practitioner"


def test_carry_forward_agrees_with_the_forms(seeded, as_user):
    fill(as_user)
    store = as_user(ANALYST)
    standing = oversight.action_standing(store.oversight_data())
    for case_id in ("C-N1", "C-N2", "C-S1"):
        expected = {a.action_id for a in store.open_actions(case_id)}
        assert set(standing.loc[standing["open"] & (standing["case_id"] == case_id), "action_id"]) == expected
    assert {a.action_id for a in store.open_actions("C-N1")} == {"A2"}


def test_each_role_sees_its_own_oversight(seeded, as_user):
    fill(as_user)
    expect = {
        WORKER: ({"C-N1"}, {WORKER}),
        TEAMMATE: ({"C-N2"}, {TEAMMATE}),
        MANAGER: ({"C-N1", "C-N2"}, {MANAGER, WORKER, TEAMMATE}),
        OTHER_MANAGER: ({"C-S1"}, {OTHER_MANAGER, OTHER_WORKER}),
    }
    for login, (case_ids, people) in expect.items():
        data = as_user(login).oversight_data()
        assert set(data.cases["case_id"]) == case_ids, login
        assert set(data.discussions["case_id"]) <= case_ids, login
        assert set(data.agreed_actions["case_id"]) <= case_ids, login
        assert set(data.children["case_id"]) <= case_ids, login
        assert set(data.staff.loc[data.staff["overseen"], "login"]) == people, login
        assert set(data.line_management["practitioner"]) <= people, login
    for login in (ANALYST, ADMIN):
        assert len(as_user(login).oversight_data().cases) == 3


def test_a_practitioner_cannot_see_another_teams_oversight(seeded, as_user):
    fill(as_user)
    later = dt.date(2026, 12, 31)  # when every case, action and person has a gap
    report = oversight.management_oversight(as_user(WORKER).oversight_data(), as_of=later)
    for name, table in report.tables().items():
        assert set(table["team"]) == {"North"}, name  # Pat's own gaps: none of South's
    assert set(report.counts("team")["team"]) == {"North"}
    assert set(report.counts("manager")["manager"]) == {"Mo Manager"}
    everyone = oversight.management_oversight(as_user(ANALYST).oversight_data(), as_of=later)
    assert set(everyone.counts("team")["team"]) == {"North", "South"}


def test_report_from_the_store(seeded, as_user):
    ids = fill(as_user)
    report = oversight.management_oversight(as_user(ANALYST).oversight_data(), as_of=AS_OF)
    # C-N1: A2 (not done, due 08/10/2026, after its agreement on 01/10) is past its date; A1 is done.
    actions = report.overdue_actions
    assert actions[["case_id", "action_id", "last_review"]].values.tolist() == [["C-N1", "A2", "Not done"]]
    # Completed today (after the test's dates): the supervision of 01/10 was recorded late; the draft
    # of 20/11 is not yet due (due 27/11).
    late = report.late_supervision_records.set_index("record_id")
    assert ids["first"] in late.index and ids["draft"] not in late.index
    # C-N2 has only a draft, and opened on 01/10: no supervision since, so a gap from 30/10.
    gaps = report.cases_without_supervision.set_index("case_id")
    assert list(gaps.index) == ["C-N2"]
    assert gaps.loc["C-N2", "manager"] == "Mo Manager"
    # Line management: Alex and Sam were supervised on 20/11; Jo never.
    assert report.line_management_due["login"].tolist() == [TEAMMATE]


def test_first_completion_is_kept_after_an_amendment(seeded, as_user):
    store = as_user(MANAGER)
    record_id = store.save_draft(make_supervision())
    store.complete(record_id)
    first = store.oversight_data().discussions.set_index("record_id").loc[record_id, "completed_at"]
    store.amend(record_id, make_supervision(progress="Corrected."), reason="Typo")
    again = store.oversight_data().discussions.set_index("record_id").loc[record_id, "completed_at"]
    assert again == first
    assert store.oversight_data().discussions.set_index("record_id").loc[record_id, "event_date"] == pd.Timestamp(
        FRI_20_NOV)


def test_an_empty_workbook_gives_empty_frames(seeded, as_user):
    data = as_user(ANALYST).oversight_data()
    assert data.discussions.empty and data.agreed_actions.empty and data.line_management.empty
    report = oversight.management_oversight(data, as_of=AS_OF)
    assert set(report.cases_without_supervision["case_id"]) == {"C-N1", "C-N2", "C-S1"}


def test_a_child_counts_as_spoken_to_from_any_completed_record_that_says_so(seeded, as_user):
    """Rule: sessions, GFPO sessions and case notes with a 'children spoken to' detail count,
    on the record's date; a child recorded as not seen does not; drafts do not."""
    worker = as_user(WORKER)
    base = {"author": WORKER, "case_id": "C-N1"}
    session = RECORD_KINDS["session"].model_validate({
        **base, "event_date": "23/11/2026", "who": "Mum and Robin", "aim": "Routine", "method": "Chart",
        "aims_met": True, "outcome": "Agreed", "observations_and_reflections": "Warm.", "children_spoken_to": ["K-1"]})
    worker.complete(worker.save_draft(session))
    visit = RECORD_KINDS["case_note"].model_validate({
        **base, "event_date": "24/11/2026", "note_type": "Visit", "text": "Home visit.", "children_spoken_to": ["K-2"]})
    draft_visit = worker.save_draft(visit)  # a draft is not evidence
    data = as_user(MANAGER).oversight_data()
    assert data.children_spoken_to[["child_id", "date_spoken_to"]].values.tolist() == [
        ["K-1", pd.Timestamp("2026-11-23")]]
    worker.complete(draft_visit)
    manager = as_user(MANAGER)
    manager.complete(manager.save_draft(make_supervision(children=0)))  # K-1, K-2 'Not seen this period'
    data = manager.oversight_data()
    seen = dict(zip(data.children_spoken_to["child_id"], data.children_spoken_to["date_spoken_to"], strict=True))
    assert seen == {"K-1": pd.Timestamp("2026-11-23"), "K-2": pd.Timestamp("2026-11-24")}
    report = oversight.management_oversight(data, as_of=AS_OF)
    assert not {"K-1", "K-2"} & set(report.children_not_spoken_to["child_id"])
    session_line = data.recordings.set_index("kind").loc["session"]
    assert session_line["entered_at"].tzinfo is not None and session_line["state"] == "complete"


def test_a_child_named_at_a_session_must_be_on_the_case(seeded, as_user):
    from familyservice_nb.store import IncompleteRecord

    worker = as_user(WORKER)
    visit = RECORD_KINDS["case_note"].model_validate({
        "author": WORKER, "case_id": "C-N1", "event_date": "24/11/2026", "note_type": "Visit",
        "text": "Home visit.", "children_spoken_to": ["K-4"]})
    with pytest.raises(IncompleteRecord, match="'K-4' is not a child on case C-N1"):
        worker.complete(worker.save_draft(visit))


def test_epdr_and_line_management_interval_come_from_the_stored_settings(seeded, as_user, store_url):
    from familyservice_nb.records import CouncilSettings
    from familyservice_nb.store import Store

    Store(store_url).save_settings(CouncilSettings(line_management_interval_days=3, epdr_cycle_days=200))
    manager = as_user(MANAGER)
    settings = manager.settings()
    assert (settings.line_management_interval_days, settings.epdr_cycle_days) == (3, 200)
    far = line_management(WORKER, MANAGER).model_copy(update={"next_epdr_date": dt.date(2027, 11, 1)})
    record_id = manager.save_draft(far)
    from familyservice_nb.store import IncompleteRecord

    with pytest.raises(IncompleteRecord, match="EPDR cycle of 200 days"):
        manager.complete(record_id)
    manager.complete(record_id, line_management(WORKER, MANAGER))  # 01/04/2027: within 200 days
    report = oversight.management_oversight(manager.oversight_data(), settings=settings, as_of=AS_OF)
    assert WORKER in set(report.line_management_due["login"])  # 5 days ago > 3 days
    assert WORKER in set(report.epdr_due["login"])  # a next EPDR date planned at supervision is no EPDR held
    # An EPDR held on 20/11/2026 setting the next for 19/11/2027 is due at the latest 200 days on, 08/06/2027.
    manager.complete(manager.save_draft(RECORD_KINDS["epdr"].model_validate({
        "event_date": "20/11/2026", "author": MANAGER, "practitioner": WORKER, "manager": MANAGER,
        "objectives": [{"what": "Lead two parenting groups", "by_when": "31/03/2027"}], "next_epdr_date": "19/11/2027"})))
    data = manager.oversight_data()
    assert WORKER not in set(oversight.management_oversight(data, settings=settings, as_of=AS_OF).epdr_due["login"])
    late = oversight.management_oversight(data, settings=settings, as_of=dt.date(2027, 6, 9)).epdr_due
    assert late.set_index("login").loc[WORKER, "due_by"] == pd.Timestamp("2027-06-08")
