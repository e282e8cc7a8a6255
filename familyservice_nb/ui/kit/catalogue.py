"""The app's pages: every notebook in `dashboards/` that declares itself a page.

A page notebook says what it is in its metadata, so adding a page is adding a notebook; the landing
page lists whatever is there, in order::

    "metadata": {"fsnb": {"title": "Recording timeliness", "order": 10,
                          "summary": "How quickly case notes are recorded, by worker."}}

The landing page itself has `"landing": true` and is not listed. The server reads one more key:
`"preheat": true` keeps a kernel ready with the page already built (fast to open, but a kernel's memory
for as long as the server runs: for the most used pages only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

LANDING_NOTEBOOK = "index.ipynb"
CASE_STORY_NOTEBOOK = "case-story.ipynb"  # a case's oversight story (`?case=`)
MANAGEMENT_OVERSIGHT_NOTEBOOK = "management-oversight.ipynb"

def page_link(notebook: str, param: str, value) -> str:
    """`notebook?param=value`, the value URL-quoted: the one way a page's address names a case or record
    (relative, as pages sit side by side). Escape it (`html.esc`) before writing it into HTML."""
    return f"{notebook}?{param}={quote(str(value), safe='')}"


def record_link(kind: str, record_id) -> str:
    """The address that opens a record in its form: its kind's page (`records.kinds`); `UnknownKind` for a kind
    the workbook does not keep."""
    # The record models are loaded by the pages that link records, not by the server, which only lists pages.
    from familyservice_nb.records.kinds import kind_named

    return page_link(kind_named(kind).page, "record", record_id)


def case_link(case_id, notebook: str = CASE_STORY_NOTEBOOK) -> str:
    """The address that opens a case: its oversight story, or another case page (`case-supervision.ipynb`)."""
    return page_link(notebook, "case", case_id)


class NoDashboards(FileNotFoundError):
    """The folder of page notebooks cannot be found."""


@dataclass(frozen=True, order=True)
class Page:
    order: int
    title: str
    notebook: str
    summary: str = ""

    @property
    def href(self) -> str:
        """A link relative to the page showing it (Voila serves pages side by side)."""
        return self.notebook


def locate_dashboards(start: Path | None = None) -> Path:
    """The `dashboards/` folder: FSNB_DASHBOARDS, else beside the package (a source checkout), else
    under the current folder or one of its parents."""
    explicit = os.environ.get("FSNB_DASHBOARDS", "").strip()
    candidates = [Path(explicit).expanduser()] if explicit else []
    candidates.append(Path(__file__).resolve().parents[3] / "dashboards")
    here = (start or Path.cwd()).resolve()
    candidates += [p / "dashboards" for p in (here, *here.parents)]
    for candidate in candidates:
        if (candidate / LANDING_NOTEBOOK).is_file():
            return candidate
    raise NoDashboards(
        "The workbook's pages (the dashboards folder with index.ipynb) cannot be found. "
        "Run the command from the workbook's folder, or set FSNB_DASHBOARDS to that folder."
    )


def read_page(path: Path) -> Page | None:
    """The page a notebook declares, or None (not a page, the landing page, or unreadable)."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("fsnb")
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("landing") or not meta.get("title"):
        return None
    return Page(
        order=int(meta.get("order", 100)),
        title=str(meta["title"]),
        notebook=path.name,
        summary=str(meta.get("summary", "")),
    )


def discover_pages(dashboards: Path) -> list[Page]:
    """Every page in the folder, in their declared order (then by title)."""
    pages = (read_page(p) for p in sorted(Path(dashboards).glob("*.ipynb")))
    return sorted(p for p in pages if p is not None)
