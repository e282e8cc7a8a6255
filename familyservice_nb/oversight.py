"""Evidence of management oversight: where supervision, actions and children's voices have gaps.

guidance: Supervision Recording Expectations - "In most cases there should be evidence of effective
management oversight for families open to The Family Service"; supervision records show a "Review of
previous agreed actions" and "A record of when children have been spoken to"; a case discussion held
"through planned supervision or where advice and guidance on a safeguarding concern has been sought"
is recorded (a manager's recording, so the timeliness rule applies to it).
guidance: Line Management Supervision - "undertaken in line with corporate guidance".

The measures (`MEASURES`), each declared once with `@measure` (code, title, the guidance line it gives
evidence for, what a manager does about it, and how the page lays it out) on the function that works out its
table: one line per gap, each line carrying what to open (`case_id`, `record_id`, or the practitioner's
`login`) plus its `team` and `manager`. The page and the notebooks list whatever the registry holds::

    from familyservice_nb import oversight
    data = store.oversight_data()                       # the frames, who-sees-what applied
    report = oversight.management_oversight(data, settings=store.settings(), as_of="2026-11-25")
    report.cases_without_supervision                    # ... and every other measure's table
    report.counts("team")                               # gaps per team, one column per measure
    report.counts("manager")
    report.by_case()                                    # each open case's verdict from each case measure
    oversight.case_results(data, ["cases_without_supervision"], as_of="2026-11-25")   # only the measures asked

Readings the workbook had to choose (the guidance gives no numbers):
- Only families open on the as-of date count (open on or before it, not closed on or before it).
- Only completed records are evidence: a draft shows work in hand, not a record made.
- "Within the interval" means at most that many calendar days ago: with 28 days, a case supervised
  on 28/10/2026 is still in time on 25/11/2026, and a gap from 26/11/2026.
- A family never supervised (a child never spoken to) counts from the day the case opened.
- Line management supervision is due every `line_management_interval_days` (a council setting, default
  4 weeks: `vocab.LINE_MANAGEMENT_INTERVAL`), monthly as corporate supervision policies commonly ask. A
  practitioner with a line manager and no line management supervision recorded is due now.
- The EPDR is annual: a practitioner's next EPDR is due by the next EPDR date their latest completed EPDR set,
  and never later than the council's EPDR cycle (`epdr_cycle_days`, default a year: `vocab.EPDR_CYCLE`) after
  that EPDR was held (`records.epdr.epdr_due_by`). It is overdue from the day after; a practitioner with a
  line manager and no EPDR recorded is overdue now. The next EPDR date a line management supervision
  records is its plan, not an EPDR held, and does not count.
- A child counts as spoken to from any completed record of a kind declared to count them
  (`records.kinds`, `RecordKind.spoken_to`): the page shows `spoken_to_note()`, which says what is counted.
- Every record of a timed kind (`RecordKind.timed`: case supervisions, review and closure summaries,
  sessions, GFPO sessions, case notes) is late when first completed after its due date (the one
  timeliness rule: next working day when risk was identified - always for advice on a safeguarding
  concern - else 5 working days), and overdue when still not completed after it; later amendments do not
  change when it was first completed. Line management records are personnel records, not case records,
  and are not timed. The date held (the meeting, session or event) and the date entered in the workbook
  are kept apart, in columns of their own.

Everything here works on whole columns (merges, group-bys, masks); there is no loop over cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from .dates import LONDON, parse_uk_date, today_in_london
from .errors import UnreadableRecord
from .records import carry_forward
from .records.epdr import epdr_due_by
from .records.kinds import EPDR, KINDS, LINE_MANAGEMENT, SUPERVISION, RecordKind, kind_named
from .records.people import StaffRole, open_on
from .records.settings import CouncilSettings
from .sources import Cited, from_guidance
from .timeliness import assess_timeliness
from .vocab import (
    CHILD_SEEN_INTERVAL,
    EPDR_CYCLE,
    LINE_MANAGEMENT_INTERVAL,
    RECORDING_DEADLINE,
    RISK_RECORDING_DEADLINE,
    SUPERVISION_INTERVAL,
    TIMELINESS_LABELS,
    Timeliness,
)
from .working_days import WorkingCalendar

NO_MANAGER = "(no manager)"
NO_TEAM = "(no team)"


@dataclass(frozen=True)
class Interval:
    """A measure counted over one of the council's intervals: the setting (a `CouncilSettings` field, in days)
    and how the measure's title says it ("none in {} days")."""

    setting: str
    words: str


@dataclass(frozen=True)
class Measure:
    """One oversight measure: a table with one line per gap, and everything said about it.

    `lines_of` works out the lines from `OversightData` for a day (a Timestamp), with the interval the council
    set (`interval`) and its calendar (`working_days`). The page lays each measure out from these words:
    `columns` (its heading by column, in order; a line on a case also opens the case, and a line about a
    practitioner their line management supervision), `excel` (the download's columns, when not those shown),
    `lines_are` (how a table counts its lines), `empty` (what it says with none), `what_to_do` and `explains`.
    """

    code: str  # the report's table and the page's section: "cases_without_supervision"
    title: str  # "Open cases without a recent case supervision"
    short_title: str  # the count tables' column and the Excel sheet: "No recent supervision"
    guidance: Cited  # the line of the guidance it gives evidence for
    what_to_do: str  # for the manager, in plain words
    lines_of: Callable[..., pd.DataFrame]
    lines_are: str
    empty: str
    columns: Mapping[str, str]
    excel: Mapping[str, str] | None = None
    explains: Callable[[], str] | str = ""  # what it counts, where the words depend on other declarations
    record_kind: RecordKind | None = None  # the kind of every record its lines name in `record_id`, if one kind
    interval: Interval | None = None
    working_days: bool = False  # counted in working days, on the council's calendar

    def lines(self, data: OversightData, day: pd.Timestamp, settings: CouncilSettings,
              calendar: WorkingCalendar) -> pd.DataFrame:
        """The measure's lines for `day`, with the council's settings and calendar."""
        given = {}
        if self.interval is not None:
            given["interval_days"] = getattr(settings, self.interval.setting)
        if self.working_days:
            given["calendar"] = calendar
        return self.lines_of(data, day, **given)

    def title_for(self, settings: CouncilSettings) -> str:
        """The title with the council's interval: "Open cases without a recent case supervision (none in 28 days)"."""
        if self.interval is None:
            return self.title
        return f"{self.title} ({self.interval.words.format(getattr(settings, self.interval.setting))})"

    def note(self) -> str:
        """What the page says under the measure's heading: what to do, then what it counts."""
        explains = self.explains() if callable(self.explains) else self.explains
        return f"{self.what_to_do} {explains}".strip()


# The measures in the page's order, each declared once with `@measure` on the function that works it out.
MEASURES: dict[str, Measure] = {}


def measure(code: str, *, title: str, short_title: str, guidance: Cited, what_to_do: str, lines_are: str,
            empty: str, columns: Mapping[str, str], excel: Mapping[str, str] | None = None,
            explains: Callable[[], str] | str = "", record_kind: RecordKind | None = None,
            interval: Interval | None = None, working_days: bool = False, replace: bool = False):
    """Declare an oversight measure: decorate the function that works out its lines. The function takes
    (data, as_of), plus `interval_days` when the measure has an `interval` and `calendar` when it counts
    `working_days`. `replace=True` lets a notebook cell that declares one be run again."""

    def register(lines_of: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        if code in MEASURES and not replace:
            raise ValueError(f"An oversight measure '{code}' is already declared.")
        MEASURES[code] = Measure(code, title, short_title, guidance, what_to_do, lines_of, lines_are, empty,
                                 dict(columns), dict(excel) if excel is not None else None, explains, record_kind,
                                 interval, working_days)
        return lines_of

    return register


def measures_table() -> pd.DataFrame:
    """The registry as a table: each measure's code, title, the guidance it gives evidence for, and what to do."""
    return pd.DataFrame({
        "measure": [m.code for m in MEASURES.values()],
        "title": [m.title for m in MEASURES.values()],
        "guidance": [str(m.guidance) for m in MEASURES.values()],
        "what_to_do": [m.what_to_do for m in MEASURES.values()],
    })


def spoken_to_note() -> str:
    """What counts as "spoken to", in the words each kind that counts declares: only completed records count."""
    return (
        "A child counts as spoken to from any completed record that says so: "
        + "; ".join(k.spoken_to for k in KINDS.values() if k.spoken_to is not None)
        + ". A child recorded as not spoken to (not seen, declined, another reason) does not count."
    )


def late_records_note() -> str:
    """Which records the "completed late" measure holds, and the rule they are due by."""
    return (
        "Every record of these kinds: " + "; ".join(k.title for k in KINDS.values() if k.timed)
        + f". Due within {RECORDING_DEADLINE} of the day it was held, or by the {RISK_RECORDING_DEADLINE} when harm "
        "or risk was identified (always for advice on a safeguarding concern). The day held and the day entered "
        "are shown apart."
    )


def kind_titles(keys: pd.Series) -> pd.Series:
    """Each record's kind by its title (`records.kinds`); `UnknownKind` for a kind the workbook does not keep."""
    titles = keys.map({key: kind.title for key, kind in KINDS.items()})
    if titles.isna().any():
        kind_named(keys[titles.isna()].iloc[0])
    return titles


def _columns(*names: str) -> dict[str, list[str]]:
    return {"columns": list(names)}


@dataclass
class OversightData:
    """The records oversight is worked out from, as DataFrames (what `Store.oversight_data` returns).

    | frame | one row per | columns |
    |---|---|---|
    | `cases` | case | case_id, family, team, worker (login), open_date, close_date |
    | `children` | child on a case | case_id, child_id, child |
    | `staff` | person on the staff list | login, name, role, teams ("; " between several), line_manager (login), overseen (whether the viewer's oversight covers them) |
    | `discussions` | case discussion record (supervision, review, closure summary), drafts too | record_id, kind, case_id, event_date, risk_identified, author, practitioner, state, completed_at (first completion, UTC), entered_at (first saved, UTC) |
    | `agreed_actions` | action agreed in a completed discussion | record_id, case_id, event_date, action_id, what, by_whom, by_when |
    | `action_reviews` | review of an earlier action in a completed discussion | record_id, case_id, event_date, action_id, status |
    | `children_spoken_to` | child a completed record counts as spoken to | record_id, case_id, event_date, child_id, child, date_spoken_to |
    | `line_management` | line management supervision record, drafts too | record_id, practitioner, manager (who held it), event_date, state, completed_at, next_epdr_date (of its latest completed version) |
    | `epdrs` | EPDR record, drafts too | the same columns as `line_management` |
    | `recordings` | session, GFPO session and case note record, drafts too | record_id, kind, case_id, event_date, risk_identified, author, state, entered_at (first saved, UTC), completed_at |

    `children_spoken_to` holds every child a completed record counts as spoken to (`spoken_to_note()`).
    `unreadable` names the completed records that could not be read: what only their contents say (actions,
    reviews, children spoken to, the next EPDR) is left out of the frames; the rest still counts.

    Dates are datetime64 columns; record ids are text.
    """

    cases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**CASE_COLUMNS))
    children: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**CHILD_COLUMNS))
    staff: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**STAFF_COLUMNS))
    discussions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**DISCUSSION_COLUMNS))
    agreed_actions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**ACTION_COLUMNS))
    action_reviews: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**REVIEW_COLUMNS))
    children_spoken_to: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**SPOKEN_COLUMNS))
    line_management: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**LINE_COLUMNS))
    epdrs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**EPDR_COLUMNS))
    recordings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(**RECORDING_COLUMNS))
    unreadable: list[UnreadableRecord] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every frame by name (as `standards.Evidence.tables` takes them)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "unreadable"}


CASE_COLUMNS = _columns("case_id", "family", "team", "worker", "open_date", "close_date")
CHILD_COLUMNS = _columns("case_id", "child_id", "child")
STAFF_COLUMNS = _columns("login", "name", "role", "teams", "line_manager", "overseen")
DISCUSSION_COLUMNS = _columns(
    "record_id", "kind", "case_id", "event_date", "risk_identified", "author", "practitioner", "state", "completed_at",
    "entered_at",
)
ACTION_COLUMNS = _columns("record_id", "case_id", "event_date", "action_id", "what", "by_whom", "by_when")
REVIEW_COLUMNS = _columns("record_id", "case_id", "event_date", "action_id", "status")
SPOKEN_COLUMNS = _columns("record_id", "case_id", "event_date", "child_id", "child", "date_spoken_to")
LINE_COLUMNS = _columns("record_id", "practitioner", "manager", "event_date", "state", "completed_at",
                        "next_epdr_date")
EPDR_COLUMNS = LINE_COLUMNS  # a personnel record's facts: whose, held by whom and when, and the next EPDR date
RECORDING_COLUMNS = _columns("record_id", "kind", "case_id", "event_date", "risk_identified", "author", "state",
                             "entered_at", "completed_at")


# -- helpers on whole columns -----------------------------------------------------------------------


def _day(as_of) -> pd.Timestamp:
    """The as-of day: a date, a timestamp, or text read the UK way ("04/11/2026" is 4 November)."""
    if as_of is None:
        as_of = today_in_london()
    elif isinstance(as_of, str):
        as_of = parse_uk_date(as_of, "The as-of date")
    return pd.Timestamp(as_of).normalize()


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.normalize().astype("datetime64[ns]")


def _lookup(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """`values` (indexed by unique keys) for each of `keys`; missing where there is none."""
    return values.reindex(keys.to_numpy()).to_numpy()


def _record_number(ids: pd.Series) -> pd.Series:
    return pd.to_numeric(ids, errors="coerce")


def _names(staff: pd.DataFrame) -> pd.Series:
    """Display name by login (the login itself when the name is blank)."""
    names = staff.set_index("login")["name"]
    return names.where(names.notna() & (names.astype(str) != ""), names.index.to_series())


def _display(logins: pd.Series, names: pd.Series, missing: str) -> pd.Series:
    logins = logins.astype(object)
    shown = logins.map(names).astype(object)
    return shown.where(shown.notna(), logins).where(logins.notna() | shown.notna(), missing).astype(object)


def _team_managers(staff: pd.DataFrame) -> pd.Series:
    """A manager's login for each team (the first by name when a team has several)."""
    managers = staff[staff["role"] == StaffRole.MANAGER].sort_values(["name", "login"])
    teams = managers.assign(team=managers["teams"].fillna("").str.split("; ")).explode("team")
    teams = teams[teams["team"] != ""]
    return teams.drop_duplicates("team").set_index("team")["login"]


def open_cases(data: OversightData, as_of=None) -> pd.DataFrame:
    """The families open on the as-of date, each with its team, worker and manager (display names).

    The manager is the allocated worker's line manager, else the manager of the case's team.
    """
    return _open_cases(data.cases, _day(as_of), data.staff)


def _open_cases(cases: pd.DataFrame, day: pd.Timestamp, staff: pd.DataFrame) -> pd.DataFrame:
    opened, closed = _dates(cases["open_date"]), _dates(cases["close_date"])
    is_open = open_on(opened, closed, day)
    out = cases[is_open].copy()
    out["open_date"], out["close_date"] = opened[is_open], closed[is_open]
    names = _names(staff)
    line_manager = out["worker"].map(staff.set_index("login")["line_manager"])
    manager = line_manager.fillna(out["team"].map(_team_managers(staff)))
    out["team"] = out["team"].where(out["team"].notna() & (out["team"].astype(str) != ""), NO_TEAM)
    out["manager"] = _display(manager, names, NO_MANAGER)
    out["worker"] = _display(out["worker"], names, "(not allocated)")
    return out


def _gaps(last: pd.Series, start: pd.Series, day: pd.Timestamp, interval_days: int) -> tuple[pd.Series, pd.Series]:
    """(due_by, is_gap): due `interval_days` after the last time (else after `start`); a gap once passed.
    A missing start (an open date not known) is a gap at once."""
    since = last.fillna(start)
    due_by = since + pd.Timedelta(days=interval_days)
    return due_by, due_by.isna() | (due_by < day)


def _days_overdue(due_by: pd.Series, day: pd.Timestamp) -> pd.Series:
    return (day - due_by).dt.days.astype("Int64")


def _case_frame(open_: pd.DataFrame) -> pd.DataFrame:
    return open_[["case_id", "family", "team", "worker", "manager"]]


# -- the measures, in the page's order -----------------------------------------------------------------

# How the page heads a case's columns.
_CASE_HEADINGS = {"case_id": "Case", "family": "Family", "team": "Team", "worker": "Practitioner", "manager": "Manager"}
_OVERSIGHT = from_guidance("Supervision Recording Expectations", "In most cases there should be evidence of effective "
                           "management oversight for families open to The Family Service.")
_CORPORATE = from_guidance("Line Management Supervision", "Line management supervision and annual EPDR should be "
                           "undertaken in line with corporate guidance.")


@measure(
    "cases_without_supervision", title="Open cases without a recent case supervision",
    short_title="No recent supervision", guidance=_OVERSIGHT,
    what_to_do="Hold a case supervision for each family listed, most overdue first: open the case to start it.",
    explains="The last supervision's record opens from its number.",
    lines_are="open cases without a case supervision in time, most overdue first",
    empty="Every open case has had a case supervision in time.",
    columns={**_CASE_HEADINGS, "last_supervision": "Last case supervision", "record_id": "Record",
             "due_by": "Supervision due by", "days_overdue": "Days overdue"},
    record_kind=SUPERVISION, interval=Interval("supervision_interval_days", "none in {} days"),
)
def cases_without_supervision(
    data: OversightData, as_of=None, interval_days: int = SUPERVISION_INTERVAL.days
) -> pd.DataFrame:
    """Open cases whose latest completed case supervision is more than `interval_days` ago (or none).

    Lines: case_id, family, team, worker, manager, last_supervision, record_id (of that supervision),
    due_by, days_overdue; most days overdue first.
    """
    day = _day(as_of)
    open_ = _open_cases(data.cases, day, data.staff)
    done = data.discussions[(data.discussions["kind"] == SUPERVISION.key) & data.discussions["completed_at"].notna()]
    done = done.assign(event_date=_dates(done["event_date"]), _n=_record_number(done["record_id"]))
    latest = done.sort_values(["case_id", "event_date", "_n"]).drop_duplicates("case_id", keep="last")
    latest = latest.set_index("case_id")
    out = _case_frame(open_).assign(
        last_supervision=_lookup(latest["event_date"], open_["case_id"]),
        record_id=_lookup(latest["record_id"], open_["case_id"]),
    )
    out["due_by"], gap = _gaps(out["last_supervision"], open_["open_date"], day, interval_days)
    out = out[gap.to_numpy()]
    out["days_overdue"] = _days_overdue(out["due_by"], day)
    return _most_overdue(out)


def action_standing(data: OversightData) -> pd.DataFrame:
    """Every action agreed in a completed discussion, as the latest review leaves it.

    The carry-forward rule is `records.carry_forward.action_standing`; this gives it the oversight frames.
    Lines: the agreement's columns (dates as timestamps), plus `last_review` (status, or "Not reviewed yet")
    and `open`.
    """
    agreed = data.agreed_actions
    agreed = agreed.assign(by_when=_dates(agreed["by_when"]), event_date=_dates(agreed["event_date"]))
    return carry_forward.action_standing(agreed, data.action_reviews)


@measure(
    "overdue_actions", title="Agreed actions past their date", short_title="Actions past date",
    guidance=from_guidance("Supervision Recording Expectations", "Review of previous agreed actions"),
    what_to_do="Review each action with the practitioner at the case's next supervision: done, partly done, not "
               "done or no longer needed, with a new date when it carries on.",
    explains="Actions carry forward until a supervision reviews them as done or no longer needed.",
    lines_are="agreed actions still open after their date, most overdue first",
    empty="No agreed action is open past its date.",
    columns={"case_id": "Case", "family": "Family", "worker": "Practitioner", "manager": "Manager", "what": "Action",
             "by_whom": "By whom", "by_when": "By when", "days_overdue": "Days overdue", "last_review": "Last review"},
    excel={**_CASE_HEADINGS, "action_id": "Action reference", "what": "Action", "by_whom": "By whom",
           "by_when": "By when", "days_overdue": "Days overdue", "agreed_on": "Agreed on",
           "record_id": "Agreed in record", "last_review": "Last review"},
)
def overdue_actions(data: OversightData, as_of=None) -> pd.DataFrame:
    """Agreed actions on open cases that are still open and whose by-when date is before the as-of date.

    Lines: case_id, family, team, worker, manager, action_id, what, by_whom, by_when, days_overdue,
    agreed_on, record_id (where it was agreed), last_review; most days overdue first.
    """
    day = _day(as_of)
    open_ = _case_frame(_open_cases(data.cases, day, data.staff))
    standing = action_standing(data)
    due = standing[standing["open"] & (standing["by_when"] < day)]
    out = open_.merge(due, on="case_id").rename(columns={"event_date": "agreed_on"})
    out["due_by"] = out["by_when"]
    out["days_overdue"] = _days_overdue(out["by_when"], day)
    columns = ["case_id", "family", "team", "worker", "manager", "action_id", "what", "by_whom", "by_when",
               "days_overdue", "agreed_on", "record_id", "last_review", "due_by"]
    return _most_overdue(out[columns]).drop(columns="due_by")


@measure(
    "children_not_spoken_to", title="Children not spoken to recently", short_title="Children not spoken to",
    guidance=from_guidance("Supervision Recording Expectations", "A record of when children have been spoken to and "
                           "what their views and feelings are"),
    what_to_do="Make sure each child listed is seen and spoken to, and that the record says when and what they said; "
               "where a child cannot be spoken to, that it says why.",
    explains=spoken_to_note,  # the words of each kind that counts (records.kinds), read when shown
    lines_are="children not recorded as spoken to in time, most overdue first",
    empty="Every child on an open case has been spoken to in time.",
    columns={**_CASE_HEADINGS, "child": "Child", "last_spoken_to": "Last spoken to",
             "due_by": "Due to be spoken to by", "days_overdue": "Days overdue"},
    excel={**_CASE_HEADINGS, "child": "Child", "child_id": "Child ID", "last_spoken_to": "Last spoken to",
           "record_id": "Recorded in record", "due_by": "Due to be spoken to by", "days_overdue": "Days overdue"},
    interval=Interval("child_seen_interval_days", "not in {} days"),
)
def children_not_spoken_to(
    data: OversightData, as_of=None, interval_days: int = CHILD_SEEN_INTERVAL.days
) -> pd.DataFrame:
    """Children on open cases last recorded as spoken to more than `interval_days` ago (or never).

    The children are the case's children, and any child named in its completed discussions. Lines:
    case_id, family, team, worker, manager, child_id, child, last_spoken_to, record_id (the discussion
    recording it), due_by, days_overdue; most days overdue first.
    """
    day = _day(as_of)
    open_ = _open_cases(data.cases, day, data.staff)
    spoken = data.children_spoken_to.assign(
        date_spoken_to=_dates(data.children_spoken_to["date_spoken_to"]),
        _n=_record_number(data.children_spoken_to["record_id"]),
    ).dropna(subset=["date_spoken_to"])
    latest = spoken.sort_values(["date_spoken_to", "_n"]).drop_duplicates(["case_id", "child_id"], keep="last")
    known = pd.concat([data.children[["case_id", "child_id", "child"]], latest[["case_id", "child_id", "child"]]])
    known = known.assign(child=known["child"].where(known["child"].astype(str) != ""))
    known = known.sort_values("child", na_position="last").drop_duplicates(["case_id", "child_id"])
    out = _case_frame(open_).merge(known, on="case_id")
    out = out.merge(latest[["case_id", "child_id", "date_spoken_to", "record_id"]], on=["case_id", "child_id"],
                    how="left").rename(columns={"date_spoken_to": "last_spoken_to"})
    out["child"] = out["child"].fillna(out["child_id"])
    start = pd.Series(_lookup(open_.set_index("case_id")["open_date"], out["case_id"]), index=out.index)
    out["due_by"], gap = _gaps(out["last_spoken_to"], start, day, interval_days)
    out = out[gap.to_numpy()]
    out["days_overdue"] = _days_overdue(out["due_by"], day)
    return _most_overdue(out)


@measure(
    "late_records", title="Records completed late or overdue", short_title="Late records",
    guidance=from_guidance("Timeliness and accuracy of records", "must be recorded on Mosaic within a maximum of "
                           "5 working days"),
    what_to_do="Ask for each record still not completed to be completed now, and talk with the practitioner about "
               "what held up the late ones.",
    explains=late_records_note,  # which kinds are timed (records.kinds), and the rule
    lines_are="records completed late or not yet completed after their due date, most days late first",
    empty="Every record was completed by its due date.",
    columns={"record_id": "Record", "kind": "Kind of record", "case_id": "Case", "team": "Team",
             "practitioner": "Practitioner", "manager": "Manager", "event_date": "Held on",
             "entered_on": "Entered in the workbook on", "rule": "Rule", "due_date": "Due by",
             "completed_on": "Completed on", "timeliness": "Timeliness", "days_late": "Days late"},
    working_days=True,
)
def late_records(data: OversightData, as_of=None, calendar=None) -> pd.DataFrame:
    """Records of every timed kind (`RecordKind.timed`: supervisions, summaries, sessions, GFPO sessions, case
    notes) first completed after their due date, or not completed and past it.

    The due date is the one timeliness rule (`assess_timeliness`): next working day when harm or risk was
    identified (always for advice on a safeguarding concern), else within 5 working days. Lines: record_id,
    kind (in words), case_id, team, practitioner, manager, event_date (the day it was held), entered_on (the day
    it was first saved in the workbook), rule, due_date, completed_on, timeliness, days_late; most days late first.
    A supervision's manager is its author; another record's is the case's manager.
    """
    day = _day(as_of)
    frames = [data.discussions.assign(kind=data.discussions["kind"])]
    if len(data.recordings):
        frames.append(data.recordings.assign(practitioner=data.recordings["author"]))
    columns = ["record_id", "kind", "case_id", "event_date", "risk_identified", "author", "practitioner",
               "completed_at", "entered_at"]
    records = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    records = records[records["kind"].isin([k.key for k in KINDS.values() if k.timed]).to_numpy()]
    records = records.reset_index(drop=True)
    completed = pd.to_datetime(records["completed_at"], utc=True).dt.tz_convert(LONDON).dt.tz_localize(None)
    entered = pd.to_datetime(records["entered_at"], utc=True).dt.tz_convert(LONDON).dt.tz_localize(None)
    as_notes = pd.DataFrame({
        "note_id": records["record_id"].to_numpy(),
        "event_date": _dates(records["event_date"]).to_numpy(),
        "recorded_at": completed.to_numpy(),
        "risk_identified": records["risk_identified"].to_numpy(),  # read by assess_timeliness, the one way
        "status": np.where(completed.notna(), "Complete", "Draft"),
    })
    assessed = assess_timeliness(as_notes, calendar=calendar, as_of=day.date())
    late = assessed["timeliness"].isin([Timeliness.LATE.value, Timeliness.OVERDUE.value]).to_numpy()
    names = _names(data.staff)
    teams = data.cases.set_index("case_id")["team"]
    case_manager = _case_managers(data.cases, data.staff)
    is_supervision = (records["kind"] == SUPERVISION.key).to_numpy()
    manager = np.where(is_supervision, records["author"].to_numpy(dtype=object),
                       records["case_id"].map(case_manager).to_numpy(dtype=object))
    out = pd.DataFrame({
        "record_id": records["record_id"].to_numpy()[late],
        "kind": kind_titles(records["kind"]).to_numpy()[late],
        "case_id": records["case_id"].to_numpy()[late],
        "team": records["case_id"].map(teams).fillna(NO_TEAM).to_numpy()[late],
        "practitioner": _display(records["practitioner"], names, "(not named)").to_numpy()[late],
        "manager": _display(pd.Series(manager), names, NO_MANAGER).to_numpy()[late],
        "event_date": assessed["event_date"].to_numpy()[late],
        "entered_on": pd.Series(entered.to_numpy()).dt.normalize().to_numpy()[late],
        "rule": assessed["rule"].astype(str).to_numpy()[late],
        "due_date": assessed["due_date"].to_numpy()[late],
        "completed_on": pd.Series(completed.to_numpy()).dt.normalize().to_numpy()[late],
        "timeliness": assessed["timeliness"].astype(str).map(_TIMELINESS_LABELS).to_numpy()[late],
        "days_late": assessed["days_late"].to_numpy()[late],
    })
    out["days_late"] = out["days_late"].astype("Int64")
    for name in ("event_date", "due_date", "entered_on", "completed_on"):
        out[name] = out[name].astype("datetime64[ns]")
    return out.sort_values(["days_late", "due_date", "record_id"], ascending=[False, True, True]).reset_index(drop=True)


def late_supervision_records(data: OversightData, as_of=None, calendar=None) -> pd.DataFrame:
    """`late_records` for case supervisions only, without the kind and the day entered."""
    lines = late_records(OversightData(**{**data.tables(), "recordings": pd.DataFrame(**RECORDING_COLUMNS),
                                          "discussions": data.discussions[
                                              data.discussions["kind"] == SUPERVISION.key]}), as_of, calendar)
    return lines.drop(columns=["kind", "entered_on"])


def _case_managers(cases: pd.DataFrame, staff: pd.DataFrame) -> pd.Series:
    """Each case's manager login: the allocated worker's line manager, else the manager of the case's team."""
    line_manager = cases["worker"].map(staff.set_index("login")["line_manager"]) if len(staff) else cases["worker"]
    manager = line_manager.fillna(cases["team"].map(_team_managers(staff)))
    return pd.Series(manager.to_numpy(), index=cases["case_id"].to_numpy())


_TIMELINESS_LABELS = {t.value: TIMELINESS_LABELS[t] for t in Timeliness}


@measure(
    "line_management_due", title="Line management supervisions due", short_title="Line management due",
    guidance=_CORPORATE,
    what_to_do="Hold each practitioner's line management supervision: open their name to start it; it opens with "
               "their caseload and timeliness.",
    lines_are="line management supervisions due, never held first",
    empty="Every practitioner has had a line management supervision in time.",
    columns={"practitioner": "Practitioner", "team": "Team", "manager": "Line manager",
             "last_supervision": "Last line management supervision", "record_id": "Record", "due_by": "Due by",
             "days_overdue": "Days overdue"},
    record_kind=LINE_MANAGEMENT, interval=Interval("line_management_interval_days", "every {} days"),
)
def line_management_due(
    data: OversightData, as_of=None, interval_days: int = LINE_MANAGEMENT_INTERVAL.days
) -> pd.DataFrame:
    """People overseen (`staff.overseen`) with a line manager whose latest completed line management
    supervision is more than `interval_days` ago, or who have none recorded.

    Lines: login (to open their supervision), practitioner, team, manager, last_supervision, record_id,
    due_by, days_overdue (blank when none was ever recorded); never supervised first, then most overdue.
    """
    day = _day(as_of)
    done = data.line_management[data.line_management["completed_at"].notna()]
    latest = _latest_for_each(done)
    out = _overseen_people(data)
    out["last_supervision"] = pd.Series(_lookup(latest["event_date"], out["login"]), dtype="datetime64[ns]")
    out["record_id"] = _lookup(latest["record_id"], out["login"])
    out["due_by"], gap = _gaps(out["last_supervision"], pd.Series(pd.NaT, index=out.index), day, interval_days)
    out = out[gap.to_numpy()]
    out["days_overdue"] = _days_overdue(out["due_by"], day)
    return _most_overdue(out)


@measure(
    "epdr_due", title="EPDRs overdue", short_title="EPDR overdue", guidance=_CORPORATE,
    what_to_do="Hold each practitioner's annual EPDR and record it: open their name to start it.",
    explains="An EPDR is due by the next EPDR date the practitioner's last EPDR set, and at the latest a cycle "
             "after it was held. A next EPDR date planned at line management supervision is not an EPDR held.",
    lines_are="EPDRs overdue, none recorded first",
    empty="Every practitioner has had an EPDR in time.",
    columns={"practitioner": "Practitioner", "team": "Team", "manager": "Line manager", "last_epdr": "Last EPDR held",
             "record_id": "Record", "next_epdr_date": "Next EPDR date it set", "due_by": "Due by",
             "days_overdue": "Days overdue"},
    record_kind=EPDR, interval=Interval("epdr_cycle_days", "one every {} days"),
)
def epdr_due(data: OversightData, as_of=None, interval_days: int = EPDR_CYCLE.days) -> pd.DataFrame:
    """People overseen with a line manager whose EPDR is overdue: past the day it was due by
    (`records.epdr.epdr_due_by`: the next EPDR date their latest completed EPDR set, at the latest
    `interval_days` after it was held), or never recorded.

    guidance: Line Management Supervision - "annual EPDR ... in line with corporate guidance". Lines: login,
    practitioner, team, manager, last_epdr (the day held), record_id, next_epdr_date (the date it set), due_by,
    days_overdue (blank when none was ever recorded); none recorded first, then most overdue.
    """
    day = _day(as_of)
    latest = _latest_for_each(data.epdrs[data.epdrs["completed_at"].notna()])
    out = _overseen_people(data)
    out["last_epdr"] = pd.Series(_lookup(latest["event_date"], out["login"]), dtype="datetime64[ns]")
    out["record_id"] = _lookup(latest["record_id"], out["login"])
    out["next_epdr_date"] = pd.Series(_lookup(_dates(latest["next_epdr_date"]), out["login"]),
                                      dtype="datetime64[ns]")
    out["due_by"] = epdr_due_by(out["last_epdr"], out["next_epdr_date"], interval_days)
    out = out[(out["due_by"].isna() | (out["due_by"] < day)).to_numpy()]
    out["days_overdue"] = _days_overdue(out["due_by"], day)
    return _most_overdue(out)


def _latest_for_each(done: pd.DataFrame) -> pd.DataFrame:
    """Each practitioner's latest completed personnel record (line management, EPDR): the later record on the
    same day."""
    done = done.assign(event_date=_dates(done["event_date"]), _n=_record_number(done["record_id"]))
    return done.sort_values(["event_date", "_n"]).drop_duplicates("practitioner", keep="last").set_index("practitioner")


def _overseen_people(data: OversightData) -> pd.DataFrame:
    """People overseen (`staff.overseen`) who have a line manager: login, practitioner, team, manager (names)."""
    staff = data.staff
    overseen = staff["overseen"].fillna(True).astype(bool) if "overseen" in staff else True
    staff = staff[overseen & staff["line_manager"].notna() & (staff["line_manager"].astype(str) != "")]
    names = _names(data.staff)
    return pd.DataFrame({
        "login": staff["login"].to_numpy(),
        "practitioner": _display(staff["login"], names, "").to_numpy(),
        "team": staff["teams"].where(staff["teams"].fillna("") != "", NO_TEAM).to_numpy(),
        "manager": _display(staff["line_manager"], names, NO_MANAGER).to_numpy(),
    })


def _most_overdue(lines: pd.DataFrame) -> pd.DataFrame:
    """Lines with no date at all first (never done), then most days overdue; ties by due date and id."""
    never = lines["due_by"].isna().to_numpy()
    key = lines["days_overdue"].astype("float64").fillna(np.inf)
    ordered = lines.assign(_never=never, _key=key).sort_values(
        ["_never", "_key", "due_by"], ascending=[False, False, True], kind="stable"
    )
    return ordered.drop(columns=["_never", "_key"]).reset_index(drop=True)


# -- the report ----------------------------------------------------------------------------------------


@dataclass
class OversightReport:
    """The measures' tables for one as-of date (`gaps`, by measure code in the registry's order; each also an
    attribute: `report.late_records`), with the council's settings they were worked out with, and their counts
    by team or by manager."""

    as_of: dt.date
    settings: CouncilSettings
    gaps: dict[str, pd.DataFrame]
    open_cases: pd.DataFrame  # the families open on the as-of date (`open_cases`)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name != "gaps" and name in self.gaps:  # `gaps` itself is only missing while the report is made
            return self.gaps[name]
        raise AttributeError(f"'OversightReport' has no measure or attribute '{name}'")

    @property
    def open_case_count(self) -> int:
        return len(self.open_cases)

    @property
    def late_supervision_records(self) -> pd.DataFrame:
        """The case supervisions among `late_records`."""
        table = self.gaps["late_records"]
        return table[table["kind"] == SUPERVISION.title].reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by measure code, in the registry's order."""
        return dict(self.gaps)

    def titles(self) -> dict[str, str]:
        """Each measure's title with its interval, in plain words."""
        return {code: MEASURES[code].title_for(self.settings) for code in self.gaps}

    def counts(self, by: str = "team") -> pd.DataFrame:
        """Lines per `team` or `manager`, one column per measure, plus `total`; busiest first."""
        parts = [table[by].value_counts().rename(name) for name, table in self.gaps.items()]
        out = pd.concat(parts, axis=1).reindex(columns=list(self.gaps)).fillna(0).astype(int)
        out["total"] = out.sum(axis=1)
        out = out.rename_axis(by).reset_index()
        return out.sort_values(["total", by], ascending=[False, True], kind="stable").reset_index(drop=True)

    def by_case(self) -> pd.DataFrame:
        """Each open case's verdict from every measure whose lines are on cases (`case_results`)."""
        return _by_case(self.open_cases["case_id"], {code: t for code, t in self.gaps.items() if "case_id" in t})

    def lines_behind(self, measure: str, by: str = "team", value: str | None = None) -> pd.DataFrame:
        """The lines behind one figure of `counts(by)`: the measure's lines whose `by` (team or manager) is
        `value`, in the measure's own order; every line of the measure when `value` is None. Their number is
        the figure shown, always (the same column, compared the same way)."""
        if measure not in self.gaps:
            raise ValueError(f"measure must be one of {', '.join(self.gaps)}, not {measure!r}")
        if by not in ("team", "manager"):
            raise ValueError(f"by must be team or manager, not {by!r}")
        table = self.gaps[measure]
        if value is None:
            return table
        return table[(table[by] == value).to_numpy()].reset_index(drop=True)

    def filtered(self, team: str | None = None, manager: str | None = None) -> OversightReport:
        """The same report keeping only one team's and/or one manager's lines."""
        def keep(table: pd.DataFrame) -> pd.DataFrame:
            mask = np.ones(len(table), dtype=bool)
            if team is not None:
                mask &= (table["team"] == team).to_numpy()
            if manager is not None:
                mask &= (table["manager"] == manager).to_numpy()
            return table[mask].reset_index(drop=True)

        return OversightReport(self.as_of, self.settings, {name: keep(t) for name, t in self.gaps.items()},
                               keep(self.open_cases))


def basis(as_of=None, settings: CouncilSettings | None = None,
          calendar: WorkingCalendar | None = None) -> tuple[pd.Timestamp, CouncilSettings, WorkingCalendar]:
    """(day, settings, calendar) a measure is worked out with: the as-of date (default today in London), the
    council's settings (its defaults when None) and its working calendar (the settings' own when None)."""
    settings = settings if settings is not None else CouncilSettings()
    return _day(as_of), settings, calendar if calendar is not None else settings.calendar()


def management_oversight(data: OversightData, settings: CouncilSettings | None = None, as_of=None,
                         calendar: WorkingCalendar | None = None) -> OversightReport:
    """Every declared measure (`MEASURES`) for the as-of date (default today in London), with the council's
    settings (defaults when None) and its working calendar."""
    day, settings, calendar = basis(as_of, settings, calendar)
    gaps = {code: m.lines(data, day, settings, calendar) for code, m in MEASURES.items()}
    return OversightReport(day.date(), settings, gaps, _open_cases(data.cases, day, data.staff))


# -- each case's verdicts, for whatever reuses them ---------------------------------------------------------


def _by_case(case_ids: pd.Series, gaps: dict[str, pd.DataFrame]) -> pd.DataFrame:
    counts = {code: lines["case_id"].value_counts().reindex(case_ids.to_numpy(), fill_value=0).to_numpy()
              for code, lines in gaps.items()}
    return pd.DataFrame(counts, index=pd.Index(case_ids.to_numpy(), name="case_id"), dtype="int64")


def case_results(data: OversightData, measures=None, settings: CouncilSettings | None = None, as_of=None,
                 calendar: WorkingCalendar | None = None) -> pd.DataFrame:
    """Each family open on the as-of date (index `case_id`, as `open_cases` orders them), with one column for each
    of `measures` (codes; default every measure whose lines are on cases): how many of the measure's lines are on
    the case, 0 when it finds no gap there. A quality standard reuses these verdicts rather than working out the
    measure again; only the measures asked for are worked out."""
    day, settings, calendar = basis(as_of, settings, calendar)
    wanted = [MEASURES[code] for code in measures] if measures is not None else list(MEASURES.values())
    gaps = {m.code: m.lines(data, day, settings, calendar) for m in wanted}
    if measures is None:
        gaps = {code: lines for code, lines in gaps.items() if "case_id" in lines}
    return _by_case(_open_cases(data.cases, day, data.staff)["case_id"], gaps)
