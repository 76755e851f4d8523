"""The planner's part that builds on the therapist's decisions (spec section 4).

The current system (the last review's choice), the follow-up protocol and the
review schedule with its early triggers. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from hwcore.domain import Case, Outcome, Review, normalize_framing
from hwcore.planner.model import (
    FIELDS,
    ChosenSystem,
    CurrentSystem,
    Elsewhere,
    Followup,
    InCommon,
    ReviewStatus,
    Row,
    System,
)

READY_SESSIONS = 4
"""Distinct sessions with a resolved assignment needed before recommending."""
REVIEW_INTERVAL = 8
"""Sessions from one review to the next."""

_MISSED = Outcome.MISSED.value


# ------------------------------------------------------------- current system


def chosen_system(review: Review) -> ChosenSystem:
    """The system exactly as a review recorded it."""
    choice = review.system
    return ChosenSystem(
        session=review.session,
        format=choice.format.value if choice.format else None,
        size=choice.size.value if choice.size else None,
        frequency=choice.frequency.value if choice.frequency else None,
        framing=choice.framing,
        framing_wording=choice.framing_wording,
        trigger=review.trigger.value,
        notes=review.notes,
    )


def decided_system(case: Case) -> CurrentSystem | None:
    """The system chosen at the last review, without comparing it with the history.

    What :func:`current_system` gives, its ``elsewhere`` left empty: the cheap
    answer for a command that only needs the therapist's values (``hw assign``'s
    defaults), with no planner built. None before the first review.
    """
    if not case.reviews:
        return None
    review = case.reviews[-1]
    choice = review.system
    framing = normalize_framing(choice.framing) if choice.framing else None
    wording = choice.framing_wording
    source = f"review at session {review.session}"
    approach = case.framing
    if approach is not None and (approach.session >= review.session or framing is None):
        framing = normalize_framing(approach.label)
        wording = approach.wording or wording
        source = f"framing change at session {approach.session}"
    return CurrentSystem(
        review_session=review.session,
        framing_wording=wording,
        framing_source=source,
        elsewhere=(),
        format=choice.format.value if choice.format else None,
        size=choice.size.value if choice.size else None,
        frequency=choice.frequency.value if choice.frequency else None,
        framing=framing,
    )


def current_system(case: Case, system: System, resolved: Sequence[Row]) -> CurrentSystem | None:
    """The system chosen at the last review (None before the first review).

    A framing change recorded after that review replaces the framing (one at
    the review's own session counts as after it; so does any framing approach
    when the review left the framing open). Where outcomes recorded since the
    review make the planner recommend another value, the current system says
    "since the review, the history points to size tiny".
    """
    chosen = decided_system(case)
    if chosen is None:
        return None
    review_session = chosen.review_session
    elsewhere = []
    if any(_recorded_at(r) > review_session for r in reversed(resolved)):  # recent ones last
        for field in FIELDS:
            value, points_to = chosen.value(field), getattr(system, field).value
            if value is not None and points_to is not None and value != points_to:
                elsewhere.append(Elsewhere(field, value, points_to))
    return attrs.evolve(chosen, elsewhere=tuple(elsewhere)) if elsewhere else chosen


# ------------------------------------------------------------------ follow-up


def default_followup(
    reference: Mapping[str, str | None], missed_common: InCommon, last_review: Review | None
) -> Followup:
    """The follow-up protocol.

    Defaults shaped by the current system (else the recommendation); the
    therapist's wording from the last review wins, field by field.
    """
    shape = ", ".join(
        part
        for part in (
            f"the {reference['size']} size" if reference["size"] else "",
            f"the {reference['format']} format" if reference["format"] else "",
            f"the '{reference['framing']}' framing" if reference["framing"] else "",
        )
        if part
    )
    listen = (
        "What made it doable"
        + (f" ({shape})" if shape else "")
        + ", what the client noticed or learned, and whether the next step can"
        " keep the same shape or grow one step."
    )
    diagnostic = (
        "What got in the way: the timing, the size, the format, or how it was"
        " framed? Was there anything about our work that made it harder?"
    )
    if missed_common.reasons.values:
        diagnostic += (
            " (Misses so far most often: " + ", ".join(missed_common.reasons.values) + ".)"
        )
    wording = {
        "completed_opening": "You did it - what was it like to do it?",
        "completed_listen_for": listen,
        "missed_opening": (
            "It didn't happen this week, and that's useful information too."
            " What was the week like around it?"
        ),
        "missed_diagnostic": diagnostic,
    }
    source = "default"
    if last_review is not None:
        for name in wording:
            therapist = getattr(last_review.followup, name)
            if therapist.strip():
                wording[name] = therapist
                source = f"review at session {last_review.session}"
    return Followup(source=source, **wording)


# --------------------------------------------------------------------- review


def _recorded_at(r: Row) -> int:
    """The session a resolved row's outcome was recorded at."""
    return r.resolved_session or r.session  # resolved rows: never None


def ready_since(resolved: Sequence[Row]) -> int | None:
    """The session at which the 4th distinct session's outcome became known."""
    seen: set[int] = set()
    for recorded_at, session in sorted((_recorded_at(r), r.session) for r in resolved):
        seen.add(session)
        if len(seen) >= READY_SESSIONS:
            return recorded_at
    return None


def review_status(
    case: Case, resolved: Sequence[Row], ready: bool, current_session: int | None
) -> ReviewStatus:
    """Last and next review, whether one is due, and the active triggers.

    Next review: the last review's chosen session (last review + 8 by default);
    the first review is due as soon as the planner is ready. Due: the current
    session is at or past the next review, or a trigger is active.
    ``three_consecutive_misses``: the three most recent resolved assignments
    were all missed and all three outcomes were recorded after the last review.
    ``life_change`` / ``relationship_change`` / ``other``: noted after the last
    review.
    """
    last = case.reviews[-1] if case.reviews else None
    if last is not None:
        next_review: int | None = last.next_review_session
    else:
        next_review = ready_since(resolved) if ready else None
    triggers: list[str] = []
    reasons: list[str] = []
    recent = resolved[-3:]
    if (
        len(recent) == 3
        and all(r.outcome == _MISSED for r in recent)
        and (last is None or all(_recorded_at(r) > last.session for r in recent))
    ):
        triggers.append("three_consecutive_misses")
        reasons.append(
            "the three most recent assignments were all missed"
            + (" (since the last review)" if last is not None else "")
        )
    after = last.position if last is not None else 0
    for change in case.changes:
        if change.position > after:
            name = change.kind.trigger.value
            if name not in triggers:
                triggers.append(name)
                reasons.append(f"{change.kind.value} change noted at session {change.session}")
    at_cadence = (
        next_review is not None and current_session is not None and current_session >= next_review
    )
    if at_cadence:
        reasons.insert(
            0,
            "first review: the planner is ready"
            if last is None
            else f"{REVIEW_INTERVAL}-session cadence reached"
            f" (next review was session {next_review})",
        )
    return ReviewStatus(
        last_review_session=last.session if last else None,
        next_review_session=next_review,
        current_session=current_session,
        due=bool(at_cadence or triggers),
        triggers=tuple(triggers),
        reasons=tuple(reasons),
    )
