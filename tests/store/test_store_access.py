"""Who sees what: practitioners their own cases, managers their teams', analysts and admins all."""

from __future__ import annotations

import pandas as pd
import pytest
from storehelp import (
    ADMIN,
    ANALYST,
    MANAGER,
    OTHER_MANAGER,
    OTHER_WORKER,
    TEAMMATE,
    WORKER,
    make_supervision,
)

from familyservice_nb.records import RECORD_KINDS, Staff
from familyservice_nb.store import NotAllowed, Store


def _case_ids(store) -> list[str]:
    return [c.case_id for c in store.cases()]


def test_each_role_sees_the_cases_it_should(seeded, as_user):
    assert _case_ids(as_user(WORKER)) == ["C-N1"]
    assert _case_ids(as_user(TEAMMATE)) == ["C-N2"]
    assert _case_ids(as_user(OTHER_WORKER)) == ["C-S1"]
    assert _case_ids(as_user(MANAGER)) == ["C-N1", "C-N2"]
    assert _case_ids(as_user(OTHER_MANAGER)) == ["C-S1"]
    for login in (ANALYST, ADMIN):
        assert _case_ids(as_user(login)) == ["C-N1", "C-N2", "C-S1"]


def test_opening_a_case_one_may_not_see_is_refused_plainly(seeded, as_user):
    worker = as_user(WORKER)
    assert worker.case("C-N1").family_pseudonym == "Oakhurst family"
    assert [c.pseudonym for c in worker.case("C-N1").children] == ["Ann", "Ben"]
    with pytest.raises(NotAllowed, match="C-N2"):
        worker.case("C-N2")
    with pytest.raises(NotAllowed):
        as_user(MANAGER).case("C-S1")
    with pytest.raises(NotAllowed):
        worker.notes_frame(case_id="C-S1")
    with pytest.raises(NotAllowed):
        worker.open_actions("C-S1")


def test_records_follow_their_case(seeded, as_user):
    manager = as_user(MANAGER)
    own = manager.save_draft(make_supervision("C-N1"))
    theirs = as_user(OTHER_MANAGER).save_draft(make_supervision("C-S1"))
    assert [r.record_id for r in as_user(WORKER).records()] == [own]
    assert as_user(WORKER).get(own).case_id == "C-N1"
    for login in (WORKER, TEAMMATE, MANAGER):
        with pytest.raises(NotAllowed):
            as_user(login).get(theirs)
        with pytest.raises(NotAllowed):
            as_user(login).versions(theirs)
        with pytest.raises(NotAllowed):
            as_user(login).audit_trail(record_id=theirs)
    assert [r.record_id for r in as_user(TEAMMATE).records()] == []
    assert {r.record_id for r in as_user(ANALYST).records()} == {own, theirs}


def test_nobody_writes_on_a_case_they_cannot_see(seeded, as_user):
    with pytest.raises(NotAllowed):
        as_user(MANAGER).save_draft(make_supervision("C-S1"))
    assert as_user(ANALYST).records() == []


def test_line_management_records_are_seen_by_those_they_concern(seeded, as_user):
    record = RECORD_KINDS["line_management"].model_validate({
        "event_date": "20/11/2026", "author": MANAGER, "practitioner": WORKER, "manager": MANAGER,
        "workload_management": "Caseload of 14 is manageable.",
    })
    record_id = as_user(MANAGER).save_draft(record)
    assert as_user(WORKER).get(record_id).practitioner == WORKER
    with pytest.raises(NotAllowed):
        as_user(TEAMMATE).get(record_id)
    with pytest.raises(NotAllowed):
        as_user(OTHER_MANAGER).get(record_id)


def test_someone_not_on_the_staff_list_sees_nothing_and_is_told(seeded, as_user):
    stranger = as_user("pat.stranger")
    with pytest.raises(NotAllowed, match="not on the workbook's staff list"):
        stranger.cases()
    with pytest.raises(NotAllowed):
        stranger.notes_frame()


def test_only_analysts_and_admins_load_data_and_read_the_whole_trail(seeded, as_user, tmp_path):
    manager = as_user(MANAGER)
    with pytest.raises(NotAllowed):
        manager.import_extract(tmp_path / "x.csv")
    with pytest.raises(NotAllowed):
        manager.audit_trail()
    with pytest.raises(NotAllowed):
        manager.save_staff([Staff(name="New Person", login="new.person", role="admin")])
    assert len(as_user(ANALYST).audit_trail()) > 0


def test_the_first_staff_list_can_be_loaded_by_whoever_sets_up(store_url):
    store = Store(store_url, user="first.admin")
    store.save_staff([Staff(name="First Admin", login="first.admin", role="admin")])
    assert store.viewer().role == "admin"
    late = Store(store_url, user="pat.stranger")
    with pytest.raises(NotAllowed):
        late.save_staff([Staff(name="Pat Stranger", login="pat.stranger", role="admin")])


def test_notes_are_filtered_the_same_way(seeded, as_user, tmp_path):
    extract = pd.DataFrame({
        "note_id": ["N1", "N2", "N3", "N4"],
        "case_id": ["C-N1", "C-N2", "C-S1", "CASE-999"],
        "worker": ["Pat Practitioner", "Sam Worker", "Lee South", "Pat Practitioner"],
        "team": ["North", "North", "South", "North"],
        "event_date": ["16/11/2026"] * 4,
        "recorded_at": ["17/11/2026 10:00"] * 4,
    })
    path = tmp_path / "extract.csv"
    extract.to_csv(path, index=False)
    as_user(ANALYST).import_extract(path, as_of="20/11/2026")

    def seen(login):
        return sorted(as_user(login).notes_frame()["note_id"])

    assert seen(WORKER) == ["N1", "N4"]  # their case, and a note they wrote on a case not loaded
    assert seen(TEAMMATE) == ["N2"]
    assert seen(MANAGER) == ["N1", "N2", "N4"]
    assert seen(OTHER_MANAGER) == ["N3"]
    assert seen(ANALYST) == ["N1", "N2", "N3", "N4"]


def test_hub_identity_wins_and_cannot_be_swapped(store_url, monkeypatch):
    monkeypatch.setenv("FSNB_USER", "laptop.person")
    assert Store(store_url).user == "laptop.person"
    monkeypatch.setenv("JUPYTERHUB_USER", MANAGER)
    assert Store(store_url).user == MANAGER
    assert Store(store_url, user=MANAGER).user == MANAGER
    with pytest.raises(NotAllowed, match="JupyterHub"):
        Store(store_url, user=ADMIN)
