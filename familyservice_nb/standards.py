"""The registry of case recording quality standards.

guidance: Case Recording Quality Standards - a table of (standard, descriptor, timescale,
responsibility). Each standard is one small declared unit: the table's words as data, plus a
function that returns, for every record it applies to, whether the standard was met (True/False)
or not yet measurable (missing). Dashboards list whatever the registry holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .vocab import RECORDING_DEADLINE, RISK_RECORDING_DEADLINE, Timeliness


@dataclass
class Evidence:
    """What the standards are measured on. Each standard uses the parts it needs.

    `notes` is an assessed running record (the output of `assess_timeliness`); `tables` holds any
    other frames a standard needs (supervisions, cases, actions...) by name.
    """

    notes: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class Standard:
    name: str
    descriptor: str
    timescale: str
    responsibility: str
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
    name: str, *, descriptor: str, timescale: str, responsibility: str, reading: str = "", replace: bool = False
):
    """Declare a quality standard: decorate the function that measures it.

    `replace=True` lets a notebook cell that declares a standard be run again."""

    def register(measure: Callable[[Evidence], pd.Series]) -> Callable[[Evidence], pd.Series]:
        if name in STANDARDS and not replace:
            raise ValueError(f"A quality standard called '{name}' is already declared.")
        STANDARDS[name] = Standard(name, descriptor, timescale, responsibility, measure, reading)
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
    descriptor="Time taken to make running records on cases",
    timescale=(
        f"By the end of the {RISK_RECORDING_DEADLINE} where there is risk identified. "
        f"Within {RECORDING_DEADLINE} of occurrence in all other incidents."
    ),
    responsibility="Team Manager / Senior Professional Practitioner",
    reading=(
        "The guidance's table says 'within a minimum of 5 working days'; the workbook reads it as a "
        "maximum, as the section 'Timeliness and accuracy of records' says."
    ),
)
def record_timeliness(evidence: Evidence) -> pd.Series:
    """Met when a note was recorded on time; not met when late or overdue; pending and deleted
    notes do not count. Computed by `assess_timeliness`, the one timeliness rule."""
    if evidence.notes is None:
        raise KeyError("notes")
    status = evidence.notes["timeliness"]
    met = pd.Series(pd.NA, index=status.index, dtype="boolean")
    met[status == Timeliness.ON_TIME.value] = True
    met[status.isin([Timeliness.LATE.value, Timeliness.OVERDUE.value])] = False
    return met
