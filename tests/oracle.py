"""A plain, day-by-day statement of the timeliness rule, one note at a time.

Written as a person would check it by hand, independent of numpy's working-day functions. The
tests compare the vectorised rule with it, and benchmarks/bench_timeliness.py times it as the
row-by-row baseline.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=[year]).keys())


def is_working_day(day: dt.date, region: str = "ENG", closures: frozenset = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(region, day.year) and day not in closures


def due_date(event: dt.date, risk: bool, region: str = "ENG", closures: frozenset = frozenset()) -> dt.date:
    """Step forward a day at a time, counting working days after the event day."""
    wanted = 1 if risk else 5
    day, found = event, 0
    while found < wanted:
        day += ONE_DAY
        if is_working_day(day, region, closures):
            found += 1
    return day


def working_days_taken(event: dt.date, recorded: dt.date, region: str = "ENG", closures=frozenset()) -> int:
    count, day = 0, event
    while day < recorded:
        day += ONE_DAY
        if is_working_day(day, region, closures):
            count += 1
    return count


def timeliness(event, recorded, risk, status, as_of, region="ENG", closures=frozenset()) -> tuple:
    """(timeliness, due date, working days taken or None, days late or None) for one note."""
    due = due_date(event, risk, region, closures)
    status = (status or "Complete").strip().casefold()
    if status == "deleted":
        return "deleted", due, None, None
    if recorded is not None and status == "complete":
        taken = working_days_taken(event, recorded, region, closures)
        if recorded <= due:
            return "on_time", due, taken, 0
        return "late", due, taken, (recorded - due).days
    if as_of > due:
        return "overdue", due, None, (as_of - due).days
    return "pending", due, None, None


def open_action_ids(discussions) -> list[str]:
    """The carry-forward rule walked one discussion at a time, as a manager would check it by hand.

    Discussions in date order, then record number; in each, its reviews count first, then what it agrees
    (an action agreed again moves to its new place and forgets earlier reviews). Open: the action's last
    review is neither done nor no longer needed. Ids in the order agreed.
    """
    closed = {"Done", "No longer needed"}
    agreed: dict[str, None] = {}
    latest: dict[str, str] = {}
    for d in sorted(discussions, key=lambda d: (d.event_date, d.record_id)):
        for review in d.previous_actions:
            latest[review.action_id] = str(review.status)
        for action in d.agreed_actions:
            agreed.pop(action.action_id, None)
            agreed[action.action_id] = None
            latest.pop(action.action_id, None)
    return [ref for ref in agreed if latest.get(ref) not in closed]
