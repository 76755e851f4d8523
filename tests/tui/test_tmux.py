"""`hw tui` run for real in a tmux terminal: keys in with send-keys, screen out with capture-pane."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hwcore.bootstrap import open_application
from tests.tui.seed import TODAY, seed

TMUX = shutil.which("tmux")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        TMUX is None, reason="tmux is not installed (scripts/system-deps.sh installs it)"
    ),
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
        return self.wait_until(lambda screen: needle in screen, f"showed {needle!r}")

    def wait_until(self, shows: Callable[[str], bool], what: str = "changed") -> str:
        """Wait until the screen satisfies ``shows``; the screen."""
        deadline = time.monotonic() + WAIT
        while True:
            screen = self.screen()
            if shows(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the screen never {what}; it shows:\n{screen}")
            time.sleep(0.1)


def start(home: Path, tmp_path: Path, size: tuple[int, int]) -> Tmux:
    """`hw --home HOME tui` running in a tmux session of ``size`` (seeded home)."""
    application = open_application(home, today=lambda: TODAY)
    seed(application)
    application.close()
    # A socket name of this process and test alone: two suites on one machine (a
    # developer's and CI's) once met on the same name ("duplicate session: hw").
    session = Tmux(f"hw-test-{os.getpid()}-{uuid.uuid4().hex[:8]}-{tmp_path.name}")
    command = f"{sys.executable} -m hwcli.main --home {home} tui; echo hw-exit-$?; sleep 60"
    width, height = size
    session.run(
        "new-session", "-d", "-s", "hw", "-x", str(width), "-y", str(height), "-c",
        str(tmp_path), command,
    )  # fmt: skip
    return session


@pytest.fixture(params=[(80, 24), (120, 40)], ids=["80x24", "120x40"])
def tmux(home: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Tmux]:
    """`hw tui` on a seeded home in an 80x24 and a 120x40 terminal."""
    session = start(home, tmp_path, request.param)
    try:
        yield session
    finally:
        session.run("kill-server")


def test_wrap_up_under_tmux(tmux: Tmux, home: Path) -> None:
    screen = tmux.wait_for("hw · caseload")
    assert "⚠ since 5" in screen  # AB's review was due at session 5
    assert "Done %" in screen
    assert "AB" in screen
    assert "CD" in screen
    tmux.text("ab")
    # Enter once the filter has narrowed the list (send-keys types faster than a hand:
    # an Enter in the same milliseconds would open the row highlighted before it).
    tmux.wait_for("1 of 3 clients")
    tmux.keys("Enter")
    tmux.wait_for("Pending homework")
    screen = tmux.wait_for("Outcome")  # the footer lists the outcome letters
    tmux.text("c")
    tmux.wait_for("Experience")
    tmux.keys("C-n")
    tmux.wait_for("Recommended  written")  # the planner: the system first, then every section
    tmux.keys("C-n")
    tmux.wait_for("part of the wrap-up")  # AB's review is due: it comes first
    tmux.keys("Escape")  # not now
    tmux.wait_for("Planner: written")
    tmux.keys("C-l")
    tmux.wait_for("Title          Evening notes")
    tmux.keys("C-s")
    screen = tmux.wait_for("This will be recorded")
    assert "Task: Write two lines about the day before bed." in screen
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


def test_missed_with_the_clients_words_and_quit_asks(tmux: Tmux, home: Path) -> None:
    tmux.wait_for("hw · caseload")
    tmux.text("ab")
    # Enter once the filter has narrowed the list (send-keys types faster than a hand:
    # an Enter in the same milliseconds would open the row highlighted before it).
    tmux.wait_for("1 of 3 clients")
    tmux.keys("Enter")
    tmux.wait_for("Pending homework")
    tmux.text("m")
    tmux.wait_for("Explanation")
    tmux.text("It rained and I felt silly")
    # One key at a time, each seen on the screen, as a therapist types.
    tmux.keys("Tab")
    tmux.wait_for("space Tick")  # on the reasons
    tmux.keys("BTab")
    tmux.wait_until(lambda screen: "space Tick" not in screen)  # back in the words
    tmux.keys("Space")  # adds a space: the words are not selected, nothing is erased
    tmux.keys("Enter")
    tmux.wait_for("space Tick")
    tmux.keys("Space")
    tmux.wait_for("[x] forgotten")
    tmux.keys("Down")
    tmux.keys("Space")
    screen = tmux.wait_for("[x] too-complex")
    assert "[x] forgotten" in screen
    assert "[ ] wrong-timing" in screen
    tmux.keys("C-q")  # mid-wrap-up: asks, like Esc
    tmux.wait_for("Quit and discard this wrap-up?")
    tmux.text("n")
    tmux.wait_until(lambda screen: "Quit and discard" not in screen, "closed the question")
    tmux.keys("C-n")
    tmux.wait_for("Recommended  written")  # the planner: the system first, then every section
    tmux.keys("C-n")
    tmux.wait_for("part of the wrap-up")
    tmux.keys("Escape")
    tmux.wait_for("Planner: ")
    tmux.text("Two-line diary")
    tmux.keys("C-s")
    screen = tmux.wait_for("This will be recorded")
    assert "Explanation: “It rained and I felt silly”" in screen
    assert "Reasons: forgotten, too-complex" in screen
    tmux.keys("C-s")
    tmux.wait_for("✓ Recorded at session")
    tmux.keys("Enter")
    tmux.wait_for("hw · caseload")
    tmux.keys("C-q")
    tmux.wait_for("hw-exit-0")

    with open_application(home) as application:
        missed = application.assignment("AB", 7)
        assert missed.outcome == "missed"
        assert missed.explanation == "It rained and I felt silly"
        assert missed.reasons == ("forgotten", "too-complex")


def test_change_and_measure(tmux: Tmux, home: Path) -> None:
    """A wrap-up that records a life change and a PHQ-9, item by item, with the next assignment."""
    tmux.wait_for("hw · caseload")
    tmux.text("ef")
    tmux.keys("Enter")
    tmux.wait_for("^o^r More")
    tmux.keys("C-o")
    tmux.wait_for("Add to this wrap-up")
    tmux.text("c")
    tmux.wait_for("Change · EF")
    tmux.wait_for("Pick")  # the kind has the focus
    tmux.keys("Down")
    tmux.wait_until(lambda screen: "Pick" not in screen, "moved to the words")
    tmux.text("Mum had a fall")
    tmux.wait_for("Mum had a fall")
    tmux.keys("C-s")
    tmux.wait_until(lambda screen: "Change · EF" not in screen, "closed the dialog")
    tmux.keys("C-o")
    tmux.wait_for("Add to this wrap-up")
    tmux.text("m")
    tmux.wait_for("Measure · EF")
    tmux.wait_for("Pick")  # the instrument (PHQ-9) has the focus
    tmux.keys("Down")
    tmux.wait_until(lambda screen: "Pick" not in screen, "moved to item 1")
    for number, item in enumerate("102100000", start=1):  # item by item, each one seen
        if number > 1:
            tmux.keys("Down")
            # A human pause: Down moves the focus in an action that Textual runs after
            # the key, so a digit sent within the same few milliseconds (as send-keys
            # does, never a hand) would reach the field before the move.
            time.sleep(0.3)
        tmux.text(item)
        tmux.wait_until(
            lambda screen, n=number, v=item: re.search(rf"Item {n} +{v}\b", screen) is not None,
            f"showed item {number} as {item}",
        )
    tmux.keys("C-s")
    tmux.wait_until(lambda screen: "Measure · EF" not in screen, "closed the dialog")
    tmux.text("Walk")
    tmux.wait_until(lambda screen: re.search(r"Title +Walk", screen) is not None, "the title")
    for shown in (False, True, True, False):  # task, format, size, framing: one at a time
        tmux.keys("Down")
        tmux.wait_until(lambda screen, pick=shown: ("Pick" in screen) == pick, "moved")
        time.sleep(0.3)  # the pause above
    tmux.text("experiment")
    tmux.wait_for("experiment")
    tmux.keys("C-s")
    screen = tmux.wait_for("This will be recorded")
    assert "Change (life): “Mum had a fall”" in screen
    assert "Measure phq9: items 1 0 2 1 0 0 0 0 0 (total 4)" in screen
    tmux.keys("C-s")
    tmux.wait_for("✓ Recorded at session")
    tmux.keys("Enter")
    tmux.wait_for("hw · caseload")
    tmux.keys("C-q")
    tmux.wait_for("hw-exit-0")

    with open_application(home) as application:
        events = [e.event for e in application.history("EF")]
        assert events[-4:] == ["SessionHeld", "ChangeNoted", "MeasureTaken", "HomeworkAssigned"]
        [series] = application.clinical.clinical_record("EF").measures
        assert series.points[-1].total == 4
