"""`hw tui` run for real in a tmux terminal: keys in with send-keys, screen out with capture-pane."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hwcore.bootstrap import open_application
from tests.tui.seed import TODAY, seed

TMUX = shutil.which("tmux")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)"),
]
WAIT = 30.0
"""Longest wait for the screen to show something (a deadline, not a timing assertion)."""


class Tmux:
    """One detached tmux session on a private socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        """Run a tmux command; its stdout."""
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        """The visible screen as text."""
        return self.run("capture-pane", "-p", "-t", "hw")

    def keys(self, *keys: str) -> None:
        """Send tmux key names (e.g. 'Enter', 'C-n')."""
        self.run("send-keys", "-t", "hw", *keys)

    def text(self, text: str) -> None:
        """Type literal text."""
        self.run("send-keys", "-t", "hw", "-l", text)

    def wait_for(self, needle: str) -> str:
        """Wait until the screen shows the text; the screen."""
        deadline = time.monotonic() + WAIT
        while True:
            screen = self.screen()
            if needle in screen:
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the screen never showed {needle!r}; it shows:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def tmux(home: Path, tmp_path: Path) -> Iterator[Tmux]:
    """`hw --home HOME tui` running in an 80x24 tmux session (seeded home)."""
    application = open_application(home, today=lambda: TODAY)
    seed(application)
    application.close()
    session = Tmux(f"hw-test-{tmp_path.name}")
    command = f"{sys.executable} -m hwcli.main --home {home} tui; echo hw-exit-$?; sleep 60"
    session.run(
        "new-session", "-d", "-s", "hw", "-x", "80", "-y", "24", "-c", str(tmp_path), command
    )
    try:
        yield session
    finally:
        session.run("kill-server")


def test_wrap_up_under_tmux(tmux: Tmux, home: Path) -> None:
    screen = tmux.wait_for("hw · caseload")
    assert "⚠ due" in screen
    assert "AB" in screen
    assert "CD" in screen
    tmux.text("ab")
    tmux.keys("Enter")
    tmux.wait_for("Pending homework")
    tmux.text("c")
    tmux.wait_for("Experience")
    tmux.keys("C-n")
    tmux.wait_for("Recommended system")
    tmux.keys("C-n")
    tmux.wait_for("Planner: written")
    tmux.keys("C-l")
    tmux.wait_for("Title       Evening notes")
    tmux.keys("C-s")
    tmux.wait_for("This will be recorded")
    tmux.keys("C-s")
    tmux.wait_for("✓ Recorded at session")
    tmux.keys("Enter")
    tmux.wait_for("hw · caseload")
    tmux.keys("C-q")
    tmux.wait_for("hw-exit-0")

    with open_application(home) as application:
        assert application.assignment("AB", 7).outcome == "completed"
        new = application.assignment("AB", "latest")
        assert (new.assignment_id, new.title, new.outcome) == (8, "Evening notes", "pending")
