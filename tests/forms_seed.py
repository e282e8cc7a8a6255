"""A small synthetic workbook for the form tests (kernel-side, browser and benchmarks): two teams,
their managers and practitioners, three cases with children. No real person or case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

MANAGER = "mo.manager"  # manages team North
OTHER_MANAGER = "sue.manager"  # manages team South
PRACTITIONER = "pat.practitioner"  # North
SECOND_PRACTITIONER = "sam.worker"  # North
SOUTH_PRACTITIONER = "lee.south"  # South
NORTH_CASE, SECOND_CASE, SOUTH_CASE = "C-N1", "C-N2", "C-S1"


def seed(url: str) -> str:
    """Create the database at `url` and fill it; returns the url."""
    from familyservice_nb.records import Case, Child, Staff
    from familyservice_nb.store import Store

    with Store(url, user=None) as store:
        store.upgrade()
        store.save_staff([
            Staff(name="Mo Manager", login=MANAGER, role="manager", teams=["North"]),
            Staff(name="Sue Manager", login=OTHER_MANAGER, role="manager", teams=["South"]),
            Staff(name="Pat Practitioner", login=PRACTITIONER, role="practitioner", teams=["North"],
                  line_manager=MANAGER),
            Staff(name="Sam Worker", login=SECOND_PRACTITIONER, role="practitioner", teams=["North"],
                  line_manager=MANAGER),
            Staff(name="Lee South", login=SOUTH_PRACTITIONER, role="practitioner", teams=["South"],
                  line_manager=OTHER_MANAGER),
        ])
        opened = dt.date(2026, 3, 2)
        store.save_cases([
            Case(case_id=NORTH_CASE, family_pseudonym="Oakhurst family", allocated_worker=PRACTITIONER, team="North",
                 open_date=opened, children=[Child(child_id="K-1", pseudonym="Ann", date_of_birth=dt.date(2015, 5, 1)),
                                             Child(child_id="K-2", pseudonym="Ben", date_of_birth=dt.date(2018, 9, 9))]),
            Case(case_id=SECOND_CASE, family_pseudonym="Birchall family", allocated_worker=SECOND_PRACTITIONER,
                 team="North", open_date=opened, children=[Child(child_id="K-3", pseudonym="Cal")]),
            Case(case_id=SOUTH_CASE, family_pseudonym="Redmayne family", allocated_worker=SOUTH_PRACTITIONER,
                 team="South", open_date=opened, children=[Child(child_id="K-4", pseudonym="Dee")]),
        ])
        extract = Path(str(url).removeprefix("sqlite:///")).with_name("notes-extract.csv")
        extract.write_text(NOTES, encoding="utf-8")
        store.import_extract(extract, as_of="25/11/2026", progress=False)
    return url


# Pat's notes, as a Mosaic extract names them (by the worker's name): 3 on time, 1 late, 1 overdue, 1 not yet due.
NOTES = """note_id,case_id,worker,team,note_type,event_date,recorded_at,risk_identified,status
N-1,C-N1,Pat Practitioner,North,Visit,02/11/2026,03/11/2026 10:00,No,Complete
N-2,C-N1,Pat Practitioner,North,Telephone call,05/11/2026,06/11/2026 09:30,No,Complete
N-3,C-N1,Pat Practitioner,North,Visit,09/11/2026,10/11/2026 16:00,Yes,Complete
N-4,C-N1,Pat Practitioner,North,E-mail,10/11/2026,24/11/2026 11:00,No,Complete
N-5,C-N1,Pat Practitioner,North,Visit,12/11/2026,,No,Draft
N-6,C-N1,Pat Practitioner,North,Visit,24/11/2026,,No,Draft
N-7,C-N2,Sam Worker,North,Visit,20/11/2026,21/11/2026 10:00,No,Complete
"""


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{Path(folder) / 'workbook.db'}"


# What a case discussion needs before it completes (issue 10): used by the form tests.
COMPLETE_DISCUSSION = {
    "progress": "Attendance up to 92%.", "still_to_happen": "Housing referral.",
    "children": [{"child_id": "K-1", "not_spoken_to": "Not seen this period"},
                 {"child_id": "K-2", "not_spoken_to": "Not seen this period"}],
    "left_empty": {name: "Nothing to record" for name in (
        "key_dates", "risk_assessments_and_tools", "if_unable_to_engage", "pbr_outcomes", "significant_adults",
        "agreed_actions")},
}


def fill_discussion(form):
    """Fill a discussion form's inputs so it can complete: progress and next steps, every child accounted for
    ('Not seen this period'), every optional section marked 'Nothing to record'."""
    form.parts["progress"].field.value = COMPLETE_DISCUSSION["progress"]
    form.parts["still_to_happen"].field.value = COMPLETE_DISCUSSION["still_to_happen"]
    for row in form.parts["children"].rows:
        row.fields["not_spoken_to"].value = "Not seen this period"
    for box in form.parts["left_empty"].choices.values():
        box.value = "Nothing to record"
