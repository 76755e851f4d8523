"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input


async def settle(pilot: Pilot[object]) -> None:
    """Wait until the app's workers are done and the screen is repainted."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await tables_measured(pilot)


def _measured(table: DataTable[object]) -> bool:
    """True once the table has measured every row it holds (its virtual height counts them)."""
    header = table.header_height if table.show_header else 0
    return table.virtual_size.height >= table.row_count + header


async def tables_measured(pilot: Pilot[object], *, timeout: float = 10.0) -> None:
    """Wait until every DataTable on screen has measured the rows added to it.

    A DataTable sizes its columns to their cells and its scroll height to its
    rows when it is next idle; on a loaded machine a snapshot taken before that
    showed the history screen's columns at their headers' widths (one run in
    ~20 of the parallel TUI tier). Rows here are one line high, so the table's
    virtual height (public) counts them once it has measured them.
    """
    for _ in range(int(timeout / 0.01)):
        if all(_measured(t) for t in pilot.app.screen.query(DataTable)):
            return
        await pilot.pause(0.01)
    raise AssertionError("a DataTable on screen did not measure its rows in time")


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
