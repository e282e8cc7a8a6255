"""The registry of quality standards: the guidance's table as data, figures from the one rule."""

import pandas as pd
import pytest

from familyservice_nb import assess_timeliness, overall_timeliness
from familyservice_nb.standards import STANDARDS, Evidence, standard, standards_table


@pytest.fixture
def assessed():
    frame = pd.DataFrame(
        {
            "note_id": ["a", "b", "c", "d", "e"],
            "event_date": pd.to_datetime(["2026-11-02"] * 4 + ["2026-11-24"]),
            "recorded_at": pd.to_datetime(["2026-11-03", "2026-11-20", None, "2026-11-03", None]),
            "status": ["Complete", "Complete", "Complete", "Deleted", "Complete"],
        }
    )
    return assess_timeliness(frame, as_of="2026-11-25")


def test_record_timeliness_is_the_first_standard_with_the_guidance_words():
    first = next(iter(STANDARDS.values()))
    assert first.name == "Record timeliness"
    assert first.descriptor == "Time taken to make running records on cases"
    assert first.responsibility == "Team Manager / Senior Professional Practitioner"
    assert "next working day where there is risk identified" in first.timescale
    assert "5 working days" in first.timescale


def test_record_timeliness_figure_equals_percent_on_time(assessed):
    pct, counted = STANDARDS["Record timeliness"].figure(Evidence(notes=assessed))
    figures = overall_timeliness(assessed)
    assert counted == 3  # on time, late, overdue; not pending, not deleted
    assert pct == pytest.approx(figures["pct_on_time"], abs=0.05)


def test_results_are_per_record(assessed):
    met = STANDARDS["Record timeliness"].results(Evidence(notes=assessed))
    assert met.tolist()[:3] == [True, False, False]
    assert met.isna().tolist() == [False, False, False, True, True]


def test_table_without_evidence_lists_the_words():
    table = standards_table()
    assert list(table.columns) == ["standard", "descriptor", "timescale", "responsibility"]
    assert table.iloc[0]["standard"] == "Record timeliness"


def test_a_new_standard_is_one_declared_unit(assessed):
    @standard(
        "Risk notes on time (test)",
        descriptor="Notes where risk was identified, recorded by the next working day",
        timescale="Next working day",
        responsibility="Team Manager",
    )
    def risk_notes(evidence):
        t = evidence.notes["timeliness"]
        return (t == "on_time").where(evidence.notes["rule"].astype(str).str.contains("risk"))

    try:
        table = standards_table(Evidence(notes=assessed)).set_index("standard")
        assert "Risk notes on time (test)" in table.index
        assert table.loc["Record timeliness", "records_counted"] == 3
        # no risk notes in the evidence: nothing counts yet, and the figure says so
        assert table.loc["Risk notes on time (test)", "records_counted"] == 0
    finally:
        STANDARDS.pop("Risk notes on time (test)")


def test_a_standard_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="already declared"):
        standard("Record timeliness", descriptor="", timescale="", responsibility="")(lambda e: None)


def test_missing_evidence_gives_no_figure_not_an_error():
    table = standards_table(Evidence())
    assert table.iloc[0]["records_counted"] == 0


def test_a_standard_can_be_declared_again_on_purpose():
    first = STANDARDS["Record timeliness"]
    try:
        standard("Record timeliness", descriptor="x", timescale="y", responsibility="z", replace=True)(lambda e: None)
        assert STANDARDS["Record timeliness"].descriptor == "x"
        assert list(STANDARDS)[0] == "Record timeliness"  # keeps its place in the table
    finally:
        STANDARDS["Record timeliness"] = first
