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
