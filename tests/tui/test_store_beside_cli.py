"""The TUI holds the store open while CLI commands write beside it (issue 14, item 5).

The normal case: cheap (no command checks every page: the stamp matches) and
safe (the TUI's log is still the one it opened, so it keeps writing). Real
SQLite home, the Textual pilot, real ``hw`` subprocesses.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hwcore.bootstrap import open_application
from hwtui.app import HwTui
from tests.integration.test_durability import hw
from tests.integration.test_store_integrity import CHECKING, logged_hw
from tests.tui.helpers import settle
from tests.tui.seed import TODAY, seed

pytestmark = pytest.mark.sqlite_only


async def test_cli_writes_beside_the_open_tui_check_nothing_and_keep_its_log(home: Path) -> None:
    with open_application(home, today=lambda: TODAY) as application:
        seed(application)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_HOME"] = str(home)
    tui = HwTui(home=str(home))
    async with tui.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        opened = tui.application
        assert opened is not None
        for n in range(3):
            result = logged_hw(env, "client", "add", f"C{n}")
            assert result.returncode == 0, result.stderr
            assert CHECKING not in result.stderr
        opened.register_client("T1")  # the TUI still writes: nobody deleted its log
        assert "C2" in opened.client_names()
    assert tui.application is None
    after = logged_hw(env, "client", "add", "AFTER")
    assert after.returncode == 0, after.stderr
    assert CHECKING not in after.stderr
    assert {"C0", "C1", "C2", "T1", "AFTER"} <= set(hw(env, "clients").stdout.split())
