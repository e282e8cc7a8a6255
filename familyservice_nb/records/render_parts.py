"""The pieces Mosaic-ready text is made of: headings, sections, lists and 'None recorded.'.

User text goes in exactly as typed: no HTML, no escaping, no trimming.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Mapping

from .actions import AgreedAction
from .base import Recording, uk

NONE_RECORDED = "None recorded."


def text(value: str) -> str:
    """The text as typed, or 'None recorded.' when it is empty or only spaces."""
    return value if value.strip() else NONE_RECORDED


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def section(heading: str, body: str) -> str:
    return f"{heading}\n{body}"


def listing(items: Iterable[str]) -> str:
    """Numbered entries, or 'None recorded.' when there are none."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1)) or NONE_RECORDED


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


def action_lines(actions: list[AgreedAction]) -> str:
    """Agreed actions by their words, who and when: never the workbook's internal reference."""
    return listing(
        f"{a.what}\n   By whom: {person(a.by_whom)}\n   By when: {uk(a.by_when)}"
        for a in actions
    )


def header(title: str, record: Recording, *lines: str, risk: bool = True) -> str:
    """The title, the date, any further lines, and (for case records) the risk flag that sets the deadline."""
    flag = [f"Harm or risk identified: {yes_no(record.risk_identified)}"] if risk else []
    return "\n".join([title, f"Date: {uk(record.event_date)}", *lines, *flag])


def document(*parts: str) -> str:
    """Sections separated by a blank line, ending with one newline."""
    return "\n\n".join(parts) + "\n"
