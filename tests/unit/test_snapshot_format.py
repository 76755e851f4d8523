"""Case snapshots: packed as plain JSON, and the earlier transcoded form still loads."""

from __future__ import annotations

import dataclasses
import json

import attrs

from hwcore.application import HwApplication
from hwcore.domain import Assignment, AssignmentSpec, Case, Resolution, SessionRecord, Weekday
from tests.unit.builders import give, new_case, session_date


def _case() -> Case:
    case = new_case("SNAP")
    give(case, 1, outcome="completed", size="tiny", planned=7)
    give(case, 2, outcome="partial", done=3, planned=7, format="behavioral")
    give(case, 3, outcome="missed", reasons=("forgotten", "too-complex"), explanation="x")
    give(case, 4, outcome="pending", frequency="daily")
    return case


def _state(case: Case) -> dict[str, object]:
    return {k: v for k, v in vars(case).items() if not k.startswith("_")}


def test_packed_snapshot_is_plain_json_and_rebuilds_the_same_case() -> None:
    case = _case()
    snapshot = Case.Snapshot.take(case)
    packed = {k: snapshot.state[k] for k in ("sessions", "assignments")}
    assert json.loads(json.dumps(packed)) == packed  # no transcoded values inside
    assert _state(snapshot.mutate(None)) == _state(case)


def test_packed_snapshot_round_trips_through_the_store_mapper() -> None:
    app = HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case = _case()
    stored = app.mapper.to_stored_event(Case.Snapshot.take(case))
    assert _state(app.mapper.to_domain_event(stored).mutate(None)) == _state(case)


def test_a_snapshot_in_the_earlier_transcoded_form_still_loads() -> None:
    case = _case()
    snapshot = Case.Snapshot.take(case)
    old_state = dict(snapshot.state)
    old_state["sessions"] = list(case.sessions.values())
    old_state["assignments"] = list(case.assignments.values())
    old = dataclasses.replace(snapshot, state=old_state)
    assert _state(old.mutate(None)) == _state(case)


def _built(value: object) -> object:
    """The same value built through its class's own __init__ (converters and all)."""
    kind = type(value)
    kwargs = {f.name: getattr(value, f.name) for f in attrs.fields(kind) if f.init}
    return kind(**kwargs)


def test_restored_values_are_those_init_builds() -> None:
    """A snapshot fills the values' fields directly: the same fields, order and types."""
    case = _case()
    case.hold_session(6, session_date(6))
    spec = AssignmentSpec(
        title="walk",
        format="visual",
        size="small",
        framing="practice",
        frequency="daily",
        days=("thu", "mon"),
        time="7:30",
        planned_doses=7,
        client_why="É\n",
    )
    case.assign(6, spec)
    rebuilt = Case.Snapshot.take(case).mutate(None)
    values = [*rebuilt.sessions.values(), *rebuilt.assignments.values()]
    values += [a.spec for a in rebuilt.assignments.values()]
    values += [a.resolution for a in rebuilt.assignments.values() if a.resolution]
    assert {type(v) for v in values} == {SessionRecord, Assignment, AssignmentSpec, Resolution}
    for value in values:
        built = _built(value)
        assert list(vars(value).items()) == list(vars(built).items())
        assert [type(x) for x in vars(value).values()] == [type(x) for x in vars(built).values()]
        assert value == built
    last = rebuilt.assignments[max(rebuilt.assignments)].spec
    assert last.days == (Weekday.MON, Weekday.THU)
    assert last.time == "07:30"


def test_restored_classes_need_nothing_else_of_init() -> None:
    """No validator, no post-init; every converter is one the restore applies."""
    from hwcore.domain.snapshot import _SPEC_CONVERTED, _VOCABULARY

    for kind in (SessionRecord, Assignment, AssignmentSpec, Resolution):
        assert "__dict__" in dir(kind), kind  # not slotted: the restore fills __dict__
        assert not hasattr(kind, "__attrs_post_init__")
        for f in attrs.fields(kind):
            assert f.validator is None, (kind, f.name)
            if f.converter is not None:
                assert f.name in _VOCABULARY or (f.name, f.converter) in _SPEC_CONVERTED
