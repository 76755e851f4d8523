"""Crashes and bad stores: a killed import, corrupt or foreign files, no space, no rights.

Each case runs the real thing (a subprocess killed with SIGKILL, a truncated
file, a child process with a file-size limit, a child running as another user)
and checks two things: a clear one-line error, and a store left as it was.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, StoreError
from hwcore.bootstrap import Settings, open_application
from tests.conftest import TODAY
from tests.privileges import unprivileged

KILLS = 6
CLIENTS = 120
ROWS_EACH = 6


def history_csv(path: Path, clients: int = CLIENTS, rows: int = ROWS_EACH) -> Path:
    """A large invented history: ``clients`` x ``rows`` assignments."""
    lines = [
        "client,session,date,assignment,format,size,framing,frequency,outcome,done,planned,"
        "explanation,reasons,notes"
    ]
    for c in range(clients):
        for s in range(1, rows + 1):
            outcome = ("completed", "missed", "partial")[s % 3]
            dose = "2,7" if outcome == "partial" else ","
            why = "Too tired that week" if outcome == "missed" else ""
            lines.append(
                f"K{c:04d},{s},2026-01-{s:02d},Task {s},written,small,experiment,weekly,"
                f"{outcome},{dose},{why},{'forgotten' if why else ''},"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def log_state(settings: Settings) -> list[tuple[str, int, str]]:
    """The whole log as (originator, version, topic), in log order."""
    with open_application(settings=settings, today=lambda: TODAY) as app:
        return [
            (str(n.originator_id), n.originator_version, n.topic)
            for n in app.recorder.select_notifications(1, 1_000_000)
        ]


def hw(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real ``hw`` CLI in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
        **kwargs,  # type: ignore[arg-type]
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single 'hw: error:' line of a failed command (and no traceback)."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hw: error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder (to prove nothing changed)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# ------------------------------------------------------------------ SIGKILL


def test_sigkill_during_import_leaves_the_log_as_before_or_complete(
    store_settings: Settings,
    store_env: dict[str, str],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    csv = history_csv(tmp_path / "history.csv")
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        app.register_client("ZZ")
        app.hold_session("ZZ", 1, "2026-01-05")
    # Time one full import on the same backend elsewhere, to know where "mid-import" is.
    probe_env = {**store_env, "HW_HOME": str(tmp_path / "probe")}
    if store_settings.database_url:
        probe_env["HW_DATABASE_URL"] = request.getfixturevalue("pg_server").create_database()
    started = time.monotonic()
    assert hw(probe_env, "import", str(csv)).returncode == 0
    full = time.monotonic() - started
    rng = random.Random(20260302)
    seen: list[tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]] = []
    for _ in range(KILLS):
        before = log_state(store_settings)
        proc = subprocess.Popen(
            [sys.executable, "-m", "hwcli.main", "import", str(csv)],
            env=store_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.1) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        after = log_state(store_settings)
        seen.append((before, after))
        if after != before:
            break  # the import is in: later runs would change nothing
    # Whatever happened, finishing the import gives the complete log, once.
    assert hw(store_env, "import", str(csv)).returncode == 0
    complete = log_state(store_settings)
    assert len(complete) > len(seen[0][0])
    assert hw(store_env, "import", str(csv)).returncode == 0
    assert log_state(store_settings) == complete
    for before, after in seen:
        assert after in (before, complete)  # never half a file


# ------------------------------------------------------------- bad SQLite files


@pytest.fixture
def plain_env(home: Path) -> dict[str, str]:
    """An environment for hw on the SQLite store in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    return env


def filled(home: Path) -> Settings:
    """A small SQLite store in ``home``, cleanly closed (no -wal left)."""
    settings = Settings(home=home)
    with open_application(settings=settings, today=lambda: TODAY) as app:
        for c in range(40):
            app.register_client(f"F{c:02d}")
            app.assign(
                f"F{c:02d}",
                AssignmentSpec(
                    title="Walk",
                    format="behavioral",
                    size="small",
                    framing="experiment",
                    rationale="x" * 300,
                ),
                session=1,
                date="2026-01-05",
            )
    with closing(sqlite3.connect(settings.events_path)) as conn:  # closed: no lock left behind
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return settings


def test_garbage_file_is_refused_and_unchanged(home: Path, plain_env: dict[str, str]) -> None:
    (home / "events.sqlite").write_bytes(os.urandom(8192))
    before = digest(home)
    line = one_clear_line(hw(plain_env, "client", "add", "AB"))
    assert "not an SQLite database" in line
    assert digest(home) == before


def test_truncated_file_is_refused_and_unchanged(home: Path, plain_env: dict[str, str]) -> None:
    settings = filled(home)
    data = settings.events_path.read_bytes()
    settings.events_path.write_bytes(data[: len(data) // 2])
    for extra in ("-wal", "-shm"):
        Path(str(settings.events_path) + extra).unlink(missing_ok=True)
    before = digest(home)
    line = one_clear_line(hw(plain_env, "plan", "F01"))
    assert "truncated" in line
    assert digest(home) == before


def test_damaged_pages_are_a_clear_error(home: Path, plain_env: dict[str, str]) -> None:
    settings = filled(home)
    data = bytearray(settings.events_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):  # every page but the first (the schema)
        data[start : start + page] = os.urandom(page)
    settings.events_path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        Path(str(settings.events_path) + extra).unlink(missing_ok=True)
    line = one_clear_line(hw(plain_env, "history", "F01"))
    assert "corrupt" in line or "not a readable hw database" in line


def test_a_database_that_is_not_an_hw_store_is_refused(
    home: Path, plain_env: dict[str, str]
) -> None:
    with sqlite3.connect(home / "events.sqlite") as conn:
        conn.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO patients (name) VALUES ('someone else')")
    conn.close()
    before = digest(home)
    line = one_clear_line(hw(plain_env, "client", "add", "AB"))
    assert "not an hw store" in line
    assert digest(home) == before
    with sqlite3.connect(home / "events.sqlite") as check:
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
    check.close()
    assert tables == {"patients"}


def test_events_of_another_application_are_refused(home: Path, plain_env: dict[str, str]) -> None:
    with sqlite3.connect(home / "events.sqlite") as conn:
        conn.execute(
            "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER,"
            " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute(
            "INSERT INTO stored_events VALUES ('00', 1, 'shop.domain:Order.Created', x'7b7d')"
        )
    conn.close()
    before = digest(home)
    line = one_clear_line(hw(plain_env, "clients"))
    assert "another application" in line
    assert digest(home) == before


def test_foreign_events_in_the_log_are_refused(
    store_settings: Settings, store_env: dict[str, str]
) -> None:
    """On both backends: the check on open reads the first event of the log."""
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        app.recorder.insert_events(
            [_foreign_event()]  # written with the library directly, as another app would
        )
    line = one_clear_line(hw(store_env, "clients"))
    assert "another application" in line
    with pytest.raises(StoreError, match="another application"):
        open_application(settings=store_settings)


def _foreign_event() -> object:
    import uuid

    from eventsourcing.persistence import StoredEvent

    return StoredEvent(uuid.uuid4(), 1, "shop.domain:Order.Created", b"{}")


# ---------------------------------------------------------- no space, no rights


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_full_disk_writes_nothing(home: Path, plain_env: dict[str, str], tmp_path: Path) -> None:
    settings = filled(home)
    before = log_state(settings)
    csv = history_csv(tmp_path / "big.csv", clients=60)
    limit = settings.events_path.stat().st_size + 64 * 1024
    result = hw(plain_env, "import", str(csv), preexec_fn=lambda: _limit_file_size(limit))
    line = one_clear_line(result)
    assert "disk full or I/O error" in line
    assert log_state(settings) == before


@pytest.fixture
def read_only_home(home: Path) -> Iterator[Path]:
    """A filled SQLite home made read-only (files 0400, folder 0500)."""
    filled(home)
    for path in home.iterdir():
        path.chmod(0o400)
    home.chmod(0o500)
    yield home
    home.chmod(0o700)
    for path in home.iterdir():
        path.chmod(0o600)


def test_read_only_home_is_a_clear_error_and_unchanged(
    read_only_home: Path, plain_env: dict[str, str]
) -> None:
    # Root ignores permissions: as root the child drops that power first.
    before = digest(read_only_home)
    line = one_clear_line(hw(plain_env, "client", "add", "NEW", **unprivileged()))
    assert "hw home" in line or "read-only" in line or "writable" in line
    assert digest(read_only_home) == before
