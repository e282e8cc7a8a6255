"""What a page needs to know about where it runs: who is using it, which data, which date.

Everything comes from environment variables that `familyservice-nb serve` (web/serve.py) and the hub
(hub/spawn.py) set for the kernels (DESIGN.md: trust model). Nothing here reads a file or opens a database: pages do that when built.

| variable | meaning |
|---|---|
| `JUPYTERHUB_USER` | the signed-in user in team mode; when set, `FSNB_USER` is ignored |
| `FSNB_USER` | the person at the keyboard on a laptop (`make run`) |
| `FSNB_EXTRACT` | the running-record extract the dashboards read (CSV or XLSX) |
| `FSNB_MAPPING` | a TOML file naming the extract's columns, if the council's headers differ |
| `FSNB_AS_OF` | the date figures are taken at (`YYYY-MM-DD` or `DD/MM/YYYY`); default today in London |
| `FSNB_REGION` | bank holidays of ENG (default), WLS, SCT or NIR |
| `FSNB_CLOSURES` | a text file of council closure days, one `YYYY-MM-DD` a line |
| `FSNB_DATABASE_URL` | the workbook's database (forms and stored extracts) |
| `FSNB_DASHBOARDS` | the folder of page notebooks (set by the server) |
| `FSNB_PLOTLY_ESM` | where the browser fetches plotly's widget code (set by the server; empty: inside each widget) |
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from familyservice_nb.identity import signed_in

DEMO_USER = "demo manager"


def current_user(environ: Mapping[str, str] | None = None) -> str:
    """Who is using the page: the hub's user wins (team mode), then FSNB_USER, else the demo manager."""
    return signed_in(environ).login or DEMO_USER


def parse_as_of(text: str | None) -> dt.date | None:
    """A UK date (`dates.parse_uk_date`: never month-first); None when blank."""
    from familyservice_nb.dates import parse_uk_date

    return parse_uk_date(text, field="FSNB_AS_OF") if (text or "").strip() else None


@dataclass(frozen=True)
class PageContext:
    """The settings every page is built from."""

    user: str = DEMO_USER
    extract: Path | None = None
    mapping: Path | None = None
    as_of: dt.date | None = None
    region: str = "ENG"
    closures: Path | None = None
    database_url: str | None = None
    dashboards: Path | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> PageContext:
        environ = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = (environ.get(name) or "").strip()
            return Path(value).expanduser() if value else None

        return cls(
            user=current_user(environ),
            extract=path("FSNB_EXTRACT"),
            mapping=path("FSNB_MAPPING"),
            as_of=parse_as_of(environ.get("FSNB_AS_OF")),
            region=(environ.get("FSNB_REGION") or "ENG").strip() or "ENG",
            closures=path("FSNB_CLOSURES"),
            database_url=(environ.get("FSNB_DATABASE_URL") or "").strip() or None,
            dashboards=path("FSNB_DASHBOARDS"),
        )

    def calendar(self):
        from familyservice_nb.working_days import WorkingCalendar

        if self.closures:
            return WorkingCalendar.from_file(self.closures, region=self.region)
        return WorkingCalendar(region=self.region)
