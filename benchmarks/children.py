"""Workloads that run in their own (cold) process; each prints one JSON line.

Run as ``python -m benchmarks.children NAME ARGS...``. The parent
(:mod:`benchmarks.run`) starts them, reads the JSON from stdout and the peak
memory from ``os.wait4``.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

# --------------------------------------------------------------------- planner


def planner(home: str, client: str, repeats: str = "30") -> dict[str, Any]:
    """Cold load+plan of one client after imports, then the computation alone."""
    import gc

    from hwcore.bootstrap import open_application
    from hwcore.planner import build_planner

    t0 = time.perf_counter()
    app = open_application(home)
    case = app._load(client)
    build_planner(case)
    load_plan = time.perf_counter() - t0
    t1 = time.perf_counter()
    case = app._load(client)
    load_warm = time.perf_counter() - t1
    computes, cpu = [], []
    for _ in range(int(repeats)):
        gc.collect()
        t = time.perf_counter()
        c = time.process_time()
        build_planner(case)
        cpu.append(time.process_time() - c)
        computes.append(time.perf_counter() - t)
    app.close()
    return {
        "load_plan_ms": load_plan * 1000,
        "load_warm_ms": load_warm * 1000,
        "compute_ms": [c * 1000 for c in computes],
        "compute_cpu_ms": [c * 1000 for c in cpu],
        "assignments": len(case.assignments),
        "version": case.version,
    }


# ----------------------------------------------------------------- read floor


def readfloor(home: str) -> dict[str, Any]:
    """Read (and decode) the whole notification log without writing anything."""
    from hwcore.bootstrap import open_application

    t0 = time.perf_counter()
    app = open_application(home)
    count = 0
    start = 1
    while True:
        items = app.recorder.select_notifications(start, 1000)
        if not items:
            break
        for item in items:
            app.mapper.to_domain_event(item)
        count += len(items)
        start = items[-1].id + 1
    took = time.perf_counter() - t0
    app.close()
    return {"events": count, "seconds": took}


# ---------------------------------------------------------------------- append

APPEND_CLIENTS = 10


def append(variant: str, n: str) -> dict[str, Any]:
    """Events/s recording one event per command: hw, bare eventsourcing or raw sqlite3."""
    count = int(n)
    with tempfile.TemporaryDirectory(dir=os.environ.get("HW_BENCH_SCRATCH")) as tmp:
        if variant == "hw":
            took = _append_hw(Path(tmp), count)
        elif variant == "eventsourcing":
            took = _append_eventsourcing(Path(tmp), count)
        elif variant == "sqlite3":
            took = _append_sqlite3(Path(tmp), count)
        else:
            msg = f"unknown append variant {variant!r}"
            raise SystemExit(msg)
    return {"events": count, "seconds": took, "events_per_s": count / took}


def _append_hw(home: Path, count: int) -> float:
    from hwcore.bootstrap import open_application

    app = open_application(home / "hw")
    names = [f"A{i:03d}" for i in range(APPEND_CLIENTS)]
    for name in names:
        app.register_client(name)
        app.hold_session(name, 1, "2026-01-05")
    t0 = time.perf_counter()
    for i in range(count):
        app.note_change(names[i % APPEND_CLIENTS], "life", "invented note", session=1)
    took = time.perf_counter() - t0
    app.close()
    return took


@functools.cache
def _bare_classes() -> tuple[Any, Any]:
    """A minimal aggregate and its Application (defined once: topics are registered)."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Note(Aggregate):
        @event("Registered")
        def __init__(self, client: str) -> None:
            self.client = client
            self.changes: list[str] = []

        @event("ChangeNoted")
        def note_change(self, session: int, kind: str, note: str) -> None:
            self.changes.append(note)

    class Bare(Application[UUID]):
        snapshotting_intervals = {Note: 200}  # noqa: RUF012 (eventsourcing API)

    return Bare, Note


def _bare_application(env: dict[str, str]) -> Any:
    """A bare eventsourcing Application with a minimal aggregate (the floor of a command).

    The same store settings as hw (``env``) and the same snapshot interval.
    """
    bare, note = _bare_classes()
    return bare({**env, "IS_SNAPSHOTTING_ENABLED": "y"}), note


def _bare_appends(env: dict[str, str], count: int) -> float:
    """Seconds for ``count`` get+trigger+save commands of a bare eventsourcing app."""
    app, note_class = _bare_application(env)
    ids = []
    for i in range(APPEND_CLIENTS):
        note = note_class(f"A{i:03d}")
        app.save(note)
        ids.append(note.id)
    t0 = time.perf_counter()
    for i in range(count):
        agg = app.repository.get(ids[i % APPEND_CLIENTS])
        agg.note_change(1, "life", "invented note")
        app.save(agg)
    took = time.perf_counter() - t0
    app.close()
    return took


def _hw_appends(app: Any, count: int) -> float:
    """Seconds for ``count`` one-event hw commands (note_change) on APPEND_CLIENTS clients."""
    names = [f"A{i:03d}" for i in range(APPEND_CLIENTS)]
    for name in names:
        app.register_client(name)
        app.hold_session(name, 1, "2026-01-05")
    t0 = time.perf_counter()
    for i in range(count):
        app.note_change(names[i % APPEND_CLIENTS], "life", "invented note", session=1)
    took = time.perf_counter() - t0
    app.close()
    return took


def _append_hw(home: Path, count: int) -> float:
    from hwcore.bootstrap import open_application

    return _hw_appends(open_application(home / "hw"), count)


def _append_eventsourcing(home: Path, count: int) -> float:
    home = home / "es"
    home.mkdir()
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(home / "events.sqlite"),
        "SQLITE_LOCK_TIMEOUT": "30",
    }
    return _bare_appends(env, count)


def _append_sqlite3(home: Path, count: int) -> float:
    """Raw inserts of the same stored events, WAL + synchronous as eventsourcing leaves it."""
    from hwcore.bootstrap import open_application

    probe = open_application(home / "probe")
    with probe.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = int(cursor.fetchone()[0])
    probe.register_client("A000")
    probe.hold_session("A000", 1, "2026-01-05")
    probe.note_change("A000", "life", "invented note", session=1)
    stored = probe.recorder.select_notifications(1, 10)[-1]
    probe.close()
    db = sqlite3.connect(home / "raw.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER,"
        " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    ids = [uuid4().hex for _ in range(APPEND_CLIENTS)]
    versions = dict.fromkeys(ids, 0)
    t0 = time.perf_counter()
    for i in range(count):
        ident = ids[i % APPEND_CLIENTS]
        versions[ident] += 1
        db.execute("BEGIN")
        db.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (ident, versions[ident], stored.topic, stored.state),
        )
        db.execute("COMMIT")
    took = time.perf_counter() - t0
    db.close()
    return took


# -------------------------------------------------------------------- postgres


def pgappend(variant: str, url: str, n: str) -> dict[str, Any]:
    """Events/s recording one event per command on PostgreSQL: hw or bare eventsourcing.

    Both on the same server, each on its own fresh database; hw with its read
    model in a scratch home, as a workstation on a shared log runs it.
    """
    count = int(n)
    if variant == "hw":
        from hwcore.bootstrap import open_application

        with tempfile.TemporaryDirectory(dir=os.environ.get("HW_BENCH_SCRATCH")) as home:
            took = _hw_appends(open_application(database_url=url, home=home), count)
    elif variant == "eventsourcing":
        from hwcore.config import resolve_settings

        with tempfile.TemporaryDirectory(dir=os.environ.get("HW_BENCH_SCRATCH")) as home:
            env = resolve_settings(home, database_url=url, environ={}).event_store_env()
        # hw opens a store 'hw db init' made (CREATE_TABLE off); bare eventsourcing
        # makes its own tables when it opens, as it does by default (not timed).
        took = _bare_appends({**env, "CREATE_TABLE": "y"}, count)
    else:
        msg = f"unknown pgappend variant {variant!r}"
        raise SystemExit(msg)
    return {"events": count, "seconds": took, "events_per_s": count / took}


def pgwriter(url: str, writer: str, n: str, clients: str) -> dict[str, Any]:
    """One of the concurrent writers: ``n`` one-event commands on shared clients."""
    from hwcore.application import ConcurrencyError
    from hwcore.bootstrap import open_application

    # Each writer is its own "workstation": its own home (read model), one shared log.
    home = tempfile.mkdtemp(dir=os.environ.get("HW_BENCH_SCRATCH"))
    app = open_application(database_url=url, home=home)
    names = [f"P{i:02d}" for i in range(int(clients))]
    acked = failed = 0
    t0 = time.time()
    for i in range(int(n)):
        try:
            app.note_change(names[i % len(names)], "other", f"w{writer}-{i}", session=1)
        except ConcurrencyError:
            failed += 1
        else:
            acked += 1
    t1 = time.time()
    app.close()
    return {"writer": int(writer), "acked": acked, "failed": failed, "start": t0, "end": t1}


def pgcount(url: str, clients: str) -> dict[str, Any]:
    """Count, per writer, the ChangeNoted events stored on the shared clients."""
    from hwcore.bootstrap import open_application

    app = open_application(database_url=url, home=tempfile.gettempdir())
    found: dict[str, int] = {}
    seen: set[str] = set()
    duplicates = 0
    for i in range(int(clients)):
        for entry in app.events.get(_case_id(f"P{i:02d}")):
            note = getattr(entry, "note", None)
            if isinstance(note, str) and note.startswith("w"):
                if note in seen:
                    duplicates += 1
                seen.add(note)
                writer = note[1:].split("-", 1)[0]
                found[writer] = found.get(writer, 0) + 1
    app.close()
    return {"found": found, "duplicates": duplicates}


def _case_id(client: str) -> UUID:
    from hwcore.domain import case_id_for

    return case_id_for(client)


# ------------------------------------------------------------------------- tui


def tui(mode: str, home: str) -> dict[str, Any]:
    """Milliseconds from process launch (HW_BENCH_T0) to the first painted screen."""
    import asyncio

    from benchmarks.tuidriver import first_paint

    launched = float(os.environ.get("HW_BENCH_T0", time.time()))
    painted_at, idle_at, rows = asyncio.run(first_paint(mode, home))
    return {
        "ms": (painted_at - launched) * 1000,
        "idle_ms": (idle_at - launched) * 1000,
        "rows": rows,
    }


def keys(mode: str, home: str, client: str, n: str) -> dict[str, Any]:
    """Key press to repainted fit feedback in the next-assignment form, ``n`` keys."""
    import asyncio

    from benchmarks.tuidriver import keystrokes

    return {"ms": asyncio.run(keystrokes(mode, home, client, int(n)))}


WORKLOADS = {
    "planner": planner,
    "readfloor": readfloor,
    "append": append,
    "pgappend": pgappend,
    "pgwriter": pgwriter,
    "pgcount": pgcount,
    "tui": tui,
    "keys": keys,
}


def main(argv: list[str]) -> None:
    """Run one workload and print its JSON result."""
    result = WORKLOADS[argv[0]](*argv[1:])
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
