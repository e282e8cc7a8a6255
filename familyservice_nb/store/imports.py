"""Loading Mosaic extracts into the store (reading them back is `notes.py`).

DESIGN.md: `import` - validates and loads an extract, remembering its date (as-of); a note seen again is
updated when its recorded time or status changed (earlier values kept in the audit trail) and never
added twice.

Notes go in batches, each its own transaction: a killed import leaves every finished batch in place and
the database consistent, and importing the file again completes it (the notes already in are counted
as unchanged). Within a batch the work is done on whole columns; new notes go in with one executemany
(SQLite) or COPY through a temporary table (PostgreSQL). Writers take turns per batch (SQLite's write lock, a PostgreSQL advisory
lock), so notes counted as new really were new, however many imports run at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import ARRAY, Connection, any_, bindparam, insert, select, text, update

from ..dates import parse_uk_date, today_in_london
from ..errors import WorkbookError
from ..extract import REJECT_COLUMNS
from ..rejects import VALUE_TOO_LONG
from ..vocab import EXTRACT_COLUMNS, UK_DATE, WORKER_ID
from . import audit
from .access import LOADS_DATA, Viewer
from .schema import ID_LENGTH, NAME_LENGTH, ImportState, import_rejects, imports, notes, staff

BATCH_SIZE = 5_000
PROGRESS_FROM = 20_000  # imports of at least this many notes show a progress bar
IMPORT_LOCK = 7_246_002  # PostgreSQL advisory lock taken by each batch
TRACKED = ("recorded_at", "status")  # a stored note is updated only when one of these changed
AUDITED = ("case_id", "worker", "team", "note_type", "event_date", "recorded_at", "risk_identified", "status")
TEXT_COLUMNS = ("case_id", "worker", "team", "note_type", "status")
STORED = (
    "note_id", "case_id", "worker", "team", "note_type", "event_date", "recorded_at", "risk_identified", "status",
    "extra", "source_row", "worker_staff_id", "as_of", "first_import_id", "last_import_id",
)
NAMES_SHOWN = 5  # shared names listed one by one in an import's notes, then "and N more"
DATE_TEXT, TIME_TEXT = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f"  # as SQLAlchemy keeps them in SQLite


@dataclass
class ImportSummary:
    """What one import did. rows_in = new + updated + unchanged + older + rejected."""

    import_id: int
    file_name: str
    as_of: dt.date
    rows_in: int
    new: int
    updated: int
    unchanged: int
    older: int
    rejected: int
    warnings: list[str] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)

    def sentences(self) -> list[str]:
        said = [
            f"Read {self.rows_in:,} rows from {self.file_name} (as of {self.as_of.strftime(UK_DATE)}): "
            f"{self.new:,} new notes, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.rejected:,} rejected."
        ]
        if self.older:
            said.append(
                f"{self.older:,} notes were left as they are: the database holds them from a later extract."
            )
        return said + [f"Note: {w}" for w in self.warnings]


# -- preparing a batch ----------------------------------------------------------------------------


def _text(values: pd.Series) -> pd.Series:
    out = values.astype(object)
    return out.where(out.notna(), None)


def _day_text(values: pd.Series) -> pd.Series:
    return _text(pd.to_datetime(values).dt.strftime(DATE_TEXT))


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The extract's notes as the notes table's columns (passthrough columns as JSON in `extra`)."""
    out = pd.DataFrame(index=frame.index)
    out["note_id"] = frame["note_id"].astype(str).astype(object)
    for name in TEXT_COLUMNS:
        out[name] = _text(frame[name]) if name in frame else None
    out["event_date"] = pd.to_datetime(frame["event_date"]).dt.normalize().astype("datetime64[us]")
    recorded = frame["recorded_at"] if "recorded_at" in frame else pd.Series(pd.NaT, index=frame.index)
    out["recorded_at"] = pd.to_datetime(recorded).astype("datetime64[us]")
    risk = frame["risk_identified"] if "risk_identified" in frame else pd.Series(False, index=frame.index)
    out["risk_identified"] = risk.fillna(False).astype(bool)
    rows = frame["row_number"] if "row_number" in frame else pd.Series(None, index=frame.index)
    out["source_row"] = _text(rows.astype("Int64"))
    passthrough = [c for c in frame.columns if c not in EXTRACT_COLUMNS and c not in REJECT_COLUMNS]
    out["extra"] = _json_lines(frame[passthrough]) if passthrough else None
    out["worker_staff_id"] = None  # `owners` fills it in from the staff list
    return out.reset_index(drop=True)


# -- who wrote each note ----------------------------------------------------------------------------


def owners(conn: Connection, frame: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Each note's author on the staff list (staff_id, or None), and plain sentences on the notes left
    without one. By the extract's worker_id (a login, any case) when it has one; else by the worker's
    name when exactly one person on the staff list has it. A name two people share is never guessed."""
    rows = conn.execute(select(staff.c.staff_id, staff.c.login, staff.c.name)).all()
    by_login = {r.login.casefold(): r.staff_id for r in rows}
    people = pd.DataFrame(rows, columns=["staff_id", "login", "name"])
    sharing = people.groupby("name")["staff_id"].count() if len(people) else pd.Series(dtype=int)
    by_name = people[people["name"].map(sharing) == 1].set_index("name")["staff_id"] if len(people) else {}
    names = frame["worker"].astype(object) if "worker" in frame else pd.Series(None, index=frame.index, dtype=object)
    found = names.map(by_name).astype(object)
    said: list[str] = []
    if WORKER_ID in frame:
        logins = frame[WORKER_ID].astype(object)
        given = logins.notna().to_numpy()
        from_login = logins[given].map(lambda v: by_login.get(str(v).casefold()))
        found[given] = from_login
        unknown = logins[given][from_login.isna().to_numpy()]
        if len(unknown):
            shown = ", ".join(f"'{v}'" for v in unknown.drop_duplicates().head(3))
            said.append(f"{len(unknown):,} notes give a worker_id that is not a login on the staff list ({shown}); "
                        "they are kept, on their cases, but belong to nobody's own list until the staff list has them.")
        named = ~given
    else:
        named = np.ones(len(frame), dtype=bool)
    shared = names[named & names.isin(sharing[sharing > 1].index).to_numpy()]
    counts = shared.value_counts()
    for name, n in counts.head(NAMES_SHOWN).items():
        said.append(
            f"{n:,} notes name the worker '{name}', and {int(sharing[name])} people on the staff list have that "
            "name, so the workbook cannot tell whose they are: they are kept, on their cases, but belong to nobody's "
            "own list. Add a worker_id column (the worker's login) to the extract to say whose each note is."
        )
    if len(counts) > NAMES_SHOWN:
        said.append(f"Notes naming {len(counts) - NAMES_SHOWN:,} more names that people share were left the same way.")
    return found.where(found.notna(), None), said


def _json_lines(frame: pd.DataFrame) -> pd.Series:
    """Each row as JSON text, written by pandas in one pass (no loop over rows here)."""
    if frame.empty:
        return pd.Series([], dtype=object)
    lines = frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    return pd.Series(lines.rstrip("\n").split("\n"), index=frame.index, dtype=object)


def frame_of(rows: list, columns: list[str]) -> pd.DataFrame:
    """Rows from a query as a DataFrame, built column by column (much faster than row objects)."""
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(columns, values, strict=True)})


def _stored(conn: Connection, ids: list[str], columns: list[str]) -> pd.DataFrame:
    if conn.dialect.name == "postgresql":  # one array parameter, not thousands of placeholders
        wanted = notes.c.note_id == any_(bindparam("ids", type_=ARRAY(notes.c.note_id.type)))
    else:
        wanted = notes.c.note_id.in_(bindparam("ids", expanding=True))
    rows = conn.execute(select(*(notes.c[c] for c in ["note_id", *columns])).where(wanted), {"ids": ids}).all()
    found = frame_of(rows, ["note_id", *columns])
    for name in ("recorded_at", "event_date", "as_of"):
        if name in found:
            found[name] = pd.to_datetime(found[name]).astype("datetime64[us]")
    return found


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise 'not the same value', where two missing values are the same."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    both = ~a_na & ~b_na
    values_differ = np.zeros(len(a), dtype=bool)
    values_differ[both] = (a[both].astype(object).to_numpy() != b[both].astype(object).to_numpy())
    return (a_na != b_na) | values_differ


# -- writing a batch ------------------------------------------------------------------------------


def _rows(batch: pd.DataFrame, as_of: dt.date, import_id: int) -> list[tuple]:
    """Insert rows as plain values, dates as text, in the order of STORED."""
    cols = [
        batch["note_id"], *(batch[c] for c in ("case_id", "worker", "team", "note_type")),
        _day_text(batch["event_date"]),
        _text(batch["recorded_at"].dt.strftime(TIME_TEXT)),
        batch["risk_identified"].astype(object),
        batch["status"], batch["extra"], batch["source_row"], batch["worker_staff_id"],
    ]
    n = len(batch)
    constant = [as_of.strftime(DATE_TEXT), import_id, import_id]
    return list(zip(*(c.tolist() for c in cols), *([v] * n for v in constant), strict=True))


def _insert_new(conn: Connection, rows: list[tuple]) -> None:
    if not rows:
        return
    names = ", ".join(STORED)
    if conn.dialect.name == "postgresql":
        # PostgreSQL refuses COPY into a table under row-level security (migration 0004): the rows are
        # copied into a temporary table first, then moved across in one INSERT, which the policy checks.
        driver = conn.connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS fsnb_new_notes (LIKE notes) ON COMMIT DROP"
            )
            with cursor.copy(f"COPY fsnb_new_notes ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO notes ({names}) SELECT {names} FROM fsnb_new_notes")
            cursor.execute("TRUNCATE fsnb_new_notes")
    else:
        marks = ", ".join("?" * len(STORED))
        conn.exec_driver_sql(f"INSERT INTO notes ({names}) VALUES ({marks})", rows)


def _python(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _update_changed(conn: Connection, changed: pd.DataFrame, as_of: dt.date, import_id: int, actor: str) -> None:
    if changed.empty:
        return
    fields = list(AUDITED)
    params = []
    for row in changed.to_dict("records"):
        p = {f"v_{f}": _python(row[f]) for f in fields}
        p["v_event_date"] = p["v_event_date"].date()
        p |= {"v_extra": row["extra"], "v_source_row": _python(row["source_row"]), "b_note_id": row["note_id"],
              "v_worker_staff_id": _python(row["worker_staff_id"])}
        params.append(p)
    values = {f: bindparam(f"v_{f}") for f in (*fields, "extra", "source_row", "worker_staff_id")}
    conn.execute(
        update(notes)
        .where(notes.c.note_id == bindparam("b_note_id"))
        .values(**values, as_of=as_of, last_import_id=import_id),
        params,
    )
    entries = []
    for row in changed.to_dict("records"):
        changes = {}
        for f in fields:
            old, new = _python(row[f"{f}_old"]), _python(row[f])
            if f in ("event_date",):
                old, new = old and old.date(), new and new.date()
            if old != new:
                changes[f] = {"old": _jsonable(old), "new": _jsonable(new)}
        entries.append(
            {"actor": actor, "action": "import update", "entity": "note", "entity_id": row["note_id"],
             "changes": changes, "reason": f"import {import_id}"}
        )
    audit.record_many(conn, entries)


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_batch(conn: Connection, batch: pd.DataFrame, as_of: dt.date, import_id: int, actor: str) -> dict[str, int]:
    """One batch in the caller's write transaction; returns its counts."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})
    # First only what decides new / changed / unchanged; the rest only for the notes that changed.
    stored = _stored(conn, batch["note_id"].tolist(), [*TRACKED, "as_of"])
    stored = stored.rename(columns=lambda c: c if c == "note_id" else f"{c}_old")
    merged = batch.merge(stored, on="note_id", how="left", indicator=True)
    is_new = (merged["_merge"] == "left_only").to_numpy()
    changed = np.zeros(len(merged), dtype=bool)
    for name in TRACKED:
        changed |= _differs(merged[name], merged[f"{name}_old"])
    changed &= ~is_new
    older = changed & (merged["as_of_old"] > pd.Timestamp(as_of)).to_numpy()
    updated = changed & ~older
    if updated.any():
        rest = [c for c in AUDITED if c not in TRACKED]
        before = _stored(conn, merged.loc[updated, "note_id"].tolist(), rest)
        before = before.rename(columns=lambda c: c if c == "note_id" else f"{c}_old")
        changed_rows = merged[updated].merge(before, on="note_id", how="left")
    else:
        changed_rows = merged.iloc[0:0]
    _insert_new(conn, _rows(merged[is_new], as_of, import_id))
    _update_changed(conn, changed_rows, as_of, import_id, actor)
    counts = {
        "notes_new": int(is_new.sum()),
        "notes_updated": int(updated.sum()),
        "notes_older": int(older.sum()),
        "notes_unchanged": int((~is_new & ~changed).sum()),
    }
    conn.execute(
        update(imports)
        .where(imports.c.import_id == import_id)
        .values(**{k: imports.c[k] + v for k, v in counts.items()})
    )
    return counts


# -- the import -----------------------------------------------------------------------------------


LIMITS = (
    ("note_id", ID_LENGTH, "The note ID"), ("case_id", ID_LENGTH, "The case ID"),
    ("worker", NAME_LENGTH, "The worker's name"), ("team", NAME_LENGTH, "The team's name"),
)


def _lengths(values: pd.Series) -> np.ndarray:
    """Characters in each value (0 when missing), a category's values measured once each."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        sizes = values.cat.categories.astype(str).str.len().to_numpy()
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, sizes[np.maximum(codes, 0)] if len(sizes) else 0, 0)
    return values.astype("str").str.len().fillna(0).to_numpy()


def split_too_long(notes_in: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(notes the store can keep, rejects for the rest): ids and names too long to index are refused
    (`rejects.VALUE_TOO_LONG`)."""
    reasons = pd.Series("", index=notes_in.index, dtype=object)
    for name, limit, what in LIMITS:
        if name in notes_in:
            long = _lengths(notes_in[name]) > limit
            reasons[long & (reasons == "").to_numpy()] = VALUE_TOO_LONG.reasons(1, what=what, limit=limit)[0]
    refused = (reasons != "").to_numpy()
    if not refused.any():
        return notes_in, notes_in.iloc[0:0]
    rejects = notes_in[refused].astype(object).assign(reason=reasons[refused], reason_code=VALUE_TOO_LONG.code)
    return notes_in[~refused], rejects


def start(conn: Connection, viewer: Viewer, file_name: str, as_of: dt.date, result) -> int:
    """Remember the import (running) and its rejected rows; returns its id."""
    import_id = conn.execute(
        insert(imports).values(
            file_name=file_name, as_of=as_of, state=ImportState.RUNNING, started_at=audit.utcnow(),
            imported_by=viewer.actor, rows_in=int(result.rows_in), notes_new=0, notes_updated=0,
            notes_unchanged=0, notes_older=0, rows_rejected=len(result.rejects),
            warnings=audit.dumps(list(result.warnings)),
        ).returning(imports.c.import_id)
    ).scalar_one()
    rejects = result.rejects
    if len(rejects):
        original = [c for c in rejects.columns if c not in REJECT_COLUMNS]
        values = _json_lines(rejects[original].astype(object)) if original else pd.Series("{}", index=rejects.index)
        numbers = rejects["row_number"] if "row_number" in rejects else pd.Series(None, index=rejects.index)
        conn.execute(
            insert(import_rejects),
            [
                {"import_id": import_id, "row_number": _python(n), "reason": str(r), "row_values": v}
                for n, r, v in zip(numbers.astype(object), rejects.get("reason", ""), values, strict=True)
            ],
        )
    return import_id


def finish(conn: Connection, viewer: Viewer, import_id: int) -> dict:
    conn.execute(
        update(imports).where(imports.c.import_id == import_id).values(state=ImportState.COMPLETE, finished_at=audit.utcnow())
    )
    row = conn.execute(select(imports).where(imports.c.import_id == import_id)).mappings().one()
    counted = ("rows_in", "notes_new", "notes_updated", "notes_unchanged", "notes_older", "rows_rejected")
    audit.record(
        conn, actor=viewer.actor, action="import", entity="import", entity_id=str(import_id),
        changes={k: {"old": None, "new": row[k]} for k in counted}, reason=row["file_name"],
    )
    return dict(row)


def run_import(store, path, mapping=None, as_of=None, batch_size: int = BATCH_SIZE, progress=None) -> ImportSummary:
    """Read, check and load an extract (see the module's docstring)."""
    from tqdm.auto import tqdm

    from ..extract import read_extract

    viewer = store.viewer()
    viewer.require(LOADS_DATA, "load an extract into the workbook")
    as_of = _as_date(as_of) or today_in_london()
    result = read_extract(path, mapping=mapping, progress=progress)
    kept, refused = split_too_long(result.notes)
    if len(refused):
        rejects = pd.concat([result.rejects.astype(object), refused], ignore_index=True)
        result.rejects = rejects.sort_values("row_number", kind="stable").reset_index(drop=True)
    file_name = Path(str(path)).name
    frame = prepare(kept)
    with store.reading() as conn:
        frame["worker_staff_id"], unowned = owners(conn, kept.reset_index(drop=True))
    result.warnings = [*result.warnings, *unowned]
    with store.writing() as conn:
        import_id = start(conn, viewer, file_name, as_of, result)
    # progress None: a bar for long imports, on a terminal only; True or False: always or never.
    hide = (None if len(frame) >= PROGRESS_FROM else True) if progress is None else not progress
    with tqdm(total=len(frame), unit=" notes", desc=f"Importing {file_name}", disable=hide, leave=False) as bar:
        for first in range(0, len(frame), batch_size):
            batch = frame.iloc[first:first + batch_size]
            with store.writing() as conn:
                write_batch(conn, batch, as_of, import_id, viewer.actor)
            bar.update(len(batch))
    with store.writing() as conn:
        row = finish(conn, viewer, import_id)
    return ImportSummary(
        import_id=import_id, file_name=file_name, as_of=as_of, rows_in=row["rows_in"], new=row["notes_new"],
        updated=row["notes_updated"], unchanged=row["notes_unchanged"], older=row["notes_older"],
        rejected=row["rows_rejected"], warnings=list(result.warnings), rejects=result.rejects,
    )


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_uk_date(value, field="The as-of date")
    except ValueError as exc:
        raise WorkbookError(str(exc)) from None
