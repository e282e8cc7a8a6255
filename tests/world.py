"""The one synthetic world the tests, the browser tests and the benchmarks seed. Invented people only.

Two teams: North (Mo Manager manages Pat Practitioner and Sam Worker) and South (Sue Manager manages Lee
South); an analyst and an admin who belong to no team. Three cases, opened on Monday 02/03/2026: the
Oakhurst family (Pat; Ann and Ben), the Birchall family (Sam; Cal) and the Redmayne family (Lee; Dee).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

AS_OF = dt.date(2026, 11, 25)  # Wednesday: the date figures are taken at
OPENED = dt.date(2026, 3, 2)

MANAGER, OTHER_MANAGER = "mo.manager", "sue.manager"  # manage North and South
PRACTITIONER, SECOND_PRACTITIONER = "pat.practitioner", "sam.worker"  # North
SOUTH_PRACTITIONER = "lee.south"  # South
ANALYST, ADMIN = "ana.analyst", "di.admin"
NORTH_CASE, SECOND_CASE, SOUTH_CASE = "C-N1", "C-N2", "C-S1"
NAMES = {
    MANAGER: "Mo Manager", OTHER_MANAGER: "Sue Manager", PRACTITIONER: "Pat Practitioner",
    SECOND_PRACTITIONER: "Sam Worker", SOUTH_PRACTITIONER: "Lee South", ANALYST: "Ana Analyst", ADMIN: "Di Admin",
}


def staff() -> list:
    from familyservice_nb.records import Staff

    return [
        Staff(name=NAMES[MANAGER], login=MANAGER, role="manager", teams=["North"]),
        Staff(name=NAMES[OTHER_MANAGER], login=OTHER_MANAGER, role="manager", teams=["South"]),
        Staff(name=NAMES[PRACTITIONER], login=PRACTITIONER, role="practitioner", teams=["North"], line_manager=MANAGER),
        Staff(name=NAMES[SECOND_PRACTITIONER], login=SECOND_PRACTITIONER, role="practitioner", teams=["North"],
              line_manager=MANAGER),
        Staff(name=NAMES[SOUTH_PRACTITIONER], login=SOUTH_PRACTITIONER, role="practitioner", teams=["South"],
              line_manager=OTHER_MANAGER),
        Staff(name=NAMES[ANALYST], login=ANALYST, role="analyst"),
        Staff(name=NAMES[ADMIN], login=ADMIN, role="admin"),
    ]


def cases() -> list:
    from familyservice_nb.records import Case, Child

    return [
        Case(case_id=NORTH_CASE, family_pseudonym="Oakhurst family", allocated_worker=PRACTITIONER, team="North",
             open_date=OPENED, children=[Child(child_id="K-1", pseudonym="Ann", date_of_birth=dt.date(2015, 5, 1)),
                                         Child(child_id="K-2", pseudonym="Ben", date_of_birth=dt.date(2018, 9, 9))]),
        Case(case_id=SECOND_CASE, family_pseudonym="Birchall family", allocated_worker=SECOND_PRACTITIONER,
             team="North", open_date=OPENED, children=[Child(child_id="K-3", pseudonym="Cal")]),
        Case(case_id=SOUTH_CASE, family_pseudonym="Redmayne family", allocated_worker=SOUTH_PRACTITIONER,
             team="South", open_date=OPENED, children=[Child(child_id="K-4", pseudonym="Dee")]),
    ]


def seed_people(store) -> None:
    """The world's staff and cases, saved through the store."""
    store.save_staff(staff())
    store.save_cases(cases())


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{Path(folder) / 'workbook.db'}"
