"""What every record shares: plain-word checks, UK dates, and the one timeliness rule.

guidance: Timeliness and accuracy of records - "must be recorded on Mosaic within a maximum of 5 working
days"; "If harm or injury has occurred, or potential harm or risk is identified, recording must be
completed by the following working day."
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..dates import parse_uk_date
from ..vocab import RECORDING_DEADLINE, RISK_RECORDING_DEADLINE, UK_DATE, WorkingDays
from ..working_days import WorkingCalendar


def uk(day: dt.date | None) -> str:
    """A date as screens and Mosaic text show it: 25/11/2026."""
    return day.strftime(UK_DATE) if day else ""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise PydanticCustomError("blank", "This cannot be left blank.", {"plain": "this cannot be left blank."})
    return text  # kept exactly as typed: no trimming, no escaping


def _login(text: str) -> str:
    _not_blank(text)
    if any(ch.isspace() for ch in text):
        raise PydanticCustomError(
            "login", "A login has no spaces in it.", {"plain": "a login has no spaces in it."}
        )
    return text


_DAY_MONTH_YEAR = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


def _uk_date(value: Any) -> Any:
    """Text is read by the one UK-date reader (`dates.parse_uk_date`: 25/11/2026, 2026-11-25, never
    month-first); dates, and blank text (pydantic's own "missing date" message), pass on as they are."""
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        return parse_uk_date(value)
    except ValueError:
        if _DAY_MONTH_YEAR.fullmatch(value):
            raise PydanticCustomError(
                "no_such_date", "There is no such date.", {"plain": "there is no such date."}
            ) from None
        raise PydanticCustomError(
            "date_parsing", "Write the date as day/month/year, for example 25/11/2026.",
            {"plain": "write the date as day/month/year, for example 25/11/2026."},
        ) from None


RequiredText = Annotated[str, AfterValidator(_not_blank)]
Login = Annotated[str, AfterValidator(_login)]
Day = Annotated[dt.date, BeforeValidator(_uk_date)]


def problem(loc: tuple, message: str, plain: str, code: str = "record_rule") -> InitErrorDetails:
    """One broken rule: `message` is a whole sentence; `plain` follows the field's title in `explain`."""
    return InitErrorDetails(type=PydanticCustomError(code, message, {"plain": plain}), loc=loc, input=None)


def _title(name: str, _info: Any) -> str:
    return name.replace("_", " ").capitalize()


class RecordPart(BaseModel):
    """Base of every record and every part of one. Cross-field rules live in `_problems`.

    The rules also run on a partly filled record (`records.answers`), in which an answer that is missing or
    cannot be read is None: a rule says nothing about an answer that is None.
    """

    model_config = ConfigDict(extra="forbid", field_title_generator=_title)

    @classmethod
    def title_of(cls, name: str) -> str:
        """A field's name as the writer sees it, in labels and in problems: its title."""
        return cls.model_fields[name].title or name.replace("_", " ").capitalize()

    def _problems(self) -> list[InitErrorDetails]:
        """The broken cross-field rules; subclasses extend `super()._problems()`."""
        return []

    def broken_rules(self) -> list[InitErrorDetails]:
        """The cross-field rules this record (or this partly filled record) breaks."""
        return self._problems()

    @model_validator(mode="after")
    def _check_rules(self):
        if problems := self._problems():
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self


class Recording(RecordPart):
    """A recording with a date, a risk flag and an author; due by the one timeliness rule."""

    occasion: ClassVar[str] = "event"  # how messages name the day: "before the supervision on ..."

    record_id: str | None = Field(
        None, title="Record ID", description="The workbook's reference for this record, given when it is first saved."
    )
    event_date: Day = Field(
        title="Date", description="The day the session, contact or discussion took place (for example 25/11/2026)."
    )
    risk_identified: bool = Field(
        False,
        title="Harm or risk identified",
        description="Yes if harm or injury occurred, or potential harm or risk was identified. "
        "The record is then due by the next working day instead of within 5 working days.",
    )
    author: Login = Field(title="Recorded by", description="The login of the person writing this record.")

    @classmethod
    def title_of(cls, name: str) -> str:
        """The record's date is named for its occasion: "Date of the supervision"."""
        return f"Date of the {cls.occasion}" if name == "event_date" else super().title_of(name)

    def _problems(self) -> list[InitErrorDetails]:
        out = super()._problems()
        from ..timeliness import today_in_london

        today = today_in_london()
        if isinstance(self.event_date, dt.date) and self.event_date > today:
            out.append(problem(
                ("event_date",),
                f"The date {uk(self.event_date)} is in the future: a record is of something that has happened "
                f"(today is {uk(today)}).",
                f"{uk(self.event_date)} is in the future; a record is of something that has happened.",
                code="future_event",
            ))
        return out

    @property
    def risk_for_deadline(self) -> bool:
        """Whether the next-working-day deadline applies: harm or risk identified (subclasses add what else
        counts, without changing the answer given: independent answers stay independent)."""
        return bool(getattr(self, "risk_identified", False))

    @property
    def deadline(self) -> WorkingDays:
        return RISK_RECORDING_DEADLINE if self.risk_for_deadline else RECORDING_DEADLINE

    def due_date(self, calendar: WorkingCalendar | None = None) -> dt.date:
        """The last working day this record may be completed on Mosaic (DESIGN.md: Timeliness)."""
        calendar = calendar or WorkingCalendar()
        return calendar.add_working_days([self.event_date], self.deadline.days)[0].item()


class CaseRecord(Recording):
    """A recording about one case (family)."""

    case_id: RequiredText = Field(title="Case ID", description="The Mosaic case (family) this record belongs to.")


@dataclass(frozen=True)
class ChildSeen:
    """A child a record counts as spoken to (or, too young to speak, observed), and the day they were."""

    child_id: str
    name: str  # the name the record gives the child; "" when it gives none
    day: dt.date


def children_spoken_to_field():
    """The "child spoken to" detail of a session, GFPO session or case note: oversight counts it.

    guidance: Supervision Recording Expectations - "A record of when children have been spoken to"; the
    children are spoken to at visits and sessions, so those records say so too (the date is the record's).
    """
    return Field(
        default_factory=list, title="Children spoken to",
        description="The Mosaic IDs of the children of the case spoken to at this session or contact.",
    )


class NamesChildrenSpokenTo:
    """A record with the "children spoken to" detail (`children_spoken_to_field`): each child it names was
    spoken to on the record's own date."""

    def children_seen(self) -> list[ChildSeen]:
        return [ChildSeen(child_id, "", self.event_date) for child_id in self.children_spoken_to]
