"""The stored notes read back: in read_extract's shape, filtered by who-sees-what.

`notes_frame` gives what `assess_timeliness` takes, with the latest extract's as-of date in
`.attrs["as_of"]`, so figures from stored notes are taken at the date of the extract, as DESIGN.md asks.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
from sqlalchemy import Connection, func, select

from ..vocab import EXTRACT_COLUMNS
from .access import (
    LOADS_DATA,
    NotAllowed,
    NotFound,
    Viewer,
    figures_note_filter,
    note_filter,
    team_notes_filter,
)
from .imports import frame_of
from .schema import import_rejects, imports, notes

CATEGORY_COLUMNS = ("worker", "team", "note_type", "status")  # as read_extract gives them


def latest_as_of(conn: Connection) -> dt.date | None:
    return conn.execute(select(func.max(imports.c.as_of))).scalar_one_or_none()


def any_notes(conn: Connection) -> bool:
    return conn.execute(select(notes.c.note_id).limit(1)).first() is not None


def notes_frame(conn: Connection, viewer: Viewer, case_id: str | None = None, figures: bool = False) -> pd.DataFrame:
    """The stored notes in read_extract's shape; `.attrs["as_of"]` is the latest extract's date.

    `figures=True`: the notes that count in the viewer's own timeliness figures (`figures_note_filter`),
    not every note they may open (a practitioner may open a colleague's note on their case, but is not
    shown that colleague's timeliness)."""
    columns = [*EXTRACT_COLUMNS, "extra", "source_row"]
    where = figures_note_filter(viewer) if figures else note_filter(viewer)
    query = select(*(notes.c[c] for c in columns)).where(where).order_by(notes.c.note_id)
    if case_id is not None:
        query = query.where(notes.c.case_id == case_id)
    raw = frame_of(conn.execute(query).all(), columns)
    out = pd.DataFrame(index=raw.index)
    for name in EXTRACT_COLUMNS:
        if name in ("event_date", "recorded_at"):
            out[name] = pd.to_datetime(raw[name]).astype("datetime64[us]")
        elif name == "risk_identified":
            out[name] = raw[name].astype(bool)
        elif name in CATEGORY_COLUMNS:
            out[name] = raw[name].astype("category")
        else:
            out[name] = raw[name].astype("str")
    extra = raw["extra"].dropna()
    if len(extra):
        passed = pd.read_json(io.StringIO("\n".join(extra)), lines=True, dtype=False)
        passed.index = extra.index
        for name in passed.columns:
            if name not in out:
                out[name] = passed[name].reindex(out.index)
    rows_read = raw["source_row"].astype("Int64")
    out["row_number"] = rows_read.astype("int64") if rows_read.notna().all() else rows_read
    out.attrs["as_of"] = latest_as_of(conn)
    return out


def team_notes_frame(conn: Connection, viewer: Viewer) -> pd.DataFrame:
    """The viewer's teams' notes for their totals: the team and what timeliness needs, and no worker."""
    columns = ["note_id", "team", "event_date", "recorded_at", "risk_identified", "status"]
    raw = frame_of(conn.execute(select(*(notes.c[c] for c in columns)).where(team_notes_filter(viewer))).all(),
                   columns)
    out = raw.assign(
        event_date=pd.to_datetime(raw["event_date"]).astype("datetime64[us]"),
        recorded_at=pd.to_datetime(raw["recorded_at"]).astype("datetime64[us]"),
        risk_identified=raw["risk_identified"].astype(bool),
    )
    out.attrs["as_of"] = latest_as_of(conn)
    return out


def check_note(conn: Connection, viewer: Viewer, note_id: str) -> None:
    """Refuse plainly when the note does not exist or the viewer may not see it."""
    found = conn.execute(
        select(notes.c.note_id, note_filter(viewer).label("visible")).where(notes.c.note_id == note_id)
    ).first()
    if found is None:
        raise NotFound(f"There is no note {note_id} in the workbook.")
    if not found.visible:
        raise NotAllowed(f"You cannot see note {note_id}: it is not on a case allocated to you or your team.")


def imports_frame(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(select(imports).order_by(imports.c.import_id)).mappings().all()
    frame = pd.DataFrame([dict(r) for r in rows], columns=list(imports.c.keys()))
    frame["warnings"] = frame["warnings"].map(lambda w: json.loads(w) if w else [])
    return frame


def rejects_frame(conn: Connection, viewer: Viewer, import_id: int) -> pd.DataFrame:
    viewer.require(LOADS_DATA, "see the rows an import rejected")
    if conn.execute(select(imports.c.import_id).where(imports.c.import_id == import_id)).first() is None:
        raise NotFound(f"There is no import {import_id}.")
    rows = conn.execute(
        select(import_rejects.c.row_number, import_rejects.c.reason, import_rejects.c.row_values)
        .where(import_rejects.c.import_id == import_id)
        .order_by(import_rejects.c.reject_id)
    ).all()
    values = pd.DataFrame([json.loads(r.row_values) for r in rows])
    values["row_number"] = [r.row_number for r in rows]
    values["reason"] = [r.reason for r in rows]
    return values
