"""The wrap-up's Record step: the summary of everything that will be written."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from hwcore.application import AssignmentInfo, WrapUpResult
from hwtui.text import shown

OUTCOME_WORDS = (
    ("experience", "Experience"),
    ("explanation", "Explanation"),
    ("insights", "Insights"),
    ("modification", "Modification"),
)
"""The client's words an outcome carries, as the summary labels them."""
ASSIGNMENT_DETAILS = (
    ("task", "Task"),
    ("days", "Days"),
    ("time", "Time"),
    ("when_where", "When/where"),
    ("rationale", "Rationale"),
    ("barriers", "Barriers"),
    ("client_why", "Client's why"),
    ("method", "Method"),
    ("followup_plan", "Follow-up"),
    ("framing_wording", "Wording"),
    ("understanding", "Agreement"),
    ("accommodations", "Accommodations"),
    ("notes", "Notes"),
)
"""Every optional field of the next assignment, as the summary labels it (shown when given)."""


def summary_lines(
    pending: list[AssignmentInfo],
    outcomes: list[dict[str, Any]],
    assignment: dict[str, Any],
    extra: list[str] = [],  # noqa: B006 (never changed)
) -> list[Content]:
    """The Record step's summary: every outcome, entry and field that will be written.

    ``extra``: the other entries (changes, measures, consents, corrections, the
    review), already in words, written before the next assignment.
    """
    titles = {a.assignment_id: shown(a.title) for a in pending}
    lines: list[Content] = [Content.styled("This will be recorded:", "bold")]
    for item in outcomes:
        title = titles.get(item["assignment_id"], "")
        detail = item["outcome"]
        if item["outcome"] == "partial" and item.get("done") is not None:
            detail += f" ({item['done']} of {item['planned']} doses)"
        lines.append(Content(f"  #{item['assignment_id']} {title}: {detail}"))
        for key, label in OUTCOME_WORDS:
            if item.get(key):
                lines.append(Content(f"      {label}: “{shown(item[key])}”"))
        if item.get("reasons"):
            lines.append(Content(f"      Reasons: {shown(', '.join(item['reasons']))}"))
    left = len(pending) - len(outcomes)
    if left:
        lines.append(Content(f"  {left} assignment(s) left pending"))
    lines += [Content(f"  {line}") for line in extra]
    a = assignment
    doses = f" · {a['planned_doses']} doses" if a["planned_doses"] else ""
    confidence = f" · confidence {a['confidence']}/10" if a["confidence"] is not None else ""
    lines.append(
        Content.assemble(
            "  Next: ",
            (shown(a["title"]), "bold"),
            shown(f" · {a['format']} · {a['size']} · {a['frequency']} · '{a['framing']}'")
            + f"{doses}{confidence}",
        )
    )
    for key, label in ASSIGNMENT_DETAILS:
        if a.get(key):
            lines.append(Content(f"      {label}: {shown(a[key])}"))
    if a.get("started_in_session"):
        lines.append(Content("      Started in the session"))
    lines.append(Content.styled("Nothing is written yet: ctrl+s records it, Esc cancels.", "dim"))
    return lines


def review_lines(review: dict[str, Any] | None) -> list[str]:
    """The review chosen in the wrap-up, as the Record step shows it (the wording included)."""
    if review is None:
        return []
    system = " · ".join(str(review[k] or "—") for k in ("format", "size", "frequency", "framing"))
    lines = [f"Review: {system}; next review at session {review['next_review_session']}"]
    for key, label in (("framing_wording", "Wording"), ("notes", "Notes")):
        if review.get(key):
            lines.append(f"    {label}: “{shown(review[key])}”")
    return lines


def recorded_lines(result: WrapUpResult, *, printing: bool) -> list[Content]:
    """What the wrap-up wrote, once it is written."""
    lines = [Content.styled(f"✓ Recorded at session {result.session} ({result.date})", "bold")]
    noted = result.entries
    if noted is not None:
        lines += [Content(f"  #{ident} corrected") for ident in noted.corrected]
        lines += [Content(f"  {n.kind} noted") for n in noted.noted]
        for m in noted.measures:
            band = f" ({m.severity})" if m.severity else ""
            lines.append(Content(f"  {m.instrument} {m.total}{band}"))
        lines += [Content(f"  consent: {c.channel}") for c in noted.consents]
        if noted.review is not None:
            lines.append(Content(f"  review; next at session {noted.review.next_review_session}"))
    for outcome in result.outcomes:
        lines.append(Content(f"  #{outcome.assignment_id} {outcome.outcome}"))
    if result.assignment is not None:
        a = result.assignment.assignment
        lines.append(Content(f"  #{a.assignment_id} '{shown(a.title)}' assigned"))
    if result.planner.review.due:
        lines.append(Content.styled("⚠ A review is still due (ctrl+r on the caseload).", "bold"))
    return lines
