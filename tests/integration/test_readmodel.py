"""The read model: caseload answers, identical rebuilds, a private file, recovery."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from hwcli.demo import seed
from hwcore.application import HwApplication
from hwcore.application.app import caseload_entry
from hwcore.application.caseload import sort_caseload
from hwcore.bootstrap import open_application
from hwcore.domain import case_id_for
from hwcore.readmodel import ALL_TABLES, MIGRATION_NAMES, MIGRATION_SET, ReadModel
from hwcore.readmodel.migrations import migrations
from tests.conftest import TODAY

DEMO_DUE = {
    "DK": ["three_consecutive_misses"],
    "EM": ["relationship_change"],
    "FR": [],
}
"""The demo caseload's due clients and their active triggers (see hwcli/demo.py)."""


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, fully ordered (to compare two files)."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in ALL_TABLES:
            width = len(conn.execute(f"PRAGMA table_info({table})").fetchall())
            order = ", ".join(str(i) for i in range(1, width + 1))
            sql = f"SELECT * FROM {table} ORDER BY {order}"  # noqa: S608 (constant names)
            out[table] = conn.execute(sql).fetchall()
        return out
    finally:
        conn.close()


def log_counts(app: HwApplication) -> tuple[int, dict[str, int]]:
    """The event log's last notification id and the number of events per client."""
    last = app.recorder.max_notification_id() or 0
    counts: dict[str, int] = {}
    for name in app.export_data()["clients"]:
        counts[name["client"]] = len(name["events"])
    return last, counts


def applied_counts(path: Path) -> tuple[int, dict[str, int]]:
    """The read model's tracked position and its per-client applied-event counters."""
    conn = sqlite3.connect(path)
    try:
        position = conn.execute("SELECT position FROM tracking").fetchone()[0]
        rows = conn.execute("SELECT client, events FROM clients").fetchall()
    finally:
        conn.close()
    return int(position), {str(c): int(n) for c, n in rows}


@pytest.fixture
def demo_home(home: Path) -> Path:
    """A SQLite home seeded with the invented demo caseload."""
    with open_application(home, today=lambda: TODAY) as app:
        seed(app)
    return home


def test_caseload_comes_from_the_read_model_and_matches_the_cases(app: HwApplication) -> None:
    seed(app)
    entries = app.caseload()
    direct = sort_caseload([caseload_entry(app._load(n)) for n in app.client_names()])
    assert entries == direct
    assert app.readmodel is not None
    assert app.readmodel_position() == app.recorder.max_notification_id()
    due = {e.client: list(e.triggers) for e in app.caseload(due_only=True)}
    assert due == DEMO_DUE
    assert [e.client for e in entries[:3]] == ["DK", "EM", "FR"]  # attention first
    assert app.client_names() == ["AB", "C-017", "DK", "EM", "FR"]  # registration order
    assert [c.client for c in app.clients()] == app.client_names()
    assert {c.client: c.pending for c in app.clients()} == dict.fromkeys(app.client_names(), 1)


def test_every_write_updates_the_read_model(app: HwApplication) -> None:
    app.register_client("AB")
    assert app.caseload()[0].sessions == 0
    app.assign(
        "AB",
        session=1,
        date="2026-01-05",
        title="Walk",
        format="behavioral",
        size="small",
        framing="experiment",
    )
    assert app.readmodel is not None
    # The write itself caught up: the file already holds the new rows.
    assert app.readmodel.position() == app.recorder.max_notification_id()
    rows = app.readmodel.rows("assignments")
    assert [(r["client"], r["assignment_id"], r["outcome"]) for r in rows] == [("AB", 1, "pending")]
    app.miss("AB", 1, session=2, date="2026-01-12", reasons="forgotten")
    row = app.readmodel.rows("assignments")[0]
    assert (row["outcome"], row["resolved_session"], json.loads(row["reasons"])) == (
        "missed",
        2,
        ["forgotten"],
    )
    entry = app.caseload()[0]
    assert (entry.sessions, entry.pending, entry.completion_rate) == (2, 0, 0.0)


def test_no_free_text_is_copied_into_the_read_model(demo_home: Path) -> None:
    text = (demo_home / "readmodel.sqlite").read_bytes()
    for words in ("kitchen table", "Started a new job", "Easier than I expected", "Thought record"):
        assert words.encode() not in text


@pytest.mark.sqlite_only
def test_deleting_the_file_or_rebuilding_gives_identical_tables(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    before = dump(path)
    assert len(before["clients"]) == 5
    assert len(before["reviews"]) == 6
    assert len(before["changes"]) == 2

    path.unlink()
    with open_application(demo_home, today=lambda: TODAY) as app:
        names = app.client_names()  # any read-model command restores it
    assert names == ["AB", "C-017", "DK", "EM", "FR"]
    assert dump(path) == before

    with open_application(demo_home, today=lambda: TODAY) as app:
        applied = app.rebuild_readmodel()
        assert applied == app.recorder.max_notification_id()
    assert dump(path) == before
    with open_application(demo_home) as app:
        last, counts = log_counts(app)
    assert applied_counts(path) == (last, counts)


@pytest.mark.sqlite_only
def test_file_is_private_and_versioned_with_sqlite_utils_migrations(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [m.name for m in migrations._migrations] == list(MIGRATION_NAMES)
    conn = sqlite3.connect(path)
    try:
        names = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert [n[0] for n in names] == list(MIGRATION_NAMES)
    assert mode == "wal"


@pytest.mark.sqlite_only
def test_an_unreadable_file_is_replaced_and_rebuilt(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    before = dump(path)
    path.write_bytes(b"this is not a database" * 100)
    with open_application(demo_home, today=lambda: TODAY) as app:
        assert len(app.caseload()) == 5
    assert dump(path) == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
def test_a_replaced_event_store_is_projected_anew(demo_home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with open_application(other, today=lambda: TODAY) as app:
        app.register_client("ZZ")
        app.hold_session("ZZ", 1, "2026-01-05")
    # Put another store under this read model: its tracked event is not there.
    shutil.copy(other / "events.sqlite", demo_home / "events.sqlite")
    with open_application(demo_home, today=lambda: TODAY) as app:
        assert app.client_names() == ["ZZ"]
        assert [e.client for e in app.caseload()] == ["ZZ"]
        last, counts = log_counts(app)
    assert applied_counts(demo_home / "readmodel.sqlite") == (last, counts)


def test_an_embedded_application_gets_an_in_memory_read_model() -> None:
    app = HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, today=lambda: TODAY)
    try:
        seed(app)
        assert {e.client for e in app.caseload(due_only=True)} == set(DEMO_DUE)
        assert app.readmodel is not None
        assert app.readmodel.path is None
    finally:
        app.close()


@pytest.mark.sqlite_only
def test_catch_up_reloads_a_case_it_has_not_seen(demo_home: Path) -> None:
    """A fresh process meets a client mid-log: it loads the case at the version before."""
    path = demo_home / "readmodel.sqlite"
    with open_application(demo_home, today=lambda: TODAY) as app:
        app.readmodel = None  # write without updating the read model
        app.complete("AB", "latest", session=13, date="2025-11-24")
        app.readmodel = ReadModel(path, batch_size=3)
        assert app.refresh_readmodel() == 2  # the session and the outcome
        rows = {r["assignment_id"]: r for r in app.readmodel.rows("assignments")
                if r["client"] == "AB"}  # fmt: skip
        assert rows[12]["outcome"] == "completed"
        case = app._load("AB")
        assert case.version == app.readmodel.rows("clients")[0]["version"]
        assert case_id_for("AB") == case.id
        last, counts = log_counts(app)
    assert applied_counts(path) == (last, counts)


def test_a_long_lived_process_keeps_the_same_tables_as_a_rebuild(tmp_path: Path) -> None:
    """Incremental writes (only changed or appended rows) never drift from a rebuild."""
    home = tmp_path / "h"
    app = open_application(home, today=lambda: TODAY)
    try:
        app.register_client("LL")
        app.assign(
            "LL",
            session=1,
            date="2026-01-05",
            title="Walk",
            format="behavioral",
            size="small",
            framing="experiment",
        )
        for n in range(2, 7):
            app.note_change("LL", "life", f"note {n}", session=n - 1)
            app.complete("LL", "latest", session=n, date=f"2026-0{n}-05")
            app.assign(
                "LL", title=f"Walk {n}", format="behavioral", size="small", framing="experiment"
            )
            if n == 4:
                app.review("LL")  # flips every earlier change's 'active' flag
            if n == 5:
                app.correct("LL", 2, {"outcome": "missed"}, "misheard")
        app.note_change("LL", "relationship", "after the review")
        live = dump(home / "readmodel.sqlite")
    finally:
        app.close()
    fresh = tmp_path / "fresh.sqlite"
    source = open_application(home, today=lambda: TODAY)
    try:
        ReadModel(fresh).rebuild(source.event_source)
    finally:
        source.close()
    assert dump(fresh) == live
    assert len(live["changes"]) == 6
