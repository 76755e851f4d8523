"""The outcome card's insights and modification (seed 003's next-session checklist)."""

from __future__ import annotations

from textual.widgets import Static

from hwcore.application import HwApplication
from hwtui.app import HwTui
from tests.tui.helpers import press, settle, type_text


async def test_insights_and_modification_are_shown_then_recorded(seeded: HwApplication) -> None:
    tui = HwTui(seeded, client="AB")
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert tui.screen.query_one("#a7-ins").display  # offered for a completed one too
        tui.screen.query_one("#a7-ins").focus()
        await type_text(pilot, "she plans best in the morning")
        tui.screen.query_one("#a7-mod").focus()
        await type_text(pilot, "move it before work")
        await press(pilot, "ctrl+n", "ctrl+n", "escape")  # AB's due review: not now
        await type_text(pilot, "Morning notes")
        await press(pilot, "ctrl+s")
        summary = str(tui.screen.query_one("#record-summary", Static).render())
        assert "Insights: “she plans best in the morning”" in summary
        assert "Modification: “move it before work”" in summary
        await press(pilot, "ctrl+s")
        assert tui.screen.written is not None  # type: ignore[attr-defined]
    done = seeded.assignment("AB", 7)
    assert (done.outcome, done.insights, done.modification) == (
        "completed",
        "she plans best in the morning",
        "move it before work",
    )


async def test_left_empty_they_record_nothing(seeded: HwApplication) -> None:
    tui = HwTui(seeded, client="AB")
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        await type_text(pilot, "too tired")
        await press(pilot, "ctrl+n", "ctrl+n", "escape")  # AB's due review: not now
        await type_text(pilot, "Smaller notes")
        await press(pilot, "ctrl+s")
        summary = str(tui.screen.query_one("#record-summary", Static).render())
        assert "Insights" not in summary
        await press(pilot, "ctrl+s")
    missed = seeded.assignment("AB", 7)
    assert (missed.outcome, missed.insights, missed.modification) == ("missed", "", "")
