"""A demo database: synthetic staff, teams, cases, children, a year of notes and supervisions.

Everything is generated from a seed; no real person or case is in it. The notes come from
`familyservice_nb.demo.make_demo_extract` (realistic lateness) and go in through the ordinary import,
so the demo exercises the same path a council's extract takes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..demo import FIRST_NAMES, SURNAMES, make_demo_extract, synthetic_people
from ..errors import WorkbookError
from ..records.people import StaffRole
from . import audit, repository
from .access import Viewer, load_viewer

WORKERS, TEAMS = 24, 4
PHRASES = {
    "summary": [
        "Two children; early help plan since the spring after a school referral about attendance.",
        "Single parent household; support with routines, housing and the eldest child's behaviour at school.",
        "Three children; parents separated last year; focus on contact arrangements and emotional wellbeing.",
    ],
    "progress": [
        "Attendance has improved to 94% this half term.", "Morning routine chart in daily use.",
        "Mum has engaged with every planned visit.", "Less progress than hoped: two visits missed.",
    ],
    "still": [
        "Housing referral to be followed up.", "School to confirm the support plan.",
        "Dad to be invited to the next review.",
    ],
    "action": [
        "Book a meeting with the school's family liaison officer", "Complete the housing referral",
        "Visit after school to observe the routine", "Share the plan with the health visitor",
        "Ask the GP surgery about the outstanding appointment", "Arrange a joint visit with the school nurse",
    ],
    "views": [
        "I like it when we go to the park on Saturdays.", "School is better now I have a new friend.",
        "I don't like it when mum and dad shout.", "I want my own bedroom.",
    ],
}
# Sections every demo supervision fills the same way (no random draws, so the figures stay comparable).
FIXED = {
    "risk_assessments_and_tools": "Scaling 1-10 with the parents at each visit; the family's own safety plan.",
    "if_unable_to_engage": "Joint visit with the school nurse; if still not engaging, the team manager reviews.",
    "left_empty": {"significant_adults": "Nothing to record"},
    "concern": "The school reported an unexplained bruise on the youngest child's arm.",
    "advice_given": "Speak to the parents today; consult the MASH on whether a referral is needed.",
    "decision": "Consultation with the MASH held; the family stays open to early help with a safety plan.",
    "decision_rationale": "Parents gave a consistent explanation that the school confirmed; no other concerns.",
}
TOO_YOUNG_DAYS = 3 * 365  # a child under three is recorded as observed, not spoken to
OBSERVED = "Settled and responsive; reached for a parent when unsure; meeting milestones as the health visitor expects."


def _login(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "")


def _staff(extract: pd.DataFrame, rng: np.random.Generator) -> tuple[list, dict[str, str], dict[str, str]]:
    from ..records import Staff

    pairs = extract[["worker", "team"]].drop_duplicates().sort_values("worker")
    teams = sorted(pairs["team"].unique())
    taken = set(pairs["worker"])
    spare = [n for n in synthetic_people(WORKERS + 20, np.random.default_rng(10_000 + rng.integers(1000)))
             if n not in taken]
    managers = {team: spare[i] for i, team in enumerate(teams)}
    staff = [
        Staff(name=name, login=_login(name), role=StaffRole.MANAGER, teams=[team])
        for team, name in managers.items()
    ]
    staff += [
        Staff(name=row.worker, login=_login(row.worker), role=StaffRole.PRACTITIONER, teams=[row.team],
              line_manager=_login(managers[row.team]), newly_qualified=bool(rng.random() < 0.15))
        for row in pairs.itertuples()
    ]
    staff.append(Staff(name=spare[len(teams)], login=_login(spare[len(teams)]), role=StaffRole.ANALYST))
    staff.append(Staff(name=spare[len(teams) + 1], login=_login(spare[len(teams) + 1]), role=StaffRole.ADMIN))
    worker_login = {row.worker: _login(row.worker) for row in pairs.itertuples()}
    manager_login = {team: _login(name) for team, name in managers.items()}
    return staff, worker_login, manager_login


def _cases(extract: pd.DataFrame, worker_login: dict[str, str], as_of: dt.date, rng: np.random.Generator) -> list:
    from ..records import Case, Child

    notes = extract.assign(event=pd.to_datetime(extract["event_date"], format="%d/%m/%Y"))
    # The case's allocated worker is the one who wrote most of its notes.
    counts = notes.groupby(["case_id", "worker", "team"], observed=True).size().rename("n").reset_index()
    main = counts.sort_values(["case_id", "n"], ascending=[True, False]).drop_duplicates("case_id")
    first = notes.groupby("case_id")["event"].min()
    last = notes.groupby("case_id")["event"].max()
    cases = []
    for i, row in enumerate(main.itertuples()):
        surname = SURNAMES[i % len(SURNAMES)]
        opened = (first[row.case_id] - pd.Timedelta(days=int(rng.integers(0, 30)))).date()
        closed = None
        if rng.random() < 0.15 and last[row.case_id].date() < as_of - dt.timedelta(days=14):
            closed = last[row.case_id].date() + dt.timedelta(days=7)
        children = []
        for j in range(int(rng.integers(1, 4))):
            age_days = int(rng.integers(200, 17 * 365))
            children.append(Child(
                child_id=f"{row.case_id}-{j + 1}",
                pseudonym=f"{FIRST_NAMES[(i * 3 + j) % len(FIRST_NAMES)]} {surname}",
                date_of_birth=as_of - dt.timedelta(days=age_days),
            ))
        cases.append(Case(
            case_id=row.case_id, family_pseudonym=f"{surname} family", allocated_worker=worker_login[row.worker],
            team=row.team, open_date=opened, close_date=closed, children=children,
        ))
    return cases


def _supervisions(cases: list, manager_login: dict[str, str], as_of: dt.date, rng: np.random.Generator,
                  names: dict[str, str]):
    """Supervisions of each case about every four to six weeks, reviewing the actions agreed before. An
    action's "by whom" is the worker's name (`names`, by login), as a manager chooses it from the staff list."""
    from ..records import RECORD_KINDS, TROUBLED_FAMILIES_PROBLEMS, open_actions

    supervision = RECORD_KINDS["supervision"]
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    out = []  # (record, complete?)
    for case in cases:
        if rng.random() < 0.2:
            continue  # some cases without oversight, for the oversight figures to find
        end = min(case.close_date or as_of, as_of)
        day = max(case.open_date + dt.timedelta(days=int(rng.integers(7, 28))), end - dt.timedelta(days=200))
        earlier = []
        while day <= end:
            reviews = []
            for action in open_actions(earlier):
                status = pick(["Done", "Done", "Partly done", "Not done", "No longer needed"])
                reviews.append({"action_id": action.action_id, "what": action.what, "status": status,
                                "comment": "" if status == "Done" else "Carried forward; see progress."})
            actions = [
                {"what": pick(PHRASES["action"]), "by_whom": names.get(case.allocated_worker, case.allocated_worker),
                 "by_when": day + dt.timedelta(days=int(rng.integers(7, 35)))}
                for _ in range(int(rng.integers(1, 4)))
            ]
            children = []
            for c in case.children:
                if rng.random() < 0.8:  # spoken to (draws fixed in number and order: a seed makes one demo)
                    seen = day - dt.timedelta(days=int(rng.integers(0, 20)))
                    alone, views = bool(rng.random() < 0.6), pick(PHRASES["views"])
                    if c.date_of_birth and (seen - c.date_of_birth).days < TOO_YOUNG_DAYS:
                        children.append({"child_id": c.child_id, "pseudonym": c.pseudonym, "date_spoken_to": seen,
                                         "not_spoken_to": "Too young to speak: observed", "observations": OBSERVED})
                    else:
                        children.append({"child_id": c.child_id, "pseudonym": c.pseudonym, "date_spoken_to": seen,
                                         "seen_alone": alone, "views_and_feelings": views})
                else:
                    children.append({"child_id": c.child_id, "pseudonym": c.pseudonym,
                                     "not_spoken_to": "Not seen this period"})
            safeguarding = rng.random() < 0.08
            manager = manager_login[case.team]
            # Draws in a fixed order, so a seed makes one demo: summary, progress, still to happen, outcomes.
            summary, progress, still = pick(PHRASES["summary"]), pick(PHRASES["progress"]), pick(PHRASES["still"])
            outcomes = list(rng.choice(TROUBLED_FAMILIES_PROBLEMS, size=2, replace=False))
            statuses = ["Identified", "Progressing", "Achieved", "Sustained"]
            record = supervision.model_validate({
                **{k: v for k, v in FIXED.items() if safeguarding or k not in (
                    "concern", "advice_given", "decision", "decision_rationale")},
                "event_date": day, "author": manager, "case_id": case.case_id,
                "kind": "Advice on a safeguarding concern" if safeguarding else "Planned supervision",
                "practitioner": case.allocated_worker, "manager": manager,
                "case_summary": summary, "intervention_offered": "Intensive Support",
                "previous_actions": reviews, "progress": progress,
                "still_to_happen": still,
                "key_dates": [{"date": day + dt.timedelta(days=42), "what": "Family plan review"}],
                "pbr_outcomes": [{"outcome": o, "status": statuses[min(len(earlier) // 2 + i, 3)]}
                                 for i, o in enumerate(outcomes)],
                "children": children, "agreed_actions": actions,
            })
            earlier.append(record)
            next_day = day + dt.timedelta(days=int(rng.integers(25, 45)))
            out.append((record, next_day <= end or rng.random() < 0.7))  # the latest is sometimes a draft
            day = next_day
    return out


def _line_management(person, discussions: list[str], as_of: dt.date, rng: np.random.Generator):
    """A line management supervision in the last month, linking the case discussions held in it."""
    from ..records import RECORD_KINDS

    return RECORD_KINDS["line_management"].model_validate({
        "event_date": as_of - dt.timedelta(days=int(rng.integers(1, 28))), "author": person.line_manager,
        "practitioner": person.login, "manager": person.line_manager,
        "workload_management": f"Caseload reviewed; {int(rng.integers(8, 18))} open cases feels manageable.",
        "performance_and_quality": "Recording mostly on time; two late notes discussed.",
        "reflection_on_focus_and_methods": "Using scaling questions with parents; plan to try genograms.",
        "commitment_to_outcomes": "Good joint working with schools and health visitors.",
        "motivation_development_and_support": "Keen to attend the trauma-informed practice course.",
        "next_epdr_date": as_of + dt.timedelta(days=120), "case_discussions": discussions,
    })


def _epdr(person, as_of: dt.date, rng: np.random.Generator):
    """The practitioner's latest EPDR, held up to 13 months ago (so a few are overdue), the next due a year on."""
    from ..records import RECORD_KINDS
    from ..records.epdr import next_epdr_due

    held = as_of - dt.timedelta(days=int(rng.integers(20, 400)))
    return RECORD_KINDS["epdr"].model_validate({
        "event_date": held, "author": person.line_manager, "practitioner": person.login,
        "manager": person.line_manager, "next_epdr_date": next_epdr_due(held),
        "objectives": [{"what": "Lead a parenting group with a colleague", "by_when": held + dt.timedelta(days=180)},
                       {"what": "Keep case recording within 5 working days", "by_when": held + dt.timedelta(days=300)}],
        "development": "Trauma-informed practice course; shadow a Senior Professional Practitioner.",
    })


def _written_on(event_date: dt.date, as_of: dt.date, rng: np.random.Generator) -> dt.datetime:
    """When a demo record was written: mostly within a few days of the meeting, a tail later."""
    day = min(event_date + dt.timedelta(days=int(rng.exponential(2.0))), as_of)
    written = dt.datetime.combine(day, dt.time(15, int(rng.integers(0, 60))), tzinfo=dt.UTC)
    # Never later than now: demo data made in the morning showed records "completed today at 15:34".
    return min(written, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))


def is_empty(store) -> bool:
    """No staff, notes or records yet (a database the demo may fill)."""
    from sqlalchemy import func, select

    from .schema import notes, records, staff

    with store.reading() as conn:
        return not any(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (staff, notes, records))


DEMO_MARK = "demo"  # a settings row the demo writes: which staff it made up


def _mark_as_demo(store, logins: list[str]) -> None:
    from sqlalchemy import insert

    from .schema import settings

    with store.writing() as conn:
        conn.execute(insert(settings).values(
            key=DEMO_MARK, value=audit.dumps({"staff": sorted(logins)}), updated_at=audit.utcnow(),
            updated_by=store.viewer(conn).actor))


def demo_manager(store) -> str | None:
    """The login of the demo's first team manager, when every person on the staff list was made up by
    the demo (`fill_demo`); None on a database with anyone else on it. `serve --demo` signs the laptop
    user in as this manager, and as nobody on a database with real staff."""
    import json

    from sqlalchemy import select

    from .schema import settings

    store = store.with_database_access()
    with store.reading() as conn:
        mark = conn.execute(select(settings.c.value).where(settings.c.key == DEMO_MARK)).scalar_one_or_none()
    if mark is None:
        return None
    made_up = set(json.loads(mark).get("staff", []))
    people = store.staff()
    if not people or any(p.login not in made_up for p in people):
        return None
    managers = sorted(p.login for p in people if p.role == StaffRole.MANAGER)
    return managers[0] if managers else None


def fill_demo_if_empty(store, seed: int = 7, notes: int = 5000) -> bool:
    """For `serve --demo`: fill the database with the demo unless it already holds data; True when filled."""
    if not is_empty(store.with_database_access()):
        return False
    fill_demo(store, seed=seed, notes=notes)
    return True


def fill_demo(store, seed: int = 7, notes: int = 5000, as_of: dt.date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo; returns what was added. Writes with database access."""
    from ..dates import today_in_london

    store = store.with_database_access()
    as_of = as_of or today_in_london()
    rng = np.random.default_rng(seed)
    if not is_empty(store):
        raise WorkbookError("This database already holds data; the demo only fills an empty database.")
    extract = make_demo_extract(rows=notes, seed=seed, as_of=as_of, workers=WORKERS, teams=TEAMS)
    staff, worker_login, manager_login = _staff(extract, rng)
    store.save_staff(staff)
    _mark_as_demo(store, [person.login for person in staff])
    cases = _cases(extract, worker_login, as_of, rng)
    store.save_cases(cases)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"demo-extract-{as_of:%Y-%m-%d}.csv"
        extract.to_csv(path, index=False)
        summary = store.import_extract(path, as_of=as_of)
    records = _supervisions(cases, manager_login, as_of, rng, {person.login: person.name for person in staff})
    calendar = store.calendar()
    discussed: dict[str, list[str]] = {}
    with store.writing() as conn:  # one transaction: the demo's records appear all at once
        viewers: dict[str, Viewer] = {}

        def as_author(record) -> Viewer:
            """Each record is written and completed by its author, under the same rules as everyone's."""
            if record.author not in viewers:
                viewers[record.author] = load_viewer(conn, record.author)
            return viewers[record.author]

        for record, done in records:
            viewer = as_author(record)
            with audit.clock_at(_written_on(record.event_date, as_of, rng)):
                record_id = repository.save_draft(conn, viewer, repository.prepare(record, None, calendar), None)
                if done:
                    repository.complete(conn, viewer, record_id, None, calendar)
                    discussed.setdefault(record.practitioner, []).append(record_id)
        for person in staff:
            if person.role == StaffRole.PRACTITIONER:
                for record in (_line_management(person, discussed.get(person.login, [])[-3:], as_of, rng),
                               _epdr(person, as_of, rng)):
                    viewer = as_author(record)
                    with audit.clock_at(_written_on(record.event_date, as_of, rng)):
                        record_id = repository.save_draft(conn, viewer, repository.prepare(record, None, calendar),
                                                          None)
                        repository.complete(conn, viewer, record_id, None, calendar)
    store.close()
    return {
        "staff": len(staff), "cases": len(cases), "children": sum(len(c.children) for c in cases),
        "notes": summary.new, "supervisions": len(records) + sum(p.role == StaffRole.PRACTITIONER for p in staff),
    }
