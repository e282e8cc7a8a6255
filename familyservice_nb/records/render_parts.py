"""The pieces Mosaic-ready text is made of: headings, sections, lists, and what an empty section says.

Honest text (issue 10): an unanswered section or prompt is left out; "None recorded." appears only where
the writer chose "Nothing to record", and "Not discussed." where they chose that. User text goes in exactly
as typed: no HTML, no escaping, no trimming. People are named, not given as logins (issue 13), and actions
by their words: never the workbook's internal references.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Mapping

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


def section(heading: str, body: str | None) -> str | None:
    """A heading and its body; None (the section left out) when there is no body."""
    return f"{heading}\n{body}" if body else None


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


# People by name in Mosaic text (issue 13: names, not logins): `render_text(record, names=...)` sets this
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


def header(title: str, record: Recording, *rows: str | None, risk: bool = True, date_label: str = "Date") -> str:
    """The title, the date, any further lines, and (for case records) the risk flag that sets the deadline."""
    flag = [f"Harm or risk identified: {yes_no(record.risk_identified)}"] if risk else []
    return "\n".join([title, f"{date_label}: {uk(record.event_date)}", *(r for r in rows if r), *flag])


def document(*parts: str | None) -> str:
    """Sections that are there, separated by a blank line, ending with one newline."""
    return "\n\n".join(p for p in parts if p) + "\n"
