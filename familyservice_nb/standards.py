"""The registry of case recording quality standards.

guidance: Case Recording Quality Standards - a table of (standard, descriptor, timescale, responsibility).
Each standard is one small declared unit: the table's words as data, the line of the guidance it implements,
what a manager does about it, and a function that returns, for every record it applies to, whether the
standard was met (True/False) or not yet measurable (missing). Dashboards list whatever the registry holds.

A standard is measured on `Evidence`, which carries everything a rule may need for one day: the as-of date,
the council's working calendar and settings, the assessed case notes and the oversight records. A standard
reads these from its evidence and from nowhere else (never today's date, a calendar or settings of its own),
and `Evidence.gather` is where every caller makes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from . import oversight as oversight_measures
from .oversight import OversightData
from .records.settings import CouncilSettings
from .sources import Cited, from_guidance
from .timeliness import assess_timeliness
from .vocab import RECORDING_DEADLINE, RISK_RECORDING_DEADLINE, SUPERVISION_INTERVAL, Timeliness
from .working_days import WorkingCalendar


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the standards are measured on, for one as-of date. Make it with `Evidence.gather`.

    `as_of` is the day the figures are taken at; `calendar` the council's working days (region, bank holidays,
    closure days) and `settings` its other settings (intervals). `notes` is the running record assessed by the
    timeliness rule on that calendar at that date; `oversight` the records management oversight is worked out
    from (`OversightData`), with `tables` the same frames by name, and `case_results` the oversight measures'
    verdicts on each open case. A standard whose evidence was not given
    raises `KeyError` (reading `tables[...]` does), and shows a blank figure.
    """

    as_of: dt.date
    calendar: WorkingCalendar
    settings: CouncilSettings
    notes: pd.DataFrame | None = None
    oversight: OversightData | None = None
    _worked_out: dict = field(default_factory=dict, init=False, repr=False)  # verdicts already worked out

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.oversight.tables() if self.oversight is not None else {}

    def case_results(self, *measures: str) -> pd.DataFrame:
        """Each family open on the as-of date with these oversight measures' verdicts (`oversight.case_results`:
        the number of the measure's lines on the case, 0 for none), worked out once for this evidence however
        many standards ask. `KeyError` when the evidence holds no oversight records."""
        if self.oversight is None:
            raise KeyError("oversight")
        key = ("case_results", measures)
        if key not in self._worked_out:
            self._worked_out[key] = oversight_measures.case_results(
                self.oversight, list(measures) or None, self.settings, self.as_of, self.calendar)
        return self._worked_out[key]

    @classmethod
    def gather(
        cls,
        notes: pd.DataFrame | None = None,
        oversight: OversightData | None = None,
        *,
        as_of: dt.date | str | None = None,
        settings: CouncilSettings | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> Evidence:
        """The evidence for one day: `notes` as read (`read_extract`, `Store.figures_notes`), assessed here by
        the timeliness rule; `oversight` as `Store.oversight_data` gives it. The as-of date is today in London
        when none is given, the settings the council's defaults, and the calendar the settings' own."""
        day, settings, calendar = oversight_measures.basis(as_of, settings, calendar)
        assessed = assess_timeliness(notes, calendar=calendar, as_of=day.date()) if notes is not None else None
        return cls(as_of=day.date(), calendar=calendar, settings=settings, notes=assessed, oversight=oversight)


@dataclass(frozen=True)
class Standard:
    code: str  # how the workbook knows it, whatever its name says
    name: str
    descriptor: str
    timescale: str
    responsibility: str
    guidance: Cited  # the line of the guidance it implements
    what_to_do: str  # for the manager responsible, in plain words
    measure: Callable[[Evidence], pd.Series]
    reading: str = ""  # how the workbook reads the guidance's words, where it had to choose

    def results(self, evidence: Evidence) -> pd.Series:
        """Per record: True met, False not met, missing when it does not count (yet)."""
        return self.measure(evidence).astype("boolean")

    def figure(self, evidence: Evidence) -> tuple[float, int]:
        """(% met among the records that count, how many count). % is NaN when none count."""
        met = self.results(evidence).dropna()
        return (float(100 * met.mean()) if len(met) else float("nan")), len(met)


STANDARDS: dict[str, Standard] = {}


def standard(
    name: str, *, code: str, descriptor: str, timescale: str, responsibility: str, guidance: Cited,
    what_to_do: str, reading: str = "", replace: bool = False,
):
    """Declare a quality standard: decorate the function that measures it.

    `replace=True` lets a notebook cell that declares a standard be run again."""

    def register(measure: Callable[[Evidence], pd.Series]) -> Callable[[Evidence], pd.Series]:
        if not replace:
            if name in STANDARDS:
                raise ValueError(f"A quality standard called '{name}' is already declared.")
            if any(s.code == code for s in STANDARDS.values()):
                raise ValueError(f"A quality standard with the code '{code}' is already declared.")
        STANDARDS[name] = Standard(code, name, descriptor, timescale, responsibility, guidance, what_to_do, measure,
                                   reading)
        return measure

    return register


def standards_table(evidence: Evidence | None = None) -> pd.DataFrame:
    """The registry as a table, with each standard's current figure when evidence is given."""
    rows = []
    for s in STANDARDS.values():
        row = {
            "standard": s.name,
            "descriptor": s.descriptor,
            "timescale": s.timescale,
            "responsibility": s.responsibility,
        }
        if evidence is not None:
            try:
                pct, counted = s.figure(evidence)
            except KeyError:  # the evidence this standard needs was not given
                pct, counted = float("nan"), 0
            row |= {"pct_met": round(pct, 1), "records_counted": counted}
        rows.append(row)
    return pd.DataFrame(rows)


# -- the guidance's table ---------------------------------------------------------------------------


@standard(
    "Record timeliness",
    code="record_timeliness",
    descriptor="Time taken to make running records on cases",
    timescale=(
        f"By the end of the {RISK_RECORDING_DEADLINE} where there is risk identified. "
        f"Within {RECORDING_DEADLINE} of occurrence in all other incidents."
    ),
    responsibility="Team Manager / Senior Professional Practitioner",
    guidance=from_guidance("Case Recording Quality Standards", "Time taken to make running records on cases"),
    what_to_do="Open the Recording timeliness page to see the late and overdue notes by practitioner, and agree "
               "with each practitioner how their notes will reach Mosaic within the timescale.",
    reading=(
        "The guidance's table says 'within a minimum of 5 working days'; the workbook reads it as a "
        "maximum, as the section 'Timeliness and accuracy of records' says."
    ),
)
def record_timeliness(evidence: Evidence) -> pd.Series:
    """Met when a note was recorded on time; not met when late or overdue; pending and deleted
    notes do not count. Computed by `assess_timeliness`, the one timeliness rule, on the evidence's calendar
    and as-of date."""
    if evidence.notes is None:
        raise KeyError("notes")
    status = evidence.notes["timeliness"]
    met = pd.Series(pd.NA, index=status.index, dtype="boolean")
    met[status == Timeliness.ON_TIME.value] = True
    met[status.isin([Timeliness.LATE.value, Timeliness.OVERDUE.value])] = False
    return met


# guidance: Supervision Recording Expectations. The same verdict as the oversight measure "Open cases without a
# recent case supervision", reused rather than worked out again, so the standard and the page cannot disagree.
@standard(
    "Management oversight of open families",
    code="management_oversight",
    descriptor="Evidence of effective management oversight for families open to The Family Service",
    timescale=f"A completed case supervision within the council's case supervision interval ({SUPERVISION_INTERVAL} "
              "unless the council sets another).",
    responsibility="Team Manager / Senior Professional Practitioner",
    guidance=from_guidance("Supervision Recording Expectations", "In most cases there should be evidence of "
                           "effective management oversight for families open to The Family Service."),
    what_to_do="Open the Management oversight page to see the open cases without a recent case supervision, and "
               "hold each one's supervision, most overdue first.",
    reading=(
        "The guidance asks for evidence 'in most cases' and gives no interval: the workbook counts a family open "
        "on the as-of date as having it when its latest completed case supervision is within the council's case "
        "supervision interval, as the Management oversight page's 'Open cases without a recent case supervision' "
        "does."
    ),
)
def management_oversight(evidence: Evidence) -> pd.Series:
    """Per family open on the as-of date: met when no gap in case supervision is found on it."""
    gaps = evidence.case_results("cases_without_supervision")["cases_without_supervision"]
    return gaps == 0
