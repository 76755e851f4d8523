"""The risk-alert banner: an open PHQ-9 item 9 alert, on every screen of the client (spec 4b).

It stays until an acknowledgement is recorded as an event (``ctrl+y`` on the
client's screens, see :class:`hwtui.screens.alerts.AlertScreen`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
    from hwcore.application import Alert

KINDS = {"phq9_item9": "PHQ-9 item 9 (thoughts of self-harm)"}
"""How an alert's kind is named on screen."""


def alert_text(alert: Alert) -> str:
    """'PHQ-9 item 9 (thoughts of self-harm) = 2 at session 5'."""
    return f"{KINDS.get(alert.kind, alert.kind)} = {alert.value} at session {alert.session}"


def banner_text(alerts: Sequence[Alert]) -> str:
    """The banner for the open alerts ('' when every alert is acknowledged)."""
    lines = [
        f"⚠ RISK ALERT: {alert_text(a)}, not yet acknowledged · ctrl+y acknowledge"
        for a in alerts
        if not a.acknowledged
    ]
    return "\n".join(lines)


class RiskAlertBanner(Static):
    """A line no one can miss while a risk alert is open; hidden otherwise."""

    DEFAULT_CSS = """
    RiskAlertBanner {
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
        height: auto;
        display: none;
    }
    """

    def show(self, alerts: Sequence[Alert]) -> None:
        """Show the open alerts among ``alerts`` (hide the banner when there is none)."""
        text = banner_text(alerts)
        self.update(text)
        self.display = bool(text)
