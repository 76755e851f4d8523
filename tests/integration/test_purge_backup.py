"""Erasure (purge) and backup/restore on both backends, plain and encrypted."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import (
    AssignmentSpec,
    ClientNotFoundError,
    HwApplication,
    InvalidValueError,
    StoreError,
    backup_info,
    backup_store,
    generate_key,
    purge_client,
    restore_store,
    store_audit,
    to_dict,
)
from hwcore.bootstrap import Settings, open_application
from hwcore.domain import case_id_for
from tests.conftest import TODAY

SECRET = "Purple kettle under the stairs 5521"
"""An invented explanation that must be gone after a purge."""


def record(app: HwApplication, client: str) -> None:
    """An invented client with clinical text and a snapshot."""
    app.register_client(client)
    a = app.assign(
        client,
        AssignmentSpec(title="Evening log", format="written", size="small", framing="experiment"),
        session=1,
        date="2026-01-05",
    ).assignment.assignment_id
    app.miss(client, a, session=2, date="2026-01-12", explanation=f"{SECRET} {client}")
    app.assign(
        client,
        AssignmentSpec(title="Walk", format="behavioral", size="tiny", framing="x"),
        session=2,
    )
    app.take_snapshot(case_id_for(client))


def raw_rows(app: HwApplication) -> list[tuple[str, int, str, bytes]]:
    """The log's rows as stored (ids, versions, topics, payload bytes), in order."""
    return [
        (n.originator_id.hex, n.originator_version, n.topic, bytes(n.state))
        for n in app.recorder.select_notifications(1, 1_000_000)
    ]


def snapshot(app: HwApplication) -> dict[str, object]:
    """Everything a user can see of the store: export and plans."""
    return {
        "export": app.export_data(),  # with each event's timestamp: must survive
        "plans": {c: to_dict(app.plan(c)) for c in app.client_names()},
    }


# ------------------------------------------------------------------- purge


def test_purge_removes_one_client_and_audits_without_content(app: HwApplication) -> None:
    record(app, "P1")
    record(app, "P2")
    app.caseload()  # the read model has rows for both
    keep = [r for r in raw_rows(app) if r[0] == case_id_for("P2").hex]
    report = purge_client(app, "P1", reference="REQ-17")
    assert (report.client, report.snapshots) == ("P1", 1)
    assert report.events == 6
    *rest, tomb = raw_rows(app)
    assert rest == keep
    assert tomb[2] == "hwcore.application.eventstore.shredding:ClientPurged"  # the tombstone
    assert app.client_names() == ["P2"]
    with pytest.raises(ClientNotFoundError):
        app.plan("P1")
    assert [c.client for c in app.caseload()] == ["P2"]
    (entry,) = store_audit(app)
    assert (entry.action, entry.events, entry.snapshots, entry.reference) == (
        "purged",
        6,
        1,
        "REQ-17",
    )
    assert "P1" not in entry.line()
    assert SECRET not in entry.line()
    assert app.snapshots is not None
    assert not list(app.snapshots.get(case_id_for("P1")))


def test_purge_of_an_unknown_client_changes_nothing(app: HwApplication) -> None:
    record(app, "P2")
    before = raw_rows(app)
    with pytest.raises(ClientNotFoundError):
        purge_client(app, "NOBODY")
    with pytest.raises(InvalidValueError):
        purge_client(app, "P2", reference="a long free text reference")
    assert raw_rows(app) == before
    assert store_audit(app) == []


@pytest.mark.sqlite_only
def test_purged_text_is_gone_from_the_sqlite_files(app: HwApplication, home: Path) -> None:
    record(app, "P1")
    record(app, "P2")
    app.caseload()
    purge_client(app, "P1")
    app.close()
    raw = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert f"{SECRET} P2".encode() in raw  # the other client is still there
    assert f"{SECRET} P1".encode() not in raw


def test_cli_purge_needs_yes(store_env: dict[str, str], app: HwApplication) -> None:
    record(app, "P1")
    refused = _hw(store_env, "client", "purge", "P1")
    assert refused.returncode == 2
    assert "add --yes to confirm" in refused.stderr
    assert app.client_names() == ["P1"]
    done = _hw(store_env, "client", "purge", "P1", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["events"] == 6
    assert app.client_names() == []
    log = _hw(store_env, "admin-log")
    assert "purged" in log.stdout
    assert "P1" not in log.stdout


def _hw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


# ------------------------------------------------------------------ backup


@pytest.fixture(params=["plain", "encrypted"])
def source(request: pytest.FixtureRequest, store_settings: Settings) -> Settings:
    """This test's home and backend, with or without encryption."""
    key = generate_key() if request.param == "encrypted" else None
    return Settings(store_settings.home, store_settings.database_url, key)


def test_backup_restore_round_trip_is_lossless(source: Settings, tmp_path: Path) -> None:
    (source.home / "branding.toml").write_text('clinic = "Test Practice"\n')
    with open_application(settings=source, today=lambda: TODAY) as app:
        record(app, "B1")
        record(app, "B2")
        purge_client(app, "B2", reference="R1")
        record(app, "B3")
        expected = snapshot(app)
        rows = raw_rows(app)
        audit = store_audit(app)
        report = backup_store(app, tmp_path / "hw.backup")
    assert (report.events, report.files, report.encrypted) == (
        len(rows),
        1,
        bool(source.cipher_key),
    )
    assert backup_info(tmp_path / "hw.backup")["digest"] == report.digest
    target = Settings(tmp_path / "restored", None, source.cipher_key)
    with open_application(settings=target, today=lambda: TODAY) as app:
        restored = restore_store(app, tmp_path / "hw.backup")
        assert restored.events == len(rows)
        assert snapshot(app) == expected
        assert [r[:3] for r in raw_rows(app)] == [r[:3] for r in rows]
        if not source.cipher_key:
            assert raw_rows(app) == rows  # byte for byte
        assert store_audit(app)[: len(audit)] == audit
        assert store_audit(app)[-1].action == "restored"
    assert (target.home / "branding.toml").read_text() == 'clinic = "Test Practice"\n'


def test_restore_refuses_a_non_empty_store_unless_asked(app: HwApplication, tmp_path: Path) -> None:
    record(app, "B1")
    backup_store(app, tmp_path / "one.backup")
    record(app, "B2")
    before = raw_rows(app)
    with pytest.raises(StoreError, match="not empty"):
        restore_store(app, tmp_path / "one.backup")
    assert raw_rows(app) == before
    restore_store(app, tmp_path / "one.backup", replace=True)
    assert app.client_names() == ["B1"]
    with pytest.raises(InvalidValueError, match="exists"):
        backup_store(app, tmp_path / "one.backup")


def test_restore_refuses_a_damaged_backup_or_the_wrong_key(tmp_path: Path) -> None:
    key = generate_key()
    source = Settings(tmp_path / "a", None, key)
    with open_application(settings=source, today=lambda: TODAY) as app:
        record(app, "B1")
        backup_store(app, tmp_path / "enc.backup")
    for settings, message in (
        (Settings(tmp_path / "b", None, None), "backup is encrypted"),
        (Settings(tmp_path / "c", None, generate_key()), "another key"),
    ):
        with open_application(settings=settings, today=lambda: TODAY) as app:
            with pytest.raises(StoreError, match=message):
                restore_store(app, tmp_path / "enc.backup")
            assert raw_rows(app) == []
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes((tmp_path / "enc.backup").read_bytes())
    with sqlite3.connect(damaged) as conn:
        conn.execute("UPDATE events SET state = zeroblob(40) WHERE seq = 2")
    conn.close()
    with open_application(settings=Settings(tmp_path / "d", None, key)) as app:
        with pytest.raises(InvalidValueError, match="digest"):
            restore_store(app, damaged)
        assert raw_rows(app) == []
    (tmp_path / "junk").write_bytes(b"not a backup at all")
    with (
        open_application(settings=Settings(tmp_path / "e", None, key)) as app,
        pytest.raises(InvalidValueError, match="hw backup"),
    ):
        restore_store(app, tmp_path / "junk")


def test_a_plain_backup_restored_with_a_key_is_encrypted(
    store_settings: Settings, tmp_path: Path
) -> None:
    with open_application(settings=Settings(tmp_path / "plain"), today=lambda: TODAY) as app:
        record(app, "M1")
        expected = snapshot(app)
        backup_store(app, tmp_path / "plain.backup")
    secure = Settings(store_settings.home, store_settings.database_url, generate_key())
    with open_application(settings=secure, today=lambda: TODAY) as app:
        report = restore_store(app, tmp_path / "plain.backup")
        assert report.reencrypted
        assert snapshot(app) == expected
        assert all(SECRET.encode() not in r[3] for r in raw_rows(app))


def test_cli_backup_and_restore(
    store_env: dict[str, str], app: HwApplication, tmp_path: Path
) -> None:
    record(app, "C1")
    expected = snapshot(app)
    made = _hw(store_env, "backup", str(tmp_path / "cli.backup"))
    assert made.returncode == 0, made.stderr
    other = {**store_env, "HW_HOME": str(tmp_path / "other")}
    other.pop("HW_DATABASE_URL", None)
    back = _hw(other, "restore", str(tmp_path / "cli.backup"))
    assert back.returncode == 0, back.stderr
    again = _hw(other, "restore", str(tmp_path / "cli.backup"))
    assert again.returncode == 1
    assert "not empty" in again.stderr
    with open_application(settings=Settings(tmp_path / "other"), today=lambda: TODAY) as restored:
        assert snapshot(restored) == expected
