"""`Store`: the one way into the workbook's database, with who-sees-what applied to every query.

    store = Store("sqlite:///data/workbook.db", user="jo.bloggs")
    record_id = store.save_draft(supervision)      # autosave: overwrites the draft only
    store.complete(record_id)                      # locked from now on
    store.amend(record_id, corrected, reason="Wrong date of birth")   # a new version; the first is kept
    notes = store.notes_frame()                    # read_extract's shape, for assess_timeliness
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError

from ..errors import WorkbookError
from ..records.people import StaffRole
from . import audit as trail
from . import backup as backup_module
from . import check as check_module
from . import db_logins, migrate, notes, people, repository
from . import imports as imports_module
from .access import SEES_ALL, NotAllowed, Viewer, load_viewer
from .engine import WRITE, current_user, database_url, make_engine
from .schema import audit

READ_AGAIN_SECONDS = 60  # a record or story opened again within this by the same store is entered once


class Store:
    """The workbook's database: records, notes, staff and cases.

    `url`: the argument, else FSNB_DATABASE_URL, else sqlite:///data/workbook.db.
    `user`: the login acting (else JUPYTERHUB_USER, else FSNB_USER; nobody named means direct database
    access, which sees everything). The engine is made on first use.
    """

    def __init__(self, url: str | None = None, user: str | None = None):
        self.url = database_url(url)
        self.user = current_user(user)
        self._engine: Engine | None = None
        self._calendar = None
        self._login_checked = False
        self._reads: dict[tuple, float] = {}

    def __repr__(self) -> str:
        from sqlalchemy.engine import make_url

        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r}, user={self.user!r})"

    # -- connections ----------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.url)
            try:
                migrate.ensure_current(engine)
            except BaseException:
                engine.dispose()
                raise
            self._engine = engine
        return self._engine

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: one consistent view of the database."""
        with self._refusals_in_plain_words(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: all of it is saved, or none of it."""
        with self._refusals_in_plain_words(), self.engine.connect() as conn:
            conn = conn.execution_options(**WRITE)
            with conn.begin():
                yield conn

    @contextlib.contextmanager
    def _refusals_in_plain_words(self) -> Iterator[None]:
        """On PostgreSQL the database refuses too (a login's rights, row-level security, locked records):
        its refusals become the store's NotAllowed and RecordLocked."""
        try:
            yield
        except DBAPIError as exc:
            refused = db_logins.refusal(exc)
            if refused is None:
                raise
            raise refused from None

    def with_database_access(self) -> Store:
        """The same database acting as direct database access (no login): for maintenance such as the demo.

        DESIGN.md trust model: whoever holds the database address and credentials can read and write
        everything anyway; this names that in the audit trail instead of pretending to be a user.
        """
        other = Store.__new__(Store)
        other.url, other.user, other._engine, other._calendar = self.url, None, None, None
        other._login_checked = False
        other._reads = {}
        return other

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def upgrade(self) -> str | None:
        """Bring the database up to date (a new one is created); returns the revision now in place."""
        engine = make_engine(self.url)
        try:
            return migrate.upgrade(engine)
        finally:
            engine.dispose()

    def revision(self) -> str | None:
        engine = make_engine(self.url)
        try:
            return migrate.current_revision(engine)
        finally:
            engine.dispose()

    # -- who -------------------------------------------------------------------------------------

    def viewer(self, conn: Connection | None = None) -> Viewer:
        """The current user as the staff list describes them (NotAllowed when they are not on it).

        Connected to PostgreSQL with a login of one's own (team mode), the user is the one the database
        login stands for, whatever else the store was told.
        """
        if conn is None:
            with self.reading() as conn:
                return self.viewer(conn)
        if not self._login_checked and conn.dialect.name == "postgresql":
            self._take_user_from_login(conn)
        return load_viewer(conn, self.user)

    def _take_user_from_login(self, conn: Connection) -> None:
        kind, login = db_logins.session_login(conn)
        if kind == "gone":
            raise NotAllowed("This database login belongs to someone no longer on the workbook's staff list.")
        if kind == "login":
            if self.user is not None and self.user != login:
                raise NotAllowed(
                    f"This server's database login is '{login}'s, so the workbook cannot act as '{self.user}'."
                )
            self.user = login
        self._login_checked = True

    def calendar(self):
        """The working-day calendar of the council's settings (region and closure days)."""
        if self._calendar is None:
            self._calendar = self.settings().calendar()
        return self._calendar

    # -- records ---------------------------------------------------------------------------------

    def _kind(self, record: BaseModel | dict, record_id, kind: str | None) -> str | None:
        """The kind of record this is: as said, else the saved record's (a dict does not say)."""
        if kind is None and not isinstance(record, BaseModel):
            if record_id is None:
                raise WorkbookError("Say which kind of record this is (kind='supervision', for example).")
            kind = self.info(record_id).kind
        return kind

    def _prepare(self, record: BaseModel | dict, record_id, kind: str | None) -> repository.Prepared:
        """Check the record and work out its columns before taking the write lock."""
        return repository.prepare(record, self._kind(record, record_id, kind), self.calendar())

    def save_draft(
        self, record: BaseModel | dict, record_id: str | int | None = None, kind: str | None = None,
        based_on: dt.datetime | None = None,
    ) -> str:
        """Save a draft (new, or over the record's current draft) and return the record's id.

        `based_on`: the `updated_at` (RecordInfo) of the copy being saved; when the record was changed since
        (another window, another person) the save is refused with `ChangedElsewhere`."""
        record_id = record_id or repository.record_id_of(record)
        prepared = self._prepare(record, record_id, kind)
        with self.writing() as conn:
            return repository.save_draft(conn, self.viewer(conn), prepared, record_id, based_on)

    def save_unfinished(self, data: dict, record_id: str | int | None = None, kind: str | None = None,
                        based_on: dt.datetime | None = None) -> str:
        """Save a form's draft, finished or not; returns the record's id.

        When `data` passes its model this *is* `save_draft`; otherwise the dict is kept exactly as given, as
        the record's current draft, with the same who-sees-what checks, locking and audit trail
        (`repository.save_unfinished`). Completing it later checks it in full. `based_on` as for `save_draft`.
        """
        return self.keep_draft(data, record_id, kind, based_on).record_id

    def keep_draft(self, data: dict, record_id: str | int | None = None, kind: str | None = None,
                   based_on: dt.datetime | None = None) -> repository.KeptDraft:
        """`save_unfinished` in one transaction that also reads when the record was last changed (by the
        database's clock), which the next save from the same copy gives as `based_on`: a form's autosave."""
        record_id = record_id or repository.record_id_of(data)
        try:
            prepared = self._prepare(data, record_id, kind)
        except repository.InvalidRecord:
            prepared = None
        calendar = self.calendar()  # read before the write transaction opens
        with self.writing() as conn:
            viewer = self.viewer(conn)
            if prepared is not None:
                number = repository.save_draft(conn, viewer, prepared, record_id, based_on)
            else:
                number = repository.save_unfinished(conn, viewer, data, record_id, kind, based_on, calendar)
            return repository.KeptDraft(number, repository.info(conn, viewer, number).updated_at)

    def saved_payload(self, record_id: str | int) -> dict:
        """The current version of a record as saved (a dict), whether or not it is a whole record yet; the read
        is audited."""
        with self.reading() as conn:
            viewer = self.viewer(conn)
            payload = repository.saved_payload(conn, viewer, record_id)
        self._enter_read("read", "record", repository.record_number(record_id), None, viewer)
        return payload

    def complete(
        self, record_id: str | int, record: BaseModel | dict | None = None, based_on: dt.datetime | None = None
    ) -> int:
        """Complete (lock) the current draft, optionally with its final contents; returns the version.
        `based_on` as for `save_draft`."""
        prepared = None if record is None else self._prepare(record, record_id, None)
        calendar = self.calendar()
        with self.writing() as conn:
            return repository.complete(conn, self.viewer(conn), record_id, prepared, calendar, based_on)

    def complete_new(self, record: BaseModel | dict, kind: str | None = None) -> str:
        """Save a record never saved before and complete it, in one transaction (a record refused at completion
        is not kept either); returns its id."""
        prepared = self._prepare(record, None, kind)
        calendar = self.calendar()
        with self.writing() as conn:
            viewer = self.viewer(conn)
            record_id = repository.save_draft(conn, viewer, prepared, None)
            repository.complete(conn, viewer, record_id, prepared, calendar)
            return record_id

    def completion_problems(self, record: BaseModel | dict, record_id: str | int | None = None,
                            kind: str | None = None, order: Sequence[str] | None = None) -> list:
        """What stops this record being completed, as `records.Problem`s (field path and sentence), for a
        form to list before it tries; empty when it can be. Who may complete it is checked on completing.

        `record`: a record (checked afresh by its model), or a form's answers as they stand (a dict, partly
        filled or not: what cannot be read is listed as well as what is missing). `order`: the fields in the
        order the form shows them; the problems come in that order."""
        record_id = record_id or repository.record_id_of(record)
        if isinstance(record, BaseModel):
            kind, record = repository.validated(record, kind)
        else:
            kind = self._kind(record, record_id, kind)
        with self.reading() as conn:
            return repository.completion_problems(conn, self.viewer(conn), kind, record, record_id, order)

    def amend(self, record_id: str | int, record: BaseModel | dict, reason: str, complete: bool = True) -> int:
        """A new version of a completed record, with the reason; earlier versions are kept."""
        prepared = self._prepare(record, record_id, None)
        with self.writing() as conn:
            return repository.amend(conn, self.viewer(conn), record_id, prepared, reason, complete)

    def confirm_on_mosaic(self, record_id: str | int, day: dt.date) -> None:
        """Say a completed record is entered on Mosaic, on `day` (kept with who said so; audited)."""
        from ..timeliness import today_in_london

        with self.writing() as conn:
            repository.confirm_on_mosaic(conn, self.viewer(conn), record_id, day, today_in_london())

    def discard_draft(self, record_id: str | int) -> None:
        """Throw away a draft of your own (a completed record never); the audit trail keeps what it held."""
        with self.writing() as conn:
            repository.discard_draft(conn, self.viewer(conn), record_id)

    def get(self, record_id: str | int, version: int | None = None) -> BaseModel:
        """The record (its newest version unless one is named) as its pydantic model; the read is audited."""
        with self.reading() as conn:
            viewer = self.viewer(conn)
            model = repository.get(conn, viewer, record_id, version)
        self._enter_read("read", "record", repository.record_number(record_id), version, viewer)
        return model

    def info(self, record_id: str | int) -> repository.RecordInfo:
        with self.reading() as conn:
            return repository.info(conn, self.viewer(conn), record_id)

    def versions(self, record_id: str | int) -> list[repository.RecordVersion]:
        with self.reading() as conn:
            return repository.versions(conn, self.viewer(conn), record_id)

    def record_history(self, record_id: str | int) -> repository.RecordHistory:
        """What a completed record's page shows beside its text, read in one transaction: what the store knows
        of it, its versions, its audit trail (without reads) and the names of the staff, by login."""
        from .story_queries import staff_names

        with self.reading() as conn:
            viewer = self.viewer(conn)
            return repository.RecordHistory(
                info=repository.info(conn, viewer, record_id), versions=repository.versions(conn, viewer, record_id),
                trail=self._trail(conn, viewer, record_id=record_id), names=staff_names(conn))

    def records(
        self, kind: str | None = None, case_id: str | None = None, state: str | None = None
    ) -> list[repository.RecordInfo]:
        """The records this user may see, oldest event first; a record of a kind the workbook does not keep is
        left out and named in the list's `unreadable`."""
        with self.reading() as conn:
            return repository.list_records(conn, self.viewer(conn), kind, case_id, state)

    def previous_supervisions(self, case_id: str, before: str | int | None = None) -> list[BaseModel]:
        """Completed case discussions (supervision, review, closure) of a case, oldest first; with `before`
        (a record of the case), only those that came before that record (by date, then record number)."""
        with self.reading() as conn:
            return repository.completed_discussions(conn, self.viewer(conn), case_id, before)

    def open_actions(self, case_id: str) -> list[BaseModel]:
        """Agreed actions of the case not yet done or dropped: to review at its next supervision."""
        from ..records import open_actions

        return open_actions(self.previous_supervisions(case_id))

    def audit_trail(self, record_id: str | int | None = None, note_id: str | None = None,
                    reads: bool = False) -> pd.DataFrame:
        """Who changed what and when: for one record, one note, or (analysts and admins) everything. `reads`:
        with who read or exported what, too (`audit.READ_ACTIONS`)."""
        with self.reading() as conn:
            return self._trail(conn, self.viewer(conn), record_id, note_id, reads)

    @staticmethod
    def _trail(conn: Connection, viewer: Viewer, record_id: str | int | None = None, note_id: str | None = None,
               reads: bool = False) -> pd.DataFrame:
        import json

        query = select(audit).order_by(audit.c.audit_id)
        if not reads:
            query = query.where(audit.c.action.not_in(trail.READ_ACTIONS))
        if record_id is not None:
            number = repository.info(conn, viewer, record_id).record_id
            query = query.where(audit.c.entity == "record", audit.c.entity_id == number)
        elif note_id is not None:
            notes.check_note(conn, viewer, note_id)
            query = query.where(audit.c.entity == "note", audit.c.entity_id == note_id)
        else:
            viewer.require(SEES_ALL, "see the whole audit trail")
        frame = pd.DataFrame([dict(r) for r in conn.execute(query).mappings()], columns=list(audit.c.keys()))
        frame["changes"] = frame["changes"].map(lambda c: json.loads(c) if isinstance(c, str) and c else {})
        return frame

    # -- staff, cases, settings ------------------------------------------------------------------

    def _loader(self, conn: Connection) -> Viewer:
        """The viewer for loading staff: anyone may load the first staff list into an empty database."""
        try:
            return self.viewer(conn)
        except NotAllowed:
            if people.staff_count(conn) == 0:
                return Viewer(login=self.user, role=StaffRole.ADMIN)
            raise

    def save_staff(self, staff: list[BaseModel]) -> dict[str, int]:
        with self.writing() as conn:
            return people.save_staff(conn, self._loader(conn), list(staff))

    def import_staff(self, path: str | Path) -> dict[str, int]:
        """Load the council's staff from CSV (name, login, role, teams, line manager, newly qualified)."""
        from .csvfiles import read_staff_csv

        return self.save_staff(read_staff_csv(path))

    def names(self) -> dict[str, str]:
        """Name by login for everyone on the staff list: pages show people by name, not login."""
        from .story_queries import staff_names

        with self.reading() as conn:
            self.viewer(conn)
            return staff_names(conn)

    def staff(self) -> list[BaseModel]:
        with self.reading() as conn:
            self.viewer(conn)
            return people.list_staff(conn)

    def save_cases(self, cases: list[BaseModel]) -> dict[str, int]:
        with self.writing() as conn:
            return people.save_cases(conn, self.viewer(conn), list(cases))

    def import_cases(self, path: str | Path) -> dict[str, int]:
        """Load cases and their children from CSV (one row per child; see `csvfiles`)."""
        from .csvfiles import read_cases_csv

        return self.save_cases(read_cases_csv(path))

    def cases(self) -> list[BaseModel]:
        """The cases this user may see."""
        with self.reading() as conn:
            return people.list_cases(conn, self.viewer(conn))

    def case(self, case_id: str) -> BaseModel:
        """One case with its children; NotAllowed when this user may not open it."""
        with self.reading() as conn:
            return people.get_case(conn, self.viewer(conn), case_id)

    def settings(self) -> BaseModel:
        with self.reading() as conn:
            return people.get_settings(conn)

    def save_settings(self, settings: BaseModel | dict) -> None:
        with self.writing() as conn:
            people.save_settings(conn, self.viewer(conn), settings)
        self._calendar = None

    # -- notes -----------------------------------------------------------------------------------

    def import_extract(
        self, path: str | Path, mapping: str | Path | None = None, as_of: dt.date | str | None = None,
        *, batch_size: int = imports_module.BATCH_SIZE, progress: bool | None = None,
    ) -> imports_module.ImportSummary:
        """Load a Mosaic extract: new notes added, changed ones updated (earlier values audited)."""
        return imports_module.run_import(self, path, mapping, as_of, batch_size, progress)

    def notes_frame(self, case_id: str | None = None) -> pd.DataFrame:
        """The stored notes this user may see, shaped like read_extract's notes (for assess_timeliness)."""
        with self.reading() as conn:
            viewer = self.viewer(conn)
            if case_id is not None:
                from .access import check_case

                check_case(conn, viewer, case_id)
            return notes.notes_frame(conn, viewer, case_id)

    def has_imported_notes(self) -> bool:
        """Whether any extract's notes are in the database.

        A yes or no about the database that shows nobody's notes, so it is answered for anyone who can reach
        it (on the staff list or not: a page then reads the notes through `notes_frame`, who-sees-what applied,
        and tells a stranger plainly). It reads through this store's own connection, so on PostgreSQL the
        database's own row rules apply to it as to every other query.
        """
        with self.reading() as conn:
            return notes.any_notes(conn)

    def figures_notes(self) -> pd.DataFrame:
        """The notes that count in this user's timeliness figures: a practitioner's own, a manager's teams',
        everyone's for analysts and admins (DESIGN.md: figures follow records)."""
        with self.reading() as conn:
            return notes.notes_frame(conn, self.viewer(conn), figures=True)

    def team_totals(self, as_of: dt.date | None = None) -> dict[str, dict]:
        """Each of this user's teams' timeliness total (team -> overall figures), with no worker named:
        what a practitioner sees of their team beside their own figures."""
        from ..timeliness import assess_timeliness, overall_timeliness

        with self.reading() as conn:
            frame = notes.team_notes_frame(conn, self.viewer(conn))
        if frame.empty:
            return {}
        assessed = assess_timeliness(frame, calendar=self.calendar(), as_of=as_of or frame.attrs.get("as_of"))
        return {str(team): overall_timeliness(part) for team, part in assessed.groupby("team", observed=True)}

    def imports(self) -> pd.DataFrame:
        """Every import: file name, as-of date, who, when, and its counts."""
        with self.reading() as conn:
            self.viewer(conn)
            return notes.imports_frame(conn)

    def import_rejects(self, import_id: int) -> pd.DataFrame:
        with self.reading() as conn:
            return notes.rejects_frame(conn, self.viewer(conn), import_id)

    # -- oversight -------------------------------------------------------------------------------

    def oversight_data(self):
        """Cases, children, staff, case discussions (their agreed actions, reviews and children spoken to)
        and line management records this user may see, as DataFrames for `familyservice_nb.oversight`."""
        from .oversight_queries import oversight_data

        with self.reading() as conn:
            return oversight_data(conn, self.viewer(conn))

    # -- a case's story and printed records -------------------------------------------------------

    def case_story(self, case_id: str):
        """A case's oversight story (`familyservice_nb.story.CaseStory`): its supervisions in order, every
        agreed action's trail, each child's entries, key dates, significant adults and PBR outcomes.
        NotAllowed when this user may not open the case."""
        from .story_queries import case_story

        with self.reading() as conn:
            viewer = self.viewer(conn)
            story = case_story(conn, viewer, case_id)
        self._enter_read("read story", "case", story.case_id, None, viewer)
        return story

    def audit_export(self, entity: str, entity_id: str | int, fmt: str, version: int | None = None) -> None:
        """Enter a PDF or Word export of a record (`entity` 'record') or of a case's story ('case') in the audit
        trail: who, what, when. Called by whatever saves the document."""
        action = trail.EXPORT_ACTIONS.get(str(fmt).lower().lstrip("."))
        if action is None or entity not in ("record", "case"):
            raise WorkbookError(f"The audit trail enters exports of records and stories as PDF or Word, not "
                                f"{entity} as '{fmt}'.")
        self._enter_read(action, entity, entity_id, version)

    def _enter_read(self, action: str, entity: str, entity_id: str | int, version: int | None,
                    viewer: Viewer | None = None) -> None:
        """Enter a read or an export in a small transaction of its own (a read stays a read until then); the same
        read by this store again within READ_AGAIN_SECONDS is entered once."""
        key = (action, entity, str(entity_id), version)
        now = time.monotonic()
        if action in ("read", "read story") and now - self._reads.get(key, -READ_AGAIN_SECONDS) < READ_AGAIN_SECONDS:
            return
        with self.writing() as conn:
            viewer = viewer or self.viewer(conn)
            trail.read(conn, actor=viewer.actor, action=action, entity=entity, entity_id=str(entity_id),
                       version=version)
        self._reads[key] = now

    def printable(self, record_id: str | int, version: int | None = None):
        """A completed record with its footer facts (record id, version, author, meeting and entered dates),
        for `familyservice_nb.documents`; a draft is refused in plain words."""
        from .story_queries import printable

        with self.reading() as conn:
            return printable(conn, self.viewer(conn), record_id, version)

    def completed_record_ids(self) -> list[str]:
        """Every record this user may see that has a completed version, oldest event first."""
        from .story_queries import completed_record_ids

        with self.reading() as conn:
            return completed_record_ids(conn, self.viewer(conn))

    # -- looking after the database --------------------------------------------------------------

    def check(self) -> check_module.CheckReport:
        """Integrity and foreign-key checks, then counts of everything kept."""
        return check_module.check(self.url)

    def backup(self, destination: str | Path | None = None) -> Path:
        """A consistent copy of the database, taken while others may be writing."""
        return backup_module.backup(self.url, destination)
