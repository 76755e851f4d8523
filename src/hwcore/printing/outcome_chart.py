"""One picture of homework completion and the outcome measures over sessions (spec 4b).

Bars: the mean homework score of each session with known outcomes (as in the
completion chart). Lines: each measure's totals, drawn on the scale of its own
range (the left axis reads as a share of the range), each point labelled with
its raw total, so "PHQ-9 from 15 to 11 while homework got done" is one glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from hwcore.planner import MeasureTrend
from hwcore.printing.chart import FONT, LEFT, RIGHT, TOP, _fmt, percent_frame
from hwcore.printing.colours import tint

WIDTH = 1000
HEIGHT = 340
BOTTOM = 100
"""Taller than the completion chart's margin: the measures' legend sits below."""
LINE_COLOURS = ("#b2182b", "#2166ac", "#1b7837", "#762a83", "#8c510a")
"""One colour per measure (red first: PHQ-9), dark enough on white and in grey print."""


def _share(m: MeasureTrend, total: int) -> float:
    """A total as a share of the measure's range (0..1)."""
    top = m.maximum if m.maximum is not None else max(p.total for p in m.points)
    span = top - m.minimum
    return 0.5 if span <= 0 else max(0.0, min(1.0, (total - m.minimum) / span))


def label_y(index: int, y: float) -> float:
    """Where a point's label goes: above it for the 1st, 3rd... measure, below for the others."""
    return max(TOP - 4, y - 12) if index % 2 == 0 else y + 28


def outcome_svg(
    completion: Sequence[tuple[int, float, int]],
    measures: Sequence[MeasureTrend],
    accent: str,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The chart as an SVG document.

    Args:
        completion: (session, mean score 0..1, resolved count) per session, in order.
        measures: the planner's measures.
        accent: the clinic's colour '#rrggbb' for the bars.
        width: drawing width in SVG units.
        height: drawing height in SVG units.

    Returns:
        The SVG text (UTF-8, self-contained).
    """
    measured = {p.session for m in measures for p in m.points}
    sessions = sorted({s for s, _, _ in completion} | measured)
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    parts = percent_frame(width, height, bottom=BOTTOM)
    if not sessions:
        parts.append(
            f'<text {FONT} x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" font-size="24"'
            ' text-anchor="middle" fill="#777777">nothing recorded yet</text></svg>'
        )
        return "\n".join(parts)
    slot = plot_w / len(sessions)
    x_of = {s: LEFT + slot * (i + 0.5) for i, s in enumerate(sessions)}
    bar = max(2.0, min(60.0, slot * 0.6))
    fill = tint(accent, 0.35)
    for session, mean, _ in completion:
        h = max(3.0, plot_h * max(0.0, min(1.0, mean)))
        parts.append(
            f'<rect x="{_fmt(x_of[session] - bar / 2)}" y="{_fmt(TOP + plot_h - h)}"'
            f' width="{_fmt(bar)}" height="{_fmt(h)}" fill="{fill if mean > 0 else "#bbbbbb"}"/>'
        )
    label_every = max(1, -(-len(sessions) // 25))
    for i, session in enumerate(sessions):
        if i % label_every == 0 or i == len(sessions) - 1:
            parts.append(
                f'<text {FONT} x="{_fmt(x_of[session])}" y="{TOP + plot_h + 26}" font-size="19"'
                f' text-anchor="middle" fill="#333333">{session}</text>'
            )
    legend_x = LEFT
    for index, m in enumerate(measures):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        xy = [(x_of[p.session], TOP + plot_h * (1 - _share(m, p.total)), p.total) for p in m.points]
        if len(xy) > 1:
            line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y, _ in xy)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="4"/>'
            )
        for x, y, total in xy:
            parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="6" fill="{colour}"/>')
            parts.append(
                # Alternate measures are labelled above and below their points.
                f'<text {FONT} x="{_fmt(x)}" y="{_fmt(label_y(index, y))}" font-size="19"'
                f' text-anchor="middle" fill="{colour}">{total}</text>'
            )
        label = escape(m.name)
        parts.append(
            f'<rect x="{legend_x}" y="{height - 30}" width="26" height="6" fill="{colour}"/>'
            f'<text {FONT} x="{legend_x + 34}" y="{height - 22}" font-size="19"'
            f' fill="#333333">{label}</text>'
        )
        legend_x += 60 + 12 * len(m.name)
    parts.append(
        f'<rect x="{legend_x}" y="{height - 36}" width="18" height="18" fill="{fill}"/>'
        f'<text {FONT} x="{legend_x + 26}" y="{height - 22}" font-size="19" fill="#333333">'
        "homework completion (bars)</text>"
    )
    parts.append(
        f'<text {FONT} x="{LEFT + plot_w / 2}" y="{TOP + plot_h + 52}" font-size="19"'
        ' text-anchor="middle" fill="#333333">session (measures: share of each one\'s range)</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
