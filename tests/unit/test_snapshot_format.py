"""Case snapshots: packed as plain JSON, and the earlier transcoded form still loads."""

from __future__ import annotations

import dataclasses
import json

from hwcore.application import HwApplication
from hwcore.domain import Case
from tests.unit.builders import give, new_case


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
