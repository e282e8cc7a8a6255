"""The checks that reject a row of an extract, each declared once.

DESIGN.md: Timeliness - a row is rejected, never dropped, and keeps its reason in plain words. A check is
one unit: its stable code (the `reason_code` column: rejects are counted by it, so a sentence can be
reworded), its title (the kind of problem), the sentence a rejected row carries (`reason`, with the row's
own values in it), the contract it enforces, and what to do about it. The extract (`extract.py`) and the
store's import (`store/imports.py`) give each rejected row its check's code and sentence; the rejects file
(`explained`), the command line's list (`problem_lines`) and the analysts' table (`rejects_by_reason`)
say the checks' titles and what to do, from here only.

Declare a check with `reject_check(...)`, as `@standard` declares a quality standard; tests/test_rejects.py
then checks every declared one: a code of its own, a title, a contract found in DESIGN.md, what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .dates import DATE_HELP
from .sources import Cited, from_design
from .vocab import STATUS_CHOICES


@dataclass(frozen=True)
class RejectCheck:
    """One reason a row of an extract is rejected."""

    code: str  # the rejected row's `reason_code`
    title: str  # the kind of problem: "Note id blank"
    # The rejected row's sentence: the sentence itself, or a function from the rows' own values (by name, a list
    # each) to their sentences, written as one f-string over the lists so it costs no more per row than one.
    reason: str | Callable[..., list[str] | str]
    contract: Cited  # the line of DESIGN.md (or the guidance) it enforces
    what_to_do: str  # for whoever corrects the file, in plain words

    def reasons(self, rows: int, **values) -> list[str]:
        """The sentence for each of `rows` rejected rows, from their own `values` (a list each, in row order)."""
        said = self.reason if isinstance(self.reason, str) else self.reason(**values)
        return [said] * rows if isinstance(said, str) else said


REJECT_CHECKS: dict[str, RejectCheck] = {}


def reject_check(code: str, *, title: str, reason: str | Callable[..., list[str] | str], contract: Cited, what_to_do: str,
                 replace: bool = False) -> RejectCheck:
    """Declare a check. `replace=True` lets a notebook cell that declares one be run again."""
    if code in REJECT_CHECKS and not replace:
        raise ValueError(f"A reject check with the code '{code}' is already declared.")
    REJECT_CHECKS[code] = check = RejectCheck(code, title, reason, contract, what_to_do)
    return check


_REJECTED = "A row is rejected, never dropped"
# Where a row's code is not a declared check's (a file made by an older workbook, a row without one).
OTHER = RejectCheck("", "Other", "", from_design("Timeliness", _REJECTED),
                    "Read the reason, correct the row, and read the file again.")

# -- the checks, in the order they run (a row carries the first that finds a problem) ------------------------

# An unclosed quote and a value past the last named column are lines of the wrong shape too.
_SHAPE = from_design("Timeliness", "or the line has the wrong number of fields")

WRONG_FIELD_COUNT = reject_check(
    "wrong_field_count", title="Wrong number of fields",
    reason=lambda fields, width: [f"This line has {n} field{'' if n == 1 else 's'} but the header has {width}."
                                  for n in fields],
    contract=_SHAPE,
    what_to_do="A value holds a comma that is not in quotes, or a line was cut short: re-export the file, or "
               "correct the line in a text editor.",
)
UNCLOSED_QUOTE = reject_check(
    "unclosed_quote", title="Quote never closed",
    reason='A quoted value on this line is never closed (a " with no closing "), so the rest of the file was '
           "read into it.",
    contract=_SHAPE,
    what_to_do="A value opens a quote (\") and never closes it: correct the line in a text editor, or re-export.",
)
VALUE_BEYOND_LAST_COLUMN = reject_check(
    "value_beyond_last_column", title="Value beyond the last column",
    reason="This row has a value beyond the last named column.",
    contract=_SHAPE,
    what_to_do="A cell to the right of the last named column holds a value: give the column a name, or clear "
               "the cell.",
)
BLANK_NOTE_ID = reject_check(
    "blank_note_id", title="Note id blank",
    reason="The note id is blank.",
    contract=from_design("Running-record extract: canonical columns",
                         "unique id of the case note (a blank value rejects the row)"),
    what_to_do="Find the note on Mosaic (case, worker and date) and fill in its id.",
)
DUPLICATE_NOTE_ID = reject_check(
    "duplicate_note_id", title="Note id repeated",
    reason=lambda note_id, first_row: [f"The note id {i} appears more than once (first on row {n})."
                                       for i, n in zip(note_id, first_row, strict=True)],
    contract=from_design("Timeliness", f"{_REJECTED}, when: note_id is blank or repeats an earlier row"),
    what_to_do="If the row is the same note exported twice, delete the copy; if it is a different note, put in "
               "its own id from Mosaic.",
)
BLANK_EVENT_DATE = reject_check(
    "blank_event_date", title="Event date blank",
    reason="The event date is blank.",
    contract=from_design("Timeliness", "event_date is missing or unreadable"),
    what_to_do="Fill in the date of the visit, contact or event from Mosaic.",
)
UNREADABLE_EVENT_DATE = reject_check(
    "unreadable_event_date", title="Event date unreadable",
    reason=lambda value: [f"The event date '{v}' is not a date we can read; {DATE_HELP}." for v in value],
    contract=from_design("Running-record extract: canonical columns",
                         "Month-first dates are never guessed: 04/13/2026 is rejected"),
    what_to_do="Write the date day first (25/11/2026) or as 2026-11-25. A month-first date (04/13/2026) means "
               "the report or spreadsheet is set to US dates.",
)
UNREADABLE_RECORDED_AT = reject_check(
    "unreadable_recorded_at", title="Recorded date unreadable",
    reason=lambda value: [f"The date the note was recorded, '{v}', is not a date we can read; write it as "
                          "25/11/2026 14:30 or 2026-11-25 14:30." for v in value],
    contract=from_design("Timeliness", "recorded_at is present but unreadable"),
    what_to_do="Write the date and time as 25/11/2026 14:30. A number such as 46122.4375 is a date Excel has "
               "turned into a serial number: format the column as a date, or re-export.",
)
RECORDED_BEFORE_EVENT = reject_check(
    "recorded_before_event", title="Recorded before the event",
    reason=lambda recorded, event: [f"Recorded before the event happened (recorded {r:%d/%m/%Y}, event {e:%d/%m/%Y})."
                                    for r, e in zip(recorded, event, strict=True)],
    contract=from_design("Timeliness", "recorded before the event"),
    what_to_do="One of the two dates is wrong: check both on Mosaic.",
)
UNRECOGNISED_RISK = reject_check(
    "unrecognised_risk", title="Risk value not recognised",
    reason=lambda value: [f"The risk value '{v}' is not one we recognise: use Yes or No." for v in value],
    contract=from_design("Timeliness", "risk_identified is not a recognised value"),
    what_to_do="Use Yes or No (Y/N, True/False and 1/0 also work).",
)
UNRECOGNISED_STATUS = reject_check(
    "unrecognised_status", title="Status not recognised",
    reason=lambda value: [f"The status '{v}' is not one we recognise: use {STATUS_CHOICES}." for v in value],
    contract=from_design("Running-record extract: canonical columns",
                         "Mosaic note status: Draft, Complete, Timed out, Deleted; blank = Complete"),
    what_to_do="Use Draft, Complete, Timed out or Deleted; blank means Complete.",
)
VALUE_TOO_LONG = reject_check(
    "value_too_long", title="Id or name too long to keep",
    reason=lambda what, limit: f"{what} is longer than {limit} characters.",
    contract=from_design("Timeliness", _REJECTED),
    what_to_do="No Mosaic id or name is this long: check that the column mapping points at the right column, or "
               "correct the value in the file.",
)


# -- saying what was rejected ---------------------------------------------------------------------------------


def _by_code(codes: pd.Series, words: str) -> pd.Series:
    """Each `reason_code`'s check's `words` (its title, or what to do); `OTHER`'s for a code no check declares."""
    said = {code: getattr(check, words) for code, check in REJECT_CHECKS.items()}
    return codes.astype(object).map(said).fillna(getattr(OTHER, words)).astype(object)


def problems_of(codes: pd.Series) -> pd.Series:
    """The kind of problem for each `reason_code`: its check's title, or 'Other'."""
    return _by_code(codes, "title")


def _codes(rejects: pd.DataFrame) -> pd.Series:
    return rejects["reason_code"] if "reason_code" in rejects else pd.Series(None, index=rejects.index, dtype=object)


def explained(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejected rows with each one's kind of problem and what to do about it (the rejects file's columns)."""
    codes = _codes(rejects)
    return rejects.assign(problem=_by_code(codes, "title"), what_to_do=_by_code(codes, "what_to_do"))


def rejects_by_reason(rejects: pd.DataFrame, show_rows: int = 10) -> pd.DataFrame:
    """The rejected rows grouped by kind of problem (their `reason_code`), most common first.

    Columns: problem, rows (how many), row_numbers (as the spreadsheet shows them; the first
    `show_rows`), example (one reason in full) and what_to_do. Rows without a code are 'Other'.
    """
    columns = ["problem", "rows", "row_numbers", "example", "what_to_do"]
    if rejects.empty:
        return pd.DataFrame(columns=columns)
    frame = rejects[["row_number", "reason"]].assign(problem=problems_of(_codes(rejects)))
    every = (*REJECT_CHECKS.values(), OTHER)
    order = {c.title: i for i, c in enumerate(every)}
    advice = {c.title: c.what_to_do for c in every}

    def numbers(rows: pd.Series) -> str:
        shown = ", ".join(str(int(r)) for r in rows.iloc[:show_rows])
        return shown + (f" and {len(rows) - show_rows:,} more" if len(rows) > show_rows else "")

    grouped = frame.sort_values("row_number").groupby("problem", sort=False)
    out = pd.DataFrame({
        "rows": grouped.size(),
        "row_numbers": grouped["row_number"].agg(numbers),
        "example": grouped["reason"].first(),
    }).reset_index()
    out["what_to_do"] = out["problem"].map(advice)
    out["_order"] = out["problem"].map(order)
    out = out.sort_values(["rows", "_order"], ascending=[False, True], kind="stable")
    return out[columns].reset_index(drop=True)


def problem_lines(rejects: pd.DataFrame, show_rows: int = 5) -> list[str]:
    """What the command line says about the rejected rows: a heading, then a line for each kind of problem, most
    common first, with how many rows, which, and what to do. Nothing when no row was rejected."""
    if rejects.empty:
        return []
    return ["Rejected rows, by kind of problem:"] + [
        f"- {row.rows:,} row{'' if row.rows == 1 else 's'} ({row.row_numbers}): {row.problem}. {row.what_to_do}"
        for row in rejects_by_reason(rejects, show_rows=show_rows).itertuples()
    ]
