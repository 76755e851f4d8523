"""Progress bars: drawn with counts when stderr is a real terminal (a pty), never when piped
or with --quiet; stdout stays the command's output either way."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.cli.conftest import HISTORY_CSV

ROWS = HISTORY_CSV.count("\n") - 1


def run_on_terminal(home: Path, *args: str, terminal: bool = True) -> tuple[int, str, str]:
    """``hw ARGS`` with stderr on a pseudo-terminal (or a pipe); (code, stdout, stderr)."""
    env = {**os.environ, "HW_HOME": str(home), "TERM": "xterm", "COLUMNS": "100"}
    env.pop("HW_DATABASE_URL", None)
    command = [sys.executable, "-m", "hwcli.main", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env
        )
    finally:
        os.close(slave)
    assert process.stdout is not None
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()))  # type: ignore[union-attr]
    reader.start()  # stdout drained meanwhile: a full pipe never blocks the child
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    reader.join(timeout=120)
    process.stdout.close()
    code = process.wait(timeout=120)
    stdout = b"".join(out).decode()
    return code, stdout, b"".join(chunks).decode(errors="replace")


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    """The history CSV on disk."""
    path = tmp_path / "history.csv"
    path.write_text(HISTORY_CSV, encoding="utf-8")
    return path


@pytest.mark.slow
def test_import_draws_a_bar_with_counts_on_a_terminal(home: Path, csv_file: Path) -> None:
    code, stdout, stderr = run_on_terminal(home, "import", str(csv_file))

    assert code == 0, stderr
    assert stdout.startswith("history.csv: imported")
    assert "Checking rows" in stderr
    assert f"{ROWS}/{ROWS}" in stderr  # the count of rows checked
    assert "Writing events" in stderr
    assert "Updating the read model" in stderr


@pytest.mark.slow
def test_import_is_silent_with_quiet_or_when_piped(home: Path, csv_file: Path) -> None:
    quiet = run_on_terminal(home, "import", str(csv_file), "--quiet")
    piped = run_on_terminal(home, "import", str(csv_file), terminal=False)

    assert quiet[0] == 0, quiet[2]
    assert quiet[2] == ""
    assert piped[0] == 0, piped[2]
    assert piped[2] == ""
    assert piped[1].startswith("history.csv: nothing new")


@pytest.mark.slow
def test_export_and_rebuild_draw_bars_on_a_terminal_only(
    home: Path, csv_file: Path, tmp_path: Path
) -> None:
    assert run_on_terminal(home, "import", str(csv_file), "-q")[0] == 0

    code, stdout, stderr = run_on_terminal(home, "export", "-o", "-")
    assert code == 0, stderr
    assert stdout.lstrip().startswith("{")  # stdout is the export, the bar is on stderr
    assert "Exporting clients" in stderr
    assert "3/3" in stderr
    code, _, stderr = run_on_terminal(home, "readmodel", "rebuild")
    assert code == 0, stderr
    assert "Rebuilding the read model" in stderr
    for args in (["export", "-o", str(tmp_path / "e.json"), "-q"], ["readmodel", "rebuild", "-q"]):
        code, _, stderr = run_on_terminal(home, *args)
        assert code == 0, stderr
        assert "Exporting" not in stderr
        assert "Rebuilding" not in stderr
