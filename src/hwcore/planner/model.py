"""The planner's value types: what the Between-Session System Planner shows.

Every value is an immutable attrs class; :func:`to_dict` turns any of them into
plain JSON-ready data (enums become their string values).
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import PurePath
from typing import Any

import attrs

from hwcore.jsondata import FLOAT_DIGITS

NOT_ENOUGH_EVIDENCE = "not enough evidence"
NOT_READY = "not ready"


@attrs.frozen
class Evidence:
    """How one value of a field has fared with this client."""

    value: str
    n: int
    """Resolved assignments with this value."""
    completed: int
    """Fully completed ones."""
    partial: int
    missed: int
    score: float
    """Sum of scores (completed 1, partial done/planned, missed 0)."""
    rate: float
    """Raw completion rate: score / n."""
    smoothed: float
    """Smoothed completion rate: (score + 1) / (n + 2)."""
    last_session: int
    """The most recent session an assignment with this value was given."""


@attrs.frozen
class Recommendation:
    """The recommended value of one field of the system, with its evidence."""

    value: str | None
    reason: str
    """Why this value (or why none): e.g. 'highest smoothed completion rate'."""
    n: int | None = None
    rate: float | None = None
    smoothed: float | None = None
    candidates: tuple[Evidence, ...] = ()
    """Every value tried, best first."""


@attrs.frozen
class System:
    """The recommended between-session system for this client."""

    format: Recommendation
    size: Recommendation
    frequency: Recommendation
    framing: Recommendation

    def json_data(self, *, digits: int | None = FLOAT_DIGITS) -> dict[str, Any]:
        """JSON shape of the spec: each field a value or null, evidence beside."""
        fields = ("format", "size", "frequency", "framing")
        data: dict[str, Any] = {name: getattr(self, name).value for name in fields}
        data["evidence"] = {name: to_dict(getattr(self, name), digits=digits) for name in fields}
        return data


# Not slotted: a frozen slotted class sets each of its 17 fields through
# object.__setattr__, which makes building a row about twice as slow, and a
# 1,000-assignment client's planner builds 1,000 rows.
@attrs.frozen(slots=False)
class Row:
    """One assignment in the completed, missed or pending table."""

    assignment_id: int
    session: int
    title: str
    task: str
    format: str
    size: str
    frequency: str
    framing: str
    outcome: str
    score: float | None
    resolved_session: int | None = None
    done: int | None = None
    planned: int | None = None
    experience: str = ""
    explanation: str = ""
    reasons: tuple[str, ...] = ()
    notes: str = ""

    @property
    def dose(self) -> str:
        """'6 of 7' for a partial with doses, else ''."""
        if self.done is not None and self.planned is not None:
            return f"{self.done} of {self.planned}"
        return ""


@attrs.frozen
class Shared:
    """The value(s) most of a group had in common."""

    values: tuple[str, ...]
    count: int
    """How many of the group had (each of) these values."""
    of: int
    """The size of the group."""


@attrs.frozen
class Phase:
    """A range of sessions and how consistently homework was done in it."""

    first_session: int
    last_session: int
    n: int
    rate: float


@attrs.frozen
class InCommon:
    """What a group (completed or missed) had in common."""

    format: Shared
    size: Shared
    framing: Shared
    frequency: Shared
    reasons: Shared
    """Miss reasons given most often (empty for the completed group)."""
    phase: Phase | None
    """Completed group: where completion was most consistent. Missed: None."""


@attrs.frozen
class Followup:
    """The follow-up protocol for the next session."""

    completed_opening: str
    completed_listen_for: str
    missed_opening: str
    missed_diagnostic: str
    source: str
    """'default' or 'review at session N' (the therapist's wording wins)."""


@attrs.frozen
class ReviewStatus:
    """Where the client's system stands in its review schedule."""

    last_review_session: int | None
    next_review_session: int | None
    current_session: int | None
    due: bool
    triggers: tuple[str, ...]
    """Active early-review triggers (three_consecutive_misses, life_change...)."""
    reasons: tuple[str, ...]
    """Readable reasons the review is due."""


@attrs.frozen
class ChosenSystem:
    """The system as the therapist last chose it at a review."""

    session: int
    format: str | None
    size: str | None
    frequency: str | None
    framing: str | None
    framing_wording: str
    trigger: str
    notes: str


@attrs.frozen
class Planner:
    """The Between-Session System Planner of one client, at one point in time."""

    client: str
    as_of_session: int | None
    """The session this planner is computed as of (None: all events)."""
    sessions_reviewed: tuple[int, ...]
    """Sessions whose assignments have a known outcome."""
    first_session: int | None
    last_session: int | None
    last_session_date: str | None
    ready: bool
    ready_reason: str
    completed: tuple[Row, ...]
    missed: tuple[Row, ...]
    pending: tuple[Row, ...]
    completed_in_common: InCommon
    missed_in_common: InCommon
    system: System
    followup: Followup
    review: ReviewStatus
    chosen_system: ChosenSystem | None
    framing_approach: str | None
    """The client-level framing approach label, if one was set."""
    completion_by_session: tuple[tuple[int, float, int], ...]
    """(session, mean score, resolved count) for each session with outcomes."""
    overall_rate: float | None


def to_dict(value: Any, *, digits: int | None = FLOAT_DIGITS) -> Any:
    """Plain JSON-ready data for any planner value (or list/tuple of them).

    Args:
        value: a planner value, a DTO, or a list, tuple or dict of them.
        digits: decimal places of floats (None: full precision, as the read
            model caches the planner so that text rendered from it is exact).
    """
    if isinstance(value, System):
        return value.json_data(digits=digits)
    json_data = getattr(type(value), "json_data", None)
    if callable(json_data):  # a value that chooses its own JSON shape (Settings: redacted)
        return to_dict(json_data(value), digits=digits)
    if attrs.has(type(value)):
        return {
            f.name: to_dict(getattr(value, f.name), digits=digits)
            for f in attrs.fields(type(value))
        }
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a named tuple (CaseloadEntry)
        return {k: to_dict(v, digits=digits) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [to_dict(v, digits=digits) for v in value]
    if isinstance(value, dict):
        return {str(k): to_dict(v, digits=digits) for k, v in value.items()}
    if isinstance(value, float) and digits is not None:
        return round(value, digits)
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, enum.Enum):  # vocabulary values
        return value.value
    if isinstance(value, type):  # a field's kind (DesignField): its name
        return value.__name__
    return value
