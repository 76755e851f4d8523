"""Human-readable text for the planner and the other query results.

Pure functions from application DTOs and the planner's JSON document to text;
no I/O. The planner is rendered from its JSON document (``hw plan --json``), so
this module needs no hwcore import at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hwcli.common import percent, table

if TYPE_CHECKING:
    from hwcore.application import (
        AssignmentInfo,
        ClientInfo,
        Fit,
        HistoryEntry,
    )

RULE = "=" * 72


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _shared(label: str, shared: Mapping[str, Any]) -> str:
    if not shared["values"]:
        return f"  {label}: -"
    return f"  {label}: {', '.join(shared['values'])} ({shared['count']} of {shared['of']})"


def _in_common(group: Mapping[str, Any], *, completed: bool) -> list[str]:
    lines = [
        _shared("Format(s)", group["format"]),
        _shared("Size or scope", group["size"]),
        _shared("Framing", group["framing"]),
        _shared("Frequency", group["frequency"]),
    ]
    if completed:
        phase = group["phase"]
        lines.append(
            "  Timing in therapy (most consistent completion): "
            + (
                f"sessions {phase['first_session']}-{phase['last_session']}"
                f" ({phase['n']} assignments, {percent(phase['rate'])})"
                if phase
                else "-"
            )
        )
    else:
        lines.append(_shared("Reasons given", group["reasons"]))
    return lines


def _dose(row: Mapping[str, Any]) -> str:
    outcome: str = row["outcome"]
    if outcome == "partial":
        done, planned = row["done"], row["planned"]
        if done is not None and planned is not None:
            return f"partial {done} of {planned}"
        return "partial"
    return outcome


_ASSIGNMENT_COLUMNS = ["#", "session", "assignment", "format", "size", "framing"]


def _assignment_table(
    rows: Sequence[Mapping[str, Any]],
    more: Sequence[str],
    cells: Callable[[Mapping[str, Any]], tuple[object, ...]],
) -> str:
    """Assignments, one per line: the six common columns, then ``more`` (``cells`` fills them)."""
    return table(
        [*_ASSIGNMENT_COLUMNS, *more],
        [
            (
                r["assignment_id"],
                r["session"],
                r["title"],
                r["format"],
                r["size"],
                r["framing"],
                *cells(r),
            )
            for r in rows
        ],
        indent="  ",
    )


def _completed_table(rows: Sequence[Mapping[str, Any]]) -> str:
    return _assignment_table(
        rows, ["outcome", "notes"], lambda r: (_dose(r), r["experience"] or r["notes"])
    )


def _missed_table(rows: Sequence[Mapping[str, Any]]) -> str:
    return _assignment_table(
        rows, ["reasons", "explanation"], lambda r: (", ".join(r["reasons"]), r["explanation"])
    )


def _pending_table(rows: Sequence[Mapping[str, Any]]) -> str:
    return _assignment_table(rows, ["frequency"], lambda r: (r["frequency"],))


def _evidence(rec: Mapping[str, Any]) -> str:
    reason: str = rec["reason"]
    if rec["value"] is None or rec["n"] is None:
        return reason
    smoothed = rec["smoothed"]
    return f"n={rec['n']}, rate {rec['rate']:.2f}" + (
        f", smoothed {smoothed:.2f}" if smoothed is not None else ""
    )


def render_planner(doc: Mapping[str, Any]) -> str:
    """The planner as text, in the sections of the paper planner.

    ``doc`` is the planner's JSON document (``to_dict(planner)``, what
    ``hw plan --json`` prints), so text and JSON come from the same data.
    """
    last_session = doc["last_session"]
    when = f"session {last_session}" if last_session is not None else "no session yet"
    if doc["last_session_date"]:
        when += f", {doc['last_session_date']}"
    reviewed = ", ".join(str(s) for s in doc["sessions_reviewed"]) or "none"
    past = " (past planner: --as-of)" if doc["as_of_session"] is not None else ""
    lines = [
        RULE,
        f"Between-Session System Planner: {doc['client']}",
        RULE,
        f"As of: {when}{past}",
        f"Sessions reviewed: {reviewed}",
        f"Ready: {'yes' if doc['ready'] else 'NO'} ({doc['ready_reason']})",
    ]
    if doc["overall_rate"] is not None:
        lines.append(f"Overall completion: {percent(doc['overall_rate'])}")

    completed, missed, pending = doc["completed"], doc["missed"], doc["pending"]
    lines += _heading("Compliance history")
    lines.append(f"Completed ({len(completed)}):")
    lines.append(_completed_table(completed) if completed else "  none yet")
    lines.append(f"Missed ({len(missed)}):")
    lines.append(_missed_table(missed) if missed else "  none yet")
    if pending:
        lines.append(f"Pending, not yet reviewed ({len(pending)}):")
        lines.append(_pending_table(pending))

    lines += _heading("What completed assignments had in common")
    lines += _in_common(doc["completed_in_common"], completed=True)
    lines += _heading("What missed assignments had in common")
    lines += _in_common(doc["missed_in_common"], completed=False)

    lines += _heading("The system for this client")
    evidence = doc["system"]["evidence"]
    fields = ("format", "size", "frequency", "framing")
    rows = [(name, evidence[name]["value"] or "-", _evidence(evidence[name])) for name in fields]
    lines.append(table(["field", "recommended", "evidence"], rows, indent="  "))
    if doc["ready"] and evidence["size"]["value"] is not None:
        lines.append(f"  Size: {evidence['size']['reason']}")
    if doc["framing_approach"]:
        lines.append(f"  Framing approach (client-level): {doc['framing_approach']}")
    chosen = doc["chosen_system"]
    if chosen is not None:
        parts = ", ".join(f"{name} {chosen[name] or '-'}" for name in fields)
        lines.append(f"  Chosen at the review of session {chosen['session']}: {parts}")
        if chosen["framing_wording"]:
            lines.append(f"  Language this client responds to: {chosen['framing_wording']}")

    f = doc["followup"]
    lines += _heading(f"Follow-up protocol ({f['source']})")
    lines += [
        "  When an assignment is completed:",
        f"    Opening: {f['completed_opening']}",
        f"    Listen for: {f['completed_listen_for']}",
        "  When an assignment is not completed:",
        f"    Opening: {f['missed_opening']}",
        f"    Diagnostic question: {f['missed_diagnostic']}",
    ]

    r = doc["review"]
    lines += _heading("Review schedule")
    lines += [
        f"  Last review: {_session(r['last_review_session'])}",
        f"  Next review: {_session(r['next_review_session'])}",
        f"  Due: {'YES' if r['due'] else 'no'}",
        f"  Triggers: {', '.join(r['triggers']) if r['triggers'] else 'none active'}",
    ]
    lines += [f"    - {reason}" for reason in r["reasons"]]
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
