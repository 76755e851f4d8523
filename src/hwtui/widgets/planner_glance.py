"""The planner at a glance: review banner, recommended system, what work had in common."""

from __future__ import annotations

import attrs
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from hwcore.application import InCommon, Planner, Recommendation, Shared
from hwtui.text import bars, percent, shown, triggers_text


def review_banner(planner: Planner) -> str:
    """The review-due banner text ('' when no review is due)."""
    review = planner.review
    if not review.due:
        return ""
    why = "; ".join(review.reasons) or "review due"
    triggers = f" · triggers: {triggers_text(review.triggers)}" if review.triggers else ""
    return shown(f"⚠ REVIEW DUE: {why}{triggers}")


def system_line(planner: Planner) -> str:
    """'written · tiny · daily · experiment' (or why there is no recommendation)."""
    if not planner.ready:
        return shown(f"not ready ({planner.ready_reason}): no recommendation yet")
    s = planner.system
    return shown(" · ".join(r.value or "—" for r in (s.format, s.size, s.frequency, s.framing)))


def _short(reason: str) -> str:
    """The first clause of a recommendation's reason (the line must fit 80 columns)."""
    for cut in (" among ", " (", ";"):
        reason = reason.split(cut)[0]
    return reason


def _evidence(rec: Recommendation) -> str:
    if rec.value is None or rec.n is None:
        return shown(_short(rec.reason))
    return shown(f"n={rec.n}, {percent(rec.rate)} done · {_short(rec.reason)}")


def _shared(shared: Shared) -> str:
    if not shared.values:
        return ""
    return f"{'/'.join(shared.values)} ({shared.count} of {shared.of})"


def in_common_text(group: InCommon) -> str:
    """What a group shared, e.g. 'written (3 of 4) · small (3 of 4) · ...'."""
    parts = [
        _shared(group.format),
        _shared(group.size),
        _shared(group.frequency),
        _shared(attrs.evolve(group.framing, values=tuple(f"'{v}'" for v in group.framing.values))),
    ]
    if group.reasons.values:
        parts.append("reasons: " + _shared(group.reasons))
    if group.phase is not None:
        p = group.phase
        parts.append(f"sessions {p.first_session}-{p.last_session} ({percent(p.rate)})")
    text = " · ".join(p for p in parts if p)
    return shown(text) or "nothing yet"


def chart_text(planner: Planner) -> str:
    """A one-line completion-over-time chart with its session range."""
    points = planner.completion_by_session
    if not points:
        return "no outcomes yet"
    line = bars([rate for _, rate, _ in points[-40:]])
    first, last = points[max(0, len(points) - 40)][0], points[-1][0]
    return f"{line}  sessions {first}-{last} · overall {percent(planner.overall_rate)}"


class PlannerGlance(Vertical):
    """The planner at a glance (step 2 of the wrap-up)."""

    def compose(self) -> ComposeResult:
        """Banner, system table, in-common lines, chart."""
        yield Static("", classes="banner", id="glance-banner")
        yield Static("", id="glance-system")
        yield Static("", id="glance-common")
        yield Static("", id="glance-chart")

    def show(self, planner: Planner) -> None:
        """Show a planner."""
        banner = self.query_one("#glance-banner", Static)
        text = review_banner(planner)
        banner.update(Content(text))
        banner.display = bool(text)
        if planner.ready:
            s = planner.system
            lines = [Content.styled("Recommended system", "bold")]
            for name, rec in (
                ("format", s.format),
                ("size", s.size),
                ("frequency", s.frequency),
                ("framing", s.framing),
            ):
                lines.append(
                    Content.assemble(
                        f"  {name:<10}",
                        (shown(rec.value or "—").ljust(15), "bold"),
                        (_evidence(rec), "dim"),
                    )
                )
            system = Content("\n").join(lines)
        else:
            system = Content.assemble(
                ("Planner not ready", "bold"),
                shown(f": {planner.ready_reason}. No recommendation yet."),
            )
        self.query_one("#glance-system", Static).update(system)
        common = Content("\n").join(
            [
                Content.styled("Completed had in common", "bold"),
                Content("  " + in_common_text(planner.completed_in_common)),
                Content.styled("Missed had in common", "bold"),
                Content("  " + in_common_text(planner.missed_in_common)),
            ]
        )
        self.query_one("#glance-common", Static).update(common)
        self.query_one("#glance-chart", Static).update(
            Content.assemble(("Completion by session  ", "bold"), chart_text(planner))
        )
