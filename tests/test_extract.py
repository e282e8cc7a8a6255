"""familyservice_nb.extract: reading and checking a running-record extract.

DESIGN.md: Running-record extract (canonical columns) and Timeliness (when a row is rejected).
Every file here is synthetic and written in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familyservice_nb import extract
from familyservice_nb.errors import MappingError, UnusableFile
from familyservice_nb.extract import ExtractResult, read_extract
from familyservice_nb.vocab import EXTRACT_COLUMNS, UNKNOWN, NoteStatus, NoteType

HEADER = "note_id,case_id,worker,team,note_type,event_date,recorded_at,risk_identified,status"
GOOD = "N{n},C1,Worker 07,Team North,Visit,16/11/2026,17/11/2026 10:00,No,Complete"


def write(tmp_path: Path, text: str | bytes, name: str = "extract.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def lines(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def good(n: int) -> str:
    return GOOD.format(n=n)


def read(tmp_path: Path, *rows: str, header: str = HEADER, **options) -> ExtractResult:
    return read_extract(write(tmp_path, lines(*rows, header=header)), **options)


def reasons(result: ExtractResult) -> dict[int, str]:
    return dict(zip(result.rejects["row_number"], result.rejects["reason"], strict=True))


def assert_counts_add_up(result: ExtractResult) -> None:
    assert result.rows_in == len(result.notes) + len(result.rejects)


# --- a good file --------------------------------------------------------------------------------


def test_good_file_gives_typed_canonical_columns(tmp_path):
    result = read(tmp_path, good(1), "N2,C2,Worker 08,Team South,Telephone call,18/11/2026,,Yes,Draft")
    notes = result.notes
    assert list(notes.columns) == [*EXTRACT_COLUMNS, "row_number"]
    assert notes["note_id"].tolist() == ["N1", "N2"]
    assert notes["case_id"].tolist() == ["C1", "C2"]
    assert notes["worker"].tolist() == ["Worker 07", "Worker 08"]
    assert notes["note_type"].tolist() == [NoteType.VISIT, NoteType.TELEPHONE_CALL]
    assert notes["event_date"].tolist() == [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-18")]
    assert notes["recorded_at"].iloc[0] == pd.Timestamp("2026-11-17 10:00") and pd.isna(notes["recorded_at"].iloc[1])
    assert notes["risk_identified"].tolist() == [False, True]
    assert notes["status"].tolist() == [NoteStatus.COMPLETE, NoteStatus.DRAFT]
    assert notes["row_number"].tolist() == [2, 3]
    assert notes["risk_identified"].dtype == bool
    assert notes["event_date"].dtype.kind == "M" and notes["recorded_at"].dtype.kind == "M"
    assert len(result.rejects) == 0 and result.rows_in == 2 and result.warnings == []
    assert result.source.endswith("extract.csv")


def test_event_date_time_part_is_ignored_16_november_2026(tmp_path):
    result = read(tmp_path, "N1,,,,,16/11/2026 23:59:59,,,", "N2,,,,,2026-11-16T08:00:00,,,")
    assert result.notes["event_date"].tolist() == [pd.Timestamp("2026-11-16")] * 2


def test_missing_optional_columns_get_their_defaults(tmp_path):
    result = read(tmp_path, "N1,16/11/2026", header="note_id,event_date")
    row = result.notes.iloc[0]
    assert list(result.notes.columns) == [*EXTRACT_COLUMNS, "row_number"]
    assert pd.isna(row["case_id"]) and pd.isna(row["note_type"]) and pd.isna(row["recorded_at"])
    assert row["worker"] == UNKNOWN and row["team"] == UNKNOWN
    assert not row["risk_identified"]
    assert row["status"] == NoteStatus.COMPLETE


def test_blank_worker_and_team_become_unknown_and_spaces_are_trimmed(tmp_path):
    result = read(tmp_path, "N1,  ,  ,,Visit,16/11/2026,,,", "N2, C2 , Worker 07 ,Team North ,Visit,16/11/2026,,,")
    assert result.notes["worker"].tolist() == [UNKNOWN, "Worker 07"]
    assert result.notes["team"].tolist() == [UNKNOWN, "Team North"]
    assert pd.isna(result.notes["case_id"].iloc[0]) and result.notes["case_id"].iloc[1] == "C2"


def test_other_columns_pass_through_unchanged_as_text(tmp_path):
    result = read(tmp_path, good(1) + ",  spoke with parent ,007", header=HEADER + ",Summary,Room")
    assert list(result.notes.columns)[-3:] == ["Summary", "Room", "row_number"]
    assert result.notes["Summary"].iloc[0] == "  spoke with parent "
    assert result.notes["Room"].iloc[0] == "007"


def test_note_types_normalised_and_others_kept_with_one_warning(tmp_path):
    result = read(
        tmp_path,
        "N1,,,,visit,16/11/2026,,,",
        "N2,,,,TELEPHONE CALL,16/11/2026,,,",
        "N3,,,,e-mail,16/11/2026,,,",
        "N4,,,,Text message,16/11/2026,,,",
        "N5,,,,Text message,16/11/2026,,,",
        "N6,,,,Home visit plus,16/11/2026,,,",
        "N7,,,,,16/11/2026,,,",
    )
    types = result.notes["note_type"].tolist()
    assert types[:3] == [NoteType.VISIT, NoteType.TELEPHONE_CALL, NoteType.EMAIL]
    assert types[3:6] == ["Text message", "Text message", "Home visit plus"]
    assert pd.isna(types[6])
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("3 notes have a note type we do not recognise")
    assert result.warnings[0].endswith("they are kept as given.")


# --- files that cannot be used at all -----------------------------------------------------------


def assert_plain_sentence(error: Exception) -> None:
    message = str(error)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("content", [b"", b"   \n\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n"])
def test_empty_file_is_unusable(tmp_path, content):
    with pytest.raises(UnusableFile, match="is empty") as caught:
        read_extract(write(tmp_path, content))
    assert_plain_sentence(caught.value)


def test_header_only_gives_no_notes_no_rejects_and_no_error(tmp_path):
    result = read_extract(write(tmp_path, HEADER + "\n"))
    assert len(result.notes) == 0 and len(result.rejects) == 0 and result.rows_in == 0
    assert list(result.notes.columns) == [*EXTRACT_COLUMNS, "row_number"]
    assert list(result.rejects.columns) == [*HEADER.split(","), "row_number", "reason", "reason_code"]
    result = read_extract(write(tmp_path, HEADER))  # no line end at all
    assert result.rows_in == 0


def test_no_event_date_column_names_the_columns_it_has(tmp_path):
    with pytest.raises(UnusableFile) as caught:
        read(tmp_path, "N1,Worker 07,16/11/2026", header="Note ID,Worker,Date")
    assert str(caught.value) == "The file has no event date column. Its columns are: Note ID, Worker, Date."


def test_no_note_id_column(tmp_path):
    with pytest.raises(UnusableFile, match="^The file has no note id column. Its columns are: Worker, Event Date.$"):
        read(tmp_path, "Worker 07,16/11/2026", header="Worker,Event Date")


def test_two_event_date_columns_are_ambiguous(tmp_path):
    with pytest.raises(UnusableFile, match="2 event date columns"):
        read(tmp_path, "N1,16/11/2026,17/11/2026", header="note_id,Event Date,event_date")


def test_random_bytes_are_unusable(tmp_path):
    noise = np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(UnusableFile, match="not a CSV or XLSX file we can read") as caught:
        read_extract(write(tmp_path, noise))
    assert_plain_sentence(caught.value)


def test_control_characters_without_nul_are_unusable(tmp_path):
    noise = bytes(range(1, 9)) * 200
    with pytest.raises(UnusableFile, match="binary data"):
        read_extract(write(tmp_path, noise))


def test_utf16_file_is_unusable_with_advice(tmp_path):
    with pytest.raises(UnusableFile, match="UTF-16"):
        read_extract(write(tmp_path, lines(good(1)), encoding="utf-16"))


def test_folder_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="is a folder") as caught:
        read_extract(tmp_path)
    assert_plain_sentence(caught.value)


def test_missing_file_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="does not exist") as caught:
        read_extract(tmp_path / "nowhere.csv")
    assert_plain_sentence(caught.value)


def test_xlsx_that_is_not_a_workbook_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="not an Excel workbook we can read"):
        read_extract(write(tmp_path, lines(good(1)), name="extract.xlsx"))


def test_old_xls_file_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match=r"old-style Excel file \(.xls\)"):
        read_extract(write(tmp_path, b"\xd0\xcf\x11\xe0 not really", name="extract.xls"))


def test_blank_first_line_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="first line .* is blank"):
        read_extract(write(tmp_path, "\n" + lines(good(1))))


# --- encodings ----------------------------------------------------------------------------------


def test_windows_1252_worker_zoe_ambar_and_pound_sign(tmp_path):
    text = lines("N1,C1,Zoë Ámbar,Team North,Visit,16/11/2026,,,,£20 bus fare", header=HEADER + ",Summary")
    result = read_extract(write(tmp_path, text, encoding="cp1252"))
    assert result.notes["worker"].tolist() == ["Zoë Ámbar"]
    assert result.notes["Summary"].tolist() == ["£20 bus fare"]


def test_utf8_with_bom_header_still_matches(tmp_path):
    result = read_extract(write(tmp_path, "\ufeff" + lines(good(1)).replace("note_id", "Note ID"), encoding="utf-8"))
    assert result.notes["note_id"].tolist() == ["N1"]
    assert result.columns["note_id"] == "Note ID"


def test_utf8_worker_zoe_ambar(tmp_path):
    result = read_extract(write(tmp_path, lines("N1,C1,Zoë Ámbar,,,16/11/2026,,,")))
    assert result.notes["worker"].tolist() == ["Zoë Ámbar"]


def test_windows_line_ends_crlf(tmp_path):
    text = lines(good(1), "", good(2), "N3,C1").replace("\n", "\r\n")
    result = read_extract(write(tmp_path, text))
    assert result.notes["row_number"].tolist() == [2, 4]
    assert reasons(result) == {5: "This line has 2 fields but the header has 9."}


def test_old_mac_line_ends_cr_are_read_by_the_slow_path(tmp_path):
    text = lines(good(1), good(2), "N3,C1").replace("\n", "\r")
    result = read_extract(write(tmp_path, text))
    assert result.notes["row_number"].tolist() == [2, 3]
    assert reasons(result) == {4: "This line has 2 fields but the header has 9."}


# --- row numbers, blank lines, quoted values over several lines ---------------------------------


def test_quoted_value_spanning_lines_counts_as_one_row(tmp_path):
    header = HEADER + ",Summary"
    text = lines(
        good(1) + ',"Visit went well,\nmother present\n\nchild seen alone"',
        good(2) + ",short",
        "N3,C1,Worker 07,Team North,Visit,04/13/2026,,No,Complete,x",
        header=header,
    )
    result = read_extract(write(tmp_path, text))
    assert result.notes["row_number"].tolist() == [2, 3]
    assert result.notes["Summary"].iloc[0] == "Visit went well,\nmother present\n\nchild seen alone"
    assert list(reasons(result)) == [4]


def test_quoted_header_over_two_lines_is_row_1(tmp_path):
    result = read(tmp_path, "N1,16/11/2026", "N2,", header='note_id,"Event\nDate"')
    assert result.notes["row_number"].tolist() == [2]
    assert reasons(result) == {3: "The event date is blank."}


def test_doubled_quotes_inside_a_value(tmp_path):
    result = read(tmp_path, good(1) + ',"She said ""we\'re fine, thanks"""', header=HEADER + ",Summary")
    assert result.notes["Summary"].tolist() == ['She said "we\'re fine, thanks"']


def test_wholly_blank_lines_are_not_rows_but_keep_their_row_number(tmp_path):
    result = read(tmp_path, good(1), "", "   ", ",,,,,,,,", ",,", good(2), "N3,C1")
    assert result.notes["row_number"].tolist() == [2, 7]
    assert reasons(result) == {8: "This line has 2 fields but the header has 9."}
    assert result.rows_in == 3


# --- ragged lines -------------------------------------------------------------------------------


def test_short_and_long_lines_are_rejected_with_their_field_counts(tmp_path):
    result = read(
        tmp_path,
        good(1),
        "N2,C1,Worker 07",
        good(3) + ",extra",
        good(4) + ",",  # an empty field is still a field
        "N5",
        good(6),
    )
    assert reasons(result) == {
        3: "This line has 3 fields but the header has 9.",
        4: "This line has 10 fields but the header has 9.",
        5: "This line has 10 fields but the header has 9.",
        6: "This line has 1 field but the header has 9.",
    }
    assert result.notes["row_number"].tolist() == [2, 7]
    assert_counts_add_up(result)


def test_short_line_keeps_its_own_values_in_the_rejects(tmp_path):
    result = read(tmp_path, "N2,C1,Worker 07")
    reject = result.rejects.iloc[0]
    assert (reject["note_id"], reject["case_id"], reject["worker"], reject["status"]) == ("N2", "C1", "Worker 07", "")


def test_line_far_longer_than_the_header(tmp_path):
    result = read(tmp_path, good(1), good(2) + "," * 200, good(3))
    assert reasons(result) == {3: "This line has 209 fields but the header has 9."}
    assert result.notes["row_number"].tolist() == [2, 4]


def test_stray_quote_inside_a_value_is_read_as_the_csv_module_reads_it(tmp_path):
    header = HEADER + ",Summary"
    result = read(tmp_path, good(1) + ',He said "hi, there"', good(2) + ",ok", header=header)
    assert reasons(result) == {2: "This line has 11 fields but the header has 10."}
    assert result.notes["row_number"].tolist() == [3]


def test_quote_never_closed_rejects_the_line_that_swallows_the_rest(tmp_path):
    result = read(tmp_path, good(1) + ",a", good(2) + ',"never closed', good(3) + ",c", header=HEADER + ",Summary")
    assert result.notes["row_number"].tolist() == [2]
    assert reasons(result) == {
        3: 'A quoted value on this line is never closed (a " with no closing "), so the rest of the file was '
        "read into it."
    }
    assert result.rejects["Summary"].iloc[0] == "never closed\n" + good(3) + ",c\n"
    assert_counts_add_up(result)


# --- rejected rows ------------------------------------------------------------------------------


def test_blank_note_id_is_rejected(tmp_path):
    result = read(tmp_path, good(1), "  ,C1,Worker 07,,,16/11/2026,,,")
    assert reasons(result) == {3: "The note id is blank."}


def test_repeated_note_id_first_kept_later_rejected(tmp_path):
    result = read(tmp_path, good(1), good(2), good(1), " N1 ,C9,,,,17/11/2026,,,")
    assert result.notes["row_number"].tolist() == [2, 3]
    assert reasons(result) == {
        4: "The note id N1 appears more than once (first on row 2).",
        5: "The note id N1 appears more than once (first on row 2).",
    }


def test_repeat_of_a_rejected_row_is_still_a_repeat(tmp_path):
    result = read(tmp_path, "N1,,,,,04/13/2026,,,", good(1))
    assert reasons(result)[3] == "The note id N1 appears more than once (first on row 2)."
    assert len(result.notes) == 0


def test_month_first_event_date_13_april_2026_is_rejected(tmp_path):
    result = read(tmp_path, "N1,,,,,04/13/2026,,,", good(2))
    assert reasons(result) == {
        2: "The event date '04/13/2026' is not a date we can read; write dates as 25/11/2026 or 2026-11-25."
    }


def test_blank_event_date_is_rejected(tmp_path):
    assert reasons(read(tmp_path, "N1,,,,,  ,,,")) == {2: "The event date is blank."}


def test_unreadable_recorded_date_is_rejected_but_blank_is_not_recorded_yet(tmp_path):
    result = read(tmp_path, "N1,,,,,16/11/2026,32/11/2026 10:00,,", "N2,,,,,16/11/2026,,,")
    assert reasons(result) == {
        2: "The date the note was recorded, '32/11/2026 10:00', is not a date we can read; "
        "write it as 25/11/2026 14:30 or 2026-11-25 14:30."
    }
    assert pd.isna(result.notes["recorded_at"].iloc[0])


def test_recorded_before_the_event_is_rejected_same_day_is_not(tmp_path):
    result = read(tmp_path, "N1,,,,,16/11/2026,15/11/2026 23:59,,", "N2,,,,,16/11/2026,16/11/2026 00:00,,")
    assert reasons(result) == {2: "Recorded before the event happened (recorded 15/11/2026, event 16/11/2026)."}
    assert result.notes["note_id"].tolist() == ["N2"]


def test_first_problem_found_is_the_reason(tmp_path):
    result = read(tmp_path, ",,,,,04/13/2026,bad,maybe,Archived", "N2,,,,,04/13/2026,bad,maybe,Archived",
                  "N3,,,,,16/11/2026,bad,maybe,Archived", "N4,,,,,16/11/2026,,maybe,Archived",
                  "N5,,,,,16/11/2026,,,Archived")
    found = reasons(result)
    assert found[2] == "The note id is blank."
    assert found[3].startswith("The event date '04/13/2026'")
    assert found[4].startswith("The date the note was recorded, 'bad'")
    assert found[5].startswith("The risk value 'maybe'")
    assert found[6].startswith("The status 'Archived'")


def test_rejects_keep_original_text_under_the_files_own_headers(tmp_path):
    header = "Note ID,Case,Event Date,Risk Identified,Notes"
    result = read(tmp_path, " N1 ,C1, 04/13/2026 ,maybe,  left as typed ", header=header)
    assert list(result.rejects.columns) == [*header.split(","), "row_number", "reason", "reason_code"]
    reject = result.rejects.iloc[0]
    assert reject["Note ID"] == " N1 " and reject["Event Date"] == " 04/13/2026 "
    assert reject["Notes"] == "  left as typed "
    assert reject["row_number"] == 2


@pytest.mark.parametrize(
    ("written", "risk"),
    [("Y", True), ("yes", True), ("YES", True), ("True", True), ("true", True), ("1", True), (" Yes ", True),
     ("N", False), ("no", False), ("FALSE", False), ("0", False), ("", False), ("  ", False)],
)
def test_risk_spellings(tmp_path, written, risk):
    result = read(tmp_path, f"N1,,,,,16/11/2026,,{written},")
    assert result.notes["risk_identified"].tolist() == [risk]


@pytest.mark.parametrize("written", ["maybe", "2", "Unknown", "yes please"])
def test_unrecognised_risk_is_rejected(tmp_path, written):
    result = read(tmp_path, f"N1,,,,,16/11/2026,,{written},")
    assert reasons(result) == {2: f"The risk value '{written}' is not one we recognise: use Yes or No."}


@pytest.mark.parametrize(
    ("written", "status"),
    [("", NoteStatus.COMPLETE), ("Complete", NoteStatus.COMPLETE), ("completed", NoteStatus.COMPLETE),
     ("DRAFT", NoteStatus.DRAFT), ("Timed out", NoteStatus.TIMED_OUT), ("timed_out", NoteStatus.TIMED_OUT),
     ("Timed-Out", NoteStatus.TIMED_OUT), ("TimedOut", NoteStatus.TIMED_OUT), (" deleted ", NoteStatus.DELETED)],
)
def test_status_spellings(tmp_path, written, status):
    result = read(tmp_path, f"N1,,,,,16/11/2026,,,{written}")
    assert result.notes["status"].tolist() == [status]


def test_unrecognised_status_is_rejected(tmp_path):
    result = read(tmp_path, "N1,,,,,16/11/2026,,,Archived")
    assert reasons(result) == {
        2: "The status 'Archived' is not one we recognise: use Draft, Complete, Timed out or Deleted."
    }


# --- headers and the mapping file ---------------------------------------------------------------


@pytest.mark.parametrize("event_header", ["event_date", "Event Date", "EVENT-DATE", " event date ", "EventDate"])
def test_header_variants_match(tmp_path, event_header):
    result = read(tmp_path, "N1,16/11/2026", header=f"Note-ID,{event_header}")
    assert result.notes["event_date"].tolist() == [pd.Timestamp("2026-11-16")]
    assert result.columns == {"note_id": "Note-ID", "event_date": event_header.strip()}


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_mapping_names_a_councils_own_headers(tmp_path):
    mapping = write_mapping(
        tmp_path,
        '[columns]\nnote_id = "Case Note Ref"\nevent_date = "Date of Contact"\nworker = "Recorded By"\n',
    )
    result = read(tmp_path, "CN1,Worker 07,16/11/2026,Visit", header="Case Note Ref,Recorded By,Date of Contact,Type",
                  mapping=mapping)
    notes = result.notes
    assert notes["note_id"].tolist() == ["CN1"] and notes["worker"].tolist() == ["Worker 07"]
    assert notes["event_date"].tolist() == [pd.Timestamp("2026-11-16")]
    assert notes["Type"].tolist() == ["Visit"]  # not a canonical header: passed through
    assert result.columns["event_date"] == "Date of Contact"


def test_mapping_as_a_dict(tmp_path):
    result = read(tmp_path, "CN1,16/11/2026", header="Ref,When", mapping={"note_id": "Ref", "event_date": "When"})
    assert result.notes["note_id"].tolist() == ["CN1"]


def test_mapping_naming_a_header_the_file_lacks(tmp_path):
    mapping = write_mapping(tmp_path, '[columns]\nevent_date = "Date of Contact"\n')
    with pytest.raises(MappingError, match="'Date of Contact' for event_date, but the file has no such column") as e:
        read(tmp_path, "N1,16/11/2026", header="note_id,Event Date", mapping=mapping)
    assert_plain_sentence(e.value)


def test_mapping_with_an_unknown_canonical_name(tmp_path):
    mapping = write_mapping(tmp_path, '[columns]\ndate_of_birth = "DOB"\n')
    with pytest.raises(MappingError, match="names 'date_of_birth', which is not one of our columns"):
        read(tmp_path, "N1,16/11/2026", header="note_id,event_date", mapping=mapping)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns = [", "not a TOML file we can read"),
        ('[other]\nnote_id = "Ref"\n', r"has no \[columns\] table"),
        ("[columns]\nnote_id = 3\n", "should give note_id a column name in quotes"),
    ],
)
def test_broken_mapping_files(tmp_path, text, message):
    with pytest.raises(MappingError, match=message):
        read(tmp_path, "N1,16/11/2026", header="note_id,event_date", mapping=write_mapping(tmp_path, text))


def test_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match="does not exist"):
        read(tmp_path, "N1,16/11/2026", header="note_id,event_date", mapping=tmp_path / "none.toml")


def test_mapping_error_is_an_unusable_file():
    assert issubclass(MappingError, UnusableFile)


def test_repeated_and_blank_headers_are_made_unique(tmp_path):
    result = read(tmp_path, "N1,16/11/2026,a,b,c", header="note_id,event_date,Notes,Notes,")
    assert list(result.notes.columns)[-4:] == ["Notes", "Notes (2)", "Column 5", "row_number"]


# --- Z and offsets across the clock changes -----------------------------------------------------


def test_recorded_at_with_z_across_29_march_and_25_october_2026(tmp_path):
    result = read(
        tmp_path,
        "N1,,,,,28/03/2026,2026-03-29T00:30:00Z,,",
        "N2,,,,,28/03/2026,2026-03-29T01:30:00Z,,",
        "N3,,,,,24/10/2026,2026-10-24T23:30:00Z,,",
        "N4,,,,,24/10/2026,2026-10-25T00:30:00+01:00,,",
        "N5,,,,,25/10/2026,2026-10-25T23:30:00+0000,,",
    )
    assert result.notes["recorded_at"].tolist() == [
        pd.Timestamp("2026-03-29 00:30"),
        pd.Timestamp("2026-03-29 02:30"),
        pd.Timestamp("2026-10-25 00:30"),
        pd.Timestamp("2026-10-25 00:30"),
        pd.Timestamp("2026-10-25 23:30"),
    ]


def test_event_date_with_z_takes_the_london_date_25_october_2026(tmp_path):
    result = read(tmp_path, "N1,,,,,2026-10-24T23:30:00Z,,,")
    assert result.notes["event_date"].tolist() == [pd.Timestamp("2026-10-25")]


def test_recorded_in_london_on_the_event_day_is_not_before_it(tmp_path):
    # 23:30 UTC on 24/10 is 00:30 on 25/10 in London: recorded on the event day, not the day before.
    result = read(tmp_path, "N1,,,,,25/10/2026,2026-10-24T23:30:00Z,,")
    assert len(result.rejects) == 0


# --- XLSX ---------------------------------------------------------------------------------------


def make_workbook(path: Path, rows: list[list], *, extra_sheet: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Running record"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notes for analysts")
    book.save(path)
    return path


def test_xlsx_with_real_date_cells(tmp_path):
    path = make_workbook(
        tmp_path / "extract.xlsx",
        [
            ["Note ID", "Worker", "Event Date", "Recorded At", "Risk Identified", "Status"],
            [101, "Worker 07", dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 17, 9, 30), True, "Complete"],
            ["N2", "Worker 08", "24/10/2026", "2026-10-24T23:30:00Z", "No", None],
            ["N3", None, dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 15), None, None],
            [4.0, None, "04/13/2026", None, None, None],
        ],
        extra_sheet=True,
    )
    result = read_extract(path)
    notes = result.notes
    assert notes["note_id"].tolist() == ["101", "N2"]
    assert notes["event_date"].tolist() == [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-10-24")]
    assert notes["recorded_at"].tolist() == [pd.Timestamp("2026-11-17 09:30"), pd.Timestamp("2026-10-25 00:30")]
    assert notes["risk_identified"].tolist() == [True, False]
    assert notes["worker"].tolist() == ["Worker 07", "Worker 08"]
    assert reasons(result) == {
        4: "Recorded before the event happened (recorded 15/11/2026, event 16/11/2026).",
        5: "The event date '04/13/2026' is not a date we can read; write dates as 25/11/2026 or 2026-11-25.",
    }
    assert result.rejects["Note ID"].tolist() == ["N3", "4"]
    assert result.rejects["Event Date"].tolist() == ["2026-11-16", "04/13/2026"]
    assert result.warnings == ["The workbook has 2 sheets; only the first, 'Running record', was read."]
    assert_counts_add_up(result)


def test_xlsx_blank_rows_keep_sheet_row_numbers(tmp_path):
    path = make_workbook(
        tmp_path / "extract.xlsx",
        [["note_id", "event_date"], ["N1", dt.date(2026, 11, 16)], [None, None], ["  ", None],
         ["N4", dt.date(2026, 11, 17)]],
    )
    result = read_extract(path)
    assert result.notes["row_number"].tolist() == [2, 5]
    assert result.rows_in == 2


def test_xlsx_value_beyond_the_last_named_column(tmp_path):
    path = make_workbook(tmp_path / "extract.xlsx", [["note_id", "event_date"], ["N1", "16/11/2026", "stray"]])
    assert reasons(read_extract(path)) == {2: "This row has a value beyond the last named column."}


def test_xlsx_saved_with_a_csv_name_is_still_read(tmp_path):
    path = make_workbook(tmp_path / "extract.csv", [["note_id", "event_date"], ["N1", dt.date(2026, 11, 16)]])
    assert read_extract(path).notes["note_id"].tolist() == ["N1"]


def test_empty_xlsx_is_unusable(tmp_path):
    with pytest.raises(UnusableFile, match="is empty"):
        read_extract(make_workbook(tmp_path / "extract.xlsx", []))


# --- progress bar -------------------------------------------------------------------------------


def test_progress_bar_on_stderr_reads_the_same(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, lines(*(good(n) for n in range(1, 26)), "N1,C1", ""))
    quiet = read_extract(path, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(extract, "CHUNK_ROWS", 7)
    shown = read_extract(path, progress=True)
    assert "Reading extract" in capsys.readouterr().err
    pd.testing.assert_frame_equal(quiet.notes, shown.notes)
    pd.testing.assert_frame_equal(quiet.rejects, shown.rejects)


# --- the fast path and the csv module agree; rows in = accepted + rejected ----------------------

ROW_KINDS = {
    # kind: (line written, reason it is rejected with, or None when accepted)
    "good": ("{id},C1,Worker 07,Team North,Visit,16/11/2026,17/11/2026 10:00,No,Complete", None),
    "good_multiline": ('{id},C1,"Worker\n07",,"Visit, at home",3/4/2026,,Y,', None),
    "good_crlf_inside": ('{id},"C1\r\nC2",Worker 07,,"",16/11/2026,"",No,""', None),
    "stray_quote": ('{id},C1,Worker "07",,Visit,16/11/2026,,No,', None),
    "good_quoted": ('{id},C1,"Worker ""07""",,Visit,2026-04-03,2026-04-03T09:00:00Z,true,draft', None),
    "blank_id": (" ,C1,Worker 07,,Visit,16/11/2026,,No,", "The note id is blank."),
    "repeat_id": ("N0,C1,Worker 07,,Visit,16/11/2026,,No,", "The note id N0 appears more than once"),
    "month_first": ("{id},C1,,,,04/13/2026,,,", "The event date '04/13/2026' is not a date"),
    "no_event": ("{id},C1,,,,,,,", "The event date is blank."),
    "bad_recorded": ("{id},C1,,,,16/11/2026,soon,,", "The date the note was recorded, 'soon'"),
    "early": ("{id},C1,,,,16/11/2026,15/11/2026,,", "Recorded before the event happened"),
    "bad_risk": ("{id},C1,,,,16/11/2026,,perhaps,", "The risk value 'perhaps'"),
    "bad_status": ("{id},C1,,,,16/11/2026,,,Archived", "The status 'Archived'"),
    "short": ("{id},C1,Worker 07", "This line has 3 fields but the header has 9."),
    "long": ("{id},C1,,,,16/11/2026,,,,", "This line has 10 fields but the header has 9."),
    "blank_line": ("", "not a row"),
    "commas_only": (",,,,,,,,", "not a row"),
}


def build(kinds: list[str]) -> tuple[str, list[tuple[int, str | None]]]:
    """A file of the given kinds of row, after a first good row N0; what each row should become."""
    body, expected = [good(0)], [(2, None)]
    row = 3
    for i, kind in enumerate(kinds, start=1):
        line, reason = ROW_KINDS[kind]
        body.append(line.format(id=f"N{i}"))
        if reason != "not a row":
            expected.append((row, reason))
        row += 1
    return lines(*body), expected


def check_against_expected(result: ExtractResult, expected: list[tuple[int, str | None]]) -> None:
    assert_counts_add_up(result)
    assert result.rows_in == len(expected)
    assert result.notes["row_number"].tolist() == [r for r, reason in expected if reason is None]
    got = reasons(result)
    assert list(got) == [r for r, reason in expected if reason is not None]
    for row, reason in expected:
        if reason is not None:
            assert got[row].startswith(reason), (row, got[row], reason)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(ROW_KINDS)), max_size=40))
def test_rows_in_equals_accepted_plus_rejected_for_any_mix(kinds):
    text, expected = build(kinds)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "extract.csv"
        path.write_text(text, encoding="utf-8")
        fast = read_extract(path)
        check_against_expected(fast, expected)
        slow_table = extract._read_csv_slowly(path.read_bytes(), "utf-8", path)
        slow = extract._check_rows(slow_table, extract._match_columns(slow_table.headers, {}))
    pd.testing.assert_frame_equal(fast.notes, slow.notes)
    pd.testing.assert_frame_equal(fast.rejects, slow.rejects)


def test_fast_path_is_taken_for_a_plain_file(tmp_path, monkeypatch):
    def refuse(*args):
        raise AssertionError("the csv module should not be needed")

    monkeypatch.setattr(extract, "_read_csv_slowly", refuse)
    text, expected = build(sorted(set(ROW_KINDS) - {"stray_quote"}))
    check_against_expected(read_extract(write(tmp_path, text)), expected)


@pytest.mark.parametrize("stray_quote", [False, True], ids=["fast path", "csv module"])
def test_larger_file_counts_add_up(tmp_path, stray_quote):
    kinds = sorted(set(ROW_KINDS) - {"stray_quote"}) * 400 + ["stray_quote"] * stray_quote
    text, expected = build(kinds)
    result = read_extract(write(tmp_path, text))
    check_against_expected(result, expected)
