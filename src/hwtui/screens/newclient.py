"""Opening a client's wrap-up; an unknown client is offered registration (one confirmation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from hwtui.calls import CallFailed, call
from hwtui.screens.confirm import ConfirmScreen
from hwtui.text import shown

if TYPE_CHECKING:
    from hwcore.application import HwApplication


def open_wrapup(node: DOMNode, application: HwApplication, client: str) -> None:
    """Open ``client``'s wrap-up; if no such client is registered, offer to register it first.

    The check and the registration run in worker threads; the registration is
    one event, written only once the therapist said yes.
    """
    app = node.app

    def push() -> None:
        from hwtui.screens.wrapup import WrapUpScreen

        app.push_screen(WrapUpScreen(application, client))

    def registered() -> None:
        app.notify(shown(f"Registered {client}"), markup=False)
        push()

    def register() -> None:
        try:
            call(application.register_client, client)
        except CallFailed as e:
            app.call_from_thread(app.notify, shown(e), severity="error", markup=False)
            return
        app.call_from_thread(registered)

    def offer() -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                node.run_worker(register, thread=True, group="register-client")

        question = f"{client} is not registered yet. Register {client} now?"
        detail = "One event is written (a new client); then the wrap-up opens."
        app.push_screen(ConfirmScreen(question, detail), answered)

    def check() -> None:
        from hwcore.application import ClientNotFoundError

        try:
            call(application.client, client)
        except CallFailed as e:
            if isinstance(e.error, ClientNotFoundError):
                app.call_from_thread(offer)
            else:  # e.g. an identifier that is not allowed: one line, nothing offered
                app.call_from_thread(app.notify, shown(e), severity="error", markup=False)
            return
        app.call_from_thread(push)

    # Not exclusive: a thread worker cannot be stopped (see docs/tui.md).
    node.run_worker(check, thread=True, group="open-client")
