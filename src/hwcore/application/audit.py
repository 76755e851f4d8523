"""The audit trail: how a client's between-session system evolved, review by review.

Computed from the event log itself (never the read model): each review with
the system chosen, what changed since the previous review and what was noted
in between, the planner's recommendation at that moment, and how completion
went in the sessions that followed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from eventsourcing.domain import Aggregate

from hwcore.application.dto import NotedChange
from hwcore.application.eventstore.recording import recorded_by
from hwcore.application.records import AuditEntry, FieldChange
from hwcore.domain import Case, Outcome, SystemChoice
from hwcore.planner import build_planner

SYSTEM_FIELDS: tuple[str, ...] = ("format", "size", "frequency", "framing", "framing_wording")
"""The fields of a chosen system compared between reviews."""


def system_values(system: SystemChoice | None) -> dict[str, str | None]:
    """A chosen system as plain values (None for a field left open)."""
    if system is None:
        return dict.fromkeys(SYSTEM_FIELDS)
    return {
        "format": system.format.value if system.format else None,
        "size": system.size.value if system.size else None,
        "frequency": system.frequency.value if system.frequency else None,
        "framing": system.framing,
        "framing_wording": system.framing_wording or None,
    }


def field_changes(
    old: dict[str, str | None], new: dict[str, str | None]
) -> tuple[FieldChange, ...]:
    """The fields whose value differs, in ``SYSTEM_FIELDS`` order."""
    return tuple(FieldChange(f, old[f], new[f]) for f in SYSTEM_FIELDS if old[f] != new[f])


def noted_change(event: Aggregate.Event) -> NotedChange | None:
    """The explanation an event adds to the audit trail, if any."""
    if isinstance(event, Case.ChangeNoted):
        return NotedChange(event.session, event.kind.value, None, event.note)
    if isinstance(event, Case.FramingChanged):
        return NotedChange(event.session, "framing", event.label, event.reason)
    if isinstance(event, Case.EntryCorrected):
        return NotedChange(event.session, "correction", f"#{event.assignment_id}", event.reason)
    return None


def reflections(event: Aggregate.Event) -> list[NotedChange]:
    """The insights and the planned modification an outcome adds to the audit trail.

    Kind ``insights`` or ``modification``, labelled '#N' (the assignment).
    """
    if not isinstance(event, Case.HomeworkCompleted | Case.HomeworkMissed):
        return []
    label = f"#{event.assignment_id}"
    return [
        NotedChange(event.session, kind, label, text)
        for kind, text in (("insights", event.insights), ("modification", event.modification))
        if text
    ]


def audit_trail(events: Sequence[Aggregate.Event]) -> list[AuditEntry]:
    """One :class:`AuditEntry` per review, from a client's events in order."""
    case: Case | None = None
    found: list[tuple[Case.SystemReviewed, dict[str, str | None], tuple[NotedChange, ...]]] = []
    noted: list[NotedChange] = []
    for event in events:
        if isinstance(event, Case.SystemReviewed) and case is not None:
            # The recommendation the therapist saw when recording this review.
            rec = build_planner(case).system
            recommended = {
                "format": rec.format.value,
                "size": rec.size.value,
                "frequency": rec.frequency.value,
                "framing": rec.framing.value,
            }
            found.append((event, recommended, tuple(noted)))
            noted = []
        else:
            item = noted_change(event)
            if item is not None:
                noted.append(item)
            noted.extend(reflections(event))
        case = cast("Case", event.mutate(case))
    if case is None:
        return []

    entries: list[AuditEntry] = []
    previous: dict[str, str | None] = system_values(None)
    previous_session: int | None = None
    for index, (event, recommended, context) in enumerate(found):
        chosen = system_values(event.system)
        until = found[index + 1][0].session if index + 1 < len(found) else None
        after = [
            a
            for a in case.assignments.values()
            if a.session >= event.session and (until is None or a.session < until)
        ]
        resolved = [a for a in after if a.resolution is not None]
        held_on = case.session_date(event.session)
        entries.append(
            AuditEntry(
                review=index + 1,
                position=event.originator_version,
                recorded_at=event.timestamp.isoformat(),
                session=event.session,
                date=held_on.isoformat() if held_on else None,
                trigger=event.trigger.value,
                format=chosen["format"],
                size=chosen["size"],
                frequency=chosen["frequency"],
                framing=chosen["framing"],
                framing_wording=event.system.framing_wording,
                next_review_session=event.next_review_session,
                notes=event.notes,
                previous_session=previous_session,
                changes=field_changes(previous, chosen),
                noted=context,
                recommended=recommended,
                until_session=until,
                assigned_after=len(after),
                completed_after=sum(a.outcome is Outcome.COMPLETED for a in after),
                partial_after=sum(a.outcome is Outcome.PARTIAL for a in after),
                missed_after=sum(a.outcome is Outcome.MISSED for a in after),
                pending_after=len(after) - len(resolved),
                resolved_after=len(resolved),
                completion_rate_after=(
                    sum(a.resolution.score for a in resolved if a.resolution) / len(resolved)
                    if resolved
                    else None
                ),
                recorded_by=recorded_by(event),
            )
        )
        previous = chosen
        previous_session = event.session
    return entries
