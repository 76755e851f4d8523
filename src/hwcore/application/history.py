"""Readable descriptions of a case's events (history and audit views)."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from hwcore.application.eventstore.recording import FIELD, recorded_by
from hwcore.application.records import HistoryEntry
from hwcore.domain import Case
from hwcore.planner import to_dict


def _plain(value: Any) -> Any:
    import enum

    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    converted = to_dict(value)
    if isinstance(converted, dict) and converted is not value:
        return _plain(converted)
    return value


def describe(event: Aggregate.Event) -> HistoryEntry:
    """One event as a readable history entry."""
    data = {
        k: _plain(v)
        for k, v in event.__dict__.items()
        if k not in ("originator_id", "originator_version", "timestamp", "originator_topic", FIELD)
    }
    name = type(event).__name__
    session = data.get("session", data.get("number"))
    return HistoryEntry(
        position=event.originator_version,
        recorded_at=event.timestamp.isoformat(timespec="seconds"),
        session=session if isinstance(session, int) else None,
        event=name,
        summary=summarize(event),
        data=data,
        recorded_by=recorded_by(event),
    )


def summarize(event: Aggregate.Event) -> str:
    """One line saying what happened, with the client's own words where given."""
    if isinstance(event, Case.Registered):
        return f"client {event.client} registered"
    if isinstance(event, Case.SessionHeld):
        inferred = " (date inferred)" if event.inferred else ""
        return f"session {event.number} held on {event.held_on.isoformat()}{inferred}"
    if isinstance(event, Case.SessionDateCorrected):
        return (
            f"session {event.number}'s date corrected to {event.held_on.isoformat()}"
            f" (reason: {event.reason})"
        )
    if isinstance(event, Case.HomeworkAssigned):
        s = event.spec
        extra = f"; {s.planned_doses} doses" if s.planned_doses else ""
        conf = f"; confidence {s.confidence}/10" if s.confidence is not None else ""
        return (
            f"assigned #{event.assignment_id} '{s.title}' ({s.format.value}, {s.size.value},"
            f" {s.frequency.value}, framed as '{s.framing}'{extra}{conf})"
        )
    if isinstance(event, Case.HomeworkCompleted):
        if event.partial:
            dose = f" {event.done} of {event.planned}" if event.done is not None else ""
            text = f"#{event.assignment_id} partly completed{dose}"
        else:
            text = f"#{event.assignment_id} completed"
        return text + (f': "{event.experience}"' if event.experience else "") + _reflection(event)
    if isinstance(event, Case.HomeworkMissed):
        reasons = ", ".join(r.value for r in event.reasons)
        text = f"#{event.assignment_id} missed"
        if reasons:
            text += f" ({reasons})"
        return text + (f': "{event.explanation}"' if event.explanation else "") + _reflection(event)
    if isinstance(event, Case.FramingChanged):
        why = f" because {event.reason}" if event.reason else ""
        return f"framing approach changed to '{event.label}'{why}"
    if isinstance(event, Case.ChangeNoted):
        return f"{event.kind.value} change noted: {event.note}"
    if isinstance(event, Case.SystemReviewed):
        chosen = event.system
        parts = [
            f"format {chosen.format.value if chosen.format else 'open'}",
            f"size {chosen.size.value if chosen.size else 'open'}",
            f"frequency {chosen.frequency.value if chosen.frequency else 'open'}",
            f"framing '{chosen.framing}'" if chosen.framing else "framing open",
        ]
        return (
            f"system reviewed ({event.trigger.value}): {', '.join(parts)};"
            f" next review at session {event.next_review_session}"
        )
    if isinstance(event, Case.EntryCorrected):
        fields = ", ".join(f"{k}={v}" for k, v in event.changes.items())
        return f"#{event.assignment_id} corrected: {fields} (reason: {event.reason})"
    return name_of(event)


def _reflection(event: Case.HomeworkCompleted | Case.HomeworkMissed) -> str:
    """'; insights: ...; modification: ...' (the therapist's words), or ''."""
    parts = [
        f"; {name}: {text}"
        for name, text in (("insights", event.insights), ("modification", event.modification))
        if text
    ]
    return "".join(parts)


def name_of(event: Aggregate.Event) -> str:
    """The event's class name."""
    return type(event).__name__
