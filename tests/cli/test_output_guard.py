"""Issue 14 item 1: an output path never replaces a file of the hw home, a device
or a folder, and never an existing file without ``--force`` (spec section 5).

One guard (``hwcore.outputs.check_output_path``) serves export, print plan,
print handout, ``--ics`` and backup: each is tried here on real files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok


def _stored(home: Path) -> list[tuple[Any, ...]]:
    """Every stored event, byte for byte (the file itself also holds the access log,
    which the reads before a refused write append to)."""
    with sqlite3.connect(home / "events.sqlite") as db:
        return db.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()


def _events(home: Path) -> int:
    with sqlite3.connect(home / "events.sqlite") as db:
        count: int = db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    return count


def _refused(result: Any, *words: str) -> None:
    exit_code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = str(result.stderr)
    assert exit_code == 1, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("hw: error: cannot write"), stderr
    for word in words:
        assert word in stderr, stderr
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_export_never_replaces_the_event_store_in_a_subprocess(imported: Path) -> None:
    store = imported / "events.sqlite"
    before = _stored(imported)
    events = _events(imported)
    for extra in ((), ("--force",)):
        proc = hw_subprocess(imported, "export", "A1", "-o", str(store), *extra)
        _refused(proc, "inside the hw home")
        assert proc.stdout == ""
    assert _stored(imported) == before
    assert _events(imported) == events
    # Nothing new anywhere in the home either (an export there would ride along in backups).
    proc = hw_subprocess(imported, "export", "-o", str(imported / "copy.json"))
    _refused(proc, "inside the hw home")
    assert not (imported / "copy.json").exists()


def test_every_writer_refuses_the_home_its_files_and_links_to_them(
    imported: Path, tmp_path: Path
) -> None:
    store = imported / "events.sqlite"
    before = _stored(imported)
    link = tmp_path / "innocent.pdf"
    link.symlink_to(store)
    hard = tmp_path / "hard.json"
    os.link(store, hard)
    attempts = [
        ("export", "-o", str(store), "--force"),
        ("export", "-o", str(link), "--force"),
        ("export", "-o", str(hard), "--force"),
        ("print", "plan", "A1", "-o", str(store), "--force"),
        ("print", "plan", "A1", "-o", str(link), "--force"),
        ("print", "handout", "A1", "latest", "-o", str(imported / "readmodel.sqlite")),
        ("print", "handout", "A1", "latest", "-o", str(tmp_path / "h.pdf"), "--ics", str(store)),
        ("backup", str(store), "--force"),
        ("backup", str(link), "--force"),
        ("backup", str(imported / "new-backup.hwbak")),
    ]
    for args in attempts:
        _refused(invoke(imported, *args))
    assert _stored(imported) == before
    assert link.is_symlink()
    assert not (tmp_path / "h.pdf").exists()  # nothing half-written: the PDF neither
    assert not (imported / "new-backup.hwbak").exists()


def test_devices_and_folders_are_refused_even_with_force(imported: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for target, word in (("/dev/null", "device"), (str(folder), "folder")):
        for args in (
            ("export", "A1", "-o", target, "--force"),
            ("print", "plan", "A1", "-o", target, "--force"),
            ("print", "handout", "A1", "-o", str(tmp_path / "x.pdf"), "--ics", target, "--force"),
            ("backup", target, "--force"),
        ):
            _refused(invoke(imported, *args), word)
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "x.pdf").exists()


def test_an_existing_file_is_replaced_only_with_force(imported: Path, tmp_path: Path) -> None:
    for name, args in (
        ("out.json", ("export", "A1", "-o")),
        ("plan.pdf", ("print", "plan", "A1", "-o")),
        ("handout.pdf", ("print", "handout", "A1", "latest", "-o")),
        ("backup.hwbak", ("backup",)),
    ):
        target = tmp_path / name
        target.write_text("keep me", encoding="utf-8")
        _refused(invoke(imported, *args, str(target)), "it exists", "--force")
        assert target.read_text(encoding="utf-8") == "keep me"
        ok(invoke(imported, *args, str(target), "--force"))
        assert target.read_bytes() != b"keep me"
        assert target.stat().st_mode & 0o777 == 0o600
    ics = tmp_path / "reminders.ics"
    ics.write_text("keep me", encoding="utf-8")
    pdf = tmp_path / "fresh.pdf"
    args = ("print", "handout", "A1", "latest", "-o", str(pdf), "--ics", str(ics))
    _refused(invoke(imported, *args), "reminders.ics", "it exists")
    assert not pdf.exists()  # refused before anything is written
    ok(invoke(imported, *args, "--force"))
    assert ics.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    # No temporary file is left behind by any of it.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
