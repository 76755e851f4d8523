"""Snapshot tests (pytest-textual-snapshot): every screen at 80x24 on a seeded home.

One class per screen, as in darrenburns/posting's tests/test_snapshots.py. The
seeded data and the clock are fixed, so the pictures are stable. Update them
after an intended change with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from hwcore.application import HwApplication
from hwtui.app import HwTui
from tests.tui.helpers import no_cursor_blink, press, settle, type_text

SIZE = (80, 24)
Snap = Callable[..., bool]


def steps(*actions: str | tuple[str, str]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that presses keys ("ctrl+n") and types text (("type", "Diary"))."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for action in actions:
            if isinstance(action, tuple):
                await type_text(pilot, action[1])
            else:
                await press(pilot, action)
        no_cursor_blink(pilot)
        pilot.app.clear_notifications()  # toasts would cover the screen under test
        await settle(pilot)

    return run_before


class TestCaseload:
    def test_attention_first(self, seeded: HwApplication, snap_compare: Snap) -> None:
        assert snap_compare(HwTui(seeded), terminal_size=SIZE, run_before=steps())

    def test_filtered(self, seeded: HwApplication, snap_compare: Snap) -> None:
        assert snap_compare(HwTui(seeded), terminal_size=SIZE, run_before=steps(("type", "a")))

    def test_light_theme(self, seeded: HwApplication, snap_compare: Snap) -> None:
        assert snap_compare(HwTui(seeded), terminal_size=SIZE, run_before=steps("ctrl+t"))


class TestWrapUp:
    def test_outcomes_missed(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("m", ("type", "too tired"))
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)

    def test_planner_at_a_glance(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("c", "ctrl+n")
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)

    def test_next_assignment_with_warnings(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps(
            "c", "ctrl+n", "ctrl+n", "escape", ("type", "Call a friend"), "down", "down", "c"
        )
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)

    def test_record_summary(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("c", "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s")
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)

    def test_recorded(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("c", "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s", "ctrl+s")
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)

    def test_review_due_banner(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("ctrl+b")  # CD has nothing pending: back from the form
        assert snap_compare(HwTui(seeded, client="CD"), terminal_size=SIZE, run_before=run_before)

    def test_discard_question(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps("c", "escape")
        assert snap_compare(HwTui(seeded, client="AB"), terminal_size=SIZE, run_before=run_before)


class TestReview:
    def test_review(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps(("type", "cd"), "ctrl+r")
        assert snap_compare(HwTui(seeded), terminal_size=SIZE, run_before=run_before)


class TestHistory:
    def test_history(self, seeded: HwApplication, snap_compare: Snap) -> None:
        run_before = steps(("type", "cd"), "ctrl+o")
        assert snap_compare(HwTui(seeded), terminal_size=SIZE, run_before=run_before)
