"""Issue 14, items 2 and 5, on real SQLite files and real processes.

Item 2: a process whose write-ahead log was deleted (and replaced by another
process's) closes without destroying the writes other processes made
meanwhile. Item 5: a store file changed outside hw (garbage in its middle) is
refused before a single write, while a store hw left as it was is not read
through again (the stamp beside it).
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, StoreError
from hwcore.application.eventstore.sqlitestamp import identity, read_stamp, stamp_path
from hwcore.bootstrap import open_application
from tests.conftest import TODAY
from tests.integration.test_durability import digest, filled, hw, one_clear_line

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
    assert "the writes made since are kept" in err
    assert "Traceback" not in err
    assert _integrity(home) == "ok"
    # Every acknowledged write of the CLI is there, after A closed and after hw read it.
    listed = hw(plain_env, "clients")
    assert listed.returncode == 0, listed.stderr
    for n in range(5):
        assert f"B{n}" in listed.stdout
    assert len(_events(home)) == 6  # BASE and B0..B4 (HOLD went with the deleted log)
    assert _integrity(home) == "ok"


def _lose_the_log_while_held(home: Path, plain_env: dict[str, str]) -> None:
    """This process holds the store; its -wal and -shm are deleted; the CLI writes B0..B2."""
    with open_application(home, today=lambda: TODAY) as held:
        held.register_client("HOLD")
        for extra in ("-wal", "-shm"):
            (home / f"events.sqlite{extra}").unlink()
        for n in range(3):
            assert hw(plain_env, "client", "add", f"B{n}").returncode == 0


# -------------------------------------------------- item 5: a damaged store


def _garble(path: Path) -> None:
    """8 KB of garbage written into the middle of the file in place (as ``dd conv=notrunc``)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        page = int.from_bytes(f.read(100)[16:18], "big")
    middle = (size // 2) // page * page
    with path.open("r+b") as f:
        f.seek(middle)
        f.write(random.Random(5).randbytes(8192))


def logged_hw(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``hw`` CLI in a subprocess, with hw's INFO log lines on stderr."""
    code = (
        "import logging, sys;"
        "logging.basicConfig(level=logging.WARNING, format='%(levelname)s %(message)s');"
        f"logging.getLogger({CHECK_LOGGER!r}).setLevel(logging.INFO);"
        "from hwcli.main import main; main(sys.argv[1:])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


WRITES = (
    ("client", "add", "G1"),
    (
        "assign", "F01", "--title", "Walk", "--format", "behavioral", "--size", "small",
        "--framing", "experiment",
    ),
    ("done", "F02", "latest"),
)  # fmt: skip


def test_single_writes_to_a_store_with_garbage_inside_are_refused(
    home: Path, tmp_path: Path, plain_env: dict[str, str]
) -> None:
    """hw stamped the store when it closed it; garbage written since: every write refused."""
    filled(home)
    for extra in ("-wal", "-shm"):
        (home / f"events.sqlite{extra}").unlink(missing_ok=True)
    assert read_stamp(home / "events.sqlite") is not None
    _garble(home / "events.sqlite")
    before = digest(home)
    count = len(_events_unchecked(home))
    for args in WRITES:
        line = one_clear_line(hw(plain_env, *args))
        assert "damaged" in line, (args, line)
        assert digest(home) == before, args
        assert len(_events_unchecked(home)) == count
    # The same store copied elsewhere (a new inode: no stamp matches) is refused too.
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "events.sqlite").write_bytes((home / "events.sqlite").read_bytes())
    env = {**plain_env, "HW_HOME": str(copy)}
    line = one_clear_line(hw(env, "client", "add", "G1"))
    assert "damaged" in line


def _events_unchecked(home: Path) -> list[int]:
    """The event rows' ids (read through the index only: the damage lies elsewhere)."""
    uri = f"{(home / 'events.sqlite').as_uri()}?mode=ro&immutable=1"  # leaves no -wal behind
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        return [int(r[0]) for r in conn.execute("SELECT rowid FROM stored_events")]


def test_a_store_hw_left_as_it_was_is_not_read_through_again(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The first write of a new store checks it; the next process's does not; an outside write does."""
    caplog.set_level(logging.INFO, logger=CHECK_LOGGER)
    with open_application(home, today=lambda: TODAY) as app:
        app.register_client("N1")
        app.register_client("N2")
    checks = [r for r in caplog.records if CHECKING in r.getMessage()]
    assert len(checks) == 1  # once per process, never per write
    assert read_stamp(home / "events.sqlite") is not None
    assert stamp_path(home / "events.sqlite").stat().st_mode & 0o777 == 0o600
    caplog.clear()
    with open_application(home, today=lambda: TODAY) as app:
        app.register_client("N3")
    assert not [r for r in caplog.records if CHECKING in r.getMessage()]
    # Written from outside hw (a sound change, but not hw's): checked again, once.
    with closing(sqlite3.connect(home / "events.sqlite")) as conn:
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
    caplog.clear()
    with open_application(home, today=lambda: TODAY) as app:
        app.register_client("N4")
        app.register_client("N5")
    assert len([r for r in caplog.records if CHECKING in r.getMessage()]) == 1
    for record in caplog.records:
        assert "N4" not in record.getMessage()  # no client data in the log


def test_cli_writes_while_a_program_holds_the_store_open_check_nothing(
    home: Path, plain_env: dict[str, str]
) -> None:
    """The TUI's case: one program holds the store, the CLI writes beside it, cheaply."""
    filled(home)
    spec = AssignmentSpec(title="Read", format="written", size="tiny", framing="experiment")
    with open_application(home, today=lambda: TODAY) as held:
        held.register_client("T1")
        for n in range(3):
            result = logged_hw(plain_env, "client", "add", f"C{n}")
            assert result.returncode == 0, result.stderr
            assert CHECKING not in result.stderr
            plan = logged_hw(plain_env, "plan", "F01")  # the quick read, with its access entry
            assert plan.returncode == 0, plan.stderr
        held.assign("T1", spec, session=1, date="2026-01-05")
        assert "C2" in held.client_names()
    result = logged_hw(plain_env, "client", "add", "AFTER")
    assert result.returncode == 0, result.stderr
    assert CHECKING not in result.stderr
    assert _integrity(home) == "ok"
    assert {"T1", "C0", "C1", "C2", "AFTER"} <= set(hw(plain_env, "clients").stdout.split())


def test_an_emptied_store_is_refused_even_without_its_read_model(
    home: Path, plain_env: dict[str, str]
) -> None:
    """The stamp remembers that hw left the store holding data."""
    settings = filled(home)
    settings.events_path.write_bytes(b"")
    settings.readmodel_path.unlink()
    before = digest(home)
    line = one_clear_line(hw(plain_env, "client", "add", "NEW"))
    assert "is empty but hw last left it holding" in line
    assert digest(home) == before


def test_a_quick_read_beside_an_open_store_keeps_its_locks(
    home: Path, plain_env: dict[str, str]
) -> None:
    """Closing any descriptor of the file drops the process's POSIX locks (the TUI's prefetch).

    The quick read checks the header with a plain ``open()``: beside an open
    application it must not, or a CLI command could checkpoint and delete the
    log under that application.
    """
    from hwcore.application.eventstore.sqlitefile import log_head

    filled(home)
    with open_application(home, today=lambda: TODAY) as held:
        held.register_client("T1")
        assert log_head(home / "events.sqlite") is not None
        assert hw(plain_env, "client", "add", "C1").returncode == 0
        held.register_client("T2")  # its log is still the one it opened
    assert {"T1", "T2", "C1"} <= set(hw(plain_env, "clients").stdout.split())


def test_garbage_written_while_a_program_holds_the_store_is_not_stamped_at_its_close(
    home: Path, plain_env: dict[str, str]
) -> None:
    """The holder had checked the store, but it did not write that garbage: no stamp covers it."""
    filled(home)
    path = home / "events.sqlite"
    with open_application(home, today=lambda: TODAY) as held:
        held.register_client("T1")  # checked (or stamped) and written: this process trusts it
        _garble(path)
    assert read_stamp(path) != identity(path)
    before = digest(home)
    line = one_clear_line(hw(plain_env, "client", "add", "G1"))
    assert "damaged" in line
    assert digest(home) == before


def test_after_a_lost_log_this_process_does_not_open_the_store_again(
    home: Path, plain_env: dict[str, str]
) -> None:
    """Its kept connection holds a stale view of the log: a reopen here is refused, not stale."""
    import threading

    def parked() -> int:
        return sum(t.name == "hw-store-lost-log" for t in threading.enumerate())

    before = parked()
    _lose_the_log_while_held(home, plain_env)
    assert parked() == before + 1  # the anchor, kept open on every Python version
    with pytest.raises(StoreError, match="restart the program to open the store again"):
        open_application(home, today=lambda: TODAY)
    listed = hw(plain_env, "clients")  # another process sees every acknowledged write
    assert listed.returncode == 0, listed.stderr
    assert {"B0", "B1", "B2"} <= set(listed.stdout.split())


def test_an_application_never_closed_is_closed_quietly_when_python_exits(
    home: Path, plain_env: dict[str, str]
) -> None:
    """An embedder who forgets close(): no traceback at exit, and the store is stamped."""
    with open_application(home, today=lambda: TODAY) as app:
        app.register_client("AB")
    program = textwrap.dedent(
        """
        import sys
        from hwcore.bootstrap import open_application
        app = open_application(sys.argv[1])  # never closed: Python closes it as it exits
        names = app.client_names()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(home)],
        env=plain_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert read_stamp(home / "events.sqlite") == identity(home / "events.sqlite")
