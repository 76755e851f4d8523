"""JSON transcodings for the values stored in events and snapshots.

eventsourcing's JSON transcoder serialises only UUID, Decimal and datetime by
itself; every other non-JSON type stored in an event needs a transcoding.
The transcoding *names* are stored with the data: never change them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
from eventsourcing.persistence import JSONTranscoder, Transcoding

from hwcore.domain import (
    Assignment,
    AssignmentSpec,
    ChangeKind,
    ChangeRecord,
    Correction,
    FollowupProtocol,
    Format,
    FramingApproach,
    Frequency,
    MissReason,
    Outcome,
    Resolution,
    Review,
    ReviewTrigger,
    SessionRecord,
    Size,
    SystemChoice,
    Weekday,
)


class DateAsISO(Transcoding):
    """``datetime.date`` as 'YYYY-MM-DD'."""

    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        """Encode a date."""
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        """Decode a date."""
        return dt.date.fromisoformat(data)


class EnumAsValue(Transcoding):
    """One vocabulary enum, stored as its string value."""

    def __init__(self, enum_type: type[enum.Enum], name: str):
        self.type = enum_type
        self.name = name
        # A plain dict lookup: calling the enum class is ~10x slower, and a
        # snapshot of a big case decodes thousands of members (planner load time).
        self._members: dict[Any, enum.Enum] = {m.value: m for m in enum_type}

    def encode(self, obj: enum.Enum) -> Any:
        """Encode an enum member."""
        return obj.value

    def decode(self, data: Any) -> enum.Enum:
        """Decode an enum member."""
        try:
            return self._members[data]
        except (KeyError, TypeError):
            member: enum.Enum = self.type(data)
            return member


class AttrsAsDict(Transcoding):
    """One attrs value class, stored as a dict of its fields (shallow)."""

    def __init__(self, cls: type[Any], name: str):
        self.type = cls
        self.name = name
        self._fields = tuple(f.name for f in attrs.fields(cls))
        self._field_set = frozenset(self._fields)

    def encode(self, obj: Any) -> dict[str, Any]:
        """Encode an attrs value (nested values are transcoded recursively)."""
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        """Decode an attrs value; unknown keys from newer versions are ignored."""
        if self._field_set.issuperset(data):  # the usual case: no filtering needed
            return self.type(**data)
        return self.type(**{k: v for k, v in data.items() if k in self._field_set})


ENUMS: dict[str, type[enum.Enum]] = {
    "hw_format": Format,
    "hw_size": Size,
    "hw_frequency": Frequency,
    "hw_outcome": Outcome,
    "hw_miss_reason": MissReason,
    "hw_review_trigger": ReviewTrigger,
    "hw_change_kind": ChangeKind,
    "hw_weekday": Weekday,
}

VALUES: dict[str, type[Any]] = {
    "hw_assignment_spec": AssignmentSpec,
    "hw_resolution": Resolution,
    "hw_assignment": Assignment,
    "hw_session": SessionRecord,
    "hw_framing": FramingApproach,
    "hw_change": ChangeRecord,
    "hw_system_choice": SystemChoice,
    "hw_followup": FollowupProtocol,
    "hw_review": Review,
    "hw_correction": Correction,
}


def register_hw_transcodings(transcoder: JSONTranscoder) -> None:
    """Register every hw transcoding on an eventsourcing JSON transcoder."""
    transcoder.register(DateAsISO())
    for name, enum_type in ENUMS.items():
        transcoder.register(EnumAsValue(enum_type, name))
    for name, cls in VALUES.items():
        transcoder.register(AttrsAsDict(cls, name))
