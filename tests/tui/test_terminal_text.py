"""Pilot test: stored text holding escape sequences reaches no widget raw (issue 14 item 13).

A title such as ``"\\x1b[2J Walk"`` would clear the terminal if drawn as it is
stored; every screen shows it with the control character made visible
(``hwcore.application.terminal_text``), as the CLI does.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import Input, Static

from hwcore.application import AssignmentSpec, HwApplication
from hwtui.app import HwTui
from hwtui.screens.caseload import CaseloadScreen
from hwtui.screens.confirm import ConfirmScreen
from hwtui.screens.history import HistoryScreen
from hwtui.screens.review import ReviewScreen
from hwtui.screens.wrapup import WrapUpScreen
from tests.oldstore import text_guard_lifted
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY

CLEAR = "\x1b[2J"
"""Clears the screen when written raw."""
VISIBLE = "\\x1b[2J"
"""How it is shown instead."""


def _seed_escapes(app: HwApplication) -> None:
    """Client ZZ: titles, framing, words and a change note holding escape sequences.

    hw refuses control characters now: this is a store written before it did.
    """
    with text_guard_lifted():
        _record_escapes(app)


def _record_escapes(app: HwApplication) -> None:
    app.register_client("ZZ")
    dates = ["2026-02-02", "2026-02-09", "2026-02-16"]
    for number, date in enumerate(dates, start=1):
        app.assign(
            "ZZ",
            AssignmentSpec(
                title=f"{CLEAR}Walk {number}",
                format="behavioral",
                size="small",
                framing=f"try{CLEAR}",
                frequency="weekly",
                planned_doses=1,
                task=f"go{CLEAR} out",
                when_where=f"after{CLEAR} lunch",
            ),
            session=number,
            date=date,
        )
    app.complete("ZZ", 1, session=2, experience=f"fine{CLEAR}\x9b2J")
    app.miss("ZZ", 2, session=3, explanation=f"it{CLEAR}\x07 rained", reasons="forgotten")
    app.note_change("ZZ", "life", f"moved{CLEAR} house", session=3)


def _texts(screen: Screen[object]) -> list[str]:
    """Every text the screen's widgets show: Static/Label content, inputs, table lines."""
    texts: list[str] = []
    for widget in screen.walk_children(with_self=False):
        if isinstance(widget, Input):
            texts.append(widget.value)
        elif isinstance(widget, Static):
            texts.append(str(widget.render()))
        elif isinstance(widget, ScrollView):  # the caseload and history tables (Line API)
            texts.extend(widget.render_line(y).text for y in range(widget.size.height))
    return texts


def _assert_no_raw(screen: Screen[object]) -> list[str]:
    texts = _texts(screen)
    raw = [t for t in texts if any(c in t for c in "\x1b\x9b\x07")]
    assert not raw, (type(screen).__name__, raw)
    return texts


async def test_escape_sequences_in_stored_text_reach_no_widget_raw(
    seeded: HwApplication,
) -> None:
    _seed_escapes(seeded)
    assert seeded.assignment("ZZ", 3).title == f"{CLEAR}Walk 3"  # stored as typed
    tui = HwTui(seeded)
    async with tui.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_text(pilot, "zz")
        assert isinstance(tui.screen, CaseloadScreen)
        _assert_no_raw(tui.screen)
        await press(pilot, "enter")
        assert isinstance(tui.screen, WrapUpScreen)
        shown = _assert_no_raw(tui.screen)
        assert any(f"{VISIBLE}Walk 3" in t for t in shown), shown  # the pending card's title
        for key in ("ctrl+n", "ctrl+n", "escape", "ctrl+l"):  # planner; review: not now; form
            await press(pilot, key)
            shown = _assert_no_raw(tui.screen)
        assert f"{VISIBLE}Walk 3" in shown  # the copied title, made visible
        await press(pilot, "ctrl+s")  # the Record step's summary (nothing written)
        assert tui.screen.step == "record"
        _assert_no_raw(tui.screen)
        await press(pilot, "escape")
        assert isinstance(tui.screen, ConfirmScreen)
        _assert_no_raw(tui.screen)
        await press(pilot, "y")
        assert isinstance(tui.screen, CaseloadScreen)
        await press(pilot, "escape")  # clear the filter, then find ZZ again
        await type_text(pilot, "zz")
        await press(pilot, "ctrl+o")
        assert isinstance(tui.screen, HistoryScreen)
        shown = _assert_no_raw(tui.screen)
        assert any(VISIBLE in t for t in shown), shown
        await press(pilot, "escape")
        await press(pilot, "ctrl+r")
        assert isinstance(tui.screen, ReviewScreen)
        _assert_no_raw(tui.screen)
    assert len(seeded.history("ZZ")) == 10  # the TUI wrote nothing
    assert TODAY.isoformat() > "2026-02-16"  # the seeded sessions lie before the TUI's today
