"""Where the dashboards' data comes from: the workbook's database, or (without one) an extract file.

- Case notes: the extracts imported into the database (`Store.notes_frame`, who-sees-what applied, at
  the date of the latest extract). With no database, or one that holds no imported extract yet, the
  extract file the app was started with (`FSNB_EXTRACT`); then nobody is filtered out, as a file has no
  staff list, and the page says where its figures come from.
- Oversight: the database only (`Store.oversight_data`).

A user who is not on the staff list is told so in plain words (`NotAllowed`), never shown the database's
notes. On a laptop (no JupyterHub) the case-note pages then fall back to the extract file the person at
the keyboard started the app with, and say why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url

from familyservice_nb.errors import WorkbookError
from familyservice_nb.identity import signed_in
from familyservice_nb.records.people import StaffRole
from familyservice_nb.store import DATABASE, loads_data, may_upload_extract
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.vocab import UK_DATE

UNKNOWN = "unknown"  # someone the staff list does not name: no role, so nothing a role allows

NO_DATA = (
    "There are no case notes to show yet: no extract has been imported into the workbook, and the app was "
    "not started with an extract file. An analyst can import one (`familyservice-nb import EXTRACT`), or "
    "start the app with `familyservice-nb serve --demo` to see the demo data."
)
NO_DATABASE = (
    "These figures come from the workbook's database, and the app was started without one. Start it with "
    "`familyservice-nb serve --demo` to see the demo data, or with --db naming the workbook's database."
)


def database_exists(url: str | None) -> bool:
    """A database to read: PostgreSQL, or a SQLite file that exists (a dashboard never creates one)."""
    if not url:
        return False
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return True
    database = parsed.database or ""
    return database not in ("", ":memory:") and Path(database).is_file()


def open_store(context: PageContext):
    """The store for the page's user, or None when there is no database."""
    if not database_exists(context.database_url):
        return None
    from familyservice_nb.store import Store

    return Store(context.database_url, user=context.user)


_NAMES: dict[tuple[str | None, str], str] = {}


def signed_in_name(context: PageContext, store=None) -> str:
    """Who is signed in, by the name the staff list gives them (people in words, not logins);
    their login when there is no database or the staff list does not know them. `store`: the page's own,
    if it has one (in team mode it knows who the database login stands for)."""
    key = (context.database_url, context.user)
    if store is None and key in _NAMES:
        return _NAMES[key]
    try:
        store = store or open_store(context)
        viewer = store.viewer() if store is not None else None
    except Exception:  # noqa: BLE001 - not on the staff list, no database: the login will do
        return context.user
    name = (viewer.name or viewer.login) if viewer is not None and viewer.login else context.user
    _NAMES[key] = name
    return name


def has_imported_notes(store) -> bool:
    """Whether any extract has been imported (`Store.has_imported_notes`)."""
    return store.has_imported_notes()


@dataclass
class NotesSource:
    """Case notes for a page, and what to say about where they came from."""

    notes: pd.DataFrame
    as_of: dt.date | None
    description: str
    notices: list[str] = field(default_factory=list)
    store: object | None = None  # the Store when the notes came from the database
    role: str = DATABASE  # the user's role on the staff list (DATABASE: no staff list applies; UNKNOWN)

    @property
    def can_upload(self) -> bool:
        return may_upload_extract(self.role)

    @property
    def imports_to_store(self) -> bool:
        """An upload goes into the database (analysts); otherwise it is shown in the page only."""
        return self.store is not None and loads_data(self.role)


def notes_from_store(store, as_of: dt.date | None = None) -> NotesSource:
    viewer = store.viewer()  # NotAllowed, in plain words, for someone not on the staff list
    notes = store.figures_notes()  # figures follow records: a practitioner's own notes only
    taken = notes.attrs.get("as_of")
    imports = store.imports()
    count = len(imports)
    latest = imports.iloc[-1]["file_name"] if count else ""
    when = f", the latest taken on {taken.strftime(UK_DATE)}" if taken else ""
    scope = {
        StaffRole.PRACTITIONER: "your own notes",
        StaffRole.MANAGER: "your teams' notes",
    }.get(viewer.role, "every team's notes")
    description = (
        f"From the workbook's database: {len(notes):,} notes ({scope}) from {count:,} imported "
        f"extract{'s' if count != 1 else ''}{when} ({latest})."
    )
    notices = []
    if viewer.role == StaffRole.PRACTITIONER:  # their team's total, as one figure: never a ranking of colleagues
        for team, figures in store.team_totals(as_of or taken).items():
            pct = figures["pct_on_time"]
            notices.append(f"Your team, {team}: " + ("no notes due yet." if pct != pct else
                           f"{pct:.1f}% of notes recorded on time ({figures['late']:,} late, "
                           f"{figures['overdue']:,} overdue)."))
    return NotesSource(notes=notes, as_of=as_of or taken, description=description, notices=notices, store=store,
                       role=viewer.role)


def notes_from_extract(path: Path, mapping=None, as_of: dt.date | None = None, notices=()) -> NotesSource:
    from familyservice_nb.extract import read_extract

    result = read_extract(path, mapping=mapping)
    notices = list(notices)
    if len(result.rejects):
        notices.append(
            f"{len(result.rejects):,} of the extract's {result.rows_in:,} rows could not be used and are left out "
            "of these figures (the timeliness command lists them, with the reason for each)."
        )
    notices += [str(w) for w in result.warnings]
    return NotesSource(notes=result.notes, as_of=as_of, notices=notices,
                       description=f"From the extract {Path(path).name}: {len(result.notes):,} notes.")


def team_mode() -> bool:
    """Behind JupyterHub (DESIGN.md trust model): the identity is the hub's, and nothing falls back."""
    return signed_in().by_hub


def notes_for(context: PageContext) -> NotesSource:
    """The case notes a page shows for this context (see the module's docstring for the order)."""
    from familyservice_nb.store import NotAllowed

    store = open_store(context)
    if store is not None and has_imported_notes(store):
        try:
            return notes_from_store(store, context.as_of)
        except NotAllowed as refused:
            # On a laptop the person at the keyboard is trusted and chose the extract file; in team mode
            # someone not on the staff list sees nothing.
            if context.extract is None or team_mode():
                raise
            source = notes_from_extract(context.extract, context.mapping, context.as_of, [
                f"{refused} These figures come from the extract file the app was started with instead."])
            source.role = UNKNOWN  # no upload for someone the workbook does not know
            return source
    if context.extract is not None:
        notices = []
        if store is not None:
            notices.append("No extract has been imported into the workbook's database yet, so these figures "
                           "come from the extract file the app was started with.")
        source = notes_from_extract(context.extract, context.mapping, context.as_of, notices)
        if store is not None:
            source.store, source.role = store, _role_or_none(store)
        return source
    if store is not None:  # a database with no notes yet: an analyst may upload the first extract
        source = notes_from_store(store, context.as_of)
        source.notices.append(NO_DATA)
        return source
    raise WorkbookError(
        "No extract has been chosen. Start the app with `familyservice-nb serve --demo` to see the demo data, "
        "or set FSNB_EXTRACT to a Mosaic running-record extract."
    )


def _role_or_none(store) -> str:
    from familyservice_nb.store import NotAllowed

    try:
        return store.viewer().role
    except NotAllowed:
        return UNKNOWN  # not on the staff list: no upload offered


def require_store(context: PageContext):
    """The store, or a plain-words problem when the app has no database."""
    store = open_store(context)
    if store is None:
        raise WorkbookError(NO_DATABASE)
    store.viewer()  # NotAllowed now, in plain words, rather than half-way through building the page
    return store
