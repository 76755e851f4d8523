"""Pilot tests of the planner step and the next-assignment form (issues 15 and 20).

The whole planner is on the planner step, the form has every field of
``AssignmentSpec``, and ctrl+f fills in the assignment that would tell two
confounded values apart. Real SQLite home, real screens, keys pressed.
"""

from __future__ import annotations

import datetime as dt

from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from hwcore.application import AssignmentSpec, HwApplication
from hwtui.app import HwTui
from hwtui.screens.confirm import ConfirmScreen
from hwtui.screens.wrapup import WrapUpScreen
from hwtui.widgets.planner_glance import PlannerGlance
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY
from tests.tui.test_wrapup import error_at

MISSED_WORDS = (
    "I kept putting it off because writing it all down made me feel like I was being"
    " tested at school again, and then the week was gone"
)
DONE_WORDS = "It felt easier than I expected; my partner noticed I was calmer in the evenings"


def seed_confounded(app: HwApplication) -> None:
    """XY: every written task was medium and a challenge (all missed); the rest were done."""
    app.register_client("XY")
    history = [
        ("written", "medium", "challenge", False),
        ("behavioral", "small", "experiment", True),
        ("written", "medium", "challenge", False),
        ("behavioral", "small", "experiment", True),
        ("written", "medium", "challenge", False),
        ("observational", "small", "experiment", True),
    ]
    for number, (fmt, size, framing, done) in enumerate(history, start=1):
        day = (TODAY - dt.timedelta(weeks=8 - number)).isoformat()
        spec = AssignmentSpec(title=f"Task {number}", format=fmt, size=size, framing=framing)
        app.assign("XY", spec, session=number, date=day)
        app.hold_session("XY", number + 1, (TODAY - dt.timedelta(weeks=7 - number)).isoformat())
        if done:
            app.complete("XY", "latest", session=number + 1, experience=DONE_WORDS)
        else:
            app.miss(
                "XY",
                "latest",
                session=number + 1,
                explanation=MISSED_WORDS,
                reasons=["too-complex"],
            )


def planner_text(tui: HwTui) -> str:
    """Everything the planner step shows, as one line of words (wrapping undone)."""
    glance = tui.screen.query_one(PlannerGlance)
    parts = [str(s.render()) for s in glance.query(Static) if s.display]
    return " ".join(" ".join(parts).split())


class TestPlannerStep:
    async def test_the_whole_planner_with_the_clients_words(self, seeded: HwApplication) -> None:
        seed_confounded(seeded)
        tui = HwTui(seeded, client="XY")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            # Nothing pending and a review due: the wrap-up opens on the planner.
            assert isinstance(tui.screen, WrapUpScreen)
            assert tui.screen.step == "planner"
            text = planner_text(tui)
            planner = tui.screen.planner
        assert planner is not None
        assert f"“{MISSED_WORDS}”" in text  # never cut, however long
        assert f"“{DONE_WORDS}”" in text
        assert "Missed (3)" in text
        assert "Completed (3)" in text
        assert "What missed assignments had in common" in text
        assert "Cannot tell apart: written is confounded with challenge" in text
        assert "the assignment that would tell: a written task framed as an experiment" in text
        assert "consistently managed" in text  # the size's basis, beside its evidence
        assert "Current system none yet" in text
        assert f"If missed: {planner.followup.missed_opening}" in text
        assert f"Then ask: {planner.followup.missed_diagnostic}" in text
        assert "Review schedule last - · next session 5 · due: YES" in text

    async def test_the_arrows_and_page_keys_scroll_it(self, seeded: HwApplication) -> None:
        seed_confounded(seeded)
        tui = HwTui(seeded, client="XY")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)  # on the planner: nothing pending, a review due
            body = tui.screen.query_one("#step-planner", VerticalScroll)
            assert body.max_scroll_y > 0  # longer than 24 lines: it scrolls
            await press(pilot, "pagedown")
            paged = body.scroll_y
            await press(pilot, "down")
            assert body.scroll_y == paged + 1
            await press(pilot, "end")
            assert body.scroll_y == body.max_scroll_y
            await press(pilot, "home")
            assert body.scroll_y == 0
        assert paged > 10


class TestTryTheTest:
    async def test_ctrl_f_fills_the_test_and_the_fit_says_it_tells(
        self, seeded: HwApplication
    ) -> None:
        seed_confounded(seeded)
        tui = HwTui(seeded, client="XY")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n")  # the due review first ...
            await press(pilot, "escape")  # ... not now: on to the form
            screen = tui.screen
            assert isinstance(screen, WrapUpScreen)
            assert screen.step == "next"
            hint = str(screen.query_one("#f-test", Static).render())
            assert hint.startswith("ctrl+f tries the test: a small written task")
            await press(pilot, "ctrl+f")
            fmt = screen.query_one("#f-format").value  # type: ignore[attr-defined]
            size = screen.query_one("#f-size").value  # type: ignore[attr-defined]
            box = " ".join(str(screen.query_one("#fit-warnings", Static).render()).split())
            await press(pilot, "ctrl+f")  # the next test: written, framed as an experiment
            framing = screen.query_one("#f-framing", Input).value
            fmt_2 = screen.query_one("#f-format").value  # type: ignore[attr-defined]
            box_2 = " ".join(str(screen.query_one("#fit-warnings", Static).render()).split())
        assert (fmt, size) == ("written", "small")
        assert "this assignment will tell apart written and medium" in box
        assert "format 'written'" not in box  # the test is not warned about as a rare format
        assert (fmt_2, framing) == ("written", "experiment")
        assert "this assignment will tell apart written and challenge" in box_2

    async def test_no_test_no_key(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, client="CD")  # one value tried: nothing confounded to tell apart
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            assert isinstance(screen, WrapUpScreen)
            assert screen.planner is not None
            assert not screen.planner.confounded
            keys = {b.key for _, b, enabled, _ in screen.active_bindings.values() if enabled}
            hint = screen.query_one("#f-test", Static)
            assert not hint.display
        assert "ctrl+f" not in keys


class TestEveryField:
    async def test_every_assignment_field_is_recorded(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, client="EF")  # nothing pending: straight to the form
        typed = {
            "f-title": "Walk to the shop",
            "f-framing": "experiment",
            "f-days": "thu,mon",
            "f-time": "7:30",
            "f-when": "after breakfast",
            "f-why": "it gets me out before the worry starts",
            "f-method": "phone note",
            "f-followup": "ask about the first walk",
            "f-wording": "just to see what happens",
            "f-understanding": "agreed, restated it",
            "f-accommodations": "large print",
            "f-notes": "sister may join",
            "f-confidence": "9",
        }
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            for ident, text in typed.items():
                screen.query_one(f"#{ident}").focus()
                await type_text(pilot, text)
            screen.query_one("#f-started").focus()
            await press(pilot, "y")
            await press(pilot, "ctrl+s")
            summary = " ".join(str(screen.query_one("#record-summary", Static).render()).split())
            await press(pilot, "ctrl+s")
        a = seeded.assignment("EF", "latest")
        assert a.days == ("mon", "thu")
        assert a.time == "07:30"
        assert (a.when_where, a.client_why, a.method) == (
            "after breakfast",
            "it gets me out before the worry starts",
            "phone note",
        )
        assert (a.followup_plan, a.framing_wording) == (
            "ask about the first walk",
            "just to see what happens",
        )
        assert (a.understanding, a.accommodations, a.notes) == (
            "agreed, restated it",
            "large print",
            "sister may join",
        )
        assert a.started_in_session
        assert a.confidence == 9
        for text in ("it gets me out before the worry starts", "large print", "Started in"):
            assert text in summary  # shown before it was written

    async def test_a_bad_time_is_refused_at_its_field_and_clears_once_fixed(
        self, seeded: HwApplication
    ) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded, client="EF")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            await type_text(pilot, "Walk")
            screen.query_one("#f-framing").focus()
            await type_text(pilot, "experiment")
            screen.query_one("#f-time").focus()
            await type_text(pilot, "25:00")
            await press(pilot, "ctrl+s")
            error = error_at(tui, "f-time")
            assert screen.focused is screen.query_one("#f-time")
            await press(pilot, "backspace")
            cleared = error_at(tui, "f-time")
        assert "25:00" in error
        assert "HH:MM" in error
        assert cleared == ""
        assert seeded.export_data() == before  # nothing written

    async def test_copy_last_brings_the_agreement_but_not_this_sessions_own(
        self, seeded: HwApplication
    ) -> None:
        spec = AssignmentSpec(
            title="Walk",
            format="behavioral",
            size="small",
            framing="experiment",
            days="mon,thu",
            time="17:30",
            client_why="fresh air",
            understanding="agreed",
            confidence=7,
        )
        seeded.assign("EF", spec, session=1)
        tui = HwTui(seeded, client="EF")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "c", "ctrl+n", "ctrl+n", "ctrl+l")
            screen = tui.screen
            copied = {
                ident: screen.query_one(f"#{ident}", Input).value
                for ident in ("f-title", "f-days", "f-time", "f-why", "f-understanding")
            }
            confidence = screen.query_one("#f-confidence", Input).value
        assert copied == {
            "f-title": "Walk",
            "f-days": "mon,thu",
            "f-time": "17:30",
            "f-why": "fresh air",
            "f-understanding": "",  # this session's agreement is asked again
        }
        assert confidence == ""


class TestReviewEvidence:
    async def test_an_override_shows_its_record_and_the_planners(
        self, seeded: HwApplication
    ) -> None:
        seed_confounded(seeded)
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_text(pilot, "xy")
            await press(pilot, "ctrl+r")
            screen = tui.screen
            size = str(screen.query_one("#rv-size-fit", Label).render())
            await press(pilot, "w")  # format: written, over the planner's behavioral
            beside = screen.query_one("#rv-format-fit", Label)
            fmt = " ".join(str(beside.render()).split())
            poor = beside.has_class("-poor")
            await press(pilot, "ctrl+s")
            assert isinstance(tui.screen, ConfirmScreen)
            detail = " ".join(str(tui.screen.query_one("#confirm-detail", Static).render()).split())
        assert size.startswith("the planner's value: n=3, 100% done")
        assert fmt == (
            "n=3, 0% done · overrides the planner's behavioral: n=2, 100% done"
            " · highest smoothed completion rate"
        )
        assert poor
        assert detail.endswith("Overrides: format written instead of the planner's behavioral")
