"""The fixed vocabulary of spec section 2.

These values are stored in events: never rename or remove a value. Add new
members only at the end, and keep their string values stable forever.
"""

from __future__ import annotations

import enum
import functools
from typing import Self

from hwcore.domain.errors import VocabularyError


class Vocabulary(enum.Enum):
    """Base for vocabulary enums: parse user text with a clear error."""

    @classmethod
    def field_name(cls) -> str:
        """The user-facing name of this vocabulary field."""
        return cls.__name__.lower()

    @classmethod
    def allowed(cls) -> list[str]:
        """The allowed string values, in their defined order."""
        return [str(m.value) for m in cls]

    @classmethod
    def parse(cls, text: str | Self) -> Self:
        """Parse a user-given value (case-insensitive, surrounding spaces ignored).

        Raises:
            VocabularyError: naming the value (when it could be a word) and the allowed ones.
        """
        if isinstance(text, cls):
            return text
        key = str(text).strip().lower().replace("_", "-")
        for member in cls:
            if str(member.value) == key:
                return member
        raise VocabularyError(cls.field_name(), str(text), cls.allowed())

    def __str__(self) -> str:
        return str(self.value)


class Format(Vocabulary):
    """How the homework is done."""

    WRITTEN = "written"
    BEHAVIORAL = "behavioral"
    OBSERVATIONAL = "observational"
    VISUAL = "visual"
    OBJECT = "object"
    CONVERSATIONAL = "conversational"
    OTHER = "other"


class Size(Vocabulary):
    """How big the homework is; ordered from tiny to large."""

    TINY = "tiny"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def rank(self) -> int:
        """Position in the order tiny < small < medium < large."""
        return _SIZE_ORDER.index(self)

    def step_down(self) -> Size:
        """One size smaller (tiny stays tiny)."""
        return _SIZE_ORDER[max(0, self.rank - 1)]


_SIZE_ORDER = (Size.TINY, Size.SMALL, Size.MEDIUM, Size.LARGE)

SIZE_DESCRIPTIONS: dict[Size, str] = {
    Size.TINY: "under 5 minutes, one action",
    Size.SMALL: "5-15 minutes, one short step",
    Size.MEDIUM: "15-30 minutes, or a few steps / several short repetitions",
    Size.LARGE: "over 30 minutes, multi-step, or daily practice over the week",
}

FORMAT_DESCRIPTIONS: dict[Format, str] = {
    Format.WRITTEN: "journaling, letters, logs, worksheets",
    Format.BEHAVIORAL: "doing something specific",
    Format.OBSERVATIONAL: "noticing without recording",
    Format.VISUAL: "drawn or visual",
    Format.OBJECT: "object-based",
    Format.CONVERSATIONAL: "talking to someone",
    Format.OTHER: "other",
}


class Frequency(Vocabulary):
    """How often the homework is meant to be done."""

    ONCE = "once"
    WEEKLY = "weekly"
    SEVERAL_WEEKLY = "several-weekly"
    DAILY = "daily"
    PER_CYCLE = "per-cycle"
    AS_NEEDED = "as-needed"


class Outcome(Vocabulary):
    """What became of an assignment."""

    COMPLETED = "completed"
    PARTIAL = "partial"
    MISSED = "missed"
    PENDING = "pending"


class MissReason(Vocabulary):
    """Why an assignment was missed (zero or more per miss)."""

    FORGOTTEN = "forgotten"
    TOO_COMPLEX = "too-complex"
    WRONG_TIMING = "wrong-timing"
    WRONG_FORMAT = "wrong-format"
    FRAMING_PRESSURE = "framing-pressure"
    RELATIONAL = "relational"
    PRACTICAL_OBSTACLE = "practical-obstacle"
    OTHER = "other"

    @classmethod
    def field_name(cls) -> str:
        """The user-facing name of this vocabulary field."""
        return "reason"


class ReviewTrigger(Vocabulary):
    """What prompted a review of the client's system."""

    CADENCE = "cadence"
    THREE_CONSECUTIVE_MISSES = "three_consecutive_misses"
    LIFE_CHANGE = "life_change"
    RELATIONSHIP_CHANGE = "relationship_change"
    OTHER = "other"

    @classmethod
    def field_name(cls) -> str:
        """The user-facing name of this vocabulary field."""
        return "trigger"

    @classmethod
    def parse(cls, text: str | Self) -> Self:
        """Parse a trigger name; hyphens and underscores are equivalent."""
        if isinstance(text, cls):
            return text
        key = str(text).strip().lower().replace("-", "_")
        for member in cls:
            if member.value == key:
                return member
        raise VocabularyError(cls.field_name(), str(text), cls.allowed())


class ChangeKind(Vocabulary):
    """A change in the client's life or in the therapeutic relationship."""

    LIFE = "life"
    RELATIONSHIP = "relationship"
    OTHER = "other"

    @classmethod
    def field_name(cls) -> str:
        """The user-facing name of this vocabulary field."""
        return "kind"

    @property
    def trigger(self) -> ReviewTrigger:
        """The review trigger this kind of change activates."""
        return _CHANGE_TRIGGERS[self]


class Weekday(Vocabulary):
    """A day of the week the client agreed to do the homework on (revision 2)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def field_name(cls) -> str:
        """The user-facing name of this vocabulary field."""
        return "day"

    @property
    def index(self) -> int:
        """Monday = 0 ... Sunday = 6, as ``datetime.date.weekday()``."""
        return _WEEKDAY_ORDER.index(self)


_WEEKDAY_ORDER = tuple(Weekday)


_CHANGE_TRIGGERS = {
    ChangeKind.LIFE: ReviewTrigger.LIFE_CHANGE,
    ChangeKind.RELATIONSHIP: ReviewTrigger.RELATIONSHIP_CHANGE,
    ChangeKind.OTHER: ReviewTrigger.OTHER,
}


@functools.lru_cache(maxsize=4096)
def normalize_framing(label: str) -> str:
    """The comparison key of a framing label: case-insensitive, trimmed."""
    # Cached: the planner compares every assignment's framing several times,
    # and a client reuses a handful of labels.
    return label.strip().casefold()
