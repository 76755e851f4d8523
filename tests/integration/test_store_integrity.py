"""Issue 14, items 2 and 5, on real SQLite files and real processes.

Item 2: a process whose write-ahead log was deleted (and replaced by another
process's) closes without destroying the writes other processes made
meanwhile. Item 5: a store file changed outside hw (garbage in its middle) is
refused before a single write, while a store hw left as it was is not read
through again (the stamp beside it).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from hwcore.bootstrap import open_application
from tests.conftest import TODAY
from tests.integration.test_durability import hw

pytestmark = pytest.mark.sqlite_only

CHECK_LOGGER = "hwcore.application.eventstore.sqlite"
CHECKING = "checking every page before writing"


@pytest.fixture
def plain_env(home: Path) -> dict[str, str]:
    """An environment for hw on the SQLite store in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    return env


def _events(home: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(home / "events.sqlite")) as conn:
        return [
            (str(a), str(b))
            for a, b in conn.execute("SELECT originator_id, topic FROM stored_events")
        ]


def _integrity(home: Path) -> str:
    with closing(sqlite3.connect(home / "events.sqlite")) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


# ------------------------------------------------------------ item 2: the log

HOLDER = textwrap.dedent(
    """
    import datetime as dt
    import sys

    from hwcore.bootstrap import open_application

    app = open_application(sys.argv[1], today=lambda: dt.date(2026, 3, 2))
    app.register_client("HOLD")
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        app.register_client("HOLD2")
        print("wrote", flush=True)
    except Exception as e:
        print("refused", type(e).__name__, flush=True)
    app.close()
    print("closed", flush=True)
    """
)


def test_a_process_whose_log_was_replaced_keeps_other_processes_writes_at_close(
    home: Path, plain_env: dict[str, str], tmp_path: Path
) -> None:
    """A holds the store; -wal and -shm are deleted; the CLI writes 5 events; then A closes."""
    assert hw(plain_env, "client", "add", "BASE").returncode == 0
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, str(script), str(home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=plain_env,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        for extra in ("-wal", "-shm"):
            (home / f"events.sqlite{extra}").unlink()
        for n in range(5):
            result = hw(plain_env, "client", "add", f"B{n}")
            assert result.returncode == 0, result.stderr
        out, err = holder.communicate("\n", timeout=120)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert holder.returncode == 0, err
    assert out.split() == ["refused", "StoreError", "closed"]
    assert "write-ahead log was replaced" in err
    assert "Traceback" not in err
    assert _integrity(home) == "ok"
    # Every acknowledged write of the CLI is there, after A closed and after hw read it.
    listed = hw(plain_env, "clients")
    assert listed.returncode == 0, listed.stderr
    for n in range(5):
        assert f"B{n}" in listed.stdout
    assert len(_events(home)) == 6  # BASE and B0..B4 (HOLD went with the deleted log)
    assert _integrity(home) == "ok"


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the 3.12 path (setconfig)")
def test_on_python_312_the_lost_log_process_closes_every_connection(
    home: Path, plain_env: dict[str, str]
) -> None:
    """In-process: nothing is left open (no parked thread) and the other writes stay."""
    import threading

    with open_application(home, today=lambda: TODAY) as held:
        held.register_client("HOLD")
        for extra in ("-wal", "-shm"):
            (home / f"events.sqlite{extra}").unlink()
        for n in range(3):
            assert hw(plain_env, "client", "add", f"B{n}").returncode == 0
    assert not [t for t in threading.enumerate() if t.name == "hw-store-lost-log"]
    assert len(_events(home)) == 3
    assert _integrity(home) == "ok"
