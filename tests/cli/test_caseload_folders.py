"""Caseloads on SQLite: a folder of the home each, with its own events file and read model."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from hwcore.application.eventstore.schema import SCHEMA_PARTS
from tests.cli.conftest import hw_subprocess, invoke, ok


def _one_error_line(result: object) -> str:
    exit_code = getattr(result, "exit_code", None)
    if exit_code is None:
        exit_code = getattr(result, "returncode", None)
    stderr = str(getattr(result, "stderr", ""))
    assert exit_code == 1, (exit_code, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("hw: error: ")
    assert "Traceback" not in stderr
    return lines[0]


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_db_init_creates_the_file_and_tables_and_is_idempotent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = json.loads(ok(invoke(home, "db", "init", "--json")).stdout)
    assert first == {
        "backend": "sqlite",
        "caseload": "default",
        "parts": [[part.name, part.version] for part in SCHEMA_PARTS],
    }
    events = home / "events.sqlite"
    assert stat.S_IMODE(events.stat().st_mode) == 0o600
    assert {"stored_events", "hw_audit", "hw_schema", "hw_keys", "hw_access_log"} <= _tables(events)
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "db", "init"))
    assert "AB" in ok(invoke(home, "clients")).stdout


def test_caseloads_are_folders_kept_apart(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(invoke(home, "client", "add", "D-1"))
    ok(invoke(home, "db", "init", "--caseload", "bob"))
    ok(invoke(home, "--caseload", "bob", "client", "add", "B-1"))
    # HW_CASELOAD selects one too (a real subprocess, as a clinician's shell would).
    env_run = hw_subprocess_with(home, "carol", "client", "add", "C-1")
    assert env_run.returncode == 0, env_run.stderr
    for name in ("bob", "carol"):
        folder = home / "caseloads" / name
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "events.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "caseloads").stat().st_mode) == 0o700
    # Each caseload reads only its own clients, from its own read model.
    assert "B-1" in ok(invoke(home, "--caseload", "bob", "caseload")).stdout
    bob = json.loads(ok(invoke(home, "--caseload", "bob", "caseload", "--json")).stdout)
    assert [c["client"] for c in bob["clients"]] == ["B-1"]
    default = json.loads(ok(invoke(home, "caseload", "--json")).stdout)
    assert [c["client"] for c in default["clients"]] == ["D-1"]
    assert (home / "caseloads" / "bob" / "readmodel.sqlite").is_file()
    assert os.environ.get("HW_CASELOAD") is None  # the option did not leak
    # Across every caseload, each named.
    names = json.loads(ok(invoke(home, "db", "caseloads", "--json")).stdout)
    assert names == {"caseloads": ["default", "bob", "carol"]}
    every = json.loads(ok(invoke(home, "caseload", "--all-caseloads", "--json")).stdout)
    assert every["caseloads"] == ["default", "bob", "carol"]
    assert [(c["caseload"], c["client"]) for c in every["clients"]] == [
        ("default", "D-1"),
        ("bob", "B-1"),
        ("carol", "C-1"),
    ]
    text = ok(invoke(home, "caseload", "--all-caseloads")).stdout
    assert text.index("caseload default:") < text.index("D-1") < text.index("caseload bob:")
    assert text.index("caseload bob:") < text.index("B-1") < text.index("caseload carol:")


def hw_subprocess_with(home: Path, caseload: str, *args: str) -> object:
    """``hw`` in a subprocess with ``HW_CASELOAD`` set."""
    before = os.environ.get("HW_CASELOAD")
    os.environ["HW_CASELOAD"] = caseload
    try:
        return hw_subprocess(home, *args)
    finally:
        if before is None:
            del os.environ["HW_CASELOAD"]
        else:
            os.environ["HW_CASELOAD"] = before


def test_a_bad_caseload_name_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(invoke(home, "client", "add", "AB"))
    for name in ("Bob", "pg_x", "../up", "a" * 64, "public", "9lives"):
        line = _one_error_line(invoke(home, "--caseload", name, "client", "add", "ZZ"))
        assert "invalid caseload" in line
        assert "lowercase letters, digits and '_'" in line
    assert "'Bob'" in _one_error_line(invoke(home, "--caseload", "Bob", "clients"))
    assert not (home / "caseloads").exists()
    line = _one_error_line(invoke(home, "--caseload", "nobody", "clients"))
    assert "no caseload 'nobody'" in line
    assert not (home / "caseloads").exists()  # a read creates nothing


def test_grant_is_for_postgresql(tmp_path: Path) -> None:
    line = _one_error_line(invoke(tmp_path / "home", "db", "grant", "--role", "x"))
    assert "PostgreSQL" in line


def test_a_backup_of_one_caseload_holds_no_other(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok(invoke(home, "client", "add", "D-1"))
    ok(invoke(home, "--caseload", "bob", "client", "add", "B-1"))
    backup = tmp_path / "default.hwbackup"
    ok(invoke(home, "backup", str(backup)))
    restored = tmp_path / "restored"
    ok(invoke(restored, "restore", str(backup)))
    assert not (restored / "caseloads").exists()
    assert "B-1" not in ok(invoke(restored, "clients")).stdout
