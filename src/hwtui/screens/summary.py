"""The wrap-up's Record step: the summary of everything that will be written."""

from __future__ import annotations

from typing import Any

from textual.content import Content

from hwcore.application import AssignmentInfo
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
    pending: list[AssignmentInfo], outcomes: list[dict[str, Any]], assignment: dict[str, Any]
) -> list[Content]:
    """The Record step's summary: every outcome and field that will be written."""
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
