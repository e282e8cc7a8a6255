"""Hostile text round-trips exactly and is never executed, in records and in imported notes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelp import MANAGER, make_supervision, seed_people

from familyservice_nb.records import Case
from familyservice_nb.store import Store

HOSTILE = [
    "<script>alert('x')</script>",
    "<b onmouseover=\"alert(1)\">bold</b> &amp; &lt;",
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A9)",
    "Robert'); DROP TABLE records;--",
    "it's \"quoted\" `backticked` \\ back\\slash %s %(name)s ? :param $1",
    "Emoji 👨‍👩‍👧‍👦 🏳️‍🌈 and accents: Zoë, Siân, Ōtautahi",
    "مرحبا بالعالم — שלום עולם (right to left)",
    "Line one\nLine two\r\nLine three\ttabbed  ",
    "   leading and trailing spaces   ",
    "nul \x00 inside",
    "x" * 100_000,
]


def test_hostile_text_in_a_record_comes_back_exactly(store_url):
    store = Store(store_url)
    seed_people(store)
    store.save_cases([Case(case_id="CASE-<'\";>", family_pseudonym="<i>O'Brien</i> 👪", allocated_worker=None,
                           team="North", open_date="01/09/2026")])
    manager = Store(store_url, user=MANAGER)
    ids = []
    last_action: dict[str, str] = {}  # each supervision reviews the action the case's previous one agreed
    for i, text in enumerate(HOSTILE):
        case_id = "C-N1" if i % 2 else "CASE-<'\";>"
        reviews = [{"action_id": last_action[case_id], "status": "Done"}] if case_id in last_action else []
        last_action[case_id] = f"A{i}"
        record = make_supervision(
            case_id=case_id, previous_actions=reviews,
            progress=text, case_summary=text if text.strip() else "summary",
            agreed_actions=[{"action_id": f"A{i}", "what": text if text.strip() else "x", "by_whom": "=cmd",
                             "by_when": "27/11/2026"}],
        )
        record_id = manager.save_draft(record)
        manager.complete(record_id)
        ids.append((record_id, record))
    for record_id, record in ids:
        back = store.get(record_id)
        assert back.progress == record.progress
        assert back.case_summary == record.case_summary
        assert back.agreed_actions[0].what == record.agreed_actions[0].what
        assert back.case_id == record.case_id
    assert store.case("CASE-<'\";>").family_pseudonym == "<i>O'Brien</i> 👪"
    assert store.check().intact
    assert store.check().records_by_kind["supervision"]["complete"] == len(HOSTILE)


def test_hostile_text_in_an_extract_comes_back_exactly(store_url, tmp_path):
    shown = [t for t in HOSTILE if "\x00" not in t and t == t.strip() and len(t) < 200]  # a CSV keeps neither
    long = "y" * 100_000
    frame = pd.DataFrame({
        "note_id": [f"N{i}" for i in range(len(shown))] + ["'; DELETE FROM notes;--", "LONG-TEXT", "LONG-ID"],
        "case_id": shown + ["C1", "C1", long],
        "worker": shown + ["Kai", "Kai", "Kai"],
        "event_date": "16/11/2026",
        "recorded_at": "17/11/2026 10:00",
        "Free Text": shown + ["=1+1", long, "x"],
    })
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    store = Store(store_url)
    summary = store.import_extract(path, as_of="20/11/2026")
    # An id too long to index is refused, with the reason, the same way on both engines.
    assert summary.rejected == 1
    assert summary.rejects["reason"].tolist() == ["The case ID is longer than 200 characters."]
    assert summary.rejects["note_id"].tolist() == ["LONG-ID"]
    stored = Store(store_url, user=None).notes_frame().set_index("note_id")
    for i, text in enumerate(shown):
        assert stored.loc[f"N{i}", "case_id"] == text
        assert stored.loc[f"N{i}", "worker"] == text
        assert stored.loc[f"N{i}", "Free Text"] == text
    assert stored.loc["'; DELETE FROM notes;--", "Free Text"] == "=1+1"
    assert stored.loc["LONG-TEXT", "Free Text"] == long
    assert len(stored) == len(shown) + 2
    kept = store.import_rejects(summary.import_id)
    assert kept["case_id"].tolist() == [long]


@pytest.fixture(scope="module")
def one_store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hypothesis') / 'workbook.db'}"
    store = Store(url)
    seed_people(store)
    yield Store(url, user=MANAGER)  # the author of the records it saves


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_any_text_round_trips(one_store, text):
    record_id = one_store.save_draft(make_supervision(progress=text, case_summary=text))
    back = one_store.get(record_id)
    assert (back.progress, back.case_summary) == (text, text)
