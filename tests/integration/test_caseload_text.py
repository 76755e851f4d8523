"""The quick ``hw caseload`` text is the full path's, byte for byte, on a varied caseload.

The quick path (``caseload_50k``) builds every line in SQLite from cells kept
in ``client_summary`` (:mod:`hwcore.readmodel.caseload_text`); the full path
renders the application's caseload entries in Python. Here both are asked on
the same real SQLite home: open and acknowledged risk alerts, due and not due
clients, triggers (one list long enough to be cut), clients without sessions,
names that differ only in case and a non-ASCII one, both with and without
``--due``; then with a row whose cells do not fit (the quick path measures
every column in Python), and after the migration that adds the cells to a
read model that had none.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hwcli.demo import seed
from hwcore.application import HwApplication
from hwcore.application.reads import APPLICATION, READ_MODEL, answer, caseload_text_read
from hwcore.bootstrap import open_application
from tests.cli.conftest import hw_subprocess
from tests.conftest import TODAY

PHQ9_ITEM9 = (2, 2, 1, 2, 1, 2, 2, 2, 1)  # item 9 = 1: a risk alert
NAMES = ("ab", "Ab", "AB2", "Zoë", "aC")


def opened(home: Path) -> HwApplication:
    """The application on ``home`` with the tests' fixed clock."""
    return open_application(home, today=lambda: TODAY)


def _varied(app: HwApplication) -> None:
    """The demo caseload and more: alerts, many triggers, no sessions, names in two cases."""
    assert seed(app)
    for name in NAMES:
        app.register_client(name)
    app.hold_session("ab", 1, "2026-01-05")
    app.hold_session("Ab", 1, "2026-01-05")
    app.clinical.take_measure("ab", "phq9", items=PHQ9_ITEM9)  # open alert
    app.clinical.take_measure("Zoë", "phq9", items=PHQ9_ITEM9, date="2026-01-06")
    app.clinical.acknowledge_alert("Zoë", 1, "invented: safety plan reviewed")
    for kind in ("life", "relationship", "other"):
        app.note_change("AB2", kind, "invented change", date="2026-01-07")
        app.note_change("DK", kind, "invented change")  # with its misses: a list to cut


def _both(home: Path, *, due_only: bool) -> tuple[str, str]:
    """(quick text, full text) on ``home``; the quick one must come from the read model."""
    read = caseload_text_read(due_only=due_only)
    quick = answer(read, home)
    assert quick is not None
    assert quick.source == READ_MODEL
    with opened(home) as app:
        full = answer(read, home, opened=app)
    assert full is not None
    assert full.source == APPLICATION
    return quick.value, full.value


@pytest.fixture
def varied(home: Path) -> Path:
    """A home holding the varied caseload, its read model current."""
    with opened(home) as app:
        _varied(app)
    return home


def test_the_quick_caseload_text_is_the_full_paths(varied: Path) -> None:
    quick, full = _both(varied, due_only=False)
    assert quick == full
    lines = full.splitlines()
    assert lines[0].startswith("RISK ALERT not yet acknowledged: ab (")
    assert lines[3].split()[:3] == ["ab", "RISK", "ALERT"]  # the open alert first
    names = [line.split()[0] for line in lines[3:]]
    assert sorted(names) == sorted(("AB", "C-017", "DK", "EM", "FR", *NAMES))
    assert names.index("Ab") < names.index("aC")  # by name, case-insensitively
    assert any(line.endswith("…") for line in lines)  # the cut trigger list
    assert any(" DUE " in line for line in lines)
    assert any("DUE" not in line for line in lines[3:])
    due_quick, due_full = _both(varied, due_only=True)
    assert due_quick == due_full
    assert len(due_full.splitlines()) < len(lines)
    done = hw_subprocess(varied, "caseload")  # the real command, a fresh process
    assert done.returncode == 0, done.stderr
    assert done.stdout == full + "\n"


def test_a_row_whose_cells_do_not_fit_is_measured_in_python(varied: Path) -> None:
    with closing(sqlite3.connect(varied / "readmodel.sqlite")) as conn, conn:
        conn.execute("UPDATE client_summary SET line_fits = 0 WHERE client = 'DK'")
    quick, full = _both(varied, due_only=False)
    assert quick == full
    assert _both(varied, due_only=True)[0] == _both(varied, due_only=True)[1]


def test_the_migration_fills_the_cells_of_an_existing_read_model(varied: Path) -> None:
    expected = _both(varied, due_only=False)[1]
    with closing(sqlite3.connect(varied / "readmodel.sqlite")) as conn, conn:
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'caseload_%'"
        for (index,) in conn.execute(indexes).fetchall():
            conn.execute(f"DROP INDEX {index}")
        for column in ("sort_name", "pad_last", "cell_tail", "line_fits"):
            conn.execute(f"ALTER TABLE client_summary DROP COLUMN {column}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_caseload_lines'")
    assert answer(caseload_text_read(), varied) is None  # a migration is pending: declined
    with opened(varied) as app:
        app.caseload()  # opening applies it
    assert _both(varied, due_only=False) == (expected, expected)


def test_an_empty_caseload(home: Path) -> None:
    with opened(home) as app:
        app.caseload()
    assert _both(home, due_only=False) == ("no clients yet",) * 2
    assert _both(home, due_only=True) == ("no client is due for review",) * 2
