"""Synthetic staff, cases and records for the store tests (invented people only).

Imported by conftest.py, by the tests, and by store_worker.py in its own processes.
"""

from __future__ import annotations

import datetime as dt

FRI_20_NOV = dt.date(2026, 11, 20)

# -- synthetic people, cases and records ----------------------------------------------------------

MANAGER, OTHER_MANAGER = "morgan.manager", "riley.manager"
WORKER, OTHER_WORKER, TEAMMATE = "alex.example", "sam.sample", "jo.teammate"
ANALYST, ADMIN = "casey.analyst", "drew.admin"


def seed_people(store) -> None:
    """Two teams: Newark (Morgan manages Alex and Jo) and Sherwood (Riley manages Sam)."""
    from familyservice_nb.records import Case, Child, Staff

    store.save_staff([
        Staff(name="Morgan Manager", login=MANAGER, role="manager", teams=["Newark"]),
        Staff(name="Riley Manager", login=OTHER_MANAGER, role="manager", teams=["Sherwood"]),
        Staff(name="Alex Example", login=WORKER, role="practitioner", teams=["Newark"], line_manager=MANAGER),
        Staff(name="Jo Teammate", login=TEAMMATE, role="practitioner", teams=["Newark"], line_manager=MANAGER),
        Staff(name="Sam Sample", login=OTHER_WORKER, role="practitioner", teams=["Sherwood"],
              line_manager=OTHER_MANAGER),
        Staff(name="Casey Analyst", login=ANALYST, role="analyst"),
        Staff(name="Drew Admin", login=ADMIN, role="admin"),
    ])
    store.save_cases([
        Case(case_id="CASE-001", family_pseudonym="Example family", allocated_worker=WORKER, team="Newark",
             open_date="01/09/2026", children=[
                 Child(child_id="CH-1", pseudonym="Robin Example", date_of_birth="01/02/2018"),
                 Child(child_id="CH-2", pseudonym="Kit Example", date_of_birth="12/07/2020"),
             ]),
        Case(case_id="CASE-002", family_pseudonym="Teammate family", allocated_worker=TEAMMATE, team="Newark",
             open_date="01/10/2026"),
        Case(case_id="CASE-003", family_pseudonym="Sample family", allocated_worker=OTHER_WORKER, team="Sherwood",
             open_date="15/08/2026", children=[Child(child_id="CH-3", pseudonym="Lee Sample")]),
    ])


CASE_CHILDREN = {"CASE-001": ["CH-1", "CH-2"], "CASE-002": [], "CASE-003": ["CH-3"]}


def complete_sections(data: dict) -> dict:
    """Mark every optional section left empty as 'Nothing to record' (unless `left_empty` was given)."""
    from familyservice_nb.records import OPTIONAL_SECTIONS

    if "left_empty" not in data:
        data = data | {"left_empty": {name: "Nothing to record" for name in OPTIONAL_SECTIONS
                                      if not data.get(name) or (isinstance(data[name], str) and not data[name].strip())}}
    return data


def supervision_data(case_id: str = "CASE-001", actions: int = 1, children: int = 1, **changes) -> dict:
    """A valid, complete case supervision record's data, dated Friday 20/11/2026: the first `children` children
    of the case spoken to, the others 'Not seen this period'; empty optional sections 'Nothing to record'."""
    practitioner = {"CASE-001": WORKER, "CASE-002": TEAMMATE, "CASE-003": OTHER_WORKER}.get(case_id, WORKER)
    manager = OTHER_MANAGER if case_id == "CASE-003" else MANAGER
    ids = CASE_CHILDREN.get(case_id, [])
    spoken = (ids + [f"CH-X{i}" for i in range(children)])[:children]
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


def make_supervision(case_id: str = "CASE-001", **changes):
    from familyservice_nb.records import RECORD_KINDS

    return RECORD_KINDS["supervision"].model_validate(supervision_data(case_id, **changes))
