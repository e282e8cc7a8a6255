"""Every kind by name; JSON round-trips; hostile text stays exactly as typed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familyservice_nb.records import RECORD_KINDS, Recording, kind_of, render_text

HOSTILE = [
    "<script>alert('x')</script>",
    "=SUM(A1:A9)",
    "+44 then -1 and @mention",
    "Robert'); DROP TABLE notes;--",
    "Feeling 😀👨‍👩‍👧 today",
    "مرحبا بالعالم — שלום",
    "line one\r\nline two\n\ttabbed",
    "&lt;b&gt; not bold &amp; not decoded",
    "x" * 100_000,
]

# A free-text field of each kind that render_text shows.
SHOWN_TEXT = {
    "case_note": "text", "session": "observations_and_reflections", "gfpo_session": "activities",
    "supervision": "progress", "review_summary": "still_to_happen", "closure_summary": "closure_reason",
    "line_management": "workload_management", "epdr": "development",
}


def test_the_eight_kinds():
    assert list(RECORD_KINDS) == ["case_note", "session", "gfpo_session", "supervision", "review_summary",
                                  "closure_summary", "line_management", "epdr"]
    for name, cls in RECORD_KINDS.items():
        assert kind_of(cls).key == name and issubclass(cls, Recording)


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_form_fields_come_from_the_json_schema(kind):
    schema = RECORD_KINDS[kind].model_json_schema()
    for name, field in RECORD_KINDS[kind].model_fields.items():
        assert schema["properties"][name]["title"] == field.title
        assert schema["properties"][name]["description"] == field.description


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_json_round_trip(kind, make):
    record = make(kind, record_id="REC-1")
    again = RECORD_KINDS[kind].model_validate_json(record.model_dump_json())
    assert again == record
    assert again.due_date() == record.due_date()


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_round_trips_and_renders_verbatim(kind, hostile, make):
    record = make(kind, **{SHOWN_TEXT[kind]: hostile})
    again = RECORD_KINDS[kind].model_validate_json(record.model_dump_json())
    assert getattr(again, SHOWN_TEXT[kind]) == hostile
    assert hostile in render_text(again)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1).filter(str.strip))
def test_any_text_round_trips_and_renders_verbatim(make, typed):
    record = make("supervision", case_summary=typed, pbr_comment=typed)
    again = RECORD_KINDS["supervision"].model_validate_json(record.model_dump_json())
    assert again.case_summary == typed == again.pbr_comment
    assert typed in render_text(again)
