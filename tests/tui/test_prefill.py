"""The next-assignment form starts from the therapist's current system (spec section 4, r2)."""

from __future__ import annotations

from hwcore.application import HwApplication, ReviewChoice
from hwtui.app import HwTui
from tests.tui.helpers import press, settle


async def test_the_next_assignment_is_prefilled_from_the_current_system(
    seeded: HwApplication,
) -> None:
    planner = seeded.plan("AB")
    recommended = planner.system.size.value
    chosen = "medium" if recommended != "medium" else "large"
    seeded.review("AB", ReviewChoice(size=chosen, frequency="daily", framing="curiosity"))
    tui = HwTui(seeded, client="AB")
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "ctrl+n")
        screen = tui.screen
        assert screen.query_one("#f-size").value == chosen  # type: ignore[attr-defined]
        assert screen.query_one("#f-frequency").value == "daily"  # type: ignore[attr-defined]
        assert screen.query_one("#f-framing").value == "curiosity"  # type: ignore[attr-defined]
