"""On PostgreSQL the database itself enforces who sees what (migration 0004, store/db_logins.py).

Each test connects with the URL `provision_login` returned, as a hub user's server would, and checks with
raw SQL what that login sees and may change, then that the store running as that login gives the same
rows as the store's own filter (access.py) for the same person.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from storehelp import (
    ADMIN,
    ANALYST,
    MANAGER,
    OTHER_MANAGER,
    OTHER_WORKER,
    TEAMMATE,
    WORKER,
    make_supervision,
    seed_people,
)

from familyservice_nb.records import RECORD_KINDS
from familyservice_nb.store import NotAllowed, NotFound, Store
from familyservice_nb.store.db_logins import login_role_name, provision_login, remove_leavers, remove_login
from familyservice_nb.store.repository import RecordLocked

pytestmark = pytest.mark.postgres
EVERYONE = (MANAGER, OTHER_MANAGER, WORKER, TEAMMATE, OTHER_WORKER, ANALYST, ADMIN)


@pytest.fixture
def team(postgres_url, tmp_path):
    """Two teams' staff and cases; Morgan's completed supervision of C-N1, Alex's completed case note on
    C-N1, Riley's completed supervision of C-S1, Morgan's line management of Alex; an extract's notes
    loaded by the analyst through their own login. Returns (owner store, {login: record id}, login URLs)."""
    owner = Store(postgres_url)
    seed_people(owner)
    urls = {login: provision_login(postgres_url, login) for login in EVERYONE}
    stores = []

    def as_login(login):
        store = Store(urls[login])
        stores.append(store)
        return store

    ids = {}
    morgan, riley, alex = as_login(MANAGER), as_login(OTHER_MANAGER), as_login(WORKER)
    ids["supervision"] = morgan.save_draft(make_supervision("C-N1"))
    morgan.complete(ids["supervision"])
    ids["other_team"] = riley.save_draft(make_supervision("C-S1"))
    riley.complete(ids["other_team"])
    ids["case_note"] = alex.save_draft(RECORD_KINDS["case_note"].model_validate({
        "event_date": "20/11/2026", "author": WORKER, "case_id": "C-N1", "note_type": "Visit",
        "text": "Home visit; both children seen.",
    }))
    alex.complete(ids["case_note"])
    ids["line_management"] = morgan.save_draft(RECORD_KINDS["line_management"].model_validate({
        "event_date": "20/11/2026", "author": MANAGER, "practitioner": WORKER, "manager": MANAGER,
        "workload_management": "Caseload of 14 is manageable.", "next_epdr_date": "01/04/2027",
    }))
    morgan.complete(ids["line_management"])
    extract = pd.DataFrame({
        "note_id": ["N1", "N2", "N3", "N4", "N5"],
        "case_id": ["C-N1", "C-N2", "C-S1", "CASE-999", "CASE-998"],
        "worker": ["Pat Practitioner", "Sam Worker", "Lee South", "Pat Practitioner", "Lee South"],
        "team": ["North", "North", "South", "North", "South"],
        "event_date": ["16/11/2026"] * 5,
        "recorded_at": ["17/11/2026 10:00"] * 5,
    })
    extract.to_csv(tmp_path / "extract.csv", index=False)
    as_login(ANALYST).import_extract(tmp_path / "extract.csv", as_of="20/11/2026")
    yield owner, ids, urls, as_login
    for store in stores:
        store.close()
    owner.close()


@pytest.fixture
def sql():
    """sql(url, statement) -> rows, run in a transaction of its own under that login."""
    engines = {}

    def run(url, statement, **params):
        engine = engines.setdefault(url, create_engine(url))
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    yield run
    for engine in engines.values():
        engine.dispose()


def ids_of(rows) -> set[str]:
    return {str(r[0]) for r in rows}


def test_a_practitioners_login_sees_only_their_own_rows(team, sql):
    owner, ids, urls, _ = team
    alex = urls[WORKER]
    assert ids_of(sql(alex, "SELECT case_id FROM cases")) == {"C-N1"}
    assert ids_of(sql(alex, "SELECT child_id FROM children")) == {"K-1", "K-2"}
    assert ids_of(sql(alex, "SELECT record_id FROM records")) == {ids["supervision"], ids["case_note"],
                                                                  ids["line_management"]}
    assert ids_of(sql(alex, "SELECT DISTINCT record_id FROM record_versions")) == ids_of(
        sql(alex, "SELECT record_id FROM records"))
    assert ids_of(sql(alex, "SELECT note_id FROM notes")) == {"N1", "N4"}
    trail = sql(alex, "SELECT entity, entity_id FROM audit")
    assert {(e, i) for e, i in trail if e == "record"} == {
        ("record", ids[k]) for k in ("supervision", "case_note", "line_management")}
    assert {i for e, i in trail if e == "note"} <= {"N1", "N4"}
    assert not [1 for e, _ in trail if e in ("staff", "import", "settings")]
    # Another team's rows are not there even when asked for by name.
    assert sql(alex, "SELECT * FROM cases WHERE case_id = 'C-S1'") == []
    assert sql(alex, "SELECT * FROM records WHERE record_id = :r", r=int(ids["other_team"])) == []
    assert sql(alex, "SELECT * FROM notes WHERE note_id IN ('N3', 'N5')") == []
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(alex, "SELECT * FROM import_rejects")
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(alex, "SELECT * FROM database_logins")
    # ... and cannot be changed or removed either: the rows simply are not there to touch.
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(alex, "UPDATE cases SET family_pseudonym = 'x'")
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(alex, "DELETE FROM audit")
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(alex, "UPDATE staff SET role = 'admin' WHERE login = :l", l=WORKER)
    # The owner (direct database access, the hub) still sees everything.
    assert len(owner.cases()) == 3


def test_a_manager_sees_their_teams_and_an_analyst_everything(team, sql):
    _, ids, urls, _ = team
    assert ids_of(sql(urls[MANAGER], "SELECT case_id FROM cases")) == {"C-N1", "C-N2"}
    assert ids_of(sql(urls[MANAGER], "SELECT note_id FROM notes")) == {"N1", "N2", "N4"}
    assert ids_of(sql(urls[OTHER_MANAGER], "SELECT case_id FROM cases")) == {"C-S1"}
    assert ids_of(sql(urls[OTHER_MANAGER], "SELECT note_id FROM notes")) == {"N3", "N5"}
    assert ids["line_management"] not in ids_of(sql(urls[OTHER_MANAGER], "SELECT record_id FROM records"))
    assert ids_of(sql(urls[TEAMMATE], "SELECT case_id FROM cases")) == {"C-N2"}
    assert ids_of(sql(urls[TEAMMATE], "SELECT record_id FROM records")) == set()
    for login in (ANALYST, ADMIN):
        assert ids_of(sql(urls[login], "SELECT case_id FROM cases")) == {"C-N1", "C-N2", "C-S1"}
        assert len(sql(urls[login], "SELECT * FROM notes")) == 5
        assert len(sql(urls[login], "SELECT * FROM records")) == 4


def test_updating_a_completed_record_is_refused_by_the_database(team, sql):
    owner, ids, urls, _ = team
    for login in (WORKER, MANAGER, ANALYST):
        with pytest.raises(DBAPIError, match="cannot be changed"):
            sql(urls[login], "UPDATE record_versions SET payload = '{}' WHERE record_id = :r", r=int(ids["supervision"]))
        with pytest.raises(DBAPIError, match="can only be changed by an amendment"):
            sql(urls[login], "UPDATE records SET risk_identified = true WHERE record_id = :r",
                r=int(ids["supervision"]))
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(urls[MANAGER], "DELETE FROM record_versions")
    # Not even the owner rewrites a completed record in place.
    owner_url = owner.url
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):
        sql(owner_url, "UPDATE records SET state = 'draft' WHERE record_id = :r", r=int(ids["supervision"]))
    assert owner.info(ids["supervision"]).state == "complete"


def test_only_the_day_it_went_on_mosaic_goes_past_the_lock_and_names_who_said_so(team, sql):
    """Migration 0006: a completed record's row takes the Mosaic columns alone, with the login as who said so;
    the Mosaic day changed with anything else is still refused."""
    owner, ids, urls, _ = team
    record = int(ids["supervision"])
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):
        sql(urls[MANAGER], "UPDATE records SET mosaic_entered_on = '2026-11-23', risk_identified = true "
                           "WHERE record_id = :r", r=record)
    sql(urls[MANAGER], "UPDATE records SET mosaic_entered_on = '2026-11-23', mosaic_confirmed_by = 'someone.else' "
                       "WHERE record_id = :r", r=record)
    info = owner.info(ids["supervision"])
    assert (str(info.mosaic_entered_on), info.mosaic_confirmed_by) == ("2026-11-23", MANAGER)
    assert (info.state, info.current_version) == ("complete", 1)  # nothing else moved


def _amended(record, **changes):
    return record.model_copy(update=changes)


def test_an_amendment_is_made_by_the_author_or_a_manager_of_the_team_and_refused_otherwise(team, sql):
    _, ids, urls, as_login = team
    supervision = as_login(MANAGER).get(ids["supervision"])
    # Alex sees the manager's supervision of their case, but did not write it.
    with pytest.raises(NotAllowed, match=r"cannot amend record .*: only its author \(mo.manager\), a manager of the case's team"):
        as_login(WORKER).amend(ids["supervision"], _amended(supervision, progress="Changed"), reason="Typo")
    with pytest.raises(DBAPIError, match="Only the author"):  # nor by raw SQL
        sql(urls[WORKER], """INSERT INTO record_versions (record_id, version, state, payload, saved_at, saved_by)
                             VALUES (:r, 2, 'complete', '{}', now(), 'pat.practitioner')""", r=int(ids["supervision"]))
    # The author amends their own record; a manager of the case's team amends the practitioner's note.
    assert as_login(MANAGER).amend(ids["supervision"], _amended(supervision, progress="Corrected"), "Typo") == 2
    note = as_login(WORKER).get(ids["case_note"])
    assert as_login(MANAGER).amend(ids["case_note"], _amended(note, text="Both children seen alone."), "Detail") == 2
    assert as_login(WORKER).amend(ids["case_note"], _amended(note, text="Seen at home."), "Place") == 3
    # Line management: the line manager amends; the practitioner it is about does not.
    lm = as_login(WORKER).get(ids["line_management"])
    with pytest.raises(NotAllowed, match="line manager"):
        as_login(WORKER).amend(ids["line_management"], _amended(lm, workload_management="Too much"), "Mine")
    assert as_login(MANAGER).amend(ids["line_management"], _amended(lm, workload_management="14 cases"), "Count") == 2
    # Another team's manager cannot even see the record to amend it.
    assert sql(urls[OTHER_MANAGER], "SELECT * FROM records WHERE record_id = :r", r=int(ids["supervision"])) == []
    # A completed version stays as it was, and who did what is the login, whatever was written.
    versions = as_login(MANAGER).versions(ids["case_note"])
    assert [(v.version, v.saved_by) for v in versions] == [(1, WORKER), (2, MANAGER), (3, WORKER)]


def test_a_login_cannot_write_another_persons_name(team, sql):
    owner, ids, urls, _ = team
    with pytest.raises(DBAPIError, match="permission denied for table audit"):  # the trail is the database's
        sql(urls[WORKER], """INSERT INTO audit (at, actor, action, entity, entity_id)
                             VALUES (now(), 'mo.manager', 'forged', 'record', :r)""", r=ids["case_note"])
    assert sql(owner.url, "SELECT actor FROM audit WHERE action = 'forged'") == []
    number = sql(urls[WORKER], """INSERT INTO records (kind, case_id, author, event_date, risk_identified, state,
            current_version, created_at, created_by, updated_at) VALUES ('case_note', 'C-N1', 'pat.practitioner',
            '2026-11-20', false, 'draft', 1, now(), 'mo.manager', now()) RETURNING record_id""")[0][0]
    assert sql(owner.url, "SELECT created_by FROM records WHERE record_id = :r", r=number) == [(WORKER,)]
    with pytest.raises(DBAPIError, match="Who created record"):
        sql(urls[WORKER], "UPDATE records SET created_by = 'mo.manager' WHERE record_id = :r", r=number)
    # Nor write on a case they cannot see.
    with pytest.raises(DBAPIError, match="row-level security"):
        sql(urls[WORKER], """INSERT INTO records (kind, case_id, author, event_date, risk_identified, state,
            current_version, created_at, created_by, updated_at) VALUES ('case_note', 'C-S1', 'pat.practitioner',
            '2026-11-20', false, 'draft', 1, now(), 'pat.practitioner', now())""")


def test_a_login_cannot_lift_its_limits(team, sql):
    owner, _, urls, _ = team
    alex, owner_role = urls[WORKER], make_url(owner.url).username
    flags = sql(alex, "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = "
                      "current_user")
    assert flags == [(False, False, False, False)]
    for statement in (
        "ALTER TABLE cases DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE cases NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY who_sees_what ON cases",
        "CREATE POLICY mine ON cases USING (true)",
        "DROP TRIGGER records_rules ON records",
        f'SET ROLE "{owner_role}"',
        "SELECT rolpassword FROM pg_authid",
        "SELECT fsnb_setup_group_roles()",
        "CREATE TABLE mine (x int)",
    ):
        with pytest.raises(DBAPIError, match="must be owner|permission denied|not permitted|must be able"):
            sql(alex, statement)
    # SET ROLE to its group changes nothing: the database goes by the login, not the current role.
    group = sql(alex, "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                      "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user")[0][0]
    engine = create_engine(alex)
    with engine.begin() as conn:
        conn.execute(text(f'SET ROLE "{group}"'))
        assert ids_of(conn.execute(text("SELECT case_id FROM cases"))) == {"C-N1"}
    engine.dispose()
    # The URL holds the login's own password only.
    assert make_url(alex).username != owner_role
    assert make_url(alex).password != make_url(owner.url).password


def test_the_store_as_a_login_gives_the_same_rows_as_its_own_filter(team):
    owner, _, urls, as_login = team
    for login in EVERYONE:
        by_database, by_store = as_login(login), Store(owner.url, user=login)
        try:
            assert by_database.viewer() == by_store.viewer()
            assert by_database.user == login  # learnt from the database login on first use
            assert [c.case_id for c in by_database.cases()] == [c.case_id for c in by_store.cases()]
            assert [r.record_id for r in by_database.records()] == [r.record_id for r in by_store.records()]
            assert list(by_database.notes_frame()["note_id"]) == list(by_store.notes_frame()["note_id"])
            oversight_db, oversight_store = by_database.oversight_data(), by_store.oversight_data()
            assert list(oversight_db.cases["case_id"]) == list(oversight_store.cases["case_id"])
        finally:
            by_store.close()


def test_the_store_takes_the_user_from_the_login_and_puts_refusals_in_plain_words(team):
    _, ids, urls, as_login = team
    with pytest.raises(NotAllowed, match="cannot act as 'mo.manager'"), Store(urls[WORKER], user=MANAGER) as store:
        store.cases()
    with pytest.raises(NotFound):  # under its login, another team's case is not there at all
        as_login(WORKER).case("C-S1")
    # "Direct database access" through a login is still that login.
    with as_login(WORKER).with_database_access() as direct:
        assert [c.case_id for c in direct.cases()] == ["C-N1"]
    # With the store's filter out of the way, the database still refuses, in the store's words.
    alex = as_login(WORKER)
    with alex.writing() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 1
    with pytest.raises(NotAllowed, match="does not let your login do this to the staff list"), alex.writing() as conn:
        conn.execute(text("UPDATE staff SET role = 'admin'"))
    with pytest.raises(RecordLocked, match="cannot be changed"), alex.writing() as conn:
        conn.execute(text("UPDATE record_versions SET payload = '{}' WHERE record_id = :r"),
                     {"r": int(ids["supervision"])})


def test_a_login_is_refreshed_with_a_new_password_and_removed_when_someone_leaves(team, sql):
    owner, _, urls, _ = team
    old = urls[TEAMMATE]
    new = provision_login(owner.url, TEAMMATE)
    assert make_url(new).username == make_url(old).username and make_url(new).password != make_url(old).password
    with pytest.raises(OperationalError, match="password authentication failed"):
        sql(old, "SELECT 1")
    assert ids_of(sql(new, "SELECT case_id FROM cases")) == {"C-N2"}
    # Jo leaves the staff list: their login sees nothing at once, and is then removed.
    sql(owner.url, "DELETE FROM staff_teams WHERE staff_id = (SELECT staff_id FROM staff WHERE login = :l)", l=TEAMMATE)
    sql(owner.url, "UPDATE cases SET allocated_worker_id = NULL WHERE case_id = 'C-N2'")
    sql(owner.url, "DELETE FROM staff WHERE login = :l", l=TEAMMATE)
    assert sql(new, "SELECT * FROM cases") == []
    with pytest.raises(NotAllowed, match="no longer on the workbook's staff list"), Store(new) as store:
        store.cases()
    assert remove_leavers(owner.url) == [TEAMMATE]
    with pytest.raises(DBAPIError, match="permission denied|invalid role"):  # an open session is refused at once
        sql(new, "SELECT * FROM cases")
    with pytest.raises(OperationalError, match="password authentication failed|does not exist"):
        create_engine(new, poolclass=NullPool).connect()
    assert remove_login(owner.url, TEAMMATE) is False
    with pytest.raises(NotAllowed, match="not on the workbook's staff list"):
        provision_login(owner.url, "pat.stranger")
    # A role change moves the login to the other group at its next start.
    sql(owner.url, "UPDATE staff SET role = 'analyst' WHERE login = :l", l=OTHER_WORKER)
    analyst_url = provision_login(owner.url, OTHER_WORKER)
    assert len(sql(analyst_url, "SELECT * FROM import_rejects")) == 0
    assert remove_login(owner.url, OTHER_WORKER) is True


def test_role_names_are_safe_short_and_distinct():
    names = {login_role_name("fsnb_t_0123456789abcdef", login) for login in (
        "alex.example", "Alex.Example", 'x"; DROP TABLE cases; --', "ü" * 200, "admin", "a" * 200, "a" * 199)}
    assert len(names) == 7
    for name in names:
        assert len(name) <= 63 and name.replace("_", "").isalnum() and name == name.lower()


# -- for any allocation, the database's policy and the store's filter agree --------------------------


@pytest.fixture
def logins_for_everyone(postgres_url):
    owner = Store(postgres_url)
    seed_people(owner)
    urls = {login: provision_login(postgres_url, login) for login in EVERYONE}
    engines = {login: create_engine(url) for login, url in urls.items()}
    filtered = {login: Store(postgres_url, user=login) for login in EVERYONE}  # the store's own filter
    yield owner, engines, filtered
    for engine in engines.values():
        engine.dispose()
    for store in [owner, *filtered.values()]:
        store.close()


CASES = [f"CASE-{i:03d}" for i in range(1, 9)]
TEAMS = ["North", "South", None]
WORKERS = [None, WORKER, TEAMMATE, OTHER_WORKER, MANAGER]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    allocations=st.lists(st.tuples(st.sampled_from(WORKERS), st.sampled_from(TEAMS)), min_size=8, max_size=8),
    memberships=st.fixed_dictionaries({login: st.sets(st.sampled_from(["North", "South"]))
                                       for login in (MANAGER, OTHER_MANAGER, WORKER, TEAMMATE, OTHER_WORKER)}),
    notes=st.lists(st.tuples(st.sampled_from([*CASES, "CASE-999"]),
                             st.sampled_from(["Pat Practitioner", "Sam Worker", "Lee South", WORKER, None]),
                             st.sampled_from(TEAMS)), max_size=10),
)
def test_for_any_allocation_the_database_shows_what_the_store_filter_shows(
    logins_for_everyone, allocations, memberships, notes
):
    owner, engines, filtered = logins_for_everyone
    with owner.writing() as conn:
        staff_ids = dict(conn.execute(text("SELECT login, staff_id FROM staff")).all())
        team_ids = dict(conn.execute(text("SELECT name, team_id FROM teams")).all())
        conn.execute(text("DELETE FROM staff_teams"))
        for login, teams in memberships.items():
            for name in teams:
                conn.execute(text("INSERT INTO staff_teams VALUES (:s, :t)"), {"s": staff_ids[login], "t": team_ids[name]})
        conn.execute(text("DELETE FROM children"))
        conn.execute(text("DELETE FROM notes"))
        conn.execute(text("DELETE FROM cases"))
        for case_id, (worker, team_name) in zip(CASES, allocations, strict=True):
            conn.execute(text("INSERT INTO cases (case_id, family_pseudonym, allocated_worker_id, team_id) "
                              "VALUES (:c, 'Family', :w, :t)"),
                         {"c": case_id, "w": staff_ids.get(worker), "t": team_ids.get(team_name)})
        if notes:
            conn.execute(text("INSERT INTO imports (import_id, file_name, as_of, state, started_at, imported_by, "
                              "rows_in, notes_new, notes_updated, notes_unchanged, notes_older, rows_rejected) "
                              "VALUES (1, 'x.csv', '2026-11-20', 'complete', now(), 'test', 0, 0, 0, 0, 0, 0) "
                              "ON CONFLICT DO NOTHING"))
        for i, (case_id, worker, team_name) in enumerate(notes):
            conn.execute(text("INSERT INTO notes (note_id, case_id, worker, team, event_date, risk_identified, "
                              "as_of, first_import_id, last_import_id) VALUES (:n, :c, :w, :t, '2026-11-16', false, "
                              "'2026-11-20', 1, 1)"), {"n": f"N{i}", "c": case_id, "w": worker, "t": team_name})
    for login, engine in engines.items():
        expected_cases = {c.case_id for c in filtered[login].cases()}
        expected_notes = set(filtered[login].notes_frame()["note_id"])
        with engine.connect() as conn:
            assert ids_of(conn.execute(text("SELECT case_id FROM cases"))) == expected_cases, login
            assert ids_of(conn.execute(text("SELECT note_id FROM notes"))) == expected_notes, login


def test_the_migration_can_be_undone_and_done_again(team, sql):
    from alembic import command
    from alembic.script import ScriptDirectory

    from familyservice_nb.store import migrate
    from familyservice_nb.store.engine import make_engine

    owner, _, urls, _ = team
    group_roles = "SELECT count(*) FROM pg_roles WHERE rolname = ANY (fsnb_group_roles())"
    assert sql(owner.url, group_roles) == [(4,)]
    login = make_url(urls[WORKER]).username
    engine = make_engine(owner.url)
    try:
        sql(urls[WORKER], "SELECT 1")  # an open session of the login: it is dropped all the same
        with engine.connect() as conn:
            before = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0004").down_revision
            command.downgrade(migrate.alembic_config(connection=conn), before)
        assert migrate.current_revision(engine) == before
        assert sql(owner.url, "SELECT count(*) FROM pg_roles WHERE rolname = :r", r=login) == [(0,)]
        assert sql(owner.url, "SELECT count(*) FROM pg_policies") == [(0,)]
        assert sql(owner.url, "SELECT bool_or(relrowsecurity) FROM pg_class WHERE relname IN ('cases', 'notes')") == [
            (False,)]
        assert migrate.upgrade(engine) == migrate.head_revision()
        assert sql(owner.url, group_roles) == [(4,)]
        assert sql(owner.url, "SELECT count(*) FROM pg_policies") == [(17,)]  # 0004's, and 0007's by command
        assert len(owner.cases()) == 3
    finally:
        engine.dispose()


def test_a_login_copied_from_another_database_is_not_reused(postgres_url, sql):
    """A backup restored elsewhere brings database_logins rows naming the first database's roles."""
    with Store(postgres_url) as owner:
        seed_people(owner)
    sql(postgres_url, "INSERT INTO database_logins VALUES ('elsewhere_jo_teammate_0370b81a', :l, now())", l=TEAMMATE)
    url = provision_login(postgres_url, TEAMMATE)
    assert make_url(url).username.startswith(make_url(postgres_url).database + "_")
    assert sql(postgres_url, "SELECT role_name FROM database_logins") == [(make_url(url).username,)]
    assert ids_of(sql(url, "SELECT case_id FROM cases")) == {"C-N2"}
