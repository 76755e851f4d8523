"""Spec section 3 (r2): the session an outcome belongs to, and correcting a session's date."""

from __future__ import annotations

import datetime as dt

import pytest

from hwcore.domain import AssignmentSpec, Case, InvalidValueError, SessionOrderError
from tests.unit.builders import new_case, session_date

WALK = AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment")


def _assigned_at_1() -> tuple[Case, int]:
    case = new_case()
    case.hold_session(1, session_date(1))
    return case, case.assign(1, WALK)


@pytest.mark.parametrize("how", ["complete", "partial", "miss"])
def test_resolving_homework_at_the_session_that_assigned_it_is_refused(how: str) -> None:
    case, ident = _assigned_at_1()
    case.collect_events()
    record = (
        (lambda: case.miss(ident, 1))
        if how == "miss"
        else (lambda: case.complete(ident, 1, partial=how == "partial"))
    )
    with pytest.raises(SessionOrderError, match="an outcome belongs to a later session"):
        record()
    assert case.collect_events() == []
    assert case.assignments[ident].resolution is None


def test_an_outcome_belongs_to_a_session_after_the_one_the_homework_was_assigned_at() -> None:
    case, ident = _assigned_at_1()
    case.hold_session(2, session_date(2))
    case.complete(ident, 2)
    assert case.assignments[ident].resolution is not None


def test_a_correction_that_records_an_outcome_at_the_assigning_session_is_refused() -> None:
    case, ident = _assigned_at_1()
    with pytest.raises(SessionOrderError, match="later session"):
        case.correct(ident, 1, {"outcome": "missed"}, "entered on the wrong line")


def test_correcting_a_sessions_date_is_a_correction_event_like_the_others() -> None:
    case, ident = _assigned_at_1()
    case.hold_session(2, session_date(2))
    case.collect_events()
    right = session_date(1) + dt.timedelta(days=1)
    case.correct_session_date(1, right, "typed the wrong day")
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["SessionDateCorrected"]
    assert case.sessions[1].held_on == right
    assert case.assignments[ident].assigned_on == right
    replayed = Case.replay([*_history(), *events])
    assert replayed.sessions[1].held_on == right


def _history() -> list[object]:
    case, _ = _assigned_at_1()
    case.hold_session(2, session_date(2))
    return list(case.collect_events())


def test_a_session_date_correction_is_guarded() -> None:
    case, _ = _assigned_at_1()
    case.hold_session(2, session_date(2))
    with pytest.raises(InvalidValueError, match="a date other than the recorded one"):
        case.correct_session_date(1, session_date(1), "same")
    with pytest.raises(InvalidValueError, match="reason"):
        case.correct_session_date(1, session_date(1) - dt.timedelta(days=1), " ")
    with pytest.raises(SessionOrderError, match="out of order"):
        case.correct_session_date(1, session_date(3), "after session 2")
    with pytest.raises(InvalidValueError, match="a held session"):
        case.correct_session_date(5, session_date(5), "not held")
