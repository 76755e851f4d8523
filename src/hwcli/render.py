"""Human-readable text for the planner and the other query results.

Pure functions from application DTOs / planner values to text; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hwcli.common import percent, table

if TYPE_CHECKING:
    from hwcore.application import (
        AssignmentInfo,
        ClientInfo,
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


def _shared(label: str, shared: Shared) -> str:
    if not shared.values:
        return f"  {label}: -"
    return f"  {label}: {', '.join(shared.values)} ({shared.count} of {shared.of})"


def _in_common(group: InCommon, *, completed: bool) -> list[str]:
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
    return lines


def _dose(row: Row) -> str:
    if row.outcome == "partial":
        return f"partial {row.dose}" if row.dose else "partial"
    return row.outcome


def _completed_table(rows: Sequence[Row]) -> str:
    return table(
        ["#", "session", "assignment", "format", "size", "framing", "outcome", "notes"],
        [
            (
                r.assignment_id,
                r.session,
                r.title,
                r.format,
                r.size,
                r.framing,
                _dose(r),
                r.experience or r.notes,
            )
            for r in rows
        ],
        indent="  ",
    )


def _missed_table(rows: Sequence[Row]) -> str:
    return table(
        ["#", "session", "assignment", "format", "size", "framing", "reasons", "explanation"],
        [
            (
                r.assignment_id,
                r.session,
                r.title,
                r.format,
                r.size,
                r.framing,
                ", ".join(r.reasons),
                r.explanation,
            )
            for r in rows
        ],
        indent="  ",
    )


def _pending_table(rows: Sequence[Row]) -> str:
    return table(
        ["#", "session", "assignment", "format", "size", "framing", "frequency"],
        [
            (r.assignment_id, r.session, r.title, r.format, r.size, r.framing, r.frequency)
            for r in rows
        ],
        indent="  ",
    )


def _evidence(rec: Recommendation) -> str:
    if rec.value is None:
        return rec.reason
    if rec.n is None:
        return rec.reason
    return f"n={rec.n}, rate {rec.rate:.2f}" + (
        f", smoothed {rec.smoothed:.2f}" if rec.smoothed is not None else ""
    )


def render_planner(p: Planner) -> str:
    """The planner as text, in the sections of the paper planner."""
    when = f"session {p.last_session}" if p.last_session is not None else "no session yet"
    if p.last_session_date:
        when += f", {p.last_session_date}"
    reviewed = ", ".join(str(s) for s in p.sessions_reviewed) or "none"
    lines = [
        RULE,
        f"Between-Session System Planner: {p.client}",
        RULE,
        f"As of: {when}" + (" (past planner: --as-of)" if p.as_of_session is not None else ""),
        f"Sessions reviewed: {reviewed}",
        f"Ready: {'yes' if p.ready else 'NO'} ({p.ready_reason})",
    ]
    if p.overall_rate is not None:
        lines.append(f"Overall completion: {percent(p.overall_rate)}")

    lines += _heading("Compliance history")
    lines.append(f"Completed ({len(p.completed)}):")
    lines.append(_completed_table(p.completed) if p.completed else "  none yet")
    lines.append(f"Missed ({len(p.missed)}):")
    lines.append(_missed_table(p.missed) if p.missed else "  none yet")
    if p.pending:
        lines.append(f"Pending, not yet reviewed ({len(p.pending)}):")
        lines.append(_pending_table(p.pending))

    lines += _heading("What completed assignments had in common")
    lines += _in_common(p.completed_in_common, completed=True)
    lines += _heading("What missed assignments had in common")
    lines += _in_common(p.missed_in_common, completed=False)

    lines += _heading("The system for this client")
    sys_ = p.system
    rows = [
        (name, rec.value or "-", _evidence(rec))
        for name, rec in (
            ("format", sys_.format),
            ("size", sys_.size),
            ("frequency", sys_.frequency),
            ("framing", sys_.framing),
        )
    ]
    lines.append(table(["field", "recommended", "evidence"], rows, indent="  "))
    if p.ready:
        for name, rec in (("Size", sys_.size),):
            if rec.value is not None:
                lines.append(f"  {name}: {rec.reason}")
    if p.framing_approach:
        lines.append(f"  Framing approach (client-level): {p.framing_approach}")
    chosen = p.chosen_system
    if chosen is not None:
        parts = [
            f"format {chosen.format or '-'}",
            f"size {chosen.size or '-'}",
            f"frequency {chosen.frequency or '-'}",
            f"framing {chosen.framing or '-'}",
        ]
        lines.append(f"  Chosen at the review of session {chosen.session}: {', '.join(parts)}")
        if chosen.framing_wording:
            lines.append(f"  Language this client responds to: {chosen.framing_wording}")

    f = p.followup
    lines += _heading(f"Follow-up protocol ({f.source})")
    lines += [
        "  When an assignment is completed:",
        f"    Opening: {f.completed_opening}",
        f"    Listen for: {f.completed_listen_for}",
        "  When an assignment is not completed:",
        f"    Opening: {f.missed_opening}",
        f"    Diagnostic question: {f.missed_diagnostic}",
    ]

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
    """One line per field: how this client has done with the chosen values."""
    return [f"{f.field} {f.summary}" for f in fit.fields]


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
    """A client's events in order, one line each."""
    return table(
        ["#", "recorded", "session", "event", "what"],
        [
            (
                e.position,
                e.recorded_at.replace("T", " ")[:16],
                e.session if e.session is not None else "-",
                e.event,
                e.summary,
            )
            for e in entries
        ],
        width=100,
    )
