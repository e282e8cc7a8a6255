"""The dashboard tests' workbook (kernel-side, browser and benchmarks): the test world (`world.py`) with case
notes as a Mosaic extract, case supervisions (one completed late, one with actions past their date, one left
a draft), line management and EPDRs. Free text that a spreadsheet would run as a formula is in it on purpose.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from world import (  # noqa: F401 - the names the dashboard tests import from here
    ANALYST,
    AS_OF,
    MANAGER,
    OTHER_MANAGER,
    PRACTITIONER,
    SECOND_PRACTITIONER,
    SOUTH_PRACTITIONER,
    seed_people,
    sqlite_url,
)

FORMULA = '=HYPERLINK("http://example.invalid","click")'

# 8 notes in North, 3 in South: on time, late, overdue, pending, risk; one with a formula-like type of note.
NOTES = f"""note_id,case_id,worker,team,note_type,event_date,recorded_at,risk_identified,status
N-1,C-N1,Pat Practitioner,North,Visit,02/11/2026,03/11/2026 10:00,No,Complete
N-2,C-N1,Pat Practitioner,North,Telephone call,05/11/2026,06/11/2026 09:30,No,Complete
N-3,C-N1,Pat Practitioner,North,Visit,09/11/2026,10/11/2026 16:00,Yes,Complete
N-4,C-N1,Pat Practitioner,North,E-mail,10/11/2026,24/11/2026 11:00,No,Complete
N-5,C-N1,Pat Practitioner,North,Visit,12/10/2026,,No,Draft
N-6,C-N1,Pat Practitioner,North,Visit,24/11/2026,,No,Draft
N-7,C-N2,Sam Worker,North,Visit,20/11/2026,21/11/2026 10:00,No,Complete
N-8,C-N2,Sam Worker,North,"{FORMULA.replace('"', '""')}",02/10/2026,20/10/2026 10:00,Yes,Complete
S-1,C-S1,Lee South,South,Visit,02/11/2026,20/11/2026 10:00,No,Complete
S-2,C-S1,Lee South,South,Visit,16/11/2026,17/11/2026 10:00,Yes,Complete
S-3,C-S1,Lee South,South,Key event,01/09/2026,,No,Draft
"""


def _at(day: str, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, 0), tzinfo=dt.UTC)


def seed(url: str) -> str:
    """Create the database at `url` and fill it; returns the url."""
    from familyservice_nb.records import RECORD_KINDS
    from familyservice_nb.store import Store
    from familyservice_nb.store.audit import clock_at

    with Store(url, user=None) as store:
        store.upgrade()
        seed_people(store)
        extract = Path(str(url).removeprefix("sqlite:///")).with_name("dashboard-extract.csv")
        extract.write_text(NOTES, encoding="utf-8")
        store.import_extract(extract, as_of=AS_OF, progress=False)

        supervision = RECORD_KINDS["supervision"]
        line_management = RECORD_KINDS["line_management"]

        def discussion(case_id, practitioner, manager, day, **more):
            # Complete under the completion rules: progress and next steps written, the other sections marked.
            left_empty = {name: "Nothing to record" for name in (
                "key_dates", "risk_assessments_and_tools", "if_unable_to_engage", "pbr_outcomes", "significant_adults",
                *(() if more.get("agreed_actions") else ("agreed_actions",)))}
            return supervision.model_validate({
                "event_date": day, "author": manager, "case_id": case_id, "kind": "Planned supervision",
                "practitioner": practitioner, "manager": manager, "case_summary": "Two children; early help plan.",
                "progress": "Routines settling.", "still_to_happen": "School review.", "left_empty": left_empty,
                **more,
            })

        def keep(record, written: str | None, complete: bool = True) -> str:
            with clock_at(_at(written or record.event_date.isoformat())):
                record_id = store.save_draft(record)
                if complete:
                    store.complete(record_id)
            return record_id

        # North: C-N1 supervised on Thu 01/10/2026, completed late (Mon 12/10; due Thu 08/10), agreeing
        # actions now past their date; C-N2 only a draft (so no supervision in time).
        keep(discussion("C-N1", PRACTITIONER, MANAGER, "2026-10-01", agreed_actions=[
            {"action_id": "A1", "what": FORMULA, "by_whom": PRACTITIONER, "by_when": "2026-10-20"},
            {"action_id": "A2", "what": "Complete the housing referral", "by_whom": PRACTITIONER,
             "by_when": "2026-12-15"},
        ], children=[{"child_id": "K-1", "pseudonym": "Ann", "date_spoken_to": "2026-09-30", "seen_alone": True,
                      "views_and_feelings": "I like my new teacher."},
                     {"child_id": "K-2", "pseudonym": "Ben", "not_spoken_to": "Not seen this period"}]), "2026-10-12")
        keep(discussion("C-N2", SECOND_PRACTITIONER, MANAGER, "2026-11-20"), None, complete=False)
        # South: supervised on Fri 20/11/2026, written the same day; every child spoken to.
        keep(discussion("C-S1", SOUTH_PRACTITIONER, OTHER_MANAGER, "2026-11-20", agreed_actions=[
            {"action_id": "B1", "what": "Book the review meeting", "by_whom": SOUTH_PRACTITIONER,
             "by_when": "2026-11-24"},
        ], children=[{"child_id": "K-4", "pseudonym": "Dee", "date_spoken_to": "2026-11-18", "seen_alone": True,
                      "views_and_feelings": "School is better now."}]), None)
        # Line management: Pat on 02/11 (due again after 30/11), Lee on 01/10 (due since 29/10); Sam never.
        keep(line_management.model_validate({"event_date": "2026-11-02", "author": MANAGER,
                                             "practitioner": PRACTITIONER, "manager": MANAGER,
                                             "next_epdr_date": "2027-03-01"}), None)
        keep(line_management.model_validate({"event_date": "2026-10-01", "author": OTHER_MANAGER,
                                             "practitioner": SOUTH_PRACTITIONER, "manager": OTHER_MANAGER,
                                             "next_epdr_date": "2026-11-20"}), None)
        # EPDRs: Pat's held on 02/03/2026 (the next is to come, 01/03/2027), Lee's on 20/11/2025 (the next was due
        # 20/11/2026: past); Sam has none.
        epdr = RECORD_KINDS["epdr"]
        objectives = [{"what": "Lead two parenting groups", "by_when": "2026-09-30"}]
        keep(epdr.model_validate({"event_date": "2026-03-02", "author": MANAGER, "practitioner": PRACTITIONER,
                                  "manager": MANAGER, "objectives": objectives, "next_epdr_date": "2027-03-01"}), None)
        keep(epdr.model_validate({"event_date": "2025-11-20", "author": OTHER_MANAGER, "practitioner": SOUTH_PRACTITIONER,
                                  "manager": OTHER_MANAGER, "objectives": objectives, "next_epdr_date": "2026-11-20"}), None)
    return url


def page_on(page_class, url: str, user: str = MANAGER):
    """A page built the way its notebook builds it, on this workbook, as of AS_OF (fails on a problem page)."""
    from familyservice_nb.ui.kit.context import PageContext
    from familyservice_nb.ui.kit.shell import build_page

    page = build_page(page_class.__name__, page_class.from_context,
                      PageContext(user=user, database_url=url, as_of=AS_OF))
    assert isinstance(page, page_class), getattr(page, "message", "")
    return page
