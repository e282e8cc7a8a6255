"""Every file made for a spreadsheet is safe to open in Excel: the attack is formula text and control
characters in an extract, then every output path (the command line's CSV, `write_excel`, the pages'
downloads). Cells and headers come out neutral, characters Excel cannot hold are replaced, the
download still arrives, and a failed download says so without writing cell text to the log."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from familyservice_nb.export import excel_safe, neutralise, write_csv, write_excel

ATTACKS = ['=HYPERLINK("http://x.invalid","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", "  =1+1"]
VT = "first line\x0bsecond line"  # Word pastes a line break inside a cell as a vertical tab
BELL = "ring\x07ring"
HEADER = "note_id,case_id,worker,team,note_type,event_date,recorded_at,risk_identified,status,free_text"


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def is_neutral(value: str) -> bool:
    """Text a spreadsheet keeps as text (a number column's "-4" in a CSV is a number, and harmless)."""
    return is_number(value) or value.startswith("'") or value.lstrip(" ")[:1] not in {"=", "+", "-", "@", "\t", "\r"}


def test_each_attack_is_prefixed_and_plain_text_is_not():
    assert [neutralise(v) for v in ATTACKS] == ["'" + v.replace("\r", "\n") for v in ATTACKS]
    assert [neutralise(v) for v in ["plain", "O'Neill", "", 5, None]] == ["plain", "O'Neill", "", 5, None]


def test_control_characters_are_replaced_not_fatal():
    assert neutralise(VT) == "first line\nsecond line"
    assert neutralise(BELL) == "ring\ufffdring"
    assert neutralise("=x\x0b") == "'=x\n"


@given(st.text())
def test_any_text_comes_out_neutral_and_holdable(text):
    out = neutralise(text)
    assert is_neutral(out)
    kept = out[1:] if out != text and out.startswith("'") and not text.startswith("'") else out
    assert len(kept) == len(text.replace("\r\n", "\n"))  # one character for one: nothing dropped, nothing added but the apostrophe
    openpyxl.Workbook().active.append([out])  # openpyxl refuses what Excel cannot hold


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "=HYPERLINK(\"x\")": ATTACKS[:3] + [VT],
        "worker": pd.Categorical(["@SUM", "-2+3", BELL, "plain"]),
        "notes": [1, 2, 3, -4],
    })


def test_write_excel_neutralises_cells_and_headers_and_holds_control_characters(tmp_path):
    path = tmp_path / "t.xlsx"
    write_excel({"By worker": hostile_frame()}, path)
    rows = list(openpyxl.load_workbook(path)["By worker"].iter_rows(values_only=True))
    assert rows[0] == ("'=HYPERLINK(\"x\")", "worker", "notes")
    assert [r[0] for r in rows[1:]] == ["'" + v for v in ATTACKS[:3]] + ["first line\nsecond line"]
    assert [r[1] for r in rows[1:]] == ["'@SUM", "'-2+3", "ring\ufffdring", "plain"]
    assert [r[2] for r in rows[1:]] == [1, 2, 3, -4]  # numbers stay numbers, negative ones too
    for row in rows:
        assert all(is_neutral(v) for v in row if isinstance(v, str))


def test_write_csv_neutralises_cells_and_headers(tmp_path):
    text = write_csv(hostile_frame(), tmp_path / "t.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["'=HYPERLINK(\"x\")", "worker", "notes"]
    assert all(is_neutral(v) for row in rows for v in row)
    assert rows[-1] == ["first line\nsecond line", "plain", "-4"]


def test_excel_safe_leaves_the_frame_it_was_given_alone():
    frame = hostile_frame()
    before = frame.copy()
    excel_safe(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_the_timeliness_command_writes_neutral_csv(tmp_path):
    lines = [HEADER]
    for i, attack in enumerate(ATTACKS + [VT, BELL]):
        lines.append(f"N{i},C1,{quote(attack)},North,Visit,16/11/2026,23/11/2026 16:00:00,No,Complete,{quote(attack)}")
    lines.append(f"N0,C1,{quote(ATTACKS[0])},North,Visit,16/11/2026,,No,Complete,repeat")
    lines.append('"=1+1",C1,w,North,Visit,bad date,,No,Complete,"@x"')
    extract = tmp_path / "extract.csv"
    extract.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rejects = tmp_path / "timeliness.csv", tmp_path / "rejects.csv"
    done = subprocess.run([sys.executable, "-m", "familyservice_nb", "timeliness", str(extract), "--out", str(out),
                           "--rejects", str(rejects), "--as-of", "25/11/2026"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    for path, expected in ((out, len(ATTACKS) + 2), (rejects, 2)):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert len(rows) == expected + 1
        cells = [v for row in rows for v in row]
        assert all(is_neutral(v) for v in cells), [v for v in cells if not is_neutral(v)]
        assert not any(c in v for v in cells for c in "\x0b\x07\r")
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert "'" + ATTACKS[0] in set(written["worker"]) and "'" + ATTACKS[1] in set(written["free_text"])


def test_a_page_download_with_formula_text_and_a_vertical_tab_arrives():
    from familyservice_nb.ui.kit.tables import ExcelDownload

    download = ExcelDownload(lambda: {"Late": hostile_frame()}, filename="late.xlsx")
    sent = []
    download.send = lambda content, buffers=None: sent.append((content, buffers))
    download._on_message(download, {"event": "download"}, [])
    (content, buffers), = sent
    assert "error" not in content and len(buffers) == 1
    rows = list(openpyxl.load_workbook(io.BytesIO(buffers[0]))["Late"].iter_rows(values_only=True))
    assert rows[4][0] == "first line\nsecond line" and rows[1][0] == "'" + ATTACKS[0]


def test_a_failed_download_says_so_and_logs_no_cell_text(capfd):
    from familyservice_nb.ui.kit.tables import DOWNLOAD_FAILED, ExcelDownload

    def broken():
        raise ValueError("secret cell text: Jo Bloggs, 12 Acacia Avenue")

    download = ExcelDownload(broken, filename="late.xlsx")
    sent = []
    download.send = lambda content, buffers=None: sent.append((content, buffers))
    download._on_message(download, {"event": "download"}, [])
    (content, buffers), = sent
    assert content["error"] == DOWNLOAD_FAILED and buffers == []
    log = capfd.readouterr()
    assert "Acacia" not in log.err + log.out and "ValueError" in log.err
