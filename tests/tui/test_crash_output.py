"""A crash in the TUI prints one content-free line, not a traceback with locals."""

from __future__ import annotations

import pytest

from hwcore.application import HwApplication
from hwtui.app import CRASH_LINE, HwTui


class SecretError(Exception):
    """An error whose message holds client text."""


async def test_crash_output_holds_no_client_text(
    seeded: HwApplication, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HW_DEBUG", raising=False)
    app = HwTui(seeded)
    secret = "I felt ashamed to tell you"
    with pytest.raises(SecretError):  # noqa: PT012 (the crash happens inside the pilot)
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(_raise, secret)
            await pilot.pause()
    captured = capsys.readouterr()
    rendered = " ".join((captured.err + captured.out).split())
    assert rendered == CRASH_LINE  # one line, nothing of the error's text or locals
    assert secret not in rendered
    assert "HW_DEBUG" in rendered


def _raise(text: str) -> None:
    raise SecretError(text)
