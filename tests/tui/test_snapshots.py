"""Snapshot tests (pytest-textual-snapshot): every screen at 80x24 and 120x40, dark and light.

One scenario per screen (the keys that reach it from ``hw tui`` or ``hw tui
CLIENT`` on the seeded home), each taken in both sizes and both themes: 11
screens, 44 pictures. The seeded data and the clock are fixed, so the pictures
are stable. Update them after an intended change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at every
changed picture (the report's HTML shows them side by side).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from hwcore.application import HwApplication
from hwtui.app import THEMES, HwTui
from tests.tui.helpers import no_cursor_blink, press, settle, type_text

Snap = Callable[..., bool]
Step = str | tuple[str, str]
PHQ9_ITEM9_2 = [1, 1, 1, 1, 1, 1, 1, 1, 2]

SCREENS: dict[str, tuple[str | None, tuple[Step, ...]]] = {
    # name: (client given to `hw tui`, keys and text typed). AB has a review due:
    # the second ctrl+n opens it first, and Esc ("not now") goes on to the form.
    "caseload": (None, ()),
    "outcomes_missed": ("AB", ("m", ("type", "too tired"))),
    "planner": ("AB", ("c", "ctrl+n")),
    "form_with_warnings": (
        "AB",
        ("c", "ctrl+n", "ctrl+n", "escape", ("type", "Call a friend"), "down", "down", "c"),
    ),
    "form_test_tried": ("AB", ("c", "ctrl+n", "ctrl+n", "escape", ("type", "Mood log"), "ctrl+f")),
    "record": ("AB", ("c", "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s")),
    "recorded": ("AB", ("c", "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s", "ctrl+s")),
    "discard_question": ("AB", ("c", "escape")),
    "review": (None, (("type", "cd"), "ctrl+r", "down", "l")),
    "history": (None, (("type", "cd"), "ctrl+o")),
    "alert": ("EF", ()),
}
"""Every screen of the TUI, and how to get there."""
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
THEME_IDS = {"dark": THEMES[0], "light": THEMES[1]}


def steps(theme: str, *actions: Step) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before: the theme, then keys pressed ("ctrl+n") and text typed (("type", "Diary"))."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = theme
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


@pytest.mark.parametrize("theme", list(THEME_IDS))
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    seeded: HwApplication, snap_compare: Snap, screen: str, size: str, theme: str
) -> None:
    client, actions = SCREENS[screen]
    if screen == "alert":  # an open PHQ-9 item 9 alert: the banner on the client's screens
        seeded.clinical.take_measure("EF", "phq9", items=PHQ9_ITEM9_2)
    app = HwTui(seeded, client=client) if client else HwTui(seeded)
    run_before = steps(THEME_IDS[theme], *actions)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
