"""The pieces Mosaic-ready text is made of: headings, sections, lists, and what an empty section says.

A record's text is its sections (`RecordText`: the head, then each heading with its lines); the Mosaic text
joins them, and a printed record (documents.py) shows the same sections, so the two cannot say different things.
Honest text: an unanswered section or prompt is left out; "None recorded." appears only where the writer chose
"Nothing to record", and "Not discussed." where they chose that. User text goes in exactly as typed: no HTML,
no escaping, no trimming. People are named, not given as logins, and actions by their words: never the
workbook's internal references.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .actions import AgreedAction
from .base import Recording, uk

NONE_RECORDED = "None recorded."
NOT_DISCUSSED = "Not discussed."


def filled(value: str | None) -> bool:
    return bool(value and value.strip())


def text(value: str | None) -> str | None:
    """The text as typed, or None (left out) when it is empty or only spaces."""
    return value if filled(value) else None


def labelled(label: str, value: str | None) -> str | None:
    """'Label: value', or None (left out) when the value is empty."""
    return f"{label}: {value}" if filled(value) else None


def lines(*parts: str | None) -> str | None:
    """The parts that are there, one a line; None when none is."""
    kept = [p for p in parts if p]
    return "\n".join(kept) if kept else None


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


@dataclass(frozen=True)
class Section:
    """A heading and the lines under it; a heading of "" is text with no heading (a case note's own words)."""

    heading: str
    lines: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n".join(self.lines)

    def text(self) -> str:
        return f"{self.heading}\n{self.body}" if self.heading else self.body


@dataclass(frozen=True)
class RecordText:
    """A record's text as its parts: the head (the title, the date and the facts under it), then the sections
    in the guidance's order, each left out when there is nothing to say."""

    head: Section
    sections: tuple[Section, ...]

    def text(self) -> str:
        """The Mosaic-ready text: the head and the sections, separated by a blank line, ending with one newline."""
        return "\n\n".join(part.text() for part in (self.head, *self.sections)) + "\n"


def section(heading: str, body: str | None) -> Section | None:
    """A heading and its body; None (the section left out) when there is no body."""
    return Section(heading, tuple(body.split("\n"))) if body else None


def untitled(body: str | None) -> Section | None:
    """Text with no heading of its own; None when there is none."""
    return section("", body)


def listing(items: Iterable[str]) -> str | None:
    """Numbered entries, or None when there are none."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)) or None


def chosen(body: str | None, choice: str | None) -> str | None:
    """A section's body; empty, what the writer chose to say instead (or None: left out)."""
    if body:
        return body
    if choice == "Nothing to record":
        return NONE_RECORDED
    if choice == "Not discussed":
        return NOT_DISCUSSED
    return None


# People by name in Mosaic text (names, not logins): `render_text(record, names=...)` sets this
# for the one rendering; a login without a name stays as it is.
_NAMES: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar("fsnb_names", default=None)


@contextlib.contextmanager
def people_named(names: Mapping[str, str] | None) -> Iterator[None]:
    """Within this block, `person(login)` gives the name `names` has for it."""
    token = _NAMES.set(dict(names or {}))
    try:
        yield
    finally:
        _NAMES.reset(token)


def person(login: str | None) -> str:
    """A person as Mosaic text names them: their name when known, else the login."""
    return (_NAMES.get() or {}).get(login or "", login or "")


def action_lines(actions: list[AgreedAction]) -> str | None:
    """Agreed actions by their words, who and when: never the workbook's internal reference."""
    return listing(f"{a.what}\n   By whom: {person(a.by_whom)}\n   By when: {uk(a.by_when)}" for a in actions)


def header(title: str, record: Recording, *rows: str | None, risk: bool = True,
           date_label: str = "Date") -> Section:
    """The title, the date, any further lines, and (for case records) the risk flag that sets the deadline."""
    flag = [f"Harm or risk identified: {yes_no(record.risk_identified)}"] if risk else []
    return Section(title, (f"{date_label}: {uk(record.event_date)}", *(r for r in rows if r), *flag))


def document(head: Section, *sections: Section | None) -> RecordText:
    """The head and the sections that are there, in the order given."""
    return RecordText(head, tuple(s for s in sections if s))
