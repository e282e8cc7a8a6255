"""familyservice_nb.rejects: every check that rejects a row of an extract, declared once, and the words said
about rejected rows (the rejects file, the command line, the analysts' table) taken from the declarations."""

from __future__ import annotations

import ast
import inspect

import pandas as pd
import pytest
from citations import citation_problems

import familyservice_nb as fs
from familyservice_nb import extract, rejects
from familyservice_nb.rejects import OTHER, REJECT_CHECKS, RejectCheck, reject_check
from familyservice_nb.store import imports

# -- the registry ------------------------------------------------------------------------------------------


# A rejected row's own values, by the names a check's sentence reads them by.
SAMPLE = {"value": ["Maybe"], "note_id": ["N1"], "first_row": [2], "fields": [2], "width": 9,
          "recorded": [pd.Timestamp("2026-11-15")], "event": [pd.Timestamp("2026-11-16")], "what": "The note ID",
          "limit": 64}


def one_sentence(check: RejectCheck) -> str:
    """The sentence `check` gives one rejected row (with sample values)."""
    names = [] if isinstance(check.reason, str) else list(inspect.signature(check.reason).parameters)
    (sentence,) = check.reasons(1, **{name: SAMPLE[name] for name in names})
    return sentence


@pytest.mark.parametrize("check", list(REJECT_CHECKS.values()), ids=lambda c: c.code)
def test_every_check_has_a_code_title_reason_contract_and_what_to_do(check):
    assert check.code and check.code == check.code.strip().lower().replace(" ", "_")
    assert REJECT_CHECKS[check.code] is check
    assert check.title.strip()
    sentence = one_sentence(check)
    assert sentence.strip() and sentence.endswith(".") and "{" not in sentence
    assert citation_problems(check.contract) == []
    assert len(check.what_to_do) > 20 and check.what_to_do.endswith(".")


def test_codes_and_titles_are_each_used_once():
    checks = list(REJECT_CHECKS.values())
    assert len({c.code for c in checks}) == len(checks)
    assert len({c.title for c in checks} | {OTHER.title}) == len(checks) + 1


@pytest.mark.parametrize("module", [extract, imports], ids=lambda m: m.__name__)
def test_every_check_the_extract_or_the_import_gives_is_declared(module):
    """The checks the extract and the store's import name are declared ones, used by their names."""
    tree = ast.parse(inspect.getsource(module))
    used = {getattr(rejects, node.id) for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(getattr(rejects, node.id, None), RejectCheck)}
    assert used and used <= set(REJECT_CHECKS.values())


def test_the_extract_and_the_import_between_them_give_every_declared_check():
    def names(module) -> set[str]:
        tree = ast.parse(inspect.getsource(module))
        return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}

    given = {getattr(rejects, n) for n in names(extract) | names(imports)
             if isinstance(getattr(rejects, n, None), RejectCheck)}
    assert given == set(REJECT_CHECKS.values())


def test_a_check_cannot_be_declared_twice_but_can_on_purpose():
    first = REJECT_CHECKS["blank_note_id"]
    with pytest.raises(ValueError, match="already declared"):
        reject_check("blank_note_id", title="x", reason="x.", contract=first.contract, what_to_do="x")
    try:
        again = reject_check("blank_note_id", title="Id blank", reason="x.", contract=first.contract,
                             what_to_do="x", replace=True)
        assert REJECT_CHECKS["blank_note_id"] is again
    finally:
        REJECT_CHECKS["blank_note_id"] = first


def test_a_reason_names_each_rows_own_values_or_one_for_all():
    check = REJECT_CHECKS["duplicate_note_id"]
    said = check.reasons(2, note_id=["N1", "N{2}"], first_row=[2, 5])
    assert said == ["The note id N1 appears more than once (first on row 2).",
                    "The note id N{2} appears more than once (first on row 5)."]
    assert REJECT_CHECKS["wrong_field_count"].reasons(2, fields=[1, 3], width=2) == [
        "This line has 1 field but the header has 2.", "This line has 3 fields but the header has 2."]
    assert REJECT_CHECKS["value_too_long"].reasons(2, what="The note ID", limit=64) == [
        "The note ID is longer than 64 characters."] * 2
    assert REJECT_CHECKS["blank_note_id"].reasons(3) == ["The note id is blank."] * 3
    assert REJECT_CHECKS["unrecognised_risk"].reasons(1, value=["100%"]) == [
        "The risk value '100%' is not one we recognise: use Yes or No."]


# -- what is said about the rejected rows ------------------------------------------------------------------

EVERY_REASON = "\n".join([
    "note_id,event_date,recorded_at,risk_identified,status",
    ",16/11/2026,,No,",                      # 2 blank id
    "A,16/11/2026,,No,",                     # 3
    "A,16/11/2026,,No,",                     # 4 repeated
    "B,,,No,",                               # 5 event date blank
    "C,04/13/2026,,No,",                     # 6 event date unreadable
    "D,16/11/2026,yesterday,No,",            # 7 recorded unreadable
    "E,16/11/2026,15/11/2026,No,",           # 8 recorded before the event
    "F,16/11/2026,,Maybe,",                  # 9 risk
    "G,16/11/2026,,No,Finished",             # 10 status
    "H,16/11/2026",                          # 11 wrong number of fields
    "I,17/11/2026,,No,",                     # 12 accepted
    ",18/11/2026,,No,",                      # 13 blank id again
]) + "\n"


def test_rejects_by_reason_groups_every_reason_read_extract_gives(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(EVERY_REASON)
    result = fs.read_extract(path)
    table = rejects.rejects_by_reason(result.rejects)
    assert "Other" not in set(table["problem"])
    # tested with files of their own below; too long is the store's
    elsewhere = {"Quote never closed", "Value beyond the last column", "Id or name too long to keep"}
    assert set(table["problem"]) == {c.title for c in REJECT_CHECKS.values()} - elsewhere
    assert list(result.rejects["reason_code"]) == [
        "blank_note_id", "duplicate_note_id", "blank_event_date", "unreadable_event_date", "unreadable_recorded_at",
        "recorded_before_event", "unrecognised_risk", "unrecognised_status", "wrong_field_count", "blank_note_id"]
    first = table.iloc[0]
    assert (first["problem"], first["rows"], first["row_numbers"]) == ("Note id blank", 2, "2, 13")
    assert table["rows"].sum() == len(result.rejects)
    advice = {c.title: c.what_to_do for c in REJECT_CHECKS.values()}
    assert table["what_to_do"].tolist() == [advice[p] for p in table["problem"]]
    assert fs.analysis.rejects_by_reason is rejects.rejects_by_reason  # the notebooks' name for it


def test_rejects_by_reason_shortens_long_lists_and_copes_with_none():
    frame = pd.DataFrame({"row_number": range(2, 30), "reason": ["The note id is blank."] * 28})
    row = rejects.rejects_by_reason(frame, show_rows=3).iloc[0]
    assert row["row_numbers"] == "2, 3, 4 and 25 more"
    empty = rejects.rejects_by_reason(frame.iloc[:0])
    assert empty.empty and list(empty.columns) == ["problem", "rows", "row_numbers", "example", "what_to_do"]


def test_an_unknown_code_or_none_is_other():
    assert rejects.problems_of(pd.Series(["something_new", None])).tolist() == ["Other", "Other"]


def test_rewording_a_reason_keeps_its_kind(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("note_id,event_date\n,16/11/2026\nA,04/13/2026\n")
    found = fs.read_extract(path).rejects
    reworded = found.assign(reason=["Something else entirely.", "Worded anew."])
    assert rejects.rejects_by_reason(reworded)["problem"].tolist() == rejects.rejects_by_reason(found)[
        "problem"].tolist() == ["Note id blank", "Event date unreadable"]


def test_an_unclosed_quote_has_its_own_code_and_kind(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('note_id,event_date,team\nA,16/11/2026,North\nB,16/11/2026,\"North\n')
    found = fs.read_extract(path).rejects
    assert found["reason_code"].tolist() == ["unclosed_quote"]
    assert found["reason"].tolist() == [REJECT_CHECKS["unclosed_quote"].reason]
    assert rejects.rejects_by_reason(found)["problem"].tolist() == ["Quote never closed"]


def test_a_value_beyond_the_last_named_column_has_its_own_code_and_kind(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["note_id", "event_date"])
    sheet.append(["A", "16/11/2026"])
    sheet.append(["B", "16/11/2026", "stray"])
    book.save(tmp_path / "spill.xlsx")
    found = fs.read_extract(tmp_path / "spill.xlsx").rejects
    assert found["reason_code"].tolist() == ["value_beyond_last_column"]
    assert rejects.rejects_by_reason(found)["problem"].tolist() == ["Value beyond the last column"]


def test_an_id_too_long_for_the_store_is_a_reject_with_its_code():
    notes = pd.DataFrame({"note_id": ["N1", "N" * 500], "case_id": ["C1", "C1"], "row_number": [2, 3]})
    kept, refused = imports.split_too_long(notes)
    assert kept["note_id"].tolist() == ["N1"]
    assert refused["reason_code"].tolist() == ["value_too_long"]
    assert refused["reason"].tolist() == [f"The note ID is longer than {imports.ID_LENGTH} characters."]
    assert rejects.rejects_by_reason(refused)["problem"].tolist() == ["Id or name too long to keep"]


def test_the_rejects_file_says_the_problem_and_what_to_do_for_each_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("note_id,event_date\n,16/11/2026\nA,04/13/2026\nB,16/11/2026\n")
    found = rejects.explained(fs.read_extract(path).rejects.assign(reason_code=["blank_note_id", "gone_code"]))
    assert found["problem"].tolist() == ["Note id blank", "Other"]
    assert found["what_to_do"].tolist() == [REJECT_CHECKS["blank_note_id"].what_to_do, OTHER.what_to_do]


def test_the_command_lines_list_names_each_problem_with_its_rows_and_what_to_do(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(EVERY_REASON)
    lines = rejects.problem_lines(fs.read_extract(path).rejects)
    blank = REJECT_CHECKS["blank_note_id"]
    assert lines[0] == "Rejected rows, by kind of problem:"
    assert lines[1] == f"- 2 rows (2, 13): {blank.title}. {blank.what_to_do}"
    assert len(lines) == 1 + 9  # one line for each kind found
    assert rejects.problem_lines(pd.DataFrame(columns=["row_number", "reason"])) == []
