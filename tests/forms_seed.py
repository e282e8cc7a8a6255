"""The form tests' workbook (kernel-side, browser and benchmarks): the test world (`world.py`) and Pat's
case notes. No real person or case."""

from __future__ import annotations

from pathlib import Path

from world import (  # noqa: F401 - the names the form tests import from here
    MANAGER,
    NORTH_CASE,
    OTHER_MANAGER,
    PRACTITIONER,
    SECOND_CASE,
    SECOND_PRACTITIONER,
    SOUTH_CASE,
    SOUTH_PRACTITIONER,
    seed_people,
    sqlite_url,
)


def seed(url: str) -> str:
    """Create the database at `url` and fill it; returns the url."""
    from familyservice_nb.store import Store

    with Store(url, user=None) as store:
        store.upgrade()
        seed_people(store)
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


# What a case discussion needs before it completes: used by the form tests.
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


def whole(data: dict) -> dict:
    """A discussion's data made whole for completion: progress and next steps, every child of
    C-N1 accounted for, and each optional section left empty marked 'Nothing to record'."""
    from familyservice_nb.records import OPTIONAL_SECTIONS

    data = {k: v for k, v in COMPLETE_DISCUSSION.items() if k != "left_empty"} | data
    empty = {name: "Nothing to record" for name in OPTIONAL_SECTIONS if not data.get(name)}
    return data | {"left_empty": empty | data.get("left_empty", {})}
