"""A key in the next-assignment form repaints; the screen is laid out again only when it must.

Issue 19's ``tui_keystroke_latency``: every layout of the wrap-up screen costs a
reflow of its ~200 widgets and a repaint of what moved. The fit feedback is
repainted in place when it fills the same lines, a choice lays the screen out
only when its width changes (from 100 columns the fit choices have one fixed
width), and the choice's new value is painted together with its fit. Real SQLite home, the real ``HwTui`` under Textual's pilot; the
layouts are counted with Textual's public ``screen_layout_refresh_signal``.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from hwcore.application import HwApplication
from hwtui.app import HwTui
from hwtui.screens.wrapup import WrapUpScreen
from hwtui.widgets.assignment_form import FIT_FIELDS, KEEP_LINES, FitBox
from hwtui.widgets.choice import HELD_AT_MOST, ChoiceField, field_width
from hwtui.widgets.inplace import show
from tests.tui.helpers import press, settle
from tests.tui.test_planner_form import seed_confounded


def count_layouts(screen: Screen[object]) -> list[int]:
    """A one-item list counting the screen's layouts from now on."""
    count = [0]

    def laid_out(_: Screen[object]) -> None:
        count[0] += 1

    screen.screen_layout_refresh_signal.subscribe(screen, laid_out, immediate=True)
    return count


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_format_key_repaints_its_fit_without_laying_the_screen_out(
    seeded: HwApplication, size: tuple[int, int]
) -> None:
    seed_confounded(seeded)
    tui = HwTui(seeded, client="XY")
    async with tui.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n")  # the due review first ...
        await press(pilot, "escape")  # ... not now: on to the form
        assert isinstance(tui.screen, WrapUpScreen)
        assert tui.screen.step == "next"
        choice = tui.screen.query_one("#f-format", ChoiceField)
        label = tui.screen.query_one("#f-format-fit", Label)
        box = tui.screen.query_one("#fit-warnings", FitBox)
        choice.focus()
        await settle(pilot)
        layouts = count_layouts(tui.screen)
        quiet = 0
        for _ in range(2 * len(choice.options)):
            old, before, height = choice.value, layouts[0], box.size.height
            await press(pilot, "right")
            # The value pressed and its own fit are on screen.
            assert choice.value != old
            assert str(choice.render()) == f"‹ {choice.value} ›"
            assert str(label.render()).startswith(f"{choice.value}:")
            if field_width(choice, old) == field_width(choice, choice.value):
                if box.size.height == height:
                    assert layouts[0] == before, (old, choice.value)
                    quiet += 1
            else:
                assert layouts[0] > before  # a wider or narrower field moves its fit
        assert quiet >= 2  # the check above ran on keys that changed the fit
        widths = {field_width(choice, option) for option in choice.options}
        if size[0] >= 100:  # one column for the fit (app.tcss): no key moves it
            assert widths == {20}
            assert {tui.screen.query_one(f"#f-{f}").region.width for f in FIT_FIELDS} == {20}
        else:
            assert len(widths) > 1
            assert max(widths) <= 20  # every value fits the wide terminals' column


class HeldChoice(App[None]):
    def compose(self) -> ComposeResult:
        yield ChoiceField(("tiny", "small", "medium"), held=True, id="held")


async def test_a_held_choice_shows_its_value_even_without_feedback() -> None:
    """Nothing calls ``paint``: the new value is on screen all the same, soon after."""
    app = HeldChoice()
    async with app.run_test(size=(40, 5)) as pilot:
        choice = app.query_one("#held", ChoiceField)
        choice.focus()
        await pilot.pause()
        assert "tiny" in app.export_screenshot()
        await pilot.press("right")
        assert choice.value == "small"
        await pilot.pause(HELD_AT_MOST * 3)
        assert "small" in app.export_screenshot()


class Boxes(App[None]):
    CSS = "#narrow { width: 20; }"

    def compose(self) -> ComposeResult:
        yield Static("one line", id="narrow")
        yield FitBox("", id="box")


async def test_a_label_takes_the_lines_its_new_text_needs() -> None:
    app = Boxes()
    async with app.run_test(size=(60, 20)) as pilot:
        narrow = app.query_one("#narrow", Static)
        await pilot.pause()
        assert narrow.size.height == 1
        show(narrow, Content("a text of more than twenty cells"))
        await pilot.pause()
        assert narrow.size.height == 2
        show(narrow, Content("two lines\nstill"))
        await pilot.pause()
        assert narrow.size.height == 2
        assert str(narrow.render()) == "two lines\nstill"


async def test_the_fit_box_keeps_its_height_for_a_line_fewer_only() -> None:
    app = Boxes()
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one("#box", FitBox)

        async def warn(n: int) -> int:
            box.show_fit([f"warning {i}" for i in range(n)], history=True)
            await pilot.pause()
            return box.size.height

        assert await warn(3) == 3
        assert await warn(3 - KEEP_LINES) == 3  # kept: a blank line under the warnings
        assert str(box.render()).splitlines()[: 3 - KEEP_LINES] == ["⚠ warning 0", "⚠ warning 1"]
        assert await warn(1) == 1  # two lines fewer: the box shrinks
        assert await warn(4) == 4
