"""Whether a registry entry's citation (`sources.Cited`) is really in the document it names.

The documents are kept with the project's shared notes beside the repository; `tests/fixtures/sources` holds a
copy of each, so the check runs on a clean clone too. Where the shared notes are beside this checkout, each
citation is checked against them as well, so a copy that drifted cannot hide a citation that no longer holds.

A citation holds when its heading (a markdown heading, or a table's heading cell) is in the document and its
words appear after it. Markup is read as a person reads it: bold, backticks and HTML tags aside, and any run
of spaces and line ends as one space.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from familyservice_nb.sources import DESIGN, GUIDANCE, Cited

ROOT = Path(__file__).resolve().parent.parent
COPIES = ROOT / "tests" / "fixtures" / "sources"
FILES = {GUIDANCE: "record-keeping.md", DESIGN: "DESIGN.md"}
SHARED = {GUIDANCE: ROOT.parent / "shared" / "guidance" / FILES[GUIDANCE], DESIGN: ROOT.parent / "shared" / FILES[DESIGN]}


def plain(text: str) -> str:
    """Text as a person reads it: no bold, backticks or HTML tags; one space for any run of white space."""
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


@cache
def _headings_and_text(path: Path) -> tuple[tuple[tuple[str, int], ...], str]:
    """Each heading (markdown heading or table heading cell) with where it starts in the plain text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    text, headings, at = [], [], 0
    for line in lines:
        shown = plain(line)
        heading = re.match(r"#+\s+(.*)", line)
        if heading:
            headings.append((plain(heading.group(1)), at))
        elif line.startswith("|"):
            headings += [(plain(cell), at) for cell in line.strip("|").split("|") if plain(cell)]
        text.append(shown)
        at += len(shown) + 1
    return tuple(headings), " ".join(text)


def problems(cited: Cited, path: Path) -> list[str]:
    """What is wrong with `cited` against the document at `path` (nothing when it holds)."""
    headings, text = _headings_and_text(path)
    starts = [at for heading, at in headings if heading == plain(cited.section)]
    if not starts:
        return [f"{path.name} has no heading '{cited.section}'"]
    words = plain(cited.words)
    if not words or words not in text[starts[0]:]:
        return [f"{path.name} does not say, under '{cited.section}': \"{cited.words}\""]
    return []


def citation_problems(cited: object) -> list[str]:
    """Everything wrong with a citation: not a `Cited`, an unknown document, or words not found in the copy (and
    in the shared original, when it is beside the repository)."""
    if not isinstance(cited, Cited):
        return [f"{cited!r} is not a citation (sources.from_guidance or sources.from_design)"]
    if cited.document not in FILES:
        return [f"{cited.document} is neither the guidance nor DESIGN.md"]
    found = problems(cited, COPIES / FILES[cited.document])
    if SHARED[cited.document].is_file():
        found += problems(cited, SHARED[cited.document])
    return found
