"""The database enforces who may record what, not only who sees what (migration 0007, PostgreSQL).

Each test is an attack: someone holding their own workbook login (a practitioner, a manager, an analyst) connects
with plain SQL, as an analyst's code could, and tries to record what the store's rules would refuse. Every forgery
is refused in plain words naming the field, or its sent times are replaced by the database's; what a login may
write directly is audited by the database itself. Then the provisioning role: it makes and rotates logins, and
can do nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
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
    supervision_data,
)

from familyservice_nb.records import RECORD_KINDS
from familyservice_nb.store import NotAllowed, Store, authorship
from familyservice_nb.store.access import load_viewer
from familyservice_nb.store.audit import READ_ACTIONS
from familyservice_nb.store.db_logins import (
    login_role_name,
    prepare_provisioner,
    provision_login,
    provision_person,
    remove_leavers,
    remove_login,
    rotate_logins,
    staff_login,
    staff_role,
)

pytestmark = pytest.mark.postgres
EVERYONE = (MANAGER, OTHER_MANAGER, WORKER, TEAMMATE, OTHER_WORKER, ANALYST, ADMIN)
LONG_AGO = "2020-01-06 09:00:00+00"
REFUSED = "insufficient_privilege|permission denied"


def note(author, **changes):
    data = {"event_date": "20/11/2026", "author": author, "case_id": "C-N1", "note_type": "Visit",
            "text": "Home visit; both children seen."}
    return RECORD_KINDS["case_note"].model_validate(data | changes)


def line_management(**changes):
    return RECORD_KINDS["line_management"].model_validate({
        "event_date": "20/11/2026", "author": MANAGER, "practitioner": WORKER, "manager": MANAGER,
        "workload_management": "Caseload of 14 is manageable.", "next_epdr_date": "01/04/2027", **changes})


@pytest.fixture
def world(postgres_url):
    """The two teams; every person's own login; records made through the store under those logins:
    Mo's completed supervision of C-N1 and a draft one, Pat's completed case note and a draft one, Mo's
    completed line management of Pat."""
    owner = Store(postgres_url)
    seed_people(owner)
    urls = {login: provision_login(postgres_url, login) for login in EVERYONE}
    stores = {login: Store(url) for login, url in urls.items()}
    mo, pat = stores[MANAGER], stores[WORKER]
    ids = {"mo_done": mo.save_draft(make_supervision()), "mo_draft": mo.save_draft(make_supervision(progress="Mo's")),
           "pat_done": pat.save_draft(note(WORKER)), "pat_draft": pat.save_draft(note(WORKER, text="Half")),
           "line": mo.save_draft(line_management())}
    for done in ("mo_done", "pat_done", "line"):
        (mo if done != "pat_done" else pat).complete(ids[done])
    engines = {}

    def sql(login, *statements, **params):
        """Run statements in one transaction as `login` (or "owner"); the last one's rows (or row count)."""
        url = postgres_url if login == "owner" else urls[login]
        engine = engines.setdefault(url, create_engine(url, poolclass=NullPool))
        with engine.begin() as conn:
            for statement in statements:
                result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    yield SimpleNamespace(owner=owner, urls=urls, stores=stores, ids={k: int(v) for k, v in ids.items()}, sql=sql,
                          url=postgres_url)
    for engine in engines.values():
        engine.dispose()
    for store in [owner, *stores.values()]:
        store.close()


def record_row(w, record_id):
    return w.sql("owner", "SELECT * FROM records WHERE record_id = :r", r=record_id)[0]._asdict()


def versions(w, record_id):
    return [v._asdict() for v in w.sql("owner", "SELECT * FROM record_versions WHERE record_id = :r ORDER BY version",
                                       r=record_id)]


def trail(w, record_id):
    return [a._asdict() for a in w.sql("owner", "SELECT * FROM audit WHERE entity = 'record' AND entity_id = :r "
                                                "ORDER BY audit_id", r=str(record_id))]


NEW_RECORD = """INSERT INTO records (kind, case_id, subject, author, manager, manager_required, event_date,
    risk_identified, state, current_version, created_at, created_by, updated_at)
    VALUES ('supervision', 'C-N1', 'pat.practitioner', :author, 'mo.manager', true, '2020-01-06', false, :state, 1,
            :long_ago, :author, :long_ago) RETURNING record_id"""
PAYLOAD = json.dumps({"author": WORKER, "case_id": "C-N1", "practitioner": WORKER, "manager": MANAGER,
                      "event_date": "2020-01-06", "kind": "Planned supervision"})
NEW_VERSION = """INSERT INTO record_versions (record_id, version, state, payload, saved_at, saved_by, completed_at,
    completed_by, reason)
    VALUES (:r, :v, :state, :payload, :long_ago, 'mo.manager', :long_ago, 'mo.manager', :reason)"""


# -- a practitioner forging a manager's supervision ----------------------------------------------------


def test_a_practitioner_cannot_insert_a_completed_backdated_supervision_in_a_managers_name(world):
    w = world
    args = {"long_ago": LONG_AGO}
    with pytest.raises(DBAPIError, match=r"Recorded by: a record is saved in the name of the person signed in "
                                         r"\(pat.practitioner\), not mo.manager"):
        w.sql(WORKER, NEW_RECORD, author=MANAGER, state="draft", **args)
    with pytest.raises(DBAPIError, match="State: a new record is saved as a draft"):
        w.sql(WORKER, NEW_RECORD, author=WORKER, state="complete", **args)
    # In their own name, as a draft: allowed, but dated now, whatever was sent.
    number, now = w.sql(WORKER, NEW_RECORD.replace("RETURNING record_id", "RETURNING record_id, now()"),
                        author=WORKER, state="draft", **args)[0]
    row = record_row(w, number)
    assert (row["created_at"], row["updated_at"], row["created_by"], row["state"]) == (now, now, WORKER, "draft")
    # ... then a completed first version, a second completed version, a completed draft, a flipped state.
    with pytest.raises(DBAPIError, match="State: a new record is saved as a draft"):
        w.sql(WORKER, NEW_VERSION, r=number, v=1, state="complete", payload=PAYLOAD, reason=None, **args)
    w.sql(WORKER, NEW_VERSION, r=number, v=1, state="draft", payload=PAYLOAD, reason=None, **args)
    with pytest.raises(DBAPIError, match=f"Record {number} is a draft: it is saved over, not given another version"):
        w.sql(WORKER, NEW_VERSION, r=number, v=2, state="complete", payload=PAYLOAD, reason="Done", **args)
    with pytest.raises(DBAPIError, match=f"Only a manager of the case's team can complete record {number}"):
        w.sql(WORKER, "UPDATE record_versions SET state = 'complete' WHERE record_id = :r", r=number)
    with pytest.raises(DBAPIError, match=rf"State: record {number} is complete only once its current version"):
        w.sql(WORKER, "UPDATE records SET state = 'complete' WHERE record_id = :r", r=number)
    with pytest.raises(DBAPIError, match=r"Recorded by: the author of a record cannot be changed"):
        w.sql(WORKER, "UPDATE records SET author = 'mo.manager' WHERE record_id = :r", r=number)
    assert record_row(w, number)["state"] == "draft"
    [version] = versions(w, number)
    assert (version["state"], version["saved_by"], version["completed_by"], version["completed_at"]) == (
        "draft", WORKER, None, None)
    assert version["saved_at"] > now  # its own transaction's time, not 2020's
    # Nothing of it was completed.
    completed = {r[0] for r in w.sql("owner", "SELECT record_id FROM record_versions WHERE state = 'complete'")}
    assert completed == {w.ids["mo_done"], w.ids["pat_done"], w.ids["line"]}


def test_a_practitioner_cannot_take_over_a_managers_draft(world):
    w = world
    draft = w.ids["mo_draft"]
    before = versions(w, draft)
    for statement, refusal in (
        ("UPDATE records SET author = 'pat.practitioner' WHERE record_id = :r",
         "the author of a record cannot be changed"),
        ("UPDATE records SET created_by = 'pat.practitioner' WHERE record_id = :r", "Who created record"),
        ("UPDATE records SET kind = 'case_note' WHERE record_id = :r", "The kind of a record cannot be changed"),
        ("UPDATE records SET case_id = 'C-N2' WHERE record_id = :r", "Case: the case of a record cannot be changed"),
        ("UPDATE records SET subject = 'sam.worker' WHERE record_id = :r", "Practitioner: the practitioner"),
        ("UPDATE records SET event_date = '2020-01-06' WHERE record_id = :r",
         f"Draft record {draft} is being written by mo.manager: only they can change it"),
        ("UPDATE record_versions SET payload = '{}' WHERE record_id = :r",
         f"Draft record {draft} is being written by mo.manager: only they can change it"),
        ("UPDATE record_versions SET state = 'complete', payload = '{}' WHERE record_id = :r",
         "only they can change what it says"),
        ("UPDATE record_versions SET state = 'complete' WHERE record_id = :r",
         rf"You cannot complete record {draft}: only its author \(mo.manager\), a manager of the case's team"),
        ("UPDATE records SET state = 'complete' WHERE record_id = :r", "is complete only once its current version"),
    ):
        with pytest.raises(DBAPIError, match=refusal):
            w.sql(WORKER, statement, r=draft)
    assert versions(w, draft) == before
    assert record_row(w, draft)["author"] == MANAGER


def test_a_manager_of_the_team_completes_a_practitioners_draft_only_as_it_stands(world):
    """The sign-off of a review summary: the practitioner's text, completed in the manager's name."""
    w = world
    data = {k: v for k, v in supervision_data("C-N2", author=TEAMMATE).items()
            if k not in ("kind", "practitioner", "manager")}
    review = int(w.stores[TEAMMATE].save_draft(RECORD_KINDS["review_summary"].model_validate(data)))
    with pytest.raises(DBAPIError, match=f"Draft record {review} is being written by sam.worker: only they can "
                                         "change what it says"):
        w.sql(MANAGER, "UPDATE record_versions SET state = 'complete', payload = replace(payload, 'Two children', "
                       "'Three children') WHERE record_id = :r", r=review)
    with pytest.raises(DBAPIError, match=f"Draft record {review} is being written by sam.worker"):
        w.sql(MANAGER, "UPDATE record_versions SET payload = payload WHERE record_id = :r", r=review)
    assert w.stores[MANAGER].complete(review) == 1
    info = w.owner.info(review)
    assert (info.author, info.state, versions(w, review)[0]["completed_by"]) == (TEAMMATE, "complete", MANAGER)


def test_the_manager_named_is_the_completer_and_never_changes_once_complete(world):
    w = world
    draft = w.ids["mo_draft"]
    # Mo completes his own draft naming Sue as the manager: the database refuses as the store does.
    w.sql(MANAGER, "UPDATE record_versions SET payload = replace(payload, '\"manager\":\"mo.manager\"', "
                   "'\"manager\":\"sue.manager\"') WHERE record_id = :r", r=draft)
    with pytest.raises(DBAPIError, match=r"Manager: this must be you \(mo.manager\), the manager completing"):
        w.sql(MANAGER, "UPDATE record_versions SET state = 'complete' WHERE record_id = :r", r=draft)
    # The column must say what the record says, at completion.
    w.sql(MANAGER, "UPDATE record_versions SET payload = replace(payload, '\"manager\":\"sue.manager\"', "
                   "'\"manager\":\"mo.manager\"') WHERE record_id = :r", r=draft)
    with pytest.raises(DBAPIError, match=f"Manager: record {draft} names mo.manager, but it is kept as naming "
                                         "sue.manager"):
        w.sql(MANAGER, "UPDATE records SET manager = 'sue.manager' WHERE record_id = :r",
              "UPDATE record_versions SET state = 'complete' WHERE record_id = :r",
              "UPDATE records SET state = 'complete' WHERE record_id = :r", r=draft)
    with pytest.raises(DBAPIError, match=f"Record {draft}: whether a manager must complete it follows from its kind"):
        w.sql(MANAGER, "UPDATE records SET manager_required = false WHERE record_id = :r",
              "UPDATE record_versions SET state = 'complete' WHERE record_id = :r",
              "UPDATE records SET state = 'complete' WHERE record_id = :r", r=draft)
    # Once complete, the manager named stays: not in place, not by an amendment.
    done = w.ids["mo_done"]
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):
        w.sql(MANAGER, "UPDATE records SET manager = 'sue.manager' WHERE record_id = :r", r=done)
    with pytest.raises(DBAPIError, match=f"Manager: the manager named on record {done} cannot be changed"):
        w.sql(MANAGER, NEW_VERSION.replace(":long_ago, 'mo.manager', :reason", "NULL, NULL, :reason"),
              "UPDATE records SET current_version = 2, state = 'complete', manager = 'sue.manager' "
              "WHERE record_id = :r",
              r=done, v=2, state="complete", payload=versions(w, done)[0]["payload"], reason="Typo", long_ago=LONG_AGO)
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):  # nor back to a draft
        w.sql(MANAGER, "UPDATE records SET state = 'draft' WHERE record_id = :r", r=done)
    assert record_row(w, done)["manager"] == MANAGER


def test_direct_database_access_stays_trusted_and_unforced(world):
    """The owner (the demo's history, maintenance) writes what it writes: backdated, complete, in any name; its
    entries in the trail are its own to write."""
    w = world
    entries = w.sql("owner", "SELECT count(*) FROM audit")[0][0]
    number = w.sql("owner", NEW_RECORD, author=MANAGER, state="draft", long_ago=LONG_AGO)[0][0]
    w.sql("owner", NEW_VERSION, "UPDATE records SET state = 'complete' WHERE record_id = :r", r=number, v=1,
          state="complete", payload=PAYLOAD, reason=None, long_ago=LONG_AGO)
    row, [version] = record_row(w, number), versions(w, number)
    assert (str(row["created_at"]), row["state"], row["author"]) == ("2020-01-06 09:00:00+00:00", "complete", MANAGER)
    assert (str(version["completed_at"]), version["completed_by"]) == ("2020-01-06 09:00:00+00:00", MANAGER)
    assert w.sql("owner", "SELECT count(*) FROM audit")[0][0] == entries  # the store writes the owner's entries
    w.sql("owner", "DELETE FROM audit WHERE entity_id = :r", r=str(number))  # and only the owner removes one


# -- a manager amending a practitioner's record -------------------------------------------------------


def test_a_manager_amends_only_with_a_reason_in_their_own_name_at_the_databases_time(world):
    w = world
    record = w.ids["pat_done"]
    payload = versions(w, record)[0]["payload"].replace("Home visit", "Office visit")
    amend = dict(r=record, v=2, state="complete", payload=payload, long_ago=LONG_AGO)
    flip = "UPDATE records SET current_version = 2, updated_at = :long_ago WHERE record_id = :r"
    for reason in (None, "", "   "):
        with pytest.raises(DBAPIError, match="An amendment needs a reason"):
            w.sql(MANAGER, NEW_VERSION, flip, reason=reason, **amend)
    with pytest.raises(DBAPIError, match=f"An amendment of record {record} must be its next version, 2"):
        w.sql(MANAGER, NEW_VERSION, reason="Skip", **(amend | {"v": 3}))
    with pytest.raises(DBAPIError, match="the author of a record cannot be changed"):
        w.sql(MANAGER, NEW_VERSION, flip.replace("updated_at", "author = 'mo.manager', updated_at"),
              reason="Mine now", **amend)
    # Sue manages another team: the record is not one she may see, let alone amend.
    with pytest.raises(DBAPIError, match=f"Record {record} is not one you may see"):
        w.sql(OTHER_MANAGER, NEW_VERSION, reason="Other team", **amend)
    # The analyst sees everything and may amend nothing.
    with pytest.raises(DBAPIError, match=f"Only the author of record {record} or a manager of its case's team"):
        w.sql(ANALYST, NEW_VERSION, reason="Tidy", **amend)
    # Mo may amend Pat's note: with a reason, in his own name, at the database's time.
    now = w.sql(MANAGER, NEW_VERSION, flip, "SELECT now()", reason="Place corrected", **amend)[0][0]
    v2 = versions(w, record)[1]
    assert (v2["saved_by"], v2["saved_at"], v2["completed_by"], v2["completed_at"]) == (MANAGER, now, MANAGER, now)
    row = record_row(w, record)
    assert (row["author"], row["updated_at"], row["current_version"], row["state"]) == (WORKER, now, 2, "complete")
    [entry] = [a for a in trail(w, record) if a["at"] == now]  # one entry for the amendment, the database's
    assert (entry["actor"], entry["action"], entry["version"], entry["reason"]) == (
        MANAGER, "direct amend", 2, "Place corrected")


def test_a_completed_version_and_a_completed_amendment_stay_locked(world):
    w = world
    record = w.ids["pat_done"]
    with pytest.raises(DBAPIError, match="cannot be changed"):
        w.sql(WORKER, "UPDATE record_versions SET completed_at = :t WHERE record_id = :r", r=record, t=LONG_AGO)
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):
        w.sql(WORKER, "UPDATE records SET updated_at = :t WHERE record_id = :r", r=record, t=LONG_AGO)
    for table in ("records", "record_versions", "audit"):
        with pytest.raises(DBAPIError, match="permission denied"):
            w.sql(WORKER, f"DELETE FROM {table} WHERE record_id = :r" if table != "audit" else
                  "DELETE FROM audit WHERE entity_id = :r", r=record if table != "audit" else str(record))


# -- the day it went on Mosaic ---------------------------------------------------------------------------


def test_the_mosaic_date_is_given_only_on_a_completed_record_by_those_who_may_amend(world):
    w = world
    set_day = ("UPDATE records SET mosaic_entered_on = '2026-11-23', mosaic_confirmed_by = 'someone.else', "
               "mosaic_confirmed_at = :t WHERE record_id = :r")
    supervision = w.ids["mo_done"]
    for login in (WORKER, ANALYST, ADMIN):  # each may see Mo's supervision; none wrote it or manages the case
        with pytest.raises(DBAPIError, match=f"Entered on Mosaic: only the author of record {supervision} or a "
                                             "manager of its case's team"):
            w.sql(login, set_day, r=supervision, t=LONG_AGO)
    with pytest.raises(DBAPIError, match="Entered on Mosaic: record .* is not complete"):
        w.sql(WORKER, set_day, r=w.ids["pat_draft"], t=LONG_AGO)
    with pytest.raises(DBAPIError, match="Entered on Mosaic: a record can be said to be on Mosaic only once"):
        w.sql(WORKER, NEW_RECORD.replace("event_date,", "event_date, mosaic_entered_on,").replace(
            "'2020-01-06', false", "'2020-01-06', '2020-01-07', false"), author=WORKER, state="draft",
            long_ago=LONG_AGO)
    with pytest.raises(DBAPIError, match="can only be changed by an amendment"):  # the day with anything else
        w.sql(MANAGER, "UPDATE records SET mosaic_entered_on = '2026-11-23', event_date = '2026-11-19' "
                       "WHERE record_id = :r", r=supervision)
    # The author (Pat, of her note) and a manager of the case's team (Mo, of Pat's note) may; who and when are
    # theirs and the database's.
    for login in (WORKER, MANAGER):
        now = w.sql(login, set_day, "SELECT now()", r=w.ids["pat_done"], t=LONG_AGO)[0][0]
        row = record_row(w, w.ids["pat_done"])
        assert (str(row["mosaic_entered_on"]), row["mosaic_confirmed_by"], row["mosaic_confirmed_at"]) == (
            "2026-11-23", login, now)
        w.sql("owner", "UPDATE records SET mosaic_entered_on = NULL WHERE record_id = :r", r=w.ids["pat_done"])
    # Through the store, the same refusal in the same words, on both databases (the store checks first).
    with pytest.raises(NotAllowed, match="give the day it went on Mosaic for record"):
        w.stores[ANALYST].confirm_on_mosaic(supervision, dt.date(2026, 11, 23))


# -- the audit trail ----------------------------------------------------------------------------------------


def test_no_login_writes_changes_or_removes_an_audit_entry(world):
    w = world
    record = str(w.ids["pat_done"])
    entries = w.sql("owner", "SELECT count(*) FROM audit")[0][0]
    for login in (WORKER, MANAGER, ANALYST, ADMIN):
        for statement in (
            "INSERT INTO audit (at, actor, action, entity, entity_id) VALUES (:t, 'mo.manager', 'complete', "
            "'record', :r)",
            "UPDATE audit SET at = :t, action = 'complete' WHERE entity_id = :r",
            "DELETE FROM audit WHERE entity_id = :r",
            "TRUNCATE audit",
            "SELECT fsnb_audit_row('mo.manager', 'record', :r, 1, 'complete', '{}', NULL)",
        ):
            with pytest.raises(DBAPIError, match="permission denied"):
                w.sql(login, statement, t=LONG_AGO, r=record)
    # The store's own words reach only the login's own transaction's entries: an old entry stays as it was, and
    # no entry about a record is made from words alone.
    old = trail(w, record)
    w.sql(WORKER, "SELECT fsnb_audit_describe(CAST(:e AS jsonb))",
          e=json.dumps([{"action": "complete", "entity": "record", "entity_id": record, "changes": "{}"}]))
    assert trail(w, record) == old
    with pytest.raises(DBAPIError, match="only for what its transaction changed"):  # a practitioner's staff entry
        w.sql(WORKER, "SELECT fsnb_audit_describe(CAST(:e AS jsonb))",
              e=json.dumps([{"action": "update", "entity": "staff", "entity_id": WORKER}]))
    # A read is entered only as a read, only of what the login may see, in its name at the database's time.
    with pytest.raises(DBAPIError, match="Only reading and exporting are entered"):
        w.sql(WORKER, "SELECT fsnb_audit_read('complete', 'record', :r, NULL)", r=record)
    with pytest.raises(DBAPIError, match="it is not one you may see"):
        w.sql(OTHER_MANAGER, "SELECT fsnb_audit_read('read', 'record', :r, NULL)", r=record)
    with pytest.raises(DBAPIError, match="it is not one you may see"):
        w.sql(WORKER, "SELECT fsnb_audit_read('read story', 'case', 'C-S1', NULL)")
    for action in READ_ACTIONS:  # every read the store enters, and nothing else
        now = w.sql(WORKER, "SELECT fsnb_audit_read(:a, 'record', :r, 1)", "SELECT now()", a=action, r=record)[0][0]
        assert [(a["actor"], a["action"], a["at"]) for a in trail(w, record)][-1] == (WORKER, action, now)
    assert w.sql("owner", "SELECT count(*) FROM audit")[0][0] == entries + len(READ_ACTIONS)


def test_a_login_discards_its_own_draft_and_nothing_else(world):
    """Discarding through the store under each person's own login: a first draft goes, an amendment's draft goes
    back to the completed version; a completed record, another's draft and a hand-made revert are refused."""
    w = world
    pat, mo = w.stores[WORKER], w.stores[MANAGER]
    draft = w.ids["pat_draft"]
    with pytest.raises(DBAPIError, match=f"Only pat.practitioner, who wrote draft {draft}, can discard it"):
        w.sql(MANAGER, "SELECT fsnb_discard_draft(:r)", r=draft)
    with pytest.raises(DBAPIError, match=f"Record {w.ids['mo_done']} is completed: a completed record is never "
                                         "discarded"):
        w.sql(MANAGER, "SELECT fsnb_discard_draft(:r)", r=w.ids["mo_done"])
    with pytest.raises(DBAPIError, match="is not one you may see"):
        w.sql(OTHER_MANAGER, "SELECT fsnb_discard_draft(:r)", r=w.ids["mo_draft"])
    with pytest.raises(DBAPIError, match="permission denied"):  # a login deletes nothing itself
        w.sql(WORKER, "SELECT set_config('fsnb.discarding', :r, true)", "DELETE FROM record_versions WHERE "
              "record_id = " + str(draft), r=str(draft))
    pat.discard_draft(draft)
    assert w.sql("owner", "SELECT count(*) FROM records WHERE record_id = :r", r=draft) == [(0,)]
    assert versions(w, draft) == []
    [entry] = trail(w, draft)[-1:]
    assert (entry["actor"], entry["action"], entry["version"]) == (WORKER, "discard", 1)
    assert "Half" in entry["changes"]
    # An amendment's draft, by the manager who amends Pat's completed note.
    done = w.ids["pat_done"]
    mo.amend(done, note(WORKER, text="Both seen alone."), reason="Detail", complete=False)
    with pytest.raises(DBAPIError, match=f"Record {done} is a draft: it is saved over"):  # a revert by hand
        w.sql(MANAGER, "UPDATE records SET current_version = 1, state = 'complete' WHERE record_id = :r", r=done)
    with pytest.raises(NotAllowed, match=f"Only mo.manager, who wrote draft {done}, can discard it"):
        pat.discard_draft(done)  # the record is Pat's; the amendment's draft is Mo's
    with pytest.raises(DBAPIError, match=f"Only mo.manager, who wrote draft {done}, can discard it"):
        w.sql(WORKER, "SELECT fsnb_discard_draft(:r)", r=done)
    mo.discard_draft(done)
    row = record_row(w, done)
    assert (row["state"], row["current_version"]) == ("complete", 1)
    assert [v["version"] for v in versions(w, done)] == [1]
    assert (trail(w, done)[-1]["actor"], trail(w, done)[-1]["action"]) == (MANAGER, "discard")
    assert pat.get(done).text == "Home visit; both children seen."


def test_a_direct_save_of_ones_own_draft_is_audited_by_the_database(world):
    """Allowed, so not refused: but the trail has it, in the practitioner's name at the database's time."""
    w = world
    draft = w.ids["pat_draft"]
    now = w.sql(WORKER, "UPDATE record_versions SET payload = replace(payload, 'Half', 'Whole'), saved_at = :t, "
                        "saved_by = 'mo.manager' WHERE record_id = :r",
                "UPDATE records SET updated_at = :t, risk_identified = true WHERE record_id = :r",
                "SELECT now()", r=draft, t=LONG_AGO)[0][0]
    [entry] = [a for a in trail(w, draft) if a["at"] == now]  # one entry for the two rows changed
    assert (entry["actor"], entry["action"], entry["version"]) == (WORKER, "direct save draft", 1)
    assert "Whole" in json.loads(entry["changes"])["payload"]["new"]
    assert versions(w, draft)[0]["saved_at"] == now and versions(w, draft)[0]["saved_by"] == WORKER
    assert record_row(w, draft)["updated_at"] == now
    # The store shows it, in words of its own.
    shown = w.stores[WORKER].audit_trail(draft)
    assert list(shown["action"]) == ["create", "direct save draft"]
    # A direct change of a case by the analyst, and of the staff list by the admin, is in the trail too.
    now = w.sql(ANALYST, "UPDATE cases SET family_pseudonym = 'Renamed' WHERE case_id = 'C-N1'", "SELECT now()")[0][0]
    changed = w.sql("owner", "SELECT actor, action, changes FROM audit WHERE entity = 'case' AND at = :t", t=now)
    assert [(a, b) for a, b, _ in changed] == [(ANALYST, "direct update")]
    assert json.loads(changed[0][2])["family_pseudonym"] == {"old": "Oakhurst family", "new": "Renamed"}
    w.sql(ADMIN, "DELETE FROM staff_teams WHERE staff_id = (SELECT staff_id FROM staff WHERE login = :l)", l=TEAMMATE)
    assert w.sql("owner", "SELECT actor, action FROM audit WHERE entity = 'staff' AND entity_id = :l",
                 l=TEAMMATE)[-1] == (ADMIN, "direct delete")


def test_the_store_under_a_login_keeps_the_same_audit_trail_as_on_sqlite(world, sqlite_url, tmp_path):
    """The store's own entries, written by the database and described by the store, are those SQLite keeps:
    the same actions, actors, things, versions, changes and reasons, and none twice."""
    with Store(sqlite_url) as sqlite_owner:
        seed_people(sqlite_owner)
    on_sqlite = {login: Store(sqlite_url, user=login) for login in EVERYONE}
    try:
        expected = _entries(on_sqlite, tmp_path / "sqlite")
    finally:
        for store in on_sqlite.values():
            store.close()
    assert _entries(world.stores, tmp_path / "postgres") == expected
    assert {e[1] for e in expected} >= {"create", "save draft", "complete", "amend", "on mosaic", "update",
                                        "import", "import update", "read", "read story", "export pdf", "discard"}


def _entries(stores, folder) -> list[tuple]:
    """The entries a day's work adds to the trail: (actor, action, entity, entity id, version, changes, reason),
    record numbers as the order they were made in."""
    import pandas as pd

    from familyservice_nb.records import Staff

    before = len(stores[ADMIN].audit_trail(reads=True))
    mo, pat, admin, analyst = stores[MANAGER], stores[WORKER], stores[ADMIN], stores[ANALYST]
    record = pat.save_draft(note(WORKER))
    pat.save_draft(note(WORKER, text="Both children seen."), record)
    pat.save_draft(note(WORKER, text="Both children seen."), record)  # the same text: no entry
    pat.complete(record)
    mo.amend(record, note(WORKER, text="Both seen alone."), reason="Detail")
    pat.confirm_on_mosaic(record, dt.date(2026, 11, 23))
    thrown = pat.save_draft(note(WORKER, text="Started on the wrong case."))
    pat.get(record)
    pat.audit_export("record", record, "pdf", 2)
    supervision = mo.save_draft(make_supervision("C-N2"))
    mo.complete(supervision, make_supervision("C-N2", progress="Attendance 95%."))
    pat.discard_draft(thrown)
    mo.case_story("C-N2")
    admin.save_staff([Staff(name="Sam Worker-Jones", login=TEAMMATE, role="practitioner", teams=["North", "South"],
                            line_manager=MANAGER),
                      Staff(name="Nat New", login="nat.new", role="practitioner", teams=["South"],
                            line_manager=OTHER_MANAGER),
                      Staff(name="Lee South", login=OTHER_WORKER, role="practitioner", teams=["South"],
                            line_manager=OTHER_MANAGER)])  # unchanged: no entry
    admin.save_settings(admin.settings().model_copy(update={"supervision_interval_days": 21}))
    admin.save_settings(admin.settings())  # the same settings: no entry
    folder.mkdir()
    extract = pd.DataFrame({"note_id": ["N1", "N2"], "case_id": ["C-N1", "C-N2"], "worker": ["Pat Practitioner"] * 2,
                            "event_date": ["16/11/2026"] * 2, "recorded_at": ["", "17/11/2026 10:00"]})
    extract.to_csv(folder / "a.csv", index=False)
    extract.assign(recorded_at=["18/11/2026 14:05", "17/11/2026 10:00"]).to_csv(folder / "b.csv", index=False)
    analyst.import_extract(folder / "a.csv", as_of="17/11/2026")
    analyst.import_extract(folder / "b.csv", as_of="20/11/2026")
    numbers = {record: "first", supervision: "second", thrown: "thrown away"}
    trail = stores[ADMIN].audit_trail(reads=True).iloc[before:]
    return [(e.actor, e.action, e.entity, numbers.get(e.entity_id, e.entity_id) if e.entity == "record" else
             e.entity_id if e.entity != "import" else "an import", None if pd.isna(e.version) else int(e.version),
             {k: v for k, v in e.changes.items() if k != "record_id"}, e.reason if isinstance(e.reason, str) and
             not e.reason.startswith("import ") else None)
            for e in trail.itertuples()]


# -- the completion rules: the database and the store agree --------------------------------------------------


KINDS = {  # kind, and what its text says that the rules read
    "supervision": {}, "review_summary": {}, "closure_summary": {}, "case_note": {"note_type": "Visit"},
    "case_note_manager": {"note_type": "Manager's recording"}, "line_management": {}, "session": {}, "epdr": {},
}


def test_the_database_and_the_store_agree_on_who_may_complete_and_amend(world, monkeypatch):
    """authorship.py (may_change, check_may_complete) and 0007's fsnb_completion_refusal, for every person, kind,
    case, author, manager named and practitioner of a grid: a table test of the same rule written twice.
    Amending, the database keeps 0004's rule: the author or the case's managers (line management: the line
    manager), not an administrator, who amends through direct database access."""
    w = world
    people = (MANAGER, OTHER_MANAGER, WORKER, None)
    grid = [
        {"kind": kind.removesuffix("_manager"), "extra": extra, "case_id": case, "author": author, "named": named,
         "practitioner": practitioner, "amending": amending}
        for kind, extra in KINDS.items() for case in ("C-N1", "C-S1", None) for author in (MANAGER, WORKER)
        for named in people for practitioner in people for amending in (False, True)
    ]
    with w.owner.reading() as conn:
        managers = {case: authorship.team_managers(conn, case) for case in ("C-N1", "C-S1", None)}
        line_managers = {p: authorship.line_manager_of(conn, p) for p in people}
        viewers = {login: load_viewer(conn, login) for login in EVERYONE}
    monkeypatch.setattr(authorship, "team_managers", lambda _conn, case: managers[case])
    monkeypatch.setattr(authorship, "line_manager_of", lambda _conn, login: line_managers[login])
    disagreements, verdicts = [], set()
    with w.owner.reading() as conn:
        for login in EVERYONE:
            combos = [dict(c, i=i, payload=json.dumps({"manager": c["named"], "practitioner": c["practitioner"],
                                                       **c["extra"]})) for i, c in enumerate(grid)]
            database = dict(w.sql(login, """
                SELECT c.i, fsnb_completion_refusal(s.role, s.login, 0, c.kind, c.case_id, c.author, c.practitioner,
                                                    c.payload::jsonb, c.amending)
                FROM jsonb_to_recordset(CAST(:combos AS jsonb)) AS c(i int, kind text, case_id text, author text,
                     practitioner text, payload text, amending boolean), fsnb_session() s""",
                combos=json.dumps(combos)))
            for combo in combos:
                store_allows = _store_allows(conn, viewers[login], combo)
                if combo["amending"] and viewers[login].role == "admin":
                    store_allows = False  # the database's amendment rule (see the docstring)
                verdicts.add((combo["kind"], store_allows))
                if (database[combo["i"]] is None) != store_allows:
                    disagreements.append((login, combo, database[combo["i"]]))
    assert disagreements == []
    assert verdicts == {(kind.removesuffix("_manager"), allowed) for kind in KINDS for allowed in (True, False)}


def _store_allows(conn, viewer, combo) -> bool:
    row = {"record_id": 0, "author": combo["author"], "case_id": combo["case_id"], "subject": combo["practitioner"]}
    data = {"manager": combo["named"], "practitioner": combo["practitioner"], **combo["extra"]}
    meta = {"case_id": combo["case_id"], "manager_required": authorship.manager_required(combo["kind"], data)}
    if not authorship.may_change(conn, viewer, row):
        return False
    try:
        authorship.check_may_complete(conn, viewer, combo["kind"], meta, data)
    except NotAllowed:
        return False
    return True


# -- the provisioning role --------------------------------------------------------------------------------


def test_the_provisioning_role_makes_and_rotates_logins_and_can_do_nothing_else(world):
    w = world
    hub = prepare_provisioner(w.url)
    name = make_url(hub).username
    assert name == make_url(w.url).database + "_provisioner" and make_url(hub).password not in w.url
    fresh = provision_login(hub, TEAMMATE)
    assert make_url(fresh).username == login_role_name(make_url(w.url).database, TEAMMATE)
    with create_engine(fresh, poolclass=NullPool).connect() as conn:
        assert conn.execute(text("SELECT case_id FROM cases")).scalars().all() == ["C-N2"]
    assert staff_role(hub, ANALYST) == "analyst"
    with pytest.raises(NotAllowed, match="'pat.stranger' is not on the workbook's staff list"):
        staff_role(hub, "pat.stranger")
    # A directory's spelling of a login, in any case, is the staff list's own; a login nobody has is None.
    assert staff_login(hub, ANALYST.upper()) == staff_login(hub, f" {ANALYST.title()} ") == ANALYST
    assert staff_login(hub, "pat.stranger") is None
    with pytest.raises(NotAllowed, match="'pat.stranger' is not on the workbook's staff list"):
        provision_login(hub, "pat.stranger")
    with pytest.raises(DBAPIError, match="permission denied"):  # a workbook login may not provision
        w.sql(ADMIN, "SELECT fsnb_provision_login('mo.manager', 'SCRAM-SHA-256$x')")
    # Rotating: no login connects until it is provisioned again, with its new password.
    assert rotate_logins(hub) == len(EVERYONE)
    for url in (fresh, w.urls[WORKER]):
        with pytest.raises(OperationalError, match="password authentication failed|not permitted to log in"):
            create_engine(url, poolclass=NullPool).connect()
    role, again = provision_person(hub, WORKER)  # what the hub does as a server starts: one connection
    assert role == "practitioner"
    with create_engine(again, poolclass=NullPool).connect() as conn:
        assert conn.execute(text("SELECT fsnb_login()")).scalar() == WORKER
    with pytest.raises(NotAllowed, match="'pat.stranger' is not on the workbook's staff list"):
        provision_person(hub, "pat.stranger")
    # Removing: one login, and the leavers.
    assert remove_login(hub, TEAMMATE) is True and remove_login(hub, TEAMMATE) is False
    w.sql("owner", "DELETE FROM staff_teams WHERE staff_id = (SELECT staff_id FROM staff WHERE login = :l)",
          "UPDATE cases SET allocated_worker_id = NULL WHERE case_id = 'C-S1'",
          "DELETE FROM staff WHERE login = :l", l=OTHER_WORKER)
    assert remove_leavers(hub) == [OTHER_WORKER]
    # What the provisioning role is: no table, no row, no role of its own making, nothing it may grant itself.
    engine = create_engine(hub, poolclass=NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT fsnb_role(), fsnb_login()")).one() == ("none", None)
        flags = conn.execute(text("SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolbypassrls FROM "
                                  "pg_roles WHERE rolname = current_user")).one()
        assert tuple(flags) == (False, False, False, False, False)
        assert conn.execute(text("SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member "
                                 "WHERE u.rolname = current_user")).scalar() == 0
    for statement in (
        "SELECT * FROM staff", "SELECT * FROM records", "SELECT * FROM database_logins", "SELECT * FROM audit",
        "UPDATE staff SET role = 'admin'", "CREATE ROLE mine LOGIN PASSWORD 'x'",
        f'ALTER ROLE "{make_url(again).username}" PASSWORD \'known\'',
        f'GRANT "{make_url(w.url).database}_admin" TO CURRENT_USER',
        "SELECT fsnb_setup_group_roles()", "SELECT fsnb_setup_provisioner('SCRAM-SHA-256$x')",
        "SELECT fsnb_take_away_login('mo.manager')", "SELECT fsnb_audit_read('read', 'record', '1', NULL)",
        "SELECT fsnb_audit_describe('[]')", "CREATE TABLE mine (x int)",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied|must have|not permitted"):
            conn.execute(text(statement))
    with engine.connect() as conn, pytest.raises(DBAPIError, match="SCRAM-SHA-256 verifier"):
        conn.execute(text("SELECT fsnb_provision_login('mo.manager', 'a plain password')"))
    engine.dispose()
    # Only the owner prepares the provisioning role.
    with pytest.raises(NotAllowed, match="Only the database role that owns the workbook's tables"):
        prepare_provisioner(hub)
    # Preparing it again (the hub's next start) gives it a new password; the old one no longer works.
    newer = prepare_provisioner(w.url)
    assert make_url(newer).username == name
    with pytest.raises(OperationalError, match="password authentication failed"):
        create_engine(hub, poolclass=NullPool).connect()


def test_role_names_in_the_database_are_those_made_here(world):
    logins = ["alex.example", "Alex.Example", 'x"; DROP TABLE cases; --', "ü" * 30, "admin", "a" * 200, "__",
              "\u212aelvin.K"]
    found = world.sql("owner", "SELECT fsnb_login_role_name('fsnb_t_0123456789abcdef', l) FROM unnest(CAST(:l AS "
                               "text[])) AS l", l=logins)
    assert [r[0] for r in found] == [login_role_name("fsnb_t_0123456789abcdef", login) for login in logins]


def test_a_session_outside_the_logins_is_trusted_only_outside_the_workbooks_groups(world):
    """Who a session is, for a role the workbook did not make as a login: a direct member of one of the
    workbook's groups (a role a DBA gave the practitioners' group, a login whose row is gone) sees nothing and
    may write nothing; a role in no group is trusted database access, as the owner is; and a role whose name
    needs quoting is looked up as itself."""
    database = make_url(world.url).database
    names = {"member": f"{database}_x_member", "outsider": f"{database}_x_Out Sider"}
    quoted = {k: '"' + v.replace('"', '""') + '"' for k, v in names.items()}
    world.sql("owner", *[f"CREATE ROLE {q} LOGIN PASSWORD 'pw-{k}'" for k, q in quoted.items()],
              f'GRANT "{database}_practitioner" TO {quoted["member"]}',
              *[f"GRANT USAGE ON SCHEMA public TO {q}" for q in quoted.values()],
              *[f"GRANT SELECT ON cases, records TO {q}" for q in quoted.values()],
              *[f"GRANT EXECUTE ON FUNCTION fsnb_role(), fsnb_login() TO {q}" for q in quoted.values()])
    seen = {}
    for kind, name in names.items():
        url = make_url(world.url).set(username=name, password=f"pw-{kind}")
        with create_engine(url, poolclass=NullPool).connect() as conn:
            seen[kind] = (*conn.execute(text("SELECT fsnb_role(), fsnb_login()")).one(),
                          conn.execute(text("SELECT count(*) FROM cases")).scalar())
    assert seen["member"] == ("none", None, 0)
    assert seen["outsider"][:2] == ("database", None) and seen["outsider"][2] > 0
