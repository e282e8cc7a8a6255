"""The `familyservice-nb` command (also `python -m familyservice_nb`).

Entry points stay thin: they parse arguments, call the package and print plain sentences.
Exit codes (DESIGN.md): 0 done (rejected rows do not fail a run unless --strict, then 1);
2 the input cannot be used at all, with one plain line on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import WorkbookError

EXIT_OK, EXIT_REJECTS, EXIT_UNUSABLE = 0, 1, 2


def _uk_date(text: str):
    from .dates import parse_uk_date

    try:
        return parse_uk_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: FSNB_DATABASE_URL or data/workbook.db)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="familyservice-nb",
        description="Family Service supervision workbook: recording timeliness, supervision records, dashboards.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("timeliness", help="work out recording timeliness for every note in an extract")
    p.add_argument("extract", help="the Mosaic running-record extract (CSV or XLSX)")
    p.add_argument("--out", required=True, help="where to write the notes with their timeliness (CSV)")
    p.add_argument("--rejects", help="where to write the rows that could not be used, with the reason (CSV)")
    p.add_argument("--mapping", help="a TOML file naming your extract's columns")
    p.add_argument("--as-of", type=_uk_date, help="the date the figures are taken at (default: today)")
    p.add_argument("--region", default="ENG", help="bank holidays of ENG (default), WLS, SCT or NIR")
    p.add_argument("--closures", help="a text file of council closure days, one YYYY-MM-DD a line")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row is rejected")
    p.set_defaults(func=cmd_timeliness)

    p = sub.add_parser("demo", help="write synthetic demo data (a database, or an extract with --csv)")
    _add_db(p)
    p.add_argument("--csv", metavar="PATH", help="write a synthetic extract to this CSV instead of a database")
    p.add_argument("--rows", type=int, default=5000, help="notes in the synthetic extract (default 5000)")
    p.add_argument("--seed", type=int, default=7, help="random seed, for the same data every time")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="start the app in the browser on 127.0.0.1")
    _add_db(p)
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--demo", action="store_true", help="fill an empty database with demo data first")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("hub", help="start a JupyterHub for the team: each person signs in as themselves")
    p.add_argument("--db", metavar="POSTGRES_URL",
                   help="the team's PostgreSQL database (default: FSNB_DATABASE_URL); SQLite is refused")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true",
                   help="demo staff who sign in with FSNB_DEMO_PASSWORD, on 127.0.0.1 only")
    p.add_argument("--ldap", metavar="CONFIG",
                   help="sign in through the council's directory (LDAP or Active Directory): a TOML file "
                        "(docs/team-operations.md: How sign-in is configured)")
    p.add_argument("--entra", metavar="CONFIG",
                   help="sign in through Microsoft Entra ID (Azure AD): a TOML file (docs/team-operations.md: How "
                        "sign-in is configured)")
    p.set_defaults(func=cmd_hub)

    p = sub.add_parser("import", help="load an extract into the database")
    p.add_argument("extract")
    _add_db(p)
    p.add_argument("--mapping")
    p.add_argument("--rejects")
    p.add_argument("--as-of", type=_uk_date, help="the date of the extract (default: today)")
    p.set_defaults(func=_store_command("cmd_import"))

    for kind in ("staff", "cases"):
        p = sub.add_parser(kind, help=f"{kind} records: `{kind} import FILE`")
        ksub = p.add_subparsers(dest="action", metavar="ACTION")
        ksub.required = True
        k = ksub.add_parser("import", help=f"load the council's {kind} from a CSV file")
        k.add_argument("file")
        _add_db(k)
        k.set_defaults(func=_store_command(f"cmd_{kind}_import"))

    p = sub.add_parser("export", help="a completed record, or a case's oversight story, as a PDF or Word file")
    esub = p.add_subparsers(dest="what", metavar="WHAT")
    esub.required = True
    e = esub.add_parser("record", help="completed records as tagged PDFs or Word files")
    e.add_argument("record_ids", nargs="*", metavar="ID", help="one or more record ids")
    e.add_argument("--all-completed", action="store_true", help="every completed record you may see")
    e.add_argument("--out-dir", help="the folder for several files (default: the current folder)")
    _add_export_options(e)
    e.set_defaults(func=_store_command("cmd_export_record"))
    e = esub.add_parser("case", help="a case's oversight story as a tagged PDF or a Word file")
    e.add_argument("case_id", metavar="CASE_ID")
    _add_export_options(e)
    e.set_defaults(func=_store_command("cmd_export_case"))

    p = sub.add_parser("db", help="database upgrade, check and backup")
    dsub = p.add_subparsers(dest="action", metavar="ACTION")
    dsub.required = True
    for action, text in (
        ("upgrade", "bring the database up to date (migrations)"),
        ("check", "check the database is intact and count its records"),
        ("backup", "write a consistent copy of the database"),
        ("provisioner", "(PostgreSQL) refresh the login a hub makes people's logins with; write its address to a file"),
    ):
        d = dsub.add_parser(action, help=text)
        _add_db(d)
        if action == "backup":
            d.add_argument("destination", nargs="?", help="the file to write (default: data/backups/...)")
        if action == "provisioner":
            d.add_argument("--out", required=True, help="the file to write it to (readable by you alone)")
        d.set_defaults(func=_store_command(f"cmd_db_{action}"))
    return parser


def _add_export_options(p: argparse.ArgumentParser) -> None:
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--pdf", dest="format", action="store_const", const="pdf", help="a tagged PDF (PDF/UA)")
    kind.add_argument("--docx", dest="format", action="store_const", const="docx", help="a Word document")
    p.add_argument("--out", help="the file to write (its ending, .pdf or .docx, can stand for --pdf or --docx)")
    _add_db(p)


def _store_command(name: str):
    def run(args: argparse.Namespace) -> int:
        from .store import commands

        return getattr(commands, name)(args)

    return run


def _say(text: str) -> None:
    print(text, flush=True)


def cmd_timeliness(args: argparse.Namespace) -> int:
    from .export import write_csv
    from .extract import read_extract
    from .rejects import explained, problem_lines
    from .timeliness import assess_timeliness, overall_timeliness
    from .vocab import UK_DATE
    from .working_days import WorkingCalendar

    if args.closures:
        try:
            calendar = WorkingCalendar.from_file(args.closures, region=args.region)
        except OSError:
            raise WorkbookError(f"The closures file '{args.closures}' cannot be opened.") from None
    else:
        calendar = WorkingCalendar(region=args.region)
    result = read_extract(args.extract, mapping=args.mapping)
    assessed = assess_timeliness(result.notes, calendar=calendar, as_of=args.as_of)
    write_csv(assessed, args.out)
    as_of = assessed.attrs["as_of"]
    _say(
        f"Read {result.rows_in:,} rows: {len(result.notes):,} notes accepted, {len(result.rejects):,} rejected."
    )
    for warning in result.warnings:
        _say(f"Note: {warning}")
    figures = overall_timeliness(assessed)
    pct = figures["pct_on_time"]
    pct_text = "no notes due yet" if pct != pct else f"{pct:.1f}% recorded on time"
    _say(f"As of {as_of.strftime(UK_DATE)}: {pct_text} ({figures['late']:,} late, {figures['overdue']:,} overdue).")
    _say(f"Written to {args.out}.")
    if len(result.rejects):
        for line in problem_lines(result.rejects):
            _say(line)
        if args.rejects:
            write_csv(explained(result.rejects), args.rejects)
            _say(f"Rejected rows, with the reason for each and what to do, written to {args.rejects}.")
        else:
            _say("Add --rejects FILE to see the rejected rows and why each was rejected.")
        if args.strict:
            return EXIT_REJECTS
    elif args.rejects:
        write_csv(explained(result.rejects), args.rejects)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.csv:
        from .demo import write_demo_extract

        if args.rows < 1:
            raise WorkbookError("--rows must be at least 1.")
        path = write_demo_extract(args.csv, rows=args.rows, seed=args.seed)
        _say(f"Wrote a synthetic extract of {args.rows:,} notes to {path}.")
        return EXIT_OK
    return _store_command("cmd_demo")(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve

    return serve(port=args.port, db=args.db, demo=args.demo)


def cmd_hub(args: argparse.Namespace) -> int:
    from .hub.launch import run_hub

    return run_hub(port=args.port, db=args.db, demo=args.demo, ldap=args.ldap, entra=args.entra)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except WorkbookError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a user never sees a traceback
        if os.environ.get("FSNB_DEBUG"):
            raise
        print(
            f"Something went wrong that the workbook did not expect ({type(exc).__name__}: {exc}). "
            "Nothing was changed. Run again with FSNB_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
