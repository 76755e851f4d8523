"""Issue 14 item 13: stored text never reaches a terminal raw (spec section 6).

A title, an explanation and the clinic's name full of escape sequences are
recorded (as hw recorded them before it refused control characters: an older
store, see tests/oldstore.py), then every text command runs on a real pseudo-terminal: not one
ESC or C1 byte comes out. JSON keeps the exact text; the .ics file holds no
control characters (RFC 5545).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok
from tests.oldstore import text_guard_lifted

pytestmark = pytest.mark.slow

TITLE = "Walk\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"
EXPLANATION = "Rained\x1b[1A\x1b[2K\r\x08 again"
CLINIC = "Harbour\x1b]0;owned\x07 Practice"


def _on_a_terminal(home: Path, *args: str) -> tuple[int, bytes]:
    """Run ``hw ARGS`` with stdout and stderr on a pseudo-terminal; all it wrote."""
    master, slave = pty.openpty()
    env = {**os.environ, "HW_HOME": str(home), "COLUMNS": "200"}
    env.pop("HW_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hwcli.main", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks)


def _strings(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


@pytest.fixture
def hostile(home: Path, tmp_path: Path) -> Path:
    """A store written before hw refused control characters in recorded text."""
    with text_guard_lifted():
        return _hostile(home)


def _hostile(home: Path) -> Path:
    ok(invoke(home, "client", "add", "XY"))
    ok(
        invoke(
            home, "assign", "XY", "--session", "1", "--date", "2026-03-02", "--title", TITLE,
            "--format", "written", "--size", "small", "--framing", "experiment",
        )
    )  # fmt: skip
    ok(
        invoke(
            home, "missed", "XY", "latest", "--session", "2", "--date", "2026-03-09",
            "--explanation", EXPLANATION, "--reason", "forgotten",
        )
    )  # fmt: skip
    ok(
        invoke(
            home,
            "assign",
            "XY",
            "--title",
            TITLE,
            "--format",
            "written",
            "--size",
            "small",
            "--framing",
            "x",
        )
    )
    ok(invoke(home, "config", "set", "clinic.name", CLINIC))
    return home


def test_no_escape_sequence_reaches_the_terminal(hostile: Path) -> None:
    for args in (
        ["history", "XY"],
        ["plan", "XY"],
        ["plan", "XY"],  # the cached quick path too
        ["caseload"],
        ["client", "show", "XY"],
        ["clients"],
        ["config", "list"],
        ["config", "get", "clinic.name"],
        ["partial", "XY", "latest", "--done", "1", "--experience", EXPLANATION],
        ["plan", "\x1b[2JXY"],  # an error that names the value
    ):
        code, output = _on_a_terminal(hostile, *args)
        assert b"\x1b" not in output, (args, output)
        assert b"\xc2\x9b" not in output, (args, output)
        assert b"\x07" not in output, (args, output)
        assert "\u202e".encode() not in output, (args, output)
        assert b"Traceback" not in output
        assert code in (0, 1), (args, output)
    _, history = _on_a_terminal(hostile, "history", "XY")
    assert b"Walk\\x1b[2J" in history  # shown, not hidden: the record stays auditable


def test_json_keeps_the_exact_text_and_the_calendar_has_no_controls(
    hostile: Path, tmp_path: Path
) -> None:
    proc = hw_subprocess(hostile, "plan", "XY", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    assert "\x9b" not in proc.stdout
    plan = json.loads(proc.stdout)
    assert plan["missed"][0]["title"] == TITLE
    assert plan["missed"][0]["explanation"] == EXPLANATION
    exported = hw_subprocess(hostile, "export", "XY")
    assert "\x9b" not in exported.stdout
    assert TITLE in _strings(json.loads(exported.stdout))
    ics = tmp_path / "reminders.ics"
    pdf = tmp_path / "handout.pdf"
    proc = hw_subprocess(hostile, "print", "handout", "XY", "-o", str(pdf), "--ics", str(ics))
    assert proc.returncode == 0, proc.stderr
    data = ics.read_bytes().decode("utf-8")
    assert "Walk[2J]0;pwned31m" in data
    controls = {c for c in data.replace("\r\n", "") if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0}
    assert controls == set()
