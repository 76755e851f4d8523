"""Pilot tests: the risk alert on the client's screens until acknowledged (spec 4b)."""

from __future__ import annotations

from hwcore.application import HwApplication
from hwtui.app import HwTui
from hwtui.screens.alerts import AcknowledgeScreen, RiskAlertBanner
from hwtui.screens.caseload import CaseloadScreen
from hwtui.screens.wrapup import WrapUpScreen
from hwtui.widgets.caseload_table import CaseloadTable
from tests.tui.helpers import press, settle, type_text

PHQ9_ITEM9_2 = [1, 1, 1, 1, 1, 1, 1, 1, 2]


def banner(tui: HwTui) -> str:
    """The risk-alert banner's text ('' when hidden)."""
    widget = tui.screen.query_one(RiskAlertBanner)
    return str(widget.render()) if widget.display else ""


async def open_wrapup(pilot: object, tui: HwTui, client: str) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await type_text(pilot, client.lower())  # type: ignore[arg-type]
    await press(pilot, "enter")  # type: ignore[arg-type]
    assert isinstance(tui.screen, WrapUpScreen)
    await settle(pilot)  # type: ignore[arg-type]


async def test_the_caseload_puts_an_open_alert_first_and_flags_it(seeded: HwApplication) -> None:
    seeded.take_measure("EF", "phq9", items=PHQ9_ITEM9_2)
    tui = HwTui(seeded)
    async with tui.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(tui.screen, CaseloadScreen)
        table = tui.screen.query_one(CaseloadTable)
        assert table.keys[0] == "EF"
        assert tui.screen.shown[0].open_alert
        assert not tui.screen.shown[1].open_alert


async def test_the_banner_stays_until_an_acknowledgement_is_recorded(
    seeded: HwApplication,
) -> None:
    seeded.take_measure("EF", "phq9", items=PHQ9_ITEM9_2)
    tui = HwTui(seeded)
    async with tui.run_test(size=(100, 30)) as pilot:
        await open_wrapup(pilot, tui, "EF")
        assert "RISK ALERT: PHQ-9 item 9 (thoughts of self-harm) = 2 at session 1" in banner(tui)
        await press(pilot, "ctrl+n")  # on every step
        assert "RISK ALERT" in banner(tui)
        await press(pilot, "ctrl+y")
        assert isinstance(tui.screen, AcknowledgeScreen)
        await press(pilot, "enter")  # a note is required
        assert isinstance(tui.screen, AcknowledgeScreen)
        await type_text(pilot, "safety plan reviewed")
        await press(pilot, "escape")  # one Esc never loses the typed note
        assert isinstance(tui.screen, AcknowledgeScreen)
        await press(pilot, "enter")
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(tui.screen, WrapUpScreen)
        assert banner(tui) == ""
    [alert] = seeded.clinical_record("EF").alerts
    assert alert.acknowledged
    tui = HwTui(seeded)
    async with tui.run_test(size=(100, 30)) as pilot:
        await open_wrapup(pilot, tui, "EF")
        assert banner(tui) == ""


async def test_no_banner_without_an_alert(seeded: HwApplication) -> None:
    seeded.take_measure("EF", "phq9", items=[1] * 8 + [0])
    tui = HwTui(seeded)
    async with tui.run_test(size=(100, 30)) as pilot:
        await open_wrapup(pilot, tui, "EF")
        assert banner(tui) == ""
        await press(pilot, "ctrl+y")
        assert isinstance(tui.screen, WrapUpScreen)
