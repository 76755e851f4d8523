"""The hw TUI application: a thin shell over HwApplication (opened lazily on a home)."""

from __future__ import annotations

import gc
import os
import time
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text
from textual import work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from hwtui.calls import CallFailed
from hwtui.opener import Closed, Opener
from hwtui.screens.caseload import CaseloadPainted, CaseloadScreen, cannot_open, with_application

if TYPE_CHECKING:
    from hwcore.application import HwApplication

EXIT_AFTER_PAINT_ENV = "HW_TUI_EXIT_AFTER_PAINT"
"""Set to 1 to exit as soon as the caseload is first painted (start-up benchmark)."""
PAINTED = "painted"
"""The app's return value when it exited after the first paint."""
THEMES = ("textual-dark", "textual-light")
DEBUG_ENV = "HW_DEBUG"
"""Set to 1 to see Textual's full crash report (a traceback with local variables)."""
CRASH_LINE = (
    "hw: error: the TUI stopped on an internal error; nothing unconfirmed was written."
    " Set HW_DEBUG=1 for details."
)
"""What a crash prints in place of Textual's traceback (no client text, no locals)."""


class CrashLine(Console):
    """Textual's error console, printing one content-free line in place of a crash report.

    Textual prints its exit messages to ``App.error_console`` once the app has
    stopped: the ``Text`` messages hw passes to ``App.exit`` (e.g. ``hw: error:
    ...`` when the store cannot be opened), or after a crash a traceback whose
    local variables and message may hold client text. Only hw's own ``Text``
    messages are printed as they are; anything else becomes :data:`CRASH_LINE`,
    once.
    """

    def __init__(self) -> None:
        super().__init__(markup=False, highlight=False, stderr=True)
        self.crashed = False
        """True once a crash report was replaced by the line."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print hw's own messages; a crash report (or Textual's note on it) as one line."""
        if objects and all(isinstance(o, Text) for o in objects):
            super().print(*objects, **kwargs)
        elif not self.crashed:
            self.crashed = True
            super().print(Text(CRASH_LINE))


class HwTui(App[str | None]):
    """The session wrap-up UI: caseload, wrap-up, review and history screens.

    Give it an open application, or a home (and/or database URL) to open one
    on: the caseload is then painted from the read model when it is current,
    and the application is opened after the first paint (or sooner when a
    screen needs it) and closed on exit.

    Args:
        application: an open application (the caller closes it).
        home: the data folder when no application is given (else ``HW_HOME``,
            else the user data dir).
        database_url: a database URL when no application is given (else
            ``HW_DATABASE_URL``, else SQLite in the home).
        client: open this client's wrap-up straight away.
        exit_after_paint: exit right after the caseload's first paint (default:
            the ``HW_TUI_EXIT_AFTER_PAINT`` environment variable).
    """

    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual API)
    """From 100 columns the screens have the class ``-wide`` (app.tcss: the form's fit column)."""
    TITLE = "hw"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        application: HwApplication | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
        client: str | None = None,
        exit_after_paint: bool | None = None,
    ) -> None:
        super().__init__()
        self.started = time.perf_counter()
        if not os.environ.get(DEBUG_ENV):
            self.error_console = CrashLine()
        self.opener = Opener(application, home=home, database_url=database_url)
        self.opener.prefetch_caseload()  # overlaps Textual's own start-up
        self.client = client
        if exit_after_paint is None:
            exit_after_paint = os.environ.get(EXIT_AFTER_PAINT_ENV, "") not in ("", "0")
        self.exit_after_paint = exit_after_paint
        self.first_paint: float | None = None
        """Seconds from construction to the caseload's first paint."""
        self.open_at_first_paint: bool | None = None
        """Whether the application was already open when the caseload was first painted."""
        self.rows_at_first_paint: int | None = None
        """How many caseload rows the first paint showed (the rest are added after it)."""
        self._frozen_screen: Screen[Any] | None = None

    @property
    def application(self) -> HwApplication | None:
        """The application, if it is open (see :attr:`opener`)."""
        return self.opener.current

    def on_mount(self) -> None:
        """Show the caseload (and the client's wrap-up if one was named)."""
        caseload = CaseloadScreen(self.opener)
        self.push_screen(caseload)
        if self.client and not self.exit_after_paint:
            client = self.client

            def open_wrapup(application: HwApplication) -> None:
                from hwtui.screens.newclient import open_wrapup

                open_wrapup(caseload, application, client)  # unknown: offered registration

            with_application(self, self.opener, open_wrapup)

    def on_caseload_painted(self, message: CaseloadPainted) -> None:
        """Note the first paint; exit when only the start-up is measured, else open the store."""
        if self.first_paint is None:
            self.first_paint = time.perf_counter() - self.started
            self.open_at_first_paint = self.opener.current is not None
            self.rows_at_first_paint = message.rows
        if self.exit_after_paint:
            self.exit(PAINTED)
        elif self.opener.current is None:
            self.call_after_refresh(self._open_in_background)

    @work(thread=True, group="open-in-background")
    def _open_in_background(self) -> None:
        """Open the application now, so that the wrap-up opens without waiting."""
        try:
            self.opener.get()
        except Closed:
            return
        except CallFailed as e:
            self.call_from_thread(cannot_open, self, str(e))
            return
        self.call_from_thread(self._freeze)

    # A speed trick for ``tui_keystroke_latency``: what start-up and a screen's
    # load built (widgets, the caseload rows, the loaded case) lives as long as
    # the screen, so it is moved out of the garbage collector's generations
    # (``gc.freeze``). Without it, the dry run behind every key of the wrap-up
    # form triggers full collections that walk the whole UI's heap (up to 0.4 s
    # each). The screen frozen after is unfrozen when it is closed, so its own
    # cyclic garbage is collected as usual.

    def _freeze(self, screen: Screen[Any] | None = None) -> None:
        gc.freeze()
        if screen is not None:
            self._frozen_screen = screen

    def on_wrap_up_screen_loaded(self, message: Message) -> None:
        """The wrap-up screen has shown its client: freeze what it built (see ``_freeze``)."""
        del message
        self._freeze(self.screen)

    def pop_screen(self) -> AwaitComplete:
        """Close the top screen (unfreezing what its load froze, see ``_freeze``)."""
        if self._frozen_screen is not None and self.screen is self._frozen_screen:
            self._frozen_screen = None
            gc.unfreeze()
        return super().pop_screen()

    def on_unmount(self) -> None:
        """Close the application if this UI opened it."""
        self.opener.close()

    async def action_quit(self) -> None:
        """Quit; mid-wrap-up, with something entered, ask first (as Esc does)."""
        from hwtui.screens.confirm import ConfirmScreen

        screen = self.screen
        if isinstance(screen, ConfirmScreen):
            return  # a question is open: y or n answers it
        unsaved = getattr(screen, "unsaved", None)
        if not (callable(unsaved) and unsaved()):
            self.exit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.exit()

        self.push_screen(
            ConfirmScreen("Quit and discard this wrap-up?", "Nothing has been written."),
            answered,
        )

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
