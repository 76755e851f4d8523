"""The one table of store errors, fed with the drivers' real exceptions."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hwcore.application.eventstore.errors import (
    STORE_ERROR_TABLE,
    store_error_message,
    store_errors,
)
from hwcore.domain import StoreError


def _sqlite_error(path: Path, sql: str) -> sqlite3.Error:
    try:
        with closing(sqlite3.connect(path, timeout=0)) as conn:
            conn.execute(sql)
    except sqlite3.Error as e:
        return e
    raise AssertionError("no error")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    path.write_bytes(b"invented, not a database" * 100)
    error = _sqlite_error(path, "SELECT * FROM sqlite_master")
    assert store_error_message(error) == STORE_ERROR_TABLE[0][1]
    assert store_error_message(error, path.name) == (
        "the event store 'events.sqlite' is corrupt or not an hw database"
    )


def test_a_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
        error = _sqlite_error(path, "INSERT INTO t VALUES (1)")
        holder.execute("ROLLBACK")
    assert store_error_message(error) == (
        "the event store is busy (another hw is writing): try again"
    )


def test_an_unknown_failure_names_only_its_type(tmp_path: Path) -> None:
    error = _sqlite_error(tmp_path / "x.sqlite", "SELECT secret FROM 'invented client AB'")
    message = store_error_message(error)
    assert message == "the event store failed (OperationalError)"
    assert "AB" not in message


def test_the_context_turns_a_driver_error_into_one_store_error(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    path.write_bytes(b"\x00" * 4096)
    with pytest.raises(StoreError) as raised, store_errors():
        _raise(_sqlite_error(path, "SELECT * FROM sqlite_master"))
    assert raised.value.__cause__ is None
    assert "Traceback" not in str(raised.value)


def _raise(error: Exception) -> None:
    raise error
