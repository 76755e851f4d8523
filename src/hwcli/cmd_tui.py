"""``hw tui``: the session wrap-up terminal UI (Textual is imported only here)."""

from __future__ import annotations

import contextlib
import sys
from typing import IO, Any

import click

from hwcli.common import current_state

PAINT_MARKER = "hw-tui-first-paint"
"""Printed (with the seconds to first paint) when HW_TUI_EXIT_AFTER_PAINT=1."""


@click.command("tui")
@click.argument("client", required=False)
def tui(client: str | None) -> None:
    """Open the session wrap-up UI (optionally straight at CLIENT's wrap-up).

    Keys are shown in the footer. Nothing is written until you confirm. A
    CLIENT not registered yet is offered registration (one question).
    Set HW_TUI_EXIT_AFTER_PAINT=1 to exit right after the caseload is first
    drawn (prints a timing line; used by the start-up benchmark).
    """
    if not (_is_terminal(sys.__stdin__) and _is_terminal(sys.__stderr__)):
        # Textual reads keys from stdin and draws on stderr: without a terminal
        # it would wait for keys that never come, until killed.
        msg = "hw tui needs a terminal (stdin and stderr on a TTY); for scripts use the commands"
        raise click.UsageError(msg)
    state = current_state()
    application = None
    if client is not None:
        from hwcore.application import ClientNotFoundError

        application = state.app
        # An identifier that is not allowed: one error line, exit 1. One not
        # registered yet: the TUI offers to register it (one confirmation).
        with contextlib.suppress(ClientNotFoundError):
            application.client(client)
    from hwcli import startup

    # The one sanctioned hwcli -> hwtui import (see the import-linter contract).
    from hwtui.app import PAINTED, HwTui

    startup.done(long_session=True)  # the collector on (the TUI freezes its own screens)

    if application is not None:
        ui = HwTui(application, client=client)
    else:
        # The TUI paints the caseload first and opens the application itself
        # (in the background, closed on exit): start-up time.
        ui = HwTui(home=state.home, database_url=state.database_url)
    result = ui.run()
    if result == PAINTED and ui.first_paint is not None:
        click.echo(f"{PAINT_MARKER} {ui.first_paint:.3f}s")
    if ui.return_code:
        raise SystemExit(ui.return_code)


def _is_terminal(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # closed
        return False
