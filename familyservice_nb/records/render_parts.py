"""The pieces Mosaic-ready text is made of: headings, sections, lists and 'None recorded.'.

User text goes in exactly as typed: no HTML, no escaping, no trimming.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def action_lines(actions: list[AgreedAction]) -> str:
    return listing(
        f"{a.what}\n   By whom: {a.by_whom}\n   By when: {uk(a.by_when)}\n   Reference: {a.action_id}"
        for a in actions
    )


def header(title: str, record: Recording, *lines: str, risk: bool = True) -> str:
    """The title, the date, any further lines, and (for case records) the risk flag that sets the deadline."""
    flag = [f"Harm or risk identified: {yes_no(record.risk_identified)}"] if risk else []
    return "\n".join([title, f"Date: {uk(record.event_date)}", *lines, *flag])


def document(*parts: str) -> str:
    """Sections separated by a blank line, ending with one newline."""
    return "\n\n".join(parts) + "\n"
