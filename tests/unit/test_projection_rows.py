"""The read model's rows: the fast paths write exactly what the plain code would."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable

from hwcore.domain import (
    AssignmentSpec,
    Case,
    ChangeKind,
    FollowupProtocol,
    Format,
    MissReason,
    ReviewTrigger,
    Size,
    SystemChoice,
)
from hwcore.domain.measures import PHQ9
from hwcore.readmodel.projection import _reasons_json
from hwcore.readmodel.writes import touched_assignments
from tests.unit.builders import new_case, session_date


def test_reasons_are_written_as_json_dumps_writes_them() -> None:
    """The joined text equals ``json.dumps`` for every combination, in order."""
    for n in range(1, 4):
        for reasons in itertools.permutations(MissReason, n):
            assert _reasons_json(reasons) == json.dumps([r.value for r in reasons])
    # The join relies on words json.dumps does not escape: a new value must stay one.
    assert all(re.fullmatch(r"[a-z][a-z-]*", r.value) for r in MissReason)


def _step(case: Case, command: Callable[[Case], object]) -> tuple[set[int], frozenset[int] | None]:
    """Run one command: the assignments it replaced (by identity) and what the events say."""
    case.collect_events()
    before = dict(case.assignments)
    command(case)
    events = case.collect_events()
    assert events  # every command here records something
    replaced = {i for i, a in case.assignments.items() if before.get(i) is not a}
    return replaced, touched_assignments(events)


def test_touched_assignments_names_every_assignment_an_event_replaces() -> None:
    """Each kind of event, applied: the rows it changes are the ones it names, or it says None."""
    case = new_case()
    commands: list[tuple[str, Callable[[Case], object]]] = [
        ("session", lambda c: c.hold_session(1, session_date(1))),
        (
            "assign",
            lambda c: c.assign(
                1,
                AssignmentSpec(
                    title="walk", format=Format.WRITTEN, size=Size.SMALL, framing="experiment"
                ),
            ),
        ),
        (
            "assign",
            lambda c: c.assign(
                1,
                AssignmentSpec(
                    title="read", format=Format.VISUAL, size=Size.TINY, framing="practice"
                ),
            ),
        ),
        ("session", lambda c: c.hold_session(2, session_date(2))),
        ("complete", lambda c: c.complete(1, 2, partial=True, done=1, planned=3)),
        ("miss", lambda c: c.miss(2, 2, explanation="x", reasons=[MissReason.FORGOTTEN])),
        ("correct", lambda c: c.correct(1, 2, {"format": "visual"}, "typo")),
        ("framing", lambda c: c.change_framing(2, "experiment", "try it", "fits")),
        ("change", lambda c: c.note_change(2, ChangeKind.parse("life"), "moved")),
        (
            "review",
            lambda c: c.review(2, SystemChoice(), FollowupProtocol(), 5, ReviewTrigger.CADENCE, ""),
        ),
        ("measure", lambda c: c.take_measure(2, PHQ9, items=[0] * 8 + [1])),
        ("alert", lambda c: c.acknowledge_alert(2, "phq9_item9", 2, "plan reviewed")),
        ("consent", lambda c: c.record_consent(2, "email", boundaries="b", privacy_risk="p")),
        ("date", lambda c: c.correct_session_date(1, session_date(1) - dt.timedelta(1), "r")),
    ]
    seen: dict[str, tuple[set[int], frozenset[int] | None]] = {}
    for name, command in commands:
        replaced, said = _step(case, command)
        seen[name] = (replaced, said)
        if said is not None:
            assert replaced <= said, name
    # What each kind says (so that the check above checks something).
    assert seen["assign"][1] == frozenset({2})
    assert seen["complete"] == ({1}, frozenset({1}))
    assert seen["miss"] == ({2}, frozenset({2}))
    assert seen["correct"] == ({1}, frozenset({1}))
    for name in ("session", "framing", "change", "review", "measure", "alert", "consent"):
        assert seen[name] == (set(), frozenset()), name
    assert seen["date"] == ({1, 2}, None)  # re-dates every assignment of the session
    assert touched_assignments([*new_case("CD").collect_events()]) is None  # a registration


def test_touched_assignments_knows_every_event_of_a_case() -> None:
    """A new kind of event is classified (or knowingly left to the full comparison)."""
    from hwcore.readmodel.writes import _NO_ASSIGNMENT, _ONE_ASSIGNMENT

    known = {*_ONE_ASSIGNMENT, *_NO_ASSIGNMENT, Case.Registered, Case.SessionDateCorrected}
    events = {
        value
        for name, value in vars(Case).items()
        if isinstance(value, type) and issubclass(value, Case.Event) and value is not Case.Event
    }
    events |= {getattr(Case, n) for n in ("MeasureTaken", "ConsentRecorded", "AlertAcknowledged")}
    events.discard(Case.Snapshot)
    assert events - known <= {getattr(Case, "Created", None)}  # eventsourcing's own, unused
    assert len(known) == 13
