"""Synthetic staff, cases and records for the store tests (invented people only).

Imported by conftest.py, by the tests, and by store_worker.py in its own processes.
"""

from __future__ import annotations

import datetime as dt

import world

FRI_20_NOV = dt.date(2026, 11, 20)

# -- the test world's people and cases (world.py), by the roles the store tests give them ----------

MANAGER, OTHER_MANAGER = world.MANAGER, world.OTHER_MANAGER  # North, South
WORKER, TEAMMATE = world.PRACTITIONER, world.SECOND_PRACTITIONER  # North, managed by MANAGER
OTHER_WORKER = world.SOUTH_PRACTITIONER  # South
ANALYST, ADMIN = world.ANALYST, world.ADMIN
seed_people = world.seed_people


CASE_CHILDREN = {world.NORTH_CASE: ["K-1", "K-2"], world.SECOND_CASE: ["K-3"], world.SOUTH_CASE: ["K-4"]}


def complete_sections(data: dict) -> dict:
    """Mark every optional section left empty as 'Nothing to record' (unless `left_empty` was given)."""
    from familyservice_nb.records import OPTIONAL_SECTIONS

    if "left_empty" not in data:
        data = data | {"left_empty": {name: "Nothing to record" for name in OPTIONAL_SECTIONS
                                      if not data.get(name) or (isinstance(data[name], str) and not data[name].strip())}}
    return data


def supervision_data(case_id: str = world.NORTH_CASE, actions: int = 1, children: int = 1, **changes) -> dict:
    """A valid, complete case supervision record's data, dated Friday 20/11/2026: the first `children` children
    of the case spoken to, the others 'Not seen this period'; empty optional sections 'Nothing to record'."""
    practitioner = {world.NORTH_CASE: WORKER, world.SECOND_CASE: TEAMMATE, world.SOUTH_CASE: OTHER_WORKER}.get(
        case_id, WORKER)
    manager = OTHER_MANAGER if case_id == world.SOUTH_CASE else MANAGER
    ids = CASE_CHILDREN.get(case_id, [])
    spoken = (ids + [f"K-X{i}" for i in range(children)])[:children]
    data = {
        "event_date": FRI_20_NOV, "author": manager, "case_id": case_id, "kind": "Planned supervision",
        "practitioner": practitioner, "manager": manager,
        "case_summary": "Two children; early help plan since September.",
        "progress": "School attendance up to 92%.",
        "still_to_happen": "Housing referral to be followed up.",
        "agreed_actions": [
            {"action_id": f"A{i + 1}", "what": f"Action {i + 1}", "by_whom": practitioner,
             "by_when": FRI_20_NOV + dt.timedelta(days=7 + i)}
            for i in range(actions)
        ],
        "children": [
            {"child_id": child_id, "pseudonym": f"Child {i + 1}", "date_spoken_to": "18/11/2026",
             "seen_alone": True, "views_and_feelings": "I like my new teacher."}
            for i, child_id in enumerate(spoken)
        ] + [{"child_id": child_id, "not_spoken_to": "Not seen this period"} for child_id in ids if child_id not in spoken],
    }
    return complete_sections(data | changes)


def make_supervision(case_id: str = world.NORTH_CASE, **changes):
    from familyservice_nb.records import RECORD_KINDS

    return RECORD_KINDS["supervision"].model_validate(supervision_data(case_id, **changes))
