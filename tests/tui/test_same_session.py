"""Homework given at a session is resolved at a later one, in the TUI too (spec 3, r2; issue 13)."""

from __future__ import annotations

from hwcore.application import AssignmentSpec, HwApplication, OutcomeEntry
from hwtui.app import HwTui
from hwtui.screens.wrapup import WrapUpScreen
from hwtui.widgets.outcome import OutcomeCard
from tests.tui.helpers import settle


async def test_reopening_the_wrap_up_the_same_day_offers_no_new_homework(
    seeded: HwApplication,
) -> None:
    pending = seeded.assignments("AB", pending_only=True)
    assert pending  # the seed leaves last week's homework pending
    done = seeded.wrap_up(
        "AB",
        outcomes=[
            OutcomeEntry(assignment_id=a.assignment_id, outcome="completed") for a in pending
        ],
        assignment=AssignmentSpec(
            title="Morning walk", format="behavioral", size="small", framing="experiment"
        ),
    )
    assert done.assignment is not None
    tui = HwTui(seeded, client="AB")
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = tui.screen
        assert isinstance(screen, WrapUpScreen)
        assert screen.session == done.session  # today's session, reopened
        offered = list(screen.query(OutcomeCard))
        assert screen.pending == []
        assert offered == []
    # It is still pending: its outcome comes at the next session.
    again = seeded.assignments("AB", pending_only=True)
    assert [a.assignment_id for a in again] == [done.assignment.assignment.assignment_id]
