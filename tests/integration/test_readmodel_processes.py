"""Real processes on a real file: a crash loses nothing, concurrent catch-ups apply once.

Each test runs hw code in ``python -c`` subprocesses. A process is made to die
at a chosen point with ``os._exit`` (no cleanup, no rollback by Python: the
same as a kill), or with SIGKILL at an arbitrary point; then the next command
catches up and the read model must match the event log exactly: every client's
applied-event counter equals its number of events, and the tracked position is
the log's last notification.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hwcli.demo import seed
from hwcore.bootstrap import open_application
from tests.conftest import TODAY
from tests.integration.test_readmodel import applied_counts, dump, log_counts

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

ASSIGN = (
    'app.assign("AB", __import__("hwcore.application").application.AssignmentSpec('
    'title="Walk", format="behavioral", size="small", framing="experiment"),'
    ' session=13, date="2025-11-24")'
)


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (hw installed in the same venv)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def demo_home(home: Path) -> Path:
    """A SQLite home seeded with the invented demo caseload (read model current)."""
    with open_application(home, today=lambda: TODAY) as app:
        seed(app)
    return home


def assert_exactly_once(home: Path) -> None:
    """The read model matches the event log: nothing lost, nothing applied twice."""
    with open_application(home, today=lambda: TODAY) as app:
        app.refresh_readmodel()
        last, counts = log_counts(app)
    assert applied_counts(home / "readmodel.sqlite") == (last, counts)


def test_dying_after_the_event_is_stored_loses_nothing(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    position_before, _ = applied_counts(path)
    result = run_python(
        f"""
        import os, sys
        import hwcore.readmodel.store as store
        from hwcore.bootstrap import open_application

        def die(self, source, progress=None, **kwargs):
            os._exit(17)  # after the event store committed, before the read model

        app = open_application(sys.argv[1])
        store.ReadModel.catch_up = die
        {ASSIGN}
        """,
        str(demo_home),
    )
    assert result.returncode == 17, result.stderr
    with open_application(demo_home, today=lambda: TODAY) as app:
        assert app.assignment("AB", "latest").title == "Walk"  # the event is stored
        assert app.readmodel_position() == position_before  # the read model lags
        ab = next(e for e in app.caseload() if e.client == "AB")  # the next command catches up
        assert (ab.assignments, ab.pending, ab.last_session) == (13, 2, 13)
    assert_exactly_once(demo_home)


def test_dying_inside_the_read_model_transaction_writes_nothing(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    before = dump(path)
    result = run_python(
        f"""
        import os, sys
        import hwcore.readmodel.store as store
        from hwcore.bootstrap import open_application

        def die(conn, last):
            os._exit(18)  # rows written, tracking not yet, transaction open

        app = open_application(sys.argv[1])
        store._write_tracking = die
        {ASSIGN}
        """,
        str(demo_home),
    )
    assert result.returncode == 18, result.stderr
    assert dump(path) == before  # the half-applied batch was rolled back
    assert_exactly_once(demo_home)
    with open_application(demo_home, today=lambda: TODAY) as app:
        assert app.readmodel is not None
        rows = [r for r in app.readmodel.rows("assignments") if r["client"] == "AB"]
    assert [r["assignment_id"] for r in rows] == list(range(1, 14))


def test_sigkill_at_any_point_of_a_stream_of_writes_loses_nothing(home: Path) -> None:
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from hwcore.bootstrap import open_application

                app = open_application(sys.argv[1])
                for i in range(1, 400):
                    client = f"K{i % 7}"
                    if i < 8:
                        app.register_client(client)
                    app.hold_session(client, i, "2026-01-05")
                    print(i, flush=True)
                """
            ),
            str(home),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with writer:
        assert writer.stdout is not None
        for line in writer.stdout:
            if int(line) >= 40:
                break
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    assert_exactly_once(home)


def test_two_processes_catching_up_at_once_apply_every_event_once(demo_home: Path) -> None:
    path = demo_home / "readmodel.sqlite"
    expected = dump(path)
    path.unlink()
    go = demo_home / "go"
    code = """
        import sys, time
        from pathlib import Path
        from hwcore.bootstrap import open_application
        from hwcore.readmodel import ReadModel

        home = Path(sys.argv[1])
        app = open_application(home)
        readmodel = ReadModel(home / "readmodel.sqlite", batch_size=4)
        while not (home / "go").exists():
            time.sleep(0.005)
        print(readmodel.catch_up(app.event_source))
    """
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), str(demo_home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    go.touch()
    applied = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        applied.append(int(out))
    with open_application(demo_home) as app:
        last, counts = log_counts(app)
    # Every notification was applied by exactly one of the processes.
    assert sum(applied) == last
    assert applied_counts(path) == (last, counts)
    assert dump(path) == expected


def test_a_waiting_process_sees_the_new_position(demo_home: Path) -> None:
    """While one process holds the write lock, another waits, then applies nothing twice."""
    path = demo_home / "readmodel.sqlite"
    with open_application(demo_home, today=lambda: TODAY) as app:
        app.readmodel = None
        app.complete("AB", "latest", session=13, date="2025-11-24")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from hwcore.bootstrap import open_application
                app = open_application(sys.argv[1])
                print("started", flush=True)
                print(app.refresh_readmodel(), flush=True)
                """
            ),
            str(demo_home),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert waiter.stdout is not None
    assert waiter.stdout.readline().strip() == "started"
    # Apply the pending events here, as "another process", then release the lock.
    holder.execute("ROLLBACK")
    holder.close()
    with open_application(demo_home, today=lambda: TODAY) as app:
        mine = app.refresh_readmodel()
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert mine + int(out) == 2  # the session and the outcome, applied once in total
    assert_exactly_once(demo_home)
    assert os.path.exists(path)
