"""`db check`: is the database intact, and what does it hold?

It opens the database directly, not through `Store`, so it works on a database that needs an upgrade,
and it never creates anything. SQLite runs its own integrity and foreign-key checks; on PostgreSQL every
foreign key is checked by query. Then the workbook's own rules, then the counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, func, inspect, select

from ..records.lifecycle import RecordState
from . import migrate
from .engine import make_engine, sqlite_path
from .schema import COUNTED_TABLES, ImportState, imports, metadata, notes, record_versions, records

LABELS = {
    "teams": "teams", "staff": "staff", "cases": "cases", "children": "children", "records": "records",
    "record_versions": "record versions", "notes": "notes (distinct)", "imports": "imports",
    "import_rejects": "rejected rows kept", "audit": "audit trail entries",
}


@dataclass
class CheckReport:
    """What `db check` found. `intact` is False when any problem was found."""

    database: str
    revision: str | None = None
    problems: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    records_by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"Database: {self.database} (schema revision {self.revision or 'none'})"]
        out += [f"Problem: {p}" for p in self.problems]
        out.append("Intact: integrity and foreign-key checks passed." if self.intact else "NOT INTACT.")
        out += [f"Note: {r}" for r in self.remarks]
        if self.counts:
            out.append("Counts:")
            out += [f"  {LABELS.get(k, k):<22} {v:>10,}" for k, v in self.counts.items()]
        if self.records_by_kind:
            out.append("Records by kind (completed / drafts):")
            for kind, states in sorted(self.records_by_kind.items()):
                out.append(
                    f"  {kind.replace('_', ' '):<22} {states.get(RecordState.COMPLETE, 0):>10,} / {states.get(RecordState.DRAFT, 0):,}"
                )
        return out


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def check(url: str) -> CheckReport:
    path = None
    engine = make_engine(url)
    try:
        report = CheckReport(database=_shown(engine))
        path = sqlite_path(engine)
        if path is not None and not path.exists():
            report.problems.append(f"There is no database file at {path}.")
            return report
        report.revision = migrate.current_revision(engine)
        if report.revision is None:
            report.problems.append("This is not a workbook database (it has no schema revision).")
            return report
        head = migrate.head_revision()
        if report.revision != head:
            report.remarks.append(
                f"The schema is at revision {report.revision}; this workbook's is {head}. "
                "Run `familyservice-nb db upgrade`."
            )
        with engine.connect() as conn, conn.begin():
            if engine.dialect.name == "sqlite":
                _sqlite_checks(conn, report)
            else:
                _foreign_key_checks(conn, report)
            if report.revision == head:
                _workbook_checks(conn, report)
            _counts(conn, report)
        return report
    finally:
        engine.dispose()


def _sqlite_checks(conn, report: CheckReport) -> None:
    found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
    if found != ["ok"]:
        report.problems += [f"SQLite integrity check: {f}" for f in found[:20]]
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    for table, rowid, parent, _ in broken[:20]:
        report.problems.append(f"Row {rowid} of {table} refers to a missing row of {parent}.")
    if len(broken) > 20:
        report.problems.append(f"... and {len(broken) - 20} more rows refer to missing rows.")


def _foreign_key_checks(conn, report: CheckReport) -> None:
    """Every foreign key, checked by query (PostgreSQL enforces them, but a restore may not have)."""
    present = set(inspect(conn).get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in present:
            continue
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table.alias("parent")  # an alias: a table may refer to itself
            child_cols = [e.parent for e in fk.elements]
            join = and_(*(e.parent == parent.c[e.column.name] for e in fk.elements))
            orphans = conn.execute(
                select(func.count())
                .select_from(table.outerjoin(parent, join))
                .where(and_(*(c.isnot(None) for c in child_cols)))
                .where(parent.c[fk.elements[0].column.name].is_(None))
            ).scalar_one()
            if orphans:
                report.problems.append(
                    f"{orphans:,} rows of {table.name} refer to missing rows of {fk.referred_table.name}."
                )


def _workbook_checks(conn, report: CheckReport) -> None:
    """The workbook's own rules: versions complete and in order, import counts adding up."""
    versions = (
        select(
            record_versions.c.record_id,
            func.count().label("n"),
            func.max(record_versions.c.version).label("top"),
        )
        .group_by(record_versions.c.record_id)
        .subquery()
    )
    bad = conn.execute(
        select(records.c.record_id)
        .outerjoin(versions, versions.c.record_id == records.c.record_id)
        .where(
            (versions.c.n.is_(None))
            | (versions.c.n != records.c.current_version)
            | (versions.c.top != records.c.current_version)
        )
    ).scalars().all()
    if bad:
        report.problems.append(f"{len(bad)} records have versions missing or out of order (first: {bad[0]}).")
    mismatched = conn.execute(
        select(func.count())
        .select_from(records.join(record_versions, and_(
            record_versions.c.record_id == records.c.record_id,
            record_versions.c.version == records.c.current_version,
        )))
        .where(record_versions.c.state != records.c.state)
    ).scalar_one()
    if mismatched:
        report.problems.append(f"{mismatched} records disagree with their newest version about being completed.")
    unreadable = 0
    for (payload,) in conn.execute(select(record_versions.c.payload)).yield_per(2000):
        try:
            json.loads(payload)
        except ValueError:
            unreadable += 1
    if unreadable:
        report.problems.append(f"{unreadable} record versions hold text that is not a record.")
    total = (
        imports.c.notes_new + imports.c.notes_updated + imports.c.notes_unchanged + imports.c.notes_older
        + imports.c.rows_rejected
    )
    uneven = conn.execute(
        select(imports.c.import_id).where(imports.c.state == ImportState.COMPLETE, total != imports.c.rows_in)
    ).scalars().all()
    if uneven:
        report.problems.append(f"The counts of imports {', '.join(map(str, uneven))} do not add up to their rows.")
    running = conn.execute(
        select(imports.c.import_id, imports.c.file_name, imports.c.started_at).where(imports.c.state == ImportState.RUNNING)
    ).all()
    for import_id, name, started in running:
        report.remarks.append(
            f"Import {import_id} of {name} (started {started:%d/%m/%Y %H:%M}) did not finish, or is still running. "
            "The notes it loaded are kept; import the file again to complete it."
        )
    newer = conn.execute(
        select(func.count()).select_from(notes).where(notes.c.first_import_id > notes.c.last_import_id)
    ).scalar_one()
    if newer:
        report.problems.append(f"{newer} notes say they were last changed before they were first loaded.")


def _counts(conn, report: CheckReport) -> None:
    present = set(inspect(conn).get_table_names())
    for table in COUNTED_TABLES:
        if table.name in present:
            report.counts[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if "notes" in present:
        report.counts["notes"] = conn.execute(select(func.count(notes.c.note_id.distinct()))).scalar_one()
    for kind, state, n in conn.execute(
        select(records.c.kind, records.c.state, func.count()).group_by(records.c.kind, records.c.state)
    ):
        report.records_by_kind.setdefault(kind, {})[state] = n
