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


def supervision_data(case_id: str = world.NORTH_CASE, actions: int = 1, children: int = 1, **changes) -> dict:
    """A valid case supervision record's data, dated Friday 20/11/2026."""
    practitioner = {world.NORTH_CASE: WORKER, world.SECOND_CASE: TEAMMATE, world.SOUTH_CASE: OTHER_WORKER}.get(
        case_id, WORKER)
    manager = OTHER_MANAGER if case_id == world.SOUTH_CASE else MANAGER
    data = {
        "event_date": FRI_20_NOV, "author": manager, "case_id": case_id, "kind": "Planned supervision",
        "practitioner": practitioner, "manager": manager,
        "case_summary": "Two children; early help plan since September.",
        "progress": "School attendance up to 92%.",
        "agreed_actions": [
            {"action_id": f"A{i + 1}", "what": f"Action {i + 1}", "by_whom": practitioner,
             "by_when": FRI_20_NOV + dt.timedelta(days=7 + i)}
            for i in range(actions)
        ],
        "children": [
            {"child_id": f"K-{i + 1}", "pseudonym": f"Child {i + 1}", "date_spoken_to": "18/11/2026",
             "seen_alone": True, "views_and_feelings": "I like my new teacher."}
            for i in range(children)
        ],
    }
    return data | changes


def make_supervision(case_id: str = world.NORTH_CASE, **changes):
    from familyservice_nb.records import RECORD_KINDS

    return RECORD_KINDS["supervision"].model_validate(supervision_data(case_id, **changes))
