"""Pilot tests: the wrap-up walked with the keyboard on a seeded real SQLite home."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from hwcore.application import HwApplication
from hwtui.app import PAINTED, HwTui
from hwtui.screens.caseload import CaseloadScreen
from hwtui.screens.history import HistoryScreen
from hwtui.screens.review import ReviewScreen
from hwtui.screens.wrapup import WrapUpScreen
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY


def events(app: HwApplication, client: str) -> list[str]:
    """The names of the client's events, in order."""
    return [e.event for e in app.history(client)]


def error_at(tui: HwTui, field_id: str) -> str:
    """The error message shown under a field ('' when none)."""
    label = tui.screen.query_one(f"#{field_id}-error", Label)
    return str(label.render()) if label.has_class("-shown") else ""


async def open_wrapup(pilot: object, tui: HwTui, client: str) -> None:
    """From the caseload: type the client's code, Enter."""
    await settle(pilot)  # type: ignore[arg-type]
    await type_text(pilot, client.lower())  # type: ignore[arg-type]
    await press(pilot, "enter")  # type: ignore[arg-type]
    assert isinstance(tui.screen, WrapUpScreen)
    assert tui.screen.client == client


class TestWholeWrapUp:
    async def test_missed_then_new_assignment_is_written(self, seeded: HwApplication) -> None:
        before = len(seeded.history("AB"))
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await open_wrapup(pilot, tui, "AB")
            await press(pilot, "m")  # missed: focus moves to the explanation
            await type_text(pilot, "the week got away")
            await press(pilot, "enter", "space")  # to the reasons; tick 'forgotten'
            await press(pilot, "ctrl+n")
            assert tui.screen.step == "planner"
            await press(pilot, "ctrl+n")  # AB's review is due: it comes first
            assert isinstance(tui.screen, ReviewScreen)
            await press(pilot, "escape")  # not now
            assert tui.screen.step == "next"
            await type_text(pilot, "Two-line diary")
            await press(pilot, "ctrl+s")
            assert tui.screen.step == "record"
            assert len(seeded.history("AB")) == before  # shown, not written
            await press(pilot, "ctrl+s")
            assert tui.screen.written is not None
            await press(pilot, "enter")
            assert isinstance(tui.screen, CaseloadScreen)

        assert events(seeded, "AB")[before:] == [
            "SessionHeld",
            "HomeworkMissed",
            "HomeworkAssigned",
        ]
        missed = seeded.assignment("AB", 7)
        assert missed.outcome == "missed"
        assert missed.resolved_session == 8
        assert missed.explanation == "the week got away"
        assert missed.reasons == ("forgotten",)
        new = seeded.assignment("AB", "latest")
        assert (new.assignment_id, new.title, new.session) == (8, "Two-line diary", 8)
        # the form started from the planner's recommended system
        assert (new.format, new.size, new.frequency, new.framing) == (
            "written",
            "small",
            "daily",
            "experiment",
        )
        assert new.planned_doses == 7
        assert seeded.history("AB")[before].data["held_on"] == TODAY.isoformat()

    async def test_common_wrap_up_takes_a_dozen_keys(self, seeded: HwApplication) -> None:
        """Completed + last week's assignment again, AB's due review left for later: 11 keys."""
        before = len(seeded.history("AB"))
        tui = HwTui(seeded)
        keys = ["a", "b", "enter", "c", "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s"]
        keys += ["ctrl+s", "enter"]
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, *keys)
            assert isinstance(tui.screen, CaseloadScreen)
        assert events(seeded, "AB")[before:] == [
            "SessionHeld",
            "HomeworkCompleted",
            "HomeworkAssigned",
        ]
        assert seeded.assignment("AB", 7).outcome == "completed"
        new = seeded.assignment("AB", 8)
        assert (new.title, new.task) == (
            "Evening notes",
            "Write two lines about the day before bed.",
        )

    async def test_partial_with_doses(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "p")  # focus moves to 'doses done'
            await type_text(pilot, "5")
            await press(pilot, "ctrl+n", "ctrl+n", "escape")
            await type_text(pilot, "Evening notes")
            await press(pilot, "ctrl+s", "ctrl+s")
            assert tui.screen.written is not None
        partial = seeded.assignment("AB", 7)
        assert (partial.outcome, partial.done, partial.planned) == ("partial", 5, 7)

    async def test_left_pending_and_no_client_typed(self, seeded: HwApplication) -> None:
        """Leaving an assignment pending records only the new one."""
        before = len(seeded.history("AB"))
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", "ctrl+n", "escape")
            await type_text(pilot, "Breathing")
            await press(pilot, "ctrl+s", "ctrl+s")
        assert events(seeded, "AB")[before:] == ["SessionHeld", "HomeworkAssigned"]
        assert seeded.assignment("AB", 7).outcome == "pending"


class TestCancelWritesNothing:
    @pytest.mark.parametrize("steps", [0, 1, 2, 3])
    async def test_escape_at_any_step(self, seeded: HwApplication, steps: int) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "c")
            for _ in range(min(steps, 2)):
                await press(pilot, "ctrl+n")
            if steps >= 2:
                await press(pilot, "escape")  # the review that is due: not now
                await type_text(pilot, "Anything")
            if steps == 3:
                await press(pilot, "ctrl+s")
                assert tui.screen.step == "record"
            await press(pilot, "escape")  # asks: something was entered
            await press(pilot, "y")
            assert isinstance(tui.screen, CaseloadScreen)
        assert seeded.export_data() == before

    async def test_saying_no_keeps_the_entries(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "c", "escape", "n")
            assert isinstance(tui.screen, WrapUpScreen)
            assert tui.screen.step == "outcomes"

    async def test_review_cancel(self, seeded: HwApplication) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_text(pilot, "cd")
            await press(pilot, "ctrl+r")
            assert isinstance(tui.screen, ReviewScreen)
            await press(pilot, "ctrl+s", "n", "escape")
            assert isinstance(tui.screen, CaseloadScreen)
        assert seeded.export_data() == before


class TestInvalidEntriesRefused:
    async def test_partial_doses_above_planned(self, seeded: HwApplication) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "p")
            await type_text(pilot, "9")
            await press(pilot, "ctrl+n")
            assert tui.screen.step == "outcomes"
            assert "not fewer than planned (7)" in error_at(tui, "a7-done")
            await press(pilot, "backspace")
            await type_text(pilot, "x")
            await press(pilot, "ctrl+s")
            assert "not a whole number" in error_at(tui, "a7-done")
        assert seeded.export_data() == before

    async def test_form_fields(self, seeded: HwApplication) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", "ctrl+n", "escape", "ctrl+s")
            assert tui.screen.step == "next"
            assert error_at(tui, "f-title") == "title: required (a short title)"
            await type_text(pilot, "Diary")
            tui.screen.query_one("#f-confidence").focus()
            await type_text(pilot, "11")
            assert "not between 0 and 10" in error_at(tui, "f-confidence")
            await press(pilot, "ctrl+s")
            assert tui.screen.step == "next"
            assert tui.focused is not None
            assert tui.focused.id == "f-confidence"
        assert seeded.export_data() == before

    async def test_session_on_another_date(self, seeded: HwApplication) -> None:
        """Session 7 was held on another day: refused at the field, nothing written."""
        before = seeded.export_data()
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", "ctrl+n", "escape")
            await type_text(pilot, "Diary")
            await press(pilot, "ctrl+s")
            session = tui.screen.query_one("#r-session")
            session.value = "7"  # type: ignore[attr-defined]
            await press(pilot, "ctrl+s")
            assert tui.screen.written is None
            assert "already recorded" in error_at(tui, "r-session")
        assert seeded.export_data() == before


class TestLiveFit:
    async def test_feedback_follows_each_choice(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", "ctrl+n", "escape")
            screen = tui.screen
            fit = screen.query_one("#f-format-fit", Label)
            assert str(fit.render()) == "written: 2 of 3 completed, 1 partly (86%)"
            screen.query_one("#f-format").focus()
            await press(pilot, "b")
            assert str(fit.render()) == "behavioral: 0 of 1 completed (0%)"
            warnings = str(screen.query_one("#fit-warnings").render())
            assert "format 'behavioral' differs from the planner's 'written'" in warnings
            screen.query_one("#f-confidence").focus()
            await type_text(pilot, "6")
            warnings = str(screen.query_one("#fit-warnings").render())
            assert "confidence 6/10 is below 9" in warnings
            await press(pilot, "ctrl+g")  # take the suggested smaller size
            assert screen.query_one("#f-size").value == "tiny"  # type: ignore[attr-defined]

    async def test_planner_includes_this_weeks_outcome(self, seeded: HwApplication) -> None:
        """The glance and the fit count the outcome just entered (still unwritten)."""
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "c", "ctrl+n", "ctrl+n", "escape")
            fit = tui.screen.query_one("#f-format-fit", Label)
            assert str(fit.render()) == "written: 3 of 4 completed, 1 partly (89%)"
        assert seeded.assignment("AB", 7).outcome == "pending"


class TestReviewAndHistory:
    async def test_review_writes_system_reviewed(self, seeded: HwApplication) -> None:
        before = len(seeded.history("CD"))
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_text(pilot, "cd")
            await press(pilot, "ctrl+r")
            screen = tui.screen
            assert isinstance(screen, ReviewScreen)
            assert screen.query_one("#rv-trigger").value == "three_consecutive_misses"  # type: ignore[attr-defined]
            screen.query_one("#rv-size").focus()
            await press(pilot, "t")  # override the size: tiny
            await press(pilot, "ctrl+s", "y")
            assert isinstance(tui.screen, CaseloadScreen)
        added = seeded.history("CD")[before:]
        assert [e.event for e in added] == ["SessionHeld", "SystemReviewed"]
        review = added[-1].data
        assert review["session"] == 6
        assert review["next_review_session"] == 14
        assert review["trigger"] == "three_consecutive_misses"
        assert review["system"]["size"] == "tiny"

    async def test_review_refuses_a_past_next_review(self, seeded: HwApplication) -> None:
        before = seeded.export_data()
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_text(pilot, "cd")
            await press(pilot, "ctrl+r")
            tui.screen.query_one("#rv-next").value = "3"  # type: ignore[attr-defined]
            await press(pilot, "ctrl+s")
            assert isinstance(tui.screen, ReviewScreen)
            assert "must come after session 6" in error_at(tui, "rv-next")
        assert seeded.export_data() == before

    async def test_history_lists_every_event(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_text(pilot, "ab")
            await press(pilot, "ctrl+o")
            assert isinstance(tui.screen, HistoryScreen)
            table = tui.screen.query_one("#history")
            assert table.row_count == len(seeded.history("AB"))  # type: ignore[attr-defined]
            await press(pilot, "escape")
            assert isinstance(tui.screen, CaseloadScreen)


class TestCaseloadAndStartUp:
    async def test_filter_and_attention_order(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            assert screen.selected_client() == "CD"  # review due, two triggers: first
            await type_text(pilot, "e")
            assert screen.selected_client() == "EF"
            await press(pilot, "escape", "up")  # the highlight stays on EF, now among all
            assert screen.selected_client() == "AB"

    async def test_exit_after_first_paint(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded, exit_after_paint=True)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
        assert tui.return_value == PAINTED
        assert tui.first_paint is not None

    async def test_handout_offered_only_with_printing(
        self, seeded: HwApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)  # the handout is written to the current folder
        tui = HwTui(seeded, client="AB")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", "ctrl+n", "escape", "ctrl+l", "ctrl+s", "ctrl+s")
            screen = tui.screen
            assert isinstance(screen, WrapUpScreen)
            assert screen.written is not None
            printing = hasattr(seeded.printing, "print_handout")
            assert (screen.check_action("print", ()) is True) == printing
            assert ("description='Print'" in str(tui.screen.active_bindings)) == printing
            if printing:
                await press(pilot, "p", "enter")  # the print dialog: the handout is ticked
                assert (tmp_path / "AB-handout-8.pdf").is_file()


class TestAccessLog:
    async def test_opening_a_client_and_its_history_is_logged(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await open_wrapup(pilot, tui, "AB")
            await settle(pilot)
        got = [(e.clinician, e.action, e.client, e.detail) for e in seeded.access.entries()]
        assert ("dr.test", "open", "AB", "wrap-up") in got
