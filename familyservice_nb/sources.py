"""The two documents every rule traces back to, and how a declared rule cites a line of one.

The council's guidance (`guidance/record-keeping.md`) says what the workbook checks and measures; the
design notes (DESIGN.md) hold the contracts the workbook sets itself where the guidance is silent, such as
which rows of an extract are rejected. Both are kept with the project's shared notes, beside the repository.

A registry entry (a quality standard, an oversight measure, a reject check) cites its line with
`from_guidance` or `from_design`: the heading it sits under and the words, quoted as written (markup such
as bold and backticks aside), so a test can find them in the document.
"""

from __future__ import annotations

from dataclasses import dataclass

GUIDANCE = "guidance"
DESIGN = "DESIGN.md"


@dataclass(frozen=True)
class Cited:
    """A line of the guidance or of DESIGN.md: the heading (or table heading) it sits under, and its words."""

    document: str  # GUIDANCE or DESIGN
    section: str
    words: str

    def __str__(self) -> str:
        return f'{self.document}: {self.section} - "{self.words}"'


def from_guidance(section: str, words: str) -> Cited:
    """A line of the council's guidance, under the heading `section`."""
    return Cited(GUIDANCE, section, words)


def from_design(section: str, words: str) -> Cited:
    """A contract of DESIGN.md, under the heading `section`."""
    return Cited(DESIGN, section, words)
