"""Concurrent writers on one client, as real processes, on SQLite and PostgreSQL.

Every acknowledged write must be in the final log exactly once; a write that
was refused must not be there; a command that is no longer valid after another
writer's change (resolving an assignment someone else just resolved) is
refused with a clear message.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, HwApplication, StoreError
from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY

WRITERS = 6
WRITES_EACH = 8

# One writer process: wait for the start signal, then assign WRITES_EACH
# homework to the same client and report each outcome as a JSON line.
WRITER = r"""
import json, os, sys, time
from pathlib import Path
from hwcore.bootstrap import open_application
from hwcore.application import AssignmentSpec, HwError

name, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
app = open_application()
while not go.exists():
    time.sleep(0.005)
for k in range(count):
    title = f"{name}-{k}"
    try:
        app.assign("CC", AssignmentSpec(title=title, format="behavioral", size="small",
                   framing="experiment"), session=1)
    except HwError as e:
        print(json.dumps({"title": title, "ok": False, "error": str(e)}), flush=True)
    else:
        print(json.dumps({"title": title, "ok": True}), flush=True)
app.close()
"""

# One resolver process: wait for the start signal, then mark assignment 1 done.
RESOLVER = r"""
import json, sys, time
from pathlib import Path
from hwcore.bootstrap import open_application
from hwcore.application import HwError

go = Path(sys.argv[1])
app = open_application()
while not go.exists():
    time.sleep(0.005)
try:
    app.complete("CC", 1, session=2, date="2026-01-12")
except HwError as e:
    print(json.dumps({"ok": False, "type": type(e).__name__, "error": str(e)}))
else:
    print(json.dumps({"ok": True}))
app.close()
"""


def start(script: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """Start one Python child running ``script``."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(procs: list[subprocess.Popen[str]]) -> list[dict[str, object]]:
    """Wait for every child; all must exit 0 without a traceback."""
    outputs = [(proc, *proc.communicate(timeout=300)) for proc in procs]  # wait for all first
    lines: list[dict[str, object]] = []
    for proc, out, err in outputs:
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        lines += [json.loads(line) for line in out.splitlines() if line.strip()]
    return lines


def go_when_ready(go: Path) -> None:
    """Give the children time to open the store, then release them together."""
    time.sleep(1.0)
    go.touch()


def seeded(settings: Settings) -> None:
    """Register the shared client and hold session 1."""
    with open_application(settings=settings, today=lambda: TODAY) as app:
        app.register_client("CC")
        app.hold_session("CC", 1, "2026-01-05")


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(
    store_settings: Settings, store_env: dict[str, str], tmp_path: Path
) -> None:
    seeded(store_settings)
    go = tmp_path / "go"
    procs = [start(WRITER, [f"w{i}", str(WRITES_EACH), str(go)], store_env) for i in range(WRITERS)]
    go_when_ready(go)
    results = finish(procs)
    assert len(results) == WRITERS * WRITES_EACH
    acknowledged = {str(r["title"]) for r in results if r["ok"]}
    refused = [r for r in results if not r["ok"]]
    for r in refused:  # retries ran out: a clear, one-line message
        assert "another writer" in str(r["error"]), r
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        titles = Counter(a.title for a in app.assignments("CC"))
        versions = [e.originator_version for e in app.events.get(_case_id("CC"))]
    assert set(titles) == acknowledged
    assert all(n == 1 for n in titles.values())
    assert versions == list(range(1, len(versions) + 1))
    # Each acknowledged write is one event after the registration and the session.
    assert len(versions) == 2 + len(acknowledged)
    # Under this load the retries are enough: nothing had to be refused.
    assert not refused


def _case_id(client: str) -> object:
    from hwcore.domain import case_id_for

    return case_id_for(client)


def test_a_command_no_longer_valid_is_refused_clearly(
    store_settings: Settings, store_env: dict[str, str], tmp_path: Path
) -> None:
    seeded(store_settings)
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        app.assign(
            "CC",
            AssignmentSpec(title="Walk", format="behavioral", size="small", framing="x"),
            session=1,
        )
    go = tmp_path / "go"
    procs = [start(RESOLVER, [str(go)], store_env) for _ in range(WRITERS)]
    go_when_ready(go)
    results = finish(procs)
    winners = [r for r in results if r["ok"]]
    losers = [r for r in results if not r["ok"]]
    assert len(winners) == 1
    assert len(losers) == WRITERS - 1
    for r in losers:
        assert r["type"] in ("AlreadyResolvedError", "InvalidValueError"), r
        assert "already resolved" in str(r["error"]) or "has none" in str(r["error"]), r
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        events = [type(e).__name__ for e in app.events.get(_case_id("CC"))]
    assert events.count("HomeworkCompleted") == 1


@pytest.mark.sqlite_only
def test_a_locked_sqlite_store_is_a_clear_error(store_settings: Settings) -> None:
    seeded(store_settings)
    env = store_settings.event_store_env() | {"SQLITE_LOCK_TIMEOUT": "1"}
    app = HwApplication(env, today=lambda: TODAY)
    holder = sqlite3.connect(store_settings.events_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError, match="busy") as info:
            app.assign(
                "CC",
                AssignmentSpec(title="Walk", format="behavioral", size="small", framing="x"),
                session=1,
            )
        assert "Walk" not in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Once the lock is gone the same command goes through.
    app.assign(
        "CC",
        AssignmentSpec(title="Walk", format="behavioral", size="small", framing="x"),
        session=1,
    )
    assert [a.title for a in app.assignments("CC")] == ["Walk"]
    app.close()
