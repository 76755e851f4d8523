"""The hw TUI application: a thin shell over an open HwApplication."""

from __future__ import annotations

import os
import time

from textual.app import App
from textual.binding import Binding

from hwcore.application import HwApplication
from hwtui.screens.caseload import CaseloadPainted, CaseloadScreen

EXIT_AFTER_PAINT_ENV = "HW_TUI_EXIT_AFTER_PAINT"
"""Set to 1 to exit as soon as the caseload is first painted (start-up benchmark)."""
PAINTED = "painted"
"""The app's return value when it exited after the first paint."""
THEMES = ("textual-dark", "textual-light")


class HwTui(App[str | None]):
    """The session wrap-up UI: caseload, wrap-up, review and history screens.

    Args:
        application: an open application (the caller closes it).
        client: open this client's wrap-up straight away.
        exit_after_paint: exit right after the caseload's first paint (default:
            the ``HW_TUI_EXIT_AFTER_PAINT`` environment variable).
    """

    CSS_PATH = "app.tcss"
    TITLE = "hw"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        application: HwApplication,
        *,
        client: str | None = None,
        exit_after_paint: bool | None = None,
    ) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.application = application
        self.client = client
        if exit_after_paint is None:
            exit_after_paint = os.environ.get(EXIT_AFTER_PAINT_ENV, "") not in ("", "0")
        self.exit_after_paint = exit_after_paint
        self.first_paint: float | None = None
        """Seconds from construction to the caseload's first paint."""

    def on_mount(self) -> None:
        """Show the caseload (and the client's wrap-up if one was named)."""
        self.push_screen(CaseloadScreen(self.application))
        if self.client and not self.exit_after_paint:
            from hwtui.screens.wrapup import WrapUpScreen

            self.push_screen(WrapUpScreen(self.application, self.client))

    def on_caseload_painted(self, _: CaseloadPainted) -> None:
        """Note the first paint; exit when only the start-up is measured."""
        if self.first_paint is None:
            self.first_paint = time.perf_counter() - self.started
        if self.exit_after_paint:
            self.exit(PAINTED)

    def _fatal_error(self) -> None:
        """Crash output without local variables or messages: they may hold client text.

        Overrides Textual's hook (which prints a traceback with locals). With
        ``HW_DEBUG=1`` the full Textual traceback is shown, for developers.
        """
        if os.environ.get("HW_DEBUG"):
            super()._fatal_error()
            return
        from rich.text import Text

        name = type(self._exception).__name__ if self._exception else "error"
        self.bell()
        self._exit_renderables.append(
            Text(
                f"hw: error: the TUI stopped on an internal error ({name});"
                " nothing unconfirmed was written. Set HW_DEBUG=1 for details."
            )
        )
        self._close_messages_no_wait()

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
