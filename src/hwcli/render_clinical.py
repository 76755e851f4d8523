"""Text for the planner's outcome measures and risk alerts (spec 4b).

An open risk alert is a line no one can miss, shown before anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hwcli.common import percent

if TYPE_CHECKING:
    from hwcore.application import Alert, MeasureTrend

ALERT_RULE = "!" * 72

_KINDS = {"phq9_item9": "PHQ-9 item 9 (thoughts of self-harm)"}


def alert_text(alert: Alert) -> str:
    """'PHQ-9 item 9 (thoughts of self-harm) = 2 at session 5'."""
    return f"{_KINDS.get(alert.kind, alert.kind)} = {alert.value} at session {alert.session}"


def alert_banner(client: str, alerts: Sequence[Alert]) -> list[str]:
    """The open alerts, framed, with the command that acknowledges each (none: no lines)."""
    open_alerts = [a for a in alerts if not a.acknowledged]
    if not open_alerts:
        return []
    lines = [ALERT_RULE]
    for a in open_alerts:
        lines.append(f"!! RISK ALERT: {alert_text(a)}, not yet acknowledged")
        lines.append(f"!!   acknowledge: hw alert ack {client} {a.session} --note ...")
    lines.append(ALERT_RULE)
    return lines


def _signed(value: int | None) -> str:
    return "-" if value is None else f"{value:+d}"


def measure_lines(measures: Sequence[MeasureTrend], alerts: Sequence[Alert]) -> list[str]:
    """The outcome measures section: each measure's points, change and the homework beside it."""
    if not measures:
        return ["  none recorded (hw measure add CLIENT phq9 --items ...)"]
    lines = []
    for m in measures:
        points = ", ".join(
            f"s{p.session} {p.total}" + (f" ({p.severity})" if p.severity else "") for p in m.points
        )
        lines.append(f"  {m.name}: {points}")
        if len(m.points) >= 2:
            verdict = f", {m.reliable_change}" if m.reliable_change else ""
            homework = (
                f"homework completion {percent(m.completion_rate)} ({m.completion_n} resolved,"
                f" assigned at sessions {m.points[0].session}-{m.points[-1].session - 1})"
                if m.completion_rate is not None
                else "no homework resolved over those sessions"
            )
            lines.append(
                f"    change since first {_signed(m.change_since_first)}"
                f", since previous {_signed(m.change_since_previous)}{verdict}"
            )
            lines.append(f"    {homework}")
    done = [a for a in alerts if a.acknowledged]
    lines += [f"  risk alert acknowledged: {alert_text(a)}" for a in done]
    return lines
