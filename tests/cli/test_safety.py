"""Issue 14, the careless and the hostile user: dates, identifiers, corrections,
vocabulary errors, terminals, homes, commits that stand (items 9, 14, 15, 17-20).

Real CLI runs (in-process with CliRunner, or a real subprocess where the
process itself matters) on a real SQLite home.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import hw_subprocess, invoke, ok


def _refused(result: Any, code: int = 1, *words: str) -> str:
    exit_code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = str(result.stderr)
    assert exit_code == code, (exit_code, stderr)
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("hw: error: "), stderr
    assert "Traceback" not in stderr
    assert "unexpected internal error" not in stderr, stderr
    for word in words:
        assert word in stderr, stderr
    return stderr


@pytest.mark.slow
def test_tui_without_a_terminal_says_it_needs_one(imported: Path) -> None:
    env_home = str(imported)
    proc = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "--home", env_home, "tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    _refused(proc, 2, "needs a terminal")
    assert proc.stdout == ""
