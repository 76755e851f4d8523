"""Progress bars: drawn with counts when stderr is a real terminal (a pty), never when piped
or with --quiet; stdout stays the command's output either way."""

from __future__ import annotations

import datetime as dt
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
    # The bar's own control codes reach the terminal (the sanitiser is for stored text).
    assert "\\x0d" not in stderr, stderr
    assert "\\x1b" not in stderr, stderr
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


@pytest.mark.slow
def test_backup_and_restore_draw_bars_with_counts_on_a_terminal_only(
    home: Path, csv_file: Path, tmp_path: Path
) -> None:
    assert run_on_terminal(home, "import", str(csv_file), "-q")[0] == 0
    backup = tmp_path / "hw.backup"

    code, stdout, stderr = run_on_terminal(home, "backup", str(backup))
    assert code == 0, stderr
    events = int(stdout.split(": ")[1].split()[0])
    assert "Backing up events" in stderr
    assert f"{events}/{events}" in stderr
    code, stdout, stderr = run_on_terminal(tmp_path / "new", "restore", str(backup))
    assert code == 0, stderr
    assert stdout.startswith("restored")
    assert "Restoring events" in stderr
    assert f"{events}/{events}" in stderr
    quiet = run_on_terminal(tmp_path / "other", "restore", str(backup), "--quiet")
    piped = run_on_terminal(home, "backup", str(tmp_path / "b2.backup"), terminal=False)
    assert (quiet[0], quiet[2]) == (0, "")
    assert (piped[0], piped[2]) == (0, "")


def test_backup_and_restore_report_progress_as_they_go(tmp_path: Path) -> None:
    from hwcore.application import backup_store, restore_store
    from hwcore.bootstrap import open_application

    rows = ["client,session,date,assignment,format,size,framing,outcome"]
    start = dt.date(2020, 1, 6)
    rows += [
        f"P1,{n},{start + dt.timedelta(weeks=n)},Step {n},behavioral,small,experiment,completed"
        for n in range(1, 301)
    ]
    seen: list[tuple[int, int]] = []
    back: list[tuple[int, int]] = []
    with open_application(tmp_path / "home") as app:
        app.exchange.import_csv_text("\n".join(rows) + "\n")
        report = backup_store(app, tmp_path / "b.backup", progress=lambda d, t: seen.append((d, t)))
    with open_application(tmp_path / "again") as app:
        restored = restore_store(
            app, tmp_path / "b.backup", progress=lambda d, t: back.append((d, t))
        )

    n = report.events
    assert n > 500
    for calls in (seen, back):
        assert calls[0] == (500, calls[0][1])  # a call on the way, not only at the end
        assert calls[0][1] >= n
        assert calls[-1] == (n, n)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert back[0][1] > 500  # the total is known before the end
    assert restored.events == n
