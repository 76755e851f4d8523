"""The planner printout's risk alert and outcome measures (spec 4b), as HTML sections.

An open risk alert is printed first, above everything else; the measures sit
beside the completion rate over the same sessions, with one chart of both.
"""

from __future__ import annotations

from hwcore.planner import Alert, Planner
from hwcore.printing.render import esc, table

KINDS = {"phq9_item9": "PHQ-9 item 9 (thoughts of self-harm)"}
CHART_FILE = "outcomes.svg"
"""The chart's file name among the PDF's files."""


def _alert_text(a: Alert) -> str:
    return f"{esc(KINDS.get(a.kind, a.kind))} scored {a.value} at session {a.session}"


def alert_html(planner: Planner) -> str:
    """The open risk alerts as a box no reader can miss ('' when there is none)."""
    open_alerts = planner.open_alerts
    if not open_alerts:
        return ""
    lines = "".join(
        f"<p><b>RISK ALERT:</b> {_alert_text(a)}; not yet acknowledged.</p>" for a in open_alerts
    )
    return (
        '<div style="border: 3pt solid #b2182b; padding: 4pt 8pt; margin: 4pt 0 8pt 0;'
        ' color: #b2182b;">'
        f"{lines}<p>Acknowledge it once it has been addressed (hw alert ack).</p></div>"
    )


def _signed(value: int | None) -> str:
    return "-" if value is None else f"{value:+d}"


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{round(rate * 100)}%"


def measures_html(planner: Planner, width: float) -> str:
    """The outcome measures: a table beside the homework completion, and the chart ('' if none)."""
    if not planner.measures:
        return ""
    rows = []
    for m in planner.measures:
        points = ", ".join(
            f"s{p.session}: {p.total}" + (f" ({esc(p.severity)})" if p.severity else "")
            for p in m.points
        )
        span = (
            f"{_pct(m.completion_rate)} of {m.completion_n}"
            f" (given at sessions {m.points[0].session}\u2013{m.points[-1].session - 1})"
            if m.completion_rate is not None
            else "-"
        )
        rows.append(
            [
                esc(m.name),
                points,
                _signed(m.change_since_first),
                esc(m.reliable_change or "-"),
                span,
            ]
        )
    done = [a for a in planner.alerts if a.acknowledged]
    acknowledged = "".join(
        f'<p class="small">Risk alert acknowledged: {_alert_text(a)}.</p>' for a in done
    )
    return (
        "<h2>Outcome measures and homework</h2>"
        + table(
            ["Measure", "Scores by session", "Change", "Reliable change", "Homework done between"],
            rows,
            widths=(0.12, 0.38, 0.1, 0.16, 0.24),
            total=width,
        )
        + acknowledged
        + f'<p><img src="{CHART_FILE}" style="width:100%"/></p>'
        '<p class="small muted">Bars: mean homework score of each session. Lines: each'
        " measure's totals (labelled), drawn on the scale of its own range. Reliable change:"
        " Jacobson &amp; Truax, first to last measurement.</p>"
    )
