"""Review and closure summaries reuse the supervision sections."""

import datetime as dt

import pytest
from pydantic import ValidationError

from familyservice_nb.records import CaseDiscussion, ClosureSummary, ReviewSummary, SupervisionRecord, explain


def test_summaries_share_the_case_discussion_sections():
    sections = set(CaseDiscussion.model_fields)
    for cls in (SupervisionRecord, ReviewSummary, ClosureSummary):
        assert issubclass(cls, CaseDiscussion)
        assert sections <= set(cls.model_fields)
    assert set(ClosureSummary.model_fields) - sections == {"closure_reason", "closure_date"}
    assert set(ReviewSummary.model_fields) == sections


def test_review_summary_friday_20_11_2026_due_friday_27_11(make):
    assert make("review_summary").due_date() == dt.date(2026, 11, 27)


def test_review_applies_the_same_checks_naming_the_review(make, valid):
    action = {**valid("review_summary")["agreed_actions"][0], "by_when": "2026-11-01"}
    with pytest.raises(ValidationError, match="before the review on 20/11/2026"):
        make("review_summary", agreed_actions=[action])


def test_closure_needs_reason_and_date(valid):
    data = valid("closure_summary")
    del data["closure_reason"], data["closure_date"]
    with pytest.raises(ValidationError) as caught:
        ClosureSummary.model_validate(data)
    assert explain(caught.value) == ["Closure reason: this is needed.", "Closure date: this is needed."]


def test_closure_date_before_the_summary_rejected(make):
    with pytest.raises(ValidationError) as caught:
        make("closure_summary", closure_date="19/11/2026")
    assert explain(caught.value) == [
        "Closure date: this is before the date of the closure discussion, 20/11/2026; if you are writing this after "
        "the case closed, give the date the discussion was held."]


def test_closure_on_the_day_of_the_summary_accepted(make):
    assert make("closure_summary", closure_date="20/11/2026").closure_date == dt.date(2026, 11, 20)
