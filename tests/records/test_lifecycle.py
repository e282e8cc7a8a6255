"""The record life cycle over plain facts (`records.lifecycle`): each transition's allowed and refused cases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyservice_nb.errors import NotAllowed, WorkbookError
from familyservice_nb.records import lifecycle
from familyservice_nb.records.lifecycle import FIRST_DRAFT, RecordLocked, RecordState, Step

DRAFT, COMPLETE = RecordState.DRAFT, RecordState.COMPLETE
FRI_20_NOV = dt.date(2026, 11, 20)
MON_23_NOV = dt.date(2026, 11, 23)
PEOPLE = ("alex.author", "casey.creator", "morgan.manager", "sam.amender")
states = st.sampled_from(list(RecordState))
versions = st.integers(min_value=1, max_value=9)
reasons = st.sampled_from([None, "", "   ", "\n", "Wrong date typed", " the child's name was misspelt "])


def allowed():
    return None


def refused():
    raise NotAllowed("You cannot give the day it went on Mosaic for record 7.")


# -- states as stored --------------------------------------------------------------------------------


def test_states_are_the_stored_words_and_compare_with_them():
    assert [s.value for s in RecordState] == ["draft", "complete"]
    assert RecordState.DRAFT == "draft" and RecordState("complete") is COMPLETE
    assert f"{COMPLETE}" == "complete"


def test_a_new_record_is_a_first_draft():
    assert FIRST_DRAFT == Step(DRAFT, 1)


# -- save a draft -----------------------------------------------------------------------------------


@given(states, versions)
def test_saving_a_draft_keeps_it_a_draft_at_its_version_and_a_completed_record_is_locked(state, version):
    if state == DRAFT:
        assert lifecycle.save_draft(7, state, version) == Step(DRAFT, version)
    else:
        with pytest.raises(RecordLocked, match="Record 7 was completed and is locked, so it cannot be saved over"):
            lifecycle.save_draft(7, state, version)


def test_a_stored_state_string_is_read_as_its_state():
    assert lifecycle.save_draft(7, "draft", 2) == Step(DRAFT, 2)
    with pytest.raises(RecordLocked, match="make an amendment and give the reason"):
        lifecycle.save_draft(7, "complete", 2)


# -- complete ---------------------------------------------------------------------------------------


@given(states, versions, st.booleans())
def test_completing_locks_a_draft_and_a_completed_record_only_once(state, version, contents_given):
    if state == DRAFT:
        assert lifecycle.complete(7, state, version, contents_given) == Step(COMPLETE, version)
    elif not contents_given:
        assert lifecycle.complete(7, state, version, contents_given) is None  # a double click: nothing changes
    else:
        with pytest.raises(RecordLocked, match="Record 7 is already completed and locked; amend it instead."):
            lifecycle.complete(7, state, version, contents_given)


# -- amend ------------------------------------------------------------------------------------------


@given(states, versions, reasons, st.booleans())
def test_an_amendment_needs_a_reason_and_a_completed_record(state, version, reason, complete):
    given_reason = bool(reason and reason.strip())
    if not given_reason:
        with pytest.raises(WorkbookError, match="An amendment needs a reason"):
            lifecycle.amend(7, state, version, reason, complete)
    elif state != COMPLETE:
        with pytest.raises(WorkbookError, match="Record 7 is still a draft: save the draft"):
            lifecycle.amend(7, state, version, reason, complete)
    else:
        assert lifecycle.amend(7, state, version, reason, complete) == Step(COMPLETE if complete else DRAFT,
                                                                             version + 1)


def test_the_reason_is_asked_for_before_the_state():
    with pytest.raises(WorkbookError, match="An amendment needs a reason"):
        lifecycle.amend(7, DRAFT, 1, " ")
    assert lifecycle.require_reason("Wrong date typed") == "Wrong date typed"


def test_an_amendment_is_completed_unless_kept_as_its_draft():
    assert lifecycle.amend(7, COMPLETE, 2, "Wrong date typed") == Step(COMPLETE, 3)
    assert lifecycle.amend(7, COMPLETE, 2, "Wrong date typed", complete=False) == Step(DRAFT, 3)


# -- discard ----------------------------------------------------------------------------------------


@given(states, versions, st.sampled_from(PEOPLE), st.sampled_from(PEOPLE), st.sampled_from(PEOPLE),
       st.sampled_from(PEOPLE))
def test_only_a_draft_and_only_by_who_wrote_it(state, version, actor, author, created_by, saved_by):
    writers = {author, created_by} if version == 1 else {saved_by}
    if state != DRAFT:
        with pytest.raises(RecordLocked, match="Record 7 is completed: a completed record is never discarded"):
            lifecycle.discard(7, state, version, actor, author, created_by, saved_by)
    elif actor not in writers:
        writer = author if version == 1 else saved_by
        with pytest.raises(NotAllowed, match=f"^Only {writer}, who wrote draft 7, can discard it.$"):
            lifecycle.discard(7, state, version, actor, author, created_by, saved_by)
    else:
        left = lifecycle.discard(7, state, version, actor, author, created_by, saved_by)
        assert left == (None if version == 1 else Step(COMPLETE, version - 1))


def test_a_first_draft_goes_altogether_when_its_author_or_creator_discards_it():
    assert lifecycle.discard(7, DRAFT, 1, "alex.author", "alex.author", "casey.creator", "sam.amender") is None
    assert lifecycle.discard(7, DRAFT, 1, "casey.creator", "alex.author", "casey.creator", "sam.amender") is None
    with pytest.raises(NotAllowed, match="Only alex.author"):
        lifecycle.discard(7, DRAFT, 1, "sam.amender", "alex.author", "casey.creator", "sam.amender")


def test_an_amendments_draft_goes_back_to_the_version_it_amends_and_only_its_amender_discards_it():
    assert lifecycle.discard(7, DRAFT, 3, "sam.amender", "alex.author", "alex.author", "sam.amender") == Step(
        COMPLETE, 2)
    with pytest.raises(NotAllowed, match="Only sam.amender, who wrote draft 7"):
        lifecycle.discard(7, DRAFT, 3, "alex.author", "alex.author", "alex.author", "sam.amender")


# -- the day it went on Mosaic ---------------------------------------------------------------------


days = st.dates(min_value=dt.date(2026, 11, 1), max_value=dt.date(2026, 12, 31))


@given(states, days, days, st.sampled_from([None, FRI_20_NOV, MON_23_NOV]), st.booleans())
def test_the_mosaic_date_only_on_a_completed_record_by_who_may_amend_between_the_event_and_today(
        state, day, today, entered_on, may_amend):
    def give():
        return lifecycle.mosaic_date(7, state, FRI_20_NOV, day, today, entered_on,
                                     check_may_amend=allowed if may_amend else refused)

    if state != COMPLETE:
        with pytest.raises(WorkbookError, match="Record 7 is still a draft: complete it before saying it is on Mosaic"):
            give()
    elif not may_amend:
        with pytest.raises(NotAllowed):
            give()
    elif day < FRI_20_NOV:
        with pytest.raises(WorkbookError, match=f"{day:%d/%m/%Y} is before the record's date, 20/11/2026"):
            give()
    elif day > today:
        with pytest.raises(WorkbookError, match=f"Entered on Mosaic: {day:%d/%m/%Y} is in the future"):
            give()
    else:
        assert give() is (entered_on != day)


def test_the_mosaic_date_must_be_a_date():
    with pytest.raises(WorkbookError, match="give the date it was entered, for example 25/11/2026"):
        lifecycle.mosaic_date(7, COMPLETE, FRI_20_NOV, "23/11/2026", MON_23_NOV, None, check_may_amend=allowed)


def test_the_mosaic_date_on_the_event_day_and_today_are_kept_and_the_same_day_again_changes_nothing():
    assert lifecycle.mosaic_date(7, COMPLETE, FRI_20_NOV, FRI_20_NOV, MON_23_NOV, None, check_may_amend=allowed)
    assert lifecycle.mosaic_date(7, COMPLETE, FRI_20_NOV, MON_23_NOV, MON_23_NOV, FRI_20_NOV,
                                 check_may_amend=allowed)
    assert not lifecycle.mosaic_date(7, COMPLETE, FRI_20_NOV, MON_23_NOV, MON_23_NOV, MON_23_NOV,
                                     check_may_amend=allowed)


def test_who_may_amend_is_asked_after_the_state_and_before_the_dates():
    asked = []

    def ask():
        asked.append(True)
        raise NotAllowed("refused")

    with pytest.raises(WorkbookError, match="still a draft"):
        lifecycle.mosaic_date(7, DRAFT, FRI_20_NOV, "not a date", MON_23_NOV, None, check_may_amend=ask)
    assert asked == []
    with pytest.raises(NotAllowed, match="refused"):
        lifecycle.mosaic_date(7, COMPLETE, FRI_20_NOV, "not a date", MON_23_NOV, None, check_may_amend=ask)
    assert asked == [True]
