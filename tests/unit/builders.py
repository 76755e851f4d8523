"""Small builders for unit tests: invented cases made through domain commands."""

from __future__ import annotations

import datetime as dt

from hwcore.domain import AssignmentSpec, Case, Format, Frequency, MissReason, Size

START = dt.date(2026, 1, 5)


def session_date(n: int) -> dt.date:
    """Weekly sessions from START."""
    return START + dt.timedelta(days=7 * (n - 1))


def new_case(client: str = "AB") -> Case:
    """A registered case with no sessions."""
    return Case(client=client)


def give(
    case: Case,
    session: int,
    *,
    format: str = "written",
    size: str = "small",
    framing: str = "experiment",
    frequency: str = "weekly",
    outcome: str = "completed",
    done: int | None = None,
    planned: int | None = None,
    title: str | None = None,
    explanation: str = "",
    reasons: tuple[str, ...] = (),
    confidence: int | None = None,
) -> int:
    """Assign at ``session`` and resolve at ``session + 1`` (holding both)."""
    for n in (session, session + 1):
        if n not in case.sessions:
            case.hold_session(n, session_date(n))
    spec = AssignmentSpec(
        title=title or f"task {len(case.assignments) + 1}",
        format=Format.parse(format),
        size=Size.parse(size),
        framing=framing,
        frequency=Frequency.parse(frequency),
        confidence=confidence,
    )
    ident = case.assign(session, spec)
    if outcome == "completed":
        case.complete(ident, session + 1)
    elif outcome == "partial":
        case.complete(ident, session + 1, partial=True, done=done, planned=planned)
    elif outcome == "missed":
        case.miss(
            ident,
            session + 1,
            explanation=explanation,
            reasons=[MissReason.parse(r) for r in reasons],
        )
    return ident
