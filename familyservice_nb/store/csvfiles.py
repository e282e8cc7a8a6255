"""The council's staff and cases from CSV files (`staff import FILE`, `cases import FILE`).

Staff: one row a person - name, login, role (practitioner, manager, analyst, admin), teams (several
separated by ";"), line_manager (a login), newly_qualified (Yes/No).
Cases: one row a child - case_id, family_pseudonym, allocated_worker (a login), team, open_date,
close_date, child_id, child_pseudonym, child_date_of_birth. A case with several children has several
rows; a case without children leaves the child columns blank. Dates are UK dates (25/11/2026) or ISO.
Headers match ignoring case, spaces, "_" and "-".
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ValidationError

from ..errors import UnusableFile

STAFF_ALIASES = {"manager": "line_manager", "team": "teams", "nqsw": "newly_qualified"}
CASE_ALIASES = {
    "pseudonym": "family_pseudonym", "family": "family_pseudonym", "worker": "allocated_worker",
    "opened": "open_date", "closed": "close_date", "childname": "child_pseudonym", "dob": "child_date_of_birth",
    "childdob": "child_date_of_birth",
}
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}
MAX_PROBLEMS = 10


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]", "", str(header)).casefold()


def _read(path: str | Path, canonical: tuple[str, ...], aliases: dict[str, str], required: tuple[str, ...]):
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"There is no file '{path}'.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UnusableFile(f"'{path.name}' cannot be read as a CSV file ({exc}).") from None
    else:  # pragma: no cover - cp1252 reads any bytes
        raise UnusableFile(f"'{path.name}' is not a text file.")
    names = {_key(c): c for c in canonical} | {k: v for k, v in aliases.items()}
    frame = frame.rename(columns=lambda c: names.get(_key(c), c))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise UnusableFile(f"'{path.name}' has no column for: {', '.join(missing)}.")
    return frame


def _problems_text(path: Path, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    return (
        f"Nothing was loaded from '{path.name}': " + " ".join(shown)
        + (f" (and {more} more problems)" if more > 0 else "")
    )


def _explain(error: ValidationError, model: type[BaseModel]) -> list[str]:
    from ..records import explain

    return explain(error, model)


def _yes(value: str, row: int, problems: list[str]) -> bool:
    text = value.strip().casefold()
    if text in YES:
        return True
    if text not in NO:
        problems.append(f"Row {row}: Newly qualified: answer yes or no.")
    return False


def read_staff_csv(path: str | Path) -> list[BaseModel]:
    from ..records import Staff

    canonical = ("name", "login", "role", "teams", "line_manager", "newly_qualified")
    frame = _read(path, canonical, STAFF_ALIASES, ("name", "login", "role"))
    people, problems = [], []
    for i, row in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
        try:
            people.append(Staff(
                name=row["name"], login=row["login"].strip(), role=row["role"].strip().casefold(),
                teams=[t.strip() for t in row.get("teams", "").split(";") if t.strip()],
                line_manager=row.get("line_manager", "").strip() or None,
                newly_qualified=_yes(row.get("newly_qualified", ""), i, problems),
            ))
        except ValidationError as exc:
            problems += [f"Row {i}: {p}" for p in _explain(exc, Staff)]
    logins = [p.login for p in people]
    problems += [f"The login '{x}' appears more than once." for x in sorted({x for x in logins if logins.count(x) > 1})]
    if problems:
        raise UnusableFile(_problems_text(Path(path), problems))
    return people


def read_cases_csv(path: str | Path) -> list[BaseModel]:
    from ..records import Case, Child

    canonical = (
        "case_id", "family_pseudonym", "allocated_worker", "team", "open_date", "close_date", "child_id",
        "child_pseudonym", "child_date_of_birth",
    )
    frame = _read(path, canonical, CASE_ALIASES, ("case_id", "family_pseudonym", "open_date"))
    rows = frame.to_dict("records")
    by_case: dict[str, dict] = {}
    problems: list[str] = []
    for i, row in enumerate(rows, start=2):
        case_id = row["case_id"].strip()
        case = by_case.setdefault(case_id, {"row": i, "fields": row, "children": []})
        if row.get("child_id", "").strip():
            try:
                case["children"].append(Child(
                    child_id=row["child_id"].strip(), pseudonym=row.get("child_pseudonym", ""),
                    date_of_birth=row.get("child_date_of_birth", "").strip() or None,
                ))
            except ValidationError as exc:
                problems += [f"Row {i}: {p}" for p in _explain(exc, Child)]
    cases = []
    for case_id, case in by_case.items():
        row = case["fields"]
        try:
            cases.append(Case(
                case_id=case_id, family_pseudonym=row["family_pseudonym"],
                allocated_worker=row.get("allocated_worker", "").strip() or None, team=row.get("team", "").strip(),
                open_date=row["open_date"].strip(), close_date=row.get("close_date", "").strip() or None,
                children=case["children"],
            ))
        except ValidationError as exc:
            problems += [f"Row {case['row']}: {p}" for p in _explain(exc, Case)]
    if problems:
        raise UnusableFile(_problems_text(Path(path), problems))
    return cases
