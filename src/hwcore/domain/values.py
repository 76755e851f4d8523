"""Immutable attrs value objects used in events and in the case state.

Tuple fields use ``converter=tuple`` so that a value read back from JSON (where
tuples become lists) compares equal to the value that was written.

The four values a case holds one of per session or assignment (``SessionRecord``,
``AssignmentSpec``, ``Resolution``, ``Assignment``) are not slotted: a snapshot
restores them by filling their ``__dict__`` (:mod:`hwcore.domain.snapshot`),
which, for a case of 1,000 assignments, is half the work of loading it
(``cli_write``, docs/performance.md). They are as frozen as the others.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any

import attrs

from hwcore.domain.errors import InvalidValueError
from hwcore.domain.vocabulary import (
    ChangeKind,
    Format,
    Frequency,
    MissReason,
    Outcome,
    ReviewTrigger,
    Size,
    Weekday,
    normalize_framing,
)
from hwcore.valueclass import Value

_REASON_SEPARATORS = re.compile(r"[;,]")


def parse_reasons(value: Iterable[MissReason | str] | str) -> tuple[MissReason, ...]:
    """Miss reasons from their names (a sequence, or one string separated by ';' or ',')."""
    given = [value] if isinstance(value, str) else value
    # Each string may hold several ('a;b', 'a,b'): --reason is repeatable and takes both.
    items = [p for v in given for p in (_REASON_SEPARATORS.split(v) if isinstance(v, str) else [v])]
    unique: list[MissReason] = []
    for item in items:
        if isinstance(item, MissReason) or str(item).strip():
            reason = MissReason.parse(item)
            if reason not in unique:
                unique.append(reason)
    return tuple(unique)


def _reasons(value: object) -> tuple[MissReason, ...]:
    if value == ():  # most outcomes name no reason (a case's 1,000 loaded: cli_write)
        return ()
    items = value if isinstance(value, list | tuple) else ()
    return tuple(MissReason.parse(v) for v in items)


def _format(value: Format | str) -> Format:
    return value if type(value) is Format else Format.parse(value)


def _size(value: Size | str) -> Size:
    return value if type(value) is Size else Size.parse(value)


def _frequency(value: Frequency | str) -> Frequency:
    return value if type(value) is Frequency else Frequency.parse(value)


def _days(value: Iterable[Weekday | str] | str) -> tuple[Weekday, ...]:
    """Agreed days from 'mon,thu' (or 'mon;thu') or a sequence; each once, Monday first."""
    if value == ():  # the default: most assignments agree no days (cli_write)
        return ()
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    days = {Weekday.parse(v) for v in items if isinstance(v, Weekday) or str(v).strip()}
    return tuple(sorted(days, key=lambda d: d.index))


def _time(value: str) -> str:
    """An agreed time as 'HH:MM' (24-hour); '' when none was agreed."""
    if value == "":  # the default (cli_write)
        return ""
    text = str(value).strip()
    if not text:
        return ""
    match = _TIME_RE.match(text)
    if match is None:
        shown = text if len(text) <= 10 else f"<{len(text)} characters>"
        raise InvalidValueError("time", shown, "a time HH:MM (24-hour), e.g. 17:30")
    return f"{int(match[1]):02d}:{match[2]}"


_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@attrs.frozen(kw_only=True, repr=False, eq=False, slots=False)
class AssignmentSpec(Value):
    """An assignment's design: the task, its five documentation elements, the agreement.

    This is the typed input of ``assign`` (and of a wrap-up's next assignment)
    and the value stored in the ``HomeworkAssigned`` event: its fields are the
    one list of an assignment's fields (the CLI's options are made from it).
    Vocabulary fields accept their string values (``format="written"``).
    Only ``title``, ``format``, ``size`` and ``framing`` are required; the
    other fields are recorded where the therapist gives them.
    """

    title: str = attrs.field(metadata={"help": "Short title of the assignment"})
    format: Format = attrs.field(converter=_format, metadata={"help": "Format"})
    size: Size = attrs.field(converter=_size, metadata={"help": "tiny, small, medium or large"})
    framing: str = attrs.field(metadata={"help": "Framing label, e.g. experiment"})
    frequency: Frequency = attrs.field(
        default=Frequency.WEEKLY,
        converter=_frequency,
        metadata={"help": "Frequency (default weekly)"},
    )
    task: str = attrs.field(default="", metadata={"help": "The assignment in one sentence"})
    framing_wording: str = attrs.field(
        default="", metadata={"help": "The verbatim wording used to frame it"}
    )
    rationale: str = attrs.field(default="", metadata={"help": "The clinical rationale"})
    method: str = attrs.field(
        default="", metadata={"help": "How the client will do it (paper, phone note, app...)"}
    )
    barriers: str = attrs.field(default="", metadata={"help": "Barriers discussed"})
    followup_plan: str = attrs.field(default="", metadata={"help": "How it will be followed up"})
    when_where: str = attrs.field(
        default="", metadata={"help": "When and where the client expects to do it"}
    )
    started_in_session: bool = attrs.field(
        default=False, metadata={"help": "It was started in the session"}
    )
    confidence: int | None = attrs.field(
        default=None, metadata={"help": "The client's confidence 0-10"}
    )
    planned_doses: int | None = attrs.field(
        default=None, metadata={"help": "Planned doses (e.g. 7 for daily)"}
    )
    notes: str = attrs.field(default="", metadata={"help": "Free notes"})
    client_why: str = attrs.field(
        default="",
        metadata={"help": "Why it can help, in the client's words (the handout prints it)"},
    )
    days: tuple[Weekday, ...] = attrs.field(
        default=(),
        converter=_days,
        metadata={"help": "Agreed days, e.g. mon,thu (reminders fall on them)"},
    )
    time: str = attrs.field(
        default="", converter=_time, metadata={"help": "Agreed time HH:MM, e.g. 17:30"}
    )
    understanding: str = attrs.field(
        default="",
        metadata={"help": "The client's understanding and agreement, e.g. agreed, restated it"},
    )
    accommodations: str = attrs.field(
        default="",
        metadata={"help": "Accommodations, e.g. large print, Spanish handout, family joins"},
    )

    @property
    def framing_key(self) -> str:
        """The framing label as compared by the planner."""
        return normalize_framing(self.framing)

    def plain(self) -> dict[str, Any]:
        """The fields as plain values: vocabulary as strings, days as a tuple of strings."""
        return {f.name: plain_value(getattr(self, f.name)) for f in attrs.fields(AssignmentSpec)}

    def trimmed(self) -> AssignmentSpec:
        """The same design with the title, framing label and task stripped of spaces."""
        return attrs.evolve(
            self, title=self.title.strip(), framing=self.framing.strip(), task=self.task.strip()
        )


def plain_value(value: Any) -> Any:
    """A stored value as plain data: an enum as its value, a tuple's items likewise."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return tuple(plain_value(v) for v in value)
    return value


def upcast_reflection(state: dict[str, object]) -> None:
    """An outcome event of class version 1 read as version 2: no insights, no modification.

    ``Case.HomeworkCompleted`` and ``Case.HomeworkMissed`` gained ``insights``
    and ``modification`` in revision 2 (seed 003's next-session checklist);
    eventsourcing calls this on every older event as it is read.
    """
    state.setdefault("insights", "")
    state.setdefault("modification", "")


@attrs.frozen(repr=False, eq=False, slots=False)
class Resolution(Value):
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
    insights: str = ""
    """Clinical insights gained when it was reviewed (revision 2)."""
    modification: str = ""
    """The modification planned for the next assignment (revision 2)."""

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


@attrs.frozen(repr=False, eq=False, slots=False)
class Assignment(Value):
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


@attrs.frozen(repr=False, eq=False, slots=False)
class SessionRecord(Value):
    """A session held with the client."""

    number: int
    held_on: dt.date
    inferred: bool = False
    """True when the date was inferred rather than given."""


@attrs.frozen(repr=False, eq=False)
class FramingApproach(Value):
    """The client-level framing approach and why it was chosen."""

    label: str
    wording: str
    reason: str
    session: int


@attrs.frozen(repr=False, eq=False)
class ChangeRecord(Value):
    """A life or relationship change noted in the case."""

    kind: ChangeKind
    note: str
    session: int
    position: int
    """Order in the case's event sequence (for 'noted after the last review')."""


@attrs.frozen(repr=False, eq=False)
class SystemChoice(Value):
    """The between-session system the therapist chose at a review.

    Any value may be ``None`` when the therapist leaves it open.
    """

    format: Format | None = None
    size: Size | None = None
    frequency: Frequency | None = None
    framing: str | None = None
    framing_wording: str = ""


@attrs.frozen(repr=False, eq=False)
class FollowupProtocol(Value):
    """How to open the next session's homework review."""

    completed_opening: str = ""
    completed_listen_for: str = ""
    missed_opening: str = ""
    missed_diagnostic: str = ""


@attrs.frozen(repr=False, eq=False)
class Review(Value):
    """A recorded review of the client's system."""

    session: int
    system: SystemChoice
    followup: FollowupProtocol
    next_review_session: int
    trigger: ReviewTrigger
    notes: str
    position: int


@attrs.frozen(repr=False, eq=False)
class Correction(Value):
    """A correction of an earlier entry, kept for the audit trail."""

    assignment_id: int
    session: int
    changes: dict[str, object]
    reason: str
    position: int
