"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input


async def settle(pilot: Pilot[object]) -> None:
    """Wait until the app's workers are done and the screen is repainted."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press keys one by one, settling after each (workers answer in threads)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot[object], text: str) -> None:
    """Type text into the focused field."""
    await pilot.press(*text)
    await settle(pilot)


def no_cursor_blink(pilot: Pilot[object]) -> None:
    """Stop input cursors blinking (stable snapshots)."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
