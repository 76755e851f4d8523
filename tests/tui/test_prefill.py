"""The next-assignment form starts from the therapist's current system (spec section 4, r2)."""

from __future__ import annotations

import datetime as dt

from hwcore.application import AssignmentSpec, HwApplication, ReviewChoice
from hwtui.app import HwTui
from hwtui.screens.wrapup import WrapUpScreen
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY


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


def seed_flipping(app: HwApplication) -> None:
    """PF: written and behavioral close; one more miss of behavioral makes written the better."""
    history = [
        ("written", True),
        ("behavioral", True),
        ("written", True),
        ("behavioral", False),
        ("written", False),
        ("behavioral", True),
    ]
    app.register_client("PF")
    number = 0
    for number, (fmt, done) in enumerate(history, start=1):
        day = (TODAY - dt.timedelta(weeks=10 - number)).isoformat()
        spec = AssignmentSpec(
            title=f"Task {number}", format=fmt, size="small", framing="experiment"
        )
        app.assign("PF", spec, session=number, date=day)
        app.hold_session("PF", number + 1, (TODAY - dt.timedelta(weeks=9 - number)).isoformat())
        if done:
            app.complete("PF", "latest", session=number + 1)
        else:
            app.miss("PF", "latest", session=number + 1, reasons=["forgotten"])
    pending = AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment")
    app.assign("PF", pending, session=number + 1)


async def test_the_prefill_follows_the_outcomes_entered_in_the_wrap_up(
    seeded: HwApplication,
) -> None:
    """Issue 13 item 9: an untouched form is prefilled from the planner with this session's outcomes."""
    seed_flipping(seeded)
    assert seeded.plan("PF").design_defaults()["format"] == "behavioral"  # before the miss
    tui = HwTui(seeded, client="PF")
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        await type_text(pilot, "I forgot")
        await press(pilot, "ctrl+n", "ctrl+n")
        if not isinstance(tui.screen, WrapUpScreen):  # a due review comes first: not now
            await press(pilot, "escape")
        screen = tui.screen
        assert isinstance(screen, WrapUpScreen)
        assert screen.step == "next"
        after_miss = screen.query_one("#f-format").value  # type: ignore[attr-defined]
        assert screen.planner is not None
        expected = screen.planner.design_defaults()["format"]
    assert expected == "written"  # the miss just entered changed the planner's format
    assert after_miss == expected
