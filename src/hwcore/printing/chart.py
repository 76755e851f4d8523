"""The completion-over-time chart: a small SVG drawn by hand (no plotting library).

One bar per session with a known outcome (height = mean score of the homework
given at that session), and a line for the running completion rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from hwcore.printing.colours import readable_ink, tint

WIDTH = 1000
HEIGHT = 300
LEFT = 70
RIGHT = 20
TOP = 28
BOTTOM = 52
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def completion_svg(
    points: Sequence[tuple[int, float, int]],
    accent: str,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The chart as an SVG document.

    Args:
        points: (session, mean score 0..1, resolved count) per session, in order.
        accent: the clinic's colour '#rrggbb' for the bars.
        width: drawing width in SVG units.
        height: drawing height in SVG units.

    Returns:
        The SVG text (UTF-8, self-contained).
    """
    ink = readable_ink(accent)
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - BOTTOM
    parts = percent_frame(width, height, svg_attrs=' font-family="sans-serif"')
    if not points:
        parts.append(
            f'<text {FONT} x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" font-size="24"'
            ' text-anchor="middle" fill="#777777">no outcomes recorded yet</text>'
        )
        parts.append("</svg>")
        return "\n".join(parts)
    n = len(points)
    slot = plot_w / n
    bar = max(2.0, min(60.0, slot * 0.7))
    label_every = max(1, -(-n // 25))  # at most ~25 session labels
    running_total = 0.0
    running_count = 0
    line: list[str] = []
    fill = tint(accent, 0.35)
    for i, (session, mean, count) in enumerate(points):
        cx = LEFT + slot * (i + 0.5)
        h = plot_h * max(0.0, min(1.0, mean))
        if h < 3:
            # A fully missed session still shows as a thin mark on the axis.
            h = 3
            colour = "#bbbbbb"
        else:
            colour = fill
        parts.append(
            f'<rect x="{_fmt(cx - bar / 2)}" y="{_fmt(TOP + plot_h - h)}" width="{_fmt(bar)}"'
            f' height="{_fmt(h)}" fill="{colour}"/>'
        )
        if i % label_every == 0 or i == n - 1:
            parts.append(
                f'<text {FONT} x="{_fmt(cx)}" y="{TOP + plot_h + 26}" font-size="19"'
                f' text-anchor="middle" fill="#333333">{escape(str(session))}</text>'
            )
        running_total += mean * count
        running_count += count
        ry = TOP + plot_h * (1 - running_total / running_count)
        line.append(f"{_fmt(cx)},{_fmt(ry)}")
    parts.append(
        f'<polyline points="{" ".join(line)}" fill="none" stroke="{ink}" stroke-width="4"/>'
    )
    for point in line:
        px, py = point.split(",")
        parts.append(f'<circle cx="{px}" cy="{py}" r="5" fill="{ink}"/>')
    parts.append(
        f'<text {FONT} x="{LEFT + plot_w / 2}" y="{height - 6}" font-size="19" text-anchor="middle"'
        ' fill="#333333">session the homework was given</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def percent_frame(
    width: int, height: int, *, bottom: int = BOTTOM, svg_attrs: str = ""
) -> list[str]:
    """The opening of a chart's SVG: white page, gridlines and labels at 0-100%.

    Both printout charts start with it (the completion chart, and the measures
    beside completion in :mod:`hwcore.printing.outcome_chart`).
    """
    plot_h = height - TOP - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"{svg_attrs}>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for level in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = TOP + plot_h * (1 - level)
        colour = "#999999" if level in (0.0, 1.0) else "#dddddd"
        parts.append(
            f'<line x1="{LEFT}" y1="{_fmt(y)}" x2="{width - RIGHT}" y2="{_fmt(y)}"'
            f' stroke="{colour}" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text {FONT} x="{LEFT - 10}" y="{_fmt(y + 7)}" font-size="20" text-anchor="end"'
            f' fill="#555555">{round(level * 100)}%</text>'
        )
    return parts
