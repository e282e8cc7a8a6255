"""The database commands of `familyservice-nb` (cli.py parses the arguments and calls these).

Each takes the argparse Namespace and returns the exit code; a WorkbookError's message is printed by
cli.main as one plain line (exit 2).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sqlalchemy.engine import make_url

from ..errors import UnreadableRecord, WorkbookError
from .api import Store

EXIT_OK, EXIT_NOT_INTACT = 0, 1


def _say(text: str) -> None:
    print(text, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    from ..export import write_csv
    from ..rejects import explained, problem_lines

    with Store(args.db) as store:
        summary = store.import_extract(args.extract, mapping=args.mapping, as_of=args.as_of)
    for sentence in summary.sentences():
        _say(sentence)
    for line in problem_lines(summary.rejects):
        _say(line)
    if args.rejects:
        write_csv(explained(summary.rejects), args.rejects)
        if summary.rejected:
            _say(f"Rejected rows, with the reason for each and what to do, written to {args.rejects}.")
    elif summary.rejected:
        _say("The rejected rows are kept with the import; add --rejects FILE to write them out.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo_data import fill_demo

    with Store(args.db) as store:
        added = fill_demo(store, seed=args.seed, notes=getattr(args, "rows", 5000) or 5000)
        where = make_url(store.url).render_as_string(hide_password=True)
    _say(
        f"Demo data written to {where}: {added['staff']} staff, {added['cases']} cases with "
        f"{added['children']} children, {added['notes']:,} notes and {added['supervisions']} supervision records."
    )
    return EXIT_OK


def _counts(kind: str, counts: dict[str, int]) -> str:
    return f"{kind}: {counts['new']} added, {counts['updated']} updated, {counts['unchanged']} unchanged."


def cmd_staff_import(args: argparse.Namespace) -> int:
    with Store(args.db) as store:
        _say(_counts("Staff", store.import_staff(args.file)))
    return EXIT_OK


def cmd_cases_import(args: argparse.Namespace) -> int:
    with Store(args.db) as store:
        _say(_counts("Cases", store.import_cases(args.file)))
    return EXIT_OK


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    store = Store(args.db)
    before = store.revision()
    after = store.upgrade()
    if before == after:
        _say(f"The database is already up to date (revision {after}).")
    else:
        _say(f"The database was brought up to date: revision {before or 'none'} to {after}.")
    return EXIT_OK


def cmd_db_check(args: argparse.Namespace) -> int:
    report = Store(args.db).check()
    for line in report.lines():
        _say(line)
    return EXIT_OK if report.intact else EXIT_NOT_INTACT


def cmd_db_backup(args: argparse.Namespace) -> int:
    path = Store(args.db).backup(getattr(args, "destination", None))
    _say(f"A consistent copy of the database was written to {path}.")
    return EXIT_OK


def cmd_db_provisioner(args: argparse.Namespace) -> int:
    """For a hub that is not started by `familyservice-nb hub` (Kubernetes: deploy/values.yaml): with the
    owner's credential, refresh the provisioning login and write its address, readable by its owner alone,
    for the hub to read from FSNB_HUB_PROVISIONER_FILE. The hub then holds no owner's credential."""
    from .db_logins import prepare_provisioner

    url = prepare_provisioner(Store(args.db).url)
    out = Path(args.out)
    out.unlink(missing_ok=True)
    with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
        f.write(url)
    _say(f"The provisioning login was refreshed; its address is in {out} (readable by you alone). Give it to the hub "
         "as FSNB_HUB_PROVISIONER_FILE; a new one replaces it.")
    return EXIT_OK


# -- export: printed records and a case's story -----------------------------------------------------


def _format(args: argparse.Namespace) -> str:
    from ..documents import format_of

    if args.format:
        return args.format
    if args.out:
        return format_of(args.out)
    raise WorkbookError("Say which kind of file to make: add --pdf or --docx.")


def _safe_name(text: str) -> str:
    """A file name part from an id (a case id is user text: no folders, no odd characters)."""
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "record"


def cmd_export_record(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from ..documents import write_record

    fmt = _format(args)
    with Store(args.db) as store:
        ids = list(args.record_ids)
        if args.all_completed:
            if ids:
                raise WorkbookError("Give record ids or --all-completed, not both.")
            ids = store.completed_record_ids()
            if not ids:
                raise WorkbookError("There are no completed records you may see.")
        if not ids:
            raise WorkbookError("Say which record to export: give its id, or --all-completed.")
        if args.out and len(ids) > 1:
            raise WorkbookError("--out names one file; for several records use --out-dir FOLDER.")
        printed, left_out = [], []
        for record_id in ids:  # every refusal before any file is written
            try:
                printed.append(store.printable(record_id))
            except UnreadableRecord as unreadable:
                if not args.all_completed:  # a record asked for by its number is refused
                    raise
                left_out.append(unreadable)  # one of all: the others are saved, and it is named
        folder = Path(args.out_dir or ".")
        written = []
        for item in tqdm(printed, desc="Saving records", unit="record", disable=None if len(printed) > 20 else True):
            path = Path(args.out) if args.out else folder / f"record-{item.record_id}-v{item.version}.{fmt}"
            written.append(write_record(item, path, fmt))
            store.audit_export("record", item.record_id, fmt, item.version)
    if len(written) == 1 and not left_out:
        _say(f"Record {printed[0].record_id} (version {printed[0].version}) was saved to {written[0]}.")
    else:
        _say(f"{len(written):,} records were saved in {folder}.")
    for unreadable in left_out:
        _say(str(unreadable))
    return EXIT_OK


def cmd_export_case(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..documents import write_story

    fmt = _format(args)
    with Store(args.db) as store:
        story = store.case_story(args.case_id)
        viewer = store.viewer()
        path = Path(args.out) if args.out else Path(f"case-{_safe_name(args.case_id)}-story.{fmt}")
        write_story(story, path, fmt, produced_by=viewer.name or viewer.actor)
        store.audit_export("case", story.case_id, fmt)
    _say(f"The oversight story of case {story.case_id} ({len(story.supervisions)} supervisions, "
         f"{len(story.actions)} agreed actions) was saved to {path}.")
    return EXIT_OK
