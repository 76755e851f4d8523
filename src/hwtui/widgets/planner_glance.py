"""The whole planner (step 2 of the wrap-up), in the sections of ``hw plan``.

Both tables with the client's words (wrapped by the screen, never cut), what
each group had in common and what the history cannot tell apart, the
recommended system with its evidence and basis, the current system, the
follow-up openings, the review schedule, the outcome measures and every risk
alert. The view is focusable and scrolls with the arrows and the page keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

import attrs
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.widgets import Static

from hwcore.application import (
    FIELDS,
    Confounded,
    InCommon,
    MeasureTrend,
    Planner,
    Recommendation,
    Row,
    Shared,
)
from hwtui.text import bars, percent, shown, triggers_text
from hwtui.widgets.risk_alert import alert_text

SECTIONS = ("banner", "status", "tables", "common", "system", "current", "followup", "review")
"""The planner's sections, top to bottom (each one Static, id ``planner-<name>``)."""
INDENT = "  "
WORDS_INDENT = "      "


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
        return "not ready yet: no recommendation (the planner step says why)"
    s = planner.system
    return shown(" · ".join(r.value or "—" for r in (s.format, s.size, s.frequency, s.framing)))


def evidence_text(rec: Recommendation) -> str:
    """A recommendation's evidence: 'n=3, 67% done (smoothed 60%) · <basis> · ...'."""
    parts: list[str] = []
    if rec.n is not None and rec.rate is not None:
        smoothed = f" (smoothed {percent(rec.smoothed)})" if rec.smoothed is not None else ""
        parts.append(f"n={rec.n}, {percent(rec.rate)} done{smoothed}")
    parts.append(rec.basis)
    if rec.missed_last_two:
        parts.append("missed the last 2 times")
    if rec.untried:
        parts.append("never tried: " + ", ".join(rec.untried))
    parts += [f"confounded with {p.split(' ', 1)[-1]}" for p in rec.confounded_with]
    if rec.note:
        parts.append(rec.note)
    return shown(" · ".join(parts))


def _shared(shared: Shared) -> str:
    if not shared.values:
        return "-"
    return f"{', '.join(shared.values)} ({shared.count} of {shared.of})"


def in_common_text(group: InCommon) -> str:
    """What a group shared, e.g. 'written (3 of 4) · small (3 of 4) · ...' (one line)."""
    if group.note:
        return shown(group.note)
    parts = [
        _shared(s)
        for s in (
            group.format,
            group.size,
            group.frequency,
            attrs.evolve(group.framing, values=tuple(f"'{v}'" for v in group.framing.values)),
        )
        if s.values
    ]
    if group.reasons.values:
        parts.append("reasons: " + _shared(group.reasons))
    if group.phase is not None:
        p = group.phase
        parts.append(f"sessions {p.first_session}-{p.last_session} ({percent(p.rate)})")
    return shown(" · ".join(parts)) or "nothing yet"


def chart_text(planner: Planner) -> str:
    """A one-line completion-over-time chart with its session range."""
    points = planner.completion_by_session
    if not points:
        return "no outcomes yet"
    line = bars([rate for _, rate, _ in points[-40:]])
    first, last = points[max(0, len(points) - 40)][0], points[-1][0]
    return f"{line}  sessions {first}-{last} · overall {percent(planner.overall_rate)}"


def _heading(text: str) -> Content:
    return Content.styled(text, "bold underline")


def _row_line(row: Row, outcome: str) -> Line:
    design = f"{row.format} · {row.size} · {row.frequency} · '{row.framing}'"
    line = Content.assemble(
        INDENT,
        (shown(f"#{row.assignment_id} s{row.session} "), "dim"),
        (shown(row.title), "bold"),
        shown(f" · {design} · {outcome}"),
    )
    return line, 2 * len(INDENT)


def _words(text: str) -> list[Line]:
    """The client's own words under their row, quoted (wrapped, never cut)."""
    said = " ".join(text.split())
    return [(Content(f"{WORDS_INDENT}“{shown(said)}”"), len(WORDS_INDENT) + 1)] if said else []


def table_lines(planner: Planner) -> list[Line]:
    """The completed, missed and pending tables, each row with the client's words."""
    lines: list[Line] = [_heading(f"Completed ({len(planner.completed)})")]
    for row in planner.completed:
        outcome = f"partial {row.dose}" if row.outcome == "partial" and row.dose else row.outcome
        lines.append(_row_line(row, outcome))
        lines += _words(row.experience)
    if not planner.completed:
        lines.append(Content(f"{INDENT}none yet"))
    lines.append(_heading(f"Missed ({len(planner.missed)})"))
    for row in planner.missed:
        reasons = ", ".join(row.reasons) or "no reason given"
        lines.append(_row_line(row, f"missed: {reasons}"))
        lines += _words(row.explanation)
    if not planner.missed:
        lines.append(Content(f"{INDENT}none yet"))
    if planner.pending:
        lines.append(_heading(f"Pending, not yet reviewed ({len(planner.pending)})"))
        lines += [_row_line(row, "pending") for row in planner.pending]
    return lines


def confounded_lines(entry: Confounded) -> list[Line]:
    """'Cannot tell apart: written is confounded with challenge (...)' and its test."""
    fields = f"{entry.fields[0]} and {entry.fields[1]}"
    lines: list[Line] = [
        Content.assemble(
            INDENT,
            ("Cannot tell apart: ", "bold"),
            shown(
                f"{entry.text} ({fields} always came together: {entry.n} assignments,"
                f" {percent(entry.rate)} done; the rest {percent(entry.rest_rate)})"
            ),
        )
    ]
    if entry.test:
        tell = Content(shown(f"{INDENT}  → the assignment that would tell: {entry.test}"))
        lines.append((tell, 2 * len(INDENT)))
    return lines


def common_lines(planner: Planner) -> list[Line]:
    """What completed and missed assignments had in common, and what cannot be told apart."""
    lines: list[Line] = []
    for title, group, better in (
        ("What completed assignments had in common", planner.completed_in_common, True),
        ("What missed assignments had in common", planner.missed_in_common, False),
    ):
        lines.append(_heading(title))
        lines.append(Content(INDENT + in_common_text(group)))
        for entry in planner.confounded:
            # A pair that did better than the rest belongs to the completed side.
            if (entry.rate > entry.rest_rate) == better:
                lines += confounded_lines(entry)
    return lines


def system_lines(planner: Planner) -> list[Line]:
    """The recommended system, each value with its evidence and basis."""
    if not planner.ready:
        return [
            _heading("Recommended system"),
            Content(shown(f"{INDENT}none yet ({planner.ready_reason})")),
        ]
    lines: list[Line] = [_heading("Recommended system")]
    for name in FIELDS:
        rec: Recommendation = getattr(planner.system, name)
        start = f"{INDENT}{name:<10}"
        line = Content.assemble(
            start, (shown(rec.value or "—"), "bold"), "  ", (evidence_text(rec), "dim")
        )
        lines.append((line, len(start)))
    if planner.framing_approach:
        lines.append(Content(shown(f"{INDENT}framing approach: {planner.framing_approach}")))
    return lines


def current_lines(planner: Planner) -> list[Content]:
    """The current system (the therapist's decision at the last review), or that there is none."""
    current = planner.current_system
    lines = [_heading("Current system")]
    if current is None:
        lines.append(Content(f"{INDENT}none yet (chosen at the first review)"))
        return lines
    values = " · ".join(current.value(name) or "—" for name in FIELDS)
    lines.append(
        Content.assemble(
            INDENT,
            (shown(values), "bold"),
            shown(f"  (chosen at the review of session {current.review_session}"),
            shown(
                f"; framing from the {current.framing_source})"
                if current.framing_source.startswith("framing")
                else ")"
            ),
        )
    )
    if current.framing_wording:
        lines.append(Content(shown(f"{INDENT}wording: “{current.framing_wording}”")))
    lines += [Content(shown(f"{INDENT}⚠ {e.text}")) for e in current.elsewhere]
    return lines


def followup_lines(planner: Planner) -> list[Line]:
    """The openings for the next session (the therapist's wording, else the defaults)."""
    f = planner.followup
    lines: list[Line] = [_heading(f"Follow-up ({shown(f.source)})")]
    for label, text in (
        ("If done:", f.completed_opening),
        ("Listen for:", f.completed_listen_for),
        ("If missed:", f.missed_opening),
        ("Then ask:", f.missed_diagnostic),
    ):
        start = f"{INDENT}{label:<12}"
        lines.append((Content.assemble((start, "bold"), shown(text)), len(start)))
    return lines


def _session(number: int | None) -> str:
    return "-" if number is None else f"session {number}"


def review_lines(planner: Planner) -> list[Content]:
    """The review schedule: last, next, due, the active triggers and why."""
    r = planner.review
    lines = [
        _heading("Review schedule"),
        Content(
            f"{INDENT}last {_session(r.last_review_session)} · next "
            f"{_session(r.next_review_session)} · due: {'YES' if r.due else 'no'}"
        ),
    ]
    if r.triggers:
        lines.append(Content(shown(f"{INDENT}triggers: {triggers_text(r.triggers)}")))
    lines += [Content(shown(f"{INDENT}- {reason}")) for reason in r.reasons]
    return lines


def measure_line(trend: MeasureTrend) -> Content:
    """'PHQ-9: 15 → 11 (improved) · homework 60% over the same sessions'."""
    totals = " → ".join(str(p.total) for p in trend.points[-6:])
    change = f" ({trend.reliable_change})" if trend.reliable_change else ""
    homework = (
        f" · homework {percent(trend.completion_rate)} over the same sessions"
        if trend.completion_rate is not None
        else ""
    )
    return Content(shown(f"{INDENT}{trend.name}: {totals}{change}{homework}"))


def status_lines(planner: Planner) -> list[Line]:
    """Readiness, the chart, the systems in one line each, the risk alerts, the measures."""
    ready = f"ready ({planner.ready_reason})" if planner.ready else planner.ready_reason
    lines: list[Line] = [
        Content.assemble(("Planner ", "bold"), shown(f"· {ready}")),
        Content.assemble(("Completion by session  ", "bold"), chart_text(planner)),
    ]
    if planner.ready:
        lines.append(Content.assemble(("Recommended  ", "bold"), system_line(planner)))
    current = planner.current_system
    if current is not None:
        values = " · ".join(current.value(name) or "—" for name in FIELDS)
        lines.append(Content.assemble(("Current      ", "bold"), shown(values)))
    for alert in planner.alerts:
        state = "acknowledged" if alert.acknowledged else "NOT acknowledged (ctrl+y)"
        lines.append(Content.styled(shown(f"⚠ Risk alert: {alert_text(alert)}, {state}"), "bold"))
    if planner.measures:
        lines.append(_heading("Outcome measures"))
        lines += [measure_line(t) for t in planner.measures]
    return lines


Line = Content | tuple[Content, int]
"""A line of the planner, or a line and the column its continuations start at."""


def hanging(lines: Iterable[Line], width: int) -> Content:
    """The lines wrapped at ``width``, continuations under the line's first word (or column).

    Nothing is cut: a word longer than the width is folded.
    """
    out: list[Content] = []
    for item in lines:
        line, hang = item if isinstance(item, tuple) else (item, None)
        plain = line.plain
        if hang is None:
            hang = len(plain) - len(plain.lstrip(" "))
        indent = min(hang, max(0, width // 2))
        if line.cell_length <= width or width <= indent + 8:
            out.append(line)
            continue
        first, *rest = line.wrap(width)
        tail = line[len(first.plain) :]
        more = tail[len(tail.plain) - len(tail.plain.lstrip(" ")) :]
        out.append(first)
        if rest:
            out += [piece.pad_left(indent) for piece in more.wrap(width - indent)]
    return Content("\n").join(out)


class PlannerGlance(Vertical, can_focus=True):
    """The whole planner (step 2 of the wrap-up): scroll it with ↑↓ and PgUp/PgDn."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll(1)", "Scroll", key_display="↑↓ PgUp/Dn Home/End"),
        Binding("up", "scroll(-1)", "Scroll up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "ends(-1)", "Top", show=False),
        Binding("end", "ends(1)", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Planner | None = None
        self._width = 0

    def compose(self) -> ComposeResult:
        """One Static per section (see SECTIONS)."""
        for name in SECTIONS:
            yield Static("", id=f"planner-{name}", classes="banner" if name == "banner" else "")

    def show(self, planner: Planner) -> None:
        """Show a planner (nothing is redrawn when it is the one shown)."""
        if planner == self._shown and self.size.width == self._width:
            return
        self._shown = planner
        self._width = self.size.width
        width = self._width or 78  # not laid out yet: the width of an 80-column terminal
        banner = self.query_one("#planner-banner", Static)
        text = review_banner(planner)
        banner.update(Content(text))
        banner.display = bool(text)
        builders: dict[str, Callable[[Planner], Sequence[Line]]] = {
            "status": status_lines,
            "tables": table_lines,
            "common": common_lines,
            "system": system_lines,
            "current": current_lines,
            "followup": followup_lines,
            "review": review_lines,
        }
        for name, build in builders.items():
            self.query_one(f"#planner-{name}", Static).update(hanging(build(planner), width))

    def on_resize(self) -> None:
        """Wrap the planner again at the new width."""
        if self._shown is not None and self.size.width != self._width:
            self.show(self._shown)

    def _scroller(self) -> ScrollableContainer | None:
        for ancestor in self.ancestors:
            if isinstance(ancestor, ScrollableContainer):
                return ancestor
        return None

    def action_scroll(self, delta: int) -> None:
        """Scroll the planner a line up or down."""
        scroller = self._scroller()
        if scroller is not None:
            scroller.scroll_relative(y=delta, animate=False)

    def action_page(self, delta: int) -> None:
        """Scroll the planner a page up or down."""
        scroller = self._scroller()
        if scroller is not None:
            scroller.scroll_relative(y=delta * max(1, scroller.size.height - 1), animate=False)

    def action_ends(self, delta: int) -> None:
        """Scroll to the planner's top or bottom."""
        scroller = self._scroller()
        if scroller is not None:
            if delta < 0:
                scroller.scroll_home(animate=False)
            else:
                scroller.scroll_end(animate=False)
