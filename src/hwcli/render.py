"""Human-readable text for the planner and the other query results.

Pure functions from application DTOs and the typed planner to text; no I/O.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from hwcli.common import percent, table
from hwcli.render_clinical import alert_banner, measure_lines

if TYPE_CHECKING:
    from hwcore.application import (
        AssignmentInfo,
        ClientInfo,
        Confounded,
        Fit,
        HistoryEntry,
        InCommon,
        Planner,
        Recommendation,
        Row,
        Shared,
    )

RULE = "=" * 72


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


WRAP = 72
"""Width the client's own words are wrapped to (never cut)."""


def wrapped(text: str, indent: str, width: int = WRAP) -> list[str]:
    """Free text (the client's words) wrapped at ``width`` columns, never cut.

    Control characters are left to the one terminal sanitiser every line the
    CLI prints goes through.
    """
    one_line = " ".join(text.split())
    if len(indent) + len(one_line) <= width:  # most texts: no wrapping (hw plan BIG1000)
        return [indent + one_line] if one_line else []
    return textwrap.wrap(
        one_line,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _shared(label: str, shared: Shared) -> str:
    if not shared.values:
        return f"  {label}: -"
    return f"  {label}: {', '.join(shared.values)} ({shared.count} of {shared.of})"


def _in_common(group: InCommon, confounded: Sequence[Confounded], *, completed: bool) -> list[str]:
    if group.note:
        return [f"  {group.note} (fewer than 2 assignments)"]
    lines = [
        _shared("Format(s)", group.format),
        _shared("Size or scope", group.size),
        _shared("Framing", group.framing),
        _shared("Frequency", group.frequency),
    ]
    if completed:
        phase = group.phase
        lines.append(
            "  Timing in therapy (most consistent completion): "
            + (
                f"sessions {phase.first_session}-{phase.last_session}"
                f" ({phase.n} assignments, {percent(phase.rate)})"
                if phase
                else "-"
            )
        )
    else:
        lines.append(_shared("Reasons given", group.reasons))
    for c in confounded:
        # A group that did better than the rest belongs to the completed side.
        if (c.rate > c.rest_rate) == completed:
            lines += _confounded(c)
    return lines


def _confounded(c: Confounded) -> list[str]:
    lines = wrapped(
        f"Cannot tell apart: {c.text} ({c.fields[0]} and {c.fields[1]} always came together:"
        f" {c.n} assignments, {percent(c.rate)} done; the rest {percent(c.rest_rate)})",
        "  ",
    )
    if c.test:
        lines += wrapped(f"The assignment that would tell: {c.test}", "    ")
    return lines


def _dose(row: Row) -> str:
    if row.outcome == "partial":
        return f"partial {row.dose}" if row.dose else "partial"
    return row.outcome


_ASSIGNMENT_COLUMNS = ["#", "session", "assignment", "format", "size", "framing"]


def _assignment_table(
    rows: Sequence[Row],
    more: Sequence[str],
    cells: Callable[[Row], tuple[object, ...]],
    words: Callable[[Row], str],
) -> str:
    """Assignments: the six common columns, then ``more``; under each, ``words`` wrapped."""
    text = table(
        [*_ASSIGNMENT_COLUMNS, *more],
        [
            (r.assignment_id, r.session, r.title, r.format, r.size, r.framing, *cells(r))
            for r in rows
        ],
        indent="  ",
    )
    lines = text.split("\n")
    out = lines[:2]
    for r, line in zip(rows, lines[2:], strict=True):
        out.append(line)
        said = words(r)
        if said.strip():
            out += wrapped(f'"{said.strip()}"', "      ")
    return "\n".join(out)


def _completed_table(rows: Sequence[Row]) -> str:
    return _assignment_table(rows, ["outcome"], lambda r: (_dose(r),), lambda r: r.experience)


def _missed_table(rows: Sequence[Row]) -> str:
    return _assignment_table(
        rows, ["reasons"], lambda r: (", ".join(r.reasons),), lambda r: r.explanation
    )


def _pending_table(rows: Sequence[Row]) -> str:
    return _assignment_table(rows, ["frequency"], lambda r: (r.frequency,), lambda r: "")


def _evidence(rec: Recommendation) -> str:
    from hwcore.application import MISSED_LAST_TWO

    parts = [rec.basis]
    if rec.n is not None and rec.rate is not None:
        parts.append(
            f"n={rec.n}, rate {rec.rate:.2f}"
            + (f", smoothed {rec.smoothed:.2f}" if rec.smoothed is not None else "")
        )
    if rec.missed_last_two:
        parts.append(MISSED_LAST_TWO)
    return "; ".join(parts)


def _system(planner: Planner) -> list[str]:
    from hwcore.application import FIELDS

    system = planner.system
    recs = [(name, getattr(system, name)) for name in FIELDS]
    lines = [
        table(
            ["field", "recommended", "evidence"],
            [(name, rec.value or "-", _evidence(rec)) for name, rec in recs],
            indent="  ",
            width=200,
        )
    ]
    for name, rec in recs:
        extra = []
        if rec.untried:
            extra.append("never tried: " + ", ".join(rec.untried))
        extra += [
            f"{rec.value} is confounded with {p.split(' ', 1)[1]}" for p in rec.confounded_with
        ]
        if rec.note:
            extra.append(rec.note)
        lines += wrapped(f"{name}: " + "; ".join(extra), "  ") if extra else []
    if planner.framing_approach:
        lines.append(f"  Framing approach (client-level): {planner.framing_approach}")
    current = planner.current_system
    if current is not None:
        parts = ", ".join(f"{name} {current.value(name) or '-'}" for name in FIELDS)
        lines += wrapped(
            f"Current system (chosen at the review of session {current.review_session}): {parts}"
            + (
                f" (framing from the {current.framing_source})"
                if current.framing_source.startswith("framing")
                else ""
            ),
            "  ",
        )
        if current.framing_wording:
            lines += wrapped(f"Language this client responds to: {current.framing_wording}", "  ")
        lines += [f"  {e.text}" for e in current.elsewhere]
    return lines


def render_planner(planner: Planner) -> str:
    """The planner as text, in the sections of the paper planner.

    The same typed planner the TUI shows and ``hw plan --json`` prints; the
    client's words are wrapped, never cut.
    """
    p = planner
    when = f"session {p.last_session}" if p.last_session is not None else "no session yet"
    if p.last_session_date:
        when += f", {p.last_session_date}"
    reviewed = ", ".join(str(s) for s in p.sessions_reviewed) or "none"
    past = " (past planner: --as-of)" if p.as_of_session is not None else ""
    lines = alert_banner(p.client, p.alerts)
    lines += [
        RULE,
        f"Between-Session System Planner: {p.client}",
        RULE,
        f"As of: {when}{past}",
        f"Sessions reviewed: {reviewed}",
        f"Ready: {'yes' if p.ready else 'NO'} ({p.ready_reason})",
    ]
    if p.overall_rate is not None:
        lines.append(f"Overall completion: {percent(p.overall_rate)}")

    lines += _heading("Outcome measures")
    lines += measure_lines(p.measures, p.alerts)

    lines += _heading("Compliance history")
    lines.append(f"Completed ({len(p.completed)}):")
    lines.append(_completed_table(p.completed) if p.completed else "  none yet")
    lines.append(f"Missed ({len(p.missed)}):")
    lines.append(_missed_table(p.missed) if p.missed else "  none yet")
    if p.pending:
        lines.append(f"Pending, not yet reviewed ({len(p.pending)}):")
        lines.append(_pending_table(p.pending))

    lines += _heading("What completed assignments had in common")
    lines += _in_common(p.completed_in_common, p.confounded, completed=True)
    lines += _heading("What missed assignments had in common")
    lines += _in_common(p.missed_in_common, p.confounded, completed=False)

    lines += _heading("The system for this client")
    lines += _system(p)

    f = p.followup
    lines += _heading(f"Follow-up protocol ({f.source})")
    lines += ["  When an assignment is completed:"]
    lines += wrapped(f"Opening: {f.completed_opening}", "    ")
    lines += wrapped(f"Listen for: {f.completed_listen_for}", "    ")
    lines += ["  When an assignment is not completed:"]
    lines += wrapped(f"Opening: {f.missed_opening}", "    ")
    lines += wrapped(f"Diagnostic question: {f.missed_diagnostic}", "    ")

    r = p.review
    lines += _heading("Review schedule")
    lines += [
        f"  Last review: {_session(r.last_review_session)}",
        f"  Next review: {_session(r.next_review_session)}",
        f"  Due: {'YES' if r.due else 'no'}",
        f"  Triggers: {', '.join(r.triggers) if r.triggers else 'none active'}",
    ]
    lines += [f"    - {reason}" for reason in r.reasons]
    return "\n".join(lines)


def _session(number: int | None) -> str:
    return "-" if number is None else f"session {number}"


def render_fit(fit: Fit) -> list[str]:
    """One line per field (how this client has done with the chosen values), then the notes."""
    return [f"{f.field} {f.summary}" for f in fit.fields] + list(fit.notes)


def render_clients(clients: Sequence[ClientInfo]) -> str:
    """The caseload as a table."""
    if not clients:
        return "no clients yet (add one: hw client add CLIENT)"
    return table(
        ["client", "sessions", "last session", "date", "assignments", "pending"],
        [
            (
                c.client,
                c.sessions,
                c.last_session or "-",
                c.last_session_date or "-",
                c.assignments,
                c.pending,
            )
            for c in clients
        ],
    )


def render_assignments(items: Sequence[AssignmentInfo]) -> str:
    """A client's assignments as a table."""
    if not items:
        return "no assignments yet"
    return table(
        ["#", "session", "assignment", "format", "size", "frequency", "framing", "outcome"],
        [
            (
                a.assignment_id,
                a.session,
                a.title,
                a.format,
                a.size,
                a.frequency,
                a.framing,
                a.outcome
                + (f" {a.done} of {a.planned}" if a.done is not None else "")
                + (f" (s.{a.resolved_session})" if a.resolved_session else ""),
            )
            for a in items
        ],
    )


def render_history(entries: Sequence[HistoryEntry]) -> str:
    """A client's events in order, one line each; what was said is wrapped, never cut."""
    lines = table(
        ["#", "recorded", "by", "session", "event"],
        [
            (
                e.position,
                e.recorded_at.replace("T", " ")[:16],
                e.recorded_by or "unknown",
                e.session if e.session is not None else "-",
                e.event,
            )
            for e in entries
        ],
        width=100,
    ).split("\n")
    column = max(len(line) for line in lines) + 2
    out = [lines[0].ljust(column) + "what", lines[1] + "  " + "-" * 4]
    for e, line in zip(entries, lines[2:], strict=True):
        what = wrapped(e.summary, "", max(40, 100 - column)) or [""]
        out.append(line.ljust(column) + what[0])
        out += [" " * column + more for more in what[1:]]
    return "\n".join(out)
