"""The snapshot wire format of a case (kept apart from its events and commands).

``Case.Snapshot`` (its topic ``hwcore.domain.case:Case.Snapshot`` is stored and
frozen) packs sessions and assignments as plain JSON here: enums as their
values, dates as ISO text, fields at their default left out, rather than as
transcoded values, so a case with 1,000 assignments loads several times
faster. Snapshots taken before packing (transcoded values) still load. The
style follows eventsourcing's ``examples/aggregate7/persistence.py``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from hwcore.domain.values import Assignment, AssignmentSpec, Resolution, SessionRecord
from hwcore.domain.vocabulary import Format, Frequency, MissReason, Outcome, Size

_SPEC_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in attrs.fields(AssignmentSpec) if f.default is not attrs.NOTHING
}
_RESOLUTION_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in attrs.fields(Resolution) if f.default is not attrs.NOTHING
}
_FORMATS = {m.value: m for m in Format}
_SIZES = {m.value: m for m in Size}
_FREQUENCIES = {m.value: m for m in Frequency}
_OUTCOMES = {m.value: m for m in Outcome}
_REASONS = {m.value: m for m in MissReason}
T = TypeVar("T")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _pack_fields(value: Any, defaults: Mapping[str, Any]) -> dict[str, Any]:
    packed = {}
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.name in defaults and item == defaults[field.name]:
            continue
        packed[field.name] = _plain(item)
    return packed


def pack_session(record: SessionRecord) -> list[Any]:
    """A session as ``[number, "YYYY-MM-DD", inferred]``."""
    return [record.number, record.held_on.isoformat(), record.inferred]


def unpack_session(item: Any) -> SessionRecord:
    """A session from its packed form (or an earlier snapshot's value)."""
    if isinstance(item, SessionRecord):  # a snapshot taken before packing
        return item
    number, held_on, inferred = item
    return _restored(
        SessionRecord,
        {"number": number, "held_on": dt.date.fromisoformat(held_on), "inferred": inferred},
    )


def pack_assignment(a: Assignment) -> dict[str, Any]:
    """An assignment as plain JSON (fields at their default left out)."""
    packed: dict[str, Any] = {
        "id": a.id,
        "session": a.session,
        "assigned_on": a.assigned_on.isoformat(),
        "spec": _pack_fields(a.spec, _SPEC_DEFAULTS),
    }
    if a.resolution is not None:
        packed["resolution"] = _pack_fields(a.resolution, _RESOLUTION_DEFAULTS)
    return packed


def unpack_assignment(item: Any) -> Assignment:
    """An assignment from its packed form (or an earlier snapshot's value)."""
    if isinstance(item, Assignment):  # a snapshot taken before packing
        return item
    spec = _fields(_SPEC_FIELDS, item["spec"], _SPEC_CONVERTED)
    spec["format"] = _FORMATS[spec["format"]]
    spec["size"] = _SIZES[spec["size"]]
    if "frequency" in item["spec"]:
        spec["frequency"] = _FREQUENCIES[spec["frequency"]]
    resolution = None
    packed = item.get("resolution")
    if packed is not None:
        fields = _fields(_RESOLUTION_FIELDS, packed, _RESOLUTION_CONVERTED)
        fields["outcome"] = _OUTCOMES[fields["outcome"]]
        if "reasons" in packed:
            fields["reasons"] = tuple([_REASONS[r] for r in packed["reasons"]])
        resolution = _restored(Resolution, fields)
    return _restored(
        Assignment,
        {
            "id": item["id"],
            "session": item["session"],
            "spec": _restored(AssignmentSpec, spec),
            "assigned_on": dt.date.fromisoformat(item["assigned_on"]),
            "resolution": resolution,
        },
    )


# Restoring a packed value: its fields, in declared order, filled in directly.
# The packed form was written from a value (its vocabulary as the enum's
# value, exactly), so __init__'s work is only the conversions done here: the
# vocabulary (and miss reasons) looked up, and each other converted field
# given (agreed days and time) run through its own converter. ``cli_write``: a case of
# 1,000 assignments loads in half the instructions (docs/performance.md).
# tests/unit/test_snapshot_format.py compares restored values with built ones.

_VOCABULARY = {"format", "size", "frequency", "outcome", "reasons"}
"""The fields looked up in their enum above (not through their converter)."""


def _converted(cls: type) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (f.name, f.converter)
        for f in attrs.fields(cls)
        if f.converter is not None and f.name not in _VOCABULARY
    )


_SPEC_FIELDS = {f.name: f.default for f in attrs.fields(AssignmentSpec)}
_SPEC_CONVERTED = _converted(AssignmentSpec)
_RESOLUTION_FIELDS = {f.name: f.default for f in attrs.fields(Resolution)}
_RESOLUTION_CONVERTED = _converted(Resolution)


def _fields(
    template: dict[str, Any], packed: Mapping[str, Any], converted: tuple[tuple[str, Any], ...]
) -> dict[str, Any]:
    """Every field of a packed value, in declared order: the given ones, else the defaults."""
    fields = template.copy()
    fields.update(packed)
    for name, convert in converted:
        if name in packed:
            fields[name] = convert(packed[name])
    return fields


def _restored(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of a (non-slotted) value class holding exactly these fields."""
    value = object.__new__(cls)
    value.__dict__.update(fields)
    return value


def pack_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """A case's snapshot state with its int-keyed maps packed as JSON lists."""
    packed = dict(state)
    packed["sessions"] = [pack_session(s) for s in state["sessions"].values()]
    packed["assignments"] = [pack_assignment(a) for a in state["assignments"].values()]
    return packed


def unpack_maps(
    sessions: Any, assignments: Any
) -> tuple[dict[int, SessionRecord], dict[int, Assignment]]:
    """The case's sessions and assignments rebuilt from a snapshot's lists."""
    return (
        {s.number: s for s in map(unpack_session, sessions)},
        {a.id: a for a in map(unpack_assignment, assignments)},
    )
