"""Stores written by older hw still load and plan the same (upcast, never rebuild).

tests/fixtures/store_v1/events.sqlite was written once by the event classes of
hw 0.1.0 (every event type, and a snapshot); expected.json is what hw read
from it then. Both are committed and frozen: when an event class changes,
this test must keep passing by upcasting the old events (see build.py).
A planner rule the spec revises on purpose is listed, with the spec's words,
in ``_planner_revision_2``; fields added since are not compared.
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from hwcore.application import OutcomeEntry
from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY
from tests.fixtures.store_v1.build import expected

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store_v1"


def _as_frozen(now: Any, frozen: Any) -> Any:
    """``now`` limited to the keys ``frozen`` has: fields added since are additive."""
    if isinstance(now, dict) and isinstance(frozen, dict):
        return {k: _as_frozen(now[k], frozen[k]) if k in now else None for k in frozen}
    if isinstance(now, list) and isinstance(frozen, list) and len(now) == len(frozen):
        return [_as_frozen(n, f) for n, f in zip(now, frozen, strict=True)]
    return now


def _planner_revision_2(frozen: dict[str, Any]) -> dict[str, Any]:
    """The frozen reading with the one rule revision 2 changed in this history.

    Spec section 4 r2: "a side with fewer than 2 assignments says 'not enough
    to say' instead of naming a pattern". V1 has one miss (and, as of session
    3, one completion): those sides name no value, phase or miss reason now,
    and so the default diagnostic question lists no "most often" reasons.
    Nothing else a v1 store reads differs.
    """
    out = copy.deepcopy(frozen)
    nothing = {"count": 0, "values": []}
    for plan, side in (
        ("plan", "missed_in_common"),
        ("plan_as_of_3", "missed_in_common"),
        ("plan_as_of_3", "completed_in_common"),
    ):
        group = out["V1"][plan][side]
        for field in ("format", "size", "framing", "frequency", "reasons"):
            group[field].update(nothing)
        group["phase"] = None
    followup = out["V1"]["plan_as_of_3"]["followup"]
    followup["missed_diagnostic"] = followup["missed_diagnostic"].split(" (Misses so far")[0]
    return out


def test_the_v1_store_loads_and_plans_as_it_did(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURE / "events.sqlite", home / "events.sqlite")  # never open the original
    frozen = json.loads((FIXTURE / "expected.json").read_text())
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        now = json.loads(json.dumps(expected(app)))
    assert _as_frozen(now, frozen) == _planner_revision_2(frozen)
    assert now["V1"]["plan"]["missed_in_common"]["note"] == "not enough to say"
    assert now["V1"]["plan"]["current_system"]["size"] == "small"  # the v1 review's choice


def test_the_fixture_covers_every_event_type_and_a_snapshot() -> None:
    uri = f"{(FIXTURE / 'events.sqlite').as_uri()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as conn:
        topics = {r[0] for r in conn.execute("SELECT DISTINCT topic FROM stored_events")}
        snapshots = conn.execute("SELECT topic FROM stored_snapshots").fetchall()
    conn.close()
    names = {t.rsplit(".", 1)[-1] for t in topics}
    assert names == {
        "Registered",
        "SessionHeld",
        "HomeworkAssigned",
        "HomeworkCompleted",
        "HomeworkMissed",
        "FramingChanged",
        "ChangeNoted",
        "SystemReviewed",
        "EntryCorrected",
    }
    assert [t for (t,) in snapshots] == ["hwcore.domain.case:Case.Snapshot"]


def test_v1_outcomes_read_without_insights_and_take_new_ones(tmp_path: Path) -> None:
    """Revision 2's outcome fields: a v1 outcome is upcast (both empty), a new one keeps them."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURE / "events.sqlite", home / "events.sqlite")
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        old = [a for a in app.assignments("V1") if a.outcome != "pending"]
        assert old
        assert all((a.insights, a.modification) == ("", "") for a in old)
        assert (
            "Clinical insights gained: not recorded" in app.clinical.progress_note("V1", 3).text()
        )
        entry = OutcomeEntry(assignment_id=5, outcome="completed", insights="noticed")
        app.record_outcome("V1", entry, session=6, date="2025-10-06")
        assert app.assignment("V1", 5).insights == "noticed"
        events = [e for e in app.history("V1") if e.event == "HomeworkCompleted"]
        assert events[-1].data["insights"] == "noticed"
        assert events[0].data["insights"] == ""  # a v1 event, upcast as it is read
