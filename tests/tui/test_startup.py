"""Start-up: the caseload paints from the read model, the application opens afterwards.

Real SQLite homes and the Textual pilot; ``HwTui(home=...)`` is how ``hw tui``
starts the UI. No timing assertions (speed is measured in benchmarks/).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Label

from hwcore.application import HwApplication
from hwcore.bootstrap import open_application, resolve_settings
from hwtui.app import HwTui
from hwtui.screens import caseload
from hwtui.screens.caseload import CaseloadScreen
from hwtui.screens.wrapup import WrapUpScreen
from hwtui.widgets.caseload_table import CaseloadTable
from tests.tui.helpers import press, settle, type_text
from tests.tui.seed import TODAY, seed, seed_many

MANY = 80
"""Clients beyond the first chunk of the progressive fill (3 seeded + 80)."""


@pytest.fixture
def seeded_home(home: Path) -> Path:
    """A home holding the invented caseload, its read model current, nothing left open."""
    with open_application(home, today=lambda: TODAY) as application:
        seed(application)
    return home


@pytest.fixture
def big_home(home: Path) -> Path:
    """A home with 83 clients, its read model current."""
    with open_application(home, today=lambda: TODAY) as application:
        seed(application)
        seed_many(application, MANY)
    return home


def expected_caseload(home: Path) -> list[str]:
    """The caseload's clients in order, as the application answers it (caught up)."""
    with open_application(home, today=lambda: TODAY) as application:
        return [e.client for e in application.caseload()]


def expected_status(home: Path, shown: int) -> str:
    """The status line for ``shown`` clients of the home's caseload."""
    with open_application(home, today=lambda: TODAY) as application:
        entries = application.caseload()
    due = sum(e.due for e in entries)
    return f"{shown} of {len(entries)} clients · {due} review(s) due"


def table_clients(tui: HwTui) -> list[str]:
    """The clients in the caseload table, top to bottom."""
    return tui.screen.query_one(CaseloadTable).keys


async def filled(pilot: Pilot[object], screen: CaseloadScreen) -> None:
    """Wait until the progressive fill has added every row the filter shows."""
    for _ in range(1000):  # a bound on rounds, not on time
        if not screen.filling:
            return
        await pilot.pause()
    pytest.fail(f"the fill stopped at {screen.query_one(CaseloadTable).row_count} rows")


def status(tui: HwTui) -> str:
    """The caseload's status line."""
    return str(tui.screen.query_one("#caseload-status", Label).render())


class TestQuickPath:
    async def test_paints_from_the_read_model_then_opens(self, seeded_home: Path) -> None:
        tui = HwTui(home=str(seeded_home))
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            assert screen.source == "read model"
            assert tui.open_at_first_paint is False  # painted before the store was opened
            # The footer joins after the first frame, with the screen's keys in it.
            assert screen.first_frame_shown
            footer = screen.query_one(Footer)
            assert footer.is_attached
            shown = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
            assert shown >= {"ctrl+r", "ctrl+o", "escape"}
            assert table_clients(tui) == expected_caseload(seeded_home)
            assert status(tui) == expected_status(seeded_home, 3)
            # ...and opened right after the first paint, once
            assert tui.application is not None
            assert tui.opener.opened == 1
            await type_text(pilot, "ab")
            await press(pilot, "enter")
            assert isinstance(tui.screen, WrapUpScreen)
            assert tui.screen.client == "AB"
            await press(pilot, "escape")
        assert tui.application is None  # the UI closed the application it opened
        assert tui.opener.opened == 1

    async def test_a_given_application_is_used_and_left_open(self, seeded: HwApplication) -> None:
        tui = HwTui(seeded)
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            assert screen.source == "application"
            assert tui.opener.opened == 0
        assert tui.application is seeded
        assert seeded.client("AB").client == "AB"  # still open: the caller closes it

    async def test_client_named_without_an_application(self, seeded_home: Path) -> None:
        """HwTui(home=..., client=...) opens the store, then the client's wrap-up."""
        tui = HwTui(home=str(seeded_home), client="CD")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(tui.screen, WrapUpScreen)
            assert tui.screen.client == "CD"
        assert tui.opener.opened == 1


class TestStaleReadModel:
    @pytest.mark.parametrize("how", ["events appended", "read model deleted"])
    async def test_the_application_answers(self, seeded_home: Path, how: str) -> None:
        if how == "events appended":
            # Another writer without a read model: the log moves on, the read model does not.
            other = HwApplication(resolve_settings(seeded_home, environ={}).event_store_env())
            other.register_client("GH")
            other.close()
        else:
            for name in ("readmodel.sqlite", "readmodel.sqlite-wal", "readmodel.sqlite-shm"):
                (seeded_home / name).unlink(missing_ok=True)
        tui = HwTui(home=str(seeded_home))
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            assert screen.source == "application"
            assert tui.open_at_first_paint is True
            shown = table_clients(tui)
        assert shown == expected_caseload(seeded_home)
        assert ("GH" in shown) == (how == "events appended")
        assert tui.opener.opened == 1
        assert tui.application is None

    async def test_a_store_that_cannot_open_exits_with_one_line(
        self, home: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        tui = HwTui(home=str(home), database_url="mysql://nowhere/hw")
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
        assert tui.return_code == 1
        err = capsys.readouterr().err
        assert err.startswith("hw: error: ")
        assert "database URL" in err
        assert "Traceback" not in err


class TestProgressiveFill:
    async def test_first_rows_then_all(
        self, big_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        loads: list[str] = []
        loaded = CaseloadScreen._loaded

        def counted(screen: CaseloadScreen, entries: list[Any], source: str) -> None:
            loads.append(source)
            loaded(screen, entries, source)

        monkeypatch.setattr(CaseloadScreen, "_loaded", counted)
        tui = HwTui(home=str(big_home))
        async with tui.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert loads == ["read model"]  # read once: showing the screen is no reload
            assert tui.rows_at_first_paint == 24  # a screenful: the terminal's height
            assert table_clients(tui) == expected_caseload(big_home)
            assert status(tui) == expected_status(big_home, MANY + 3)

    async def test_filter_while_filling(
        self, big_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(caseload, "CHUNK_ROWS", 3)  # many chunks: the fill takes a while
        tui = HwTui(home=str(big_home))
        async with tui.run_test(size=(80, 24)) as pilot:
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            while not (screen.painted and screen.filling):
                await asyncio.sleep(0)
            # The filter arrives mid-fill: it replaces the fill, no stale chunk follows.
            screen.query_one("#filter", Input).value = "k01"
            screen.filter_changed()
            await settle(pilot)
            await filled(pilot, screen)
            expected = [c for c in expected_caseload(big_home) if "k01" in c.casefold()]
            assert table_clients(tui) == expected
            assert len(expected) == 10
            assert status(tui) == expected_status(big_home, 10)
            # Clearing the filter while the full refill runs keeps the highlighted client.
            await press(pilot, "down", "down")
            assert screen.selected_client() == expected[2]
            await press(pilot, "escape")
            assert screen.selected_client() == expected[2]
            await filled(pilot, screen)
            assert table_clients(tui) == expected_caseload(big_home)
            assert screen.selected_client() == expected[2]

    async def test_reload_supersedes_a_running_fill(
        self, big_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(caseload, "CHUNK_ROWS", 3)
        tui = HwTui(home=str(big_home))
        async with tui.run_test(size=(80, 24)) as pilot:
            screen = tui.screen
            assert isinstance(screen, CaseloadScreen)
            while not (screen.painted and screen.filling):
                await asyncio.sleep(0)
            screen.load()  # as when coming back from a wrap-up
            await settle(pilot)
            await filled(pilot, screen)
            clients = table_clients(tui)
            assert clients == expected_caseload(big_home)
            assert len(set(clients)) == len(clients) == MANY + 3


def test_the_fixture_leaves_a_current_read_model(seeded_home: Path) -> None:
    """The quick path can answer on the seeded home, as the application does."""
    from hwcore.application.quick import quick_caseload

    entries = quick_caseload(seeded_home, environ={})
    assert entries is not None
    assert [e.client for e in entries] == expected_caseload(seeded_home)
