"""Files written for people: ISO dates in CSV, formula-like text neutralised in Excel."""

import openpyxl
import pandas as pd

from familyservice_nb.export import neutralise, write_csv, write_excel


def test_csv_dates_are_iso(tmp_path):
    frame = pd.DataFrame(
        {
            "event_date": pd.to_datetime(["2026-11-25", "2026-01-03"]),
            "recorded_at": pd.to_datetime(["2026-11-25 09:05:00", None]),
            "risk_identified": [True, False],
        }
    )
    text = write_csv(frame, tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert text[1] == "2026-11-25,2026-11-25 09:05:00,Yes"
    assert text[2] == "2026-01-03,,No"


def test_formula_like_text_is_neutralised():
    assert [neutralise(v) for v in ["=SUM(A1)", "+1", "-2", "@cmd", "plain", 5]] == [
        "'=SUM(A1)", "'+1", "'-2", "'@cmd", "plain", 5
    ]


def test_excel_export_opens_with_openpyxl_and_keeps_rows(tmp_path):
    frame = pd.DataFrame({"worker": ["=HYPERLINK(\"x\")", "Alex Ashdown"], "notes": [3, 4]})
    path = tmp_path / "t.xlsx"
    write_excel({"By worker": frame}, path)
    sheet = openpyxl.load_workbook(path)["By worker"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("worker", "notes"), ("'=HYPERLINK(\"x\")", 3), ("Alex Ashdown", 4)]


def test_excel_dates_are_uk_dates_and_sheets_are_laid_out_for_reading(tmp_path):
    import datetime as dt

    frame = pd.DataFrame({
        "Record": ["12", "3", None],
        "Reference": ["007", "12", "9"],  # a leading zero: kept as text, so every cell stays text
        "Held on": pd.to_datetime(["2026-09-30", None, "2026-10-01"]),
        "Recorded": pd.to_datetime(["2026-09-30 09:05", "2026-10-02 16:40", None]),
        "Agreed on": [dt.date(2026, 9, 1), None, dt.date(2026, 9, 2)],
        "Family": ["Oakhurst family with a long name", "B", "C"],
    })
    path = tmp_path / "t.xlsx"
    write_excel({"Open cases without a recent case supervision (none in 28 days)": frame}, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Open cases without a recent"]  # cut at a word, no half word
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    assert ([r[0].value for r in rows], rows[0][0].data_type, [r[1].value for r in rows]) == \
        ([12, 3, None], "n", ["007", "12", "9"])
    held, recorded, agreed = rows[0][2], rows[0][3], rows[0][4]
    assert held.is_date and held.value == dt.datetime(2026, 9, 30) and held.number_format == "dd/mm/yyyy"
    assert recorded.is_date and recorded.value == dt.datetime(2026, 9, 30, 9, 5)
    assert recorded.number_format == "dd/mm/yyyy hh:mm"
    assert agreed.is_date and agreed.number_format == "dd/mm/yyyy"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F4"
    assert set("ABCDEF") <= set(sheet.column_dimensions)  # each sized for what it holds, not Excel's default
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert widths["F"] >= len("Oakhurst family with a long name") and widths["C"] >= len("dd/mm/yyyy")


def test_excel_sheet_names_are_cut_at_a_word_and_kept_apart(tmp_path):
    path = tmp_path / "t.xlsx"
    one = pd.DataFrame({"a": [1]})
    write_excel({"Records completed late or overdue": one, "Records completed late or overdue!": one,
                 "Supercalifragilisticexpialidocious-and-more-words": one}, path)
    names = openpyxl.load_workbook(path).sheetnames  # a word longer than Excel allows is cut at 31
    assert names == ["Records completed late or", "Records completed late or (2)", "Supercalifragilisticexpialidoci"]
