"""The read model: caseload answers, identical rebuilds, a private file, recovery."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification

from hwcli.demo import seed
from hwcore.application import AssignmentSpec, HwApplication, OutcomeEntry, purge_client
from hwcore.application.caseload import sort_caseload
from hwcore.application.views import caseload_entry
from hwcore.bootstrap import open_application
from hwcore.config import Settings
from hwcore.domain import Case, ChangeKind, ClientNotFoundError, HwError, case_id_for
from hwcore.readmodel import (
    ALL_TABLES,
    MIGRATION_NAMES,
    MIGRATION_SET,
    EventStoreSource,
    ReadModel,
)
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
        AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment"),
        session=1,
        date="2026-01-05",
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
        _assign_walk(app, "LL")
        for n in range(2, 7):
            app.note_change("LL", "life", f"note {n}", session=n - 1)
            app.complete("LL", "latest", session=n, date=f"2026-0{n}-05")
            app.assign(
                "LL",
                AssignmentSpec(
                    title=f"Walk {n}", format="behavioral", size="small", framing="experiment"
                ),
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


class CountingSource(EventStoreSource):
    """The application's real event store, counting log reads and case loads."""

    def __init__(self, app: HwApplication) -> None:
        super().__init__(app.recorder, app.mapper, app.repository)
        self.reads = 0
        self.loads = 0

    def select_notifications(self, start: int, limit: int) -> Sequence[Notification]:
        """Read the log (and count it)."""
        self.reads += 1
        return super().select_notifications(start, limit)

    def load_case(self, case_id: UUID, version: int, state: bytes) -> Case:
        """The case at a version (counted when the repository does not keep it as saved)."""
        if self.repository.saved_case(case_id, version, state) is None:
            self.loads += 1
        return super().load_case(case_id, version, state)


def _assign_walk(app: HwApplication, client: str) -> None:
    """A small behavioural experiment for ``client`` at session 1."""
    app.assign(
        client,
        AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment"),
        session=1,
        date="2026-01-05",
    )


def _started(app: HwApplication) -> tuple[ReadModel, CountingSource]:
    """Client RC with a first session; the app's read model and a counting source on its log."""
    app.register_client("RC")
    app.hold_session("RC", 1, "2026-01-05")
    readmodel = app.readmodel
    assert readmodel is not None
    return readmodel, CountingSource(app)


def _write(app: HwApplication, client: str, note: str) -> None:
    """Store one change for a client without touching the read model."""
    case = app._load(client)
    case.note_change(1, ChangeKind.LIFE, note)
    app.save(case)


@pytest.mark.sqlite_only
def test_a_catch_up_takes_the_case_this_process_saved_without_loading_it(
    tmp_path: Path,
) -> None:
    """The repository keeps the cases this process saves: the projection loads none."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as app:
        readmodel, source = _started(app)
        for n in range(3):
            _write(app, "RC", f"note {n}")
            assert readmodel.catch_up(source) == 1
        assert source.loads == 0
        assert source.reads == 3  # one read of the log per catch-up
        assert readmodel.position() == app.recorder.max_notification_id()
        live = dump(home / "readmodel.sqlite")
        last, counts = log_counts(app)
    assert applied_counts(home / "readmodel.sqlite") == (last, counts)
    fresh = tmp_path / "fresh.sqlite"
    with open_application(home, today=lambda: TODAY) as app:
        ReadModel(fresh).rebuild(app.event_source)
    assert dump(fresh) == live


@pytest.mark.sqlite_only
def test_another_writers_events_in_between_are_applied_in_log_order(tmp_path: Path) -> None:
    """Another writer's events before this process's own are applied first, once."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as mine:
        readmodel, source = _started(mine)
        _write(mine, "RC", "first")
        readmodel.catch_up(source)
        with open_application(home, today=lambda: TODAY) as other:
            other.readmodel = None  # the other process dies before its catch-up
            other.note_change("RC", "other", "from elsewhere", session=1)
        _write(mine, "RC", "mine")
        assert readmodel.catch_up(source) == 2  # both, in log order
        assert [r["kind"] for r in readmodel.rows("changes")] == ["life", "other", "life"]
        last, counts = log_counts(mine)
    assert applied_counts(home / "readmodel.sqlite") == (last, counts)


@pytest.mark.sqlite_only
def test_events_another_process_applied_first_are_not_applied_again(
    tmp_path: Path,
) -> None:
    """The position is re-checked under the lock: nothing is applied twice."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as mine:
        readmodel, source = _started(mine)
        _write(mine, "RC", "first")
        readmodel.catch_up(source)
        _write(mine, "RC", "mine")
        with open_application(home, today=lambda: TODAY) as other:
            assert other.refresh_readmodel() == 1  # a query elsewhere applies it first
        assert readmodel.catch_up(source) == 0
        assert len(readmodel.rows("changes")) == 2
        _write(mine, "RC", "again")  # and the next write still applies once
        assert readmodel.catch_up(source) == 1
        last, counts = log_counts(mine)
    assert applied_counts(home / "readmodel.sqlite") == (last, counts)


@pytest.mark.sqlite_only
def test_events_after_the_file_was_deleted_rebuild_it(tmp_path: Path) -> None:
    """A replaced file is not trusted: the whole log is projected into the new one."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as app:
        readmodel, source = _started(app)
        _write(app, "RC", "first")
        readmodel.catch_up(source)
        (home / "readmodel.sqlite").unlink()
        _write(app, "RC", "after")
        assert readmodel.catch_up(source) == 4
        last, counts = log_counts(app)
    assert applied_counts(home / "readmodel.sqlite") == (last, counts)


def fresh_state(app: HwApplication, client: str) -> dict[str, Any]:
    """The case as a load from the event store alone gives it (no kept copy)."""
    case_id = case_id_for(client)
    (last,) = app.recorder.select_events(case_id, desc=True, limit=1)
    case = app.repository.get(case_id, version=last.originator_version)  # never the kept copy
    return dict(case.__dict__)


def test_a_long_lived_process_loads_its_kept_case_and_sees_other_writers(
    app: HwApplication, store_settings: Settings
) -> None:
    """Cases come from the repository's kept copy, brought up to date with others' events."""
    app.register_client("LC")
    app.hold_session("LC", 1, "2026-01-05")
    assert app.repository.kept_version(case_id_for("LC")) == 2
    with open_application(settings=store_settings, today=lambda: TODAY) as other:
        other.assign(
            "LC",
            AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment"),
        )
        other.note_change("LC", "life", "moved", session=1)
    # The copy is behind by two events: this command must see the other's assignment.
    result = app.complete("LC", "latest", session=2, date="2026-01-12")
    assert result.assignment_id == 1
    assert dict(app._load("LC").__dict__) == fresh_state(app, "LC")
    assert [e.event for e in app.history("LC")][-1:] == ["HomeworkCompleted"]


def test_a_failed_command_leaves_the_kept_case_untouched(app: HwApplication) -> None:
    """A command that changes its copy and then fails leaves nothing behind."""
    app.register_client("FC")
    _assign_walk(app, "FC")
    with pytest.raises(HwError):
        app.wrap_up(
            "FC",
            outcomes=[
                OutcomeEntry(assignment_id=1, outcome="completed"),  # applied to the copy...
                OutcomeEntry(assignment_id=7, outcome="completed"),  # ...then this one fails
            ],
            session=2,
            date="2026-01-12",
        )
    assert dict(app._load("FC").__dict__) == fresh_state(app, "FC")
    assert app.assignment("FC", 1).outcome == "pending"


@pytest.mark.sqlite_only
def test_a_purged_client_is_not_brought_back_from_the_kept_copy(tmp_path: Path) -> None:
    """After another process purges a client, its kept copy is never written on."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as mine:
        mine.register_client("PC")
        mine.hold_session("PC", 1, "2026-01-05")
        mine.note_change("PC", "life", "before", session=1)
        with open_application(home, today=lambda: TODAY) as other:
            purge_client(other, "PC")
        with pytest.raises(ClientNotFoundError):
            mine.note_change("PC", "life", "after", session=1)
        assert mine.recorder.select_events(case_id_for("PC")) == []
        # Registered again (elsewhere) with as many events: a new case, not the old copy.
        with open_application(home, today=lambda: TODAY) as other:
            other.register_client("PC")
            other.hold_session("PC", 1, "2026-02-02")
            other.hold_session("PC", 2, "2026-02-09")
        mine.note_change("PC", "other", "new", session=2)
        case = mine._load("PC")
        assert dict(case.__dict__) == fresh_state(mine, "PC")
        assert [c.note for c in case.changes] == ["new"]
        assert case.sessions[1].held_on.isoformat() == "2026-02-02"
        assert case.sessions[2].held_on.isoformat() == "2026-02-09"  # not held again
        assert case.version == 4


@pytest.mark.sqlite_only
def test_a_purged_client_re_imported_from_an_edited_export_is_read_again(
    tmp_path: Path,
) -> None:
    """Same last event, different earlier one: the kept copy is not trusted after a purge."""
    home = tmp_path / "h"
    with open_application(home, today=lambda: TODAY) as mine:
        mine.register_client("EX")
        mine.hold_session("EX", 1, "2026-01-05")
        mine.note_change("EX", "life", "invented note", session=1)
        assert mine._load("EX").sessions[1].held_on.isoformat() == "2026-01-05"
        with open_application(home, today=lambda: TODAY) as other:
            data = other.export_data("EX")
            (held,) = [e for e in data["clients"][0]["events"] if e["version"] == 2]
            text = json.dumps(held["state"]).replace("2026-01-05", "2026-01-02")
            held["state"] = json.loads(text)
            purge_client(other, "EX")
            exported = tmp_path / "edited.json"
            exported.write_text(json.dumps(data), encoding="utf-8")
            other.import_file(exported)
            assert other._load("EX").sessions[1].held_on.isoformat() == "2026-01-02"
        case = mine._load("EX")
        assert case.sessions[1].held_on.isoformat() == "2026-01-02"
        assert dict(case.__dict__) == fresh_state(mine, "EX")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("encrypted", [False, True], ids=["file", "in-memory"])
def test_a_purge_at_the_end_of_the_log_is_noticed_when_new_events_take_its_ids(
    tmp_path: Path, encrypted: bool
) -> None:
    """SQLite gives a purged tail's ids to the next events: the read model must notice."""
    from hwcore.application import generate_key

    settings = Settings(tmp_path / "h", None, generate_key() if encrypted else None)
    with open_application(settings=settings, today=lambda: TODAY) as mine:
        mine.register_client("PY")
        mine.register_client("PX")
        mine.hold_session("PX", 1, "2026-01-05")
        assert sorted(e.client for e in mine.caseload()) == ["PX", "PY"]
        last = mine.recorder.max_notification_id()
        with open_application(settings=settings, today=lambda: TODAY) as other:
            purge_client(other, "PX")
            other.register_client("PZ")
            other.hold_session("PZ", 1, "2026-01-06")
            # The purged ids, taken again: by the purge's tombstone, then PZ's events.
            assert other.recorder.max_notification_id() == last + 1
        mine.hold_session("PY", 1, "2026-01-07")
        assert sorted(e.client for e in mine.caseload()) == ["PY", "PZ"]
        assert sorted(mine.client_names()) == ["PY", "PZ"]


@pytest.mark.sqlite_only
def test_a_revision_1_file_is_migrated_its_cache_emptied_and_re_projected(
    demo_home: Path,
) -> None:
    path = demo_home / "readmodel.sqlite"
    with open_application(demo_home, today=lambda: TODAY) as app:
        app.plan("AB")  # cache AB's planner
    before = dump(path)
    # Make it a file as revision 1 left it: no alert columns, m003 not applied,
    # summaries computed with other rules and a planner of the old format cached
    # (nor m004's caseload cells, which came later).
    conn = sqlite3.connect(path)
    try:
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'caseload_%'"
        for (index,) in conn.execute(indexes).fetchall():
            conn.execute(f"DROP INDEX {index}")
        for column in ("sort_name", "pad_last", "cell_tail", "line_fits"):
            conn.execute(f"ALTER TABLE client_summary DROP COLUMN {column}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_caseload_lines'")
        conn.execute("ALTER TABLE client_summary DROP COLUMN alerts")
        conn.execute("ALTER TABLE client_summary DROP COLUMN open_alerts")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_alerts'")
        conn.execute("UPDATE client_summary SET due = 1 - due, triggers = '[]'")
        conn.execute("UPDATE plans SET planner = '{\"revision\": 1}'")
        conn.commit()
    finally:
        conn.close()
    with open_application(demo_home, today=lambda: TODAY) as app:
        entries = app.caseload()
        assert {e.client: list(e.triggers) for e in entries if e.due} == DEMO_DUE
        assert all(e.alerts == () for e in entries)
    assert dump(path) == before
    conn = sqlite3.connect(path)
    try:
        cached = conn.execute("SELECT planner FROM plans").fetchall()
    finally:
        conn.close()
    assert all("revision" not in row[0] for row in cached)
