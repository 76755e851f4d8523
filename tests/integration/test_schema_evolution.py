"""Stores written by older hw still load and plan the same (upcast, never rebuild).

tests/fixtures/store_v1/events.sqlite was written once by the event classes of
hw 0.1.0 (every event type, and a snapshot); expected.json is what hw read
from it then. Both are committed and frozen: when an event class changes,
this test must keep passing by upcasting the old events (see build.py).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY
from tests.fixtures.store_v1.build import expected

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store_v1"


def test_the_v1_store_loads_and_plans_as_it_did(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(FIXTURE / "events.sqlite", home / "events.sqlite")  # never open the original
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        assert expected(app) == json.loads((FIXTURE / "expected.json").read_text())


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
