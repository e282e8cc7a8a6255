"""Who may record what, and who may amend it, through the Store API, on both engines.

Each test names the rule of `familyservice_nb/store/authorship.py` it pins.
"""

from __future__ import annotations

import pytest
from storehelp import (
    ADMIN,
    ANALYST,
    MANAGER,
    OTHER_MANAGER,
    TEAMMATE,
    WORKER,
    make_supervision,
    supervision_data,
)

from familyservice_nb.records import RECORD_KINDS
from familyservice_nb.store import IncompleteRecord, NotAllowed


def line_management(practitioner=WORKER, manager=MANAGER, author=None, **changes):
    return RECORD_KINDS["line_management"].model_validate({
        "event_date": "20/11/2026", "author": author or manager, "practitioner": practitioner, "manager": manager,
        "next_epdr_date": "01/04/2027", **changes})


def note(author, note_type="Manager's recording", **changes):
    data = {"event_date": "20/11/2026", "author": author, "case_id": "C-N1", "note_type": note_type,
            "text": "Case discussed; decision below."}
    if note_type == "Manager's recording":
        data |= {"decision": "Step down to universal services.", "decision_rationale": "Outcomes sustained."}
    return RECORD_KINDS["case_note"].model_validate(data | changes)


# -- rule 1: the author is the signed-in person -------------------------------------------------------


def test_rule_1_a_forged_author_is_refused_not_replaced(seeded, as_user):
    practitioner = as_user(WORKER)
    forged = note(MANAGER, note_type="Visit")
    with pytest.raises(NotAllowed, match=r"Recorded by: this must be you \(pat.practitioner\), not 'mo.manager'"):
        practitioner.save_draft(forged)
    assert practitioner.records() == []  # nothing saved under the other name

    with pytest.raises(NotAllowed, match="Recorded by"):  # the forms' unfinished drafts obey it too
        practitioner.save_unfinished(forged.model_dump(mode="json") | {"text": ""}, None, "case_note")


def test_rule_1_the_author_never_changes(seeded, as_user):
    manager = as_user(MANAGER)
    record_id = manager.save_draft(make_supervision())
    with pytest.raises(NotAllowed, match="its author cannot be changed"):
        manager.save_draft(make_supervision(author=TEAMMATE), record_id)
    manager.complete(record_id)
    with pytest.raises(NotAllowed, match="its author cannot be changed"):
        manager.amend(record_id, make_supervision(author=TEAMMATE), reason="Hand over")


# -- rule 3: who completes ---------------------------------------------------------------------------


def test_rule_3_a_practitioner_drafts_but_cannot_complete_a_case_supervision(seeded, as_user):
    practitioner = as_user(WORKER)
    own = make_supervision(author=WORKER, manager=WORKER)  # naming themselves as manager
    record_id = practitioner.save_draft(own)
    assert practitioner.info(record_id).state == "draft"
    with pytest.raises(NotAllowed, match="Only a manager of the case's team can complete a supervision record"):
        practitioner.complete(record_id)
    assert practitioner.info(record_id).state == "draft"
    assert as_user(MANAGER).oversight_data().discussions["completed_at"].isna().all()


def test_rule_3_a_practitioner_cannot_complete_a_managers_recording(seeded, as_user):
    practitioner = as_user(WORKER)
    record_id = practitioner.save_draft(note(WORKER))
    with pytest.raises(NotAllowed, match="complete a Manager's recording"):
        practitioner.complete(record_id)
    other = practitioner.save_draft(note(WORKER, note_type="Visit"))
    assert practitioner.complete(other) == 1  # their own ordinary note completes
    manager = as_user(MANAGER)
    assert manager.complete(manager.save_draft(note(MANAGER))) == 1


def test_rule_3_a_manager_of_another_team_cannot_complete(seeded, as_user, store_url):
    """Sue manages South; a South case allocated to Pat (North) is visible to Mo, but only
    South's managers may complete its supervision."""
    from familyservice_nb.records import Case
    from familyservice_nb.store import Store

    Store(store_url).save_cases([Case(case_id="CASE-X", family_pseudonym="Cross family", allocated_worker=WORKER,
                                      team="South", open_date="01/09/2026")])
    morgan = as_user(MANAGER)
    record_id = morgan.save_draft(make_supervision("CASE-X"))
    with pytest.raises(NotAllowed, match="Only a manager of team South can complete a supervision record"):
        morgan.complete(record_id)
    with pytest.raises(NotAllowed, match="cannot open case C-N1"):
        as_user(OTHER_MANAGER).save_draft(make_supervision(author=OTHER_MANAGER, manager=OTHER_MANAGER))


def test_rule_3_the_manager_named_is_the_one_signed_in_and_not_the_practitioner(seeded, as_user):
    manager = as_user(MANAGER)
    other = manager.save_draft(make_supervision(manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match=r"Manager: this must be you \(mo.manager\)"):
        manager.complete(other)
    same = manager.save_draft(make_supervision(practitioner=MANAGER))
    with pytest.raises(NotAllowed, match="manager and the practitioner cannot be the same person"):
        manager.complete(same)


def test_rule_3_an_admin_completes_only_for_a_manager_of_the_team(seeded, as_user):
    admin = as_user(ADMIN)
    wrong = admin.save_draft(make_supervision(author=ADMIN, manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match="'sue.manager' is not a manager of team North"):
        admin.complete(wrong)
    right = admin.save_draft(make_supervision(author=ADMIN, manager=MANAGER))
    assert admin.complete(right) == 1


@pytest.mark.parametrize("kind", ["review_summary", "closure_summary"])
def test_rule_3_review_and_closure_summaries_are_signed_off_by_a_manager(seeded, as_user, kind):
    data = {k: v for k, v in supervision_data(author=WORKER).items() if k not in ("kind", "practitioner", "manager")}
    if kind == "closure_summary":
        data |= {"closure_reason": "Plan outcomes achieved", "closure_date": "30/11/2026"}
    practitioner = as_user(WORKER)
    record_id = practitioner.save_draft(RECORD_KINDS[kind].model_validate(data))
    with pytest.raises(NotAllowed, match="Only a manager of the case's team"):
        practitioner.complete(record_id)
    manager = as_user(MANAGER)
    assert manager.complete(record_id) == 1  # the sign-off: the practitioner stays the author
    info = manager.info(record_id)
    assert info.author == WORKER and manager.versions(record_id)[-1].completed_by == MANAGER


def test_rule_3_line_management_is_completed_by_the_line_manager(seeded, as_user):
    teammate_manager = as_user(MANAGER)
    record_id = teammate_manager.save_draft(line_management())
    assert teammate_manager.complete(record_id) == 1
    riley = as_user(OTHER_MANAGER)
    not_his = riley.save_draft(line_management(manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match="Only pat.practitioner's line manager can complete"):
        riley.complete(not_his)
    worker = as_user(WORKER)
    own = worker.save_draft(line_management(practitioner=WORKER, manager=WORKER, author=WORKER))
    with pytest.raises(NotAllowed, match="line manager can complete"):
        worker.complete(own)


# -- rule 2: amending ----------------------------------------------------------------------------------


def test_rule_2_a_practitioner_cannot_amend_the_managers_supervision_or_their_line_management(seeded, as_user):
    manager = as_user(MANAGER)
    supervision = manager.save_draft(make_supervision())
    manager.complete(supervision)
    lm = manager.save_draft(line_management())
    manager.complete(lm)
    worker = as_user(WORKER)
    with pytest.raises(NotAllowed, match=r"cannot amend record \d+: only its author \(mo.manager\), a manager "
                                         "of the case's team"):
        worker.amend(supervision, worker.get(supervision), reason="I disagree")
    with pytest.raises(NotAllowed, match="the practitioner's line manager"):
        worker.amend(lm, worker.get(lm), reason="I disagree")
    assert [v.version for v in manager.versions(supervision)] == [1]


def test_rule_2_a_manager_of_the_team_may_amend_a_practitioners_record_and_the_author_stays(seeded, as_user):
    worker = as_user(WORKER)
    record_id = worker.save_draft(note(WORKER, note_type="Visit"))
    worker.complete(record_id)
    manager = as_user(MANAGER)
    changed = note(WORKER, note_type="Visit", text="Corrected: both children seen.")
    assert manager.amend(record_id, changed, reason="Wrong text") == 2
    assert manager.info(record_id).author == WORKER
    with pytest.raises(NotAllowed, match="cannot amend"):
        as_user(ANALYST).amend(record_id, changed, reason="Not mine")  # sees everything, changes nothing


def test_rule_2_another_persons_draft_is_not_saved_over(seeded, as_user):
    worker = as_user(WORKER)
    record_id = worker.save_draft(note(WORKER, note_type="Visit"))
    with pytest.raises(NotAllowed, match="cannot save over"):
        as_user(ANALYST).save_draft(note(WORKER, note_type="Visit", text="Mine now"), record_id)


# -- item 2: nothing silent at completion, in the store -------------------------------------------


def test_completion_refuses_an_unreviewed_carried_forward_action(seeded, as_user):
    manager = as_user(MANAGER)
    manager.complete(manager.save_draft(make_supervision(actions=1)))
    later = make_supervision(event_date="18/12/2026", actions=0)
    record_id = manager.save_draft(later)
    with pytest.raises(IncompleteRecord) as caught:
        manager.complete(record_id)
    assert [(p.path, p.message) for p in caught.value.details] == [(
        "previous_actions.A1",
        "Review of previous agreed actions: 'Action 1' (by pat.practitioner, by 27/11/2026) is not "
        "reviewed yet; mark it done, partly done, not done or no longer needed.")]
    assert manager.completion_problems(later, record_id) == caught.value.details
    reviewed = make_supervision(event_date="18/12/2026", actions=0, previous_actions=[
        {"action_id": "A1", "status": "Done"}])
    assert manager.completion_problems(reviewed, record_id) == []
    assert manager.complete(record_id, reviewed) == 1


def test_completion_refuses_a_child_with_neither_views_nor_a_reason(seeded, as_user):
    manager = as_user(MANAGER)
    only_one = make_supervision(children=1, left_empty={}) .model_dump(mode="json")
    only_one["children"] = only_one["children"][:1]  # Ben (K-2) left out
    only_one["left_empty"] = supervision_data()["left_empty"]
    record_id = manager.save_draft(only_one, kind="supervision")
    with pytest.raises(IncompleteRecord, match=r"Children spoken to: Ben \(K-2\) has neither views recorded "
                                               "nor a reason"):
        manager.complete(record_id)
    assert manager.info(record_id).state == "draft"


def test_completion_refuses_safeguarding_advice_without_decision_and_rationale(seeded, as_user):
    manager = as_user(MANAGER)
    advice = make_supervision(kind="Advice on a safeguarding concern", concern="Bruise seen at school.")
    record_id = manager.save_draft(advice)
    assert manager.info(record_id).due_date.isoformat() == "2026-11-23"  # next working day after Friday
    with pytest.raises(IncompleteRecord) as caught:
        manager.complete(record_id)
    assert [p.path for p in caught.value.details] == ["advice_given", "decision", "decision_rationale"]
