"""Keystroke budgets of the whole wrap-up (issue #15), each counted key by key.

Typing a field's text counts as one key. Each path starts on the caseload and
ends back on it, with everything written checked in the store.
"""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot
from textual.widgets import Static

from hwcore.application import AssignmentSpec, HwApplication, ReviewChoice
from hwtui.app import HwTui
from hwtui.screens.caseload import CaseloadScreen
from hwtui.screens.review import ReviewScreen
from hwtui.screens.wrapup import WrapUpScreen
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY

SAME_AGAIN = 10
MISS_STEERED = 25
REVIEW_OVERRIDE = 20


class Keys:
    """Presses keys and counts them (a field's text typed at once is one key)."""

    def __init__(self, pilot: Pilot[object]) -> None:
        self.pilot = pilot
        self.count = 0
        self.log: list[str] = []

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.count += 1
            self.log.append(key)
            await press(self.pilot, key)

    async def type(self, text: str) -> None:
        self.count += 1
        self.log.append(repr(text))
        await type_text(self.pilot, text)


def events(app: HwApplication, client: str) -> list[str]:
    return [e.event for e in app.history(client)]


def seed_steady(app: HwApplication) -> None:
    """GH: four completed weeks of the same written task, reviewed at session 4, one pending."""
    app.register_client("GH")
    spec = AssignmentSpec(
        title="Evening notes",
        task="Write two lines about the day before bed.",
        format="written",
        size="small",
        framing="experiment",
        frequency="daily",
        planned_doses=7,
    )
    for number in range(1, 5):
        date = (TODAY - dt.timedelta(weeks=5 - number)).isoformat()
        app.hold_session("GH", number, date)
        if number > 1:
            app.complete("GH", "latest", session=number)
        app.assign("GH", spec, session=number)
        if number == 4:
            app.review("GH", ReviewChoice(), session=4)


async def test_same_again_in_ten_keys(seeded: HwApplication) -> None:
    """Completed, the same design again, recorded: the docs' "ten keys" (docs/tui.md)."""
    seed_steady(seeded)
    before = len(seeded.history("GH"))
    tui = HwTui(seeded)
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("g", "h", "enter")
        assert isinstance(tui.screen, WrapUpScreen)
        await keys.press("c", "ctrl+n")
        assert tui.screen.step == "planner"
        await keys.press("ctrl+n")  # no review due: straight to the design
        assert tui.screen.step == "next"
        await keys.press("ctrl+l", "ctrl+s", "ctrl+s", "enter")
        assert isinstance(tui.screen, CaseloadScreen)
    assert keys.log == [
        "g", "h", "enter", "c", "ctrl+n", "ctrl+n", "ctrl+l", "ctrl+s", "ctrl+s", "enter"
    ]  # fmt: skip
    assert keys.count <= SAME_AGAIN
    assert events(seeded, "GH")[before:] == ["SessionHeld", "HomeworkCompleted", "HomeworkAssigned"]
    new = seeded.assignment("GH", "latest")
    assert (new.title, new.format, new.size, new.planned_doses) == (
        "Evening notes",
        "written",
        "small",
        7,
    )


async def test_a_miss_steered_by_the_fit_to_what_the_history_supports(
    seeded: HwApplication,
) -> None:
    """Missed with the client's words and two reasons; a large size warned and shrunk."""
    before = len(seeded.history("AB"))
    tui = HwTui(seeded)
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("a", "b", "enter", "m")
        await keys.type("the week got away from me")
        await keys.press("enter", "space", "down", "space")  # two reasons ticked
        await keys.press("ctrl+n", "ctrl+n")  # the planner; AB's due review
        assert isinstance(tui.screen, ReviewScreen)
        await keys.press("escape")  # not now: the banner keeps saying it is due
        assert tui.screen.step == "next"
        await keys.type("Two-line diary")
        await keys.press("down", "down", "down", "l")  # the size: large
        warnings = str(tui.screen.query_one("#fit-warnings", Static).render())
        assert "ctrl+g: use size" in warnings
        suggested = tui.screen.suggested_size
        await keys.press("ctrl+g")  # the fit's smaller size
        assert tui.screen.query_one("#f-size").value == suggested  # type: ignore[attr-defined]
        await keys.press("ctrl+s", "ctrl+s", "enter")
        assert isinstance(tui.screen, CaseloadScreen)
    assert keys.count <= MISS_STEERED, keys.log
    assert events(seeded, "AB")[before:] == ["SessionHeld", "HomeworkMissed", "HomeworkAssigned"]
    missed = seeded.assignment("AB", 7)
    assert missed.explanation == "the week got away from me"
    assert len(missed.reasons) == 2
    new = seeded.assignment("AB", "latest")
    assert (new.title, new.size) == ("Two-line diary", suggested)
    assert suggested in ("small", "tiny")  # what AB's history supports


async def test_a_due_review_with_one_override_then_the_next_assignment(
    seeded: HwApplication,
) -> None:
    """CD: the review first (one override), the next assignment from the reviewed system."""
    before = len(seeded.history("CD"))
    tui = HwTui(seeded)
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = Keys(pilot)
        await keys.press("c", "d", "enter")
        assert tui.screen.step == "planner"  # nothing pending, a review due: it comes first
        await keys.press("ctrl+n")
        assert isinstance(tui.screen, ReviewScreen)
        await keys.press("down", "t")  # size: tiny (the one override)
        await keys.press("ctrl+s")  # chosen: written with the wrap-up
        assert isinstance(tui.screen, WrapUpScreen)
        assert tui.screen.step == "next"
        assert tui.screen.query_one("#f-size").value == "tiny"  # type: ignore[attr-defined]
        await keys.type("One small step")
        await keys.press("ctrl+s")
        summary = str(tui.screen.query_one("#record-summary", Static).render())
        assert "Review: — · tiny" in summary
        await keys.press("ctrl+s", "enter")
        assert isinstance(tui.screen, CaseloadScreen)
    assert keys.count <= REVIEW_OVERRIDE, keys.log
    assert events(seeded, "CD")[before:] == ["SessionHeld", "SystemReviewed", "HomeworkAssigned"]
    reviewed = seeded.history("CD")[before + 1].data
    assert reviewed["system"]["size"] == "tiny"
    assert seeded.assignment("CD", "latest").size == "tiny"
    assert not seeded.plan("CD").review.due
