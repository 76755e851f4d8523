"""The Case aggregate: events emitted, guards, corrections, replay."""

from __future__ import annotations

import datetime as dt

import pytest

from hwcore.domain import (
    AlreadyResolvedError,
    AssignmentNotFoundError,
    AssignmentSpec,
    Case,
    ChangeKind,
    FollowupProtocol,
    Format,
    InvalidValueError,
    MissReason,
    Outcome,
    ReviewTrigger,
    SessionOrderError,
    Size,
    SystemChoice,
    case_id_for,
    validate_client,
)
from tests.unit.builders import give, new_case, session_date


def spec(**kw: object) -> AssignmentSpec:
    base: dict[str, object] = {
        "title": "Mood log",
        "format": Format.WRITTEN,
        "size": Size.SMALL,
        "framing": "experiment",
    }
    base.update(kw)
    return AssignmentSpec(**base)  # type: ignore[arg-type]


def test_registration_emits_registered_with_deterministic_id() -> None:
    case = Case(client="AB")
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["Registered"]
    assert case.id == case_id_for("AB")
    assert case.id != case_id_for("AC")


@pytest.mark.parametrize("bad", ["", " ", "a b", "-AB", "x" * 41, "AB/1"])
def test_client_identifier_rules(bad: str) -> None:
    with pytest.raises(InvalidValueError, match="client"):
        validate_client(bad)


def test_assign_and_resolve_emit_one_event_each() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    ident = case.assign(1, spec())
    case.hold_session(2, session_date(2))
    case.miss(ident, 2, explanation="I forgot", reasons=[MissReason.FORGOTTEN])
    names = [type(e).__name__ for e in case.collect_events()]
    assert names == [
        "Registered",
        "SessionHeld",
        "HomeworkAssigned",
        "SessionHeld",
        "HomeworkMissed",
    ]
    assert case.assignments[ident].outcome is Outcome.MISSED
    assert case.assignments[ident].resolution is not None
    assert case.assignments[ident].resolution.reasons == (MissReason.FORGOTTEN,)


def test_outcome_for_unknown_assignment_is_refused() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    with pytest.raises(AssignmentNotFoundError):
        case.complete(7, 1)


def test_resolving_twice_is_refused_and_emits_nothing() -> None:
    case = new_case()
    ident = give(case, 1)
    case.collect_events()
    with pytest.raises(AlreadyResolvedError, match="already resolved"):
        case.miss(ident, 2)
    assert case.collect_events() == []


def test_outcome_session_cannot_go_backwards() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    case.hold_session(3, session_date(3))
    ident = case.assign(3, spec())
    with pytest.raises(SessionOrderError):
        case.complete(ident, 1)


@pytest.mark.parametrize(
    ("done", "planned"),
    [(-1, 7), (8, 7), (3, 0), (3, None)],
)
def test_bad_doses_are_refused(done: int, planned: int | None) -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    ident = case.assign(1, spec())
    case.hold_session(2, session_date(2))
    with pytest.raises(InvalidValueError):
        case.complete(ident, 2, partial=True, done=done, planned=planned)


def test_partial_takes_planned_doses_from_the_assignment() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    ident = case.assign(1, spec(planned_doses=7))
    case.hold_session(2, session_date(2))
    case.complete(ident, 2, partial=True, done=6)
    resolution = case.assignments[ident].resolution
    assert resolution is not None
    assert (resolution.done, resolution.planned) == (6, 7)
    assert resolution.score == pytest.approx(6 / 7)


def test_a_miss_may_carry_zero_reasons_and_duplicates_collapse() -> None:
    case = new_case()
    a = give(case, 1, outcome="missed")
    b = give(case, 2, outcome="missed", reasons=("forgotten", "forgotten", "too-complex"))
    res_a = case.assignments[a].resolution
    res_b = case.assignments[b].resolution
    assert res_a is not None
    assert res_a.reasons == ()
    assert res_b is not None
    assert res_b.reasons == (MissReason.FORGOTTEN, MissReason.TOO_COMPLEX)


def test_session_must_be_held_and_date_is_stable() -> None:
    case = new_case()
    with pytest.raises(InvalidValueError, match="held session"):
        case.assign(1, spec())
    case.hold_session(1, session_date(1))
    assert case.hold_session(1, session_date(1)) is False
    with pytest.raises(SessionOrderError):
        case.hold_session(1, session_date(2))


def test_inferred_session_date_can_be_replaced_by_the_real_one() -> None:
    case = new_case()
    case.hold_session(2, dt.date(2026, 1, 12), inferred=True)
    assert case.hold_session(2, dt.date(2026, 1, 13)) is True
    assert case.sessions[2].held_on == dt.date(2026, 1, 13)
    assert not case.sessions[2].inferred


@pytest.mark.parametrize(
    "kw",
    [{"title": " "}, {"framing": ""}, {"confidence": 11}, {"confidence": -1}, {"planned_doses": 0}],
)
def test_bad_assignment_fields_are_refused(kw: dict[str, object]) -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    with pytest.raises(InvalidValueError):
        case.assign(1, spec(**kw))


def test_correction_is_an_event_and_changes_the_state() -> None:
    case = new_case()
    ident = give(case, 1, outcome="missed")
    case.collect_events()
    case.correct(ident, 2, {"outcome": "partial", "done": 3, "planned": 7}, "misheard")
    (event,) = case.collect_events()
    assert type(event).__name__ == "EntryCorrected"
    resolution = case.assignments[ident].resolution
    assert resolution is not None
    assert resolution.outcome is Outcome.PARTIAL
    assert (resolution.done, resolution.planned) == (3, 7)
    assert case.corrections[0].reason == "misheard"


def test_correction_needs_a_reason_and_a_known_field() -> None:
    case = new_case()
    ident = give(case, 1)
    with pytest.raises(InvalidValueError, match="reason"):
        case.correct(ident, 2, {"format": "visual"}, " ")
    with pytest.raises(InvalidValueError, match="field"):
        case.correct(ident, 2, {"colour": "red"}, "typo")
    with pytest.raises(InvalidValueError, match="format"):
        case.correct(ident, 2, {"format": "telepathic"}, "typo")


def test_correction_back_to_pending_reopens_the_assignment() -> None:
    case = new_case()
    ident = give(case, 1)
    case.correct(ident, 2, {"outcome": "pending"}, "recorded on the wrong client")
    assert case.assignments[ident].outcome is Outcome.PENDING
    case.complete(ident, 2)
    assert case.assignments[ident].outcome is Outcome.COMPLETED


def test_review_guards() -> None:
    case = new_case()
    case.hold_session(5, session_date(5))
    with pytest.raises(InvalidValueError, match="next review"):
        case.review(5, SystemChoice(), FollowupProtocol(), 5, ReviewTrigger.CADENCE, "")


def test_replay_gives_the_same_state_and_as_of_filters_by_session() -> None:
    case = new_case()
    give(case, 1)
    give(case, 2, outcome="missed")
    case.note_change(3, ChangeKind.LIFE, "moved house")
    events = case.collect_events()
    replayed = Case.replay(events)
    assert replayed.assignments == case.assignments
    assert replayed.changes == case.changes
    earlier = Case.replay(events, until_session=2)
    assert set(earlier.sessions) == {1, 2}
    assert earlier.assignments[2].outcome is Outcome.PENDING
    assert earlier.assignments[1].outcome is Outcome.COMPLETED
    assert earlier.changes == []


@pytest.mark.parametrize("number", [0, -3, 10_001, 10**20])
def test_session_numbers_are_bounded(number: int) -> None:
    case = new_case()
    with pytest.raises(InvalidValueError, match="session"):
        case.hold_session(number, session_date(1))
    assert case.sessions == {}


def test_doses_are_bounded() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    with pytest.raises(InvalidValueError, match="planned doses"):
        case.assign(1, spec(planned_doses=10**19))
    ident = case.assign(1, spec())
    case.hold_session(2, session_date(2))
    with pytest.raises(InvalidValueError, match="planned"):
        case.complete(ident, 2, partial=True, done=3, planned=10**19)


def test_session_dates_follow_session_numbers() -> None:
    case = new_case()
    case.hold_session(5, dt.date(2026, 2, 2))
    with pytest.raises(SessionOrderError, match="out of order"):
        case.hold_session(6, dt.date(2020, 1, 1))
    with pytest.raises(SessionOrderError, match="out of order"):
        case.hold_session(4, dt.date(2026, 3, 1))
    assert case.hold_session(6, dt.date(2026, 2, 2)) is True  # same day is fine


def test_a_correction_cannot_predate_its_assignment() -> None:
    case = new_case()
    give(case, 1)
    ident = give(case, 3)
    with pytest.raises(SessionOrderError, match="before assignment"):
        case.correct(ident, 2, {"size": "tiny"}, "typo")


def test_a_change_needs_a_note() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    with pytest.raises(InvalidValueError, match="note"):
        case.note_change(1, ChangeKind.LIFE, "  ")


def test_a_long_framing_is_refused_without_echoing_it() -> None:
    case = new_case()
    case.hold_session(1, session_date(1))
    words = "she feels ashamed when her partner reads her journal, every single time"
    with pytest.raises(InvalidValueError) as info:
        case.assign(1, spec(framing=words))
    assert words not in str(info.value)
    assert "characters" in str(info.value)
    with pytest.raises(InvalidValueError) as info:
        case.review(
            1, SystemChoice(framing=words), FollowupProtocol(), 9, ReviewTrigger.CADENCE, ""
        )
    assert words not in str(info.value)


def test_the_case_events_are_each_built_once() -> None:
    """Each event declared in ``Case`` subclasses ``Case.Event``: eventsourcing does not rebuild it.

    An event declared on ``Aggregate.Event`` is rebuilt as a subclass of the
    original and ``Case.Event`` (a second frozen dataclass at every start-up,
    ``cli_write``); a rebuilt class has a base of its own name.
    Inherited ones (the clinical mixin's, eventsourcing's ``Created``) are rebuilt.
    """
    from eventsourcing.domain import Aggregate

    inherited = {"Created", "MeasureTaken", "ConsentRecorded", "AlertAcknowledged"}
    declared = {
        name: value
        for name, value in vars(Case).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and name != "Event"
    }
    assert set(declared) - inherited >= {"Registered", "HomeworkAssigned", "HomeworkMissed"}
    for name, event in declared.items():
        rebuilt = any(base.__name__ == name for base in event.__bases__)
        assert rebuilt == (name in inherited), name
        assert issubclass(event, Case.Event), name


def test_a_partial_with_too_many_doses_gets_one_message() -> None:
    """done 4 of 3 and done 3 of 3 for a partial: both 'fewer than planned', never 'at most' first."""
    from hwcore.domain import InvalidValueError

    for done in (3, 4):
        case = new_case()
        with pytest.raises(InvalidValueError, match=r"fewer than planned \(3\) for a partial"):
            give(case, session=1, outcome="partial", done=done, planned=3)
