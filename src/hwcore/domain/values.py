"""Immutable attrs value objects used in events and in the case state.

Tuple fields use ``converter=tuple`` so that a value read back from JSON (where
tuples become lists) compares equal to the value that was written.
"""

from __future__ import annotations

import datetime as dt

import attrs

from hwcore.domain.vocabulary import (
    ChangeKind,
    Format,
    Frequency,
    MissReason,
    Outcome,
    ReviewTrigger,
    Size,
    normalize_framing,
)


def _reasons(value: object) -> tuple[MissReason, ...]:
    items = value if isinstance(value, list | tuple) else ()
    return tuple(MissReason.parse(v) for v in items)


@attrs.frozen
class AssignmentSpec:
    """What the therapist assigned: the task and its five documentation elements.

    Only ``title``, ``format``, ``size`` and ``framing`` are required; the other
    fields are recorded where the therapist gives them.
    """

    title: str
    format: Format
    size: Size
    framing: str
    frequency: Frequency = Frequency.WEEKLY
    task: str = ""
    """The assignment in one sentence."""
    framing_wording: str = ""
    """The verbatim wording used to frame it."""
    rationale: str = ""
    method: str = ""
    """How the client will do it (paper, phone note, app...)."""
    barriers: str = ""
    followup_plan: str = ""
    when_where: str = ""
    started_in_session: bool = False
    confidence: int | None = None
    """The client's confidence 0-10 that they will do it."""
    planned_doses: int | None = None
    """How many times it is meant to be done (e.g. 7 for daily over a week)."""
    notes: str = ""

    @property
    def framing_key(self) -> str:
        """The framing label as compared by the planner."""
        return normalize_framing(self.framing)


@attrs.frozen
class Resolution:
    """An assignment's recorded outcome (completed, partial or missed)."""

    outcome: Outcome
    session: int
    done: int | None = None
    planned: int | None = None
    experience: str = ""
    """The client's experience of doing it (completed/partial)."""
    explanation: str = ""
    """The client's own explanation of a miss, as close to verbatim as possible."""
    reasons: tuple[MissReason, ...] = attrs.field(default=(), converter=_reasons)

    @property
    def score(self) -> float:
        """completed = 1, partial = done/planned (0.5 without doses), missed = 0."""
        if self.outcome is Outcome.COMPLETED:
            return 1.0
        if self.outcome is Outcome.PARTIAL:
            if self.done is not None and self.planned:
                return self.done / self.planned
            return 0.5
        return 0.0


@attrs.frozen
class Assignment:
    """The current state of one assignment in a case."""

    id: int
    session: int
    spec: AssignmentSpec
    assigned_on: dt.date
    resolution: Resolution | None = None

    @property
    def outcome(self) -> Outcome:
        """The outcome, ``pending`` while unresolved."""
        return self.resolution.outcome if self.resolution else Outcome.PENDING

    @property
    def is_resolved(self) -> bool:
        """True once completed, partial or missed."""
        return self.resolution is not None


@attrs.frozen
class SessionRecord:
    """A session held with the client."""

    number: int
    held_on: dt.date
    inferred: bool = False
    """True when the date was inferred rather than given."""


@attrs.frozen
class FramingApproach:
    """The client-level framing approach and why it was chosen."""

    label: str
    wording: str
    reason: str
    session: int


@attrs.frozen
class ChangeRecord:
    """A life or relationship change noted in the case."""

    kind: ChangeKind
    note: str
    session: int
    position: int
    """Order in the case's event sequence (for 'noted after the last review')."""


@attrs.frozen
class SystemChoice:
    """The between-session system the therapist chose at a review.

    Any value may be ``None`` when the therapist leaves it open.
    """

    format: Format | None = None
    size: Size | None = None
    frequency: Frequency | None = None
    framing: str | None = None
    framing_wording: str = ""


@attrs.frozen
class FollowupProtocol:
    """How to open the next session's homework review."""

    completed_opening: str = ""
    completed_listen_for: str = ""
    missed_opening: str = ""
    missed_diagnostic: str = ""


@attrs.frozen
class Review:
    """A recorded review of the client's system."""

    session: int
    system: SystemChoice
    followup: FollowupProtocol
    next_review_session: int
    trigger: ReviewTrigger
    notes: str
    position: int


@attrs.frozen
class Correction:
    """A correction of an earlier entry, kept for the audit trail."""

    assignment_id: int
    session: int
    changes: dict[str, object]
    reason: str
    position: int
