"""The client's screens with the risk alert: its banner, and acknowledging it (ctrl+y).

A screen of one client derives from :class:`AlertScreen`, yields a
:class:`~hwtui.widgets.risk_alert.RiskAlertBanner` and calls
:meth:`AlertScreen.show_alerts` with each planner it reads. The banner stays
until an acknowledgement is recorded: ``ctrl+y`` asks for a one-line note of
what was done, shows what will be recorded, and records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from hwtui.calls import CallFailed, call
from hwtui.widgets.risk_alert import RiskAlertBanner, alert_text

if TYPE_CHECKING:
    from hwcore.application import Alert, HwApplication

ResultT = TypeVar("ResultT")

__all__ = ["AcknowledgeScreen", "AlertScreen", "RiskAlertBanner"]


class AcknowledgeScreen(ModalScreen[str | None]):
    """A one-line note of what was done about a risk alert; answers the note, or None."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    AcknowledgeScreen { align: center middle; }
    #ack-box {
        width: 76; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    #ack-error { color: $text-error; }
    """

    def __init__(self, client: str, alert: Alert) -> None:
        super().__init__()
        self.client = client
        self.alert = alert
        self._warned = False

    def compose(self) -> ComposeResult:
        """What will be recorded, the note, the keys."""
        with Vertical(id="ack-box"):
            yield Static(
                f"Acknowledge the risk alert of {self.client}: {alert_text(self.alert)}.\n"
                "Recorded as an event at the latest session, with this note:",
                id="ack-what",
            )
            yield Input(placeholder='what was done, e.g. "safety plan reviewed"', id="ack-note")
            yield Label("", id="ack-error")
            yield Label("Enter: record    Esc: cancel", id="ack-keys")
        yield Footer(show_command_palette=False, compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: answer the note (a note is required)."""
        note = event.value.strip()
        if not note:
            self.query_one("#ack-error", Label).update("a note is required: say what was done")
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        """Esc: leave without recording; a typed note needs a second Esc (never lost to one key)."""
        if self.query_one("#ack-note", Input).value.strip() and not self._warned:
            self._warned = True
            self.query_one("#ack-error", Label).update("Esc again discards the note")
            return
        self.dismiss(None)


class AlertScreen(Screen[ResultT]):
    """A screen of one client: shows its open risk alerts and acknowledges them (ctrl+y)."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        # Not in the footer (it must fit 80 columns): the banner names the key.
        Binding("ctrl+y", "acknowledge_alert", "Ack alert", show=False),
    ]

    application: HwApplication
    client: str
    alerts: tuple[Alert, ...] = ()

    def show_alerts(self, alerts: Sequence[Alert]) -> None:
        """Show the planner's alerts in the banner (the open ones; none: hidden)."""
        self.alerts = tuple(alerts)
        for banner in self.query(RiskAlertBanner):
            banner.show(self.alerts)
        self.refresh_bindings()

    @property
    def open_alerts(self) -> tuple[Alert, ...]:
        """The alerts not yet acknowledged."""
        return tuple(a for a in self.alerts if not a.acknowledged)

    def action_acknowledge_alert(self) -> None:
        """Ask for the note of the first open alert, then record the acknowledgement."""
        if not self.open_alerts:
            self.notify("no open risk alert")
            return
        alert = self.open_alerts[0]

        def answered(note: str | None) -> None:
            if note:
                self.acknowledge(alert, note)

        self.app.push_screen(AcknowledgeScreen(self.client, alert), answered)

    @work(thread=True, group="alert-ack")
    def acknowledge(self, alert: Alert, note: str) -> None:
        """Record the acknowledgement (worker thread)."""
        try:
            call(
                self.application.acknowledge_alert,
                self.client,
                alert.session,
                note,
                kind=alert.kind,
            )
        except CallFailed as e:
            self.app.call_from_thread(self.notify, str(e), severity="error")
            return
        self.app.call_from_thread(self._acknowledged, alert)

    def _acknowledged(self, alert: Alert) -> None:
        from attrs import evolve

        self.show_alerts([evolve(a, acknowledged=True) if a == alert else a for a in self.alerts])
        self.notify("risk alert acknowledged (recorded)")
