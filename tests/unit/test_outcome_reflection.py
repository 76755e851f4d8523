"""Seed 003's next-session checklist at an outcome: the insights gained, the modification planned."""

from __future__ import annotations

import dataclasses

import pytest

from hwcore.application import OutcomeEntry
from hwcore.application.commands import apply_outcome
from hwcore.domain import AssignmentSpec, Case, InvalidValueError, MissReason
from hwcore.domain.snapshot import pack_assignment, unpack_assignment
from tests.unit.builders import new_case, session_date

INSIGHTS = "Evening fatigue is the barrier, not motivation"
MODIFICATION = "Switch to morning practice; phone notes instead of paper"


def _case_with_two() -> Case:
    case = new_case()
    for n in (1, 2):
        case.hold_session(n, session_date(n))
    for title in ("Mood log", "Walk"):
        case.assign(
            1, AssignmentSpec(title=title, format="written", size="small", framing="experiment")
        )
    return case


def test_a_completion_and_a_miss_keep_the_insights_and_the_modification() -> None:
    case = _case_with_two()
    case.complete(1, 2, experience="easy", insights=INSIGHTS, modification=MODIFICATION)
    case.miss(2, 2, reasons=[MissReason.FORGOTTEN], insights="x", modification="smaller")

    done, missed = case.assignments[1].resolution, case.assignments[2].resolution
    assert done is not None
    assert missed is not None
    assert (done.insights, done.modification) == (INSIGHTS, MODIFICATION)
    assert (missed.insights, missed.modification) == ("x", "smaller")
    replayed = Case.replay(case.collect_events())
    assert replayed.assignments[1].resolution == done
    assert replayed.assignments[2].resolution == missed


def test_the_outcome_entry_carries_them_to_the_event() -> None:
    case = _case_with_two()
    entry = OutcomeEntry(
        assignment_id=1, outcome="partial", done=2, planned=7, insights=INSIGHTS, modification="m"
    )
    apply_outcome(case, 2, entry)
    [event] = [e for e in case.collect_events() if isinstance(e, Case.HomeworkCompleted)]
    assert (event.insights, event.modification) == (INSIGHTS, "m")


def test_an_outcome_without_them_records_empty_text() -> None:
    case = _case_with_two()
    case.complete(1, 2)
    resolution = case.assignments[1].resolution
    assert resolution is not None
    assert (resolution.insights, resolution.modification) == ("", "")


@pytest.mark.parametrize("field", ["insights", "modification"])
def test_over_long_insights_or_modification_are_refused_without_echo(field: str) -> None:
    case = _case_with_two()
    with pytest.raises(InvalidValueError) as raised:
        case.complete(1, 2, **{field: "tired " * 1000})
    assert "tired" not in str(raised.value)
    assert field in str(raised.value)
    assert case.assignments[1].resolution is None
    with pytest.raises(InvalidValueError):
        case.miss(2, 2, **{field: "tired " * 1000})


@pytest.mark.parametrize("cls", [Case.HomeworkCompleted, Case.HomeworkMissed])
def test_an_outcome_event_of_class_version_1_is_upcast_with_both_empty(cls: type) -> None:
    assert cls.class_version == 2
    state: dict[str, object] = {"assignment_id": 1, "session": 2}
    cls.upcast_v1_v2(state)
    assert (state["insights"], state["modification"]) == ("", "")
    names = [f.name for f in dataclasses.fields(cls)]
    assert names[-2:] == ["insights", "modification"]


def test_a_snapshot_keeps_them_and_an_older_snapshot_reads_them_empty() -> None:
    case = _case_with_two()
    case.complete(1, 2, insights=INSIGHTS, modification=MODIFICATION)
    packed = pack_assignment(case.assignments[1])
    assert packed["resolution"]["insights"] == INSIGHTS
    assert unpack_assignment(packed) == case.assignments[1]
    del packed["resolution"]["insights"], packed["resolution"]["modification"]
    resolution = unpack_assignment(packed).resolution
    assert resolution is not None
    assert (resolution.insights, resolution.modification) == ("", "")


def test_a_correction_changes_them_and_only_on_a_resolved_assignment() -> None:
    case = _case_with_two()
    case.complete(1, 2, insights="first thought")
    case.correct(1, 2, {"insights": INSIGHTS, "modification": "m"}, "typed in the wrong box")
    resolution = case.assignments[1].resolution
    assert resolution is not None
    assert (resolution.insights, resolution.modification) == (INSIGHTS, "m")
    with pytest.raises(InvalidValueError, match="insights only on"):
        case.correct(2, 2, {"insights": "x"}, "no outcome yet")
