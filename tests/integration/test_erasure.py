"""Erasure that sticks (spec section 7, issue 17 part 3, issue 14 item 10).

On the real PostgreSQL the suite starts: after a purge and a CHECKPOINT, no
file under the server's ``base/`` holds the client's text or anything that
opens it (crypto-shredding), while another client still reads. On SQLite: a
purge while another process reads does not stall, says what waits, and the
next command finishes it. A restore of a backup made before a purge does not
bring the client back unless it is named; exports saved in the home are
named, not backed up.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hwcore.application import (
    AssignmentSpec,
    HwApplication,
    StoreError,
    backup_store,
    generate_key,
    purge_client,
    restore_store,
)
from hwcore.application.eventstore.persistence import AdminRecorder
from hwcore.application.eventstore.shredding import key_rows
from hwcore.bootstrap import Settings, open_application
from hwcore.domain import case_id_for
from tests.conftest import TODAY
from tests.pgserver import PgServer

SECRET = "Velvet anchor behind the boiler 7713"
"""An invented explanation that must be unreadable after the purge."""
TITLE = "Quokka diary at dawn"


def record(app: HwApplication, client: str) -> None:
    """An invented client with free text in a title, an explanation and a snapshot."""
    app.register_client(client)
    a = app.assign(
        client,
        AssignmentSpec(title=f"{TITLE} {client}", format="written", size="small", framing="x"),
        session=1,
        date="2026-01-05",
    ).assignment.assignment_id
    app.miss(client, a, session=2, date="2026-01-12", explanation=f"{SECRET} {client}")
    app.take_snapshot(case_id_for(client))


def wrapped_keys(app: HwApplication) -> dict[str, bytes]:
    """The store's wrapped data keys by case id."""
    recorder = app.recorder
    assert isinstance(recorder, AdminRecorder)
    with recorder.admin_transaction(commit=False) as cursor:
        return {i: w for i, w, _ in key_rows(recorder, cursor)}


def files_bytes(folder: Path) -> bytes:
    """Every file under a folder, concatenated."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def needles(client: str) -> list[bytes]:
    """The client's text as it would appear stored (JSON-escaped or not)."""
    return [f"{SECRET} {client}".encode(), f"{TITLE} {client}".encode()]


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database on the suite's server."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def checkpoint(server: PgServer) -> None:
    """Flush every dirty page into the table files (as the server does by itself)."""
    import psycopg

    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


@pytest.mark.postgres
def test_after_purge_and_checkpoint_nothing_under_base_opens_the_client(
    pg_server: PgServer, pg_url: str, home: Path
) -> None:
    key = generate_key()
    settings = Settings(home, pg_url, key)
    with open_application(settings=settings, today=lambda: TODAY) as app:
        record(app, "P1")
        record(app, "P2")
        p1 = case_id_for("P1")
        wrapped = wrapped_keys(app)[p1.hex]
        states = [
            bytes(n.state)
            for n in app.recorder.select_notifications(1, 1000)
            if n.originator_id == p1
        ]
        checkpoint(pg_server)
        assert wrapped in files_bytes(pg_server.datadir / "base")  # the control
        report = purge_client(app, "P1")
        assert (report.shredded, report.remains) == (True, "")
    checkpoint(pg_server)

    raw = files_bytes(pg_server.datadir / "base")

    for needle in needles("P1"):
        assert needle not in raw
    assert wrapped not in raw  # the data key is gone from every table file
    # Whatever ciphertext of P1 the table files still hold, the practice key
    # (all that is left) opens none of it, whichever way it is tried.
    practice = AESGCM(base64.b64decode(key))
    for state in states:
        for aad in (None, p1.bytes):
            with pytest.raises(InvalidTag):
                practice.decrypt(state[:12], state[12:], aad)
    with open_application(settings=settings, today=lambda: TODAY) as app:
        assert app.client_names() == ["P2"]
        assert app.assignment("P2", 1).explanation == f"{SECRET} P2"
        assert list(wrapped_keys(app)) == [case_id_for("P2").hex]


@pytest.mark.postgres
def test_a_purge_on_an_unencrypted_postgres_store_says_what_remains(
    pg_url: str, home: Path
) -> None:
    with open_application(settings=Settings(home, pg_url), today=lambda: TODAY) as app:
        record(app, "P1")
        report = purge_client(app, "P1")
    assert not report.shredded
    assert "PostgreSQL's table files keep them" in report.remains


# -------------------------------------------------------------------- SQLite


def hw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``hw ARGS`` in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_a_purge_while_another_process_reads_does_not_stall_and_is_finished_later(
    store_env: dict[str, str], home: Path, encrypted: bool
) -> None:
    env = {**store_env, **({"HW_CIPHER_KEY": generate_key()} if encrypted else {})}
    settings = Settings(home, None, env.get("HW_CIPHER_KEY"))
    with open_application(settings=settings, today=lambda: TODAY) as app:
        record(app, "P1")
        record(app, "P2")
        app.caseload()
        wrapped = wrapped_keys(app).get(case_id_for("P1").hex, b"") if encrypted else b""
    reader = sqlite3.connect(home / "events.sqlite")  # another process's long read
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchall()
    started = time.monotonic()

    purged = hw(env, "client", "purge", "P1", "--yes", "--json")

    took = time.monotonic() - started
    assert purged.returncode == 0, purged.stderr
    assert took < 15  # the store's lock timeout is 30 s: the purge no longer waits it out
    report = json.loads(purged.stdout)
    assert "another process is reading the store" in report["remains"]
    assert "another process is reading the store" in purged.stderr
    reader.rollback()
    reader.close()

    assert hw(env, "clients").returncode == 0  # the next command finishes the erasure

    raw = files_bytes(home)
    for needle in needles("P1"):
        assert needle not in raw
    if encrypted:
        assert wrapped
        assert wrapped not in raw
    else:
        assert needles("P2")[0] in raw  # the other client is still there
    assert not list(home.glob(".*-scrub"))


@pytest.mark.sqlite_only
def test_an_encrypted_store_of_an_older_hw_keeps_working(home: Path) -> None:
    """Events encrypted with the practice key itself (before per-client keys) still read."""
    key = generate_key()
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        record(app, "OLD")
    practice = AESGCM(base64.b64decode(key))
    with sqlite3.connect(home / "events.sqlite") as conn:
        for table in ("stored_events", "stored_snapshots"):
            rows = conn.execute(
                f"SELECT originator_id, originator_version, state FROM {table}"  # noqa: S608
            ).fetchall()
            for ident, version, state in rows:
                nonce = b"\x01" * 12
                sealed = practice.encrypt(nonce, zlib.compress(bytes(state)), None)
                legacy = nonce + sealed[-16:] + sealed[:-16]  # eventsourcing's AESCipher layout
                conn.execute(
                    f"UPDATE {table} SET state = ?"  # noqa: S608
                    " WHERE originator_id = ? AND originator_version = ?",
                    (legacy, ident, version),
                )
    (home / "readmodel.sqlite").unlink()
    settings = Settings(home, None, key)
    with open_application(settings=settings, today=lambda: TODAY) as app:
        assert app.assignment("OLD", 1).explanation == f"{SECRET} OLD"
        app.note_change("OLD", "life", "moved")  # a new event, under a key of its own
        record(app, "NEW")
        assert set(wrapped_keys(app)) == {case_id_for("OLD").hex, case_id_for("NEW").hex}
    with open_application(settings=settings, today=lambda: TODAY) as app:
        assert app.assignment("OLD", 1).explanation == f"{SECRET} OLD"
        assert [c.client for c in app.caseload()] == ["OLD", "NEW"]


# ------------------------------------------------------------ restore, files


def test_a_restore_from_before_a_purge_needs_the_client_named(
    app: HwApplication, store_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    record(app, "P1")
    record(app, "P2")
    backup = tmp_path / "before.backup"
    backup_store(app, backup)
    purge_client(app, "P1")
    app.close()

    refused = hw(store_env, "restore", str(backup), "--force")

    assert refused.returncode == 1
    (line,) = refused.stderr.splitlines()
    assert "purged from this store after it was made (P1)" in line
    assert "--bring-back P1" in line
    with open_application(settings=_settings(store_env), today=lambda: TODAY) as again:
        assert again.client_names() == ["P2"]  # nothing was restored
        with pytest.raises(StoreError, match="P1"):
            restore_store(again, backup, replace=True, bring_back=["P2"])

    done = hw(store_env, "restore", str(backup), "--force", "--bring-back", "P1")

    assert done.returncode == 0, done.stderr
    assert "brought back after their purge: P1" in done.stdout
    with open_application(settings=_settings(store_env), today=lambda: TODAY) as again:
        assert again.client_names() == ["P1", "P2"]


def test_a_restore_keeps_the_tombstones_of_clients_it_does_not_bring_back(
    app: HwApplication, tmp_path: Path
) -> None:
    record(app, "P2")
    backup = tmp_path / "early.backup"
    backup_store(app, backup)
    record(app, "P3")
    purge_client(app, "P3")  # recorded and purged after the backup: nothing returns

    restore_store(app, backup, replace=True)

    topics = [n.topic for n in app.recorder.select_notifications(1, 1000)]
    assert topics[-1].endswith("shredding:ClientPurged")  # followers still learn of it
    later = tmp_path / "later.backup"
    backup_store(app, later)
    restore_store(app, later, replace=True)  # the tombstone travels: no refusal


@pytest.mark.sqlite_only
def test_exports_saved_in_the_home_are_named_and_not_backed_up(
    store_env: dict[str, str], app: HwApplication, home: Path, tmp_path: Path
) -> None:
    record(app, "P1")
    app.close()
    (home / "config.json").write_text('{"clinic.name": "Invented Practice"}', encoding="utf-8")
    (home / "p1-export.json").write_text(json.dumps({"note": SECRET}), encoding="utf-8")
    (home / "old.backup").write_bytes((home / "events.sqlite").read_bytes())
    (home / "plan.pdf").write_bytes(b"%PDF-1.7 " + SECRET.encode())

    backed = hw(store_env, "backup", str(tmp_path / "hw.backup"), "--json")
    purged = hw(store_env, "client", "purge", "P1", "--yes")

    assert backed.returncode == 0, backed.stderr
    assert json.loads(backed.stdout)["left_out"] == ["old.backup", "p1-export.json", "plan.pdf"]
    assert "left out 3 file(s)" in backed.stderr
    with sqlite3.connect(tmp_path / "hw.backup") as conn:
        assert [r[0] for r in conn.execute("SELECT path FROM files")] == ["config.json"]
    assert purged.returncode == 0, purged.stderr
    assert "3 file(s) saved inside the hw home" in purged.stderr
    assert "p1-export.json" in purged.stderr
    assert SECRET not in purged.stderr


def _settings(env: dict[str, str]) -> Settings:
    return Settings(Path(env["HW_HOME"]), env.get("HW_DATABASE_URL"), env.get("HW_CIPHER_KEY"))


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_another_process_read_model_erases_the_client_on_the_tombstone(
    store_settings: Settings, encrypted: bool
) -> None:
    """A long-lived process (the TUI, another machine) forgets the client on its next read."""
    key = generate_key() if encrypted else None
    settings = Settings(store_settings.home, store_settings.database_url, key)
    with open_application(settings=settings, today=lambda: TODAY) as mine:
        record(mine, "P1")
        record(mine, "P2")
        assert [c.client for c in mine.caseload()] == ["P1", "P2"]
        with open_application(settings=settings, today=lambda: TODAY) as other:
            record(other, "P3")  # the purge is not at the end of the log
            purge_client(other, "P1")
            record(other, "P4")
        assert [c.client for c in mine.caseload()] == ["P2", "P3", "P4"]
        assert mine.client_names() == ["P2", "P3", "P4"]
        rows = mine.reads.current().query("SELECT count(*) FROM assignments WHERE client = 'P1'")
        assert rows[0][0] == 0


def test_the_read_model_knows_the_tombstone_topic() -> None:
    from hwcore.application.eventstore.shredding import TOMBSTONE_TOPIC, ClientPurged
    from hwcore.readmodel.store import PURGE_TOPIC

    assert PURGE_TOPIC == TOMBSTONE_TOPIC
    assert f"{ClientPurged.__module__}:{ClientPurged.__qualname__}" == TOMBSTONE_TOPIC


def test_a_plain_backup_restored_with_a_key_gets_per_client_keys(
    app: HwApplication, store_settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from hwcore.application import LogFollower

    url = None
    if store_settings.database_url:
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create_database()
        request.addfinalizer(lambda: server.drop_database(url))

    record(app, "P1")
    record(app, "P2")
    purge_client(app, "P1")
    backup = tmp_path / "plain.backup"
    backup_store(app, backup)
    app.close()
    secure = Settings(tmp_path / "secure", url, generate_key())
    with open_application(settings=secure, today=lambda: TODAY) as again:
        report = restore_store(again, backup, replace=True)
        assert report.reencrypted
        assert list(wrapped_keys(again)) == [case_id_for("P2").hex]  # none for the tombstone
    with open_application(settings=secure, today=lambda: TODAY) as again:
        assert again.assignment("P2", 1).explanation == f"{SECRET} P2"
        kinds = [i.kind for i in LogFollower(again).read()]  # type: ignore[arg-type]
        assert kinds.count("purge") == 1


@pytest.mark.postgres
def test_a_purge_on_postgres_while_others_read_does_not_stall(
    pg_server: PgServer, pg_url: str, home: Path
) -> None:
    """An older snapshot keeps nothing readable; a reader of the key table delays it 2 s at most."""
    import psycopg

    settings = Settings(home, pg_url, generate_key())
    with open_application(settings=settings, today=lambda: TODAY) as app:
        for client in ("P1", "P2", "P3"):
            record(app, client)
        keys = wrapped_keys(app)
        recorder = app.recorder
        assert isinstance(recorder, AdminRecorder)
        events = recorder.qualified(recorder.events_table_name)
        conninfo = pg_server.conninfo(pg_url.rsplit("/", 1)[-1])
        with psycopg.connect(conninfo) as old, psycopg.connect(conninfo) as holder:
            # A long report reading the log from a snapshot older than the purge
            # (a VACUUM FULL would copy the dead key row for it).
            old.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            old.execute(f"SELECT count(*) FROM {events}")  # noqa: S608
            started = time.monotonic()
            first = purge_client(app, "P1")
            assert time.monotonic() - started < 10
            assert (first.shredded, first.remains) == (True, "")
            # A transaction that read the key table and stays open: the purge
            # waits 2 s for its lock at most, then says what remains.
            holder.execute('SELECT count(*) FROM "public"."hw_keys"')
            started = time.monotonic()
            second = purge_client(app, "P2")
            took = time.monotonic() - started
            assert took < 10
            assert second.shredded
            assert "another transaction held the key table" in second.remains
            old.rollback()
            holder.rollback()
        third = purge_client(app, "P3")  # rewrites the table: the earlier key goes too
        assert third.remains == ""
    checkpoint(pg_server)
    raw = files_bytes(pg_server.datadir / "base")
    for client in ("P1", "P2", "P3"):
        assert keys[case_id_for(client).hex] not in raw
        for needle in needles(client):
            assert needle not in raw


@pytest.mark.sqlite_only
def test_a_plain_store_opened_with_a_key_by_mistake_gets_no_key_table(home: Path) -> None:
    with open_application(settings=Settings(home), today=lambda: TODAY) as app:
        record(app, "P1")
    with pytest.raises(StoreError, match="not encrypted"):
        open_application(settings=Settings(home, None, generate_key()), today=lambda: TODAY)
    with sqlite3.connect(home / "events.sqlite") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "hw_keys" not in tables
